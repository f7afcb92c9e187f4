/**
 * The pre-flight check against local stand-ins (s3rver, dynalite, and a small server
 * for STS, Secrets Manager, ACM and Service Quotas): the real SDK clients run end to end.
 * Every test starts from a ready account and breaks one thing.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateTableCommand, DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteBucketEncryptionCommand,
  DeletePublicAccessBlockCommand,
  PutBucketEncryptionCommand,
  PutBucketVersioningCommand,
  PutPublicAccessBlockCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { ENVIRONMENTS } from '../../../environments';
import type { EnvironmentConfig } from '../../../environments/schema';
import { STATE_BACKEND } from '../../../stacks/state-backend';
import { APP_SECRET_KEYS } from '../../../constructs/application';
import { UNKNOWN_ENVIRONMENT } from '../../support/unknown-environment';
import type { CheckResult, Status } from '../../../scripts/preflight/checks';
import { Endpoints } from '../../../scripts/preflight/clients';
import { checkCloudToken } from '../../../scripts/preflight/checks';
import { main, runPreflight } from '../../../scripts/preflight/index';
import { loadSettings } from '../../../environments/load';
import { runSynth } from '../../../stacks/app';
import type { CloudStateBackendSettings } from '../../../environments/schema/state-backend';
import { environment } from '../../support/helpers';
import { ApiStandIn, defaultApiState, S3StandIn, StandIn, startAwsApis, startDynamoDb, startS3 } from '../../support/preflight-stand-ins';

const ACCOUNT = '123456789012';
/** Every secret value in the stand-in contains this; it must never appear in any output. */
const SECRET_VALUE = 'SECRET-VALUE-SENTINEL-4b1d';
const CERT = (id: string) => `arn:aws:acm:ap-southeast-2:${ACCOUNT}:certificate/${id}`;

let s3: S3StandIn;
let dynamo: StandIn;
let apis: ApiStandIn;
let endpoints: Endpoints;
let s3Client: S3Client;
let dynamoClient: DynamoDBClient;
let tmp: string;
const savedEnv = { ...process.env };

const production = environment('production', (r) => {
  r.accountId = ACCOUNT;
  r.stateBackend.locking = 'both';
});
const staging = environment('staging', (r) => {
  r.accountId = ACCOUNT;
  r.stateBackend.locking = 'dynamodb';
});

beforeAll(async () => {
  [s3, dynamo, apis] = await Promise.all([startS3(), startDynamoDb(), startAwsApis()]);
  endpoints = { all: apis.url, s3: s3.url, dynamodb: dynamo.url };
  tmp = mkdtempSync(path.join(tmpdir(), 'preflight-test-'));
  for (const key of Object.keys(process.env)) if (key.startsWith('AWS_') || key.startsWith('OMC_AWS_')) delete process.env[key];
  Object.assign(process.env, {
    // s3rver accepts only its own key pair; the other stand-ins accept any signed request.
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    AWS_REGION: 'ap-southeast-2',
    AWS_CONFIG_FILE: path.join(tmp, 'no-config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(tmp, 'no-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  });
  const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
  s3Client = new S3Client({ region: 'ap-southeast-2', endpoint: s3.url, forcePathStyle: true, credentials });
  dynamoClient = new DynamoDBClient({ region: 'ap-southeast-2', endpoint: dynamo.url, credentials });
});

afterAll(async () => {
  s3Client?.destroy();
  dynamoClient?.destroy();
  await Promise.all([s3, dynamo, apis].filter(Boolean).map((s) => s.close()));
  rmSync(tmp, { recursive: true, force: true });
  for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
  Object.assign(process.env, savedEnv);
});

const Bucket = STATE_BACKEND.bucket;

async function createLockTable(hashKey = 'LockID'): Promise<void> {
  await dynamoClient.send(new DeleteTableCommand({ TableName: STATE_BACKEND.lockTable })).catch(() => undefined);
  await dynamoClient.send(
    new CreateTableCommand({
      TableName: STATE_BACKEND.lockTable,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: hashKey, KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: hashKey, AttributeType: 'S' }],
    }),
  );
}

function secretJson(keys: readonly string[] = APP_SECRET_KEYS): string {
  return JSON.stringify(Object.fromEntries(keys.map((k) => [k, `${SECRET_VALUE}-${k}`])));
}

