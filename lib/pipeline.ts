/**
 * The pipeline's GitHub OIDC identities, defined once: which Terraform role of an environment
 * each GitHub Actions subject may assume, and the GitHub environment each one runs in. The
 * bootstrap stack builds the roles from this (constructs/pipeline-roles.ts), the environments'
 * settings refuse these subjects for the application deploy roles (environments/schema/github.ts),
 * and docs/ci.md's matrix is generated from the synthesized roles (tooling/docs/pipeline-access.ts).
 */

/** The kinds of pipeline role an environment gets. */
export const PIPELINE_ROLE_KINDS = ['pr-plan', 'plan', 'apply', 'drift'] as const;
export type PipelineRoleKind = (typeof PIPELINE_ROLE_KINDS)[number];

/** What the bootstrap stack needs to know about each environment of the registry. */
export interface PipelineEnvironment {
  readonly name: string;
  /** Production-like environments get a reviewer-gated plan role instead of a pull-request one. */
  readonly productionLike: boolean;
  /** The environment's resource-name prefix (its IAM roles and policies start with `<projectName>-`). */
  readonly projectName: string;
  readonly region: string;
}

/** The GitHub environment a role's jobs run in; undefined for the pull-request plan role (none). */
export function githubEnvironmentOf(environment: string, kind: PipelineRoleKind): string | undefined {
  switch (kind) {
    case 'pr-plan':
      return undefined;
    case 'plan':
      return `${environment}-plan`;
    case 'apply':
      return environment;
    case 'drift':
      return `${environment}-drift`;
  }
}

/** The GitHub environment of an environment's application deploy role (constructs/iam.ts), distinct from every pipeline one. */
export function deployGithubEnvironment(environment: string): string {
  return `${environment}-deploy`;
}

/** The OIDC `sub` a role trusts: `repo:<owner>/<repo>:pull_request` or `…:environment:<github environment>`. */
export function pipelineSubject(repository: string, environment: string, kind: PipelineRoleKind): string {
  const github = githubEnvironmentOf(environment, kind);
  return github === undefined ? `repo:${repository}:pull_request` : `repo:${repository}:environment:${github}`;
}

/** The role kinds an environment gets: a pull-request plan role or a reviewer-gated plan role, then apply and drift. */
export function roleKindsOf(environment: PipelineEnvironment, settings: { readonly pullRequestPlans: boolean }): PipelineRoleKind[] {
  const plan: PipelineRoleKind[] = environment.productionLike ? ['plan'] : settings.pullRequestPlans ? ['pr-plan'] : [];
  return [...plan, 'apply', 'drift'];
}

/** Prefix of every pipeline role and policy name; the apply roles' boundary forbids touching them. */
export const PIPELINE_NAME_PREFIX = 'ohmycoins-pipeline';

/** IAM name of a pipeline role, e.g. `ohmycoins-pipeline-production-apply`. */
export function pipelineRoleName(environment: string, kind: PipelineRoleKind): string {
  return `${PIPELINE_NAME_PREFIX}-${environment}-${kind}`;
}

/** Terraform output (and logical id part) of a role's ARN, e.g. `pipeline_production_apply_role_arn`. */
export function roleOutputName(environment: string, kind: PipelineRoleKind): string {
  return `pipeline_${snake(environment)}_${snake(kind)}_role_arn`;
}

/** `a-b` → `a_b`, for logical ids and output names. */
export function snake(name: string): string {
  return name.replace(/-/g, '_');
}

/**
 * ARN of a pipeline role in the account the bootstrap stack creates it in (the roles have the
 * default path `/`). Role ARNs are not secrets: the workflows compute the pull-request plan role's
 * from this rather than keeping one repository variable per environment.
 */
export function pipelineRoleArn(accountId: string, environment: string, kind: PipelineRoleKind): string {
  return `arn:aws:iam::${accountId}:role/${pipelineRoleName(environment, kind)}`;
}
