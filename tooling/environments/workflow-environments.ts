/**
 * What the GitHub Actions workflows need to know about each environment of the registry, computed
 * from the app (`npm run environments -- --json`, scripts/environments.ts): the workflows name no
 * environment, they read this list in a first job and feed `fromJSON` matrices to the plans, the
 * apply and the drift check (docs/ci.md, "The environment list"). Also the table of what an
 * operator sets per GitHub environment, generated into docs/ci.md.
 */
import type { BootstrapConfig } from '../../environments/schema';
import { deployGithubEnvironment, githubEnvironmentOf, pipelineRoleArn, roleKindsOf, roleOutputName } from '../../lib/pipeline';

/** The CI secret that supplies each known variable (docs/ci.md); others: the upper-cased name. */
export const CI_SECRET_FOR_VARIABLE: Readonly<Record<string, string>> = {
  certificate_arn: 'ACM_CERTIFICATE_ARN',
  redis_auth_token: 'REDIS_AUTH_TOKEN',
};

export function ciSecretFor(variable: string): string {
  return CI_SECRET_FOR_VARIABLE[variable] ?? variable.toUpperCase();
}

/**
 * Variables whose secret only an apply needs (it matters when Terraform writes it): pull-request
 * plans give them a stand-in instead of reading the secret (docs/ci.md).
 */
export const APPLY_ONLY_VARIABLES: readonly string[] = ['redis_auth_token'];

/** One environment, as the workflows use it. */
export interface WorkflowEnvironment {
  readonly name: string;
  readonly productionLike: boolean;
  /** The GitHub environments its jobs run in (lib/pipeline.ts); `plan` only when production-like (reviewer-gated plans). */
  readonly github: { readonly plan: string | null; readonly apply: string; readonly drift: string; readonly deploy: string };
  /**
   * How a pull request plans it: `reviewed` in `github.plan` with its plan role, `pull-request` with the
   * pull-request plan role and no GitHub environment (no secret), `none` (pull-request plans switched off).
   */
  readonly pullRequestPlan: 'reviewed' | 'pull-request' | 'none';
  /** The pull-request plan role's ARN; null when not planned so, or when no account id is known. */
  readonly prPlanRoleArn: string | null;
  /** Secrets of its GitHub environments: one per required input variable of its stack (D15 [CI plan without required variables]). */
  readonly secrets: readonly string[];
  /** Variables its pull-request plan gives a stand-in instead of reading their secret (comma-separated, as plan:diff takes them). */
  readonly standIns: string;
}

/** The list the workflows read: every environment, and the ones each kind of pull-request plan covers. */
export interface WorkflowEnvironments {
  /** Every environment, in the registry's order (drift, the apply's check). */
  readonly environments: readonly WorkflowEnvironment[];
  /** Their names, comma-separated (drift:issue --expect). */
  readonly names: string;
  readonly pullRequestPlans: readonly WorkflowEnvironment[];
  readonly reviewedPlans: readonly WorkflowEnvironment[];
  /** The names of both, comma-separated (plan:comment --expect). */
  readonly planned: string;
}

/** What the list is computed from: the loaded settings and each stack's declared variables. */
export interface WorkflowSource {
  readonly environments: readonly { readonly name: string; readonly productionLike: boolean; readonly accountId?: string }[];
  readonly bootstrap: { readonly accountId?: string; readonly pipeline: Pick<BootstrapConfig['pipeline'], 'pullRequestPlans'> };
  /** The `variable` block of an environment's synthesized stack. */
  readonly variablesOf: (environment: string) => Record<string, { default?: unknown }> | undefined;
  /** The account of the pipeline roles when no settings give one (the repository variable AWS_ACCOUNT_ID). */
  readonly accountId?: string;
}

/** Required input variables (no default) of a stack's `variable` block, sorted. */
export function requiredVariables(variables: Record<string, { default?: unknown }> | undefined): string[] {
  return Object.entries(variables ?? {})
    .filter(([, v]) => !('default' in v))
    .map(([k]) => k)
    .sort();
}

