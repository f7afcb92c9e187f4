import { RETIRED_SECURITY_RULES } from '../../constructs/security';
import { synthEnvironment } from '../support/helpers';

describe('security construct', () => {
  const staging = synthEnvironment('staging');
  const production = synthEnvironment('production');

  it('keeps the four legacy groups with names and descriptions, and adds the frontend group', () => {
    const groups = production.resources('aws_security_group');
    expect(Object.fromEntries(Object.entries(groups).map(([id, g]) => [id, [g.name, g.description, g.vpc_id, g.tags.Name]]))).toEqual({
      security_alb: ['ohmycoins-prod-alb-sg', 'Security group for Application Load Balancer', '${aws_vpc.vpc_main.id}', 'ohmycoins-prod-alb-sg'],
      // The backend's group: name and description force replacement, so they stay as the legacy module set them.
      security_ecs: ['ohmycoins-prod-ecs-sg', 'Security group for ECS tasks', '${aws_vpc.vpc_main.id}', 'ohmycoins-prod-ecs-sg'],
      security_frontend: ['ohmycoins-prod-frontend-sg', 'Security group for the frontend ECS tasks', '${aws_vpc.vpc_main.id}', 'ohmycoins-prod-frontend-sg'],
      security_rds: ['ohmycoins-prod-rds-sg', 'Security group for RDS PostgreSQL', '${aws_vpc.vpc_main.id}', 'ohmycoins-prod-rds-sg'],
      security_redis: ['ohmycoins-prod-redis-sg', 'Security group for ElastiCache Redis', '${aws_vpc.vpc_main.id}', 'ohmycoins-prod-redis-sg'],
    });
    expect(staging.resource('aws_security_group', 'security_alb').name).toBe('ohmycoins-staging-alb-sg');
  });

  it('chains the groups: internet -> ALB -> each service; backend -> RDS and Redis (stacks/platform-stack.isolation.test.ts proves what opens what)', () => {
    const rule = (id: string) => {
      const r = staging.resource('aws_security_group_rule', id);
      return [r.security_group_id, r.type, r.protocol, r.from_port, r.to_port, r.cidr_blocks ?? r.source_security_group_id, r.description];
    };
    const sg = (name: string) => `\${aws_security_group.security_${name}.id}`;
    expect(rule('security_alb_http_ingress')).toEqual([sg('alb'), 'ingress', 'tcp', 80, 80, ['0.0.0.0/0'], 'Allow HTTP from anywhere']);
    expect(rule('security_alb_https_ingress')).toEqual([sg('alb'), 'ingress', 'tcp', 443, 443, ['0.0.0.0/0'], 'Allow HTTPS from anywhere']);
    expect(rule('security_alb_egress')).toEqual([sg('alb'), 'egress', '-1', 0, 0, ['0.0.0.0/0'], 'Allow all outbound traffic']);
    expect(rule('security_ecs_backend_from_alb')).toEqual([sg('ecs'), 'ingress', 'tcp', 8000, 8000, sg('alb'), 'Allow backend traffic from ALB']);
    expect(rule('security_ecs_https_egress')).toEqual([sg('ecs'), 'egress', 'tcp', 443, 443, ['0.0.0.0/0'], 'Allow HTTPS out: container images and AWS APIs']);
    expect(rule('security_ecs_postgres_egress')).toEqual([sg('ecs'), 'egress', 'tcp', 5432, 5432, sg('rds'), 'Allow PostgreSQL to RDS']);
    expect(rule('security_ecs_redis_egress')).toEqual([sg('ecs'), 'egress', 'tcp', 6379, 6379, sg('redis'), 'Allow Redis to ElastiCache']);
    expect(rule('security_frontend_from_alb')).toEqual([sg('frontend'), 'ingress', 'tcp', 80, 80, sg('alb'), 'Allow frontend traffic from ALB']);
    expect(rule('security_frontend_https_egress')).toEqual([sg('frontend'), 'egress', 'tcp', 443, 443, ['0.0.0.0/0'], 'Allow HTTPS out: container images and AWS APIs']);
    expect(rule('security_rds_from_ecs')).toEqual([sg('rds'), 'ingress', 'tcp', 5432, 5432, sg('ecs'), 'Allow PostgreSQL from ECS']);
    expect(rule('security_redis_from_ecs')).toEqual([sg('redis'), 'ingress', 'tcp', 6379, 6379, sg('ecs'), 'Allow Redis from ECS']);
    expect(Object.keys(staging.resources('aws_security_group_rule'))).toHaveLength(11);
  });

  it('forgets the retired legacy rules instead of destroying them, at their legacy and their former address', () => {
    for (const stack of [staging, production]) {
      for (const name of RETIRED_SECURITY_RULES) expect(stack.resources('aws_security_group_rule')[`security_${name}`]).toBeUndefined();
      expect(stack.json.removed).toEqual(
        RETIRED_SECURITY_RULES.flatMap((name) => [
          { from: `module.security.aws_security_group_rule.${name}`, lifecycle: { destroy: false } },
          { from: `aws_security_group_rule.security_${name}`, lifecycle: { destroy: false } },
        ]),
      );
    }
  });

  it('adds the management rule only when CIDRs are given', () => {
    expect(staging.resources('aws_security_group_rule').security_rds_from_cidr).toBeUndefined();
    const withManagement = synthEnvironment('staging', (r) => (r.security.managementCidrBlocks = ['203.0.113.0/24']));
    expect(withManagement.resource('aws_security_group_rule', 'security_rds_from_cidr')).toMatchObject({
      security_group_id: '${aws_security_group.security_rds.id}',
      type: 'ingress',
      from_port: 5432,
      to_port: 5432,
      cidr_blocks: ['203.0.113.0/24'],
    });
  });
});
