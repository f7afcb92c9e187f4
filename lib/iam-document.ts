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

/** Who may make an AWS service assume a role on its behalf (the confused-deputy conditions). */
export interface ServiceTrustSource {
  /** The account whose resources the service acts for (`aws:SourceAccount`). */
  readonly account: string;
  /**
   * ARN pattern of the resources the service acts for (`aws:SourceArn`, with `ArnLike`), where the
   * service sets that key when it assumes the role; unset where it does not.
   */
  readonly arn?: string;
}

/**
 * Trust policy letting an AWS service assume a role, e.g. `ecs-tasks.amazonaws.com`, only on behalf of
 * this account's resources: `aws:SourceAccount`, and `aws:SourceArn` where the service sets it (IAM
 * user guide, "The confused deputy problem", cross-service confused deputy prevention).
 */
export function assumeRolePolicy(service: string, source: ServiceTrustSource): string {
  return policyDocument({
    Effect: 'Allow',
    Action: 'sts:AssumeRole',
    Principal: { Service: service },
    Condition: {
      StringEquals: { 'aws:SourceAccount': source.account },
      ...(source.arn !== undefined ? { ArnLike: { 'aws:SourceArn': source.arn } } : {}),
    },
  });
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
