import { synthEnvironment } from './helpers';

describe('security construct', () => {
  const staging = synthEnvironment('staging');
  const production = synthEnvironment('production');

  it('creates the four legacy groups with names and descriptions', () => {
    const groups = production.resources('aws_security_group');
    expect(Object.fromEntries(Object.entries(groups).map(([id, g]) => [id, [g.name, g.description, g.vpc_id, g.tags.Name]]))).toEqual({
      security_alb: ['ohmycoins-prod-alb-sg', 'Security group for Application Load Balancer', '${aws_vpc.vpc_main.id}', 'ohmycoins-prod-alb-sg'],
      security_ecs: ['ohmycoins-prod-ecs-sg', 'Security group for ECS tasks', '${aws_vpc.vpc_main.id}', 'ohmycoins-prod-ecs-sg'],
      security_rds: ['ohmycoins-prod-rds-sg', 'Security group for RDS PostgreSQL', '${aws_vpc.vpc_main.id}', 'ohmycoins-prod-rds-sg'],
      security_redis: ['ohmycoins-prod-redis-sg', 'Security group for ElastiCache Redis', '${aws_vpc.vpc_main.id}', 'ohmycoins-prod-redis-sg'],
    });
    expect(staging.resource('aws_security_group', 'security_alb').name).toBe('ohmycoins-staging-alb-sg');
  });

  it('chains the groups: internet -> ALB -> ECS -> RDS and Redis', () => {
    const rule = (id: string) => {
      const r = staging.resource('aws_security_group_rule', id);
      return [r.security_group_id, r.type, r.protocol, r.from_port, r.to_port, r.cidr_blocks ?? r.source_security_group_id, r.description];
    };
    expect(rule('security_alb_http_ingress')).toEqual(['${aws_security_group.security_alb.id}', 'ingress', 'tcp', 80, 80, ['0.0.0.0/0'], 'Allow HTTP from anywhere']);
    expect(rule('security_alb_https_ingress')).toEqual(['${aws_security_group.security_alb.id}', 'ingress', 'tcp', 443, 443, ['0.0.0.0/0'], 'Allow HTTPS from anywhere']);
    expect(rule('security_ecs_backend_from_alb')).toEqual(['${aws_security_group.security_ecs.id}', 'ingress', 'tcp', 8000, 8000, '${aws_security_group.security_alb.id}', 'Allow backend traffic from ALB']);
    expect(rule('security_ecs_frontend_from_alb')).toEqual(['${aws_security_group.security_ecs.id}', 'ingress', 'tcp', 80, 80, '${aws_security_group.security_alb.id}', 'Allow frontend traffic from ALB']);
    expect(rule('security_rds_from_ecs')).toEqual(['${aws_security_group.security_rds.id}', 'ingress', 'tcp', 5432, 5432, '${aws_security_group.security_ecs.id}', 'Allow PostgreSQL from ECS']);
    expect(rule('security_redis_from_ecs')).toEqual(['${aws_security_group.security_redis.id}', 'ingress', 'tcp', 6379, 6379, '${aws_security_group.security_ecs.id}', 'Allow Redis from ECS']);
    for (const g of ['alb', 'ecs', 'rds', 'redis']) {
      expect(rule(`security_${g}_egress`)).toEqual([`\${aws_security_group.security_${g}.id}`, 'egress', '-1', 0, 0, ['0.0.0.0/0'], 'Allow all outbound traffic']);
    }
    expect(Object.keys(staging.resources('aws_security_group_rule'))).toHaveLength(10);
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
