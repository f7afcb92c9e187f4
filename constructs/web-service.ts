/**
 * One Fargate web service of the legacy `ecs` module, the same piece for the backend and the
 * frontend: its log group, task definition (one container), service behind a target group,
 * optional target-tracking autoscaling and its on-call alarms (CPU and memory high, fewer
 * running tasks than the minimum).
 *
 * A construct on the shared base (like aws-ecs-patterns' ApplicationLoadBalancedFargateService): it
 * owns its resources (`<key>/logs`, `<key>/task-definition`, `<key>/service`, ...), takes its tags,
 * names (lib/names.ts, `ecs.<key>...`) and addresses from the base, and pins each resource where the
 * legacy module's was, with the `ecs` address prefix (`<prefix>_<key>`, `<prefix>_<key>_cpu`, ...).
 *
 * Fixes of legacy defects:
 *  - D3 [CloudFormation-style ECS deployment block]: top-level `deployment_maximum_percent` / `deployment_minimum_healthy_percent`;
 *  - D11 [service created before its listener rule]: the service depends on what attaches its target group (`dependsOn`);
 *  - D18 [fixed desired_count under autoscaling]: `desired_count` is ignored while autoscaling owns it. Task-definition revisions are
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
import { PlatformConstruct, type SharedProps } from './base';
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

/**
 * What each service takes from the `ecs` section, under the same names; `executeCommand` is the
 * service's own (the `ecs` construct turns it on for the backend only).
 */
export type SharedServiceSettings = Pick<EcsSettings, 'containerInsights' | 'executeCommand' | 'logRetentionDays' | 'alarms'>;

/**
 * The settings of one service: its own section (`ecs.backend` or `ecs.frontend`; a service whose
 * section has no autoscaling is not autoscaled) and the `ecs` section's shared fields.
 */
export type WebServiceSettings = EcsSettings['frontend'] & Partial<Pick<EcsSettings['backend'], 'autoscaling'>> & SharedServiceSettings;

/** What the service connects to, and what it runs. */
export interface WebServiceRefs {
  /** The service's only container, given where its output goes (the service's log group). */
  readonly container: (logConfiguration: AwsLogsConfiguration) => ContainerDefinition;
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

export class WebService extends PlatformConstruct {
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

