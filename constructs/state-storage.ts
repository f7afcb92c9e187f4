/**
 * Where the environment stacks keep their Terraform state: the S3 bucket (versioned,
 * KMS-encrypted with a rotating key, private, TLS only, old versions expiring) and the
 * DynamoDB lock table. The legacy project created these by hand with AWS CLI commands;
 * here every protection is code, and everything is `prevent_destroy`.
 */
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { Fn, Lazy } from 'cdktf';
import { Construct } from 'constructs';
import { logicalIds, pin } from '../lib/addresses';
import { policyDocument, type PolicyStatement } from '../lib/iam-document';
import type { BootstrapConfig } from '../environments/schema/bootstrap';
import type { SharedProps } from './base';
import { privateBucket } from './private-bucket';

/**
 * The names every environment's backend uses for these resources (the stacks' `STATE_BACKEND`,
 * passed as it is): fixed, not configured.
 */
export interface StateBackendNames {
  /** Name of the state bucket (globally unique). */
  readonly bucket: string;
  /** Name of the DynamoDB lock table. */
  readonly lockTable: string;
  /** Partition key of the lock table; the S3 backend requires `LockID`. */
  readonly lockTableHashKey: string;
  /** Alias of the KMS key that encrypts the state, including the `alias/` prefix. */
  readonly kmsKeyAlias: string;
}

/**
 * Tags and address prefix (the account-wide bootstrap resources have no project-name prefix,
 * so they take these two of `SharedProps`; the prefix defaults to `bootstrap`).
 */
export type BootstrapSharedProps = Pick<SharedProps, 'tags' | 'addressPrefix'>;

/** Keeps Terraform from ever planning the destruction of the resource. */
const PROTECTED = { preventDestroy: true } as const;

export class StateStorage extends Construct {
  /** Name of the state bucket. */
  public readonly bucketName: string;
  /** ARN of the state bucket. */
  public readonly bucketArn: string;
  /** Name of the lock table. */
  public readonly lockTableName: string;
  /** ARN of the lock table. */
  public readonly lockTableArn: string;
  /** ARN of the KMS key that encrypts the state. */
  public readonly kmsKeyArn: string;
  /** Alias of that key (`alias/...`), as the backends reference it. */
  public readonly kmsKeyAlias: string;
  /** The account the bucket is in: a Terraform expression (the account field of the key's ARN), known after the key exists. */
  public readonly accountId: string;
  /** Statements added to the bucket policy after the TLS-only one (addPolicyStatements). */
  private readonly extraStatements: PolicyStatement[] = [];

  constructor(scope: Construct, id: string, shared: BootstrapSharedProps, settings: Pick<BootstrapConfig, 'noncurrentVersionExpirationDays' | 'kmsKeyDeletionWindowDays'>, names: StateBackendNames) {
    super(scope, id);
    const at = logicalIds(shared.addressPrefix ?? 'bootstrap');
    const tags = shared.tags;
    const named = (name: string) => ({ ...tags, Name: name });

    const key = pin(
      new KmsKey(this, 'Key', {
        description: `Encrypts the Terraform state in s3://${names.bucket}`,
        enableKeyRotation: true,
        deletionWindowInDays: settings.kmsKeyDeletionWindowDays,
        tags: named(`${names.bucket}-key`),
        lifecycle: PROTECTED,
      }),
      at('state'),
    );
    const alias = pin(new KmsAlias(this, 'KeyAlias', { name: names.kmsKeyAlias, targetKeyId: key.keyId }), at('state'));

    const { bucket, versioning, publicAccessBlock } = privateBucket(this, at('state'), { name: names.bucket, tags, keyArn: key.arn });
    pin(
      new S3BucketPolicy(this, 'Policy', {
        bucket: bucket.id,
        // Lazy: the pipeline's per-environment statements are added once its roles exist.
        policy: Lazy.stringValue({
          produce: () =>
            policyDocument(
              {
                Sid: 'DenyInsecureTransport',
                Effect: 'Deny',
                Principal: '*',
                Action: 's3:*',
                Resource: [bucket.arn, `${bucket.arn}/*`],
                Condition: { Bool: { 'aws:SecureTransport': 'false' } },
              },
              ...this.extraStatements,
            ),
        }),
        // S3 rejects a policy change while the public access block is being written.
        dependsOn: [publicAccessBlock],
      }),
      at('state'),
    );
    pin(
      new S3BucketLifecycleConfiguration(this, 'Lifecycle', {
        bucket: bucket.id,
        rule: [
          {
            id: 'expire-noncurrent-state-versions',
            status: 'Enabled',
            filter: [{}],
            noncurrentVersionExpiration: [{ noncurrentDays: settings.noncurrentVersionExpirationDays }],
            abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
          },
        ],
        // Lifecycle rules on noncurrent versions need versioning in place first.
        dependsOn: [versioning],
      }),
      at('state'),
    );

    const hashKey = names.lockTableHashKey;
    const table = pin(
      new DynamodbTable(this, 'LockTable', {
        name: names.lockTable,
        billingMode: 'PAY_PER_REQUEST',
        hashKey,
        attribute: [{ name: hashKey, type: 'S' }],
        pointInTimeRecovery: { enabled: true },
        serverSideEncryption: { enabled: true },
        deletionProtectionEnabled: true,
        tags: named(names.lockTable),
        lifecycle: PROTECTED,
      }),
      at('locks'),
    );

    this.bucketName = bucket.bucket;
    this.bucketArn = bucket.arn;
    this.lockTableName = table.name;
    this.lockTableArn = table.arn;
    this.kmsKeyArn = key.arn;
    this.kmsKeyAlias = alias.name;
    this.accountId = Fn.element(Fn.split(':', key.arn), 4);
  }

  /** Adds statements to the bucket policy (after the TLS-only one). */
  public addPolicyStatements(...statements: PolicyStatement[]): void {
    this.extraStatements.push(...statements);
  }
}
