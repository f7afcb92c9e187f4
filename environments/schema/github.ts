/** The `github` section (the GitHub Actions deploy identity) and its own cross-field checks. */
import { z } from 'zod';
import { createsAndNamesOidcProvider } from '../../constructs/iam';
import { GITHUB_OIDC_PROVIDER_ARN, GITHUB_OIDC_PROVIDER_ARN_HELP } from '../../lib/arns';
import { deployGithubEnvironment, githubEnvironmentOf, PIPELINE_ROLE_KINDS } from '../../lib/pipeline';
import { Ctx, issue, ViewOf } from './view';

export const githubSchema = z
  .object({
    repository: z
      .string()
      .regex(/^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/, { message: 'must be a GitHub repository as owner/name' })
      .describe('owner/name of the GitHub repository whose workflows deploy.'),
    createOidcProvider: z
      .boolean()
      .describe(
        'Whether this stack creates the account-wide GitHub OIDC provider (exactly one stack per AWS account may, D14). When false, the deploy role trusts oidcProviderArn or, if that is unset, the account\'s provider by its ARN built from accountId (or from the account that owns the VPC).',
      ),
    oidcProviderArn: z
      .string()
      .regex(GITHUB_OIDC_PROVIDER_ARN, { message: GITHUB_OIDC_PROVIDER_ARN_HELP })
      .optional()
      .describe('ARN of an existing GitHub OIDC provider of the account, when this stack does not create it. Default: unset.'),
    deploySubjects: z
      .array(
        z.string().regex(/^repo:[A-Za-z0-9-]+\/[A-Za-z0-9._-]+:(ref:refs\/(heads|tags)\/[^*?\s]+|environment:[^*?\s]+|pull_request)$/, {
          message:
            'must be an exact GitHub OIDC subject (no wildcards), e.g. repo:octo-org/app:ref:refs/heads/main, repo:octo-org/app:ref:refs/tags/v1.2.0, repo:octo-org/app:environment:production or repo:octo-org/app:pull_request',
        }),
      )
      .min(1, { message: 'must list at least one subject; an empty list would let nobody deploy' })
      .describe(
        'OIDC sub claims allowed to assume the deploy role, exact (no wildcards, D21) and of the configured repository, e.g. repo:owner/name:environment:production.',
      ),
  })
  .strict()
  .describe('GitHub Actions deployment identity.');

export type GithubView = ViewOf<typeof githubSchema>;
/** The `github` section as the Iam construct (constructs/iam.ts) takes it (`oidcProviderArn` filled in by the stack when it is unset). */
export type GithubSettings = z.output<typeof githubSchema>;

/** A stack that creates the OIDC provider trusts its own: no ARN of another one. */
export function checkOidcProvider(github: GithubView, ctx: Ctx): void {
  const arn = github.oidcProviderArn;
  if (arn !== undefined && createsAndNamesOidcProvider(github)) {
    issue(
      ctx,
      ['github', 'oidcProviderArn'],
      arn,
      'must be unset when github.createOidcProvider is true: the deploy role then trusts the provider this stack creates (one owner per account, D14)',
    );
  }
}

/** Every deploy subject names the configured repository. */
export function checkDeploySubjects(github: GithubView, ctx: Ctx): void {
  const { repository, deploySubjects } = github;
  if (repository === undefined || !deploySubjects) return;
  deploySubjects.forEach((subject, i) => {
    if (subject !== undefined && !subject.startsWith(`repo:${repository}:`)) {
      issue(ctx, ['github', 'deploySubjects', i], subject, `must be a subject of the configured repository: repo:${repository}:...`);
    }
  });
}

/**
 * The application deploy role trusts none of the Terraform pipeline's subjects (lib/pipeline.ts):
 * not the environment's apply, plan or drift GitHub environment, and not pull requests. Its own
 * GitHub environment is `<name>-deploy`.
 */
export function checkDeploySubjectsApartFromPipeline(name: string | undefined, github: GithubView, ctx: Ctx): void {
  if (name === undefined || !github.deploySubjects) return;
  const pipeline = PIPELINE_ROLE_KINDS.map((kind) => githubEnvironmentOf(name, kind));
  github.deploySubjects.forEach((subject, i) => {
    // A subject of another repository is reported by checkDeploySubjects.
    if (github.repository === undefined || !subject?.startsWith(`repo:${github.repository}:`)) return;
    const suffix = subject.slice(`repo:${github.repository}:`.length);
    const environment = suffix?.startsWith('environment:') ? suffix.slice('environment:'.length) : undefined;
    if (suffix === 'pull_request' || (environment !== undefined && pipeline.includes(environment))) {
      issue(
        ctx,
        ['github', 'deploySubjects', i],
        subject,
        `must not be a subject of the Terraform pipeline roles (pull_request, environment:${pipeline.filter(Boolean).join(', environment:')}): give the deploy workflow its own GitHub environment, e.g. environment:${deployGithubEnvironment(name)}`,
      );
    }
  });
}
