/** The `ecs` section (the Fargate cluster and its two services, the legacy ecs module) and its own cross-field checks. */
import { z } from 'zod';
import { capacityRangeProblem } from '../../lib/autoscaling';
import { logRetentionDays, positiveInt } from './common';
import { Ctx, issue, ViewOf } from './view';

/** Task sizes Fargate offers: CPU units -> the memory sizes (MiB) allowed with them. */
export const FARGATE_TASK_SIZES: Readonly<Record<number, { readonly min: number; readonly max: number; readonly step: number; readonly only?: readonly number[] }>> = {
  256: { min: 512, max: 2048, step: 512, only: [512, 1024, 2048] },
  512: { min: 1024, max: 4096, step: 1024 },
  1024: { min: 2048, max: 8192, step: 1024 },
  2048: { min: 4096, max: 16384, step: 1024 },
  4096: { min: 8192, max: 30720, step: 1024 },
  8192: { min: 16384, max: 61440, step: 4096 },
  16384: { min: 32768, max: 122880, step: 8192 },
};

/** Whether Fargate offers `memory` MiB with `cpu` units. */
export function isFargateTaskSize(cpu: number, memory: number): boolean {
  const size = FARGATE_TASK_SIZES[cpu];
  if (!size) return false;
  if (size.only) return size.only.includes(memory);
  return memory >= size.min && memory <= size.max && (memory - size.min) % size.step === 0;
}

function describeFargateMemory(cpu: number): string {
  const size = FARGATE_TASK_SIZES[cpu];
  return size.only ? size.only.join(', ') : `${size.min}-${size.max} in steps of ${size.step}`;
}

/**
 * Default of `ecs.<service>.healthCheckGracePeriodSeconds`: how long a new task takes at best to be
 * healthy in its target group, twice over. ECS's own default is 0 ("HealthCheckGracePeriodSeconds",
 * Amazon ECS API reference: ELB health checks count from the start); a task's container health check
 * starts after its 60 s `startPeriod` (constructs/ecs.ts), and the load balancer marks a target healthy
 * after `healthyThreshold` (2) checks `interval` (30 s) apart (constructs/load-balancer.ts): 60 + 2 x 30 = 120 s
 * when nothing is slow. The backend runs its database migrations before it listens, so the default
 * doubles that; raise it when a migration may take longer.
 */
export const DEFAULT_HEALTH_CHECK_GRACE_PERIOD_SECONDS = 240;

/** ECS accepts 0 to 2,147,483,647 seconds (Amazon ECS API reference, CreateService). */
const MAX_HEALTH_CHECK_GRACE_PERIOD_SECONDS = 2_147_483_647;

/** A service's size; `autoscaled` says whether the service has an `autoscaling` section (the backend only). */
const serviceSize = (service: string, autoscaled: boolean) => ({
  cpu: positiveInt('cpu').describe(`Fargate task CPU units of the ${service} (256, 512, 1024, 2048, 4096, 8192 or 16384).`),
  memory: positiveInt('memory').describe(`Fargate task memory of the ${service}, MiB: a size Fargate offers with its cpu.`),
  desiredCount: positiveInt('desired count')
    .min(0)
    .describe(
      `Number of ${service} tasks` +
        (autoscaled ? '; while autoscaling is on, only the number the service starts with: Terraform then leaves it to autoscaling (D18).' : '.'),
    ),
  healthCheckGracePeriodSeconds: positiveInt('health check grace period')
    .min(0)
    .max(MAX_HEALTH_CHECK_GRACE_PERIOD_SECONDS)
    .default(DEFAULT_HEALTH_CHECK_GRACE_PERIOD_SECONDS)
    .describe(
      `Seconds after a ${service} task starts during which ECS ignores its load-balancer health checks; default ` +
        `${DEFAULT_HEALTH_CHECK_GRACE_PERIOD_SECONDS} (twice the 120 s a task needs at best: 60 s container start period + 2 checks 30 s apart).`,
    ),
});

