/**
 * Local stand-ins for the AWS APIs the pre-flight check calls, so the real SDK clients
 * run end to end against them:
 *  - S3: s3rver, plus a small layer for the bucket settings it does not implement
 *    (versioning, default encryption, public access block, the bucket-region header);
 *  - DynamoDB: dynalite;
 *  - STS (query protocol, XML), Secrets Manager, ACM and Service Quotas (JSON 1.1 with
 *    X-Amz-Target): one small HTTP server answering the wire protocols, backed by a
 *    state object the tests change.
 * Every server listens on 127.0.0.1 on a random port.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/* eslint-disable @typescript-eslint/no-require-imports -- neither package ships types */
const S3rver = require('s3rver') as new (options: Record<string, unknown>) => S3rverApp;
const dynalite = require('dynalite') as (options: Record<string, unknown>) => Server;

interface KoaContext {
  method: string;
  path: string;
  query: Record<string, unknown>;
  req: IncomingMessage;
  status: number;
  body: unknown;
  type: string;
  set(name: string, value: string): void;
}
interface S3rverApp {
  middleware: ((ctx: KoaContext, next: () => Promise<void>) => Promise<void>)[];
  store: { getBucket(name: string): Promise<unknown> };
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}

export interface StandIn {
  readonly url: string;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of req) body += String(chunk);
  return body;
}

function listening(server: Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

function closing(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
}

/** Bucket settings s3rver lacks; each is the XML document S3 stores and returns. */
interface BucketSettings {
  versioning?: string;
  encryption?: string;
  publicAccessBlock?: string;
}

export interface S3StandIn extends StandIn {
  /** Region reported in `x-amz-bucket-region`. */
  bucketRegion: string;
}

const SUBRESOURCES = {
  versioning: { empty: '<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"/>' },
  encryption: { missing: ['ServerSideEncryptionConfigurationNotFoundError', 'The server side encryption configuration was not found'] },
  publicAccessBlock: { missing: ['NoSuchPublicAccessBlockConfiguration', 'The public access block configuration was not found'] },
} as const;

/** s3rver with the bucket settings the check reads (PUT stores the document, GET returns it, DELETE removes it). */
export async function startS3(): Promise<S3StandIn> {
  const directory = mkdtempSync(path.join(tmpdir(), 'preflight-s3-'));
  const s3rver = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, resetOnClose: true });
  const settings = new Map<string, BucketSettings>();
  const standIn = { url: '', bucketRegion: 'ap-southeast-2', close: async () => {} };
  const xml = (ctx: KoaContext, status: number, body: string) => {
    ctx.status = status;
    ctx.type = 'application/xml';
    ctx.body = `<?xml version="1.0" encoding="UTF-8"?>\n${body}`;
  };
  s3rver.middleware.unshift(async (ctx, next) => {
    const bucket = /^\/([^/]+)\/?$/.exec(ctx.path)?.[1];
    const sub = bucket ? (Object.keys(SUBRESOURCES) as (keyof BucketSettings)[]).find((k) => k in ctx.query) : undefined;
    if (!bucket || !sub) {
      await next();
      if (bucket && ctx.method === 'HEAD' && ctx.status === 200) ctx.set('x-amz-bucket-region', standIn.bucketRegion);
      if (bucket && ctx.method === 'DELETE' && ctx.status === 204) settings.delete(bucket);
      return;
    }
    if (!(await s3rver.store.getBucket(bucket))) {
      return xml(ctx, 404, `<Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message><BucketName>${bucket}</BucketName></Error>`);
    }
    const current = settings.get(bucket) ?? {};
    settings.set(bucket, current);
    if (ctx.method === 'PUT') {
      current[sub] = await readBody(ctx.req);
      ctx.status = 200;
      ctx.body = '';
    } else if (ctx.method === 'DELETE') {
      delete current[sub];
      ctx.status = 204;
    } else if (current[sub]) {
      xml(ctx, 200, current[sub]);
    } else if (sub === 'versioning') {
      xml(ctx, 200, SUBRESOURCES.versioning.empty);
    } else {
      const [code, message] = SUBRESOURCES[sub].missing;
      xml(ctx, 404, `<Error><Code>${code}</Code><Message>${message}</Message><BucketName>${bucket}</BucketName></Error>`);
    }
  });
  const address = await s3rver.run();
  standIn.url = `http://127.0.0.1:${address.port}`;
  standIn.close = async () => {
    await s3rver.close();
    rmSync(directory, { recursive: true, force: true });
  };
  return standIn;
}

