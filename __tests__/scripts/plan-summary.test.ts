import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  failedSummary,
  MAX_COMMENT_LENGTH,
  PLAN_COMMENT_MARKER,
  readSummaries,
  renderPlanComment,
  ShowJsonPlan,
  summarizePlan,
} from '../../scripts/plan-summary';

type Rc = NonNullable<ShowJsonPlan['resource_changes']>[number];
const rc = (address: string, actions: string[], extra: Partial<Rc> = {}): Rc => ({
  address,
  type: address.split('.')[0],
  mode: 'managed',
  change: { actions },
  ...extra,
});

const SECRET = 'SENTINEL-redis-auth-token-7f3c9a1e';

/** A plan touching every kind of change, with a sensitive value in it (as show -json has). */
const mixedPlan: ShowJsonPlan = {
  resource_changes: [
    rc('aws_vpc.vpc_main', ['no-op']),
    rc('aws_subnet.vpc_public_1', ['create']),
    rc('aws_security_group.security_alb', ['update']),
    rc('aws_db_instance.rds_main', ['delete', 'create'], { action_reason: 'replace_because_cannot_update' }),
    rc('aws_elasticache_replication_group.redis_main', ['delete']),
    rc('aws_s3_bucket.logs', ['create', 'delete']),
    rc('aws_route.vpc_public_internet', ['delete']),
    rc('aws_dynamodb_table.locks', ['update']),
    rc('aws_secretsmanager_secret.app_secrets', ['forget']),
    rc('aws_iam_role.ecs_task', ['no-op'], { previous_address: 'aws_iam_role.old_task' }),
    rc('aws_eip.vpc_nat_1', ['no-op'], { change: { actions: ['no-op'], importing: { id: 'eipalloc-1' } } }),
    rc('data.aws_caller_identity.current', ['read'], { mode: 'data', type: 'aws_caller_identity' }),
  ],
};
(mixedPlan as any).variables = { redis_auth_token: { value: SECRET } };
(mixedPlan.resource_changes as any)[4].change.before = { auth_token: SECRET };

describe('summarizePlan', () => {
  const summary = summarizePlan('production', mixedPlan);

  it('counts like Terraform: a replacement is one add and one destroy', () => {
    expect(summary.counts).toEqual({ add: 3, change: 2, destroy: 4, replace: 2, import: 1, move: 1, forget: 1 });
    expect(summary.status).toBe('changes');
  });

  it('lists managed resources that change, not no-ops or data sources', () => {
    expect(summary.changes.map((c) => `${c.action} ${c.address}`)).toEqual([
      'create aws_subnet.vpc_public_1',
      'update aws_security_group.security_alb',
      'replace aws_db_instance.rds_main',
      'delete aws_elasticache_replication_group.redis_main',
      'replace aws_s3_bucket.logs',
      'delete aws_route.vpc_public_internet',
      'update aws_dynamodb_table.locks',
      'forget aws_secretsmanager_secret.app_secrets',
      'move aws_iam_role.ecs_task',
      'import aws_eip.vpc_nat_1',
    ]);
    expect(summary.changes.find((c) => c.action === 'move')?.movedFrom).toBe('aws_iam_role.old_task');
  });

  it('flags destroyed or replaced databases, caches and state resources, not updates or forgets', () => {
    expect(summary.critical).toEqual([
      { address: 'aws_db_instance.rds_main', type: 'aws_db_instance', category: 'database', action: 'replace' },
      { address: 'aws_elasticache_replication_group.redis_main', type: 'aws_elasticache_replication_group', category: 'cache', action: 'delete' },
      { address: 'aws_s3_bucket.logs', type: 'aws_s3_bucket', category: 'state or data store', action: 'replace' },
    ]);
  });

  it('keeps no value of the plan', () => {
    expect(JSON.stringify(summary)).not.toContain(SECRET);
  });

  it('reports a plan without changes', () => {
    const none = summarizePlan('staging', { resource_changes: [rc('aws_vpc.vpc_main', ['no-op'])] });
    expect([none.status, none.changes, none.counts.add + none.counts.change + none.counts.destroy]).toEqual(['no-changes', [], 0]);
  });
});

