/**
 * Every policy rule on resources built directly in a test stack: one failing case
 * with its exact message and one passing case. The rules read synthesized attributes,
 * so these resources need no platform construct around them.
 */
import { Fn, TerraformStack, Testing } from 'cdktf';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DataAwsIamPolicyDocument, DataAwsIamPolicyDocumentStatement } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { DbInstance, DbInstanceConfig } from '@cdktf/provider-aws/lib/db-instance';
import { EcsCluster } from '@cdktf/provider-aws/lib/ecs-cluster';
import { EcsService } from '@cdktf/provider-aws/lib/ecs-service';
import { EcsTaskDefinition } from '@cdktf/provider-aws/lib/ecs-task-definition';
import { ElasticacheReplicationGroup, ElasticacheReplicationGroupConfig } from '@cdktf/provider-aws/lib/elasticache-replication-group';
import { FlowLog } from '@cdktf/provider-aws/lib/flow-log';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketPublicAccessBlock, S3BucketPublicAccessBlockConfig } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { Lb, LbConfig } from '@cdktf/provider-aws/lib/lb';
import { LbListener, LbListenerConfig } from '@cdktf/provider-aws/lib/lb-listener';
import { LbListenerRule } from '@cdktf/provider-aws/lib/lb-listener-rule';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { SecurityGroupRule } from '@cdktf/provider-aws/lib/security-group-rule';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { pin } from '../../../lib/addresses';
import { checkStackPolicy } from '../../../lib/policy/engine';
import type { PolicyRuleId } from '../../../lib/policy/rule-ids';
import { POLICY_RULE_IDS } from '../../../lib/policy/rule-ids';
import { EXEC_CHANNEL_ACTIONS, POLICY_RULES } from '../../../lib/policy/rules';

type Build = (stack: TerraformStack) => void;

function stackWith(build: Build): TerraformStack {
  const stack = new TerraformStack(Testing.app(), 'test');
  new AwsProvider(stack, 'aws', { region: 'ap-southeast-2' });
  build(stack);
  return stack;
}

/** Rows of one rule on a test stack: [resource, status, detail]. */
function rowsOf(rule: PolicyRuleId, build: Build, productionLike = true): [string, string, string | undefined][] {
  const report = checkStackPolicy(stackWith(build), { productionLike, rules: POLICY_RULES.filter((r) => r.id === rule) });
  return report.results.map((r) => [r.resource, r.status === 'fail' ? `fail:${r.level}` : r.status, r.detail]);
}

// ------------------------------------------------------------- resources that pass every rule

const goodDb: DbInstanceConfig = {
  identifier: 'app-postgres',
  engine: 'postgres',
  instanceClass: 'db.t3.small',
  allocatedStorage: 20,
  storageEncrypted: true,
  publiclyAccessible: false,
  deletionProtection: true,
  multiAz: true,
  backupRetentionPeriod: 7,
  skipFinalSnapshot: false,
  finalSnapshotIdentifier: 'app-final-snapshot',
  enabledCloudwatchLogsExports: ['postgresql', 'upgrade'],
  monitoringInterval: 60,
  monitoringRoleArn: 'arn:aws:iam::123456789012:role/rds-monitoring',
  autoMinorVersionUpgrade: true,
};
const db = (over: Partial<DbInstanceConfig> = {}): Build => (s) => pin(new DbInstance(s, 'db', { ...goodDb, ...over }), 'rds_main');

const goodRedis: ElasticacheReplicationGroupConfig = {
  replicationGroupId: 'app-redis',
  description: 'Redis',
  nodeType: 'cache.t3.small',
  numCacheClusters: 2,
  automaticFailoverEnabled: true,
  multiAzEnabled: true,
  atRestEncryptionEnabled: 'true',
  transitEncryptionEnabled: true,
  authToken: '${var.redis_auth_token}',
  snapshotRetentionLimit: 5,
};
const redis = (over: Partial<ElasticacheReplicationGroupConfig> = {}): Build => (s) =>
  pin(new ElasticacheReplicationGroup(s, 'redis', { ...goodRedis, ...over }), 'redis_main');

