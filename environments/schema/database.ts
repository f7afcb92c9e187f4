/** The `database` section (RDS PostgreSQL, the legacy rds module) and its own cross-field checks. */
import { z } from 'zod';
import { RDS_STORAGE_TYPES, reservedDatabaseNameProblem, reservedUserNameProblem } from '../../lib/aws-facts';
import { isOfferedPostgresVersion, postgresParameterGroupFamily, RDS_POSTGRES_MAJOR_VERSIONS } from '../../lib/engines';
import { checkWindows, dailyWindowSchema, positiveInt, weeklyWindowSchema } from './common';
import { Ctx, issue, isUnset, Path, ViewOf } from './view';

/**
 * The shape of an RDS instance class: db.<family>.<size>, e.g. db.t4g.micro, db.r6g.2xlarge. Whether
 * AWS offers that family and size is checked against lib/aws-facts.ts (checkDatabaseClassesOffered),
 * which says what the family offers.
 */
const RDS_INSTANCE_CLASS = /^db\.[a-z]+\d+[a-z-]*\.[a-z0-9-]+$/;
const rdsInstanceClass = z.string().regex(RDS_INSTANCE_CLASS, {
  message: 'must be an RDS instance class: db, a family and a size joined by dots, e.g. db.t3.micro, db.t4g.small, db.m7g.large or db.r6g.2xlarge',
});

/** Performance Insights keeps data 7 days (free), a whole number of months (31-day units, up to 23), or 731 days. */
export const PERFORMANCE_INSIGHTS_RETENTION_DAYS = [7, ...Array.from({ length: 23 }, (_, i) => 31 * (i + 1)), 731] as const;

const STORAGE_TYPES = Object.keys(RDS_STORAGE_TYPES.value) as (keyof typeof RDS_STORAGE_TYPES.value)[];
/** RDS's rule for the database and master user names of PostgreSQL (1-63 characters). */
const POSTGRES_NAME = /^[A-Za-z][A-Za-z0-9_]{0,62}$/;

