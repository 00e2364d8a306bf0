import { NginxIngress } from '../../../src/constructs/edge/nginx';
import { EdgeTls } from '../../../src/constructs/edge/public-endpoint';
import { validateSchema } from '../../../src/check/schema';
import { find, synthConstruct } from '../../helpers';

const frontend = { service: 'demo-frontend', port: 8080 };
const backend = { service: 'demo-backend', port: 8000 };
const base = { name: 'demo', hosts: ['demo.example.com'], routes: [{ path: '/', backend: frontend }], className: 'nginx' };
const schemaProblems = (objects: any[]) => validateSchema(objects.map((object) => ({ file: 'test', object })));

describe('NginxIngress', () => {
  const minimal = synthConstruct((c) => new NginxIngress(c, 'edge', base));
  const full = synthConstruct(
    (c) =>
      new NginxIngress(c, 'edge', {
        ...base,
        hosts: ['demo.example.com', 'www.demo.example.com'],
        routes: [
          { path: '/api', backend },
          { path: '/', backend: frontend },
        ],
        internalPaths: ['/metrics', '/__debug/', '/api/metrics'],
        className: 'nginx-public',
        tls: EdgeTls.clusterIssuer('letsencrypt-prod'),
        maxBodyMiB: 25,
        timeoutSeconds: 3600,
        streaming: true,
        labels: { 'app.kubernetes.io/name': 'demo', team: 'search' },
      }),
  );

  test('minimal props', () => expect(minimal).toMatchSnapshot());
  test('full props', () => expect(full).toMatchSnapshot());

  test('every object passes the strict schema check', () => {
    expect(schemaProblems(minimal)).toEqual([]);
    expect(schemaProblems(full)).toEqual([]);
  });

  test('minimal: one Ingress with defaults, no internal Ingress, no issuer', () => {
    expect(minimal.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['Ingress/demo']);
    const ing = find(minimal, 'Ingress', 'demo');
    expect(ing.metadata.annotations).toEqual({
      'argocd.argoproj.io/sync-wave': '1',
      'berth.dev/route-role': 'public',
      'nginx.ingress.kubernetes.io/ssl-redirect': 'true',
      'nginx.ingress.kubernetes.io/proxy-body-size': '1m',
      'nginx.ingress.kubernetes.io/proxy-read-timeout': '60',
      'nginx.ingress.kubernetes.io/proxy-send-timeout': '60',
    });
  });

  test('TLS covers every host with the <name>-tls secret, on the IngressClass given', () => {
    const ing = find(full, 'Ingress', 'demo');
    expect(ing.spec.ingressClassName).toBe('nginx-public');
    expect(ing.spec.tls).toEqual([{ hosts: ['demo.example.com', 'www.demo.example.com'], secretName: 'demo-tls' }]);
    expect(ing.spec.rules.map((r: any) => r.host)).toEqual(['demo.example.com', 'www.demo.example.com']);
  });

  test('routes each path as a Prefix to the Service port by name', () => {
    const paths = find(full, 'Ingress', 'demo').spec.rules[0].http.paths;
    expect(paths).toEqual([
      { path: '/api', pathType: 'Prefix', backend: { service: { name: 'demo-backend', port: { name: 'http' } } } },
      { path: '/', pathType: 'Prefix', backend: { service: { name: 'demo-frontend', port: { name: 'http' } } } },
    ]);
  });

  test('proxy annotations: body size, timeouts for WebSockets and streams, buffering off for SSE, cert-manager issuer', () => {
    expect(find(full, 'Ingress', 'demo').metadata.annotations).toMatchObject({
      'cert-manager.io/cluster-issuer': 'letsencrypt-prod',
      'nginx.ingress.kubernetes.io/proxy-body-size': '25m',
      'nginx.ingress.kubernetes.io/proxy-read-timeout': '3600',
      'nginx.ingress.kubernetes.io/proxy-send-timeout': '3600',
      'nginx.ingress.kubernetes.io/proxy-buffering': 'off',
      'nginx.ingress.kubernetes.io/ssl-redirect': 'true',
      'berth.dev/internal-paths': '/metrics,/__debug,/api/metrics',
    });
  });

  test('no snippet annotations anywhere (off by default since ingress-nginx v1.9)', () => {
    for (const o of full) expect(Object.keys(o.metadata.annotations).filter((k) => k.includes('snippet'))).toEqual([]);
  });

  test('the internal Ingress admits no client and routes each internal path to the backend it shadows', () => {
    const block = find(full, 'Ingress', 'demo-internal');
    expect(block.metadata.annotations).toEqual({
      'argocd.argoproj.io/sync-wave': '1',
      'berth.dev/route-role': 'block',
      'berth.dev/internal-paths': '/metrics,/__debug,/api/metrics',
      'nginx.ingress.kubernetes.io/ssl-redirect': 'true',
      'nginx.ingress.kubernetes.io/allowlist-source-range': '127.0.0.1/32',
      'nginx.ingress.kubernetes.io/whitelist-source-range': '127.0.0.1/32',
      'nginx.ingress.kubernetes.io/denylist-source-range': '0.0.0.0/0,::/0',
    });
    expect(block.spec.ingressClassName).toBe('nginx-public');
    expect(block.spec.tls).toEqual(find(full, 'Ingress', 'demo').spec.tls);
    expect(block.spec.rules[0].http.paths.map((p: any) => [p.path, p.pathType, p.backend.service.name])).toEqual([
      ['/metrics', 'Prefix', 'demo-frontend'],
      ['/__debug', 'Prefix', 'demo-frontend'],
      ['/api/metrics', 'Prefix', 'demo-backend'],
    ]);
  });

  test('only the public Ingress asks cert-manager for the certificate (one Certificate per secret)', () => {
    expect(find(full, 'Ingress', 'demo-internal').metadata.annotations['cert-manager.io/cluster-issuer']).toBeUndefined();
  });

  test('EdgeTls.issuer uses the namespaced issuer annotation; EdgeTls.certificate writes the Certificate instead', () => {
    const issuer = synthConstruct((c) => new NginxIngress(c, 'edge', { ...base, tls: EdgeTls.issuer('local-ca') }));
    expect(find(issuer, 'Ingress', 'demo').metadata.annotations['cert-manager.io/issuer']).toBe('local-ca');

    const explicit = synthConstruct((c) => new NginxIngress(c, 'edge', { ...base, tls: EdgeTls.certificate('letsencrypt-prod') }));
    const ann = find(explicit, 'Ingress', 'demo').metadata.annotations;
    expect(Object.keys(ann).filter((k) => k.startsWith('cert-manager.io/'))).toEqual([]);
    expect(find(explicit, 'Certificate', 'demo-tls').spec).toEqual({
      secretName: 'demo-tls',
      dnsNames: ['demo.example.com'],
      issuerRef: { group: 'cert-manager.io', kind: 'ClusterIssuer', name: 'letsencrypt-prod' },
    });
  });

  test('fails when hosts is empty', () => {
    expect(() => synthConstruct((c) => new NginxIngress(c, 'edge', { ...base, hosts: [] }))).toThrow(
      'NginxIngress: hosts is empty; list at least one host name, e.g. demo.example.com',
    );
  });

  test('fails when an internal path is a routed prefix', () => {
    expect(() => synthConstruct((c) => new NginxIngress(c, 'edge', { ...base, internalPaths: ['/'] }))).toThrow(
      'NginxIngress: internal path "/" is also a routed prefix, so blocking it would block the app; list only internal endpoints such as /metrics',
    );
  });

  test('fails when className is empty', () => {
    expect(() => synthConstruct((c) => new NginxIngress(c, 'edge', { ...base, className: '' }))).toThrow(
      'NginxIngress: className is empty; name the IngressClass of the ingress-nginx controller, e.g. nginx',
    );
  });

  test('fails when maxBodyMiB is not a whole number', () => {
    expect(() => synthConstruct((c) => new NginxIngress(c, 'edge', { ...base, maxBodyMiB: 0.5 }))).toThrow(
      'NginxIngress: maxBodyMiB is 0.5; use a whole number of MiB, at least 1',
    );
  });
});
