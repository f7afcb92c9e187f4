/**
 * npm run plan:offline -- <stack> [<stack> ...]: real `terraform init/validate/plan` of synthesized
 * stacks without AWS (tooling/terraform/offline-plan.ts), with a count of what they would create.
 */
import path from 'node:path';
import { countByType, describeStubs, runOfflinePlan } from '../tooling/terraform/offline-plan';
import { PROJECT_ROOT, runMain } from './cli';

async function cli(argv: string[]): Promise<number> {
  const stacks = argv.filter((a) => !a.startsWith('-'));
  if (stacks.length === 0) {
    process.stderr.write('usage: npm run plan:offline -- <stack> [<stack> ...]   (after npm run synth)\n');
    return 2;
  }
  for (const stack of stacks) {
    const result = await runOfflinePlan(path.join(PROJECT_ROOT, 'cdktf.out', 'stacks', stack));
    process.stdout.write(`${result.planOutput}\n`);
    // Nothing is substituted silently: each stubbed value is stated.
    for (const line of describeStubs(result.stubs)) process.stdout.write(`${line}\n`);
    const counts = countByType(result);
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    process.stdout.write(`${stack}: validate ${result.validate.valid ? 'ok' : 'FAILED'}, ${total} resources to create\n`);
    for (const [type, n] of Object.entries(counts)) process.stdout.write(`  ${type.padEnd(44)} ${n}\n`);
    process.stdout.write(`working copy: ${result.workDir}\n`);
  }
  return 0;
}

runMain(() => cli(process.argv.slice(2)));