/** A ready account: what the bootstrap stack and a first apply leave behind. */
beforeEach(async () => {
  s3.bucketRegion = 'ap-southeast-2';
  await s3Client.send(new CreateBucketCommand({ Bucket })).catch((e: Error) => {
    if (e.name !== 'BucketAlreadyOwnedByYou' && e.name !== 'BucketAlreadyExists') throw e;
  });
  await Promise.all([
    s3Client.send(new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: 'Enabled' } })),
    s3Client.send(
      new PutBucketEncryptionCommand({
        Bucket,
        ServerSideEncryptionConfiguration: {
          Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: `arn:aws:kms:ap-southeast-2:${ACCOUNT}:key/k1` }, BucketKeyEnabled: true }],
        },
      }),
    ),
    s3Client.send(
      new PutPublicAccessBlockCommand({
        Bucket,
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true },
      }),
    ),
    createLockTable(),
  ]);
  Object.assign(apis.state, defaultApiState(), { calls: apis.state.calls });
  apis.state.calls.length = 0;
  apis.state.secrets.set('ohmycoins-staging-app-secrets', secretJson());
  apis.state.secrets.set('ohmycoins-prod-app-secrets', secretJson());
  apis.state.certificates = [
    { arn: CERT('other'), domainName: 'example.org', subjectAlternativeNames: ['example.org'], status: 'ISSUED', keyAlgorithm: 'RSA_2048' },
    { arn: CERT('old'), domainName: 'ohmycoins.com', subjectAlternativeNames: ['ohmycoins.com', '*.ohmycoins.com'], status: 'EXPIRED', keyAlgorithm: 'RSA_2048' },
    // ECDSA: listed only when the request asks for every key type.
    { arn: CERT('prod'), domainName: 'ohmycoins.com', subjectAlternativeNames: ['ohmycoins.com', '*.ohmycoins.com'], status: 'ISSUED', keyAlgorithm: 'EC_prime256v1' },
  ];
  process.env.AWS_REGION = 'ap-southeast-2';
  delete process.env.TERRAFORM_BIN;
});

const run = (config: EnvironmentConfig, extra: { certificateArn?: string } = {}) => runPreflight({ config, endpoints, ...extra });
const statuses = (results: readonly CheckResult[]) => Object.fromEntries(results.map((r) => [r.check, r.status]));
const row = (results: readonly CheckResult[], check: string) => {
  const found = results.find((r) => r.check === check);
  if (!found) throw new Error(`no row ${check}; have ${results.map((r) => r.check).join(', ')}`);
  return found;
};

const ROWS = [
  'Terraform',
  'AWS credentials',
  'AWS account',
  'Region',
  'State bucket',
  'Bucket versioning',
  'Bucket encryption',
  'Bucket public access',
  'Lock table',
  'Application secret',
  'ACM certificate',
  'Elastic IP quota',
];
const ALL_PASS: Record<string, Status> = Object.fromEntries(ROWS.map((r) => [r, 'pass']));

