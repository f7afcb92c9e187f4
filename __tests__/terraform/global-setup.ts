/**
 * Synthesizes every stack into .terraform-test/cdktf.out and runs the offline
 * Terraform pipeline (init, validate, plan, show) on each, in parallel. Results,
 * or the error that stopped them, are written to .terraform-test/results.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildApp } from '../../lib/app';
import { planWithOverrides, runOfflinePlan, terraformVersion } from '../../scripts/offline-plan';
import { planMigrations } from './migration-plans';
import { BAD_INPUTS, PLANNED_STACKS, RESULTS_DIR, SYNTH_DIR, TERRAFORM_TEST_DIR } from './plans';

export default async function globalSetup(): Promise<void> {
  rmSync(TERRAFORM_TEST_DIR, { recursive: true, force: true });
  mkdirSync(RESULTS_DIR, { recursive: true });
  buildApp({ outdir: SYNTH_DIR }).synth();
  let missing: string | undefined;
  try {
    await terraformVersion();
  } catch (e) {
    missing = (e as Error).message;
    process.stderr.write(`\n\n*** ${missing} ***\n\n`);
  }
  await Promise.all([
    // The plans against the legacy state (migration-plans.ts), alongside the others.
    planMigrations(missing),
    ...PLANNED_STACKS.map(async (stack) => {
      const out = path.join(RESULTS_DIR, `${stack}.json`);
      const badOut = path.join(RESULTS_DIR, `${stack}.bad-inputs.json`);
      const bad = BAD_INPUTS[stack];
      const workDir = path.join(TERRAFORM_TEST_DIR, 'work', stack);
      try {
        if (missing) throw new Error(missing);
        writeFileSync(out, JSON.stringify(await runOfflinePlan(path.join(SYNTH_DIR, 'stacks', stack), { workDir })));
      } catch (e) {
        writeFileSync(out, JSON.stringify({ error: (e as Error).message }));
        if (bad) writeFileSync(badOut, JSON.stringify({ error: `the offline plan of ${stack} failed first: ${(e as Error).message}` }));
        return;
      }
      // Then, in the same initialized copy, the inputs the stack must refuse.
      if (!bad) return;
      try {
        writeFileSync(badOut, JSON.stringify(await planWithOverrides(workDir, bad.variables, bad.targets)));
      } catch (e) {
        writeFileSync(badOut, JSON.stringify({ error: (e as Error).message }));
      }
    }),
  ]);
}
