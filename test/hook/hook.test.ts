/**
 * The per-service TypeScript hook (charts/<service>/chart.ts, docs/hooks.md) on a reference-style
 * repository (test/fixtures/hook-repo: one service, payments, whose hook adds a PodMonitor and
 * patches berth's API Deployment), run through the real CLI as a user runs it. The refusals
 * (a privileged Pod, a Secret with a value, a throw, a syntax error) are cases of the bad-input
 * catalogue (test/bad-inputs/cases/26x-hook-*).
 *
 * Three runs go through a process of its own, where the process is what they test: the synth of
 * the shared fixture (the bundle runs the hook), the throw (its line comes through the source map
 * of the bundle's run) and `--from-cdk8s-cli`. The rest run the CLI's `run` in this process, which
 * compiles hooks through the same bin/build.js and its cache on disk.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { SERVICE_NAMESPACED_KINDS } from '../../src/chart/delivery';
import { HOOK_FILE, HOOK_MODULES } from '../../src/main';
import { SYNC_WAVE_ANNOTATION, SYNC_WAVES } from '../../src/util/sync-waves';
import { berth, berthInProcess, find, hashTree, REPO, tempDir } from '../helpers';

const FIXTURE = path.join(__dirname, '../fixtures/hook-repo');
const HOOK = 'charts/payments/chart.ts';

/** A fresh copy of the fixture repository. */
function fixtureRepo(): string {
  const dir = tempDir();
  fs.cpSync(FIXTURE, dir, { recursive: true });
  return dir;
}

/**
 * The fixture synthesized once by the real CLI, for the tests that only read it (and as the copy
 * to start from for those that need its dist/).
 */
const synthesized = fixtureRepo();
const synth = berth(synthesized, 'synth');

/** A fresh copy of {@link synthesized}: the fixture and the dist/ the CLI wrote for it. */
function synthesizedRepo(): string {
  const dir = tempDir();
  fs.cpSync(synthesized, dir, { recursive: true });
  return dir;
}

const objectsOf = (dir: string, file: string): any[] => yaml.loadAll(fs.readFileSync(path.join(dir, file), 'utf8')) as any[];
const manifests = (dir: string, env: string) => objectsOf(dir, `dist/${env}/payments/manifests.yaml`);
/** The (group, kind) pairs the service's AppProject lets its Application write. */
const allowedKinds = (dir: string, env: string): string[] =>
  find(objectsOf(dir, `dist/argocd/${env}/payments-${env}.yaml`), 'AppProject').spec.namespaceResourceWhitelist.map((k: { group: string; kind: string }) => `${k.group}/${k.kind}`);

