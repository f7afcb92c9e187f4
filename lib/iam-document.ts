/**
 * IAM policy documents as JSON strings. Resources may be Terraform references
 * (ARNs); they are embedded as `${...}` interpolations, which is safe because an
 * ARN never contains a quote or a backslash.
 */

/** One IAM policy statement (the subset this app writes). */
export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  /** Exactly one of Action and NotAction. */
  readonly Action?: string | readonly string[];
  readonly NotAction?: string | readonly string[];
  readonly Resource?: string | readonly string[];
  readonly NotResource?: string | readonly string[];
  readonly Principal?: '*' | Record<string, string | readonly string[]>;
  readonly Condition?: Record<string, Record<string, string | readonly string[]>>;
}

/** A policy document with the 2012-10-17 version. */
export function policyDocument(...statements: PolicyStatement[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

/** Trust policy letting an AWS service assume a role, e.g. `ecs-tasks.amazonaws.com`. */
export function assumeRolePolicy(service: string): string {
  return policyDocument({ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: service } });
}

/**
 * The key-policy statement of a KMS key's administrators: `kms:*` for the account's principals whose
 * ARN matches one of `administratorArns` (patterns), and for nobody else. Unlike the default key
 * policy it does not hand the key to every IAM policy of the account.
 */
export function keyAdministrators(accountId: string, administratorArns: readonly string[]): PolicyStatement {
  return {
    Sid: 'Administrators',
    Effect: 'Allow',
    Principal: { AWS: `arn:aws:iam::${accountId}:root` },
    Action: 'kms:*',
    Resource: '*',
    Condition: { ArnLike: { 'aws:PrincipalArn': [...administratorArns] } },
  };
}
