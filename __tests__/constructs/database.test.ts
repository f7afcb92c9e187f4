import { TerraformOutput, TerraformStack, Testing } from 'cdktf';
import { Database, postgresParameterGroupFamily } from '../../constructs/database';
import { alarmRow, environment, problemsOf, synthEnvironment } from '../support/helpers';

describe('rds construct in the shipped environments', () => {
  const staging = synthEnvironment('staging');
  const production = synthEnvironment('production');
  const instance = (stack: typeof staging) => stack.resource('aws_db_instance', 'rds_main');

  it('creates the instance with the legacy values per environment', () => {
    const common = {
      engine: 'postgres',
      max_allocated_storage: 100,
      storage_type: 'gp3',
      storage_encrypted: true,
      db_name: 'app',
      username: 'postgres',
      port: 5432,
      publicly_accessible: false,
      backup_window: '03:00-04:00',
      maintenance_window: 'sun:04:00-sun:05:00',
      auto_minor_version_upgrade: true,
      enabled_cloudwatch_logs_exports: ['postgresql', 'upgrade'],
      monitoring_interval: 60,
      monitoring_role_arn: '${aws_iam_role.rds_rds_monitoring.arn}',
      vpc_security_group_ids: ['${aws_security_group.security_rds.id}'],
      db_subnet_group_name: '${aws_db_subnet_group.rds_main.name}',
      parameter_group_name: '${aws_db_parameter_group.rds_main.name}',
    };
    expect(instance(staging)).toMatchObject({
      ...common,
      identifier: 'ohmycoins-staging-postgres',
      instance_class: 'db.t3.micro',
      allocated_storage: 20,
      multi_az: false,
      backup_retention_period: 3,
      apply_immediately: true,
      deletion_protection: false,
      skip_final_snapshot: true,
      performance_insights_enabled: false,
      tags: { Name: 'ohmycoins-staging-postgres', Environment: 'staging', Project: 'Oh My Coins', ManagedBy: 'Terraform' },
    });
    expect(instance(staging)).not.toHaveProperty('final_snapshot_identifier');
    expect(instance(staging)).not.toHaveProperty('performance_insights_retention_period');
    expect(instance(production)).toMatchObject({ ...common, identifier: 'ohmycoins-prod-postgres', instance_class: 'db.t3.small', allocated_storage: 50, apply_immediately: false });
  });

  it('keeps the production safety settings: Multi-AZ, deletion protection, final snapshot, 7-day backups, Performance Insights, encryption', () => {
    expect(instance(production)).toMatchObject({
      multi_az: true,
      deletion_protection: true,
      skip_final_snapshot: false,
      backup_retention_period: 7,
      performance_insights_enabled: true,
      performance_insights_retention_period: 7,
      storage_encrypted: true,
    });
  });

  it('names the final snapshot without a timestamp, so plans stay stable (D16)', () => {
    expect(instance(production).final_snapshot_identifier).toBe('ohmycoins-prod-final-snapshot');
    expect(JSON.stringify(production.json)).not.toMatch(/timestamp\(|formatdate\(/);
  });

  it('pins only the major version, with automatic minor upgrades (D17)', () => {
    expect(instance(production).engine_version).toBe('17');
    expect(instance(staging).engine_version).toBe('17');
    expect(problemsOf('production', (r) => (r.database.engineVersion = '17.2'))).toEqual([
      '- production.database.engineVersion = "17.2": must be a PostgreSQL major version such as 17 (no minor version: RDS upgrades minor versions automatically, and a pinned one would show a diff after every upgrade, D17)',
    ]);
  });

  it('lets RDS generate and keep the master password; no password anywhere in the JSON (D12)', () => {
    for (const stack of [staging, production]) {
      expect(instance(stack).manage_master_user_password).toBe(true);
      expect(instance(stack)).not.toHaveProperty('password');
      expect(instance(stack)).not.toHaveProperty('password_wo');
      expect(Object.keys(stack.json.variable ?? {})).not.toContain('master_password');
    }
  });

  it('uses the AWS-managed storage key: no kms_key_id (D23)', () => {
    expect(instance(production)).not.toHaveProperty('kms_key_id');
  });

  it('derives the parameter-group family from the engine version (D23) and applies the static parameter at reboot (D8)', () => {
    const group = production.resource('aws_db_parameter_group', 'rds_main');
    expect(group).toMatchObject({ name: 'ohmycoins-prod-postgres-params', family: 'postgres17' });
    expect(group.parameter).toEqual([
      { name: 'log_connections', value: '1' },
      { name: 'log_disconnections', value: '1' },
      { name: 'log_duration', value: '1' },
      { name: 'shared_preload_libraries', value: 'pg_stat_statements', apply_method: 'pending-reboot' },
    ]);
    const pg16 = synthEnvironment('staging', (r) => (r.database.engineVersion = '16'));
    expect(pg16.resource('aws_db_parameter_group', 'rds_main').family).toBe('postgres16');
    expect(pg16.resource('aws_db_instance', 'rds_main').engine_version).toBe('16');
  });

  it('puts the subnet group on the private database subnets', () => {
    expect(production.resource('aws_db_subnet_group', 'rds_main')).toMatchObject({
      name: 'ohmycoins-prod-db-subnet-group',
      subnet_ids: ['${aws_subnet.vpc_private_db_1.id}', '${aws_subnet.vpc_private_db_2.id}', '${aws_subnet.vpc_private_db_3.id}'],
      tags: { Name: 'ohmycoins-prod-db-subnet-group' },
    });
  });

  it('creates the enhanced-monitoring role only with a monitoring interval', () => {
    expect(staging.resource('aws_iam_role', 'rds_rds_monitoring').name).toBe('ohmycoins-staging-rds-monitoring-role');
    expect(JSON.parse(staging.resource('aws_iam_role', 'rds_rds_monitoring').assume_role_policy)).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: 'sts:AssumeRole',
          Principal: { Service: 'monitoring.rds.amazonaws.com' },
          Condition: { StringEquals: { 'aws:SourceAccount': '${aws_vpc.vpc_main.owner_id}' } },
        },
      ],
    });
    expect(staging.resource('aws_iam_role_policy_attachment', 'rds_rds_monitoring')).toMatchObject({
      role: '${aws_iam_role.rds_rds_monitoring.name}',
      policy_arn: 'arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole',
    });
    const off = synthEnvironment('staging', (r) => (r.database.monitoringIntervalSeconds = 0));
    expect(off.resources('aws_iam_role').rds_rds_monitoring).toBeUndefined();
    expect(off.resources('aws_iam_role_policy_attachment').rds_rds_monitoring).toBeUndefined();
    expect(off.resource('aws_db_instance', 'rds_main')).toMatchObject({ monitoring_interval: 0 });
    expect(off.resource('aws_db_instance', 'rds_main')).not.toHaveProperty('monitoring_role_arn');
  });

  it('creates the three legacy alarms and a freeable-memory alarm on the instance identifier, notifying the alarm topic (D22)', () => {
    const alarms = production.resources('aws_cloudwatch_metric_alarm');
    const row = (id: string) => alarmRow(alarms[id]);
    expect(row('rds_cpu_utilization')).toEqual([
      'ohmycoins-prod-rds-cpu-utilization', 'CPUUtilization', 'Average', 'GreaterThanThreshold', 80, 2, 300, 'This metric monitors RDS CPU utilization',
    ]);
    expect(row('rds_free_storage_space')).toEqual([
      'ohmycoins-prod-rds-free-storage', 'FreeStorageSpace', 'Average', 'LessThanThreshold', 10737418240, 1, 300, 'This metric monitors RDS free storage space',
    ]);
    expect(row('rds_database_connections')).toEqual([
      'ohmycoins-prod-rds-database-connections', 'DatabaseConnections', 'Average', 'GreaterThanThreshold', 80, 2, 300, 'This metric monitors RDS database connections',
    ]);
    expect(row('rds_freeable_memory')).toEqual([
      'ohmycoins-prod-rds-freeable-memory', 'FreeableMemory', 'Average', 'LessThanThreshold', 209715200, 3, 300,
      'RDS is running out of memory: queries will spill to disk or the instance will swap',
    ]);
    expect(Object.keys(alarms).filter((id) => id.startsWith('rds_')).sort()).toEqual([
      'rds_cpu_utilization', 'rds_database_connections', 'rds_free_storage_space', 'rds_freeable_memory',
    ]);
    for (const id of ['rds_cpu_utilization', 'rds_free_storage_space', 'rds_database_connections', 'rds_freeable_memory']) {
      // The identifier, not `id` (the DbiResourceId since provider 5.0).
      expect(alarms[id]).toMatchObject({
        namespace: 'AWS/RDS',
        dimensions: { DBInstanceIdentifier: '${aws_db_instance.rds_main.identifier}' },
        alarm_actions: ['${aws_sns_topic.monitoring_alarms.arn}'],
        ok_actions: ['${aws_sns_topic.monitoring_alarms.arn}'],
      });
    }
  });

  it('refuses a readReplica setting: RDS creates no replica of an instance whose master password it manages (D12), so the setting went', () => {
    expect(problemsOf('production', (r) => (r.database.readReplica = { enabled: false }))).toEqual([
      '- production.database.readReplica = {"enabled":false}: unknown field; the allowed fields and their documentation are in docs/environment-settings.md',
    ]);
  });

  it('rejects a storage autoscaling limit less than 10% above the initial storage', () => {
    expect(problemsOf('staging', (r) => (r.database.maxAllocatedStorage = 10))).toEqual([
      '- staging.database.maxAllocatedStorage = 10: must be 0 (storage autoscaling off) or at least 10% above allocatedStorage (20 GiB): 22 or more, up to 65536',
    ]);
  });
});

