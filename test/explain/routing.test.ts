/** The routing model on hand-written objects: each profile's precedence rules, one at a time. */
import { elementPrefixMatches, inferModel, routeRequest, traefikRule } from '../../src/explain/routing';

const ingress = (name: string, paths: Array<[string, string, string]>, annotations: Record<string, string> = {}, host = 'a.example.com') => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: { name, namespace: 'ns', annotations },
  spec: { tls: [{ hosts: [host], secretName: 'x' }], rules: [{ host, http: { paths: paths.map(([path, pathType, svc]) => ({ path, pathType, backend: { service: { name: svc, port: { name: 'http' } } } })) } }] },
});
const route = (name: string, rules: any[], extra: Record<string, unknown> = {}) => ({
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'HTTPRoute',
  metadata: { name, namespace: 'ns', ...extra },
  spec: { hostnames: ['a.example.com'], rules },
});
const req = (path: string) => ({ host: 'a.example.com', path });

describe('Ingress (nginx) semantics', () => {
  const objects = [ingress('app', [['/', 'Prefix', 'web'], ['/api', 'Prefix', 'api'], ['/api/v1/login', 'Exact', 'auth'], ['/api/v1', 'Prefix', 'v1']])];

  test('an Exact path wins over every prefix; then the longest prefix, by whole path elements', () => {
    expect(routeRequest(objects, req('/api/v1/login')).routed).toBe('auth:http');
    expect(routeRequest(objects, req('/api/v1/login/x')).routed).toBe('v1:http');
    expect(routeRequest(objects, req('/api/v1')).routed).toBe('v1:http');
    expect(routeRequest(objects, req('/api/v10')).routed).toBe('api:http');
    expect(routeRequest(objects, req('/apix')).routed).toBe('web:http');
  });

  test('a trailing slash on a Prefix is ignored', () => {
    expect(elementPrefixMatches('/__debug/', '/__debug')).toBe(true);
    expect(elementPrefixMatches('/__debug/', '/__debugger')).toBe(false);
  });

  test('source ranges: outside the allowlist or inside the denylist is blocked', () => {
    const allow = [ingress('app', [['/', 'Prefix', 'web']], { 'nginx.ingress.kubernetes.io/whitelist-source-range': '10.0.0.0/8' })];
    expect(routeRequest(allow, req('/')).routed).toBe('blocked');
    expect(routeRequest(allow, { ...req('/'), clientIp: '10.1.2.3' }).routed).toBe('web:http');
    const deny = [ingress('app', [['/', 'Prefix', 'web']], { 'nginx.ingress.kubernetes.io/denylist-source-range': '203.0.113.0/24' })];
    expect(routeRequest(deny, req('/')).routed).toBe('blocked');
  });

  test('plain HTTP to a host with TLS is redirected unless ssl-redirect is "false"', () => {
    expect(routeRequest(objects, req('/'), { scheme: 'http' }).routed).toBe('redirected');
    const off = [ingress('app', [['/', 'Prefix', 'web']], { 'nginx.ingress.kubernetes.io/ssl-redirect': 'false' })];
    expect(routeRequest(off, req('/'), { scheme: 'http' }).routed).toBe('web:http');
  });

  test('an exact host is served by its own rules; a wildcard covers one label', () => {
    const objects2 = [ingress('wild', [['/', 'Prefix', 'wild']], {}, '*.example.com'), ingress('app', [['/api', 'Prefix', 'api']])];
    expect(routeRequest(objects2, req('/')).routed).toBe('none');
    expect(routeRequest(objects2, { host: 'b.example.com', path: '/' }).routed).toBe('wild:http');
    expect(routeRequest(objects2, { host: 'c.b.example.com', path: '/' }).routed).toBe('none');
  });
});

