/**
 * Two projects:
 *  - unit: constructs, config validation and scripts, in memory (fast);
 *  - terraform: real `terraform init/validate/plan` on the synthesized stacks.
 *    Its global setup synthesizes every stack and plans them once, in parallel.
 * Type checking is done by `tsc --noEmit` before jest (npm test), so ts-jest only transpiles.
 */
const transform = { '^.+\\.ts$': ['ts-jest', { isolatedModules: true, diagnostics: false }] };

module.exports = {
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      transform,
      testMatch: ['<rootDir>/__tests__/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/__tests__/terraform/'],
    },
    {
      displayName: 'terraform',
      testEnvironment: 'node',
      transform,
      testMatch: ['<rootDir>/__tests__/terraform/**/*.test.ts'],
      globalSetup: '<rootDir>/__tests__/terraform/global-setup.ts',
    },
  ],
};
