/** CloudWatch: log groups, flow logs, metric alarms and dashboards. */

import type { PlanResource } from './plan';
import { blocks, type Ctx, fmt, fromUsage, num, priced, str, unpriced, use } from './lines';
import type { CostLine } from './types';

/** Flow logs delivered to a log group, by destination log-group address. */
export function flowLogsByGroup(ctx: Ctx): Map<string, PlanResource[]> {
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
export function logGroup(ctx: Ctx, r: PlanResource, flowLogs: readonly PlanResource[]): CostLine[] {
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
export function flowLog(ctx: Ctx, r: PlanResource): CostLine[] {
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
export function metricAlarm(ctx: Ctx, r: PlanResource): CostLine[] {
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

export function dashboard(ctx: Ctx, r: PlanResource): CostLine[] {
  return [priced(ctx, r, { description: 'Dashboard', quantity: 1, unit: 'dashboards', quantityFrom: 'one dashboard', key: 'cloudwatch.dashboard.month' })];
}
