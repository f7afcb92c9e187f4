import { TerraformStack, Testing } from 'cdktf';
import { ENVIRONMENTS } from '../../environments';
import { bootstrap } from '../../environments/bootstrap';
import { EnvironmentConfigError, validateBootstrapConfig } from '../../environments/schema';
import { buildConfiguredApp, loadSettings } from '../../environments/load';
import { runSynth } from '../../stacks/app';
import { pipelineRoleName, pipelineSubject, roleKindsOf, roleOutputName } from '../../lib/pipeline';
import { BootstrapStack } from '../../stacks/bootstrap-stack';
import { STATE_BACKEND } from '../../stacks/state-backend';
import { rawEnvironment, registryPipelineEnvironments, SynthesizedStack, synthesizeStack } from '../support/helpers';

type Raw = Record<string, any>;

function synthBootstrap(mutate?: (raw: Raw) => void): SynthesizedStack {
  const raw = structuredClone(bootstrap) as Raw;
  mutate?.(raw);
  return synthesizeStack(new BootstrapStack(Testing.app(), validateBootstrapConfig(raw), registryPipelineEnvironments()));
}

const ID = 'bootstrap_state';

describe('bootstrap stack: state bucket', () => {
  const stack = synthBootstrap();

  it('takes the bucket, table and key alias names from STATE_BACKEND', () => {
    expect(stack.resource('aws_s3_bucket', ID).bucket).toBe(STATE_BACKEND.bucket);
    expect(stack.resource('aws_dynamodb_table', 'bootstrap_locks').name).toBe(STATE_BACKEND.lockTable);
    expect(stack.resource('aws_kms_alias', ID).name).toBe(STATE_BACKEND.kmsKeyAlias);
    expect([STATE_BACKEND.bucket, STATE_BACKEND.lockTable]).toEqual(['ohmycoins-terraform-state', 'ohmycoins-terraform-locks']);
  });

  it('turns versioning on', () => {
    expect(stack.resource('aws_s3_bucket_versioning', ID)).toMatchObject({
      bucket: '${aws_s3_bucket.bootstrap_state.id}',
      versioning_configuration: { status: 'Enabled' },
    });
  });

  it('encrypts by default with its own KMS key, which rotates', () => {
    expect(stack.resource('aws_s3_bucket_server_side_encryption_configuration', ID)).toMatchObject({
      bucket: '${aws_s3_bucket.bootstrap_state.id}',
      rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms', kms_master_key_id: '${aws_kms_key.bootstrap_state.arn}' }, bucket_key_enabled: true }],
    });
    expect(stack.resource('aws_kms_key', ID)).toMatchObject({ enable_key_rotation: true, deletion_window_in_days: 30 });
    expect(stack.resource('aws_kms_alias', ID).target_key_id).toBe('${aws_kms_key.bootstrap_state.key_id}');
  });

  it('sets all four public access block flags', () => {
    expect(stack.resource('aws_s3_bucket_public_access_block', ID)).toEqual(
      expect.objectContaining({
        bucket: '${aws_s3_bucket.bootstrap_state.id}',
        block_public_acls: true,
        block_public_policy: true,
        ignore_public_acls: true,
        restrict_public_buckets: true,
      }),
    );
  });

  it('enforces bucket-owner object ownership (no ACLs)', () => {
    expect(stack.resource('aws_s3_bucket_ownership_controls', ID).rule).toEqual({ object_ownership: 'BucketOwnerEnforced' });
  });

  it('denies every request that does not use TLS, on the bucket and its objects, then isolates each environment', () => {
    const policy = stack.resource('aws_s3_bucket_policy', ID);
    const statements = JSON.parse(policy.policy).Statement as Record<string, any>[];
    expect(statements[0]).toEqual({
      Sid: 'DenyInsecureTransport',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: ['${aws_s3_bucket.bootstrap_state.arn}', '${aws_s3_bucket.bootstrap_state.arn}/*'],
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    });
    // Two statements per environment of the registry (who; which key), and the bootstrap state's (the
    // decisions are simulated in constructs/pipeline-roles.test.ts).
    const envs = registryPipelineEnvironments();
    expect(statements.slice(1).map((s) => [s.Effect, s.Resource])).toEqual([
      ...envs.flatMap((e) => [
        ['Deny', `arn:aws:s3:::${STATE_BACKEND.bucket}/${e.name}/*`],
        ['Deny', `arn:aws:s3:::${STATE_BACKEND.bucket}/${e.name}/*`],
      ]),
      ['Deny', `arn:aws:s3:::${STATE_BACKEND.bucket}/bootstrap/*`],
    ]);
    expect(policy.depends_on).toEqual(['aws_s3_bucket_public_access_block.bootstrap_state']);
  });

  it('expires noncurrent state versions after the configured number of days, for the whole bucket', () => {
    const rule = (s: SynthesizedStack) => s.resource('aws_s3_bucket_lifecycle_configuration', ID).rule[0];
    expect(rule(stack)).toMatchObject({ status: 'Enabled', filter: [{}], noncurrent_version_expiration: [{ noncurrent_days: 90 }] });
    expect(rule(stack).expiration).toBeUndefined();
    expect(rule(synthBootstrap((r) => (r.noncurrentVersionExpirationDays = 30))).noncurrent_version_expiration).toEqual([{ noncurrent_days: 30 }]);
    expect(stack.resource('aws_s3_bucket_lifecycle_configuration', ID).depends_on).toEqual(['aws_s3_bucket_versioning.bootstrap_state']);
  });

  it('marks exactly the buckets, the lock table and the state keys prevent_destroy', () => {
    const protectedAddresses = stack.addresses().filter((address) => {
      const [type, id] = address.split('.');
      return stack.resource(type, id).lifecycle?.prevent_destroy === true;
    });
    const envKeys = registryPipelineEnvironments().map((e) => `aws_kms_key.bootstrap_pipeline_${e.name}_state`);
    expect(protectedAddresses.sort()).toEqual(
      ['aws_dynamodb_table.bootstrap_locks', ...envKeys, 'aws_kms_key.bootstrap_state', 'aws_s3_bucket.bootstrap_state', 'aws_s3_bucket.bootstrap_state_access_log'].sort(),
    );
  });

  it('never lets Terraform empty the bucket on destroy', () => {
    expect(stack.resource('aws_s3_bucket', ID).force_destroy).toBeUndefined();
  });
});

