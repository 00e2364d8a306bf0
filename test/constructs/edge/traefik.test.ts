import { EdgeTls } from '../../../src/constructs/edge/public-endpoint';
import { TRAEFIK_BLOCK_PRIORITY, TraefikIngress } from '../../../src/constructs/edge/traefik';
import { validateSchema } from '../../../src/check/schema';
import { traefikRule } from '../../../src/explain/routing';
import { find, synthConstruct } from '../../helpers';

const frontend = { service: 'demo-frontend', port: 8080 };
const backend = { service: 'demo-backend', port: 8000 };
const base = { name: 'demo', namespace: 'demo', hosts: ['demo.example.com'], routes: [{ path: '/', backend: frontend }], className: 'traefik' };
const schemaProblems = (objects: any[]) => validateSchema(objects.map((object) => ({ file: 'test', object })));
const ROUTER = 'traefik.ingress.kubernetes.io/router';

describe('TraefikIngress', () => {
  const minimal = synthConstruct((c) => new TraefikIngress(c, 'edge', base));
  const full = synthConstruct(
    (c) =>
      new TraefikIngress(c, 'edge', {
        ...base,
        namespace: 'search',
        hosts: ['demo.example.com', 'www.demo.example.com'],
        routes: [
          { path: '/api', backend },
          { path: '/', backend: frontend },
        ],
        internalPaths: ['/metrics', '/__debug/'],
        className: 'traefik-public',
        tls: EdgeTls.clusterIssuer('letsencrypt-staging'),
        maxBodyMiB: 25,
        hstsMaxAgeSeconds: 63072000,
        entryPoint: 'https',
        httpEntryPoint: 'http',
      }),
    'search',
  );
  const streaming = synthConstruct((c) => new TraefikIngress(c, 'edge', { ...base, streaming: true, hstsMaxAgeSeconds: 0 }));

  test('minimal props', () => expect(minimal).toMatchSnapshot());
  test('full props', () => expect(full).toMatchSnapshot());

  test('every object passes the strict schema check', () => {
    expect(schemaProblems(minimal)).toEqual([]);
    expect(schemaProblems(full)).toEqual([]);
  });

  test('middlewares: HSTS headers, body limit, HTTPS redirect, loopback-only allowlist', () => {
    expect(find(full, 'Middleware', 'demo-headers').spec).toEqual({ headers: { stsSeconds: 63072000, stsIncludeSubdomains: true } });
    expect(find(full, 'Middleware', 'demo-body-limit').spec).toEqual({ buffering: { maxRequestBodyBytes: 25 * 1024 * 1024 } });
    expect(find(full, 'Middleware', 'demo-redirect-https').spec).toEqual({ redirectScheme: { scheme: 'https', permanent: true } });
    expect(find(full, 'Middleware', 'demo-internal-only').spec).toEqual({ ipAllowList: { sourceRange: ['127.0.0.1/32'] } });
    for (const m of full.filter((o) => o.kind === 'Middleware')) {
      expect(m.apiVersion).toBe('traefik.io/v1alpha1');
      // Before the Ingresses (wave 1): a router whose Middleware is missing is disabled.
      expect(m.metadata.annotations).toEqual({ 'argocd.argoproj.io/sync-wave': '0', 'argocd.argoproj.io/sync-options': 'SkipDryRunOnMissingResource=true' });
    }
  });

  test('the public router: HTTPS entry point, TLS, middlewares attached as <namespace>-<name>@kubernetescrd', () => {
    const ing = find(full, 'Ingress', 'demo');
    expect(ing.spec.ingressClassName).toBe('traefik-public');
    expect(ing.spec.tls).toEqual([{ hosts: ['demo.example.com', 'www.demo.example.com'], secretName: 'demo-tls' }]);
    expect(ing.metadata.annotations).toMatchObject({
      [`${ROUTER}.entrypoints`]: 'https',
      [`${ROUTER}.tls`]: 'true',
      [`${ROUTER}.middlewares`]: 'search-demo-headers@kubernetescrd,search-demo-body-limit@kubernetescrd',
      'cert-manager.io/cluster-issuer': 'letsencrypt-staging',
      'berth.dev/route-role': 'public',
      'berth.dev/internal-paths': '/metrics,/__debug',
    });
    expect(ing.metadata.annotations[`${ROUTER}.priority`]).toBeUndefined();
  });

  test('the blocking router: allowlist first, a priority above any default rule-length priority', () => {
    const block = find(full, 'Ingress', 'demo-internal');
    expect(block.metadata.annotations).toMatchObject({
      [`${ROUTER}.entrypoints`]: 'https',
      [`${ROUTER}.tls`]: 'true',
      [`${ROUTER}.middlewares`]: 'search-demo-internal-only@kubernetescrd,search-demo-headers@kubernetescrd',
      [`${ROUTER}.priority`]: String(TRAEFIK_BLOCK_PRIORITY),
      'berth.dev/route-role': 'block',
    });
    expect(block.metadata.annotations['cert-manager.io/cluster-issuer']).toBeUndefined();
    expect(block.spec.rules[0].http.paths.map((p: any) => [p.path, p.pathType])).toEqual([['/metrics', 'Prefix'], ['/__debug', 'Prefix']]);
    const longestDefault = traefikRule(`${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`, '/a/very/long/public/prefix/for/good/measure', 'Prefix').length;
    expect(TRAEFIK_BLOCK_PRIORITY).toBeGreaterThan(longestDefault * 10);
  });

  test('plain HTTP: one redirect router for every path on the HTTP entry point, without TLS', () => {
    const http = find(full, 'Ingress', 'demo-http');
    expect(http.metadata.annotations).toMatchObject({
      [`${ROUTER}.entrypoints`]: 'http',
      [`${ROUTER}.middlewares`]: 'search-demo-redirect-https@kubernetescrd',
      'berth.dev/route-role': 'redirect',
    });
    expect(http.spec.tls).toBeUndefined();
    expect(http.spec.rules.map((r: any) => r.http.paths.map((p: any) => p.path))).toEqual([['/'], ['/']]);
  });

  test('minimal: no internal Ingress and no allowlist Middleware without internal paths', () => {
    expect(minimal.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'Ingress/demo',
      'Ingress/demo-http',
      'Middleware/demo-body-limit',
      'Middleware/demo-headers',
      'Middleware/demo-redirect-https',
    ]);
  });

  test('streaming: no buffering Middleware (it would hold SSE back); HSTS 0: no headers Middleware', () => {
    expect(streaming.filter((o) => o.kind === 'Middleware').map((o) => o.metadata.name)).toEqual(['demo-redirect-https']);
    expect(find(streaming, 'Ingress', 'demo').metadata.annotations[`${ROUTER}.middlewares`]).toBeUndefined();
  });

  test('fails when namespace is empty', () => {
    expect(() => synthConstruct((c) => new TraefikIngress(c, 'edge', { ...base, namespace: '' }))).toThrow(
      'TraefikIngress: namespace is empty; Middleware references need the namespace of the Ingress',
    );
  });

  test('fails when hstsMaxAgeSeconds is negative', () => {
    expect(() => synthConstruct((c) => new TraefikIngress(c, 'edge', { ...base, hstsMaxAgeSeconds: -1 }))).toThrow(
      'TraefikIngress: hstsMaxAgeSeconds is -1; use a whole number of seconds (0 turns HSTS off)',
    );
  });
});