describe('a hook on a reference-style service (test/fixtures/hook-repo)', () => {
  const repo = synthesized;

  test('explain lists what the hook adds and what it changes, at the hook\'s file', async () => {
    const r = await berthInProcess(repo, 'explain', 'payments', '--env', 'prod');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^  PodMonitor payments-business +added by the hook ${HOOK}$`)));
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^  Deployment payments-api +changed by the hook ${HOOK}$`)));
  });

  test('synth runs it: the PodMonitor it adds and the annotation it patches onto the Deployment are in dist/', () => {
    expect({ code: synth.code, stderr: synth.stderr }).toEqual({ code: 0, stderr: '' });
    for (const env of ['prod', 'staging']) {
      const objects = manifests(repo, env);
      const monitor = find(objects, 'PodMonitor', 'payments-business');
      expect(monitor.metadata.namespace).toBe('payments');
      // It belongs to the service like berth's own objects and the extra ones.
      expect(monitor.metadata.labels).toMatchObject({ 'app.kubernetes.io/name': 'payments', 'app.kubernetes.io/part-of': 'payments', 'app.kubernetes.io/managed-by': 'berth' });
      expect(monitor.spec).toEqual({ selector: { matchLabels: { 'app.kubernetes.io/name': 'payments', 'app.kubernetes.io/component': 'api' } }, podMetricsEndpoints: [{ port: 'http', path: '/metrics/business', interval: '5m' }] });
      // The hook found berth's Deployment by class (instanceof ApiObject): the hook's cdk8s is berth's.
      const api = find(objects, 'Deployment', 'payments-api');
      expect(api.metadata.annotations).toMatchObject({ 'example.com/owner': 'payments-team', 'example.com/environment': env });
      // berth's sync wave is still applied after the patch.
      expect(api.metadata.annotations[SYNC_WAVE_ANNOTATION]).toBe(String(SYNC_WAVES.Deployment));
    }
  });

  test("the service's AppProject allows the kind the hook adds, after the kinds berth writes", () => {
    const berths = SERVICE_NAMESPACED_KINDS.map((k) => `${k.group}/${k.kind}`);
    expect(berths).not.toContain('monitoring.coreos.com/PodMonitor');
    for (const env of ['prod', 'staging']) expect(allowedKinds(repo, env)).toEqual([...berths, 'monitoring.coreos.com/PodMonitor']);
  });

  test('what it wrote passes `berth check`, and `berth diff` (which runs the hook too) sees nothing to change', async () => {
    expect(await berthInProcess(repo, 'check', 'dist')).toMatchObject({ code: 0 });
    expect(await berthInProcess(repo, 'diff', '--exit-code')).toMatchObject({ code: 0 });
  });

  test('the in-process synth (berth from src/, as jest loads it) writes the same dist/', async () => {
    const other = fixtureRepo();
    expect(await berthInProcess(other, 'synth')).toMatchObject({ code: 0, stderr: '' });
    expect(hashTree(path.join(other, 'dist'))).toEqual(hashTree(path.join(repo, 'dist')));
  });

  test('the cdk8s CLI path (`synth --from-cdk8s-cli`) runs it too', () => {
    // As cdk8s.yaml's app runs it: the cdk8s CLI sets CDK8S_OUTDIR and reads the copies there.
    const out = path.join(tempDir(), 'cdk8s.out');
    const r = spawnSync(process.execPath, [path.join(REPO, 'bin/berth.js'), 'synth', '--from-cdk8s-cli'], { cwd: repo, encoding: 'utf8', env: { ...process.env, CDK8S_OUTDIR: out } });
    expect(r.status).toBe(0);
    expect((yaml.loadAll(fs.readFileSync(path.join(out, 'prod.payments.k8s.yaml'), 'utf8')) as any[]).map((o) => o.kind)).toContain('PodMonitor');
  });
});

test("the modules bin/build.js leaves out of a hook are the ones main.ts hands it, and both know the hook's file by one name", () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const build = require('../../bin/build.js') as { HOOK_SHARED: string[]; HOOK_FILE: string };
  expect(Object.keys(HOOK_MODULES).sort()).toEqual([...build.HOOK_SHARED].sort());
  expect(build.HOOK_FILE).toBe(HOOK_FILE);
});

test('`berth alerts` reads the model, which a hook cannot change: it does not load the hook', async () => {
  const repo = fixtureRepo();
  fs.writeFileSync(path.join(repo, HOOK), 'export default function (chart) {\n');
  expect((await berthInProcess(repo, 'synth')).stderr).toContain('The hook does not compile');
  expect(await berthInProcess(repo, 'alerts', 'payments', '--env', 'prod')).toMatchObject({ code: 0, stderr: '' });
});

test("type errors are tsc's to report: the project's tsconfig includes hooks and resolves 'berth' for them", () => {
  // tsc itself reporting a hook's type error is test/integration/hook-types.test.ts (a program over the
  // whole API costs seconds); here, what decides that it can: the files included and the name resolved.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ts = require('typescript') as typeof import('typescript');
  const config = ts.getParsedCommandLineOfConfigFile(path.join(REPO, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined })!;
  expect(config.fileNames).toContain(path.join(REPO, 'charts/ledger/chart.ts'));
  expect(config.fileNames).toContain(path.join(FIXTURE, 'charts/payments/chart.ts'));
  // A hook anywhere imports 'berth' as the package's own entry, the one that exports HookContext.
  const resolved = ts.resolveModuleName('berth', path.join(tempDir(), HOOK), config.options, ts.sys).resolvedModule?.resolvedFileName;
  expect(resolved).toBe(path.join(REPO, 'src/index.ts'));
});