describe('bootstrap stack: lock table', () => {
  const table = synthBootstrap().resource('aws_dynamodb_table', 'bootstrap_locks');

  it('has the string key LockID that the S3 backend requires', () => {
    expect(table.hash_key).toBe('LockID');
    expect(table.attribute).toEqual([{ name: 'LockID', type: 'S' }]);
    expect(table.range_key).toBeUndefined();
  });

  it('bills per request, with point-in-time recovery, encryption and deletion protection', () => {
    expect(table).toMatchObject({
      billing_mode: 'PAY_PER_REQUEST',
      point_in_time_recovery: { enabled: true },
      server_side_encryption: { enabled: true },
      deletion_protection_enabled: true,
    });
    expect(table.read_capacity).toBeUndefined();
  });
});

describe('bootstrap stack: backend, provider and outputs', () => {
  it('keeps its own state in a local file outside cdktf.out by default', () => {
    const { json } = synthBootstrap();
    expect(json.terraform.backend).toEqual({ local: { path: '../../../terraform.bootstrap.tfstate' } });
    expect(json.terraform.required_version).toBe('>= 1.10.0');
  });

  it('moves its state into the bucket, under bootstrap/, when backend is s3', () => {
    const { json } = synthBootstrap((r) => (r.backend = 's3'));
    expect(json.terraform.backend).toEqual({
      s3: {
        bucket: STATE_BACKEND.bucket,
        key: 'bootstrap/terraform.tfstate',
        region: STATE_BACKEND.region,
        encrypt: true,
        kms_key_id: STATE_BACKEND.kmsKeyAlias,
        use_lockfile: true,
      },
    });
  });

  it('deploys to the state region with the shared tags, restricted to the account when one is set', () => {
    expect(synthBootstrap().json.provider.aws).toEqual([
      { region: 'ap-southeast-2', default_tags: [{ tags: { Project: 'Oh My Coins', Environment: 'shared', ManagedBy: 'Terraform' } }] },
    ]);
    expect(synthBootstrap((r) => (r.accountId = '123456789012')).json.provider.aws[0].allowed_account_ids).toEqual(['123456789012']);
  });

  it('outputs the names the environments and the pre-flight check use', () => {
    const outputs = Object.keys(synthBootstrap().json.output);
    expect(outputs.filter((o) => !o.startsWith('pipeline_') && !o.startsWith('state_kms_key_arn_')).sort()).toEqual([
      'lock_table',
      'state_access_trail_arn',
      'state_bucket',
      'state_bucket_arn',
      'state_kms_key_alias',
      'state_kms_key_arn',
    ]);
    // Every role ARN and every environment's key is an output (pipeline-roles.test.ts checks them one by one).
    expect(outputs.filter((o) => o.startsWith('state_kms_key_arn_')).sort()).toEqual(registryPipelineEnvironments().map((e) => `state_kms_key_arn_${e.name}`).sort());
  });
});

