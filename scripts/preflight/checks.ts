/**
 * The pre-flight checks: is an AWS account ready for `terraform apply` of one
 * environment? Each check returns pass, fail, warn or skip with one line of detail;
 * a failed check never stops the others. Secret values are never read into a message.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { DescribeCertificateCommand, KeyAlgorithm, paginateListCertificates } from '@aws-sdk/client-acm';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { GetBucketEncryptionCommand, GetBucketVersioningCommand, GetPublicAccessBlockCommand, HeadBucketCommand } from '@aws-sdk/client-s3';
import { DescribeSecretCommand, GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { GetAWSDefaultServiceQuotaCommand, GetServiceQuotaCommand } from '@aws-sdk/client-service-quotas';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { APP_SECRET_KEYS, appSecretName } from '../../constructs/application';
import { natGatewayCount } from '../../constructs/network';
import type { EnvironmentConfig } from '../../environments/schema';
import { REQUIRED_TERRAFORM_VERSION } from '../../stacks/terraform';
import type { CloudStateBackendSettings, S3StateBackendSettings, StateBackendSettings } from '../../environments/schema/state-backend';
import { cloudHost, STATE_BACKEND, TERRAFORM_CLOUD_HOST } from '../../stacks/state-backend';
import { TerraformMissingError, terraformVersion } from '../../tooling/terraform/offline-plan';
import type { AwsClients } from './clients';

export type Status = 'pass' | 'fail' | 'warn' | 'skip';

export interface CheckResult {
  /** What was checked, e.g. `State bucket`. */
  readonly check: string;
  readonly status: Status;
  /** One line: what was found, and what to do when it is not right. */
  readonly detail: string;
}

/** Service Quotas code of "EC2-VPC Elastic IPs" (per region). */
export const EIP_QUOTA = { serviceCode: 'ec2', quotaCode: 'L-0263D0A3' } as const;

const result = (check: string, status: Status, detail: string): CheckResult => ({ check, status, detail });

/** A short, single-line description of an SDK or network error. */
export function describeError(e: unknown): string {
  const err = e as { name?: string; message?: string; code?: string; $metadata?: { httpStatusCode?: number } };
  // The SDK wraps errors that are not Error instances of its own realm; the wrapper adds nothing useful.
  const message = (err.message ?? String(e)).split('\n')[0].replace(/^AWS SDK error wrapper for (Error: )?/, '');
  if (err.name === 'TimeoutError') return `no answer in time (${message})`;
  if (/^(ECONNREFUSED|ENOTFOUND|ETIMEDOUT|ECONNRESET|EAI_AGAIN)$/.test(err.code ?? '') || /\b(ECONNREFUSED|ENOTFOUND|ECONNRESET|EAI_AGAIN)\b/.test(message)) {
    return `cannot connect (${message})`;
  }
  const name = err.name && err.name !== 'Error' ? err.name : undefined;
  const status = err.$metadata?.httpStatusCode;
  // Some errors (e.g. a HEAD 403/404) carry no message beyond their name.
  const text = [name, message !== name && message !== 'UnknownError' ? message : undefined].filter(Boolean).join(': ');
  return status && !text.includes(String(status)) ? `${text} (HTTP ${status})` : text;
}

function errorName(e: unknown): string | undefined {
  return (e as { name?: string }).name;
}

function httpStatus(e: unknown): number | undefined {
  return (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
}

/** `1.11.4` >= `1.10.0`? */
export function versionAtLeast(version: string, minimum: string): boolean {
  const parse = (v: string) => v.split(/[.-]/).slice(0, 3).map((n) => Number.parseInt(n, 10) || 0);
  const [a, b] = [parse(version), parse(minimum)];
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] > b[i];
  return true;
}