export const databaseSchema = z
  .object({
    engineVersion: z
      .string()
      .regex(/^[1-9]\d$/, {
        message:
          'must be a PostgreSQL major version such as 17 (no minor version: RDS upgrades minor versions automatically, and a pinned one would show a diff after every upgrade, D17)',
      })
      .describe(
        'PostgreSQL major version, e.g. 17. RDS picks the newest minor version and upgrades it automatically; a pinned minor version would show a diff after every upgrade (D17).',
      ),
    instanceClass: rdsInstanceClass.describe('RDS instance class db.<family>.<size>, one RDS offers for PostgreSQL in the region, e.g. db.t4g.micro.'),
    allocatedStorage: positiveInt('allocated storage')
      .min(20)
      .max(65536)
      .describe('Initial storage, GiB: 20-65536 for gp2 and gp3, 100-65536 for io1 and io2.'),
    maxAllocatedStorage: positiveInt('max allocated storage')
      .min(0)
      .max(65536)
      .describe('Upper bound for storage autoscaling, GiB: 0 turns autoscaling off, otherwise at least 10% above allocatedStorage.'),
    storageType: z
      .enum(STORAGE_TYPES, {
        message: `must be one of ${STORAGE_TYPES.join(', ')} (standard, the previous-generation magnetic storage, is refused: project rule)`,
      })
      .describe('Storage type: gp2, gp3, io1 or io2 (lib/aws-facts.ts RDS_STORAGE_TYPES says what each requires).'),
    iops: positiveInt('iops')
      .min(1)
      .optional()
      .describe('Provisioned IOPS: required with io1 and io2; with gp3 only from 400 GiB on (below, RDS includes 3,000 IOPS and refuses a value). Default: unset.'),
    storageThroughput: positiveInt('storage throughput')
      .min(1)
      .optional()
      .describe('Provisioned throughput, MiB/s: gp3 from 400 GiB on only, with iops, at most 0.25 MiB/s per IOPS. Default: unset.'),
    multiAz: z.boolean().describe('Standby in a second availability zone.'),
    backupRetentionDays: positiveInt('backup retention')
      .min(0)
      .max(35)
      .describe('Automated backup retention, days (0-35; at least 7 when productionLike).'),
    backupWindow: dailyWindowSchema.describe('Daily backup window (UTC), hh24:mi-hh24:mi, at least 30 minutes, clear of maintenanceWindow.'),
    maintenanceWindow: weeklyWindowSchema.describe('Weekly maintenance window (UTC), ddd:hh24:mi-ddd:hh24:mi, at least 30 minutes.'),
    deletionProtection: z.boolean().describe('RDS deletion protection.'),
    finalSnapshot: z.boolean().describe('Take a final snapshot when the instance is destroyed.'),
    applyImmediately: z.boolean().describe('Apply modifications immediately instead of in the maintenance window.'),
    performanceInsights: z
      .object({
        enabled: z.boolean().describe('Whether Performance Insights is on.'),
        retentionDays: z
          .number()
          .refine((v) => (PERFORMANCE_INSIGHTS_RETENTION_DAYS as readonly number[]).includes(v), {
            message: 'must be a retention Performance Insights accepts: 7, a whole number of months as 31 x n (31, 62, ..., 713), or 731',
          })
          .describe('Retention, days: 7 (free tier), 31 x months up to 713, or 731.'),
      })
      .strict()
      .describe('Performance Insights.'),
    monitoringIntervalSeconds: z
      .union([z.literal(0), z.literal(1), z.literal(5), z.literal(10), z.literal(15), z.literal(30), z.literal(60)], {
        message: 'must be one of 0, 1, 5, 10, 15, 30, 60',
      })
      .describe('Enhanced monitoring interval, seconds (0, 1, 5, 10, 15, 30 or 60); 0 disables it and its IAM role.'),
    databaseName: z
      .string()
      .regex(POSTGRES_NAME, { message: 'must be a PostgreSQL database name: a letter, then up to 62 letters, digits or _' })
      .describe('Name of the application database: a letter, then up to 62 letters, digits or _; not a name PostgreSQL or RDS reserves.'),
    masterUsername: z
      .string()
      .regex(POSTGRES_NAME, { message: 'must be a PostgreSQL user name: a letter, then up to 62 letters, digits or _' })
      .describe('Master user name: a letter, then up to 62 letters, digits or _; not a name PostgreSQL or RDS reserves. RDS keeps its password in Secrets Manager.'),
    alarms: z
      .object({
        cpuPercent: z.number().min(0).max(100).describe('CPU utilisation alarm threshold, percent (average, 2 periods of 5 minutes).'),
        freeStorageBytes: z.number().min(0).describe('Free storage space alarm floor, bytes (average, 1 period of 5 minutes).'),
        connections: z.number().min(0).describe('Database connections alarm threshold (average, 2 periods of 5 minutes).'),
        freeableMemoryBytes: z.number().min(0).describe('Freeable memory alarm floor, bytes (100 MiB in staging, 200 MiB in production; average, 3 periods of 5 minutes).'),
      })
      .strict()
      .describe('Alarm thresholds of the database instance.'),
  })
  .strict()
  .describe('RDS PostgreSQL (legacy rds module).');

export type DatabaseView = ViewOf<typeof databaseSchema>;
/** The `database` section as the Database construct (constructs/database.ts) takes it. */
export type DatabaseSettings = z.output<typeof databaseSchema>;

/** The engine version must be one RDS offers, with its parameter-group family. */
export function checkEngineVersion(db: DatabaseView, ctx: Ctx): void {
  const version = db.engineVersion;
  if (version !== undefined && !isOfferedPostgresVersion(version)) {
    issue(
      ctx,
      ['database', 'engineVersion'],
      version,
      `must be a PostgreSQL major version RDS offers, each with its parameter-group family: ${RDS_POSTGRES_MAJOR_VERSIONS.map((v) => `${v} (${postgresParameterGroupFamily(v)})`).join(', ')}`,
    );
  }
}

