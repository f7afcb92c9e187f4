/**
 * One Fargate web service of the legacy `ecs` module, the same piece for the backend and the
 * frontend: its log group, task definition (one container), service behind a target group,
 * optional target-tracking autoscaling and its on-call alarms (CPU and memory high, fewer
 * running tasks than the minimum).
 *
 * It is a plain class, not a construct: it creates its resources in the scope it is given (the
 * `ecs` construct) with the ids and Terraform addresses the legacy module's resources have
 * (`<key>-logs`, `<key>-task`, `<key>-service`, ... at `<prefix>_<key>`), so the two services
 * keep their construct paths and addresses.
 *
 * Fixes of legacy defects:
 *  - D3: top-level `deployment_maximum_percent` / `deployment_minimum_healthy_percent`;
 *  - D11: the service depends on what attaches its target group (`dependsOn`);
 *  - D18: `desired_count` is ignored while autoscaling owns it. Task-definition revisions are
 *    owned by Terraform: image tags are Terraform variables, so a deployment is
 *    `terraform apply -var backend_image_tag=...`, and nothing else registers revisions the
 *    next apply would revert.
 */
import { AppautoscalingPolicy } from '@cdktf/provider-aws/lib/appautoscaling-policy';
import { AppautoscalingTarget } from '@cdktf/provider-aws/lib/appautoscaling-target';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { EcsService } from '@cdktf/provider-aws/lib/ecs-service';
import { EcsTaskDefinition } from '@cdktf/provider-aws/lib/ecs-task-definition';
import type { ITerraformDependable } from 'cdktf';
import type { Construct } from 'constructs';
import type { EcsSettings } from '../environments/schema/ecs';
import { pin } from '../lib/addresses';
import { alarmFactory } from '../lib/alarms';
import { capacityRangeProblem } from '../lib/autoscaling';
import { PLATFORM_PORTS } from './security';

/** The two web services; the key names their construct ids, addresses, container and port. */
export type WebServiceKey = 'backend' | 'frontend';

/** One `name`/`value` environment variable of a container definition. */
export interface ContainerEnvironmentVariable {
  readonly name: string;
  readonly value: string;
}

/** One secret of a container definition, injected as an environment variable. */
export interface ContainerSecret {
  readonly name: string;
  readonly valueFrom: string;
}

/** The subset of the ECS container definition schema this platform uses. */
export interface ContainerDefinition {
  readonly name: string;
  readonly image: string;
  readonly essential: boolean;
  /** Root filesystem read-only (policy rule ecs-read-only-root, CKV_AWS_336); absent means writable. */
  readonly readonlyRootFilesystem?: boolean;
  /** Volumes of the task mounted into the container. */
  readonly mountPoints?: readonly { readonly sourceVolume: string; readonly containerPath: string; readonly readOnly: boolean }[];
  readonly portMappings: readonly { readonly containerPort: number; readonly protocol: 'tcp' | 'udp' }[];
  readonly environment: readonly ContainerEnvironmentVariable[];
  readonly secrets?: readonly ContainerSecret[];
  readonly logConfiguration: AwsLogsConfiguration;
  /** `initProcessEnabled` runs an init process as PID 1 that reaps the processes ECS Exec sessions leave behind. */
  readonly linuxParameters?: { readonly initProcessEnabled: boolean };
  readonly healthCheck?: {
    readonly command: readonly string[];
    readonly interval: number;
    readonly timeout: number;
    readonly retries: number;
    readonly startPeriod: number;
  };
}

/** Where a container's output goes: its service's log group. */
export interface AwsLogsConfiguration {
  readonly logDriver: 'awslogs';
  readonly options: { readonly 'awslogs-group': string; readonly 'awslogs-region': string; readonly 'awslogs-stream-prefix': string };
}

/** Target-tracking autoscaling: the environment's `ecs.backend.autoscaling` section. */
export type AutoscalingSettings = EcsSettings['backend']['autoscaling'];

/** Sizing of one service: the environment's `ecs.backend` or `ecs.frontend` section; a service whose section has no autoscaling is not autoscaled. */
export type WebServiceSettings = EcsSettings['frontend'] & Partial<Pick<EcsSettings['backend'], 'autoscaling'>>;

/** What both services take from the environment's `ecs` section (same names). */
export type SharedServiceSettings = Pick<EcsSettings, 'containerInsights' | 'executeCommand' | 'logRetentionDays' | 'alarms'>;

/** The service's resource names (lib/names.ts, `ecs` section). */
export interface WebServiceNames {
  readonly logGroup: string;
  readonly taskFamily: string;
  readonly service: string;
  readonly cpuAlarm: string;
  readonly memoryAlarm: string;
  readonly runningTasksAlarm: string;
  /** Names of the two scaling policies; needed only when the service is autoscaled. */
  readonly scalingPolicies?: { readonly cpu: string; readonly memory: string };
}

