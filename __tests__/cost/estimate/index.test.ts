/**
 * The cost estimator on hand-made plans: every expected figure is a unit price
 * times a quantity worked out by hand in the test (730 hours a month), with the
 * prices of a small test catalogue, so the tests do not move when the committed
 * catalogue is refreshed.
 */
import { readFileSync } from 'node:fs';
import { loadCatalogue } from '../../../cost/prices/catalogue';
import { CostLine, Estimate, estimate } from '../../../cost/estimate';
import { plannedResources, priorResources, TerraformPlanJson } from '../../../cost/estimate/plan';
import { compareEstimates } from '../../../cost/report';
import { parseUsage, Usage } from '../../../cost/estimate/usage';
import { ALL_TYPES_PLAN, HandResource, planFromSynthesized, planOf, testCatalogue } from '../../support/cost';
import { synthEnvironment } from '../../support/helpers';

const PRICES: Record<string, number | null> = {
  'rds.postgres.db.t3.micro.single_az.hour': 0.028,
  'rds.postgres.db.t3.small.single_az.hour': 0.056,
  'rds.postgres.db.t3.small.multi_az.hour': 0.112,
  'rds.storage.gp3.single_az.gb_month': 0.138,
  'rds.storage.gp3.multi_az.gb_month': 0.276,
  'rds.backup_storage.gb_month': 0.095,
  'rds.performance_insights.retention_7d.month': 0,
  'elasticache.redis.cache.t3.small.hour': 0.05,
  'fargate.linux_x86.vcpu.hour': 0.04856,
  'fargate.linux_x86.gb.hour': 0.00532,
  'alb.hour': 0.0252,
  'alb.lcu.hour': 0.008,
  'nat_gateway.hour': 0.059,
  'nat_gateway.gb_processed': 0.059,
  'public_ipv4.in_use.hour': 0.005,
  'vpc_endpoint.gateway.s3.hour': 0,
  'vpc_endpoint.interface.hour_per_az': 0.013,
  'vpc_endpoint.interface.gb_processed': 0.01,
  'cloudwatch.logs.ingestion.gb': 0.67,
  'cloudwatch.logs.vended_ingestion.gb': 0.67,
  'cloudwatch.logs.storage.gb_month': 0.033,
  'cloudwatch.alarm.standard.month': 0.1,
  'cloudwatch.alarm.high_resolution.month': 0.3,
  'cloudwatch.dashboard.month': 3,
  'cloudwatch.container_insights.metric_month': null,
  'secretsmanager.secret.month': 0.4,
  'secretsmanager.api.per_10k': 0.05,
  's3.standard.gb_month': 0.025,
  'dynamodb.on_demand.write.per_million': 1.25,
  'dynamodb.on_demand.read.per_million': 0.25,
  'dynamodb.storage.gb_month': 0.285,
  'dynamodb.pitr.gb_month': 0.228,
  'data_transfer.out_internet.first_10tb.gb': 0.114,
};
const CATALOGUE = testCatalogue(PRICES);

function usage(doc: Record<string, unknown>): Usage {
  return parseUsage({ version: 1, ...doc }, 'test.yaml');
}

function run(resources: readonly HandResource[], opts: { usage?: Usage; catalogue?: ReturnType<typeof testCatalogue> } = {}): Estimate {
  return estimate({ stack: 'test', resources: plannedResources(planOf(resources)), catalogue: opts.catalogue ?? CATALOGUE, usage: opts.usage });
}

function linesOf(e: Estimate, address: string): CostLine[] {
  return e.lines.filter((l) => l.address === address);
}

function line(e: Estimate, address: string, description: RegExp): CostLine {
  const found = linesOf(e, address).filter((l) => description.test(l.description));
  if (found.length !== 1) throw new Error(`expected one line of ${address} matching ${description}; got ${found.map((l) => l.description).join(' | ') || 'none'}`);
  return found[0];
}

const postgres = (address: string, values: Record<string, unknown>): HandResource => ({
  address,
  values: { engine: 'postgres', storage_type: 'gp3', backup_retention_period: 0, monitoring_interval: 0, performance_insights_enabled: false, ...values },
});

