/**
 * The cdk8s CLI around berth: `npx cdk8s synth` runs berth's synth through cdk8s.yaml, and the
 * patch of the CLI's start-up still lets every command work. These run the real cdk8s CLI (about a
 * second of CPU a run), so they sit with the other tests of real tools, which CI runs.
 *
 * patches/cdk8s-cli+<version>.patch (applied by patch-package at npm ci) makes the cdk8s CLI load
 * a command's heavy modules when that command runs. yargs' commandDir requires every command
 * module for every command, so `npx cdk8s synth` used to load jsii-pacmak and the TypeScript
 * compiler for `init`, and the CRD importers for `import`: about 0.7 s of its 0.9 s start here.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { hashTree, REPO, tempRepo } from '../helpers';
import { tempDir } from '../temp-dir';

const CLI = path.join(REPO, 'node_modules/cdk8s-cli/bin/cdk8s');

function run(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  return spawnSync(process.execPath, [CLI, ...args], {
    cwd: opts.cwd ?? REPO,
    encoding: 'utf8',
    env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false', ...opts.env },
  });
}

describe('cdk8s CLI start-up (patch-package)', () => {
  test('a command loads no other command\'s heavy modules', () => {
    const dir = tempDir('berth-cdk8s-cli-');
    const list = path.join(dir, 'modules.json');
    const hook = path.join(dir, 'hook.js');
    fs.writeFileSync(hook, `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(list)}, JSON.stringify(Object.keys(require.cache))));\n`);
    const r = spawnSync(process.execPath, ['-r', hook, CLI, '--version'], {
      cwd: REPO, encoding: 'utf8', env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' },
    });
    expect(r.status).toBe(0);
    const loaded: string[] = JSON.parse(fs.readFileSync(list, 'utf8'));
    // The three command modules are loaded (so the lazy requires are what is being tested) ...
    for (const cmd of ['init', 'import', 'synth']) {
      expect(loaded).toContain(path.join(REPO, `node_modules/cdk8s-cli/lib/cli/cmds/${cmd}.js`));
    }
    // ... and none of what only init, import, a Helm synth or the upgrade check needs.
    const heavy = loaded.filter((m) =>
      /node_modules\/(jsii-pacmak|jsii-reflect|typescript)\//.test(m)
      || m.endsWith('/cdk8s-cli/lib/import/dispatch.js')
      || m.endsWith('/cdk8s-cli/lib/upgrades.js'));
    expect(heavy).toEqual([]);
    // 260 modules with the patch here, 900 without.
    expect(loaded.length).toBeLessThan(400);
  });

  test('import still shows its help, with the default Kubernetes version', () => {
    const r = run(['import', '--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Imports Kubernetes API objects to imports\/k8s\.ts\. Defaults to \d+\.\d+\.\d+/);
  });

  test('init still resolves its template versions through jsii-pacmak', () => {
    // python-app's pre hook stops at once when `uv` is missing; the versions (computed with
    // jsii-pacmak's version utilities) are resolved before it, so a broken lazy require fails here.
    const dir = tempDir('berth-cdk8s-init-');
    const bin = path.join(dir, 'bin');
    fs.mkdirSync(bin);
    fs.symlinkSync(process.execPath, path.join(bin, 'node'));
    fs.symlinkSync('/usr/bin/which', path.join(bin, 'which'));
    const project = path.join(dir, 'project');
    fs.mkdirSync(project);
    const r = run(['init', 'python-app'], { cwd: project, env: { PATH: bin } });
    expect(r.stderr).toContain('Initializing a project from the python-app template');
    expect(r.stderr).toContain('Unable to find "uv"');
    expect(r.stderr).not.toMatch(/Cannot find module|TypeError|ReferenceError/);
  });
});

describe('npx cdk8s synth', () => {
  const cdk8s = (cwd: string) =>
    spawnSync(path.join(REPO, 'node_modules/.bin/cdk8s'), ['synth'], { cwd, encoding: 'utf8', env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' } });
  const project = () => {
    const repo = tempRepo();
    // The cdk8s CLI runs the app from cdk8s.yaml; point it at this checkout's berth.
    fs.writeFileSync(path.join(repo, 'cdk8s.yaml'), `language: typescript\napp: node ${path.join(REPO, 'bin/berth.js')} synth --from-cdk8s-cli\noutput: .cdk8s.out\n`);
    return repo;
  };

  test('writes the same dist/ as npm run synth, and lists a copy in its own output folder', () => {
    const repo = project();
    const before = hashTree(path.join(repo, 'dist'));
    const r = cdk8s(repo);
    expect(r.status).toBe(0);
    expect(hashTree(path.join(repo, 'dist'))).toEqual(before);
    expect(fs.readFileSync(path.join(repo, '.cdk8s.out/prod.rag.k8s.yaml'), 'utf8')).toBe(fs.readFileSync(path.join(repo, 'dist/prod/rag/manifests.yaml'), 'utf8'));
  });

  // One run of the CLI (a second costs a second of CPU) for both what it leaves and what it prints.
  test('fails on a broken spec and leaves dist/ untouched, although the CLI empties its own output first; prints berth\'s problems and one line from the CLI, no stack trace', () => {
    const repo = project();
    const before = hashTree(path.join(repo, 'dist'));
    fs.writeFileSync(path.join(repo, 'charts/reporting/prod.yaml'), 'web: { api: { replicas: -1 } }\n');
    const r = cdk8s(repo);
    expect(hashTree(path.join(repo, 'dist'))).toEqual(before);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('charts/reporting/prod.yaml\n  ✖ must be at least 1');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stderr.trimEnd().split('\n').pop()).toMatch(/^cdk8s: command "node .*berth\.js synth --from-cdk8s-cli ?" at .* returned a non-zero exit code 1$/);
  });
});
