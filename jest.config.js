/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.tsx?$': '<rootDir>/test/support/esbuild-transform.cjs' },
  testTimeout: 30000,
  // Every core: jest's default keeps one for its own process, which here mostly waits, while many test files
  // wait on child processes and loopback servers. On the 2-core machine, 232 s with one worker, about 105 s with two
  // in a fresh clone. A third worker gained little (104.1 s against 105.9 s in fresh clones, 2 December 2026), and
  // the browser test timed out once in four runs with three, against none in six with two: two it stays.
  maxWorkers: '100%',
  testSequencer: '<rootDir>/test/support/longest-first.cjs',
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
};
