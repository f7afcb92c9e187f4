/**
 * The cost estimate of the real offline plans of the shipped stacks (made once by
 * the global setup), with the committed catalogue and usage files. The expected
 * totals are worked out by hand from the catalogue entries and usage values named
 * in the comments; a month is 730 hours.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadCatalogue } from '../../cost/prices/catalogue';
import { Estimate, estimate } from '../../cost/estimate';
import { plannedResources, TerraformPlanJson } from '../../cost/estimate/plan';
import { main, usageFor } from '../../cost/commands/estimate';
import { planFromSynthesized } from '../support/cost';
import { ENVIRONMENT_STACKS, loadPlan, loadSynthesized, PLANNED_STACKS, PlannedStack } from '../support/terraform/plans';
import { registryPipelineEnvironments } from '../support/helpers';

const catalogue = loadCatalogue();

function planJson(stack: PlannedStack): TerraformPlanJson {
  return loadPlan(stack).plan as unknown as TerraformPlanJson;
}

function estimateOf(stack: PlannedStack, plan: TerraformPlanJson): Estimate {
  // A usage file is optional (README): without one every usage-based quantity is 0, as npm run cost does.
  return estimate({ stack, resources: plannedResources(plan), catalogue, usage: usageFor(stack, undefined, []) });
}

function unpriced(e: Estimate): string[] {
  return e.lines.filter((l) => l.status === 'unpriced').map((l) => `${l.address} ${l.priceKey}`);
}

// Catalogue prices (USD): nat_gateway.hour 0.059, public_ipv4.in_use.hour 0.005,
// rds.postgres.db.t3.micro.single_az.hour 0.028, elasticache.redis.cache.t3.micro.hour 0.025,
// elasticache.redis.cache.t3.small.hour 0.05, cloudwatch.logs.ingestion.gb 0.67,
// cloudwatch.logs.vended_ingestion.gb 0.67, cloudwatch.logs.storage.gb_month 0.033,
// cloudwatch.alarm.standard.month 0.10, secretsmanager.secret.month 0.40, secretsmanager.api.per_10k 0.05,
// fargate.linux_x86.vcpu.hour 0.04856, fargate.linux_x86.gb.hour 0.00532, alb.hour 0.0252,
// data_transfer.out_internet.first_10tb.gb 0.114.
const NAT = 730 * 0.059; // 43.07
const IPV4 = 730 * 0.005; // 3.65
/** One Fargate task running all month. */
const task = (vcpu: number, gb: number) => 730 * (vcpu * 0.04856 + gb * 0.00532);
/** A log group with `gb` a month ingested, kept `days`. */
const logGroup = (gb: number, days: number) => gb * 0.67 + ((gb * days * 24) / 730) * 0.033;
/** Enhanced monitoring every 60 s at 4 KB a sample (usage files): 43,800 samples = 0.16708 GB ingested. */
const MONITORING = (((730 * 3600) / 60) * 4 * 0.67) / 1048576;
/** A 7-day log group holding `gb` a month of ingestion: gb × 7 / (730 / 24) GB stored. */
const storage7 = (gb: number) => ((gb * 7 * 24) / 730) * 0.033;

