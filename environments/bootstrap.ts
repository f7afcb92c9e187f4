/**
 * The bootstrap stack: what must exist before any environment can run `terraform init`
 * (the state bucket, its KMS keys and the lock table), the pipeline's GitHub OIDC roles, and
 * optionally the account-wide GitHub OIDC provider. Data only; the rules are in schema/bootstrap.ts. Names come from
 * stacks/state-backend.ts, the definition the environment backends also use.
 */
import type { BootstrapConfigInput } from './schema';

export const bootstrap = {
  // First apply with local state; switch to 's3' and run `terraform init -migrate-state` to move it into the bucket.
  backend: 'local',
  noncurrentVersionExpirationDays: 90,
  kmsKeyDeletionWindowDays: 30,
  // Staging creates the provider today (environments/staging.ts); only one stack per account may (D14 [two creators of the OIDC provider]).
  github: { createOidcProvider: false },
  pipeline: {
    repository: 'MarkLimmage/ohmycoins',
    // Staging (not production-like) is planned for every same-repository pull request.
    pullRequestPlans: true,
    // The IAM Identity Center permission set AdministratorAccess, in any region.
    administratorRoles: ['aws-reserved/sso.amazonaws.com/*/AWSReservedSSO_AdministratorAccess_*'],
  },
} satisfies BootstrapConfigInput;
