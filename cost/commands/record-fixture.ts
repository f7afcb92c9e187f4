/**
 * Records the offline plan of the cost estimator's all-types fixture
 * (__tests__/fixtures/cost/all-types/cdk.tf.json) as `terraform show -json`,
 * keeping only what the estimator reads (planned_values, configuration) so the
 * fixture stays small and holds no variable values.
 *
 *   npm run build && node dist/cost/commands/record-fixture.js
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../paths';
import { runOfflinePlan } from '../../tooling/terraform/offline-plan';
const FIXTURE_DIR = path.join(PROJECT_ROOT, '__tests__', 'fixtures', 'cost');

async function main(): Promise<void> {
  const result = await runOfflinePlan(path.join(FIXTURE_DIR, 'all-types'), { workDir: path.join(PROJECT_ROOT, '.terraform-offline', 'cost-all-types') });
  const { format_version, terraform_version, planned_values, configuration } = result.plan as unknown as Record<string, unknown>;
  const out = path.join(FIXTURE_DIR, 'plan-all-types.json');
  writeFileSync(out, `${JSON.stringify({ format_version, terraform_version, planned_values, configuration }, null, 1)}\n`);
  process.stdout.write(`wrote ${out}\n`);
}

main().catch((e: Error) => {
  process.stderr.write(`${e.message}\n`);
  process.exitCode = 1;
});
