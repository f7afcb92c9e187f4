/**
 * Test order: jest's own (failed first, then slowest first), except that the test files that read
 * the Terraform global setup's plans come last. They wait for the plans, which run in the
 * background: started after the unit tests, they find them done instead of holding a worker idle.
 */
const { readFileSync } = require('node:fs');
const Sequencer = require('@jest/test-sequencer').default;

/** The pattern of READS_PLANS in __tests__/support/terraform/plans.ts (this file is not transpiled). */
const READS_PLANS = /\bload(?:BadInputsPlan|Plan|Migration)\(/;

class PlanReadersLast extends Sequencer {
  async sort(tests) {
    const sorted = await super.sort(tests);
    const readsPlans = (test) => test.context.config.displayName?.name === 'terraform' && READS_PLANS.test(readFileSync(test.path, 'utf8'));
    return [...sorted.filter((t) => !readsPlans(t)), ...sorted.filter(readsPlans)];
  }
}

module.exports = PlanReadersLast;
