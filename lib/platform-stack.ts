/**
 * One environment's stack: the AWS provider with the legacy default tags, the S3
 * state backend, and the platform constructs wired together the way the legacy
 * root configurations wired the modules.
 */
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import type { Construct } from 'constructs';
import { SecurityGroups } from '../constructs/security';
import { VpcNetwork } from '../constructs/vpc';
import type { EnvironmentConfig } from '../environments/schema';
import { AddressPinnedStack } from './addresses';
import { enforcePolicy, type PolicyOptions } from './policy/engine';
import { addS3Backend } from './state-backend';

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
  /** How the security and data-protection policy judges this stack (checked at every synth). */
  public readonly policy: PolicyOptions;

  constructor(scope: Construct, config: EnvironmentConfig) {
    super(scope, config.name);
    this.config = config;
    this.policy = { productionLike: config.productionLike, exceptions: config.policyExceptions };
    enforcePolicy(this, this.policy);
    const tags = commonTags(config);
    this.addOverride('terraform.required_version', REQUIRED_TERRAFORM_VERSION);

    new AwsProvider(this, 'aws', {
      region: config.region,
      defaultTags: [{ tags }],
      allowedAccountIds: config.accountId ? [config.accountId] : undefined,
    });
    addS3Backend(this, config.name, config.stateBackend.locking);

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