describe('what a hook may not do to the chart', () => {
  /** Synth (in process) of the fixture with a line added at the end of its hook's function (and an import at its top). */
  async function synthWith(line: string, importLine = '') {
    const repo = fixtureRepo();
    const file = path.join(repo, HOOK);
    fs.writeFileSync(file, importLine + fs.readFileSync(file, 'utf8').replace(/\n}\n$/, `\n  ${line}\n}\n`));
    return { repo, ...(await berthInProcess(repo, 'synth')) };
  }

  test("fails when an object it added does not render: told at the hook's file, not at the bundled package's", async () => {
    const r = await synthWith("new KubePod(chart, 'bad', { metadata: { name: 'payments-bad' }, spec: { containers: 'debug' as never } });", "import { KubePod } from 'cdk8s-plus-28/lib/imports/k8s';\n");
    expect(r.code).toBe(1);
    const lines = r.stderr.split('\n');
    expect(lines.slice(2, 4)).toEqual(['charts/payments/chart.ts', `  ✖ prod, staging: Pod "payments-bad" does not render after the hook: ${lines[3].split(': ').pop()}`]);
    expect(lines[3]).toMatch(/is not a function$/);
    expect(r.stderr).not.toMatch(/node_modules|\(line /);
  });

  test('fails when it adds an object of a kind and name the chart already holds', async () => {
    const r = await synthWith("new ApiObject(chart, 'second-config', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'payments-config' }, data: { A: '1' } });");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      [
        'charts/payments/chart.ts',
        '  ✖ prod, staging: the chart holds ConfigMap/payments/payments-config twice',
        '    → fix: change the object berth wrote (find it in chart.node.findAll(), then addJsonPatch) instead of adding one with its kind and name',
      ].join('\n'),
    );
    expect(fs.existsSync(path.join(r.repo, 'dist'))).toBe(false);
  });

  test('`synth --no-checks` prints nothing when a Secret it adds carries a value (the leak guard still runs)', async () => {
    const value = 'whsec_9f8e7d6c5b4a39281706f5e4d3c2b1a0';
    const repo = fixtureRepo();
    const file = path.join(repo, HOOK);
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/\n}\n$/, `\n  new ApiObject(chart, 'webhook', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'payments-webhook' }, stringData: { SIGNING_SECRET: '${value}' } });\n}\n`));
    const r = await berthInProcess(repo, 'synth', '--no-checks');
    expect({ code: r.code, stdout: r.stdout }).toEqual({ code: 1, stdout: '' });
    expect(r.stderr).toContain('Secret carries a value in stringData (SIGNING_SECRET); berth only references secrets (Secret/payments/payments-webhook, which this hook adds)');
    expect(r.stderr).not.toContain(value);
  });

  test('a Role and RoleBinding it adds are allowed in the AppProject, and a ClusterRole binding is refused at its file', async () => {
    const role = "new ApiObject(chart, 'leader', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'payments-leader' }, rules: [{ apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'update'] }] });";
    const binding = (kind: string, name: string) =>
      `new ApiObject(chart, 'leader-binding', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'payments-leader' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: '${kind}', name: '${name}' }, subjects: [{ kind: 'ServiceAccount', name: 'payments' }] });`;
    const ok = await synthWith(`${role} ${binding('Role', 'payments-leader')}`);
    expect(ok).toMatchObject({ code: 0, stderr: '' });
    expect(allowedKinds(ok.repo, 'prod')).toEqual(expect.arrayContaining(['rbac.authorization.k8s.io/Role', 'rbac.authorization.k8s.io/RoleBinding']));
    const bad = await synthWith(`${role} ${binding('ClusterRole', 'admin')}`);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(
      '  ✖ prod, staging: Binds the ClusterRole "admin": its rules live in the cluster, not in Git, where berth cannot check them (and view, edit and admin grow with every CRD installed) (RoleBinding/payments/payments-leader, which this hook adds)\n',
    );
    expect(fs.existsSync(path.join(bad.repo, 'dist'))).toBe(false);
  });

  test("fails when it puts an object in another namespace than the service's", async () => {
    const r = await synthWith("new ApiObject(chart, 'elsewhere', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'payments-shared', namespace: 'monitoring' }, data: { A: '1' } });");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('  ✖ prod, staging: ConfigMap/monitoring/payments-shared is in namespace "monitoring", not the service\'s\n');
  });

  test('what it does to ctx.spec and ctx.environment reaches neither the Application nor another environment', async () => {
    const r = await synthWith("(ctx.spec as { description?: string }).description = 'changed by the hook'; (ctx.environment as { cluster: string }).cluster = 'https://elsewhere.example.com';");
    expect(r).toMatchObject({ code: 0, stderr: '' });
    // The fixture's own synth is one whose hook left ctx alone (the in-process synth writes the same dist/, tested above).
    expect(synth).toMatchObject({ code: 0, stderr: '' });
    const app = (repo: string) => find(objectsOf(repo, 'dist/argocd/prod/payments-prod.yaml'), 'Application');
    expect(app(r.repo).spec.destination.server).toBe(app(synthesized).spec.destination.server);
    // Nothing anywhere in dist/, in either environment, differs from a synth whose hook left ctx alone.
    expect(hashTree(path.join(r.repo, 'dist'))).toEqual(hashTree(path.join(synthesized, 'dist')));
  });
});

