import {
  ContainerPort,
  effectivePolicyTypes,
  Endpoint,
  evaluate,
  ExternalEndpoint,
  ipBlockContains,
  NetworkPolicy,
  NetworkPolicySpec,
  PodEndpoint,
  selectorMatches,
} from '../../src/explain/reachability';

/** A pod; `extra` sets namespace labels, IP and container ports. */
function pod(
  namespace: string,
  name: string,
  labels: Record<string, string>,
  extra: { namespaceLabels?: Record<string, string>; ip?: string; ports?: ContainerPort[] } = {},
): PodEndpoint {
  return { kind: 'pod', namespace, name, labels, ...extra };
}

/** An address outside the cluster's pods. */
function external(ip: string, name?: string): ExternalEndpoint {
  return { kind: 'external', ip, name };
}

/** A NetworkPolicy object as it would be synthesized. */
function policy(namespace: string, name: string, spec: NetworkPolicySpec): NetworkPolicy {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace }, spec };
}

const allowed = (policies: NetworkPolicy[], from: Endpoint, to: Endpoint, port: number | string, protocol?: 'TCP' | 'UDP' | 'SCTP') =>
  evaluate(policies, from, to, port, protocol).allowed;

describe('the test-network-policy example from the Kubernetes documentation', () => {
  // Ingress to role=db on 6379 from 172.17.0.0/16 except 172.17.1.0/24, from any pod in a
  // namespace labelled project=myproject, or from role=frontend pods in `default`; egress
  // from role=db to 10.0.0.0/24 on 5978.
  const policies = [policy('default', 'test-network-policy', {
    podSelector: { matchLabels: { role: 'db' } },
    policyTypes: ['Ingress', 'Egress'],
    ingress: [{
      from: [
        { ipBlock: { cidr: '172.17.0.0/16', except: ['172.17.1.0/24'] } },
        { namespaceSelector: { matchLabels: { project: 'myproject' } } },
        { podSelector: { matchLabels: { role: 'frontend' } } },
      ],
      ports: [{ protocol: 'TCP', port: 6379 }],
    }],
    egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/24' } }], ports: [{ protocol: 'TCP', port: 5978 }] }],
  })];
  const db = pod('default', 'db', { role: 'db' }, { ip: '10.244.1.5' });
  const frontend = pod('default', 'frontend', { role: 'frontend' });
  const myproject = pod('myproject', 'anything', { app: 'x' }, { namespaceLabels: { project: 'myproject' } });

  test('allows role=frontend in the same namespace on 6379/TCP, naming the rule', () => {
    expect(evaluate(policies, frontend, db, 6379)).toEqual({
      allowed: true,
      reason: 'egress from default/frontend is not isolated; ingress to default/db allowed by default/test-network-policy ingress[0]',
    });
  });

  test('fails when role=frontend connects on another port', () => {
    expect(evaluate(policies, frontend, db, 5432)).toEqual({
      allowed: false,
      reason: 'no policy allows ingress to default/db on 5432/TCP from default/frontend (isolated by default/test-network-policy)',
    });
  });

  test('fails when role=frontend connects on 6379 over UDP', () => {
    expect(allowed(policies, frontend, db, 6379, 'UDP')).toBe(false);
  });

  test('allows any pod of a namespace labelled project=myproject', () => {
    expect(allowed(policies, myproject, db, 6379)).toBe(true);
  });

  test('fails when role=frontend sits in another namespace (a podSelector alone is the policy namespace)', () => {
    expect(allowed(policies, pod('other', 'frontend', { role: 'frontend' }), db, 6379)).toBe(false);
  });

  test('allows an address in 172.17.0.0/16', () => {
    expect(allowed(policies, external('172.17.0.5'), db, 6379)).toBe(true);
    expect(allowed(policies, external('172.17.255.254'), db, 6379)).toBe(true);
  });

  test('fails when the address is in the except range 172.17.1.0/24', () => {
    expect(evaluate(policies, external('172.17.1.9', 'office'), db, 6379)).toEqual({
      allowed: false,
      reason: 'no policy allows ingress to default/db on 6379/TCP from office (172.17.1.9) (isolated by default/test-network-policy)',
    });
  });

  test('fails when the address is outside the CIDR', () => {
    expect(allowed(policies, external('172.18.0.1'), db, 6379)).toBe(false);
  });

  test('allows a pod whose IP falls in the ipBlock, whatever its labels', () => {
    expect(allowed(policies, pod('elsewhere', 'batch', { app: 'batch' }, { ip: '172.17.2.3' }), db, 6379)).toBe(true);
  });

  test('fails when a pod without an IP matches no selector (ipBlock needs the IP)', () => {
    expect(allowed(policies, pod('elsewhere', 'batch', { app: 'batch' }), db, 6379)).toBe(false);
  });

  test('allows egress from role=db to 10.0.0.0/24 on 5978', () => {
    expect(evaluate(policies, db, external('10.0.0.7'), 5978)).toEqual({
      allowed: true,
      reason: 'egress from default/db allowed by default/test-network-policy egress[0]; ingress to 10.0.0.7 is not subject to NetworkPolicy',
    });
  });

  test('fails when role=db sends to 10.0.0.0/24 on another port', () => {
    expect(evaluate(policies, db, external('10.0.0.7'), 443)).toEqual({
      allowed: false,
      reason: 'egress from default/db is isolated by default/test-network-policy and no egress rule allows 10.0.0.7 on 443/TCP',
    });
  });

  test('fails when role=db sends to a pod (its egress is isolated), even one whose ingress is open', () => {
    expect(allowed(policies, db, frontend, 5978)).toBe(false);
  });

  test('fails when role=db sends outside 10.0.0.0/24', () => {
    expect(allowed(policies, db, external('10.0.1.7'), 5978)).toBe(false);
  });
});

