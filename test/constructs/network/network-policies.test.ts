import { validateSchema } from '../../../src/check/schema';
import { NetworkPeer, NetworkPort, NON_PUBLIC_RANGES } from '../../../src/constructs/network/network-peer';
import { NetworkPolicies, NetworkPoliciesProps } from '../../../src/constructs/network/network-policies';
import { EGRESS_TO_LABEL } from '../../../src/util/annotations';
import { evaluate, NetworkPolicy, PodEndpoint } from '../../../src/explain/reachability';
import { find, synthConstruct } from '../../helpers';

const controller = NetworkPeer.pods('ingress-nginx', { 'app.kubernetes.io/name': 'ingress-nginx' });
const prometheus = NetworkPeer.pods('monitoring', { 'app.kubernetes.io/name': 'prometheus' });

const full: NetworkPoliciesProps = {
  service: 'demo',
  ingress: {
    api: [
      { peers: [controller], ports: [NetworkPort.tcp('http')] },
      { peers: [prometheus], ports: [NetworkPort.tcp('metrics')] },
    ],
    auth: [{ peers: [NetworkPeer.processes('demo', ['worker', 'api'])], ports: [NetworkPort.tcp('http')] }],
    worker: [],
  },
  egress: [
    { name: 'auth', processes: ['worker', 'api'], to: [NetworkPeer.processes('demo', ['auth'])], ports: [NetworkPort.tcp(6001)] },
    { name: 'postgres', processes: ['api', 'worker', 'migrate'], to: [NetworkPeer.pods('databases', { 'cnpg.io/cluster': 'demo-pg' })], ports: [NetworkPort.tcp(5432)] },
    { name: 'syslog', processes: ['api'], to: [NetworkPeer.ipBlock('10.20.0.0/24')], ports: [NetworkPort.udp(514)] },
    { name: 'internet-https', processes: ['api', 'worker'], to: [NetworkPeer.publicInternet()], ports: [NetworkPort.tcp(443)] },
    { name: 'unused', processes: [], to: [NetworkPeer.ipBlock('10.30.0.0/16')], ports: [NetworkPort.tcp(1)] },
  ],
};

const minimal = synthConstruct((c) => new NetworkPolicies(c, 'network', { service: 'demo' }));
const fullObjects = synthConstruct((c) => new NetworkPolicies(c, 'network', full));

/** Pods of the `demo` service with the labels the workload constructs give them. */
function demoPod(component: string, ports: PodEndpoint['ports'] = []): PodEndpoint {
  return { kind: 'pod', namespace: 'demo', name: component, labels: { 'app.kubernetes.io/name': 'demo', 'app.kubernetes.io/component': component }, ports, ip: '10.244.0.5' };
}
const api = demoPod('api', [{ name: 'http', port: 8000 }, { name: 'metrics', port: 9100 }]);
const auth = demoPod('auth', [{ name: 'http', port: 6001 }]);
const worker = demoPod('worker');
const migrate = demoPod('migrate');
const nginx: PodEndpoint = { kind: 'pod', namespace: 'ingress-nginx', name: 'controller', labels: { 'app.kubernetes.io/name': 'ingress-nginx' } };
const prom: PodEndpoint = { kind: 'pod', namespace: 'monitoring', name: 'prometheus', labels: { 'app.kubernetes.io/name': 'prometheus' } };
const pg: PodEndpoint = { kind: 'pod', namespace: 'databases', name: 'pg', labels: { 'cnpg.io/cluster': 'demo-pg' } };
const dns: PodEndpoint = { kind: 'pod', namespace: 'kube-system', name: 'coredns', labels: { 'k8s-app': 'kube-dns' } };
const can = (from: PodEndpoint | { kind: 'external'; ip: string }, to: PodEndpoint | { kind: 'external'; ip: string }, port: number | string, protocol: 'TCP' | 'UDP' = 'TCP') =>
  evaluate(fullObjects as NetworkPolicy[], from, to, port, protocol).allowed;