/**
 * The workflow view of every environment. The pull-request plan role lives in the bootstrap stack's
 * account: its ARN uses the bootstrap settings' `accountId`, else the environment's, else
 * `source.accountId`; with none of them it is null and the pull-request plan job stops, naming what to set.
 */
export function workflowEnvironments(source: WorkflowSource): WorkflowEnvironments {
  const environments = source.environments.map((env): WorkflowEnvironment => {
    const kinds = roleKindsOf({ ...env, projectName: '', region: '' }, source.bootstrap.pipeline);
    const pullRequestPlan = kinds.includes('plan') ? 'reviewed' : kinds.includes('pr-plan') ? 'pull-request' : 'none';
    const account = source.bootstrap.accountId ?? env.accountId ?? (source.accountId || undefined);
    const required = requiredVariables(source.variablesOf(env.name));
    return {
      name: env.name,
      productionLike: env.productionLike,
      github: {
        plan: kinds.includes('plan') ? (githubEnvironmentOf(env.name, 'plan') as string) : null,
        apply: githubEnvironmentOf(env.name, 'apply') as string,
        drift: githubEnvironmentOf(env.name, 'drift') as string,
        deploy: deployGithubEnvironment(env.name),
      },
      pullRequestPlan,
      prPlanRoleArn: pullRequestPlan === 'pull-request' && account !== undefined ? pipelineRoleArn(account, env.name, 'pr-plan') : null,
      secrets: required.map(ciSecretFor),
      standIns: required.filter((v) => APPLY_ONLY_VARIABLES.includes(v)).join(','),
    };
  });
  const pullRequestPlans = environments.filter((e) => e.pullRequestPlan === 'pull-request');
  const reviewedPlans = environments.filter((e) => e.pullRequestPlan === 'reviewed');
  const names = (list: readonly WorkflowEnvironment[]) => list.map((e) => e.name).join(',');
  return {
    environments,
    names: names(environments),
    pullRequestPlans,
    reviewedPlans,
    planned: names(environments.filter((e) => e.pullRequestPlan !== 'none')),
  };
}

/** The secrets each GitHub environment of `env` holds: the plan's without its stand-ins. */
export function secretsByGithubEnvironment(env: WorkflowEnvironment): [string, readonly string[]][] {
  const standIns = env.standIns.split(',').filter(Boolean).map(ciSecretFor);
  return [
    ...(env.github.plan ? [[env.github.plan, env.secrets.filter((s) => !standIns.includes(s))] as [string, readonly string[]]] : []),
    [env.github.drift, env.secrets],
    [env.github.apply, env.secrets],
  ];
}

/**
 * What an operator sets per GitHub environment, as a markdown table (docs/ci.md): the variable
 * AWS_ROLE_ARN (which bootstrap output) and the secrets, for every environment of the list.
 */
export function renderGithubEnvironmentsTable(list: WorkflowEnvironments): string {
  const code = (s: string) => `\`${s}\``;
  const rows = list.environments.flatMap((env) => {
    const kindOf = (github: string) => (github === env.github.plan ? 'plan' : github === env.github.drift ? 'drift' : 'apply');
    const pr =
      env.pullRequestPlan === 'pull-request'
        ? [`| *(none: pull-request plan of ${code(env.name)})* | – (role ${env.prPlanRoleArn ? code(env.prPlanRoleArn) : 'built from the account id'}) | none |`]
        : [];
    return [
      ...pr,
      ...secretsByGithubEnvironment(env).map(
        ([github, secrets]) => `| ${code(github)} | ${code(roleOutputName(env.name, kindOf(github)))} | ${secrets.length ? secrets.map(code).join(', ') : 'none'} |`,
      ),
    ];
  });
  return ['| GitHub environment | variable `AWS_ROLE_ARN` = bootstrap output | secrets |', '|---|---|---|', ...rows].join('\n');
}