describe('RDS', () => {
  it('prices a Single-AZ instance: instance hours and storage', () => {
    const e = run([postgres('aws_db_instance.rds_main', { instance_class: 'db.t3.micro', multi_az: false, allocated_storage: 20 })]);
    // 0.028 × 730 = 20.44; 20 GB × 0.138 = 2.76
    expect(line(e, 'aws_db_instance.rds_main', /^Instance hours/)).toMatchObject({
      priceKey: 'rds.postgres.db.t3.micro.single_az.hour',
      quantity: 730,
      unitPrice: 0.028,
      status: 'priced',
    });
    expect(line(e, 'aws_db_instance.rds_main', /^Instance hours/).monthly).toBeCloseTo(20.44, 10);
    expect(line(e, 'aws_db_instance.rds_main', /^Storage/).monthly).toBeCloseTo(2.76, 10);
    expect(e.totals.monthly).toBeCloseTo(23.2, 10);
  });

  it('prices a Multi-AZ instance at the Multi-AZ rates, with storage autoscaling as a range', () => {
    const e = run([
      postgres('aws_db_instance.rds_main', {
        instance_class: 'db.t3.small',
        multi_az: true,
        allocated_storage: 50,
        max_allocated_storage: 100,
        performance_insights_enabled: true,
        performance_insights_retention_period: 7,
      }),
    ]);
    // 0.112 × 730 = 81.76 (the Single-AZ 0.056 would give 40.88); 50 GB × 0.276 = 13.80, up to 100 GB = 27.60
    const hours = line(e, 'aws_db_instance.rds_main', /^Instance hours/);
    expect(hours.priceKey).toBe('rds.postgres.db.t3.small.multi_az.hour');
    expect(hours.monthly).toBeCloseTo(81.76, 10);
    const storage = line(e, 'aws_db_instance.rds_main', /^Storage/);
    expect(storage.priceKey).toBe('rds.storage.gp3.multi_az.gb_month');
    expect(storage.monthly).toBeCloseTo(13.8, 10);
    expect(storage.range?.maxMonthly).toBeCloseTo(27.6, 10);
    expect(line(e, 'aws_db_instance.rds_main', /Performance Insights/).monthly).toBe(0);
    expect(e.totals.monthly).toBeCloseTo(95.56, 10);
    expect(e.totals.monthlyMax).toBeCloseTo(81.76 + 27.6, 10);
  });

  it('turning Multi-AZ on moves the instance from the Single-AZ to the Multi-AZ price', () => {
    const at = (multiAz: boolean) =>
      run([postgres('aws_db_instance.rds_main', { instance_class: 'db.t3.small', multi_az: multiAz, allocated_storage: 50 })]).totals.monthly;
    // Single: 0.056 × 730 + 50 × 0.138 = 40.88 + 6.90; Multi: 0.112 × 730 + 50 × 0.276 = 81.76 + 13.80
    expect(at(false)).toBeCloseTo(47.78, 10);
    expect(at(true)).toBeCloseTo(95.56, 10);
  });

  it('shows a Multi-AZ instance as unpriced when only the Single-AZ price is known, never at the Single-AZ rate', () => {
    const catalogue = testCatalogue({ ...PRICES, 'rds.postgres.db.t3.small.multi_az.hour': null });
    const e = run([postgres('aws_db_instance.rds_main', { instance_class: 'db.t3.small', multi_az: true, allocated_storage: 50 })], { catalogue });
    const hours = line(e, 'aws_db_instance.rds_main', /^Instance hours/);
    expect(hours).toMatchObject({ status: 'unpriced', monthly: null, unitPrice: null, priceKey: 'rds.postgres.db.t3.small.multi_az.hour' });
    expect(hours.reason).toBe('price unknown (rds.postgres.db.t3.small.multi_az.hour): test: no price for rds.postgres.db.t3.small.multi_az.hour');
    // Only the Multi-AZ storage (13.80) is in the total; 40.88 (Single-AZ hours) is not.
    expect(e.totals.monthly).toBeCloseTo(13.8, 10);
    expect(e.totals.unpricedLines).toBe(1);
  });

  it('uses the committed catalogue the same way: its Multi-AZ db.t3.small price is unknown, so the line is unpriced', () => {
    const e = run([postgres('aws_db_instance.rds_main', { instance_class: 'db.t3.small', multi_az: true, allocated_storage: 50 })], { catalogue: loadCatalogue() });
    const hours = line(e, 'aws_db_instance.rds_main', /^Instance hours/);
    expect(hours.status).toBe('unpriced');
    expect(hours.reason).toMatch(/^price unknown \(rds\.postgres\.db\.t3\.small\.multi_az\.hour\): Not found/);
    expect(e.lines.some((l) => l.unitPrice === 0.056)).toBe(false);
  });

  it('prices backups beyond the free amount, enhanced monitoring, exported logs and an RDS-managed secret from usage and attributes', () => {
    const e = run(
      [
        postgres('aws_db_instance.rds_main', {
          instance_class: 'db.t3.micro',
          allocated_storage: 20,
          backup_retention_period: 7,
          monitoring_interval: 60,
          manage_master_user_password: true,
          enabled_cloudwatch_logs_exports: ['postgresql', 'upgrade'],
        }),
      ],
      {
        usage: usage({
          resource_type_default_usage: { aws_db_instance: { additional_backup_storage_gb: 10, enhanced_monitoring_kb_per_sample: 4, monthly_exported_logs_gb: 2 } },
        }),
      },
    );
    // exported logs: 2 GB × 0.67 = 1.34
    expect(line(e, 'aws_db_instance.rds_main', /^Exported logs \(postgresql, upgrade\)/).monthly).toBeCloseTo(1.34, 10);
    // backups: 10 GB × 0.095 = 0.95
    expect(line(e, 'aws_db_instance.rds_main', /^Backup storage/).monthly).toBeCloseTo(0.95, 10);
    // monitoring: 730 × 3600 / 60 = 43,800 samples × 4 KB = 175,200 KB = 0.167084 GB × 0.67
    const monitoring = line(e, 'aws_db_instance.rds_main', /^Enhanced monitoring/);
    expect(monitoring.quantity).toBeCloseTo(175200 / 1048576, 10);
    expect(monitoring.monthly).toBeCloseTo((175200 / 1048576) * 0.67, 10);
    expect(line(e, 'aws_db_instance.rds_main', /Master password secret/).monthly).toBeCloseTo(0.4, 10);
  });

  it('prices a read replica at its own class with the storage of its source', () => {
    const e = run([
      postgres('aws_db_instance.rds_main', { instance_class: 'db.t3.small', multi_az: false, allocated_storage: 50 }),
      { address: 'aws_db_instance.rds_replica', values: { instance_class: 'db.t3.micro', replicate_source_db: 'primary', storage_type: 'gp3' }, refs: { replicate_source_db: ['aws_db_instance.rds_main'] } },
    ]);
    // 0.028 × 730 = 20.44; 50 GB (from the source) × 0.138 = 6.90
    expect(line(e, 'aws_db_instance.rds_replica', /^Instance hours/).monthly).toBeCloseTo(20.44, 10);
    expect(line(e, 'aws_db_instance.rds_replica', /^Storage/)).toMatchObject({ quantity: 50 });
    expect(line(e, 'aws_db_instance.rds_replica', /^Storage/).monthly).toBeCloseTo(6.9, 10);
  });
});