/** `ecs.backend.autoscaling`: target-tracking autoscaling of the backend service. */
export const autoscalingSchema = z
  .object({
    enabled: z.boolean().describe('Whether the backend service scales with its load.'),
    minCapacity: positiveInt('min capacity').min(0).describe('Fewest backend tasks, at most maxCapacity.'),
    maxCapacity: positiveInt('max capacity').min(1).describe('Most backend tasks.'),
    cpuTargetPercent: z.number().min(1).max(100).describe('Average CPU utilisation the scaling keeps, percent.'),
    memoryTargetPercent: z.number().min(1).max(100).describe('Average memory utilisation the scaling keeps, percent.'),
  })
  .strict()
  .describe('Target-tracking autoscaling of the backend service; desiredCount must lie between minCapacity and maxCapacity while it is enabled.');

export const ecsSchema = z
  .object({
    containerInsights: z.boolean().describe('Container Insights on the cluster.'),
    executeCommand: z
      .boolean()
      .describe('ECS Exec on the backend service (the frontend has none: its task role grants nothing); sessions are logged to /ecs/<project>/exec.'),
    execLogRetentionDays: logRetentionDays.describe('Retention of the ECS Exec session log group, days (a value CloudWatch Logs accepts).'),
    logRetentionDays: logRetentionDays.describe('Retention of the two container log groups, days (a value CloudWatch Logs accepts).'),
    backend: z
      .object({
        ...serviceSize('backend', true),
        autoscaling: autoscalingSchema,
      })
      .strict()
      .describe('Backend (FastAPI) service.'),
    frontend: z.object(serviceSize('frontend', false)).strict().describe('Frontend (React, nginx) service.'),
    alarms: z
      .object({
        cpuPercent: z.number().min(1).max(100).describe('CPU utilisation alarm threshold of each service, percent (average).'),
        memoryPercent: z.number().min(1).max(100).describe('Memory utilisation alarm threshold of each service, percent (average).'),
      })
      .strict()
      .describe('Alarm thresholds of each service.'),
  })
  .strict()
  .describe('ECS Fargate cluster and services (legacy ecs module).');

export type EcsView = ViewOf<typeof ecsSchema>;
/** The `ecs` section as the Ecs construct (constructs/ecs.ts) and its web services take it. */
export type EcsSettings = z.output<typeof ecsSchema>;

/** Each task size must be one Fargate offers. */
export function checkTaskSizes(ecs: EcsView, ctx: Ctx): void {
  for (const service of ['backend', 'frontend'] as const) {
    const settings = ecs[service];
    if (!settings) continue;
    const { cpu, memory } = settings;
    if (cpu !== undefined && !FARGATE_TASK_SIZES[cpu]) {
      issue(ctx, ['ecs', service, 'cpu'], cpu, `must be a Fargate task CPU size: ${Object.keys(FARGATE_TASK_SIZES).join(', ')} (CPU units)`);
    } else if (cpu !== undefined && memory !== undefined && !isFargateTaskSize(cpu, memory)) {
      issue(ctx, ['ecs', service, 'memory'], memory, `must be a memory size Fargate offers with ${cpu} CPU units: ${describeFargateMemory(cpu)} (MiB)`);
    }
  }
}

/** The autoscaling range, and the desired count inside it while autoscaling is enabled. */
export function checkAutoscaling(ecs: EcsView, ctx: Ctx): void {
  const backend = ecs.backend;
  const scaling = backend?.autoscaling;
  if (!backend || !scaling) return;
  const { minCapacity: min, maxCapacity: max } = scaling;
  const desired = backend.desiredCount;
  const rangeProblem = min !== undefined && max !== undefined ? capacityRangeProblem(min, max) : undefined;
  if (rangeProblem !== undefined) {
    issue(ctx, ['ecs', 'backend', 'autoscaling', 'minCapacity'], min, rangeProblem);
  } else if (scaling.enabled === true && min !== undefined && max !== undefined && desired !== undefined && (desired < min || desired > max)) {
    issue(
      ctx,
      ['ecs', 'backend', 'desiredCount'],
      desired,
      `must lie between autoscaling.minCapacity (${min}) and autoscaling.maxCapacity (${max}) while autoscaling is enabled`,
    );
  }
}