/** What the service connects to. */
export interface WebServiceRefs {
  /** Region of the log group (`awslogs-region`). */
  readonly region: string;
  /** The cluster's id (ARN) and name. */
  readonly cluster: { readonly id: string; readonly name: string };
  /** Private application subnets the tasks run in. */
  readonly subnetIds: readonly string[];
  /** Security groups of the tasks (the service's own). */
  readonly securityGroupIds: readonly string[];
  /** Role ECS uses to pull images, write logs and read the container secrets (the service's own). */
  readonly executionRoleArn: string;
  /** Role the application code runs as (the service's own). */
  readonly taskRoleArn: string;
  /** Target group the service registers its tasks with. */
  readonly targetGroupArn: string;
  /**
   * ARN suffix of that target group (the `TargetGroup` metric dimension): without Container
   * Insights, the running-tasks alarm watches the group's healthy hosts.
   */
  readonly targetGroupArnSuffix?: string;
  /** ARN suffix of the load balancer (the `LoadBalancer` dimension of that alarm). */
  readonly loadBalancerArnSuffix?: string;
  /** Resources that attach the target group to the load balancer (listener or rule); the service is created after them (D11). */
  readonly dependsOn: readonly ITerraformDependable[];
  /** The topic every alarm notifies on ALARM and OK. */
  readonly alarmTopicArn: string;
}

export interface WebServiceProps {
  /** The service's own section (`ecs.backend` / `ecs.frontend`). */
  readonly settings: WebServiceSettings;
  /** The `ecs` section's fields both services share (`ecs.containerInsights`, `ecs.alarms`, ...). */
  readonly ecs: SharedServiceSettings;
  readonly names: WebServiceNames;
  /** ECS Exec on this service (`enable_execute_command`). */
  readonly executeCommand: boolean;
  /** The service's only container, given where its output goes (the service's log group). */
  readonly container: (logConfiguration: AwsLogsConfiguration) => ContainerDefinition;
  readonly refs: WebServiceRefs;
  /** Tags of every resource that sets tags. */
  readonly tags: Readonly<Record<string, string>>;
  /** The Terraform logical id of a name in the `ecs` construct. */
  readonly at: (name: string) => string;
}

export class WebService {
  /** The log group, `/ecs/<p>/<key>`. */
  public readonly logGroup: CloudwatchLogGroup;
  /** The task definition (its `arn` carries the revision). */
  public readonly taskDefinition: EcsTaskDefinition;
  /** The service (its `id` is its ARN). */
  public readonly service: EcsService;
  /** The container definition, as encoded into the task definition. */
  public readonly container: ContainerDefinition;
  /** Whether the service is autoscaled. */
  public readonly autoscaled: boolean;

