/**
 * Engine versions the platform accepts and the parameter-group families that go with
 * them (D23 [ignored arguments, hard-coded family]: the family follows the engine version instead of being hard-coded). The
 * schema refuses versions outside these lists; the rds and redis constructs derive their
 * parameter-group family with the same functions.
 */

/** PostgreSQL major versions RDS offers for new instances. */
export const RDS_POSTGRES_MAJOR_VERSIONS = ['13', '14', '15', '16', '17'] as const;

/** Redis OSS versions (major.minor) ElastiCache offers for new replication groups. */
export const ELASTICACHE_REDIS_VERSIONS = ['6.0', '6.2', '7.0', '7.1'] as const;

/**
 * The RDS parameter-group family of a PostgreSQL version: `postgres<major>`
 * (e.g. `17` or `17.2` -> `postgres17`). Versions before 10 (`9.6` -> `postgres9.6`) had two-part majors.
 */
export function postgresParameterGroupFamily(engineVersion: string): string {
  const match = /^(\d+)(?:\.(\d+))?/.exec(engineVersion);
  if (!match) throw new Error(`"${engineVersion}" is not a PostgreSQL version such as 17`);
  const major = Number(match[1]);
  if (major >= 10) return `postgres${major}`;
  if (match[2] === undefined) throw new Error(`PostgreSQL ${engineVersion}: versions before 10 need the two-part major, e.g. 9.6`);
  return `postgres${major}.${match[2]}`;
}

/**
 * The ElastiCache parameter-group family of a Redis version: `redis7` from 7 on,
 * `redis6.x` for 6, `redis<major>.<minor>` before (e.g. `5.0` -> `redis5.0`).
 */
export function redisParameterGroupFamily(engineVersion: string): string {
  const match = /^(\d+)\.(\d+|x)/.exec(engineVersion);
  if (!match) throw new Error(`"${engineVersion}" is not a Redis version such as 7.0`);
  const major = Number(match[1]);
  if (major >= 7) return `redis${major}`;
  if (major === 6) return 'redis6.x';
  return `redis${major}.${match[2]}`;
}

/** Whether RDS offers the PostgreSQL version's major for new instances. */
export function isOfferedPostgresVersion(engineVersion: string): boolean {
  return (RDS_POSTGRES_MAJOR_VERSIONS as readonly string[]).includes(engineVersion.split('.')[0]);
}

/** Whether ElastiCache offers the Redis version for new replication groups. */
export function isOfferedRedisVersion(engineVersion: string): boolean {
  return (ELASTICACHE_REDIS_VERSIONS as readonly string[]).includes(engineVersion);
}
