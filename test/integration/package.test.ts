/**
 * berth as someone else's dependency: `npm pack` the repository, install the tarball into a fresh
 * cdk8s TypeScript project of its own (package.json, cdk8s.yaml, tsconfig.json, main.ts), compose
 * the constructs there (a web service, a worker, a retention prune, secret files from an
 * ExternalSecret, network policies), run `cdk8s synth`, and check the YAML with the package's own
 * `berth check`. Versions are pinned to the repository's, so `npm install --prefer-offline` is
 * served by the cache `npm ci` filled (CI also has the registry).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { REPO, tempDir } from '../helpers';

jest.setTimeout(600_000);

const repoPackage = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
/** The repository's pinned version of a dependency, so the project installs what berth was tested with. */
const pinned = (name: string): string => repoPackage.dependencies[name] ?? repoPackage.devDependencies[name];

function run(cmd: string, args: readonly string[], cwd: string): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, CI: 'true', npm_config_update_notifier: 'false', CDK8S_CHECK_UPGRADE: 'false' } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function mustRun(cmd: string, args: readonly string[], cwd: string): string {
  const r = run(cmd, args, cwd);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.code}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** main.ts of the user's project: berth's constructs composed directly, imported from 'berth'. */
const MAIN_TS = `import { App, Chart } from 'cdk8s';
import { ExternalSecretSource, NetworkPeer, NetworkPolicies, NetworkPort, RetentionPrune, SecretFiles, WebService, Worker } from 'berth';

const app = new App();
const chart = new Chart(app, 'shop', { namespace: 'shop', disableResourceNameHashes: true });
const pod = { serviceAccountName: 'default', security: { runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001 } };
const image = 'registry.example.com/shop:1.0.0';
const resources = { cpu: '100m', memory: '256Mi' };

const source = new ExternalSecretSource(chart, 'secrets', {
  name: 'shop-secrets',
  secretStoreRef: { name: 'vault', kind: 'ClusterSecretStore' },
  items: [{ name: 'DATABASE_URL', remoteKey: 'shop/db', property: 'url' }],
});
const files = new SecretFiles(chart, 'secret-files', {
  secretName: source.secretName,
  items: [{ name: 'DATABASE_URL' }],
  processes: ['api', 'worker', 'prune'],
  version: source.checksum,
});
const secretsOf = (process: string) => [files.contributions.get(process)!];

new WebService(chart, 'api', {
  ...pod,
  identity: { service: 'shop', component: 'api' },
  container: { image, command: ['gunicorn', 'shop:app'], resources },
  contributions: secretsOf('api'),
  port: 8000,
  probes: { liveness: '/health' },
});
new Worker(chart, 'worker', { ...pod, identity: { service: 'shop', component: 'worker' }, container: { image, command: ['arq', 'shop.Worker'], resources }, contributions: secretsOf('worker') });
new RetentionPrune(chart, 'prune', { ...pod, identity: { service: 'shop', component: 'prune' }, tables: ['events'], contributions: secretsOf('prune') });
new NetworkPolicies(chart, 'network', {
  service: 'shop',
  ingress: { api: [{ peers: [NetworkPeer.pods('traefik', { 'app.kubernetes.io/name': 'traefik' })], ports: [NetworkPort.tcp(8000)] }] },
  egress: [{ name: 'postgres', processes: ['api', 'worker', 'prune'], to: [NetworkPeer.pods('databases')], ports: [NetworkPort.tcp(5432)] }],
});
app.synth();
`;

