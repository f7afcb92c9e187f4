/**
 * The one definition of where Terraform keeps state. The environment stacks'
 * S3 backends and the bootstrap stack that creates the bucket and lock table
 * both read it, so the names cannot drift apart.
 */
import { S3Backend, TerraformStack } from 'cdktf';
import type { StateLockingMode } from '../environments/schema';

export const STATE_BACKEND = {
  /** S3 bucket holding every environment's state. */
  bucket: 'ohmycoins-terraform-state',
  /** Region of the bucket and lock table. */
  region: 'ap-southeast-2',
  /** DynamoDB table used for state locking (when locking is `dynamodb` or `both`). */
  lockTable: 'ohmycoins-terraform-locks',
  /** The lock table's partition key (string), the name the S3 backend requires. */
  lockTableHashKey: 'LockID',
  /** Server-side encryption of the state object. */
  encrypt: true,
  /**
   * Alias of the customer-managed KMS key (created by the bootstrap stack, rotated yearly) that
   * encrypts the state objects. The backends name it because `encrypt = true` alone would write
   * SSE-S3 objects whatever the bucket's default encryption is.
   */
  kmsKeyAlias: 'alias/ohmycoins-terraform-state',
} as const;

/** The state object key of an environment: `<environment>/terraform.tfstate`. */
export function stateKey(environment: string): string {
  return `${environment}/terraform.tfstate`;
}

/**
 * Adds the S3 backend to an environment stack. `lockfile` uses S3-native locking
 * (`use_lockfile`, Terraform >= 1.10), `dynamodb` the lock table, `both` the two
 * together (for a migration, while older Terraform versions still take locks).
 */
export function addS3Backend(stack: TerraformStack, environment: string, locking: StateLockingMode): S3Backend {
  const backend = new S3Backend(stack, {
    bucket: STATE_BACKEND.bucket,
    key: stateKey(environment),
    region: STATE_BACKEND.region,
    encrypt: STATE_BACKEND.encrypt,
    kmsKeyId: STATE_BACKEND.kmsKeyAlias,
    dynamodbTable: locking === 'lockfile' ? undefined : STATE_BACKEND.lockTable,
  });
  // cdktf 0.21's S3Backend has no use_lockfile prop yet; the override writes it into the backend block.
  if (locking !== 'dynamodb') backend.addOverride('use_lockfile', true);
  return backend;
}
