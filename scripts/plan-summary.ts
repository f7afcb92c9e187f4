/**
 * Turns `terraform show -json` of a plan into a summary that holds no values (addresses,
 * types and actions only), and renders the summaries of several stacks as the one
 * pull-request comment. A plan that destroys or replaces a database, cache or state
 * resource of a production stack is called out in bold at the top of the comment.
 *
 *   npm run plan:comment -- <summary-dir> [--out comment.md] [--expect staging,production]
 *                           [--commit <sha>] [--production production]
 *
 * reads `<summary-dir>/<stack>.json` (written by `npm run plan:stack`) and, when present and
 * non-empty, `<summary-dir>/<stack>.cost.md` (the output of `npm run cost -- <stack> --plan ... --markdown`).
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { changeDiagramMarkdown, changeGraph, type ChangeGraph, type PlanConfiguration } from '../tooling/diagram/changes';
import { defineCommand, execute } from './cli';
import { plural } from '../lib/terminal';

/** The hidden marker by which the comment is found and updated instead of posted again. */
export const PLAN_COMMENT_MARKER = '<!-- ohmycoins:terraform-plan-summary -->';

/** What losing one of these means; destroying or replacing one in production is called out. */
export type CriticalCategory = 'database' | 'cache' | 'state or data store' | 'secret' | 'encryption key';

/** Resource types whose destruction loses data, state or secrets. */
export const CRITICAL_RESOURCE_TYPES: Readonly<Record<string, CriticalCategory>> = {
  aws_db_instance: 'database',
  aws_rds_cluster: 'database',
  aws_rds_cluster_instance: 'database',
  aws_rds_global_cluster: 'database',
  aws_docdb_cluster: 'database',
  aws_neptune_cluster: 'database',
  aws_redshift_cluster: 'database',
  aws_elasticache_replication_group: 'cache',
  aws_elasticache_cluster: 'cache',
  aws_elasticache_serverless_cache: 'cache',
  aws_memorydb_cluster: 'cache',
  aws_s3_bucket: 'state or data store',
  aws_dynamodb_table: 'state or data store',
  aws_efs_file_system: 'state or data store',
  aws_ebs_volume: 'state or data store',
  aws_backup_vault: 'state or data store',
  aws_secretsmanager_secret: 'secret',
  aws_kms_key: 'encryption key',
};

/** One planned change, as a reviewer reads it. */
export type ChangeAction = 'create' | 'update' | 'delete' | 'replace' | 'forget' | 'import' | 'move';

export interface ResourceChangeSummary {
  readonly address: string;
  readonly type: string;
  readonly action: ChangeAction;
  /** Terraform's reason for a replacement or deletion, e.g. `replace_because_cannot_update`. */
  readonly reason?: string;
  /** The address it is moved from (a `moved` block or refactoring). */
  readonly movedFrom?: string;
}

export interface CriticalChange {
  readonly address: string;
  readonly type: string;
  readonly category: CriticalCategory;
  readonly action: 'delete' | 'replace';
}

export type PlanStatus = 'changes' | 'no-changes' | 'failed' | 'skipped';

/** A stack's plan without any value: safe to upload and to post. */
export interface StackPlanSummary {
  readonly stack: string;
  readonly status: PlanStatus;
  /** Why the plan failed or was skipped; never contains values. */
  readonly message?: string;
  /** Counted like Terraform's own "Plan:" line: a replacement is one add and one destroy. */
  readonly counts: { readonly add: number; readonly change: number; readonly destroy: number; readonly replace: number; readonly import: number; readonly move: number; readonly forget: number };
  readonly changes: readonly ResourceChangeSummary[];
  readonly critical: readonly CriticalChange[];
  /** The changed resources and their direct neighbours (addresses only), for the change diagram. */
  readonly graph?: ChangeGraph;
  /** Variables planned with a stand-in instead of their secret (apply-only secrets; see docs/ci.md). */
  readonly standIns?: readonly string[];
}

