/**
 * The repository as a reader meets it: npm scripts honour the knobs the README names, every test
 * file is in exactly one suite that CI runs, and the docs link nothing outside the repository. (That `npm test` says why it skips what it skips runs jest
 * itself: test/integration/jest-reporter.test.ts.)
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { globsToMatcher } from 'jest-util';
import { REPO } from './helpers';

const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { scripts: Record<string, string> };

describe('npm run fuzz', () => {
  /** What FUZZ_RUNS the fuzz tests see when npm runs the script (through sh) with this environment. */
  const runsSeen = (env: Record<string, string>) => {
    // `jest` stands in as a shell function that prints what it was given, so nothing is fuzzed.
    const r = spawnSync('sh', ['-c', `jest() { printf '%s' "$FUZZ_RUNS"; }\n${pkg.scripts.fuzz}`], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', ...env } });
    expect(r.stderr).toBe('');
    return r.stdout;
  };

  test('runs 10,000 cases per property by default', () => expect(runsSeen({})).toBe('10000'));
  test('honours FUZZ_RUNS=N', () => expect(runsSeen({ FUZZ_RUNS: '25' })).toBe('25'));
});

describe('the test suites', () => {
  interface SuiteConfig {
    roots: string[];
    testMatch: string[];
    testPathIgnorePatterns?: string[];
  }
  const SUITES = { 'npm test': 'jest.config.js', 'npm run test:integration': 'jest.integration.config.js', 'npm run test:exhaustive': 'jest.exhaustive.config.js' };
  const configs = Object.entries(SUITES).map(([command, file]) => ({ command, file, config: require(path.join(REPO, file)) as SuiteConfig }));

  /** Whether jest, run with this config, picks the file: under a root, matched by testMatch, not ignored (as jest's SearchSource decides). */
  function selects(config: SuiteConfig, file: string): boolean {
    const abs = path.join(REPO, file);
    const roots = config.roots.map((r) => r.replace('<rootDir>', REPO) + path.sep);
    const ignored = (config.testPathIgnorePatterns ?? []).map((p) => new RegExp(p.replace('<rootDir>', REPO)));
    return roots.some((r) => abs.startsWith(r)) && globsToMatcher(config.testMatch)(abs) && !ignored.some((re) => re.test(abs));
  }

  const testFiles = (fs.readdirSync(path.join(REPO, 'test'), { recursive: true }) as string[])
    .filter((f) => f.endsWith('.test.ts') && !f.split(path.sep).includes('fixtures'))
    .map((f) => path.join('test', f).split(path.sep).join('/'));

  test('finds the test files of each suite', () => {
    const suitesOf = (f: string) => configs.filter((c) => selects(c.config, f)).map((c) => c.command);
    expect(suitesOf('test/golden.test.ts')).toEqual(['npm test']);
    expect(suitesOf('test/integration/package.test.ts')).toEqual(['npm run test:integration']);
    expect(suitesOf('test/spec/every-field-matters.exhaustive.test.ts')).toEqual(['npm run test:exhaustive']);
    expect(testFiles.length).toBeGreaterThan(90);
  });

  test('put every test file in exactly one suite', () => {
    const misplaced = testFiles
      .map((f) => ({ f, suites: configs.filter((c) => selects(c.config, f)).map((c) => c.command) }))
      .filter((x) => x.suites.length !== 1)
      .map((x) => `${x.f}: ${x.suites.length ? x.suites.join(' and ') : 'no suite'}`);
    expect(misplaced).toEqual([]);
  });

  test('all run in CI', () => {
    const ci = fs.readFileSync(path.join(REPO, '.ci/run'), 'utf8').split('\n').filter((l) => !/^\s*#/.test(l));
    expect(Object.keys(SUITES).filter((command) => !ci.some((l) => l.trim() === command))).toEqual([]);
  });
});

describe('the tests', () => {
  /**
   * `not.toHaveProperty('example.com/team')` reads the dots as a path (`example` → `com/team`), so
   * it passes whatever the object holds: a label or annotation key goes in an array, `[key]`.
   */
  const dottedNegations = (text: string) => [...text.matchAll(/not\.toHaveProperty\(\s*(['"`])([^'"`]*\.[^'"`]*)\1/g)].map((m) => m[2]);

  test('finds a dotted key given to not.toHaveProperty as a path', () => {
    expect(dottedNegations(`expect(a).not.toHaveProperty('example.com/team'); expect(b).not.toHaveProperty(['example.com/team']); expect(c).not.toHaveProperty('spec')`)).toEqual(['example.com/team']);
  });

  test('never give not.toHaveProperty a key with a dot as a path', () => {
    // This file's own examples aside.
    const files = (fs.readdirSync(path.join(REPO, 'test'), { recursive: true }) as string[]).filter((f) => f.endsWith('.ts') && f !== 'repo-hygiene.test.ts');
    expect(files.length).toBeGreaterThan(90);
    const found = files.flatMap((f) => dottedNegations(fs.readFileSync(path.join(REPO, 'test', f), 'utf8')).map((k) => `test/${f}: ${k}`));
    expect(found).toEqual([]);
  });
});

describe('the docs', () => {
  const docs = ['README.md', ...fs.readdirSync(path.join(REPO, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

  /** Every link target in a Markdown text: inline links and images, reference definitions, HTML href/src. */
  function linkTargets(text: string): string[] {
    const prose = text.replace(/^```[\s\S]*?^```/gm, '');
    const inline = [...prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]);
    const definitions = [...prose.matchAll(/^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)].map((m) => m[1]);
    const html = [...prose.matchAll(/\b(?:href|src)\s*=\s*["']([^"']+)["']/g)].map((m) => m[1]);
    return [...inline, ...definitions, ...html];
  }

  /** Why a link from this file points outside the repository, or undefined when it does not. */
  function outside(file: string, target: string): string | undefined {
    if (/^(https?:|mailto:)/i.test(target)) return undefined; // public pages are fine
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return 'a non-web URL';
    if (target.startsWith('#')) return undefined;
    if (target.startsWith('/') || target.startsWith('\\')) return 'an absolute path';
    const resolved = path.resolve(REPO, path.dirname(file), target.split('#')[0]);
    const rel = path.relative(REPO, resolved);
    if (rel.startsWith('..') || path.isAbsolute(rel)) return 'a path outside the repository';
    if (!fs.existsSync(resolved)) return 'a file that does not exist';
    return undefined;
  }

  test('finds the links it checks', () => {
    expect(linkTargets('see [edge](edge.md), ![x](../a.png "t"), <a href="/etc/x">, and\n[ref]: ../../shared/x\n```\n[no](../code)\n```\n')).toEqual([
      'edge.md',
      '../a.png',
      '../../shared/x',
      '/etc/x',
    ]);
  });

  test('link nothing outside the repository, nor a path beside it', () => {
    const problems: string[] = [];
    for (const file of docs) {
      const text = fs.readFileSync(path.join(REPO, file), 'utf8');
      for (const target of linkTargets(text)) {
        const why = outside(file, target);
        if (why) problems.push(`${file}: ${target} is ${why}`);
      }
      // The folder beside the repository is in no clone: naming it as a place to look is a dead link too.
      for (const [i, line] of text.split('\n').entries()) {
        if (/(^|[^.\w])\.\.\/shared\b/.test(line)) problems.push(`${file}:${i + 1}: names ../shared, which is not part of the repository`);
      }
    }
    expect(problems).toEqual([]);
  });
});