describe('ElastiCache', () => {
  it('prices node type × num_cache_clusters', () => {
    const e = run([{ address: 'aws_elasticache_replication_group.redis_main', values: { engine: 'redis', node_type: 'cache.t3.small', num_cache_clusters: 2 } }]);
    // 2 nodes × 730 h × 0.05 = 73.00
    expect(line(e, 'aws_elasticache_replication_group.redis_main', /Cache nodes/)).toMatchObject({ quantity: 1460, unitPrice: 0.05 });
    expect(e.totals.monthly).toBeCloseTo(73, 10);
  });

  it('counts shards × (replicas + 1) in cluster mode', () => {
    const e = run([
      { address: 'aws_elasticache_replication_group.redis_main', values: { engine: 'redis', node_type: 'cache.t3.small', num_node_groups: 2, replicas_per_node_group: 1 } },
    ]);
    expect(e.totals.monthly).toBeCloseTo(4 * 730 * 0.05, 10);
  });
});

describe('ECS on Fargate', () => {
  const taskDefs: HandResource[] = [
    { address: 'aws_ecs_task_definition.ecs_backend', values: { family: 'p-backend', cpu: '1024', memory: '2048', requires_compatibilities: ['FARGATE'] } },
    { address: 'aws_ecs_task_definition.ecs_frontend', values: { family: 'p-frontend', cpu: '512', memory: '1024', requires_compatibilities: ['FARGATE'] } },
  ];
  const service = (name: string, desired: number, extra: Record<string, unknown> = {}): HandResource => ({
    address: `aws_ecs_service.ecs_${name}`,
    values: { name: `p-${name}`, launch_type: 'FARGATE', desired_count: desired, scheduling_strategy: 'REPLICA', network_configuration: [{ assign_public_ip: false }], ...extra },
    refs: { task_definition: [`aws_ecs_task_definition.ecs_${name}`], cluster: ['aws_ecs_cluster.ecs_main'] },
  });
  const cluster: HandResource = { address: 'aws_ecs_cluster.ecs_main', values: { name: 'p-cluster', setting: [{ name: 'containerInsights', value: 'disabled' }] } };

  it('prices task vCPU and memory × desired count', () => {
    const e = run([...taskDefs, cluster, service('frontend', 2)]);
    // 2 tasks × 0.5 vCPU × 730 h × 0.04856 = 35.4488; 2 × 1 GB × 730 × 0.00532 = 7.7672
    expect(line(e, 'aws_ecs_service.ecs_frontend', /vCPU/)).toMatchObject({ quantity: 730, unit: 'vCPU-hours' });
    expect(line(e, 'aws_ecs_service.ecs_frontend', /vCPU/).monthly).toBeCloseTo(35.4488, 10);
    expect(line(e, 'aws_ecs_service.ecs_frontend', /memory/).monthly).toBeCloseTo(7.7672, 10);
    expect(e.totals.monthly).toBeCloseTo(43.216, 10);
    expect(e.free.map((f) => f.address)).toEqual(['aws_ecs_cluster.ecs_main', 'aws_ecs_task_definition.ecs_backend', 'aws_ecs_task_definition.ecs_frontend']);
  });

  it('shows minimum and maximum monthly cost for an autoscaled service', () => {
    const target: HandResource = {
      address: 'aws_appautoscaling_target.ecs_backend',
      values: { service_namespace: 'ecs', scalable_dimension: 'ecs:service:DesiredCount', resource_id: 'service/p-cluster/p-backend', min_capacity: 2, max_capacity: 10 },
    };
    const e = run([...taskDefs, cluster, service('backend', 2), target]);
    // per task: 1 vCPU × 730 × 0.04856 = 35.4488 and 2 GB × 730 × 0.00532 = 7.7672, i.e. 43.216
    expect(e.totals.monthly).toBeCloseTo(2 * 43.216, 10);
    expect(e.totals.monthlyMin).toBeCloseTo(2 * 43.216, 10);
    expect(e.totals.monthlyMax).toBeCloseTo(10 * 43.216, 10);
    expect(line(e, 'aws_ecs_service.ecs_backend', /vCPU/).range).toEqual({ minQuantity: 1460, maxQuantity: 7300, minMonthly: expect.closeTo(70.8976, 8), maxMonthly: expect.closeTo(354.488, 8) });
    expect(line(e, 'aws_ecs_service.ecs_backend', /vCPU/).description).toBe('Fargate vCPU (2 tasks × 1 vCPU, Linux/x86; autoscaling 2-10 tasks)');
  });

  it('finds the scaling target through its resource_id references too', () => {
    const target: HandResource = {
      address: 'aws_appautoscaling_target.ecs_backend',
      values: { service_namespace: 'ecs', min_capacity: 1, max_capacity: 3 },
      refs: { resource_id: ['aws_ecs_cluster.ecs_main', 'aws_ecs_service.ecs_backend'] },
    };
    const e = run([...taskDefs, cluster, service('backend', 1), target]);
    expect(e.totals.monthlyMax).toBeCloseTo(3 * 43.216, 10);
  });

  it('adds a public IPv4 address per task when tasks get public IPs', () => {
    const e = run([...taskDefs, cluster, service('frontend', 2, { network_configuration: [{ assign_public_ip: true }] })]);
    // 2 × 730 × 0.005 = 7.30
    expect(line(e, 'aws_ecs_service.ecs_frontend', /Public IPv4/).monthly).toBeCloseTo(7.3, 10);
  });

  it('leaves Fargate Spot, EC2 and daemon services unpriced with the reason', () => {
    const e = run([
      ...taskDefs,
      cluster,
      service('backend', 1, { launch_type: null, capacity_provider_strategy: [{ capacity_provider: 'FARGATE_SPOT', weight: 1 }] }),
      service('frontend', 1, { launch_type: 'EC2' }),
    ]);
    expect(linesOf(e, 'aws_ecs_service.ecs_backend')).toEqual([expect.objectContaining({ status: 'unpriced', reason: expect.stringMatching(/capacity providers FARGATE_SPOT/) })]);
    expect(linesOf(e, 'aws_ecs_service.ecs_frontend')).toEqual([expect.objectContaining({ status: 'unpriced', reason: expect.stringMatching(/launch_type EC2/) })]);
  });

  it('shows Container Insights metrics as a line of the cluster (unpriced while its price is unknown)', () => {
    const e = run([{ address: 'aws_ecs_cluster.ecs_main', values: { name: 'p', setting: [{ name: 'containerInsights', value: 'enabled' }] } }], {
      usage: usage({ resource_type_default_usage: { aws_ecs_cluster: { container_insights_metrics: 40 } } }),
    });
    expect(linesOf(e, 'aws_ecs_cluster.ecs_main')).toEqual([
      expect.objectContaining({ quantity: 40, status: 'unpriced', priceKey: 'cloudwatch.container_insights.metric_month' }),
    ]);
  });
});

