/**
 * The nightly drift check's report: from `terraform show -json` of a plan of a deployed
 * environment, what changed OUTSIDE Terraform (the refresh found it: `resource_drift`) and
 * what the code would change (`resource_changes`: a merged change not yet applied, or the
 * code putting a drifted resource back). Value-free, like the plan comment (plan-summary.ts,
 * whose summary and labels it reuses): addresses, types and actions only.
 *
 *   npm run drift:summary -- <stack> [--plan cdktf.out/stacks/<stack>/tfplan.json] [--out drift-report]
 *
 * writes `<out>/<stack>.json` (a DriftReport) and prints the issue body. Without the plan JSON
 * (the plan failed) the report says so, and the issue handling leaves the stack's issue alone.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { defineCommand, execute, PROJECT_ROOT, STACK_NAMES } from './cli';
import { ACTION_LABEL, failedSummary, ResourceChangeSummary, ShowJsonPlan, StackPlanSummary, summarizePlan, verb } from './plan-summary';

/** `terraform show -json` with the refresh's findings. */
export interface ShowJsonPlanWithDrift extends ShowJsonPlan {
  /** Resources whose remote object differs from the state (changed or deleted outside Terraform). */
  readonly resource_drift?: ShowJsonPlan['resource_changes'];
}

export type DriftStatus = 'drift' | 'no-drift' | 'failed';

export interface DriftReport {
  readonly stack: string;
  readonly status: DriftStatus;
  /** Why the check failed; never holds values. */
  readonly message?: string;
  /** Changed outside Terraform, as the refresh found them. */
  readonly outside: readonly ResourceChangeSummary[];
  /** What applying the code now would do (with counts and critical changes). */
  readonly plan: StackPlanSummary;
}

/** The hidden marker of a stack's drift issue. */
export function driftMarker(stack: string): string {
  return `<!-- ohmycoins:drift:${stack} -->`;
}

/** A value with empty collections and nulls dropped: `tags: null` and `tags: {}` are the same to AWS. */
function normalized(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(normalized).filter((v) => v !== undefined);
    return items.length > 0 ? items : undefined;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).map(([k, v]) => [k, normalized(v)] as const).filter(([, v]) => v !== undefined);
    return entries.length > 0 ? Object.fromEntries(entries.sort(([a], [b]) => a.localeCompare(b))) : undefined;
  }
  return value === null ? undefined : value;
}

type DriftEntry = NonNullable<ShowJsonPlanWithDrift['resource_drift']>[number] & { readonly change: { readonly before?: unknown; readonly after?: unknown } };

/**
 * Whether a `resource_drift` entry is a real change: a deletion, or before and after differing
 * once nulls and empty collections are ignored. Terraform also lists an object whose attributes
 * the provider only normalized on refresh (`tags: null` read back as `{}`, seen on the first
 * refresh after a create), which is not drift and must not open an issue every night.
 */
export function isRealDrift(entry: DriftEntry): boolean {
  if (entry.change.actions.includes('delete')) return true;
  return JSON.stringify(normalized(entry.change.before)) !== JSON.stringify(normalized(entry.change.after));
}

/** Summarizes drift and pending changes; drift is any real refresh finding or any planned change. */
export function summarizeDrift(stack: string, plan: ShowJsonPlanWithDrift): DriftReport {
  const outside = summarizePlan(stack, { resource_changes: ((plan.resource_drift ?? []) as DriftEntry[]).filter(isRealDrift) }).changes;
  const pending = summarizePlan(stack, plan);
  return { stack, status: outside.length > 0 || pending.status === 'changes' ? 'drift' : 'no-drift', outside, plan: pending };
}

/** A report for a stack whose plan did not run or failed; `message` must hold no values. */
export function failedDrift(stack: string, message: string): DriftReport {
  return { stack, status: 'failed', message, outside: [], plan: failedSummary(stack, 'failed', message) };
}

export interface DriftIssueOptions {
  /** Link to the workflow run. */
  readonly runUrl?: string;
  /** Commit of the code that was planned. */
  readonly commit?: string;
  /** When the check ran (ISO 8601). */
  readonly checkedAt?: string;
  /** Most resource lines per table. @default 60 */
  readonly maxLines?: number;
}

