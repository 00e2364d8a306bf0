/** Integration tests: run what berth ships against real tools (PostgreSQL, find, promtool). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test/integration'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', {}] },
  testTimeout: 120000,
  // The default output, plus one line per skipped group saying why it was skipped.
  reporters: ['default', '<rootDir>/test/reporters/skip-reasons.js'],
};