describe('bootstrap stack: GitHub OIDC provider', () => {
  it('does not create it by default: staging owns it today', () => {
    expect(synthBootstrap().resources('aws_iam_openid_connect_provider')).toEqual({});
    expect(bootstrap.github.createOidcProvider).toBe(false);
  });

  it('creates the account-wide provider with the legacy settings when asked, and outputs its ARN', () => {
    const stack = synthBootstrap((r) => (r.github.createOidcProvider = true));
    expect(stack.resource('aws_iam_openid_connect_provider', 'bootstrap_github_actions')).toMatchObject({
      url: 'https://token.actions.githubusercontent.com',
      client_id_list: ['sts.amazonaws.com'],
      thumbprint_list: ['6938fd4d98bab03faadb97b34396831e3780aea1', '1c58a3a8518e8759bf075b76b750d4f2df264fcd'],
    });
    expect(stack.json.output.github_oidc_provider_arn.value).toBe('${aws_iam_openid_connect_provider.bootstrap_github_actions.arn}');
  });
});

describe('bootstrap settings validation', () => {
  function problems(mutate: (raw: Raw) => void): string[] {
    const raw = structuredClone(bootstrap) as Raw;
    mutate(raw);
    try {
      validateBootstrapConfig(raw);
    } catch (e) {
      expect(e).toBeInstanceOf(EnvironmentConfigError);
      return (e as Error).message.split('\n');
    }
    throw new Error('expected the settings to be rejected');
  }

  it('accepts the shipped settings', () => {
    expect(() => validateBootstrapConfig(bootstrap)).not.toThrow();
  });

  it('lists every problem with field, value and what is allowed, like an environment', () => {
    expect(
      problems((r) => {
        r.noncurrentVersionExpirationDays = 0;
        r.backend = 'gcs';
        r.kmsKeyDeletionWindowDays = 45;
        r.accountId = '1234';
        r.github.createOidcProvider = 'yes';
        r.bucketName = 'mine';
      }),
    ).toEqual([
      'Environment "bootstrap" has 6 invalid settings:',
      '  - bootstrap.accountId = "1234": must be a 12-digit AWS account id',
      '  - bootstrap.backend = "gcs": must be one of local, s3',
      '  - bootstrap.noncurrentVersionExpirationDays = 0: must be at least 1',
      '  - bootstrap.kmsKeyDeletionWindowDays = 45: must be at most 30',
      '  - bootstrap.github.createOidcProvider = "yes": must be of type boolean',
      '  - bootstrap.bucketName = "mine": unknown field; the allowed fields and their documentation are in docs/environment-settings.md',
    ]);
  });

  it('refuses synth with the bootstrap problems next to the environments\' problems', () => {
    const lines: string[] = [];
    const staging = rawEnvironment('staging');
    staging.network.natGateways = 'two';
    const code = runSynth(() => loadSettings({ environments: { staging }, bootstrap: { ...bootstrap, noncurrentVersionExpirationDays: 1.5 } }), { stderr: (l) => lines.push(l) });
    expect(code).toBe(1);
    const out = lines.join('\n');
    expect(out).toContain('- staging.network.natGateways = "two": must be one of none, single, one-per-az');
    expect(out).toContain('- bootstrap.noncurrentVersionExpirationDays = 1.5: noncurrent version expiration must be a whole number');
    expect(out).not.toMatch(/\n\s+at /);
  });
});

