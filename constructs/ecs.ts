/**
 * The legacy `ecs` module: a Fargate cluster with a backend (FastAPI) and a
 * frontend (nginx) service, each with its task definition and log group, and
 * optional target-tracking autoscaling of the backend.
 *
 * Container definitions are built as typed objects and JSON-encoded; references
 * (database address, secret ARNs, image variables) stay Terraform interpolations
 * inside the JSON string, resolved by Terraform at plan/apply.
 *
 * Fixes of legacy defects:
 *  - D3: top-level `deployment_maximum_percent` / `deployment_minimum_healthy_percent`;
 *  - D11: each service depends on what attaches its target group (`dependsOn` props);
 *  - D12: POSTGRES_PASSWORD comes from the RDS-managed master secret;
 *  - D13: with Redis TLS/AUTH the backend gets REDIS_SSL and REDIS_PASSWORD;
 *  - D18: `desired_count` is ignored while autoscaling owns it. Task-definition
 *    revisions are owned by Terraform: image tags are Terraform variables, so a
 *    deployment is `terraform apply -var backend_image_tag=...`, and nothing else
 *    registers revisions the next apply would revert.
 */
import { AppautoscalingPolicy } from '@cdktf/provider-aws/lib/appautoscaling-policy';
import { AppautoscalingTarget } from '@cdktf/provider-aws/lib/appautoscaling-target';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { EcsCluster } from '@cdktf/provider-aws/lib/ecs-cluster';
import { EcsService } from '@cdktf/provider-aws/lib/ecs-service';
import { EcsTaskDefinition } from '@cdktf/provider-aws/lib/ecs-task-definition';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { logicalIds, pin } from '../lib/addresses';
import { alarmFactory } from '../lib/alarms';
import { resourceNames } from '../lib/names';
import { exceptPolicy } from '../lib/policy/engine';
import { HEALTH_CHECK_PATHS } from './alb';
import { BACKEND_SECRET_KEYS } from './app-secret';
import { PLATFORM_PORTS } from './security';

/** The `valueFrom` ECS uses for one key of a JSON secret: `<secret arn>:<key>::`. */
export function secretKeyValueFrom(secretArn: string, jsonKey: string): string {
  return `${secretArn}:${jsonKey}::`;
}

/** Name of the environment variable that turns on TLS to Redis in the backend (D13). */
export const REDIS_TLS_ENV = 'REDIS_SSL';
/** Name of the container secret that carries the Redis AUTH token (D13). */
export const REDIS_AUTH_SECRET_ENV = 'REDIS_PASSWORD';

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

/**
 * The writable scratch directory of a container with a read-only root filesystem: a volume on
 * the task's ephemeral Fargate storage, mounted at /tmp.
 */
export const SCRATCH_MOUNT = { sourceVolume: 'tmp', containerPath: '/tmp', readOnly: false } as const;

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
  readonly logConfiguration: {
    readonly logDriver: 'awslogs';
    readonly options: { readonly 'awslogs-group': string; readonly 'awslogs-region': string; readonly 'awslogs-stream-prefix': string };
  };
  readonly healthCheck?: {
    readonly command: readonly string[];
    readonly interval: number;
    readonly timeout: number;
    readonly retries: number;
    readonly startPeriod: number;
  };
}

/** Target-tracking autoscaling of the backend service. */
export interface BackendAutoscalingProps {
  /** Minimum number of tasks. @default 1 */
  readonly minCapacity?: number;
  /** Maximum number of tasks. @default 10 */
  readonly maxCapacity?: number;
  /** Average CPU utilisation to track, in percent. @default 70 */
  readonly cpuTargetPercent?: number;
  /** Average memory utilisation to track, in percent. @default 80 */
  readonly memoryTargetPercent?: number;
}

/** Sizing, image and load-balancer attachment of one service. */
export interface ServiceProps {
  /** Image repository, without tag (typically a Terraform variable). */
  readonly image: string;
  /** Image tag (typically a Terraform variable). */
  readonly imageTag: string;
  /** Target group the service registers its tasks with. */
  readonly targetGroupArn: string;
  /**
   * ARN suffix of that target group (the `TargetGroup` metric dimension). Without Container
   * Insights, the running-tasks alarm watches the group's healthy hosts. @default undefined
   */
  readonly targetGroupArnSuffix?: string;
  /**
   * Resources that attach `targetGroupArn` to the load balancer (listener or listener
   * rule); the service is created after them (D11). @default []
   */
  readonly dependsOn?: readonly ITerraformDependable[];
}

