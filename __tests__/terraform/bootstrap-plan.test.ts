/**
 * Real Terraform on the synthesized bootstrap stack: validate is clean, and the offline
 * plan creates the state bucket with every protection, its key and the lock table.
 */
import { countByType, plannedValues } from '../../tooling/terraform/offline-plan';
import { STATE_BACKEND } from '../../stacks/state-backend';
import { loadPlan, loadSynthesized } from '../support/terraform/plans';
import { bootstrap } from '../../environments/bootstrap';
import { roleKindsOf } from '../../lib/pipeline';
import { registryPipelineEnvironments } from '../support/helpers';

describe('terraform on the bootstrap stack', () => {
  it('passes terraform validate without errors or warnings', () => {
    const { validate } = loadPlan('bootstrap');
    expect(validate.diagnostics).toEqual([]);
    expect(validate.valid).toBe(true);
  });

  it('plans exactly the bucket with its settings, the keys and aliases, the lock table and the pipeline roles (no OIDC provider by default)', () => {
    // Per environment of the registry: its state key and alias, and its roles with their policies.
    const environments = registryPipelineEnvironments();
    const roles = environments.flatMap((e) => roleKindsOf(e, bootstrap.pipeline)).length;
    // Plus the access log: a trail, its bucket (with its settings) and its key.
    expect(countByType(loadPlan('bootstrap'))).toEqual({
      aws_cloudtrail: 1,
      aws_dynamodb_table: 1,
      aws_iam_policy: 1,
      aws_iam_role: roles,
      aws_iam_role_policy: roles,
      aws_kms_alias: 2 + environments.length,
      aws_kms_key: 2 + environments.length,
      aws_s3_bucket: 2,
      aws_s3_bucket_lifecycle_configuration: 2,
      aws_s3_bucket_ownership_controls: 2,
      aws_s3_bucket_policy: 2,
      aws_s3_bucket_public_access_block: 2,
      aws_s3_bucket_server_side_encryption_configuration: 2,
      aws_s3_bucket_versioning: 2,
    });
    const { plan } = loadPlan('bootstrap');
    expect(plan.resource_changes).toHaveLength(21 + 2 * environments.length + 2 * roles);
    expect(plan.resource_changes.every((rc) => rc.change.actions.join() === 'create')).toBe(true);
  });

  it('plans the names of stacks/state-backend.ts with the protections', () => {
    const plan = loadPlan('bootstrap');
    expect(plannedValues(plan, 'aws_s3_bucket.bootstrap_state')).toMatchObject({ bucket: STATE_BACKEND.bucket, force_destroy: false });
    expect(plannedValues(plan, 'aws_s3_bucket_versioning.bootstrap_state')).toMatchObject({ versioning_configuration: [{ status: 'Enabled' }] });
    expect(plannedValues(plan, 'aws_s3_bucket_public_access_block.bootstrap_state')).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(plannedValues(plan, 'aws_s3_bucket_ownership_controls.bootstrap_state')).toMatchObject({ rule: [{ object_ownership: 'BucketOwnerEnforced' }] });
    expect(plannedValues(plan, 'aws_s3_bucket_server_side_encryption_configuration.bootstrap_state')).toMatchObject({
      rule: [{ apply_server_side_encryption_by_default: [{ sse_algorithm: 'aws:kms' }], bucket_key_enabled: true }],
    });
    expect(plannedValues(plan, 'aws_s3_bucket_lifecycle_configuration.bootstrap_state')).toMatchObject({
      rule: [{ id: 'expire-noncurrent-state-versions', status: 'Enabled', noncurrent_version_expiration: [{ noncurrent_days: 90 }] }],
    });
    expect(plannedValues(plan, 'aws_kms_key.bootstrap_state')).toMatchObject({ enable_key_rotation: true, deletion_window_in_days: 30 });
    expect(plannedValues(plan, 'aws_kms_alias.bootstrap_state')).toMatchObject({ name: STATE_BACKEND.kmsKeyAlias });
    expect(plannedValues(plan, 'aws_dynamodb_table.bootstrap_locks')).toMatchObject({
      name: STATE_BACKEND.lockTable,
      hash_key: 'LockID',
      attribute: [{ name: 'LockID', type: 'S' }],
      billing_mode: 'PAY_PER_REQUEST',
      point_in_time_recovery: [{ enabled: true }],
      server_side_encryption: [{ enabled: true }],
      deletion_protection_enabled: true,
      tags_all: { Project: 'Oh My Coins', Environment: 'shared', ManagedBy: 'Terraform', Name: STATE_BACKEND.lockTable },
    });
  });

  it('plans with prevent_destroy on the bucket, key and table in the configuration', () => {
    const resources = JSON.parse(loadSynthesized('bootstrap')).resource as Record<string, Record<string, { lifecycle?: { prevent_destroy?: boolean } }>>;
    expect(resources.aws_s3_bucket.bootstrap_state.lifecycle).toEqual({ prevent_destroy: true });
    expect(resources.aws_kms_key.bootstrap_state.lifecycle).toEqual({ prevent_destroy: true });
    expect(resources.aws_dynamodb_table.bootstrap_locks.lifecycle).toEqual({ prevent_destroy: true });
  });
});