  /** Creates the service's resources in `scope` (the `ecs` construct), with ids starting with `key`. */
  constructor(scope: Construct, key: WebServiceKey, props: WebServiceProps) {
    const { settings, ecs, names, refs, tags, at } = props;
    const scaling = settings.autoscaling?.enabled ? settings.autoscaling : undefined;
    const rangeProblem = scaling && capacityRangeProblem(scaling.minCapacity, scaling.maxCapacity);
    if (rangeProblem) throw new Error(`${scope.node.path}: ${key} autoscaling.minCapacity ${scaling?.minCapacity} ${rangeProblem}`);
    this.autoscaled = scaling !== undefined;

    this.logGroup = pin(new CloudwatchLogGroup(scope, `${key}-logs`, { name: names.logGroup, retentionInDays: ecs.logRetentionDays, tags }), at(key));
    this.container = props.container({
      logDriver: 'awslogs',
      options: { 'awslogs-group': this.logGroup.name, 'awslogs-region': refs.region, 'awslogs-stream-prefix': 'ecs' },
    });

    this.taskDefinition = pin(
      new EcsTaskDefinition(scope, `${key}-task`, {
        family: names.taskFamily,
        networkMode: 'awsvpc',
        requiresCompatibilities: ['FARGATE'],
        cpu: String(settings.cpu),
        memory: String(settings.memory),
        executionRoleArn: refs.executionRoleArn,
        taskRoleArn: refs.taskRoleArn,
        // Token strings survive JSON.stringify unchanged and become ${...} interpolations at synth.
        containerDefinitions: JSON.stringify([this.container]),
        volume: this.container.mountPoints?.map((m) => ({ name: m.sourceVolume })),
        tags,
      }),
      at(key),
    );

    this.service = pin(
      new EcsService(scope, `${key}-service`, {
        name: names.service,
        cluster: refs.cluster.id,
        taskDefinition: this.taskDefinition.arn,
        desiredCount: settings.desiredCount,
        launchType: 'FARGATE',
        enableExecuteCommand: props.executeCommand,
        networkConfiguration: { subnets: [...refs.subnetIds], securityGroups: [...refs.securityGroupIds], assignPublicIp: false },
        loadBalancer: [{ targetGroupArn: refs.targetGroupArn, containerName: this.container.name, containerPort: PLATFORM_PORTS[key] }],
        // A slow start (the backend migrates the database before it listens) is not a failed task.
        healthCheckGracePeriodSeconds: settings.healthCheckGracePeriodSeconds,
        // D3: the Terraform arguments, not the CloudFormation-style block.
        deploymentMaximumPercent: 200,
        deploymentMinimumHealthyPercent: 100,
        // D11: created only once its target group is attached to the load balancer.
        dependsOn: [...refs.dependsOn],
        // D18: autoscaling owns the task count after creation.
        lifecycle: scaling ? { ignoreChanges: ['desired_count'] } : undefined,
        tags,
      }),
      at(key),
    );

    if (scaling) {
      const policyNames = names.scalingPolicies;
      if (policyNames === undefined) throw new Error(`${scope.node.path}: the ${key} service is autoscaled but has no scaling policy names`);
      const target = pin(
        new AppautoscalingTarget(scope, `${key}-scaling-target`, {
          serviceNamespace: 'ecs',
          resourceId: `service/${refs.cluster.name}/${this.service.name}`,
          scalableDimension: 'ecs:service:DesiredCount',
          minCapacity: scaling.minCapacity,
          maxCapacity: scaling.maxCapacity,
        }),
        at(key),
        'counted-once',
      );
      const policy = (metric: 'cpu' | 'memory', predefinedMetricType: string, targetValue: number) =>
        pin(
          new AppautoscalingPolicy(scope, `${key}-${metric}-scaling`, {
            name: policyNames[metric],
            policyType: 'TargetTrackingScaling',
            resourceId: target.resourceId,
            scalableDimension: target.scalableDimension,
            serviceNamespace: target.serviceNamespace,
            targetTrackingScalingPolicyConfiguration: {
              predefinedMetricSpecification: { predefinedMetricType },
              targetValue,
              scaleInCooldown: 300,
              scaleOutCooldown: 60,
            },
          }),
          at(`${key}_${metric}`),
          'counted-once',
        );
      policy('cpu', 'ECSServiceAverageCPUUtilization', scaling.cpuTargetPercent);
      policy('memory', 'ECSServiceAverageMemoryUtilization', scaling.memoryTargetPercent);
    }

    // On-call alarms: CPU and memory high, and fewer running tasks than the service's minimum.
    const alarm = alarmFactory(scope, at, { namespace: 'AWS/ECS', dimensions: {}, alarmActions: [refs.alarmTopicArn], tags });
    const dimensions = { ClusterName: refs.cluster.name, ServiceName: this.service.name };
    for (const [metric, metricName, threshold, alarmName] of [
      ['cpu', 'CPUUtilization', ecs.alarms.cpuPercent, names.cpuAlarm],
      ['memory', 'MemoryUtilization', ecs.alarms.memoryPercent, names.memoryAlarm],
    ] as const) {
      alarm(`${key}_${metric}_high`, {
        alarmName,
        metricName,
        statistic: 'Average',
        comparisonOperator: 'GreaterThanThreshold',
        threshold,
        evaluationPeriods: 3,
        alarmDescription: `The ${key} service's average ${metric} utilisation is above ${threshold} %`,
        dimensions,
      }, 'added');
    }
    const running = ecs.containerInsights
      ? { namespace: 'ECS/ContainerInsights', metricName: 'RunningTaskCount', dimensions }
      : refs.targetGroupArnSuffix !== undefined && refs.loadBalancerArnSuffix !== undefined
        ? { namespace: 'AWS/ApplicationELB', metricName: 'HealthyHostCount', dimensions: { TargetGroup: refs.targetGroupArnSuffix, LoadBalancer: refs.loadBalancerArnSuffix } }
        : undefined;
    if (running === undefined) {
      throw new Error(`${scope.node.path}: without Container Insights the ${key} running-tasks alarm needs targetGroupArnSuffix and loadBalancerArnSuffix`);
    }
    const minimum = scaling ? scaling.minCapacity : settings.desiredCount;
    alarm(`${key}_running_tasks_low`, {
      ...running,
      alarmName: names.runningTasksAlarm,
      statistic: 'Minimum',
      comparisonOperator: 'LessThanThreshold',
      threshold: minimum,
      evaluationPeriods: 3,
      period: 60,
      alarmDescription: `Fewer ${key} tasks ${ecs.containerInsights ? 'running' : 'healthy behind the load balancer'} than the minimum of ${minimum}`,
      // No data means no task reports at all: the worst case, not an unknown.
      treatMissingData: 'breaching',
    }, 'added');
  }
}