describe('default deny ingress', () => {
  const policies = [policy('default', 'default-deny-ingress', { podSelector: {}, policyTypes: ['Ingress'] })];
  const web = pod('default', 'web', { app: 'web' });
  const api = pod('default', 'api', { app: 'api' });

  test('fails when a pod of the same namespace connects', () => {
    expect(evaluate(policies, web, api, 8000)).toEqual({
      allowed: false,
      reason: 'no policy allows ingress to default/api on 8000/TCP from default/web (isolated by default/default-deny-ingress)',
    });
  });

  test('fails when an external address connects', () => {
    expect(allowed(policies, external('203.0.113.10'), api, 8000)).toBe(false);
  });

  test('leaves egress open', () => {
    expect(allowed(policies, web, external('203.0.113.10'), 443)).toBe(true);
  });

  test('leaves pods of other namespaces open', () => {
    expect(allowed(policies, web, pod('other', 'api', { app: 'api' }), 8000)).toBe(true);
  });
});

describe('default deny egress', () => {
  const policies = [policy('default', 'default-deny-egress', { podSelector: {}, policyTypes: ['Egress'] })];
  const web = pod('default', 'web', { app: 'web' });

  test('fails when a pod sends to an external address', () => {
    expect(evaluate(policies, web, external('203.0.113.10'), 443)).toEqual({
      allowed: false,
      reason: 'egress from default/web is isolated by default/default-deny-egress and no egress rule allows 203.0.113.10 on 443/TCP',
    });
  });

  test('fails when a pod sends to a pod of its own namespace', () => {
    expect(allowed(policies, web, pod('default', 'api', { app: 'api' }), 8000)).toBe(false);
  });

  test('leaves ingress open', () => {
    expect(allowed(policies, pod('other', 'client', {}), web, 8000)).toBe(true);
  });

  test('fails on both sides at once and says so', () => {
    const both = [...policies, policy('default', 'default-deny-ingress', { podSelector: {}, policyTypes: ['Ingress'] })];
    expect(evaluate(both, web, pod('default', 'api', {}), 80).reason).toBe(
      'egress from default/web is isolated by default/default-deny-egress and no egress rule allows default/api on 80/TCP; ' +
      'no policy allows ingress to default/api on 80/TCP from default/web (isolated by default/default-deny-ingress)',
    );
  });
});

