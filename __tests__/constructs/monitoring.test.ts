/**
 * Monitoring (issue 9): every alarm pages through the topic, every alarm and dashboard
 * metric points at a resource of its own stack, and the dashboard body has the shape
 * CloudWatch expects.
 */
import { TerraformStack, Testing } from 'cdktf';
import { Monitoring } from '../../constructs/monitoring';
import { buildEdge } from '../support/edge-fixtures';
import { environment, problemsOf, synthEnvironment, SynthesizedStack } from '../support/helpers';

type Json = Record<string, any>;
const TOPIC = '${aws_sns_topic.monitoring_alarms.arn}';
const REF = /^\$\{([a-z0-9_]+)\.([a-z0-9_]+)\.([a-z0-9_]+)\}$/;

const stacks = { staging: synthEnvironment('staging'), production: synthEnvironment('production') };

/** Why a dimension value does not name a resource of the stack, or undefined when it does. */
function danglingDimension(stack: SynthesizedStack, name: string, value: string): string | undefined {
  const ref = REF.exec(value);
  const refTo = (type: string, attr: string) => {
    if (!ref) return `${name}=${value} is not a reference to ${type}.*.${attr}`;
    if (ref[1] !== type || ref[3] !== attr) return `${name}=${value} refers to ${ref[1]}.${ref[3]}, expected ${type}.*.${attr}`;
    return stack.resources(type)[ref[2]] ? undefined : `${name}=${value}: no ${type}.${ref[2]} in the stack`;
  };
  switch (name) {
    case 'ClusterName':
      return refTo('aws_ecs_cluster', 'name');
    case 'ServiceName':
      return refTo('aws_ecs_service', 'name');
    case 'LoadBalancer':
      return refTo('aws_lb', 'arn_suffix');
    case 'TargetGroup':
      return refTo('aws_lb_target_group', 'arn_suffix');
    case 'DBInstanceIdentifier': {
      if (ref) return refTo('aws_db_instance', 'identifier');
      const found = Object.values(stack.resources('aws_db_instance')).some((db) => db.identifier === value);
      return found ? undefined : `${name}=${value}: no aws_db_instance with that identifier`;
    }
    case 'CacheClusterId': {
      // Member clusters of a cluster-mode-disabled group are <group id>-001, -002, ...
      const found = Object.values(stack.resources('aws_elasticache_replication_group')).some((g) =>
        Array.from({ length: g.num_cache_clusters }, (_, i) => `${g.replication_group_id}-${String(i + 1).padStart(3, '0')}`).includes(value),
      );
      return found ? undefined : `${name}=${value}: not a member cluster of any replication group in the stack`;
    }
    default:
      return `${name}: no rule to check this dimension`;
  }
}

/** Every dimension set an alarm watches (plain or metric math). */
function alarmDimensions(alarm: Json): Record<string, string>[] {
  if (alarm.metric_query) return (alarm.metric_query as Json[]).filter((q) => q.metric).map((q) => q.metric.dimensions);
  return [alarm.dimensions];
}

/** The dashboard body, parsed, and every dimension set of its metric widgets. */
function dashboard(stack: SynthesizedStack): { body: Json; dimensions: Record<string, string>[] } {
  const body = JSON.parse(stack.resource('aws_cloudwatch_dashboard', 'monitoring_main').dashboard_body);
  const dimensions = (body.widgets as Json[])
    .filter((w) => w.type === 'metric')
    .flatMap((w) => (w.properties.metrics as unknown[][]).map((m) => {
      const pairs = m.slice(2).filter((x) => typeof x === 'string') as string[];
      return Object.fromEntries(Array.from({ length: pairs.length / 2 }, (_, i) => [pairs[2 * i], pairs[2 * i + 1]]));
    }));
  return { body, dimensions };
}