const albWith = (over: Partial<LbConfig> = {}) => (s: TerraformStack) => {
  const group = pin(new SecurityGroup(s, 'alb-sg', { name: 'alb-sg' }), 'security_alb');
  pin(new Lb(s, 'lb', { name: 'app-alb', securityGroups: [group.id], dropInvalidHeaderFields: true, enableDeletionProtection: true, ...over }), 'alb_main');
  return group;
};
const openTo = (port: number, group: SecurityGroup, s: TerraformStack, id = 'open') =>
  pin(new SecurityGroupRule(s, id, { type: 'ingress', protocol: 'tcp', fromPort: port, toPort: port, cidrBlocks: ['0.0.0.0/0'], securityGroupId: group.id }), `security_${id}`);

const listener = (over: Partial<LbListenerConfig>): Build => (s) => pin(new LbListener(s, 'listener', { loadBalancerArn: 'arn', port: 80, protocol: 'HTTP', defaultAction: [], ...over }), 'alb_http');
const redirectToHttps = [{ type: 'redirect', redirect: { port: '443', protocol: 'HTTPS', statusCode: 'HTTP_301' } }];

const taskDefinition = (container: Record<string, unknown>): Build => (s) =>
  pin(
    new EcsTaskDefinition(s, 'task', {
      family: 'app',
      containerDefinitions: JSON.stringify([{ name: 'web', image: 'nginx', essential: true, readonlyRootFilesystem: true, ...container }]),
    }),
    'ecs_web',
  );

/** A service with ECS Exec on, its task role, cluster and exec log group; each option breaks one requirement. */
const execService =
  (options: { init?: boolean; channel?: boolean; logging?: 'OVERRIDE' | 'DEFAULT' | 'NONE' } = {}): Build =>
  (s) => {
    const { init = true, channel = true, logging = 'OVERRIDE' } = options;
    const group = pin(new CloudwatchLogGroup(s, 'exec', { name: '/ecs/app/exec', retentionInDays: 30 }), 'ecs_exec');
    const role = pin(new IamRole(s, 'role', { name: 'app-task', assumeRolePolicy: '{}' }), 'iam_task');
    const statements = [
      ...(channel ? [{ Effect: 'Allow', Action: EXEC_CHANNEL_ACTIONS, Resource: '*' }] : []),
      { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: 'arn:aws:logs:ap-southeast-2:123456789012:log-group:/ecs/app/exec:*' },
    ];
    pin(new IamRolePolicy(s, 'task-policy', { role: role.id, policy: JSON.stringify({ Version: '2012-10-17', Statement: statements }) }), 'iam_task');
    const configuration =
      logging === 'DEFAULT' ? undefined : { executeCommandConfiguration: { logging, logConfiguration: logging === 'OVERRIDE' ? { cloudWatchLogGroupName: group.name } : undefined } };
    const cluster = pin(new EcsCluster(s, 'cluster', { name: 'c', configuration }), 'ecs_main');
    const container = { name: 'web', image: 'nginx', essential: true, ...(init ? { linuxParameters: { initProcessEnabled: true } } : {}) };
    const task = pin(new EcsTaskDefinition(s, 'task', { family: 'app', taskRoleArn: role.arn, containerDefinitions: JSON.stringify([container]) }), 'ecs_web');
    pin(new EcsService(s, 'svc', { name: 'web', cluster: cluster.id, taskDefinition: task.arn, enableExecuteCommand: true }), 'ecs_web');
  };

const rolePolicy = (statements: unknown[]): Build => (s) =>
  pin(new IamRolePolicy(s, 'policy', { role: 'app-role', policy: JSON.stringify({ Version: '2012-10-17', Statement: statements }) }), 'iam_app');
const policyDocument = (statements: DataAwsIamPolicyDocumentStatement[]): Build => (s) =>
  pin(new DataAwsIamPolicyDocument(s, 'doc', { statement: statements }), 'iam_app');

const GITHUB = 'token.actions.githubusercontent.com';
const PROVIDER_ARN = `arn:aws:iam::123456789012:oidc-provider/${GITHUB}`;
const githubRole = (condition: Record<string, unknown>, federated = PROVIDER_ARN): Build => (s) =>
  pin(
    new IamRole(s, 'role', {
      name: 'deploy',
      assumeRolePolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRoleWithWebIdentity', Principal: { Federated: federated }, Condition: condition }],
      }),
    }),
    'iam_github_actions',
  );
const exactSubject = { StringEquals: { [`${GITHUB}:aud`]: 'sts.amazonaws.com', [`${GITHUB}:sub`]: 'repo:o/r:environment:production' } };

