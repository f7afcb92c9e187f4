import { TerraformVariable } from 'cdktf';
import { BACKEND_SECRET_KEYS } from '../../constructs/application';
import { secretKeyValueFrom } from '../../constructs/ecs';
import { DEFAULT_HEALTH_CHECK_GRACE_PERIOD_SECONDS } from '../../environments/schema/ecs';
import { checkStackPolicy } from '../../lib/policy/engine';
import { POLICY_RULES } from '../../lib/policy/rules';
import { buildEdge, IDS, resolveTokens, synthJson } from '../support/edge-fixtures';
import { environment, problemsOf } from '../support/helpers';
import { legacyBackendContainer, legacyFrontendContainer } from '../support/legacy-containers';

type Json = Record<string, any>;

/** The container definitions of a synthesized task definition, decoded. */
function containers(json: Json, id: string): Json[] {
  return JSON.parse(json.resource.aws_ecs_task_definition[id].container_definitions) as Json[];
}

/** The legacy backend container (reference 10.1) for the fixture's inputs, with the D12 [empty app secret, password copied by hand] fix. */
const LEGACY_BACKEND = legacyBackendContainer({
  image: 'ghcr.io/example/backend:1.2.3',
  environment: 'test',
  projectName: 'test',
  postgresServer: IDS.dbHost,
  redisHost: IDS.redisHost,
  corsOrigins: 'https://app.test.example.com,http://localhost:5173',
  domain: 'test.example.com',
  frontendHost: 'https://app.test.example.com',
  appSecretArn: IDS.appSecret,
  postgresPasswordValueFrom: `${IDS.masterSecret}:password::`,
  logGroup: '${aws_cloudwatch_log_group.ecs_backend.name}',
});

// The `ecs` sections of the shipped environments: staging without Container Insights, with ECS
// Exec and one task each; production with 30-day logs, bigger tasks and backend autoscaling 2-10.
const staging = buildEdge();
const stagingJson = synthJson(staging.stack);
const production = buildEdge({
  env: 'production',
  backend: { redis: { host: IDS.redisHost, port: 6379, tls: true, authTokenValueFrom: IDS.redisAuthSecret } },
});
const productionJson = synthJson(production.stack);

describe('ecs construct: the cluster, its log groups and ECS Exec', () => {
  it('creates the cluster with Container Insights per environment, and exec sessions logged to their own group where exec is on', () => {
    expect(stagingJson.resource.aws_ecs_cluster.ecs_main).toEqual({
      name: 'test-cluster',
      setting: [{ name: 'containerInsights', value: 'disabled' }],
      configuration: {
        execute_command_configuration: { logging: 'OVERRIDE', log_configuration: { cloud_watch_log_group_name: '${aws_cloudwatch_log_group.ecs_exec.name}' } },
      },
      tags: { Name: 'test-cluster' },
    });
    expect(productionJson.resource.aws_ecs_cluster.ecs_main.setting).toEqual([{ name: 'containerInsights', value: 'enabled' }]);
    // No exec in production: no exec configuration, no exec log group.
    expect(productionJson.resource.aws_ecs_cluster.ecs_main).not.toHaveProperty('configuration');
    expect(productionJson.resource.aws_cloudwatch_log_group.ecs_exec).toBeUndefined();
  });

  it('creates the two log groups with the configured retention, and the exec sessions group with its own', () => {
    expect(stagingJson.resource.aws_cloudwatch_log_group).toEqual({
      ecs_backend: { name: '/ecs/test/backend', retention_in_days: 7, tags: {} },
      ecs_frontend: { name: '/ecs/test/frontend', retention_in_days: 7, tags: {} },
      ecs_exec: { name: '/ecs/test/exec', retention_in_days: environment('staging').ecs.execLogRetentionDays, tags: {} },
    });
    expect(productionJson.resource.aws_cloudwatch_log_group.ecs_backend.retention_in_days).toBe(30);
  });

  it('turns on ECS Exec on the backend only, with an init process in its container', () => {
    const services = stagingJson.resource.aws_ecs_service;
    expect([services.ecs_backend.enable_execute_command, services.ecs_frontend.enable_execute_command]).toEqual([true, false]);
    expect(containers(stagingJson, 'ecs_backend')[0].linuxParameters).toEqual({ initProcessEnabled: true });
    expect(containers(stagingJson, 'ecs_frontend')[0]).not.toHaveProperty('linuxParameters');
    expect(productionJson.resource.aws_ecs_service.ecs_backend.enable_execute_command).toBe(false);
    expect(containers(productionJson, 'ecs_backend')[0]).not.toHaveProperty('linuxParameters');
  });
});

