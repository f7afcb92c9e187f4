/**
 * AWS SDK v3 clients for the pre-flight check: short timeouts and two attempts, so an
 * unreachable endpoint fails in seconds, and endpoints that can be pointed elsewhere
 * (local stand-ins in the tests, or e.g. a VPC endpoint) per service.
 */
import { ACMClient } from '@aws-sdk/client-acm';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { STSClient } from '@aws-sdk/client-sts';

/** The services the check calls; also the suffixes of the per-service endpoint settings. */
export const SERVICES = ['sts', 's3', 'dynamodb', 'secretsmanager', 'acm', 'servicequotas'] as const;
export type Service = (typeof SERVICES)[number];

/** Endpoint URLs: `all` for every service, or one per service (which wins). */
export type Endpoints = Partial<Record<Service | 'all', string>>;

/** Environment variable for every service's endpoint; `<name>_<SERVICE>` (e.g. `_S3`) overrides it per service. */
export const ENDPOINT_ENV = 'OMC_AWS_ENDPOINT_URL';

/** Reads `OMC_AWS_ENDPOINT_URL` and `OMC_AWS_ENDPOINT_URL_<SERVICE>` from an environment. */
export function endpointsFromEnv(env: NodeJS.ProcessEnv): Endpoints {
  const endpoints: Endpoints = {};
  if (env[ENDPOINT_ENV]) endpoints.all = env[ENDPOINT_ENV];
  for (const service of SERVICES) {
    const value = env[`${ENDPOINT_ENV}_${service.toUpperCase()}`];
    if (value) endpoints[service] = value;
  }
  return endpoints;
}

/** Time limits of every request. */
export interface RequestLimits {
  readonly connectionTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly maxAttempts: number;
}

/** Connect within 3 s, answer within 5 s, at most 2 attempts: an unreachable endpoint fails in seconds. */
export const REQUEST_LIMITS: RequestLimits = { connectionTimeoutMs: 3000, requestTimeoutMs: 5000, maxAttempts: 2 };

export interface AwsClients {
  readonly sts: STSClient;
  readonly s3: S3Client;
  readonly dynamodb: DynamoDBClient;
  readonly secretsManager: SecretsManagerClient;
  readonly acm: ACMClient;
  readonly serviceQuotas: ServiceQuotasClient;
  /** Closes every client's connections. */
  destroy(): void;
}

/**
 * Clients for `region` (the environment's), except S3, which is created for `stateRegion`
 * (the state bucket's), so its requests never need a cross-region redirect.
 */
export function createClients(region: string, stateRegion: string, endpoints: Endpoints = {}, limits: RequestLimits = REQUEST_LIMITS): AwsClients {
  const common = (service: Service, clientRegion = region) => {
    const endpoint = endpoints[service] ?? endpoints.all;
    return {
      region: clientRegion,
      maxAttempts: limits.maxAttempts,
      requestHandler: {
        connectionTimeout: limits.connectionTimeoutMs,
        requestTimeout: limits.requestTimeoutMs,
        throwOnRequestTimeout: true,
      },
      ...(endpoint ? { endpoint } : {}),
    };
  };
  const s3Settings = common('s3', stateRegion);
  const clients = {
    sts: new STSClient(common('sts')),
    // A custom endpoint (an emulator, a proxy) serves buckets by path, not by host name.
    s3: new S3Client({ ...s3Settings, forcePathStyle: 'endpoint' in s3Settings }),
    dynamodb: new DynamoDBClient(common('dynamodb', stateRegion)),
    secretsManager: new SecretsManagerClient(common('secretsmanager')),
    acm: new ACMClient(common('acm')),
    serviceQuotas: new ServiceQuotasClient(common('servicequotas')),
  };
  return {
    ...clients,
    destroy: () => Object.values(clients).forEach((c) => c.destroy()),
  };
}

/** The region the shell's AWS configuration selects (AWS_REGION or the profile, else the CLI's AWS_DEFAULT_REGION), if any. */
export async function defaultRegion(): Promise<string | undefined> {
  const client = new STSClient({});
  try {
    return await client.config.region();
  } catch {
    return process.env.AWS_DEFAULT_REGION || undefined;
  } finally {
    client.destroy();
  }
}
