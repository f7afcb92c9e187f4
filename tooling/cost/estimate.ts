/**
 * The cost estimator: prices the resources of a Terraform plan, one resource at a
 * time, from their planned attributes, the price catalogue and the environment's
 * usage file.
 *
 * Rules, in short (details at each rule):
 *  - every line names its resource address and its catalogue price key, and says
 *    where its quantity comes from (a planned attribute or a usage-file entry);
 *  - a line whose price is unknown (null in the catalogue, or no entry) is
 *    `unpriced`, with the reason, and is left out of the totals; it is never
 *    priced with a neighbouring figure (a Multi-AZ instance is never priced at
 *    the Single-AZ rate);
 *  - a resource type without a pricing rule is one `unpriced` line; resource types
 *    that AWS does not charge for (FREE_TYPES) are listed as free, not as lines;
 *  - free tiers are account-wide and are not deducted; a month is 730 hours.
 */
import { Catalogue, lookupPrice } from './catalogue';
import { PlanResource, PlanResources } from './plan';
import { NO_USAGE, Usage, UsageKey, UsageType, UsageValue, usageValue } from './usage';

/** One priced (or unpriced) quantity of one resource. */
export interface CostLine {
  readonly address: string;
  readonly resourceType: string;
  readonly description: string;
  /** Quantity per month, in `unit`. */
  readonly quantity: number;
  readonly unit: string;
  /** Where the quantity comes from: planned attributes or usage-file entries. */
  readonly quantityFrom: string;
  /** Catalogue key of the price; null when the line cannot even name one. */
  readonly priceKey: string | null;
  readonly unitPrice: number | null;
  /** Monthly cost; null when unpriced. */
  readonly monthly: number | null;
  readonly status: 'priced' | 'unpriced';
  /** Why the line has no price. */
  readonly reason?: string;
  /** Price provenance, for priced lines. */
  readonly price?: { readonly source: string; readonly asOf: string; readonly confidence: string; readonly unit: string };
  /** For autoscaled quantities: the monthly quantity and cost at the minimum and maximum. */
  readonly range?: { readonly minQuantity: number; readonly maxQuantity: number; readonly minMonthly: number | null; readonly maxMonthly: number | null };
}

/** A resource AWS does not charge for by itself, or one priced through another resource. */
export interface FreeResource {
  readonly address: string;
  readonly resourceType: string;
  readonly reason: string;
}

export interface EstimateTotals {
  /** Sum of priced lines at the planned (desired) quantities. */
  readonly monthly: number;
  /** With autoscaled services at their minimum / maximum. */
  readonly monthlyMin: number;
  readonly monthlyMax: number;
  readonly pricedLines: number;
  readonly unpricedLines: number;
  /** Managed resources in the plan (priced, unpriced and free). */
  readonly resources: number;
}

export interface Estimate {
  readonly stack: string;
  readonly region: string;
  readonly currency: string;
  readonly hoursPerMonth: number;
  readonly usageFile: string;
  readonly lines: readonly CostLine[];
  readonly free: readonly FreeResource[];
  readonly totals: EstimateTotals;
}

/**
 * Resource types with no charge of their own, with the reason. They are listed in
 * an estimate's `free` section (every address), not as cost lines.
 */