describe('one owner of the GitHub OIDC provider per account (D14)', () => {
  const envs = () => ({ staging: rawEnvironment('staging'), production: rawEnvironment('production') });

  it('accepts the shipped settings: staging creates it, bootstrap and production do not', () => {
    expect(rawEnvironment('staging').github.createOidcProvider).toBe(true);
    expect(() => buildConfiguredApp()).not.toThrow();
  });

  it('refuses bootstrap and staging both creating it, naming both and the fix', () => {
    const lines: string[] = [];
    const code = runSynth(() => loadSettings({ environments: envs(), bootstrap: { ...bootstrap, github: { createOidcProvider: true } } }), { stderr: (l) => lines.push(l) });
    expect(code).toBe(1);
    expect(lines).toEqual([
      'Synth refused: the GitHub OIDC provider https://token.actions.githubusercontent.com would be created by more than one stack in the same AWS account: ' +
        'bootstrap (environments/bootstrap.ts github.createOidcProvider) and staging (environments/staging.ts github.createOidcProvider). ' +
        'IAM allows one provider per URL per account (D14): set github.createOidcProvider to true in exactly one of them and false in the others ' +
        '(they reference its ARN), or give them different accountId values.',
    ]);
  });

  it('refuses two environments creating it', () => {
    const raw = envs();
    raw.production.github.createOidcProvider = true;
    expect(() => buildConfiguredApp({ environments: raw })).toThrow(/created by more than one stack in the same AWS account: staging .* and production /);
  });

  it('allows one creator per account when the accounts are known to differ', () => {
    const raw = envs();
    raw.staging.accountId = '111111111111';
    raw.production.accountId = '222222222222';
    raw.production.github.createOidcProvider = true;
    expect(() => buildConfiguredApp({ environments: raw })).not.toThrow();
    // ...but not when one of them may be in the same account as the other.
    delete raw.staging.accountId;
    expect(() => buildConfiguredApp({ environments: raw })).toThrow(/staging \(environments\/staging.ts github.createOidcProvider\) and production \(environments\/production.ts github.createOidcProvider, account 222222222222\)/);
  });

  it('refuses an environment named like the bootstrap stack', () => {
    const other = rawEnvironment('staging');
    other.name = 'bootstrap';
    other.github.createOidcProvider = false;
    const lines: string[] = [];
    expect(runSynth(() => loadSettings({ environments: { bootstrap: other } }), { stderr: (l) => lines.push(l) })).toBe(1);
    expect(lines).toEqual(['Synth refused: "bootstrap" is the name of the bootstrap stack; rename that environment.']);
  });
});

describe('environment backends agree with the bootstrap resources', () => {
  function stacks(locking: string) {
    const environments = Object.fromEntries(
      Object.keys(ENVIRONMENTS).map((name) => {
        const raw = rawEnvironment(name as 'staging' | 'production');
        raw.stateBackend.locking = locking;
        return [name, raw];
      }),
    );
    const app = buildConfiguredApp({ environments });
    const all = app.node.children.filter((c): c is TerraformStack => c instanceof TerraformStack);
    const synth = (s: TerraformStack) => synthesizeStack(s);
    const boot = synth(all.find((s) => s.node.id === 'bootstrap')!);
    return { boot, envs: all.filter((s) => s.node.id !== 'bootstrap').map((s) => ({ name: s.node.id, stack: synth(s) })) };
  }

  it.each(['dynamodb', 'both', 'lockfile'])('with %s locking: bucket, region, key, lock table and encryption match', (locking) => {
    const { boot, envs } = stacks(locking);
    expect(envs.map((e) => e.name).sort()).toEqual(Object.keys(ENVIRONMENTS).sort());
    const bucket = boot.resource('aws_s3_bucket', 'bootstrap_state');
    const table = boot.resource('aws_dynamodb_table', 'bootstrap_locks');
    const sse = boot.resource('aws_s3_bucket_server_side_encryption_configuration', 'bootstrap_state').rule[0];
    for (const { name, stack } of envs) {
      const s3 = stack.json.terraform.backend.s3;
      expect({ name, bucket: s3.bucket, region: s3.region, kms: s3.kms_key_id, encrypt: s3.encrypt }).toEqual({
        name,
        bucket: bucket.bucket,
        region: boot.json.provider.aws[0].region,
        kms: boot.resource('aws_kms_alias', `bootstrap_pipeline_${name}_state`).name,
        encrypt: true,
      });
      expect(sse.apply_server_side_encryption_by_default.sse_algorithm).toBe('aws:kms');
      if (locking === 'lockfile') {
        expect(s3.dynamodb_table).toBeUndefined();
      } else {
        expect(s3.dynamodb_table).toBe(table.name);
        expect(table.hash_key).toBe('LockID');
      }
    }
  });
});

