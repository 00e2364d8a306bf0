/**
 * The synth command end to end, as a user runs it: a broken spec exits non-zero with a clear
 * message and no stack trace, and leaves dist/ byte for byte as it was.
 *
 * What only a process shows (its exit, a closed pipe, BERTH_DEBUG) runs
 * `bin/berth.js`; the messages of a broken repository run the CLI's `run` in this process, as the
 * bad-input catalogue does for most of its cases (it runs one of each kind of failure through the
 * real CLI, a spec error, a YAML error, a symlink and a secret on stderr among them).
 */
import * as fs from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { berth, berthInProcess, CHART_SERVICES, hashTree, REPO, tempRepo } from '../helpers';

describe('berth synth', () => {
  test('a second synth of an unchanged repo changes nothing', () => {
    const repo = tempRepo();
    const before = hashTree(path.join(repo, 'dist'));
    const r = berth(repo, 'synth');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    // A unit per service under charts/ and environment (staging, prod).
    expect(r.stdout).toMatch(new RegExp(`^berth: \\d+ objects for ${CHART_SERVICES.length * 2} service environments unchanged in dist/`));
    expect(hashTree(path.join(repo, 'dist'))).toEqual(before);
  });

  test('fails when a spec is broken, and leaves dist/ untouched', async () => {
    const repo = tempRepo();
    const before = hashTree(path.join(repo, 'dist'));
    expect(Object.keys(before).length).toBeGreaterThan(0);
    const spec = path.join(repo, 'charts/rag/service.yaml');
    fs.writeFileSync(spec, fs.readFileSync(spec, 'utf8').replace('port: 8000', 'port: 80000'));
    const r = await berthInProcess(repo, 'synth');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'berth: 1 problem found; dist/ was not changed.\n\n' +
        'charts/rag/service.yaml\n  ✖ must be between 1 and 65535 (got 80000)\n    → at web.backend.port (line 45)\n    → fix: use at most 65535\n',
    );
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(hashTree(path.join(repo, 'dist'))).toEqual(before);
  });

  test('synth --no-checks prints the unchecked manifests and never writes dist/, even when they fail their checks', async () => {
    const repo = tempRepo();
    const spec = path.join(repo, 'charts/rag/service.yaml');
    fs.writeFileSync(spec, fs.readFileSync(spec, 'utf8').replace('ALLOW_DEV_LOGIN: "false"', 'ALLOW_DEV_LOGIN: "true"'));
    const before = hashTree(path.join(repo, 'dist'));
    const checked = await berthInProcess(repo, 'synth');
    expect(checked.code).toBe(1);
    expect(checked.stderr).toMatch(/^berth: the synthesized manifests fail their checks; dist\/ was not changed\./);

    const r = await berthInProcess(repo, 'synth', '--no-checks');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^berth: \d+ objects synthesized without checks and printed; dist\/ was not changed\n$/);
    expect(r.stdout.startsWith('# Source: dist/prod/fluxion/manifests.yaml\napiVersion: v1\n')).toBe(true);
    expect(r.stdout).toContain('# Source: dist/prod/rag/manifests.yaml\n');
    expect(r.stdout).toContain('ALLOW_DEV_LOGIN: "true"');
    expect(hashTree(path.join(repo, 'dist'))).toEqual(before);

    // Nor does it create dist/ where there is none.
    fs.rmSync(path.join(repo, 'dist'), { recursive: true });
    expect((await berthInProcess(repo, 'synth', '--no-checks')).code).toBe(0);
    expect(fs.existsSync(path.join(repo, 'dist'))).toBe(false);
  });

  test('a reader that stops early (`berth synth --no-checks | head`) ends berth quietly: exit 0, no EPIPE stack', () => {
    // A shell pipeline, as a user types it: head exits after one line and closes the pipe while
    // berth still has most of its output to write.
    const cli = `"${process.execPath}" "${path.join(REPO, 'bin/berth.js')}"`;
    const r = spawnSync('bash', ['-c', `${cli} synth --no-checks | head -n 1; echo "berth exited \${PIPESTATUS[0]}"`], { cwd: tempRepo(), encoding: 'utf8' });
    expect(r.stdout).toMatch(/^# Source: dist\/\S+\nberth exited 0\n$/);
    expect(r.stderr).not.toMatch(/EPIPE|\n\s+at /);
  });

  test('fails when synth --no-checks would print a secret literal: the leak guard is never skipped', async () => {
    const repo = tempRepo();
    const spec = path.join(repo, 'charts/rag/service.yaml');
    fs.writeFileSync(spec, fs.readFileSync(spec, 'utf8').replace('command: [arq, app.worker.WorkerSettings]', 'command: [arq, app.worker.WorkerSettings, --token, sk-proj-AbCdEfGhIjKlMnOpQrStUvWx0123]'));
    const before = hashTree(path.join(repo, 'dist'));
    const r = await berthInProcess(repo, 'synth', '--no-checks');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    // Refused where it was written, before any object exists to print (the leak guard on the
    // objects is the second net).
    expect(r.stderr).toBe(
      'berth: 1 problem found; dist/ was not changed.\n\ncharts/rag/service.yaml\n' +
        '  ✖ The value of --token (36 characters) is a secret literal in a command line\n    → at workers.worker.command[3] (line 67)\n' +
        '    → fix: pass it as an env var from secrets.items (the app reads TOKEN_FILE or the variable); secret values never go in a spec. Reference them instead, under secrets.items with secrets.source set to one of: { existingSecret: <name> } (a Secret created out of band), { externalSecret: { store: <store> } } with remoteKey/property per item (External Secrets Operator), or { sealedSecret: {} } with the kubeseal-encrypted value in `encrypted`\n',
    );
    expect(r.stderr).not.toContain('AbCdEfGh');
    expect(hashTree(path.join(repo, 'dist'))).toEqual(before);
  });

  test('the CLI reads its environment only as main.ts hands it in: a run given no env prints no stack, whatever the process has', async () => {
    const { run } = await import('../../src/cli');
    const saved = process.env.BERTH_DEBUG;
    process.env.BERTH_DEBUG = '1';
    try {
      let quiet = '';
      expect(await run(['check', 'no-such-folder'], { cwd: REPO, stdout: () => undefined, stderr: (t) => void (quiet += t) })).toBe(1);
      expect(quiet).toBe('berth: no-such-folder: no such folder\n');
      let loud = '';
      expect(await run(['check', 'no-such-folder'], { cwd: REPO, stdout: () => undefined, stderr: (t) => void (loud += t), env: { debug: true } })).toBe(1);
      expect(loud).toMatch(/^berth: no-such-folder: no such folder\n.*\n\s+at /s);
    } finally {
      if (saved === undefined) delete process.env.BERTH_DEBUG;
      else process.env.BERTH_DEBUG = saved;
    }
  });

  test('BERTH_DEBUG=1 prints the stack of an error in TypeScript source terms (the bundle is minified)', () => {
    const r = spawnSync(process.execPath, [path.join(REPO, 'bin/berth.js'), 'check', 'no-such-folder'], { cwd: REPO, encoding: 'utf8', env: { ...process.env, BERTH_DEBUG: '1' } });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^berth: no-such-folder: no such folder\n/);
    expect(r.stderr).toMatch(/\n\s+at existingFolder \(.*src[/\\]main\.ts:\d+:\d+\)/);
  });

  test('fails on unreadable YAML without a stack trace, dist/ untouched', async () => {
    const repo = tempRepo();
    const before = hashTree(path.join(repo, 'dist'));
    fs.writeFileSync(path.join(repo, 'charts/george/prod.yaml'), 'web: {api: [\n');
    const r = await berthInProcess(repo, 'synth');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^berth: 1 problem found; dist\/ was not changed\.\n\ncharts\/george\/prod.yaml\n  ✖ YAML syntax error \(line \d+, column \d+\)/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(hashTree(path.join(repo, 'dist'))).toEqual(before);
  });

  test('fails on a spec that resolves outside the repository', async () => {
    const repo = tempRepo();
    const outside = path.join(path.dirname(repo), `outside-${path.basename(repo)}.yaml`);
    fs.writeFileSync(outside, 'env: {}\n');
    fs.symlinkSync(outside, path.join(repo, 'charts/rag/staging.yaml.tmp'));
    fs.renameSync(path.join(repo, 'charts/rag/staging.yaml.tmp'), path.join(repo, 'charts/rag/staging.yaml'));
    const r = await berthInProcess(repo, 'synth');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('charts/rag/staging.yaml\n  ✖ Path resolves outside the repository');
  });
});
