/**
 * The one definition of where Terraform keeps state. The environment stacks'
 * S3 backends and the bootstrap stack that creates the bucket and lock table
 * both read it, so the names cannot drift apart. An environment may instead use
 * Terraform Cloud (`stateBackend.type = 'cloud'`), and CI may switch or adjust
 * that choice with OMC_* environment variables (`applyStateBackendOverrides`).
 */
import { CloudBackend, NamedCloudWorkspace, S3Backend, TaggedCloudWorkspaces, TerraformBackend, TerraformStack } from 'cdktf';
import type { CloudStateBackendConfig, StateBackendConfig, StateLockingMode } from '../environments/schema';

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

/**
 * Adds the Terraform Cloud `cloud` block. No token is ever written: the CLI takes it from
 * `terraform login` or TF_TOKEN_<hostname> (e.g. TF_TOKEN_app_terraform_io).
 */
export function addCloudBackend(stack: TerraformStack, cloud: CloudStateBackendConfig): CloudBackend {
  const { name, tags } = cloud.workspace;
  const workspaces = name !== undefined ? new NamedCloudWorkspace(name, cloud.project) : new TaggedCloudWorkspaces([...(tags ?? [])], cloud.project);
  return new CloudBackend(stack, { organization: cloud.organization, hostname: cloud.hostname, workspaces });
}

/** Adds the environment's state backend: the shared S3 bucket or Terraform Cloud. */
export function addStateBackend(stack: TerraformStack, environment: string, backend: StateBackendConfig): TerraformBackend {
  return backend.type === 'cloud' ? addCloudBackend(stack, backend) : addS3Backend(stack, environment, backend.locking);
}

/**
 * Environment variables that override an environment's `stateBackend` (for CI). Each can be
 * scoped to one environment with an upper-case suffix, which wins over the unscoped one:
 * OMC_TFC_WORKSPACE_PRODUCTION=ohmycoins-prod. In OMC_TFC_WORKSPACE and OMC_TFC_WORKSPACE_TAGS,
 * `{environment}` is replaced by the environment's name.
 */
export const STATE_BACKEND_ENV_VARS = {
  /** `s3` or `cloud`. */
  type: 'OMC_STATE_BACKEND',
  /** Terraform Cloud organization. */
  organization: 'OMC_TFC_ORGANIZATION',
  /** Terraform Enterprise host name. */
  hostname: 'OMC_TFC_HOSTNAME',
  /** Terraform Cloud project. */
  project: 'OMC_TFC_PROJECT',
  /** One workspace, by name. */
  workspace: 'OMC_TFC_WORKSPACE',
  /** Workspaces selected by tags, comma-separated. */
  workspaceTags: 'OMC_TFC_WORKSPACE_TAGS',
} as const;

/** Raw settings after the overrides, and which variable set each overridden field. */
export interface StateBackendOverrides {
  /** The environment's raw settings with `stateBackend` replaced (the input itself when nothing is set). */
  readonly raw: unknown;
  /**
   * Field path (e.g. `stateBackend.workspace.name`) to a note on where its value came from
   * (`set by OMC_TFC_WORKSPACE`), added to any problem reported for that field.
   */
  readonly notes: Readonly<Record<string, string>>;
}

function scopedVariable(env: NodeJS.ProcessEnv, variable: string, environment: string): { name: string; value: string } | undefined {
  const scoped = `${variable}_${environment.toUpperCase().replace(/-/g, '_')}`;
  for (const name of [scoped, variable]) {
    const value = env[name];
    if (value !== undefined && value !== '') return { name, value };
  }
  return undefined;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Applies the OMC_* state-backend variables to an environment's raw settings. The result is
 * validated like any environment file, so a bad value is reported with the environment, the
 * field, the value and what is allowed, and `notes` names the variable that supplied it.
 * Switching an S3 environment to `cloud` starts from an empty cloud block; switching a cloud
 * environment to `s3` uses S3-native locking.
 */
export function applyStateBackendOverrides(environment: string, raw: unknown, env: NodeJS.ProcessEnv = process.env): StateBackendOverrides {
  const read = (key: keyof typeof STATE_BACKEND_ENV_VARS) => scopedVariable(env, STATE_BACKEND_ENV_VARS[key], environment);
  const set = Object.fromEntries(
    (Object.keys(STATE_BACKEND_ENV_VARS) as (keyof typeof STATE_BACKEND_ENV_VARS)[]).flatMap((key) => {
      const found = read(key);
      return found ? [[key, found]] : [];
    }),
  ) as Partial<Record<keyof typeof STATE_BACKEND_ENV_VARS, { name: string; value: string }>>;
  if (Object.keys(set).length === 0 || !isRecord(raw)) return { raw, notes: {} };

  const notes: Record<string, string> = {};
  const current = isRecord(raw.stateBackend) ? raw.stateBackend : {};
  const type = set.type?.value ?? current.type;
  if (set.type) notes['stateBackend.type'] = `set by ${set.type.name}`;
  let backend: Record<string, unknown>;
  if (type === current.type) backend = { ...current };
  else if (type === 's3') backend = { type, locking: 'lockfile' };
  else if (type === 'cloud') backend = { type };
  else backend = { ...current, type };

  if (type === 'cloud') {
    const fill = (value: string) => value.replace(/\{environment\}/g, environment);
    for (const key of ['organization', 'hostname', 'project'] as const) {
      const found = set[key];
      if (found) {
        backend[key] = found.value;
        notes[`stateBackend.${key}`] = `set by ${found.name}`;
      }
    }
    if (set.workspace || set.workspaceTags) {
      const workspace: Record<string, unknown> = {};
      if (set.workspace) {
        workspace.name = fill(set.workspace.value);
        notes['stateBackend.workspace.name'] = `set by ${set.workspace.name}`;
      }
      if (set.workspaceTags) {
        workspace.tags = set.workspaceTags.value.split(',').map((t) => fill(t.trim())).filter((t) => t !== '');
        notes['stateBackend.workspace.tags'] = `set by ${set.workspaceTags.name}`;
      }
      notes['stateBackend.workspace'] = `set by ${[set.workspace?.name, set.workspaceTags?.name].filter(Boolean).join(' and ')}`;
      backend.workspace = workspace;
    }
    if (set.type) {
      // Switched to cloud from CI: say which variables supply what the environment file does not.
      const v = STATE_BACKEND_ENV_VARS;
      if (backend.organization === undefined) notes['stateBackend.organization'] = `${set.type.name}=cloud needs ${v.organization}`;
      if (backend.workspace === undefined) notes['stateBackend.workspace'] = `${set.type.name}=cloud needs ${v.workspace} or ${v.workspaceTags}`;
    }
  }
  return { raw: { ...raw, stateBackend: backend }, notes };
}

/** The identity of a Terraform Cloud workspace, to refuse two environments sharing one. */
export function cloudWorkspaceKey(backend: StateBackendConfig): string | undefined {
  if (backend.type !== 'cloud' || backend.workspace.name === undefined) return undefined;
  return `${backend.hostname ?? 'app.terraform.io'}/${backend.organization}/${backend.workspace.name}`;
}
