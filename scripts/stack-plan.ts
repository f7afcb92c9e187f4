/**
 * The plan step of the CI workflows, runnable by hand with AWS credentials:
 *
 *   npm run plan:stack -- <stack> [--summary-dir plan-summary] [--no-lock] [--quiet] [--dir cdktf.out]
 *
 * (--quiet: Terraform's output only when a step fails, so the job log shows the value-free summary.)
 * CI uses it for the nightly drift check, which needs `-detailed-exitcode` (cdktf diff reports
 * Terraform's exit 2, "changes", as a failure); pull-request and apply plans use plan:diff.
 *
 * In `cdktf.out/stacks/<stack>` (after `npm run synth`): checks that every required input
 * variable has a non-empty TF_VAR_* value (naming the CI secret that supplies it), then runs
 * `terraform init`, `terraform plan -detailed-exitcode -out=tfplan` and
 * `terraform show -json tfplan > tfplan.json` (the input of `npm run cost -- <stack> --plan`),
 * and writes `<summary-dir>/<stack>.json`: adds, changes, destroys and critical changes,
 * without any value (see plan-summary.ts). tfplan and tfplan.json hold sensitive values in
 * clear: they stay in the stack folder and are never uploaded as they are.
 *
 * Exit code: 0 when the plan succeeded (with or without changes), 1 when it failed. In GitHub
 * Actions the status (changes, no-changes, failed, skipped) is also written as the step output `status`.
 * Empty TF_VAR_* values are dropped: GitHub expressions yield '' for an unset secret, and
 * '' must not override a variable's default.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { defineCommand, execute, PROJECT_ROOT, STACK_NAMES, SYNTH_DIR_OPTION, synthDir } from './cli';
import { declaredVariables, runTerraform, terraformCliEnv } from '../tooling/terraform/offline-plan';
import { failedSummary, StackPlanSummary, summarizePlan } from './plan-summary';
import { ciSecretFor } from '../tooling/environments/workflow-environments';


export { CI_SECRET_FOR_VARIABLE, ciSecretFor } from '../tooling/environments/workflow-environments';

type StackJson = Parameters<typeof declaredVariables>[0] & { terraform?: { cloud?: unknown } };

/** Required variables (no default) without a non-empty TF_VAR_<name> in env. */
export function missingVariables(stackJson: StackJson, env: NodeJS.ProcessEnv): string[] {
  return declaredVariables(stackJson)
    .filter((v) => !v.hasDefault && !env[`TF_VAR_${v.name}`])
    .map((v) => v.name);
}

/** env without empty TF_VAR_* entries. */
export function withoutEmptyVariables(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([k, v]) => !(k.startsWith('TF_VAR_') && (v === undefined || v === ''))));
}

export interface PlanStackOptions {
  /** Take the state lock while planning. PR plans use a read-only role and do not. @default true */
  readonly lock?: boolean;
  /** Environment Terraform runs with. @default terraformCliEnv() */
  readonly env?: NodeJS.ProcessEnv;
  /** Stream Terraform's output to this process's (the CI log). @default true */
  readonly echo?: boolean;
}

export interface PlanStackResult {
  readonly summary: StackPlanSummary;
  /** `tfplan` in the stack folder, when the plan succeeded. */
  readonly planFile?: string;
  /** `tfplan.json` (terraform show -json) in the stack folder, when the plan succeeded. */
  readonly showJsonFile?: string;
}

/**
 * What is checked before any plan of a synthesized stack (plan:stack and plan:diff): it is
 * synthesized, not planned by Terraform Cloud, and every required variable has a value in env.
 * Returns the summary to report instead of planning, or undefined when the plan may run.
 */
export function checkBeforePlan(stackDir: string, env: NodeJS.ProcessEnv): StackPlanSummary | undefined {
  const stack = path.basename(stackDir);
  const source = path.join(stackDir, 'cdk.tf.json');
  if (!existsSync(source)) return failedSummary(stack, 'failed', `${stack} is not synthesized (no ${path.relative(PROJECT_ROOT, source)}); run npm run synth first`);
  const stackJson = JSON.parse(readFileSync(source, 'utf8')) as StackJson;
  if (stackJson.terraform?.cloud) {
    return failedSummary(stack, 'skipped', `${stack} uses Terraform Cloud: its plans run there (VCS-driven speculative plans, or \`terraform plan\` in the stack folder); see docs/terraform-cloud.md.`);
  }
  const missing = missingVariables(stackJson, env);
  if (missing.length > 0) {
    const list = missing.map((v) => `TF_VAR_${v} (CI secret ${ciSecretFor(v)})`).join(', ');
    return failedSummary(stack, 'failed', `${stack} needs a value for ${list}; set the secret, or export the variable to plan by hand`);
  }
  return undefined;
}