  /** The service `key` (its construct id), with the `ecs` section's addresses and names of that key. */
  constructor(scope: Construct, key: WebServiceKey, shared: SharedProps, settings: WebServiceSettings, refs: WebServiceRefs) {
    super(scope, key, shared, 'ecs');
    const names = this.names.ecs;
    const tags = this.tags;
    // Every address of this service starts with its key: `<prefix>_<key>`, `<prefix>_<key>_cpu`, ...
    const at = (name?: string) => this.at(name === undefined ? key : `${key}_${name}`);
    const scaling = settings.autoscaling?.enabled ? settings.autoscaling : undefined;
    const rangeProblem = scaling && capacityRangeProblem(scaling.minCapacity, scaling.maxCapacity);
    if (rangeProblem) throw new Error(`${this.node.path}: autoscaling.minCapacity ${scaling?.minCapacity} ${rangeProblem}`);
    this.autoscaled = scaling !== undefined;

    this.logGroup = pin(new CloudwatchLogGroup(this, 'logs', { name: names[`${key}LogGroup`], retentionInDays: settings.logRetentionDays, tags }), at());
    this.container = refs.container({
      logDriver: 'awslogs',
      options: { 'awslogs-group': this.logGroup.name, 'awslogs-region': refs.region, 'awslogs-stream-prefix': 'ecs' },
    });

    this.taskDefinition = pin(
      new EcsTaskDefinition(this, 'task-definition', {
        family: names[`${key}TaskFamily`],
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
      at(),
    );

    this.service = pin(
      new EcsService(this, 'service', {
        name: names[`${key}Service`],
        cluster: refs.cluster.id,
        taskDefinition: this.taskDefinition.arn,
        desiredCount: settings.desiredCount,
        launchType: 'FARGATE',
        enableExecuteCommand: settings.executeCommand,
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
      at(),
    );

    if (scaling) this.addAutoscaling(key, scaling, refs.cluster.name, at);
    this.addAlarms(key, settings, refs, at);
  }

  /** Target tracking on average CPU and memory, between the section's minimum and maximum task counts. */
  private addAutoscaling(key: WebServiceKey, scaling: AutoscalingSettings, clusterName: string, at: (name?: string) => string): void {
    // Only the services lib/names.ts names scaling policies for can scale (the backend).
    const names: Readonly<Record<string, string | undefined>> = this.names.ecs;
    const [cpuPolicy, memoryPolicy] = [names[`${key}CpuScalingPolicy`], names[`${key}MemoryScalingPolicy`]];
    if (cpuPolicy === undefined || memoryPolicy === undefined) {
      throw new Error(`${this.node.path}: the ${key} service is autoscaled but has no scaling policy names`);
    }
    const policyNames = { cpu: cpuPolicy, memory: memoryPolicy };
    const target = pin(
      new AppautoscalingTarget(this, 'scaling-target', {
        serviceNamespace: 'ecs',
        resourceId: `service/${clusterName}/${this.service.name}`,
        scalableDimension: 'ecs:service:DesiredCount',
        minCapacity: scaling.minCapacity,
        maxCapacity: scaling.maxCapacity,
      }),
      at(),
      'counted-once',
    );
    const policy = (metric: 'cpu' | 'memory', predefinedMetricType: string, targetValue: number) =>
      pin(
        new AppautoscalingPolicy(this, `${metric}-scaling`, {
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
        at(metric),
        'counted-once',
      );
    policy('cpu', 'ECSServiceAverageCPUUtilization', scaling.cpuTargetPercent);
    policy('memory', 'ECSServiceAverageMemoryUtilization', scaling.memoryTargetPercent);
  }

  /** On-call alarms: CPU and memory high, and fewer running tasks than the service's minimum. */
  private addAlarms(key: WebServiceKey, settings: WebServiceSettings, refs: WebServiceRefs, at: (name?: string) => string): void {
    const names = this.names.ecs;
    const alarm = alarmFactory(this, at, { namespace: 'AWS/ECS', dimensions: {}, alarmActions: [refs.alarmTopicArn], tags: this.tags });
    const dimensions = { ClusterName: refs.cluster.name, ServiceName: this.service.name };
    for (const [metric, metricName, threshold, alarmName] of [
      ['cpu', 'CPUUtilization', settings.alarms.cpuPercent, names[`${key}CpuAlarm`]],
      ['memory', 'MemoryUtilization', settings.alarms.memoryPercent, names[`${key}MemoryAlarm`]],
    ] as const) {
      alarm(`${metric}_high`, {
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
    const running = settings.containerInsights
      ? { namespace: 'ECS/ContainerInsights', metricName: 'RunningTaskCount', dimensions }
      : refs.targetGroupArnSuffix !== undefined && refs.loadBalancerArnSuffix !== undefined
        ? { namespace: 'AWS/ApplicationELB', metricName: 'HealthyHostCount', dimensions: { TargetGroup: refs.targetGroupArnSuffix, LoadBalancer: refs.loadBalancerArnSuffix } }
        : undefined;
    if (running === undefined) {
      throw new Error(`${this.node.path}: without Container Insights the running-tasks alarm needs targetGroupArnSuffix and loadBalancerArnSuffix`);
    }
    const scaling = this.autoscaled ? settings.autoscaling : undefined;
    const minimum = scaling ? scaling.minCapacity : settings.desiredCount;
    alarm('running_tasks_low', {
      ...running,
      alarmName: names[`${key}RunningTasksAlarm`],
      statistic: 'Minimum',
      comparisonOperator: 'LessThanThreshold',
      threshold: minimum,
      evaluationPeriods: 3,
      period: 60,
      alarmDescription: `Fewer ${key} tasks ${settings.containerInsights ? 'running' : 'healthy behind the load balancer'} than the minimum of ${minimum}`,
      // No data means no task reports at all: the worst case, not an unknown.
      treatMissingData: 'breaching',
    }, 'added');
  }
}
