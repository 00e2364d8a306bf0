import { computeMatrix, Destination, formatMatrix, portLabel, Probe } from '../../src/explain/matrix';
import { NetworkPolicy, NetworkPolicySpec, PodEndpoint } from '../../src/explain/reachability';

// A rag-like service: the backend serves the edge on `http` and Prometheus on `metrics`;
// backend and worker may reach Postgres (outside the cluster) and cluster DNS; nothing else.
const policy = (name: string, spec: NetworkPolicySpec): NetworkPolicy => ({ metadata: { name, namespace: 'rag' }, spec });
const component = (name: string) => ({ podSelector: { matchLabels: { 'app.kubernetes.io/component': name } } });
const namespace = (name: string) => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': name } } });

const policies: NetworkPolicy[] = [
  policy('default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
  policy('backend-ingress', {
    podSelector: component('backend').podSelector,
    ingress: [
      { from: [namespace('ingress-nginx')], ports: [{ port: 'http' }] },
      { from: [{ ...namespace('monitoring'), podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } } }], ports: [{ port: 'metrics' }] },
    ],
  }),
  policy('egress-dns', {
    podSelector: {},
    policyTypes: ['Egress'],
    egress: [{ to: [{ ...namespace('kube-system'), podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }], ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] }],
  }),
  policy('egress-postgres', {
    podSelector: { matchExpressions: [{ key: 'app.kubernetes.io/component', operator: 'In', values: ['backend', 'worker'] }] },
    policyTypes: ['Egress'],
    egress: [{ to: [{ ipBlock: { cidr: '10.20.0.5/32' } }], ports: [{ port: 5432 }] }],
  }),
];

const ragPod = (name: string, extra: Partial<PodEndpoint> = {}): PodEndpoint =>
  ({ kind: 'pod', namespace: 'rag', name, labels: { 'app.kubernetes.io/name': 'rag', 'app.kubernetes.io/component': name }, ...extra });
const backend = ragPod('backend', { ports: [{ name: 'http', port: 8000 }, { name: 'metrics', port: 9090 }] });
const worker = ragPod('worker');

const probes: Probe[] = [
  { name: 'ingress-nginx', endpoint: { kind: 'pod', namespace: 'ingress-nginx', name: 'controller', labels: { 'app.kubernetes.io/name': 'ingress-nginx' } } },
  { name: 'prometheus', endpoint: { kind: 'pod', namespace: 'monitoring', name: 'prometheus-0', labels: { 'app.kubernetes.io/name': 'prometheus' } } },
  { name: 'backend', endpoint: backend },
  { name: 'worker', endpoint: worker },
];
const destinations: Destination[] = [
  { label: 'backend', endpoint: backend, port: 'http' },
  { label: 'backend', endpoint: backend, port: 'metrics' },
  { label: 'postgres', endpoint: { kind: 'external', ip: '10.20.0.5', name: 'postgres' }, port: 5432 },
  { label: 'dns', endpoint: { kind: 'pod', namespace: 'kube-system', name: 'coredns', labels: { 'k8s-app': 'kube-dns' } }, port: 53, protocol: 'UDP' },
];

describe('computeMatrix', () => {
  const matrix = computeMatrix(policies, probes, destinations);

  test('has one cell per probe and destination, row by row', () => {
    expect(matrix.sources).toEqual(['ingress-nginx', 'prometheus', 'backend', 'worker']);
    expect(matrix.columns).toEqual(['backend:http', 'backend:metrics', 'postgres:5432', 'dns:53/UDP']);
    expect(matrix.cells).toHaveLength(16);
    expect(matrix.cells.map((cell) => `${cell.source}→${cell.destination}:${cell.port}`).slice(0, 5)).toEqual([
      'ingress-nginx→backend:http', 'ingress-nginx→backend:metrics', 'ingress-nginx→postgres:5432', 'ingress-nginx→dns:53', 'prometheus→backend:http',
    ]);
  });

  test('is plain JSON data', () => {
    expect(JSON.parse(JSON.stringify(matrix))).toEqual(matrix);
  });

  test('carries the reason of each cell', () => {
    const cell = (source: string, column: number) => matrix.cells[matrix.sources.indexOf(source) * matrix.columns.length + column];
    expect(cell('prometheus', 1)).toEqual({
      source: 'prometheus',
      destination: 'backend',
      port: 'metrics',
      protocol: 'TCP',
      allowed: true,
      reason: 'egress from monitoring/prometheus-0 is not isolated; ingress to rag/backend allowed by rag/backend-ingress ingress[1]',
    });
    expect(cell('ingress-nginx', 1).reason).toBe(
      'no policy allows ingress to rag/backend on 9090/TCP (metrics) from ingress-nginx/controller (isolated by rag/default-deny, rag/backend-ingress)',
    );
  });

  test('fails when two probes share a name', () => {
    expect(() => computeMatrix(policies, [probes[0], probes[0]], destinations)).toThrow(
      'probe name "ingress-nginx" appears twice; give each a distinct name',
    );
  });

  test('fails when two destinations share a column', () => {
    expect(() => computeMatrix(policies, probes, [destinations[2], destinations[2]])).toThrow(
      'destination column (label:port) "postgres:5432" appears twice; give each a distinct name',
    );
  });
});

describe('formatMatrix', () => {
  const matrix = computeMatrix(policies, probes, destinations);

  test('prints an aligned table of allowed and denied', () => {
    expect(formatMatrix(matrix)).toBe([
      'from \\ to      backend:http  backend:metrics  postgres:5432  dns:53/UDP',
      '-------------  ------------  ---------------  -------------  ----------',
      'ingress-nginx  allowed       denied           allowed        allowed',
      'prometheus     denied        allowed          allowed        allowed',
      'backend        denied        denied           allowed        allowed',
      'worker         denied        denied           allowed        allowed',
      '',
    ].join('\n'));
  });

  test('lists every reason under the table when asked', () => {
    const text = formatMatrix(matrix, { reasons: true });
    expect(text.split('\n')).toHaveLength(6 + 1 + 16 + 1);
    expect(text).toContain(
      'worker → backend:http: denied: ' +
      'egress from rag/worker is isolated by rag/default-deny, rag/egress-dns, rag/egress-postgres and no egress rule allows rag/backend on 8000/TCP (http); ' +
      'no policy allows ingress to rag/backend on 8000/TCP (http) from rag/worker (isolated by rag/default-deny, rag/backend-ingress)\n',
    );
    expect(text).toContain('backend → postgres:5432: allowed: egress from rag/backend allowed by rag/egress-postgres egress[0]; ingress to postgres (10.20.0.5) is not subject to NetworkPolicy\n');
  });

  test('prints a header alone for an empty matrix', () => {
    expect(formatMatrix(computeMatrix([], [], []))).toBe('from \\ to\n---------\n');
  });
});

describe('portLabel', () => {
  test('omits TCP and names other protocols', () => {
    expect(portLabel(5432, 'TCP')).toBe('5432');
    expect(portLabel('http', 'TCP')).toBe('http');
    expect(portLabel(53, 'UDP')).toBe('53/UDP');
  });
});
