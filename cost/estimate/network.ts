/** Networking: load balancers, NAT gateways, Elastic IPs and VPC endpoints. */

import type { PlanResource } from './plan';
import { blocks, type Ctx, fmt, fromUsage, priced, type RuleResult, str, unpriced, use } from './lines';
import type { CostLine } from './types';

/** How many subnets (AZs) a resource spans: known values, else its configured references. */
function subnetCount(ctx: Ctx, r: PlanResource, attribute: string): { count: number; from: string } | undefined {
  const known = r.values[attribute];
  if (Array.isArray(known) && known.length > 0) return { count: known.length, from: `planned ${attribute} (${known.length})` };
  const refs = ctx.plan.references(r, attribute, 'aws_subnet');
  if (refs.length > 0) return { count: refs.length, from: `${attribute} references ${refs.map((s) => s.address).join(', ')}` };
  return undefined;
}

/**
 * aws_lb: hours, LCUs (usage), internet egress (usage) and, when internet-facing,
 * one public IPv4 address per AZ (subnet), or the usage-file count.
 */
export function loadBalancer(ctx: Ctx, r: PlanResource): CostLine[] {
  const v = r.values;
  const kind = str(v.load_balancer_type) ?? 'application';
  if (kind !== 'application') {
    return [unpriced(r, `Load balancer (${kind})`, `${kind} load balancers have no price in the catalogue`, ctx.hours, 'hours')];
  }
  const lcu = use(ctx, r, 'aws_lb', 'lcu_per_hour');
  const lines = [
    priced(ctx, r, {
      description: 'Application load balancer hours',
      quantity: ctx.hours,
      unit: 'hours',
      quantityFrom: `planned load_balancer_type=${kind}`,
      key: 'alb.hour',
    }),
    priced(ctx, r, {
      description: `Load balancer capacity units (${fmt(lcu.value)} LCU average)`,
      quantity: lcu.value * ctx.hours,
      unit: 'LCU-hours',
      quantityFrom: lcu.from,
      key: 'alb.lcu.hour',
    }),
  ];
  if (v.internal !== true) {
    const own = use(ctx, r, 'aws_lb', 'public_ipv4_addresses');
    const mappings = blocks(v.subnet_mapping).length;
    const fromSubnets = mappings > 0 ? { count: mappings, from: `planned subnet_mapping (${mappings})` } : subnetCount(ctx, r, 'subnets');
    const ips = own.set ? { count: own.value, from: own.from } : fromSubnets;
    lines.push(
      ips
        ? priced(ctx, r, {
            description: `Public IPv4 addresses (${fmt(ips.count)}, one per AZ of an internet-facing load balancer)`,
            quantity: ips.count * ctx.hours,
            unit: 'IP-hours',
            quantityFrom: `internal=false; ${ips.from}`,
            key: 'public_ipv4.in_use.hour',
          })
        : unpriced(r, 'Public IPv4 addresses', 'the number of AZs is unknown; set public_ipv4_addresses in the usage file', 0, 'IP-hours'),
    );
    const out = use(ctx, r, 'aws_lb', 'monthly_data_transfer_out_gb');
    lines.push(
      fromUsage(ctx, r, 'Data transfer out to the internet (first 10 TB tier)', out, 'GB', 'data_transfer.out_internet.first_10tb.gb'),
    );
  }
  return lines;
}

/** aws_nat_gateway: hours and GB processed (usage). Its public IP is priced on its aws_eip. */
export function natGateway(ctx: Ctx, r: PlanResource): CostLine[] {
  const type = str(r.values.connectivity_type) ?? 'public';
  const data = use(ctx, r, 'aws_nat_gateway', 'monthly_data_processed_gb');
  return [
    priced(ctx, r, {
      description: `NAT gateway hours (${type})`,
      quantity: ctx.hours,
      unit: 'hours',
      quantityFrom: `planned connectivity_type=${type}`,
      key: 'nat_gateway.hour',
    }),
    fromUsage(ctx, r, 'NAT gateway data processed', data, 'GB', 'nat_gateway.gb_processed'),
  ];
}

/** aws_eip: an Elastic IP is a public IPv4 address, charged hourly whether attached or idle. */
export function elasticIp(ctx: Ctx, r: PlanResource): RuleResult {
  if (str(r.values.customer_owned_ipv4_pool)) return { free: 'customer-owned (Outposts) address, not an Amazon public IPv4 address' };
  return [
    priced(ctx, r, {
      description: 'Public IPv4 address (Elastic IP, in use or idle)',
      quantity: ctx.hours,
      unit: 'IP-hours',
      quantityFrom: `planned domain=${str(r.values.domain) ?? 'vpc'}`,
      key: 'public_ipv4.in_use.hour',
    }),
  ];
}

/** aws_vpc_endpoint: gateway endpoints are free (priced at 0 with their source); interface endpoints per AZ-hour and GB. */
export function vpcEndpoint(ctx: Ctx, r: PlanResource): CostLine[] {
  const type = str(r.values.vpc_endpoint_type) ?? 'Gateway';
  const service = str(r.values.service_name)?.split('.').pop() ?? 'unknown';
  if (type === 'Gateway') {
    return [
      priced(ctx, r, {
        description: `Gateway endpoint (${service})`,
        quantity: ctx.hours,
        unit: 'hours',
        quantityFrom: `planned vpc_endpoint_type=Gateway, service_name=${str(r.values.service_name) ?? '?'}`,
        key: `vpc_endpoint.gateway.${service}.hour`,
      }),
    ];
  }
  if (type !== 'Interface') return [unpriced(r, `${type} endpoint`, `${type} endpoints have no price in the catalogue`, ctx.hours, 'hours')];
  const azs = subnetCount(ctx, r, 'subnet_ids');
  const data = use(ctx, r, 'aws_vpc_endpoint', 'monthly_data_processed_gb');
  return [
    azs
      ? priced(ctx, r, {
          description: `Interface endpoint (${service}) in ${azs.count} AZ${azs.count === 1 ? '' : 's'}`,
          quantity: azs.count * ctx.hours,
          unit: 'endpoint-AZ-hours',
          quantityFrom: azs.from,
          key: 'vpc_endpoint.interface.hour_per_az',
        })
      : unpriced(r, `Interface endpoint (${service})`, 'the number of subnets (AZs) is unknown', 0, 'endpoint-AZ-hours'),
    fromUsage(ctx, r, `Interface endpoint data processed (${service})`, data, 'GB', 'vpc_endpoint.interface.gb_processed'),
  ];
}