describe('estimates of the shipped stacks from their offline plans', () => {
  it('staging: the whole platform on one NAT gateway', () => {
    const e = estimateOf('staging', planJson('staging'));
    const expected =
      NAT + IPV4 + // one NAT gateway and its Elastic IP
      730 * 0.028 + MONITORING + 0.5 * 0.67 + 0.4 + // RDS db.t3.micro Single-AZ, monitoring, 0.5 GB exported logs, managed secret
      730 * 0.025 + // Redis, 1 × cache.t3.micro
      2 * (0.5 * 0.67 + storage7(0.5)) + // Redis slow and engine logs, 0.5 GB each
      task(0.5, 1) + task(0.25, 0.5) + // backend and frontend, one task each
      logGroup(2, 7) + logGroup(0.5, 7) + // container logs: backend 2 GB, frontend 0.5 GB
      logGroup(0.5, 30) + // ECS Exec sessions, 30-day group (the log-group default of 0.5 GB: an upper bound)
      730 * 0.0252 + 2 * IPV4 + 10 * 0.114 + // ALB hours, a public IPv4 per AZ, 10 GB out
      9 * 0.1 + // RDS, Redis and ALB alarms
      8 * 0.1 + 3 + // monitoring: ECS, ALB 5xx and RDS memory alarms, and the dashboard (cloudwatch.dashboard.month 3.00)
      0.4 + (2000 / 10000) * 0.05; // application secret and its API calls
    expect(e.totals.monthly).toBeCloseTo(expected, 10);
    expect(e.totals.monthly).toBeCloseTo(153.34, 2);
    expect(e.totals.monthlyMax).toBe(e.totals.monthly);
    expect(unpriced(e)).toEqual([
      'aws_db_instance.rds_main rds.storage.gp3.single_az.gb_month',
      'aws_db_instance.rds_main rds.backup_storage.gb_month',
      'aws_kms_key.monitoring_alarms null',
      'aws_lb.alb_main alb.lcu.hour',
      'aws_nat_gateway.vpc_main_1 nat_gateway.gb_processed',
    ]);
  });

  it('production: three AZs, Multi-AZ RDS, an autoscaled backend', () => {
    const e = estimateOf('production', planJson('production'));
    const expected =
      3 * (NAT + IPV4) + // one NAT gateway and Elastic IP per AZ
      15 * 0.67 + storage7(15) + // flow logs, 15 GB, and their 7-day group; the S3 gateway endpoint is free
      MONITORING + 3 * 0.67 + 0.4 + // RDS monitoring, 3 GB exported logs, managed secret (instance and storage unpriced)
      2 * 730 * 0.05 + // Redis, 2 × cache.t3.small
      2 * (0.67 + storage7(1)) + // Redis slow and engine logs, 1 GB each
      2 * task(1, 2) + 2 * task(0.5, 1) + // backend and frontend, two tasks each
      logGroup(10, 30) + logGroup(1, 30) + // container logs: backend 10 GB, frontend 1 GB, 30 days
      730 * 0.0252 + 3 * IPV4 + 50 * 0.114 + // ALB hours, a public IPv4 per AZ, 50 GB out
      (3 + 3 * 2 + 3) * 0.1 + // RDS and ALB alarms; Redis alarms watch both nodes, one alarm metric per node
      (6 + 2 + 2) * 0.1 + 3 + // monitoring: ECS, ALB 5xx, RDS memory and Redis lag (2 nodes) alarms, and the dashboard
      2 * (0.4 + (5000 / 10000) * 0.05); // application secret and Redis AUTH secret, with API calls
    expect(e.totals.monthly).toBeCloseTo(expected, 10);
    expect(e.totals.monthly).toBeCloseTo(405.67, 2);
    // the backend autoscales from 2 to 10 tasks
    expect(e.totals.monthlyMax).toBeCloseTo(expected + 8 * task(1, 2), 10);
    expect(e.totals.monthlyMax).toBeCloseTo(751.4, 2);
    expect(unpriced(e)).toEqual([
      'aws_db_instance.rds_main rds.postgres.db.t3.small.multi_az.hour',
      'aws_db_instance.rds_main rds.storage.gp3.multi_az.gb_month',
      'aws_db_instance.rds_main rds.backup_storage.gb_month',
      'aws_ecs_cluster.ecs_main cloudwatch.container_insights.metric_month',
      'aws_kms_key.monitoring_alarms null',
      'aws_lb.alb_main alb.lcu.hour',
      'aws_nat_gateway.vpc_main_1 nat_gateway.gb_processed',
      'aws_nat_gateway.vpc_main_2 nat_gateway.gb_processed',
      'aws_nat_gateway.vpc_main_3 nat_gateway.gb_processed',
    ]);
    // The Multi-AZ instance is not priced at the Single-AZ rate (0.056).
    expect(e.lines.some((l) => l.unitPrice === 0.056)).toBe(false);
  });

  it('bootstrap: state bucket, access-log bucket and lock table', () => {
    const e = estimateOf('bootstrap', planJson('bootstrap'));
    // state and access-log buckets 1 GB each × s3.standard.gb_month 0.025; lock table 0.001 GB × dynamodb.storage.gb_month 0.285
    expect(e.totals.monthly).toBeCloseTo(2 * 0.025 + 0.001 * 0.285, 10);
    // Unpriced: the lock table's requests and backups, the keys (one per environment of the registry too) and the trail's data events.
    expect([...unpriced(e)].sort()).toEqual(
      [
        'aws_cloudtrail.bootstrap_state_access_trail null',
        'aws_dynamodb_table.bootstrap_locks dynamodb.on_demand.write.per_million',
        'aws_dynamodb_table.bootstrap_locks dynamodb.on_demand.read.per_million',
        'aws_dynamodb_table.bootstrap_locks dynamodb.pitr.gb_month',
        'aws_kms_key.bootstrap_state null',
        'aws_kms_key.bootstrap_state_access_log null',
        ...registryPipelineEnvironments().map((env) => `aws_kms_key.bootstrap_pipeline_${env.name}_state null`),
      ].sort(),
    );
  });

  it.each(PLANNED_STACKS)('%s: accounts for every planned resource, priced or free', (stack) => {
    const plan = planJson(stack);
    const e = estimateOf(stack, plan);
    const accounted = new Set([...e.lines.map((l) => l.address), ...e.free.map((f) => f.address)]);
    expect([...accounted].sort()).toEqual(plan.planned_values!.root_module!.resources!.map((r) => r.address).sort());
  });

  it.each(ENVIRONMENT_STACKS)('%s: lists the rotation redeploy (rule, target, state machine, roles) as free, not as cost lines', (stack) => {
    const e = estimateOf(stack, planJson(stack));
    expect(e.lines.filter((l) => l.address.includes('.rotation_'))).toEqual([]);
    expect(e.free.filter((f) => f.address.includes('.rotation_')).map((f) => f.resourceType).sort()).toEqual([
      'aws_cloudwatch_event_rule',
      'aws_cloudwatch_event_target',
      'aws_iam_role',
      'aws_iam_role',
      'aws_iam_role_policy',
      'aws_iam_role_policy',
      'aws_sfn_state_machine',
    ]);
  });

  it.each(PLANNED_STACKS)('%s: the plan-shaped view of the synthesized stack prices exactly like the real plan', (stack) => {
    // The config-change tests (__tests__/cost/estimate/index.test.ts) rely on this view instead of running Terraform.
    const summary = (e: Estimate) => e.lines.map((l) => ({ address: l.address, description: l.description, quantity: l.quantity, monthly: l.monthly, status: l.status }));
    const real = estimateOf(stack, planJson(stack));
    const view = estimateOf(stack, planFromSynthesized(JSON.parse(loadSynthesized(stack))));
    expect(summary(view)).toEqual(summary(real));
    expect(view.free).toEqual(real.free);
  });
});

