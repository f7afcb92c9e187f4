/**
 * Credential rotation: after RDS rotates the master password, EventBridge starts a state
 * machine that forces a new deployment of the backend, so its tasks read the new password.
 */
import { nameProblem, NAME_RULES, resourceNames } from '../../lib/names';
import { ENV_NAMES, environment, synthEnvironment } from '../support/helpers';

type Json = Record<string, any>;
const json = (text: string) => JSON.parse(text) as Json;
const SECRET = '${terraform_data.rds_master_user_secret.output.secret_arns.0}';
const STATE_MACHINE = '${aws_sfn_state_machine.rotation_backend_redeploy.arn}';
const ACCOUNT = '${aws_vpc.vpc_main.owner_id}';
/** The trust statement of a role `service` may assume for this account's resource `arn:aws:<source>` only. */
const trustedBy = (service: string, source: string) => ({
  Effect: 'Allow',
  Action: 'sts:AssumeRole',
  Principal: { Service: service },
  Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT }, ArnLike: { 'aws:SourceArn': `arn:aws:${source}` } },
});

describe.each(ENV_NAMES.map((name) => [name, environment(name).projectName] as const))('credential rotation in %s', (env, p) => {
  const stack = synthEnvironment(env);
  const rule = stack.resource('aws_cloudwatch_event_rule', 'rotation_password_rotated');
  const machine = stack.resource('aws_sfn_state_machine', 'rotation_backend_redeploy');

  it("matches only Secrets Manager's Secret Label Updated events of the RDS-managed master secret (constructs/credential-rotation.event.test.ts runs it on AWS's samples)", () => {
    expect(rule).toMatchObject({ name: `${p}-db-password-rotated`, state: 'ENABLED' });
    expect(json(rule.event_pattern)).toEqual({
      source: ['aws.secretsmanager'],
      'detail-type': ['Secret Label Updated'],
      resources: [SECRET],
      detail: { labelUpdated: ['AWSCURRENT'] },
    });
    // The same secret the backend's POSTGRES_PASSWORD comes from.
    const backend = json(stack.resource('aws_ecs_task_definition', 'ecs_backend').container_definitions)[0];
    expect(backend.secrets).toContainEqual({ name: 'POSTGRES_PASSWORD', valueFrom: `${SECRET}:password::` });
  });

  it('defines one STANDARD state machine whose only task forces a new deployment of the backend service', () => {
    expect(machine).toMatchObject({ name: `${p}-backend-redeploy`, type: 'STANDARD', role_arn: '${aws_iam_role.rotation_state_machine.arn}' });
    const definition = json(machine.definition);
    expect(definition.StartAt).toBe('ForceNewDeployment');
    expect(Object.keys(definition.States)).toEqual(['ForceNewDeployment']);
    expect(definition.States.ForceNewDeployment).toMatchObject({
      Type: 'Task',
      Resource: 'arn:aws:states:::aws-sdk:ecs:updateService',
      Parameters: { Cluster: '${aws_ecs_cluster.ecs_main.arn}', Service: '${aws_ecs_service.ecs_backend.name}', ForceNewDeployment: true },
      End: true,
    });
    // Nothing else may change: no task definition, count or network in the call.
    expect(Object.keys(definition.States.ForceNewDeployment.Parameters).sort()).toEqual(['Cluster', 'ForceNewDeployment', 'Service']);
  });

  it('targets the state machine from the rule with the EventBridge role', () => {
    expect(stack.resource('aws_cloudwatch_event_target', 'rotation_backend_redeploy')).toMatchObject({
      rule: '${aws_cloudwatch_event_rule.rotation_password_rotated.name}',
      arn: STATE_MACHINE,
      role_arn: '${aws_iam_role.rotation_events.arn}',
    });
  });

  it('lets the state machine role, trusted by Step Functions only, update the backend service only', () => {
    const role = stack.resource('aws_iam_role', 'rotation_state_machine');
    expect(role.name).toBe(`${p}-backend-redeploy-role`);
    // Confused deputy: only this account's state machine of that name (stacks/platform-stack.isolation.test.ts evaluates it).
    expect(json(role.assume_role_policy).Statement).toEqual([trustedBy('states.amazonaws.com', `states:ap-southeast-2:${ACCOUNT}:stateMachine:${p}-backend-redeploy`)]);
    const policy = stack.resource('aws_iam_role_policy', 'rotation_state_machine');
    expect(policy).toMatchObject({ name: `${p}-backend-redeploy-policy`, role: '${aws_iam_role.rotation_state_machine.id}' });
    // aws_ecs_service.id is the service ARN in provider 5.x.
    expect(json(policy.policy).Statement).toEqual([
      { Sid: 'ForceNewDeployment', Effect: 'Allow', Action: 'ecs:UpdateService', Resource: '${aws_ecs_service.ecs_backend.id}' },
    ]);
  });

  it('lets the EventBridge role, trusted by EventBridge only, start this state machine only', () => {
    const role = stack.resource('aws_iam_role', 'rotation_events');
    expect(role.name).toBe(`${p}-db-rotation-events-role`);
    expect(json(role.assume_role_policy).Statement).toEqual([trustedBy('events.amazonaws.com', `events:ap-southeast-2:${ACCOUNT}:rule/${p}-db-password-rotated`)]);
    const policy = stack.resource('aws_iam_role_policy', 'rotation_events');
    expect(policy).toMatchObject({ name: `${p}-db-rotation-events-policy`, role: '${aws_iam_role.rotation_events.id}' });
    expect(json(policy.policy).Statement).toEqual([{ Sid: 'StartRedeploy', Effect: 'Allow', Action: 'states:StartExecution', Resource: STATE_MACHINE }]);
  });

  it('keeps the RDS default rotation schedule (no rotation resource of its own)', () => {
    expect(stack.resources('aws_secretsmanager_secret_rotation')).toEqual({});
    expect(stack.resource('aws_db_instance', 'rds_main').manage_master_user_password).toBe(true);
  });
});

describe('names of the rotation resources', () => {
  it('checks state machine names against 80 characters and event rule names against 64', () => {
    expect(nameProblem('a'.repeat(80), NAME_RULES.stateMachine)).toBeUndefined();
    expect(nameProblem('a'.repeat(81), NAME_RULES.stateMachine)).toBe('is 81 characters; AWS allows at most 80');
    expect(nameProblem('a'.repeat(65), NAME_RULES.eventRule)).toBe('is 65 characters; AWS allows at most 64');
    expect(nameProblem('my rule', NAME_RULES.eventRule)).toBe("breaks AWS's character rule (letters, digits and ._-)");
  });

  it('builds the names from the project name', () => {
    expect(resourceNames('omc').rotation).toEqual({
      passwordRotatedRule: 'omc-db-password-rotated',
      redeployStateMachine: 'omc-backend-redeploy',
      stateMachineRole: 'omc-backend-redeploy-role',
      stateMachinePolicy: 'omc-backend-redeploy-policy',
      eventsRole: 'omc-db-rotation-events-role',
      eventsPolicy: 'omc-db-rotation-events-policy',
    });
  });
});
