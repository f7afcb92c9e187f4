/**
 * Two projects:
 *  - unit: constructs, config validation and scripts, in memory (fast);
 *  - terraform: real `terraform init/validate/plan` on the synthesized stacks.
 *    Its global setup synthesizes every stack and starts their plans in the background (reused
 *    from a content-hash cache when their inputs are unchanged); its tests run after the unit
 *    tests (sequencer.js) and wait for the plans (wait-for-plans.ts).
 * Type checking is done by `tsc --noEmit` next to jest (npm test, scripts/test.js), so ts-jest
 * only transpiles.
 * Every run gets its own temp folder (TMPDIR), removed at the end (__tests__/support/setup/temp-dir.ts).
 */
const os = require('node:os');

const shared = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  // In the project (git-ignored), not in the temp folder.
  cacheDirectory: '<rootDir>/.cache/jest',
};

module.exports = {
  // Two workers even on two cores (jest's default there is one, in band): the main process only
  // waits for terraform, and one file's module loading overlaps another's synth.
  maxWorkers: Math.max(2, (os.availableParallelism?.() ?? os.cpus().length) - 1),
  // A worker grows with every file it runs (each loads cdktf and the provider classes anew); past
  // this it is replaced after its file, which keeps npm test's peak memory well under 1.5 GB.
  workerIdleMemoryLimit: '450MB',
  testSequencer: '<rootDir>/__tests__/support/setup/sequencer.js',
  globalSetup: '<rootDir>/__tests__/support/setup/temp-dir.ts',
  globalTeardown: '<rootDir>/__tests__/support/setup/temp-dir-teardown.ts',
  projects: [
    {
      displayName: 'unit',
      ...shared,
      testMatch: ['<rootDir>/__tests__/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/__tests__/terraform/'],
    },
    {
      displayName: 'terraform',
      ...shared,
      testMatch: ['<rootDir>/__tests__/terraform/**/*.test.ts'],
      globalSetup: '<rootDir>/__tests__/support/terraform/global-setup.ts',
      globalTeardown: '<rootDir>/__tests__/support/terraform/global-teardown.ts',
      setupFilesAfterEnv: ['<rootDir>/__tests__/support/terraform/wait-for-plans.ts'],
    },
  ],
};
