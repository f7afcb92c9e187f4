/**
 * The legacy `redis` module: a Redis replication group (cluster mode off) with its
 * subnet and parameter groups, slow-log and engine-log delivery to CloudWatch Logs,
 * and three CloudWatch alarms.
 *
 * Fixed here: `description` instead of the removed `replication_group_description`
 * (D1), no `auth_token_enabled` argument (D2: AUTH is on exactly when a token is
 * given), the parameter-group family follows the engine version, fail-over and
 * Multi-AZ only with two or more nodes, and the AUTH token is kept in a Secrets
 * Manager secret whose ARN the backend container receives (D13).
 */
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { ElasticacheParameterGroup } from '@cdktf/provider-aws/lib/elasticache-parameter-group';
import { ElasticacheReplicationGroup } from '@cdktf/provider-aws/lib/elasticache-replication-group';
import { ElasticacheSubnetGroup } from '@cdktf/provider-aws/lib/elasticache-subnet-group';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { SecretsmanagerSecretVersion } from '@cdktf/provider-aws/lib/secretsmanager-secret-version';
import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import { logicalIds, pin } from '../lib/addresses';
import { resourceNames } from '../lib/names';
import { redisParameterGroupFamily } from '../lib/engines';
import { maxAcrossAlarmFactory } from '../lib/alarms';

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

export interface RedisClusterProps {
  /** Resource-name prefix (the legacy `project_name`); the replication group is `<projectName>-redis`. */
  readonly projectName: string;
  /** Subnets of the cache subnet group (the private database subnets). */
  readonly subnetIds: string[];
  /** Security groups of the replication group. */
  readonly securityGroupIds: string[];
  /** Redis engine version. @default '7.0' */
  readonly engineVersion?: string;
  /** Node type. @default 'cache.t3.micro' */
  readonly nodeType?: string;
  /** Number of nodes (primary plus replicas); fail-over is on from 2. @default 1 */
  readonly numCacheClusters?: number;
  /** Multi-AZ; takes effect only with 2 or more nodes. @default false */
  readonly multiAz?: boolean;
  /** TLS between clients and Redis. @default true */
  readonly transitEncryption?: boolean;
  /**
   * The AUTH token, normally a reference to a sensitive Terraform variable, never a literal.
   * When given, AUTH is on (it requires `transitEncryption`) and the token is also stored in
   * the Secrets Manager secret `<projectName>-redis-auth` for the application.
   * @default undefined (no AUTH)
   */
  readonly authToken?: string;
  /** Recovery window of the AUTH-token secret, 0 or 7-30 days. @default 30 */
  readonly authTokenSecretRecoveryWindowDays?: number;
  /** Days of automatic snapshots to keep. @default 5 */
  readonly snapshotRetentionDays?: number;
  /** Daily snapshot window (UTC). @default '03:00-05:00' */
  readonly snapshotWindow?: string;
  /** Weekly maintenance window (UTC). @default 'sun:05:00-sun:07:00' */
  readonly maintenanceWindow?: string;
  /** Apply modifications immediately. @default false */
  readonly applyImmediately?: boolean;
  /** Retention of the slow-log and engine-log groups in days. @default 7 */
  readonly logRetentionDays?: number;
  /** CPU alarm threshold, percent. @default 75 */
  readonly cpuAlarmThreshold?: number;
  /** Memory alarm threshold, percent of DatabaseMemoryUsagePercentage. @default 80 */
  readonly memoryAlarmThreshold?: number;
  /** Evictions alarm threshold, count per 5 minutes. @default 1000 */
  readonly evictionsAlarmThreshold?: number;
  /** Replication-lag alarm threshold in seconds (only with two or more nodes). @default 30 */
  readonly replicationLagAlarmThresholdSeconds?: number;
  /** Alarm and OK actions of every alarm (the alarm topic's ARN). @default [] */
  readonly alarmActions?: readonly string[];
  /** Tags for every resource; `Name` is added on the subnet group and the replication group. @default {} */
  readonly tags?: Record<string, string>;
  /** Prefix of the Terraform logical ids. @default 'redis' */
  readonly addressPrefix?: string;
}

export class RedisCluster extends Construct {
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

