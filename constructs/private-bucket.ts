/**
 * A private S3 bucket of the bootstrap stack: versioned, encrypted with a customer-managed KMS key
 * (Bucket Keys on), public access blocked, ACLs off (bucket owner enforced), protected from
 * destroy. The state bucket and the state access-log bucket are both made here; the resources are
 * created in the caller's scope under the ids they had before, so construct paths and addresses
 * do not change.
 */
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import type { Construct } from 'constructs';
import { pin } from '../lib/addresses';

export interface PrivateBucketProps {
  readonly name: string;
  readonly tags: Readonly<Record<string, string>>;
  /** The KMS key that encrypts every object by default. */
  readonly keyArn: string;
}

/** What later resources of the bucket depend on: its versioning (lifecycle rules) and public access block (policy). */
export interface PrivateBucket {
  readonly bucket: S3Bucket;
  readonly versioning: S3BucketVersioningA;
  readonly publicAccessBlock: S3BucketPublicAccessBlock;
}

/** Creates the bucket and its settings in `scope`, every resource at the pinned logical id `logicalId`. */
export function privateBucket(scope: Construct, logicalId: string, props: PrivateBucketProps): PrivateBucket {
  const bucket = pin(new S3Bucket(scope, 'Bucket', { bucket: props.name, tags: { ...props.tags, Name: props.name }, lifecycle: { preventDestroy: true } }), logicalId);
  const versioning = pin(new S3BucketVersioningA(scope, 'Versioning', { bucket: bucket.id, versioningConfiguration: { status: 'Enabled' } }), logicalId);
  pin(
    new S3BucketServerSideEncryptionConfigurationA(scope, 'Encryption', {
      bucket: bucket.id,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: props.keyArn }, bucketKeyEnabled: true }],
    }),
    logicalId,
  );
  const publicAccessBlock = pin(
    new S3BucketPublicAccessBlock(scope, 'PublicAccessBlock', { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true }),
    logicalId,
  );
  pin(new S3BucketOwnershipControls(scope, 'OwnershipControls', { bucket: bucket.id, rule: { objectOwnership: 'BucketOwnerEnforced' } }), logicalId);
  return { bucket, versioning, publicAccessBlock };
}