export interface BackendServiceProps extends ServiceProps {
  /** Fargate task CPU units. @default 512 */
  readonly cpu?: number;
  /** Fargate task memory in MiB. @default 1024 */
  readonly memory?: number;
  /** Initial number of tasks (ignored after creation while autoscaling is on, D18). @default 2 */
  readonly desiredCount?: number;
  /** Target-tracking autoscaling; absent means none. @default undefined */
  readonly autoscaling?: BackendAutoscalingProps;
  /** The environment's base domain (DOMAIN). */
  readonly domain: string;
  /** Public URL of the frontend (FRONTEND_HOST). */
  readonly frontendHost: string;
  /** Origins the API accepts (BACKEND_CORS_ORIGINS, joined with commas). @default [] */
  readonly corsOrigins?: readonly string[];
  /** PostgreSQL connection. */
  readonly database: {
    /** Host name of the instance (POSTGRES_SERVER). */
    readonly host: string;
    /** Port (POSTGRES_PORT). @default 5432 */
    readonly port?: number;
    /** Database name (POSTGRES_DB). */
    readonly name: string;
    /** User name (POSTGRES_USER). */
    readonly user: string;
    /**
     * `valueFrom` of POSTGRES_PASSWORD: with RDS-managed credentials, the `password` key of
     * the master user secret, `<secret arn>:password::` (D12).
     */
    readonly passwordValueFrom: string;
  };
  /** Redis connection. */
  readonly redis: {
    /** Primary endpoint address (REDIS_HOST). */
    readonly host: string;
    /** Port (REDIS_PORT). @default 6379 */
    readonly port?: number;
    /** Whether Redis requires TLS; adds REDIS_SSL=true (D13). @default false */
    readonly tls?: boolean;
    /**
     * `valueFrom` of the AUTH token (a secret ARN, or `<arn>:<key>::`); adds the
     * REDIS_PASSWORD container secret (D13). @default undefined (no AUTH)
     */
    readonly authTokenValueFrom?: string;
  };
  /** ARN of the application secret holding the `APP_SECRET_KEYS` (every backend secret but POSTGRES_PASSWORD). */
  readonly appSecretArn: string;
}

export interface FrontendServiceProps extends ServiceProps {
  /** Fargate task CPU units. @default 256 */
  readonly cpu?: number;
  /** Fargate task memory in MiB. @default 512 */
  readonly memory?: number;
  /** Number of tasks. @default 2 */
  readonly desiredCount?: number;
  /** Base URL of the API as the browser must call it (VITE_API_URL). */
  readonly apiUrl: string;
}

export interface ContainerServicesProps {
  /** Resource-name prefix (the legacy `project_name`), e.g. `ohmycoins-staging`. */
  readonly projectName: string;
  /** Environment name given to the backend (ENVIRONMENT), e.g. `staging`. */
  readonly environment: string;
  /** Region of the log groups (`awslogs-region`). */
  readonly region: string;
  /** Private application subnets the tasks run in. */
  readonly subnetIds: readonly string[];
  /** Security groups of the tasks (the `security` construct's ECS group). */
  readonly securityGroupIds: readonly string[];
  /** Role ECS uses to pull images, write logs and read the container secrets. */
  readonly executionRoleArn: string;
  /** Role the application code runs as. */
  readonly taskRoleArn: string;
  /** Container Insights on the cluster. @default true */
  readonly containerInsights?: boolean;
  /** ECS Exec on both services. @default false */
  readonly executeCommand?: boolean;
  /** Retention of the two log groups, in days. @default 7 */
  readonly logRetentionDays?: number;
  /** The backend service. */
  readonly backend: BackendServiceProps;
  /** The frontend service. */
  readonly frontend: FrontendServiceProps;
  /** ARN suffix of the load balancer (the `LoadBalancer` metric dimension), for the healthy-hosts alarms. @default undefined */
  readonly loadBalancerArnSuffix?: string;
  /** Alarm thresholds of both services. @default CPU 85 %, memory 85 % */
  readonly alarmThresholds?: { readonly cpuPercent?: number; readonly memoryPercent?: number };
  /** Alarm and OK actions of every alarm (the alarm topic's ARN). @default [] */
  readonly alarmActions?: readonly string[];
  /** Tags for every resource that sets tags; `Name` is added on the cluster. @default {} */
  readonly tags?: Record<string, string>;
  /** Prefix of the Terraform logical ids. @default 'ecs' */
  readonly addressPrefix?: string;
}

