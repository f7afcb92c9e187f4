/** The `network` section (the legacy vpc module) and its own cross-field checks. */
import { z } from 'zod';
import { NAT_MODES, notOnePerZone, SUBNET_TIERS } from '../../constructs/network';
import { cidrContains, cidrsOverlap, parseCidr } from '../../lib/cidr';
import { availabilityZone, cidr, logRetentionDays, subnetCidr } from './common';
import { Ctx, issue, ViewOf } from './view';

/** How the private application subnets reach the internet (declared by the construct that uses it). */
export { NAT_MODES, type NatMode } from '../../constructs/network';

export const networkSchema = z
  .object({
    vpcCidr: cidr
      .refine(
        (v) => {
          const range = parseCidr(v);
          return range === undefined || (range.prefix >= 16 && range.prefix <= 28);
        },
        { message: 'must be a VPC CIDR with a prefix between /16 and /28 (the sizes AWS allows for a VPC)' },
      )
      .describe("The VPC's IPv4 block, /16 to /28."),
    availabilityZones: z
      .array(availabilityZone)
      .min(1, { message: 'must list at least one availability zone' })
      .max(6, { message: 'must list at most 6 availability zones' })
      .refine((azs) => new Set(azs).size === azs.length, { message: 'must not list an availability zone twice' })
      .describe('Availability zones of the region, in order (1-6, at least 2 for the database); entry i of each subnet list lives in zone i.'),
    publicSubnetCidrs: z.array(subnetCidr).describe('One public subnet per availability zone (ALB, NAT gateways), inside vpcCidr.'),
    privateAppSubnetCidrs: z.array(subnetCidr).describe('One private application subnet per availability zone (ECS tasks), inside vpcCidr.'),
    privateDbSubnetCidrs: z
      .array(subnetCidr)
      .describe('One private database subnet per availability zone (RDS, ElastiCache), inside vpcCidr; no internet route.'),
    natGateways: z
      .enum(NAT_MODES, { message: `must be one of ${NAT_MODES.join(', ')}` })
      .describe('NAT layout for the application subnets: none, single (one gateway for all zones) or one-per-az.'),
    flowLogs: z
      .object({
        enabled: z.boolean().describe('Whether the flow log, its log group, role and policy are created.'),
        retentionDays: logRetentionDays.describe('Retention of the flow-log group, days (a value CloudWatch Logs accepts). Legacy: 7.'),
      })
      .describe('VPC flow logs to CloudWatch Logs.'),
    s3GatewayEndpoint: z.boolean().describe('Whether the S3 gateway endpoint is created and attached to the application route tables.'),
  })
  .strict()
  .describe('The VPC: address ranges, zones, subnets, NAT and flow logs (legacy vpc module).');

export type NetworkView = ViewOf<typeof networkSchema>;
/** The `network` section as the Network construct (constructs/network.ts) takes it. */
export type NetworkSettings = z.output<typeof networkSchema>;

/** One subnet list per zone, each subnet inside the VPC, no two subnets overlapping. */
export function checkSubnets(network: NetworkView, ctx: Ctx): void {
  const azs = network.availabilityZones;
  const vpc = network.vpcCidr === undefined ? undefined : parseCidr(network.vpcCidr);
  const seen: { path: (string | number)[]; value: string; range: NonNullable<ReturnType<typeof parseCidr>> }[] = [];
  for (const tier of SUBNET_TIERS) {
    const list = network[tier];
    if (!list) continue;
    if (azs && notOnePerZone(list, azs)) {
      issue(ctx, ['network', tier], list.written, `must have one CIDR per availability zone: ${azs.length} expected (${azs.written.join(', ')}), ${list.length} given`);
    }
    list.forEach((value, i) => {
      const range = value === undefined ? undefined : parseCidr(value);
      if (value === undefined || !range) return;
      const path = ['network', tier, i];
      if (vpc && !cidrContains(vpc, range)) {
        issue(ctx, path, value, `must lie inside the VPC CIDR ${String(network.vpcCidr)}`);
      }
      const clash = seen.find((other) => cidrsOverlap(other.range, range));
      if (clash) {
        issue(ctx, path, value, `must not overlap another subnet: it overlaps network.${clash.path.slice(1).join('.')} (${clash.value})`);
      }
      seen.push({ path, value, range });
    });
  }
}
