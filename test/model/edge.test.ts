/** Spec → edge objects: profile and class per environment, TLS source, internal paths, ServiceMonitors. */
import { edgeProfile, internalPaths } from '../../src/model/edge';
import { ServiceSpec } from '../../src/spec/schema';
import { environment, find, specInput, synthSpec } from '../helpers';

const edge = { hosts: ['demo.example.com'] };
const names = (objects: any[], kind: string) => objects.filter((o) => o.kind === kind).map((o) => o.metadata.name).sort();

describe('buildEdge', () => {
  test('no edge: no route objects at all', () => {
    const objects = synthSpec(specInput());
    expect(objects.filter((o) => ['Ingress', 'HTTPRoute', 'Middleware', 'Certificate'].includes(o.kind))).toEqual([]);
  });

  test('the environment picks the profile and the IngressClass; the spec may override both', () => {
    const traefik = synthSpec(specInput({ edge }), environment({ edgeProfile: 'traefik', ingressClassName: 'traefik-ext' }));
    expect(find(traefik, 'Ingress', 'demo').spec.ingressClassName).toBe('traefik-ext');
    expect(names(traefik, 'Middleware').length).toBeGreaterThan(0);

    const nginx = synthSpec(specInput({ edge: { ...edge, profile: 'nginx', className: 'nginx-internal' } }), environment({ edgeProfile: 'traefik' }));
    expect(find(nginx, 'Ingress', 'demo').spec.ingressClassName).toBe('nginx-internal');
    expect(find(nginx, 'Ingress', 'demo').metadata.annotations['nginx.ingress.kubernetes.io/ssl-redirect']).toBe('true');
    expect(names(nginx, 'Middleware')).toEqual([]);
  });

  test('TLS: the environment ClusterIssuer by default, else the spec issuer, or an explicit Certificate', () => {
    const env = environment({ edgeProfile: 'nginx', clusterIssuer: 'letsencrypt-staging' });
    const byEnv = synthSpec(specInput({ edge }), env);
    expect(find(byEnv, 'Ingress', 'demo').metadata.annotations['cert-manager.io/cluster-issuer']).toBe('letsencrypt-staging');
    const bySpec = synthSpec(specInput({ edge: { ...edge, tls: { issuer: 'team-ca' } } }), env);
    expect(find(bySpec, 'Ingress', 'demo').metadata.annotations['cert-manager.io/issuer']).toBe('team-ca');
    const explicit = synthSpec(specInput({ edge: { ...edge, tls: { certificate: { issuer: 'letsencrypt-prod' } } } }), env);
    expect(find(explicit, 'Certificate', 'demo-tls').spec.issuerRef).toEqual({ group: 'cert-manager.io', kind: 'ClusterIssuer', name: 'letsencrypt-prod' });
  });

  test('gateway: an HTTPRoute to the environment Gateway unless the spec names one', () => {
    const env = environment({ edgeProfile: 'gateway', gateway: { name: 'shared', namespace: 'gateway', sectionName: 'https' } });
    const byEnv = synthSpec(specInput({ edge }), env);
    expect(find(byEnv, 'HTTPRoute', 'demo').spec.parentRefs[0]).toMatchObject({ name: 'shared', namespace: 'gateway', sectionName: 'https' });
    const bySpec = synthSpec(specInput({ edge: { ...edge, gateway: { name: 'team', namespace: 'team-gw' } } }), env);
    expect(find(bySpec, 'HTTPRoute', 'demo').spec.parentRefs[0]).toMatchObject({ name: 'team', namespace: 'team-gw' });
    expect(find(bySpec, 'HTTPRoute', 'demo').spec.rules[0].backendRefs).toEqual([{ kind: 'Service', name: 'demo-api', port: 8000 }]);
  });

  test('fails when the gateway profile has no Gateway', () => {
    expect(() => synthSpec(specInput({ edge }), environment({ edgeProfile: 'gateway' }), 'prod')).toThrow(
      'buildEdge: profile "gateway" needs a Gateway; set edge.gateway or environments.prod.gateway in berth.yaml',
    );
  });

  test('only public processes are routed', () => {
    const input = specInput({
      web: {
        api: { port: 8000, health: { liveness: '/health' }, paths: ['/'] },
        auth: { port: 6001, health: { liveness: '/health' }, public: false, allowFrom: ['api'], paths: ['/auth'] },
      },
      edge,
    });
    const ingress = find(synthSpec(input, environment({ edgeProfile: 'nginx' })), 'Ingress', 'demo');
    expect(ingress.spec.rules[0].http.paths.map((p: any) => p.backend.service.name)).toEqual(['demo-api']);
  });
});

