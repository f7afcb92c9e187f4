/**
 * `npm run preflight -- <environment>`: checks that an AWS account is ready for the
 * environment's `terraform apply`, prints every result as a table and a summary, and
 * exits 1 when a required item fails (2 for a usage error or settings synth refuses). It
 * keeps checking after a failure. Without credentials it stops at once with one line.
 * The settings are loaded as synth loads them (environments/load.ts, OMC_* overrides
 * included), so it checks the state backend the stacks will use.
 */
import { InvalidEnvironmentsError, loadSettings } from '../../environments/load';
import type { EnvironmentConfig } from '../../environments/schema';
import { refusalMessages } from '../../stacks/app';
import { STATE_BACKEND } from '../../stacks/state-backend';
import {
  checkAccount,
  checkAppSecret,
  checkCertificate,
  checkCloudToken,
  checkCredentials,
  checkElasticIpQuota,
  checkLockTable,
  checkRegion,
  checkStateBucket,
  checkTerraform,
  CheckResult,
  describeError,
  stateLocation,
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
  /** Variables read for the Terraform Cloud token (TF_TOKEN_<host>, HOME, TF_CLI_CONFIG_FILE). @default process.env */
  readonly env?: NodeJS.ProcessEnv;
}

/** No credentials could be found at all: nothing in AWS can be checked. */
export class NoCredentialsError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'NoCredentialsError';
  }
}

/** The rows of the S3 state backend: they do not apply to state in Terraform Cloud. */
const S3_STATE_ROWS = ['State bucket', 'Bucket versioning', 'Bucket encryption', 'Bucket public access', 'Lock table'];

/** Rows reported as skipped when the credentials do not work. */
const AWS_ROWS = ['Application secret', 'ACM certificate', 'Elastic IP quota'];

/**
 * Runs every check; throws NoCredentialsError before any request when there are no credentials.
 * The state rows follow the environment's backend: the S3 bucket and lock table, or for
 * Terraform Cloud the API token `terraform init` needs (no S3 row).
 */
export async function runPreflight(options: PreflightOptions): Promise<CheckResult[]> {
  const { config } = options;
  const backend = config.stateBackend;
  const clients = createClients(config.region, STATE_BACKEND.region, options.endpoints, options.limits);
  try {
    try {
      await clients.sts.config.credentials();
    } catch (e) {
      throw new NoCredentialsError(describeError(e));
    }
    const local = Promise.all([checkTerraform(), defaultRegion()]);
    const { result: credentials, identity } = await checkCredentials(clients);
    const cloud = backend.type === 'cloud' ? [checkCloudToken(backend, options.env ?? process.env)] : [];
    const skipped = [...(backend.type === 's3' ? S3_STATE_ROWS : []), ...AWS_ROWS];
    const aws: CheckResult[] = identity
      ? (
          await Promise.all([
            ...(backend.type === 's3' ? [checkStateBucket(clients), checkLockTable(clients, config, backend)] : []),
            checkAppSecret(clients, config),
            checkCertificate(clients, config, options.certificateArn),
            checkElasticIpQuota(clients, config),
          ])
        ).flat()
      : skipped.map((check) => ({ check, status: 'skip' as const, detail: 'not checked: the credentials did not work' }));
    const [terraform, shellRegion] = await local;
    return [terraform, credentials, checkAccount(config, identity), checkRegion(config, shellRegion), ...cloud, ...aws];
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
  let config: EnvironmentConfig | undefined;
  try {
    // As synth loads them: every environment, the OMC_* overrides applied, the checks across environments.
    config = loadSettings({ env }).environments.find((e) => e.name === name);
  } catch (e) {
    if (!(e instanceof InvalidEnvironmentsError)) throw e;
    io.stderr(`preflight ${name}: not checked, fix the settings first; synth refuses them:`);
    for (const message of refusalMessages(e)) io.stderr(message);
    return 2;
  }
  if (config === undefined) throw new Error(`preflight: ${name} is not among the loaded environments`);
  const endpoints: Endpoints = { ...endpointsFromEnv(env) };
  if (typeof values['endpoint-url'] === 'string') endpoints.all = values['endpoint-url'];
  for (const s of SERVICES) {
    const v = values[`endpoint-url-${s}`];
    if (typeof v === 'string') endpoints[s] = v;
  }
  const certificateArn = (values['certificate-arn'] as string | undefined) ?? (env.TF_VAR_certificate_arn || undefined);

  let results: CheckResult[];
  try {
    results = await runPreflight({ config, endpoints, certificateArn, env });
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
  io.stdout(`Pre-flight check for ${name} (${config.projectName}, ${config.region}, state in ${stateLocation(config.stateBackend)})`);
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
