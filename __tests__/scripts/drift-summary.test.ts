/**
 * The nightly drift check: the report from plan JSON with drift (fixtures/drift), and the
 * issue handling (open, update, close, leave alone) against the local GitHub stand-in.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readDriftReports, syncDriftIssues } from '../../scripts/drift-issue';
import { driftMarker, failedDrift, isRealDrift, renderDriftIssue, ShowJsonPlanWithDrift, summarizeDrift } from '../../scripts/drift-summary';
import { GitHubStandIn } from '../support/github-stand-in';
import { FIXTURES_DIR } from '../support/paths';

const FIXTURES = path.join(FIXTURES_DIR, 'drift');
const SECRET = 'SENTINEL-redis-auth-token-7f3c9a1e';
const load = (file: string) => JSON.parse(readFileSync(path.join(FIXTURES, file), 'utf8')) as ShowJsonPlanWithDrift;

const drifted = summarizeDrift('production', load('production.drift.plan.json'));
const clean = summarizeDrift('staging', load('staging.clean.plan.json'));

describe('summarizeDrift on plans recorded with Terraform 1.11.4 and hashicorp/aws 5.100.0', () => {
  // DynamoDB tables on a local DynamoDB (dynalite): one re-tagged and one deleted outside Terraform, one added to the code.
  const recorded = summarizeDrift('staging', load('recorded.drift.plan.json'));

  it('keeps apart what changed outside Terraform and what the code would change', () => {
    expect(recorded.status).toBe('drift');
    expect(recorded.outside.map((c) => `${c.action} ${c.address}`)).toEqual(['update aws_dynamodb_table.locks', 'delete aws_dynamodb_table.sessions']);
    expect(recorded.plan.changes.map((c) => `${c.action} ${c.address}`)).toEqual([
      'create aws_dynamodb_table.audit',
      'update aws_dynamodb_table.locks',
      'create aws_dynamodb_table.sessions',
    ]);
    // A DynamoDB table is a data store: the issue says when the code would destroy one (here it creates).
    expect(recorded.plan.critical).toEqual([]);
    expect(JSON.stringify(recorded)).not.toContain('console-edit');
  });

  it('ignores what the provider only normalized on refresh (tags null read back as {}): no issue for an empty plan', () => {
    const plan = load('recorded.clean.plan.json');
    // Terraform lists both tables in resource_drift although -detailed-exitcode said 0 (no changes).
    expect(plan.resource_drift?.map((d) => d.address)).toEqual(['aws_dynamodb_table.audit', 'aws_dynamodb_table.sessions']);
    expect(plan.resource_drift?.map((d) => isRealDrift(d as never))).toEqual([false, false]);
    expect(summarizeDrift('staging', plan)).toMatchObject({ status: 'no-drift', outside: [], plan: { status: 'no-changes' } });
  });
});

describe('summarizeDrift', () => {
  it('lists what changed outside Terraform (resource_drift), a deletion apart from a change', () => {
    expect(drifted.status).toBe('drift');
    expect(drifted.outside.map((c) => `${c.action} ${c.address}`)).toEqual([
      'update aws_security_group.security_alb',
      'update aws_ecs_service.ecs_backend',
      'delete aws_cloudwatch_log_group.ecs_frontend',
      'update aws_elasticache_replication_group.redis_main',
    ]);
  });

  it('lists apart what the code would change (resource_changes), without no-ops', () => {
    expect(drifted.plan.changes.map((c) => `${c.action} ${c.address}`)).toEqual([
      'update aws_security_group.security_alb',
      'create aws_cloudwatch_log_group.ecs_frontend',
      'update aws_elasticache_replication_group.redis_main',
    ]);
    expect(drifted.plan.counts).toMatchObject({ add: 1, change: 2, destroy: 0 });
  });

  it('finds no drift in an empty refresh and plan', () => {
    expect(clean).toMatchObject({ status: 'no-drift', outside: [], plan: { status: 'no-changes', changes: [] } });
  });

  it('is drift when only the refresh found something (a change the code absorbs)', () => {
    const plan = load('production.drift.plan.json');
    const onlyOutside = summarizeDrift('production', { ...plan, resource_changes: [] });
    expect(onlyOutside.status).toBe('drift');
    expect(onlyOutside.plan.changes).toEqual([]);
  });

  it('keeps no value: not the token, not the CIDR added from the console', () => {
    const body = renderDriftIssue(drifted);
    for (const text of [JSON.stringify(drifted), body]) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain('203.0.113.7');
    }
  });
});

describe('renderDriftIssue', () => {
  const body = renderDriftIssue(drifted, { checkedAt: '2026-12-01 03:17 UTC', commit: '0123456789abcdef', runUrl: 'https://github.test/run/1' });

  it('starts with the stack marker and says when, where and that nothing was applied', () => {
    expect(body.split('\n')[0]).toBe('<!-- ohmycoins:drift:production -->');
    expect(body).toContain('The scheduled plan of `production` on 2026-12-01 03:17 UTC for commit `0123456789ab` in [this run](https://github.test/run/1) is not empty. Nothing was applied.');
  });

  it('has one table for changes outside Terraform and one for the code, in that order', () => {
    const outside = body.indexOf('### Changed outside Terraform (4)');
    const code = body.indexOf('### Changes the code would make (1 to add, 2 to change, 0 to destroy)');
    expect(outside).toBeGreaterThan(0);
    expect(code).toBeGreaterThan(outside);
    expect(body).toContain('| deleted outside Terraform | `aws_cloudwatch_log_group.ecs_frontend` |');
    expect(body).toContain('| changed outside Terraform | `aws_ecs_service.ecs_backend` |');
    expect(body.slice(code)).toContain('| + create | `aws_cloudwatch_log_group.ecs_frontend` |');
    expect(body.slice(code)).not.toContain('aws_ecs_service.ecs_backend');
  });

  it('calls out a database the code would replace, like the plan comment', () => {
    const plan = load('production.drift.plan.json');
    const rds = { address: 'aws_db_instance.rds_main', type: 'aws_db_instance', mode: 'managed', change: { actions: ['delete', 'create'] } };
    const text = renderDriftIssue(summarizeDrift('production', { ...plan, resource_changes: [...(plan.resource_changes ?? []), rds] }));
    expect(text).toContain('> **Applying the code now: database `aws_db_instance.rds_main` would be REPLACED (destroyed and created again).**');
  });
});

describe('syncDriftIssues', () => {
  const github = new GitHubStandIn();
  beforeAll(() => github.start());
  afterAll(() => github.stop());
  beforeEach(() => github.reset());
  const options = (token = 'app-t0ken') => ({ apiUrl: github.url, token, repository: 'owner/repo', runUrl: 'https://github.test/run/2' });

  it('opens one labelled issue for a drifted stack, and none for a clean one', async () => {
    const outcomes = await syncDriftIssues([drifted, clean], options());
    expect(outcomes).toEqual([
      { stack: 'production', action: 'opened', issue: expect.any(Number) },
      { stack: 'staging', action: 'none' },
    ]);
    expect(github.issues).toHaveLength(1);
    expect(github.issues[0]).toMatchObject({ title: 'Drift: production differs from its Terraform code', state: 'open', labels: [{ name: 'drift' }], user: { login: 'github-actions[bot]' } });
    expect(github.issues[0].body).toBe(renderDriftIssue(drifted, { runUrl: 'https://github.test/run/2' }));
  });

  it('updates that issue on the next run instead of opening another', async () => {
    await syncDriftIssues([drifted], options());
    const onlyOutside = { ...drifted, plan: { ...drifted.plan, changes: [] } };
    const outcomes = await syncDriftIssues([onlyOutside], options());
    expect(outcomes).toEqual([{ stack: 'production', action: 'updated', issue: github.issues[0].number }]);
    expect(github.issues).toHaveLength(1);
    expect(github.issues[0].body).toContain('None: the code matches the state');
  });

  it('comments and closes it when a later run finds no drift', async () => {
    await syncDriftIssues([drifted], options());
    const number = github.issues[0].number;
    const outcomes = await syncDriftIssues([{ ...clean, stack: 'production' }], options());
    expect(outcomes).toEqual([{ stack: 'production', action: 'closed', issue: number }]);
    expect(github.issues[0]).toMatchObject({ state: 'closed', state_reason: 'completed' });
    expect(github.commentsOf.get(number)?.map((c) => c.body)).toEqual(['The scheduled plan of `production` in [this run](https://github.test/run/2) is empty: no drift, nothing pending. Closing.']);
    // A new drift after that opens a new issue.
    expect((await syncDriftIssues([drifted], options()))[0].action).toBe('opened');
    expect(github.issues.map((i) => i.state)).toEqual(['closed', 'open']);
  });

  it('never takes over an issue someone else opened with the marker, nor a pull request', async () => {
    const planted = { title: 'x', body: `${driftMarker('production')}\nplanted`, state: 'open' as const, labels: [{ name: 'drift' }] };
    github.issues.push({ number: 1, ...planted, user: { login: 'mallory' } });
    github.issues.push({ number: 2, ...planted, user: { login: 'github-actions[bot]' }, pull_request: { url: 'pr' } });
    const outcomes = await syncDriftIssues([drifted], options());
    expect(outcomes[0].action).toBe('opened');
    expect(github.issues.slice(0, 2).map((i) => i.body)).toEqual([planted.body, planted.body]);
    // When the drift is gone it closes its own issue only.
    expect(await syncDriftIssues([{ ...clean, stack: 'production' }], options())).toEqual([{ stack: 'production', action: 'closed', issue: github.issues[2].number }]);
    expect(github.issues.map((i) => i.state)).toEqual(['open', 'open', 'closed']);
  });

  it('leaves the issue alone when the check failed', async () => {
    await syncDriftIssues([drifted], options());
    const before = JSON.stringify(github.issues);
    const requests = github.requests.length;
    expect(await syncDriftIssues([failedDrift('production', 'terraform plan failed (exit 1); see the job log')], options())).toEqual([{ stack: 'production', action: 'left alone' }]);
    expect(JSON.stringify(github.issues)).toBe(before);
    // Only the identity was looked up.
    expect(github.requests.slice(requests)).toEqual(['GET /user']);
  });
});

describe('readDriftReports', () => {
  it('reads each expected stack, and reports a missing one as a failed check', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'drift-report-'));
    try {
      writeFileSync(path.join(dir, 'production.json'), JSON.stringify(drifted));
      const [production, staging] = readDriftReports(dir, ['production', 'staging']);
      expect(production).toEqual(drifted);
      expect(staging).toMatchObject({ stack: 'staging', status: 'failed', message: 'no drift report: the check stopped before planning (see the workflow run)' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