describe('a ready account', () => {
  it('passes every item for production, with what was found', async () => {
    const results = await run(production);
    expect(results.map((r) => r.check)).toEqual(ROWS);
    expect(statuses(results)).toEqual(ALL_PASS);
    expect(row(results, 'Terraform').detail).toMatch(/^terraform \d+\.\d+\.\d+ \(the stacks require >= 1\.10\.0\)$/);
    expect(row(results, 'AWS credentials').detail).toBe('arn:aws:iam::123456789012:user/preflight-test (STS GetCallerIdentity)');
    expect(row(results, 'AWS account').detail).toBe('123456789012, as configured for production');
    expect(row(results, 'State bucket').detail).toBe('ohmycoins-terraform-state exists in ap-southeast-2');
    expect(row(results, 'Bucket encryption').detail).toBe('default aws:kms');
    expect(row(results, 'Lock table').detail).toBe('ohmycoins-terraform-locks exists with the key LockID (S), ACTIVE');
    expect(row(results, 'Application secret').detail).toBe('ohmycoins-prod-app-secrets holds all 7 keys the backend reads from it (values not shown)');
    expect(row(results, 'ACM certificate').detail).toBe(`${CERT('prod')} is ISSUED and covers api.ohmycoins.com, dashboard.ohmycoins.com; pass it as certificate_arn`);
    expect(row(results, 'Elastic IP quota').detail).toBe(
      'applied quota 5 in ap-southeast-2 leaves room for 3 NAT gateways (natGateways = one-per-az); addresses already allocated are not counted',
    );
  });

  it('skips what staging does not use: no certificate over HTTP, no table with lock files', async () => {
    const results = await run(environment('staging', (r) => (r.accountId = ACCOUNT)));
    expect(statuses(results)).toEqual({ ...ALL_PASS, 'Lock table': 'skip', 'ACM certificate': 'skip' });
    expect(row(results, 'Lock table').detail).toBe('not needed: staging locks with S3 lock files (stateBackend.locking = lockfile)');
    expect(row(results, 'ACM certificate').detail).toBe('not needed: staging serves HTTP only (loadBalancer.https = false)');
    expect(row(results, 'Elastic IP quota').detail).toContain('room for 1 NAT gateway (natGateways = single)');
  });

  it('prints the table and a READY summary from the command line, exit 0 (shipped staging: no accountId is a warning)', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(['staging', '--endpoint-url', apis.url, '--endpoint-url-s3', s3.url, '--endpoint-url-dynamodb', dynamo.url], {
      stdout: (t) => out.push(t),
      stderr: (t) => err.push(t),
    });
    const text = out.join('\n');
    expect({ code, err }).toEqual({ code: 0, err: [] });
    expect(out[0]).toBe('Pre-flight check for staging (ohmycoins-staging, ap-southeast-2, state in s3://ohmycoins-terraform-state)');
    for (const check of ROWS) expect(text).toMatch(new RegExp(`│ ${check} +│ (PASS|WARN|SKIP) +│`));
    expect(text).toMatch(/│ AWS account +│ WARN +│ 123456789012; no accountId is set for staging/);
    expect(out[1].replace(/\n {2}/g, ' ')).toBe(
      'staging: READY (9 passed, 0 failed, 1 warning, 2 skipped). Next: npm run synth, then terraform init/plan/apply in cdktf.out/stacks/staging.',
    );
    expect(Math.max(...text.split('\n').map((l) => [...l].length))).toBeLessThanOrEqual(120);
  });

  it('takes the endpoints from OMC_AWS_ENDPOINT_URL and OMC_AWS_ENDPOINT_URL_<SERVICE>', async () => {
    const out: string[] = [];
    const env = { OMC_AWS_ENDPOINT_URL: apis.url, OMC_AWS_ENDPOINT_URL_S3: s3.url, OMC_AWS_ENDPOINT_URL_DYNAMODB: dynamo.url };
    expect(await main(['staging'], { stdout: (t) => out.push(t), stderr: (t) => out.push(t) }, env)).toBe(0);
    expect(apis.state.calls).toEqual(expect.arrayContaining(['sts.GetCallerIdentity', 'secretsmanager.GetSecretValue', 'ServiceQuotasV20190624.GetServiceQuota']));
  });
});

/** Runs production after `breakIt` and expects only `changed` to differ from a ready account. */
async function expectOnly(breakIt: () => unknown, changed: Record<string, Status>, config = production, extra = {}): Promise<CheckResult[]> {
  await breakIt();
  const results = await run(config, extra);
  expect(statuses(results)).toEqual({ ...ALL_PASS, ...changed });
  return results;
}

