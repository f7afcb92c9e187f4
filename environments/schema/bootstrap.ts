/** The schema of the bootstrap stack's settings (`environments/bootstrap.ts`) and their validation. */
import { z } from 'zod';
import { BOOTSTRAP_BACKENDS, BOOTSTRAP_NAME, type BootstrapSettings } from '../../stacks/bootstrap-stack';
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
  })
  .strict()
  .describe('The bootstrap stack: the state bucket, its KMS key, the lock table and optionally the GitHub OIDC provider.') satisfies z.ZodType<BootstrapSettings>;

/** The validated bootstrap settings. */
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
