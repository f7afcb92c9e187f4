/** The schema of the bootstrap stack's settings (`environments/bootstrap.ts`) and their validation. */
import { z } from 'zod';
import { BOOTSTRAP_BACKENDS, BOOTSTRAP_NAME } from '../../stacks/bootstrap-stack';
import { accountId, positiveInt } from './common';
import { EnvironmentConfigError, toProblems } from './errors';

/** The zod schema of the bootstrap stack's settings (`environments/bootstrap.ts`). */
export const bootstrapConfigSchema = z
  .object({
    accountId: accountId.optional().describe('12-digit AWS account id; when set, the provider refuses to run against any other account. Default: unset.'),
    backend: z
      .enum(BOOTSTRAP_BACKENDS, { message: `must be one of ${BOOTSTRAP_BACKENDS.join(', ')}` })
      .describe(
        'Where the bootstrap stack keeps its own state: local (a file next to the project, for the first apply, before the bucket exists) or s3 (the state bucket, after terraform init -migrate-state).',
      ),
    noncurrentVersionExpirationDays: positiveInt('noncurrent version expiration')
      .min(1)
      .max(3650)
      .describe('Days (1-3650) after which a replaced (noncurrent) state version is deleted; the current version never expires.'),
    kmsKeyDeletionWindowDays: positiveInt('deletion window')
      .min(7)
      .max(30)
      .describe('Waiting period, days, before the state key is deleted once scheduled for deletion (KMS allows 7-30).'),
    github: z
      .object({
        createOidcProvider: z.boolean().describe('Whether the bootstrap stack creates the provider; exactly one stack per account may (D14).'),
      })
      .strict()
      .describe('The account-wide GitHub Actions OIDC provider.'),
    pipeline: z
      .object({
        repository: z
          .string()
          .regex(/^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/, { message: 'must be a GitHub repository as owner/name' })
          .describe('owner/name of the GitHub repository whose workflows plan and apply; every pipeline role trusts one subject of it.'),
        pullRequestPlans: z
          .boolean()
          .describe(
            'Whether each environment that is not productionLike gets a pull-request plan role (trusting repo:<owner>/<repo>:pull_request). false: no pull request can plan any environment.',
          ),
        administratorRoles: z
          .array(
            z.string().regex(/^[A-Za-z0-9+=,.@_\-/*]+$/, {
              message: 'must be an IAM role path and name within the account, * allowed (e.g. aws-reserved/sso.amazonaws.com/*/AWSReservedSSO_AdministratorAccess_*)',
            }),
          )
          .min(1, { message: 'must name at least one administrator role: otherwise only the root user could administer the state keys' })
          .describe(
            "The account's administrators, as IAM role path/name patterns: with the root user, the only principals besides an environment's own roles that may read or write its state and administer its key.",
          ),
      })
      .strict()
      .describe("The GitHub Actions roles that plan and apply each environment, and who else may read each environment's state."),
  })
  .strict()
  .describe('The bootstrap stack: the state bucket, the state keys, the lock table, the pipeline roles and optionally the GitHub OIDC provider.');

/** The validated bootstrap settings: what the bootstrap stack (stacks/bootstrap-stack.ts) is built from. */
export type BootstrapConfig = z.output<typeof bootstrapConfigSchema>;
/** What `environments/bootstrap.ts` must provide. */
export type BootstrapConfigInput = z.input<typeof bootstrapConfigSchema>;

/** Name under which the bootstrap settings appear in messages, and the bootstrap stack's name. */
export { BOOTSTRAP_NAME };

/**
 * Validates the bootstrap settings. Problems are reported like an environment's, under the
 * name `bootstrap`.
 *
 * @throws EnvironmentConfigError listing every problem (field path, bad value, what is allowed)
 */
export function validateBootstrapConfig(raw: unknown): BootstrapConfig {
  const result = bootstrapConfigSchema.safeParse(raw, { reportInput: true });
  if (!result.success) throw new EnvironmentConfigError(BOOTSTRAP_NAME, result.error.issues.flatMap(toProblems));
  return result.data;
}