  constructor(scope: Construct, id: string, props: RedisClusterProps) {
    super(scope, id);
    const p = props.projectName;
    const tags = props.tags ?? {};
    const at = logicalIds(props.addressPrefix ?? 'redis');
    const engineVersion = props.engineVersion ?? '7.0';
    const nodes = props.numCacheClusters ?? 1;
    this.transitEncryption = props.transitEncryption ?? true;
    if (props.authToken !== undefined && !this.transitEncryption) {
      throw new Error(`${this.node.path}: an AUTH token needs transitEncryption: ElastiCache accepts AUTH only with encryption in transit`);
    }
    const names = resourceNames(p).redis;
    this.replicationGroupId = names.replicationGroup;
    this.port = REDIS_PORT;

    const subnetGroup = pin(
      new ElasticacheSubnetGroup(this, 'SubnetGroup', {
        name: names.subnetGroup,
        subnetIds: props.subnetIds,
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
          retentionInDays: props.logRetentionDays ?? 7,
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
        nodeType: props.nodeType ?? 'cache.t3.micro',
        numCacheClusters: nodes,
        port: REDIS_PORT,
        parameterGroupName: parameterGroup.name,
        subnetGroupName: subnetGroup.name,
        securityGroupIds: props.securityGroupIds,
        automaticFailoverEnabled: nodes > 1,
        multiAzEnabled: (props.multiAz ?? false) && nodes > 1,
        // String-typed in provider 5.100.
        atRestEncryptionEnabled: 'true',
        transitEncryptionEnabled: this.transitEncryption,
        authToken: props.authToken,
        autoMinorVersionUpgrade: 'true',
        maintenanceWindow: props.maintenanceWindow ?? 'sun:05:00-sun:07:00',
        snapshotRetentionLimit: props.snapshotRetentionDays ?? 5,
        snapshotWindow: props.snapshotWindow ?? '03:00-05:00',
        applyImmediately: props.applyImmediately ?? false,
        logDeliveryConfiguration: [
          { destination: slowLog.name, destinationType: 'cloudwatch-logs', logFormat: 'json', logType: 'slow-log' },
          { destination: engineLog.name, destinationType: 'cloudwatch-logs', logFormat: 'json', logType: 'engine-log' },
        ],
        tags: { ...tags, Name: this.replicationGroupId },
        // A precondition, not a variable validation block: Terraform 1.11 prints the value of a
        // sensitive variable whose validation fails, but not the values in a failed precondition (D5).
        lifecycle:
          props.authToken === undefined
            ? undefined
            : {
                precondition: [
                  {
                    condition: Fn.can(Fn.regex(REDIS_AUTH_TOKEN_PATTERN, props.authToken)),
                    errorMessage:
                      'The Redis AUTH token must be 16-128 characters of letters, digits and the symbols ! & # $ ^ < > - (no @, ", / or spaces), as ElastiCache requires.',
                  },
                ],
              },
      }),
      at('main'),
    );

    if (props.authToken !== undefined) {
      const secret = pin(
        new SecretsmanagerSecret(this, 'AuthTokenSecret', {
          name: names.authTokenSecret,
          description: `Redis AUTH token of ${this.replicationGroupId}`,
          recoveryWindowInDays: props.authTokenSecretRecoveryWindowDays ?? 30,
          tags,
        }),
        at('auth_token'),
        'added',
      );
      pin(new SecretsmanagerSecretVersion(this, 'AuthTokenSecretValue', { secretId: secret.id, secretString: props.authToken }), at('auth_token'), 'added');
      this.authTokenSecretArn = secret.arn;
    }

    // ElastiCache publishes these metrics per member cluster (`<group>-001`, `-002`, ...), not per
    // replication group: the legacy ReplicationGroupId dimension matched no metric. Each alarm
    // watches every member and fires on the worst one, whichever node is primary.
    const members = Array.from({ length: nodes }, (_, i) => ({ CacheClusterId: `${this.replicationGroupId}-${String(i + 1).padStart(3, '0')}` }));
    this.memberClusterIds = members.map((m) => m.CacheClusterId);
    const alarm = maxAcrossAlarmFactory(this, at, { namespace: 'AWS/ElastiCache', alarmActions: props.alarmActions ?? [], tags });
    alarm('cpu_utilization', {
      alarmName: names.cpuAlarm,
      metricName: 'CPUUtilization',
      statistic: 'Average',
      comparisonOperator: 'GreaterThanThreshold',
      threshold: props.cpuAlarmThreshold ?? 75,
      evaluationPeriods: 2,
      alarmDescription: 'This metric monitors Redis CPU utilization',
      series: members,
    });
    alarm('memory_utilization', {
      alarmName: names.memoryAlarm,
      metricName: 'DatabaseMemoryUsagePercentage',
      statistic: 'Average',
      comparisonOperator: 'GreaterThanThreshold',
      threshold: props.memoryAlarmThreshold ?? 80,
      evaluationPeriods: 2,
      alarmDescription: 'This metric monitors Redis memory utilization',
      series: members,
    });
    alarm('evictions', {
      alarmName: names.evictionsAlarm,
      metricName: 'Evictions',
      statistic: 'Sum',
      comparisonOperator: 'GreaterThanThreshold',
      threshold: props.evictionsAlarmThreshold ?? 1000,
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
        threshold: props.replicationLagAlarmThresholdSeconds ?? 30,
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
