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
} from '../scripts/migrate-check';
import { startSfnStandIn } from '../tooling/terraform/sfn-stand-in';
import { synthEnvironment, tempDir } from './helpers';
import { ENVIRONMENTS } from '../environments';
import { UNKNOWN_ENVIRONMENT } from './unknown-environment';

const FIXTURES = path.join(__dirname, 'fixtures', 'legacy-state');
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

async function cliRefusal(argv: string[]): Promise<string> {
  const e = await migrateCheckCli(argv, () => undefined).then(
    () => undefined,
    (error: Error) => error,
  );
  expect(e).toBeInstanceOf(MigrationInputError);
  expect(e?.message).not.toContain('\n');
  return e?.message ?? '';
}

describe('migrate:check refuses bad input with one line', () => {
  it('refuses bad arguments', async () => {
    expect(await cliRefusal([])).toBe('give exactly one environment; usage: npm run migrate:check -- <environment> --state <state file> [--json]');
    expect(await cliRefusal([UNKNOWN_ENVIRONMENT, '--state', fixture('staging')])).toBe(`unknown environment "${UNKNOWN_ENVIRONMENT}"; expected one of ${Object.keys(ENVIRONMENTS).join(', ')}`);
    expect(await cliRefusal(['staging'])).toMatch(/^--state needs the state file \(from 'terraform state pull'\)/);
    expect(await cliRefusal(['staging', '--state', fixture('staging'), '--force'])).toMatch(/^unknown option --force;/);
  });

  it('refuses a missing or unreadable file', async () => {
    const missing = path.join(dir, 'nope.tfstate');
    expect(await cliRefusal(['staging', '--state', missing])).toBe(`cannot read the state file ${missing}: no such file`);
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
    ],
  };

  it('sorts each instance into moved, unchanged, updated (with attributes), replaced (with the forcing attribute) and created', () => {
    const report = migrationReport('staging', 'staging.tfstate', plan);
    expect(report.counts).toEqual({ moved: 3, unchanged: 1, updated: 1, replaced: 1, created: 1, destroyed: 0 });
    expect(report.rows.find((r) => r.address === 'aws_db_instance.rds_main')?.attributes).toEqual(['manage_master_user_password', 'master_user_secret', 'password']);
    expect(report.rows.find((r) => r.address === 'aws_ecs_task_definition.ecs_backend')?.attributes).toEqual(['container_definitions']);
    expect(report.ok).toBe(true);
    const text = renderReport(report);
    expect(text).toContain('moved 3, unchanged 1, updated in place 1, replaced 1, created 1, destroyed 0');
    expect(text).toContain('OK: nothing is destroyed and only task definitions are replaced.');
    expect(text).not.toContain('CHANGE_ME');
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
    expect(renderReport(report)).toContain('FAILED: 2 resource(s) would be lost:\n  aws_db_instance.rds_main would be replaced (forced by identifier)');
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
