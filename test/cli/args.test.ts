/**
 * Every command refuses what it does not understand: an unknown option or a flag without its
 * value exits 2 with the command's usage, never ignored (a mistyped `--exit-code` silently
 * dropped would turn a failing CI step into a passing one). The commands run in this process
 * (the exit code is what `run` returns, which bin/berth.js exits with); test/bad-inputs runs a
 * usage error through the real CLI.
 */
import * as fs from 'fs';
import * as path from 'path';
import { berthInProcess, hashTree, tempRepo } from '../helpers';

describe('berth command lines', () => {
  // Refused command lines write nothing (the first tests check it by hash): one copy serves all.
  const shared = tempRepo();
  const commands: Array<[string, string[]]> = [
    ['synth', []],
    ['check', []],
    ['diff', []],
    ['explain', ['rag']],
    ['schema', []],
    ['help', []],
  ];

  test.each(commands)('fails when %s is given an unknown option, with its usage, and changes nothing', async (command, args) => {
    const repo = shared;
    const before = hashTree(repo);
    const r = await berthInProcess(repo, command, ...args, '--exit-cod');
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(new RegExp(`^berth ${command}: unknown option --exit-cod\\n\\nUsage: berth ${command}\\b`));
    expect(r.code).toBe(2);
    expect(hashTree(repo)).toEqual(before);
  });

  test('fails when new is given an unknown option, with its usage', async () => {
    const repo = shared;
    const r = await berthInProcess(repo, 'new', 'shop', '--replicas', '3');
    expect(r).toEqual({ code: 2, stdout: '', stderr: expect.stringMatching(/^berth new: unknown option --replicas\n\nUsage: berth new <service>/) });
    expect(fs.existsSync(path.join(repo, 'charts/shop'))).toBe(false);
  });

  test('fails when a flag is missing its value, also when another flag follows', async () => {
    const usage = 'Usage: berth diff [--env ENV] [--exit-code]\n';
    expect(await berthInProcess(shared, 'diff', '--env')).toEqual({ code: 2, stdout: '', stderr: expect.stringMatching(/^berth diff: --env needs a value \(--env ENV\)\n\n/) });
    const r = await berthInProcess(shared, 'diff', '--env', '--exit-code');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`berth diff: --env needs a value (--env ENV)\n\n${usage}`);
    expect((await berthInProcess(shared, 'new', 'shop', '--image')).stderr).toMatch(/^berth new: --image needs a value \(--image REF\)\n\nUsage: berth new/);
  });

  test('fails when a value is not one the flag accepts, or an argument is one too many', async () => {
    expect(await berthInProcess(shared, 'check', '--format', 'yaml')).toEqual({ code: 2, stdout: '', stderr: expect.stringMatching(/^berth check: --format must be text, json or sarif, got "yaml"\n\nUsage: berth check \[DIR\]/) });
    expect(await berthInProcess(shared, 'diff', 'prod')).toEqual({ code: 2, stdout: '', stderr: expect.stringMatching(/^berth diff: unexpected argument "prod" \(this command takes none\)\n\nUsage: berth diff/) });
    expect(await berthInProcess(shared, 'explain')).toEqual({ code: 2, stdout: '', stderr: expect.stringMatching(/^berth explain: name the service, e.g. berth explain rag --env prod\n\nUsage: berth explain SERVICE/) });
  });

  test('--help prints a command’s usage; the flags it lists are the ones it accepts', async () => {
    const r = await berthInProcess(shared, 'diff', '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: berth diff \[--env ENV\] \[--exit-code\]\n\n/);
    expect((await berthInProcess(shared, 'help', 'check')).stdout).toMatch(/^Usage: berth check \[DIR\] \[--format text\|json\|sarif\] \[--no-guardrails\]\n/);
  });

  test('synth keeps --no-checks (and --from-cdk8s-cli, which cdk8s.yaml passes)', async () => {
    // Any valid repository shows the flags are kept: one reference service synthesizes in a
    // sixth of the time all of them take.
    const repo = tempRepo();
    for (const service of fs.readdirSync(path.join(repo, 'charts'))) if (service !== 'fluxion') fs.rmSync(path.join(repo, 'charts', service), { recursive: true });
    expect((await berthInProcess(repo, 'synth', '--no-checks')).code).toBe(0);
    expect((await berthInProcess(repo, 'synth', '--from-cdk8s-cli')).code).toBe(0);
  });
});