export async function checkTerraform(): Promise<CheckResult> {
  const check = 'Terraform';
  const minimum = REQUIRED_TERRAFORM_VERSION.replace(/^>=\s*/, '');
  try {
    const version = await terraformVersion();
    return versionAtLeast(version, minimum)
      ? result(check, 'pass', `terraform ${version} (the stacks require ${REQUIRED_TERRAFORM_VERSION})`)
      : result(check, 'fail', `terraform ${version} is too old: the stacks require ${REQUIRED_TERRAFORM_VERSION} (S3-native state locking)`);
  } catch (e) {
    const reason = e instanceof TerraformMissingError ? `'${process.env.TERRAFORM_BIN ?? 'terraform'}' was not found on PATH` : describeError(e);
    return result(check, 'fail', `${reason}; install Terraform ${minimum} or newer (or set TERRAFORM_BIN)`);
  }
}

export interface Identity {
  readonly account: string;
  readonly arn: string;
}

export async function checkCredentials(clients: AwsClients): Promise<{ result: CheckResult; identity?: Identity }> {
  const check = 'AWS credentials';
  try {
    const out = await clients.sts.send(new GetCallerIdentityCommand({}));
    const identity = { account: out.Account ?? '', arn: out.Arn ?? '' };
    return { result: result(check, 'pass', `${identity.arn} (STS GetCallerIdentity)`), identity };
  } catch (e) {
    return { result: result(check, 'fail', `STS GetCallerIdentity failed: ${describeError(e)}`) };
  }
}

export function checkAccount(config: EnvironmentConfig, identity: Identity | undefined): CheckResult {
  const check = 'AWS account';
  if (!identity) return result(check, 'skip', 'not checked: the credentials did not work');
  if (!config.accountId) {
    return result(check, 'warn', `${identity.account}; no accountId is set for ${config.name}, so nothing stops a plan in the wrong account (set accountId in environments/${config.name}.ts)`);
  }
  return identity.account === config.accountId
    ? result(check, 'pass', `${identity.account}, as configured for ${config.name}`)
    : result(check, 'fail', `the credentials are for account ${identity.account}, but ${config.name} is configured for ${config.accountId}`);
}

export function checkRegion(config: EnvironmentConfig, shellRegion: string | undefined): CheckResult {
  const check = 'Region';
  if (!shellRegion) {
    return result(check, 'warn', `no default region is set (AWS_REGION, the profile or AWS_DEFAULT_REGION); the stacks use ${config.region}, set it for AWS CLI commands too`);
  }
  return shellRegion === config.region
    ? result(check, 'pass', `${config.region}, as configured for ${config.name}`)
    : result(check, 'warn', `the shell's default region is ${shellRegion} but ${config.name} deploys to ${config.region}; Terraform uses ${config.region}, AWS CLI commands would not`);
}

/** Where an environment keeps its state, for the report's first line. */
export function stateLocation(backend: StateBackendSettings): string {
  if (backend.type === 's3') return `s3://${STATE_BACKEND.bucket}`;
  const { name, tags } = backend.workspace;
  const workspace = name !== undefined ? `workspace ${name}` : `workspaces tagged ${(tags ?? []).join(', ')}`;
  return `Terraform Cloud ${cloudHost(backend)}, organization ${backend.organization}, ${workspace}`;
}

/** The host a TF_TOKEN_<host> variable is for: `_` stands for `.`, `__` for `-` (Terraform's encoding). */
function tokenVariableHost(variable: string): string {
  return variable
    .slice('TF_TOKEN_'.length)
    .split('__')
    .map((part) => part.replace(/_/g, '.'))
    .join('-')
    .toLowerCase();
}

