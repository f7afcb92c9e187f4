/**
 * Real Terraform on the synthesized stacks: validate passes, and the offline plan
 * creates exactly the legacy resources, with the values that matter.
 */
import { countResources } from '../../tooling/docs/resource-counts';
import { countByType, describeStubs, OFFLINE_VARIABLE_VALUES, plannedValues, sentinelFor } from '../../tooling/terraform/offline-plan';
import { environment, synthesizedStacks } from '../support/helpers';
import { ENVIRONMENT_STACKS, EnvironmentStack, loadPlan } from '../support/terraform/plans';

/**
 * Resources to create per type. Legacy totals (reference section 3): vpc 24 / 45, security 14 / 14,
 * iam 8 / 7, rds 8 / 8, redis 8 / 8, alb 8 / 9, ecs 7 / 10, root secret 1 / 1: 78 / 102. Documented
 * additions: the Redis AUTH-token secret and its version where AUTH is on (production, +2), and the
 * monitoring of issue 9 (D22 [alarms notifying nobody]): alarm topic, its KMS key and alias, the dashboard, 8 more alarms (ECS CPU,
 * memory and running tasks per service, ALB 5xx, RDS freeable memory), plus in production the Redis
 * replication-lag alarm and the on-call e-mail subscription (staging +12, production +14), and the
 * redeploy of the backend after RDS rotates the master password: an EventBridge rule and target, a Step
 * Functions state machine, and two IAM roles with their inline policies (+7 each).
 */
const PINNED_COUNTS: Record<string, Record<string, number>> = {
  staging: {
    aws_cloudwatch_event_rule: 1,
    aws_cloudwatch_event_target: 1,
    aws_cloudwatch_log_group: 5,
    aws_cloudwatch_dashboard: 1,
    aws_cloudwatch_metric_alarm: 17,
    aws_db_instance: 1,
    aws_db_parameter_group: 1,
    aws_db_subnet_group: 1,
    aws_ecs_cluster: 1,
    aws_ecs_service: 2,
    aws_ecs_task_definition: 2,
    aws_eip: 1,
    aws_elasticache_parameter_group: 1,
    aws_elasticache_replication_group: 1,
    aws_elasticache_subnet_group: 1,
    aws_iam_openid_connect_provider: 1,
    aws_iam_role: 8,
    aws_iam_role_policy: 6,
    aws_iam_role_policy_attachment: 2,
    aws_internet_gateway: 1,
    aws_kms_alias: 1,
    aws_kms_key: 1,
    aws_lb: 1,
    aws_lb_listener: 1,
    aws_lb_listener_rule: 1,
    aws_lb_target_group: 2,
    aws_nat_gateway: 1,
    aws_route: 3,
    aws_route_table: 5,
    aws_route_table_association: 6,
    aws_secretsmanager_secret: 1,
    aws_security_group: 5,
    aws_sfn_state_machine: 1,
    aws_security_group_rule: 11,
    aws_sns_topic: 1,
    aws_subnet: 6,
    aws_vpc: 1,
    terraform_data: 1,
  },
  production: {
    aws_appautoscaling_policy: 2,
    aws_appautoscaling_target: 1,
    aws_cloudwatch_event_rule: 1,
    aws_cloudwatch_event_target: 1,
    aws_cloudwatch_log_group: 5,
    aws_cloudwatch_dashboard: 1,
    aws_cloudwatch_metric_alarm: 18,
    aws_db_instance: 1,
    aws_db_parameter_group: 1,
    aws_db_subnet_group: 1,
    aws_ecs_cluster: 1,
    aws_ecs_service: 2,
    aws_ecs_task_definition: 2,
    aws_eip: 3,
    aws_elasticache_parameter_group: 1,
    aws_elasticache_replication_group: 1,
    aws_elasticache_subnet_group: 1,
    aws_flow_log: 1,
    aws_iam_role: 9,
    aws_iam_role_policy: 7,
    aws_iam_role_policy_attachment: 2,
    aws_internet_gateway: 1,
    aws_kms_alias: 1,
    aws_kms_key: 1,
    aws_lb: 1,
    aws_lb_listener: 2,
    aws_lb_listener_rule: 1,
    aws_lb_target_group: 2,
    aws_nat_gateway: 3,
    aws_route: 4,
    aws_route_table: 7,
    aws_route_table_association: 9,
    aws_secretsmanager_secret: 2,
    aws_secretsmanager_secret_version: 1,
    aws_security_group: 5,
    aws_security_group_rule: 11,
    aws_sfn_state_machine: 1,
    aws_sns_topic: 1,
    aws_sns_topic_subscription: 1,
    aws_subnet: 9,
    aws_vpc: 1,
    aws_vpc_endpoint: 1,
    aws_vpc_endpoint_route_table_association: 3,
    terraform_data: 1,
  },
};