describe.each(Object.entries(stacks))('monitoring of %s', (name, stack) => {
  const alarms = stack.resources('aws_cloudwatch_metric_alarm');

  it('sends every alarm and OK notification to the alarm topic (D22)', () => {
    expect(Object.keys(alarms).length).toBeGreaterThanOrEqual(17);
    for (const [id, alarm] of Object.entries(alarms)) {
      expect({ id, alarm_actions: alarm.alarm_actions, ok_actions: alarm.ok_actions }).toEqual({ id, alarm_actions: [TOPIC], ok_actions: [TOPIC] });
    }
  });

  it('gives every alarm dimensions that name a resource of this stack', () => {
    const problems = Object.entries(alarms).flatMap(([id, alarm]) =>
      alarmDimensions(alarm).flatMap((dims) => {
        if (!dims || Object.keys(dims).length === 0) return [`${id}: no dimensions`];
        return Object.entries(dims).flatMap(([k, v]) => danglingDimension(stack, k, v) ?? []).map((p) => `${id}: ${p}`);
      }),
    );
    expect(problems).toEqual([]);
  });

  it('builds a dashboard body CloudWatch accepts, every metric with dimensions of this stack', () => {
    const { body, dimensions } = dashboard(stack);
    const widgets = body.widgets as Json[];
    expect(widgets.map((w) => w.type)).toEqual([...Array(11).fill('metric'), 'alarm']);
    for (const w of widgets) {
      expect(Object.keys(w).sort()).toEqual(['height', 'properties', 'type', 'width', 'x', 'y']);
      expect(w.x + w.width).toBeLessThanOrEqual(24);
    }
    const ecsCpu = widgets[0];
    expect(ecsCpu.properties).toEqual({
      title: 'ECS CPU utilisation (%)',
      region: 'ap-southeast-2',
      view: 'timeSeries',
      stacked: false,
      period: 300,
      stat: 'Average',
      yAxis: { left: { min: 0, max: 100 } },
      metrics: [
        ['AWS/ECS', 'CPUUtilization', 'ClusterName', '${aws_ecs_cluster.ecs_main.name}', 'ServiceName', '${aws_ecs_service.ecs_backend.name}', { label: 'backend' }],
        ['AWS/ECS', 'CPUUtilization', 'ClusterName', '${aws_ecs_cluster.ecs_main.name}', 'ServiceName', '${aws_ecs_service.ecs_frontend.name}', { label: 'frontend' }],
      ],
    });
    const latency = widgets.find((w) => w.properties.title === 'ALB target response time (s)') as Json;
    expect(latency.properties.metrics).toEqual([
      ['AWS/ApplicationELB', 'TargetResponseTime', 'LoadBalancer', '${aws_lb.alb_main.arn_suffix}', { stat: 'Average', label: 'average' }],
      ['AWS/ApplicationELB', 'TargetResponseTime', 'LoadBalancer', '${aws_lb.alb_main.arn_suffix}', { stat: 'p95', label: 'p95' }],
    ]);
    for (const w of widgets.filter((x) => x.type === 'metric')) {
      expect(w.properties.region).toBe('ap-southeast-2');
      for (const m of w.properties.metrics as unknown[][]) {
        expect(typeof m[0]).toBe('string');
        expect(typeof m[1]).toBe('string');
      }
    }
    const problems = dimensions.flatMap((dims) => Object.entries(dims).flatMap(([k, v]) => danglingDimension(stack, k, v) ?? []));
    expect(problems).toEqual([]);
    expect(dimensions.some((d) => d.TargetGroup === '${aws_lb_target_group.alb_frontend.arn_suffix}')).toBe(true);
  });

  it('shows the state of every alarm of the stack', () => {
    const alarmWidget = (dashboard(stack).body.widgets as Json[]).find((w) => w.type === 'alarm') as Json;
    expect([...alarmWidget.properties.alarms].sort()).toEqual(Object.keys(alarms).map((id) => `\${aws_cloudwatch_metric_alarm.${id}.arn}`).sort());
  });

  it('encrypts the topic with a rotating key that CloudWatch may use, in the account that owns the VPC', () => {
    const key = stack.resource('aws_kms_key', 'monitoring_alarms');
    expect(key.enable_key_rotation).toBe(true);
    const statements = JSON.parse(key.policy).Statement as Json[];
    expect(statements.find((s) => s.Sid === 'CloudWatchAlarmsPublish')).toEqual({
      Sid: 'CloudWatchAlarmsPublish',
      Effect: 'Allow',
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      Resource: '*',
      Condition: { StringEquals: { 'aws:SourceAccount': '${aws_vpc.vpc_main.owner_id}' } },
    });
    expect(stack.resource('aws_sns_topic', 'monitoring_alarms')).toMatchObject({
      name: `${name === 'staging' ? 'ohmycoins-staging' : 'ohmycoins-prod'}-alarms`,
      kms_master_key_id: '${aws_kms_key.monitoring_alarms.arn}',
    });
  });
});

