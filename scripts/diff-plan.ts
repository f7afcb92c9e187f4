/**
 * The pull-request plan of one stack through `cdktf diff`, runnable by hand with AWS credentials:
 *
 *   npm run plan:diff -- <stack> [--summary-dir plan-summary] [--no-lock] [--stand-in redis_auth_token,...]
 *                       [--dir cdktf.out] [--verbose]
 *
 * After `npm run synth`: the same checks as plan:stack (synthesized, not Terraform Cloud, every
 * required TF_VAR_* set, naming its CI secret), then `cdktf diff <stack> --skip-synth`, which runs
 * `terraform init` and `terraform plan -out plan` in cdktf.out/stacks/<stack> (cdktf-cli 0.21:
 * `-out plan` for every stack that is not a Terraform Cloud one, checked in
 * __tests__/terraform/cdktf-diff.test.ts). `cdktf diff` exits 0 with or without changes and 1 on
 * any error, so the status comes from the plan file it leaves: `terraform show -json plan`
 * (written to `plan.json`, owner-only, the cost script's input) gives the summary, changes or
 * no changes. A failed diff, or no plan file, is `failed`: a stale plan is deleted first.
 *
 * --no-lock: `TF_CLI_ARGS_plan=-lock=false` (cdktf diff has no lock flag; Terraform reads the
 * variable), for the read-only plan role. --stand-in: these variables get a stand-in value
 * instead of their secret (only the apply needs the real one), and the summary names them.
 * --verbose streams cdktf's output (the plan text, values masked); by default only a failure's
 * output is printed, so the job log shows the value-free summary and not the plan's structure.
 * `plan` and `plan.json` hold every input in clear: they never leave the runner.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { defineCommand, execute, PROJECT_ROOT, STACK_NAMES } from './cli';
import { declaredVariables, runProcess, terraformCliEnv } from '../tooling/terraform/offline-plan';
import { failedSummary } from './plan-summary';
import { checkBeforePlan, PLAN_OPTIONS, PlanStackResult, reportPlan, summarizePlanFile, withoutEmptyVariables } from './stack-plan';

/** The plan file `cdktf diff` leaves in the stack folder (cdktf-cli 0.21, TerraformCli.plan). */
export const CDKTF_PLAN_FILE = 'plan';

/** A recognisable value that satisfies the variable's validation (e.g. the Redis AUTH token pattern) and is not a secret. */
export function standInValue(variable: string): string {
  return `stand-in-${variable.replace(/_/g, '-')}-0000000000`;
}

export interface DiffStackOptions {
  /** cdktf.out folder. @default <project>/cdktf.out */
  readonly outDir?: string;
  /** Take the state lock while planning. @default true */
  readonly lock?: boolean;
  /** Variables planned with a stand-in value (only those the stack declares). @default [] */
  readonly standIns?: readonly string[];
  /** Environment cdktf and Terraform run with. @default terraformCliEnv() */
  readonly env?: NodeJS.ProcessEnv;
  /** Stream cdktf's output; otherwise it is printed only when the diff fails. @default false */
  readonly echo?: boolean;
  /** The cdktf CLI. @default <project>/node_modules/.bin/cdktf */
  readonly cdktfBin?: string;
  /** Where cdktf's output goes when the diff fails (without `echo`). @default standard error (the job log) */
  readonly failureLog?: (output: string) => void;
}

/** Runs `cdktf diff <stack>` on the synthesized stack and summarizes the plan it leaves; never throws for a plan failure. */
export async function diffStack(stack: string, options: DiffStackOptions = {}): Promise<PlanStackResult> {
  const outDir = path.resolve(options.outDir ?? path.join(PROJECT_ROOT, 'cdktf.out'));
  const stackDir = path.join(outDir, 'stacks', stack);
  const env: NodeJS.ProcessEnv = { ...withoutEmptyVariables(options.env ?? terraformCliEnv()), CHECKPOINT_DISABLE: '1' };
  const source = path.join(stackDir, 'cdk.tf.json');
  const declared = existsSync(source) ? declaredVariables(JSON.parse(readFileSync(source, 'utf8'))).map((v) => v.name) : [];
  const standIns = (options.standIns ?? []).filter((v) => declared.includes(v));
  for (const v of standIns) env[`TF_VAR_${v}`] = standInValue(v);
  const refused = checkBeforePlan(stackDir, env);
  if (refused) return { summary: refused };
  if (options.lock === false) env.TF_CLI_ARGS_plan = [env.TF_CLI_ARGS_plan, '-lock=false'].filter(Boolean).join(' ');

  for (const file of [CDKTF_PLAN_FILE, `${CDKTF_PLAN_FILE}.json`]) rmSync(path.join(stackDir, file), { force: true });
  const bin = options.cdktfBin ?? path.join(PROJECT_ROOT, 'node_modules', '.bin', 'cdktf');
  const diff = await runProcess(bin, ['diff', stack, '--skip-synth', '--no-color', '--output', outDir], PROJECT_ROOT, { env, echo: options.echo ?? false });
  const failed = (why: string): PlanStackResult => {
    if (!options.echo) (options.failureLog ?? ((output) => process.stderr.write(output)))(diff.output);
    return { summary: failedSummary(stack, 'failed', why) };
  };
  if (diff.code !== 0) return failed(`cdktf diff failed (exit ${diff.code}); see the job log`);
  if (!existsSync(path.join(stackDir, CDKTF_PLAN_FILE))) return failed(`cdktf diff left no plan file (${CDKTF_PLAN_FILE}) in the stack folder; see the job log`);
  const result = await summarizePlanFile(stackDir, CDKTF_PLAN_FILE, env);
  return standIns.length > 0 && result.summary.status !== 'failed' ? { ...result, summary: { ...result.summary, standIns } } : result;
}

export const command = defineCommand({
  name: 'plan:diff',
  summary: 'The pull-request plan of one synthesized stack through cdktf diff (needs AWS credentials): status and counts, and a value-free summary file.',
  positionals: [{ name: 'stack', description: 'the stack to plan', choices: STACK_NAMES }],
  options: {
    ...PLAN_OPTIONS,
    'stand-in': { type: 'string', value: '<var,...>', description: 'give these variables a stand-in value instead of their secret' },
    verbose: { type: 'boolean', description: "stream cdktf's output (the plan text, values masked)" },
  },
});

export function cli(argv: readonly string[]): Promise<number> {
  return execute(command, argv, async ({ args, values }) => {
    const stack = args.stack as string;
    const result = await diffStack(stack, {
      outDir: values.dir,
      lock: !values['no-lock'],
      standIns: (values['stand-in'] ?? '').split(',').map((v) => v.trim()).filter(Boolean),
      echo: values.verbose,
    });
    return reportPlan(stack, result, values['summary-dir']);
  });
}