/** The parts of `terraform show -json <plan>` this module reads. */
export interface ShowJsonPlan {
  readonly resource_changes?: readonly {
    readonly address: string;
    readonly type: string;
    readonly mode?: string;
    readonly previous_address?: string;
    readonly action_reason?: string;
    readonly change: { readonly actions: readonly string[]; readonly importing?: unknown };
  }[];
  readonly configuration?: PlanConfiguration;
}

/** What Terraform's action list of one resource change amounts to. */
export function classify(actions: readonly string[]): ChangeAction | 'no-op' | 'read' {
  const key = actions.join(',');
  switch (key) {
    case 'create':
    case 'update':
    case 'delete':
    case 'forget':
    case 'read':
      return key;
    case 'delete,create':
    case 'create,delete':
      return 'replace';
    default:
      return 'no-op';
  }
}

const EMPTY_COUNTS = { add: 0, change: 0, destroy: 0, replace: 0, import: 0, move: 0, forget: 0 };

/** A summary for a stack whose plan did not run or failed; `message` must hold no values. */
export function failedSummary(stack: string, status: 'failed' | 'skipped', message: string): StackPlanSummary {
  return { stack, status, message, counts: { ...EMPTY_COUNTS }, changes: [], critical: [] };
}

/** Summarizes a plan: each managed resource that changes, the counts, and the critical changes. */
export function summarizePlan(stack: string, plan: ShowJsonPlan): StackPlanSummary {
  const counts = { ...EMPTY_COUNTS };
  const changes: ResourceChangeSummary[] = [];
  for (const rc of plan.resource_changes ?? []) {
    if (rc.mode !== undefined && rc.mode !== 'managed') continue;
    const kind = classify(rc.change.actions);
    const movedFrom = rc.previous_address !== undefined && rc.previous_address !== rc.address ? rc.previous_address : undefined;
    const importing = rc.change.importing !== undefined && rc.change.importing !== null;
    if (importing) counts.import += 1;
    if (movedFrom) counts.move += 1;
    if (kind === 'read') continue;
    if (kind === 'no-op') {
      if (importing || movedFrom) changes.push({ address: rc.address, type: rc.type, action: importing ? 'import' : 'move', movedFrom });
      continue;
    }
    if (kind === 'create' || kind === 'replace') counts.add += 1;
    if (kind === 'delete' || kind === 'replace') counts.destroy += 1;
    if (kind === 'update') counts.change += 1;
    if (kind === 'replace') counts.replace += 1;
    if (kind === 'forget') counts.forget += 1;
    changes.push({ address: rc.address, type: rc.type, action: kind, reason: rc.action_reason, movedFrom });
  }
  const critical = changes.flatMap((c): CriticalChange[] => {
    const category = CRITICAL_RESOURCE_TYPES[c.type];
    return category && (c.action === 'delete' || c.action === 'replace') ? [{ address: c.address, type: c.type, category, action: c.action }] : [];
  });
  const graph = changes.length > 0 ? { graph: changeGraph(changes, plan.configuration) } : {};
  return { stack, status: changes.length > 0 ? 'changes' : 'no-changes', counts, changes, critical, ...graph };
}

export interface RenderOptions {
  /** Stacks whose critical changes are called out in bold at the top. @default ['production'] */
  readonly productionStacks?: readonly string[];
  /** Stacks expected; one without a summary is reported as "no result". @default the summaries' stacks */
  readonly expected?: readonly string[];
  /** Markdown per stack from the cost estimate, appended under the stack. @default {} */
  readonly costs?: Readonly<Record<string, string>>;
  /** Commit the plans were made for. */
  readonly commit?: string;
  /** Link to the workflow run. */
  readonly runUrl?: string;
  /** Most resource lines listed per stack. @default 60 */
  readonly maxChangesPerStack?: number;
  /** The change diagram per stack (dropped when the comment would be too long). @default true */
  readonly diagrams?: boolean;
}

/** GitHub refuses comments longer than 65536 characters. */
export const MAX_COMMENT_LENGTH = 65_000;

