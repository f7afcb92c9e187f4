/**
 * Shared by the Terraform tests: where the global setup leaves its results, and
 * how a test reads them. A failure in the setup (no terraform, a failed validate
 * or plan) is recorded and re-thrown here, so every test that needs a plan fails
 * with that message instead of passing silently.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { cachedTerraformRun, type OfflinePlanResult, type PlanOutcome } from '../../../tooling/terraform/offline-plan';
import { hashFolder } from '../../../tooling/terraform/result-cache';
import { ENVIRONMENTS } from '../../../environments';
import { BOOTSTRAP_NAME } from '../../../environments/schema';
import { REPO_ROOT } from '../paths';

export const TERRAFORM_TEST_DIR = path.join(REPO_ROOT, '.terraform-test');
export const SYNTH_DIR = path.join(TERRAFORM_TEST_DIR, 'cdktf.out');
export const RESULTS_DIR = path.join(TERRAFORM_TEST_DIR, 'results');
/** Written by the global setup when every plan has finished (well or not). */
export const PLANS_DONE = path.join(RESULTS_DIR, 'done');
/** Where the global setup keeps the promise of its background plans, for the global teardown. */
export const PENDING_PLANS = Symbol.for('omc.terraform-test.pending-plans');

/**
 * Whether a test file reads the global setup's plans (calls `loadPlan`, `loadBadInputsPlan` or
 * `loadMigration` of migration-plans.ts):
 * such a file waits for them (wait-for-plans.ts) and runs after the unit tests (sequencer.js,
 * which uses the same pattern). Other Terraform tests (ci-scripts) start at once.
 */
export const READS_PLANS = /\bload(?:BadInputsPlan|Plan|Migration)\(/;

/**
 * Resolves when the global setup's plans are done; at once when no setup is under way (then
 * `loadPlan` says the setup did not run).
 */
export async function waitForPlans(): Promise<void> {
  while (existsSync(RESULTS_DIR) && !existsSync(PLANS_DONE)) await new Promise((resolve) => setTimeout(resolve, 100));
}

/** The environment stacks: every environment of the registry (environments/index.ts). */
export const ENVIRONMENT_STACKS: readonly string[] = Object.keys(ENVIRONMENTS);
export type EnvironmentStack = string;
/** Stacks the global setup synthesizes and plans: the environments and the bootstrap stack. */
export const PLANNED_STACKS: readonly string[] = [...ENVIRONMENT_STACKS, BOOTSTRAP_NAME];
export type PlannedStack = string;

export interface RecordedFailure {
  readonly error: string;
}

/** Why a result file is missing. */
function notThereWhy(): string {
  return existsSync(RESULTS_DIR) && !existsSync(PLANS_DONE)
    ? 'the plans are still running: call waitForPlans() in a beforeAll of this test file (wait-for-plans.ts does it for files that call loadPlan or loadBadInputsPlan themselves)'
    : 'the terraform global setup did not run it';
}

/** The offline plan of a stack, as made by the global setup. Throws the setup's error if it failed. */
export function loadPlan(stack: PlannedStack): OfflinePlanResult {
  const file = path.join(RESULTS_DIR, `${stack}.json`);
  if (!existsSync(file)) throw new Error(`No offline plan for ${stack} at ${file}: ${notThereWhy()}`);
  const data = JSON.parse(readFileSync(file, 'utf8')) as OfflinePlanResult | RecordedFailure;
  if ('error' in data) throw new Error(data.error);
  return data;
}

/** The synthesized Terraform JSON the plan was made from. */
export function loadSynthesized(stack: PlannedStack): string {
  return readFileSync(path.join(SYNTH_DIR, 'stacks', stack, 'cdk.tf.json'), 'utf8');
}

/**
 * Inputs each stack must refuse, planned once more by the global setup (targeted at the
 * resources that check them). The token contains a marker that must never be printed.
 */
export const BAD_INPUTS: Partial<Record<PlannedStack, { variables: Record<string, string>; targets: string[] }>> = {
  production: {
    variables: {
      redis_auth_token: 'Bad@token/"LEAK-MARKER-5d1e',
      certificate_arn: 'arn:aws:acm:ap-southeast-2:ACCOUNT_ID:certificate/CERT_ID',
      backend_image_tag: 'v1 .0',
      frontend_image: 'ghcr.io/marklimmage/ohmycoins-frontend:latest',
    },
    // Terraform checks a variable's validation only when a targeted resource uses the variable.
    targets: [
      'aws_elasticache_replication_group.redis_main',
      'aws_iam_role.iam_github_actions',
      'aws_lb_listener.alb_https',
      'aws_ecs_task_definition.ecs_backend',
      'aws_ecs_task_definition.ecs_frontend',
    ],
  },
};

/** The outcome of planning a stack with its BAD_INPUTS. Throws the setup's error if it failed. */
export function loadBadInputsPlan(stack: PlannedStack): PlanOutcome {
  const file = path.join(RESULTS_DIR, `${stack}.bad-inputs.json`);
  if (!existsSync(file)) throw new Error(`No bad-inputs plan for ${stack} at ${file}: ${notThereWhy()}`);
  const data = JSON.parse(readFileSync(file, 'utf8')) as PlanOutcome | RecordedFailure;
  if ('error' in data) throw new Error(data.error);
  return data;
}

/** One resource of the plan's `configuration` section: its expressions as Terraform read them. */
export interface ConfiguredResource {
  readonly address: string;
  readonly expressions: Record<string, any>;
  readonly depends_on?: string[];
}

/** The configuration of the resource at `address`, as recorded in the plan; throws if absent. */
export function configuredResource(plan: OfflinePlanResult, address: string): ConfiguredResource {
  const configuration = (plan.plan as { configuration?: { root_module?: { resources?: ConfiguredResource[] } } }).configuration;
  const found = configuration?.root_module?.resources?.find((r) => r.address === address);
  if (!found) throw new Error(`${plan.stack}: the plan's configuration has no resource ${address}`);
  return found;
}

const PROJECT = REPO_ROOT;

/**
 * What a test that runs real programs (cdktf diff, the CI scripts) observed, reused while nothing
 * it depends on changed, like the plans: the key is a content hash of the test file, every file
 * of scripts/, tooling/ and lib/ (the code under test and what it imports), package-lock.json (cdktf-cli's
 * version), `inputs`, and what `cachedTerraformRun` adds (Terraform's version, CLI config, TF_*
 * variables). `observe` must run the programs and return, as JSON, everything the tests assert
 * on, including facts about the files they left (the folder is not there on a reuse).
 * OMC_RESULT_CACHE=0 always runs them.
 */
export function observed<T>(testFile: string, inputs: unknown, observe: () => Promise<T>): Promise<T> {
  const code = {
    test: readFileSync(testFile, 'utf8'),
    scripts: hashFolder(path.join(PROJECT, 'scripts')),
    tooling: hashFolder(path.join(PROJECT, 'tooling')),
    lib: hashFolder(path.join(PROJECT, 'lib')),
    lock: readFileSync(path.join(PROJECT, 'package-lock.json'), 'utf8'),
  };
  return cachedTerraformRun({ kind: 'observed', test: path.relative(PROJECT, testFile), code, inputs }, observe);
}