describe('load balancer, NAT and public IPv4', () => {
  const alb: HandResource = {
    address: 'aws_lb.alb_main',
    values: { load_balancer_type: 'application', internal: false },
    refs: { subnets: ['aws_subnet.vpc_public_1', 'aws_subnet.vpc_public_2'] },
  };
  const subnets: HandResource[] = [
    { address: 'aws_subnet.vpc_public_1', values: { cidr_block: '10.0.1.0/24' } },
    { address: 'aws_subnet.vpc_public_2', values: { cidr_block: '10.0.2.0/24' } },
  ];

  it('prices ALB hours, LCUs and egress from usage, and one public IPv4 per subnet it spans', () => {
    const e = run([...subnets, alb], { usage: usage({ resource_type_default_usage: { aws_lb: { lcu_per_hour: 1, monthly_data_transfer_out_gb: 50 } } }) });
    // 730 × 0.0252 = 18.396; 1 LCU × 730 × 0.008 = 5.84; 2 IPs × 730 × 0.005 = 7.30; 50 GB × 0.114 = 5.70
    expect(line(e, 'aws_lb.alb_main', /hours/).monthly).toBeCloseTo(18.396, 10);
    expect(line(e, 'aws_lb.alb_main', /capacity units/).monthly).toBeCloseTo(5.84, 10);
    expect(line(e, 'aws_lb.alb_main', /Public IPv4/)).toMatchObject({ quantity: 1460 });
    expect(line(e, 'aws_lb.alb_main', /Public IPv4/).quantityFrom).toMatch(/subnets references aws_subnet\.vpc_public_1, aws_subnet\.vpc_public_2/);
    expect(line(e, 'aws_lb.alb_main', /Data transfer/).monthly).toBeCloseTo(5.7, 10);
    expect(e.totals.monthly).toBeCloseTo(18.396 + 5.84 + 7.3 + 5.7, 10);
  });

  it('gives an internal load balancer no public IPv4 addresses', () => {
    const e = run([...subnets, { ...alb, values: { load_balancer_type: 'application', internal: true } }]);
    expect(linesOf(e, 'aws_lb.alb_main').map((l) => l.description)).toEqual(['Application load balancer hours', 'Load balancer capacity units (0 LCU average)']);
  });

  it('prices a NAT gateway by the hour and GB processed, and its Elastic IP as a public IPv4 address', () => {
    const e = run(
      [
        { address: 'aws_eip.vpc_nat_1', values: { domain: 'vpc' } },
        { address: 'aws_nat_gateway.vpc_main_1', values: { connectivity_type: 'public' }, refs: { allocation_id: ['aws_eip.vpc_nat_1'] } },
      ],
      { usage: usage({ resource_type_default_usage: { aws_nat_gateway: { monthly_data_processed_gb: 100 } } }) },
    );
    // 730 × 0.059 = 43.07; 100 GB × 0.059 = 5.90; 730 × 0.005 = 3.65
    expect(line(e, 'aws_nat_gateway.vpc_main_1', /hours/).monthly).toBeCloseTo(43.07, 10);
    expect(line(e, 'aws_nat_gateway.vpc_main_1', /data processed/)).toMatchObject({ quantity: 100 });
    expect(line(e, 'aws_nat_gateway.vpc_main_1', /data processed/).monthly).toBeCloseTo(5.9, 10);
    expect(line(e, 'aws_eip.vpc_nat_1', /Public IPv4/).monthly).toBeCloseTo(3.65, 10);
    expect(e.totals.monthly).toBeCloseTo(52.62, 10);
  });

  it('makes a gateway endpoint free (priced at 0 with its source) and an interface endpoint cost per AZ-hour', () => {
    const e = run([
      ...subnets,
      { address: 'aws_vpc_endpoint.vpc_s3', values: { service_name: 'com.amazonaws.ap-southeast-2.s3', vpc_endpoint_type: 'Gateway' } },
      {
        address: 'aws_vpc_endpoint.vpc_ecr',
        values: { service_name: 'com.amazonaws.ap-southeast-2.ecr.dkr', vpc_endpoint_type: 'Interface' },
        refs: { subnet_ids: ['aws_subnet.vpc_public_1', 'aws_subnet.vpc_public_2'] },
      },
    ]);
    expect(linesOf(e, 'aws_vpc_endpoint.vpc_s3')).toEqual([expect.objectContaining({ monthly: 0, status: 'priced', priceKey: 'vpc_endpoint.gateway.s3.hour' })]);
    // 2 AZs × 730 × 0.013 = 18.98
    expect(line(e, 'aws_vpc_endpoint.vpc_ecr', /in 2 AZs/).monthly).toBeCloseTo(18.98, 10);
  });
});