describe('ecs construct: the task definitions and their containers', () => {
  it('creates Fargate task definitions with cpu and memory as strings and each service its own two roles', () => {
    const common = { network_mode: 'awsvpc', requires_compatibilities: ['FARGATE'], tags: {} };
    const backendRoles = { execution_role_arn: IDS.executionRole, task_role_arn: IDS.taskRole };
    const frontendRoles = { execution_role_arn: IDS.frontendExecutionRole, task_role_arn: IDS.frontendTaskRole };
    expect(stagingJson.resource.aws_ecs_task_definition.ecs_backend).toMatchObject({ ...common, ...backendRoles, family: 'test-backend', cpu: '512', memory: '1024' });
    expect(stagingJson.resource.aws_ecs_task_definition.ecs_frontend).toMatchObject({ ...common, ...frontendRoles, family: 'test-frontend', cpu: '256', memory: '512' });
    expect(productionJson.resource.aws_ecs_task_definition.ecs_backend).toMatchObject({ cpu: '1024', memory: '2048' });
    expect(productionJson.resource.aws_ecs_task_definition.ecs_frontend).toMatchObject({ cpu: '512', memory: '1024' });
  });

  it('gives the backend exactly the legacy container, with POSTGRES_PASSWORD from the managed secret (D12)', () => {
    // Staging has ECS Exec on: the container adds the init process exec needs.
    expect(containers(stagingJson, 'ecs_backend')).toEqual([{ ...LEGACY_BACKEND, linuxParameters: { initProcessEnabled: true } }]);
    expect(BACKEND_SECRET_KEYS).toEqual(LEGACY_BACKEND.secrets.map((s) => s.name));
  });

  it('passes the Redis TLS flag and AUTH token to the backend when Redis needs them (D13)', () => {
    const [backend] = containers(productionJson, 'ecs_backend');
    expect(backend.environment).toEqual([...LEGACY_BACKEND.environment, { name: 'REDIS_SSL', value: 'true' }]);
    expect(backend.secrets).toEqual([...LEGACY_BACKEND.secrets, { name: 'REDIS_PASSWORD', valueFrom: IDS.redisAuthSecret }]);
    const [stagingBackend] = containers(stagingJson, 'ecs_backend');
    expect(stagingBackend.environment.map((e: Json) => e.name)).not.toContain('REDIS_SSL');
    expect(stagingBackend.secrets.map((e: Json) => e.name)).not.toContain('REDIS_PASSWORD');
  });

  it('runs the backend on a read-only root with a scratch /tmp on task storage, unless ECS Exec needs it writable (CKV_AWS_336)', () => {
    const [backend] = containers(productionJson, 'ecs_backend');
    expect([backend.readonlyRootFilesystem, backend.mountPoints]).toEqual([true, [{ sourceVolume: 'tmp', containerPath: '/tmp', readOnly: false }]]);
    expect(productionJson.resource.aws_ecs_task_definition.ecs_backend.volume).toEqual([{ name: 'tmp' }]);
    const [stagingBackend] = containers(stagingJson, 'ecs_backend');
    expect([stagingBackend.readonlyRootFilesystem, stagingBackend.mountPoints]).toEqual([undefined, undefined]);
    expect(stagingJson.resource.aws_ecs_task_definition.ecs_backend.volume).toBeUndefined();
  });

  it('records next to the frontend task why its root filesystem stays writable', () => {
    const report = checkStackPolicy(production.stack, { productionLike: true, rules: POLICY_RULES.filter((r) => r.id === 'ecs-read-only-root') });
    expect(report.results.map((r) => [r.resource, r.status, r.exception?.source])).toEqual([
      ['aws_ecs_task_definition.ecs_backend', 'pass', undefined],
      ['aws_ecs_task_definition.ecs_frontend', 'excepted', 'construct'],
    ]);
  });

  it('gives the frontend the legacy container with the API URL the environment serves', () => {
    const frontend = (apiUrl: string) =>
      legacyFrontendContainer({ image: 'ghcr.io/example/frontend:1.2.3', apiUrl, logGroup: '${aws_cloudwatch_log_group.ecs_frontend.name}' });
    expect(containers(stagingJson, 'ecs_frontend')).toEqual([frontend('http://${aws_lb.alb_main.dns_name}')]);
    expect(containers(productionJson, 'ecs_frontend')).toEqual([frontend('https://api.test.example.com')]);
  });

  it('keeps Terraform references and variables as interpolations inside the encoded JSON', () => {
    const { stack } = buildEdge({
      backend: (scope, alb) => ({
        imageTag: new TerraformVariable(scope, 'backend_image_tag', { type: 'string', default: 'latest' }).stringValue,
        database: { host: alb.albDnsName, port: 5432, name: 'app', user: 'postgres', passwordValueFrom: `${alb.albArn}:password::` },
      }),
    });
    const [backend] = containers(synthJson(stack), 'ecs_backend');
    expect(backend.image).toBe('ghcr.io/example/backend:${var.backend_image_tag}');
    expect(backend.environment.find((e: Json) => e.name === 'POSTGRES_SERVER').value).toBe('${aws_lb.alb_main.dns_name}');
    expect(backend.secrets.find((e: Json) => e.name === 'POSTGRES_PASSWORD').valueFrom).toBe('${aws_lb.alb_main.arn}:password::');
  });
});

