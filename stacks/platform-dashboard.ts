/**
 * The platform dashboard, generated from the stack's own resources: every metric
 * carries the dimensions of a resource of this stack (cluster and service names,
 * load balancer and target-group ARN suffixes, DB identifier, cache member ids).
 */
import { alarmStatusWidget, MetricSpec, metricWidget, UnplacedWidget } from '../lib/dashboard';

/** What the dashboard shows, as the constructs expose it. */
export interface PlatformDashboardSources {
  /** Region of every metric. */
  readonly region: string;
  /** ECS cluster name and the services to chart. */
  readonly ecs: { readonly clusterName: string; readonly services: readonly { readonly label: string; readonly serviceName: string }[] };
  /** The load balancer's ARN suffix and its target groups. */
  readonly alb: { readonly arnSuffix: string; readonly targetGroups: readonly { readonly label: string; readonly arnSuffix: string }[] };
  /** The RDS instance identifier. */
  readonly rds: { readonly instanceIdentifier: string };
  /** The Redis member cache clusters (`<group>-001`, ...). */
  readonly redis: { readonly memberClusterIds: readonly string[] };
  /** ARNs of the alarms whose state the dashboard shows. */
  readonly alarmArns: readonly string[];
}

/** The dashboard widgets, in reading order. */
export function platformDashboardWidgets(src: PlatformDashboardSources): UnplacedWidget[] {
  const { region } = src;
  const lb = { LoadBalancer: src.alb.arnSuffix };
  const ecsMetric = (metricName: string): MetricSpec[] =>
    src.ecs.services.map((s) => ({ namespace: 'AWS/ECS', metricName, dimensions: { ClusterName: src.ecs.clusterName, ServiceName: s.serviceName }, label: s.label }));
  const alb = (metricName: string, stat: MetricSpec['stat'], label: string): MetricSpec => ({ namespace: 'AWS/ApplicationELB', metricName, dimensions: lb, stat, label });
  const perTargetGroup = (metricName: string): MetricSpec[] =>
    src.alb.targetGroups.map((tg) => ({
      namespace: 'AWS/ApplicationELB',
      metricName,
      dimensions: { TargetGroup: tg.arnSuffix, LoadBalancer: src.alb.arnSuffix },
      label: `${tg.label} ${metricName === 'HealthyHostCount' ? 'healthy' : 'unhealthy'}`,
    }));
  const rds = (metricName: string): MetricSpec => ({ namespace: 'AWS/RDS', metricName, dimensions: { DBInstanceIdentifier: src.rds.instanceIdentifier } });
  const redis = (metricName: string): MetricSpec[] =>
    src.redis.memberClusterIds.map((id) => ({ namespace: 'AWS/ElastiCache', metricName, dimensions: { CacheClusterId: id }, label: `${metricName} ${id}` }));

  return [
    metricWidget({ title: 'ECS CPU utilisation (%)', region, metrics: ecsMetric('CPUUtilization'), yAxis: { min: 0, max: 100 } }),
    metricWidget({ title: 'ECS memory utilisation (%)', region, metrics: ecsMetric('MemoryUtilization'), yAxis: { min: 0, max: 100 } }),
    metricWidget({ title: 'ALB requests', region, stat: 'Sum', metrics: [alb('RequestCount', 'Sum', 'requests')] }),
    metricWidget({
      title: 'ALB target response time (s)',
      region,
      metrics: [alb('TargetResponseTime', 'Average', 'average'), alb('TargetResponseTime', 'p95', 'p95')],
    }),
    metricWidget({
      title: 'ALB 5xx',
      region,
      stat: 'Sum',
      metrics: [alb('HTTPCode_Target_5XX_Count', 'Sum', 'target 5xx'), alb('HTTPCode_ELB_5XX_Count', 'Sum', 'load balancer 5xx')],
    }),
    metricWidget({ title: 'Healthy and unhealthy hosts per target group', region, metrics: [...perTargetGroup('HealthyHostCount'), ...perTargetGroup('UnHealthyHostCount')] }),
    metricWidget({ title: 'RDS CPU (%) and connections', region, metrics: [rds('CPUUtilization'), rds('DatabaseConnections')] }),
    metricWidget({ title: 'RDS free storage and freeable memory (bytes)', region, metrics: [rds('FreeStorageSpace'), rds('FreeableMemory')] }),
    metricWidget({ title: 'Redis CPU (%)', region, metrics: redis('CPUUtilization') }),
    metricWidget({ title: 'Redis memory used (%)', region, metrics: redis('DatabaseMemoryUsagePercentage') }),
    metricWidget({ title: 'Redis evictions', region, stat: 'Sum', metrics: redis('Evictions') }),
    alarmStatusWidget('Alarms', src.alarmArns),
  ];
}
