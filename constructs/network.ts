/**
 * The legacy `vpc` module: one VPC with public, private-application and
 * private-database subnets per availability zone, NAT egress for the
 * application tier, optional flow logs and an optional S3 gateway endpoint.
 */
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { Eip } from '@cdktf/provider-aws/lib/eip';
import { FlowLog } from '@cdktf/provider-aws/lib/flow-log';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { InternetGateway } from '@cdktf/provider-aws/lib/internet-gateway';
import { NatGateway } from '@cdktf/provider-aws/lib/nat-gateway';
import { Route } from '@cdktf/provider-aws/lib/route';
import { RouteTable } from '@cdktf/provider-aws/lib/route-table';
import { RouteTableAssociation } from '@cdktf/provider-aws/lib/route-table-association';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import { VpcEndpointRouteTableAssociation } from '@cdktf/provider-aws/lib/vpc-endpoint-route-table-association';
import type { Construct } from 'constructs';
import { pin } from '../lib/addresses';
import { assumeRolePolicy, policyDocument } from '../lib/iam-document';
import type { NetworkSettings } from '../environments/schema/network';
import { PlatformConstruct, type SharedProps } from './base';

/** How the private application subnets reach the internet: no NAT, one shared gateway, or one per zone. */
export const NAT_MODES = ['none', 'single', 'one-per-az'] as const;
export type NatMode = (typeof NAT_MODES)[number];

/** The subnet lists of the `network` section: one CIDR per availability zone each. */
export const SUBNET_TIERS = ['publicSubnetCidrs', 'privateAppSubnetCidrs', 'privateDbSubnetCidrs'] as const;

/**
 * Whether a subnet list misses the one-CIDR-per-zone rule. The one statement of the rule: the
 * schema's check (environments/schema/network.ts) reports it for an environment file, the
 * construct's guard for settings given to it directly.
 */
export function notOnePerZone(subnets: { readonly length: number }, zones: { readonly length: number }): boolean {
  return subnets.length !== zones.length;
}

/** What the network needs besides its settings. */
export interface NetworkRefs {
  /** Region of the VPC; used for the S3 endpoint service name. */
  readonly region: string;
}


/**
 * The flow-log role may write only to its own log group (legacy: `Resource: "*"`, which the
 * iam-wildcard-resource policy rule, CKV_AWS_355, refuses). DescribeLogGroups supports no
 * resource-level permission, so it keeps `*`.
 */
function flowLogsPolicy(logGroupArn: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
        Resource: [logGroupArn, `${logGroupArn}:*`],
      },
      { Effect: 'Allow', Action: ['logs:DescribeLogGroups'], Resource: '*' },
    ],
  });
}

/** NAT gateways (each with an Elastic IP) a network creates for a NAT mode and number of zones. */
export function natGatewayCount(mode: NatMode, availabilityZones: number): number {
  return mode === 'none' ? 0 : mode === 'single' ? 1 : availabilityZones;
}

/**
 * The S3 gateway endpoint's policy: through the endpoint, only the S3 requests the backend's task role
 * may make (the project's buckets, in this account). The default endpoint policy allows every request
 * to every bucket of every account, a path out for data. Nothing else in the application subnets uses
 * S3: the images come from GHCR, not ECR (whose layers are in S3).
 */
export function s3EndpointPolicy(projectName: string, accountId: string): string {
  return policyDocument({
    Sid: 'ProjectBucketsOfThisAccount',
    Effect: 'Allow',
    Principal: '*',
    Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:ListBucket'],
    Resource: [`arn:aws:s3:::${projectName}-*`, `arn:aws:s3:::${projectName}-*/*`],
    Condition: { StringEquals: { 's3:ResourceAccount': accountId } },
  });
}

