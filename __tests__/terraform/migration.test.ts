/**
 * Adopting the running legacy platform: each environment stack planned with
 * `-refresh=false` against the legacy state (fixtures/legacy-state) and against its
 * drifted variant (migration-plans.ts) must succeed, move every legacy instance, destroy
 * nothing, replace nothing but task definitions, leave AWS's minor engine upgrade and the
 * autoscaled task count alone, and change in place exactly what docs/migration.md lists.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { RETIRED_SECURITY_RULES } from '../../constructs/security';
import { renderReport } from '../../scripts/migrate-check';
import { DRIFTED_BACKEND_COUNT, DRIFTED_ENGINE_VERSION, LEGACY_ENVIRONMENTS, loadMigration, MIGRATION_VARIANTS, PREMOVED_MODULE, SWITCHED_SECRET_ARN } from '../support/terraform/migration-plans';
import { type EnvironmentStack, loadPlan, loadSynthesized } from '../support/terraform/plans';
import { REPO_ROOT } from '../support/paths';

const REFERENCE = JSON.parse(readFileSync(path.resolve(__dirname, '..', 'fixtures', 'legacy-platform', 'addresses.json'), 'utf8')) as {
  instances: Record<EnvironmentStack, string[]>;
};
/** The one legacy resource declared in the root module: its address does not change. */
const UNMOVED = ['aws_secretsmanager_secret.app_secrets'];
/** Legacy rules the stack no longer declares: forgotten by `removed` blocks, never destroyed (constructs/security.ts). */
const RETIRED = RETIRED_SECURITY_RULES.map((name) => `module.security.aws_security_group_rule.${name}`);
const RUNBOOK = readFileSync(path.join(REPO_ROOT, 'docs', 'migration.md'), 'utf8');

/** The attributes of the password switch: absent from the plan once the instance was switched ahead of it. */
const SWITCH_ATTRIBUTES = ['manage_master_user_password', 'password'];

/**
 * The runbook's table of in-place changes: `<env>: <address> (<attributes>)` for each environment a row names;
 * for the `switched` state, without the switch's attributes (a row left with none is dropped).
 */
function runbookInPlaceChanges(env: EnvironmentStack, variant: string): string[] {
  return runbookRows(env)
    .map(([address, attributes]) => [address, variant === 'switched' && address === 'aws_db_instance.rds_main' ? attributes.filter((a) => !SWITCH_ATTRIBUTES.includes(a)) : attributes] as const)
    .filter(([, attributes]) => attributes.length > 0)
    .map(([address, attributes]) => `${address} (${attributes.join(', ')})`)
    .sort();
}