/** How each action reads in the comment's change tables (also the drift issue's). */
export const ACTION_LABEL: Readonly<Record<ChangeAction, string>> = {
  create: '+ create',
  update: '~ update',
  delete: '- destroy',
  replace: '-/+ replace',
  forget: 'forget (removed from state, not destroyed)',
  import: 'import',
  move: 'move',
};

/** "DESTROYED" or "REPLACED (…)": how a critical change is called out. */
export function verb(action: CriticalChange['action']): string {
  return action === 'delete' ? 'DESTROYED' : 'REPLACED (destroyed and created again)';
}

function resultLabel(s: StackPlanSummary): string {
  switch (s.status) {
    case 'changes':
      return 'changes';
    case 'no-changes':
      return 'no changes';
    case 'failed':
      return '❌ plan failed';
    default:
      return 'skipped';
  }
}

/** Renders the pull-request comment (Markdown, beginning with the hidden marker). */
export function renderPlanComment(summaries: readonly StackPlanSummary[], options: RenderOptions = {}): string {
  const production = new Set(options.productionStacks ?? ['production']);
  const expected = options.expected ?? summaries.map((s) => s.stack);
  const byStack = new Map(summaries.map((s) => [s.stack, s]));
  const ordered = [
    ...expected.map((stack) => byStack.get(stack) ?? failedSummary(stack, 'failed', 'no plan result: the plan job stopped before planning (see the workflow run)')),
    ...summaries.filter((s) => !expected.includes(s.stack)),
  ];
  const limit = options.maxChangesPerStack ?? 60;
  const lines: string[] = [PLAN_COMMENT_MARKER, '## Terraform plan', ''];

  const alarms = ordered.flatMap((s) => (production.has(s.stack) ? s.critical.map((c) => ({ stack: s.stack, c })) : []));
  if (alarms.length > 0) {
    lines.push('> [!CAUTION]');
    for (const { stack, c } of alarms) {
      lines.push(`> **${stack}: ${c.category} \`${c.address}\` would be ${verb(c.action)}.**  `);
    }
    lines.push('> **Check that this is intended (data loss); a replacement is usually caused by a changed attribute that forces a new resource.**', '');
  }
  for (const s of ordered.filter((x) => x.status === 'failed')) lines.push(`❌ **${s.stack}**: ${s.message ?? 'the plan failed'}`, '');

  lines.push('| stack | result | to add | to change | to destroy | of which replaced |', '|---|---|--:|--:|--:|--:|');
  for (const s of ordered) {
    const c = s.counts;
    const known = s.status === 'changes' || s.status === 'no-changes';
    lines.push(`| ${s.stack} | ${resultLabel(s)} | ${known ? c.add : '–'} | ${known ? c.change : '–'} | ${known ? c.destroy : '–'} | ${known ? c.replace : '–'} |`);
  }
  lines.push('');

  for (const s of ordered) {
    const section: string[] = [];
    if (s.status === 'skipped' && s.message) section.push(s.message);
    if (s.standIns?.length) section.push(`Planned with stand-in values for ${s.standIns.map((v) => `\`${v}\``).join(', ')} (secrets used only at apply): resources that use them may show as updated.`);
    if (!production.has(s.stack)) {
      for (const c of s.critical) section.push(`⚠️ ${c.category} \`${c.address}\` would be ${verb(c.action).toLowerCase()}.`);
    }
    const extras = [s.counts.import ? `${s.counts.import} to import` : '', s.counts.move ? `${s.counts.move} moved` : '', s.counts.forget ? `${s.counts.forget} to forget` : '']
      .filter(Boolean)
      .join(', ');
    if (extras) section.push(`Also: ${extras}.`);
    if (s.changes.length > 0) {
      if (section.length > 0) section.push('');
      section.push(`<details><summary>${s.changes.length} resource change${s.changes.length === 1 ? '' : 's'}</summary>`, '', '| action | address |', '|---|---|');
      for (const c of s.changes.slice(0, limit)) {
        const note = [c.movedFrom ? `from \`${c.movedFrom}\`` : '', c.reason ? `(${c.reason})` : ''].filter(Boolean).join(' ');
        section.push(`| ${ACTION_LABEL[c.action]} | \`${c.address}\`${note ? ` ${note}` : ''} |`);
      }
      if (s.changes.length > limit) section.push(`| … | ${s.changes.length - limit} more: see the job log |`);
      section.push('', '</details>');
    }
    if (options.diagrams !== false && s.graph) section.push('', changeDiagramMarkdown(s.graph));
    const cost = options.costs?.[s.stack]?.trim();
    if (cost) section.push('', cost);
    if (section.length > 0) lines.push(`### ${s.stack}`, '', ...section, '');
  }

  const made = [options.commit ? `for commit \`${options.commit.slice(0, 12)}\`` : '', options.runUrl ? `in [this workflow run](${options.runUrl})` : ''].filter(Boolean).join(' ');
  lines.push(`<sub>\`terraform plan\` of the synthesized stacks${made ? ` ${made}` : ''}; this comment is updated on every push. Values are never shown here: read the plan in the job log, where Terraform hides sensitive ones.</sub>`);
  const body = lines.join('\n');
  if (body.length > MAX_COMMENT_LENGTH && options.diagrams !== false) return renderPlanComment(summaries, { ...options, diagrams: false });
  return body.length <= MAX_COMMENT_LENGTH ? body : `${body.slice(0, MAX_COMMENT_LENGTH)}\n\n… (truncated: see the job log)`;
}

