/**
 * The legacy `rds` module: PostgreSQL on RDS with its subnet group, a custom
 * parameter group, enhanced monitoring and three CloudWatch alarms.
 *
 * Fixed here: the parameter-group family follows the engine version (D23 [ignored arguments, hard-coded family]), the
 * static `shared_preload_libraries` is applied at the next reboot (D8 [static parameter applied immediately]), the final
 * snapshot has a stable name (D16 [timestamp in final snapshot name]), only the major version is pinned and the minor
 * version AWS upgrades to is never undone (D17 [pinned minor engine version]), and the master password is generated
 * and kept in Secrets Manager by RDS itself (`manage_master_user_password`, D12 [empty app secret, password copied by hand]).
 * The legacy read replica (`create_read_replica`, off in both environments) is not built: RDS
 * creates no read replica of an instance whose master password it manages.
 */
import { DbInstance } from '@cdktf/provider-aws/lib/db-instance';
import { DbParameterGroup } from '@cdktf/provider-aws/lib/db-parameter-group';
import { DbSubnetGroup } from '@cdktf/provider-aws/lib/db-subnet-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { DataResource, Token, propertyAccess } from 'cdktf';
import type { Construct } from 'constructs';
import { pin } from '../lib/addresses';
import { postgresParameterGroupFamily } from '../lib/engines';
import { alarmFactory } from '../lib/alarms';
import { assumeRolePolicy } from '../lib/iam-document';
import type { DatabaseSettings } from '../environments/schema/database';
import { PlatformConstruct, type SharedProps } from './base';

/** The PostgreSQL port (fixed in the legacy module). */
export const POSTGRES_PORT = 5432;

/** Re-exported: the family derivation lives with the accepted versions in lib/engines.ts. */
export { postgresParameterGroupFamily };

/** What the instance connects to. */
export interface DatabaseRefs {
  /** Subnets of the DB subnet group (the private database subnets). */
  readonly subnetIds: string[];
  /** Security groups of the instance. */
  readonly securityGroupIds: string[];
  /** The alarm topic: alarm and OK action of every alarm. */
  readonly alarmTopicArn: string;
  /** The account the instance runs in: the enhanced-monitoring role trusts RDS only on its behalf (`aws:SourceAccount`). */
  readonly accountId: string;
}

export class Database extends PlatformConstruct {
  /** The instance identifier, `<projectName>-postgres` (also the CloudWatch `DBInstanceIdentifier`). */
  public readonly instanceIdentifier: string;
  /** `address:port` of the instance (the legacy `db_endpoint` output). */
  public readonly endpoint: string;
  /** Host name of the instance (for POSTGRES_SERVER). */
  public readonly address: string;
  /** Port, 5432. */
  public readonly port: number;
  /** Name of the application database (for POSTGRES_DB). */
  public readonly databaseName: string;
  /** Master user name (for POSTGRES_USER). */
  public readonly masterUsername: string;
  /** ARN of the Secrets Manager secret in which RDS keeps the master credentials (JSON keys `username`, `password`). */
  public readonly masterUserSecretArn: string;
  /** ECS `valueFrom` of the master password, `<masterUserSecretArn>:password::` (for POSTGRES_PASSWORD). */
  public readonly masterPasswordValueFrom: string;
  /** ARN of the instance. */
  public readonly instanceArn: string;