describe('each item failing on its own: Terraform, the credentials and the account', () => {
  it('terraform older than 1.10', async () => {
    const fake = path.join(tmp, 'terraform-1.9');
    writeFileSync(fake, '#!/bin/sh\necho \'{"terraform_version":"1.9.8"}\'\n');
    chmodSync(fake, 0o755);
    const results = await expectOnly(() => (process.env.TERRAFORM_BIN = fake), { Terraform: 'fail' });
    expect(row(results, 'Terraform').detail).toBe('terraform 1.9.8 is too old: the stacks require >= 1.10.0 (S3-native state locking)');
  });

  it('terraform not installed', async () => {
    const results = await expectOnly(() => (process.env.TERRAFORM_BIN = path.join(tmp, 'no-terraform')), { Terraform: 'fail' });
    expect(row(results, 'Terraform').detail).toMatch(/no-terraform' was not found on PATH; install Terraform 1\.10\.0 or newer \(or set TERRAFORM_BIN\)$/);
  });

  it('credentials that STS rejects: the AWS items are skipped, not reported as failures of their own', async () => {
    apis.state.rejectCredentials = true;
    const results = await run(production);
    expect(row(results, 'AWS credentials')).toEqual({
      check: 'AWS credentials',
      status: 'fail',
      detail: 'STS GetCallerIdentity failed: InvalidClientTokenId: The security token included in the request is invalid. (HTTP 403)',
    });
    const skipped = ROWS.filter((r) => !['Terraform', 'AWS credentials', 'Region'].includes(r));
    expect(results.filter((r) => r.status === 'skip').map((r) => r.check)).toEqual(skipped);
    expect(apis.state.calls).toEqual(['sts.GetCallerIdentity']);
  });

  it('another account than the configured one', async () => {
    const results = await expectOnly(() => undefined, { 'AWS account': 'fail' }, { ...production, accountId: '999999999999' });
    expect(row(results, 'AWS account').detail).toBe('the credentials are for account 123456789012, but production is configured for 999999999999');
  });

  it('another default region in the shell is a warning', async () => {
    const results = await expectOnly(() => (process.env.AWS_REGION = 'us-east-1'), { Region: 'warn' });
    expect(row(results, 'Region').detail).toContain("the shell's default region is us-east-1 but production deploys to ap-southeast-2");
  });

});

describe('each item failing on its own: the state bucket and the lock table', () => {
  it('no state bucket: the bucket settings are not checked', async () => {
    const results = await expectOnly(() => s3Client.send(new DeleteBucketCommand({ Bucket })), {
      'State bucket': 'fail',
      'Bucket versioning': 'skip',
      'Bucket encryption': 'skip',
      'Bucket public access': 'skip',
    });
    expect(row(results, 'State bucket').detail).toBe('ohmycoins-terraform-state does not exist: apply the bootstrap stack first (docs/bootstrap.md)');
  });

  it('the state bucket in another region', async () => {
    const results = await expectOnly(() => (s3.bucketRegion = 'us-west-2'), {
      'State bucket': 'fail',
      'Bucket versioning': 'skip',
      'Bucket encryption': 'skip',
      'Bucket public access': 'skip',
    });
    expect(row(results, 'State bucket').detail).toBe('ohmycoins-terraform-state is in us-west-2, but the backends expect ap-southeast-2 (stacks/state-backend.ts)');
  });

  it('versioning suspended', async () => {
    const results = await expectOnly(
      () => s3Client.send(new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: 'Suspended' } })),
      { 'Bucket versioning': 'fail' },
    );
    expect(row(results, 'Bucket versioning').detail).toBe('Suspended: turn versioning on so an overwritten state can be restored');
  });

  it('no default encryption', async () => {
    const results = await expectOnly(() => s3Client.send(new DeleteBucketEncryptionCommand({ Bucket })), { 'Bucket encryption': 'fail' });
    expect(row(results, 'Bucket encryption').detail).toBe('no default encryption configured');
  });

  it('SSE-S3 default encryption passes, noting that the backends use the KMS key', async () => {
    const results = await expectOnly(
      () =>
        s3Client.send(
          new PutBucketEncryptionCommand({ Bucket, ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] } }),
        ),
      {},
    );
    expect(row(results, 'Bucket encryption').detail).toBe('default AES256; the backends still write state with the KMS key alias/ohmycoins-terraform-state');
  });

  it('one public access block flag off', async () => {
    const results = await expectOnly(
      () =>
        s3Client.send(
          new PutPublicAccessBlockCommand({
            Bucket,
            PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: false },
          }),
        ),
      { 'Bucket public access': 'fail' },
    );
    expect(row(results, 'Bucket public access').detail).toBe('public access is not fully blocked: RestrictPublicBuckets is off');
  });

  it('no public access block at all', async () => {
    const results = await expectOnly(() => s3Client.send(new DeletePublicAccessBlockCommand({ Bucket })), { 'Bucket public access': 'fail' });
    expect(row(results, 'Bucket public access').detail).toBe('no public access block on the bucket');
  });

  it('no lock table while the environment locks with DynamoDB', async () => {
    const results = await expectOnly(
      () => dynamoClient.send(new DeleteTableCommand({ TableName: STATE_BACKEND.lockTable })),
      { 'Lock table': 'fail', 'ACM certificate': 'skip' },
      staging,
    );
    expect(row(results, 'Lock table').detail).toBe(
      'ohmycoins-terraform-locks does not exist, and staging locks with it (stateBackend.locking = dynamodb): apply the bootstrap stack',
    );
  });

  it('a lock table with the wrong key', async () => {
    const results = await expectOnly(() => createLockTable('id'), { 'Lock table': 'fail' });
    expect(row(results, 'Lock table').detail).toBe('ohmycoins-terraform-locks has the key id (S); Terraform needs LockID (S)');
  });

});