const bucket = (settings: (s: TerraformStack, id: string) => void = () => undefined): Build => (s) => {
  const b = pin(new S3Bucket(s, 'bucket', { bucket: 'app-state' }), 'state_main');
  settings(s, b.id);
};
const blockPublic = (over: Partial<S3BucketPublicAccessBlockConfig> = {}) => (s: TerraformStack, id: string) =>
  pin(
    new S3BucketPublicAccessBlock(s, 'block', { bucket: id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true, ...over }),
    'state_main',
  );

// ------------------------------------------------------------- one failing and one passing case per rule

/** [rule, failing stack, [resource, exact message], passing stack] */
type Case = [PolicyRuleId, Build, [string, string], Build];

const CKV_355_HINT = 'scope these actions to the ARNs they need (only actions without resource-level permissions, such as ecr:GetAuthorizationToken, may use "*")';

const cases: Case[] = [
  ['rds-encrypted', db({ storageEncrypted: false }), ['aws_db_instance.rds_main', 'storage_encrypted is false; set it to true (it can only be chosen when the instance is created)'], db()],
  ['rds-not-public', db({ publiclyAccessible: true }), ['aws_db_instance.rds_main', 'publicly_accessible is true; the database must be reachable only inside the VPC'], db()],
  ['rds-deletion-protection', db({ deletionProtection: false }), ['aws_db_instance.rds_main', 'deletion_protection is false; set it to true'], db()],
  ['rds-multi-az', db({ multiAz: undefined }), ['aws_db_instance.rds_main', 'multi_az is not set; a standby in a second zone survives the loss of a zone'], db()],
  ['rds-backups', db({ backupRetentionPeriod: 3 }), ['aws_db_instance.rds_main', 'backup_retention_period is 3; keep automated backups at least 7 days'], db({ backupRetentionPeriod: 7 })],
  ['rds-final-snapshot', db({ skipFinalSnapshot: true }), ['aws_db_instance.rds_main', 'skip_final_snapshot is true; destroying the instance would discard its data'], db()],
  ['rds-log-exports', db({ enabledCloudwatchLogsExports: [] }), ['aws_db_instance.rds_main', 'enabled_cloudwatch_logs_exports is empty; export at least the postgresql log'], db()],
  ['rds-enhanced-monitoring', db({ monitoringInterval: 0 }), ['aws_db_instance.rds_main', 'monitoring_interval is 0; set 1-60 seconds with a monitoring role'], db()],
  ['rds-minor-upgrades', db({ autoMinorVersionUpgrade: false }), ['aws_db_instance.rds_main', 'auto_minor_version_upgrade is false; minor versions carry security fixes'], db()],
  ['redis-encrypted-at-rest', redis({ atRestEncryptionEnabled: 'false' }), ['aws_elasticache_replication_group.redis_main', 'at_rest_encryption_enabled is "false"; set it to true'], redis()],
  ['redis-encrypted-in-transit', redis({ transitEncryptionEnabled: false }), ['aws_elasticache_replication_group.redis_main', 'transit_encryption_enabled is false; set it to true'], redis()],
  ['redis-auth', redis({ authToken: undefined }), ['aws_elasticache_replication_group.redis_main', 'neither auth_token nor user_group_ids is set; any client in the network can use Redis'], redis()],
  [
    'redis-failover',
    redis({ numCacheClusters: 1, automaticFailoverEnabled: false, multiAzEnabled: false }),
    ['aws_elasticache_replication_group.redis_main', 'num_cache_clusters is 1, automatic_failover_enabled false, multi_az_enabled false; use at least 2 nodes with both enabled'],
    redis(),
  ],
  ['redis-snapshots', redis({ snapshotRetentionLimit: 0 }), ['aws_elasticache_replication_group.redis_main', 'snapshot_retention_limit is 0; keep at least 1 day'], redis()],
  [
    'vpc-flow-logs',
    (s) => pin(new Vpc(s, 'vpc', { cidrBlock: '10.0.0.0/16' }), 'vpc_main'),
    ['aws_vpc.vpc_main', "no aws_flow_log records this VPC's traffic"],
    (s) => {
      const vpc = pin(new Vpc(s, 'vpc', { cidrBlock: '10.0.0.0/16' }), 'vpc_main');
      pin(new FlowLog(s, 'flow', { vpcId: vpc.id, trafficType: 'ALL', logDestination: 'arn:aws:logs:ap-southeast-2:123456789012:log-group:x' }), 'vpc_main');
    },
  ],
  [
    'sg-public-ingress',
    (s) => openTo(22, albWith()(s), s),
    ['aws_security_group_rule.security_open', 'opens port 22 to 0.0.0.0/0; only ports 80 and 443 of a load balancer may be open to the internet'],
    (s) => openTo(443, albWith()(s), s),
  ],
  [
    'sg-public-http',
    (s) => openTo(80, albWith()(s), s),
    ['aws_security_group_rule.security_open', 'opens port 80 (plain HTTP) to 0.0.0.0/0'],
    (s) => openTo(443, albWith()(s), s),
  ],
  [
    'alb-drop-invalid-headers',
    (s) => albWith({ dropInvalidHeaderFields: undefined })(s),
    ['aws_lb.alb_main', 'drop_invalid_header_fields is not set; set it to true to stop request smuggling through malformed headers'],
    (s) => albWith()(s),
  ],
  ['alb-deletion-protection', (s) => albWith({ enableDeletionProtection: false })(s), ['aws_lb.alb_main', 'enable_deletion_protection is false; set it to true'], (s) => albWith()(s)],
  [
    'alb-https',
    listener({ defaultAction: [{ type: 'forward', targetGroupArn: 'arn' }] }),
    ['aws_lb_listener.alb_http', 'serves plain HTTP on port 80: its default action is forward, not a redirect to HTTPS'],
    listener({ defaultAction: redirectToHttps }),
  ],
  [
    'alb-tls-policy',
    listener({ port: 443, protocol: 'HTTPS', sslPolicy: 'ELBSecurityPolicy-2016-08', defaultAction: [{ type: 'forward', targetGroupArn: 'arn' }] }),
    ['aws_lb_listener.alb_http', 'ssl_policy ELBSecurityPolicy-2016-08 accepts TLS older than 1.2; use ELBSecurityPolicy-TLS13-1-2-2021-06 or another TLS 1.2+ policy'],
    listener({ port: 443, protocol: 'HTTPS', sslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06', defaultAction: [{ type: 'forward', targetGroupArn: 'arn' }] }),
  ],
  [
    'ecs-container-insights',
    (s) => pin(new EcsCluster(s, 'cluster', { name: 'c', setting: [{ name: 'containerInsights', value: 'disabled' }] }), 'ecs_main'),
    ['aws_ecs_cluster.ecs_main', 'containerInsights is "disabled"; set it to enabled'],
    (s) => pin(new EcsCluster(s, 'cluster', { name: 'c', setting: [{ name: 'containerInsights', value: 'enabled' }] }), 'ecs_main'),
  ],
  [
    'ecs-read-only-root',
    taskDefinition({ readonlyRootFilesystem: false }),
    ['aws_ecs_task_definition.ecs_web', 'container "web" has a writable root filesystem (readonlyRootFilesystem is not true)'],
    taskDefinition({}),
  ],
  [
    'ecs-exec-ready',
    execService({ channel: false }),
    [
      'aws_ecs_service.ecs_web',
      `task role aws_iam_role.iam_task may not ${EXEC_CHANNEL_ACTIONS.join(', ')} on "*": aws ecs execute-command would fail`,
    ],
    execService(),
  ],
  ['ecs-no-privileged', taskDefinition({ privileged: true }), ['aws_ecs_task_definition.ecs_web', 'container "web" runs privileged'], taskDefinition({ privileged: false })],
  [
    'ecs-no-public-ip',
    (s) => pin(new EcsService(s, 'svc', { name: 'web', networkConfiguration: { subnets: ['subnet-1'], assignPublicIp: true } }), 'ecs_web'),
    ['aws_ecs_service.ecs_web', 'assign_public_ip is true; tasks belong in private subnets behind the load balancer'],
    (s) => pin(new EcsService(s, 'svc', { name: 'web', networkConfiguration: { subnets: ['subnet-1'], assignPublicIp: false } }), 'ecs_web'),
  ],
  [
    'iam-wildcard-resource',
    rolePolicy([{ Effect: 'Allow', Action: ['ecr:GetAuthorizationToken', 's3:GetObject'], Resource: '*' }]),
    ['aws_iam_role_policy.iam_app', `policy statement 1 allows s3:GetObject on "*"; ${CKV_355_HINT}`],
    rolePolicy([
      { Effect: 'Allow', Action: ['ecr:GetAuthorizationToken'], Resource: '*' },
      { Effect: 'Allow', Action: ['s3:GetObject'], Resource: 'arn:aws:s3:::app-bucket/*' },
    ]),
  ],
  [
    'iam-document-wildcard-resource',
    policyDocument([{ actions: ['s3:PutObject'], resources: ['*'] }]),
    ['data.aws_iam_policy_document.iam_app', `document statement 1 allows s3:PutObject on "*"; ${CKV_355_HINT}`],
    policyDocument([{ actions: ['s3:PutObject'], resources: ['arn:aws:s3:::app-bucket/*'] }]),
  ],
  [
    'iam-wildcard-action',
    rolePolicy([{ Sid: 'Admin', Effect: 'Allow', Action: '*', Resource: 'arn:aws:s3:::app-bucket' }]),
    ['aws_iam_role_policy.iam_app', 'policy statement "Admin" allows every action ("*")'],
    rolePolicy([{ Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::app-bucket' }]),
  ],
  [
    'github-oidc-trust',
    githubRole({ StringEquals: { [`${GITHUB}:aud`]: 'sts.amazonaws.com' }, StringLike: { [`${GITHUB}:sub`]: 'repo:o/r:*' } }),
    ['aws_iam_role.iam_github_actions', 'statement 1 allows the subject pattern "repo:o/r:*"; list exact subjects such as repo:o/r:environment:production (D21)'],
    githubRole(exactSubject),
  ],
  [
    'logs-retention',
    (s) => pin(new CloudwatchLogGroup(s, 'logs', { name: '/app' }), 'ecs_web'),
    ['aws_cloudwatch_log_group.ecs_web', 'retention_in_days is not set, so the logs are kept (and paid for) forever'],
    (s) => pin(new CloudwatchLogGroup(s, 'logs', { name: '/app', retentionInDays: 30 }), 'ecs_web'),
  ],
  [
    's3-encrypted',
    bucket((s, id) => pin(new S3BucketServerSideEncryptionConfigurationA(s, 'sse', { bucket: id, rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }] }), 'state_main')),
    ['aws_s3_bucket.state_main', 'neither an aws_s3_bucket_server_side_encryption_configuration nor its server_side_encryption_configuration block encrypts it with a KMS key by default'],
    bucket((s, id) => pin(new S3BucketServerSideEncryptionConfigurationA(s, 'sse', { bucket: id, rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms' } }] }), 'state_main')),
  ],
  [
    's3-versioning',
    bucket((s, id) => pin(new S3BucketVersioningA(s, 'versions', { bucket: id, versioningConfiguration: { status: 'Suspended' } }), 'state_main')),
    ['aws_s3_bucket.state_main', 'neither an aws_s3_bucket_versioning nor its versioning block enables versioning, so an overwrite or delete loses the object'],
    bucket((s, id) => pin(new S3BucketVersioningA(s, 'versions', { bucket: id, versioningConfiguration: { status: 'Enabled' } }), 'state_main')),
  ],
  [
    's3-public-access-block',
    bucket(blockPublic({ restrictPublicBuckets: false })),
    ['aws_s3_bucket.state_main', 'no aws_s3_bucket_public_access_block sets all of block_public_acls, block_public_policy, ignore_public_acls, restrict_public_buckets'],
    bucket(blockPublic()),
  ],
  [
    'kms-key-rotation',
    (s) => pin(new KmsKey(s, 'key', { description: 'state' }), 'state_main'),
    ['aws_kms_key.state_main', 'enable_key_rotation is not set; set it to true'],
    (s) => pin(new KmsKey(s, 'key', { description: 'state', enableKeyRotation: true }), 'state_main'),
  ],
  [
    'alarm-actions',
    (s) => {
      pin(new SnsTopic(s, 'topic', { name: 't', kmsMasterKeyId: 'alias/k' }), 'monitoring_alarms');
      alarmOn(s, []);
    },
    ['aws_cloudwatch_metric_alarm.rds_cpu', 'alarm_actions is []: the alarm notifies nobody (D22); add the alarm topic; ok_actions is []: nobody learns that the alarm cleared; add the alarm topic'],
    (s) => alarmOn(s, [pin(new SnsTopic(s, 'topic', { name: 't', kmsMasterKeyId: 'alias/k' }), 'monitoring_alarms').arn]),
  ],
  [
    'alarm-topic-subscribed',
    (s) => alarmOn(s, [pin(new SnsTopic(s, 'topic', { name: 't', kmsMasterKeyId: 'alias/k' }), 'monitoring_alarms').arn]),
    ['aws_sns_topic.monitoring_alarms', 'alarms publish to it but nothing subscribes: nobody is paged (monitoring.alarmEmails or monitoring.webhook)'],
    (s) => {
      const topic = pin(new SnsTopic(s, 'topic', { name: 't', kmsMasterKeyId: 'alias/k' }), 'monitoring_alarms');
      pin(new SnsTopicSubscription(s, 'mail', { topicArn: topic.arn, protocol: 'email', endpoint: 'oncall@example.com' }), 'monitoring_email_1');
      alarmOn(s, [topic.arn]);
    },
  ],
  [
    'sns-encrypted',
    (s) => pin(new SnsTopic(s, 'topic', { name: 't' }), 'monitoring_alarms'),
    ['aws_sns_topic.monitoring_alarms', 'kms_master_key_id is not set; encrypt the topic with a key CloudWatch may use'],
    (s) => pin(new SnsTopic(s, 'topic', { name: 't', kmsMasterKeyId: 'alias/k' }), 'monitoring_alarms'),
  ],
];

/** An RDS CPU alarm notifying `actions` on ALARM and OK. */
function alarmOn(s: TerraformStack, actions: string[]): void {
  pin(
    new CloudwatchMetricAlarm(s, 'alarm', {
      alarmName: 'cpu',
      namespace: 'AWS/RDS',
      metricName: 'CPUUtilization',
      dimensions: { DBInstanceIdentifier: 'db' },
      statistic: 'Average',
      period: 300,
      evaluationPeriods: 2,
      threshold: 80,
      comparisonOperator: 'GreaterThanThreshold',
      alarmActions: actions,
      okActions: actions,
    }),
    'rds_cpu',
  );
}

describe('policy rules', () => {
  it('has one failing and one passing case for every rule', () => {
    expect(cases.map(([id]) => id).sort()).toEqual([...POLICY_RULE_IDS].sort());
    expect(POLICY_RULES.map((r) => r.id)).toEqual([...POLICY_RULE_IDS]);
  });

  describe.each(cases)('%s', (rule, failing, [resource, message], passing) => {
    it('fails the breaking resource with the exact message', () => {
      expect(rowsOf(rule, failing)).toContainEqual([resource, 'fail:error', message]);
    });
    it('passes the compliant resource', () => {
      const rows = rowsOf(rule, passing);
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.filter(([, status]) => status !== 'pass')).toEqual([]);
    });
  });
});

describe('rule details', () => {
  it('keeps only one backup day outside production-like environments', () => {
    expect(rowsOf('rds-backups', db({ backupRetentionPeriod: 1 }), false)).toEqual([['aws_db_instance.rds_main', 'pass', undefined]]);
    expect(rowsOf('rds-backups', db({ backupRetentionPeriod: 0 }), false)).toEqual([
      ['aws_db_instance.rds_main', 'fail:warning', 'backup_retention_period is 0; keep automated backups at least 1 day'],
    ]);
  });

  it('judges the primary database only for the rules a read replica inherits', () => {
    const replica: Build = (s) => pin(new DbInstance(s, 'replica', { instanceClass: 'db.t3.small', replicateSourceDb: 'app-postgres', multiAz: false }), 'rds_replica');
    expect(rowsOf('rds-multi-az', replica)).toEqual([['-', 'n/a', 'no resource of this kind']]);
    expect(rowsOf('rds-encrypted', replica)).toEqual([['-', 'n/a', 'no resource of this kind']]);
  });

  it('reports a value known only at apply instead of trusting it', () => {
    expect(rowsOf('rds-deletion-protection', db({ deletionProtection: '${var.protect}' as unknown as boolean }))).toEqual([
      ['aws_db_instance.rds_main', 'fail:error', 'deletion_protection is known only at apply (${var.protect}); set it to true'],
    ]);
  });

  it('finds world-open ingress written inline, as a VPC ingress rule, on all ports and over IPv6', () => {
    const rows = rowsOf('sg-public-ingress', (s) => {
      const group = pin(new SecurityGroup(s, 'sg', { name: 'sg', ingress: [{ protocol: '-1', fromPort: 0, toPort: 0, cidrBlocks: ['0.0.0.0/0'] }] }), 'security_app');
      pin(new VpcSecurityGroupIngressRule(s, 'v6', { securityGroupId: group.id, ipProtocol: 'tcp', fromPort: 5432, toPort: 5432, cidrIpv6: '::/0' }), 'security_v6');
    });
    expect(rows).toEqual([
      ['aws_security_group.security_app', 'fail:error', 'opens every port to 0.0.0.0/0; only ports 80 and 443 of a load balancer may be open to the internet'],
      ['aws_vpc_security_group_ingress_rule.security_v6', 'fail:error', 'opens port 5432 to ::/0; only ports 80 and 443 of a load balancer may be open to the internet'],
    ]);
  });

  it('refuses port 443 open to the internet on a group no load balancer uses', () => {
    const rows = rowsOf('sg-public-ingress', (s) => openTo(443, pin(new SecurityGroup(s, 'sg', { name: 'sg' }), 'security_app'), s));
    expect(rows).toEqual([
      ['aws_security_group_rule.security_open', 'fail:error', 'opens port 443 to 0.0.0.0/0 on aws_security_group.security_app, which no load balancer in this stack uses'],
    ]);
  });

  it('says so when nothing is open to the internet', () => {
    expect(rowsOf('sg-public-ingress', () => undefined)).toEqual([['-', 'pass', 'no ingress is open to the internet']]);
  });

  it('refuses an HTTP listener whose rules forward, even when its default action redirects', () => {
    const rows = rowsOf('alb-https', (s) => {
      listener({ defaultAction: redirectToHttps })(s);
      pin(
        new LbListenerRule(s, 'api', {
          listenerArn: '${aws_lb_listener.alb_http.arn}',
          action: [{ type: 'forward', targetGroupArn: 'arn' }],
          condition: [{ pathPattern: { values: ['/api/*'] } }],
        }),
        'alb_backend_http',
      );
    });
    expect(rows).toEqual([['aws_lb_listener.alb_http', 'fail:error', 'serves plain HTTP through aws_lb_listener_rule.alb_backend_http']]);
  });

  it('refuses an HTTPS listener without a TLS policy (the AWS default accepts TLS 1.0)', () => {
    expect(rowsOf('alb-tls-policy', listener({ port: 443, protocol: 'HTTPS', defaultAction: [{ type: 'forward', targetGroupArn: 'arn' }] }))).toEqual([
      ['aws_lb_listener.alb_http', 'fail:error', 'ssl_policy is not set, so AWS uses ELBSecurityPolicy-2016-08, which accepts TLS 1.0; use ELBSecurityPolicy-TLS13-1-2-2021-06'],
    ]);
  });

  it('treats an ARN with wildcard region, account and resource as every resource', () => {
    const rows = rowsOf('iam-wildcard-resource', rolePolicy([{ Effect: 'Allow', Action: ['logs:PutLogEvents'], Resource: 'arn:aws:logs:*:*:*' }]));
    expect(rows).toEqual([['aws_iam_role_policy.iam_app', 'fail:error', `policy statement 1 allows logs:PutLogEvents on "arn:aws:logs:*:*:*"; ${CKV_355_HINT}`]]);
  });

  it('reports a policy it cannot read at synth time instead of skipping it', () => {
    const rows = rowsOf('iam-wildcard-resource', (s) =>
      pin(new IamRolePolicy(s, 'policy', { role: 'app-role', policy: Fn.jsonencode({ Statement: [] }) }), 'iam_app'),
    );
    expect(rows).toEqual([
      [
        'aws_iam_role_policy.iam_app',
        'fail:error',
        'policy cannot be checked: it is the expression ${jsonencode({"Statement" = []})}, known only at plan; write it with JSON.stringify or an aws_iam_policy_document data source',
      ],
    ]);
  });

  it('checks a policy built from a data source in the data source, not twice', () => {
    const rows = rowsOf('iam-wildcard-resource', (s) => {
      const doc = pin(new DataAwsIamPolicyDocument(s, 'doc', { statement: [{ actions: ['s3:GetObject'], resources: ['*'] }] }), 'iam_app');
      pin(new IamRolePolicy(s, 'policy', { role: 'app-role', policy: doc.json }), 'iam_app');
    });
    expect(rows).toEqual([['aws_iam_role_policy.iam_app', 'pass', undefined]]);
  });

  it.each([
    ['no audience', { StringEquals: { [`${GITHUB}:sub`]: 'repo:o/r:environment:production' } }, 'statement 1 has no audience condition; require StringEquals token.actions.githubusercontent.com:aud = sts.amazonaws.com'],
    [
      'no subject',
      { StringEquals: { [`${GITHUB}:aud`]: 'sts.amazonaws.com' } },
      'statement 1 has no subject condition, so any workflow the provider vouches for can assume the role; require StringEquals token.actions.githubusercontent.com:sub with exact subjects',
    ],
    [
      'a foreign audience',
      { StringEquals: { [`${GITHUB}:aud`]: 'my-app', [`${GITHUB}:sub`]: 'repo:o/r:environment:production' } },
      'statement 1 accepts the audience my-app; require exactly sts.amazonaws.com',
    ],
  ])('refuses a GitHub trust with %s', (_what, condition, message) => {
    expect(rowsOf('github-oidc-trust', githubRole(condition))).toEqual([['aws_iam_role.iam_github_actions', 'fail:error', message]]);
  });

  it('refuses a trust of an empty Federated principal (D7)', () => {
    expect(rowsOf('github-oidc-trust', githubRole(exactSubject, ''))).toEqual([
      ['aws_iam_role.iam_github_actions', 'fail:error', "statement 1 trusts an empty Federated principal; IAM refuses it (D7): trust the OIDC provider's ARN"],
    ]);
  });

  it('checks web-identity trust written as a policy document (CKV_AWS_358)', () => {
    const trust = (values: string[]) =>
      policyDocument([
        {
          actions: ['sts:AssumeRoleWithWebIdentity'],
          principals: [{ type: 'Federated', identifiers: [PROVIDER_ARN] }],
          condition: [
            { test: 'StringEquals', variable: `${GITHUB}:aud`, values: ['sts.amazonaws.com'] },
            { test: 'StringLike', variable: `${GITHUB}:sub`, values },
          ],
        },
      ]);
    expect(rowsOf('github-oidc-trust', trust(['repo:o/r:ref:refs/heads/*']))).toEqual([
      ['data.aws_iam_policy_document.iam_app', 'fail:error', 'statement 1 allows the subject pattern "repo:o/r:ref:refs/heads/*"; list exact subjects such as repo:o/r:environment:production (D21)'],
    ]);
    expect(rowsOf('github-oidc-trust', trust(['repo:o/r:ref:refs/heads/main']))).toEqual([['data.aws_iam_policy_document.iam_app', 'pass', undefined]]);
  });

  it('reports container definitions it cannot read', () => {
    const rows = rowsOf('ecs-no-privileged', (s) => pin(new EcsTaskDefinition(s, 'task', { family: 'app', containerDefinitions: '${var.containers}' }), 'ecs_web'));
    expect(rows).toEqual([['aws_ecs_task_definition.ecs_web', 'fail:error', 'container_definitions cannot be checked: it is the expression ${var.containers}, known only at plan']]);
  });
});

describe('ecs-exec-ready: every requirement of ECS Exec on its own', () => {
  it.each([
    ['no init process', execService({ init: false }), 'container "web" has no linuxParameters.initProcessEnabled: exec sessions would leave orphaned processes; set it to true'],
    ['sessions not logged', execService({ logging: 'NONE' }), 'cluster aws_ecs_cluster.ecs_main logs no exec session (execute_command_configuration.logging = NONE); use OVERRIDE with a log group of its own'],
    [
      'DEFAULT logging to a container log group the task role cannot write',
      execService({ logging: 'DEFAULT' }),
      'container "web" has no awslogs log group, so DEFAULT exec logging records nothing',
    ],
  ])('%s fails', (_, build, message) => {
    expect(rowsOf('ecs-exec-ready', build)).toEqual([['aws_ecs_service.ecs_web', 'fail:error', message]]);
  });

  it('does not apply where exec is off', () => {
    expect(rowsOf('ecs-exec-ready', (s) => pin(new EcsService(s, 'svc', { name: 'web', enableExecuteCommand: false }), 'ecs_web'))).toEqual([
      ['-', 'pass', 'no service with enable_execute_command'],
    ]);
  });
});
