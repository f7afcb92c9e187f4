import { TerraformOutput, TerraformStack, TerraformVariable, Testing } from 'cdktf';
import { Cache, redisParameterGroupFamily } from '../../constructs/cache';
import { alarmRow, environment, problemsOf, synthEnvironment } from '../support/helpers';

describe('redis construct in the shipped environments', () => {
  const staging = synthEnvironment('staging');
  const production = synthEnvironment('production');
  const group = (stack: typeof staging) => stack.resource('aws_elasticache_replication_group', 'redis_main');

  it('creates the replication group with the legacy values per environment', () => {
    const common = {
      engine: 'redis',
      engine_version: '7.0',
      port: 6379,
      at_rest_encryption_enabled: 'true',
      auto_minor_version_upgrade: 'true',
      maintenance_window: 'sun:05:00-sun:07:00',
      snapshot_retention_limit: 5,
      snapshot_window: '03:00-05:00',
      security_group_ids: ['${aws_security_group.security_redis.id}'],
      parameter_group_name: '${aws_elasticache_parameter_group.redis_main.name}',
      subnet_group_name: '${aws_elasticache_subnet_group.redis_main.name}',
    };
    expect(group(staging)).toMatchObject({
      ...common,
      replication_group_id: 'ohmycoins-staging-redis',
      node_type: 'cache.t3.micro',
      num_cache_clusters: 1,
      automatic_failover_enabled: false,
      multi_az_enabled: false,
      transit_encryption_enabled: false,
      apply_immediately: true,
      tags: { Name: 'ohmycoins-staging-redis', Environment: 'staging' },
    });
    expect(group(production)).toMatchObject({
      ...common,
      replication_group_id: 'ohmycoins-prod-redis',
      node_type: 'cache.t3.small',
      num_cache_clusters: 2,
      automatic_failover_enabled: true,
      multi_az_enabled: true,
      transit_encryption_enabled: true,
      apply_immediately: false,
    });
  });

  it('uses description, not the removed replication_group_description (D1), and no auth_token_enabled (D2)', () => {
    for (const [stack, p] of [[staging, 'ohmycoins-staging'], [production, 'ohmycoins-prod']] as const) {
      expect(group(stack).description).toBe(`Redis cluster for ${p}`);
      expect(group(stack)).not.toHaveProperty('replication_group_description');
      expect(group(stack)).not.toHaveProperty('auth_token_enabled');
    }
  });

  it('turns fail-over and Multi-AZ on only with two or more nodes', () => {
    // Multi-AZ with one node is refused by the config (environments/schema/environment.rules.test.ts) instead of being dropped silently.
    const single = synthEnvironment('production', (r) => {
      r.cache.numCacheClusters = 1;
      r.cache.multiAz = false;
    });
    expect(single.resource('aws_elasticache_replication_group', 'redis_main')).toMatchObject({
      num_cache_clusters: 1,
      automatic_failover_enabled: false,
      multi_az_enabled: false,
    });
    const stagingWithReplica = synthEnvironment('staging', (r) => (r.cache.numCacheClusters = 2));
    expect(stagingWithReplica.resource('aws_elasticache_replication_group', 'redis_main')).toMatchObject({
      automatic_failover_enabled: true,
      multi_az_enabled: false,
    });
  });

  it('derives the parameter-group family from the engine version', () => {
    expect(production.resource('aws_elasticache_parameter_group', 'redis_main')).toMatchObject({
      name: 'ohmycoins-prod-redis-params',
      family: 'redis7',
      parameter: [{ name: 'maxmemory-policy', value: 'allkeys-lru' }],
    });
    const redis6 = synthEnvironment('staging', (r) => (r.cache.engineVersion = '6.2'));
    expect(redis6.resource('aws_elasticache_parameter_group', 'redis_main').family).toBe('redis6.x');
  });

  it('delivers slow and engine logs as JSON to two log groups', () => {
    expect(staging.resource('aws_cloudwatch_log_group', 'redis_redis_slow_log')).toMatchObject({ name: '/aws/elasticache/ohmycoins-staging/slow-log', retention_in_days: 7 });
    expect(staging.resource('aws_cloudwatch_log_group', 'redis_redis_engine_log')).toMatchObject({ name: '/aws/elasticache/ohmycoins-staging/engine-log', retention_in_days: 7 });
    expect(group(staging).log_delivery_configuration).toEqual([
      { destination: '${aws_cloudwatch_log_group.redis_redis_slow_log.name}', destination_type: 'cloudwatch-logs', log_format: 'json', log_type: 'slow-log' },
      { destination: '${aws_cloudwatch_log_group.redis_redis_engine_log.name}', destination_type: 'cloudwatch-logs', log_format: 'json', log_type: 'engine-log' },
    ]);
  });

  it('puts the subnet group on the private database subnets', () => {
    expect(staging.resource('aws_elasticache_subnet_group', 'redis_main')).toMatchObject({
      name: 'ohmycoins-staging-redis-subnet-group',
      subnet_ids: ['${aws_subnet.vpc_private_db_1.id}', '${aws_subnet.vpc_private_db_2.id}'],
      tags: { Name: 'ohmycoins-staging-redis-subnet-group' },
    });
  });

  it('takes the production AUTH token from a sensitive variable without default, and keeps it in Secrets Manager (D5, D13)', () => {
    expect(group(production).auth_token).toBe('${var.redis_auth_token}');
    const variable = production.json.variable.redis_auth_token;
    expect(variable).toMatchObject({ type: 'string', sensitive: true });
    expect(variable).not.toHaveProperty('default');
    // No validation block: Terraform would print the value when it fails; a precondition checks it instead.
    expect(variable).not.toHaveProperty('validation');
    expect(group(production).lifecycle.precondition).toEqual([
      {
        condition: '${can(regex("^[A-Za-z0-9!&#$^<>-]{16,128}$", var.redis_auth_token))}',
        error_message: expect.stringContaining('The Redis AUTH token must be 16-128 characters'),
      },
    ]);
    expect(group(staging)).not.toHaveProperty('lifecycle');
    expect(production.resource('aws_secretsmanager_secret', 'redis_auth_token')).toMatchObject({ name: 'ohmycoins-prod-redis-auth', recovery_window_in_days: 30 });
    expect(production.resource('aws_secretsmanager_secret_version', 'redis_auth_token')).toMatchObject({
      secret_id: '${aws_secretsmanager_secret.redis_auth_token.id}',
      // Write-only: the token never enters this resource's state; the version says when to write it again.
      secret_string_wo: '${var.redis_auth_token}',
      secret_string_wo_version: '${var.redis_auth_token_version}',
    });
  });

  it('gives staging no AUTH, no token variable and no token secret', () => {
    expect(group(staging)).not.toHaveProperty('auth_token');
    expect(staging.json.variable?.redis_auth_token).toBeUndefined();
    expect(staging.resources('aws_secretsmanager_secret').redis_auth_token).toBeUndefined();
    expect(staging.resources('aws_secretsmanager_secret_version')).toEqual({});
  });

  it('creates the three legacy alarms on the member cache cluster, notifying the alarm topic (D22)', () => {
    const alarms = staging.resources('aws_cloudwatch_metric_alarm');
    const row = (id: string) => alarmRow(alarms[id]);
    expect(row('redis_cpu_utilization')).toEqual([
      'ohmycoins-staging-redis-cpu-utilization', 'CPUUtilization', 'Average', 'GreaterThanThreshold', 75, 2, 300, 'This metric monitors Redis CPU utilization',
    ]);
    expect(row('redis_memory_utilization')).toEqual([
      'ohmycoins-staging-redis-memory-utilization', 'DatabaseMemoryUsagePercentage', 'Average', 'GreaterThanThreshold', 80, 2, 300, 'This metric monitors Redis memory utilization',
    ]);
    expect(row('redis_evictions')).toEqual([
      'ohmycoins-staging-redis-evictions', 'Evictions', 'Sum', 'GreaterThanThreshold', 1000, 1, 300, 'This metric monitors Redis evictions',
    ]);
    for (const id of ['redis_cpu_utilization', 'redis_memory_utilization', 'redis_evictions']) {
      // ElastiCache publishes node metrics per member cluster; ReplicationGroupId matched nothing.
      expect(alarms[id]).toMatchObject({
        namespace: 'AWS/ElastiCache',
        dimensions: { CacheClusterId: 'ohmycoins-staging-redis-001' },
        alarm_actions: ['${aws_sns_topic.monitoring_alarms.arn}'],
        ok_actions: ['${aws_sns_topic.monitoring_alarms.arn}'],
      });
    }
    expect(alarms.redis_evictions.treat_missing_data).toBe('notBreaching');
    expect(alarms.redis_replication_lag).toBeUndefined();
  });

  it('watches every production node and fires on the worst one, plus replication lag', () => {
    const alarms = production.resources('aws_cloudwatch_metric_alarm');
    expect(alarms.redis_cpu_utilization).toMatchObject({
      alarm_name: 'ohmycoins-prod-redis-cpu-utilization',
      comparison_operator: 'GreaterThanThreshold',
      threshold: 75,
      evaluation_periods: 2,
      alarm_actions: ['${aws_sns_topic.monitoring_alarms.arn}'],
      metric_query: [
        { id: 'm1', return_data: false, metric: { namespace: 'AWS/ElastiCache', metric_name: 'CPUUtilization', dimensions: { CacheClusterId: 'ohmycoins-prod-redis-001' }, period: 300, stat: 'Average' } },
        { id: 'm2', return_data: false, metric: { namespace: 'AWS/ElastiCache', metric_name: 'CPUUtilization', dimensions: { CacheClusterId: 'ohmycoins-prod-redis-002' }, period: 300, stat: 'Average' } },
        { id: 'worst', expression: 'MAX([m1, m2])', label: 'CPUUtilization (highest member)', return_data: true },
      ],
    });
    expect(alarms.redis_cpu_utilization.metric_name).toBeUndefined();
    expect(alarms.redis_replication_lag).toMatchObject({
      alarm_name: 'ohmycoins-prod-redis-replication-lag',
      threshold: 30,
      evaluation_periods: 3,
      treat_missing_data: 'notBreaching',
      metric_query: expect.arrayContaining([
        { id: 'm2', return_data: false, metric: { namespace: 'AWS/ElastiCache', metric_name: 'ReplicationLag', dimensions: { CacheClusterId: 'ohmycoins-prod-redis-002' }, period: 60, stat: 'Maximum' } },
      ]),
    });
  });

  it('rejects AUTH without encryption in transit, naming both fields', () => {
    expect(problemsOf('production', (r) => (r.cache.transitEncryption = false))).toEqual([
      '- production.cache.authToken = true: must be false when cache.transitEncryption is false: ElastiCache accepts an AUTH token only with encryption in transit; set cache.transitEncryption to true or cache.authToken to false',
    ]);
  });
});

