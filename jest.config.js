/** Unit and golden tests: fast, offline, no external services. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // Two other suites, both run by CI: real tools (`npm run test:integration`) and exhaustive walks
  // (`*.exhaustive.test.ts`, `npm run test:exhaustive`). test/repo-hygiene.test.ts checks that every
  // test file belongs to exactly one of the three.
  testPathIgnorePatterns: ['/node_modules/', '/test/integration/', '\\.exhaustive\\.test\\.ts$'],
  // jest's default is one worker per core but one (a single worker on a 2-core machine). Most
  // suites are CPU-bound and a few wait on a child process: a worker per core keeps both busy.
  maxWorkers: '100%',
  // A hang guard, not a speed target (those are the benchmark's). jest's 5 s default is within 5x
  // of a dozen tests that take about a second, and this shared 2-core machine runs at half speed
  // for stretches: one run failed during such a stretch and did not fail again.
  testTimeout: 30_000,
  // ts-jest transpiles each file on its own (isolatedModules in tsconfig.json): fast; types are
  // checked once by `tsc --noEmit`.
  transform: { '^.+\\.ts$': ['ts-jest', {}] },
  // The default output, plus one line per skipped group saying why it was skipped.
  reporters: ['default', '<rootDir>/test/reporters/skip-reasons.js'],
  snapshotFormat: { escapeString: false, printBasicPrototype: false },
};