describe('each item failing on its own: the application secret, the certificate and the Elastic IP quota', () => {
  it('a secret without some keys names them, never a value', async () => {
    const results = await expectOnly(
      () => apis.state.secrets.set('ohmycoins-prod-app-secrets', secretJson(APP_SECRET_KEYS.filter((k) => k !== 'OPENAI_API_KEY' && k !== 'SMTP_HOST'))),
      { 'Application secret': 'fail' },
    );
    expect(row(results, 'Application secret').detail).toBe('ohmycoins-prod-app-secrets: missing SMTP_HOST, OPENAI_API_KEY');
  });

  it('a secret with an empty value', async () => {
    const values = JSON.parse(secretJson()) as Record<string, string>;
    values.SMTP_PASSWORD = '';
    const results = await expectOnly(() => apis.state.secrets.set('ohmycoins-prod-app-secrets', JSON.stringify(values)), { 'Application secret': 'fail' });
    expect(row(results, 'Application secret').detail).toBe('ohmycoins-prod-app-secrets: empty SMTP_PASSWORD');
  });

  it('a secret without any value', async () => {
    const results = await expectOnly(() => apis.state.secrets.set('ohmycoins-prod-app-secrets', undefined), { 'Application secret': 'fail' });
    expect(row(results, 'Application secret').detail).toMatch(/^ohmycoins-prod-app-secrets has no value yet: put a JSON object with the keys SECRET_KEY, /);
  });

  it('a secret that is not JSON', async () => {
    const results = await expectOnly(() => apis.state.secrets.set('ohmycoins-prod-app-secrets', `${SECRET_VALUE} plain text`), { 'Application secret': 'fail' });
    expect(row(results, 'Application secret').detail).toMatch(/^ohmycoins-prod-app-secrets does not hold a JSON object/);
    expect(JSON.stringify(results)).not.toContain(SECRET_VALUE);
  });

  it('no secret yet (a first deployment creates it) is a warning', async () => {
    const results = await expectOnly(() => apis.state.secrets.delete('ohmycoins-prod-app-secrets'), { 'Application secret': 'warn' });
    expect(row(results, 'Application secret').detail).toMatch(/^ohmycoins-prod-app-secrets does not exist yet: the production stack creates it; store the keys SECRET_KEY, /);
  });

  it('only a certificate awaiting validation', async () => {
    const results = await expectOnly(
      () => (apis.state.certificates = apis.state.certificates.map((c) => (c.arn === CERT('prod') ? { ...c, status: 'PENDING_VALIDATION' } : c))),
      { 'ACM certificate': 'fail' },
    );
    expect(row(results, 'ACM certificate').detail).toBe(
      `no ISSUED certificate covers api.ohmycoins.com, dashboard.ohmycoins.com: ${CERT('old')} is EXPIRED; ${CERT('prod')} is PENDING_VALIDATION`,
    );
  });

  it('a certificate that does not cover the frontend host (a wildcard covers one label only)', async () => {
    const results = await expectOnly(
      () =>
        (apis.state.certificates = [
          { arn: CERT('api'), domainName: 'api.ohmycoins.com', subjectAlternativeNames: ['api.ohmycoins.com', '*.eu.ohmycoins.com'], status: 'ISSUED', keyAlgorithm: 'RSA_2048' },
          { arn: CERT('deep'), domainName: '*.com', subjectAlternativeNames: ['*.com'], status: 'ISSUED', keyAlgorithm: 'RSA_2048' },
        ]),
      { 'ACM certificate': 'fail' },
    );
    expect(row(results, 'ACM certificate').detail).toBe(
      'no certificate in ap-southeast-2 covers api.ohmycoins.com and dashboard.ohmycoins.com: request one in ACM (DNS validation) for these names',
    );
  });

  it('the certificate given as certificate_arn must be ISSUED and cover both hosts', async () => {
    const passed = await expectOnly(() => undefined, {}, production, { certificateArn: CERT('prod') });
    expect(row(passed, 'ACM certificate').detail).toBe(`${CERT('prod')} is ISSUED and covers api.ohmycoins.com, dashboard.ohmycoins.com`);
    const expired = await expectOnly(() => undefined, { 'ACM certificate': 'fail' }, production, { certificateArn: CERT('old') });
    expect(row(expired, 'ACM certificate').detail).toBe(`${CERT('old')} is EXPIRED, not ISSUED`);
    const other = await expectOnly(() => undefined, { 'ACM certificate': 'fail' }, production, { certificateArn: CERT('other') });
    expect(row(other, 'ACM certificate').detail).toBe(`${CERT('other')} does not cover api.ohmycoins.com, dashboard.ohmycoins.com (it covers example.org)`);
  });

  it('an Elastic IP quota below the NAT gateways of the environment', async () => {
    const results = await expectOnly(() => (apis.state.eipQuota = { applied: 2, default: 5 }), { 'Elastic IP quota': 'fail' });
    expect(row(results, 'Elastic IP quota').detail).toBe(
      'applied quota 2 in ap-southeast-2 is below the 3 Elastic IPs for 3 NAT gateways (natGateways = one-per-az): request an increase of L-0263D0A3',
    );
  });

  it('falls back to the AWS default quota when none was ever applied', async () => {
    const results = await expectOnly(() => (apis.state.eipQuota = { default: 5 }), {});
    expect(row(results, 'Elastic IP quota').detail).toMatch(/^default quota 5 in ap-southeast-2 leaves room for 3 NAT gateways/);
    expect(apis.state.calls).toEqual(expect.arrayContaining(['ServiceQuotasV20190624.GetServiceQuota', 'ServiceQuotasV20190624.GetAWSDefaultServiceQuota']));
  });
});

