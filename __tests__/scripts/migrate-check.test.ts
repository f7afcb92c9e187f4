/**
 * `npm run migrate:check`: the refusals (one line each, before any plan), the report of a
 * plan and its verdict, and the Step Functions stand-in. The plans themselves run in the
 * Terraform tests (terraform/migration.test.ts).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  checkStateFits,
  MigrationInputError,
  migrateCheckCli,
  migrationReport,
  readState,
  renderReport,
  stackAddresses,
  type PlannedChange,
} from '../../scripts/migrate-check';
import { startSfnStandIn } from '../../tooling/terraform/sfn-stand-in';
import { synthEnvironment, tempDir } from '../support/helpers';
import { ENVIRONMENTS } from '../../environments';
import { UNKNOWN_ENVIRONMENT } from '../support/unknown-environment';
import { FIXTURES_DIR } from '../support/paths';

const FIXTURES = path.join(FIXTURES_DIR, 'legacy-state');
const fixture = (env: string) => path.join(FIXTURES, `${env}.tfstate`);

const dir = tempDir('omc-migrate-test-');

function file(name: string, content: string): string {
  const f = path.join(dir, name);
  writeFileSync(f, content);
  return f;
}

/** The error `run` throws: a MigrationInputError with a one-line message. */
function refusal(run: () => unknown): string {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(MigrationInputError);
    expect((e as Error).message).not.toContain('\n');
    return (e as Error).message;
  }
  throw new Error('expected a refusal');
}

/** The exit code and stderr of the command on `argv`. */
async function cliRun(argv: string[]): Promise<{ code: number; err: string }> {
  let err = '';
  const code = await migrateCheckCli(argv, { out: () => undefined, err: (t) => (err += t) });
  return { code, err };
}

describe('migrate:check refuses bad input with one line', () => {
  it('refuses bad arguments with exit code 2, the reason and the usage line', async () => {
    const usageLine = 'usage: npm run migrate:check -- <environment> --state <file> [--all] [--json]';
    const environments = Object.keys(ENVIRONMENTS).join(', ');
    expect(await cliRun([])).toEqual({ code: 2, err: `migrate:check: missing <environment>\n${usageLine}\n(--help describes each argument)\n` });
    expect((await cliRun([UNKNOWN_ENVIRONMENT, '--state', fixture('staging')])).err).toMatch(
      new RegExp(`^migrate:check: unknown environment "${UNKNOWN_ENVIRONMENT}": the environments are ${environments} \\(environments/index\\.ts\\)\n`),
    );
    expect((await cliRun(['staging'])).err).toMatch(/^migrate:check: --state <file> is required\n/);
    expect((await cliRun(['staging', '--state'])).err).toMatch(/^migrate:check: --state needs a value\n/);
    const unknown = await cliRun(['staging', '--state', fixture('staging'), '--force']);
    expect(unknown).toEqual({ code: 2, err: expect.stringMatching(/^migrate:check: unknown option --force\nusage: npm run migrate:check/) });
    expect((await cliRun(['staging', 'production', '--state', fixture('staging')])).err).toMatch(/^migrate:check: unexpected argument "production"\n/);
  });


  it('refuses a missing or unreadable file', async () => {
    const missing = path.join(dir, 'nope.tfstate');
    expect(await cliRun(['staging', '--state', missing])).toEqual({ code: 1, err: `cannot read the state file ${missing}: no such file\n` });
    const folder = path.join(dir, 'folder.tfstate');
    mkdirSync(folder);
    expect(refusal(() => readState(folder))).toBe(`cannot read the state file ${folder}: it is a directory`);
  });

  it('refuses a file that is not a Terraform state', () => {
    const text = file('notes.txt', 'hello');
    expect(refusal(() => readState(text))).toBe(`${text} is not a Terraform state: it is not JSON (get one with 'terraform state pull > notes.txt')`);
    const plan = file('plan.json', JSON.stringify({ format_version: '1.2', resource_changes: [] }));
    expect(refusal(() => readState(plan))).toMatch(/is not a Terraform state: it has no "version" number and "resources" list/);
    const old = file('v3.tfstate', JSON.stringify({ version: 3, resources: [] }));
    expect(refusal(() => readState(old))).toBe(`${old} is a Terraform state of format version 3; only version 4 (Terraform 0.12 and later) is supported`);
  });

  describe('against the synthesized stack', () => {
    const addresses = { staging: stackAddresses(synthEnvironment('staging').json), production: stackAddresses(synthEnvironment('production').json) };

    it('accepts the legacy state of the right environment', () => {
      for (const env of ['staging', 'production'] as const) expect(() => checkStateFits(env, readState(fixture(env)), fixture(env), addresses[env])).not.toThrow();
    });

    it('refuses the state of another environment and says which one it looks like', () => {
      expect(refusal(() => checkStateFits('staging', readState(fixture('production')), 'production.tfstate', addresses.staging))).toBe(
        'production.tfstate looks like the state of the production environment (Environment tag "production" on 68 of 102 resources), not staging; pass the staging state or run the check for production',
      );
      expect(refusal(() => checkStateFits('production', readState(fixture('staging')), 'staging.tfstate', addresses.production))).toMatch(
        /^staging.tfstate looks like the state of the staging environment/,
      );
    });

    it('refuses a state whose resources match neither the legacy nor this project’s addresses', () => {
      const other = { version: 4, resources: [{ mode: 'managed', type: 'aws_s3_bucket', name: 'website', instances: [{ attributes: { bucket: 'x' } }] }] };
      expect(refusal(() => checkStateFits('staging', other, 'other.tfstate', addresses.staging))).toBe(
        "none of the 1 resources in other.tfstate has a legacy (module.vpc.…) or a staging address of this project (first: aws_s3_bucket.website); is it the state of another project?",
      );
      expect(refusal(() => checkStateFits('staging', { version: 4, resources: [] }, 'empty.tfstate', addresses.staging))).toMatch(/^empty.tfstate holds no resources/);
    });

    it('only reads the state file', () => {
      const before = readFileSync(fixture('staging'));
      checkStateFits('staging', readState(fixture('staging')), fixture('staging'), addresses.staging);
      expect(readFileSync(fixture('staging')).equals(before)).toBe(true);
    });
  });
});