describe('ecs construct: the services (D3, D11, D18)', () => {
  it('creates both services with the legacy settings and the D3 deployment arguments', () => {
    const services = stagingJson.resource.aws_ecs_service;
    const network = (sg: string) => ({ subnets: IDS.appSubnets, security_groups: [sg], assign_public_ip: false });
    const common = {
      cluster: '${aws_ecs_cluster.ecs_main.id}',
      launch_type: 'FARGATE',
      desired_count: 1,
      health_check_grace_period_seconds: DEFAULT_HEALTH_CHECK_GRACE_PERIOD_SECONDS,
      deployment_maximum_percent: 200,
      deployment_minimum_healthy_percent: 100,
      tags: {},
    };
    expect(services.ecs_backend).toEqual({
      ...common,
      name: 'test-backend',
      enable_execute_command: true,
      network_configuration: network(IDS.ecsSg),
      task_definition: '${aws_ecs_task_definition.ecs_backend.arn}',
      load_balancer: [{ target_group_arn: '${aws_lb_target_group.alb_backend.arn}', container_name: 'backend', container_port: 8000 }],
      depends_on: ['aws_lb_listener_rule.alb_backend_http'],
    });
    expect(services.ecs_frontend).toEqual({
      ...common,
      name: 'test-frontend',
      enable_execute_command: false,
      network_configuration: network(IDS.frontendSg),
      task_definition: '${aws_ecs_task_definition.ecs_frontend.arn}',
      load_balancer: [{ target_group_arn: '${aws_lb_target_group.alb_frontend.arn}', container_name: 'frontend', container_port: 80 }],
      depends_on: ['aws_lb_listener.alb_http'],
    });
    for (const service of Object.values(services) as Json[]) expect(service).not.toHaveProperty('deployment_configuration');
  });

  it('makes each service wait for what attaches its target group (D11)', () => {
    const services = productionJson.resource.aws_ecs_service;
    expect(services.ecs_backend.depends_on).toEqual(['aws_lb_listener_rule.alb_backend_https']);
    expect(services.ecs_frontend.depends_on).toEqual(['aws_lb_listener.alb_https']);
  });

  it('ignores desired_count only while autoscaling owns it (D18)', () => {
    expect(productionJson.resource.aws_ecs_service.ecs_backend.lifecycle).toEqual({ ignore_changes: ['desired_count'] });
    expect(productionJson.resource.aws_ecs_service.ecs_frontend).not.toHaveProperty('lifecycle');
    expect(stagingJson.resource.aws_ecs_service.ecs_backend).not.toHaveProperty('lifecycle');
    // Terraform owns the task-definition revisions: the service follows the task definition it declares.
    expect(productionJson.resource.aws_ecs_service.ecs_backend.lifecycle.ignore_changes).not.toContain('task_definition');
  });
});

