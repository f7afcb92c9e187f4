/**
 * The apply step of the manual apply workflow, runnable by hand with the apply role's credentials:
 *
 *   npm run apply:plan -- <stack> --reviewed <plan-summary/<stack>.json> [--dir cdktf.out]
 *
 * Plans again with the state lock (npm run plan:stack's planStack, in `cdktf.out/stacks/<stack>`
 * after `npm run synth`), compares the changes with the reviewed summary (the preview plan's, which
 * the reviewer approved), and applies this new plan only when its changes are exactly the reviewed
 * ones: the same addresses with the same actions. Terraform refuses the plan if the state changes
 * between plan and apply. The plan file and its JSON (every input in clear) are deleted afterwards,
 * whatever happens, and never leave the runner: no plan crosses jobs, so no key encrypts one.
 *
 * Why plan again rather than carry the reviewed plan: a plan file holds the Redis token in clear;
 * carrying it between jobs needs an encryption key both jobs share. With the per-environment KMS
 * keys only the apply role could decrypt, but the preview runs with a read-only role; planning
 * again inside the apply job needs no key at all (docs/ci.md, "The apply: plan again, compare, apply").
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { defineCommand, execute, STACK_NAMES, SYNTH_DIR_OPTION, synthDir, UsageError } from './cli';
import { type ResourceChangeSummary, type StackPlanSummary } from './plan-summary';
import { planStack, reportPlan } from './stack-plan';
import { runTerraform, terraformCliEnv } from '../tooling/terraform/offline-plan';

const describeChange = (c: ResourceChangeSummary) => `${c.action} ${c.address}${c.movedFrom ? ` (from ${c.movedFrom})` : ''}`;

/**
 * The differences between the reviewed changes and the planned ones, as lines: `+` planned but
 * not reviewed, `-` reviewed but not planned. Empty when they are the same.
 */
export function planDifferences(reviewed: StackPlanSummary, planned: StackPlanSummary): string[] {
  const was = new Set(reviewed.changes.map(describeChange));
  const now = new Set(planned.changes.map(describeChange));
  return [...[...now].filter((c) => !was.has(c)).map((c) => `+ ${c}`), ...[...was].filter((c) => !now.has(c)).map((c) => `- ${c}`)].sort((a, b) =>
    a.slice(2).localeCompare(b.slice(2)),
  );
}

export interface ApplyResult {
  /** 0 applied (or nothing to apply), 1 refused or failed. */
  readonly code: number;
  /** Why it was refused, when it was. */
  readonly refused?: string;
  readonly differences: readonly string[];
}

/** Plans the stack folder again, compares with the reviewed summary, applies when they agree. */
export async function applyReviewedPlan(
  stackDir: string,
  reviewed: StackPlanSummary,
  options: { readonly env?: NodeJS.ProcessEnv; readonly echo?: boolean } = {},
): Promise<ApplyResult> {
  const stack = path.basename(stackDir);
  if (reviewed.stack !== stack) return { code: 1, refused: `the reviewed summary is of ${reviewed.stack}, not of ${stack}`, differences: [] };
  if (reviewed.status !== 'changes') return { code: 1, refused: `the reviewed plan has no changes to apply (status ${reviewed.status})`, differences: [] };
  const env = options.env ?? terraformCliEnv();
  const echo = options.echo ?? true;
  const result = await planStack(stackDir, { env, echo, lock: true });
  try {
    reportPlan(stack, result);
    if (result.summary.status === 'failed') return { code: 1, refused: result.summary.message ?? 'the plan failed', differences: [] };
    const differences = planDifferences(reviewed, result.summary);
    if (differences.length > 0) {
      return { code: 1, refused: 'the plan differs from the reviewed one (state or code changed since): run the workflow again to review it', differences };
    }
    const apply = await runTerraform(['apply', '-input=false', '-no-color', 'tfplan'], stackDir, { env, echo });
    return { code: apply.code === 0 ? 0 : 1, refused: apply.code === 0 ? undefined : `terraform apply failed (exit ${apply.code})`, differences: [] };
  } finally {
    for (const file of [result.planFile, result.showJsonFile]) if (file) rmSync(file, { force: true });
  }
}

export const command = defineCommand({
  name: 'apply:plan',
  summary:
    'Plans the stack again with the state lock (needs the apply role), compares its changes with the reviewed preview summary and applies only when they are the same addresses with the same actions; the plan file never leaves the runner.',
  positionals: [{ name: 'stack', description: 'the stack to apply', choices: STACK_NAMES }],
  options: {
    reviewed: { type: 'string', value: '<file>', required: true, description: "the preview plan's summary the reviewer approved (plan-summary/<stack>.json)" },
    dir: SYNTH_DIR_OPTION,
  },
});

export function cli(argv: readonly string[]): Promise<number> {
  return execute(command, argv, async ({ args, values }) => {
    const stack = args.stack as string;
    const reviewedFile = values.reviewed as string;
    if (!existsSync(reviewedFile)) throw new UsageError(`${reviewedFile} is missing: it is the preview plan's summary (artifact plan-summary-${stack})`);
    const reviewed = JSON.parse(readFileSync(reviewedFile, 'utf8')) as StackPlanSummary;
    const result = await applyReviewedPlan(path.join(synthDir(values.dir), 'stacks', stack), reviewed);
    if (result.refused) process.stderr.write(`apply of ${stack} refused: ${result.refused}\n${result.differences.map((d) => `  ${d}\n`).join('')}`);
    else process.stdout.write(`applied the reviewed changes of ${stack}\n`);
    return result.code;
  });
}
