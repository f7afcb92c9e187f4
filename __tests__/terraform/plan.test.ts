/**
 * Real Terraform on the synthesized stacks: validate passes, and the offline plan
 * creates exactly the legacy resources, with the values that matter.
 */
import { countByType, plannedValues } from '../../scripts/offline-plan';
import { loadPlan, PLANNED_STACKS, PlannedStack } from './plans';

/**
 * Resources to create per type. Legacy totals: vpc 24 / 45, security 14 / 14
 * (reference section 3).
 */
const EXPECTED_COUNTS: Record<PlannedStack, Record<string, number>> = {
  staging: {
    aws_eip: 1,
    aws_internet_gateway: 1,
    aws_nat_gateway: 1,
    aws_route: 3,
    aws_route_table: 5,
    aws_route_table_association: 6,
    aws_security_group: 4,
    aws_security_group_rule: 10,
    aws_subnet: 6,
    aws_vpc: 1,
  },
  production: {
    aws_cloudwatch_log_group: 1,
    aws_eip: 3,
    aws_flow_log: 1,
    aws_iam_role: 1,
    aws_iam_role_policy: 1,
    aws_internet_gateway: 1,
    aws_nat_gateway: 3,
    aws_route: 4,
    aws_route_table: 7,
    aws_route_table_association: 9,
    aws_security_group: 4,
    aws_security_group_rule: 10,
    aws_subnet: 9,
    aws_vpc: 1,
    aws_vpc_endpoint: 1,
    aws_vpc_endpoint_route_table_association: 3,
  },
};

const EXPECTED_TOTALS: Record<PlannedStack, number> = { staging: 24 + 14, production: 45 + 14 };

describe.each(PLANNED_STACKS)('terraform on the %s stack', (stack) => {
  it('passes terraform validate without errors or warnings', () => {
    const { validate } = loadPlan(stack);
    expect(validate.diagnostics).toEqual([]);
    expect(validate.valid).toBe(true);
  });

  it('plans exactly the expected resources per type', () => {
    expect(countByType(loadPlan(stack))).toEqual(EXPECTED_COUNTS[stack]);
  });

  it('plans only creations, with the expected total', () => {
    const plan = loadPlan(stack);
    expect(plan.plan.resource_changes.every((rc) => rc.change.actions.join() === 'create')).toBe(true);
    expect(plan.plan.resource_changes).toHaveLength(EXPECTED_TOTALS[stack]);
  });
});

describe('planned values', () => {
  it('routes both staging application subnets through the single NAT gateway', () => {
    const plan = loadPlan('staging');
    // nat_gateway_id is unknown until apply; the references are checked in the unit tests.
    expect(plannedValues(plan, 'aws_route.vpc_private_app_nat_gateway_1')).toMatchObject({ destination_cidr_block: '0.0.0.0/0' });
    expect(plannedValues(plan, 'aws_subnet.vpc_private_db_2')).toMatchObject({
      cidr_block: '10.0.22.0/24',
      availability_zone: 'ap-southeast-2b',
      tags: { Name: 'ohmycoins-staging-private-db-subnet-2', Type: 'private-db', Environment: 'staging', Project: 'Oh My Coins', ManagedBy: 'Terraform' },
    });
  });

  it('gives production flow logs with the legacy settings', () => {
    const plan = loadPlan('production');
    expect(plannedValues(plan, 'aws_flow_log.vpc_main')).toMatchObject({ traffic_type: 'ALL', max_aggregation_interval: 60 });
    expect(plannedValues(plan, 'aws_cloudwatch_log_group.vpc_flow_logs')).toMatchObject({ name: '/aws/vpc/flow-logs/ohmycoins-prod', retention_in_days: 7 });
    expect(plannedValues(plan, 'aws_vpc_endpoint.vpc_s3')).toMatchObject({
      service_name: 'com.amazonaws.ap-southeast-2.s3',
      vpc_endpoint_type: 'Gateway',
    });
  });

  it('tags every taggable resource with the common tags through default_tags', () => {
    for (const stack of PLANNED_STACKS) {
      const resources = loadPlan(stack).plan.planned_values.root_module.resources ?? [];
      // Resources whose planned values are all unknown have no `values` key.
      const taggable = resources.filter((r) => r.values && 'tags_all' in r.values);
      expect(taggable.length).toBeGreaterThan(10);
      for (const r of taggable) {
        expect({ address: r.address, tags: r.values.tags_all }).toEqual({
          address: r.address,
          tags: expect.objectContaining({ Project: 'Oh My Coins', Environment: stack, ManagedBy: 'Terraform' }),
        });
      }
    }
  });
});
