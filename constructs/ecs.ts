/**
 * The legacy `ecs` module: a Fargate cluster with two web services (constructs/web-service.ts),
 * the backend (FastAPI, optionally autoscaled) and the frontend (nginx), each with its task
 * definition, log group and alarms.
 *
 * Props: the environment's `ecs` section as it is (`EcsSettings`, the schema's output), and what
 * the services connect to (`EcsRefs`: network, roles, target groups, data tier, secrets, alarm
 * topic, and the `application` section's values the backend container reads, under the same names).
 * It exposes the cluster, the two services (each a `WebService` construct: `ecs.backend.service`,
 * `ecs.frontend.taskDefinition`, ...) and the exec sessions' log group.
 *
 * Container definitions are built here as typed objects and JSON-encoded; references
 * (database address, secret ARNs, image variables) stay Terraform interpolations
 * inside the JSON string, resolved by Terraform at plan/apply.
 *
 * Fixes of legacy defects (D3 [CloudFormation-style ECS deployment block], D11 [service created before its listener rule] and D18 [fixed desired_count under autoscaling]: see web-service.ts):
 *  - D12 [empty app secret, password copied by hand]: POSTGRES_PASSWORD comes from the RDS-managed master secret;
 *  - D13 [backend without Redis TLS and AUTH]: with Redis TLS/AUTH the backend gets REDIS_SSL and REDIS_PASSWORD.
 */
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { EcsCluster } from '@cdktf/provider-aws/lib/ecs-cluster';
import type { Construct } from 'constructs';
import type { z } from 'zod';
import type { applicationSchema } from '../environments/schema/application';
import type { EcsSettings } from '../environments/schema/ecs';
import { pin } from '../lib/addresses';
import { exceptPolicy } from '../lib/policy/engine';
import { HEALTH_CHECK_PATHS } from './load-balancer';
import { BACKEND_SECRET_KEYS } from './application';
import { PlatformConstruct, type SharedProps } from './base';
import type { ServiceRoles } from './iam';
import { PLATFORM_PORTS } from './security';
import { WebService, type WebServiceKey, type WebServiceRefs } from './web-service';

/** The `valueFrom` ECS uses for one key of a JSON secret: `<secret arn>:<key>::`. */
export function secretKeyValueFrom(secretArn: string, jsonKey: string): string {
  return `${secretArn}:${jsonKey}::`;
}

/** Name of the environment variable that turns on TLS to Redis in the backend (D13). */
export const REDIS_TLS_ENV = 'REDIS_SSL';
/** Name of the container secret that carries the Redis AUTH token (D13). */
export const REDIS_AUTH_SECRET_ENV = 'REDIS_PASSWORD';

/**
 * The writable scratch directory of a container with a read-only root filesystem: a volume on
 * the task's ephemeral Fargate storage, mounted at /tmp.
 */
export const SCRATCH_MOUNT = { sourceVolume: 'tmp', containerPath: '/tmp', readOnly: false } as const;

/** The `application` section's values the backend container reads, under the same names (environments/schema/application.ts). */
export type EcsApplicationSettings = Pick<z.output<typeof applicationSchema>, 'domain' | 'frontendHost' | 'backendCorsOrigins'>;

/**
 * Image, load-balancer attachment, security groups and roles of one service: what the web service
 * takes (constructs/web-service.ts, same names), and the image its container runs.
 */
export interface ServiceRefs extends Pick<WebServiceRefs, 'targetGroupArn' | 'targetGroupArnSuffix' | 'dependsOn' | 'securityGroupIds'> {
  /** Image repository, without tag (typically a Terraform variable). */
  readonly image: string;
  /** Image tag (typically a Terraform variable). */
  readonly imageTag: string;
  /** The service's own task and execution roles. */
  readonly roles: ServiceRoles;
}

