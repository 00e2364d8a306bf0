/**
 * The catalogue of bad inputs (test/bad-inputs/): each case is ONE file, a malformed spec,
 * overlay or berth.yaml, written over a copy of the real repository; `expected.json` pins the
 * message `berth synth` must print for it.
 *
 * For every case berth must: exit non-zero, print the pinned lines on stderr (in order, each a
 * whole line), print no stack trace and nothing on stdout, leave dist/ byte for byte as it was,
 * and finish within the test's timeout (a hang guard). Durations are recorded and summarized;
 * speed itself is the benchmark's business, not this test's.
 *
 * Most cases run the CLI's `run` in this process (what a case tests is the message, and a
 * process per case cost most of the suite's time); the cases of {@link THROUGH_THE_CLI} run
 * `bin/berth.js` in its own process, where the process is part of what they test.
 *
 * A case marked `knownBug` documents a bug that is not fixed yet: its `stderr` is the message
 * berth should print once it is, and it runs as `test.failing` until then. When such a test
 * starts to fail, the bug is fixed: remove `knownBug` (and pin the real message).
 */
import * as fs from 'fs';
import * as path from 'path';
import { credentialSpans } from '../src/util/credentials';
import { berth, berthInProcess, hashTree, tempRepo } from './helpers';

interface Expectation {
  /** What the case is about, for the summary. */
  readonly category: string;
  /** Lines stderr must contain, each a whole line (or a line starting with `prefix`), in this order. */
  readonly stderr: ReadonlyArray<string | { readonly prefix: string }>;
  /** Put the case file outside the repository and make this repository path a symlink to it. */
  readonly symlink?: string;
  /** Grow the case file before writing it: comment lines up to a size, or list items appended at the end. */
  readonly generate?: { readonly padToBytes?: number; readonly appendListItems?: { readonly count: number; readonly line: string } };
  /** The bug this case shows, while it is not fixed (see the report of issue 12). */
  readonly knownBug?: string;
  /** For a known bug: what berth printed when the case was written. */
  readonly actual?: readonly string[];
  /** The berth command line run on the repository with the case file in it. @default ['synth'] */
  readonly args?: readonly string[];
}

const ROOT = path.join(__dirname, 'bad-inputs');
const CASES = path.join(ROOT, 'cases');
const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'expected.json'), 'utf8')) as { cases: Record<string, Expectation> };
const caseNames = fs.readdirSync(CASES).filter((d) => fs.statSync(path.join(CASES, d)).isDirectory()).sort();

/** Every file under a directory, relative to it. */
function filesUnder(dir: string, rel = ''): string[] {
  return fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(dir, path.join(rel, e.name)) : [path.join(rel, e.name)]));
}

/** The case's text, grown as `generate` says. */
function caseText(file: string, exp: Expectation): string {
  let text = fs.readFileSync(file, 'utf8');
  const pad = exp.generate?.padToBytes;
  if (pad) {
    const line = '# padding: a generated file far larger than any service spec ..........................\n';
    text += line.repeat(Math.ceil((pad - Buffer.byteLength(text)) / line.length) + 1);
  }
  const items = exp.generate?.appendListItems;
  if (items) text += `${items.line}\n`.repeat(items.count);
  return text;
}

/** True when `needles` occur in `haystack` as whole lines (or line prefixes), in order. */
function containsLinesInOrder(haystack: string, needles: Expectation['stderr']): boolean {
  const lines = haystack.split('\n');
  let at = 0;
  for (const n of needles) {
    const i = lines.findIndex((l, j) => j >= at && (typeof n === 'string' ? l === n : l.startsWith(n.prefix)));
    if (i < 0) return false;
    at = i + 1;
  }
  return true;
}

/** The `✖` lines of formatted problems that no `→ fix:` line follows before the next problem. */
function problemsWithoutFix(stderr: string): string[] {
  const blocks = stderr.split(/\n(?=  ✖ |\S)/).filter((b) => b.startsWith('  ✖ '));
  return blocks.filter((b) => !b.includes('\n    → fix: ')).map((b) => b.split('\n')[0]);
}

