/**
 * `npm run migrate:check -- <env> --state <file> [--all] [--json]`: what the first plan of this
 * project against a deployed environment's state (usually the legacy platform's, from
 * `terraform state pull`) would do, before anyone runs it for real.
 *
 * It synthesizes the stack, plans it offline (the `plan:offline` machinery: provider
 * mirror, dummy credentials, local backend, plus a local stand-in for the one Step Functions
 * call the provider makes during plan) against a copy of the state with `-refresh=false`,
 * and reports every resource instance as unchanged, updated in place (with the changed
 * attributes), replaced (with the attributes that force it), created or destroyed, and whether it
 * moves from a legacy address. Exit 0 only
 * when nothing is destroyed and nothing but task definitions is replaced. The state file is
 * only read.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { MovedBlock } from '../lib/addresses';
import { defineCommand, ENVIRONMENT_NAMES, execute, type Io, STDIO } from './cli';
import { plural, terminalWidth, wrap } from '../lib/terminal';
import { runOfflinePlan } from '../tooling/terraform/offline-plan';
import { classify } from './plan-summary';
import { withSfnStandIn } from '../tooling/terraform/sfn-stand-in';
import { buildConfiguredApp } from '../environments/load';

/** Resource types a migration plan may replace: a new task-definition revision is harmless. */
export const REPLACEABLE_TYPES: readonly string[] = ['aws_ecs_task_definition'];

/** A bad input of the check: printed as its one-line message, never with a stack trace. */
export class MigrationInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MigrationInputError';
  }
}

interface StateInstance {
  readonly index_key?: string | number;
  readonly attributes?: Record<string, unknown>;
}

interface StateResource {
  readonly mode: string;
  readonly type: string;
  readonly name: string;
  readonly module?: string;
  readonly instances: readonly StateInstance[];
}

/** The parts of a Terraform state (format 4) the check reads. */
export interface TerraformState {
  readonly version: number;
  readonly terraform_version?: string;
  readonly resources: readonly StateResource[];
}

