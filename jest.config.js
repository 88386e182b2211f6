const { availableParallelism } = require('node:os');

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.tsx?$': '<rootDir>/test/support/esbuild-transform.cjs' },
  testTimeout: 30000,
  // One and a half workers a core: jest's default keeps a core for its own process, which here mostly waits, and
  // many test files wait too (turn deadlines, child processes, a browser), so a third worker on two cores fills the
  // time a core would stand idle. On the 2-core machine: 232 s with one worker; two against three, a fresh clone's
  // second run 95 s (22 core-seconds idle) against 90 s (9 idle), fresh clones 105.9 s against 104.1 s: a small
  // gain (2 December 2026). A number, not '150%': jest reads a percentage over 100 as that many workers.
  maxWorkers: Math.max(1, Math.round(availableParallelism() * 1.5)),
  testSequencer: '<rootDir>/test/support/longest-first.cjs',
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
};
