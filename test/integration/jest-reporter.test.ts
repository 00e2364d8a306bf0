/**
 * `npm test` says why it skips what it skips: jest, run with the repository's reporters over two
 * small test files, prints one line per skipped group. It runs jest itself (about two seconds of
 * CPU), so it sits with the other tests of real tools, which CI runs.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { REPO, tempDir } from '../helpers';

describe('npm test', () => {
  const config = require(path.join(REPO, 'jest.config.js')) as { reporters?: unknown[] };

  /** Runs jest with the repository's reporters over two small test files, one of which skips a group. */
  function runJest(...args: string[]) {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'a.test.js'), "test('runs', () => expect(1).toBe(1));\n");
    fs.writeFileSync(
      path.join(dir, 'b.test.js'),
      "describe.skip('the strict schema: skipped, ../shared/k8s/openapi-v2.json is missing', () => {\n" +
        "  test('one', () => {});\n  describe('inner', () => { test('two', () => {}); });\n});\n" +
        "test('runs too', () => {});\n",
    );
    const reporters = (config.reporters ?? []).map((r) => (typeof r === 'string' ? r.replace('<rootDir>', REPO) : r));
    const jestConfig = { rootDir: dir, testEnvironment: 'node', reporters };
    return spawnSync(process.execPath, [path.join(REPO, 'node_modules/jest/bin/jest.js'), '--config', JSON.stringify(jestConfig), '--ci', ...args], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, FORCE_COLOR: '0' },
    });
  }

  test('says in its normal output why tests were skipped, one line per skipped group', () => {
    const r = runJest();
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('Tests:       2 skipped, 2 passed, 4 total');
    expect(r.stderr.split('\n').filter((l) => l.startsWith('skipped '))).toEqual([
      'skipped 2 test(s) in b.test.js: the strict schema: skipped, ../shared/k8s/openapi-v2.json is missing',
    ]);
  });

  test('says nothing more when a name pattern skips the rest on purpose', () => {
    const r = runJest('-t', 'runs');
    expect(r.status).toBe(0);
    expect(r.stderr).not.toMatch(/^skipped /m);
  });
});
