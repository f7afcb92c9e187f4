/**
 * The alb and ecs constructs as the platform stack wires them in the shipped
 * environments: legacy values per environment, and references to the data tier.
 */
import { synthEnvironment } from '../support/helpers';
import { legacyBackendContainer, stackBackendInputs } from '../support/legacy-containers';

type Json = Record<string, any>;

const staging = synthEnvironment('staging');
const production = synthEnvironment('production');

const container = (stack: typeof staging, id: string): Json => {
  const list = JSON.parse(stack.resource('aws_ecs_task_definition', id).container_definitions) as Json[];
  expect(list).toHaveLength(1);
  return list[0];
};
const env = (c: Json) => Object.fromEntries((c.environment as Json[]).map((e) => [e.name, e.value]));
const secrets = (c: Json) => Object.fromEntries((c.secrets as Json[]).map((e) => [e.name, e.valueFrom]));

const MASTER_SECRET = '${terraform_data.rds_master_user_secret.output.secret_arns.0}';

describe('edge and compute in the shipped environments', () => {
  it('declares the image variables with the legacy defaults, and certificate_arn only where HTTPS is served', () => {
    const vars = (s: typeof staging) => Object.fromEntries(Object.entries(s.json.variable as Json).map(([k, v]) => [k, v.default]));
    expect(vars(staging)).toEqual({
      backend_image: 'ghcr.io/marklimmage/ohmycoins-backend',
      backend_image_tag: 'latest',
      frontend_image: 'ghcr.io/marklimmage/ohmycoins-frontend',
      frontend_image_tag: 'latest',
    });
    expect(vars(production)).toEqual({
      backend_image: 'ghcr.io/marklimmage/ohmycoins-backend',
      backend_image_tag: 'v1.0.0',
      frontend_image: 'ghcr.io/marklimmage/ohmycoins-frontend',
      frontend_image_tag: 'v1.0.0',
      // The write-only secret version's number (docs/secrets.md).
      redis_auth_token_version: 1,
    });
    // Required (no default) in production: the certificate, plus the data tier's two.
    expect(Object.keys(production.json.variable).filter((k) => !('default' in production.json.variable[k])).sort()).toEqual([
      'certificate_arn',
      'redis_auth_token',
    ]);
    expect(staging.json.variable.certificate_arn).toBeUndefined();
    expect(production.resource('aws_lb_listener', 'alb_https').certificate_arn).toBe('${var.certificate_arn}');
  });

  it('places the load balancer in the public subnets with the ALB group, deletion protection in production only', () => {
    expect(staging.resource('aws_lb', 'alb_main')).toMatchObject({
      name: 'ohmycoins-staging-alb',
      subnets: ['${aws_subnet.vpc_public_1.id}', '${aws_subnet.vpc_public_2.id}'],
      security_groups: ['${aws_security_group.security_alb.id}'],
      enable_deletion_protection: false,
    });
    expect(production.resource('aws_lb', 'alb_main')).toMatchObject({ name: 'ohmycoins-prod-alb', enable_deletion_protection: true });
    expect(production.resource('aws_lb', 'alb_main').subnets).toHaveLength(3);
    expect(staging.resource('aws_lb_target_group', 'alb_frontend')).toMatchObject({ name: 'ohmycoins-staging-frontend-tg', vpc_id: '${aws_vpc.vpc_main.id}' });
  });

  it('routes staging over HTTP to both services and production over HTTPS by host (D9, D10)', () => {
    expect(staging.resource('aws_lb_listener', 'alb_http').default_action).toEqual([{ type: 'forward', target_group_arn: '${aws_lb_target_group.alb_frontend.arn}' }]);
    expect(staging.resource('aws_lb_listener_rule', 'alb_backend_http').action).toEqual([{ type: 'forward', target_group_arn: '${aws_lb_target_group.alb_backend.arn}' }]);
    expect(staging.resources('aws_lb_listener').alb_https).toBeUndefined();
    expect(production.resource('aws_lb_listener', 'alb_http').default_action[0].type).toBe('redirect');
    expect(production.resource('aws_lb_listener_rule', 'alb_backend_https').condition).toEqual([{ host_header: { values: ['api.ohmycoins.com'] } }]);
  });

  it('gives the staging backend the legacy container, wired to the database, Redis and secrets (D12)', () => {
    // Staging has ECS Exec on: an init process in the container (ECS Exec needs it).
    expect(container(staging, 'ecs_backend')).toEqual({ ...legacyBackendContainer(stackBackendInputs('staging')), linuxParameters: { initProcessEnabled: true } });
  });

  it('gives the production backend TLS and the AUTH token of the Redis secret (D13)', () => {
    const backend = container(production, 'ecs_backend');
    expect(env(backend)).toMatchObject({ ENVIRONMENT: 'production', PROJECT_NAME: 'ohmycoins-prod', BACKEND_CORS_ORIGINS: 'https://dashboard.ohmycoins.com', REDIS_SSL: 'true' });
    expect(secrets(backend)).toMatchObject({ POSTGRES_PASSWORD: `${MASTER_SECRET}:password::`, REDIS_PASSWORD: '${aws_secretsmanager_secret.redis_auth_token.arn}' });
    expect(Object.keys(secrets(backend))).toHaveLength(9);
  });

  it('lets the execution role read exactly the secrets the backend container references', () => {
    for (const stack of [staging, production]) {
      const policy = JSON.parse(stack.resource('aws_iam_role_policy', 'iam_ecs_task_execution_secrets').policy);
      const readable: string[] = policy.Statement.flatMap((s: Json) => s.Resource);
      const referenced = [...new Set(Object.values(secrets(container(stack, 'ecs_backend'))).map((v) => String(v).replace(/:[A-Za-z_]+::$/, '')))];
      expect(readable.sort()).toEqual(referenced.sort());
    }
  });

  it('points the frontend at the API where each environment serves it (D10)', () => {
    expect(env(container(staging, 'ecs_frontend'))).toEqual({ VITE_API_URL: 'http://${aws_lb.alb_main.dns_name}' });
    expect(env(container(production, 'ecs_frontend'))).toEqual({ VITE_API_URL: 'https://api.ohmycoins.com' });
    expect(container(production, 'ecs_frontend').image).toBe('${var.frontend_image}:${var.frontend_image_tag}');
  });

  it('sizes the tasks and services per environment', () => {
    const sizes = (s: typeof staging) =>
      ['ecs_backend', 'ecs_frontend'].map((id) => [
        s.resource('aws_ecs_task_definition', id).cpu,
        s.resource('aws_ecs_task_definition', id).memory,
        s.resource('aws_ecs_service', id).desired_count,
      ]);
    expect(sizes(staging)).toEqual([['512', '1024', 1], ['256', '512', 1]]);
    expect(sizes(production)).toEqual([['1024', '2048', 2], ['512', '1024', 2]]);
    expect(staging.resource('aws_ecs_cluster', 'ecs_main').setting).toEqual([{ name: 'containerInsights', value: 'disabled' }]);
    expect(production.resource('aws_ecs_cluster', 'ecs_main').setting).toEqual([{ name: 'containerInsights', value: 'enabled' }]);
    expect(staging.resource('aws_ecs_service', 'ecs_backend').enable_execute_command).toBe(true);
    expect(production.resource('aws_ecs_service', 'ecs_backend').enable_execute_command).toBe(false);
    expect(staging.resource('aws_cloudwatch_log_group', 'ecs_frontend').retention_in_days).toBe(7);
    expect(production.resource('aws_cloudwatch_log_group', 'ecs_frontend').retention_in_days).toBe(30);
  });

  it("runs the tasks in the application subnets, each service with its own group and roles", () => {
    const subnets = ['${aws_subnet.vpc_private_app_1.id}', '${aws_subnet.vpc_private_app_2.id}', '${aws_subnet.vpc_private_app_3.id}'];
    expect(production.resource('aws_ecs_service', 'ecs_frontend').network_configuration).toEqual({
      subnets,
      security_groups: ['${aws_security_group.security_frontend.id}'],
      assign_public_ip: false,
    });
    // The backend keeps the legacy ECS group, the one RDS and Redis admit.
    expect(production.resource('aws_ecs_service', 'ecs_backend').network_configuration.security_groups).toEqual(['${aws_security_group.security_ecs.id}']);
    expect(staging.resource('aws_ecs_task_definition', 'ecs_backend')).toMatchObject({
      execution_role_arn: '${aws_iam_role.iam_ecs_task_execution.arn}',
      task_role_arn: '${aws_iam_role.iam_ecs_task.arn}',
    });
    expect(staging.resource('aws_ecs_task_definition', 'ecs_frontend')).toMatchObject({
      execution_role_arn: '${aws_iam_role.iam_frontend_task_execution.arn}',
      task_role_arn: '${aws_iam_role.iam_frontend_task.arn}',
    });
  });

  it('orders each service after what attaches its target group, in both environments (D11)', () => {
    const order = (s: typeof staging) => ['ecs_backend', 'ecs_frontend'].map((id) => s.resource('aws_ecs_service', id).depends_on);
    expect(order(staging)).toEqual([['aws_lb_listener_rule.alb_backend_http'], ['aws_lb_listener.alb_http']]);
    expect(order(production)).toEqual([['aws_lb_listener_rule.alb_backend_https'], ['aws_lb_listener.alb_https']]);
  });

  it('autoscales the production backend only, between 2 and 10 tasks, ignoring desired_count (D18)', () => {
    expect(staging.resources('aws_appautoscaling_target')).toEqual({});
    expect(staging.resource('aws_ecs_service', 'ecs_backend').lifecycle).toBeUndefined();
    expect(production.resource('aws_appautoscaling_target', 'ecs_backend')).toMatchObject({ min_capacity: 2, max_capacity: 10 });
    expect(Object.values(production.resources('aws_appautoscaling_policy')).map((p) => p.name).sort()).toEqual([
      'ohmycoins-prod-backend-cpu-scaling',
      'ohmycoins-prod-backend-memory-scaling',
    ]);
    expect(production.resource('aws_ecs_service', 'ecs_backend').lifecycle).toEqual({ ignore_changes: ['desired_count'] });
  });

  it('outputs what the legacy roots output, under the same names, none of it secret, plus the alarm topic and dashboard', () => {
    for (const stack of [staging, production]) {
      const outputs = stack.json.output as Json;
      expect(Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, v.value]))).toEqual({
        vpc_id: '${aws_vpc.vpc_main.id}',
        alb_dns_name: '${aws_lb.alb_main.dns_name}',
        db_endpoint: '${aws_db_instance.rds_main.endpoint}',
        redis_endpoint: '${aws_elasticache_replication_group.redis_main.primary_endpoint_address}',
        redis_reader_endpoint: '${aws_elasticache_replication_group.redis_main.reader_endpoint_address}',
        ecs_cluster_name: '${aws_ecs_cluster.ecs_main.name}',
        backend_service_name: '${aws_ecs_service.ecs_backend.name}',
        frontend_service_name: '${aws_ecs_service.ecs_frontend.name}',
        github_actions_role_arn: '${aws_iam_role.iam_github_actions.arn}',
        secrets_manager_secret_arn: '${aws_secretsmanager_secret.app_secrets.arn}',
        alarm_topic_arn: '${aws_sns_topic.monitoring_alarms.arn}',
        dashboard_url: `https://ap-southeast-2.console.aws.amazon.com/cloudwatch/home?region=ap-southeast-2#dashboards:name=${stack === staging ? 'ohmycoins-staging' : 'ohmycoins-prod'}-platform`,
      });
      expect(Object.values(outputs).filter((o) => o.sensitive)).toEqual([]);
    }
  });
});