export const FREE_TYPES: Readonly<Record<string, string>> = {
  aws_vpc: 'no charge for a VPC',
  aws_subnet: 'no charge for subnets',
  aws_internet_gateway: 'no charge for an internet gateway (data transfer is priced where it leaves)',
  aws_egress_only_internet_gateway: 'no charge for an egress-only internet gateway',
  aws_route_table: 'no charge for route tables',
  aws_route: 'no charge for routes',
  aws_route_table_association: 'no charge for route table associations',
  aws_main_route_table_association: 'no charge for route table associations',
  aws_default_route_table: 'no charge for route tables',
  aws_default_security_group: 'no charge for security groups',
  aws_default_network_acl: 'no charge for network ACLs',
  aws_network_acl: 'no charge for network ACLs',
  aws_network_acl_rule: 'no charge for network ACLs',
  aws_security_group: 'no charge for security groups',
  aws_security_group_rule: 'no charge for security group rules',
  aws_vpc_security_group_ingress_rule: 'no charge for security group rules',
  aws_vpc_security_group_egress_rule: 'no charge for security group rules',
  aws_vpc_endpoint_route_table_association: 'no charge; the endpoint itself is priced',
  aws_vpc_endpoint_subnet_association: 'no charge; the endpoint is priced per AZ from its subnets',
  aws_db_subnet_group: 'no charge for DB subnet groups',
  aws_db_parameter_group: 'no charge for DB parameter groups',
  aws_db_option_group: 'no charge for DB option groups',
  aws_elasticache_subnet_group: 'no charge for cache subnet groups',
  aws_elasticache_parameter_group: 'no charge for cache parameter groups',
  aws_elasticache_user: 'no charge for cache users',
  aws_elasticache_user_group: 'no charge for cache user groups',
  aws_ecs_task_definition: 'no charge for a task definition; the ECS service that runs it is priced',
  aws_ecs_cluster_capacity_providers: 'no charge for capacity provider settings',
  aws_appautoscaling_target: 'no charge; the scaled ECS service is priced with this minimum and maximum',
  aws_appautoscaling_policy: 'no charge for scaling policies',
  aws_lb_target_group: 'no charge; load balancer hours and LCUs are priced on the load balancer',
  aws_lb_target_group_attachment: 'no charge for target registrations',
  aws_lb_listener: 'no charge; load balancer hours and LCUs are priced on the load balancer',
  aws_lb_listener_rule: 'no charge; rule evaluations are part of the load balancer LCUs',
  aws_lb_listener_certificate: 'no charge for listener certificates',
  aws_alb_target_group: 'no charge; load balancer hours and LCUs are priced on the load balancer',
  aws_alb_listener: 'no charge; load balancer hours and LCUs are priced on the load balancer',
  aws_alb_listener_rule: 'no charge; rule evaluations are part of the load balancer LCUs',
  aws_iam_role: 'IAM is free',
  aws_iam_role_policy: 'IAM is free',
  aws_iam_role_policy_attachment: 'IAM is free',
  aws_iam_policy: 'IAM is free',
  aws_iam_openid_connect_provider: 'IAM is free',
  aws_iam_user: 'IAM is free',
  aws_iam_group: 'IAM is free',
  aws_iam_instance_profile: 'IAM is free',
  aws_iam_service_linked_role: 'IAM is free',
  aws_secretsmanager_secret_version: 'no charge per version; the secret is priced',
  aws_secretsmanager_secret_policy: 'no charge for a secret policy',
  aws_secretsmanager_secret_rotation: 'no charge for the rotation setting (the rotation function is not estimated)',
  aws_cloudwatch_log_stream: 'no charge; ingestion and storage are priced on the log group',
  aws_cloudwatch_log_resource_policy: 'no charge for log resource policies',
  aws_s3_bucket_versioning: 'no charge; stored versions are part of the bucket storage',
  aws_s3_bucket_server_side_encryption_configuration: 'no charge for SSE-S3 / bucket-key settings',
  aws_s3_bucket_public_access_block: 'no charge',
  aws_s3_bucket_policy: 'no charge',
  aws_s3_bucket_ownership_controls: 'no charge',
  aws_s3_bucket_lifecycle_configuration: 'no charge for the rule (transitions are not estimated)',
  aws_s3_bucket_acl: 'no charge',
  aws_sns_topic: 'no charge for a topic; publishes and deliveries are not estimated (the first million a month are free)',
  aws_sns_topic_subscription: 'no charge for a subscription',
  aws_sns_topic_policy: 'no charge',
  aws_acm_certificate: 'public ACM certificates are free',
  aws_acm_certificate_validation: 'no charge',
  aws_kms_alias: 'no charge for an alias',
  aws_ssm_parameter: 'standard parameters are free (advanced parameters are not estimated)',
  aws_cloudwatch_event_rule: 'no charge for a rule; events from AWS services on the default bus are free',
  aws_cloudwatch_event_target: 'no charge for a target; the invoked service is priced where it runs',
  aws_sfn_state_machine: 'no charge for a state machine; state transitions are not estimated (the credential-rotation redeploy makes two a rotation)',
  terraform_data: 'not an AWS resource: a value kept in the Terraform state',
};

/** Inputs of an estimate. */
export interface EstimateInput {
  /** Stack (environment) name, for the report. */
  readonly stack: string;
  readonly resources: PlanResources;
  readonly catalogue: Catalogue;
  /** @default NO_USAGE (every usage quantity 0) */
  readonly usage?: Usage;
}

interface Ctx {
  readonly catalogue: Catalogue;
  readonly usage: Usage;
  readonly plan: PlanResources;
  readonly hours: number;
}

interface LineSpec {
  readonly description: string;
  readonly quantity: number;
  readonly unit: string;
  readonly quantityFrom: string;
  readonly key: string;
  /** Monthly quantity at minimum and maximum scale. */
  readonly range?: { readonly min: number; readonly max: number };
}

/** Result of one rule: cost lines, or a reason the resource is free. */
type RuleResult = CostLine[] | { readonly free: string };

function priced(ctx: Ctx, r: PlanResource, spec: LineSpec): CostLine {
  const base = {
    address: r.address,
    resourceType: r.type,
    description: spec.description,
    quantity: spec.quantity,
    unit: spec.unit,
    quantityFrom: spec.quantityFrom,
    priceKey: spec.key,
  };
  const found = lookupPrice(ctx.catalogue, spec.key);
  if (found.kind === 'unpriced') {
    return {
      ...base,
      unitPrice: null,
      monthly: null,
      status: 'unpriced',
      reason: found.reason,
      ...(spec.range ? { range: { minQuantity: spec.range.min, maxQuantity: spec.range.max, minMonthly: null, maxMonthly: null } } : {}),
    };
  }
  const p = found.entry.price;
  return {
    ...base,
    unitPrice: p,
    monthly: spec.quantity * p,
    status: 'priced',
    price: { source: found.entry.source, asOf: found.entry.asOf, confidence: found.entry.confidence, unit: found.entry.unit },
    ...(spec.range ? { range: { minQuantity: spec.range.min, maxQuantity: spec.range.max, minMonthly: spec.range.min * p, maxMonthly: spec.range.max * p } } : {}),
  };
}

/** A line whose quantity is a usage-file value. */
function fromUsage(ctx: Ctx, r: PlanResource, description: string, usage: UsageValue, unit: string, key: string): CostLine {
  return priced(ctx, r, { description, quantity: usage.value, unit, quantityFrom: usage.from, key });
}

/** A line that cannot be priced because something it needs is missing or unsupported. */
function unpriced(r: PlanResource, description: string, reason: string, quantity = 0, unit = '-', quantityFrom = '-'): CostLine {
  return {
    address: r.address,
    resourceType: r.type,
    description,
    quantity,
    unit,
    quantityFrom,
    priceKey: null,
    unitPrice: null,
    monthly: null,
    status: 'unpriced',
    reason,
  };
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function num(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

/** A nested block's elements: plans give lists of objects; a single object (as in cdktf's JSON) counts as one. */
function blocks(v: unknown): Record<string, unknown>[] {
  const list = Array.isArray(v) ? v : v === null || v === undefined ? [] : [v];
  return list.filter((b): b is Record<string, unknown> => typeof b === 'object' && b !== null && !Array.isArray(b));
}

function use<T extends UsageType>(ctx: Ctx, r: PlanResource, type: T, key: UsageKey<T>) {
  return usageValue(ctx.usage, type, r.address, key);
}

function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Number(n.toFixed(4)));
}

