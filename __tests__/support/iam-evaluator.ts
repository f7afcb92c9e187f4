/**
 * IAM decisions on the synthesized policies, by a real policy evaluator: @cloud-copilot/iam-simulate
 * (AGPL-3.0, a devDependency used by the tests only; see docs/testing.md). The synthesized documents
 * hold Terraform references (`${aws_secretsmanager_secret.app_secrets.arn}`); `resolveReferences`
 * gives each a concrete value in the test account first, the same value every time, so a test can ask
 * about "the application secret" by the value `resolvedArn` gives it.
 */
import { runSimulation } from '@cloud-copilot/iam-simulate';

/** The account the tests deploy to, and another one. */
export const ACCOUNT = '111122223333';
export const OTHER_ACCOUNT = '444455556666';
const REGION = 'ap-southeast-2';

/** What a Terraform reference resolves to in the test account. */
export function resolvedArn(reference: string): string {
  const [type, name, attribute] = reference.split('.');
  if (attribute === 'owner_id') return ACCOUNT;
  if (type === 'aws_secretsmanager_secret') return `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${name}-AbCdEf`;
  if (type === 'terraform_data' && name === 'rds_master_user_secret') return `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:rds!db-0123-AbCdEf`;
  if (type === 'aws_ecs_service') return `arn:aws:ecs:${REGION}:${ACCOUNT}:service/cluster/${name}`;
  if (type === 'aws_sfn_state_machine') return `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${name}`;
  if (type === 'aws_iam_role') return `arn:aws:iam::${ACCOUNT}:role/${name}`;
  return `arn:aws:${type}:${REGION}:${ACCOUNT}:${name}`;
}

/** A policy document (JSON string of the synthesized JSON) with every `${...}` reference resolved. */
export function resolveReferences(document: string): Record<string, any> {
  return JSON.parse(document.replace(/\$\{([a-z0-9_.]+)\}/g, (_, reference: string) => resolvedArn(reference))) as Record<string, any>;
}

export type Decision = 'Allowed' | 'ImplicitlyDenied' | 'ExplicitlyDenied';

export interface IdentityRequest {
  /** The role's identity policies (resolved documents). */
  readonly policies: readonly Record<string, any>[];
  readonly action: string;
  readonly resource: string;
  /** Account owning the resource (default: the test account). */
  readonly resourceAccount?: string;
  readonly context?: Record<string, string | string[]>;
}

/** Whether a role with these identity policies may make the request (no resource policy, no SCP). */
export async function identityDecision(request: IdentityRequest): Promise<Decision> {
  const resourceAccount = request.resourceAccount ?? ACCOUNT;
  const result = await runSimulation(
    {
      request: {
        principal: `arn:aws:iam::${ACCOUNT}:role/under-test`,
        action: request.action,
        resource: { resource: request.resource, accountId: resourceAccount },
        contextVariables: { ...(request.action.startsWith('s3:') ? { 's3:ResourceAccount': resourceAccount } : {}), ...request.context },
      },
      identityPolicies: request.policies.map((policy, i) => ({ name: `policy${i + 1}`, policy })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    },
    {},
  );
  return overall(result);
}

/** An identity policy allowing everything: to see what a resource-side policy alone lets through. */
export const ALLOW_ALL = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };

/** Whether a request from a principal with `identity` passes through a VPC endpoint with `endpointPolicy`. */
export async function endpointDecision(request: {
  endpointPolicy: Record<string, any>;
  identity: Record<string, any>;
  action: string;
  resource: string;
  resourceAccount: string;
}): Promise<Decision> {
  const result = await runSimulation(
    {
      request: {
        principal: `arn:aws:iam::${ACCOUNT}:role/under-test`,
        action: request.action,
        resource: { resource: request.resource, accountId: request.resourceAccount },
        contextVariables: { 's3:ResourceAccount': request.resourceAccount },
      },
      identityPolicies: [{ name: 'identity', policy: request.identity }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      vpcEndpointPolicies: [{ name: 'endpoint', policy: request.endpointPolicy }],
    },
    {},
  );
  return overall(result);
}

/** Whether `service` may assume the role with this trust policy when acting for `source`. */
export async function trustDecision(trust: Record<string, any>, service: string, source: { account: string; arn?: string }): Promise<Decision> {
  const result = await runSimulation(
    {
      request: {
        principal: service,
        action: 'sts:AssumeRole',
        resource: { resource: `arn:aws:iam::${ACCOUNT}:role/under-test`, accountId: ACCOUNT },
        contextVariables: { 'aws:SourceAccount': source.account, ...(source.arn ? { 'aws:SourceArn': source.arn } : {}) },
      },
      identityPolicies: [],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: trust,
    },
    {},
  );
  return overall(result);
}

function overall(result: Awaited<ReturnType<typeof runSimulation>>): Decision {
  if (result.resultType === 'error') throw new Error(`iam-simulate refused the request: ${JSON.stringify(result.errors)}`);
  return (result as { overallResult: Decision }).overallResult;
}
