/**
 * The two services are isolated from each other, proved on the synthesized JSON of every environment:
 *  - which security group can open which port on RDS and Redis (an ingress rule on the data tier's
 *    group AND an egress rule on the sender's group), and what each service's group may send at all;
 *  - what each service's task and execution roles can NOT do, decided by a real IAM evaluator
 *    (iam-evaluator.ts) on the resolved policies, managed ones included;
 *  - the confused-deputy conditions of every service trust policy, evaluated the same way.
 */
import { ENVIRONMENTS } from '../../environments';
import { EXEC_SSM_ACTIONS } from '../../constructs/iam';
import { PLATFORM_PORTS } from '../../constructs/security';
import { type EnvName, synthEnvironment, type SynthesizedStack } from '../support/helpers';
import { Testing } from 'cdktf';
import { checkStackPolicy } from '../../lib/policy/engine';
import { POLICY_RULES } from '../../lib/policy/rules';
import { PlatformStack } from '../../stacks/platform-stack';
import { environment } from '../support/helpers';
import { ACCOUNT, ALLOW_ALL, type Decision, endpointDecision, identityDecision, OTHER_ACCOUNT, resolvedArn, resolveReferences, trustDecision } from '../support/iam-evaluator';

/**
 * AmazonECSTaskExecutionRolePolicy, the AWS-managed policy the backend's execution role has attached
 * (its document as AWS publishes it in the AWS Managed Policy Reference Guide, version 1).
 */
const AMAZON_ECS_TASK_EXECUTION_ROLE_POLICY = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Action: ['ecr:GetAuthorizationToken', 'ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage', 'logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: '*',
    },
  ],
};
const MANAGED: Record<string, Record<string, any>> = {
  'arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy': AMAZON_ECS_TASK_EXECUTION_ROLE_POLICY,
};

const REF = /^\$\{aws_iam_role\.([a-z0-9_]+)\.(arn|id|name)\}$/;

/** Every identity policy of the role with logical id `role`: inline and attached managed ones, resolved. */
function rolePolicies(stack: SynthesizedStack, role: string): Record<string, any>[] {
  const ofRole = (r: Record<string, any>) => REF.exec(String(r.role))?.[1] === role;
  const inline = Object.values(stack.resources('aws_iam_role_policy')).filter(ofRole).map((p) => resolveReferences(p.policy));
  const attached = Object.values(stack.resources('aws_iam_role_policy_attachment'))
    .filter(ofRole)
    .map((a) => {
      const managed = MANAGED[a.policy_arn];
      if (!managed) throw new Error(`no document for the managed policy ${a.policy_arn}: add it to MANAGED`);
      return managed;
    });
  return [...inline, ...attached];
}

/** The logical ids of a service's task role and execution role, from its task definition. */
function serviceRoles(stack: SynthesizedStack, service: 'backend' | 'frontend'): { task: string; execution: string } {
  const definition = stack.resource('aws_ecs_task_definition', `ecs_${service}`);
  const id = (value: string) => {
    const match = REF.exec(value);
    if (!match) throw new Error(`${service}: role ${value} is not a reference to a role of the stack`);
    return match[1];
  };
  return { task: id(definition.task_role_arn), execution: id(definition.execution_role_arn) };
}

const SG_REF = /^\$\{aws_security_group\.([a-z0-9_]+)\.id\}$/;
const sgOf = (value: string) => SG_REF.exec(value)?.[1] ?? `cidr ${value}`;
const covers = (rule: Record<string, any>, port: number) =>
  rule.protocol === '-1' || (rule.protocol === 'tcp' && rule.from_port <= port && port <= rule.to_port);

/**
 * The senders that can open `port` on the group `target`: `<group>` for a security group whose
 * egress lets the connection out and whose members the target's ingress admits, `cidr <block>` for
 * addresses the target admits directly.
 */
function openers(stack: SynthesizedStack, target: string, port: number): string[] {
  const rules = Object.values(stack.resources('aws_security_group_rule'));
  const on = (group: string, type: string) => rules.filter((r) => sgOf(r.security_group_id) === group && r.type === type && covers(r, port));
  const out = new Set<string>();
  for (const ingress of on(target, 'ingress')) {
    if (ingress.cidr_blocks) for (const cidr of ingress.cidr_blocks as string[]) out.add(`cidr ${cidr}`);
    if (!ingress.source_security_group_id) continue;
    const source = sgOf(ingress.source_security_group_id);
    const egress = on(source, 'egress').some((e) => (e.source_security_group_id ? sgOf(e.source_security_group_id) === target : (e.cidr_blocks ?? []).includes('0.0.0.0/0')));
    if (egress) out.add(source);
  }
  return [...out].sort();
}

