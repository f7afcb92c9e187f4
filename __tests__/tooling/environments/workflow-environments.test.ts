/**
 * The environment list the workflows read (tooling/environments/workflow-environments.ts, npm run
 * environments): where the pull-request plan role's account comes from, what switching pull-request
 * plans off does, the secrets and stand-ins, and the report for people (verdict first, 120 columns).
 * The workflows' use of it: __tests__/repository/workflows.test.ts.
 */
import { ENVIRONMENTS } from '../../../environments';
import { githubEnvironmentOf, pipelineRoleArn } from '../../../lib/pipeline';
import { listEnvironments, renderEnvironments } from '../../../scripts/environments';
import { workflowEnvironments, type WorkflowSource } from '../../../tooling/environments/workflow-environments';

const A = '111111111111';
const B = '222222222222';
const C = '333333333333';

/** Two made-up environments: one production-like needing a certificate and a Redis token, one needing nothing. */
const source = (changes: Partial<WorkflowSource> = {}, accounts: { bootstrap?: string; env?: string } = {}): WorkflowSource => ({
  environments: [
    { name: 'alpha', productionLike: false, accountId: accounts.env },
    { name: 'beta', productionLike: true },
  ],
  bootstrap: { accountId: accounts.bootstrap, pipeline: { pullRequestPlans: true } },
  variablesOf: (name): Record<string, { default?: unknown }> =>
    name === 'beta' ? { certificate_arn: {}, redis_auth_token: {}, image_tag: { default: 'x' } } : { image_tag: { default: 'x' } },
  ...changes,
});

describe('the environment list', () => {
  it('builds the pull-request plan role ARN from the bootstrap account, else the environment one, else --account-id; none: null', () => {
    const arn = (s: WorkflowSource) => workflowEnvironments(s).pullRequestPlans[0].prPlanRoleArn;
    expect(arn(source({ accountId: C }, { bootstrap: A, env: B }))).toBe(pipelineRoleArn(A, 'alpha', 'pr-plan'));
    expect(arn(source({ accountId: C }, { env: B }))).toBe(pipelineRoleArn(B, 'alpha', 'pr-plan'));
    expect(arn(source({ accountId: C }))).toBe(`arn:aws:iam::${C}:role/ohmycoins-pipeline-alpha-pr-plan`);
    expect(arn(source({ accountId: '' }))).toBeNull();
  });

  it('puts production-like environments in the reviewed plans, the others in the pull-request plans', () => {
    const list = workflowEnvironments(source({ accountId: C }));
    expect(list.pullRequestPlans.map((e) => e.name)).toEqual(['alpha']);
    expect(list.reviewedPlans.map((e) => [e.name, e.github.plan, e.prPlanRoleArn])).toEqual([['beta', githubEnvironmentOf('beta', 'plan'), null]]);
    expect([list.names, list.planned]).toEqual(['alpha,beta', 'alpha,beta']);
  });

  it('with pull-request plans off, plans only the production-like ones in pull requests', () => {
    const list = workflowEnvironments(source({ bootstrap: { pipeline: { pullRequestPlans: false } } }));
    expect(list.environments.map((e) => e.pullRequestPlan)).toEqual(['none', 'reviewed']);
    expect([list.pullRequestPlans, list.planned, list.names]).toEqual([[], 'beta', 'alpha,beta']);
  });

  it('names the secrets of the required variables only, and stands in for the apply-only ones', () => {
    const [alpha, beta] = workflowEnvironments(source()).environments;
    expect([alpha.secrets, alpha.standIns]).toEqual([[], '']);
    expect([beta.secrets, beta.standIns]).toEqual([['ACM_CERTIFICATE_ARN', 'REDIS_AUTH_TOKEN'], 'redis_auth_token']);
  });

  it('lists the registry in its order, and reports it verdict first within 120 columns', () => {
    const list = listEnvironments();
    expect(list.environments.map((e) => e.name)).toEqual(Object.keys(ENVIRONMENTS));
    const text = renderEnvironments(list);
    expect(text.split('\n')[0]).toBe(`${list.environments.length} environments (environments/index.ts): ${Object.keys(ENVIRONMENTS).join(', ')}; pull requests plan ${list.planned}`);
    expect(text.split('\n').filter((l) => l.length > 120)).toEqual([]);
    for (const e of list.environments) expect(text).toContain(`${e.github.drift} (drift)`);
  });
});