describe('ecs construct: backend autoscaling and the alarms of the services', () => {
  it('scales the backend on CPU and memory when autoscaling is on', () => {
    expect(stagingJson.resource.aws_appautoscaling_target).toBeUndefined();
    expect(stagingJson.resource.aws_appautoscaling_policy).toBeUndefined();
    expect(productionJson.resource.aws_appautoscaling_target).toEqual({
      ecs_backend: {
        service_namespace: 'ecs',
        resource_id: 'service/${aws_ecs_cluster.ecs_main.name}/${aws_ecs_service.ecs_backend.name}',
        scalable_dimension: 'ecs:service:DesiredCount',
        min_capacity: 2,
        max_capacity: 10,
      },
    });
    const policy = (metric: string, type: string, target: number) => ({
      name: `test-backend-${metric}-scaling`,
      policy_type: 'TargetTrackingScaling',
      resource_id: '${aws_appautoscaling_target.ecs_backend.resource_id}',
      scalable_dimension: '${aws_appautoscaling_target.ecs_backend.scalable_dimension}',
      service_namespace: '${aws_appautoscaling_target.ecs_backend.service_namespace}',
      target_tracking_scaling_policy_configuration: {
        predefined_metric_specification: { predefined_metric_type: type },
        target_value: target,
        scale_in_cooldown: 300,
        scale_out_cooldown: 60,
      },
    });
    expect(productionJson.resource.aws_appautoscaling_policy).toEqual({
      ecs_backend_cpu: policy('cpu', 'ECSServiceAverageCPUUtilization', 70),
      ecs_backend_memory: policy('memory', 'ECSServiceAverageMemoryUtilization', 80),
    });
    // Staging's section with autoscaling turned on: its own capacities (1-2) and targets.
    const custom = synthJson(
      buildEdge({ settings: (s) => Object.assign(s.ecs.backend.autoscaling, { enabled: true, cpuTargetPercent: 55, memoryTargetPercent: 65 }) }).stack,
    );
    expect(custom.resource.aws_appautoscaling_target.ecs_backend).toMatchObject({ min_capacity: 1, max_capacity: 2 });
    expect(custom.resource.aws_appautoscaling_policy.ecs_backend_cpu.target_tracking_scaling_policy_configuration.target_value).toBe(55);
    expect(custom.resource.aws_appautoscaling_policy.ecs_backend_memory.target_tracking_scaling_policy_configuration.target_value).toBe(65);
  });

  it('refuses autoscaling with a minimum above the maximum', () => {
    expect(() => buildEdge({ settings: (s) => Object.assign(s.ecs.backend.autoscaling, { enabled: true, minCapacity: 5, maxCapacity: 3 }) })).toThrow(
      'test/ecs/backend: autoscaling.minCapacity 5 must not exceed maxCapacity (3)',
    );
  });

  it('takes the alarm thresholds from the ecs section, under its names, and notifies the alarm topic', () => {
    const json = synthJson(buildEdge({ settings: (s) => (s.ecs.alarms = { cpuPercent: 60, memoryPercent: 70 }) }).stack);
    const alarms = json.resource.aws_cloudwatch_metric_alarm as Record<string, Json>;
    expect(
      Object.entries(alarms)
        .filter(([id]) => id.startsWith('ecs_'))
        .map(([id, a]) => [id, a.threshold, a.alarm_actions, a.ok_actions]),
    ).toEqual([
      ['ecs_backend_cpu_high', 60, [IDS.alarmTopic], [IDS.alarmTopic]],
      ['ecs_backend_memory_high', 70, [IDS.alarmTopic], [IDS.alarmTopic]],
      ['ecs_backend_running_tasks_low', 1, [IDS.alarmTopic], [IDS.alarmTopic]],
      ['ecs_frontend_cpu_high', 60, [IDS.alarmTopic], [IDS.alarmTopic]],
      ['ecs_frontend_memory_high', 70, [IDS.alarmTopic], [IDS.alarmTopic]],
      ['ecs_frontend_running_tasks_low', 1, [IDS.alarmTopic], [IDS.alarmTopic]],
    ]);
    expect(alarms.ecs_frontend_cpu_high.alarm_description).toBe("The frontend service's average cpu utilisation is above 60 %");
  });
});

