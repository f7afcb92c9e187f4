/**
 * The migration plans of the Terraform tests: each environment stack planned (with
 * `checkMigration`, the machinery of `npm run migrate:check`) against
 *  - `legacy`: the legacy platform's state as pulled (fixtures/legacy-state), and
 *  - `drifted`: the same state as a running platform would have drifted, all variants in one:
 *    RDS upgraded itself to PostgreSQL 17.4; autoscaling set the production backend to
 *    DRIFTED_BACKEND_COUNT tasks; and the VPC module's resources were already moved to their
 *    new addresses by hand (`terraform state mv`), which the `moved` blocks must leave alone;
 *  - `switched`: the legacy state after the database was switched to an RDS-managed master password
 *    ahead of the plan (`aws rds modify-db-instance --manage-master-user-password --apply-immediately`):
 *    RDS's secret exists (SWITCHED_SECRET_ARN) and the instance has no password of its own.
 * Run by the global setup, in the same queue as the other plans; the results (or the
 * error that stopped a plan) are written to .terraform-test/results/migration-<env>-<variant>.json.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { MovedBlock } from '../../../lib/addresses';
import { checkMigration, type MigrationCheck } from '../../../scripts/migrate-check';
import { cachedTerraformRun } from '../../../tooling/terraform/offline-plan';
import { hashFile } from '../../../tooling/terraform/result-cache';
import { ENVIRONMENT_STACKS, type EnvironmentStack, RESULTS_DIR, SYNTH_DIR, TERRAFORM_TEST_DIR } from './plans';
import { FIXTURES_DIR } from '../paths';

export const LEGACY_STATE_DIR = path.join(FIXTURES_DIR, 'legacy-state');

/**
 * The environments that have a legacy state to migrate: one per `<env>.tfstate` in LEGACY_STATE_DIR,
 * not the registry (an environment added since has no legacy state). A fixture of no environment stack is refused.
 */
export const LEGACY_ENVIRONMENTS: readonly EnvironmentStack[] = (() => {
  const named = readdirSync(LEGACY_STATE_DIR)
    .filter((f) => f.endsWith('.tfstate'))
    .map((f) => f.slice(0, -'.tfstate'.length));
  const strays = named.filter((n) => !(ENVIRONMENT_STACKS as readonly string[]).includes(n));
  if (strays.length > 0) throw new Error(`legacy state fixtures of no environment stack: ${strays.join(', ')} (environments: ${ENVIRONMENT_STACKS.join(', ')})`);
  return ENVIRONMENT_STACKS.filter((env) => named.includes(env));
})();
export const MIGRATION_VARIANTS = ['legacy', 'drifted', 'switched'] as const;
export type MigrationVariant = (typeof MIGRATION_VARIANTS)[number];

/** The PostgreSQL version AWS's automatic minor upgrade left in the drifted state. */
export const DRIFTED_ENGINE_VERSION = '17.4';
/** The production backend's task count as autoscaling left it in the drifted state (the code says 2). */
export const DRIFTED_BACKEND_COUNT = 5;
/** The legacy module whose resources the drifted state has already moved to their new addresses. */
export const PREMOVED_MODULE = 'module.vpc';

/** The RDS-managed secret of the `switched` state. */
export const SWITCHED_SECRET_ARN = 'arn:aws:secretsmanager:ap-southeast-2:123456789012:secret:rds!db-0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b-AbCdEf';

/** The `switched` variant of a legacy state (see the file comment). */
export function switchedState(legacy: StateJson): StateJson {
  const state = structuredClone(legacy);
  for (const r of state.resources) {
    if (r.type !== 'aws_db_instance') continue;
    for (const i of r.instances) {
      Object.assign(i.attributes, {
        manage_master_user_password: true,
        password: null,
        master_user_secret: [{ kms_key_id: 'arn:aws:kms:ap-southeast-2:123456789012:key/11111111-2222-3333-4444-555555555555', secret_arn: SWITCHED_SECRET_ARN, secret_status: 'active' }],
      });
    }
  }
  return { ...state, serial: (state.serial as number) + 1 };
}

export function legacyStateFile(env: EnvironmentStack): string {
  return path.join(LEGACY_STATE_DIR, `${env}.tfstate`);
}

type StateJson = { resources: { module?: string; type: string; name: string; instances: { index_key?: number | string; attributes: Record<string, any> }[] }[] } & Record<string, unknown>;

