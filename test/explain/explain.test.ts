import { explainCommand, explainService, METADATA_IP } from '../../src/explain/explain';
import { loadRepo, synthRepo } from '../../src/main';
import { environment, REPO, specInput, synthSpec } from '../helpers';

const output = synthRepo({ root: REPO });
const envs = loadRepo(REPO).config.environments;

describe('explainCommand', () => {
  const text = explainCommand(output, envs.prod, 'rag', 'prod', 'text');

  test('text: a legend, who can connect in, where the pods can go', () => {
    expect(text).toMatch(/^berth explain rag \(prod\): namespace rag, \d+ NetworkPolicies\n/);
    expect(text).toContain('  ingress-controller  pods app.kubernetes.io/name=ingress-nginx in namespace ingress-nginx\n');
    expect(text).toContain('  stranger            an unrelated pod in namespace default\n');
    expect(text).toContain('  internet            internet client 203.0.113.10; public server 93.184.216.34\n');
    expect(text).toContain('  postgres            pods cnpg.io/cluster=rag-postgres in namespace databases\n');
    expect(text).toMatch(/Who can connect to the pods of rag \(destination ports are container ports\):\n\nfrom \\ to +backend:8000 +frontend:8080\n/);
    expect(text).toMatch(/\nstranger +denied +denied\n/);
    expect(text).toMatch(/\ningress-controller +allowed +allowed\n/);
    expect(text).toMatch(/\nprometheus +allowed +denied\n/);
    expect(text).toMatch(/Where the pods of rag can connect:\n\nfrom \\ to +dns:53\/UDP +dns:53 +postgres:5432 +redis:6379 +internet:443 +metadata:80\n/);
    expect(text).toMatch(/\nmigrate +allowed +allowed +allowed +denied +denied +denied\n/);
  });

  test('mermaid: only the paths that reach the service or leave it', () => {
    const mermaid = explainCommand(output, envs.prod, 'rag', 'prod', 'mermaid');
    expect(mermaid.startsWith('flowchart LR\n')).toBe(true);
    expect(mermaid).toContain('  n_ingress_controller -->|"8000"| n_backend\n');
    expect(mermaid).toContain('  n_prometheus -->|"8000"| n_backend\n');
    expect(mermaid).toContain('  n_worker -->|"5432"| n_postgres\n');
    expect(mermaid).toContain('  n_backend -->|"443"| n_internet\n');
    // Nothing from the stranger or the internet, nothing to the metadata service.
    expect(mermaid).not.toMatch(/^ {2}n_stranger -->/m);
    expect(mermaid).not.toMatch(/^ {2}n_internet -->/m);
    expect(mermaid).not.toMatch(/\| n_metadata$/m);
    expect(mermaid).toContain('  n_stranger["stranger"]\n');
  });

  test('json: the whole matrix', () => {
    const json = JSON.parse(explainCommand(output, envs.staging, 'george', 'staging', 'json'));
    expect(json.service).toBe('george');
    expect(json.environment).toBe('staging');
    expect(json.sources.slice(0, 4)).toEqual(['stranger', 'internet', 'ingress-controller', 'prometheus']);
    expect(json.cells).toHaveLength(json.sources.length * json.columns.length);
    const cell = json.cells.find((c: any) => c.source === 'api' && c.destination === 'auth');
    expect(cell).toMatchObject({ port: 6001, protocol: 'TCP', allowed: true });
    expect(cell.reason).toContain('george/george-auth-ingress ingress[0]');
  });

  test('fails when the service is not in that environment', () => {
    expect(() => explainCommand(output, envs.prod, 'nope', 'prod')).toThrow('explain: no service "nope" in environment "prod" (services there: fluxion, george, ledger, rag, reporting, vector-chat)');
  });

  test('fails when the format is unknown', () => {
    expect(() => explainCommand(output, envs.prod, 'rag', 'prod', 'yaml' as any)).toThrow('explain: format "yaml" is not one of text, mermaid, json');
  });
});

describe('explainService', () => {
  test('a CIDR dependency is an address; names taken by processes or dependencies get a -probe suffix', () => {
    const objects = synthSpec(specInput({
      web: { dns: { port: 8000, health: { liveness: '/health' } } },
      dependencies: { ldap: { port: 636, cidr: '192.168.10.0/24' }, metadata: { port: 5000, namespace: 'meta' } },
    }));
    const { matrix, outbound, text } = explainService(objects, { env: environment() });
    expect(matrix.columns).toEqual(['dns:8000', 'dns-probe:53/UDP', 'dns-probe:53', 'ldap:636', 'metadata:5000', 'internet:443', 'metadata-probe:80']);
    expect(text).toContain('  metadata            any pod in namespace meta\n');
    expect(outbound.cells.find((c) => c.destination === 'ldap')).toMatchObject({ allowed: true });
    expect(text).toContain('  ldap                ldap 192.168.10.1\n');
    expect(text).toContain(`cloud metadata ${METADATA_IP}`);
  });

  test("the environment's extra DNS addresses are destinations of their own, open on 53 only", () => {
    const env = environment({ dns: { extraAddresses: ['169.254.20.10'] } });
    const { outbound, text } = explainService(synthSpec(specInput(), env), { env });
    expect(outbound.columns.slice(0, 4)).toEqual(['dns:53/UDP', 'dns:53', 'dns-169.254.20.10:53/UDP', 'dns-169.254.20.10:53']);
    const cache = (o: typeof outbound) => o.cells.filter((c) => c.destination.startsWith('dns-169.254.20.10')).map((c) => c.allowed);
    expect(cache(outbound)).toEqual([true, true]);
    expect(outbound.cells.find((c) => c.destination === 'metadata')).toMatchObject({ allowed: false });
    expect(text).toMatch(/\n {2}dns-169\.254\.20\.10 +DNS address 169\.254\.20\.10\n/);
    // explain reads the objects: policies written without the address show it shut.
    expect(cache(explainService(synthSpec(specInput()), { env }).outbound)).toEqual([false, false]);
  });

  test('reasons: each verdict with the rule that decided it', () => {
    const objects = synthSpec(specInput());
    const { text } = explainService(objects, { env: environment(), reasons: true });
    expect(text).toContain('ingress-controller → api:8000: allowed: egress from traefik/ingress-controller is not isolated; ingress to demo/api allowed by demo/demo-api-ingress ingress[0]');
    expect(text).toContain('api → metadata:80: denied: egress from demo/api is isolated by demo/demo-default-deny, demo/demo-allow-dns and no egress rule allows cloud metadata (169.254.169.254) on 80/TCP');
  });

  test('fails when the objects hold no service', () => {
    expect(() => explainService([], { env: environment() })).toThrow('explain: the objects hold neither a Namespace nor a workload; pass the objects of one synthesized service');
  });
});
