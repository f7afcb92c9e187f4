/** Storage and secrets: Secrets Manager secrets, S3 buckets and DynamoDB tables. */

import type { PlanResource } from './plan';
import { blocks, type Ctx, fmt, fromUsage, num, priced, str, use } from './lines';
import type { CostLine } from './types';

/** aws_secretsmanager_secret: per secret and per replica region, plus API calls (usage). */
export function secret(ctx: Ctx, r: PlanResource): CostLine[] {
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
export function bucket(ctx: Ctx, r: PlanResource): CostLine[] {
  const stored = use(ctx, r, 'aws_s3_bucket', 'storage_gb');
  return [
    fromUsage(ctx, r, 'S3 Standard storage (requests not estimated)', stored, 'GB-month', 's3.standard.gb_month'),
  ];
}

/** aws_dynamodb_table: on-demand requests (usage), storage (usage), point-in-time recovery; provisioned capacity is unpriced. */
export function dynamoTable(ctx: Ctx, r: PlanResource): CostLine[] {
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