/** Reads every `<stack>.json` summary (and `<stack>.cost.md`) of a folder. */
export function readSummaries(dir: string): { summaries: StackPlanSummary[]; costs: Record<string, string> } {
  const summaries: StackPlanSummary[] = [];
  const costs: Record<string, string> = {};
  if (!existsSync(dir)) return { summaries, costs };
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    const summary = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as StackPlanSummary;
    summaries.push(summary);
    const costFile = path.join(dir, `${summary.stack}.cost.md`);
    if (existsSync(costFile)) costs[summary.stack] = readFileSync(costFile, 'utf8');
  }
  return { summaries, costs };
}

export const command = defineCommand({
  name: 'plan:comment',
  summary: 'The pull-request comment (markdown) from the plan summaries plan:stack or plan:diff wrote, with the cost summaries beside them.',
  positionals: [{ name: 'summary-dir', description: 'the folder of <stack>.json summaries (and <stack>.cost.md)' }],
  options: {
    out: { type: 'string', value: '<file>', description: 'write the comment to this file (default: print it)' },
    expect: { type: 'string', value: '<stack,...>', description: 'stacks whose summary must be there (a missing one is reported)' },
    commit: { type: 'string', value: '<sha>', description: 'the commit planned (default $GITHUB_SHA)' },
    production: { type: 'string', value: '<stack,...>', description: 'stacks whose destroyed or replaced stateful resources are flagged most loudly' },
  },
});

export function cli(argv: readonly string[]): Promise<number> {
  return execute(command, argv, ({ args, values }) => writeComment(args['summary-dir'] as string, values));
}

function writeComment(dir: string, values: { out?: string; expect?: string; commit?: string; production?: string }): number {
  const { summaries, costs } = readSummaries(dir);
  const list = (v: string | undefined) => v?.split(',').map((x) => x.trim()).filter(Boolean);
  const env = process.env;
  const runUrl = env.GITHUB_RUN_ID && env.GITHUB_REPOSITORY ? `${env.GITHUB_SERVER_URL ?? 'https://github.com'}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}` : undefined;
  const body = renderPlanComment(summaries, {
    costs,
    expected: list(values.expect),
    productionStacks: list(values.production),
    commit: values.commit ?? env.GITHUB_SHA,
    runUrl,
  });
  const out = values.out;
  if (out) {
    writeFileSync(out, `${body}\n`);
    process.stderr.write(`wrote the plan comment of ${plural(summaries.length, 'stack')} to ${out}\n`);
  } else process.stdout.write(`${body}\n`);
  return 0;
}
