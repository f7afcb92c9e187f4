import { TerraformOutput, TerraformStack, Testing } from 'cdktf';
import { Network } from '../../constructs/network';
import { environment, synthEnvironment } from '../support/helpers';

describe('vpc construct in the shipped environments', () => {
  const staging = synthEnvironment('staging');
  const production = synthEnvironment('production');

  it('creates the VPC with the legacy CIDR, DNS settings and name', () => {
    expect(staging.resource('aws_vpc', 'vpc_main')).toMatchObject({
      cidr_block: '10.0.0.0/16',
      enable_dns_hostnames: true,
      enable_dns_support: true,
      tags: { Name: 'ohmycoins-staging-vpc', Project: 'Oh My Coins', Environment: 'staging', ManagedBy: 'Terraform' },
    });
    expect(production.resource('aws_vpc', 'vpc_main').cidr_block).toBe('10.1.0.0/16');
  });

  it('places subnet i of each tier in zone i with its CIDR, name and type', () => {
    expect(production.resource('aws_subnet', 'vpc_private_app_3')).toMatchObject({
      cidr_block: '10.1.13.0/24',
      availability_zone: 'ap-southeast-2c',
      vpc_id: '${aws_vpc.vpc_main.id}',
      tags: { Name: 'ohmycoins-prod-private-app-subnet-3', Type: 'private-app' },
    });
    expect(staging.resource('aws_subnet', 'vpc_public_1')).toMatchObject({
      cidr_block: '10.0.1.0/24',
      map_public_ip_on_launch: true,
      tags: { Name: 'ohmycoins-staging-public-subnet-1', Type: 'public' },
    });
    expect(staging.resource('aws_subnet', 'vpc_private_db_2').map_public_ip_on_launch).toBeUndefined();
  });

  it('uses one NAT gateway for both staging app route tables', () => {
    expect(Object.keys(staging.resources('aws_nat_gateway'))).toEqual(['vpc_main_1']);
    expect(staging.resource('aws_route', 'vpc_private_app_nat_gateway_1').nat_gateway_id).toBe('${aws_nat_gateway.vpc_main_1.id}');
    expect(staging.resource('aws_route', 'vpc_private_app_nat_gateway_2').nat_gateway_id).toBe('${aws_nat_gateway.vpc_main_1.id}');
  });

  it('gives production one NAT gateway and EIP per zone, each route using its own zone', () => {
    expect(Object.keys(production.resources('aws_nat_gateway')).sort()).toEqual(['vpc_main_1', 'vpc_main_2', 'vpc_main_3']);
    for (const i of [1, 2, 3]) {
      expect(production.resource('aws_route', `vpc_private_app_nat_gateway_${i}`).nat_gateway_id).toBe(`\${aws_nat_gateway.vpc_main_${i}.id}`);
      expect(production.resource('aws_nat_gateway', `vpc_main_${i}`)).toMatchObject({
        allocation_id: `\${aws_eip.vpc_nat_${i}.id}`,
        subnet_id: `\${aws_subnet.vpc_public_${i}.id}`,
        depends_on: ['aws_internet_gateway.vpc_main'],
        tags: { Name: `ohmycoins-prod-nat-gateway-${i}` },
      });
      expect(production.resource('aws_eip', `vpc_nat_${i}`)).toMatchObject({ domain: 'vpc', depends_on: ['aws_internet_gateway.vpc_main'] });
    }
  });

  it('routes the public subnets to the internet gateway and gives db subnets no internet route', () => {
    expect(staging.resource('aws_route', 'vpc_public_internet_gateway')).toEqual(
      expect.objectContaining({ route_table_id: '${aws_route_table.vpc_public.id}', destination_cidr_block: '0.0.0.0/0', gateway_id: '${aws_internet_gateway.vpc_main.id}' }),
    );
    const dbRouteTables = Object.values(production.resources('aws_route')).filter((r) => String(r.route_table_id).includes('private_db'));
    expect(dbRouteTables).toEqual([]);
    expect(production.resource('aws_route_table_association', 'vpc_private_db_3')).toMatchObject({
      subnet_id: '${aws_subnet.vpc_private_db_3.id}',
      route_table_id: '${aws_route_table.vpc_private_db_3.id}',
    });
  });

  it('creates flow logs only in production, wired to their log group and role', () => {
    expect(staging.resources('aws_flow_log')).toEqual({});
    expect(staging.resources('aws_iam_role').vpc_flow_logs).toBeUndefined();
    expect(production.resource('aws_flow_log', 'vpc_main')).toMatchObject({
      vpc_id: '${aws_vpc.vpc_main.id}',
      traffic_type: 'ALL',
      max_aggregation_interval: 60,
      log_destination: '${aws_cloudwatch_log_group.vpc_flow_logs.arn}',
      iam_role_arn: '${aws_iam_role.vpc_flow_logs.arn}',
      tags: { Name: 'ohmycoins-prod-flow-logs' },
    });
    expect(production.resource('aws_iam_role', 'vpc_flow_logs').name).toBe('ohmycoins-prod-flow-logs-role');
    expect(JSON.parse(production.resource('aws_iam_role', 'vpc_flow_logs').assume_role_policy).Statement[0].Principal).toEqual({
      Service: 'vpc-flow-logs.amazonaws.com',
    });
    expect(production.resource('aws_iam_role_policy', 'vpc_flow_logs')).toMatchObject({ name: 'ohmycoins-prod-flow-logs-policy', role: '${aws_iam_role.vpc_flow_logs.id}' });
  });

  it('lets the flow-log role write only to its own log group (legacy: every log group)', () => {
    const group = '${aws_cloudwatch_log_group.vpc_flow_logs.arn}';
    expect(JSON.parse(production.resource('aws_iam_role_policy', 'vpc_flow_logs').policy).Statement).toEqual([
      {
        Effect: 'Allow',
        Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
        Resource: [group, `${group}:*`],
      },
      { Effect: 'Allow', Action: ['logs:DescribeLogGroups'], Resource: '*' },
    ]);
  });

  it('attaches the production S3 endpoint to the application route tables only', () => {
    expect(staging.resources('aws_vpc_endpoint')).toEqual({});
    const associations = production.resources('aws_vpc_endpoint_route_table_association');
    expect(Object.values(associations).map((a) => a.route_table_id)).toEqual([
      '${aws_route_table.vpc_private_app_1.id}',
      '${aws_route_table.vpc_private_app_2.id}',
      '${aws_route_table.vpc_private_app_3.id}',
    ]);
    const endpoint = production.resource('aws_vpc_endpoint', 'vpc_s3');
    expect(endpoint).toMatchObject({ service_name: 'com.amazonaws.ap-southeast-2.s3', vpc_id: '${aws_vpc.vpc_main.id}', tags: { Name: 'ohmycoins-prod-s3-endpoint' } });
    // No type set: the provider default is a Gateway endpoint, as in the legacy module (checked in the plan test).
    expect(endpoint).not.toHaveProperty('vpc_endpoint_type');
  });
});