describe('bootstrap stack: access log of the state bucket', () => {
  const stack = synthBootstrap();
  const trail = stack.resource('aws_cloudtrail', 'bootstrap_state_access_trail');

  it('records the data events of the state objects only, with log file validation, encrypted with its own key', () => {
    expect(trail).toMatchObject({ enable_log_file_validation: true, kms_key_id: '${aws_kms_key.bootstrap_state_access_log.arn}', s3_bucket_name: '${aws_s3_bucket.bootstrap_state_access_log.bucket}' });
    expect(trail.advanced_event_selector).toEqual([
      {
        name: 'Terraform state object reads and writes',
        field_selector: [
          { field: 'eventCategory', equals: ['Data'] },
          { field: 'resources.type', equals: ['AWS::S3::Object'] },
          { field: 'resources.ARN', starts_with: [`arn:aws:s3:::${STATE_BACKEND.bucket}/`] },
        ],
      },
    ]);
    expect(trail.depends_on).toEqual(['aws_s3_bucket_policy.bootstrap_state_access_log']);
  });

  it('lets only this trail write into the log bucket, over TLS', () => {
    const statements = JSON.parse(stack.resource('aws_s3_bucket_policy', 'bootstrap_state_access_log').policy).Statement as Record<string, any>[];
    expect(statements.map((s) => [s.Sid, s.Effect, s.Action])).toEqual([
      ['DenyInsecureTransport', 'Deny', 's3:*'],
      ['CloudTrailAclCheck', 'Allow', 's3:GetBucketAcl'],
      ['CloudTrailWrite', 'Allow', 's3:PutObject'],
    ]);
    for (const s of statements.slice(1)) expect(s.Condition).toEqual({ StringEquals: { 'aws:SourceArn': 'arn:aws:cloudtrail:ap-southeast-2:${local.account_id}:trail/ohmycoins-terraform-state-access' } });
  });
});

describe('bootstrap stack: the pipeline roles', () => {
  const stack = synthBootstrap();
  const envs = registryPipelineEnvironments();
  const roles = Object.values(stack.resources('aws_iam_role')).filter((r) => String(r.name).startsWith('ohmycoins-pipeline-'));

  it('gives each environment of the registry its roles, each trusting exactly one subject, each ARN an output', () => {
    const expected = envs.flatMap((e) => roleKindsOf(e, bootstrap.pipeline).map((k) => pipelineRoleName(e.name, k)));
    expect(roles.map((r) => r.name).sort()).toEqual(expected.sort());
    for (const env of envs) {
      for (const kind of roleKindsOf(env, bootstrap.pipeline)) {
        const role = roles.find((r) => r.name === pipelineRoleName(env.name, kind));
        const trust = JSON.parse(role.assume_role_policy).Statement;
        expect(trust).toHaveLength(1);
        expect(trust[0].Condition.StringEquals['token.actions.githubusercontent.com:sub']).toBe(pipelineSubject(bootstrap.pipeline.repository, env.name, kind));
        expect(stack.json.output[roleOutputName(env.name, kind)]).toBeDefined();
        // Only the apply roles have the boundary.
        expect(role.permissions_boundary !== undefined).toBe(kind === 'apply');
      }
    }
  });

  it('pull-request plans can be switched off: then no role trusts pull_request', () => {
    const off = synthBootstrap((r) => (r.pipeline.pullRequestPlans = false));
    const subjects = Object.values(off.resources('aws_iam_role')).map((r) => JSON.stringify(JSON.parse(r.assume_role_policy).Statement));
    expect(subjects.filter((s) => s.includes(':pull_request'))).toEqual([]);
    expect(Object.keys(off.json.output).filter((o) => o.includes('pr_plan'))).toEqual([]);
    // Control: with them on (as shipped), a non-production-like environment's role does.
    expect(roles.filter((r) => r.assume_role_policy.includes(':pull_request')).map((r) => r.name).sort()).toEqual(
      envs.filter((e) => !e.productionLike).map((e) => pipelineRoleName(e.name, 'pr-plan')).sort(),
    );
  });

  it('refuses an empty administrator list and a malformed repository, naming the field', () => {
    const raw = structuredClone(bootstrap) as Raw;
    raw.pipeline.administratorRoles = [];
    raw.pipeline.repository = 'not a repo';
    expect(() => validateBootstrapConfig(raw)).toThrow(/pipeline\.repository.*must be a GitHub repository as owner\/name[\s\S]*pipeline\.administratorRoles.*must name at least one administrator role/);
  });
});