describe('the migration report', () => {
  const change = (address: string, actions: string[], extra: Partial<PlannedChange> & Partial<PlannedChange['change']> = {}): PlannedChange => {
    const { previous_address, before, after, after_unknown, replace_paths } = extra;
    return { address, type: address.split('.')[0], previous_address, change: { actions, before, after, after_unknown, replace_paths } };
  };
  const plan = {
    resource_changes: [
      change('aws_vpc.vpc_main', ['no-op'], { previous_address: 'module.vpc.aws_vpc.main' }),
      change('aws_db_instance.rds_main', ['update'], {
        previous_address: 'module.rds.aws_db_instance.main',
        before: { manage_master_user_password: null, password: 'CHANGE_ME_SECURE_PASSWORD', port: 5432 },
        after: { manage_master_user_password: true, port: 5432 },
        after_unknown: { master_user_secret: true },
      }),
      change('aws_ecs_task_definition.ecs_backend', ['delete', 'create'], { previous_address: 'module.ecs.aws_ecs_task_definition.backend', replace_paths: [['container_definitions']] }),
      change('aws_sns_topic.monitoring_alarms', ['create']),
      change('module.security.aws_security_group_rule.rds_egress', ['forget']),
    ],
  };

  it('sorts each instance into moved, unchanged, updated (with attributes), replaced (with the forcing attribute), created and forgotten', () => {
    const report = migrationReport('staging', 'staging.tfstate', plan);
    expect(report.counts).toEqual({ total: 5, unchanged: 1, updated: 1, replaced: 1, created: 1, destroyed: 0, forgotten: 1 });
    // Forgotten (a `removed` block with destroy = false) is not lost: it stays in AWS, so the check passes.
    expect(report.rows.find((r) => r.address === 'module.security.aws_security_group_rule.rds_egress')?.action).toBe('forgotten');
    expect(report.moved).toBe(3);
    expect(report.rows.find((r) => r.address === 'aws_db_instance.rds_main')?.attributes).toEqual(['manage_master_user_password', 'master_user_secret', 'password']);
    expect(report.rows.find((r) => r.address === 'aws_ecs_task_definition.ecs_backend')?.attributes).toEqual(['container_definitions']);
    expect(report.ok).toBe(true);
    const text = renderReport(report, { width: 120 });
    expect(text.split('\n')).toEqual([
      'OK: migrating staging destroys nothing and replaces only task definitions.',
      '5 resource instances: 1 replaced, 1 updated, 1 created, 1 unchanged, 0 destroyed, 1 forgotten; 3 of them moved.',
      'Planned against staging.tfstate (terraform plan -refresh=false, offline).',
      '',
      'Replaced (1):',
      '  aws_ecs_task_definition.ecs_backend (moved from module.ecs.aws_ecs_task_definition.backend)',
      '      forced by container_definitions',
      '',
      'Updated in place (1):',
      '  aws_db_instance.rds_main (moved from module.rds.aws_db_instance.main)',
      '      changes manage_master_user_password, master_user_secret, password',
      '',
      'Created (1):',
      '  aws_sns_topic.monitoring_alarms',
      '',
      'Forgotten (1):',
      '  (removed blocks: left in AWS, dropped from the state; docs/migration.md says when to delete them)',
      '  module.security.aws_security_group_rule.rds_egress',
      '',
      '1 moved and unchanged (--all lists them).',
    ]);
    expect(text).not.toContain('CHANGE_ME');
    expect(renderReport(report, { all: true, width: 120 })).toMatch(/\nUnchanged \(1, 1 of them moved\):\n {2}aws_vpc\.vpc_main \(moved from module\.vpc\.aws_vpc\.main\)$/);
  });

  it('counts each instance once: the actions add up to the total, moved is counted apart', () => {
    const report = migrationReport('staging', 'staging.tfstate', plan);
    const { total, ...actions } = report.counts;
    expect(Object.values(actions).reduce((a, b) => a + b, 0)).toBe(total);
    expect(total).toBe(plan.resource_changes.length);
  });

  it('fits the width it is given, wrapping long addresses and attribute lists', () => {
    const long = migrationReport('staging', `/a/very/long/path/${'x'.repeat(80)}/staging.tfstate`, {
      resource_changes: [
        change(`aws_iam_role_policy.${'y'.repeat(70)}`, ['update'], {
          previous_address: `module.iam.aws_iam_role_policy.${'z'.repeat(60)}`,
          before: Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`attribute_number_${i}`, 1])),
          after: Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`attribute_number_${i}`, 2])),
        }),
      ],
    });
    const lines = renderReport(long, { width: 80 }).split('\n');
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(80);
    expect(lines.join(' ')).toContain('attribute_number_19');
  });

  it('fails, naming each offending resource, when a stateful resource is destroyed or replaced', () => {
    const report = migrationReport('production', 'p.tfstate', {
      resource_changes: [
        change('aws_db_instance.rds_main', ['delete', 'create'], { replace_paths: [['identifier'], ['identifier']] }),
        change('aws_elasticache_replication_group.redis_main', ['delete']),
      ],
    });
    expect(report.ok).toBe(false);
    expect(report.offending).toEqual(['aws_db_instance.rds_main would be replaced (forced by identifier)', 'aws_elasticache_replication_group.redis_main would be destroyed']);
    const lines = renderReport(report, { width: 120 }).split('\n');
    expect(lines[0]).toBe('FAILED: migrating production would lose 2 resources.');
    expect(lines[1]).toBe('2 resource instances: 1 replaced, 0 updated, 0 created, 0 unchanged, 1 destroyed; 0 of them moved.');
    // What would be lost comes right after the verdict, the counts and the state line.
    expect(lines.slice(3, 7)).toEqual(['', 'Would be lost:', '  aws_db_instance.rds_main would be replaced (forced by identifier)', '  aws_elasticache_replication_group.redis_main would be destroyed']);
    expect(lines).toContain('Destroyed (1):');
  });
});

describe('the Step Functions stand-in', () => {
  const call = (url: string, target: string, body: unknown) =>
    fetch(url, { method: 'POST', headers: { 'x-amz-target': target, 'content-type': 'application/x-amz-json-1.0' }, body: JSON.stringify(body) });

  it('answers ValidateStateMachineDefinition, refuses everything else, and stops', async () => {
    const sfn = await startSfnStandIn();
    try {
      const ok = await call(sfn.url, 'AWSStepFunctions.ValidateStateMachineDefinition', { definition: JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Succeed' } } }) });
      expect(await ok.json()).toEqual({ result: 'OK', diagnostics: [] });
      const bad = await call(sfn.url, 'AWSStepFunctions.ValidateStateMachineDefinition', { definition: '{"States": {}}' });
      expect(((await bad.json()) as { result: string }).result).toBe('FAIL');
      const other = await call(sfn.url, 'AWSStepFunctions.CreateStateMachine', {});
      expect(other.status).toBe(400);
      expect(sfn.validated).toHaveLength(2);
    } finally {
      await sfn.close();
    }
    await expect(fetch(sfn.url, { method: 'POST' })).rejects.toThrow();
  });
});