// ---------------------------------------------------------------------------------------------
// Rules per resource type.

const RDS_ENGINES: Readonly<Record<string, string>> = { postgres: 'postgres', mysql: 'mysql', mariadb: 'mariadb' };

/**
 * aws_db_instance: instance hours by class and deployment (Single-AZ / Multi-AZ),
 * storage by type and deployment (allocated, up to max_allocated_storage), backup
 * storage beyond the free amount (usage), Performance Insights, enhanced
 * monitoring and exported logs (CloudWatch Logs ingestion, usage) and an
 * RDS-managed master secret. The log groups RDS creates for exports are not in the
 * plan; their storage is not estimated.
 * A read replica inherits engine and storage from its source.
 */
function dbInstance(ctx: Ctx, r: PlanResource): CostLine[] {
  const v = r.values;
  const source = str(v.replicate_source_db) ? ctx.plan.references(r, 'replicate_source_db', 'aws_db_instance')[0] : undefined;
  const engine = str(v.engine) ?? str(source?.values.engine);
  const cls = str(v.instance_class);
  const multiAz = v.multi_az === true;
  const az = multiAz ? 'multi_az' : 'single_az';
  const azLabel = multiAz ? 'Multi-AZ' : 'Single-AZ';
  const role = source ? `read replica of ${source.address}` : undefined;
  const lines: CostLine[] = [];
  const what = [cls, azLabel, engine, role].filter(Boolean).join(', ');
  if (!engine || !cls) {
    lines.push(unpriced(r, `Instance hours (${what})`, `${!engine ? 'engine' : 'instance_class'} is unknown until apply`, ctx.hours, 'hours'));
  } else {
    lines.push(
      priced(ctx, r, {
        description: `Instance hours (${what})`,
        quantity: ctx.hours,
        unit: 'hours',
        quantityFrom: `planned instance_class=${cls}, multi_az=${String(multiAz)}, engine=${engine}`,
        key: `rds.${RDS_ENGINES[engine] ?? engine}.${cls}.${az}.hour`,
      }),
    );
  }

  const storage = num(v.allocated_storage) ?? num(source?.values.allocated_storage);
  const storageType = str(v.storage_type) ?? (num(v.iops) ? 'io1' : 'gp2');
  const maxStorage = num(v.max_allocated_storage);
  if (storage === undefined) {
    lines.push(unpriced(r, `Storage (${storageType}, ${azLabel})`, 'allocated_storage is unknown until apply', 0, 'GB-month'));
  } else {
    const autoscaled = maxStorage !== undefined && maxStorage > storage;
    lines.push(
      priced(ctx, r, {
        description: `Storage (${storageType}, ${azLabel}, ${storage} GB${autoscaled ? `, autoscaling to ${maxStorage} GB` : ''})`,
        quantity: storage,
        unit: 'GB-month',
        quantityFrom: `planned allocated_storage=${storage}${source && num(v.allocated_storage) === undefined ? ` (from ${source.address})` : ''}, storage_type=${storageType}${autoscaled ? `, max_allocated_storage=${maxStorage}` : ''}`,
        key: `rds.storage.${storageType}.${az}.gb_month`,
        ...(autoscaled ? { range: { min: storage, max: maxStorage } } : {}),
      }),
    );
  }

  if ((num(v.backup_retention_period) ?? 0) > 0) {
    const backup = use(ctx, r, 'aws_db_instance', 'additional_backup_storage_gb');
    lines.push(
      fromUsage(ctx, r, `Backup storage beyond the free amount (retention ${fmt(num(v.backup_retention_period) ?? 0)} days)`, backup, 'GB-month', 'rds.backup_storage.gb_month'),
    );
  }

  if (v.performance_insights_enabled === true) {
    const days = num(v.performance_insights_retention_period) ?? 7;
    lines.push(
      priced(ctx, r, {
        description: `Performance Insights (${days}-day retention)`,
        quantity: 1,
        unit: 'instances',
        quantityFrom: `planned performance_insights_enabled=true, performance_insights_retention_period=${days}`,
        key: `rds.performance_insights.retention_${days}d.month`,
      }),
    );
  }

  const interval = num(v.monitoring_interval) ?? 0;
  if (interval > 0) {
    const kb = use(ctx, r, 'aws_db_instance', 'enhanced_monitoring_kb_per_sample');
    const samples = (ctx.hours * 3600) / interval;
    lines.push(
      priced(ctx, r, {
        description: `Enhanced monitoring every ${interval} s (RDSOSMetrics log ingestion)`,
        quantity: (samples * kb.value) / (1024 * 1024),
        unit: 'GB',
        quantityFrom: `planned monitoring_interval=${interval} (${fmt(samples)} samples/month) × ${kb.from}=${fmt(kb.value)} KB`,
        key: 'cloudwatch.logs.ingestion.gb',
      }),
    );
  }

  const exports = Array.isArray(v.enabled_cloudwatch_logs_exports) ? v.enabled_cloudwatch_logs_exports.filter((x): x is string => typeof x === 'string') : [];
  if (exports.length > 0) {
    const exported = use(ctx, r, 'aws_db_instance', 'monthly_exported_logs_gb');
    lines.push(fromUsage(ctx, r, `Exported logs (${exports.join(', ')}) ingested into CloudWatch Logs`, exported, 'GB', 'cloudwatch.logs.ingestion.gb'));
  }

  if (v.manage_master_user_password === true) {
    lines.push(
      priced(ctx, r, {
        description: 'Master password secret managed by RDS (Secrets Manager)',
        quantity: 1,
        unit: 'secrets',
        quantityFrom: 'planned manage_master_user_password=true',
        key: 'secretsmanager.secret.month',
      }),
    );
  }
  return lines;
}

