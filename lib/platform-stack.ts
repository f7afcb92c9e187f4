/**
 * One environment's stack: the AWS provider with the legacy default tags, the state
 * backend (S3, or Terraform Cloud), and the platform constructs wired together the way the legacy
 * root configurations wired the modules.
 */
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import type { Construct } from 'constructs';
import { SecurityGroups } from '../constructs/security';
import { VpcNetwork } from '../constructs/vpc';
import type { EnvironmentConfig } from '../environments/schema';
import { AddressPinnedStack } from './addresses';
import { addStateBackend } from './state-backend';

/** The Terraform version every stack requires: S3-native locking needs >= 1.10; CI pins 1.11.4. */
export const REQUIRED_TERRAFORM_VERSION = '>= 1.10.0';

/** Tags on every resource: the legacy `default_tags`. */
export function commonTags(config: EnvironmentConfig): Record<string, string> {
  return { Project: 'Oh My Coins', Environment: config.name, ManagedBy: 'Terraform' };
}

export class PlatformStack extends AddressPinnedStack {
  /** The validated environment this stack was built from. */
  public readonly config: EnvironmentConfig;
  /** The VPC construct. */
  public readonly network: VpcNetwork;
  /** The security groups construct. */
  public readonly securityGroups: SecurityGroups;

  constructor(scope: Construct, config: EnvironmentConfig) {
    super(scope, config.name);
    this.config = config;
    const tags = commonTags(config);
    this.addOverride('terraform.required_version', REQUIRED_TERRAFORM_VERSION);

    new AwsProvider(this, 'aws', {
      region: config.region,
      defaultTags: [{ tags }],
      allowedAccountIds: config.accountId ? [config.accountId] : undefined,
    });
    addStateBackend(this, config.name, config.stateBackend);

    const net = config.network;
    this.network = new VpcNetwork(this, 'vpc', {
      projectName: config.projectName,
      region: config.region,
      cidr: net.vpcCidr,
      availabilityZones: net.availabilityZones,
      publicSubnetCidrs: net.publicSubnetCidrs,
      privateAppSubnetCidrs: net.privateAppSubnetCidrs,
      privateDbSubnetCidrs: net.privateDbSubnetCidrs,
      natGateways: net.natGateways,
      flowLogs: net.flowLogs.enabled,
      flowLogRetentionDays: net.flowLogs.retentionDays,
      s3GatewayEndpoint: net.s3GatewayEndpoint,
      tags,
    });

    this.securityGroups = new SecurityGroups(this, 'security', {
      projectName: config.projectName,
      vpcId: this.network.vpcId,
      managementCidrBlocks: config.security.managementCidrBlocks,
      tags,
    });
  }
}
