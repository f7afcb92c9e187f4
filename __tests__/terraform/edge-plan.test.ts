/**
 * The load balancer and the ECS services as Terraform plans them: where each
 * listener and rule sends traffic, the container definitions, the service ordering
 * and the autoscaling policies. Values unknown until apply (ARNs, endpoints) are read
 * from the plan's `configuration` section, which records each expression and the
 * resources it references.
 */
import { plannedValues } from '../../tooling/terraform/offline-plan';
import { legacyBackendContainer, legacyFrontendContainer, stackBackendInputs } from '../support/legacy-containers';
import { configuredResource, ENVIRONMENT_STACKS, loadPlan, PlannedStack } from '../support/terraform/plans';

type Json = Record<string, any>;

/** Where the listeners and rules of a stack's plan send requests: a target group, or a redirect. */
function routingTable(stack: PlannedStack): Record<string, string> {
  const plan = loadPlan(stack);
  const table: Record<string, string> = {};
  for (const rc of plan.plan.resource_changes.filter((r) => r.type === 'aws_lb_listener' || r.type === 'aws_lb_listener_rule')) {
    const expressions = configuredResource(plan, rc.address).expressions;
    const [action] = (expressions.default_action ?? expressions.action) as Json[];
    const type = action.type.constant_value as string;
    const values = plannedValues(plan, rc.address);
    const where = rc.type === 'aws_lb_listener' ? `${values.protocol as string}:${values.port as number}` : JSON.stringify((values.condition as Json[])[0]);
    if (type === 'forward') {
      // The target group ARN is unknown until apply; the plan records which resource it references.
      const target = (action.target_group_arn.references as string[]).find((r) => !r.endsWith('.arn'));
      table[`${rc.address} ${where}`] = `forward ${target}`;
    } else {
      const [redirect] = (values.default_action as Json[])[0].redirect as Json[];
      table[`${rc.address} ${where}`] = `${type} ${redirect.protocol as string}:${redirect.port as string} ${redirect.status_code as string}`;
    }
  }
  return table;
}

/** The container definitions as configured in the plan (references kept as `${...}`), decoded. */
function configuredContainers(stack: PlannedStack, address: string): Json[] {
  return JSON.parse(configuredResource(loadPlan(stack), address).expressions.container_definitions.constant_value as string) as Json[];
}

describe('load balancer routing as planned', () => {
  it('staging: HTTP serves the frontend by default and the API paths from the backend, nothing redirects (D9, D10)', () => {
    expect(routingTable('staging')).toEqual({
      'aws_lb_listener.alb_http HTTP:80': 'forward aws_lb_target_group.alb_frontend',
      'aws_lb_listener_rule.alb_backend_http {"host_header":[],"http_header":[],"http_request_method":[],"path_pattern":[{"values":["/api/*","/docs","/openapi.json","/redoc"]}],"query_string":[],"source_ip":[]}':
        'forward aws_lb_target_group.alb_backend',
    });
  });

  it('production: HTTP redirects to the HTTPS listener, which serves the frontend and the API host', () => {
    expect(routingTable('production')).toEqual({
      'aws_lb_listener.alb_http HTTP:80': 'redirect HTTPS:443 HTTP_301',
      'aws_lb_listener.alb_https HTTPS:443': 'forward aws_lb_target_group.alb_frontend',
      'aws_lb_listener_rule.alb_backend_https {"host_header":[{"values":["api.ohmycoins.com"]}],"http_header":[],"http_request_method":[],"path_pattern":[],"query_string":[],"source_ip":[]}':
        'forward aws_lb_target_group.alb_backend',
    });
    const plan = loadPlan('production');
    expect(plannedValues(plan, 'aws_lb_listener.alb_https')).toMatchObject({
      ssl_policy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
      certificate_arn: plan.variables.certificate_arn,
    });
  });

  it('plans the load balancer with invalid headers dropped and no cross-zone argument (D23)', () => {
    for (const stack of ENVIRONMENT_STACKS) {
      const lb = plannedValues(loadPlan(stack), 'aws_lb.alb_main');
      expect(lb).toMatchObject({ load_balancer_type: 'application', internal: false, enable_http2: true, drop_invalid_header_fields: true });
      expect(lb.enable_cross_zone_load_balancing ?? null).toBeNull();
    }
  });
});