describe('renderPlanComment', () => {
  const production = summarizePlan('production', mixedPlan);
  const staging = summarizePlan('staging', mixedPlan);

  it('starts with the hidden marker, then calls out production data loss in bold', () => {
    const body = renderPlanComment([staging, production]);
    const lines = body.split('\n');
    expect(lines[0]).toBe(PLAN_COMMENT_MARKER);
    const caution = lines.indexOf('> [!CAUTION]');
    expect(caution).toBeGreaterThan(0);
    expect(caution).toBeLessThan(lines.findIndex((l) => l.startsWith('| stack |')));
    expect(lines.slice(caution + 1, caution + 4)).toEqual([
      '> **production: database `aws_db_instance.rds_main` would be REPLACED (destroyed and created again).**  ',
      '> **production: cache `aws_elasticache_replication_group.redis_main` would be DESTROYED.**  ',
      '> **production: state or data store `aws_s3_bucket.logs` would be REPLACED (destroyed and created again).**  ',
    ]);
  });

  it('mentions the same changes in staging without the bold call-out', () => {
    const body = renderPlanComment([staging, production]);
    expect(body).not.toMatch(/\*\*staging/);
    expect(body).toContain('⚠️ database `aws_db_instance.rds_main` would be replaced (destroyed and created again).');
    expect(renderPlanComment([staging])).not.toContain('[!CAUTION]');
  });

  it('shows one table row of counts per stack', () => {
    const body = renderPlanComment([staging, production]);
    expect(body).toContain('| staging | changes | 3 | 2 | 4 | 2 |');
    expect(body).toContain('| production | changes | 3 | 2 | 4 | 2 |');
    expect(body).toContain('| -/+ replace | `aws_db_instance.rds_main` (replace_because_cannot_update) |');
    expect(body).toContain('| move | `aws_iam_role.ecs_task` from `aws_iam_role.old_task` |');
  });

  it('reports a failed plan, and an expected stack without a result, at the top', () => {
    const failed = failedSummary('staging', 'failed', 'terraform plan failed (exit 1); see the job log');
    const body = renderPlanComment([failed], { expected: ['staging', 'production'] });
    expect(body).toContain('❌ **staging**: terraform plan failed (exit 1); see the job log');
    expect(body).toContain('❌ **production**: no plan result: the plan job stopped before planning (see the workflow run)');
    expect(body).toContain('| production | ❌ plan failed | – | – | – | – |');
  });

  it('appends the cost estimate of a stack when there is one', () => {
    const body = renderPlanComment([production], { costs: { production: '#### Monthly cost\n\n| total | $412.00 |\n' } });
    expect(body).toMatch(/### production[\s\S]*#### Monthly cost\n\n\| total \| \$412\.00 \|/);
    expect(renderPlanComment([production], { costs: { production: '   \n' } })).not.toContain('Monthly cost');
  });

  it('names the commit and the run, and never a value', () => {
    const body = renderPlanComment([staging, production], { commit: '0123456789abcdef0123', runUrl: 'https://github.com/o/r/actions/runs/42' });
    expect(body).toContain('for commit `0123456789ab` in [this workflow run](https://github.com/o/r/actions/runs/42)');
    expect(body).not.toContain(SECRET);
  });

  it('stays under the GitHub comment size limit', () => {
    const many = summarizePlan('production', {
      resource_changes: Array.from({ length: 3000 }, (_, i) => rc(`aws_route.r_${'x'.repeat(40)}_${i}`, ['create'])),
    });
    const body = renderPlanComment([many], { maxChangesPerStack: 5000 });
    expect(body.length).toBeLessThanOrEqual(MAX_COMMENT_LENGTH + 100);
    expect(body).toMatch(/truncated: see the job log\)$/);
    expect(renderPlanComment([many])).toContain('| … | 2940 more: see the job log |');
  });
});

describe('readSummaries', () => {
  it('reads each stack summary and its cost file', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'plan-summary-'));
    writeFileSync(path.join(dir, 'production.json'), JSON.stringify(summarizePlan('production', mixedPlan)));
    writeFileSync(path.join(dir, 'staging.json'), JSON.stringify(failedSummary('staging', 'skipped', 'cloud')));
    writeFileSync(path.join(dir, 'production.cost.md'), 'cost table');
    const { summaries, costs } = readSummaries(dir);
    expect(summaries.map((s) => `${s.stack}:${s.status}`)).toEqual(['production:changes', 'staging:skipped']);
    expect(costs).toEqual({ production: 'cost table' });
  });
});