describe('rds construct options and outputs', () => {
  it('maps engine versions to parameter-group families', () => {
    expect(postgresParameterGroupFamily('17')).toBe('postgres17');
    expect(postgresParameterGroupFamily('16.4')).toBe('postgres16');
    expect(postgresParameterGroupFamily('9.6')).toBe('postgres9.6');
    expect(() => postgresParameterGroupFamily('latest')).toThrow('"latest" is not a PostgreSQL version such as 17');
  });

  it('exposes typed outputs for the ECS task definition, and wires alarm actions', () => {
    const stack = new TerraformStack(Testing.app(), 'test');
    const settings = { ...environment('staging').database, databaseName: 'ledger', masterUsername: 'owner' };
    const db = new Database(stack, 'rds', { projectName: 'x', tags: {} }, settings, {
      subnetIds: ['s'],
      securityGroupIds: ['g'],
      alarmTopicArn: 'arn:aws:sns:ap-southeast-2:123456789012:alarms',
      accountId: '123456789012',
    });
    expect(db.instanceIdentifier).toBe('x-postgres');
    expect([db.port, db.databaseName, db.masterUsername]).toEqual([5432, 'ledger', 'owner']);
    for (const [id, value] of Object.entries({ endpoint: db.endpoint, address: db.address, secret: db.masterUserSecretArn, password: db.masterPasswordValueFrom })) {
      new TerraformOutput(stack, id, { value });
    }
    const json = JSON.parse(Testing.synth(stack));
    expect(json.output.endpoint.value).toBe('${aws_db_instance.rds_main.endpoint}');
    expect(json.output.address.value).toBe('${aws_db_instance.rds_main.address}');
    expect(json.output.secret.value).toBe('${terraform_data.rds_master_user_secret.output.secret_arns.0}');
    expect(json.output.password.value).toBe('${terraform_data.rds_master_user_secret.output.secret_arns.0}:password::');
    expect(json.resource.aws_cloudwatch_metric_alarm.rds_cpu_utilization.alarm_actions).toEqual(['arn:aws:sns:ap-southeast-2:123456789012:alarms']);
    expect(json.resource.aws_db_instance.rds_main).toMatchObject({ db_name: 'ledger', username: 'owner' });
  });
});

describe('adopting a running instance (docs/migration.md)', () => {
  const db = () => synthEnvironment('production').resource('aws_db_instance', 'rds_main');

  it('never sends the configured major version back over a newer minor version AWS applied (D17)', () => {
    expect(db().lifecycle.ignore_changes).toEqual(['engine_version']);
    expect(db().lifecycle.postcondition).toEqual([
      {
        condition: '${split(".", self.engine_version)[0] == "17"}',
        error_message: expect.stringContaining('ohmycoins-prod-postgres runs PostgreSQL ${self.engine_version}, not major version 17'),
      },
    ]);
  });

  it('reads the managed secret ARN through a terraform_data, so switching an existing instance plans (no "Invalid index")', () => {
    const data = synthEnvironment('production').resource('terraform_data', 'rds_master_user_secret');
    expect(data.input).toEqual({ secret_arns: '${aws_db_instance.rds_main.master_user_secret[*].secret_arn}' });
    // The password switch: stop before anything reads a secret RDS has not created (docs/migration.md).
    expect(data.lifecycle.postcondition).toEqual([
      { condition: '${length(self.output.secret_arns) > 0}', error_message: expect.stringContaining('deferred the switch to an RDS-managed password') },
    ]);
  });
});
