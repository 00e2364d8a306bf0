/**
 * Spec → NetworkPolicies (src/chart/network.ts): what each spec field opens, checked by
 * evaluating the synthesized policies.
 */
import { ingressControllerPods } from '../../src/model/edge';
import { callersOf } from '../../src/model/service-model';
import { internetCallers } from '../../src/spec/egress';
import { allProcesses } from '../../src/spec/processes';
import { Endpoint, evaluate, NetworkPolicy, PodEndpoint } from '../../src/explain/reachability';
import { Environment, ServiceSpec, ServiceSpecInput } from '../../src/spec/schema';
import { environment, find, specInput, synthSpec } from '../helpers';

const podOf = (namespace: string, component: string, ports: PodEndpoint['ports'] = [], service = 'demo'): PodEndpoint =>
  ({ kind: 'pod', namespace, name: component, labels: { 'app.kubernetes.io/name': service, 'app.kubernetes.io/component': component }, ports, ip: '10.244.1.1' });
const policiesOf = (objects: any[]): NetworkPolicy[] => objects.filter((o) => o.kind === 'NetworkPolicy');
const allows = (objects: any[], from: Endpoint, to: Endpoint, port: number, protocol: 'TCP' | 'UDP' = 'TCP') => evaluate(policiesOf(objects), from, to, port, protocol).allowed;

const traefik: PodEndpoint = { kind: 'pod', namespace: 'traefik', name: 'traefik', labels: { 'app.kubernetes.io/name': 'traefik' } };
const prometheus: PodEndpoint = { kind: 'pod', namespace: 'monitoring', name: 'prometheus', labels: { 'app.kubernetes.io/name': 'prometheus' } };
const publicServer: Endpoint = { kind: 'external', ip: '93.184.216.34' };

describe('ingressControllerPods', () => {
  test('defaults per profile: ingress-nginx and traefik as their charts label them', () => {
    expect(ingressControllerPods(environment({ edgeProfile: 'nginx' }))).toEqual({ namespace: 'ingress-nginx', podLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } });
    expect(ingressControllerPods(environment({ edgeProfile: 'traefik' }))).toEqual({ namespace: 'traefik', podLabels: { 'app.kubernetes.io/name': 'traefik' } });
  });

  test('berth.yaml names the controller of its own profile; another profile gets its default', () => {
    const env = environment({ edgeProfile: 'nginx', ingressController: { namespace: 'edge', podLabels: { app: 'nginx-edge' } } });
    expect(ingressControllerPods(env)).toEqual({ namespace: 'edge', podLabels: { app: 'nginx-edge' } });
    expect(ingressControllerPods(env, { profile: 'traefik' })).toEqual({ namespace: 'traefik', podLabels: { 'app.kubernetes.io/name': 'traefik' } });
  });

  test('Gateway API: any pod in the Gateway namespace, the spec gateway first; none without a Gateway', () => {
    const env = environment({ edgeProfile: 'gateway', gateway: { name: 'shared', namespace: 'gateways' } });
    expect(ingressControllerPods(env)).toEqual({ namespace: 'gateways', podLabels: {} });
    expect(ingressControllerPods(env, { gateway: { name: 'own', namespace: 'team-gw' } })).toEqual({ namespace: 'team-gw', podLabels: {} });
    expect(ingressControllerPods(environment({ edgeProfile: 'gateway' }))).toBeUndefined();
  });
});