describe('allow all ingress', () => {
  const policies = [
    policy('default', 'default-deny-ingress', { podSelector: {}, policyTypes: ['Ingress'] }),
    policy('default', 'allow-all-ingress', { podSelector: {}, ingress: [{}], policyTypes: ['Ingress'] }),
  ];
  const api = pod('default', 'api', { app: 'api' });

  test('an empty rule allows every source on every port and protocol, beside a deny-all', () => {
    expect(allowed(policies, external('198.51.100.1'), api, 22)).toBe(true);
    expect(allowed(policies, pod('other', 'x', {}), api, 53, 'UDP')).toBe(true);
    expect(evaluate(policies, pod('default', 'web', {}), api, 8000).reason).toContain('allowed by default/allow-all-ingress ingress[0]');
  });
});

describe('namespaceSelector and podSelector: one peer (AND) versus two peers (OR)', () => {
  const db = pod('default', 'db', { app: 'db' });
  const alice = { namespaceLabels: { user: 'alice' } };
  const aliceClient = pod('alice', 'client', { role: 'client' }, alice);
  const aliceOther = pod('alice', 'other', { role: 'other' }, alice);
  const bobClient = pod('bob', 'client', { role: 'client' }, { namespaceLabels: { user: 'bob' } });
  const localClient = pod('default', 'client', { role: 'client' });

  const and = [policy('default', 'and', {
    podSelector: { matchLabels: { app: 'db' } },
    ingress: [{ from: [{ namespaceSelector: { matchLabels: { user: 'alice' } }, podSelector: { matchLabels: { role: 'client' } } }] }],
  })];
  const or = [policy('default', 'or', {
    podSelector: { matchLabels: { app: 'db' } },
    ingress: [{ from: [{ namespaceSelector: { matchLabels: { user: 'alice' } } }, { podSelector: { matchLabels: { role: 'client' } } }] }],
  })];

  test('AND allows role=client in a user=alice namespace', () => {
    expect(allowed(and, aliceClient, db, 5432)).toBe(true);
  });

  test('fails under AND when the pod is in a user=alice namespace without role=client', () => {
    expect(allowed(and, aliceOther, db, 5432)).toBe(false);
  });

  test('fails under AND when role=client is in the policy namespace (not user=alice)', () => {
    expect(allowed(and, localClient, db, 5432)).toBe(false);
  });

  test('OR allows any pod of a user=alice namespace', () => {
    expect(allowed(or, aliceOther, db, 5432)).toBe(true);
  });

  test('OR allows role=client in the policy namespace', () => {
    expect(allowed(or, localClient, db, 5432)).toBe(true);
  });

  test('fails under OR when role=client is in another namespace that is not user=alice', () => {
    expect(allowed(or, bobClient, db, 5432)).toBe(false);
  });
});

describe('endPort ranges', () => {
  // The documentation's multi-port-egress example.
  const policies = [policy('default', 'multi-port-egress', {
    podSelector: { matchLabels: { role: 'db' } },
    policyTypes: ['Egress'],
    egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/24' } }], ports: [{ protocol: 'TCP', port: 32000, endPort: 32768 }] }],
  })];
  const db = pod('default', 'db', { role: 'db' });

  test('allows both ends of the range and the middle', () => {
    for (const port of [32000, 32500, 32768]) expect(allowed(policies, db, external('10.0.0.1'), port)).toBe(true);
  });

  test('fails when the port is just below or above the range', () => {
    expect(allowed(policies, db, external('10.0.0.1'), 31999)).toBe(false);
    expect(allowed(policies, db, external('10.0.0.1'), 32769)).toBe(false);
  });

  test('fails when the protocol is UDP', () => {
    expect(allowed(policies, db, external('10.0.0.1'), 32000, 'UDP')).toBe(false);
  });

  test('fails when endPort is below port', () => {
    const bad = [policy('default', 'bad', { podSelector: {}, policyTypes: ['Egress'], egress: [{ ports: [{ port: 9000, endPort: 8000 }] }] })];
    expect(() => evaluate(bad, db, external('10.0.0.1'), 8500)).toThrow(
      'default/bad egress[0]: endPort 8000 is below port 9000; endPort must be at least port',
    );
  });
});