describe('Traefik semantics', () => {
  const traefik = { 'traefik.ingress.kubernetes.io/router.entrypoints': 'websecure' };

  test('the default priority is the rule length, so a longer rule wins even when less specific', () => {
    expect(traefikRule('a.example.com', '/', 'Prefix')).toBe('Host(`a.example.com`) && PathPrefix(`/`)');
    // PathPrefix(`/a`) vs Path(`/a`): the prefix rule is longer, so it wins for /a.
    const objects = [ingress('app', [['/a', 'Exact', 'exact'], ['/a', 'Prefix', 'prefix']], traefik)];
    expect(inferModel(objects)).toBe('traefik');
    expect(routeRequest(objects, req('/a')).routed).toBe('prefix:http');
  });

  test('router.priority overrides the rule length', () => {
    const objects = [ingress('app', [['/', 'Prefix', 'web']], traefik), ingress('block', [['/m', 'Prefix', 'm']], { ...traefik, 'traefik.ingress.kubernetes.io/router.priority': '1' })];
    expect(routeRequest(objects, req('/m')).routed).toBe('web:http');
  });

  test('routers on another entry point are not consulted', () => {
    const objects = [ingress('http', [['/', 'Prefix', 'web']], { 'traefik.ingress.kubernetes.io/router.entrypoints': 'web' })];
    expect(routeRequest(objects, req('/'), { model: 'traefik' }).routed).toBe('none');
    expect(routeRequest(objects, req('/'), { model: 'traefik', scheme: 'http' }).routed).toBe('web:http');
  });
});

describe('Gateway API semantics', () => {
  const backend = (name: string, port = 80, weight?: number) => ({ name, port, ...(weight === undefined ? {} : { weight }) });

  test('Exact beats any PathPrefix across routes; then the longest prefix', () => {
    const objects = [
      route('a', [{ matches: [{ path: { type: 'PathPrefix', value: '/api/v1/users' } }], backendRefs: [backend('long')] }]),
      route('b', [
        { matches: [{ path: { type: 'Exact', value: '/api' } }], backendRefs: [backend('exact')] },
        { matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: [backend('root')] },
      ]),
    ];
    expect(routeRequest(objects, req('/api')).routed).toBe('exact:80');
    expect(routeRequest(objects, req('/api/v1/users/7')).routed).toBe('long:80');
    expect(routeRequest(objects, req('/api/v1/usersx')).routed).toBe('root:80');
  });

  test('a rule with no backendRefs, or only zero weights, is blocked (500); a RequestRedirect redirects', () => {
    const objects = [
      route('r', [
        { matches: [{ path: { type: 'PathPrefix', value: '/none' } }] },
        { matches: [{ path: { type: 'PathPrefix', value: '/zero' } }], backendRefs: [backend('z', 80, 0)] },
        { matches: [{ path: { type: 'PathPrefix', value: '/old' } }], filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https' } }] },
      ]),
    ];
    expect(routeRequest(objects, req('/none/x')).routed).toBe('blocked');
    expect(routeRequest(objects, req('/zero')).routed).toBe('blocked');
    expect(routeRequest(objects, req('/old')).routed).toBe('redirected');
    expect(routeRequest(objects, req('/other')).routed).toBe('none');
  });

  test('ties go to the older route, then to namespace/name order', () => {
    const rule = (svc: string) => [{ matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: [backend(svc)] }];
    expect(routeRequest([route('b', rule('b')), route('a', rule('a'))], req('/')).routed).toBe('a:80');
    const older = [route('a', rule('a'), { creationTimestamp: '2026-02-01T00:00:00Z' }), route('b', rule('b'), { creationTimestamp: '2026-01-01T00:00:00Z' })];
    expect(routeRequest(older, req('/')).routed).toBe('b:80');
  });

  test('a numeric backend port is shown by name when the Service is among the objects', () => {
    const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'ns' }, spec: { ports: [{ name: 'http', port: 8080 }] } };
    const objects = [svc, route('r', [{ backendRefs: [backend('web', 8080)] }])];
    expect(routeRequest(objects, req('/anything')).routed).toBe('web:http');
  });
});
