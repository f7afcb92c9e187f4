/**
 * Synthesizes every stack into .terraform-test/cdktf.out, then starts the offline Terraform
 * pipeline (init, validate, plan, show) on each and the migration plans, two at a time, and returns without waiting for it,
 * so jest's workers run the unit tests meanwhile. Results, or the error that stopped them, are
 * written to .terraform-test/results, then the PLANS_DONE marker: the Terraform tests wait for it
 * (wait-for-plans.ts), and so does the global teardown.
 *
 * A plan whose inputs are unchanged (synthesized JSON, overrides, variables, Terraform version,
 * CLI config) is reused from the content-hash cache (`cachedTerraform` in tooling/terraform/offline-plan.ts).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildConfiguredApp } from '../../../environments/load';
import { planWithOverrides, runOfflinePlan, terraform, terraformEnv, terraformVersion } from '../../../tooling/terraform/offline-plan';
import { useTestTempDir } from '../setup/temp-dir';
import { migrationJobs } from './migration-plans';
import { BAD_INPUTS, ENVIRONMENT_STACKS, PENDING_PLANS, PLANNED_STACKS, type PlannedStack, PLANS_DONE, RESULTS_DIR, SYNTH_DIR, TERRAFORM_TEST_DIR } from './plans';

/** Writes under a temporary name, then renames: a waiting test never reads half a file. */
function writeResult(file: string, value: unknown): void {
  writeFileSync(`${file}.partial`, JSON.stringify(value));
  renameSync(`${file}.partial`, file);
}

async function planStack(stack: PlannedStack, missing: string | undefined): Promise<void> {
  const out = path.join(RESULTS_DIR, `${stack}.json`);
  const badOut = path.join(RESULTS_DIR, `${stack}.bad-inputs.json`);
  const bad = BAD_INPUTS[stack];
  const workDir = path.join(TERRAFORM_TEST_DIR, 'work', stack);
  try {
    if (missing) throw new Error(missing);
    writeResult(out, await runOfflinePlan(path.join(SYNTH_DIR, 'stacks', stack), { workDir, cache: true }));
  } catch (e) {
    writeResult(out, { error: (e as Error).message });
    if (bad) writeResult(badOut, { error: `the offline plan of ${stack} failed first: ${(e as Error).message}` });
    return;
  }
  // Then, in the same working copy, the inputs the stack must refuse.
  if (!bad) return;
  try {
    writeResult(badOut, await planWithOverrides(workDir, bad.variables, bad.targets, { cache: true }));
  } catch (e) {
    writeResult(badOut, { error: (e as Error).message });
  }
}

/**
 * Installs every provider the stacks require into the shared plugin cache (TF_PLUGIN_CACHE_DIR)
 * once, before the plans start: six `terraform init` at once into an empty cache (a fresh clone)
 * race to create the same provider folder and some fail ("failed to create directory ... file
 * exists"). Skipped when the cache already holds providers.
 */
async function fillPluginCache(): Promise<void> {
  const cacheDir = terraformEnv().TF_PLUGIN_CACHE_DIR;
  if (!cacheDir || existsSync(path.join(cacheDir, 'registry.terraform.io'))) return;
  const required: Record<string, unknown> = {};
  for (const stack of PLANNED_STACKS) {
    const json = JSON.parse(readFileSync(path.join(SYNTH_DIR, 'stacks', stack, 'cdk.tf.json'), 'utf8')) as { terraform?: { required_providers?: Record<string, unknown> } };
    Object.assign(required, json.terraform?.required_providers);
  }
  const dir = path.join(TERRAFORM_TEST_DIR, 'work', 'plugin-cache');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'providers.tf.json'), JSON.stringify({ terraform: { required_providers: required } }));
  await terraform(['init', '-backend=false', '-input=false', '-no-color'], dir);
}

async function planAll(): Promise<void> {
  let missing: string | undefined;
  try {
    await terraformVersion();
  } catch (e) {
    missing = (e as Error).message;
    process.stderr.write(`\n\n*** ${missing} ***\n\n`);
  }
  if (!missing) await fillPluginCache();
  // One queue for every plan, the stacks' and the migration plans (migration-plans.ts), run two
  // at a time, longest first: each job runs one terraform command at a time, and every terraform
  // command holds the AWS provider's schema (about 400 MB) and keeps a core busy, so more at once
  // only adds memory (six at once: a fresh clone's npm test peaked at 4.8 GB instead of 2.9 GB)
  // without a core to run on; fewer leaves a core idle once the unit tests are done.
  const environment = (stack: PlannedStack): boolean => (ENVIRONMENT_STACKS as readonly string[]).includes(stack);
  const jobs: (() => Promise<void>)[] = [
    ...PLANNED_STACKS.filter(environment).map((stack) => () => planStack(stack, missing)),
    ...migrationJobs(missing),
    ...PLANNED_STACKS.filter((stack) => !environment(stack)).map((stack) => () => planStack(stack, missing)),
  ];
  const next = async (): Promise<void> => {
    for (let job = jobs.shift(); job !== undefined; job = jobs.shift()) await job();
  };
  await Promise.all([next(), next()]);
}

export default async function globalSetup(): Promise<void> {
  // Before anything starts terraform, so it uses the run's temp folder too.
  useTestTempDir();
  rmSync(TERRAFORM_TEST_DIR, { recursive: true, force: true });
  mkdirSync(RESULTS_DIR, { recursive: true });
  buildConfiguredApp({ outdir: SYNTH_DIR }).synth();
  const done = () => writeFileSync(PLANS_DONE, '');
  (globalThis as Record<symbol, unknown>)[PENDING_PLANS] = planAll().then(done, (e: Error) => {
    for (const stack of PLANNED_STACKS) writeResult(path.join(RESULTS_DIR, `${stack}.json`), { error: e.message });
    done();
  });
}