/**
 * The cases run through the real CLI (`bin/berth.js` in a process of its own): one of each kind of
 * failure whose message passes the process boundary differently (the exit code of a spec error,
 * a check error and a usage error; a parser or a limit that could throw past `run`; a symlink
 * resolved by the real file system; a secret on the real stderr), so the bundle, its code cache
 * and the exit path are tested with bad input too. Every other case runs in process.
 */
const THROUGH_THE_CLI = new Set([
  '001-wrong-type-port-string', // a schema error: exit 1
  '023-yaml-bad-indentation', // the YAML parser's error, never its stack
  '029-billion-laughs', // an alias bomb: refused before it costs the process its memory
  '032-large-file', // a size limit
  '076-secret-literal-env-jwt', // a secret: redacted on the process's stderr
  '101-symlink-outside-repo', // a symlink out of the repository, resolved by the real file system
  '112-berth-yaml-reserved-environment', // berth.yaml itself
  '132-guardrail-dev-login-in-production', // a check error (CheckError), after the synth
  '204-promote-same-environment', // a usage error: exit 2
  '209-promote-onto-broken-overlay', // promote: the edited project fails, nothing is written
  '262-hook-throws', // a hook compiled and run by the bundle: its line comes through the source map
]);

const durations: Array<{ name: string; ms: number; process: boolean }> = [];

/**
 * One copy of the repository for the whole catalogue: each case writes its file, and puts back
 * what was there after it ran. {@link cleanRepo} checks the copy is as it was before every case
 * (by hash, the same check each case makes of dist/), and makes a fresh one when it is not.
 */
let shared: string | undefined;
let pristine: { charts: Record<string, string>; dist: Record<string, string>; config: string };
/**
 * Set when the last case's own checks passed: its dist/ hashed as {@link pristine}'s after the
 * run. Nothing but a berth command writes dist/, and the case's undo touches only its own file,
 * so the next {@link cleanRepo} need not hash dist/ a second time (charts/ and berth.yaml, which
 * the undo writes, it still compares).
 */
let distProven = false;

function snapshot(repo: string, dist = hashTree(path.join(repo, 'dist'))): typeof pristine {
  return { charts: hashTree(path.join(repo, 'charts')), dist, config: fs.readFileSync(path.join(repo, 'berth.yaml'), 'utf8') };
}

/** The shared copy, as the repository is. */
function cleanRepo(): string {
  const proven = distProven;
  distProven = false;
  if (shared !== undefined && JSON.stringify(snapshot(shared, proven ? pristine.dist : undefined)) === JSON.stringify(pristine)) return shared;
  if (shared !== undefined) fs.rmSync(shared, { recursive: true, force: true });
  shared = tempRepo();
  pristine = snapshot(shared);
  return shared;
}

/** Remembers a repository path before a case writes it; the function returned puts it back (or removes it and the folders made for it). */
function undoWrite(repo: string, rel: string): () => void {
  const abs = path.join(repo, rel);
  const original = fs.existsSync(abs) ? fs.readFileSync(abs) : undefined;
  // The outermost folder the case will create, if any.
  let made: string | undefined;
  for (let dir = path.dirname(abs); dir.startsWith(repo + path.sep) && !fs.existsSync(dir); dir = path.dirname(dir)) made = dir;
  return () => {
    fs.rmSync(abs, { force: true });
    if (original !== undefined) fs.writeFileSync(abs, original);
    if (made !== undefined) fs.rmSync(made, { recursive: true, force: true });
  };
}

beforeAll(() => {
  // Build lib/ once up front (bin/berth.js rebuilds when sources changed), so no case pays for it:
  // the same ensureFresh() bin/berth.js runs first, without a process to run it in.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (require('../bin/build.js') as { ensureFresh(): void }).ensureFresh();
});

afterAll(() => {
  if (!durations.length) return;
  const sorted = [...durations].sort((a, b) => a.ms - b.ms);
  const slowest = sorted[sorted.length - 1];
  const spawned = durations.filter((d) => d.process).length;
  const byCategory = new Map<string, number>();
  for (const n of caseNames) byCategory.set(manifest.cases[n]?.category ?? '?', (byCategory.get(manifest.cases[n]?.category ?? '?') ?? 0) + 1);
  const known = caseNames.filter((n) => manifest.cases[n]?.knownBug);
  // eslint-disable-next-line no-console
  console.log(
    `bad inputs: ${durations.length} cases through \`berth synth\` (or the command a case names), ${spawned} of them in a process of their own; wall time per case median ${sorted[Math.floor(sorted.length / 2)].ms} ms, ` +
      `max ${slowest.ms} ms (${slowest.name}); ${known.length} known bugs\n` +
      [...byCategory].map(([c, n]) => `  ${c}: ${n}`).join('\n'),
  );
});

