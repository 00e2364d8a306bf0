/**
 * Every command refuses what it does not understand: an unknown option or a flag without its
 * value exits 2 with the command's usage, never ignored (a mistyped `--exit-code` silently
 * dropped would turn a failing CI step into a passing one).
 */
import * as fs from 'fs';
import * as path from 'path';
import { berth, hashTree, tempRepo } from '../helpers';

describe('berth command lines', () => {
  const commands: Array<[string, string[]]> = [
    ['synth', []],
    ['check', []],
    ['diff', []],
    ['explain', ['rag']],
    ['schema', []],
    ['help', []],
  ];

  test.each(commands)('fails when %s is given an unknown option, with its usage, and changes nothing', (command, args) => {
    const repo = tempRepo();
    const before = hashTree(repo);
    const r = berth(repo, command, ...args, '--exit-cod');
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(new RegExp(`^berth ${command}: unknown option --exit-cod\\n\\nUsage: berth ${command}\\b`));
    expect(r.code).toBe(2);
    expect(hashTree(repo)).toEqual(before);
  });

  test('fails when new is given an unknown option, with its usage', () => {
    const repo = tempRepo();
    const r = berth(repo, 'new', 'shop', '--replicas', '3');
    expect(r).toEqual({ code: 2, stdout: '', stderr: expect.stringMatching(/^berth new: unknown option --replicas\n\nUsage: berth new <service>/) });
    expect(fs.existsSync(path.join(repo, 'charts/shop'))).toBe(false);
  });

  test('fails when a flag is missing its value, also when another flag follows', () => {
    const usage = 'Usage: berth diff [--env ENV] [--exit-code]\n';
    expect(berth(tempRepo(), 'diff', '--env')).toEqual({ code: 2, stdout: '', stderr: expect.stringMatching(/^berth diff: --env needs a value \(--env ENV\)\n\n/) });
    const r = berth(tempRepo(), 'diff', '--env', '--exit-code');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`berth diff: --env needs a value (--env ENV)\n\n${usage}`);
    expect(berth(tempRepo(), 'new', 'shop', '--image').stderr).toMatch(/^berth new: --image needs a value \(--image REF\)\n\nUsage: berth new/);
  });

  test('fails when a value is not one the flag accepts, or an argument is one too many', () => {
    expect(berth(tempRepo(), 'check', '--format', 'yaml')).toEqual({ code: 2, stdout: '', stderr: expect.stringMatching(/^berth check: --format must be text, json or sarif, got "yaml"\n\nUsage: berth check \[DIR\]/) });
    expect(berth(tempRepo(), 'diff', 'prod')).toEqual({ code: 2, stdout: '', stderr: expect.stringMatching(/^berth diff: unexpected argument "prod" \(this command takes none\)\n\nUsage: berth diff/) });
    expect(berth(tempRepo(), 'explain')).toEqual({ code: 2, stdout: '', stderr: expect.stringMatching(/^berth explain: name the service, e.g. berth explain rag --env prod\n\nUsage: berth explain SERVICE/) });
  });

  test('--help prints a command’s usage; the flags it lists are the ones it accepts', () => {
    const r = berth(tempRepo(), 'diff', '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: berth diff \[--env ENV\] \[--exit-code\]\n\n/);
    expect(berth(tempRepo(), 'help', 'check').stdout).toMatch(/^Usage: berth check \[DIR\] \[--format text\|json\|sarif\] \[--no-guardrails\]\n/);
  });

  test('synth keeps --no-checks (and --from-cdk8s-cli, which cdk8s.yaml passes)', () => {
    const repo = tempRepo();
    expect(berth(repo, 'synth', '--no-checks').code).toBe(0);
    expect(berth(repo, 'synth', '--from-cdk8s-cli').code).toBe(0);
  });
});