/** dynalite, in memory, creating and deleting tables at once. */
export async function startDynamoDb(): Promise<StandIn> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const url = await listening(server);
  return { url, close: () => closing(server) };
}

export interface Certificate {
  readonly arn: string;
  readonly domainName: string;
  readonly subjectAlternativeNames: readonly string[];
  readonly status: 'ISSUED' | 'PENDING_VALIDATION' | 'EXPIRED' | 'REVOKED' | 'FAILED';
  readonly keyAlgorithm: string;
}

/** What the JSON/query stand-in answers; tests change it between runs. */
export interface ApiState {
  /** The caller STS reports. */
  identity: { account: string; arn: string; userId: string };
  /** When true, STS rejects the credentials (InvalidClientTokenId). */
  rejectCredentials: boolean;
  /** Secrets by name: the SecretString, or undefined for a secret without a value. */
  secrets: Map<string, string | undefined>;
  /** ACM certificates in the region. */
  certificates: Certificate[];
  /** EIP quota (L-0263D0A3): the applied value (undefined when never changed) and the AWS default. */
  eipQuota: { applied?: number; default: number };
  /** X-Amz-Target or STS action of every request received, in order. */
  readonly calls: string[];
}

export interface ApiStandIn extends StandIn {
  readonly state: ApiState;
}

/** Certificates per ListCertificates page, small so the check's pagination is exercised. */
const ACM_PAGE_SIZE = 2;

export function defaultApiState(): ApiState {
  return {
    identity: { account: '123456789012', arn: 'arn:aws:iam::123456789012:user/preflight-test', userId: 'AIDAPREFLIGHTTEST' },
    rejectCredentials: false,
    secrets: new Map(),
    certificates: [],
    eipQuota: { applied: 5, default: 5 },
    calls: [],
  };
}

/** STS (query protocol, XML answers) and Secrets Manager, ACM and Service Quotas (JSON 1.1). */
export async function startAwsApis(state: ApiState = defaultApiState()): Promise<ApiStandIn> {
  const server = createServer((req, res) => {
    readBody(req).then((body) => answer(state, req, body, res)).catch((e: Error) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(e.message);
    });
  });
  const url = await listening(server);
  return { url, state, close: () => closing(server) };
}