/** Node hours: node type × node count (num_cache_clusters, or shards × (replicas + 1)). */
function cacheNodes(ctx: Ctx, r: PlanResource, nodes: number | undefined, nodesFrom: string): CostLine[] {
  const engine = str(r.values.engine) ?? 'redis';
  const nodeType = str(r.values.node_type);
  if (!nodeType || nodes === undefined) {
    return [unpriced(r, `Cache nodes (${engine})`, `${!nodeType ? 'node_type' : 'the node count'} is unknown until apply`, 0, 'node-hours')];
  }
  return [
    priced(ctx, r, {
      description: `Cache nodes (${nodes} × ${nodeType}, ${engine})`,
      quantity: nodes * ctx.hours,
      unit: 'node-hours',
      quantityFrom: `planned node_type=${nodeType}, ${nodesFrom}`,
      key: `elasticache.${engine}.${nodeType}.hour`,
    }),
  ];
}

function replicationGroup(ctx: Ctx, r: PlanResource): CostLine[] {
  const v = r.values;
  const clusters = num(v.num_cache_clusters);
  if (clusters !== undefined) return cacheNodes(ctx, r, clusters, `num_cache_clusters=${clusters}`);
  const shards = num(v.num_node_groups);
  const replicas = num(v.replicas_per_node_group) ?? 0;
  if (shards !== undefined) return cacheNodes(ctx, r, shards * (replicas + 1), `num_node_groups=${shards} × (replicas_per_node_group=${replicas} + 1)`);
  return cacheNodes(ctx, r, undefined, '');
}

function cacheCluster(ctx: Ctx, r: PlanResource): CostLine[] {
  const nodes = num(r.values.num_cache_nodes);
  return cacheNodes(ctx, r, nodes, `num_cache_nodes=${nodes ?? '?'}`);
}

/** The autoscaling target of an ECS service: by reference, else by its `service/<cluster>/<service>` id. */
function scalingTarget(ctx: Ctx, service: PlanResource): PlanResource | undefined {
  const targets = ctx.plan.ofType('aws_appautoscaling_target').filter((t) => (str(t.values.service_namespace) ?? 'ecs') === 'ecs');
  const byRef = targets.find((t) => ctx.plan.references(t, 'resource_id', 'aws_ecs_service').some((s) => s.address === service.address));
  if (byRef) return byRef;
  const name = str(service.values.name);
  const cluster = str(ctx.plan.references(service, 'cluster', 'aws_ecs_cluster')[0]?.values.name);
  return targets.find((t) => {
    const parts = str(t.values.resource_id)?.split('/');
    return parts?.[0] === 'service' && parts[2] === name && (cluster === undefined || parts[1] === cluster);
  });
}