/** Reads and parses a state file; a missing, unreadable or malformed file is a MigrationInputError. */
export function readState(file: string): TerraformState {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
    throw new MigrationInputError(`cannot read the state file ${file}: ${why}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new MigrationInputError(`${file} is not a Terraform state: it is not JSON (get one with 'terraform state pull > ${path.basename(file)}')`);
  }
  const state = data as Partial<TerraformState> | null;
  if (typeof state !== 'object' || state === null || Array.isArray(state) || typeof state.version !== 'number' || !Array.isArray(state.resources)) {
    throw new MigrationInputError(`${file} is not a Terraform state: it has no "version" number and "resources" list (get one with 'terraform state pull')`);
  }
  if (state.version !== 4) {
    throw new MigrationInputError(`${file} is a Terraform state of format version ${state.version}; only version 4 (Terraform 0.12 and later) is supported`);
  }
  return state as TerraformState;
}

/** Every resource instance address of a state, e.g. `module.vpc.aws_subnet.public[0]`. */
export function stateAddresses(state: TerraformState): string[] {
  return state.resources
    .filter((r) => r.mode === 'managed')
    .flatMap((r) =>
      r.instances.map((i) => {
        const key = i.index_key === undefined ? '' : typeof i.index_key === 'number' ? `[${i.index_key}]` : `["${i.index_key}"]`;
        return `${r.module ? `${r.module}.` : ''}${r.type}.${r.name}${key}`;
      }),
    );
}

/** The environment a state belongs to, by the `Environment` tag most of its resources carry. */
export function environmentOfState(state: TerraformState): { name: string; tagged: number; total: number } | undefined {
  const counts = new Map<string, number>();
  let total = 0;
  for (const r of state.resources.filter((x) => x.mode === 'managed')) {
    for (const i of r.instances) {
      total += 1;
      const tags = (i.attributes?.tags_all ?? i.attributes?.tags) as Record<string, unknown> | null | undefined;
      const env = tags?.Environment;
      if (typeof env === 'string') counts.set(env, (counts.get(env) ?? 0) + 1);
    }
  }
  const [best] = [...counts.entries()].sort((a, b) => b[1] - a[1]);
  return best ? { name: best[0], tagged: best[1], total } : undefined;
}

/** The addresses a synthesized stack knows: its `moved` sources (legacy) and its own resources. */
export interface StackAddresses {
  readonly legacy: ReadonlySet<string>;
  readonly current: ReadonlySet<string>;
}

export function stackAddresses(stackJson: { resource?: Record<string, Record<string, unknown>>; moved?: MovedBlock[] }): StackAddresses {
  const current = Object.entries(stackJson.resource ?? {}).flatMap(([type, byId]) => Object.keys(byId).map((id) => `${type}.${id}`));
  return { legacy: new Set((stackJson.moved ?? []).map((m) => m.from)), current: new Set(current) };
}

/** Refuses a state of another environment, or one that has nothing to do with this stack. */
export function checkStateFits(environment: string, state: TerraformState, file: string, addresses: StackAddresses): void {
  const owner = environmentOfState(state);
  if (owner && owner.name !== environment) {
    throw new MigrationInputError(
      `${file} looks like the state of the ${owner.name} environment (Environment tag "${owner.name}" on ${owner.tagged} of ${owner.total} resources), not ${environment}; pass the ${environment} state or run the check for ${owner.name}`,
    );
  }
  const all = stateAddresses(state);
  const known = all.filter((a) => addresses.legacy.has(a) || addresses.current.has(a));
  if (known.length === 0) {
    throw new MigrationInputError(
      all.length === 0
        ? `${file} holds no resources: there is nothing to migrate (an empty state needs no check; plan the stack as usual)`
        : `none of the ${all.length} resources in ${file} has a legacy (module.vpc.…) or a ${environment} address of this project (first: ${all[0]}); is it the state of another project?`,
    );
  }
}

/** What the plan does to one resource instance. */
export type MigrationAction = 'unchanged' | 'updated' | 'replaced' | 'created' | 'destroyed' | 'forgotten';

export interface MigrationRow {
  readonly address: string;
  /** The legacy address it is moved from, if it is moved. */
  readonly movedFrom?: string;
  readonly action: MigrationAction;
  /** Updated: the changed attributes; replaced: the attributes that force the replacement. */
  readonly attributes: string[];
}

export interface MigrationReport {
  readonly environment: string;
  readonly state: string;
  readonly rows: MigrationRow[];
  /** Each resource instance counted once, by action: they add up to `total`. */
  readonly counts: Record<'total' | MigrationAction, number>;
  /** How many of the instances move from another (legacy) address: a property, not an action. */
  readonly moved: number;
  /** Resources that make the check fail: destroyed, or replaced although not a task definition. */
  readonly offending: string[];
  readonly ok: boolean;
}

export interface PlannedChange {
  readonly address: string;
  readonly previous_address?: string;
  readonly type: string;
  readonly mode?: string;
  readonly change: {
    readonly actions: string[];
    readonly before?: Record<string, unknown> | null;
    readonly after?: Record<string, unknown> | null;
    readonly after_unknown?: Record<string, unknown>;
    readonly replace_paths?: unknown[][];
  };
}

function containsTrue(value: unknown): boolean {
  if (value === true) return true;
  if (Array.isArray(value)) return value.some(containsTrue);
  if (typeof value === 'object' && value !== null) return Object.values(value).some(containsTrue);
  return false;
}

/** Top-level attributes whose value changes or becomes unknown (names only: values may be secret). */
export function changedAttributes(change: PlannedChange['change']): string[] {
  const before = change.before ?? {};
  const after = change.after ?? {};
  const unknown = change.after_unknown ?? {};
  const keys = new Set([...Object.keys(before), ...Object.keys(after), ...Object.keys(unknown)]);
  return [...keys].filter((k) => containsTrue(unknown[k]) || JSON.stringify(before[k] ?? null) !== JSON.stringify(after[k] ?? null)).sort();
}

const MIGRATION_ACTION: Partial<Record<ReturnType<typeof classify>, MigrationAction>> = {
  replace: 'replaced',
  delete: 'destroyed',
  create: 'created',
  update: 'updated',
  // A `removed` block with `destroy = false`: dropped from the state, left as it is in AWS.
  forget: 'forgotten',
};

function actionOf(actions: readonly string[]): MigrationAction {
  return MIGRATION_ACTION[classify(actions)] ?? 'unchanged';
}

/** The report of a plan (`terraform show -json`) against the state `file`. */
export function migrationReport(environment: string, file: string, plan: { resource_changes?: PlannedChange[] }): MigrationReport {
  const rows: MigrationRow[] = (plan.resource_changes ?? [])
    .filter((rc) => (rc.mode ?? 'managed') === 'managed')
    .map((rc) => {
      const action = actionOf(rc.change.actions);
      const attributes =
        action === 'updated'
          ? changedAttributes(rc.change)
          : action === 'replaced'
            ? [...new Set((rc.change.replace_paths ?? []).map((p) => String(p[0])))].sort()
            : [];
      return { address: rc.address, ...(rc.previous_address ? { movedFrom: rc.previous_address } : {}), action, attributes };
    })
    .sort((a, b) => a.address.localeCompare(b.address));
  const count = (a: MigrationAction) => rows.filter((r) => r.action === a).length;
  const offending = rows
    .filter((r) => r.action === 'destroyed' || (r.action === 'replaced' && !REPLACEABLE_TYPES.includes(r.address.split('.')[0])))
    .map((r) => `${r.address} would be ${r.action}${r.attributes.length ? ` (forced by ${r.attributes.join(', ')})` : ''}`);
  return {
    environment,
    state: file,
    rows,
    counts: {
      total: rows.length,
      unchanged: count('unchanged'),
      updated: count('updated'),
      replaced: count('replaced'),
      created: count('created'),
      destroyed: count('destroyed'),
      forgotten: count('forgotten'),
    },
    moved: rows.filter((r) => r.movedFrom).length,
    offending,
    ok: offending.length === 0,
  };
}

/** The groups of the report, in the order an operator reads them: what is lost or rebuilt first. */
const GROUPS: readonly { action: MigrationAction; title: string; attributes?: string; note?: string }[] = [
  { action: 'destroyed', title: 'Destroyed' },
  { action: 'replaced', title: 'Replaced', attributes: 'forced by' },
  { action: 'updated', title: 'Updated in place', attributes: 'changes' },
  { action: 'created', title: 'Created' },
  { action: 'forgotten', title: 'Forgotten', note: 'removed blocks: left in AWS, dropped from the state; docs/migration.md says when to delete them' },
];

function rowLines(row: MigrationRow, width: number, attributes?: string): string[] {
  const lines = wrap(`${row.address}${row.movedFrom ? ` (moved from ${row.movedFrom})` : ''}`, width - 2, '    ').map((l) => `  ${l}`);
  if (attributes && row.attributes.length > 0) lines.push(...wrap(`${attributes} ${row.attributes.join(', ')}`, width - 6, '  ').map((l) => `      ${l}`));
  return lines;
}

/**
 * The report as an operator reads it, fitted to `width` columns: the verdict and one counts line
 * that adds up, then what would be lost, then the replaced, updated (with the attributes) and
 * created instances; the unchanged ones are counted, and listed with `all`.
 */
export function renderReport(report: MigrationReport, options: { all?: boolean; width?: number } = {}): string {
  const width = options.width ?? terminalWidth();
  const c = report.counts;
  const verdict = report.ok
    ? `OK: migrating ${report.environment} destroys nothing and replaces only task definitions.`
    : `FAILED: migrating ${report.environment} would lose ${plural(report.offending.length, 'resource')}.`;
  const lines = [
    ...wrap(verdict, width, '  '),
    ...wrap(
      `${plural(c.total, 'resource instance')}: ${c.replaced} replaced, ${c.updated} updated, ${c.created} created, ${c.unchanged} unchanged, ${c.destroyed} destroyed${c.forgotten > 0 ? `, ${c.forgotten} forgotten` : ''}; ${report.moved} of them moved.`,
      width,
      '  ',
    ),
    ...wrap(`Planned against ${report.state} (terraform plan -refresh=false, offline).`, width, '  '),
  ];
  if (!report.ok) lines.push('', 'Would be lost:', ...report.offending.flatMap((o) => wrap(o, width - 2, '    ').map((l) => `  ${l}`)));
  for (const group of GROUPS) {
    const rows = report.rows.filter((r) => r.action === group.action);
    if (rows.length === 0) continue;
    lines.push('', `${group.title} (${rows.length}):`, ...(group.note ? wrap(`(${group.note})`, width - 2, ' ').map((l) => `  ${l}`) : []));
    lines.push(...rows.flatMap((r) => rowLines(r, width, group.attributes)));
  }
  const unchanged = report.rows.filter((r) => r.action === 'unchanged');
  const movedUnchanged = unchanged.filter((r) => r.movedFrom).length;
  if (unchanged.length > 0 && options.all) {
    lines.push('', `Unchanged (${unchanged.length}, ${movedUnchanged} of them moved):`, ...unchanged.flatMap((r) => rowLines(r, width)));
  } else if (unchanged.length > 0) {
    const what = movedUnchanged === unchanged.length ? `${unchanged.length} moved and unchanged` : `${unchanged.length} unchanged, ${movedUnchanged} of them moved`;
    lines.push('', `${what} (--all lists them).`);
  }
  return lines.join('\n');
}

export interface MigrationCheckOptions {
  readonly environment: string;
  /** The state file to plan against (only read). */
  readonly stateFile: string;
  /** The synthesized stack folder (with cdk.tf.json). */
  readonly stackDir: string;
  /** Working copy for the plan (removed and recreated). */
  readonly workDir: string;
}

export interface MigrationCheck {
  readonly report: MigrationReport;
  /** The plan's resource changes (`terraform show -json`), for a closer look. */
  readonly resourceChanges: PlannedChange[];
  /** State machine definitions the provider had the Step Functions stand-in validate during the plan. */
  readonly sfnValidations: number;
}

/** Checks the state file, then plans the stack against a copy of it and reports. */
export async function checkMigration(options: MigrationCheckOptions): Promise<MigrationCheck> {
  const state = readState(options.stateFile);
  const stackJson = JSON.parse(readFileSync(path.join(options.stackDir, 'cdk.tf.json'), 'utf8')) as Parameters<typeof stackAddresses>[0];
  checkStateFits(options.environment, state, options.stateFile, stackAddresses(stackJson));
  return withSfnStandIn(async (sfn) => {
    const result = await runOfflinePlan(options.stackDir, { workDir: options.workDir, state: options.stateFile, endpoints: { sfn: sfn.url }, validate: false });
    const plan = result.plan as { resource_changes?: PlannedChange[] };
    return { report: migrationReport(options.environment, options.stateFile, plan), resourceChanges: plan.resource_changes ?? [], sfnValidations: sfn.validated.length };
  });
}

export const command = defineCommand({
  name: 'migrate:check',
  summary:
    'Plan an environment against a pulled (legacy) state, offline, and say what the first real plan would do: the verdict and counts first, then what is replaced, updated (with the attributes) and created. Exit 1 when anything would be lost. Runbook: docs/migration.md.',
  positionals: [{ name: 'environment', description: 'the environment whose stack to plan', choices: ENVIRONMENT_NAMES }],
  options: {
    state: { type: 'string', value: '<file>', required: true, description: "the state to plan against (from 'terraform state pull'); only read" },
    all: { type: 'boolean', description: 'also list the unchanged resource instances' },
    json: { type: 'boolean', description: 'the complete report as JSON' },
  },
});

/** `npm run migrate:check`: returns the exit code. */
async function cli(argv: readonly string[], io: Io = STDIO): Promise<number> {
  return execute(
    command,
    argv,
    async ({ args, values }) => {
      const environment = args.environment as string;
      const stateFile = values.state as string;
      // Fail on a bad file before the synth and the plan.
      readState(stateFile);
      const dir = mkdtempSync(path.join(os.tmpdir(), 'omc-migrate-check-'));
      try {
        buildConfiguredApp({ outdir: path.join(dir, 'out') }).synth();
        const { report } = await checkMigration({
          environment,
          stateFile: path.resolve(stateFile),
          stackDir: path.join(dir, 'out', 'stacks', environment),
          workDir: path.join(dir, 'work'),
        });
        io.out(`${values.json ? JSON.stringify(report, null, 2) : renderReport(report, { all: values.all })}\n`);
        return report.ok ? 0 : 1;
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    io,
  );
}

export { cli, cli as migrateCheckCli };