describe('CloudWatch, Secrets Manager, S3 and DynamoDB', () => {
  it('prices log ingestion from usage and storage over the retention period', () => {
    const e = run([{ address: 'aws_cloudwatch_log_group.ecs_backend', values: { name: '/ecs/p/backend', retention_in_days: 30 } }], {
      usage: usage({ resource_usage: { 'aws_cloudwatch_log_group.ecs_backend': { monthly_data_ingested_gb: 10 } } }),
    });
    // 10 GB × 0.67 = 6.70; stored 10 GB × 30 days / (730 / 24 = 30.4167 days) = 9.8630 GB × 0.033 = 0.32548
    expect(line(e, 'aws_cloudwatch_log_group.ecs_backend', /ingestion/).monthly).toBeCloseTo(6.7, 10);
    expect(line(e, 'aws_cloudwatch_log_group.ecs_backend', /storage/).quantity).toBeCloseTo((10 * 30 * 24) / 730, 10);
    expect(line(e, 'aws_cloudwatch_log_group.ecs_backend', /storage/).monthly).toBeCloseTo(((10 * 30 * 24) / 730) * 0.033, 10);
  });

  it('needs storage_gb for a group that never expires, and says so', () => {
    const e = run([{ address: 'aws_cloudwatch_log_group.app', values: { name: '/app' } }]);
    expect(line(e, 'aws_cloudwatch_log_group.app', /storage/)).toMatchObject({ status: 'unpriced', reason: expect.stringMatching(/set storage_gb in the usage file/) });
  });

  it('prices flow-log ingestion on the flow log and only storage on its destination group', () => {
    const e = run(
      [
        { address: 'aws_cloudwatch_log_group.vpc_flow_logs', values: { name: '/aws/vpc/flow-logs/p', retention_in_days: 7 } },
        { address: 'aws_flow_log.vpc_main', values: { traffic_type: 'ALL', log_destination_type: 'cloud-watch-logs' }, refs: { log_destination: ['aws_cloudwatch_log_group.vpc_flow_logs'] } },
      ],
      { usage: usage({ resource_type_default_usage: { aws_flow_log: { monthly_data_ingested_gb: 15 }, aws_cloudwatch_log_group: { monthly_data_ingested_gb: 99 } } }) },
    );
    // 15 GB × 0.67 = 10.05; stored 15 × 7 / 30.4167 = 3.4521 GB × 0.033 = 0.11392
    expect(line(e, 'aws_flow_log.vpc_main', /vended/).monthly).toBeCloseTo(10.05, 10);
    expect(linesOf(e, 'aws_cloudwatch_log_group.vpc_flow_logs').map((l) => l.description)).toEqual(['Log storage (7-day retention)']);
    expect(line(e, 'aws_cloudwatch_log_group.vpc_flow_logs', /storage/).monthly).toBeCloseTo(((15 * 7 * 24) / 730) * 0.033, 10);
  });

  it('prices alarms per metric (high resolution under 60 s), dashboards, secrets, buckets and tables', () => {
    const e = run(
      [
        { address: 'aws_cloudwatch_metric_alarm.rds_cpu', values: { period: 300, metric_query: [] } },
        { address: 'aws_cloudwatch_metric_alarm.fast', values: { period: 10, metric_query: [] } },
        { address: 'aws_cloudwatch_dashboard.main', values: { dashboard_name: 'd' } },
        { address: 'aws_secretsmanager_secret.app_secrets', values: { name: 's' } },
        { address: 'aws_s3_bucket.state', values: { bucket: 'b' } },
        { address: 'aws_dynamodb_table.locks', values: { billing_mode: 'PAY_PER_REQUEST', point_in_time_recovery: [{ enabled: true }] } },
      ],
      {
        usage: usage({
          resource_type_default_usage: {
            aws_secretsmanager_secret: { monthly_api_requests: 5000 },
            aws_s3_bucket: { storage_gb: 2 },
            aws_dynamodb_table: { storage_gb: 1, monthly_write_request_units: 2_000_000, monthly_read_request_units: 4_000_000 },
          },
        }),
      },
    );
    expect(line(e, 'aws_cloudwatch_metric_alarm.rds_cpu', /standard/).monthly).toBeCloseTo(0.1, 10);
    expect(line(e, 'aws_cloudwatch_metric_alarm.fast', /high/).monthly).toBeCloseTo(0.3, 10);
    expect(line(e, 'aws_cloudwatch_dashboard.main', /Dashboard/).monthly).toBe(3);
    // 0.40 + 5,000 / 10,000 × 0.05 = 0.40 + 0.025
    expect(line(e, 'aws_secretsmanager_secret.app_secrets', /API/).monthly).toBeCloseTo(0.025, 10);
    // 2 GB × 0.025 = 0.05
    expect(line(e, 'aws_s3_bucket.state', /storage/).monthly).toBeCloseTo(0.05, 10);
    // 2 M × 1.25 = 2.50; 4 M × 0.25 = 1.00; 1 GB × 0.285; PITR 1 GB × 0.228
    expect(linesOf(e, 'aws_dynamodb_table.locks').map((l) => l.monthly)).toEqual([expect.closeTo(2.5, 10), expect.closeTo(1, 10), expect.closeTo(0.285, 10), expect.closeTo(0.228, 10)]);
    expect(e.totals.monthly).toBeCloseTo(0.1 + 0.3 + 3 + 0.4 + 0.025 + 0.05 + 2.5 + 1 + 0.285 + 0.228, 10);
  });
});