/** The text of a file, or undefined when it cannot be read. */
function readIfPresent(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * Where Terraform would find an API token for a Terraform Cloud host, in its own order: a TF_TOKEN_<host>
 * variable, the credentials file `terraform login` writes (~/.terraform.d/credentials.tfrc.json), or a
 * `credentials "<host>"` block of the CLI configuration (TF_CLI_CONFIG_FILE or ~/.terraformrc). Names the
 * place, never the token. Undefined when there is none.
 */
export function cloudTokenSource(host: string, env: NodeJS.ProcessEnv): string | undefined {
  const variable = Object.keys(env).find((k) => k.startsWith('TF_TOKEN_') && env[k] && tokenVariableHost(k) === host.toLowerCase());
  if (variable) return variable;
  const home = env.HOME || homedir();
  const credentialsFile = path.join(home, '.terraform.d', 'credentials.tfrc.json');
  const credentials = readIfPresent(credentialsFile);
  if (credentials !== undefined) {
    try {
      const parsed = JSON.parse(credentials) as { credentials?: Record<string, { token?: unknown }> };
      if (typeof parsed.credentials?.[host]?.token === 'string' && parsed.credentials[host].token !== '') return credentialsFile;
    } catch {
      // Not JSON: Terraform would not read a token from it either.
    }
  }
  const cliConfigFile = env.TF_CLI_CONFIG_FILE || path.join(home, '.terraformrc');
  const cliConfig = readIfPresent(cliConfigFile);
  const blocks = [...(cliConfig ?? '').matchAll(/credentials\s+"([^"]+)"\s*\{([^}]*)\}/g)];
  return blocks.some((m) => m[1] === host && /\btoken\s*=\s*"[^"]+"/.test(m[2])) ? cliConfigFile : undefined;
}

/**
 * The state check of an environment whose state lives in Terraform Cloud: the S3 bucket and lock table
 * do not apply, and `terraform init` needs an API token for the host. The organization and workspace
 * cannot be checked without calling Terraform Cloud; `terraform init` does.
 */
export function checkCloudToken(backend: CloudStateBackendSettings, env: NodeJS.ProcessEnv): CheckResult {
  const check = 'Terraform Cloud';
  const host = cloudHost(backend);
  const source = cloudTokenSource(host, env);
  const variable = `TF_TOKEN_${host.replace(/-/g, '__').replace(/\./g, '_')}`;
  return source
    ? result(check, 'pass', `a token for ${host} in ${source} (not shown); terraform init checks the organization ${backend.organization} and the workspace`)
    : result(check, 'fail', `no API token for ${host}: run 'terraform login${host === TERRAFORM_CLOUD_HOST ? '' : ` ${host}`}' or set ${variable}`);
}

/** The bucket checks: exists in the right region, versioning, default encryption, public access block. */
export async function checkStateBucket(clients: AwsClients): Promise<CheckResult[]> {
  const Bucket = STATE_BACKEND.bucket;
  const bucket = Bucket;
  const rows = ['State bucket', 'Bucket versioning', 'Bucket encryption', 'Bucket public access'] as const;
  try {
    const head = await clients.s3.send(new HeadBucketCommand({ Bucket }));
    if (head.BucketRegion && head.BucketRegion !== STATE_BACKEND.region) {
      return [
        result(rows[0], 'fail', `${bucket} is in ${head.BucketRegion}, but the backends expect ${STATE_BACKEND.region} (stacks/state-backend.ts)`),
        ...rows.slice(1).map((r) => result(r, 'skip', 'not checked: the bucket is in another region')),
      ];
    }
  } catch (e) {
    const status = httpStatus(e);
    const detail =
      status === 404 || errorName(e) === 'NotFound' || errorName(e) === 'NoSuchBucket'
        ? `${bucket} does not exist: apply the bootstrap stack first (docs/bootstrap.md)`
        : status === 403
          ? `${bucket} exists but these credentials may not use it (403): it belongs to another account, or s3:ListBucket is missing`
          : status === 301
            ? `${bucket} is not in ${STATE_BACKEND.region} (S3 redirected the request)`
            : `cannot check ${bucket}: ${describeError(e)}`;
    return [result(rows[0], 'fail', detail), ...rows.slice(1).map((r) => result(r, 'skip', 'not checked: the bucket is not usable'))];
  }

  const [versioning, encryption, publicAccess] = await Promise.all([
    clients.s3.send(new GetBucketVersioningCommand({ Bucket })).then(
      (v) =>
        v.Status === 'Enabled'
          ? result(rows[1], 'pass', 'Enabled: every state version can be restored')
          : result(rows[1], 'fail', `${v.Status ?? 'never enabled'}: turn versioning on so an overwritten state can be restored`),
      (e) => result(rows[1], 'fail', `cannot read versioning: ${describeError(e)}`),
    ),
    clients.s3.send(new GetBucketEncryptionCommand({ Bucket })).then(
      (out) => {
        const algorithms = (out.ServerSideEncryptionConfiguration?.Rules ?? []).map((r) => r.ApplyServerSideEncryptionByDefault?.SSEAlgorithm).filter(Boolean);
        if (algorithms.length === 0) return result(rows[2], 'fail', 'no default encryption rule');
        const kms = algorithms.some((a) => a?.startsWith('aws:kms'));
        return result(rows[2], 'pass', `default ${algorithms.join(', ')}${kms ? '' : '; the backends still write state with the KMS key ' + STATE_BACKEND.kmsKeyAlias}`);
      },
      (e) =>
        errorName(e) === 'ServerSideEncryptionConfigurationNotFoundError'
          ? result(rows[2], 'fail', 'no default encryption configured')
          : result(rows[2], 'fail', `cannot read the encryption settings: ${describeError(e)}`),
    ),
    clients.s3.send(new GetPublicAccessBlockCommand({ Bucket })).then(
      (out) => {
        const flags = out.PublicAccessBlockConfiguration ?? {};
        const names = ['BlockPublicAcls', 'IgnorePublicAcls', 'BlockPublicPolicy', 'RestrictPublicBuckets'] as const;
        const off = names.filter((n) => flags[n] !== true);
        return off.length === 0
          ? result(rows[3], 'pass', 'all four public access block flags are on')
          : result(rows[3], 'fail', `public access is not fully blocked: ${off.join(', ')} ${off.length === 1 ? 'is' : 'are'} off`);
      },
      (e) =>
        errorName(e) === 'NoSuchPublicAccessBlockConfiguration'
          ? result(rows[3], 'fail', 'no public access block on the bucket')
          : result(rows[3], 'fail', `cannot read the public access block: ${describeError(e)}`),
    ),
  ]);
  return [result(rows[0], 'pass', `${bucket} exists in ${STATE_BACKEND.region}`), versioning, encryption, publicAccess];
}

export async function checkLockTable(clients: AwsClients, config: EnvironmentConfig, backend: S3StateBackendSettings): Promise<CheckResult> {
  const check = 'Lock table';
  const table = STATE_BACKEND.lockTable;
  if (backend.locking === 'lockfile') {
    return result(check, 'skip', `not needed: ${config.name} locks with S3 lock files (stateBackend.locking = lockfile)`);
  }
  try {
    const out = await clients.dynamodb.send(new DescribeTableCommand({ TableName: table }));
    const hash = out.Table?.KeySchema?.find((k) => k.KeyType === 'HASH')?.AttributeName;
    const type = out.Table?.AttributeDefinitions?.find((a) => a.AttributeName === hash)?.AttributeType;
    if (hash !== STATE_BACKEND.lockTableHashKey || type !== 'S') {
      return result(check, 'fail', `${table} has the key ${hash ?? '(none)'} (${type ?? '?'}); Terraform needs ${STATE_BACKEND.lockTableHashKey} (S)`);
    }
    return result(check, 'pass', `${table} exists with the key ${STATE_BACKEND.lockTableHashKey} (S), ${out.Table?.TableStatus ?? 'status unknown'}`);
  } catch (e) {
    return errorName(e) === 'ResourceNotFoundException'
      ? result(check, 'fail', `${table} does not exist, and ${config.name} locks with it (stateBackend.locking = ${backend.locking}): apply the bootstrap stack`)
      : result(check, 'fail', `cannot describe ${table}: ${describeError(e)}`);
  }
}

export async function checkAppSecret(clients: AwsClients, config: EnvironmentConfig): Promise<CheckResult> {
  const check = 'Application secret';
  const SecretId = appSecretName(config.projectName);
  try {
    await clients.secretsManager.send(new DescribeSecretCommand({ SecretId }));
  } catch (e) {
    return errorName(e) === 'ResourceNotFoundException'
      ? result(check, 'warn', `${SecretId} does not exist yet: the ${config.name} stack creates it; store the keys ${APP_SECRET_KEYS.join(', ')} before the services start`)
      : result(check, 'fail', `cannot describe ${SecretId}: ${describeError(e)}`);
  }
  let secretString: string | undefined;
  try {
    secretString = (await clients.secretsManager.send(new GetSecretValueCommand({ SecretId }))).SecretString;
  } catch (e) {
    return errorName(e) === 'ResourceNotFoundException'
      ? result(check, 'fail', `${SecretId} has no value yet: put a JSON object with the keys ${APP_SECRET_KEYS.join(', ')}`)
      : result(check, 'fail', `cannot read ${SecretId}: ${describeError(e)}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(secretString ?? '');
  } catch {
    parsed = undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return result(check, 'fail', `${SecretId} does not hold a JSON object (the backend reads its keys ${APP_SECRET_KEYS.join(', ')})`);
  }
  const values = parsed as Record<string, unknown>;
  const missing = APP_SECRET_KEYS.filter((k) => !(k in values));
  const empty = APP_SECRET_KEYS.filter((k) => k in values && (values[k] === '' || values[k] === null));
  if (missing.length === 0 && empty.length === 0) {
    return result(check, 'pass', `${SecretId} holds all ${APP_SECRET_KEYS.length} keys the backend reads from it (values not shown)`);
  }
  const problems = [missing.length > 0 ? `missing ${missing.join(', ')}` : '', empty.length > 0 ? `empty ${empty.join(', ')}` : ''].filter(Boolean);
  return result(check, 'fail', `${SecretId}: ${problems.join('; ')}`);
}

/** Host name of an origin such as `https://dashboard.example.com`. */
function hostOf(origin: string): string {
  return new URL(origin).hostname;
}

/** Does a certificate name (possibly `*.example.com`) cover the host? A wildcard covers exactly one label. */
export function nameCovers(name: string, host: string): boolean {
  const [n, h] = [name.toLowerCase(), host.toLowerCase()];
  if (n === h) return true;
  return n.startsWith('*.') && h.slice(h.indexOf('.') + 1) === n.slice(2) && h.indexOf('.') > 0;
}

/** What the check needs to know of a certificate, from ListCertificates or DescribeCertificate. */
interface CertificateFacts {
  readonly CertificateArn?: string;
  readonly DomainName?: string;
  readonly SubjectAlternativeNames?: string[];
  readonly Status?: string;
}

function certificateNames(cert: CertificateFacts): string[] {
  return [...new Set([cert.DomainName, ...(cert.SubjectAlternativeNames ?? [])].filter((n): n is string => !!n))];
}

/** The host names the load balancer serves over HTTPS. */
export function httpsHosts(config: EnvironmentConfig): string[] {
  return [...new Set([config.application.backendDomain, hostOf(config.application.frontendHost)])];
}

export async function checkCertificate(clients: AwsClients, config: EnvironmentConfig, certificateArn?: string): Promise<CheckResult> {
  const check = 'ACM certificate';
  if (!config.loadBalancer.https) {
    return result(check, 'skip', `not needed: ${config.name} serves HTTP only (loadBalancer.https = false)`);
  }
  const hosts = httpsHosts(config);
  const uncovered = (cert: CertificateFacts) => hosts.filter((h) => !certificateNames(cert).some((n) => nameCovers(n, h)));
  const describe = async (arn: string): Promise<CertificateFacts> => (await clients.acm.send(new DescribeCertificateCommand({ CertificateArn: arn }))).Certificate ?? {};
  try {
    if (certificateArn) {
      const cert = await describe(certificateArn);
      const missing = uncovered(cert);
      if (cert.Status !== 'ISSUED') return result(check, 'fail', `${certificateArn} is ${cert.Status ?? 'in an unknown state'}, not ISSUED`);
      if (missing.length > 0) return result(check, 'fail', `${certificateArn} does not cover ${missing.join(', ')} (it covers ${certificateNames(cert).join(', ')})`);
      return result(check, 'pass', `${certificateArn} is ISSUED and covers ${hosts.join(', ')}`);
    }
    const candidates: CertificateFacts[] = [];
    for await (const page of paginateListCertificates({ client: clients.acm }, { Includes: { keyTypes: Object.values(KeyAlgorithm) } })) {
      for (const summary of page.CertificateSummaryList ?? []) {
        const listed: CertificateFacts = { ...summary, SubjectAlternativeNames: summary.SubjectAlternativeNameSummaries };
        const full = summary.HasAdditionalSubjectAlternativeNames && summary.CertificateArn ? await describe(summary.CertificateArn) : listed;
        if (uncovered(full).length === 0) candidates.push(full);
      }
    }
    const issued = candidates.find((c) => c.Status === 'ISSUED');
    if (issued) return result(check, 'pass', `${issued.CertificateArn} is ISSUED and covers ${hosts.join(', ')}; pass it as certificate_arn`);
    if (candidates.length > 0) {
      return result(check, 'fail', `no ISSUED certificate covers ${hosts.join(', ')}: ${candidates.map((c) => `${c.CertificateArn} is ${c.Status ?? 'unknown'}`).join('; ')}`);
    }
    return result(check, 'fail', `no certificate in ${config.region} covers ${hosts.join(' and ')}: request one in ACM (DNS validation) for these names`);
  } catch (e) {
    return result(check, 'fail', `cannot read ACM certificates: ${describeError(e)}`);
  }
}

export async function checkElasticIpQuota(clients: AwsClients, config: EnvironmentConfig): Promise<CheckResult> {
  const check = 'Elastic IP quota';
  const needed = natGatewayCount(config.network.natGateways, config.network.availabilityZones.length);
  const input = { ServiceCode: EIP_QUOTA.serviceCode, QuotaCode: EIP_QUOTA.quotaCode };
  let quota: number | undefined;
  let source = 'applied';
  try {
    quota = (await clients.serviceQuotas.send(new GetServiceQuotaCommand(input))).Quota?.Value;
  } catch (e) {
    if (errorName(e) !== 'NoSuchResourceException') return result(check, 'fail', `cannot read the quota ${EIP_QUOTA.quotaCode}: ${describeError(e)}`);
  }
  if (quota === undefined) {
    try {
      quota = (await clients.serviceQuotas.send(new GetAWSDefaultServiceQuotaCommand(input))).Quota?.Value;
      source = 'default';
    } catch (e) {
      return result(check, 'fail', `cannot read the quota ${EIP_QUOTA.quotaCode}: ${describeError(e)}`);
    }
  }
  if (quota === undefined) return result(check, 'fail', `Service Quotas returned no value for ${EIP_QUOTA.quotaCode}`);
  const what = `${needed} NAT gateway${needed === 1 ? '' : 's'} (natGateways = ${config.network.natGateways})`;
  return quota >= needed
    ? result(check, 'pass', `${source} quota ${quota} in ${config.region} leaves room for ${what}; addresses already allocated are not counted`)
    : result(check, 'fail', `${source} quota ${quota} in ${config.region} is below the ${needed} Elastic IPs for ${what}: request an increase of ${EIP_QUOTA.quotaCode}`);
}