export interface BackendRefs extends ServiceRefs {
  /** PostgreSQL connection. */
  readonly database: {
    /** Host name of the instance (POSTGRES_SERVER). */
    readonly host: string;
    /** Port (POSTGRES_PORT). */
    readonly port: number;
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
    /** Port (REDIS_PORT). */
    readonly port: number;
    /** Whether Redis requires TLS; adds REDIS_SSL=true (D13). */
    readonly tls: boolean;
    /**
     * `valueFrom` of the AUTH token (a secret ARN, or `<arn>:<key>::`); adds the
     * REDIS_PASSWORD container secret (D13). Absent: no AUTH.
     */
    readonly authTokenValueFrom?: string;
  };
  /** ARN of the application secret holding the `APP_SECRET_KEYS` (every backend secret but POSTGRES_PASSWORD). */
  readonly appSecretArn: string;
}

export interface FrontendRefs extends ServiceRefs {
  /** Base URL of the API as the browser must call it (VITE_API_URL). */
  readonly apiUrl: string;
}

/** What the two services connect to: what both web services share (same names), and each one's own. */
export interface EcsRefs extends Pick<WebServiceRefs, 'region' | 'subnetIds' | 'loadBalancerArnSuffix' | 'alarmTopicArn'> {
  /** Environment name given to the backend (ENVIRONMENT), e.g. `staging`. */
  readonly environment: string;
  /** The `application` section (the backend container's DOMAIN, FRONTEND_HOST, BACKEND_CORS_ORIGINS). */
  readonly application: EcsApplicationSettings;
  readonly backend: BackendRefs;
  readonly frontend: FrontendRefs;
}

export class Ecs extends PlatformConstruct {
  /** The cluster, `<p>-cluster` (its `id` is its ARN). */
  public readonly cluster: EcsCluster;
  /** The backend service (created first). */
  public readonly backend: WebService;
  /** The frontend service. */
  public readonly frontend: WebService;
  /** The log group of ECS Exec sessions (`/ecs/<p>/exec`); undefined while exec is off. */
  public readonly execLogGroup?: CloudwatchLogGroup;