export class Network extends PlatformConstruct {
  /** VPC id. */
  public readonly vpcId: string;
  /** VPC CIDR block. */
  public readonly vpcCidr: string;
  /** Id of the AWS account that owns the VPC (known after apply; no data source needed). */
  public readonly ownerAccountId: string;
  /** Internet gateway id. */
  public readonly internetGatewayId: string;
  /** Public subnet ids, in zone order. */
  public readonly publicSubnetIds: string[];
  /** Private application subnet ids, in zone order. */
  public readonly privateAppSubnetIds: string[];
  /** Private database subnet ids, in zone order. */
  public readonly privateDbSubnetIds: string[];
  /** NAT gateway ids (empty when natGateways is `none`). */
  public readonly natGatewayIds: string[];
  /** Route tables of the application subnets (empty when natGateways is `none`). */
  public readonly privateAppRouteTableIds: string[];
  /** Number of NAT gateways (and Elastic IPs) this network creates. */
  public readonly natGatewayCount: number;

  constructor(scope: Construct, id: string, shared: SharedProps, settings: NetworkSettings, refs: NetworkRefs) {
    super(scope, id, shared, 'vpc');
    const azs = settings.availabilityZones;
    for (const field of SUBNET_TIERS) {
      const list = settings[field];
      if (notOnePerZone(list, azs)) {
        throw new Error(`${this.node.path}: ${field} has ${list.length} entries but there are ${azs.length} availability zones; give one per zone`);
      }
    }
    const p = this.projectName;
    const tags = this.tags;
    const named = (name: string, extra: Record<string, string> = {}) => ({ ...tags, Name: name, ...extra });
    const at = this.at;
    const natMode = settings.natGateways;

    const vpc = pin(
      new Vpc(this, 'Vpc', {
        cidrBlock: settings.vpcCidr,
        enableDnsHostnames: true,
        enableDnsSupport: true,
        tags: named(`${p}-vpc`),
      }),
      at('main'),
    );
    const igw = pin(new InternetGateway(this, 'InternetGateway', { vpcId: vpc.id, tags: named(`${p}-igw`) }), at('main'));

    const subnetTier = (tier: string, type: string, cidrs: readonly string[], extra: { mapPublicIpOnLaunch?: boolean } = {}) =>
      cidrs.map((cidrBlock, i) =>
        pin(
          new Subnet(this, `${tier}-subnet-${i + 1}`, {
            vpcId: vpc.id,
            cidrBlock,
            availabilityZone: azs[i],
            ...extra,
            tags: named(`${p}-${type}-subnet-${i + 1}`, { Type: type }),
          }),
          at(tier, i),
        ),
      );
    const publicSubnets = subnetTier('public', 'public', settings.publicSubnetCidrs, { mapPublicIpOnLaunch: true });
    const appSubnets = subnetTier('private_app', 'private-app', settings.privateAppSubnetCidrs);
    const dbSubnets = subnetTier('private_db', 'private-db', settings.privateDbSubnetCidrs);

    this.natGatewayCount = natGatewayCount(natMode, azs.length);
    const natGateways = Array.from({ length: this.natGatewayCount }, (_, i) => {
      const eip = pin(
        new Eip(this, `nat-eip-${i + 1}`, { domain: 'vpc', tags: named(`${p}-nat-eip-${i + 1}`), dependsOn: [igw] }),
        at('nat', i),
      );
      return pin(
        new NatGateway(this, `nat-gateway-${i + 1}`, {
          allocationId: eip.id,
          subnetId: publicSubnets[i].id,
          tags: named(`${p}-nat-gateway-${i + 1}`),
          dependsOn: [igw],
        }),
        at('main', i),
      );
    });

    const publicRt = pin(new RouteTable(this, 'public-rt', { vpcId: vpc.id, tags: named(`${p}-public-rt`) }), at('public'));
    pin(
      new Route(this, 'public-default-route', { routeTableId: publicRt.id, destinationCidrBlock: '0.0.0.0/0', gatewayId: igw.id }),
      at('public_internet_gateway'),
    );
    publicSubnets.forEach((subnet, i) =>
      pin(new RouteTableAssociation(this, `public-rta-${i + 1}`, { subnetId: subnet.id, routeTableId: publicRt.id }), at('public', i)),
    );

    // Application route tables exist only with NAT, as in the legacy module; without NAT the
    // application subnets use the VPC's main route table.
    const appRouteTables = natGateways.length === 0 ? [] : appSubnets.map((subnet, i) => {
      const rt = pin(new RouteTable(this, `private-app-rt-${i + 1}`, { vpcId: vpc.id, tags: named(`${p}-private-app-rt-${i + 1}`) }), at('private_app', i));
      pin(
        new Route(this, `private-app-nat-route-${i + 1}`, {
          routeTableId: rt.id,
          destinationCidrBlock: '0.0.0.0/0',
          natGatewayId: natGateways[natMode === 'single' ? 0 : i].id,
        }),
        at('private_app_nat_gateway', i),
      );
      pin(new RouteTableAssociation(this, `private-app-rta-${i + 1}`, { subnetId: subnet.id, routeTableId: rt.id }), at('private_app', i));
      return rt;
    });

    dbSubnets.forEach((subnet, i) => {
      const rt = pin(new RouteTable(this, `private-db-rt-${i + 1}`, { vpcId: vpc.id, tags: named(`${p}-private-db-rt-${i + 1}`) }), at('private_db', i));
      pin(new RouteTableAssociation(this, `private-db-rta-${i + 1}`, { subnetId: subnet.id, routeTableId: rt.id }), at('private_db', i));
    });

    if (settings.flowLogs.enabled) {
      const names = this.names.vpc;
      const logGroup = pin(
        new CloudwatchLogGroup(this, 'flow-logs-group', {
          name: names.flowLogGroup,
          retentionInDays: settings.flowLogs.retentionDays,
          tags,
        }),
        at('flow_logs'),
        'counted-once',
      );
      const role = pin(
        new IamRole(this, 'flow-logs-role', {
          name: names.flowLogRole,
          // Confused-deputy conditions: the VPC Flow Logs user guide's trust policy for publishing to CloudWatch Logs.
          assumeRolePolicy: assumeRolePolicy('vpc-flow-logs.amazonaws.com', {
            account: vpc.ownerId,
            arn: `arn:aws:ec2:${refs.region}:${vpc.ownerId}:vpc-flow-log/*`,
          }),
          tags,
        }),
        at('flow_logs'),
        'counted-once',
      );
      pin(new IamRolePolicy(this, 'flow-logs-policy', { name: names.flowLogPolicy, role: role.id, policy: flowLogsPolicy(logGroup.arn) }), at('flow_logs'), 'counted-once');
      pin(
        new FlowLog(this, 'flow-log', {
          vpcId: vpc.id,
          trafficType: 'ALL',
          maxAggregationInterval: 60,
          logDestination: logGroup.arn,
          iamRoleArn: role.arn,
          tags: named(`${p}-flow-logs`),
        }),
        at('main'),
        'counted-once',
      );
    }

    // D25 [subnets by zone position]: associate the endpoint only with route tables that exist.
    if (settings.s3GatewayEndpoint) {
      const endpoint = pin(
        new VpcEndpoint(this, 's3-endpoint', {
          vpcId: vpc.id,
          serviceName: `com.amazonaws.${refs.region}.s3`,
          policy: s3EndpointPolicy(p, vpc.ownerId),
          tags: named(`${p}-s3-endpoint`),
        }),
        at('s3'),
        'counted-once',
      );
      appRouteTables.forEach((rt, i) =>
        pin(
          new VpcEndpointRouteTableAssociation(this, `s3-endpoint-rta-${i + 1}`, { vpcEndpointId: endpoint.id, routeTableId: rt.id }),
          at('s3_private_app', i),
        ),
      );
    }

    this.vpcId = vpc.id;
    this.vpcCidr = vpc.cidrBlock;
    this.ownerAccountId = vpc.ownerId;
    this.internetGatewayId = igw.id;
    this.publicSubnetIds = publicSubnets.map((s) => s.id);
    this.privateAppSubnetIds = appSubnets.map((s) => s.id);
    this.privateDbSubnetIds = dbSubnets.map((s) => s.id);
    this.natGatewayIds = natGateways.map((n) => n.id);
    this.privateAppRouteTableIds = appRouteTables.map((rt) => rt.id);
  }
}
