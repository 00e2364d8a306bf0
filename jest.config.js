/** Unit and golden tests: fast, offline, no external services. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/test/integration/'],
  // ts-jest transpiles each file on its own (isolatedModules in tsconfig.json): fast; types are
  // checked once by `tsc --noEmit`.
  transform: { '^.+\\.ts$': ['ts-jest', {}] },
  // The default output, plus one line per skipped group saying why it was skipped.
  reporters: ['default', '<rootDir>/test/reporters/skip-reasons.js'],
  snapshotFormat: { escapeString: false, printBasicPrototype: false },
};
