/**
 * What a platform stack is built from: one environment's settings, each section in the shape the
 * construct it shapes declares (`VpcSettings` in constructs/vpc.ts, `DatabaseSettings` in
 * constructs/rds.ts, ...), with the names the environment file gives it. The validated
 * environment config (environments/schema/) is one of these; reading down from
 * `environments/<name>.ts`, a setting keeps its name to the resource it shapes.
 */
import type { LoadBalancerRefs, LoadBalancerSettings } from '../constructs/alb';
import type { AppSecretSettings } from '../constructs/app-secret';
import type { EcsApplicationSettings } from '../constructs/ecs';
import type { EcsSettings } from '../environments/schema/ecs';
import type { GithubSettings } from '../constructs/iam';
import type { MonitoringSettings } from '../constructs/monitoring';
import type { DatabaseSettings } from '../constructs/rds';
import type { CacheSettings } from '../constructs/redis';
import type { SecuritySettings } from '../constructs/security';
import type { VpcSettings } from '../constructs/vpc';
import type { ConfiguredException } from '../lib/policy/engine';
import type { ImageDefaults } from './deployment-variables';
import type { StateBackendSettings } from './state-backend';

export interface PlatformSettings {
  /** The environment's name: the stack's name, the `Environment` tag and the state key. */
  readonly name: string;
  /** Resource-name prefix (the legacy `project_name`), e.g. `ohmycoins-prod`. */
  readonly projectName: string;
  /** AWS region of every resource. */
  readonly region: string;
  /** The only AWS account the stack may be applied to; the VPC owner's account is used where it is unset. */
  readonly accountId?: string;
  /** Whether the stricter production rules of the policy apply. */
  readonly productionLike: boolean;
  /** Deliberate exceptions to the security and data-protection policy. */
  readonly policyExceptions: readonly ConfiguredException[];
  /** Where the state lives: the shared S3 bucket or Terraform Cloud (stacks/state-backend.ts). */
  readonly stateBackend: StateBackendSettings;
  /** The VPC (constructs/vpc.ts). */
  readonly network: VpcSettings;
  /** The security groups (constructs/security.ts). */
  readonly security: SecuritySettings;
  /** The alarm topic's subscribers (constructs/monitoring.ts). */
  readonly monitoring: MonitoringSettings;
  /** PostgreSQL (constructs/rds.ts). */
  readonly database: DatabaseSettings;
  /** Redis (constructs/redis.ts). */
  readonly cache: CacheSettings;
  /** The GitHub Actions deploy identity (constructs/iam.ts). */
  readonly github: GithubSettings;
  /**
   * The application, read by several constructs, each declaring the fields it reads: its secret
   * (constructs/app-secret.ts), the backend's host name (constructs/alb.ts), the backend container's
   * domains (constructs/ecs.ts) and the image variables' defaults (stacks/deployment-variables.ts).
   */
  readonly application: AppSecretSettings & LoadBalancerRefs['application'] & EcsApplicationSettings & ImageDefaults;
  /** The load balancer (constructs/alb.ts). */
  readonly loadBalancer: LoadBalancerSettings;
  /** The ECS cluster and services (constructs/ecs.ts). */
  readonly ecs: EcsSettings;
}
