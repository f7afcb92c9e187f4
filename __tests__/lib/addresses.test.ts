/**
 * Terraform addresses are part of the contract with existing state: if one
 * changes, `terraform apply` destroys and recreates the resource. This test lists
 * every address of each stack; a change here must be deliberate (and, for a
 * deployed stack, come with a `moved` block or `terraform state mv`).
 */
import { Testing } from 'cdktf';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { ENV_NAMES, environment, registryPipelineEnvironments, synthEnvironment, synthesizeStack } from '../support/helpers';
import { bootstrap } from '../../environments/bootstrap';
import { validateBootstrapConfig } from '../../environments/schema';
import { BootstrapStack } from '../../stacks/bootstrap-stack';
import { roleKindsOf, snake } from '../../lib/pipeline';
import { PlatformStack } from '../../stacks/platform-stack';

const VPC_STAGING = [
  'aws_eip.vpc_nat_1',
  'aws_internet_gateway.vpc_main',
  'aws_nat_gateway.vpc_main_1',
  'aws_route.vpc_private_app_nat_gateway_1',
  'aws_route.vpc_private_app_nat_gateway_2',
  'aws_route.vpc_public_internet_gateway',
  'aws_route_table.vpc_private_app_1',
  'aws_route_table.vpc_private_app_2',
  'aws_route_table.vpc_private_db_1',
  'aws_route_table.vpc_private_db_2',
  'aws_route_table.vpc_public',
  'aws_route_table_association.vpc_private_app_1',
  'aws_route_table_association.vpc_private_app_2',
  'aws_route_table_association.vpc_private_db_1',
  'aws_route_table_association.vpc_private_db_2',
  'aws_route_table_association.vpc_public_1',
  'aws_route_table_association.vpc_public_2',
  'aws_subnet.vpc_private_app_1',
  'aws_subnet.vpc_private_app_2',
  'aws_subnet.vpc_private_db_1',
  'aws_subnet.vpc_private_db_2',
  'aws_subnet.vpc_public_1',
  'aws_subnet.vpc_public_2',
  'aws_vpc.vpc_main',
];

const VPC_PRODUCTION = [
  'aws_cloudwatch_log_group.vpc_flow_logs',
  'aws_eip.vpc_nat_1',
  'aws_eip.vpc_nat_2',
  'aws_eip.vpc_nat_3',
  'aws_flow_log.vpc_main',
  'aws_iam_role.vpc_flow_logs',
  'aws_iam_role_policy.vpc_flow_logs',
  'aws_internet_gateway.vpc_main',
  'aws_nat_gateway.vpc_main_1',
  'aws_nat_gateway.vpc_main_2',
  'aws_nat_gateway.vpc_main_3',
  'aws_route.vpc_private_app_nat_gateway_1',
  'aws_route.vpc_private_app_nat_gateway_2',
  'aws_route.vpc_private_app_nat_gateway_3',
  'aws_route.vpc_public_internet_gateway',
  'aws_route_table.vpc_private_app_1',
  'aws_route_table.vpc_private_app_2',
  'aws_route_table.vpc_private_app_3',
  'aws_route_table.vpc_private_db_1',
  'aws_route_table.vpc_private_db_2',
  'aws_route_table.vpc_private_db_3',
  'aws_route_table.vpc_public',
  'aws_route_table_association.vpc_private_app_1',
  'aws_route_table_association.vpc_private_app_2',
  'aws_route_table_association.vpc_private_app_3',
  'aws_route_table_association.vpc_private_db_1',
  'aws_route_table_association.vpc_private_db_2',
  'aws_route_table_association.vpc_private_db_3',
  'aws_route_table_association.vpc_public_1',
  'aws_route_table_association.vpc_public_2',
  'aws_route_table_association.vpc_public_3',
  'aws_subnet.vpc_private_app_1',
  'aws_subnet.vpc_private_app_2',
  'aws_subnet.vpc_private_app_3',
  'aws_subnet.vpc_private_db_1',
  'aws_subnet.vpc_private_db_2',
  'aws_subnet.vpc_private_db_3',
  'aws_subnet.vpc_public_1',
  'aws_subnet.vpc_public_2',
  'aws_subnet.vpc_public_3',
  'aws_vpc.vpc_main',
  'aws_vpc_endpoint.vpc_s3',
  'aws_vpc_endpoint_route_table_association.vpc_s3_private_app_1',
  'aws_vpc_endpoint_route_table_association.vpc_s3_private_app_2',
  'aws_vpc_endpoint_route_table_association.vpc_s3_private_app_3',
];

