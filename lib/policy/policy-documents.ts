/**
 * IAM documents as the policy rules see them: every statement of every policy a
 * resource carries, whether written as a JSON string (`policy`, `assume_role_policy`,
 * `inline_policy`) or as an `aws_iam_policy_document` data source.
 */
import { blocks, isObject, list, parseDocument, referencedAddresses, type Json } from './inspect';
import type { SynthResource } from './model';

export interface Statement {
  /** `statement 2` or `statement "Sid"`, for messages. */
  readonly label: string;
  readonly effect: string;
  readonly actions: string[];
  readonly resources: string[];
  /** Principals by type (`Service`, `Federated`, `AWS`), with their identifiers. */
  readonly principals: { readonly type: string; readonly identifiers: string[] }[];
  /** Conditions as operator, key, values. */
  readonly conditions: { readonly test: string; readonly variable: string; readonly values: string[] }[];
}

/** One policy document of a resource. */
export type PolicyDocument =
  | { readonly where: string; readonly statements: Statement[] }
  | { readonly where: string; readonly unreadable: string; readonly dataSource?: string };

const strings = (value: unknown): string[] => list(value).map(String);

function label(index: number, sid: unknown): string {
  return typeof sid === 'string' && sid !== '' ? `statement "${sid}"` : `statement ${index + 1}`;
}

function fromJson(document: unknown): Statement[] {
  const statements = isObject(document) ? list(document.Statement) : [];
  return statements.filter(isObject).map((s, i) => ({
    label: label(i, s.Sid),
    effect: String(s.Effect ?? 'Allow'),
    actions: strings(s.Action),
    resources: strings(s.Resource),
    principals:
      s.Principal === '*'
        ? [{ type: 'AWS', identifiers: ['*'] }]
        : Object.entries(isObject(s.Principal) ? s.Principal : {}).map(([type, ids]) => ({ type, identifiers: strings(ids) })),
    conditions: Object.entries(isObject(s.Condition) ? s.Condition : {}).flatMap(([test, byKey]) =>
      Object.entries(isObject(byKey) ? byKey : {}).map(([variable, values]) => ({ test, variable, values: strings(values) })),
    ),
  }));
}

function fromDataSource(values: Json): Statement[] {
  return blocks(values.statement).map((s, i) => ({
    label: label(i, s.sid),
    effect: String(s.effect ?? 'Allow'),
    actions: strings(s.actions),
    resources: strings(s.resources),
    principals: blocks(s.principals).map((p) => ({ type: String(p.type), identifiers: strings(p.identifiers) })),
    conditions: blocks(s.condition).map((c) => ({ test: String(c.test), variable: String(c.variable), values: strings(c.values) })),
  }));
}

function jsonDocument(where: string, value: unknown): PolicyDocument {
  const parsed = parseDocument(value);
  if ('document' in parsed) return { where, statements: fromJson(parsed.document) };
  const dataSource = referencedAddresses(value).find((a) => a.startsWith('data.aws_iam_policy_document.'));
  return { where, unreadable: parsed.unreadable, dataSource };
}

const PERMISSION_POLICY_TYPES = ['aws_iam_policy', 'aws_iam_role_policy', 'aws_iam_user_policy', 'aws_iam_group_policy'];

/** Permission policies (not trust policies) of a resource. */
export function permissionDocuments(resource: SynthResource): PolicyDocument[] {
  if (resource.mode === 'data') return resource.type === 'aws_iam_policy_document' ? [{ where: 'document', statements: fromDataSource(resource.values) }] : [];
  if (PERMISSION_POLICY_TYPES.includes(resource.type)) return [jsonDocument('policy', resource.values.policy)];
  if (resource.type === 'aws_iam_role') return blocks(resource.values.inline_policy).map((p, i) => jsonDocument(`inline_policy ${i + 1}`, p.policy));
  return [];
}

/** Trust policies: a role's `assume_role_policy`, and policy documents with principals. */
export function trustDocuments(resource: SynthResource): PolicyDocument[] {
  if (resource.mode === 'data' && resource.type === 'aws_iam_policy_document') {
    return [{ where: 'document', statements: fromDataSource(resource.values).filter((s) => s.principals.length > 0) }];
  }
  if (resource.mode === 'managed' && resource.type === 'aws_iam_role') return [jsonDocument('assume_role_policy', resource.values.assume_role_policy)];
  return [];
}

/**
 * Actions that support no resource-level permissions, so `Resource: "*"` is the only
 * possible grant. Source: the AWS Service Authorization Reference ("Actions, resources, and
 * condition keys for <service>"), where these actions list no resource type; e.g. Amazon S3's
 * ListAllMyBuckets, Amazon ECR's GetAuthorizationToken. A pattern here (`ec2:Describe*`)
 * matches the concrete actions a policy names; see isUnscopable for wildcards in a policy.
 */
const UNSCOPABLE_ACTIONS = [
  's3:ListAllMyBuckets',
  'ecr:GetAuthorizationToken',
  'ecs:CreateCluster',
  'ecs:DeregisterTaskDefinition',
  'ecs:DescribeTaskDefinition',
  'ecs:DiscoverPollEndpoint',
  'ecs:ListClusters',
  'ecs:ListServices',
  'ecs:ListTaskDefinitionFamilies',
  'ecs:ListTaskDefinitions',
  'ecs:ListTasks',
  'ecs:RegisterTaskDefinition',
  'ec2:Describe*',
  'elasticloadbalancing:Describe*',
  'application-autoscaling:Describe*',
  'cloudwatch:GetMetricData',
  'cloudwatch:ListMetrics',
  'cloudwatch:PutMetricData',
  'logs:DescribeLogGroups',
  'secretsmanager:GetRandomPassword',
  'secretsmanager:ListSecrets',
  'ssmmessages:CreateControlChannel',
  'ssmmessages:CreateDataChannel',
  'ssmmessages:OpenControlChannel',
  'ssmmessages:OpenDataChannel',
  'sts:GetCallerIdentity',
  'xray:PutTelemetryRecords',
  'xray:PutTraceSegments',
];

const glob = (pattern: string) => new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`, 'i');
const UNSCOPABLE = UNSCOPABLE_ACTIONS.map(glob);

/**
 * Whether an action can only be granted on `*`. An action pattern in a policy (`ec2:Describe*`)
 * is scopable: it also grants actions AWS adds later, some of which take resource-level
 * permissions (checkov's CKV_AWS_355 fails it too).
 */
export function isUnscopable(action: string): boolean {
  return !/[*?]/.test(action) && UNSCOPABLE.some((pattern) => pattern.test(action));
}

/** Whether a resource pattern means "every resource": `*`, or an ARN whose region, account and resource are all wildcards. */
export function isEveryResource(resource: string): boolean {
  return resource === '*' || /^arn:(aws[a-z-]*|\*):[a-z0-9*-]+:\*?:\*?:\*$/.test(resource);
}