function answer(state: ApiState, req: IncomingMessage, body: string, res: ServerResponse): void {
  const target = req.headers['x-amz-target'];
  const signed = /^AWS4-HMAC-SHA256 Credential=[^/]+\//.test(req.headers.authorization ?? '');
  if (typeof target !== 'string') return answerSts(state, new URLSearchParams(body), signed, res);

  state.calls.push(target);
  const send = (status: number, payload: unknown) => {
    res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': 'stand-in' });
    res.end(JSON.stringify(payload));
  };
  const fail = (type: string, message: string, status = 400) => send(status, { __type: type, message });
  if (!signed) return fail('MissingAuthenticationTokenException', 'Missing Authentication Token', 403);
  const input = JSON.parse(body || '{}') as Record<string, any>;
  const [, operation] = target.split('.');

  switch (target.split('.')[0]) {
    case 'secretsmanager': {
      const name = String(input.SecretId);
      if (!state.secrets.has(name)) return fail('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
      const arn = `arn:aws:secretsmanager:ap-southeast-2:${state.identity.account}:secret:${name}-AbCdEf`;
      if (operation === 'DescribeSecret') return send(200, { ARN: arn, Name: name });
      if (operation === 'GetSecretValue') {
        const value = state.secrets.get(name);
        if (value === undefined) return fail('ResourceNotFoundException', "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT");
        return send(200, { ARN: arn, Name: name, SecretString: value, VersionId: 'v1', VersionStages: ['AWSCURRENT'] });
      }
      break;
    }
    case 'CertificateManager': {
      if (operation === 'ListCertificates') {
        // Like ACM: without Includes.keyTypes only RSA_1024 and RSA_2048 certificates are listed.
        const keyTypes: string[] = input.Includes?.keyTypes ?? ['RSA_1024', 'RSA_2048'];
        const statuses: string[] | undefined = input.CertificateStatuses;
        const all = state.certificates.filter((c) => keyTypes.includes(c.keyAlgorithm) && (!statuses || statuses.includes(c.status)));
        const start = Number(input.NextToken ?? 0);
        const page = all.slice(start, start + ACM_PAGE_SIZE);
        return send(200, {
          CertificateSummaryList: page.map((c) => ({
            CertificateArn: c.arn,
            DomainName: c.domainName,
            SubjectAlternativeNameSummaries: c.subjectAlternativeNames.slice(0, 1),
            HasAdditionalSubjectAlternativeNames: c.subjectAlternativeNames.length > 1,
            Status: c.status,
            KeyAlgorithm: c.keyAlgorithm,
          })),
          ...(start + ACM_PAGE_SIZE < all.length ? { NextToken: String(start + ACM_PAGE_SIZE) } : {}),
        });
      }
      if (operation === 'DescribeCertificate') {
        const c = state.certificates.find((x) => x.arn === input.CertificateArn);
        if (!c) return fail('ResourceNotFoundException', `Could not find certificate ${String(input.CertificateArn)}.`);
        return send(200, {
          Certificate: { CertificateArn: c.arn, DomainName: c.domainName, SubjectAlternativeNames: c.subjectAlternativeNames, Status: c.status, KeyAlgorithm: c.keyAlgorithm },
        });
      }
      break;
    }
    case 'ServiceQuotasV20190624': {
      const known = input.ServiceCode === 'ec2' && input.QuotaCode === 'L-0263D0A3';
      const quota = (value: number) => ({ Quota: { ServiceCode: 'ec2', QuotaCode: 'L-0263D0A3', QuotaName: 'EC2-VPC Elastic IPs', Value: value } });
      if (!known) return fail('NoSuchResourceException', 'The request failed because the specified resource does not exist.');
      if (operation === 'GetServiceQuota') {
        if (state.eipQuota.applied === undefined) return fail('NoSuchResourceException', 'The request failed because the specified resource does not exist.');
        return send(200, quota(state.eipQuota.applied));
      }
      if (operation === 'GetAWSDefaultServiceQuota') return send(200, quota(state.eipQuota.default));
      break;
    }
  }
  return fail('UnknownOperationException', `The stand-in does not implement ${target}`);
}

function answerSts(state: ApiState, params: URLSearchParams, signed: boolean, res: ServerResponse): void {
  const action = params.get('Action') ?? '(none)';
  state.calls.push(`sts.${action}`);
  const xml = (status: number, body: string) => {
    res.writeHead(status, { 'content-type': 'text/xml' });
    res.end(body);
  };
  const error = (status: number, code: string, message: string) =>
    xml(
      status,
      `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>stand-in</RequestId></ErrorResponse>`,
    );
  if (!signed) return error(403, 'MissingAuthenticationToken', 'Request is missing Authentication Token');
  if (state.rejectCredentials) return error(403, 'InvalidClientTokenId', 'The security token included in the request is invalid.');
  if (action !== 'GetCallerIdentity') return error(400, 'InvalidAction', `Could not find operation ${action}`);
  const { account, arn, userId } = state.identity;
  xml(
    200,
    `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>${arn}</Arn><UserId>${userId}</UserId><Account>${account}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>stand-in</RequestId></ResponseMetadata></GetCallerIdentityResponse>`,
  );
}