describe('what cannot be priced', () => {
  it('shows unknown resource types and unknown instance classes as unpriced, without crashing', () => {
    const e = run([
      { address: 'aws_instance.bastion', values: { instance_type: 't3.nano' } },
      postgres('aws_db_instance.big', { instance_class: 'db.x99.enormous', multi_az: false, allocated_storage: 20 }),
      { address: 'aws_elasticache_replication_group.odd', values: { node_type: 'cache.zz.tiny', num_cache_clusters: 'three' } },
      { address: 'aws_ecs_service.lost', values: { launch_type: 'FARGATE', desired_count: 1 } },
      { address: 'aws_lb.weird', values: { load_balancer_type: 'network', internal: 'maybe', subnet_mapping: 'not-a-list' } },
    ]);
    expect(linesOf(e, 'aws_instance.bastion')).toEqual([expect.objectContaining({ status: 'unpriced', reason: 'no pricing rule for resource type aws_instance' })]);
    expect(line(e, 'aws_db_instance.big', /^Instance hours/)).toMatchObject({
      status: 'unpriced',
      reason: 'the ap-southeast-2 catalogue has no entry rds.postgres.db.x99.enormous.single_az.hour',
    });
    expect(linesOf(e, 'aws_elasticache_replication_group.odd')).toEqual([expect.objectContaining({ status: 'unpriced', reason: 'the node count is unknown until apply' })]);
    expect(linesOf(e, 'aws_ecs_service.lost')).toEqual([expect.objectContaining({ status: 'unpriced', reason: expect.stringMatching(/task definition is not in this plan/) })]);
    expect(linesOf(e, 'aws_lb.weird')).toEqual([expect.objectContaining({ status: 'unpriced', reason: 'network load balancers have no price in the catalogue' })]);
    expect(e.totals.monthly).toBeCloseTo(20 * 0.138, 10);
  });

  it('lists free resource types (every address) instead of cost lines, and non-AWS resources as not billed by AWS', () => {
    const plan = planOf([
      { address: 'aws_vpc.vpc_main', values: {} },
      { address: 'aws_iam_role.x', values: {} },
    ]);
    (plan.planned_values!.root_module!.resources as unknown[]).push({ address: 'random_password.x', mode: 'managed', type: 'random_password', name: 'x', provider_name: 'registry.terraform.io/hashicorp/random', values: {} });
    const e = estimate({ stack: 't', resources: plannedResources(plan), catalogue: CATALOGUE });
    expect(e.lines).toEqual([]);
    expect(e.free).toEqual([
      { address: 'aws_iam_role.x', resourceType: 'aws_iam_role', reason: 'IAM is free' },
      { address: 'aws_vpc.vpc_main', resourceType: 'aws_vpc', reason: 'no charge for a VPC' },
      { address: 'random_password.x', resourceType: 'random_password', reason: 'not billed by AWS (provider registry.terraform.io/hashicorp/random)' },
    ]);
    expect(e.totals.resources).toBe(3);
  });
});

