/**
 * The checks that read more than one section (or the environment's own fields with a section):
 * zones of the region, what the region offers, what a production-like environment requires, the
 * names built from the project name, the OIDC provider's account. Each reads the typed view of
 * the whole environment (view.ts).
 */
import { arnAccount } from '../../lib/arns';
import { offeredInRegion, regionZones } from '../../lib/aws-facts';
import { nameProblems } from '../../lib/names';
import { checkOffered, DNS_NAME, originHost } from './common';
import type { EnvironmentView } from './environment-fields';
import { Ctx, issue } from './view';

/** Every availability zone is one of the configured region. */
export function checkZonesInRegion(env: EnvironmentView, ctx: Ctx): void {
  const azs = env.network?.availabilityZones;
  const zones = env.region === undefined ? undefined : regionZones(env.region);
  if (!azs || !zones) return;
  azs.forEach((az, i) => {
    if (az !== undefined && !zones.includes(az)) {
      issue(ctx, ['network', 'availabilityZones', i], az, `must be a zone of the configured region ${String(env.region)}: ${zones.join(', ')}`);
    }
  });
}

/** The environment named production gets the strict checks. */
export function checkProductionIsProductionLike(env: EnvironmentView, ctx: Ctx): void {
  if (env.name === 'production' && env.productionLike === false) {
    issue(ctx, ['productionLike'], false, 'must be true for the environment named "production"');
  }
}

/** Every AWS name built from the project name must be one AWS accepts (lib/names.ts). */
export function checkNamesFromProjectName(env: EnvironmentView, ctx: Ctx): void {
  const projectName = env.projectName;
  if (projectName === undefined) return;
  for (const problem of nameProblems(projectName)) issue(ctx, ['projectName'], projectName, problem);
}

/** The database's instance classes must be ones RDS offers for PostgreSQL in the region. */
export function checkDatabaseClassesOffered(env: EnvironmentView, ctx: Ctx): void {
  const db = env.database;
  if (!db) return;
  const offered = offeredInRegion('rds', env.region);
  const what = 'an RDS instance class offered for PostgreSQL';
  checkOffered(ctx, ['database', 'instanceClass'], db.instanceClass, offered, what);
}

/** A production-like environment keeps at least a week of database backups. */
export function checkProductionBackups(env: EnvironmentView, ctx: Ctx): void {
  const retention = env.database?.backupRetentionDays;
  if (env.productionLike === true && retention !== undefined && retention < 7) {
    issue(ctx, ['database', 'backupRetentionDays'], retention, 'must be at least 7 days in a production-like environment (productionLike: true); 0-35 elsewhere');
  }
}

/** The database's subnet group needs subnets in two availability zones. */
export function checkDatabaseZones(env: EnvironmentView, ctx: Ctx): void {
  const azs = env.network?.availabilityZones;
  if (env.database && azs && azs.length === 1) {
    issue(ctx, ['network', 'availabilityZones'], azs.written, 'must list at least 2 zones: the RDS DB subnet group needs subnets in two availability zones');
  }
}

/** The cache's node type must be one ElastiCache offers for Redis OSS in the region. */
export function checkCacheNodeTypeOffered(env: EnvironmentView, ctx: Ctx): void {
  if (!env.cache) return;
  checkOffered(ctx, ['cache', 'nodeType'], env.cache.nodeType, offeredInRegion('elasticache', env.region), 'an ElastiCache node type offered for Redis OSS');
}

/** An existing OIDC provider must belong to the configured account. */
export function checkOidcProviderAccount(env: EnvironmentView, ctx: Ctx): void {
  const arn = env.github?.oidcProviderArn;
  if (arn !== undefined && env.accountId !== undefined && arnAccount(arn) !== env.accountId) {
    issue(ctx, ['github', 'oidcProviderArn'], arn, `must belong to the configured account ${env.accountId}`);
  }
}

/**
 * Each CORS origin has a DNS name (or localhost) as host and, in a production-like environment, is
 * https://. Both in one pass, so the problems come in the list's order.
 */
export function checkCorsOrigins(env: EnvironmentView, ctx: Ctx): void {
  env.application?.backendCorsOrigins?.forEach((origin, i) => {
    if (origin === undefined) return;
    const host = originHost(origin);
    if (host !== 'localhost' && !DNS_NAME.test(host)) {
      issue(ctx, ['application', 'backendCorsOrigins', i], origin, 'must have a DNS name (or localhost) as host');
    } else if (env.productionLike === true && !origin.startsWith('https://')) {
      issue(ctx, ['application', 'backendCorsOrigins', i], origin, 'must be an https:// origin in a production-like environment');
    }
  });
}