describe('ecs construct: what it exposes', () => {
  it('formats secret references as ECS expects', () => {
    expect(secretKeyValueFrom('arn:x', 'SECRET_KEY')).toBe('arn:x:SECRET_KEY::');
  });

  it('exposes the cluster, the two services and the exec log group, whose outputs reference the resources', () => {
    const e = staging.ecs;
    expect(
      resolveTokens(staging.stack, [
        e.cluster.id,
        e.cluster.arn,
        e.cluster.name,
        e.backend.service.name,
        e.frontend.service.name,
        e.backend.taskDefinition.arn,
        e.frontend.taskDefinition.arn,
        e.backend.logGroup.name,
        e.frontend.logGroup.name,
        e.execLogGroup?.name,
      ]),
    ).toEqual([
      '${aws_ecs_cluster.ecs_main.id}',
      '${aws_ecs_cluster.ecs_main.arn}',
      '${aws_ecs_cluster.ecs_main.name}',
      '${aws_ecs_service.ecs_backend.name}',
      '${aws_ecs_service.ecs_frontend.name}',
      '${aws_ecs_task_definition.ecs_backend.arn}',
      '${aws_ecs_task_definition.ecs_frontend.arn}',
      '${aws_cloudwatch_log_group.ecs_backend.name}',
      '${aws_cloudwatch_log_group.ecs_frontend.name}',
      '${aws_cloudwatch_log_group.ecs_exec.name}',
    ]);
    expect([e.backend.autoscaled, e.frontend.autoscaled]).toEqual([false, false]);
    expect(production.ecs.backend.autoscaled).toBe(true);
    expect(production.ecs.execLogGroup).toBeUndefined();
  });
});

describe('health-check grace period (ecs.<service>.healthCheckGracePeriodSeconds)', () => {
  it('defaults to the sourced value when an environment leaves it out, and is set per service', () => {
    const config = environment('production', (raw) => {
      delete raw.ecs.backend.healthCheckGracePeriodSeconds;
      raw.ecs.frontend.healthCheckGracePeriodSeconds = 60;
    });
    expect([config.ecs.backend.healthCheckGracePeriodSeconds, config.ecs.frontend.healthCheckGracePeriodSeconds]).toEqual([DEFAULT_HEALTH_CHECK_GRACE_PERIOD_SECONDS, 60]);
    // 60 s container start period + 2 healthy checks 30 s apart, twice over.
    expect(DEFAULT_HEALTH_CHECK_GRACE_PERIOD_SECONDS).toBe(2 * (60 + 2 * 30));
  });

  it('rejects a negative or fractional grace period, naming environment, field and value', () => {
    expect(problemsOf('staging', (raw) => (raw.ecs.backend.healthCheckGracePeriodSeconds = -1))).toEqual([
      expect.stringContaining('- staging.ecs.backend.healthCheckGracePeriodSeconds = -1:'),
    ]);
    expect(problemsOf('staging', (raw) => (raw.ecs.frontend.healthCheckGracePeriodSeconds = 1.5))).toEqual([
      '- staging.ecs.frontend.healthCheckGracePeriodSeconds = 1.5: health check grace period must be a whole number',
    ]);
  });
});
