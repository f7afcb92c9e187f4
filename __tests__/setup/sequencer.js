/**
 * Test order: jest's own (failed first, then slowest first), except that the Terraform project's
 * files come after the unit tests. They wait for the plans the Terraform global setup runs in the
 * background; started last, they find them done instead of holding a worker idle.
 */
const Sequencer = require('@jest/test-sequencer').default;

class TerraformLast extends Sequencer {
  async sort(tests) {
    const sorted = await super.sort(tests);
    const terraform = (test) => test.context.config.displayName?.name === 'terraform';
    return [...sorted.filter((t) => !terraform(t)), ...sorted.filter(terraform)];
  }
}

module.exports = TerraformLast;
