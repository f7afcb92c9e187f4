/**
 * The legacy `security` module: four security groups (ALB, ECS, RDS, Redis)
 * chained by source-group rules, every rule a separate `aws_security_group_rule`.
 */
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { SecurityGroupRule, SecurityGroupRuleConfig } from '@cdktf/provider-aws/lib/security-group-rule';
import type { Construct } from 'constructs';
import { pin } from '../lib/addresses';
import { PlatformConstruct, type SharedProps } from './base';

/** Ports the groups open; these are the application's, fixed in the legacy module. */
export const PLATFORM_PORTS = {
  /** FastAPI backend container. */
  backend: 8000,
  /** nginx frontend container. */
  frontend: 80,
  /** PostgreSQL. */
  postgres: 5432,
  /** Redis. */
  redis: 6379,
} as const;

/** The environment's `security` section, with the names it has there (checked by environments/schema.ts). */
export interface SecuritySettings {
  /** CIDRs allowed to reach PostgreSQL directly; the rule exists only when the list is not empty. */
  readonly managementCidrBlocks: readonly string[];
}

/** What the groups connect to. */
export interface SecurityRefs {
  /** VPC the groups belong to. */
  readonly vpcId: string;
}

type RuleSpec = Omit<SecurityGroupRuleConfig, 'securityGroupId'>;

const ALL_OUTBOUND: RuleSpec = { type: 'egress', protocol: '-1', fromPort: 0, toPort: 0, cidrBlocks: ['0.0.0.0/0'], description: 'Allow all outbound traffic' };
const tcpFrom = (port: number, source: SecurityGroup, description: string): RuleSpec => ({
  type: 'ingress',
  protocol: 'tcp',
  fromPort: port,
  toPort: port,
  sourceSecurityGroupId: source.id,
  description,
});

export class SecurityGroups extends PlatformConstruct {
  /** ALB security group id. */
  public readonly albSecurityGroupId: string;
  /** ECS tasks security group id. */
  public readonly ecsSecurityGroupId: string;
  /** RDS security group id. */
  public readonly rdsSecurityGroupId: string;
  /** ElastiCache security group id. */
  public readonly redisSecurityGroupId: string;

  constructor(scope: Construct, id: string, shared: SharedProps, settings: SecuritySettings, refs: SecurityRefs) {
    super(scope, id, shared, 'security');
    const tags = this.tags;
    const at = this.at;

    const names = this.names.security;
    const group = (name: string, groupName: string, description: string) =>
      pin(
        new SecurityGroup(this, `${name}-sg`, { name: groupName, description, vpcId: refs.vpcId, tags: { ...tags, Name: groupName } }),
        at(name),
      );
    const alb = group('alb', names.albSecurityGroup, 'Security group for Application Load Balancer');
    const ecs = group('ecs', names.ecsSecurityGroup, 'Security group for ECS tasks');
    const rds = group('rds', names.rdsSecurityGroup, 'Security group for RDS PostgreSQL');
    const redis = group('redis', names.redisSecurityGroup, 'Security group for ElastiCache Redis');

    const rule = (name: string, target: SecurityGroup, spec: RuleSpec) =>
      pin(new SecurityGroupRule(this, name, { securityGroupId: target.id, ...spec }), at(name));

    rule('alb_http_ingress', alb, { type: 'ingress', protocol: 'tcp', fromPort: 80, toPort: 80, cidrBlocks: ['0.0.0.0/0'], description: 'Allow HTTP from anywhere' });
    rule('alb_https_ingress', alb, { type: 'ingress', protocol: 'tcp', fromPort: 443, toPort: 443, cidrBlocks: ['0.0.0.0/0'], description: 'Allow HTTPS from anywhere' });
    rule('alb_egress', alb, ALL_OUTBOUND);
    rule('ecs_backend_from_alb', ecs, tcpFrom(PLATFORM_PORTS.backend, alb, 'Allow backend traffic from ALB'));
    rule('ecs_frontend_from_alb', ecs, tcpFrom(PLATFORM_PORTS.frontend, alb, 'Allow frontend traffic from ALB'));
    rule('ecs_egress', ecs, ALL_OUTBOUND);
    rule('rds_from_ecs', rds, tcpFrom(PLATFORM_PORTS.postgres, ecs, 'Allow PostgreSQL from ECS'));
    rule('rds_egress', rds, ALL_OUTBOUND);
    rule('redis_from_ecs', redis, tcpFrom(PLATFORM_PORTS.redis, ecs, 'Allow Redis from ECS'));
    rule('redis_egress', redis, ALL_OUTBOUND);
    const management = settings.managementCidrBlocks;
    if (management.length > 0) {
      rule('rds_from_cidr', rds, {
        type: 'ingress',
        protocol: 'tcp',
        fromPort: PLATFORM_PORTS.postgres,
        toPort: PLATFORM_PORTS.postgres,
        cidrBlocks: [...management],
        description: 'Allow PostgreSQL from management CIDRs',
      });
    }

    this.albSecurityGroupId = alb.id;
    this.ecsSecurityGroupId = ecs.id;
    this.rdsSecurityGroupId = rds.id;
    this.redisSecurityGroupId = redis.id;
  }
}