const AUTOSCALING_DEFAULTS: Required<BackendAutoscalingProps> = { minCapacity: 1, maxCapacity: 10, cpuTargetPercent: 70, memoryTargetPercent: 80 };

export class ContainerServices extends Construct {
  /** Cluster id (its ARN). */
  public readonly clusterId: string;
  /** Cluster ARN. */
  public readonly clusterArn: string;
  /** Cluster name, `<p>-cluster`. */
  public readonly clusterName: string;
  /** Backend service name, `<p>-backend`. */
  public readonly backendServiceName: string;
  /** Frontend service name, `<p>-frontend`. */
  public readonly frontendServiceName: string;
  /** Backend service ARN (the provider's `id` of an `aws_ecs_service` is its ARN). */
  public readonly backendServiceArn: string;
  /** Backend task definition ARN (with revision). */
  public readonly backendTaskDefinitionArn: string;
  /** Frontend task definition ARN (with revision). */
  public readonly frontendTaskDefinitionArn: string;
  /** Backend log group name, `/ecs/<p>/backend`. */
  public readonly backendLogGroupName: string;
  /** Frontend log group name, `/ecs/<p>/frontend`. */
  public readonly frontendLogGroupName: string;
  /** The backend container definition, as encoded into its task definition. */
  public readonly backendContainer: ContainerDefinition;
  /** The frontend container definition, as encoded into its task definition. */
  public readonly frontendContainer: ContainerDefinition;
  /** Whether the backend service is autoscaled. */
  public readonly backendAutoscaled: boolean;

