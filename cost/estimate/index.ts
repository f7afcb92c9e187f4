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
 *
 * The rules are grouped by service: rds.ts, elasticache.ts, ecs.ts, network.ts, logs.ts
 * (CloudWatch), storage.ts (secrets, S3, DynamoDB); lines.ts has what they share, free.ts
 * the types AWS does not charge for, types.ts the shape of an estimate.
 */
import type { PlanResource } from './plan';
import { NO_USAGE } from './usage';
import { ecsCluster, ecsService } from './ecs';
import { cacheCluster, replicationGroup } from './elasticache';
import { FREE_TYPES } from './free';
import { type Ctx, type RuleResult, unpriced } from './lines';
import { dashboard, flowLog, flowLogsByGroup, logGroup, metricAlarm } from './logs';
import { elasticIp, loadBalancer, natGateway, vpcEndpoint } from './network';
import { dbInstance } from './rds';
import { bucket, dynamoTable, secret } from './storage';
import type { CostLine, Estimate, EstimateInput, EstimateTotals, FreeResource } from './types';

export { FREE_TYPES };
export type { CostLine, Estimate, EstimateInput, EstimateTotals, FreeResource };

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