describe('named ports', () => {
  const apiPorts: ContainerPort[] = [{ name: 'http', port: 8000 }, { name: 'metrics', port: 9090 }, { name: 'dns', port: 5353, protocol: 'UDP' }];
  const api = pod('default', 'api', { app: 'api' }, { ports: apiPorts });
  const web = pod('default', 'web', { app: 'web' });
  const policies = [policy('default', 'api', {
    podSelector: { matchLabels: { app: 'api' } },
    ingress: [{ ports: [{ port: 'http' }, { port: 'dns', protocol: 'UDP' }] }],
  })];

  test('a named policy port allows the container port of that name, probed by number', () => {
    expect(allowed(policies, web, api, 8000)).toBe(true);
  });

  test('a named probe port resolves on the destination pod', () => {
    expect(evaluate(policies, web, api, 'http')).toEqual({
      allowed: true,
      reason: 'egress from default/web is not isolated; ingress to default/api allowed by default/api ingress[0]',
    });
  });

  test('fails when the probe targets another named port', () => {
    expect(evaluate(policies, web, api, 'metrics').reason).toBe(
      'no policy allows ingress to default/api on 9090/TCP (metrics) from default/web (isolated by default/api)',
    );
  });

  test('a named port matches with its protocol', () => {
    expect(allowed(policies, web, api, 'dns', 'UDP')).toBe(true);
    expect(allowed(policies, web, api, 5353, 'UDP')).toBe(true);
  });

  test('fails when the named port is probed over another protocol', () => {
    expect(allowed(policies, web, api, 5353, 'TCP')).toBe(false);
  });

  test('fails when the probe names a port the destination does not have', () => {
    expect(() => evaluate(policies, web, api, 'grpc')).toThrow(
      'named port "grpc"/TCP is not a container port of default/api (its named ports: http (8000/TCP), metrics (9090/TCP), dns (5353/UDP)); use a number or one of those names',
    );
  });

  describe('in an egress rule, the name resolves on the destination', () => {
    const egress = [policy('default', 'web-egress', {
      podSelector: { matchLabels: { app: 'web' } },
      policyTypes: ['Egress'],
      egress: [{ ports: [{ port: 'postgres' }] }],
    })];
    const postgres = pod('data', 'postgres', { app: 'postgres' }, { ports: [{ name: 'postgres', port: 5432 }] });

    test('allows a pod whose container port has that name', () => {
      expect(allowed(egress, web, postgres, 5432)).toBe(true);
    });

    test('fails when the destination is an external address (it has no named ports)', () => {
      expect(allowed(egress, web, external('192.0.2.10'), 5432)).toBe(false);
    });

    test('fails when the destination pod names another port 5432', () => {
      expect(allowed(egress, web, pod('data', 'pg', {}, { ports: [{ name: 'pg', port: 5432 }] }), 5432)).toBe(false);
    });
  });

  test('fails when endPort follows a named port', () => {
    const bad = [policy('default', 'bad', { podSelector: {}, ingress: [{ ports: [{ port: 'http', endPort: 9000 }] }] })];
    expect(() => evaluate(bad, web, api, 8000)).toThrow(
      'default/bad ingress[0]: endPort 9000 follows the named port "http", which the API server rejects; use a numeric port',
    );
  });
});