describe('vpc construct options', () => {
  // The shipped staging network, changed only where a test says so.
  const staging = environment('staging');
  const shared = { projectName: 'x', tags: {} };

  it('without NAT creates no EIP, gateway, app route tables or endpoint associations (D25)', () => {
    const net = synthEnvironment('production', (r) => (r.network.natGateways = 'none'));
    expect(net.resources('aws_nat_gateway')).toEqual({});
    expect(net.resources('aws_eip')).toEqual({});
    expect(Object.keys(net.resources('aws_route_table')).sort()).toEqual(['vpc_private_db_1', 'vpc_private_db_2', 'vpc_private_db_3', 'vpc_public']);
    expect(Object.keys(net.resources('aws_vpc_endpoint'))).toEqual(['vpc_s3']);
    expect(net.resources('aws_vpc_endpoint_route_table_association')).toEqual({});
  });

  it('refuses subnet lists that do not match the zones (D25), naming the field', () => {
    const stack = new TerraformStack(Testing.app(), 'test');
    expect(
      () =>
        new Network(stack, 'vpc', shared, {
          ...staging.network,
          availabilityZones: ['ap-southeast-2a', 'ap-southeast-2b'],
          publicSubnetCidrs: ['10.0.1.0/24', '10.0.2.0/24'],
          privateAppSubnetCidrs: ['10.0.11.0/24'],
          privateDbSubnetCidrs: ['10.0.21.0/24', '10.0.22.0/24'],
        }, { region: 'ap-southeast-2' }),
    ).toThrow('test/vpc: privateAppSubnetCidrs has 1 entries but there are 2 availability zones; give one per zone');
  });

  it('exposes typed outputs that reference the resources', () => {
    const stack = new TerraformStack(Testing.app(), 'test');
    const vpc = new Network(stack, 'vpc', shared, {
      ...staging.network,
      availabilityZones: ['ap-southeast-2a'],
      publicSubnetCidrs: ['10.0.1.0/24'],
      privateAppSubnetCidrs: ['10.0.11.0/24'],
      privateDbSubnetCidrs: ['10.0.21.0/24'],
      natGateways: 'single',
    }, { region: 'ap-southeast-2' });
    expect(vpc.publicSubnetIds).toHaveLength(1);
    expect(vpc.natGatewayCount).toBe(1);
    new TerraformOutput(stack, 'vpc_id', { value: vpc.vpcId });
    new TerraformOutput(stack, 'db_subnets', { value: vpc.privateDbSubnetIds });
    new TerraformOutput(stack, 'app_route_tables', { value: vpc.privateAppRouteTableIds });
    const outputs = JSON.parse(Testing.synth(stack)).output;
    expect(outputs.vpc_id.value).toBe('${aws_vpc.vpc_main.id}');
    expect(outputs.db_subnets.value).toEqual(['${aws_subnet.vpc_private_db_1.id}']);
    expect(outputs.app_route_tables.value).toEqual(['${aws_route_table.vpc_private_app_1.id}']);
  });
});
