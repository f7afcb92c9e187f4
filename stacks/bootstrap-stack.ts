/**
 * The `bootstrap` stack: what the environment stacks' S3 backend needs before their
 * first `terraform init` (state bucket, KMS keys, lock table), with the names from
 * stacks/state-backend.ts, the pipeline's GitHub OIDC roles of every environment
 * (constructs/pipeline-roles.ts), plus the account-wide GitHub OIDC provider when configured.
 * It starts with local state (the bucket does not exist yet) and can move its state
 * into the bucket later (`backend: 's3'`, then `terraform init -migrate-state`).
 */
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { LocalBackend, TerraformLocal, TerraformOutput } from 'cdktf';
import type { Construct } from 'constructs';
import { GithubOidcProvider } from '../constructs/github-oidc-provider';
import { GITHUB_OIDC_HOST } from '../constructs/iam';
import { PipelineRoles } from '../constructs/pipeline-roles';
import { StateAccessLog } from '../constructs/state-access-log';
import { StateStorage } from '../constructs/state-storage';
import type { BootstrapConfig } from '../environments/schema/bootstrap';
import { AddressPinnedStack } from '../lib/addresses';
import { roleOutputName, snake, type PipelineEnvironment } from '../lib/pipeline';
import { enforcePolicy, type PolicyOptions } from '../lib/policy/engine';
import { STATE_BACKEND, addS3Backend, stateKey, stateKeyAlias } from './state-backend';
import { REQUIRED_TERRAFORM_VERSION } from './terraform';

/** The bootstrap stack's name (also the name its settings' problems are reported under). */
export const BOOTSTRAP_NAME = 'bootstrap';

/** Where the bootstrap stack keeps its own state: a local file before the bucket exists, then the bucket. */
export const BOOTSTRAP_BACKENDS = ['local', 's3'] as const;

/**
 * Local state file, relative to the stack folder (cdktf.out/stacks/bootstrap): the project
 * root, outside cdktf.out, so deleting the synth output cannot lose it. `*.tfstate` is git-ignored.
 */
export const BOOTSTRAP_LOCAL_STATE_PATH = '../../../terraform.bootstrap.tfstate';

/** Tags on every bootstrap resource: the common tags, for resources all environments share. */
export const BOOTSTRAP_TAGS = { Project: 'Oh My Coins', Environment: 'shared', ManagedBy: 'Terraform' } as const;

export class BootstrapStack extends AddressPinnedStack {
  /** The validated settings this stack was built from. */
  public readonly config: BootstrapConfig;
  /** The state bucket, key and lock table. */
  public readonly stateStorage: StateStorage;
  /** The GitHub OIDC provider, when this stack creates it. */
  public readonly githubOidcProvider?: GithubOidcProvider;
  /** Each environment's pipeline roles and state key. */
  public readonly pipeline: PipelineRoles;
  /** The security and data-protection policy, strict: this stack holds every environment's state. */
  public readonly policy: PolicyOptions = { productionLike: true };

  /** `environments`: every environment of the registry, in order (each gets its roles and key). */
  constructor(scope: Construct, config: BootstrapConfig, environments: readonly PipelineEnvironment[]) {
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
    if (config.backend === 's3') addS3Backend(this, BOOTSTRAP_NAME, 'lockfile', STATE_BACKEND.kmsKeyAlias);
    else new LocalBackend(this, { path: BOOTSTRAP_LOCAL_STATE_PATH });

    this.stateStorage = new StateStorage(this, 'state', { tags }, config, STATE_BACKEND);
    new TerraformOutput(this, 'state_bucket', { value: this.stateStorage.bucketName, description: 'S3 bucket holding every environment state' });
    new TerraformOutput(this, 'state_bucket_arn', { value: this.stateStorage.bucketArn });
    new TerraformOutput(this, 'lock_table', { value: this.stateStorage.lockTableName, description: 'DynamoDB state lock table' });
    new TerraformOutput(this, 'state_kms_key_arn', { value: this.stateStorage.kmsKeyArn });
    new TerraformOutput(this, 'state_kms_key_alias', { value: this.stateStorage.kmsKeyAlias });

    if (config.github.createOidcProvider) {
      this.githubOidcProvider = new GithubOidcProvider(this, 'github-oidc', { tags, addressPrefix: BOOTSTRAP_NAME });
      new TerraformOutput(this, 'github_oidc_provider_arn', {
        value: this.githubOidcProvider.arn,
        description: 'Give this ARN to the environments as github.oidcProviderArn',
      });
    }

    // A local, so policies embed `${local.account_id}` (JSON-safe), not the expression behind it.
    const accountId = new TerraformLocal(this, 'account_id', config.accountId ?? this.stateStorage.accountId).asString;
    this.pipeline = new PipelineRoles(this, 'pipeline', { tags, addressPrefix: BOOTSTRAP_NAME }, config.pipeline, environments, {
      accountId,
      // The account's one provider (D14 [two creators of the OIDC provider]): this stack's, or the one an environment stack creates.
      oidcProviderArn: this.githubOidcProvider?.arn ?? `arn:aws:iam::${accountId}:oidc-provider/${GITHUB_OIDC_HOST}`,
      region: STATE_BACKEND.region,
      bucketName: STATE_BACKEND.bucket,
      lockTableName: STATE_BACKEND.lockTable,
      stateKey,
      keyAlias: stateKeyAlias,
      legacyKeyArn: this.stateStorage.kmsKeyArn,
      kmsKeyDeletionWindowDays: config.kmsKeyDeletionWindowDays,
    });
    this.stateStorage.addPolicyStatements(...this.pipeline.bucketPolicyStatements(BOOTSTRAP_NAME));
    const accessLog = new StateAccessLog(this, 'state-access', { tags, addressPrefix: BOOTSTRAP_NAME }, {
      accountId,
      region: STATE_BACKEND.region,
      stateBucketName: STATE_BACKEND.bucket,
      administratorArns: this.pipeline.administratorArns(),
      kmsKeyDeletionWindowDays: config.kmsKeyDeletionWindowDays,
    });
    new TerraformOutput(this, 'state_access_trail_arn', { value: accessLog.trailArn, description: 'CloudTrail trail recording every read and write of a state object' });
    new TerraformOutput(this, 'pipeline_apply_boundary_arn', { value: this.pipeline.applyBoundaryArn, description: 'Permissions boundary of every apply role' });
    for (const { environment, roleArns, keyArn } of this.pipeline.environments) {
      for (const [kind, arn] of Object.entries(roleArns)) {
        new TerraformOutput(this, roleOutputName(environment.name, kind as keyof typeof roleArns), {
          value: arn,
          description: `Terraform ${kind} role of ${environment.name} (docs/ci.md)`,
        });
      }
      new TerraformOutput(this, `state_kms_key_arn_${snake(environment.name)}`, { value: keyArn, description: `Encrypts the state of ${environment.name}` });
    }
  }
}