describe('edge cases', () => {
  const web = pod('default', 'web', { app: 'web' });
  const api = pod('default', 'api', { app: 'api' });

  test('a policy in another namespace does not select our pod', () => {
    const policies = [policy('other', 'deny-all', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] })];
    expect(evaluate(policies, web, api, 8000)).toEqual({
      allowed: true,
      reason: 'egress from default/web is not isolated; ingress to default/api is not isolated',
    });
  });

  test('a policy without metadata.namespace lives in default', () => {
    const policies: NetworkPolicy[] = [{ metadata: { name: 'deny' }, spec: { podSelector: {} } }];
    expect(allowed(policies, web, api, 8000)).toBe(false);
    expect(allowed(policies, web, pod('prod', 'api', {}), 8000)).toBe(true);
  });

  describe('egress to cluster DNS', () => {
    const coredns = pod('kube-system', 'coredns', { 'k8s-app': 'kube-dns' });
    const dnsPeer = { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } };
    const udpOnly = [policy('default', 'allow-dns', {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{ to: [dnsPeer], ports: [{ protocol: 'UDP', port: 53 }] }],
    })];

    test('allows UDP 53 to kube-dns, matching the namespace by kubernetes.io/metadata.name', () => {
      expect(evaluate(udpOnly, web, coredns, 53, 'UDP').reason).toBe(
        'egress from default/web allowed by default/allow-dns egress[0]; ingress to kube-system/coredns is not isolated',
      );
    });

    test('fails when the lookup falls back to TCP 53 and only UDP is open', () => {
      expect(evaluate(udpOnly, web, coredns, 53, 'TCP')).toEqual({
        allowed: false,
        reason: 'egress from default/web is isolated by default/allow-dns and no egress rule allows kube-system/coredns on 53/TCP',
      });
    });

    test('allows TCP 53 once the rule lists both protocols', () => {
      const both = [policy('default', 'allow-dns', {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [{ to: [dnsPeer], ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] }],
      })];
      expect(allowed(both, web, coredns, 53, 'TCP')).toBe(true);
      expect(allowed(both, web, coredns, 53, 'UDP')).toBe(true);
    });

    test('fails when a DNS server of the same name runs in another namespace', () => {
      expect(allowed(udpOnly, web, pod('tenant', 'fake-dns', { 'k8s-app': 'kube-dns' }), 53, 'UDP')).toBe(false);
    });

    test('fails when the resolver is an external address', () => {
      expect(allowed(udpOnly, web, external('8.8.8.8'), 53, 'UDP')).toBe(false);
    });
  });

  test('a namespace label set by the caller is matched alongside kubernetes.io/metadata.name', () => {
    const policies = [policy('default', 'from-monitoring', {
      podSelector: {},
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring', team: 'sre' } } }] }],
    })];
    expect(allowed(policies, pod('monitoring', 'prometheus', {}, { namespaceLabels: { team: 'sre' } }), api, 9090)).toBe(true);
    expect(allowed(policies, pod('monitoring', 'prometheus', {}), api, 9090)).toBe(false);
    expect(allowed(policies, pod('observability', 'prometheus', {}, { namespaceLabels: { team: 'sre' } }), api, 9090)).toBe(false);
  });

  test('policies add up: any one isolating policy may allow the connection', () => {
    const policies = [
      policy('default', 'from-web', { podSelector: { matchLabels: { app: 'api' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }] }] }),
      policy('default', 'from-worker', { podSelector: { matchLabels: { app: 'api' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'worker' } } }] }] }),
    ];
    expect(evaluate(policies, pod('default', 'worker', { app: 'worker' }), api, 8000).reason).toContain('allowed by default/from-worker ingress[0]');
    expect(allowed(policies, web, api, 8000)).toBe(true);
    expect(allowed(policies, pod('default', 'cron', { app: 'cron' }), api, 8000)).toBe(false);
  });

  test('fails when the source egress allows it but the destination ingress does not', () => {
    const policies = [
      policy('default', 'web-egress', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Egress'], egress: [{}] }),
      policy('default', 'api-ingress', { podSelector: { matchLabels: { app: 'api' } }, ingress: [] }),
    ];
    expect(evaluate(policies, web, api, 8000).reason).toBe(
      'no policy allows ingress to default/api on 8000/TCP from default/web (isolated by default/api-ingress)',
    );
  });

  test('a rule with an empty from list or an empty ports list matches everything', () => {
    const policies = [policy('default', 'open', { podSelector: {}, ingress: [{ from: [], ports: [] }] })];
    expect(allowed(policies, external('203.0.113.1'), api, 1234, 'SCTP')).toBe(true);
  });

  test('a ports entry with only a protocol matches every port of that protocol', () => {
    const policies = [policy('default', 'udp', { podSelector: {}, ingress: [{ ports: [{ protocol: 'UDP' }] }] })];
    expect(allowed(policies, web, api, 4000, 'UDP')).toBe(true);
    expect(allowed(policies, web, api, 4000, 'TCP')).toBe(false);
  });

  test('external to external is not subject to NetworkPolicy', () => {
    expect(evaluate([], external('192.0.2.1'), external('192.0.2.2'), 80).allowed).toBe(true);
  });

  test('fails when a peer sets ipBlock together with a selector', () => {
    const bad = [policy('default', 'bad', { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8' }, podSelector: {} }] }] })];
    expect(() => evaluate(bad, web, api, 80)).toThrow(
      'default/bad ingress[0]: a peer sets ipBlock together with a selector, which the API server rejects; split it into two peers',
    );
  });

  test('fails when a peer is empty', () => {
    const bad = [policy('default', 'bad', { podSelector: {}, ingress: [{ from: [{}] }] })];
    expect(() => evaluate(bad, web, api, 80)).toThrow(
      'default/bad ingress[0]: a peer sets none of podSelector, namespaceSelector, ipBlock; omit the whole from/to list to match every peer',
    );
  });

  test('fails when a CIDR is not IPv4', () => {
    const bad = [policy('default', 'bad', { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: 'fd00::/8' } }] }] })];
    expect(() => evaluate(bad, external('10.0.0.1'), api, 80)).toThrow(
      'default/bad ingress[0]: ipBlock CIDR "fd00::/8" is not an IPv4 CIDR like 10.0.0.0/8 (IPv6 is not supported)',
    );
  });

  test('fails when the probe port is out of range', () => {
    expect(() => evaluate([], web, api, 70000)).toThrow('port 70000 is not an integer between 1 and 65535');
  });
});