describe('the packed package in a fresh cdk8s project', () => {
  let project: string;
  let tarball: string;
  let objects: any[];

  beforeAll(() => {
    const packDir = tempDir('berth-pack-');
    // prepack compiles build/ (JS + .d.ts); prepare makes sure lib/ (the CLI bundle) is current.
    const packed = JSON.parse(mustRun('npm', ['pack', '--json', '--pack-destination', packDir], REPO));
    tarball = path.join(packDir, packed[0].filename);

    project = tempDir('berth-consumer-');
    const deps: Record<string, string> = { berth: `file:${tarball}` };
    for (const name of ['cdk8s', 'cdk8s-plus-28', 'constructs', 'cdk8s-cli', 'typescript', '@types/node']) deps[name] = pinned(name);
    fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'shop-infra', version: '1.0.0', private: true, dependencies: deps }, null, 2));
    fs.writeFileSync(path.join(project, 'tsconfig.json'), JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'commonjs', strict: true, esModuleInterop: true, types: ['node'] }, files: ['main.ts'] }, null, 2));
    // Compiled with the project's own tsc; skipLibCheck is off, so berth's declarations are type-checked too.
    fs.writeFileSync(path.join(project, 'cdk8s.yaml'), 'language: typescript\napp: npx tsc && node main.js\n');
    fs.writeFileSync(path.join(project, 'main.ts'), MAIN_TS);
    mustRun('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund'], project);
    mustRun('npx', ['cdk8s', 'synth'], project);
    objects = yaml.loadAll(fs.readFileSync(path.join(project, 'dist', 'shop.k8s.yaml'), 'utf8')) as any[];
  });

  test('the tarball holds the package and nothing of the repository', () => {
    const files = mustRun('tar', ['tzf', tarball], REPO).split('\n').filter(Boolean).map((f) => f.replace(/^package\//, ''));
    expect(files).toEqual(expect.arrayContaining(['package.json', 'bin/berth.js', 'lib/berth.js.wrapped', 'build/src/index.js', 'build/src/index.d.ts']));
    expect(files.filter((f) => /^(src|test|charts|dist|examples|bench|patches|scripts)\//.test(f))).toEqual([]);
  });

  test('the compiled library reads nothing relative to the repository or the current directory', () => {
    const build = path.join(project, 'node_modules', 'berth', 'build');
    const js = mustRun('find', [build, '-name', '*.js'], project).split('\n').filter(Boolean);
    expect(js.length).toBeGreaterThan(50);
    const offending = js.filter((f) => /__dirname|process\.cwd\(|readFileSync/.test(fs.readFileSync(f, 'utf8')));
    expect(offending).toEqual([]);
  });

  test('cdk8s synth writes the composed constructs', () => {
    const names = objects.map((o) => `${o.kind}/${o.metadata.name}`).sort();
    expect(names).toEqual([
      'CronJob/shop-prune',
      'Deployment/shop-api',
      'Deployment/shop-worker',
      'ExternalSecret/shop-secrets',
      'NetworkPolicy/shop-allow-dns',
      'NetworkPolicy/shop-api-ingress',
      'NetworkPolicy/shop-default-deny',
      'NetworkPolicy/shop-to-postgres',
      'PodDisruptionBudget/shop-api',
      'Service/shop-api',
    ]);
    const api = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'shop-api');
    const container = api.spec.template.spec.containers[0];
    expect(container.env).toContainEqual({ name: 'DATABASE_URL_FILE', value: '/run/secrets/database_url' });
    expect(container.securityContext.readOnlyRootFilesystem).toBe(true);
  });

  test("the package's berth check passes the synthesized YAML", () => {
    const r = run('npx', ['berth', 'check', 'dist'], project);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('berth check: 10 objects in dist: no problems');
    expect(r.code).toBe(0);
  });

  test("the package's berth check refuses a privileged pod", () => {
    const bad = path.join(project, 'bad');
    fs.mkdirSync(bad);
    const api = JSON.parse(JSON.stringify(objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'shop-api')));
    api.spec.template.spec.containers[0].securityContext.privileged = true;
    fs.writeFileSync(path.join(bad, 'api.yaml'), yaml.dump(api));
    const r = run('npx', ['berth', 'check', 'bad'], project);
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toMatch(/privileged/);
  });
});