describe('redis construct options and outputs', () => {
  // The shipped sections: staging without AUTH and TLS, production with both.
  const staging = environment('staging').cache;
  const production = environment('production').cache;
  const shared = { projectName: 'x', tags: {} };
  const refs = { subnetIds: ['s'], securityGroupIds: ['g'], alarmTopicArn: 'arn:aws:sns:ap-southeast-2:123456789012:alarms', secretRecoveryWindowDays: 7 };

  it('maps engine versions to parameter-group families', () => {
    expect(redisParameterGroupFamily('7.0')).toBe('redis7');
    expect(redisParameterGroupFamily('7.1')).toBe('redis7');
    expect(redisParameterGroupFamily('6.x')).toBe('redis6.x');
    expect(redisParameterGroupFamily('5.0')).toBe('redis5.0');
    expect(() => redisParameterGroupFamily('7')).toThrow('"7" is not a Redis version such as 7.0');
  });

  it('refuses an AUTH token without transit encryption', () => {
    const stack = new TerraformStack(Testing.app(), 'test');
    const token = new TerraformVariable(stack, 'token', { type: 'string', sensitive: true });
    expect(() => new Cache(stack, 'redis', shared, { ...production, transitEncryption: false }, { ...refs, authTokenValue: token.stringValue, authTokenVersion: 1 })).toThrow(
      'test/redis: an AUTH token needs transitEncryption: ElastiCache accepts AUTH only with encryption in transit',
    );
  });

  it('takes the token value exactly when the cache settings ask for AUTH', () => {
    const stack = new TerraformStack(Testing.app(), 'test');
    const token = new TerraformVariable(stack, 'token', { type: 'string', sensitive: true });
    expect(() => new Cache(stack, 'with', shared, production, refs)).toThrow(
      'test/with: authToken is true but a token value was not given; give the token exactly when authToken is true',
    );
    expect(() => new Cache(stack, 'without', shared, staging, { ...refs, authTokenValue: token.stringValue, authTokenVersion: 1 })).toThrow(
      'test/without: authToken is false but a token value was given; give the token exactly when authToken is true',
    );
  });

  it('exposes what the backend container needs: endpoints, port, TLS flag and the token secret', () => {
    const stack = new TerraformStack(Testing.app(), 'test');
    const plain = new Cache(stack, 'plain', { ...shared, addressPrefix: 'plain' }, staging, refs);
    expect([plain.port, plain.transitEncryption, plain.authTokenSecretArn, plain.replicationGroupId]).toEqual([6379, false, undefined, 'x-redis']);
    const token = new TerraformVariable(stack, 'token', { type: 'string', sensitive: true });
    const secured = new Cache(stack, 'secured', { ...shared, projectName: 'y', addressPrefix: 'secured' }, production, { ...refs, authTokenValue: token.stringValue, authTokenVersion: 1 });
    expect(secured.transitEncryption).toBe(true);
    new TerraformOutput(stack, 'host', { value: secured.primaryEndpointAddress });
    new TerraformOutput(stack, 'reader', { value: secured.readerEndpointAddress });
    new TerraformOutput(stack, 'secret', { value: secured.authTokenSecretArn });
    const json = JSON.parse(Testing.synth(stack));
    expect(json.output.host.value).toBe('${aws_elasticache_replication_group.secured_main.primary_endpoint_address}');
    expect(json.output.reader.value).toBe('${aws_elasticache_replication_group.secured_main.reader_endpoint_address}');
    expect(json.output.secret.value).toBe('${aws_secretsmanager_secret.secured_auth_token.arn}');
    expect(json.resource.aws_elasticache_replication_group.secured_main.auth_token).toBe('${var.token}');
    expect(json.resource.aws_secretsmanager_secret.secured_auth_token.recovery_window_in_days).toBe(7);
  });
});
