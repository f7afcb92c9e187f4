/**
 * Shapes of the ARNs the platform takes as input (D6 [placeholder ARNs]: a placeholder such as
 * `arn:aws:acm:ap-southeast-2:ACCOUNT_ID:certificate/CERT_ID` is refused at synth,
 * not at apply). The environment schema uses the JavaScript patterns; Terraform
 * variable `validation` blocks use the `*_RE2` strings with `can(regex(...))`,
 * which accept the same values (dots as `[.]`, so no escaping is needed inside HCL/JSON strings).
 */

/** An ACM certificate ARN: partition, region, 12-digit account, certificate UUID. */
export const ACM_CERTIFICATE_ARN = /^arn:aws[a-z-]*:acm:[a-z]{2}(-gov)?-[a-z]+-\d:\d{12}:certificate\/[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/;
/** ACM_CERTIFICATE_ARN for a Terraform `regex()` (RE2). */
export const ACM_CERTIFICATE_ARN_RE2 = '^arn:aws[a-z-]*:acm:[a-z]{2}(-gov)?-[a-z]+-[0-9]:[0-9]{12}:certificate/[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$';
/** What ACM_CERTIFICATE_ARN accepts, in words. */
export const ACM_CERTIFICATE_ARN_HELP =
  'must be an ACM certificate ARN with a 12-digit account id, e.g. arn:aws:acm:ap-southeast-2:123456789012:certificate/0c1d2e3f-4a5b-6c7d-8e9f-0a1b2c3d4e5f';

/** The ARN of the account's GitHub Actions OIDC provider. */
export const GITHUB_OIDC_PROVIDER_ARN = /^arn:aws[a-z-]*:iam::\d{12}:oidc-provider\/token\.actions\.githubusercontent\.com$/;
/** GITHUB_OIDC_PROVIDER_ARN for a Terraform `regex()` (RE2). */
export const GITHUB_OIDC_PROVIDER_ARN_RE2 = '^arn:aws[a-z-]*:iam::[0-9]{12}:oidc-provider/token[.]actions[.]githubusercontent[.]com$';
/** What GITHUB_OIDC_PROVIDER_ARN accepts, in words. */
export const GITHUB_OIDC_PROVIDER_ARN_HELP =
  'must be an IAM OIDC provider ARN with a 12-digit account id, e.g. arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com';

/**
 * The ARN of an account's GitHub Actions OIDC provider, built from the account id (an IAM ARN has
 * no region; the partition is aws, the only one whose regions an environment may use).
 */
export function githubOidcProviderArn(accountId: string): string {
  return `arn:aws:iam::${accountId}:oidc-provider/token.actions.githubusercontent.com`;
}

/** The account id inside an ARN, or undefined. */
export function arnAccount(arn: string): string | undefined {
  return arn.split(':')[4] || undefined;
}

/** The region inside an ARN, or undefined. */
export function arnRegion(arn: string): string | undefined {
  return arn.split(':')[3] || undefined;
}
