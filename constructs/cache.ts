/**
 * The legacy `redis` module: a Redis replication group (cluster mode off) with its
 * subnet and parameter groups, slow-log and engine-log delivery to CloudWatch Logs,
 * and three CloudWatch alarms.
 *
 * Fixed here: `description` instead of the removed `replication_group_description`
 * (D1 [removed Redis description argument]), no `auth_token_enabled` argument (D2 [nonexistent auth_token_enabled]: AUTH is on exactly when a token is
 * given), the parameter-group family follows the engine version, fail-over and
 * Multi-AZ only with two or more nodes, and the AUTH token is kept in a Secrets
 * Manager secret whose ARN the backend container receives (D13 [backend without Redis TLS and AUTH]).
 */
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { ElasticacheParameterGroup } from '@cdktf/provider-aws/lib/elasticache-parameter-group';
import { ElasticacheReplicationGroup } from '@cdktf/provider-aws/lib/elasticache-replication-group';
import { ElasticacheSubnetGroup } from '@cdktf/provider-aws/lib/elasticache-subnet-group';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { SecretsmanagerSecretVersion } from '@cdktf/provider-aws/lib/secretsmanager-secret-version';
import { Fn } from 'cdktf';
import type { Construct } from 'constructs';
import { pin } from '../lib/addresses';
import { redisParameterGroupFamily } from '../lib/engines';
import { maxAcrossAlarmFactory } from '../lib/alarms';
import type { ApplicationSettings } from '../environments/schema/application';
import type { CacheSettings } from '../environments/schema/cache';
import { PlatformConstruct, type SharedProps } from './base';

/** The Redis port (fixed in the legacy module). */
export const REDIS_PORT = 6379;

/**
 * AUTH tokens ElastiCache accepts: 16-128 characters, letters, digits and only the symbols
 * ! & # $ ^ < > - (ElastiCache API reference, CreateReplicationGroup `AuthToken`). Stricter than
 * the provider's own check (anything but @ " /), which would let AWS reject the token at apply.
 */
export const REDIS_AUTH_TOKEN_PATTERN = '^[A-Za-z0-9!&#$^<>-]{16,128}$';

/** Re-exported: the family derivation lives with the accepted versions in lib/engines.ts. */
export { redisParameterGroupFamily };

/**
 * Whether settings ask for Redis AUTH without encryption in transit, which ElastiCache refuses. The
 * one statement of the rule: the schema's check (environments/schema/cache.ts) reports it for an
 * environment file, the construct's guard for settings given to it directly.
 */
export function authWithoutTransitEncryption(cache: Partial<Pick<CacheSettings, 'authToken' | 'transitEncryption'>>): boolean {
  return cache.authToken === true && cache.transitEncryption === false;
}

/** What the cache connects to, and what it takes from elsewhere. */
export interface CacheRefs {
  /** Subnets of the cache subnet group (the private database subnets). */
  readonly subnetIds: string[];
  /** Security groups of the replication group. */
  readonly securityGroupIds: string[];
  /** The alarm topic: alarm and OK action of every alarm. */
  readonly alarmTopicArn: string;
  /**
   * The AUTH token itself, given exactly when `authToken` is true: a reference to the sensitive
   * Terraform variable `redis_auth_token`, never a literal.
   */
  readonly authTokenValue?: string;
  /**
   * Version of the AUTH token (`secret_string_wo_version` of the secret's version): raise it together
   * with a new token, or the secret keeps the old one. Required with `authTokenValue`.
   */
  readonly authTokenVersion?: number;
  /** Recovery window of the AUTH-token secret: the `application` section's. */
  readonly secretRecoveryWindowDays: ApplicationSettings['secretRecoveryWindowDays'];
}