describe('hooks are compiled again when they change', () => {
  // In process: the hook is compiled by bin/build.js and kept in its cache on disk, as in a
  // process of its own, and a second run in the same process must not keep the first one's hook.
  test('an edited hook is recompiled, a removed one no longer runs (nor is allowed in the AppProject)', async () => {
    const repo = fixtureRepo();
    expect((await berthInProcess(repo, 'synth')).code).toBe(0);
    const file = path.join(repo, HOOK);
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace("'payments-team'", "'ledger-team'"));
    expect((await berthInProcess(repo, 'synth')).code).toBe(0);
    expect(find(manifests(repo, 'prod'), 'Deployment', 'payments-api').metadata.annotations['example.com/owner']).toBe('ledger-team');

    fs.rmSync(file);
    expect((await berthInProcess(repo, 'synth')).code).toBe(0);
    const objects = manifests(repo, 'prod');
    expect(objects.filter((o) => o.kind === 'PodMonitor')).toEqual([]);
    expect(find(objects, 'Deployment', 'payments-api').metadata.annotations['example.com/owner']).toBeUndefined();
    expect(allowedKinds(repo, 'prod')).not.toContain('monitoring.coreos.com/PodMonitor');
  });

  test('fails when a hook throws: its file and line, no stack trace, dist/ byte for byte as it was', () => {
    // The fixture as the CLI synthesized it: a dist/ to keep.
    const repo = synthesizedRepo();
    expect(synth.code).toBe(0);
    const before = hashTree(path.join(repo, 'dist'));
    expect(Object.keys(before).length).toBeGreaterThan(0);
    const file = path.join(repo, HOOK);
    // Line 20 of the fixture's hook becomes a throw, inside the exported function.
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    expect(lines[19]).toMatch(/^\s+if \(!api\)/);
    lines[19] = "  throw new Error('payments: no business metrics yet');";
    fs.writeFileSync(file, lines.join('\n'));
    const r = berth(repo, 'synth');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      [
        'berth: 1 problem found; dist/ was not changed.',
        '',
        'charts/payments/chart.ts',
        '  ✖ prod, staging: the hook threw: payments: no business metrics yet',
        '    → at (line 20)',
        '    → fix: fix the hook at this line (the innermost line of your own code the error came through)',
        '',
      ].join('\n'),
    );
    expect(hashTree(path.join(repo, 'dist'))).toEqual(before);
  });

  test("fails when a hook makes berth's own object break a check: told at the hook's file, as what the hook changes", async () => {
    const repo = fixtureRepo();
    const file = path.join(repo, HOOK);
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace("api.addJsonPatch(", "api.addJsonPatch(JsonPatch.add('/spec/template/spec/hostNetwork', true), "));
    const r = await berthInProcess(repo, 'synth');
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n').slice(0, 6)).toEqual([
      'berth: the synthesized manifests fail their checks; dist/ was not changed.',
      '',
      'charts/payments/chart.ts',
      '  ✖ prod, staging: host namespaces (hostNetwork=true) (Deployment/payments/payments-api, which this hook changes)',
      '    → at Deployment/payments/payments-api spec.template.spec.hostNetwork',
      "    → fix: remove hostNetwork: the pod must not share the node's namespaces",
    ]);
    expect(fs.existsSync(path.join(repo, 'dist'))).toBe(false);
  });
});
