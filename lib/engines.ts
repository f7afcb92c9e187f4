/**
 * Engine versions and the parameter-group families that go with them (D23: the
 * family follows the engine version instead of being hard-coded). The schema checks
 * the configured versions against these tables; the rds and redis constructs derive
 * their parameter-group family with the same functions.
 */

/** PostgreSQL major versions RDS offers, with their DB parameter-group family. */
export const RDS_POSTGRES_FAMILIES: Readonly<Record<string, string>> = {
  '13': 'postgres13',
  '14': 'postgres14',
  '15': 'postgres15',
  '16': 'postgres16',
  '17': 'postgres17',
};

/** Redis OSS versions ElastiCache offers (major.minor), with their parameter-group family. */
export const ELASTICACHE_REDIS_FAMILIES: Readonly<Record<string, string>> = {
  '6.0': 'redis6.x',
  '6.2': 'redis6.x',
  '7.0': 'redis7',
  '7.1': 'redis7',
};

/** The DB parameter-group family of a PostgreSQL version (`17` or `17.2` -> `postgres17`), or undefined if RDS has none. */
export function postgresParameterGroupFamily(engineVersion: string): string | undefined {
  return RDS_POSTGRES_FAMILIES[engineVersion.split('.')[0]];
}

/** The ElastiCache parameter-group family of a Redis version (`7.0` -> `redis7`), or undefined if ElastiCache has none. */
export function redisParameterGroupFamily(engineVersion: string): string | undefined {
  return ELASTICACHE_REDIS_FAMILIES[engineVersion];
}
