/** ECS: Fargate services (with their task definition and autoscaling target) and clusters (Container Insights). */

import type { PlanResource } from './plan';
import { blocks, type Ctx, fmt, num, priced, type RuleResult, str, unpriced, use } from './lines';
import type { CostLine } from './types';

/** The autoscaling target of an ECS service: by reference, else by its `service/<cluster>/<service>` id. */
function scalingTarget(ctx: Ctx, service: PlanResource): PlanResource | undefined {
  const targets = ctx.plan.ofType('aws_appautoscaling_target').filter((t) => (str(t.values.service_namespace) ?? 'ecs') === 'ecs');
  const byRef = targets.find((t) => ctx.plan.references(t, 'resource_id', 'aws_ecs_service').some((s) => s.address === service.address));
  if (byRef) return byRef;
  const name = str(service.values.name);
  const cluster = str(ctx.plan.references(service, 'cluster', 'aws_ecs_cluster')[0]?.values.name);
  return targets.find((t) => {
    const parts = str(t.values.resource_id)?.split('/');
    return parts?.[0] === 'service' && parts[2] === name && (cluster === undefined || parts[1] === cluster);
  });
}

/** The task definition an ECS service runs: by reference, else by family name. */
function taskDefinition(ctx: Ctx, service: PlanResource): PlanResource | undefined {
  const byRef = ctx.plan.references(service, 'task_definition', 'aws_ecs_task_definition')[0];
  if (byRef) return byRef;
  const family = str(service.values.task_definition)?.replace(/^arn:[^/]+\//, '').replace(/:\d+$/, '');
  return ctx.plan.ofType('aws_ecs_task_definition').find((t) => str(t.values.family) === family);
}

/**
 * aws_ecs_service on Fargate: task vCPU and memory (from the task definition) ×
 * desired_count × 730 h; with an autoscaling target, also at min and max capacity.
 * Tasks with a public IP add one public IPv4 address each.
 */
export function ecsService(ctx: Ctx, r: PlanResource): CostLine[] {
  const v = r.values;
  if (str(v.scheduling_strategy) === 'DAEMON') {
    return [unpriced(r, 'Daemon service', 'daemon services run on EC2 container instances, which are priced as instances, not by this rule')];
  }
  const providers = blocks(v.capacity_provider_strategy).map((b) => str(b.capacity_provider) ?? '?');
  const launchType = str(v.launch_type) ?? (providers.length > 0 && providers.every((p) => p === 'FARGATE') ? 'FARGATE' : undefined);
  if (launchType !== 'FARGATE') {
    const how = providers.length > 0 ? `capacity providers ${providers.join(', ')}` : `launch_type ${launchType ?? '(not set: EC2 or the cluster default)'}`;
    return [unpriced(r, 'ECS service tasks', `${how}: only Fargate on-demand tasks are priced (Fargate Spot and EC2 capacity have no catalogue price)`)];
  }
  const td = taskDefinition(ctx, r);
  if (!td) return [unpriced(r, 'Fargate tasks', 'the task definition is not in this plan, so task CPU and memory are unknown')];
  const cpuUnits = num(td.values.cpu);
  const memoryMiB = num(td.values.memory);
  if (cpuUnits === undefined || memoryMiB === undefined) {
    return [unpriced(r, 'Fargate tasks', `${td.address} sets no task-level cpu/memory (Fargate bills the task size)`)];
  }
  const platform = blocks(td.values.runtime_platform)[0] ?? {};
  const os = str(platform.operating_system_family) ?? 'LINUX';
  if (os !== 'LINUX') return [unpriced(r, 'Fargate tasks', `operating_system_family ${os}: only Linux Fargate prices are in the catalogue`)];
  const arch = str(platform.cpu_architecture) === 'ARM64' ? 'linux_arm' : 'linux_x86';
  const archLabel = arch === 'linux_arm' ? 'Linux/ARM64' : 'Linux/x86';

  const desired = num(v.desired_count) ?? 0;
  const target = scalingTarget(ctx, r);
  const min = target ? num(target.values.min_capacity) : undefined;
  const max = target ? num(target.values.max_capacity) : undefined;
  const scaled = target && min !== undefined && max !== undefined;
  const tasks = `${desired} task${desired === 1 ? '' : 's'}`;
  const scaling = scaled ? `; autoscaling ${min}-${max} tasks` : '';
  const countFrom = `planned desired_count=${desired}${scaled ? `; ${target.address} min_capacity=${min}, max_capacity=${max}` : ''}`;
  // One line per billed dimension: `perTask` units per task-hour, × tasks × 730 h (and at min/max scale).
  const perTaskLine = (what: string, perTask: number, unit: string, from: string, key: string): CostLine =>
    priced(ctx, r, {
      description: `${what}${scaling})`,
      quantity: desired * perTask * ctx.hours,
      unit,
      quantityFrom: `${countFrom}; ${from}`,
      key,
      ...(scaled ? { range: { min: (min ?? 0) * perTask * ctx.hours, max: (max ?? 0) * perTask * ctx.hours } } : {}),
    });
  const vcpu = cpuUnits / 1024;
  const gb = memoryMiB / 1024;
  const lines = [
    perTaskLine(`Fargate vCPU (${tasks} × ${fmt(vcpu)} vCPU, ${archLabel}`, vcpu, 'vCPU-hours', `${td.address} cpu=${cpuUnits}`, `fargate.${arch}.vcpu.hour`),
    perTaskLine(`Fargate memory (${tasks} × ${fmt(gb)} GB, ${archLabel}`, gb, 'GB-hours', `${td.address} memory=${memoryMiB}`, `fargate.${arch}.gb.hour`),
  ];
  const ephemeral = num(blocks(td.values.ephemeral_storage)[0]?.size_in_gib);
  if (ephemeral !== undefined && ephemeral > 20) {
    const extra = ephemeral - 20;
    const from = `${td.address} ephemeral_storage.size_in_gib=${ephemeral}`;
    lines.push(perTaskLine(`Fargate ephemeral storage above the included 20 GB (${tasks} × ${extra} GB`, extra, 'GB-hours', from, 'fargate.ephemeral_storage.gb.hour'));
  }
  if (blocks(v.network_configuration)[0]?.assign_public_ip === true) {
    lines.push(perTaskLine(`Public IPv4 addresses of the tasks (${tasks}, one each`, 1, 'IP-hours', 'network_configuration.assign_public_ip=true', 'public_ipv4.in_use.hour'));
  }
  return lines;
}

/** Container Insights publishes metrics billed as custom metrics (usage: how many). */
export function ecsCluster(ctx: Ctx, r: PlanResource): RuleResult {
  const insights = blocks(r.values.setting).find((s) => s.name === 'containerInsights');
  const mode = str(insights?.value) ?? 'disabled';
  if (mode === 'disabled') return { free: 'no charge for a cluster; its services are priced (Container Insights off)' };
  const metrics = use(ctx, r, 'aws_ecs_cluster', 'container_insights_metrics');
  return [
    priced(ctx, r, {
      description: `Container Insights metrics (${mode})`,
      quantity: metrics.value,
      unit: 'metrics',
      quantityFrom: `planned setting containerInsights=${mode}; ${metrics.from}`,
      key: 'cloudwatch.container_insights.metric_month',
    }),
  ];
}