describe('the recorded plan of every priced resource type (terraform show -json of __tests__/fixtures/cost/all-types)', () => {
  const plan = JSON.parse(readFileSync(ALL_TYPES_PLAN, 'utf8')) as TerraformPlanJson;
  const resources = plannedResources(plan);
  const e = estimate({ stack: 'all-types', resources, catalogue: loadCatalogue() });

  it('accounts for every resource: as cost lines or as free, none dropped', () => {
    const accounted = new Set([...e.lines.map((l) => l.address), ...e.free.map((f) => f.address)]);
    expect([...accounted].sort()).toEqual(resources.resources.map((r) => r.address).sort());
    expect(e.totals.resources).toBe(44);
  });

  it('reads the unknown-until-apply links from the configuration: ALB subnets, task definitions, scaling target, replica source, flow-log group', () => {
    expect(line(e, 'aws_lb.alb_main', /Public IPv4/).quantity).toBe(2 * 730);
    expect(line(e, 'aws_ecs_service.ecs_backend', /vCPU/).range).toMatchObject({ minQuantity: 2 * 730, maxQuantity: 10 * 730 });
    expect(line(e, 'aws_ecs_service.ecs_frontend', /vCPU/).priceKey).toBe('fargate.linux_arm.vcpu.hour');
    expect(line(e, 'aws_db_instance.rds_replica', /^Storage/).quantity).toBe(50);
    expect(linesOf(e, 'aws_cloudwatch_log_group.vpc_flow_logs').map((l) => l.description)).toEqual(['Log storage (7-day retention)']);
    expect(line(e, 'aws_vpc_endpoint.vpc_ecr_api', /in 2 AZs/).quantity).toBe(2 * 730);
  });

  it('marks what the committed catalogue cannot price as unpriced, with reasons', () => {
    const unpriced = new Set(e.lines.filter((l) => l.status === 'unpriced').map((l) => l.address));
    expect(unpriced).toEqual(
      new Set([
        'aws_instance.misc_bastion',
        'aws_kms_key.misc_key',
        'aws_db_instance.rds_main',
        'aws_db_instance.rds_replica',
        'aws_nat_gateway.vpc_main_1',
        'aws_lb.alb_main',
        'aws_vpc_endpoint.vpc_ecr_api',
        'aws_ecs_cluster.ecs_main',
        'aws_dynamodb_table.bootstrap_locks',
        'aws_cloudwatch_log_group.misc_forever',
      ]),
    );
    expect(e.lines.filter((l) => l.status === 'unpriced').every((l) => (l.reason ?? '').length > 10)).toBe(true);
  });
});