const SECURITY = [
  'aws_security_group.security_alb',
  'aws_security_group.security_ecs',
  'aws_security_group.security_rds',
  'aws_security_group.security_redis',
  'aws_security_group_rule.security_alb_egress',
  'aws_security_group_rule.security_alb_http_ingress',
  'aws_security_group_rule.security_alb_https_ingress',
  'aws_security_group_rule.security_ecs_backend_from_alb',
  'aws_security_group_rule.security_rds_from_ecs',
  'aws_security_group_rule.security_redis_from_ecs',
  // Not legacy: the frontend's own group, and egress narrowed to what the services need.
  'aws_security_group.security_frontend',
  'aws_security_group_rule.security_ecs_https_egress',
  'aws_security_group_rule.security_ecs_postgres_egress',
  'aws_security_group_rule.security_ecs_redis_egress',
  'aws_security_group_rule.security_frontend_from_alb',
  'aws_security_group_rule.security_frontend_https_egress',
];

const IAM = [
  'aws_iam_role.iam_ecs_task',
  'aws_iam_role.iam_ecs_task_execution',
  'aws_iam_role.iam_github_actions',
  'aws_iam_role_policy.iam_ecs_task_app',
  'aws_iam_role_policy.iam_ecs_task_execution_secrets',
  'aws_iam_role_policy.iam_github_actions_deploy',
  'aws_iam_role_policy_attachment.iam_ecs_task_execution',
  // Not legacy: the frontend's own roles.
  'aws_iam_role.iam_frontend_task',
  'aws_iam_role.iam_frontend_task_execution',
  'aws_iam_role_policy.iam_frontend_task_execution_logs',
];
/** Only the stack that owns the account-wide provider (staging) creates it (D14 [two creators of the OIDC provider]). */
const IAM_OIDC_PROVIDER = ['aws_iam_openid_connect_provider.iam_github_actions'];

const RDS = [
  'aws_cloudwatch_metric_alarm.rds_cpu_utilization',
  'aws_cloudwatch_metric_alarm.rds_database_connections',
  'aws_cloudwatch_metric_alarm.rds_free_storage_space',
  'aws_db_instance.rds_main',
  'aws_db_parameter_group.rds_main',
  'aws_db_subnet_group.rds_main',
  'aws_iam_role.rds_rds_monitoring',
  'aws_iam_role_policy_attachment.rds_rds_monitoring',
  // Not in the legacy module: carries the ARN of the RDS-managed secret (unknown until RDS creates it).
  'terraform_data.rds_master_user_secret',
];

const REDIS = [
  'aws_cloudwatch_log_group.redis_redis_engine_log',
  'aws_cloudwatch_log_group.redis_redis_slow_log',
  'aws_cloudwatch_metric_alarm.redis_cpu_utilization',
  'aws_cloudwatch_metric_alarm.redis_evictions',
  'aws_cloudwatch_metric_alarm.redis_memory_utilization',
  'aws_elasticache_parameter_group.redis_main',
  'aws_elasticache_replication_group.redis_main',
  'aws_elasticache_subnet_group.redis_main',
];
/** Not in the legacy module: the Secrets Manager copy of the AUTH token, only where AUTH is on (D13 [backend without Redis TLS and AUTH]). */
const REDIS_AUTH = ['aws_secretsmanager_secret.redis_auth_token', 'aws_secretsmanager_secret_version.redis_auth_token'];

const ALB = [
  'aws_cloudwatch_metric_alarm.alb_http_5xx_count',
  'aws_cloudwatch_metric_alarm.alb_target_response_time',
  'aws_cloudwatch_metric_alarm.alb_unhealthy_target_count',
  'aws_lb.alb_main',
  'aws_lb_listener.alb_http',
  'aws_lb_target_group.alb_backend',
  'aws_lb_target_group.alb_frontend',
];
/** Without a certificate (staging) the API paths are routed on the HTTP listener. */
const ALB_HTTP_ONLY = ['aws_lb_listener_rule.alb_backend_http'];
/** With a certificate (production): `https[0]` and `backend_https[0]`, counted once, lose the index. */
const ALB_HTTPS = ['aws_lb_listener.alb_https', 'aws_lb_listener_rule.alb_backend_https'];