const PINNED_TOTALS: Record<string, number> = {
  // ... plus service isolation: 4 legacy security-group rules retired; the frontend's group (+1), its rules and the
  // narrowed egress (+5), its two roles and their policy (+3); and, where ECS Exec is on, the sessions' log group (+1).
  staging: 78 + 12 + 7 + 1 - 4 + 1 + 5 + 3 + 1, // the legacy total, plus monitoring, plus the rotation redeploy, plus the managed-secret ARN (terraform_data)
  production: 102 + 2 + 14 + 7 + 1 - 4 + 1 + 5 + 3, // plus the Redis AUTH secret and its version, plus monitoring, plus the rotation redeploy, plus terraform_data
};

/**
 * What the plan of an environment must create, per type. The shipped ones are pinned by hand above
 * (their reasons are documented); for any other environment of the registry they are derived: every
 * resource its synthesized JSON declares, once (no count or for_each: countResources refuses them),
 * and nothing else, so a new environment needs no figure written in this file.
 */
function expectedCounts(stack: EnvironmentStack): Record<string, number> {
  if (PINNED_COUNTS[stack]) return PINNED_COUNTS[stack];
  const json = synthesizedStacks().get(stack)!;
  countResources(stack, json);
  return Object.fromEntries(Object.entries(json.resource ?? {}).map(([type, byName]) => [type, Object.keys(byName).length]).sort(([a], [b]) => (a < b ? -1 : 1)));
}

function expectedTotal(stack: EnvironmentStack): number {
  return PINNED_TOTALS[stack] ?? Object.values(expectedCounts(stack)).reduce((a, b) => a + b, 0);
}

describe.each(ENVIRONMENT_STACKS)('terraform on the %s stack', (stack) => {
  it('passes terraform validate without errors or warnings', () => {
    const { validate } = loadPlan(stack);
    expect(validate.diagnostics).toEqual([]);
    expect(validate.valid).toBe(true);
  });

  it('plans exactly the expected resources per type', () => {
    expect(countByType(loadPlan(stack))).toEqual(expectedCounts(stack));
  });

  it('plans only creations, with the expected total', () => {
    const plan = loadPlan(stack);
    expect(plan.plan.resource_changes.every((rc) => rc.change.actions.join() === 'create')).toBe(true);
    expect(plan.plan.resource_changes).toHaveLength(expectedTotal(stack));
  });

  it('creates as many resources as docs/resource-counts.md says (generated by npm run docs)', () => {
    const planned = loadPlan(stack).plan.resource_changes.filter((rc) => rc.change.actions.includes('create')).length;
    expect(planned).toBe(countResources(stack, synthesizedStacks().get(stack)!).total);
  });
});