export class Cache extends PlatformConstruct {
  /** The replication group id, `<projectName>-redis` (also the CloudWatch `ReplicationGroupId`). */
  public readonly replicationGroupId: string;
  /** Host name of the primary endpoint (for REDIS_HOST). */
  public readonly primaryEndpointAddress: string;
  /** Host name of the reader endpoint. */
  public readonly readerEndpointAddress: string;
  /** Member cache clusters (`<group>-001`, ...): the CacheClusterId dimension of the node metrics. */
  public readonly memberClusterIds: string[];
  /** Port, 6379 (for REDIS_PORT). */
  public readonly port: number;
  /** Whether clients must connect with TLS (for REDIS_SSL). */
  public readonly transitEncryption: boolean;
  /** ARN of the secret holding the AUTH token as a plain string (for REDIS_PASSWORD); undefined without AUTH. */
  public readonly authTokenSecretArn?: string;

  constructor(scope: Construct, id: string, shared: SharedProps, settings: CacheSettings, refs: CacheRefs) {
    super(scope, id, shared, 'redis');
    const p = this.projectName;
    const tags = this.tags;
    const at = this.at;
    const engineVersion = settings.engineVersion;
    const nodes = settings.numCacheClusters;
    const authToken = refs.authTokenValue;
    this.transitEncryption = settings.transitEncryption;
    if (settings.authToken !== (authToken !== undefined)) {
      throw new Error(`${this.node.path}: authToken is ${settings.authToken} but a token value was ${authToken === undefined ? 'not ' : ''}given; give the token exactly when authToken is true`);
    }
    if (authToken !== undefined && refs.authTokenVersion === undefined) {
      throw new Error(`${this.node.path}: an AUTH token needs its version (authTokenVersion), which tells Terraform when to write it to the secret`);
    }
    if (authWithoutTransitEncryption(settings)) {
      throw new Error(`${this.node.path}: an AUTH token needs transitEncryption: ElastiCache accepts AUTH only with encryption in transit`);
    }
    const names = this.names.redis;
    this.replicationGroupId = names.replicationGroup;
    this.port = REDIS_PORT;

    const subnetGroup = pin(
      new ElasticacheSubnetGroup(this, 'SubnetGroup', {
        name: names.subnetGroup,
        subnetIds: refs.subnetIds,
        tags: { ...tags, Name: names.subnetGroup },
      }),
      at('main'),
    );
    const parameterGroup = pin(
      new ElasticacheParameterGroup(this, 'ParameterGroup', {
        name: names.parameterGroup,
        family: redisParameterGroupFamily(engineVersion),
        parameter: [{ name: 'maxmemory-policy', value: 'allkeys-lru' }],
        tags,
      }),
      at('main'),
    );

    const logGroup = (name: 'slow_log' | 'engine_log') =>
      pin(
        new CloudwatchLogGroup(this, name, {
          name: name === 'slow_log' ? names.slowLogGroup : names.engineLogGroup,
          retentionInDays: settings.logRetentionDays,
          tags,
        }),
        at(`redis_${name}`),
      );
    const slowLog = logGroup('slow_log');
    const engineLog = logGroup('engine_log');

    const group = pin(
      new ElasticacheReplicationGroup(this, 'ReplicationGroup', {
        replicationGroupId: this.replicationGroupId,
        description: `Redis cluster for ${p}`,
        engine: 'redis',
        engineVersion,
        nodeType: settings.nodeType,
        numCacheClusters: nodes,
        port: REDIS_PORT,
        parameterGroupName: parameterGroup.name,
        subnetGroupName: subnetGroup.name,
        securityGroupIds: refs.securityGroupIds,
        automaticFailoverEnabled: nodes > 1,
        multiAzEnabled: settings.multiAz && nodes > 1,
        // String-typed in provider 5.100.
        atRestEncryptionEnabled: 'true',
        transitEncryptionEnabled: this.transitEncryption,
        authToken,
        autoMinorVersionUpgrade: 'true',
        maintenanceWindow: settings.maintenanceWindow,
        snapshotRetentionLimit: settings.snapshotRetentionDays,
        snapshotWindow: settings.snapshotWindow,
        applyImmediately: settings.applyImmediately,
        logDeliveryConfiguration: [
          { destination: slowLog.name, destinationType: 'cloudwatch-logs', logFormat: 'json', logType: 'slow-log' },
          { destination: engineLog.name, destinationType: 'cloudwatch-logs', logFormat: 'json', logType: 'engine-log' },
        ],
        tags: { ...tags, Name: this.replicationGroupId },
        // A precondition, not a variable validation block: Terraform 1.11 prints the value of a
        // sensitive variable whose validation fails, but not the values in a failed precondition (D5 [empty Redis AUTH token]).
        lifecycle:
          authToken === undefined
            ? undefined
            : {
                precondition: [
                  {
                    condition: Fn.can(Fn.regex(REDIS_AUTH_TOKEN_PATTERN, authToken)),
                    errorMessage:
                      'The Redis AUTH token must be 16-128 characters of letters, digits and the symbols ! & # $ ^ < > - (no @, ", / or spaces), as ElastiCache requires.',
                  },
                ],
              },
      }),
      at('main'),
    );

    if (authToken !== undefined) {
      const secret = pin(
        new SecretsmanagerSecret(this, 'AuthTokenSecret', {
          name: names.authTokenSecret,
          description: `Redis AUTH token of ${this.replicationGroupId}`,
          recoveryWindowInDays: refs.secretRecoveryWindowDays,
          tags,
        }),
        at('auth_token'),
        'added',
      );
      // Write-only (Terraform 1.11, provider 5.100): the value goes to Secrets Manager, never into this
      // resource's state or plan. Terraform sends it again only when the version number changes.
      pin(
        new SecretsmanagerSecretVersion(this, 'AuthTokenSecretValue', {
          secretId: secret.id,
          secretStringWo: authToken,
          secretStringWoVersion: refs.authTokenVersion,
        }),
        at('auth_token'),
        'added',
      );
      this.authTokenSecretArn = secret.arn;
    }

    // ElastiCache publishes these metrics per member cluster (`<group>-001`, `-002`, ...), not per
    // replication group: the legacy ReplicationGroupId dimension matched no metric. Each alarm
    // watches every member and fires on the worst one, whichever node is primary.
    const members = Array.from({ length: nodes }, (_, i) => ({ CacheClusterId: `${this.replicationGroupId}-${String(i + 1).padStart(3, '0')}` }));
    this.memberClusterIds = members.map((m) => m.CacheClusterId);
    const alarm = maxAcrossAlarmFactory(this, at, { namespace: 'AWS/ElastiCache', alarmActions: [refs.alarmTopicArn], tags });
    alarm('cpu_utilization', {
      alarmName: names.cpuAlarm,
      metricName: 'CPUUtilization',
      statistic: 'Average',
      comparisonOperator: 'GreaterThanThreshold',
      threshold: settings.alarms.cpuPercent,
      evaluationPeriods: 2,
      alarmDescription: 'This metric monitors Redis CPU utilization',
      series: members,
    });
    alarm('memory_utilization', {
      alarmName: names.memoryAlarm,
      metricName: 'DatabaseMemoryUsagePercentage',
      statistic: 'Average',
      comparisonOperator: 'GreaterThanThreshold',
      threshold: settings.alarms.memoryPercent,
      evaluationPeriods: 2,
      alarmDescription: 'This metric monitors Redis memory utilization',
      series: members,
    });
    alarm('evictions', {
      alarmName: names.evictionsAlarm,
      metricName: 'Evictions',
      statistic: 'Sum',
      comparisonOperator: 'GreaterThanThreshold',
      threshold: settings.alarms.evictions,
      evaluationPeriods: 1,
      alarmDescription: 'This metric monitors Redis evictions',
      treatMissingData: 'notBreaching',
      series: members,
    });
    if (nodes > 1) {
      // Replicas publish ReplicationLag (the primary does not); the worst replica counts.
      alarm('replication_lag', {
        alarmName: names.replicationLagAlarm,
        metricName: 'ReplicationLag',
        statistic: 'Maximum',
        comparisonOperator: 'GreaterThanThreshold',
        threshold: settings.alarms.replicationLagSeconds,
        evaluationPeriods: 3,
        period: 60,
        alarmDescription: 'Redis replicas are behind the primary: a failover now would lose recent writes',
        treatMissingData: 'notBreaching',
        series: members,
      }, 'added');
    }

    this.primaryEndpointAddress = group.primaryEndpointAddress;
    this.readerEndpointAddress = group.readerEndpointAddress;
  }
}
