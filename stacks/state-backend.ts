/**
 * The one definition of where Terraform keeps state. The environment stacks'
 * S3 backends and the bootstrap stack that creates the bucket and lock table
 * both read it, so the names cannot drift apart. An environment may instead use
 * Terraform Cloud (`stateBackend.type = 'cloud'`); CI may switch or adjust that
 * choice with OMC_* environment variables, applied when the settings are loaded
 * (environments/overrides.ts). The backend is built from the `stateBackend` section as the schema
 * declares it (environments/schema/state-backend.ts).
 */
import { CloudBackend, NamedCloudWorkspace, S3Backend, TaggedCloudWorkspaces, TerraformBackend, TerraformStack } from 'cdktf';
import type { CloudStateBackendSettings, StateBackendSettings } from '../environments/schema/state-backend';

/** How Terraform locks the S3 state. */
export const STATE_LOCKING_MODES = ['dynamodb', 'lockfile', 'both'] as const;
export type StateLockingMode = (typeof STATE_LOCKING_MODES)[number];

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

/**
 * Alias of an environment's own state key (created by the bootstrap stack with the pipeline roles):
 * the bucket policy refuses uploads to `<environment>/…` encrypted with any other key. The shared
 * key above (`STATE_BACKEND.kmsKeyAlias`) stays for the bootstrap stack's state and for the state
 * versions written before the switch (docs/ci.md, "Moving an existing account over").
 */
export function stateKeyAlias(environment: string): string {
  return `${STATE_BACKEND.kmsKeyAlias}-${environment}`;
}

/** The state object key of an environment: `<environment>/terraform.tfstate`. */
export function stateKey(environment: string): string {
  return `${environment}/terraform.tfstate`;
}

/**
 * Adds the S3 backend to an environment stack, encrypting with the environment's own key (the
 * bootstrap stack passes the shared one). `lockfile` uses S3-native locking
 * (`use_lockfile`, Terraform >= 1.10), `dynamodb` the lock table, `both` the two
 * together (for a migration, while older Terraform versions still take locks).
 */
export function addS3Backend(stack: TerraformStack, environment: string, locking: StateLockingMode, kmsKeyAlias = stateKeyAlias(environment)): S3Backend {
  const backend = new S3Backend(stack, {
    bucket: STATE_BACKEND.bucket,
    key: stateKey(environment),
    region: STATE_BACKEND.region,
    encrypt: STATE_BACKEND.encrypt,
    kmsKeyId: kmsKeyAlias,
    dynamodbTable: locking === 'lockfile' ? undefined : STATE_BACKEND.lockTable,
  });
  // cdktf 0.21's S3Backend has no use_lockfile prop yet; the override writes it into the backend block.
  if (locking !== 'dynamodb') backend.addOverride('use_lockfile', true);
  return backend;
}

/**
 * Adds the Terraform Cloud `cloud` block. No token is ever written: the CLI takes it from
 * `terraform login` or TF_TOKEN_<hostname> (e.g. TF_TOKEN_app_terraform_io).
 */
export function addCloudBackend(stack: TerraformStack, cloud: CloudStateBackendSettings): CloudBackend {
  const { name, tags } = cloud.workspace;
  const workspaces = name !== undefined ? new NamedCloudWorkspace(name, cloud.project) : new TaggedCloudWorkspaces([...(tags ?? [])], cloud.project);
  return new CloudBackend(stack, { organization: cloud.organization, hostname: cloud.hostname, workspaces });
}

/** Adds the environment's state backend: the shared S3 bucket or Terraform Cloud. */
export function addStateBackend(stack: TerraformStack, environment: string, backend: StateBackendSettings): TerraformBackend {
  return backend.type === 'cloud' ? addCloudBackend(stack, backend) : addS3Backend(stack, environment, backend.locking);
}

/** Terraform Cloud's host, the cloud backend's default. */
export const TERRAFORM_CLOUD_HOST = 'app.terraform.io';

/** The Terraform Cloud or Enterprise host of a cloud backend: its `hostname`, or Terraform Cloud's when unset. */
export function cloudHost(backend: CloudStateBackendSettings): string {
  return backend.hostname ?? TERRAFORM_CLOUD_HOST;
}

/** The identity of a Terraform Cloud workspace, to refuse two environments sharing one. */
export function cloudWorkspaceKey(backend: StateBackendSettings): string | undefined {
  if (backend.type !== 'cloud' || backend.workspace.name === undefined) return undefined;
  return `${cloudHost(backend)}/${backend.organization}/${backend.workspace.name}`;
}