describe('NetworkPolicies', () => {
  test('minimal props', () => expect(minimal).toMatchSnapshot());
  test('full props', () => expect(fullObjects).toMatchSnapshot());

  test('validates against the NetworkPolicy schema', () => {
    expect(validateSchema([...minimal, ...fullObjects].map((object) => ({ file: 'test', object })))).toEqual([]);
  });

  test('writes every policy into the chart namespace, never another one', () => {
    for (const objects of [minimal, fullObjects]) {
      for (const o of objects) {
        expect(o.kind).toBe('NetworkPolicy');
        expect(o.metadata.namespace).toBe('demo');
      }
    }
    const other = synthConstruct((c) => new NetworkPolicies(c, 'network', full), 'elsewhere');
    expect(new Set(other.map((o) => o.metadata.namespace))).toEqual(new Set(['elsewhere']));
  });

  test('names policies from the service, processes and destinations', () => {
    expect(minimal.map((o) => o.metadata.name)).toEqual(['demo-default-deny', 'demo-allow-dns']);
    expect(fullObjects.map((o) => o.metadata.name)).toEqual([
      'demo-default-deny', 'demo-allow-dns', 'demo-api-ingress', 'demo-auth-ingress',
      'demo-to-auth', 'demo-to-postgres', 'demo-to-syslog', 'demo-to-internet-https',
    ]);
    expect(JSON.stringify(fullObjects)).not.toContain('cdk8s.io');
  });

  test('default deny isolates ingress and egress of every pod of the service, with no rule', () => {
    const deny = find(minimal, 'NetworkPolicy', 'demo-default-deny');
    expect(deny.spec).toEqual({ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'demo' } }, policyTypes: ['Ingress', 'Egress'] });
  });

  test('DNS: kube-dns pods in kube-system (one peer: both selectors) on UDP and TCP 53', () => {
    const allow = find(minimal, 'NetworkPolicy', 'demo-allow-dns');
    expect(allow.spec.policyTypes).toEqual(['Egress']);
    expect(allow.spec.egress).toEqual([{
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
      ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
    }]);
  });

  test('ingress selects one process and names its container ports', () => {
    const ingress = find(fullObjects, 'NetworkPolicy', 'demo-api-ingress');
    expect(ingress.spec.podSelector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'demo', 'app.kubernetes.io/component': 'api' } });
    expect(ingress.spec.policyTypes).toEqual(['Ingress']);
    expect(ingress.spec.ingress.map((r: any) => r.ports)).toEqual([[{ protocol: 'TCP', port: 'http' }], [{ protocol: 'TCP', port: 'metrics' }]]);
    expect(ingress.spec.ingress[0].from).toEqual([{
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } },
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } },
    }]);
    // A process with no rules gets no policy: default deny already covers it.
    expect(fullObjects.find((o) => o.metadata.name === 'demo-worker-ingress')).toBeUndefined();
  });

  test('egress selects its processes by component In (sorted) and is labelled with its destination', () => {
    const pgPolicy = find(fullObjects, 'NetworkPolicy', 'demo-to-postgres');
    expect(pgPolicy.metadata.labels[EGRESS_TO_LABEL]).toBe('postgres');
    expect(pgPolicy.spec.podSelector).toEqual({
      matchLabels: { 'app.kubernetes.io/name': 'demo' },
      matchExpressions: [{ key: 'app.kubernetes.io/component', operator: 'In', values: ['api', 'migrate', 'worker'] }],
    });
    expect(pgPolicy.spec.egress).toEqual([{
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'databases' } }, podSelector: { matchLabels: { 'cnpg.io/cluster': 'demo-pg' } } }],
      ports: [{ protocol: 'TCP', port: 5432 }],
    }]);
    expect(find(fullObjects, 'NetworkPolicy', 'demo-to-syslog').spec.egress[0]).toEqual({ to: [{ ipBlock: { cidr: '10.20.0.0/24' } }], ports: [{ protocol: 'UDP', port: 514 }] });
    // A sibling: a podSelector alone, which means the policy's own namespace.
    expect(find(fullObjects, 'NetworkPolicy', 'demo-to-auth').spec.egress[0].to).toEqual([{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'demo', 'app.kubernetes.io/component': 'auth' } } }]);
  });

  test('the public internet excludes private ranges, CGNAT, loopback and the metadata service', () => {
    const internet = find(fullObjects, 'NetworkPolicy', 'demo-to-internet-https');
    expect(internet.spec.egress[0].to).toEqual([{ ipBlock: { cidr: '0.0.0.0/0', except: [...NON_PUBLIC_RANGES] } }]);
    expect(NON_PUBLIC_RANGES).toEqual(expect.arrayContaining(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16', '100.64.0.0/10', '127.0.0.0/8']));
    expect(internet.spec.egress[0].ports).toEqual([{ protocol: 'TCP', port: 443 }]);
  });

  test('a grant with no processes writes nothing', () => {
    expect(fullObjects.find((o) => o.metadata.name === 'demo-to-unused')).toBeUndefined();
  });

  describe('what the policies allow', () => {
    test('the controller reaches the http port only; Prometheus the metrics port only', () => {
      expect(can(nginx, api, 8000)).toBe(true);
      expect(can(nginx, api, 9100)).toBe(false);
      expect(can(prom, api, 9100)).toBe(true);
      expect(can(prom, api, 8000)).toBe(false);
      expect(can(nginx, auth, 6001)).toBe(false);
    });

    test('a pod with the controller labels in another namespace gets nothing', () => {
      expect(can({ ...nginx, namespace: 'default' }, api, 8000)).toBe(false);
    });

    test('callers reach their sibling, others do not', () => {
      expect(can(api, auth, 6001)).toBe(true);
      expect(can(worker, auth, 6001)).toBe(true);
      expect(can(migrate, auth, 6001)).toBe(false);
      expect(can(auth, api, 8000)).toBe(false);
    });

    test('egress: DNS for all, dependencies for their users, 443 to public addresses only', () => {
      for (const p of [api, auth, worker, migrate]) {
        expect(can(p, dns, 53, 'UDP')).toBe(true);
        expect(can(p, dns, 53, 'TCP')).toBe(true);
        expect(can(p, { kind: 'external', ip: '169.254.169.254' }, 80)).toBe(false);
        expect(can(p, { kind: 'external', ip: '169.254.169.254' }, 443)).toBe(false);
      }
      expect(can(migrate, pg, 5432)).toBe(true);
      expect(can(auth, pg, 5432)).toBe(false);
      expect(can(api, pg, 5433)).toBe(false);
      expect(can({ ...api, ports: [] }, { ...pg, namespace: 'other' }, 5432)).toBe(false);
      expect(can(api, { kind: 'external', ip: '10.20.0.7' }, 514, 'UDP')).toBe(true);
      expect(can(worker, { kind: 'external', ip: '10.20.0.7' }, 514, 'UDP')).toBe(false);
      expect(can(api, { kind: 'external', ip: '93.184.216.34' }, 443)).toBe(true);
      expect(can(api, { kind: 'external', ip: '93.184.216.34' }, 80)).toBe(false);
      expect(can(migrate, { kind: 'external', ip: '93.184.216.34' }, 443)).toBe(false);
      for (const ip of ['10.0.0.1', '172.16.0.1', '192.168.1.1', '100.64.0.1', '127.0.0.1']) {
        expect(can(api, { kind: 'external', ip }, 443)).toBe(false);
      }
    });
  });

  describe('NetworkPeer and NetworkPort', () => {
    test('pods without labels select the whole namespace', () => {
      const objects = synthConstruct((c) => new NetworkPolicies(c, 'network', { service: 'demo', dns: [NetworkPeer.pods('dns-system')] }));
      expect(find(objects, 'NetworkPolicy', 'demo-allow-dns').spec.egress[0].to).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'dns-system' } } }]);
    });

    test('fails when a CIDR is not IPv4', () => {
      expect(() => NetworkPeer.ipBlock('10.0.0.0')).toThrow('NetworkPeer.ipBlock: "10.0.0.0" is not an IPv4 CIDR; write it like 10.0.0.5/32');
      expect(() => NetworkPeer.ipBlock('10.0.0.0/8', ['fd00::/8'])).toThrow('NetworkPeer.ipBlock: "fd00::/8" is not an IPv4 CIDR; write it like 10.0.0.5/32');
    });

    test('fails when the namespace is empty', () => {
      expect(() => NetworkPeer.pods('')).toThrow('NetworkPeer.pods: namespace is empty; name the namespace the pods run in');
    });

    test('fails when no process is given', () => {
      expect(() => NetworkPeer.processes('demo', [])).toThrow('no processes of service "demo" to select; list at least one');
    });

    test('fails when a port is out of range or not a port name', () => {
      expect(() => NetworkPort.tcp(0)).toThrow('NetworkPort: port 0 is not between 1 and 65535');
      expect(() => NetworkPort.udp(70000)).toThrow('NetworkPort: port 70000 is not between 1 and 65535');
      expect(() => NetworkPort.tcp('Metrics_Port')).toThrow('NetworkPort: "Metrics_Port" is not a container port name (at most 15 lower-case letters, digits and "-")');
    });
  });

  test('fails when two policies would share a name', () => {
    expect(() => synthConstruct((c) => new NetworkPolicies(c, 'network', {
      service: 'demo',
      ingress: { 'to-x': [{ peers: [controller], ports: [NetworkPort.tcp('http')] }] },
      egress: [{ name: 'x-ingress', processes: ['api'], to: [controller], ports: [NetworkPort.tcp(80)] }],
    }))).toThrow('NetworkPolicy name "demo-to-x-ingress" would be written twice (a process and an egress destination share a name); rename one of them');
  });

  test('fails when a rule lists no peers or no ports (which would mean everyone, every port)', () => {
    expect(() => synthConstruct((c) => new NetworkPolicies(c, 'network', { service: 'demo', ingress: { api: [{ peers: [], ports: [NetworkPort.tcp('http')] }] } })))
      .toThrow('NetworkPolicies ingress.api: no peers; an empty list would allow every source or destination, so list at least one');
    expect(() => synthConstruct((c) => new NetworkPolicies(c, 'network', { service: 'demo', egress: [{ name: 'pg', processes: ['api'], to: [controller], ports: [] }] })))
      .toThrow('NetworkPolicies egress pg: no ports; an empty list would allow every port, so list at least one');
  });
});
