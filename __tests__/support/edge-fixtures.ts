/**
 * Builds the alb and ecs constructs in a bare, address-pinned test stack: their settings are the
 * `loadBalancer` and `ecs` sections of a shipped environment (staging unless told), their
 * references literal string inputs (ids and ARNs), so their tests do not depend on the other
 * constructs.
 */
import { TerraformOutput, Testing } from 'cdktf';
import { LoadBalancer, type LoadBalancerRefs } from '../../constructs/load-balancer';
import type { LoadBalancerSettings } from '../../environments/schema/load-balancer';
import { type BackendRefs, Ecs, type EcsRefs, type FrontendRefs } from '../../constructs/ecs';
import type { EcsSettings } from '../../environments/schema/ecs';
import { AddressPinnedStack } from '../../lib/addresses';
import { addCertificateArnVariable, addImageVariables } from '../../stacks/deployment-variables';
import { environment, type EnvName } from './helpers';

class TestStack extends AddressPinnedStack {}

export const IDS = {
  vpc: 'vpc-0123456789abcdef0',
  publicSubnets: ['subnet-0aaa0000000000001', 'subnet-0aaa0000000000002'],
  appSubnets: ['subnet-0bbb0000000000001', 'subnet-0bbb0000000000002'],
  albSg: 'sg-0a1b0000000000001',
  ecsSg: 'sg-0a1b0000000000002',
  certificate: 'arn:aws:acm:ap-southeast-2:123456789012:certificate/11111111-2222-4333-8444-555555555555',
  executionRole: 'arn:aws:iam::123456789012:role/test-ecs-task-execution-role',
  taskRole: 'arn:aws:iam::123456789012:role/test-ecs-task-role',
  frontendSg: 'sg-0a1b0000000000003',
  frontendExecutionRole: 'arn:aws:iam::123456789012:role/test-frontend-task-execution-role',
  frontendTaskRole: 'arn:aws:iam::123456789012:role/test-frontend-task-role',
  appSecret: 'arn:aws:secretsmanager:ap-southeast-2:123456789012:secret:test-app-secrets-AbCdEf',
  masterSecret: 'arn:aws:secretsmanager:ap-southeast-2:123456789012:secret:rds!db-1234-XyZ123',
  redisAuthSecret: 'arn:aws:secretsmanager:ap-southeast-2:123456789012:secret:test-redis-auth-QwErTy',
  dbHost: 'test-postgres.abcdefghijkl.ap-southeast-2.rds.amazonaws.com',
  redisHost: 'master.test-redis.abcdef.apse2.cache.amazonaws.com',
  alarmTopic: 'arn:aws:sns:ap-southeast-2:123456789012:test-alarms',
} as const;

export interface EdgeOptions {
  /** The shipped environment whose `loadBalancer` and `ecs` sections are the settings. @default 'staging' */
  readonly env?: EnvName;
  /**
   * Changes those settings after validation (a copy), so a test can also give what the schema
   * would refuse, as a construct used on its own may be given.
   */
  readonly settings?: (s: { loadBalancer: Record<string, any>; ecs: Record<string, any> }) => void;
  /** @default 'test' */
  readonly projectName?: string;
  readonly alb?: Partial<LoadBalancerRefs>;
  readonly ecs?: Partial<Omit<EcsRefs, 'backend' | 'frontend'>>;
  /** Backend overrides; a function receives the stack and load balancer, to use their tokens. */
  readonly backend?: Partial<BackendRefs> | ((stack: AddressPinnedStack, alb: LoadBalancer) => Partial<BackendRefs>);
  readonly frontend?: Partial<FrontendRefs>;
}

export interface EdgeStack {
  readonly stack: AddressPinnedStack;
  readonly alb: LoadBalancer;
  readonly ecs: Ecs;
}

