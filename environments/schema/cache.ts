/** The `cache` section (ElastiCache Redis, the legacy redis module) and its own cross-field checks. */
import { z } from 'zod';
import { authWithoutTransitEncryption } from '../../constructs/cache';
import { ELASTICACHE_REDIS_VERSIONS, isOfferedRedisVersion, redisParameterGroupFamily } from '../../lib/engines';
import { checkWindows, dailyWindowSchema, logRetentionDays, positiveInt, weeklyWindowSchema } from './common';
import { Ctx, issue, ViewOf } from './view';

/** A Redis engine version, major.minor, e.g. 7.0. */
export const REDIS_VERSION = /^\d+\.\d+$/;

/**
 * The shape of an ElastiCache node type: cache.<family>.<size>, e.g. cache.t4g.micro, cache.r7g.xlarge.
 * Whether AWS offers that family and size is checked against lib/aws-facts.ts
 * (checkCacheNodeTypeOffered), which says what the family offers.
 */
const CACHE_NODE_TYPE = /^cache\.[a-z]+\d+[a-z-]*\.[a-z0-9-]+$/;
const cacheNodeType = z.string().regex(CACHE_NODE_TYPE, {
  message: 'must be an ElastiCache node type: cache, a family and a size joined by dots, e.g. cache.t3.micro, cache.t4g.small or cache.r7g.large',
});

export const cacheSchema = z
  .object({
    engineVersion: z
      .string()
      .regex(REDIS_VERSION, { message: 'must be a Redis version such as 7.0' })
      .describe('Redis engine version, major.minor (e.g. 7.0), one ElastiCache offers with a parameter-group family.'),
    nodeType: cacheNodeType.describe('ElastiCache node type cache.<family>.<size>, one offered for Redis OSS in the region, e.g. cache.t4g.micro.'),
    numCacheClusters: positiveInt('node count').min(1).max(6).describe('Number of nodes, primary plus replicas (1-6).'),
    multiAz: z.boolean().describe('Multi-AZ with automatic failover; needs numCacheClusters of 2 or more.'),
    transitEncryption: z.boolean().describe('TLS between clients and Redis.'),
    authToken: z
      .boolean()
      .describe(
        'Redis AUTH. When true the stack declares the sensitive Terraform variable redis_auth_token and keeps the token in the Secrets Manager secret <projectName>-redis-auth for the backend. Requires transitEncryption.',
      ),
    snapshotRetentionDays: positiveInt('snapshot retention').min(0).max(35).describe('Days of automatic snapshots to keep (0-35; 0 turns snapshots off).'),
    snapshotWindow: dailyWindowSchema.describe('Daily snapshot window (UTC), hh24:mi-hh24:mi, at least 60 minutes, clear of maintenanceWindow.'),
    maintenanceWindow: weeklyWindowSchema.describe('Weekly maintenance window (UTC), ddd:hh24:mi-ddd:hh24:mi, at least 60 minutes.'),
    applyImmediately: z.boolean().describe('Apply modifications immediately instead of in the maintenance window.'),
    logRetentionDays: logRetentionDays.describe('Retention of the slow-log and engine-log groups, days (a value CloudWatch Logs accepts).'),
    alarms: z
      .object({
        cpuPercent: z.number().min(0).max(100).describe('CPU utilisation alarm threshold, percent (average, 2 periods of 5 minutes).'),
        memoryPercent: z.number().min(0).max(100).describe('Memory alarm threshold, percent of DatabaseMemoryUsagePercentage (average, 2 periods of 5 minutes).'),
        evictions: z.number().min(0).describe('Evictions alarm threshold, count per 5 minutes.'),
        replicationLagSeconds: z.number().min(0).describe('Replication lag alarm threshold, seconds (maximum per minute); alarmed only with two or more nodes.'),
      })
      .strict()
      .describe('Alarm thresholds of the replication group.'),
  })
  .strict()
  .describe('ElastiCache Redis (legacy redis module).');

export type CacheView = ViewOf<typeof cacheSchema>;
/** The `cache` section as the Cache construct (constructs/cache.ts) takes it. */
export type CacheSettings = z.output<typeof cacheSchema>;

/** The engine version must be one ElastiCache offers, with its parameter-group family. */
export function checkCacheEngineVersion(cache: CacheView, ctx: Ctx): void {
  const version = cache.engineVersion;
  if (version !== undefined && !isOfferedRedisVersion(version)) {
    issue(
      ctx,
      ['cache', 'engineVersion'],
      version,
      `must be a Redis version ElastiCache offers, each with its parameter-group family: ${ELASTICACHE_REDIS_VERSIONS.map((v) => `${v} (${redisParameterGroupFamily(v)})`).join(', ')}`,
    );
  }
}

/** Multi-AZ needs a replica; AUTH needs TLS; the snapshot and maintenance windows. */
export function checkCacheSettings(cache: CacheView, ctx: Ctx): void {
  const nodes = cache.numCacheClusters;
  if (cache.multiAz === true && nodes !== undefined && nodes < 2) {
    issue(
      ctx,
      ['cache', 'multiAz'],
      true,
      `requires numCacheClusters of at least 2 (it is ${nodes}): Multi-AZ and automatic failover need a replica to fail over to`,
    );
  }
  if (authWithoutTransitEncryption(cache)) {
    issue(
      ctx,
      ['cache', 'authToken'],
      true,
      'must be false when cache.transitEncryption is false: ElastiCache accepts an AUTH token only with encryption in transit; set cache.transitEncryption to true or cache.authToken to false',
    );
  }
  checkWindows(ctx, { daily: cache.snapshotWindow, weekly: cache.maintenanceWindow }, { section: 'cache', daily: 'snapshotWindow', weekly: 'maintenanceWindow', minMinutes: 60, owner: 'ElastiCache' });
}