  constructor(scope: Construct, id: string, props: ContainerServicesProps) {
    super(scope, id);
    const p = props.projectName;
    const tags = props.tags ?? {};
    const at = logicalIds(props.addressPrefix ?? 'ecs');
    const { backend, frontend } = props;
    const scaling = backend.autoscaling && { ...AUTOSCALING_DEFAULTS, ...backend.autoscaling };
    if (scaling && scaling.minCapacity > scaling.maxCapacity) {
      throw new Error(`${this.node.path}: backend autoscaling minCapacity ${scaling.minCapacity} is greater than maxCapacity ${scaling.maxCapacity}`);
    }

    const names = resourceNames(p).ecs;
    const cluster = pin(
      new EcsCluster(this, 'cluster', {
        name: names.cluster,
        setting: [{ name: 'containerInsights', value: (props.containerInsights ?? true) ? 'enabled' : 'disabled' }],
        tags: { ...tags, Name: names.cluster },
      }),
      at('main'),
    );

    const logGroup = (name: 'backend' | 'frontend') =>
      pin(new CloudwatchLogGroup(this, `${name}-logs`, { name: name === 'backend' ? names.backendLogGroup : names.frontendLogGroup, retentionInDays: props.logRetentionDays ?? 7, tags }), at(name));
    const backendLogs = logGroup('backend');
    const frontendLogs = logGroup('frontend');
    const awslogs = (group: CloudwatchLogGroup): ContainerDefinition['logConfiguration'] => ({
      logDriver: 'awslogs',
      options: { 'awslogs-group': group.name, 'awslogs-region': props.region, 'awslogs-stream-prefix': 'ecs' },
    });

    const db = backend.database;
    const redis = backend.redis;
    // The backend runs on a read-only root with a scratch /tmp, except where ECS Exec is on: its
    // agent needs a writable root filesystem (staging records that exception).
    const backendReadOnly = !(props.executeCommand ?? false);
    this.backendContainer = {
      name: 'backend',
      image: `${backend.image}:${backend.imageTag}`,
      essential: true,
      ...(backendReadOnly ? { readonlyRootFilesystem: true, mountPoints: [SCRATCH_MOUNT] } : {}),
      portMappings: [{ containerPort: PLATFORM_PORTS.backend, protocol: 'tcp' }],
      environment: [
        { name: 'ENVIRONMENT', value: props.environment },
        { name: 'PROJECT_NAME', value: p },
        { name: 'POSTGRES_SERVER', value: db.host },
        { name: 'POSTGRES_PORT', value: String(db.port ?? PLATFORM_PORTS.postgres) },
        { name: 'POSTGRES_DB', value: db.name },
        { name: 'POSTGRES_USER', value: db.user },
        { name: 'REDIS_HOST', value: redis.host },
        { name: 'REDIS_PORT', value: String(redis.port ?? PLATFORM_PORTS.redis) },
        { name: 'BACKEND_CORS_ORIGINS', value: (backend.corsOrigins ?? []).join(',') },
        { name: 'DOMAIN', value: backend.domain },
        { name: 'FRONTEND_HOST', value: backend.frontendHost },
        ...(redis.tls ? [{ name: REDIS_TLS_ENV, value: 'true' }] : []),
      ],
      secrets: [
        ...BACKEND_SECRET_KEYS.map((name) => ({
          name,
          valueFrom: name === 'POSTGRES_PASSWORD' ? db.passwordValueFrom : secretKeyValueFrom(backend.appSecretArn, name),
        })),
        ...(redis.authTokenValueFrom !== undefined ? [{ name: REDIS_AUTH_SECRET_ENV, valueFrom: redis.authTokenValueFrom }] : []),
      ],
      logConfiguration: awslogs(backendLogs),
      healthCheck: {
        command: ['CMD-SHELL', `curl -f http://localhost:${PLATFORM_PORTS.backend}${HEALTH_CHECK_PATHS.backend} || exit 1`],
        interval: 30,
        timeout: 5,
        retries: 3,
        startPeriod: 60,
      },
    };
    this.frontendContainer = {
      name: 'frontend',
      image: `${frontend.image}:${frontend.imageTag}`,
      essential: true,
      portMappings: [{ containerPort: PLATFORM_PORTS.frontend, protocol: 'tcp' }],
      environment: [{ name: 'VITE_API_URL', value: frontend.apiUrl }],
      logConfiguration: awslogs(frontendLogs),
    };

    const taskDefinition = (name: 'backend' | 'frontend', cpu: number, memory: number, container: ContainerDefinition) =>
      pin(
        new EcsTaskDefinition(this, `${name}-task`, {
          family: name === 'backend' ? names.backendTaskFamily : names.frontendTaskFamily,
          networkMode: 'awsvpc',
          requiresCompatibilities: ['FARGATE'],
          cpu: String(cpu),
          memory: String(memory),
          executionRoleArn: props.executionRoleArn,
          taskRoleArn: props.taskRoleArn,
          // Token strings survive JSON.stringify unchanged and become ${...} interpolations at synth.
          containerDefinitions: JSON.stringify([container]),
          volume: container.mountPoints?.map((m) => ({ name: m.sourceVolume })),
          tags,
        }),
        at(name),
      );
    const backendTask = taskDefinition('backend', backend.cpu ?? 512, backend.memory ?? 1024, this.backendContainer);
    const frontendTask = taskDefinition('frontend', frontend.cpu ?? 256, frontend.memory ?? 512, this.frontendContainer);
    exceptPolicy(
      frontendTask,
      'ecs-read-only-root',
      'nginx writes its cache and pid file, and the image may write VITE_API_URL into the built assets at start (D24); empty volumes over those paths would hide the assets',
    );

    this.backendAutoscaled = scaling !== undefined;
    const service = (name: 'backend' | 'frontend', task: EcsTaskDefinition, svc: ServiceProps, desiredCount: number, autoscaled: boolean) =>
      pin(
        new EcsService(this, `${name}-service`, {
          name: name === 'backend' ? names.backendService : names.frontendService,
          cluster: cluster.id,
          taskDefinition: task.arn,
          desiredCount,
          launchType: 'FARGATE',
          enableExecuteCommand: props.executeCommand ?? false,
          networkConfiguration: { subnets: [...props.subnetIds], securityGroups: [...props.securityGroupIds], assignPublicIp: false },
          loadBalancer: [{ targetGroupArn: svc.targetGroupArn, containerName: name, containerPort: PLATFORM_PORTS[name] }],
          // D3: the Terraform arguments, not the CloudFormation-style block.
          deploymentMaximumPercent: 200,
          deploymentMinimumHealthyPercent: 100,
          // D11: created only once its target group is attached to the load balancer.
          dependsOn: [...(svc.dependsOn ?? [])],
          // D18: autoscaling owns the task count after creation.
          lifecycle: autoscaled ? { ignoreChanges: ['desired_count'] } : undefined,
          tags,
        }),
        at(name),
      );
    const backendService = service('backend', backendTask, backend, backend.desiredCount ?? 2, this.backendAutoscaled);
    const frontendService = service('frontend', frontendTask, frontend, frontend.desiredCount ?? 2, false);

    if (scaling) {
      const target = pin(
        new AppautoscalingTarget(this, 'backend-scaling-target', {
          serviceNamespace: 'ecs',
          resourceId: `service/${cluster.name}/${backendService.name}`,
          scalableDimension: 'ecs:service:DesiredCount',
          minCapacity: scaling.minCapacity,
          maxCapacity: scaling.maxCapacity,
        }),
        at('backend'),
        'counted-once',
      );
      const policy = (metric: 'cpu' | 'memory', predefinedMetricType: string, targetValue: number) =>
        pin(
          new AppautoscalingPolicy(this, `backend-${metric}-scaling`, {
            name: metric === 'cpu' ? names.backendCpuScalingPolicy : names.backendMemoryScalingPolicy,
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
          at(`backend_${metric}`),
          'counted-once',
        );
      policy('cpu', 'ECSServiceAverageCPUUtilization', scaling.cpuTargetPercent);
      policy('memory', 'ECSServiceAverageMemoryUtilization', scaling.memoryTargetPercent);
    }

    // On-call alarms: CPU and memory high, and fewer running tasks than the service's minimum.
    const containerInsights = props.containerInsights ?? true;
    const alarm = alarmFactory(this, at, { namespace: 'AWS/ECS', dimensions: {}, alarmActions: props.alarmActions ?? [], tags });
    const serviceAlarms = (name: 'backend' | 'frontend', svc: EcsService, serviceProps: ServiceProps, minimum: number) => {
      const dimensions = { ClusterName: cluster.name, ServiceName: svc.name };
      for (const [metric, metricName, threshold, alarmName] of [
        ['cpu', 'CPUUtilization', props.alarmThresholds?.cpuPercent ?? 85, name === 'backend' ? names.backendCpuAlarm : names.frontendCpuAlarm],
        ['memory', 'MemoryUtilization', props.alarmThresholds?.memoryPercent ?? 85, name === 'backend' ? names.backendMemoryAlarm : names.frontendMemoryAlarm],
      ] as const) {
        alarm(`${name}_${metric}_high`, {
          alarmName,
          metricName,
          statistic: 'Average',
          comparisonOperator: 'GreaterThanThreshold',
          threshold,
          evaluationPeriods: 3,
          alarmDescription: `The ${name} service's average ${metric} utilisation is above ${threshold} %`,
          dimensions,
        }, 'added');
      }
      const running = containerInsights
        ? { namespace: 'ECS/ContainerInsights', metricName: 'RunningTaskCount', dimensions }
        : serviceProps.targetGroupArnSuffix !== undefined && props.loadBalancerArnSuffix !== undefined
          ? { namespace: 'AWS/ApplicationELB', metricName: 'HealthyHostCount', dimensions: { TargetGroup: serviceProps.targetGroupArnSuffix, LoadBalancer: props.loadBalancerArnSuffix } }
          : undefined;
      if (running === undefined) {
        throw new Error(`${this.node.path}: without Container Insights the ${name} running-tasks alarm needs targetGroupArnSuffix and loadBalancerArnSuffix`);
      }
      alarm(`${name}_running_tasks_low`, {
        ...running,
        alarmName: name === 'backend' ? names.backendRunningTasksAlarm : names.frontendRunningTasksAlarm,
        statistic: 'Minimum',
        comparisonOperator: 'LessThanThreshold',
        threshold: minimum,
        evaluationPeriods: 3,
        period: 60,
        alarmDescription: `Fewer ${name} tasks ${containerInsights ? 'running' : 'healthy behind the load balancer'} than the minimum of ${minimum}`,
        // No data means no task reports at all: the worst case, not an unknown.
        treatMissingData: 'breaching',
      }, 'added');
    };
    serviceAlarms('backend', backendService, backend, scaling ? scaling.minCapacity : backend.desiredCount ?? 2);
    serviceAlarms('frontend', frontendService, frontend, frontend.desiredCount ?? 2);

    this.clusterId = cluster.id;
    this.clusterArn = cluster.arn;
    this.clusterName = cluster.name;
    this.backendServiceName = backendService.name;
    this.backendServiceArn = backendService.id;
    this.frontendServiceName = frontendService.name;
    this.backendTaskDefinitionArn = backendTask.arn;
    this.frontendTaskDefinitionArn = frontendTask.arn;
    this.backendLogGroupName = backendLogs.name;
    this.frontendLogGroupName = frontendLogs.name;
  }
}
