/**
 * The `bootstrap` stack: what the environment stacks' S3 backend needs before their
 * first `terraform init` (state bucket, KMS key, lock table), with the names from
 * stacks/state-backend.ts, plus the account-wide GitHub OIDC provider when configured.
 * It starts with local state (the bucket does not exist yet) and can move its state
 * into the bucket later (`backend: 's3'`, then `terraform init -migrate-state`).
 */
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { LocalBackend, TerraformOutput } from 'cdktf';
import type { Construct } from 'constructs';
import { GithubOidcProvider } from '../constructs/github-oidc-provider';
import { StateBackendResources } from '../constructs/state-backend';
import { AddressPinnedStack } from '../lib/addresses';
import { enforcePolicy, type PolicyOptions } from '../lib/policy/engine';
import { STATE_BACKEND, addS3Backend } from './state-backend';
import { REQUIRED_TERRAFORM_VERSION } from './terraform';

/** The bootstrap stack's name (also the name its settings' problems are reported under). */
export const BOOTSTRAP_NAME = 'bootstrap';

/** Where the bootstrap stack keeps its own state: a local file before the bucket exists, then the bucket. */
export const BOOTSTRAP_BACKENDS = ['local', 's3'] as const;

/** The bootstrap stack's settings (environments/bootstrap.ts; the schema documents each field). */
export interface BootstrapSettings {
  /** When set, the provider refuses to run against any other account. */
  readonly accountId?: string;
  readonly backend: (typeof BOOTSTRAP_BACKENDS)[number];
  readonly noncurrentVersionExpirationDays: number;
  readonly kmsKeyDeletionWindowDays: number;
  readonly github: { readonly createOidcProvider: boolean };
}

/**
 * Local state file, relative to the stack folder (cdktf.out/stacks/bootstrap): the project
 * root, outside cdktf.out, so deleting the synth output cannot lose it. `*.tfstate` is git-ignored.
 */
export const BOOTSTRAP_LOCAL_STATE_PATH = '../../../terraform.bootstrap.tfstate';

/** Tags on every bootstrap resource: the common tags, for resources all environments share. */
export const BOOTSTRAP_TAGS = { Project: 'Oh My Coins', Environment: 'shared', ManagedBy: 'Terraform' } as const;

export class BootstrapStack extends AddressPinnedStack {
  /** The validated settings this stack was built from. */
  public readonly config: BootstrapSettings;
  /** The state bucket, key and lock table. */
  public readonly stateBackend: StateBackendResources;
  /** The GitHub OIDC provider, when this stack creates it. */
  public readonly githubOidcProvider?: GithubOidcProvider;
  /** The security and data-protection policy, strict: this stack holds every environment's state. */
  public readonly policy: PolicyOptions = { productionLike: true };

  constructor(scope: Construct, config: BootstrapSettings) {
    super(scope, BOOTSTRAP_NAME);
    this.config = config;
    enforcePolicy(this, this.policy);
    const tags = { ...BOOTSTRAP_TAGS };
    this.addOverride('terraform.required_version', REQUIRED_TERRAFORM_VERSION);

    new AwsProvider(this, 'aws', {
      region: STATE_BACKEND.region,
      defaultTags: [{ tags }],
      allowedAccountIds: config.accountId ? [config.accountId] : undefined,
    });
    if (config.backend === 's3') addS3Backend(this, BOOTSTRAP_NAME, 'lockfile');
    else new LocalBackend(this, { path: BOOTSTRAP_LOCAL_STATE_PATH });

    this.stateBackend = new StateBackendResources(this, 'state', { tags }, config, STATE_BACKEND);
    new TerraformOutput(this, 'state_bucket', { value: this.stateBackend.bucketName, description: 'S3 bucket holding every environment state' });
    new TerraformOutput(this, 'state_bucket_arn', { value: this.stateBackend.bucketArn });
    new TerraformOutput(this, 'lock_table', { value: this.stateBackend.lockTableName, description: 'DynamoDB state lock table' });
    new TerraformOutput(this, 'state_kms_key_arn', { value: this.stateBackend.kmsKeyArn });
    new TerraformOutput(this, 'state_kms_key_alias', { value: this.stateBackend.kmsKeyAlias });

    if (config.github.createOidcProvider) {
      this.githubOidcProvider = new GithubOidcProvider(this, 'github-oidc', { tags, addressPrefix: BOOTSTRAP_NAME });
      new TerraformOutput(this, 'github_oidc_provider_arn', {
        value: this.githubOidcProvider.arn,
        description: 'Give this ARN to the environments as github.oidcProviderArn',
      });
    }
  }
}