describe('buildNetwork', () => {
  const input: ServiceSpecInput = specInput({
    namespace: 'demo-ns',
    web: {
      api: { port: 8000, health: { liveness: '/health' }, metrics: { port: 9100 } },
      auth: { port: 6001, health: { liveness: '/health' }, public: false, allowFrom: ['api'] },
      admin: { port: 7000, health: { liveness: '/health' }, public: false, allowFrom: ['api'] },
    },
    workers: { worker: { command: ['arq', 'app.Worker'], calls: ['admin'] } },
    migration: { command: ['alembic', 'upgrade', 'head'] },
    volumes: { scratch: { size: '1Gi', accessMode: 'ReadWriteMany', mountPath: '/scratch' } },
    cron: { tmpCleanup: { volume: 'scratch' }, jobs: { nightly: { schedule: '0 2 * * *', command: ['python', '-m', 'nightly'] } } },
    dependencies: {
      postgres: { port: 5432, namespace: 'databases', podLabels: { 'cnpg.io/cluster': 'demo' }, usedBy: ['api', 'migrate'] },
      ldap: { port: 636, cidr: '192.168.10.5/32', usedBy: ['auth'] },
      statsd: { port: 8125, protocol: 'UDP', namespace: 'monitoring', podLabels: { app: 'statsd' } },
    },
    externalHttps: ['api.example.org'],
  });
  const objects = synthSpec(input);
  const spec = ServiceSpec.parse(input);
  const api = podOf('demo-ns', 'api', [{ name: 'http', port: 8000 }, { name: 'metrics', port: 9100 }]);
  const auth = podOf('demo-ns', 'auth', [{ name: 'http', port: 6001 }]);
  const admin = podOf('demo-ns', 'admin', [{ name: 'http', port: 7000 }]);
  const worker = podOf('demo-ns', 'worker');
  const migrate = podOf('demo-ns', 'migrate');

  test('every policy is in the spec namespace', () => {
    const policies = policiesOf(objects);
    expect(policies.length).toBeGreaterThan(0);
    expect(new Set(policies.map((p) => p.metadata.namespace))).toEqual(new Set(['demo-ns']));
  });

  test('a separate metrics port answers Prometheus alone; the edge gets the http port', () => {
    expect(allows(objects, prometheus, api, 9100)).toBe(true);
    expect(allows(objects, prometheus, api, 8000)).toBe(false);
    expect(allows(objects, traefik, api, 8000)).toBe(true);
    expect(allows(objects, traefik, api, 9100)).toBe(false);
    expect(find(objects, 'NetworkPolicy', 'demo-api-ingress').spec.ingress.map((r: any) => r.ports[0].port)).toEqual(['http', 'metrics']);
  });

  test('internal processes answer allowFrom, and a worker whose calls name them', () => {
    expect(callersOf(spec, 'admin')).toEqual(['api', 'worker']);
    expect(allows(objects, api, auth, 6001)).toBe(true);
    expect(allows(objects, worker, auth, 6001)).toBe(false);
    expect(allows(objects, worker, admin, 7000)).toBe(true);
    expect(allows(objects, migrate, admin, 7000)).toBe(false);
    expect(allows(objects, traefik, auth, 6001)).toBe(false);
  });

  test('dependencies: usedBy, CIDRs and UDP', () => {
    const pg: PodEndpoint = { kind: 'pod', namespace: 'databases', name: 'pg', labels: { 'cnpg.io/cluster': 'demo' } };
    expect(allows(objects, migrate, pg, 5432)).toBe(true);
    expect(allows(objects, worker, pg, 5432)).toBe(false);
    expect(allows(objects, auth, { kind: 'external', ip: '192.168.10.5' }, 636)).toBe(true);
    expect(allows(objects, auth, { kind: 'external', ip: '192.168.10.6' }, 636)).toBe(false);
    expect(allows(objects, api, { kind: 'external', ip: '192.168.10.5' }, 636)).toBe(false);
    const statsd: PodEndpoint = { kind: 'pod', namespace: 'monitoring', name: 'statsd', labels: { app: 'statsd' } };
    for (const p of allProcesses(spec)) expect([p, allows(objects, podOf('demo-ns', p), statsd, 8125, 'UDP')]).toEqual([p, true]);
    expect(allows(objects, api, statsd, 8125, 'TCP')).toBe(false);
  });

  test('HTTPS out for the app code (web, workers, generic jobs), never for the built-in jobs', () => {
    expect(internetCallers(spec)).toEqual(['api', 'auth', 'admin', 'worker', 'nightly']);
    for (const p of ['api', 'auth', 'admin', 'worker', 'nightly']) expect([p, allows(objects, podOf('demo-ns', p), publicServer, 443)]).toEqual([p, true]);
    for (const p of ['migrate', 'tmp-cleanup']) expect([p, allows(objects, podOf('demo-ns', p), publicServer, 443)]).toEqual([p, false]);
  });

  test('no externalHttps, no route out', () => {
    const none = synthSpec(specInput());
    expect(policiesOf(none).map((p) => p.metadata.name)).toEqual(['demo-default-deny', 'demo-allow-dns', 'demo-api-ingress']);
    expect(allows(none, podOf('demo', 'api'), publicServer, 443)).toBe(false);
  });

  test('a public process without a known controller accepts nothing from outside', () => {
    const objectsGw = synthSpec(specInput(), environment({ edgeProfile: 'gateway' }));
    expect(policiesOf(objectsGw).map((p) => p.metadata.name)).toEqual(['demo-default-deny', 'demo-allow-dns']);
  });

  test('the production controller comes from the environment', () => {
    const prod = synthSpec(specInput(), environment({ edgeProfile: 'nginx' }), 'prod');
    const nginx: PodEndpoint = { kind: 'pod', namespace: 'ingress-nginx', name: 'c', labels: { 'app.kubernetes.io/name': 'ingress-nginx' } };
    const target = podOf('demo', 'api', [{ name: 'http', port: 8000 }]);
    expect(allows(prod, nginx, target, 8000)).toBe(true);
    expect(allows(prod, traefik, target, 8000)).toBe(false);
  });

  describe('DNS', () => {
    const full = specInput({
      workers: { worker: { command: ['arq', 'app.Worker'] } },
      migration: { command: ['alembic', 'upgrade', 'head'] },
    });
    const cache: Endpoint = { kind: 'external', ip: '169.254.20.10' };
    const kubeDnsService: Endpoint = { kind: 'external', ip: '10.96.0.10' };
    const pods = [podOf('demo', 'api'), podOf('demo', 'worker'), podOf('demo', 'migrate')];

    test('by default only the kube-dns pods answer: a node-local cache address is blocked', () => {
      const objects = synthSpec(full);
      expect(find(objects, 'NetworkPolicy', 'demo-allow-dns').spec.egress[0].to).toHaveLength(1);
      for (const pod of pods) {
        expect(allows(objects, pod, { kind: 'pod', namespace: 'kube-system', name: 'coredns', labels: { 'k8s-app': 'kube-dns' } }, 53, 'UDP')).toBe(true);
        expect(allows(objects, pod, cache, 53, 'UDP')).toBe(false);
      }
    });

    test('dns.extraAddresses: every pod, jobs included, reaches each address on UDP and TCP 53 and nothing more', () => {
      const env = environment({ dns: { extraAddresses: ['169.254.20.10', '10.96.0.10'] } });
      const objects = synthSpec(full, env);
      expect(find(objects, 'NetworkPolicy', 'demo-allow-dns').spec.egress[0].to).toEqual([
        { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } },
        { ipBlock: { cidr: '169.254.20.10/32' } },
        { ipBlock: { cidr: '10.96.0.10/32' } },
      ]);
      for (const pod of pods) {
        for (const to of [cache, kubeDnsService]) {
          expect(allows(objects, pod, to, 53, 'UDP')).toBe(true);
          expect(allows(objects, pod, to, 53, 'TCP')).toBe(true);
          expect(allows(objects, pod, to, 80)).toBe(false);
        }
        // The address is one host: the rest of link-local, the metadata service above all, stays shut.
        expect(allows(objects, pod, { kind: 'external', ip: '169.254.169.254' }, 53, 'UDP')).toBe(false);
        expect(allows(objects, pod, { kind: 'external', ip: '169.254.20.11' }, 53, 'UDP')).toBe(false);
      }
    });

    test('berth.yaml refuses what is not one IPv4 address, an address listed twice, and more than four', () => {
      const problems = (extraAddresses: string[]) => {
        const r = Environment.safeParse({ dns: { extraAddresses } });
        return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
      };
      expect(problems(['169.254.20.10'])).toEqual([]);
      expect(problems(['169.254.20.10/32'])).toEqual(['dns.extraAddresses.0: must be an IPv4 address such as 169.254.20.10']);
      expect(problems(['10.96.0.256'])).toEqual(['dns.extraAddresses.0: must be an IPv4 address such as 169.254.20.10']);
      expect(problems(['fd00::10'])).toEqual(['dns.extraAddresses.0: must be an IPv4 address such as 169.254.20.10']);
      expect(problems(['010.96.0.10'])).toEqual(['dns.extraAddresses.0: must be an IPv4 address such as 169.254.20.10']);
      expect(problems(['0.0.0.0', '255.255.255.255', '10.96.0.10'])).toEqual([]);
      expect(problems(['10.96.0.10', '10.96.0.10'])).toEqual(['dns.extraAddresses: lists an address twice']);
      expect(problems(['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.5'])).toEqual([
        'dns.extraAddresses: lists more than four addresses; a node-local cache needs two at most (its own and the kube-dns ClusterIP)',
      ]);
    });
  });

  test('fails when usedBy names an unknown process', () => {
    expect(() => synthSpec(specInput({ dependencies: { pg: { port: 5432, namespace: 'db', usedBy: ['wrker'] } } })))
      .toThrow('dependencies.pg.usedBy: unknown process or job "wrker" (known: api)');
  });

  test('fails when a dependency shares its name with a process that is called', () => {
    expect(() => synthSpec(specInput({
      web: { api: { port: 8000, health: { liveness: '/h' } }, auth: { port: 6001, health: { liveness: '/h' }, public: false, allowFrom: ['api'] } },
      dependencies: { auth: { port: 389, namespace: 'ldap' } },
    }))).toThrow('NetworkPolicy name "demo-to-auth" would be written twice (a process and an egress destination share a name); rename one of them');
  });
});