describe('policyTypes defaulting', () => {
  test('Ingress always; Egress only when egress has rules', () => {
    expect(effectivePolicyTypes({})).toEqual(['Ingress']);
    expect(effectivePolicyTypes({ egress: [{}] })).toEqual(['Ingress', 'Egress']);
    expect(effectivePolicyTypes({ egress: [] })).toEqual(['Ingress']);
    expect(effectivePolicyTypes({ policyTypes: [], egress: [{}] })).toEqual(['Ingress', 'Egress']);
    expect(effectivePolicyTypes({ policyTypes: ['Egress'], ingress: [{}] })).toEqual(['Egress']);
  });

  const web = pod('default', 'web', { app: 'web' });
  const api = pod('default', 'api', { app: 'api' });

  test('egress rules without policyTypes isolate egress', () => {
    const policies = [policy('default', 'p', { podSelector: {}, ingress: [{}], egress: [{ ports: [{ port: 443 }] }] })];
    expect(allowed(policies, web, api, 443)).toBe(true);
    expect(allowed(policies, web, api, 80)).toBe(false);
  });

  test('an empty egress list without policyTypes does not isolate egress', () => {
    const policies = [policy('default', 'p', { podSelector: { matchLabels: { app: 'api' } }, egress: [] })];
    expect(allowed(policies, api, external('203.0.113.1'), 443)).toBe(true);
    expect(allowed(policies, web, api, 443)).toBe(false);
  });

  test('ingress rules are ignored when policyTypes lists only Egress', () => {
    const policies = [policy('default', 'p', { podSelector: {}, policyTypes: ['Egress'], ingress: [{ ports: [{ port: 1 }] }], egress: [{}] })];
    expect(evaluate(policies, web, api, 80).reason).toBe(
      'egress from default/web allowed by default/p egress[0]; ingress to default/api is not isolated',
    );
  });
});