describe('bad-input catalogue', () => {
  test('the cases run through the real CLI exist', () => {
    expect([...THROUGH_THE_CLI].filter((n) => !caseNames.includes(n))).toEqual([]);
  });

  test('every case has exactly one file and a pinned expectation, and every expectation a case', () => {
    expect(caseNames.length).toBeGreaterThanOrEqual(40);
    expect(Object.keys(manifest.cases).sort()).toEqual(caseNames);
    for (const name of caseNames) {
      expect([name, filesUnder(path.join(CASES, name)).length]).toEqual([name, 1]);
      expect(manifest.cases[name].stderr.length).toBeGreaterThan(0);
    }
  });

  for (const name of caseNames) {
    const exp = manifest.cases[name];
    if (!exp) continue;
    const run = exp.knownBug ? test.failing : test;
    run(
      exp.knownBug ? `${name} (known bug: ${exp.knownBug})` : name,
      async () => {
        const repo = cleanRepo();
        const outside = `${repo}-outside`;
        const [rel] = filesUnder(path.join(CASES, name));
        const undo = undoWrite(repo, exp.symlink ?? rel);
        try {
          const dist = path.join(repo, 'dist');
          const before = pristine.dist;
          expect(Object.keys(before).length).toBeGreaterThan(0);

          const text = caseText(path.join(CASES, name, rel), exp);
          if (exp.symlink) {
            // A chart file that resolves outside the repository (e.g. ../../etc/…): made here, as git would keep the link.
            fs.mkdirSync(outside, { recursive: true });
            const target = path.join(outside, path.basename(rel));
            fs.writeFileSync(target, text);
            const link = path.join(repo, exp.symlink);
            fs.rmSync(link, { force: true });
            fs.symlinkSync(path.relative(path.dirname(link), target), link);
          } else {
            fs.mkdirSync(path.dirname(path.join(repo, rel)), { recursive: true });
            fs.writeFileSync(path.join(repo, rel), text);
          }

          // Nothing on disk changes: not dist/, and not the specs a command edits (promote, set-image).
          const inputs = hashTree(path.join(repo, 'charts'));
          const config = fs.readFileSync(path.join(repo, 'berth.yaml'), 'utf8');
          const t0 = process.hrtime.bigint();
          const args = exp.args ?? ['synth'];
          const spawn = THROUGH_THE_CLI.has(name);
          const r = spawn ? berth(repo, ...args) : await berthInProcess(repo, ...args);
          const ms = Math.round(Number(process.hrtime.bigint() - t0) / 1e6);
          durations.push({ name, ms, process: spawn });

          expect({ code: r.code === 0 ? 0 : 'non-zero', stdout: r.stdout }).toEqual({ code: 'non-zero', stdout: '' });
          if (!containsLinesInOrder(r.stderr, exp.stderr)) {
            // The full output, for a readable failure.
            expect(r.stderr).toBe(exp.stderr.map((l) => (typeof l === 'string' ? l : `${l.prefix}…`)).join('\n'));
          }
          expect(r.stderr).not.toMatch(/\n\s+at /);
          // Every problem says how to fix it, and no message shows a credential.
          expect(problemsWithoutFix(r.stderr)).toEqual([]);
          expect(credentialSpans(r.stderr).map((s) => r.stderr.slice(s.start, s.end))).toEqual([]);
          expect(hashTree(dist)).toEqual(before);
          expect(hashTree(path.join(repo, 'charts'))).toEqual(inputs);
          expect(fs.readFileSync(path.join(repo, 'berth.yaml'), 'utf8')).toBe(config);
          distProven = true;
        } finally {
          undo();
          fs.rmSync(outside, { recursive: true, force: true });
        }
      },
      30_000,
    );
  }
});
