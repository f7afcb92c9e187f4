/**
 * The legacy `security` module: security groups chained by source-group rules, every rule a separate
 * `aws_security_group_rule`.
 *
 * Each service has its own group: the backend keeps the legacy ECS group (a group's name and
 * description cannot change without replacing it, and RDS and Redis already admit it), the frontend
 * gets a group of its own. Only the backend's group may open PostgreSQL and Redis; the data tier has
 * no egress rule (security groups are stateful: replies need none); the services' egress is HTTPS
 * (image pulls from GHCR, AWS APIs: no interface endpoints here) and, for the backend, the data
 * tier's ports to their groups. DNS to the VPC resolver is not subject to security groups.
 *
 * Four legacy rules have no place in that picture (`RETIRED_SECURITY_RULES`). The first plan against
 * a running environment must not cut the tasks it is replacing, so the stack does not destroy them:
 * `removed` blocks with `destroy = false` make Terraform forget them, and docs/migration.md deletes
 * them once the services have rolled onto the new groups.
 */
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { SecurityGroupRule, SecurityGroupRuleConfig } from '@cdktf/provider-aws/lib/security-group-rule';
import type { Construct } from 'constructs';
import { legacyAddress, logicalIds, pin } from '../lib/addresses';
import type { SecuritySettings } from '../environments/schema/security';
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

/**
 * Legacy rules this stack no longer declares, by the name they have in the legacy `security` module:
 * the backend's group opening the frontend's port, and allow-all egress of the ECS, RDS and Redis groups.
 */
export const RETIRED_SECURITY_RULES = ['ecs_frontend_from_alb', 'ecs_egress', 'rds_egress', 'redis_egress'] as const;

/** A Terraform `removed` block that forgets a resource without destroying it. */
export interface RemovedBlock {
  readonly from: string;
  readonly lifecycle: { readonly destroy: false };
}

/**
 * The `removed` blocks of the retired rules, at both addresses a state may hold them: the legacy
 * module's and the one this stack gave them before (`aws_security_group_rule.security_<name>`). A block
 * whose resource is not in the state does nothing, so they are harmless in a new or migrated environment.
 */
export function retiredSecurityRuleRemovals(): RemovedBlock[] {
  return RETIRED_SECURITY_RULES.flatMap((name) => {
    const current = logicalIds('security')(name);
    const legacy = legacyAddress('aws_security_group_rule', current);
    return [legacy, `aws_security_group_rule.${current}`].map((from) => ({ from: from as string, lifecycle: { destroy: false } as const }));
  });
}

/** What the groups connect to. */
export interface SecurityRefs {
  /** VPC the groups belong to. */
  readonly vpcId: string;
}

type RuleSpec = Omit<SecurityGroupRuleConfig, 'securityGroupId'>;

const ALL_OUTBOUND: RuleSpec = { type: 'egress', protocol: '-1', fromPort: 0, toPort: 0, cidrBlocks: ['0.0.0.0/0'], description: 'Allow all outbound traffic' };
/** HTTPS out: container images (GHCR) and AWS APIs (Secrets Manager, CloudWatch Logs, SSM messages). */
const HTTPS_OUTBOUND: RuleSpec = {
  type: 'egress',
  protocol: 'tcp',
  fromPort: 443,
  toPort: 443,
  cidrBlocks: ['0.0.0.0/0'],
  description: 'Allow HTTPS out: container images and AWS APIs',
};
const tcp = (type: 'ingress' | 'egress', port: number, peer: SecurityGroup, description: string): RuleSpec => ({
  type,
  protocol: 'tcp',
  fromPort: port,
  toPort: port,
  sourceSecurityGroupId: peer.id,
  description,
});
const tcpFrom = (port: number, source: SecurityGroup, description: string) => tcp('ingress', port, source, description);
const tcpTo = (port: number, target: SecurityGroup, description: string) => tcp('egress', port, target, description);

export class Security extends PlatformConstruct {
  /** ALB security group id. */
  public readonly albSecurityGroupId: string;
  /** The backend tasks' security group id (the legacy ECS group): the only group RDS and Redis admit. */
  public readonly backendSecurityGroupId: string;
  /** The frontend tasks' security group id. */
  public readonly frontendSecurityGroupId: string;
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
    // The backend's group: the legacy ECS group, kept as it is (name and description force replacement).
    const backend = group('ecs', names.ecsSecurityGroup, 'Security group for ECS tasks');
    const frontend = pin(
      new SecurityGroup(this, 'frontend-sg', {
        name: names.frontendSecurityGroup,
        description: 'Security group for the frontend ECS tasks',
        vpcId: refs.vpcId,
        tags: { ...tags, Name: names.frontendSecurityGroup },
      }),
      at('frontend'),
      'added',
    );
    const rds = group('rds', names.rdsSecurityGroup, 'Security group for RDS PostgreSQL');
    const redis = group('redis', names.redisSecurityGroup, 'Security group for ElastiCache Redis');

    const rule = (name: string, target: SecurityGroup, spec: RuleSpec, origin?: 'added') =>
      pin(new SecurityGroupRule(this, name, { securityGroupId: target.id, ...spec }), at(name), origin);
    const added = (name: string, target: SecurityGroup, spec: RuleSpec) => rule(name, target, spec, 'added');

    rule('alb_http_ingress', alb, { type: 'ingress', protocol: 'tcp', fromPort: 80, toPort: 80, cidrBlocks: ['0.0.0.0/0'], description: 'Allow HTTP from anywhere' });
    rule('alb_https_ingress', alb, { type: 'ingress', protocol: 'tcp', fromPort: 443, toPort: 443, cidrBlocks: ['0.0.0.0/0'], description: 'Allow HTTPS from anywhere' });
    rule('alb_egress', alb, ALL_OUTBOUND);
    // The legacy descriptions stay: changing one is harmless but would be one more in-place change.
    rule('ecs_backend_from_alb', backend, tcpFrom(PLATFORM_PORTS.backend, alb, 'Allow backend traffic from ALB'));
    added('ecs_https_egress', backend, HTTPS_OUTBOUND);
    added('ecs_postgres_egress', backend, tcpTo(PLATFORM_PORTS.postgres, rds, 'Allow PostgreSQL to RDS'));
    added('ecs_redis_egress', backend, tcpTo(PLATFORM_PORTS.redis, redis, 'Allow Redis to ElastiCache'));
    added('frontend_from_alb', frontend, tcpFrom(PLATFORM_PORTS.frontend, alb, 'Allow frontend traffic from ALB'));
    added('frontend_https_egress', frontend, HTTPS_OUTBOUND);
    rule('rds_from_ecs', rds, tcpFrom(PLATFORM_PORTS.postgres, backend, 'Allow PostgreSQL from ECS'));
    rule('redis_from_ecs', redis, tcpFrom(PLATFORM_PORTS.redis, backend, 'Allow Redis from ECS'));
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
    this.backendSecurityGroupId = backend.id;
    this.frontendSecurityGroupId = frontend.id;
    this.rdsSecurityGroupId = rds.id;
    this.redisSecurityGroupId = redis.id;
  }
}
