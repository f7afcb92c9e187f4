/**
 * Credential rotation: replaces the backend's tasks after RDS rotates the master password.
 * Not a legacy module (the legacy stack had a fixed password, D12 [empty app secret, password copied by hand]).
 *
 * RDS keeps the master password in a Secrets Manager secret it rotates itself (every 7 days
 * by default). ECS reads POSTGRES_PASSWORD from that secret only when a task starts, so
 * running tasks keep the old password and new database connections fail after a rotation.
 * Here an EventBridge rule matches Secrets Manager's `Secret Label Updated` event for that one
 * secret when `AWSCURRENT` moves, and starts a Step Functions state machine whose single task calls ECS
 * `UpdateService` with `ForceNewDeployment`: the service rolls to fresh tasks (which read
 * the new password) with the usual deployment settings, so no task is stopped before its
 * replacement is healthy. AWS-managed pieces only, no function code.
 *
 * The state machine is STANDARD: its execution history is kept for 90 days without a log
 * group, whereas an EXPRESS workflow records nothing unless it logs to CloudWatch Logs, which
 * needs `logs:*LogDelivery` permissions that only accept `Resource: "*"`. At one execution
 * per rotation (two state transitions a week) its price is negligible.
 */
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { SfnStateMachine } from '@cdktf/provider-aws/lib/sfn-state-machine';
import type { Construct } from 'constructs';
import { pin } from '../lib/addresses';
import { assumeRolePolicy, policyDocument, PolicyStatement } from '../lib/iam-document';
import { PlatformConstruct, type SharedProps } from './base';

/** The Step Functions AWS SDK integration that calls ECS UpdateService. */
export const UPDATE_SERVICE_INTEGRATION = 'arn:aws:states:::aws-sdk:ecs:updateService';

/** Name of the state machine's only state. */
export const REDEPLOY_STATE = 'ForceNewDeployment';

/** Secrets Manager's native event when AWSCURRENT moves to a new version of the secret `secretArn`. */
export function passwordRotatedPattern(secretArn: string): Record<string, unknown> {
  return {
    source: ['aws.secretsmanager'],
    'detail-type': ['Secret Label Updated'],
    resources: [secretArn],
    detail: { labelUpdated: ['AWSCURRENT'] },
  };
}

/** What the rotation connects: no settings of its own, only the secret and the service that reads it. */
export interface CredentialRotationRefs {
  /** ARN of the Secrets Manager secret RDS manages for the master user (`master_user_secret[0].secret_arn`). */
  readonly secretArn: string;
  /**
   * ARN of the ECS cluster running the service (UpdateService takes the cluster's name or ARN). The ARN is
   * unknown until the cluster exists, so Terraform validates the definition with Step Functions'
   * `ValidateStateMachineDefinition` API only once the cluster is there, not while planning a new stack
   * (the offline plan has no AWS to ask).
   */
  readonly clusterArn: string;
  /** Name of the ECS service whose tasks read the secret (the backend). */
  readonly serviceName: string;
  /** ARN of that service; the state machine may update this service only. */
  readonly serviceArn: string;
  /** Region and account of the stack: the roles trust Step Functions and EventBridge only for this state machine and rule. */
  readonly region: string;
  readonly accountId: string;
}

export class CredentialRotation extends PlatformConstruct {
  /** ARN of the state machine that forces a new deployment of the service. */
  public readonly stateMachineArn: string;
  /** Name of the EventBridge rule matching the rotation of the secret. */
  public readonly ruleName: string;
  /** The rule's event pattern, as a value (the secret ARN may be a token). */
  public readonly eventPattern: Record<string, unknown>;

  constructor(scope: Construct, id: string, shared: SharedProps, refs: CredentialRotationRefs) {
    super(scope, id, shared, 'rotation');
    const names = this.names.rotation;
    const tags = this.tags;
    const at = this.at;

    /** A role the AWS service `service` assumes on behalf of the resource `sourceArn` only, with one inline statement. */
    const serviceRole = (key: string, service: string, sourceArn: string, roleName: string, policyName: string, statement: PolicyStatement) => {
      const trust = assumeRolePolicy(service, { account: refs.accountId, arn: sourceArn });
      const role = pin(new IamRole(this, `${key}-role`, { name: roleName, assumeRolePolicy: trust, tags }), at(key));
      pin(new IamRolePolicy(this, `${key}-policy`, { name: policyName, role: role.id, policy: policyDocument(statement) }), at(key));
      return role;
    };

    const arn = (service: string, resource: string) => `arn:aws:${service}:${refs.region}:${refs.accountId}:${resource}`;
    const stateMachineRole = serviceRole('state_machine', 'states.amazonaws.com', arn('states', `stateMachine:${names.redeployStateMachine}`), names.stateMachineRole, names.stateMachinePolicy, {
      Sid: 'ForceNewDeployment',
      Effect: 'Allow',
      Action: 'ecs:UpdateService',
      Resource: refs.serviceArn,
    });

    const stateMachine = pin(
      new SfnStateMachine(this, 'state-machine', {
        name: names.redeployStateMachine,
        type: 'STANDARD',
        roleArn: stateMachineRole.arn,
        definition: JSON.stringify({
          Comment: `Replaces the tasks of ${refs.serviceName} so they read the rotated database password`,
          StartAt: REDEPLOY_STATE,
          States: {
            [REDEPLOY_STATE]: {
              Type: 'Task',
              Resource: UPDATE_SERVICE_INTEGRATION,
              Parameters: { Cluster: refs.clusterArn, Service: refs.serviceName, ForceNewDeployment: true },
              // Throttling or a deployment already in progress: try again before giving up.
              Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 10, MaxAttempts: 3, BackoffRate: 2 }],
              End: true,
            },
          },
        }),
        tags,
      }),
      at('backend_redeploy'),
    );

    // Secrets Manager's native event, sent when a staging label moves to another version of a secret
    // ("Secret Label Updated event", Secrets Manager user guide): AWSCURRENT moves once RDS has set the
    // new password, so this is the moment new connections need it. It needs no CloudTrail trail. The
    // CloudTrail-derived `RotationSucceeded` event is dropped: its shape is documented for Lambda
    // rotations only, and CloudTrail-derived events are delivered on a best-effort basis; matching both
    // would redeploy twice per rotation.
    this.eventPattern = passwordRotatedPattern(refs.secretArn);
    const rule = pin(
      new CloudwatchEventRule(this, 'rule', {
        name: names.passwordRotatedRule,
        description: `Secrets Manager rotated the ${this.projectName} database master password: redeploy ${refs.serviceName}`,
        eventPattern: JSON.stringify(this.eventPattern),
        state: 'ENABLED',
        tags,
      }),
      at('password_rotated'),
    );

    const eventsRole = serviceRole('events', 'events.amazonaws.com', arn('events', `rule/${names.passwordRotatedRule}`), names.eventsRole, names.eventsPolicy, {
      Sid: 'StartRedeploy',
      Effect: 'Allow',
      Action: 'states:StartExecution',
      Resource: stateMachine.arn,
    });
    pin(new CloudwatchEventTarget(this, 'target', { rule: rule.name, arn: stateMachine.arn, roleArn: eventsRole.arn }), at('backend_redeploy'));

    this.stateMachineArn = stateMachine.arn;
    this.ruleName = rule.name;
  }
}