describe('planned values', () => {
  it('routes both staging application subnets through the single NAT gateway', () => {
    const plan = loadPlan('staging');
    // nat_gateway_id is unknown until apply; the references are checked in the unit tests.
    expect(plannedValues(plan, 'aws_route.vpc_private_app_nat_gateway_1')).toMatchObject({ destination_cidr_block: '0.0.0.0/0' });
    expect(plannedValues(plan, 'aws_subnet.vpc_private_db_2')).toMatchObject({
      cidr_block: '10.0.22.0/24',
      availability_zone: 'ap-southeast-2b',
      tags: { Name: 'ohmycoins-staging-private-db-subnet-2', Type: 'private-db', Environment: 'staging', Project: 'Oh My Coins', ManagedBy: 'Terraform' },
    });
  });

  it('gives production flow logs with the legacy settings', () => {
    const plan = loadPlan('production');
    expect(plannedValues(plan, 'aws_flow_log.vpc_main')).toMatchObject({ traffic_type: 'ALL', max_aggregation_interval: 60 });
    expect(plannedValues(plan, 'aws_cloudwatch_log_group.vpc_flow_logs')).toMatchObject({ name: '/aws/vpc/flow-logs/ohmycoins-prod', retention_in_days: 7 });
    expect(plannedValues(plan, 'aws_vpc_endpoint.vpc_s3')).toMatchObject({
      service_name: 'com.amazonaws.ap-southeast-2.s3',
      vpc_endpoint_type: 'Gateway',
    });
  });

  it('plans the production database with its safety settings, a stable snapshot name (D16) and the major version only (D17)', () => {
    const db = plannedValues(loadPlan('production'), 'aws_db_instance.rds_main');
    expect(db).toMatchObject({
      identifier: 'ohmycoins-prod-postgres',
      engine: 'postgres',
      engine_version: '17',
      auto_minor_version_upgrade: true,
      multi_az: true,
      deletion_protection: true,
      skip_final_snapshot: false,
      final_snapshot_identifier: 'ohmycoins-prod-final-snapshot',
      backup_retention_period: 7,
      performance_insights_enabled: true,
      performance_insights_retention_period: 7,
      storage_encrypted: true,
      manage_master_user_password: true,
      db_subnet_group_name: 'ohmycoins-prod-db-subnet-group',
      parameter_group_name: 'ohmycoins-prod-postgres-params',
    });
    expect(db.password ?? null).toBeNull();
  });

  it('plans the parameter group with the family of the engine version (D23) and pending-reboot for the static parameter (D8)', () => {
    const group = plannedValues(loadPlan('staging'), 'aws_db_parameter_group.rds_main');
    expect(group.family).toBe('postgres17');
    expect(group.parameter).toEqual(
      expect.arrayContaining([
        { name: 'shared_preload_libraries', value: 'pg_stat_statements', apply_method: 'pending-reboot' },
        { name: 'log_connections', value: '1', apply_method: 'immediate' },
      ]),
    );
  });

  it('plans the alarm dimensions with the real identifiers, known at plan time', () => {
    const plan = loadPlan('production');
    expect(plannedValues(plan, 'aws_cloudwatch_metric_alarm.rds_cpu_utilization').dimensions).toEqual({ DBInstanceIdentifier: 'ohmycoins-prod-postgres' });
    // ElastiCache metrics are per member cluster; production's two nodes are watched through metric math.
    const evictions = plannedValues(plan, 'aws_cloudwatch_metric_alarm.redis_evictions');
    expect(evictions.dimensions ?? null).toBeNull();
    expect((evictions.metric_query as { metric: { dimensions: unknown }[] }[]).flatMap((q) => q.metric.map((m) => m.dimensions))).toEqual([
      { CacheClusterId: 'ohmycoins-prod-redis-001' },
      { CacheClusterId: 'ohmycoins-prod-redis-002' },
    ]);
    expect(plannedValues(loadPlan('staging'), 'aws_cloudwatch_metric_alarm.redis_evictions').dimensions).toEqual({ CacheClusterId: 'ohmycoins-staging-redis-001' });
  });

  it('plans the production Redis group with description (D1), TLS and AUTH, fail-over and Multi-AZ', () => {
    expect(plannedValues(loadPlan('production'), 'aws_elasticache_replication_group.redis_main')).toMatchObject({
      description: 'Redis cluster for ohmycoins-prod',
      engine_version: '7.0',
      num_cache_clusters: 2,
      automatic_failover_enabled: true,
      multi_az_enabled: true,
      at_rest_encryption_enabled: 'true',
      auto_minor_version_upgrade: 'true',
      transit_encryption_enabled: true,
    });
  });

  it("plans the production deploy role to trust the account's provider, its ARN built from the VPC owner's account, with nothing stubbed for it (D7)", () => {
    const plan = loadPlan('production');
    // Unknown before the VPC exists: the role is created, its trust policy known after apply.
    const role = plan.plan.resource_changes.find((rc) => rc.address === 'aws_iam_role.iam_github_actions') as { change: { actions: string[]; after_unknown?: Record<string, unknown> } };
    expect(role.change.actions).toEqual(['create']);
    expect(role.change.after_unknown?.assume_role_policy).toBe(true);
    expect(Object.keys(plan.variables)).not.toContain('github_oidc_provider_arn');
  });

  it.each(ENVIRONMENT_STACKS)('states every value the offline plan of %s stubs, none silently', (stack) => {
    const plan = loadPlan(stack);
    const lines = describeStubs(plan.stubs);
    expect(lines.slice(0, 2)).toEqual([
      'stubbed backend: a local state file (terraform.tfstate of the working copy) (instead of the s3 backend)',
      "stubbed AWS credentials: dummy keys; no credential check, account id or metadata lookup (instead of the caller's AWS credentials)",
    ]);
    // One line per variable value it made up: a dummy, or a sentinel for a sensitive one.
    expect(lines.slice(2)).toEqual(
      Object.entries(plan.variables).map(([name, value]) =>
        OFFLINE_VARIABLE_VALUES[name] === value
          ? `stubbed var.${name}: ${value} (instead of its real value (TF_VAR_${name}))`
          : `stubbed var.${name}: ${sentinelFor(name)} (a recognisable sentinel) (instead of a secret (TF_VAR_${name}))`,
      ),
    );
    expect(lines.length).toBe(2 + Object.keys(plan.variables).length);
  });

  it('plans the application secret without a value (D12)', () => {
    const plan = loadPlan('staging');
    expect(plannedValues(plan, 'aws_secretsmanager_secret.app_secrets')).toMatchObject({ name: 'ohmycoins-staging-app-secrets', recovery_window_in_days: 7 });
    expect(plan.plan.resource_changes.filter((rc) => rc.type === 'aws_secretsmanager_secret_version')).toEqual([]);
  });

  it.each(ENVIRONMENT_STACKS)('plans the %s redeploy after a password rotation: rule, target and a STANDARD state machine calling ECS UpdateService', (stack) => {
    const plan = loadPlan(stack);
    const p = environment(stack).projectName;
    // Rule, target, state machine, and the two roles with their policies: all created.
    const rotation = plan.plan.resource_changes.filter((rc) => rc.address.includes('.rotation_'));
    expect(rotation).toHaveLength(7);
    expect(rotation.filter((rc) => rc.change.actions.join() !== 'create')).toEqual([]);
    // The secret ARN is unknown until apply, so the pattern is checked in the unit tests; the name is known.
    expect(plannedValues(plan, 'aws_cloudwatch_event_rule.rotation_password_rotated')).toMatchObject({ name: `${p}-db-password-rotated`, state: 'ENABLED' });
    expect(plannedValues(plan, 'aws_sfn_state_machine.rotation_backend_redeploy')).toMatchObject({ name: `${p}-backend-redeploy`, type: 'STANDARD' });
    // The definition names the cluster by ARN, unknown until apply, so the provider's plan-time call to
    // ValidateStateMachineDefinition (which needs AWS) is skipped for a new stack; its content is checked in the unit tests.
    const machine = plan.plan.resource_changes.find((rc) => rc.address === 'aws_sfn_state_machine.rotation_backend_redeploy');
    expect(machine?.change.actions).toEqual(['create']);
    expect((machine?.change as { after_unknown?: Record<string, unknown> }).after_unknown?.definition).toBe(true);
  });

  it('tags every taggable resource with the common tags through default_tags', () => {
    for (const stack of ENVIRONMENT_STACKS) {
      const resources = loadPlan(stack).plan.planned_values.root_module.resources ?? [];
      // Resources whose planned values are all unknown have no `values` key.
      const taggable = resources.filter((r) => r.values && 'tags_all' in r.values);
      expect(taggable.length).toBeGreaterThan(10);
      for (const r of taggable) {
        expect({ address: r.address, tags: r.values.tags_all }).toEqual({
          address: r.address,
          tags: expect.objectContaining({ Project: 'Oh My Coins', Environment: stack, ManagedBy: 'Terraform' }),
        });
      }
    }
  });
});
