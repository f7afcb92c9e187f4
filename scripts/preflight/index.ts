/**
 * `npm run preflight -- <environment>`: checks that an AWS account is ready for the
 * environment's `terraform apply`, prints every result as a table and a summary, and
 * exits 1 when a required item fails (2 for a usage error). It keeps checking after a
 * failure. Without credentials it stops at once with one line.
 */
import { ENVIRONMENTS } from '../../environments';
import { EnvironmentConfig, EnvironmentConfigError, validateEnvironmentConfig } from '../../environments/schema';
import { STATE_BACKEND } from '../../stacks/state-backend';
import {
  checkAccount,
  checkAppSecret,
  checkCertificate,
  checkCredentials,
  checkElasticIpQuota,
  checkLockTable,
  checkRegion,
  checkStateBucket,
  cloudStateRows,
  checkTerraform,
  CheckResult,
  describeError,
} from './checks';
import { defineCommand, ENVIRONMENT_NAMES, execute, type OptionSpec } from '../cli';
import { createClients, defaultRegion, ENDPOINT_ENV, Endpoints, endpointsFromEnv, RequestLimits, SERVICES } from './clients';
import { isReady, renderSummary, renderTable } from './report';

export interface PreflightOptions {
  /** The validated environment to check. */
  readonly config: EnvironmentConfig;
  /** Endpoint overrides (local stand-ins, proxies). @default the AWS endpoints */
  readonly endpoints?: Endpoints;
  /** Certificate the HTTPS listener will use; without it, any ISSUED certificate covering the hosts passes. @default undefined */
  readonly certificateArn?: string;
  /** Time limits of every AWS request. @default REQUEST_LIMITS (3 s to connect, 5 s to answer, 2 attempts) */
  readonly limits?: RequestLimits;
}

/** No credentials could be found at all: nothing in AWS can be checked. */
export class NoCredentialsError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'NoCredentialsError';
  }
}

/** Rows reported as skipped when the credentials do not work. */
const AWS_ROWS = ['State bucket', 'Bucket versioning', 'Bucket encryption', 'Bucket public access', 'Lock table', 'Application secret', 'ACM certificate', 'Elastic IP quota'];

/** Runs every check; throws NoCredentialsError before any request when there are no credentials. */
export async function runPreflight(options: PreflightOptions): Promise<CheckResult[]> {
  const { config } = options;
  const clients = createClients(config.region, STATE_BACKEND.region, options.endpoints, options.limits);
  try {
    try {
      await clients.sts.config.credentials();
    } catch (e) {
      throw new NoCredentialsError(describeError(e));
    }
    const local = Promise.all([checkTerraform(), defaultRegion()]);
    const { result: credentials, identity } = await checkCredentials(clients);
    const aws: CheckResult[] = identity
      ? (
          await Promise.all([
            config.stateBackend.type === 'cloud'
              ? Promise.resolve(cloudStateRows(config.name))
              : checkStateBucket(clients),
            checkLockTable(clients, config),
            checkAppSecret(clients, config),
            checkCertificate(clients, config, options.certificateArn),
            checkElasticIpQuota(clients, config),
          ])
        ).flat()
      : AWS_ROWS.map((check) => ({ check, status: 'skip' as const, detail: 'not checked: the credentials did not work' }));
    const [terraform, shellRegion] = await local;
    return [terraform, credentials, checkAccount(config, identity), checkRegion(config, shellRegion), ...aws];
  } finally {
    clients.destroy();
  }
}

export const command = defineCommand({
  name: 'preflight',
  summary: 'Check that an AWS account is ready for the environment: credentials, account, region, state bucket, lock table, app secret keys, certificate, EIP quota, terraform version. Exit 1 when an item fails.',
  positionals: [{ name: 'environment', description: 'the environment to check', choices: ENVIRONMENT_NAMES }],
  options: {
    'certificate-arn': { type: 'string', value: '<arn>', description: 'the certificate the HTTPS listener will use (default TF_VAR_certificate_arn)' },
    'endpoint-url': { type: 'string', value: '<url>', description: `one endpoint for every AWS service (or ${ENDPOINT_ENV})` },
    ...(Object.fromEntries(
      SERVICES.map((s) => [`endpoint-url-${s}`, { type: 'string', value: '<url>', description: `the ${s} endpoint (or ${ENDPOINT_ENV}_${s.toUpperCase()})` }]),
    ) as Record<`endpoint-url-${(typeof SERVICES)[number]}`, OptionSpec>),
  },
});

export interface Io {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

const processIo: Io = { stdout: (t) => process.stdout.write(`${t}\n`), stderr: (t) => process.stderr.write(`${t}\n`) };

/** The command line. Returns the exit code: 0 ready, 1 not ready (or no credentials), 2 usage error. */
export async function main(argv: readonly string[], io: Io = processIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const lines = (write: (t: string) => void) => (text: string) => write(text.replace(/\n$/, ''));
  return execute(command, argv, ({ args, values }) => preflight(args.environment as string, values, io, env), { out: lines(io.stdout), err: lines(io.stderr) });
}

async function preflight(name: string, values: Record<string, string | boolean | undefined>, io: Io, env: NodeJS.ProcessEnv): Promise<number> {
  let config: EnvironmentConfig;
  try {
    config = validateEnvironmentConfig(name, ENVIRONMENTS[name]);
  } catch (e) {
    if (!(e instanceof EnvironmentConfigError)) throw e;
    io.stderr(`preflight: fix the settings first.\n${e.message}`);
    return 2;
  }
  const endpoints: Endpoints = { ...endpointsFromEnv(env) };
  if (typeof values['endpoint-url'] === 'string') endpoints.all = values['endpoint-url'];
  for (const s of SERVICES) {
    const v = values[`endpoint-url-${s}`];
    if (typeof v === 'string') endpoints[s] = v;
  }
  const certificateArn = (values['certificate-arn'] as string | undefined) ?? (env.TF_VAR_certificate_arn || undefined);

  let results: CheckResult[];
  try {
    results = await runPreflight({ config, endpoints, certificateArn });
  } catch (e) {
    if (e instanceof NoCredentialsError) {
      io.stderr(
        `preflight ${name}: no AWS credentials found (${e.message}). Set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run 'aws sso login'; then run the check again.`,
      );
      return 1;
    }
    io.stderr(`preflight ${name}: ${describeError(e)}`);
    return 1;
  }
  io.stdout(`Pre-flight check for ${name} (${config.projectName}, ${config.region}, state in s3://${STATE_BACKEND.bucket})`);
  io.stdout(renderSummary(name, results));
  io.stdout(renderTable(results));
  return isReady(results) ? 0 : 1;
}

/** The command on the process's stdout and stderr. */
export function cli(argv: readonly string[]): Promise<number> {
  // The SDK's notice about future Node versions is not a finding of this check.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  return main(argv);
}