describe('a broken account', () => {
  it('reports every problem, not just the first, and exits 1 with a NOT READY summary', async () => {
    await Promise.all([
      s3Client.send(new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: 'Suspended' } })),
      s3Client.send(new DeleteBucketEncryptionCommand({ Bucket })),
      s3Client.send(new DeletePublicAccessBlockCommand({ Bucket })),
      dynamoClient.send(new DeleteTableCommand({ TableName: STATE_BACKEND.lockTable })),
    ]);
    apis.state.secrets.set('ohmycoins-staging-app-secrets', '{}');
    apis.state.eipQuota = { applied: 0, default: 5 };
    const results = await run(staging);
    expect(results.filter((r) => r.status === 'fail').map((r) => r.check)).toEqual([
      'Bucket versioning',
      'Bucket encryption',
      'Bucket public access',
      'Lock table',
      'Application secret',
      'Elastic IP quota',
    ]);
  });

  it('never prints a secret value', async () => {
    const out: string[] = [];
    const values = JSON.parse(secretJson()) as Record<string, string>;
    delete values.SECRET_KEY;
    apis.state.secrets.set('ohmycoins-staging-app-secrets', JSON.stringify(values));
    const code = await main(['staging', '--endpoint-url', apis.url, '--endpoint-url-s3', s3.url, '--endpoint-url-dynamodb', dynamo.url], {
      stdout: (t) => out.push(t),
      stderr: (t) => out.push(t),
    });
    expect(code).toBe(1);
    expect(out.join('\n')).toContain('ohmycoins-staging-app-secrets: missing SECRET_KEY');
    expect(out.join('\n')).not.toContain(SECRET_VALUE);
    expect(out[1].replace(/\n {2}/g, ' ')).toBe('staging: NOT READY (8 passed, 1 failed, 1 warning, 2 skipped). Fix: Application secret; then run the check again.');
  });
});

