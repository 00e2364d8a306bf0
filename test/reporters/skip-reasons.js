/**
 * A jest reporter that says why tests were skipped. Jest's default output, with more than one
 * test file, only counts skipped tests ("5 skipped"); a reader cannot tell a missing optional
 * input from a forgotten `.skip`. This prints one line per file and outermost skipped group (a
 * top-level describe, or the test itself) with a count: the title is where the test says why
 * (for example "…: skipped, ../shared/k8s/openapi-v2.json is missing").
 *
 * Nothing is printed when a name pattern (`-t`) is set: jest then marks every other test skipped
 * on purpose.
 */
const path = require('path');

/** Lines for the skipped tests of a run: one per file and outermost title, with a count. */
function skipLines(rootDir, results) {
  const groups = new Map();
  for (const file of results.testResults) {
    for (const t of file.testResults) {
      if (t.status !== 'pending' && t.status !== 'skipped') continue;
      const where = path.relative(rootDir, file.testFilePath).split(path.sep).join('/');
      const group = t.ancestorTitles.length ? t.ancestorTitles[0] : t.title;
      const key = `${where}\u0000${group}`;
      groups.set(key, { where, group, count: (groups.get(key)?.count ?? 0) + 1 });
    }
  }
  return [...groups.values()].map((g) => `skipped ${g.count} test(s) in ${g.where}: ${g.group}`);
}

class SkipReasonsReporter {
  constructor(globalConfig) {
    this.globalConfig = globalConfig;
  }

  onRunComplete(_contexts, results) {
    if (this.globalConfig.testNamePattern) return;
    const lines = skipLines(this.globalConfig.rootDir, results);
    if (lines.length) process.stderr.write(`${lines.join('\n')}\n`);
  }
}

module.exports = SkipReasonsReporter;
module.exports.skipLines = skipLines;