/** Provisioned IOPS and throughput as each storage type requires them (lib/aws-facts.ts RDS_STORAGE_TYPES). */
export function checkStorage(db: DatabaseView, ctx: Ctx): void {
  const type = db.storageType;
  if (type === undefined) return;
  const rule = RDS_STORAGE_TYPES.value[type];
  const { allocatedStorage: allocated, iops, storageThroughput: throughput } = db;
  const at = (field: string): Path => ['database', field];
  if (allocated !== undefined && allocated < rule.storage[0]) {
    const smaller = STORAGE_TYPES.filter((t) => RDS_STORAGE_TYPES.value[t].storage[0] <= allocated);
    issue(ctx, at('allocatedStorage'), allocated, `must be at least ${rule.storage[0]} GiB with storageType ${type} (${allocated} GiB is enough only for ${smaller.join(' and ')})`);
  }
  if (rule.iops === 'required' && isUnset(db, 'iops')) {
    const [low, high] = rule.iopsPerGiB ?? [0, 0];
    issue(ctx, at('iops'), undefined, `is required with storageType ${type}: ${rule.iopsRange?.join('-')} provisioned IOPS, ${low}-${high} per GiB of allocatedStorage`);
  }
  if (rule.iops === 'refused' && iops !== undefined) {
    issue(ctx, at('iops'), iops, `must be unset with storageType ${type}: RDS provisions IOPS only for gp3 (from ${RDS_STORAGE_TYPES.value.gp3.provisionedFromGiB} GiB), io1 and io2`);
  }
  if (throughput !== undefined && rule.throughputRange === undefined) {
    issue(ctx, at('storageThroughput'), throughput, `must be unset with storageType ${type}: only gp3 takes a storage throughput`);
  }
  if (rule.provisionedFromGiB !== undefined && allocated !== undefined && allocated < rule.provisionedFromGiB) {
    for (const [field, value] of [['iops', iops], ['storageThroughput', throughput]] as const) {
      if (value !== undefined) {
        issue(ctx, at(field), value, `must be unset with ${type} below ${rule.provisionedFromGiB} GiB (allocatedStorage is ${allocated}): RDS for PostgreSQL includes 3,000 IOPS and 125 MiB/s there and refuses explicit values`);
      }
    }
    return;
  }
  if (iops !== undefined && rule.iopsRange && allocated !== undefined) {
    const [low, high] = rule.iopsRange;
    const [perLow, perHigh] = rule.iopsPerGiB ?? [0, Infinity];
    const [least, most] = [Math.max(low, Math.ceil(perLow * allocated)), Math.min(high, Math.floor(perHigh * allocated))];
    const perGiB = rule.iopsPerGiB ? `, ${perLow}-${perHigh} IOPS per GiB` : '';
    if (iops < least || iops > most) {
      issue(ctx, at('iops'), iops, `must be ${least}-${most} for ${allocated} GiB of ${type} (${low}-${high} IOPS${perGiB})`);
    }
  }
  if (throughput !== undefined && rule.throughputRange) {
    const [low, high] = rule.throughputRange;
    if (throughput < low || throughput > high) issue(ctx, at('storageThroughput'), throughput, `must be ${low}-${high} MiB/s with storageType ${type}`);
    else if (iops === undefined) issue(ctx, at('iops'), undefined, `is required with storageThroughput on ${type}: RDS sets both together`);
    else if (throughput > iops / 4) issue(ctx, at('storageThroughput'), throughput, `must be at most 0.25 MiB/s per provisioned IOPS (${Math.floor(iops / 4)} for ${iops} IOPS)`);
  }
}

/** The master user and database names must not be ones PostgreSQL or RDS reserve. */
export function checkReservedNames(db: DatabaseView, ctx: Ctx): void {
  for (const [field, problemOf] of [
    ['masterUsername', reservedUserNameProblem],
    ['databaseName', reservedDatabaseNameProblem],
  ] as const) {
    const value = db[field];
    const problem = value === undefined ? undefined : problemOf(value);
    if (problem) issue(ctx, ['database', field], value, `must not be a reserved name: ${problem} (see lib/aws-facts.ts)`);
  }
}

/** Storage autoscaling, when on, must leave at least 10% of headroom above the allocated storage. */
export function checkStorageAutoscaling(db: DatabaseView, ctx: Ctx): void {
  const { allocatedStorage: allocated, maxAllocatedStorage: max } = db;
  if (allocated === undefined || max === undefined || max === 0) return;
  const least = Math.ceil((allocated * 11) / 10);
  if (max < least) {
    issue(
      ctx,
      ['database', 'maxAllocatedStorage'],
      max,
      `must be 0 (storage autoscaling off) or at least 10% above allocatedStorage (${allocated} GiB): ${least} or more, up to 65536`,
    );
  }
}

/** The backup and maintenance windows: clock times, lengths, no overlap. */
export function checkDatabaseWindows(db: DatabaseView, ctx: Ctx): void {
  checkWindows(ctx, { daily: db.backupWindow, weekly: db.maintenanceWindow }, { section: 'database', daily: 'backupWindow', weekly: 'maintenanceWindow', minMinutes: 30, owner: 'RDS' });
}