function table(changes: readonly ResourceChangeSummary[], limit: number, outside: boolean): string[] {
  const label = (c: ResourceChangeSummary) => (outside ? (c.action === 'delete' ? 'deleted outside Terraform' : 'changed outside Terraform') : ACTION_LABEL[c.action]);
  const lines = ['| change | address |', '|---|---|'];
  for (const c of changes.slice(0, limit)) lines.push(`| ${label(c)} | \`${c.address}\`${!outside && c.reason ? ` (${c.reason})` : ''} |`);
  if (changes.length > limit) lines.push(`| … | ${changes.length - limit} more: see the job log |`);
  return lines;
}

/** The issue's title. */
export function driftIssueTitle(stack: string): string {
  return `Drift: ${stack} differs from its Terraform code`;
}

/** The issue body (Markdown, beginning with the stack's marker); never holds values. */
export function renderDriftIssue(report: DriftReport, options: DriftIssueOptions = {}): string {
  const limit = options.maxLines ?? 60;
  const { stack, outside, plan } = report;
  const lines = [driftMarker(stack), `## Drift in ${stack}`, ''];
  const made = [options.checkedAt ? `on ${options.checkedAt}` : '', options.commit ? `for commit \`${options.commit.slice(0, 12)}\`` : '', options.runUrl ? `in [this run](${options.runUrl})` : '']
    .filter(Boolean)
    .join(' ');
  lines.push(`The scheduled plan of \`${stack}\`${made ? ` ${made}` : ''} is not empty. Nothing was applied.`, '');
  if (plan.critical.length > 0) {
    lines.push('> [!CAUTION]');
    for (const c of plan.critical) lines.push(`> **Applying the code now: ${c.category} \`${c.address}\` would be ${verb(c.action)}.**  `);
    lines.push('');
  }
  lines.push(`### Changed outside Terraform (${outside.length})`, '');
  if (outside.length === 0) lines.push('None: the refresh found every resource as Terraform left it.', '');
  else lines.push('Found by the refresh (`resource_drift`): a console edit, an autoscaling or rotation side effect, a manual fix. Bring it into the code, or let the next apply put it back.', '', ...table(outside, limit, true), '');
  const c = plan.counts;
  lines.push(`### Changes the code would make (${c.add} to add, ${c.change} to change, ${c.destroy} to destroy)`, '');
  if (plan.changes.length === 0) lines.push('None: the code matches the state (after the refresh).', '');
  else lines.push('A merged change not applied yet, or the code putting drifted resources back:', '', ...table(plan.changes, limit, false), '');
  lines.push('<sub>Updated by every scheduled drift check while the plan is not empty, and closed by the first check that finds none. Values are never shown here.</sub>');
  return lines.join('\n');
}

export const command = defineCommand({
  name: 'drift:summary',
  summary: "The drift report of one stack from its refresh plan (terraform show -json): what changed outside Terraform, and what the code would change; written as <out>/<stack>.json.",
  positionals: [{ name: 'stack', description: 'the stack the plan is of', choices: STACK_NAMES }],
  options: {
    plan: { type: 'string', value: '<file>', description: 'the show -json of the plan (default cdktf.out/stacks/<stack>/tfplan.json)' },
    out: { type: 'string', value: '<dir>', description: 'the report folder (default drift-report)' },
  },
});

export function cli(argv: readonly string[]): Promise<number> {
  return execute(command, argv, ({ args, values }) => summarize(args.stack as string, values.plan, values.out));
}

function summarize(stack: string, plan: string | undefined, outDir: string | undefined): number {
  const planFile = plan ?? path.join(PROJECT_ROOT, 'cdktf.out', 'stacks', stack, 'tfplan.json');
  const report = existsSync(planFile)
    ? summarizeDrift(stack, JSON.parse(readFileSync(planFile, 'utf8')) as ShowJsonPlanWithDrift)
    : failedDrift(stack, `no plan of ${stack} to read (the plan failed or did not run): see the job log`);
  const out = outDir ?? 'drift-report';
  mkdirSync(out, { recursive: true });
  writeFileSync(path.join(out, `${stack}.json`), `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`${stack}: ${report.status}${report.message ? ` - ${report.message}` : ''} (${report.outside.length} changed outside Terraform, ${report.plan.changes.length} changes the code would make)\n`);
  process.stdout.write(`wrote ${path.join(out, `${stack}.json`)}\n`);
  return 0;
}
