/**
 * Exhaustive walks: tests that try every leaf of a schema (or every case of a large space) and take
 * seconds to tens of seconds, too long for the every-save suite. CI runs them
 * (`npm run test:exhaustive`); name such a file `*.exhaustive.test.ts`, beside the tests of the
 * module it walks.
 */
const unit = require('./jest.config');

module.exports = {
  ...unit,
  testMatch: ['**/*.exhaustive.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/test/integration/'],
};