describe('command line', () => {
  const capture = async (argv: string[], env: NodeJS.ProcessEnv = {}) => {
    const out: string[] = [];
    const err: string[] = [];
    const started = Date.now();
    const code = await main(argv, { stdout: (t) => out.push(t), stderr: (t) => err.push(t) }, env);
    return { code, out, err, ms: Date.now() - started };
  };

  it('without credentials: one clear line, no stack trace, fast even with no endpoint reachable', async () => {
    const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;
    try {
      // Port 9 (discard) on loopback: nothing listens there.
      const { code, out, err, ms } = await capture(['production'], { OMC_AWS_ENDPOINT_URL: 'http://127.0.0.1:9' });
      expect({ code, out }).toEqual({ code: 1, out: [] });
      expect(err).toEqual([
        'preflight production: no AWS credentials found (CredentialsProviderError: Could not load credentials from any providers). ' +
          "Set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run 'aws sso login'; then run the check again.",
      ]);
      expect(ms).toBeLessThan(5000);
    } finally {
      Object.assign(process.env, { AWS_ACCESS_KEY_ID: saved.id, AWS_SECRET_ACCESS_KEY: saved.secret });
    }
  });

  it('with credentials but no endpoint reachable: reports it quickly instead of hanging', async () => {
    const { code, out, ms } = await capture(['staging', '--endpoint-url', 'http://127.0.0.1:9']);
    expect(code).toBe(1);
    expect(out.join('\n')).toMatch(/│ AWS credentials +│ FAIL +│ STS GetCallerIdentity failed: cannot connect \(connect ECONNREFUSED 127\.0\.0\.1:9\)/);
    expect(ms).toBeLessThan(8000);
  });

  it('an endpoint that accepts connections but never answers fails within the request time limit', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const started = Date.now();
      const results = await runPreflight({
        config: production,
        endpoints: { all: `http://127.0.0.1:${(silent.address() as AddressInfo).port}` },
        limits: { connectionTimeoutMs: 300, requestTimeoutMs: 300, maxAttempts: 2 },
      });
      expect(row(results, 'AWS credentials')).toMatchObject({ status: 'fail', detail: expect.stringMatching(/^STS GetCallerIdentity failed: no answer in time \(/) });
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('refuses an unknown environment or option with exit code 2', async () => {
    const environments = Object.keys(ENVIRONMENTS).join(', ');
    const unknown = await capture([UNKNOWN_ENVIRONMENT]);
    expect(unknown.code).toBe(2);
    expect(unknown.err[0].split('\n')[0]).toBe(`preflight: unknown environment "${UNKNOWN_ENVIRONMENT}": the environments are ${environments} (environments/index.ts)`);
    const noEnv = await capture([]);
    expect(noEnv.code).toBe(2);
    expect(noEnv.err[0]).toMatch(/^preflight: missing <environment>\nusage: npm run preflight -- <environment>/);
    const badOption = await capture(['staging', '--endpoint', 'x']);
    expect(badOption.code).toBe(2);
    expect(badOption.err[0]).toMatch(/^preflight: unknown option --endpoint\n/);
    const help = await capture(['--help']);
    expect({ code: help.code, err: help.err }).toEqual({ code: 0, err: [] });
    expect(help.out[0]).toMatch(/^usage: npm run preflight -- <environment> \[--certificate-arn <arn>\]/);
    expect(help.out[0]).toContain('--endpoint-url-secretsmanager <url>');
  });
});

describe('settings loaded as synth loads them: the OMC_* overrides apply', () => {
  const endpointArgs = () => ['--endpoint-url', apis.url, '--endpoint-url-s3', s3.url, '--endpoint-url-dynamodb', dynamo.url];
  const TOKEN = 'TFC-TOKEN-SENTINEL-77c2';
  const toCloud = { OMC_STATE_BACKEND: 'cloud', OMC_TFC_ORGANIZATION: 'ohmycoins', OMC_TFC_WORKSPACE: 'ohmycoins-{environment}' };
  const capture = async (argv: string[], env: NodeJS.ProcessEnv) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(argv, { stdout: (t) => out.push(t), stderr: (t) => err.push(t) }, env);
    return { code, out, err, text: [...out, ...err].join('\n') };
  };

  it('OMC_STATE_BACKEND=cloud: the S3 rows do not apply (a broken bucket does not matter), the Terraform Cloud token is checked', async () => {
    s3.bucketRegion = 'us-west-2';
    const asShipped = await capture(['staging', ...endpointArgs()], {});
    expect(asShipped.code).toBe(1);
    expect(asShipped.text).toMatch(/│ State bucket +│ FAIL +│ ohmycoins-terraform-state is in us-west-2/);

    const cloud = await capture(['staging', ...endpointArgs()], { ...toCloud, TF_TOKEN_app_terraform_io: TOKEN, HOME: tmp });
    expect({ code: cloud.code, err: cloud.err }).toEqual({ code: 0, err: [] });
    expect(cloud.out[0]).toBe(
      'Pre-flight check for staging (ohmycoins-staging, ap-southeast-2, state in Terraform Cloud app.terraform.io, organization ohmycoins, workspace ohmycoins-staging)',
    );
    for (const s3Row of ['State bucket', 'Bucket versioning', 'Bucket encryption', 'Bucket public access', 'Lock table']) expect(cloud.text).not.toContain(s3Row);
    expect(cloud.text).toMatch(/│ Terraform Cloud +│ PASS +│ a token for app\.terraform\.io in TF_TOKEN_app_terraform_io \(not shown\)/);
    expect(cloud.text).not.toContain(TOKEN);
    expect(cloud.out[1].replace(/\n {2}/g, ' ')).toMatch(/^staging: READY \(6 passed, 0 failed, 1 warning, 1 skipped\)/);
  });

  it('a scoped override changes only its environment', async () => {
    const env = { ...toCloud, OMC_STATE_BACKEND: undefined, OMC_STATE_BACKEND_PRODUCTION: 'cloud', HOME: tmp };
    const staging = await capture(['staging', ...endpointArgs()], env);
    expect(staging.out[0]).toMatch(/state in s3:\/\/ohmycoins-terraform-state\)$/);
    expect(staging.text).toMatch(/│ State bucket +│ PASS +│/);
    const production = await capture(['production', ...endpointArgs()], env);
    expect(production.out[0]).toMatch(/state in Terraform Cloud app\.terraform\.io, organization ohmycoins, workspace ohmycoins-production\)$/);
    expect(production.text).toMatch(/│ Terraform Cloud +│ FAIL +│ no API token for app\.terraform\.io: run 'terraform login' or set/);
  });

  it('an invalid override is refused as synth refuses it, before any AWS request (exit 2)', async () => {
    for (const env of [{ OMC_STATE_BACKEND: 'clod' }, { OMC_STATE_BACKEND_STAGING: 'cloud' }]) {
      const synth: string[] = [];
      expect(runSynth(() => loadSettings({ env }), { stderr: (l) => synth.push(l) })).toBe(1);
      const preflight = await capture(['staging', ...endpointArgs()], env);
      expect(preflight.code).toBe(2);
      expect(preflight.out).toEqual([]);
      expect(preflight.err).toEqual(['preflight staging: not checked, fix the settings first; synth refuses them:', ...synth]);
    }
    const clod = await capture(['staging'], { OMC_STATE_BACKEND: 'clod' });
    expect(clod.text).toContain('staging.stateBackend.type = "clod": must be one of "s3", "cloud" (set by OMC_STATE_BACKEND)');
    const noOrganization = await capture(['staging'], { OMC_STATE_BACKEND_STAGING: 'cloud' });
    expect(noOrganization.text).toContain('(OMC_STATE_BACKEND_STAGING=cloud needs OMC_TFC_ORGANIZATION)');
    expect(apis.state.calls).toEqual([]);
  });
});

