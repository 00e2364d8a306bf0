/**
 * docs/operations.md is a runbook: every berth command in its code blocks is one the CLI accepts
 * (its command and every flag, checked with --help), and runs, in the order written, on a copy of
 * this repository. The commands run in this process (the CLI's `run`, as bin/berth.js calls it):
 * what is tested is that they are accepted and succeed, not the process around them.
 */
import * as fs from 'fs';
import * as path from 'path';
import { splitShellWords } from '../../src/onboard/shell-words';
import { berthInProcess, REPO, tempRepo } from '../helpers';

/** The berth command lines of a markdown file's code blocks, as argv (without `node bin/berth.js`). */
function berthCommands(markdown: string): string[][] {
  const commands: string[][] = [];
  for (const block of markdown.matchAll(/^[ \t]*```(\w*)\n([\s\S]*?)^[ \t]*```/gm)) {
    if (!['', 'sh', 'bash', 'shell', 'console'].includes(block[1])) continue;
    const lines = block[2].replace(/\\\n\s*/g, ' ').split('\n');
    for (const raw of lines) {
      const line = raw.trim().replace(/^\$\s+/, '').replace(/\s+#.*$/, '');
      for (const part of line.split(/\s+(?:&&|\|\||;)\s+/)) {
        const m = /^(?:node bin\/berth\.js|npx berth|berth)\s+(.*)$/.exec(part);
        if (m) commands.push(splitShellWords(m[1]).words);
      }
    }
  }
  return commands;
}

const doc = fs.readFileSync(path.join(REPO, 'docs/operations.md'), 'utf8');
const commands = berthCommands(doc);

describe('docs/operations.md', () => {
  test('finds the commands of its code blocks', () => {
    expect(commands.length).toBeGreaterThanOrEqual(15);
    expect(commands).toContainEqual(['promote', 'rag', '--from', 'staging', '--to', 'prod']);
    expect(berthCommands('```sh\n$ node bin/berth.js diff --env prod   # a comment\ngit add . && berth synth\n```\n```yaml\nberth: no\n```\n')).toEqual([
      ['diff', '--env', 'prod'],
      ['synth'],
    ]);
  });

  test('every command and flag is one the CLI accepts', async () => {
    for (const argv of commands) {
      const r = await berthInProcess(REPO, ...argv, '--help');
      expect({ argv, code: r.code, stderr: r.stderr, usage: r.stdout.startsWith(`Usage: berth ${argv[0]}`) }).toEqual({ argv, code: 0, stderr: '', usage: true });
    }
  }, 60_000);

  test('every command runs, in the order written, on a copy of the repository', async () => {
    const repo = tempRepo();
    for (const argv of commands) {
      const r = await berthInProcess(repo, ...argv);
      expect({ argv, code: r.code, stderr: r.stderr }).toEqual({ argv, code: 0, stderr: '' });
    }
  }, 120_000);
});