describe('ECS as planned', () => {
  it('decodes the staging backend container: the legacy one, POSTGRES_PASSWORD from the managed secret (D12)', () => {
    const [backend] = configuredContainers('staging', 'aws_ecs_task_definition.ecs_backend');
    // Staging has ECS Exec on: the init process it needs.
    expect(backend).toEqual({ ...legacyBackendContainer(stackBackendInputs('staging')), linuxParameters: { initProcessEnabled: true } });
    // Terraform resolved every interpolation to a resource of this stack.
    expect(configuredResource(loadPlan('staging'), 'aws_ecs_task_definition.ecs_backend').expressions.container_definitions.references).toEqual(
      expect.arrayContaining([
        'var.backend_image_tag',
        'aws_db_instance.rds_main.address',
        'terraform_data.rds_master_user_secret.output.secret_arns[0]',
        'aws_elasticache_replication_group.redis_main.primary_endpoint_address',
        'aws_secretsmanager_secret.app_secrets.arn',
        'aws_cloudwatch_log_group.ecs_backend.name',
      ]),
    );
  });

  it('decodes the production backend container: Redis TLS flag and AUTH token added (D13), read-only root', () => {
    const [backend] = configuredContainers('production', 'aws_ecs_task_definition.ecs_backend');
    const legacy = legacyBackendContainer(stackBackendInputs('production'));
    expect(backend).toEqual({
      ...legacy,
      // Read-only root with a scratch /tmp (policy rule ecs-read-only-root); staging keeps ECS Exec and a writable root.
      readonlyRootFilesystem: true,
      mountPoints: [{ sourceVolume: 'tmp', containerPath: '/tmp', readOnly: false }],
      environment: [...legacy.environment, { name: 'REDIS_SSL', value: 'true' }],
      secrets: [...legacy.secrets, { name: 'REDIS_PASSWORD', valueFrom: '${aws_secretsmanager_secret.redis_auth_token.arn}' }],
    });
  });

  it('plans the production frontend container with resolved values: image tag, log group and https API URL', () => {
    // Everything in it is known at plan time, so the planned value itself is decoded here.
    const planned = JSON.parse(plannedValues(loadPlan('production'), 'aws_ecs_task_definition.ecs_frontend').container_definitions as string) as Json[];
    expect(planned).toEqual([
      legacyFrontendContainer({
        image: 'ghcr.io/marklimmage/ohmycoins-frontend:v1.0.0',
        apiUrl: 'https://api.ohmycoins.com',
        logGroup: '/ecs/ohmycoins-prod/frontend',
      }),
    ]);
  });

  it('points the staging frontend at the load balancer over HTTP (D10)', () => {
    const [frontend] = configuredContainers('staging', 'aws_ecs_task_definition.ecs_frontend');
    expect(frontend.environment).toEqual([{ name: 'VITE_API_URL', value: 'http://${aws_lb.alb_main.dns_name}' }]);
  });

  it('plans the services with the D3 deployment arguments and the D11 ordering', () => {
    for (const [stack, rule, listener] of [
      ['staging', 'aws_lb_listener_rule.alb_backend_http', 'aws_lb_listener.alb_http'],
      ['production', 'aws_lb_listener_rule.alb_backend_https', 'aws_lb_listener.alb_https'],
    ] as const) {
      const plan = loadPlan(stack);
      for (const service of ['backend', 'frontend']) {
        expect(plannedValues(plan, `aws_ecs_service.ecs_${service}`)).toMatchObject({
          name: `${stack === 'staging' ? 'ohmycoins-staging' : 'ohmycoins-prod'}-${service}`,
          launch_type: 'FARGATE',
          deployment_maximum_percent: 200,
          deployment_minimum_healthy_percent: 100,
          load_balancer: [{ container_name: service, container_port: service === 'backend' ? 8000 : 80 }],
        });
      }
      expect(configuredResource(plan, 'aws_ecs_service.ecs_backend').depends_on).toEqual([rule]);
      expect(configuredResource(plan, 'aws_ecs_service.ecs_frontend').depends_on).toEqual([listener]);
    }
  });

  it('plans the production backend autoscaling: 2 to 10 tasks, CPU 70 % and memory 80 %', () => {
    const plan = loadPlan('production');
    const resourceId = 'service/ohmycoins-prod-cluster/ohmycoins-prod-backend';
    expect(plannedValues(plan, 'aws_appautoscaling_target.ecs_backend')).toMatchObject({
      service_namespace: 'ecs',
      scalable_dimension: 'ecs:service:DesiredCount',
      resource_id: resourceId,
      min_capacity: 2,
      max_capacity: 10,
    });
    const policy = (metric: string, type: string, target: number) => ({
      name: `ohmycoins-prod-backend-${metric}-scaling`,
      policy_type: 'TargetTrackingScaling',
      resource_id: resourceId,
      target_tracking_scaling_policy_configuration: [
        expect.objectContaining({
          predefined_metric_specification: [{ predefined_metric_type: type, resource_label: null }],
          target_value: target,
          scale_in_cooldown: 300,
          scale_out_cooldown: 60,
        }),
      ],
    });
    expect(plannedValues(plan, 'aws_appautoscaling_policy.ecs_backend_cpu')).toMatchObject(policy('cpu', 'ECSServiceAverageCPUUtilization', 70));
    expect(plannedValues(plan, 'aws_appautoscaling_policy.ecs_backend_memory')).toMatchObject(policy('memory', 'ECSServiceAverageMemoryUtilization', 80));
    expect(loadPlan('staging').plan.resource_changes.filter((rc) => rc.type.startsWith('aws_appautoscaling'))).toEqual([]);
  });

  it('plans the ECS outputs with the legacy names and values', () => {
    const outputs = loadPlan('production').plan.planned_values.outputs as Record<string, { value?: unknown; sensitive: boolean }>;
    expect([outputs.ecs_cluster_name.value, outputs.backend_service_name.value, outputs.frontend_service_name.value]).toEqual([
      'ohmycoins-prod-cluster',
      'ohmycoins-prod-backend',
      'ohmycoins-prod-frontend',
    ]);
    expect(Object.values(outputs).filter((o) => o.sensitive)).toEqual([]);
  });
});
