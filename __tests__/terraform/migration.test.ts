/**
 * Adopting the running legacy platform: each environment stack planned with
 * `-refresh=false` against the legacy state (fixtures/legacy-state) and against its
 * drifted variant (migration-plans.ts) must succeed, move every legacy instance, destroy
 * nothing, replace nothing but task definitions, leave AWS's minor engine upgrade and the
 * autoscaled task count alone, and change in place exactly what docs/migration.md lists.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { renderReport } from '../../scripts/migrate-check';
import { DRIFTED_BACKEND_COUNT, DRIFTED_ENGINE_VERSION, LEGACY_ENVIRONMENTS, loadMigration, MIGRATION_VARIANTS, PREMOVED_MODULE } from './migration-plans';
import { type EnvironmentStack, loadPlan, loadSynthesized } from './plans';

const REFERENCE = JSON.parse(readFileSync(path.resolve(__dirname, '..', 'fixtures', 'legacy-platform', 'addresses.json'), 'utf8')) as {
  instances: Record<EnvironmentStack, string[]>;
};
/** The one legacy resource declared in the root module: its address does not change. */
const UNMOVED = ['aws_secretsmanager_secret.app_secrets'];
const RUNBOOK = readFileSync(path.resolve(__dirname, '..', '..', 'docs', 'migration.md'), 'utf8');

/** The runbook's table of in-place changes: `<env>: <address> (<attributes>)` for each environment a row names. */
function runbookInPlaceChanges(env: EnvironmentStack): string[] {
  const section = RUNBOOK.split(/^## /m).find((s) => s.startsWith('What the first apply changes in place'));
  if (!section) throw new Error('docs/migration.md has no section "What the first apply changes in place"');
  return section
    .split('\n')
    .filter((line) => /^\| [a-z, ]+ \| `aws_/.test(line))
    .map((line) => line.split('|').map((cell) => cell.trim()))
    .filter(([, envs]) => envs.split(', ').includes(env))
    .map(([, , address, attributes]) => `${address.replace(/`/g, '')} (${attributes.replace(/`/g, '')})`)
    .sort();
}

describe.each(LEGACY_ENVIRONMENTS)('migrating %s from the legacy state', (env) => {
  describe.each(MIGRATION_VARIANTS)('%s state', (variant) => {
    const result = () => loadMigration(env, variant);
    const rows = () => result().report.rows;
    const row = (address: string) => {
      const found = rows().find((r) => r.address === address);
      if (!found) throw new Error(`the ${env} migration plan has no ${address}`);
      return found;
    };

    it('plans, destroys nothing and replaces only the task definitions', () => {
      const { report } = result();
      expect(report.counts.destroyed).toBe(0);
      const replaced = rows().filter((r) => r.action === 'replaced');
      expect(replaced.map((r) => r.address.split('.')[0])).toEqual(replaced.map(() => 'aws_ecs_task_definition'));
      // The backend's container definitions read the password from the RDS-managed secret now.
      expect(row('aws_ecs_task_definition.ecs_backend').attributes).toContain('container_definitions');
      expect(report.ok).toBe(true);
      expect(report.offending).toEqual([]);
    });

    it('moves every legacy instance of the reference exactly once; the root secret keeps its address', () => {
      const premoved = variant === 'drifted' ? REFERENCE.instances[env].filter((a) => a.startsWith(`${PREMOVED_MODULE}.`)) : [];
      const moved = rows().flatMap((r) => (r.movedFrom ? [r.movedFrom] : []));
      expect(moved.sort()).toEqual(REFERENCE.instances[env].filter((a) => !UNMOVED.includes(a) && !premoved.includes(a)).sort());
      expect(row(UNMOVED[0]).action).toBe('unchanged');
      if (variant === 'drifted') {
        // Resources already at their new address (moved by hand) and the drift change nothing else:
        // the plan is the legacy one, row for row, without those moves.
        expect(premoved.length).toBeGreaterThan(20);
        const withoutPremoved = loadMigration(env, 'legacy').report.rows.map(({ movedFrom, ...r }) =>
          movedFrom && !premoved.includes(movedFrom) ? { ...r, movedFrom } : r,
        );
        expect(rows()).toEqual(withoutPremoved);
      }
      // Nothing legacy is created anew: every created resource is one the legacy platform did not have.
      const created = rows().filter((r) => r.action === 'created').map((r) => r.address);
      const legacyTargets = new Set(rows().filter((r) => r.movedFrom).map((r) => r.address));
      expect(created.filter((a) => legacyTargets.has(a))).toEqual([]);
    });

    it('keeps the engine version AWS applied: no engine_version sent to RDS', () => {
      const db = result().resourceChanges.find((rc) => rc.address === 'aws_db_instance.rds_main');
      expect(db?.change.actions).toEqual(['update']);
      expect(row('aws_db_instance.rds_main').attributes).not.toContain('engine_version');
      expect(db?.change.after?.engine_version).toBe(variant === 'drifted' ? DRIFTED_ENGINE_VERSION : '17.2');
      // The switch to an RDS-managed master password happens in this same plan.
      expect(row('aws_db_instance.rds_main').attributes).toEqual(expect.arrayContaining(['manage_master_user_password', 'password']));
    });

    it('plans the switch to the RDS-managed password in one apply: the secret ARN is known after apply', () => {
      const secretArn = result().resourceChanges.find((rc) => rc.address === 'terraform_data.rds_master_user_secret');
      expect(secretArn?.change.actions).toEqual(['create']);
      expect(secretArn?.change.after_unknown?.output).toBe(true);
      for (const address of ['aws_ecs_task_definition.ecs_backend', 'aws_iam_role_policy.iam_ecs_task_execution_secrets']) {
        const rc = result().resourceChanges.find((r) => r.address === address);
        expect(rc?.change.after_unknown).toEqual(expect.objectContaining({ [address.startsWith('aws_ecs') ? 'container_definitions' : 'policy']: true }));
      }
    });

    it("validates the state machine definition against the offline stand-in and leaves the input state file as it was", () => {
      expect(result().sfnValidations).toBe(1);
      expect(result().inputUnchanged).toBe(true);
    });

    it('never shows a secret: the report names attributes, not values', () => {
      const text = renderReport(result().report) + JSON.stringify(result().report);
      expect(text).not.toMatch(/CHANGE_ME/);
    });

    it('changes in place exactly what the runbook lists, for the reasons it gives', () => {
      const updated = rows()
        .filter((r) => r.action === 'updated')
        .map((r) => `${r.address} (${r.attributes.join(', ')})`)
        .sort();
      expect(updated).toEqual(runbookInPlaceChanges(env));
    });
  });

  it('the moved blocks are harmless on an empty state: the plan from scratch moves nothing', () => {
    const plan = loadPlan(env).plan.resource_changes as { address: string; previous_address?: string }[];
    expect(plan.filter((rc) => rc.previous_address)).toEqual([]);
    expect(JSON.parse(loadSynthesized(env)).moved).toHaveLength(REFERENCE.instances[env].length - UNMOVED.length);
  });

  if (env === 'production') {
    it('keeps the backend task count autoscaling set', () => {
      const service = loadMigration(env, 'drifted').resourceChanges.find((rc) => rc.address === 'aws_ecs_service.ecs_backend');
      expect(service?.change.after?.desired_count).toBe(DRIFTED_BACKEND_COUNT);
      expect(loadMigration(env, 'drifted').report.rows.find((r) => r.address === 'aws_ecs_service.ecs_backend')?.attributes).toEqual(['task_definition']);
    });
  }
});