describe('alarm coverage', () => {
  const alarm = (stack: SynthesizedStack, id: string) => stack.resource('aws_cloudwatch_metric_alarm', id);

  it('watches running tasks through Container Insights in production, down to the autoscaling minimum', () => {
    expect(alarm(stacks.production, 'ecs_backend_running_tasks_low')).toMatchObject({
      alarm_name: 'ohmycoins-prod-ecs-backend-running-tasks-low',
      namespace: 'ECS/ContainerInsights',
      metric_name: 'RunningTaskCount',
      statistic: 'Minimum',
      comparison_operator: 'LessThanThreshold',
      threshold: 2,
      period: 60,
      evaluation_periods: 3,
      treat_missing_data: 'breaching',
      dimensions: { ClusterName: '${aws_ecs_cluster.ecs_main.name}', ServiceName: '${aws_ecs_service.ecs_backend.name}' },
    });
  });

  it('watches healthy hosts behind the load balancer in staging, where Container Insights is off', () => {
    expect(alarm(stacks.staging, 'ecs_frontend_running_tasks_low')).toMatchObject({
      namespace: 'AWS/ApplicationELB',
      metric_name: 'HealthyHostCount',
      threshold: 1,
      treat_missing_data: 'breaching',
      dimensions: { TargetGroup: '${aws_lb_target_group.alb_frontend.arn_suffix}', LoadBalancer: '${aws_lb.alb_main.arn_suffix}' },
    });
  });

  it('alarms on ECS CPU and memory, the load balancer 5xx and RDS memory with the configured thresholds', () => {
    const p = stacks.production;
    expect(alarm(p, 'ecs_backend_cpu_high')).toMatchObject({ namespace: 'AWS/ECS', metric_name: 'CPUUtilization', threshold: 85, comparison_operator: 'GreaterThanThreshold' });
    expect(alarm(p, 'ecs_frontend_memory_high')).toMatchObject({ namespace: 'AWS/ECS', metric_name: 'MemoryUtilization', threshold: 85 });
    expect(alarm(p, 'alb_elb_5xx_count')).toMatchObject({ metric_name: 'HTTPCode_ELB_5XX_Count', statistic: 'Sum', threshold: 10, treat_missing_data: 'notBreaching' });
    expect(alarm(p, 'rds_freeable_memory')).toMatchObject({ metric_name: 'FreeableMemory', comparison_operator: 'LessThanThreshold', threshold: 209715200 });
    const tuned = synthEnvironment('production', (r) => (r.ecs.alarms.cpuPercent = 70));
    expect(alarm(tuned, 'ecs_backend_cpu_high').threshold).toBe(70);
  });

  it('alarms on Redis replication lag only where there are replicas', () => {
    expect(stacks.staging.resources('aws_cloudwatch_metric_alarm').redis_replication_lag).toBeUndefined();
    expect(alarm(stacks.production, 'redis_replication_lag').alarm_name).toBe('ohmycoins-prod-redis-replication-lag');
  });
});

describe('subscriptions', () => {
  it('pages the on-call address in production and nobody in staging', () => {
    expect(stacks.production.resources('aws_sns_topic_subscription')).toEqual({
      monitoring_email_1: expect.objectContaining({ topic_arn: TOPIC, protocol: 'email', endpoint: 'oncall@ohmycoins.com' }),
    });
    expect(stacks.staging.resources('aws_sns_topic_subscription')).toEqual({});
  });

  it('subscribes a webhook from a sensitive variable, never from config', () => {
    const withWebhook = synthEnvironment('production', (r) => (r.monitoring.webhook = true));
    expect(withWebhook.json.variable.alarm_webhook_url).toMatchObject({ type: 'string', sensitive: true });
    expect(withWebhook.json.variable.alarm_webhook_url.default).toBeUndefined();
    expect(withWebhook.resource('aws_sns_topic_subscription', 'monitoring_webhook')).toMatchObject({
      topic_arn: TOPIC,
      protocol: 'https',
      endpoint: '${var.alarm_webhook_url}',
    });
  });

  it('takes the webhook URL exactly when the monitoring settings ask for a webhook', () => {
    const settings = environment('production').monitoring;
    const refs = { region: 'ap-southeast-2', accountId: '123456789012' };
    const build = (webhook: boolean, webhookUrl?: string) =>
      new Monitoring(new TerraformStack(Testing.app(), 'test'), 'monitoring', { projectName: 'x', tags: {} }, { ...settings, webhook }, { ...refs, webhookUrl });
    expect(() => build(true)).toThrow('test/monitoring: webhook is true but a webhook URL was not given; give the URL exactly when webhook is true');
    expect(() => build(false, 'https://hooks.example.com/t')).toThrow('test/monitoring: webhook is false but a webhook URL was given; give the URL exactly when webhook is true');
    expect(build(true, 'https://hooks.example.com/t').subscriptionCount).toBe(2);
  });

  it('refuses notifications without subscribers, and subscribers with notifications off', () => {
    expect(problemsOf('production', (r) => (r.monitoring.alarmEmails = []))).toEqual([
      '- production.monitoring.notifications = true: is true but nobody is subscribed: list alarmEmails or set webhook: true (or set notifications: false, staging only)',
    ]);
    expect(problemsOf('staging', (r) => (r.monitoring.alarmEmails = ['oncall@ohmycoins.com']))).toEqual([
      '- staging.monitoring.notifications = false: is false but subscribers are configured: set it to true, or remove alarmEmails and webhook',
    ]);
    expect(problemsOf('production', (r) => (r.monitoring.alarmEmails = ['on call']))).toEqual([
      '- production.monitoring.alarmEmails.0 = "on call": must be an e-mail address such as oncall@example.com',
    ]);
  });
});

describe('ecs running-tasks alarm inputs', () => {
  it('refuses a service without Container Insights and without the load balancer dimensions to watch', () => {
    expect(() => buildEdge({ settings: (s) => (s.ecs.containerInsights = false), ecs: { loadBalancerArnSuffix: undefined } })).toThrow(
      'test/ecs/backend: without Container Insights the running-tasks alarm needs targetGroupArnSuffix and loadBalancerArnSuffix',
    );
  });
});