const ECS = [
  'aws_cloudwatch_log_group.ecs_backend',
  'aws_cloudwatch_log_group.ecs_frontend',
  'aws_ecs_cluster.ecs_main',
  'aws_ecs_service.ecs_backend',
  'aws_ecs_service.ecs_frontend',
  'aws_ecs_task_definition.ecs_backend',
  'aws_ecs_task_definition.ecs_frontend',
];
/** Where ECS Exec is on (staging): the sessions' log group. */
const ECS_EXEC = ['aws_cloudwatch_log_group.ecs_exec'];
/** Production only (`backend[0]`, `backend_cpu[0]`, `backend_memory[0]`). */
const ECS_AUTOSCALING = ['aws_appautoscaling_policy.ecs_backend_cpu', 'aws_appautoscaling_policy.ecs_backend_memory', 'aws_appautoscaling_target.ecs_backend'];

/** Not in the legacy code: the alarm topic, its key, the dashboard and the alarms an on-call engineer expects (D22 [alarms notifying nobody]). */
const MONITORING = [
  'aws_cloudwatch_dashboard.monitoring_main',
  'aws_cloudwatch_metric_alarm.alb_elb_5xx_count',
  'aws_cloudwatch_metric_alarm.ecs_backend_cpu_high',
  'aws_cloudwatch_metric_alarm.ecs_backend_memory_high',
  'aws_cloudwatch_metric_alarm.ecs_backend_running_tasks_low',
  'aws_cloudwatch_metric_alarm.ecs_frontend_cpu_high',
  'aws_cloudwatch_metric_alarm.ecs_frontend_memory_high',
  'aws_cloudwatch_metric_alarm.ecs_frontend_running_tasks_low',
  'aws_cloudwatch_metric_alarm.rds_freeable_memory',
  'aws_kms_alias.monitoring_alarms',
  'aws_kms_key.monitoring_alarms',
  'aws_sns_topic.monitoring_alarms',
];
/** Production: replication lag (two Redis nodes) and the on-call e-mail subscription. */
const MONITORING_PRODUCTION = ['aws_cloudwatch_metric_alarm.redis_replication_lag', 'aws_sns_topic_subscription.monitoring_email_1'];

/** Redeploy of the backend after RDS rotates the master password (not a legacy module). */
const ROTATION = [
  'aws_cloudwatch_event_rule.rotation_password_rotated',
  'aws_cloudwatch_event_target.rotation_backend_redeploy',
  'aws_iam_role.rotation_events',
  'aws_iam_role.rotation_state_machine',
  'aws_iam_role_policy.rotation_events',
  'aws_iam_role_policy.rotation_state_machine',
  'aws_sfn_state_machine.rotation_backend_redeploy',
];

/** The legacy root-level resource keeps its name. */
const ROOT = ['aws_secretsmanager_secret.app_secrets'];

/** The bootstrap stack (state bucket, key, lock table); `+ OIDC` when it creates the GitHub provider. */
const BOOTSTRAP = [
  'aws_dynamodb_table.bootstrap_locks',
  'aws_kms_alias.bootstrap_state',
  'aws_kms_key.bootstrap_state',
  'aws_s3_bucket.bootstrap_state',
  'aws_s3_bucket_lifecycle_configuration.bootstrap_state',
  'aws_s3_bucket_ownership_controls.bootstrap_state',
  'aws_s3_bucket_policy.bootstrap_state',
  'aws_s3_bucket_public_access_block.bootstrap_state',
  'aws_s3_bucket_server_side_encryption_configuration.bootstrap_state',
  'aws_s3_bucket_versioning.bootstrap_state',
  // Who read or wrote a state object: the CloudTrail data-event trail, its log bucket and key.
  'aws_cloudtrail.bootstrap_state_access_trail',
  'aws_kms_alias.bootstrap_state_access_log',
  'aws_kms_key.bootstrap_state_access_log',
  'aws_s3_bucket.bootstrap_state_access_log',
  'aws_s3_bucket_lifecycle_configuration.bootstrap_state_access_log',
  'aws_s3_bucket_ownership_controls.bootstrap_state_access_log',
  'aws_s3_bucket_policy.bootstrap_state_access_log',
  'aws_s3_bucket_public_access_block.bootstrap_state_access_log',
  'aws_s3_bucket_server_side_encryption_configuration.bootstrap_state_access_log',
  'aws_s3_bucket_versioning.bootstrap_state_access_log',
  // The pipeline (constructs/pipeline-roles.ts): the apply roles' boundary, then per environment of the
  // registry its state key and alias, and each of its roles with its policy.
  'aws_iam_policy.bootstrap_pipeline_apply_boundary',
  ...registryPipelineEnvironments().flatMap((e) => [
    `aws_kms_alias.bootstrap_pipeline_${snake(e.name)}_state`,
    `aws_kms_key.bootstrap_pipeline_${snake(e.name)}_state`,
    ...roleKindsOf(e, bootstrap.pipeline).flatMap((k) => [`aws_iam_role.bootstrap_pipeline_${snake(e.name)}_${snake(k)}`, `aws_iam_role_policy.bootstrap_pipeline_${snake(e.name)}_${snake(k)}`]),
  ]),
].sort();