  constructor(scope: Construct, id: string, shared: SharedProps, settings: DatabaseSettings, refs: DatabaseRefs) {
    super(scope, id, shared, 'rds');
    const tags = this.tags;
    const at = this.at;
    const { engineVersion, performanceInsights, finalSnapshot } = settings;
    const monitoringInterval = settings.monitoringIntervalSeconds;
    const names = this.names.rds;
    this.instanceIdentifier = names.instance;
    this.databaseName = settings.databaseName;
    this.masterUsername = settings.masterUsername;
    this.port = POSTGRES_PORT;

    const subnetGroup = pin(
      new DbSubnetGroup(this, 'SubnetGroup', {
        name: names.subnetGroup,
        subnetIds: refs.subnetIds,
        tags: { ...tags, Name: names.subnetGroup },
      }),
      at('main'),
    );

    const parameterGroup = pin(
      new DbParameterGroup(this, 'ParameterGroup', {
        name: names.parameterGroup,
        family: postgresParameterGroupFamily(engineVersion),
        parameter: [
          { name: 'log_connections', value: '1' },
          { name: 'log_disconnections', value: '1' },
          { name: 'log_duration', value: '1' },
          // Static parameter: RDS refuses `immediate` for it (D8).
          { name: 'shared_preload_libraries', value: 'pg_stat_statements', applyMethod: 'pending-reboot' },
        ],
        tags,
      }),
      at('main'),
    );

    let monitoringRole: IamRole | undefined;
    if (monitoringInterval > 0) {
      monitoringRole = pin(
        new IamRole(this, 'MonitoringRole', {
          name: names.monitoringRole,
          assumeRolePolicy: assumeRolePolicy('monitoring.rds.amazonaws.com', { account: refs.accountId }),
          tags,
        }),
        at('rds_monitoring'),
        'counted-once',
      );
      pin(
        new IamRolePolicyAttachment(this, 'MonitoringPolicy', {
          role: monitoringRole.name,
          policyArn: 'arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole',
        }),
        at('rds_monitoring'),
        'counted-once',
      );
    }

    const db = pin(
      new DbInstance(this, 'Instance', {
        identifier: this.instanceIdentifier,
        engine: 'postgres',
        engineVersion,
        instanceClass: settings.instanceClass,
        allocatedStorage: settings.allocatedStorage,
        maxAllocatedStorage: settings.maxAllocatedStorage,
        storageType: settings.storageType,
        iops: settings.iops,
        storageThroughput: settings.storageThroughput,
        storageEncrypted: true,
        dbName: this.databaseName,
        username: this.masterUsername,
        manageMasterUserPassword: true,
        port: POSTGRES_PORT,
        dbSubnetGroupName: subnetGroup.name,
        parameterGroupName: parameterGroup.name,
        vpcSecurityGroupIds: refs.securityGroupIds,
        publiclyAccessible: false,
        multiAz: settings.multiAz,
        backupRetentionPeriod: settings.backupRetentionDays,
        backupWindow: settings.backupWindow,
        maintenanceWindow: settings.maintenanceWindow,
        autoMinorVersionUpgrade: true,
        applyImmediately: settings.applyImmediately,
        deletionProtection: settings.deletionProtection,
        skipFinalSnapshot: !finalSnapshot,
        // A fixed name: a timestamp would change on every plan (D16).
        finalSnapshotIdentifier: finalSnapshot ? names.finalSnapshot : undefined,
        enabledCloudwatchLogsExports: ['postgresql', 'upgrade'],
        monitoringInterval,
        monitoringRoleArn: monitoringRole?.arn,
        performanceInsightsEnabled: performanceInsights.enabled,
        performanceInsightsRetentionPeriod: performanceInsights.enabled ? performanceInsights.retentionDays : undefined,
        tags: { ...tags, Name: this.instanceIdentifier },
        lifecycle: {
          // Automatic minor upgrades (and the legacy state's `17.2`) leave a full version such as
          // `17.4` in the state; a plan must never send `17` back to RDS as a downgrade (D17).
          // Terraform uses the configured version only to create the instance.
          ignoreChanges: ['engine_version'],
          postcondition: [
            {
              condition: `\${split(".", self.engine_version)[0] == "${engineVersion.split('.')[0]}"}`,
              errorMessage: `${this.instanceIdentifier} runs PostgreSQL \${self.engine_version}, not major version ${engineVersion.split('.')[0]}: Terraform applies minor versions only at creation and never changes the major version of a running instance; upgrade it as docs/migration.md describes, then set database.engineVersion to the new major.`,
            },
          ],
        },
      }),
      at('main'),
    );

    // The secret's ARN goes through a terraform_data: when an existing instance (the legacy one) switches
    // to an RDS-managed password, `master_user_secret` is still empty at plan time and indexing it stops the
    // plan ("Invalid index"); the terraform_data's output is then unknown until RDS has created the secret,
    // in the same apply. Afterwards it equals the instance's value and plans show no change.
    const secret = pin(
      new DataResource(this, 'MasterUserSecret', {
        input: { secret_arns: Token.asList(propertyAccess(db.masterUserSecret, ['*', 'secret_arn'])) },
        lifecycle: {
          postcondition: [
            {
              // The switch to an RDS-managed password may be deferred to the maintenance window (apply_immediately
              // false). Then RDS has no secret yet: stop here, before anything that reads the secret (the backend's
              // task definition, its execution-role policy, the rotation rule) changes; the backend keeps the
              // password that still works. docs/migration.md, "The master password switch".
              condition: '${length(self.output.secret_arns) > 0}',
              errorMessage: `RDS has not created the managed master password secret of ${this.instanceIdentifier}: it deferred the switch to an RDS-managed password (apply_immediately is false). Nothing that reads the secret was changed, and the backend keeps its current password until the maintenance window. Apply the switch now, then apply again: aws rds modify-db-instance --db-instance-identifier ${this.instanceIdentifier} --manage-master-user-password --apply-immediately; aws rds wait db-instance-available --db-instance-identifier ${this.instanceIdentifier}. See docs/migration.md.`,
            },
          ],
        },
      }),
      at('master_user_secret'),
      'added',
    );

    // The metric dimension is the instance identifier; `id` is the DbiResourceId since provider 5.0.
    const alarm = alarmFactory(this, at, {
      namespace: 'AWS/RDS',
      dimensions: { DBInstanceIdentifier: db.identifier },
      alarmActions: [refs.alarmTopicArn],
      tags,
    });
    alarm('cpu_utilization', {
      alarmName: names.cpuAlarm,
      metricName: 'CPUUtilization',
      statistic: 'Average',
      comparisonOperator: 'GreaterThanThreshold',
      threshold: settings.alarms.cpuPercent,
      evaluationPeriods: 2,
      alarmDescription: 'This metric monitors RDS CPU utilization',
    });
    alarm('free_storage_space', {
      alarmName: names.freeStorageAlarm,
      metricName: 'FreeStorageSpace',
      statistic: 'Average',
      comparisonOperator: 'LessThanThreshold',
      threshold: settings.alarms.freeStorageBytes,
      evaluationPeriods: 1,
      alarmDescription: 'This metric monitors RDS free storage space',
    });
    alarm('database_connections', {
      alarmName: names.connectionsAlarm,
      metricName: 'DatabaseConnections',
      statistic: 'Average',
      comparisonOperator: 'GreaterThanThreshold',
      threshold: settings.alarms.connections,
      evaluationPeriods: 2,
      alarmDescription: 'This metric monitors RDS database connections',
    });
    alarm('freeable_memory', {
      alarmName: names.freeableMemoryAlarm,
      metricName: 'FreeableMemory',
      statistic: 'Average',
      comparisonOperator: 'LessThanThreshold',
      threshold: settings.alarms.freeableMemoryBytes,
      evaluationPeriods: 3,
      alarmDescription: 'RDS is running out of memory: queries will spill to disk or the instance will swap',
    }, 'added');

    this.endpoint = db.endpoint;
    this.address = db.address;
    this.instanceArn = db.arn;
    this.masterUserSecretArn = Token.asString(propertyAccess(secret.output, ['secret_arns', 0]));
    this.masterPasswordValueFrom = `${this.masterUserSecretArn}:password::`;
  }
}