describe('a config change moves the estimate', () => {
  const hoursOnly = (name: 'production', mutate?: (raw: Record<string, any>) => void) =>
    estimate({ stack: name, resources: plannedResources(planFromSynthesized(synthEnvironment(name, mutate).json)), catalogue: CATALOGUE });

  it('production with a single NAT gateway is cheaper by exactly 2 × (NAT hours + public IPv4 hours)', () => {
    const perAz = hoursOnly('production');
    const single = hoursOnly('production', (raw) => {
      raw.network.natGateways = 'single';
    });
    // 2 × (0.059 + 0.005) × 730 = 93.44
    expect(perAz.totals.monthly - single.totals.monthly).toBeCloseTo(93.44, 10);
    const diff = compareEstimates(single, perAz).rows.filter((r) => Math.abs(r.change) > 0);
    expect(diff.map((r) => [r.address, r.change])).toEqual([
      ['aws_eip.vpc_nat_2', expect.closeTo(3.65, 10)],
      ['aws_eip.vpc_nat_3', expect.closeTo(3.65, 10)],
      ['aws_nat_gateway.vpc_main_2', expect.closeTo(43.07, 10)],
      ['aws_nat_gateway.vpc_main_3', expect.closeTo(43.07, 10)],
    ]);
  });

  it('turning flow logs off removes the flow log and its group', () => {
    const on = hoursOnly('production');
    const off = hoursOnly('production', (raw) => {
      raw.network.flowLogs.enabled = false;
    });
    expect(on.lines.some((l) => l.address === 'aws_flow_log.vpc_main')).toBe(true);
    expect(off.lines.some((l) => l.address.includes('flow'))).toBe(false);
  });
});

describe('change against the state a plan was made from', () => {
  it('compares prior_state with planned_values', () => {
    const plan = planOf([
      { address: 'aws_nat_gateway.vpc_main_1', values: {} },
      { address: 'aws_nat_gateway.vpc_main_2', values: {} },
    ]);
    const withPrior = { ...plan, prior_state: { values: { root_module: { resources: [plan.planned_values!.root_module!.resources![0]] } } } } as TerraformPlanJson;
    const after = estimate({ stack: 'p', resources: plannedResources(withPrior), catalogue: CATALOGUE });
    const before = estimate({ stack: 'p', resources: priorResources(withPrior)!, catalogue: CATALOGUE });
    const change = compareEstimates(before, after);
    // one more NAT gateway: 730 × 0.059 = 43.07
    expect(change.change).toBeCloseTo(43.07, 10);
    expect(change.rows.find((r) => r.address === 'aws_nat_gateway.vpc_main_2')).toMatchObject({ before: null, after: expect.closeTo(43.07, 10) });
    expect(priorResources(plan)).toBeUndefined();
  });
});
