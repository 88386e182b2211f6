/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.tsx?$': '<rootDir>/test/support/esbuild-transform.cjs' },
  testTimeout: 30000,
  // For a plain `npx jest`: every core. `npm test` runs three in-band jest processes instead (scripts/test.mjs says
  // why), so this does not apply there.
  maxWorkers: '100%',
  testSequencer: '<rootDir>/test/support/longest-first.cjs',
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
};
