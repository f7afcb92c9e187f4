/**
 * One environment's stack: the AWS provider with the legacy default tags, the S3
 * state backend, and the platform constructs wired together the way the legacy
 * root configurations wired the modules.
 */
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Fn, IResolvable, TerraformOutput, TerraformStack, TerraformVariable, Token } from 'cdktf';
import type { Construct } from 'constructs';
import { AppSecret } from '../constructs/app-secret';
import { IamRoles } from '../constructs/iam';
import { DatabaseInstance } from '../constructs/rds';
import { RedisCluster } from '../constructs/redis';
import { SecurityGroups } from '../constructs/security';
import { VpcNetwork } from '../constructs/vpc';
import type { EnvironmentConfig } from '../environments/schema';
import { AddressPinnedStack } from './addresses';
import { addS3Backend } from './state-backend';

/** The Terraform version every stack requires: S3-native locking needs >= 1.10; CI pins 1.11.4. */
export const REQUIRED_TERRAFORM_VERSION = '>= 1.10.0';

/** Shape of an IAM OIDC provider ARN for GitHub Actions, with a 12-digit account id (D6). */
export const GITHUB_OIDC_PROVIDER_ARN_PATTERN = '^arn:aws[a-z-]*:iam::[0-9]{12}:oidc-provider/token[.]actions[.]githubusercontent[.]com$';

/** Tags on every resource: the legacy `default_tags`. */
export function commonTags(config: EnvironmentConfig): Record<string, string> {
  return { Project: 'Oh My Coins', Environment: config.name, ManagedBy: 'Terraform' };
}

/**
 * A required, non-sensitive string variable (no default) whose value Terraform checks against
 * `pattern` before planning; returns its reference. Not for secrets: Terraform 1.11 prints the
 * value of a variable whose validation fails, even a sensitive one.
 */
function patternVariable(stack: TerraformStack, id: string, pattern: string, options: { readonly description: string; readonly errorMessage: string }): string {
  const variable = new TerraformVariable(stack, id, { type: 'string', description: options.description });
  variable.addValidation({ condition: Fn.can(Fn.regex(pattern, variable.stringValue)), errorMessage: options.errorMessage });
  return variable.stringValue;
}

export class PlatformStack extends AddressPinnedStack {
  /** The validated environment this stack was built from. */
  public readonly config: EnvironmentConfig;
  /** The VPC construct. */
  public readonly network: VpcNetwork;
  /** The security groups construct. */
  public readonly securityGroups: SecurityGroups;
  /** The application secret (legacy root resource). */
  public readonly appSecret: AppSecret;
  /** The PostgreSQL instance. */
  public readonly database: DatabaseInstance;
  /** The Redis replication group. */
  public readonly cache: RedisCluster;
  /** The ECS and GitHub Actions roles. */
  public readonly iam: IamRoles;