/** Where a group may send: `<port> to <group or cidr>` per egress rule. */
function egressOf(stack: SynthesizedStack, group: string): string[] {
  return Object.values(stack.resources('aws_security_group_rule'))
    .filter((r) => sgOf(r.security_group_id) === group && r.type === 'egress')
    .map((r) => `${r.protocol === '-1' ? 'all' : r.from_port === r.to_port ? r.from_port : `${r.from_port}-${r.to_port}`} to ${r.source_security_group_id ? sgOf(r.source_security_group_id) : r.cidr_blocks.join(',')}`)
    .sort();
}

/** The security group of a service's tasks. */
function serviceGroup(stack: SynthesizedStack, service: 'backend' | 'frontend'): string {
  const groups = stack.resource('aws_ecs_service', `ecs_${service}`).network_configuration.security_groups as string[];
  expect(groups).toHaveLength(1);
  return sgOf(groups[0]);
}

describe.each(Object.keys(ENVIRONMENTS) as EnvName[])('service isolation in %s', (name) => {
  const stack = synthEnvironment(name);
  const allowed = (d: Decision) => d === 'Allowed';

  describe('security groups', () => {
    it('gives each service a group of its own', () => {
      expect(serviceGroup(stack, 'backend')).not.toBe(serviceGroup(stack, 'frontend'));
    });

    it('lets only the backend group open PostgreSQL and Redis', () => {
      const backend = serviceGroup(stack, 'backend');
      const management = (stack.json.resource.aws_security_group_rule.security_rds_from_cidr?.cidr_blocks ?? []).map((c: string) => `cidr ${c}`);
      expect(openers(stack, 'security_rds', PLATFORM_PORTS.postgres)).toEqual([backend, ...management].sort());
      expect(openers(stack, 'security_redis', PLATFORM_PORTS.redis)).toEqual([backend]);
      // The frontend's group reaches no port of the data tier at all.
      const frontend = serviceGroup(stack, 'frontend');
      for (const [group, port] of [['security_rds', PLATFORM_PORTS.postgres], ['security_redis', PLATFORM_PORTS.redis]] as const) {
        expect(openers(stack, group, port)).not.toContain(frontend);
      }
    });

    it('opens each service port to the load balancer only, on that service group only', () => {
      expect(openers(stack, serviceGroup(stack, 'backend'), PLATFORM_PORTS.backend)).toEqual(['security_alb']);
      expect(openers(stack, serviceGroup(stack, 'frontend'), PLATFORM_PORTS.frontend)).toEqual(['security_alb']);
      expect(openers(stack, serviceGroup(stack, 'backend'), PLATFORM_PORTS.frontend)).toEqual([]);
      expect(openers(stack, serviceGroup(stack, 'frontend'), PLATFORM_PORTS.backend)).toEqual([]);
    });

    it('narrows egress: HTTPS out for both services, the data tier ports for the backend only, none for RDS and Redis', () => {
      expect(egressOf(stack, serviceGroup(stack, 'backend'))).toEqual(['443 to 0.0.0.0/0', '5432 to security_rds', '6379 to security_redis']);
      expect(egressOf(stack, serviceGroup(stack, 'frontend'))).toEqual(['443 to 0.0.0.0/0']);
      expect(egressOf(stack, 'security_rds')).toEqual([]);
      expect(egressOf(stack, 'security_redis')).toEqual([]);
    });
  });

  describe('roles', () => {
    const backend = serviceRoles(stack, 'backend');
    const frontend = serviceRoles(stack, 'frontend');
    const secrets = [
      resolvedArn('aws_secretsmanager_secret.app_secrets.arn'),
      resolvedArn('terraform_data.rds_master_user_secret.output.secret_arns.0'),
      ...(stack.resources('aws_secretsmanager_secret').redis_auth_token ? [resolvedArn('aws_secretsmanager_secret.redis_auth_token.arn')] : []),
    ];
    const project = stack.resource('aws_ecs_cluster', 'ecs_main').name.replace(/-cluster$/, '');
    const can = async (role: string, action: string, resource: string, resourceAccount?: string) =>
      allowed(await identityDecision({ policies: rolePolicies(stack, role), action, resource, resourceAccount }));

    it('gives each service its own task role and execution role', () => {
      expect(new Set([backend.task, backend.execution, frontend.task, frontend.execution]).size).toBe(4);
    });

    it('the frontend task role can do nothing: no S3, no secret, no exec channel, no logs', async () => {
      expect(rolePolicies(stack, frontend.task)).toEqual([]);
      for (const [action, resource] of [
        ['s3:GetObject', `arn:aws:s3:::${project}-uploads/key`],
        ['secretsmanager:GetSecretValue', secrets[0]],
        ['ssmmessages:OpenDataChannel', '*'],
        ['logs:PutLogEvents', `arn:aws:logs:ap-southeast-2:${ACCOUNT}:log-group:/ecs/${project}/frontend:log-stream:x`],
      ]) {
        expect([action, await can(frontend.task, action, resource)]).toEqual([action, false]);
      }
    });

    it('the frontend execution role reads no secret and writes only the frontend log group', async () => {
      for (const secret of secrets) expect(await can(frontend.execution, 'secretsmanager:GetSecretValue', secret)).toBe(false);
      const stream = (group: string) => `arn:aws:logs:ap-southeast-2:${ACCOUNT}:log-group:/ecs/${project}/${group}:log-stream:ecs/x`;
      expect(await can(frontend.execution, 'logs:PutLogEvents', stream('frontend'))).toBe(true);
      expect(await can(frontend.execution, 'logs:PutLogEvents', stream('backend'))).toBe(false);
      expect(await can(frontend.execution, 'ecr:BatchGetImage', `arn:aws:ecr:ap-southeast-2:${ACCOUNT}:repository/x`)).toBe(false);
    });

    it('the backend execution role reads exactly the container secrets, no other secret', async () => {
      for (const secret of secrets) expect(await can(backend.execution, 'secretsmanager:GetSecretValue', secret)).toBe(true);
      const other = `arn:aws:secretsmanager:ap-southeast-2:${ACCOUNT}:secret:someone-elses-AbCdEf`;
      expect(await can(backend.execution, 'secretsmanager:GetSecretValue', other)).toBe(false);
      expect(await can(backend.execution, 'secretsmanager:PutSecretValue', secrets[0])).toBe(false);
    });

    it("the backend task role reaches the project's buckets in this account only", async () => {
      expect(await can(backend.task, 's3:GetObject', `arn:aws:s3:::${project}-uploads/key`)).toBe(true);
      expect(await can(backend.task, 's3:ListBucket', `arn:aws:s3:::${project}-uploads`)).toBe(true);
      // A bucket with a matching name in another account (bucket names are global).
      expect(await can(backend.task, 's3:GetObject', `arn:aws:s3:::${project}-uploads/key`, OTHER_ACCOUNT)).toBe(false);
      expect(await can(backend.task, 's3:PutObject', `arn:aws:s3:::${project}-uploads/key`, OTHER_ACCOUNT)).toBe(false);
      expect(await can(backend.task, 's3:GetObject', 'arn:aws:s3:::another-project/key')).toBe(false);
      expect(await can(backend.task, 's3:PutBucketPolicy', `arn:aws:s3:::${project}-uploads`)).toBe(false);
      // Its secrets: the application secret only, never the database master secret.
      expect(await can(backend.task, 'secretsmanager:GetSecretValue', secrets[0])).toBe(true);
      expect(await can(backend.task, 'secretsmanager:GetSecretValue', secrets[1])).toBe(false);
    });

    it('the backend task role opens the exec channel exactly where ECS Exec is on', async () => {
      const exec = stack.resource('aws_ecs_service', 'ecs_backend').enable_execute_command === true;
      for (const action of EXEC_SSM_ACTIONS) expect([action, await can(backend.task, action, '*')]).toEqual([action, exec]);
    });
  });

  it('passes the ecs-exec-ready rule: exec, where on, has its channel, init process and logged sessions', () => {
    const report = checkStackPolicy(new PlatformStack(Testing.app(), environment(name)), {
      productionLike: true,
      rules: POLICY_RULES.filter((r) => r.id === 'ecs-exec-ready'),
    });
    const exec = stack.resource('aws_ecs_service', 'ecs_backend').enable_execute_command === true;
    expect(report.results.filter((r) => r.rule === 'ecs-exec-ready').map((r) => [r.resource, r.status])).toEqual([[exec ? 'aws_ecs_service.ecs_backend' : '-', 'pass']]);
  });

  it('lets the S3 gateway endpoint carry requests to the project buckets of this account only', async () => {
    const endpoint = stack.resources('aws_vpc_endpoint').vpc_s3;
    if (!endpoint) return; // this environment has no S3 endpoint
    const policy = resolveReferences(endpoint.policy);
    const project = stack.resource('aws_ecs_cluster', 'ecs_main').name.replace(/-cluster$/, '');
    const through = async (action: string, resource: string, resourceAccount = ACCOUNT) =>
      endpointDecision({ endpointPolicy: policy, identity: ALLOW_ALL, action, resource, resourceAccount });
    expect(await through('s3:GetObject', `arn:aws:s3:::${project}-uploads/key`)).toBe('Allowed');
    expect(await through('s3:PutObject', `arn:aws:s3:::${project}-uploads/key`, OTHER_ACCOUNT)).toBe('ImplicitlyDenied');
    expect(await through('s3:PutObject', 'arn:aws:s3:::exfiltration-bucket/key')).toBe('ImplicitlyDenied');
    expect(await through('s3:DeleteBucket', `arn:aws:s3:::${project}-uploads`)).toBe('ImplicitlyDenied');
  });

  describe('trust policies', () => {
    const trustOf = (role: string) => resolveReferences(stack.resource('aws_iam_role', role).assume_role_policy);
    const serviceTrusts = () =>
      Object.entries(stack.resources('aws_iam_role'))
        .map(([id, role]) => [id, resolveReferences(role.assume_role_policy)] as const)
        .filter(([, trust]) => trust.Statement.some((s: any) => s.Principal?.Service));

    it('conditions every service trust policy on this account (aws:SourceAccount)', async () => {
      const trusts = serviceTrusts();
      expect(trusts.length).toBeGreaterThanOrEqual(6);
      for (const [id, trust] of trusts) {
        const service = trust.Statement[0].Principal.Service as string;
        const arn = trust.Statement[0].Condition?.ArnLike?.['aws:SourceArn']?.replace('*', 'x');
        expect([id, await trustDecision(trust, service, { account: ACCOUNT, arn })]).toEqual([id, 'Allowed']);
        expect([id, await trustDecision(trust, service, { account: OTHER_ACCOUNT, arn })]).toEqual([id, 'ImplicitlyDenied']);
      }
    });

    it('also conditions on aws:SourceArn where the service sets it: only this stack\'s rule, state machine, clusters, flow logs', async () => {
      const rule = `arn:aws:events:ap-southeast-2:${ACCOUNT}:rule/${stack.resource('aws_cloudwatch_event_rule', 'rotation_password_rotated').name}`;
      const events = trustOf('rotation_events');
      expect(await trustDecision(events, 'events.amazonaws.com', { account: ACCOUNT, arn: rule })).toBe('Allowed');
      expect(await trustDecision(events, 'events.amazonaws.com', { account: ACCOUNT, arn: `${rule}-other` })).toBe('ImplicitlyDenied');
      const machine = `arn:aws:states:ap-southeast-2:${ACCOUNT}:stateMachine:${stack.resource('aws_sfn_state_machine', 'rotation_backend_redeploy').name}`;
      const states = trustOf('rotation_state_machine');
      expect(await trustDecision(states, 'states.amazonaws.com', { account: ACCOUNT, arn: machine })).toBe('Allowed');
      expect(await trustDecision(states, 'states.amazonaws.com', { account: ACCOUNT, arn: `${machine}-other` })).toBe('ImplicitlyDenied');
      const task = trustOf(serviceRoles(stack, 'backend').task);
      const cluster = `arn:aws:ecs:ap-southeast-2:${ACCOUNT}:cluster/x`;
      expect(await trustDecision(task, 'ecs-tasks.amazonaws.com', { account: ACCOUNT, arn: cluster })).toBe('Allowed');
      expect(await trustDecision(task, 'ecs-tasks.amazonaws.com', { account: ACCOUNT, arn: `arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/x` })).toBe('ImplicitlyDenied');
      if (stack.resources('aws_iam_role').vpc_flow_logs) {
        const flow = trustOf('vpc_flow_logs');
        expect(await trustDecision(flow, 'vpc-flow-logs.amazonaws.com', { account: ACCOUNT, arn: `arn:aws:ec2:ap-southeast-2:${ACCOUNT}:vpc-flow-log/fl-1` })).toBe('Allowed');
        expect(await trustDecision(flow, 'vpc-flow-logs.amazonaws.com', { account: ACCOUNT, arn: `arn:aws:ec2:ap-southeast-2:${OTHER_ACCOUNT}:vpc-flow-log/fl-1` })).toBe('ImplicitlyDenied');
      }
    });
  });
});