describe('label selectors', () => {
  const labels = { app: 'api', tier: 'backend' };

  test('an empty selector matches everything, even no labels', () => {
    expect(selectorMatches({}, {})).toBe(true);
  });

  test('matchLabels and matchExpressions must all hold', () => {
    expect(selectorMatches({ matchLabels: { app: 'api' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['backend'] }] }, labels)).toBe(true);
    expect(selectorMatches({ matchLabels: { app: 'api' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['frontend'] }] }, labels)).toBe(false);
    expect(selectorMatches({ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'Exists' }] }, labels)).toBe(false);
  });

  test('In and NotIn; NotIn also matches a missing key', () => {
    expect(selectorMatches({ matchExpressions: [{ key: 'tier', operator: 'In', values: ['backend', 'cache'] }] }, labels)).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }, labels)).toBe(false);
    expect(selectorMatches({ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['backend'] }] }, labels)).toBe(false);
    expect(selectorMatches({ matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a'] }] }, labels)).toBe(true);
  });

  test('Exists and DoesNotExist', () => {
    expect(selectorMatches({ matchExpressions: [{ key: 'tier', operator: 'Exists' }] }, labels)).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] }, labels)).toBe(false);
    expect(selectorMatches({ matchExpressions: [{ key: 'zone', operator: 'DoesNotExist' }] }, labels)).toBe(true);
  });

  test('a label whose value is empty still exists', () => {
    expect(selectorMatches({ matchExpressions: [{ key: 'canary', operator: 'Exists' }] }, { canary: '' })).toBe(true);
    expect(selectorMatches({ matchLabels: { canary: '' } }, {})).toBe(false);
  });

  test('fails when the operator is unknown', () => {
    const selector = { matchExpressions: [{ key: 'tier', operator: 'Gt' }] } as unknown as Parameters<typeof selectorMatches>[0];
    expect(() => selectorMatches(selector, labels)).toThrow(
      'label selector operator "Gt" for key "tier" is not one of In, NotIn, Exists, DoesNotExist',
    );
  });

  test('matchExpressions in a namespaceSelector pick environments', () => {
    const policies = [policy('default', 'from-envs', {
      podSelector: {},
      ingress: [{ from: [{ namespaceSelector: { matchExpressions: [
        { key: 'env', operator: 'In', values: ['prod', 'staging'] },
        { key: 'quarantined', operator: 'DoesNotExist' },
      ] } }] }],
    })];
    const api = pod('default', 'api', {});
    expect(allowed(policies, pod('a', 'x', {}, { namespaceLabels: { env: 'prod' } }), api, 80)).toBe(true);
    expect(allowed(policies, pod('b', 'x', {}, { namespaceLabels: { env: 'staging' } }), api, 80)).toBe(true);
    expect(allowed(policies, pod('c', 'x', {}, { namespaceLabels: { env: 'dev' } }), api, 80)).toBe(false);
    expect(allowed(policies, pod('d', 'x', {}, { namespaceLabels: { env: 'prod', quarantined: 'true' } }), api, 80)).toBe(false);
  });
});

describe('ipBlockContains', () => {
  test('honours prefix lengths 0 and 32 and except ranges', () => {
    expect(ipBlockContains({ cidr: '0.0.0.0/0' }, '255.255.255.255')).toBe(true);
    expect(ipBlockContains({ cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] }, '10.1.2.3')).toBe(false);
    expect(ipBlockContains({ cidr: '192.0.2.7/32' }, '192.0.2.7')).toBe(true);
    expect(ipBlockContains({ cidr: '192.0.2.7/32' }, '192.0.2.8')).toBe(false);
    expect(ipBlockContains({ cidr: '128.0.0.0/1' }, '200.1.1.1')).toBe(true);
    expect(ipBlockContains({ cidr: '128.0.0.0/1' }, '127.255.255.255')).toBe(false);
  });

  test('fails when the address is not IPv4', () => {
    expect(() => ipBlockContains({ cidr: '10.0.0.0/8' }, '10.0.0')).toThrow(
      'address "10.0.0" is not an IPv4 address like 10.0.0.1 (IPv6 is not supported)',
    );
  });
});
