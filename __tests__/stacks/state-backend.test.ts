import { STATE_BACKEND, stateKey } from '../../stacks/state-backend';
import { synthEnvironment } from '../support/helpers';

describe('state backend and provider', () => {
  it.each(['staging', 'production'] as const)('%s uses the shared S3 state bucket with its own key', (name) => {
    const { json } = synthEnvironment(name);
    expect(json.terraform.backend.s3).toEqual({
      bucket: 'ohmycoins-terraform-state',
      key: `${name}/terraform.tfstate`,
      region: 'ap-southeast-2',
      encrypt: true,
      kms_key_id: `alias/ohmycoins-terraform-state-${name}`,
      use_lockfile: true,
    });
    expect(json.terraform.backend.s3.bucket).toBe(STATE_BACKEND.bucket);
    expect(json.terraform.backend.s3.key).toBe(stateKey(name));
  });

  it('can lock with the DynamoDB table, or with both during a migration', () => {
    const dynamo = synthEnvironment('staging', (r) => (r.stateBackend.locking = 'dynamodb')).json.terraform.backend.s3;
    expect(dynamo.dynamodb_table).toBe('ohmycoins-terraform-locks');
    expect(dynamo.use_lockfile).toBeUndefined();
    const both = synthEnvironment('staging', (r) => (r.stateBackend.locking = 'both')).json.terraform.backend.s3;
    expect([both.dynamodb_table, both.use_lockfile]).toEqual(['ohmycoins-terraform-locks', true]);
  });

  it('pins one provider version and a Terraform version that supports use_lockfile', () => {
    const { json } = synthEnvironment('production');
    expect(json.terraform.required_providers.aws).toEqual({ source: 'aws', version: '5.100.0' });
    expect(json.terraform.required_version).toBe('>= 1.10.0');
  });

  it('sets region and the legacy default tags on the provider', () => {
    const { json } = synthEnvironment('production');
    expect(json.provider.aws).toEqual([
      { region: 'ap-southeast-2', default_tags: [{ tags: { Project: 'Oh My Coins', Environment: 'production', ManagedBy: 'Terraform' } }] },
    ]);
  });

  it('restricts the provider to the configured account when one is set', () => {
    const { json } = synthEnvironment('staging', (r) => (r.accountId = '123456789012'));
    expect(json.provider.aws[0].allowed_account_ids).toEqual(['123456789012']);
  });
});