/** Plans one synthesized stack in its own folder; never throws for a Terraform failure. */
export async function planStack(stackDir: string, options: PlanStackOptions = {}): Promise<PlanStackResult> {
  const stack = path.basename(stackDir);
  const env = withoutEmptyVariables(options.env ?? terraformCliEnv());
  const refused = checkBeforePlan(stackDir, env);
  if (refused) return { summary: refused };
  const echo = options.echo ?? true;
  // Quiet (echo false): Terraform's output reaches the log only when it failed.
  const failed = (step: string, run: { code: number; stdout: string; stderr: string }): PlanStackResult => {
    if (!echo) process.stderr.write(`${run.stdout}${run.stderr}`);
    return { summary: failedSummary(stack, 'failed', `terraform ${step} failed (exit ${run.code}); see the job log`) };
  };
  const init = await runTerraform(['init', '-input=false', '-no-color'], stackDir, { env, echo });
  if (init.code !== 0) return failed('init', init);
  const plan = await runTerraform(
    ['plan', '-input=false', '-no-color', '-detailed-exitcode', `-lock=${options.lock ?? true}`, '-out=tfplan'],
    stackDir,
    { env, echo },
  );
  if (plan.code !== 0 && plan.code !== 2) return failed('plan', plan);
  return summarizePlanFile(stackDir, 'tfplan', env);
}

/**
 * `terraform show -json <planFile>` in the stack folder, written next to the plan as
 * `<planFile>.json` (owner-only: it holds every input in clear), and its value-free summary.
 */
export async function summarizePlanFile(stackDir: string, planFile: string, env: NodeJS.ProcessEnv): Promise<PlanStackResult> {
  const stack = path.basename(stackDir);
  const show = await runTerraform(['show', '-json', planFile], stackDir, { env });
  if (show.code !== 0) return { summary: failedSummary(stack, 'failed', `terraform show failed (exit ${show.code}); see the job log`) };
  const showJsonFile = path.join(stackDir, `${planFile}.json`);
  writeFileSync(showJsonFile, show.stdout, { mode: 0o600 });
  return { summary: summarizePlan(stack, JSON.parse(show.stdout)), planFile: path.join(stackDir, planFile), showJsonFile };
}

/** The options plan:stack and plan:diff share. */
export const PLAN_OPTIONS = {
  'summary-dir': { type: 'string', value: '<dir>', description: 'write the summary (JSON) into this folder' },
  'no-lock': { type: 'boolean', description: 'plan without the state lock (the read-only plan role)' },
  dir: SYNTH_DIR_OPTION,
} as const;

export const command = defineCommand({
  name: 'plan:stack',
  summary: 'terraform init and plan of one synthesized stack (needs AWS credentials), as CI runs it: status and counts, the plan file and its show -json.',
  positionals: [{ name: 'stack', description: 'the stack to plan', choices: STACK_NAMES }],
  options: { ...PLAN_OPTIONS, quiet: { type: 'boolean', description: "do not stream terraform's output" } },
});

export function cli(argv: readonly string[]): Promise<number> {
  return execute(command, argv, async ({ args, values }) => {
    const stack = args.stack as string;
    const outDir = synthDir(values.dir);
    const result = await planStack(path.join(outDir, 'stacks', stack), { lock: !values['no-lock'], echo: !values.quiet });
    return reportPlan(stack, result, values['summary-dir']);
  });
}

/**
 * Reports a plan the way CI reads it (plan:stack and plan:diff): `<summaryDir>/<stack>.json`,
 * the GitHub Actions step output `status`, and value-free lines on stdout. Returns the exit code.
 */
export function reportPlan(stack: string, result: PlanStackResult, summaryDir?: string): number {
  if (summaryDir) {
    mkdirSync(summaryDir, { recursive: true });
    writeFileSync(path.join(summaryDir, `${stack}.json`), `${JSON.stringify(result.summary, null, 2)}\n`);
  }
  const { status, counts, message, critical } = result.summary;
  // In GitHub Actions, the status is a step output (the apply workflow skips a plan without changes).
  if (process.env.GITHUB_OUTPUT) appendFileSync(process.env.GITHUB_OUTPUT, `status=${status}\n`);
  process.stdout.write(`\n${stack}: ${status}${message ? ` - ${message}` : ''}\n`);
  if (status === 'changes' || status === 'no-changes') {
    process.stdout.write(`  ${counts.add} to add, ${counts.change} to change, ${counts.destroy} to destroy (${counts.replace} replaced)\n`);
    for (const c of critical) process.stdout.write(`  WARNING: ${c.category} ${c.address} would be ${c.action === 'delete' ? 'destroyed' : 'replaced'}\n`);
    process.stdout.write(`  plan: ${result.planFile}\n  show -json: ${result.showJsonFile}\n`);
  }
  if (summaryDir) process.stdout.write(`  summary: ${path.join(summaryDir, `${stack}.json`)}\n`);
  return status === 'failed' ? 1 : 0;
}