  constructor(scope: Construct, config: EnvironmentConfig) {
    super(scope, config.name);
    this.config = config;
    const tags = commonTags(config);
    this.addOverride('terraform.required_version', REQUIRED_TERRAFORM_VERSION);

    new AwsProvider(this, 'aws', {
      region: config.region,
      defaultTags: [{ tags }],
      allowedAccountIds: config.accountId ? [config.accountId] : undefined,
    });
    addS3Backend(this, config.name, config.stateBackend.locking);

    const net = config.network;
    this.network = new VpcNetwork(this, 'vpc', {
      projectName: config.projectName,
      region: config.region,
      cidr: net.vpcCidr,
      availabilityZones: net.availabilityZones,
      publicSubnetCidrs: net.publicSubnetCidrs,
      privateAppSubnetCidrs: net.privateAppSubnetCidrs,
      privateDbSubnetCidrs: net.privateDbSubnetCidrs,
      natGateways: net.natGateways,
      flowLogs: net.flowLogs.enabled,
      flowLogRetentionDays: net.flowLogs.retentionDays,
      s3GatewayEndpoint: net.s3GatewayEndpoint,
      tags,
    });

    this.securityGroups = new SecurityGroups(this, 'security', {
      projectName: config.projectName,
      vpcId: this.network.vpcId,
      managementCidrBlocks: config.security.managementCidrBlocks,
      tags,
    });

    this.appSecret = new AppSecret(this, 'app-secret', {
      projectName: config.projectName,
      environment: config.name,
      recoveryWindowDays: config.application.secretRecoveryWindowDays,
      tags,
    });

    const db = config.database;
    this.database = new DatabaseInstance(this, 'rds', {
      projectName: config.projectName,
      subnetIds: this.network.privateDbSubnetIds,
      securityGroupIds: [this.securityGroups.rdsSecurityGroupId],
      engineVersion: db.engineVersion,
      instanceClass: db.instanceClass,
      allocatedStorage: db.allocatedStorage,
      maxAllocatedStorage: db.maxAllocatedStorage,
      storageType: db.storageType,
      multiAz: db.multiAz,
      backupRetentionDays: db.backupRetentionDays,
      backupWindow: db.backupWindow,
      maintenanceWindow: db.maintenanceWindow,
      deletionProtection: db.deletionProtection,
      finalSnapshot: db.finalSnapshot,
      applyImmediately: db.applyImmediately,
      performanceInsights: db.performanceInsights,
      monitoringIntervalSeconds: db.monitoringIntervalSeconds,
      databaseName: db.databaseName,
      masterUsername: db.masterUsername,
      cpuAlarmThreshold: db.alarms.cpuPercent,
      freeStorageAlarmThresholdBytes: db.alarms.freeStorageBytes,
      connectionsAlarmThreshold: db.alarms.connections,
      tags,
    });

    const cache = config.cache;
    // Sensitive, no default; its format is checked by a precondition in the redis construct (D5).
    const authToken = cache.authToken
      ? new TerraformVariable(this, 'redis_auth_token', {
          type: 'string',
          sensitive: true,
          description: `Redis AUTH token of ${config.projectName}-redis: 16-128 characters, letters, digits and ! & # $ ^ < > - only. Also stored in the secret ${config.projectName}-redis-auth for the backend.`,
        }).stringValue
      : undefined;
    this.cache = new RedisCluster(this, 'redis', {
      projectName: config.projectName,
      subnetIds: this.network.privateDbSubnetIds,
      securityGroupIds: [this.securityGroups.redisSecurityGroupId],
      engineVersion: cache.engineVersion,
      nodeType: cache.nodeType,
      numCacheClusters: cache.numCacheClusters,
      multiAz: cache.multiAz,
      transitEncryption: cache.transitEncryption,
      authToken,
      authTokenSecretRecoveryWindowDays: config.application.secretRecoveryWindowDays,
      snapshotRetentionDays: cache.snapshotRetentionDays,
      snapshotWindow: cache.snapshotWindow,
      maintenanceWindow: cache.maintenanceWindow,
      applyImmediately: cache.applyImmediately,
      logRetentionDays: cache.logRetentionDays,
      cpuAlarmThreshold: cache.alarms.cpuPercent,
      memoryAlarmThreshold: cache.alarms.memoryPercent,
      evictionsAlarmThreshold: cache.alarms.evictions,
      tags,
    });

    const github = config.github;
    // Staging creates the account's provider; production gets its ARN from the config or a variable (D7, D14).
    const oidcProviderArn =
      github.createOidcProvider || github.oidcProviderArn !== undefined
        ? github.oidcProviderArn
        : patternVariable(this, 'github_oidc_provider_arn', GITHUB_OIDC_PROVIDER_ARN_PATTERN, {
            description:
              "ARN of the account's existing GitHub Actions OIDC provider (created by the stack whose config has github.createOidcProvider: true), e.g. arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com",
            errorMessage:
              'github_oidc_provider_arn must be an IAM OIDC provider ARN with a 12-digit account id: arn:aws:iam::<account-id>:oidc-provider/token.actions.githubusercontent.com',
          });
    this.iam = new IamRoles(this, 'iam', {
      projectName: config.projectName,
      region: config.region,
      executionSecretArns: [
        this.appSecret.secretArn,
        this.database.masterUserSecretArn,
        ...(this.cache.authTokenSecretArn ? [this.cache.authTokenSecretArn] : []),
      ],
      taskSecretArns: [this.appSecret.secretArn],
      createOidcProvider: github.createOidcProvider,
      oidcProviderArn,
      deploySubjects: github.deploySubjects,
      tags,
    });

    // The legacy outputs; the two production-only ones are declared in every environment.
    const output = (id: string, value: string | IResolvable, description: string) => new TerraformOutput(this, id, { value, description });
    output('db_endpoint', this.database.endpoint, 'PostgreSQL endpoint, address:port');
    output('db_replica_endpoint', Token.nullValue(), 'Read-replica endpoint; always null: no replica while RDS manages the master password');
    output('redis_endpoint', this.cache.primaryEndpointAddress, 'Redis primary endpoint address');
    output('redis_reader_endpoint', this.cache.readerEndpointAddress, 'Redis reader endpoint address');
    output('github_actions_role_arn', this.iam.githubActionsRoleArn, 'Role GitHub Actions assumes to deploy');
    output('secrets_manager_secret_arn', this.appSecret.secretArn, 'ARN of the application secret (values are put by an operator)');
  }
}