describe('an environment whose state is in Terraform Cloud', () => {
  const cloudStaging = (backend: Partial<CloudStateBackendSettings> = {}) =>
    environment('staging', (r) => {
      r.accountId = ACCOUNT;
      r.stateBackend = { type: 'cloud', organization: 'ohmycoins', workspace: { name: 'ohmycoins-staging' }, ...backend };
    });
  const home = (name: string) => {
    const dir = path.join(tmp, name);
    mkdirSync(path.join(dir, '.terraform.d'), { recursive: true });
    return dir;
  };

  it('has no S3 row: the token replaces the state bucket and lock table; the AWS rows stay', async () => {
    const results = await runPreflight({ config: cloudStaging(), endpoints, env: { TF_TOKEN_app_terraform_io: 'x', HOME: home('with-variable') } });
    expect(results.map((r) => r.check)).toEqual([
      'Terraform',
      'AWS credentials',
      'AWS account',
      'Region',
      'Terraform Cloud',
      'Application secret',
      'ACM certificate',
      'Elastic IP quota',
    ]);
    expect(statuses(results)).toMatchObject({ 'Terraform Cloud': 'pass', 'Application secret': 'pass', 'Elastic IP quota': 'pass' });
  });

  it('with credentials that STS rejects, still checks the token (it needs no AWS call) and skips only the AWS rows', async () => {
    apis.state.rejectCredentials = true;
    const results = await runPreflight({ config: cloudStaging(), endpoints, env: { HOME: home('empty') } });
    expect(statuses(results)).toEqual({
      Terraform: 'pass',
      'AWS credentials': 'fail',
      'AWS account': 'skip',
      Region: 'pass',
      'Terraform Cloud': 'fail',
      'Application secret': 'skip',
      'ACM certificate': 'skip',
      'Elastic IP quota': 'skip',
    });
  });

  it('finds the token where Terraform does, and names the place, never the token', () => {
    const backend = cloudStaging().stateBackend as CloudStateBackendSettings;
    const tfe = cloudStaging({ hostname: 'tfe.example-corp.com' }).stateBackend as CloudStateBackendSettings;
    const loggedIn = home('logged-in');
    const credentials = path.join(loggedIn, '.terraform.d', 'credentials.tfrc.json');
    writeFileSync(credentials, JSON.stringify({ credentials: { 'app.terraform.io': { token: 'secret-1' } } }));
    const cliConfig = path.join(tmp, 'terraformrc');
    writeFileSync(cliConfig, 'credentials "tfe.example-corp.com" {\n  token = "secret-2"\n}\n');
    const cases: [CloudStateBackendSettings, NodeJS.ProcessEnv, string][] = [
      [backend, { HOME: loggedIn }, `pass: a token for app.terraform.io in ${credentials} (not shown)`],
      [tfe, { HOME: loggedIn }, "fail: no API token for tfe.example-corp.com: run 'terraform login tfe.example-corp.com' or set TF_TOKEN_tfe_example__corp_com"],
      [tfe, { HOME: loggedIn, TF_TOKEN_tfe_example__corp_com: 'secret-3' }, 'pass: a token for tfe.example-corp.com in TF_TOKEN_tfe_example__corp_com (not shown)'],
      [tfe, { HOME: loggedIn, TF_CLI_CONFIG_FILE: cliConfig }, `pass: a token for tfe.example-corp.com in ${cliConfig} (not shown)`],
      [backend, { HOME: home('empty'), TF_TOKEN_app_terraform_io: '' }, "fail: no API token for app.terraform.io: run 'terraform login' or set TF_TOKEN_app_terraform_io"],
    ];
    for (const [b, env, expected] of cases) {
      const found = checkCloudToken(b, env);
      expect(`${found.status}: ${found.detail}`).toMatch(new RegExp(`^${expected.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
      expect(found.detail).not.toMatch(/secret-\d/);
    }
  });
});
