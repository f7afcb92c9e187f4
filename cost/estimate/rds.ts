/** RDS: the aws_db_instance rule. */

import type { PlanResource } from './plan';
import { type Ctx, fmt, fromUsage, num, priced, str, unpriced, use } from './lines';
import type { CostLine } from './types';

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
export function dbInstance(ctx: Ctx, r: PlanResource): CostLine[] {
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