describe('edge.websockets', () => {
  const gatewayEnv = environment({ edgeProfile: 'gateway', gateway: { name: 'shared', namespace: 'gateway', sectionName: 'https' } });
  const web = {
    api: { port: 8000, health: { liveness: '/h' }, metrics: { path: '/metrics', port: 9100 } },
    internal: { port: 8001, public: false, health: { liveness: '/h' } },
  };
  const appProtocols = (objects: any[], name: string) => find(objects, 'Service', name).spec.ports.map((p: any) => `${p.name}=${p.appProtocol}`);

  test('ingress-nginx: sockets may stay quiet for an hour unless the spec sets timeoutSeconds', () => {
    const nginx = environment({ edgeProfile: 'nginx' });
    const timeouts = (e: object) => {
      const a = find(synthSpec(specInput({ edge: { ...edge, ...e } }), nginx), 'Ingress', 'demo').metadata.annotations;
      return [a['nginx.ingress.kubernetes.io/proxy-read-timeout'], a['nginx.ingress.kubernetes.io/proxy-send-timeout']];
    };
    expect(timeouts({})).toEqual(['60', '60']);
    expect(timeouts({ websockets: true })).toEqual(['3600', '3600']);
    expect(timeouts({ websockets: true, timeoutSeconds: 600 })).toEqual(['600', '600']);
  });

  test('Gateway API: the routed Service port declares kubernetes.io/ws; other ports and unrouted processes keep http', () => {
    const on = synthSpec(specInput({ web, edge: { ...edge, websockets: true } }), gatewayEnv);
    expect(appProtocols(on, 'demo-api')).toEqual(['http=kubernetes.io/ws', 'metrics=http']);
    expect(appProtocols(on, 'demo-internal')).toEqual(['http=http']);
    const off = synthSpec(specInput({ web, edge }), gatewayEnv);
    expect(appProtocols(off, 'demo-api')).toEqual(['http=http', 'metrics=http']);
  });

  test('ingress-nginx and Traefik upgrade every connection: the Services keep appProtocol http', () => {
    for (const env of [environment({ edgeProfile: 'nginx' }), environment({ edgeProfile: 'traefik' })]) {
      expect(appProtocols(synthSpec(specInput({ web, edge: { ...edge, websockets: true } }), env), 'demo-api')).toEqual(['http=http', 'metrics=http']);
    }
  });
});

describe('internalPaths', () => {
  const web = (metrics: object | undefined, extra: object = {}) => ({ port: 8000, health: { liveness: '/health' }, metrics, ...extra });

  test('adds the metrics path of a public process that serves it on the public port', () => {
    const spec = ServiceSpec.parse(specInput({ web: { api: web({ path: '/api/metrics' }) }, edge: { ...edge, internalPaths: ['/__debug/'] } }));
    expect(internalPaths(spec)).toEqual(['/__debug/', '/api/metrics']);
  });

  test('a separate metrics port, or a process the edge never routes, needs no block', () => {
    const spec = ServiceSpec.parse(
      specInput({
        web: { api: web({ path: '/metrics', port: 9100 }), worker: web({ path: '/metrics' }, { public: false, allowFrom: ['api'] }) },
        edge,
      }),
    );
    expect(internalPaths(spec)).toEqual([]);
  });

  test('listed and automatic paths are not repeated', () => {
    const spec = ServiceSpec.parse(specInput({ web: { api: web({}) }, edge: { ...edge, internalPaths: ['/metrics'] } }));
    expect(internalPaths(spec)).toEqual(['/metrics']);
  });

  test('edgeProfile: the spec wins over the environment', () => {
    expect(edgeProfile(ServiceSpec.parse(specInput({ edge })).edge!, environment({ edgeProfile: 'nginx' }))).toBe('nginx');
    expect(edgeProfile(ServiceSpec.parse(specInput({ edge: { ...edge, profile: 'gateway' } })).edge!, environment({ edgeProfile: 'nginx' }))).toBe('gateway');
  });
});

describe('ServiceMonitors', () => {
  test('one per web process with metrics, on the metrics port when separate, else http; labels from the environment', () => {
    const input = specInput({
      web: {
        api: { port: 8000, health: { liveness: '/health' }, metrics: { path: '/api/metrics' } },
        admin: { port: 8001, health: { liveness: '/health' }, metrics: { port: 9100 }, public: false, allowFrom: ['api'] },
        plain: { port: 8002, health: { liveness: '/health' }, public: false, allowFrom: ['api'] },
      },
    });
    const objects = synthSpec(input, environment({ serviceMonitorLabels: { prometheus: 'platform' } }));
    expect(names(objects, 'ServiceMonitor')).toEqual(['demo-admin', 'demo-api']);
    const api = find(objects, 'ServiceMonitor', 'demo-api');
    expect(api.spec.endpoints).toEqual([{ port: 'http', path: '/api/metrics' }]);
    expect(api.spec.selector.matchLabels).toEqual(find(objects, 'Service', 'demo-api').spec.selector);
    expect(api.metadata.labels.prometheus).toBe('platform');
    expect(find(objects, 'ServiceMonitor', 'demo-admin').spec.endpoints).toEqual([{ port: 'metrics', path: '/metrics' }]);
    // The port names exist on the Services they select.
    expect(find(objects, 'Service', 'demo-admin').spec.ports.map((p: any) => p.name)).toContain('metrics');
  });
});