  constructor(scope: Construct, id: string, shared: SharedProps, settings: EcsSettings, refs: EcsRefs) {
    super(scope, id, shared, 'ecs');
    const p = this.projectName;
    const names = this.names.ecs;
    // ECS Exec sessions are logged to a group of their own (`OVERRIDE`), not through the container's
    // awslogs driver (`DEFAULT`): a session's commands and output stay out of the application's log
    // group, are kept as long as the audit needs (execLogRetentionDays) and are readable by whom the
    // audit allows; see docs/platform.md, "ECS Exec".
    const execLogGroup = settings.executeCommand
      ? pin(
          new CloudwatchLogGroup(this, 'exec-logs', { name: names.execLogGroup, retentionInDays: settings.execLogRetentionDays, tags: this.tags }),
          this.at('exec'),
          'added',
        )
      : undefined;
    this.execLogGroup = execLogGroup;
    const cluster = pin(
      new EcsCluster(this, 'cluster', {
        name: names.cluster,
        setting: [{ name: 'containerInsights', value: settings.containerInsights ? 'enabled' : 'disabled' }],
        configuration: execLogGroup
          ? { executeCommandConfiguration: { logging: 'OVERRIDE', logConfiguration: { cloudWatchLogGroupName: execLogGroup.name } } }
          : undefined,
        tags: { ...this.tags, Name: names.cluster },
      }),
      this.at('main'),
    );
    this.cluster = cluster;

    // One web service per key: its section `ecs.<key>` with the section's shared fields, its refs `refs.<key>`
    // with the shared ones. Exec on the backend only: the frontend's task role grants nothing, so exec could
    // not open its channel.
    const service = (key: WebServiceKey, container: WebServiceRefs['container']) => {
      const { containerInsights, logRetentionDays, alarms } = settings;
      const { region, subnetIds, loadBalancerArnSuffix, alarmTopicArn } = refs;
      const { targetGroupArn, targetGroupArnSuffix, dependsOn, securityGroupIds, roles }: ServiceRefs = refs[key];
      return new WebService(
        this,
        key,
        shared,
        { ...settings[key], containerInsights, logRetentionDays, alarms, executeCommand: key === 'backend' && settings.executeCommand },
        {
          container,
          cluster: { id: cluster.id, name: cluster.name },
          region,
          subnetIds,
          loadBalancerArnSuffix,
          alarmTopicArn,
          targetGroupArn,
          targetGroupArnSuffix,
          dependsOn,
          securityGroupIds,
          executionRoleArn: roles.executionRoleArn,
          taskRoleArn: roles.taskRoleArn,
        },
      );
    };

    const { backend, frontend, application } = refs;
    const db = backend.database;
    const redis = backend.redis;
    // The backend runs on a read-only root with a scratch /tmp, except where ECS Exec is on: its
    // agent needs a writable root filesystem (staging records that exception).
    const backendReadOnly = !settings.executeCommand;
    this.backend = service('backend', (logConfiguration) => ({
        name: 'backend',
        image: `${backend.image}:${backend.imageTag}`,
        essential: true,
        ...(backendReadOnly ? { readonlyRootFilesystem: true, mountPoints: [SCRATCH_MOUNT] } : {}),
        // ECS Exec: an init process reaps what the sessions leave running (ECS developer guide, "ECS Exec").
        ...(settings.executeCommand ? { linuxParameters: { initProcessEnabled: true } } : {}),
        portMappings: [{ containerPort: PLATFORM_PORTS.backend, protocol: 'tcp' }],
        environment: [
          { name: 'ENVIRONMENT', value: refs.environment },
          { name: 'PROJECT_NAME', value: p },
          { name: 'POSTGRES_SERVER', value: db.host },
          { name: 'POSTGRES_PORT', value: String(db.port) },
          { name: 'POSTGRES_DB', value: db.name },
          { name: 'POSTGRES_USER', value: db.user },
          { name: 'REDIS_HOST', value: redis.host },
          { name: 'REDIS_PORT', value: String(redis.port) },
          { name: 'BACKEND_CORS_ORIGINS', value: application.backendCorsOrigins.join(',') },
          { name: 'DOMAIN', value: application.domain },
          { name: 'FRONTEND_HOST', value: application.frontendHost },
          ...(redis.tls ? [{ name: REDIS_TLS_ENV, value: 'true' }] : []),
        ],
        secrets: [
          ...BACKEND_SECRET_KEYS.map((name) => ({
            name,
            valueFrom: name === 'POSTGRES_PASSWORD' ? db.passwordValueFrom : secretKeyValueFrom(backend.appSecretArn, name),
          })),
          ...(redis.authTokenValueFrom !== undefined ? [{ name: REDIS_AUTH_SECRET_ENV, valueFrom: redis.authTokenValueFrom }] : []),
        ],
        logConfiguration,
        healthCheck: {
          command: ['CMD-SHELL', `curl -f http://localhost:${PLATFORM_PORTS.backend}${HEALTH_CHECK_PATHS.backend} || exit 1`],
          interval: 30,
          timeout: 5,
          retries: 3,
          startPeriod: 60,
        },
      }),
    );
    this.frontend = service('frontend', (logConfiguration) => ({
        name: 'frontend',
        image: `${frontend.image}:${frontend.imageTag}`,
        essential: true,
        portMappings: [{ containerPort: PLATFORM_PORTS.frontend, protocol: 'tcp' }],
        environment: [{ name: 'VITE_API_URL', value: frontend.apiUrl }],
        logConfiguration,
      }),
    );
    exceptPolicy(
      this.frontend.taskDefinition,
      'ecs-read-only-root',
      'nginx writes its cache and pid file, and the image may write VITE_API_URL into the built assets at start (D24); empty volumes over those paths would hide the assets',
    );

  }
}