/** The drifted variant of a legacy state (see the file comment); `moved` are the stack's moved blocks. */
export function driftedState(env: EnvironmentStack, legacy: StateJson, moved: readonly MovedBlock[]): StateJson {
  const state = structuredClone(legacy);
  const to = new Map(moved.map((m) => [m.from, m.to]));
  const resources = state.resources.flatMap((r) => {
    for (const i of r.instances) {
      if (r.type === 'aws_db_instance') Object.assign(i.attributes, { engine_version: DRIFTED_ENGINE_VERSION, engine_version_actual: DRIFTED_ENGINE_VERSION });
      if (env === 'production' && r.type === 'aws_ecs_service' && r.name === 'backend') i.attributes.desired_count = DRIFTED_BACKEND_COUNT;
    }
    if (r.module !== PREMOVED_MODULE) return [r];
    // `terraform state mv` of every instance: one root-module resource each, without an index.
    return r.instances.map((i) => {
      const from = `${r.module}.${r.type}.${r.name}${i.index_key === undefined ? '' : `[${i.index_key}]`}`;
      const target = to.get(from);
      if (!target) throw new Error(`no moved block from ${from}`);
      const { index_key: _index, ...instance } = i;
      const { module: _module, ...resource } = r;
      return { ...resource, name: target.split('.')[1], instances: [instance] };
    });
  });
  return { ...state, serial: (state.serial as number) + 1, resources };
}

export interface MigrationResult extends MigrationCheck {
  /** The state file planned against. */
  readonly stateFile: string;
  /** Whether the state file was byte for byte the same after the check. */
  readonly inputUnchanged: boolean;
}

function resultFile(env: EnvironmentStack, variant: MigrationVariant): string {
  return path.join(RESULTS_DIR, `migration-${env}-${variant}.json`);
}

/** The code a migration check runs, beyond tooling/terraform/offline-plan.ts (which cachedTerraformRun adds). */
const MIGRATION_CODE = ['../../../scripts/migrate-check', '../../../tooling/terraform/sfn-stand-in'].map((name) => require.resolve(name));

/**
 * One job per environment and variant, each planning that environment against that variant (the
 * global setup runs them in its queue, two jobs at a time); `skip` is the reason not to (no terraform).
 */
export function migrationJobs(skip?: string): (() => Promise<void>)[] {
  const stateDir = path.join(TERRAFORM_TEST_DIR, 'migration-states');
  mkdirSync(stateDir, { recursive: true });
  return LEGACY_ENVIRONMENTS.flatMap((env) =>
    MIGRATION_VARIANTS.map((variant) => async () => {
      const out = resultFile(env, variant);
      try {
        if (skip) throw new Error(skip);
        const stackDir = path.join(SYNTH_DIR, 'stacks', env);
        let stateFile = legacyStateFile(env);
        if (variant === 'drifted') {
          const moved = (JSON.parse(readFileSync(path.join(stackDir, 'cdk.tf.json'), 'utf8')) as { moved?: MovedBlock[] }).moved ?? [];
          stateFile = path.join(stateDir, `${env}-drifted.tfstate`);
          writeFileSync(stateFile, JSON.stringify(driftedState(env, JSON.parse(readFileSync(legacyStateFile(env), 'utf8')) as StateJson, moved)));
        } else if (variant === 'switched') {
          stateFile = path.join(stateDir, `${env}-switched.tfstate`);
          writeFileSync(stateFile, JSON.stringify(switchedState(JSON.parse(readFileSync(legacyStateFile(env), 'utf8')) as StateJson)));
        }
        const before = hashFile(stateFile);
        // Reused while the stack, the state and the migration code are unchanged (content hashes;
        // not the working folder, which holds the Step Functions stand-in's port).
        const inputs = { kind: 'migration', env, stack: hashFile(path.join(stackDir, 'cdk.tf.json')), state: before, code: MIGRATION_CODE.map(hashFile) };
        const check = await cachedTerraformRun(inputs, () =>
          checkMigration({ environment: env, stateFile, stackDir, workDir: path.join(TERRAFORM_TEST_DIR, 'work', `migrate-${env}-${variant}`) }),
        );
        const result: MigrationResult = { ...check, stateFile, inputUnchanged: hashFile(stateFile) === before };
        writeFileSync(out, JSON.stringify(result));
      } catch (e) {
        writeFileSync(out, JSON.stringify({ error: (e as Error).message }));
      }
    }),
  );
}

/** The migration plan of an environment against a variant. Throws the setup's error if it failed. */
export function loadMigration(env: EnvironmentStack, variant: MigrationVariant): MigrationResult {
  const file = resultFile(env, variant);
  if (!existsSync(file)) throw new Error(`No migration plan for ${env} (${variant}) at ${file}: the terraform global setup did not run it`);
  const data = JSON.parse(readFileSync(file, 'utf8')) as MigrationResult | { error: string };
  if ('error' in data) throw new Error(data.error);
  return data;
}
