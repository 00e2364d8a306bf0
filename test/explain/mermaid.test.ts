import { computeMatrix, MatrixCell, ReachabilityMatrix } from '../../src/explain/matrix';
import { renderMermaid } from '../../src/explain/mermaid';
import { NetworkPolicy, PodEndpoint } from '../../src/explain/reachability';

// Edge → web → api → postgres, with web also calling a second api port and nothing reaching
// the debug endpoint.
const ns = 'shop';
const pod = (name: string, ports: PodEndpoint['ports'] = []): PodEndpoint =>
  ({ kind: 'pod', namespace: ns, name, labels: { app: name }, ports });
const policies: NetworkPolicy[] = [
  { metadata: { name: 'default-deny', namespace: ns }, spec: { podSelector: {}, policyTypes: ['Ingress'] } },
  { metadata: { name: 'web', namespace: ns }, spec: { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }], ports: [{ port: 8080 }] }] } },
  { metadata: { name: 'api', namespace: ns }, spec: { podSelector: { matchLabels: { app: 'api' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 'http' }, { port: 'grpc' }] }] } },
];
const web = pod('web');
const api = pod('api', [{ name: 'http', port: 8000 }, { name: 'grpc', port: 9000 }, { name: 'debug', port: 5678 }]);
const edge: PodEndpoint = { kind: 'pod', namespace: 'ingress-nginx', name: 'controller', labels: {} };
const matrix = computeMatrix(
  policies,
  [{ name: 'ingress-nginx', endpoint: edge }, { name: 'web', endpoint: web }],
  [
    { label: 'web', endpoint: web, port: 8080 },
    { label: 'api', endpoint: api, port: 'http' },
    { label: 'api', endpoint: api, port: 'grpc' },
    { label: 'api', endpoint: api, port: 'debug' },
    { label: 'postgres', endpoint: { kind: 'external', ip: '10.0.0.5' }, port: 5432 },
  ],
);

describe('renderMermaid', () => {
  const diagram = renderMermaid(matrix);

  test('matches the snapshot', () => {
    expect(diagram).toMatchSnapshot();
  });

  test('is a left-to-right flowchart', () => {
    expect(diagram.startsWith('flowchart LR\n')).toBe(true);
  });

  test('declares every endpoint once, a probe and a destination of the same name as one node', () => {
    expect(diagram).toContain('  n_ingress_nginx["ingress-nginx"]\n');
    expect(diagram.match(/n_web\["web"\]/g)).toHaveLength(1);
    expect(diagram).toContain('  n_api["api"]\n');
  });

  test('draws allowed edges labelled with their ports, several ports on one edge', () => {
    expect(diagram).toContain('  n_ingress_nginx -->|"8080"| n_web\n');
    expect(diagram).toContain('  n_web -->|"http, grpc"| n_api\n');
    expect(diagram).toContain('  n_web -->|"5432"| n_postgres\n');
  });

  test('omits denied edges but keeps their nodes', () => {
    expect(diagram).not.toContain('debug');
    expect(diagram).not.toContain('n_ingress_nginx -->|"http');
    expect(diagram).not.toContain('n_web -->|"8080"| n_web');
    expect(diagram).not.toContain('-.->');
  });

  test('sanitizes ids, keeps colliding names apart and escapes labels', () => {
    const cell = (source: string, destination: string, allowed: boolean): MatrixCell =>
      ({ source, destination, port: 53, protocol: 'UDP', allowed, reason: '' });
    const odd: ReachabilityMatrix = {
      sources: ['end', 'kube-system/coredns', 'kube_system_coredns'],
      columns: ['say "hi" <b>:53/UDP'],
      cells: [cell('end', 'say "hi" <b>', true), cell('kube-system/coredns', 'say "hi" <b>', true), cell('kube_system_coredns', 'say "hi" <b>', false)],
    };
    expect(renderMermaid(odd)).toBe([
      'flowchart LR',
      '  n_end["end"]',
      '  n_kube_system_coredns["kube-system/coredns"]',
      '  n_kube_system_coredns_2["kube_system_coredns"]',
      '  n_say__hi___b_["say #quot;hi#quot; #lt;b#gt;"]',
      '  n_end -->|"53/UDP"| n_say__hi___b_',
      '  n_kube_system_coredns -->|"53/UDP"| n_say__hi___b_',
      '',
    ].join('\n'));
  });

  test('renders nodes alone when nothing is allowed', () => {
    const denied = computeMatrix([policies[0]], [{ name: 'web', endpoint: web }], [{ label: 'api', endpoint: api, port: 8000 }]);
    expect(renderMermaid(denied)).toBe('flowchart LR\n  n_web["web"]\n  n_api["api"]\n');
  });
});