/** The two constructs wired together as the platform stack wires them, with literal inputs. */
export function buildEdge(options: EdgeOptions = {}): EdgeStack {
  const config = environment(options.env ?? 'staging');
  const settings = structuredClone({ loadBalancer: config.loadBalancer, ecs: config.ecs }) as { loadBalancer: Record<string, any>; ecs: Record<string, any> };
  options.settings?.(settings);
  const stack = new TestStack(Testing.app(), 'test');
  const shared = { projectName: options.projectName ?? 'test', tags: {} };
  const alb = new LoadBalancer(stack, 'alb', shared, settings.loadBalancer as LoadBalancerSettings, {
    vpcId: IDS.vpc,
    subnetIds: IDS.publicSubnets,
    securityGroupIds: [IDS.albSg],
    application: { backendDomain: 'api.test.example.com' },
    certificateArn: settings.loadBalancer.https ? IDS.certificate : undefined,
    alarmTopicArn: IDS.alarmTopic,
    ...options.alb,
  });
  const ecs = new Ecs(stack, 'ecs', shared, settings.ecs as EcsSettings, {
    environment: 'test',
    region: 'ap-southeast-2',
    application: {
      domain: 'test.example.com',
      frontendHost: 'https://app.test.example.com',
      backendCorsOrigins: ['https://app.test.example.com', 'http://localhost:5173'],
    },
    subnetIds: IDS.appSubnets,
    loadBalancerArnSuffix: alb.albArnSuffix,
    alarmTopicArn: IDS.alarmTopic,
    ...options.ecs,
    backend: {
      image: 'ghcr.io/example/backend',
      imageTag: '1.2.3',
      targetGroupArn: alb.backendTargetGroupArn,
      targetGroupArnSuffix: alb.backendTargetGroupArnSuffix,
      dependsOn: [alb.backendRouting],
      securityGroupIds: [IDS.ecsSg],
      roles: { executionRoleArn: IDS.executionRole, executionRoleName: 'backend-execution', taskRoleArn: IDS.taskRole, taskRoleName: 'backend-task' },
      database: { host: IDS.dbHost, port: 5432, name: 'app', user: 'postgres', passwordValueFrom: `${IDS.masterSecret}:password::` },
      redis: { host: IDS.redisHost, port: 6379, tls: false },
      appSecretArn: IDS.appSecret,
      ...(typeof options.backend === 'function' ? options.backend(stack, alb) : options.backend),
    },
    frontend: {
      image: 'ghcr.io/example/frontend',
      imageTag: '1.2.3',
      targetGroupArn: alb.frontendTargetGroupArn,
      targetGroupArnSuffix: alb.frontendTargetGroupArnSuffix,
      dependsOn: [alb.frontendRouting],
      securityGroupIds: [IDS.frontendSg],
      roles: { executionRoleArn: IDS.frontendExecutionRole, executionRoleName: 'frontend-execution', taskRoleArn: IDS.frontendTaskRole, taskRoleName: 'frontend-task' },
      apiUrl: alb.apiBaseUrl,
      ...options.frontend,
    },
  });
  return { stack, alb, ecs };
}

/** Synthesized JSON of a test stack. */
export function synthJson(stack: AddressPinnedStack): Record<string, any> {
  return JSON.parse(Testing.synth(stack)) as Record<string, any>;
}

/**
 * How tokens render in the synthesized JSON: each value becomes a probe output of the
 * stack, which is then synthesized. Returns the values in order.
 */
export function resolveTokens(stack: AddressPinnedStack, values: readonly unknown[]): unknown[] {
  const ids = values.map((value, i) => {
    const id = `probe_${stack.node.children.length}_${i}`;
    new TerraformOutput(stack, id, { value });
    return id;
  });
  const outputs = synthJson(stack).output as Record<string, { value: unknown }>;
  return ids.map((id) => outputs[id].value);
}

/** A stack holding only the deployment variables, synthesized, and the references they return. */
export function variablesStack(): { json: Record<string, any>; refs: unknown[] } {
  const stack = new TestStack(Testing.app(), 'vars');
  const images = addImageVariables(stack, { backendImage: 'ghcr.io/example/backend', frontendImage: 'ghcr.io/example/frontend', imageTag: 'v1.0.0' });
  const certificate = addCertificateArnVariable(stack);
  const refs = resolveTokens(stack, [images.backendImage, images.backendImageTag, images.frontendImage, images.frontendImageTag, certificate]);
  const json = synthJson(stack);
  delete json.output;
  return { json, refs };
}
