import { GatewayRoute } from '../../../src/constructs/edge/gateway';
import { EdgeTls } from '../../../src/constructs/edge/public-endpoint';
import { validateSchema } from '../../../src/check/schema';
import { find, synthConstruct } from '../../helpers';

const frontend = { service: 'demo-frontend', port: 8080 };
const backend = { service: 'demo-backend', port: 8000 };
const gateway = { name: 'public', namespace: 'gateway', sectionName: 'https' };
const base = { name: 'demo', hosts: ['demo.example.com'], routes: [{ path: '/', backend: frontend }], gateway };
const schemaProblems = (objects: any[]) => validateSchema(objects.map((object) => ({ file: 'test', object })));

describe('GatewayRoute', () => {
  const minimal = synthConstruct((c) => new GatewayRoute(c, 'edge', base));
  const full = synthConstruct(
    (c) =>
      new GatewayRoute(c, 'edge', {
        ...base,
        hosts: ['demo.example.com', '*.demo.example.com'],
        routes: [
          { path: '/api', backend },
          { path: '/health', backend },
          { path: '/', backend: frontend },
        ],
        internalPaths: ['/metrics', '/__debug/'],
        hstsMaxAgeSeconds: 600,
        tls: EdgeTls.certificate('internal-ca', 'Issuer'),
      }),
  );

  test('minimal props', () => expect(minimal).toMatchSnapshot());
  test('full props', () => expect(full).toMatchSnapshot());

  test('every object passes the strict schema check', () => {
    expect(schemaProblems(minimal)).toEqual([]);
    expect(schemaProblems(full)).toEqual([]);
  });

  test('attaches to the named Gateway listener, for the hosts', () => {
    const route = find(full, 'HTTPRoute', 'demo');
    expect(route.apiVersion).toBe('gateway.networking.k8s.io/v1');
    expect(route.spec.parentRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'public', namespace: 'gateway', sectionName: 'https' }]);
    expect(route.spec.hostnames).toEqual(['demo.example.com', '*.demo.example.com']);
    expect(route.metadata.annotations).toEqual({
      'argocd.argoproj.io/sync-wave': '1',
      'argocd.argoproj.io/sync-options': 'SkipDryRunOnMissingResource=true',
      'berth.dev/route-role': 'public',
      'berth.dev/internal-paths': '/metrics,/__debug',
    });
  });

  test('one rule per backend: PathPrefix matches, the Service port by number, HSTS on the response', () => {
    const rules = find(full, 'HTTPRoute', 'demo').spec.rules;
    expect(rules.map((r: any) => [r.matches.map((m: any) => `${m.path.type} ${m.path.value}`), r.backendRefs])).toEqual([
      [['PathPrefix /api', 'PathPrefix /health'], [{ kind: 'Service', name: 'demo-backend', port: 8000 }]],
      [['PathPrefix /'], [{ kind: 'Service', name: 'demo-frontend', port: 8080 }]],
    ]);
    expect(rules[0].filters).toEqual([
      { type: 'ResponseHeaderModifier', responseHeaderModifier: { set: [{ name: 'Strict-Transport-Security', value: 'max-age=600; includeSubDomains' }] } },
    ]);
  });

  test('the internal route matches the internal paths and forwards nowhere (no backendRefs, no filters: 500)', () => {
    const block = find(full, 'HTTPRoute', 'demo-internal');
    expect(block.metadata.annotations['berth.dev/route-role']).toBe('block');
    expect(block.spec.parentRefs).toEqual(find(full, 'HTTPRoute', 'demo').spec.parentRefs);
    expect(block.spec.rules).toEqual([{ matches: [{ path: { type: 'PathPrefix', value: '/metrics' } }, { path: { type: 'PathPrefix', value: '/__debug' } }] }]);
  });

  test('an explicit Certificate for the platform to reference from its listener', () => {
    expect(find(full, 'Certificate', 'demo-tls').spec.issuerRef).toEqual({ group: 'cert-manager.io', kind: 'Issuer', name: 'internal-ca' });
    expect(minimal.filter((o) => o.kind === 'Certificate')).toEqual([]);
  });

  test('fails when the Gateway has no namespace', () => {
    expect(() => synthConstruct((c) => new GatewayRoute(c, 'edge', { ...base, gateway: { name: 'public', namespace: '' } }))).toThrow(
      'GatewayRoute: gateway needs name and namespace; name the Gateway the platform runs, e.g. { name: public, namespace: gateway }',
    );
  });
});