describe('npm run cost -- <stack> --plan <file> --markdown on the real plan (the CI contract)', () => {
  it('writes the pull-request summary', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cost-plan-'));
    try {
      const file = path.join(dir, 'plan.json');
      writeFileSync(file, JSON.stringify(planJson('production')));
      let stdout = '';
      const code = await main(['production', '--plan', file, '--markdown'], (s) => (stdout += s), () => undefined);
      expect(code).toBe(0);
      expect(stdout).toMatch(/^#### Cost estimate: `production` \$405\.67\/month \(autoscaling \$405\.67 to \$751\.40\)\n/);
      expect(stdout).toContain('| `aws_flow_log.vpc_main` | $10.05 |');
      expect(stdout).toContain('| `aws_db_instance.rds_main` ¹ | $2.52 |');
      expect(stdout).toContain('| `aws_ecs_service.ecs_backend` | $86.43 |');
      expect(stdout).toContain('<details><summary>¹ 9 unpriced lines (no known price, not in the total)</summary>');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('npm run cost in a 120-column terminal, on the real plans', () => {
  const widest = (text: string) => Math.max(...text.split('\n').map((l) => [...l].length));
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'cost-terminal-'));
    for (const stack of ['staging', 'production'] as const) writeFileSync(path.join(dir, `${stack}.json`), JSON.stringify(planJson(stack)));
    process.env.COLUMNS = '120';
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const cost = async (...argv: string[]) => {
    let stdout = '';
    const code = await main(argv, (s) => (stdout += s), () => undefined);
    return { code, stdout, lines: stdout.split('\n') };
  };

  it('cost: the total in the first lines, no line wider than 120, sources only counted', async () => {
    const { code, stdout, lines } = await cost('production', '--plan', path.join(dir, 'production.json'));
    expect(code).toBe(0);
    expect(lines.slice(0, 5).join('\n')).toContain('Cost estimate for production: $405.67 a month (autoscaling: $405.67 to $751.40); 9 unpriced lines not included.');
    expect(widest(stdout)).toBeLessThanOrEqual(120);
    expect(stdout).toMatch(/\n\d+ price sources \(--sources lists them\)\.\n$/);
    expect(widest((await cost('production', '--plan', path.join(dir, 'production.json'), '--sources')).stdout)).toBeLessThanOrEqual(120);
  });

  it('cost --compare: both totals in the first lines, then only what differs, no line wider than 120', async () => {
    const { code, stdout, lines } = await cost('staging', '--plan', path.join(dir, 'staging.json'), '--compare', 'production', '--compare-plan', path.join(dir, 'production.json'));
    expect(code).toBe(0);
    expect(lines.slice(0, 5).join('\n')).toMatch(/Monthly cost, staging vs production: \$[\d,.]+ vs \$405\.67 \(\+\$[\d,.]+\); \d+ resources differ\./);
    expect(widest(stdout)).toBeLessThanOrEqual(120);
    expect(stdout).not.toContain('Cost estimate for');
    // A row that costs the same on both sides is not listed: every listed row shows a difference or a missing side.
    const rows = stdout.split('\n').filter((l) => /^│ aws_/.test(l));
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row).toMatch(/│ - +│|│ [+-]\$[\d,.]+ +│/);
    expect(stdout).toMatch(/\n\d+ other resources cost the same on both sides \(--all lists them\)\.\n$/);
  });
});