/** Every address of each stack. Update deliberately, never to make a test pass. */
export const EXPECTED_ADDRESSES = {
  staging: [...VPC_STAGING, ...SECURITY, ...IAM, ...IAM_OIDC_PROVIDER, ...RDS, ...REDIS, ...ALB, ...ALB_HTTP_ONLY, ...ECS, ...ECS_EXEC, ...ROOT, ...MONITORING, ...ROTATION].sort(),
  production: [...VPC_PRODUCTION, ...SECURITY, ...IAM, ...RDS, ...REDIS, ...REDIS_AUTH, ...ALB, ...ALB_HTTPS, ...ECS, ...ECS_AUTOSCALING, ...ROOT, ...MONITORING, ...MONITORING_PRODUCTION, ...ROTATION].sort(),
  bootstrap: BOOTSTRAP,
  bootstrapWithOidcProvider: [...BOOTSTRAP, 'aws_iam_openid_connect_provider.bootstrap_github_actions'].sort(),
};

/** The deployed environments, whose every address is pinned above. */
const PINNED = ['staging', 'production'] as const;

/** An address with its per-zone or per-item number made generic: `aws_subnet.vpc_public_3` is `aws_subnet.vpc_public_N`. */
const shape = (address: string) => address.replace(/_\d+$/, '_N');

describe('pinned Terraform addresses', () => {
  it.each(PINNED)('%s has exactly the pinned addresses', (name) => {
    expect(synthEnvironment(name).addresses()).toEqual(EXPECTED_ADDRESSES[name]);
  });

  // An environment added to the registry has no state yet, so nothing to keep stable: its addresses are derived
  // from the pinned ones (the same constructs make the same addresses; only the number of zones or items differs),
  // and none needs writing here. Pinning its exact list, once it is deployed, is a choice, not a requirement.
  it.each(ENV_NAMES)('%s uses only addresses of the shapes pinned for the deployed environments', (name) => {
    const known = new Set(PINNED.flatMap((env) => EXPECTED_ADDRESSES[env].map(shape)));
    expect(synthEnvironment(name).addresses().filter((address) => !known.has(shape(address)))).toEqual([]);
  });

  it('bootstrap has exactly the pinned addresses, with and without the OIDC provider', () => {
    const addressesOf = (createOidcProvider: boolean) =>
      synthesizeStack(new BootstrapStack(Testing.app(), validateBootstrapConfig({ ...bootstrap, github: { createOidcProvider } }), registryPipelineEnvironments())).addresses();
    expect(addressesOf(false)).toEqual(EXPECTED_ADDRESSES.bootstrap);
    expect(addressesOf(true)).toEqual(EXPECTED_ADDRESSES.bootstrapWithOidcProvider);
  });

  it('refuses to synthesize a resource that has no pinned address', () => {
    const stack = new PlatformStack(Testing.app(), environment('staging'));
    new Subnet(stack.network, 'unpinned', { vpcId: stack.network.vpcId, cidrBlock: '10.0.99.0/24' });
    expect(() => Testing.synth(stack)).toThrow(
      "staging/vpc/unpinned has no pinned Terraform address. Call pin(resource, this.at('unpinned')) in its construct",
    );
  });
});
