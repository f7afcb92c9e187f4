/**
 * Who read or wrote which state object, and when: a CloudTrail trail that records the data events
 * (GetObject, PutObject, DeleteObject, ...) of the state bucket's objects, and only those, into a
 * log bucket of its own, encrypted with a key of its own, with log file validation.
 *
 * Why CloudTrail data events rather than S3 server access logs: each event names the IAM role and
 * its session (`ohmycoins-plan-<run id>`, ...), arrives within minutes, is complete rather than best
 * effort, can be proven unaltered (log file validation) and sits beside the KMS Decrypt events the
 * same reads cause; server access logs are best effort and their target bucket cannot use SSE-KMS.
 */
import { Cloudtrail } from '@cdktf/provider-aws/lib/cloudtrail';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { Construct } from 'constructs';
import { logicalIds, pin } from '../lib/addresses';
import { keyAdministrators, policyDocument } from '../lib/iam-document';
import { privateBucket } from './private-bucket';
import type { BootstrapSharedProps } from './state-storage';

/** How long the access log is kept: a year of who read the state. */
export const ACCESS_LOG_RETENTION_DAYS = 365;

export interface StateAccessLogRefs {
  readonly accountId: string;
  readonly region: string;
  /** The state bucket whose object reads and writes are recorded. */
  readonly stateBucketName: string;
  /** ARN patterns of the administrators, who may read the log (its key's policy). */
  readonly administratorArns: readonly string[];
  readonly kmsKeyDeletionWindowDays: number;
}

export class StateAccessLog extends Construct {
  public readonly trailArn: string;
  public readonly logBucketName: string;

  constructor(scope: Construct, id: string, shared: BootstrapSharedProps, refs: StateAccessLogRefs) {
    super(scope, id);
    const at = logicalIds(`${shared.addressPrefix ?? 'bootstrap'}_state_access`);
    const tags = shared.tags;
    const { accountId, region } = refs;
    const name = `${refs.stateBucketName}-access`;
    const logBucketName = `${refs.stateBucketName}-access-logs`;
    const trailArn = `arn:aws:cloudtrail:${region}:${accountId}:trail/${name}`;
    const fromTrail = { StringEquals: { 'aws:SourceArn': trailArn } };

    const key = pin(
      new KmsKey(this, 'Key', {
        description: `Encrypts the CloudTrail log of s3://${refs.stateBucketName} object access`,
        enableKeyRotation: true,
        deletionWindowInDays: refs.kmsKeyDeletionWindowDays,
        policy: policyDocument(
          keyAdministrators(accountId, refs.administratorArns),
          {
            Sid: 'CloudTrailEncryptsItsLog',
            Effect: 'Allow',
            Principal: { Service: 'cloudtrail.amazonaws.com' },
            Action: ['kms:GenerateDataKey*', 'kms:DescribeKey'],
            Resource: '*',
            Condition: { ...fromTrail, StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': `arn:aws:cloudtrail:*:${accountId}:trail/*` } },
          },
        ),
        tags: { ...tags, Name: `${logBucketName}-key` },
      }),
      at('log'),
    );
    pin(new KmsAlias(this, 'KeyAlias', { name: `alias/${logBucketName}`, targetKeyId: key.keyId }), at('log'));

    const { bucket, versioning, publicAccessBlock } = privateBucket(this, at('log'), { name: logBucketName, tags, keyArn: key.arn });
    const policy = pin(
      new S3BucketPolicy(this, 'Policy', {
        bucket: bucket.id,
        policy: policyDocument(
          { Sid: 'DenyInsecureTransport', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: [bucket.arn, `${bucket.arn}/*`], Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
          { Sid: 'CloudTrailAclCheck', Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 's3:GetBucketAcl', Resource: bucket.arn, Condition: fromTrail },
          { Sid: 'CloudTrailWrite', Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 's3:PutObject', Resource: `${bucket.arn}/AWSLogs/${accountId}/*`, Condition: fromTrail },
        ),
        dependsOn: [publicAccessBlock],
      }),
      at('log'),
    );
    pin(
      new S3BucketLifecycleConfiguration(this, 'Lifecycle', {
        bucket: bucket.id,
        rule: [
          {
            id: 'expire-access-logs',
            status: 'Enabled',
            filter: [{}],
            expiration: [{ days: ACCESS_LOG_RETENTION_DAYS }],
            noncurrentVersionExpiration: [{ noncurrentDays: 30 }],
          },
        ],
        dependsOn: [versioning],
      }),
      at('log'),
    );

    const trail = pin(
      new Cloudtrail(this, 'Trail', {
        name,
        s3BucketName: bucket.bucket,
        kmsKeyId: key.arn,
        enableLogFileValidation: true,
        includeGlobalServiceEvents: false,
        isMultiRegionTrail: false,
        advancedEventSelector: [
          {
            name: 'Terraform state object reads and writes',
            fieldSelector: [
              { field: 'eventCategory', equalTo: ['Data'] },
              { field: 'resources.type', equalTo: ['AWS::S3::Object'] },
              { field: 'resources.ARN', startsWith: [`arn:aws:s3:::${refs.stateBucketName}/`] },
            ],
          },
        ],
        tags: { ...tags, Name: name },
        dependsOn: [policy],
      }),
      at('trail'),
    );
    this.trailArn = trail.arn;
    this.logBucketName = bucket.bucket;
  }
}