function runbookRows(env: EnvironmentStack): (readonly [string, string[]])[] {
  const section = RUNBOOK.split(/^## /m).find((s) => s.startsWith('What the first apply changes in place'));
  if (!section) throw new Error('docs/migration.md has no section "What the first apply changes in place"');
  return section
    .split('\n')
    .filter((line) => /^\| [a-z, ]+ \| `aws_/.test(line))
    .map((line) => line.split('|').map((cell) => cell.trim()))
    .filter(([, envs]) => envs.split(', ').includes(env))
    .map(([, , address, attributes]) => [address.replace(/`/g, ''), attributes.replace(/`/g, '').split(', ')] as const);
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
      expect(moved.sort()).toEqual(REFERENCE.instances[env].filter((a) => !UNMOVED.includes(a) && !RETIRED.includes(a) && !premoved.includes(a)).sort());
      expect(row(UNMOVED[0]).action).toBe('unchanged');
      // The retired rules stay in AWS (the running tasks may still need them) and leave the state.
      expect(rows().filter((r) => r.action === 'forgotten').map((r) => r.address)).toEqual([...RETIRED].sort());
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
      expect(row('aws_db_instance.rds_main').attributes).not.toContain('engine_version');
      expect(db?.change.after?.engine_version).toBe(variant === 'drifted' ? DRIFTED_ENGINE_VERSION : '17.2');
      if (variant === 'switched') {
        // Switched ahead of the plan: the plan does not touch the password.
        expect(row('aws_db_instance.rds_main').attributes.filter((a) => SWITCH_ATTRIBUTES.includes(a))).toEqual([]);
      } else {
        expect(db?.change.actions).toEqual(['update']);
        // The switch to an RDS-managed master password happens in this same plan.
        expect(row('aws_db_instance.rds_main').attributes).toEqual(expect.arrayContaining(SWITCH_ATTRIBUTES));
      }
    });

    const readers = ['aws_ecs_task_definition.ecs_backend', 'aws_iam_role_policy.iam_ecs_task_execution_secrets', 'aws_cloudwatch_event_rule.rotation_password_rotated'];
    const attributeOf = (address: string) => (address.startsWith('aws_ecs') ? 'container_definitions' : address.startsWith('aws_iam') ? 'policy' : 'event_pattern');

    if (variant === 'switched') {
      it('with the secret present (switched ahead): the secret ARN is known at plan, so the apply cannot find another', () => {
        const secretArn = result().resourceChanges.find((rc) => rc.address === 'terraform_data.rds_master_user_secret');
        expect(secretArn?.change.after?.input).toEqual({ secret_arns: [SWITCHED_SECRET_ARN] });
        expect(JSON.stringify(secretArn?.change.after_unknown?.input)).not.toContain('true');
        // The readers take it from the terraform_data's output, known once that is created in the same apply.
        const stackJson = JSON.parse(loadSynthesized(env));
        for (const address of readers) {
          const [type, name] = address.split('.');
          expect(JSON.stringify(stackJson.resource[type][name][attributeOf(address)])).toContain('terraform_data.rds_master_user_secret.output.secret_arns');
        }
      });
    } else {
      it('with the secret absent: everything that reads the secret waits behind the postcondition; the planned input is an empty list', () => {
        const secretArn = result().resourceChanges.find((rc) => rc.address === 'terraform_data.rds_master_user_secret');
        expect(secretArn?.change.actions).toEqual(['create']);
        expect(secretArn?.change.after_unknown?.output).toBe(true);
        // Known and empty at plan: if RDS switches at once, the apply finds one ARN where the plan had none, and
        // Terraform stops ("inconsistent final plan") before the readers: why the runbook switches first.
        expect(secretArn?.change.after?.input).toEqual({ secret_arns: [] });
        for (const address of readers) {
          const rc = result().resourceChanges.find((r) => r.address === address);
          expect(rc?.change.after_unknown).toEqual(expect.objectContaining({ [attributeOf(address)]: true }));
        }
        // Each reader depends on the secret's ARN through terraform_data, which depends on the instance; its
        // postcondition stops the apply when RDS deferred the switch: nothing then reads a secret that does not exist,
        // and the backend keeps the password that still works (docs/migration.md, "The master password switch").
        const stackJson = JSON.parse(loadSynthesized(env));
        const [type, name] = readers[0].split('.');
        expect(stackJson.resource[type][name][attributeOf(readers[0])]).toContain('${terraform_data.rds_master_user_secret.output.secret_arns[0]}'.replace('[0]', '.0'));
        expect(JSON.stringify(stackJson.resource.terraform_data.rds_master_user_secret.input)).toContain('aws_db_instance.rds_main.master_user_secret');
        expect(stackJson.resource.terraform_data.rds_master_user_secret.lifecycle.postcondition[0].condition).toBe('${length(self.output.secret_arns) > 0}');
      });
    }

    it("validates the state machine definition against the offline stand-in and leaves the input state file as it was", () => {
      expect(result().sfnValidations).toBe(1);
      expect(result().inputUnchanged).toBe(true);
    });

    it('reads verdict first at 120 columns: counts that add up, then replaced, updated and created, unchanged only counted', () => {
      const { report } = result();
      const text = renderReport(report, { width: 120 });
      const lines = text.split('\n');
      expect(Math.max(...lines.map((l) => [...l].length))).toBeLessThanOrEqual(120);
      expect(lines[0]).toBe(`OK: migrating ${env} destroys nothing and replaces only task definitions.`);
      const { total, ...actions } = report.counts;
      expect(Object.values(actions).reduce((a, b) => a + b, 0)).toBe(total);
      expect(total).toBe(rows().length);
      expect(lines[1]).toBe(
        `${total} resource instances: ${actions.replaced} replaced, ${actions.updated} updated, ${actions.created} created, ${actions.unchanged} unchanged, 0 destroyed, ${actions.forgotten} forgotten; ${report.moved} of them moved.`,
      );
      const headings = lines.filter((l) => /^[A-Z][a-z ]+ \(\d+\):$/.test(l));
      expect(headings).toEqual([`Replaced (${actions.replaced}):`, `Updated in place (${actions.updated}):`, `Created (${actions.created}):`, `Forgotten (${actions.forgotten}):`]);
      expect(actions.forgotten).toBe(RETIRED.length);
      const unchanged = rows().filter((r) => r.action === 'unchanged');
      const listed = (l: string, address: string) => l.trim() === address || l.trim().startsWith(`${address} `);
      expect(unchanged.filter((r) => lines.some((l) => listed(l, r.address)))).toEqual([]);
      expect(lines[lines.length - 1]).toMatch(new RegExp(`^${unchanged.length} (moved and unchanged|unchanged, \\d+ of them moved) \\(--all lists them\\)\\.$`));
      const all = renderReport(report, { all: true, width: 120 });
      expect(unchanged.filter((r) => !all.split('\n').some((l) => listed(l, r.address)))).toEqual([]);
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
      expect(updated).toEqual(runbookInPlaceChanges(env, variant));
    });
  });

  it('the moved blocks are harmless on an empty state: the plan from scratch moves nothing', () => {
    const plan = loadPlan(env).plan.resource_changes as { address: string; previous_address?: string }[];
    expect(plan.filter((rc) => rc.previous_address)).toEqual([]);
    expect(JSON.parse(loadSynthesized(env)).moved).toHaveLength(REFERENCE.instances[env].length - UNMOVED.length - RETIRED.length);
    expect(plan.filter((rc) => (rc as { change?: { actions: string[] } }).change?.actions.includes('forget'))).toEqual([]);
  });

  if (env === 'production') {
    it('keeps the backend task count autoscaling set', () => {
      const service = loadMigration(env, 'drifted').resourceChanges.find((rc) => rc.address === 'aws_ecs_service.ecs_backend');
      expect(service?.change.after?.desired_count).toBe(DRIFTED_BACKEND_COUNT);
      expect(loadMigration(env, 'drifted').report.rows.find((r) => r.address === 'aws_ecs_service.ecs_backend')?.attributes).toEqual([
        'health_check_grace_period_seconds',
        'task_definition',
      ]);
    });
  }
});