/** The task definition an ECS service runs: by reference, else by family name. */
function taskDefinition(ctx: Ctx, service: PlanResource): PlanResource | undefined {
  const byRef = ctx.plan.references(service, 'task_definition', 'aws_ecs_task_definition')[0];
  if (byRef) return byRef;
  const family = str(service.values.task_definition)?.replace(/^arn:[^/]+\//, '').replace(/:\d+$/, '');
  return ctx.plan.ofType('aws_ecs_task_definition').find((t) => str(t.values.family) === family);
}

/**
 * aws_ecs_service on Fargate: task vCPU and memory (from the task definition) ×
 * desired_count × 730 h; with an autoscaling target, also at min and max capacity.
 * Tasks with a public IP add one public IPv4 address each.
 */
function ecsService(ctx: Ctx, r: PlanResource): CostLine[] {
  const v = r.values;
  if (str(v.scheduling_strategy) === 'DAEMON') {
    return [unpriced(r, 'Daemon service', 'daemon services run on EC2 container instances, which are priced as instances, not by this rule')];
  }
  const providers = blocks(v.capacity_provider_strategy).map((b) => str(b.capacity_provider) ?? '?');
  const launchType = str(v.launch_type) ?? (providers.length > 0 && providers.every((p) => p === 'FARGATE') ? 'FARGATE' : undefined);
  if (launchType !== 'FARGATE') {
    const how = providers.length > 0 ? `capacity providers ${providers.join(', ')}` : `launch_type ${launchType ?? '(not set: EC2 or the cluster default)'}`;
    return [unpriced(r, 'ECS service tasks', `${how}: only Fargate on-demand tasks are priced (Fargate Spot and EC2 capacity have no catalogue price)`)];
  }
  const td = taskDefinition(ctx, r);
  if (!td) return [unpriced(r, 'Fargate tasks', 'the task definition is not in this plan, so task CPU and memory are unknown')];
  const cpuUnits = num(td.values.cpu);
  const memoryMiB = num(td.values.memory);
  if (cpuUnits === undefined || memoryMiB === undefined) {
    return [unpriced(r, 'Fargate tasks', `${td.address} sets no task-level cpu/memory (Fargate bills the task size)`)];
  }
  const platform = blocks(td.values.runtime_platform)[0] ?? {};
  const os = str(platform.operating_system_family) ?? 'LINUX';
  if (os !== 'LINUX') return [unpriced(r, 'Fargate tasks', `operating_system_family ${os}: only Linux Fargate prices are in the catalogue`)];
  const arch = str(platform.cpu_architecture) === 'ARM64' ? 'linux_arm' : 'linux_x86';
  const archLabel = arch === 'linux_arm' ? 'Linux/ARM64' : 'Linux/x86';

  const desired = num(v.desired_count) ?? 0;
  const target = scalingTarget(ctx, r);
  const min = target ? num(target.values.min_capacity) : undefined;
  const max = target ? num(target.values.max_capacity) : undefined;
  const scaled = target && min !== undefined && max !== undefined;
  const tasks = `${desired} task${desired === 1 ? '' : 's'}`;
  const scaling = scaled ? `; autoscaling ${min}-${max} tasks` : '';
  const countFrom = `planned desired_count=${desired}${scaled ? `; ${target.address} min_capacity=${min}, max_capacity=${max}` : ''}`;
  // One line per billed dimension: `perTask` units per task-hour, × tasks × 730 h (and at min/max scale).
  const perTaskLine = (what: string, perTask: number, unit: string, from: string, key: string): CostLine =>
    priced(ctx, r, {
      description: `${what}${scaling})`,
      quantity: desired * perTask * ctx.hours,
      unit,
      quantityFrom: `${countFrom}; ${from}`,
      key,
      ...(scaled ? { range: { min: (min ?? 0) * perTask * ctx.hours, max: (max ?? 0) * perTask * ctx.hours } } : {}),
    });
  const vcpu = cpuUnits / 1024;
  const gb = memoryMiB / 1024;
  const lines = [
    perTaskLine(`Fargate vCPU (${tasks} × ${fmt(vcpu)} vCPU, ${archLabel}`, vcpu, 'vCPU-hours', `${td.address} cpu=${cpuUnits}`, `fargate.${arch}.vcpu.hour`),
    perTaskLine(`Fargate memory (${tasks} × ${fmt(gb)} GB, ${archLabel}`, gb, 'GB-hours', `${td.address} memory=${memoryMiB}`, `fargate.${arch}.gb.hour`),
  ];
  const ephemeral = num(blocks(td.values.ephemeral_storage)[0]?.size_in_gib);
  if (ephemeral !== undefined && ephemeral > 20) {
    const extra = ephemeral - 20;
    const from = `${td.address} ephemeral_storage.size_in_gib=${ephemeral}`;
    lines.push(perTaskLine(`Fargate ephemeral storage above the included 20 GB (${tasks} × ${extra} GB`, extra, 'GB-hours', from, 'fargate.ephemeral_storage.gb.hour'));
  }
  if (blocks(v.network_configuration)[0]?.assign_public_ip === true) {
    lines.push(perTaskLine(`Public IPv4 addresses of the tasks (${tasks}, one each`, 1, 'IP-hours', 'network_configuration.assign_public_ip=true', 'public_ipv4.in_use.hour'));
  }
  return lines;
}

/** Container Insights publishes metrics billed as custom metrics (usage: how many). */
function ecsCluster(ctx: Ctx, r: PlanResource): RuleResult {
  const insights = blocks(r.values.setting).find((s) => s.name === 'containerInsights');
  const mode = str(insights?.value) ?? 'disabled';
  if (mode === 'disabled') return { free: 'no charge for a cluster; its services are priced (Container Insights off)' };
  const metrics = use(ctx, r, 'aws_ecs_cluster', 'container_insights_metrics');
  return [
    priced(ctx, r, {
      description: `Container Insights metrics (${mode})`,
      quantity: metrics.value,
      unit: 'metrics',
      quantityFrom: `planned setting containerInsights=${mode}; ${metrics.from}`,
      key: 'cloudwatch.container_insights.metric_month',
    }),
  ];
}

/** How many subnets (AZs) a resource spans: known values, else its configured references. */
function subnetCount(ctx: Ctx, r: PlanResource, attribute: string): { count: number; from: string } | undefined {
  const known = r.values[attribute];
  if (Array.isArray(known) && known.length > 0) return { count: known.length, from: `planned ${attribute} (${known.length})` };
  const refs = ctx.plan.references(r, attribute, 'aws_subnet');
  if (refs.length > 0) return { count: refs.length, from: `${attribute} references ${refs.map((s) => s.address).join(', ')}` };
  return undefined;
}

/**
 * aws_lb: hours, LCUs (usage), internet egress (usage) and, when internet-facing,
 * one public IPv4 address per AZ (subnet), or the usage-file count.
 */
function loadBalancer(ctx: Ctx, r: PlanResource): CostLine[] {
  const v = r.values;
  const kind = str(v.load_balancer_type) ?? 'application';
  if (kind !== 'application') {
    return [unpriced(r, `Load balancer (${kind})`, `${kind} load balancers have no price in the catalogue`, ctx.hours, 'hours')];
  }
  const lcu = use(ctx, r, 'aws_lb', 'lcu_per_hour');
  const lines = [
    priced(ctx, r, {
      description: 'Application load balancer hours',
      quantity: ctx.hours,
      unit: 'hours',
      quantityFrom: `planned load_balancer_type=${kind}`,
      key: 'alb.hour',
    }),
    priced(ctx, r, {
      description: `Load balancer capacity units (${fmt(lcu.value)} LCU average)`,
      quantity: lcu.value * ctx.hours,
      unit: 'LCU-hours',
      quantityFrom: lcu.from,
      key: 'alb.lcu.hour',
    }),
  ];
  if (v.internal !== true) {
    const own = use(ctx, r, 'aws_lb', 'public_ipv4_addresses');
    const mappings = blocks(v.subnet_mapping).length;
    const fromSubnets = mappings > 0 ? { count: mappings, from: `planned subnet_mapping (${mappings})` } : subnetCount(ctx, r, 'subnets');
    const ips = own.set ? { count: own.value, from: own.from } : fromSubnets;
    lines.push(
      ips
        ? priced(ctx, r, {
            description: `Public IPv4 addresses (${fmt(ips.count)}, one per AZ of an internet-facing load balancer)`,
            quantity: ips.count * ctx.hours,
            unit: 'IP-hours',
            quantityFrom: `internal=false; ${ips.from}`,
            key: 'public_ipv4.in_use.hour',
          })
        : unpriced(r, 'Public IPv4 addresses', 'the number of AZs is unknown; set public_ipv4_addresses in the usage file', 0, 'IP-hours'),
    );
    const out = use(ctx, r, 'aws_lb', 'monthly_data_transfer_out_gb');
    lines.push(
      fromUsage(ctx, r, 'Data transfer out to the internet (first 10 TB tier)', out, 'GB', 'data_transfer.out_internet.first_10tb.gb'),
    );
  }
  return lines;
}

/** aws_nat_gateway: hours and GB processed (usage). Its public IP is priced on its aws_eip. */
function natGateway(ctx: Ctx, r: PlanResource): CostLine[] {
  const type = str(r.values.connectivity_type) ?? 'public';
  const data = use(ctx, r, 'aws_nat_gateway', 'monthly_data_processed_gb');
  return [
    priced(ctx, r, {
      description: `NAT gateway hours (${type})`,
      quantity: ctx.hours,
      unit: 'hours',
      quantityFrom: `planned connectivity_type=${type}`,
      key: 'nat_gateway.hour',
    }),
    fromUsage(ctx, r, 'NAT gateway data processed', data, 'GB', 'nat_gateway.gb_processed'),
  ];
}

/** aws_eip: an Elastic IP is a public IPv4 address, charged hourly whether attached or idle. */
function elasticIp(ctx: Ctx, r: PlanResource): RuleResult {
  if (str(r.values.customer_owned_ipv4_pool)) return { free: 'customer-owned (Outposts) address, not an Amazon public IPv4 address' };
  return [
    priced(ctx, r, {
      description: 'Public IPv4 address (Elastic IP, in use or idle)',
      quantity: ctx.hours,
      unit: 'IP-hours',
      quantityFrom: `planned domain=${str(r.values.domain) ?? 'vpc'}`,
      key: 'public_ipv4.in_use.hour',
    }),
  ];
}

/** aws_vpc_endpoint: gateway endpoints are free (priced at 0 with their source); interface endpoints per AZ-hour and GB. */
function vpcEndpoint(ctx: Ctx, r: PlanResource): CostLine[] {
  const type = str(r.values.vpc_endpoint_type) ?? 'Gateway';
  const service = str(r.values.service_name)?.split('.').pop() ?? 'unknown';
  if (type === 'Gateway') {
    return [
      priced(ctx, r, {
        description: `Gateway endpoint (${service})`,
        quantity: ctx.hours,
        unit: 'hours',
        quantityFrom: `planned vpc_endpoint_type=Gateway, service_name=${str(r.values.service_name) ?? '?'}`,
        key: `vpc_endpoint.gateway.${service}.hour`,
      }),
    ];
  }
  if (type !== 'Interface') return [unpriced(r, `${type} endpoint`, `${type} endpoints have no price in the catalogue`, ctx.hours, 'hours')];
  const azs = subnetCount(ctx, r, 'subnet_ids');
  const data = use(ctx, r, 'aws_vpc_endpoint', 'monthly_data_processed_gb');
  return [
    azs
      ? priced(ctx, r, {
          description: `Interface endpoint (${service}) in ${azs.count} AZ${azs.count === 1 ? '' : 's'}`,
          quantity: azs.count * ctx.hours,
          unit: 'endpoint-AZ-hours',
          quantityFrom: azs.from,
          key: 'vpc_endpoint.interface.hour_per_az',
        })
      : unpriced(r, `Interface endpoint (${service})`, 'the number of subnets (AZs) is unknown', 0, 'endpoint-AZ-hours'),
    fromUsage(ctx, r, `Interface endpoint data processed (${service})`, data, 'GB', 'vpc_endpoint.interface.gb_processed'),
  ];
}

/** Flow logs delivered to a log group, by destination log-group address. */
function flowLogsByGroup(ctx: Ctx): Map<string, PlanResource[]> {
  const map = new Map<string, PlanResource[]>();
  for (const flow of ctx.plan.ofType('aws_flow_log')) {
    if ((str(flow.values.log_destination_type) ?? 'cloud-watch-logs') !== 'cloud-watch-logs') continue;
    for (const group of ctx.plan.references(flow, 'log_destination', 'aws_cloudwatch_log_group')) {
      map.set(group.address, [...(map.get(group.address) ?? []), flow]);
    }
  }
  return map;
}

/**
 * aws_cloudwatch_log_group: ingestion (usage; for a flow-log destination the flow
 * log carries it) and storage. Storage is the usage file's `storage_gb`, else a
 * steady state of the monthly ingestion kept for the retention period
 * (uncompressed, so an upper bound); a group that never expires needs `storage_gb`.
 */
function logGroup(ctx: Ctx, r: PlanResource, flowLogs: readonly PlanResource[]): CostLine[] {
  const cls = str(r.values.log_group_class) ?? 'STANDARD';
  const lines: CostLine[] = [];
  let ingested: { value: number; from: string };
  if (flowLogs.length > 0) {
    const parts = flowLogs.map((f) => ({ f, u: use(ctx, f, 'aws_flow_log', 'monthly_data_ingested_gb') }));
    ingested = { value: parts.reduce((a, p) => a + p.u.value, 0), from: parts.map((p) => p.u.from).join(' + ') };
  } else {
    const own = use(ctx, r, 'aws_cloudwatch_log_group', 'monthly_data_ingested_gb');
    ingested = own;
    lines.push(
      cls === 'STANDARD'
        ? fromUsage(ctx, r, 'Log ingestion (standard class)', own, 'GB', 'cloudwatch.logs.ingestion.gb')
        : unpriced(r, `Log ingestion (${cls} class)`, `the catalogue prices only the STANDARD log class`, own.value, 'GB', own.from),
    );
  }
  const retention = num(r.values.retention_in_days) ?? 0;
  const stored = use(ctx, r, 'aws_cloudwatch_log_group', 'storage_gb');
  const daysPerMonth = ctx.hours / 24;
  if (stored.set) {
    lines.push(fromUsage(ctx, r, 'Log storage', stored, 'GB-month', 'cloudwatch.logs.storage.gb_month'));
  } else if (retention === 0) {
    lines.push(unpriced(r, 'Log storage (never expires)', 'retention_in_days is not set, so stored logs grow without bound; set storage_gb in the usage file', 0, 'GB-month'));
  } else {
    lines.push(
      priced(ctx, r, {
        description: `Log storage (${retention}-day retention)`,
        quantity: (ingested.value * retention) / daysPerMonth,
        unit: 'GB-month',
        quantityFrom: `(${ingested.from}=${fmt(ingested.value)} GB) × planned retention_in_days=${retention} / ${fmt(daysPerMonth)} days`,
        key: 'cloudwatch.logs.storage.gb_month',
      }),
    );
  }
  return lines;
}

/** aws_flow_log: records delivered to CloudWatch Logs are billed as vended-log ingestion (usage). */
function flowLog(ctx: Ctx, r: PlanResource): CostLine[] {
  const destination = str(r.values.log_destination_type) ?? 'cloud-watch-logs';
  const data = use(ctx, r, 'aws_flow_log', 'monthly_data_ingested_gb');
  if (destination !== 'cloud-watch-logs') {
    return [unpriced(r, `Flow log delivery to ${destination}`, `vended-log delivery to ${destination} has no price in the catalogue`, data.value, 'GB', data.from)];
  }
  return [
    fromUsage(ctx, r, 'Flow log ingestion into CloudWatch Logs (vended logs)', data, 'GB', 'cloudwatch.logs.vended_ingestion.gb'),
  ];
}

/** aws_cloudwatch_metric_alarm: per alarm metric; periods under 60 s are high resolution. */
function metricAlarm(ctx: Ctx, r: PlanResource): CostLine[] {
  const queries = blocks(r.values.metric_query).filter((q) => blocks(q.metric).length > 0).length;
  const metrics = Math.max(1, queries);
  const periods = [num(r.values.period), ...blocks(r.values.metric_query).flatMap((q) => blocks(q.metric).map((m) => num(m.period)))].filter(
    (p): p is number => p !== undefined,
  );
  const highRes = periods.some((p) => p < 60);
  return [
    priced(ctx, r, {
      description: `Alarm (${metrics} metric${metrics === 1 ? '' : 's'}, ${highRes ? 'high' : 'standard'} resolution)`,
      quantity: metrics,
      unit: 'alarm metrics',
      quantityFrom: `planned period=${periods.join('/') || '?'}${queries > 0 ? `, ${queries} metric queries` : ''}`,
      key: highRes ? 'cloudwatch.alarm.high_resolution.month' : 'cloudwatch.alarm.standard.month',
    }),
  ];
}

function dashboard(ctx: Ctx, r: PlanResource): CostLine[] {
  return [priced(ctx, r, { description: 'Dashboard', quantity: 1, unit: 'dashboards', quantityFrom: 'one dashboard', key: 'cloudwatch.dashboard.month' })];
}

/** aws_secretsmanager_secret: per secret and per replica region, plus API calls (usage). */
function secret(ctx: Ctx, r: PlanResource): CostLine[] {
  const replicas = blocks(r.values.replica).length;
  const calls = use(ctx, r, 'aws_secretsmanager_secret', 'monthly_api_requests');
  return [
    priced(ctx, r, {
      description: `Secret${replicas > 0 ? ` (+ ${replicas} replica${replicas === 1 ? '' : 's'})` : ''}`,
      quantity: 1 + replicas,
      unit: 'secrets',
      quantityFrom: replicas > 0 ? `planned replica blocks (${replicas})` : 'one secret',
      key: 'secretsmanager.secret.month',
    }),
    priced(ctx, r, {
      description: 'Secrets Manager API calls',
      quantity: calls.value / 10000,
      unit: '10k requests',
      quantityFrom: `${calls.from}=${fmt(calls.value)} requests`,
      key: 'secretsmanager.api.per_10k',
    }),
  ];
}

/** aws_s3_bucket: Standard storage (usage); requests and transfer are not estimated. */
function bucket(ctx: Ctx, r: PlanResource): CostLine[] {
  const stored = use(ctx, r, 'aws_s3_bucket', 'storage_gb');
  return [
    fromUsage(ctx, r, 'S3 Standard storage (requests not estimated)', stored, 'GB-month', 's3.standard.gb_month'),
  ];
}

/** aws_dynamodb_table: on-demand requests (usage), storage (usage), point-in-time recovery; provisioned capacity is unpriced. */
function dynamoTable(ctx: Ctx, r: PlanResource): CostLine[] {
  const v = r.values;
  const mode = str(v.billing_mode) ?? 'PROVISIONED';
  const lines: CostLine[] = [];
  if (mode === 'PAY_PER_REQUEST') {
    const writes = use(ctx, r, 'aws_dynamodb_table', 'monthly_write_request_units');
    const reads = use(ctx, r, 'aws_dynamodb_table', 'monthly_read_request_units');
    lines.push(
      priced(ctx, r, {
        description: 'On-demand write request units',
        quantity: writes.value / 1e6,
        unit: 'million WRU',
        quantityFrom: `${writes.from}=${fmt(writes.value)}`,
        key: 'dynamodb.on_demand.write.per_million',
      }),
      priced(ctx, r, {
        description: 'On-demand read request units',
        quantity: reads.value / 1e6,
        unit: 'million RRU',
        quantityFrom: `${reads.from}=${fmt(reads.value)}`,
        key: 'dynamodb.on_demand.read.per_million',
      }),
    );
  } else {
    const wcu = num(v.write_capacity) ?? 0;
    const rcu = num(v.read_capacity) ?? 0;
    lines.push(
      priced(ctx, r, {
        description: `Provisioned write capacity (${wcu} WCU)`,
        quantity: wcu * ctx.hours,
        unit: 'WCU-hours',
        quantityFrom: `planned billing_mode=${mode}, write_capacity=${wcu}`,
        key: 'dynamodb.provisioned.wcu.hour',
      }),
      priced(ctx, r, {
        description: `Provisioned read capacity (${rcu} RCU)`,
        quantity: rcu * ctx.hours,
        unit: 'RCU-hours',
        quantityFrom: `planned billing_mode=${mode}, read_capacity=${rcu}`,
        key: 'dynamodb.provisioned.rcu.hour',
      }),
    );
  }
  const stored = use(ctx, r, 'aws_dynamodb_table', 'storage_gb');
  lines.push(fromUsage(ctx, r, 'Table storage', stored, 'GB-month', 'dynamodb.storage.gb_month'));
  if (blocks(v.point_in_time_recovery)[0]?.enabled === true) {
    lines.push(
      priced(ctx, r, {
        description: 'Point-in-time recovery (continuous backups)',
        quantity: stored.value,
        unit: 'GB-month',
        quantityFrom: `planned point_in_time_recovery.enabled=true; ${stored.from}`,
        key: 'dynamodb.pitr.gb_month',
      }),
    );
  }
  return lines;
}

const AWS_PROVIDER = /(^|\/)hashicorp\/aws$/;

/** Prices every managed resource of a plan. */
export function estimate(input: EstimateInput): Estimate {
  const ctx: Ctx = { catalogue: input.catalogue, usage: input.usage ?? NO_USAGE, plan: input.resources, hours: input.catalogue.hoursPerMonth };
  const flowLogs = flowLogsByGroup(ctx);
  const rules: Record<string, (r: PlanResource) => RuleResult> = {
    aws_db_instance: (r) => dbInstance(ctx, r),
    aws_elasticache_replication_group: (r) => replicationGroup(ctx, r),
    aws_elasticache_cluster: (r) => cacheCluster(ctx, r),
    aws_ecs_service: (r) => ecsService(ctx, r),
    aws_ecs_cluster: (r) => ecsCluster(ctx, r),
    aws_lb: (r) => loadBalancer(ctx, r),
    aws_alb: (r) => loadBalancer(ctx, r),
    aws_nat_gateway: (r) => natGateway(ctx, r),
    aws_eip: (r) => elasticIp(ctx, r),
    aws_vpc_endpoint: (r) => vpcEndpoint(ctx, r),
    aws_cloudwatch_log_group: (r) => logGroup(ctx, r, flowLogs.get(r.address) ?? []),
    aws_flow_log: (r) => flowLog(ctx, r),
    aws_cloudwatch_metric_alarm: (r) => metricAlarm(ctx, r),
    aws_cloudwatch_dashboard: (r) => dashboard(ctx, r),
    aws_secretsmanager_secret: (r) => secret(ctx, r),
    aws_s3_bucket: (r) => bucket(ctx, r),
    aws_dynamodb_table: (r) => dynamoTable(ctx, r),
  };

  const lines: CostLine[] = [];
  const free: FreeResource[] = [];
  for (const r of input.resources.resources) {
    const rule = rules[r.type];
    let result: RuleResult;
    if (rule) {
      try {
        result = rule(r);
      } catch (e) {
        // A rule must never take the whole estimate down; the resource shows as unpriced with the cause.
        result = [unpriced(r, r.type, `could not be priced: ${(e as Error).message}`)];
      }
    } else if (FREE_TYPES[r.type]) {
      result = { free: FREE_TYPES[r.type] };
    } else if (r.providerName && !AWS_PROVIDER.test(r.providerName)) {
      result = { free: `not billed by AWS (provider ${r.providerName})` };
    } else {
      result = [unpriced(r, r.type, `no pricing rule for resource type ${r.type}`)];
    }
    if (Array.isArray(result)) lines.push(...result);
    else free.push({ address: r.address, resourceType: r.type, reason: result.free });
  }
  return {
    stack: input.stack,
    region: input.catalogue.region,
    currency: input.catalogue.currency,
    hoursPerMonth: ctx.hours,
    usageFile: ctx.usage.file,
    lines,
    free,
    totals: totalsOf(lines, input.resources.resources.length),
  };
}

function totalsOf(lines: readonly CostLine[], resources: number): EstimateTotals {
  let monthly = 0;
  let monthlyMin = 0;
  let monthlyMax = 0;
  for (const l of lines) {
    if (l.monthly === null) continue;
    monthly += l.monthly;
    monthlyMin += l.range?.minMonthly ?? l.monthly;
    monthlyMax += l.range?.maxMonthly ?? l.monthly;
  }
  const priced = lines.filter((l) => l.status === 'priced').length;
  return { monthly, monthlyMin, monthlyMax, pricedLines: priced, unpricedLines: lines.length - priced, resources };
}

/** Monthly cost per resource address (priced lines only), and whether any line of it is unpriced. */
export function costByAddress(e: Estimate): Map<string, { monthly: number; unpriced: number; type: string }> {
  const map = new Map<string, { monthly: number; unpriced: number; type: string }>();
  for (const l of e.lines) {
    const entry = map.get(l.address) ?? { monthly: 0, unpriced: 0, type: l.resourceType };
    entry.monthly += l.monthly ?? 0;
    if (l.status === 'unpriced') entry.unpriced += 1;
    map.set(l.address, entry);
  }
  return map;
}
