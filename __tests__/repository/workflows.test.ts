/**
 * The GitHub Actions workflows and the shared plan action: valid against the workflow schema
 * (@action-validator/core), every npm script and repository script they call exists, actions are
 * pinned, permissions are least-privilege, no plan or state leaves a runner, CI supplies every
 * required input variable of the stacks (D15 [CI plan without required variables]), and the rules of docs/ci.md "Who sees which secret":
 * no job without a GitHub environment reads a secret, every role comes from the variables of the
 * GitHub environment that uses it (the pull-request plan role aside), apply and drift refuse any ref
 * but main, and every job that can mint an OIDC token installs without install scripts. The
 * workflows name no environment: they read the list `npm run environments -- --json` prints, and a
 * registry with two more environments (added in memory) is planned, applied and drift-checked
 * by the same files, each in the GitHub environments lib/pipeline.ts names.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { validateAction, validateWorkflow } from '@action-validator/core';
import { parse } from 'yaml';
import { ENVIRONMENTS } from '../../environments';
import { githubEnvironmentOf, pipelineRoleArn, type PipelineRoleKind } from '../../lib/pipeline';
import { cli as environmentsCli } from '../../scripts/environments';
import { COMMANDS } from '../../scripts/commands';
import { ciSecretFor } from '../../scripts/stack-plan';
import { newEnvironment } from '../../tooling/environments/new-environment';
import type { WorkflowEnvironment, WorkflowEnvironments } from '../../tooling/environments/workflow-environments';
import { synthEnvironment } from '../support/helpers';
import { withPlaceholdersSet } from '../support/placeholders';
import { REPO_ROOT } from '../support/paths';

const ROOT = REPO_ROOT;
const WORKFLOW_DIR = path.join(ROOT, '.github', 'workflows');
const PLAN_ACTION = './.github/actions/terraform-plan';
const packageScripts = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
  id?: string;
  if?: string;
}
interface Job {
  name?: string;
  strategy?: { matrix?: Record<string, unknown> };
  outputs?: Record<string, string>;
  env?: Record<string, string>;
  uses?: string;
  with?: Record<string, unknown>;
  secrets?: 'inherit' | Record<string, string>;
  steps?: Step[];
  permissions?: Record<string, string> | string;
  environment?: string;
  needs?: string | string[];
  if?: string;
}
interface Workflow {
  on: Record<string, any>;
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
}
interface Action {
  inputs: Record<string, { required?: boolean; default?: string }>;
  runs: { using: string; steps: Step[] };
}

const files = readdirSync(WORKFLOW_DIR).filter((f) => /\.ya?ml$/.test(f)).sort();
const sources = Object.fromEntries(files.map((f) => [f, readFileSync(path.join(WORKFLOW_DIR, f), 'utf8')]));
const workflows = Object.fromEntries(files.map((f) => [f, parse(sources[f]) as Workflow]));
const actionSource = readFileSync(path.join(ROOT, PLAN_ACTION, 'action.yml'), 'utf8');
const planAction = parse(actionSource) as Action;
const allJobs = Object.entries(workflows).flatMap(([file, wf]) => Object.entries(wf.jobs).map(([id, job]) => ({ file, id, job })));

/**
 * A job's steps with the plan action's steps in place of the step that uses it, its `inputs.*`
 * replaced by what the job passes (so a secret passed to the action shows where it is used).
 */
function stepsOf(job: Job): Step[] {
  return (job.steps ?? []).flatMap((step) => {
    if (step.uses !== PLAN_ACTION) return [step];
    const given = { ...Object.fromEntries(Object.entries(planAction.inputs).map(([k, v]) => [k, v.default ?? ''])), ...(step.with ?? {}) } as Record<string, unknown>;
    return planAction.runs.steps.map(
      (inner) => JSON.parse(JSON.stringify(inner).replace(/\$\{\{ inputs\.([a-z-]+) \}\}/g, (m, k: string) => (k in given ? String(given[k]).replace(/"/g, '\\"') : m))) as Step,
    );
  });
}
const allSteps = allJobs.flatMap(({ file, id, job }) => stepsOf(job).map((step) => ({ file, job: id, step })));

/** `npm run <name>` (with any npm flags) in a shell script. */
function npmRunCalls(script: string): { name: string; ifPresent: boolean }[] {
  return [...script.matchAll(/npm run((?:\s+--[a-z-]+)*)\s+([A-Za-z0-9:_-]+)/g)].map((m) => ({ name: m[2], ifPresent: m[1].includes('--if-present') }));
}

/** The secrets a job reads (GITHUB_TOKEN aside): named anywhere in it, or all with `secrets: inherit`. */
function secretsRead(job: Job): string[] {
  if (job.secrets === 'inherit') return ['(every secret: secrets: inherit)'];
  return [...new Set([...JSON.stringify(job).matchAll(/secrets\.([A-Za-z0-9_]+)/g)].map((m) => m[1]).filter((n) => n !== 'GITHUB_TOKEN'))].sort();
}

/** What `npm run environments -- <argv>` prints for `registry` (what the workflows' first job reads). */
async function environmentsOutput(argv: string[], registry: Readonly<Record<string, unknown>> = ENVIRONMENTS): Promise<string> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await environmentsCli(argv, { out: (t) => out.push(t), err: (t) => err.push(t), registry });
  if (code !== 0) throw new Error(`npm run environments -- ${argv.join(' ')}: exit ${code}: ${err.join('')}`);
  return out.join('').trim();
}

/** What a job's expressions can see: the outputs of the jobs it needs, its matrix entry, the inputs. */
interface Context {
  readonly needs: Record<string, Record<string, string>>;
  readonly matrix?: Record<string, unknown>;
  readonly inputs?: Record<string, string>;
}

/** A path `.a.b`, `[0]` or `['a']` from `value`. */
function follow(value: unknown, pathText: string): unknown {
  const keys = [...pathText.matchAll(/\.([A-Za-z_][\w-]*)|\[(\d+)\]/g)].map((m) => m[1] ?? Number(m[2]));
  return keys.reduce<unknown>((v, k) => (v === null || v === undefined ? undefined : (v as Record<string | number, unknown>)[k]), value);
}

/**
 * The value of one of the expression shapes the workflows use: `fromJSON(needs.<job>.outputs.<o>)<path>`,
 * `matrix.<key><path>`, `inputs.<name>`, or a `<value> != null` test of those; throws on any other.
 */
function evaluate(expr: string, ctx: Context): unknown {
  const test = /^(.*) != null$/.exec(expr);
  if (test) return evaluate(test[1], ctx) !== null && evaluate(test[1], ctx) !== undefined;
  const fromJson = /^fromJSON\(needs\.([\w-]+)\.outputs\.([\w-]+)\)(.*)$/.exec(expr);
  if (fromJson) return follow(JSON.parse(ctx.needs[fromJson[1]][fromJson[2]]), fromJson[3]);
  const matrix = /^matrix(\..*)$/.exec(expr);
  if (matrix) return follow(ctx.matrix, matrix[1]);
  const input = /^inputs\.([\w-]+)$/.exec(expr);
  if (input) return ctx.inputs?.[input[1]];
  throw new Error(`no evaluator for the expression ${expr}`);
}

/** A workflow value with its `${{ … }}` evaluated: the value itself when it is one expression, else the text. */
function resolve(value: unknown, ctx: Context): unknown {
  const text = String(value);
  const whole = /^\$\{\{ (.+?) \}\}$/.exec(text);
  if (whole) return evaluate(whole[1], ctx);
  return text.replace(/\$\{\{ (.+?) \}\}/g, (_, e: string) => String(evaluate(e, ctx)));
}

/**
 * For every environment of `l`: each job that would plan, apply or drift-check it, as `<file>:<job>`,
 * and the GitHub environment that job would run in (null: none), computed from the workflow files
 * with `l` as the environments job's output (the apply's check prints one entry of it).
 */
function githubEnvironmentsOf(l: WorkflowEnvironments): Record<string, Record<string, string | null>> {
  const result: Record<string, Record<string, string | null>> = {};
  const add = (env: string, key: string, value: unknown) => ((result[env] ??= {})[key] = value === undefined ? null : String(value));
  const needs = { environments: { list: JSON.stringify(l) } };
  for (const file of ['ci.yml', 'drift.yml']) {
    for (const [id, job] of Object.entries(workflows[file].jobs)) {
      const matrix = job.strategy?.matrix?.environment;
      if (matrix === undefined) continue;
      // The job's last condition: its list is not empty (an empty matrix is an error in GitHub Actions).
      const guard = String(job.if).split(' && ').pop() as string;
      if (guard.startsWith('fromJSON(') && evaluate(guard, { needs }) !== true) continue;
      for (const env of resolve(matrix, { needs }) as WorkflowEnvironment[]) {
        add(env.name, `${file}:${id}`, job.environment === undefined ? undefined : resolve(job.environment, { needs, matrix: { environment: env } }));
      }
    }
  }
  for (const env of l.environments) {
    for (const id of ['plan', 'apply']) add(env.name, `apply.yml:${id}`, resolve(workflows['apply.yml'].jobs[id].environment, { needs: { environment: { settings: JSON.stringify(env) } } }));
  }
  return result;
}

/** What githubEnvironmentsOf must find, from lib/pipeline.ts: pull-request or reviewed plan, drift, the apply's preview and apply. */
function expectedGithubEnvironments(l: WorkflowEnvironments): Record<string, Record<string, string | null>> {
  return Object.fromEntries(
    l.environments.map((env) => {
      const kind: PipelineRoleKind = env.productionLike ? 'plan' : 'pr-plan';
      return [
        env.name,
        {
          [env.productionLike ? 'ci.yml:plan-reviewed' : 'ci.yml:plan']: githubEnvironmentOf(env.name, kind) ?? null,
          'drift.yml:plan': githubEnvironmentOf(env.name, 'drift') as string,
          'apply.yml:plan': githubEnvironmentOf(env.name, 'drift') as string,
          'apply.yml:apply': githubEnvironmentOf(env.name, 'apply') as string,
        },
      ];
    }),
  );
}

const holdsIdToken = (job: Job) => typeof job.permissions === 'object' && job.permissions['id-token'] === 'write';
/** The role a job assumes: the role-to-assume of its credentials step (the plan action's included). */
const roleOf = (job: Job) => stepsOf(job).find((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'))?.with?.['role-to-assume'];

/** An account id for the pull-request plan roles' ARNs (CI: the repository variable AWS_ACCOUNT_ID). */
const ACCOUNT = '123456789012';
/** The list the workflows read, of the shipped registry. */
let list: WorkflowEnvironments;
beforeAll(async () => {
  list = JSON.parse(await environmentsOutput(['--json', '--account-id', ACCOUNT])) as WorkflowEnvironments;
});

describe('workflow files', () => {
  it('are the CI, drift check and apply workflows, and the shared plan action', () => {
    expect(files).toEqual(['apply.yml', 'ci.yml', 'drift.yml']);
    expect(planAction.runs.using).toBe('composite');
  });

  it.each(files)('%s passes the GitHub workflow schema (action-validator)', (file) => {
    expect(validateWorkflow(sources[file]).errors).toEqual([]);
  });

  it('the plan action passes the action schema', () => {
    expect(validateAction(actionSource).errors).toEqual([]);
  });

  it('the validator does reject a broken workflow (control)', () => {
    const broken = sources['ci.yml'].replace('runs-on: ubuntu-latest', 'runs-onn: ubuntu-latest');
    expect(validateWorkflow(broken).errors.length).toBeGreaterThan(0);
  });

  it('call only npm scripts that exist (the optional cost script only with --if-present)', () => {
    const calls = allSteps.flatMap(({ file, step }) => npmRunCalls(step.run ?? '').map((c) => ({ file, ...c })));
    expect(calls.length).toBeGreaterThan(8);
    const missing = calls.filter((c) => !c.ifPresent && packageScripts[c.name] === undefined);
    expect(missing).toEqual([]);
    expect([...new Set(calls.filter((c) => c.ifPresent).map((c) => c.name))]).toEqual(['cost']);
  });

  it('call npm scripts whose repository scripts exist', () => {
    const called = new Set(allSteps.flatMap(({ step }) => npmRunCalls(step.run ?? '').map((c) => c.name)));
    // A compiled command's module, from the command table package.json follows (__tests__/scripts/cli.test.ts).
    const targets = COMMANDS.flatMap((c) => (called.has(c.name) && 'module' in c ? [`${c.module}.ts`] : []));
    expect(targets.length).toBeGreaterThan(4);
    expect(targets.filter((t) => !existsSync(path.join(ROOT, t)))).toEqual([]);
    const paths = allSteps.flatMap(({ step }) => [...(step.run ?? '').matchAll(/(?:^|\s)(\.?\/?(?:scripts|\.ci)\/[\w./-]+)/g)].map((m) => m[1]));
    expect(paths.filter((p) => !existsSync(path.join(ROOT, p)))).toEqual([]);
    expect(packageScripts.test).toBeDefined();
  });

  it('use the plan action with inputs it declares, after checking out the repository', () => {
    const uses = allJobs.flatMap(({ file, id, job }) => (job.steps ?? []).map((step, i) => ({ key: `${file}:${id}`, step, i, job })).filter(({ step }) => step.uses === PLAN_ACTION));
    expect(uses.map((u) => u.key)).toEqual(['apply.yml:plan', 'ci.yml:plan', 'ci.yml:plan-reviewed']);
    for (const { step, i, job } of uses) {
      expect(Object.keys(step.with ?? {}).filter((k) => !(k in planAction.inputs))).toEqual([]);
      expect(Object.entries(planAction.inputs).filter(([k, v]) => v.required && !(k in (step.with ?? {})))).toEqual([]);
      expect((job.steps ?? []).slice(0, i).some((s) => s.uses?.startsWith('actions/checkout@'))).toBe(true);
    }
    // No reusable workflow: a called workflow's job would not see its environment's secrets unless
    // the caller passed every secret (secrets: inherit).
    expect(allJobs.filter(({ job }) => job.uses !== undefined)).toEqual([]);
  });
});

describe('workflow hygiene', () => {
  it('pins every action to a commit SHA with its version in a comment', () => {
    const uses = [...Object.values(sources), actionSource].join('\n').split('\n').filter((l) => /^\s*(-\s+)?uses:\s+[^.]/.test(l));
    expect(uses.length).toBeGreaterThan(10);
    for (const line of uses) expect(line).toMatch(/uses: [\w.-]+\/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
  });

  it('pins Terraform 1.11.4 without the output wrapper, and Node 20', () => {
    const terraform = allSteps.filter(({ step }) => step.uses?.startsWith('hashicorp/setup-terraform@'));
    const node = allSteps.filter(({ step }) => step.uses?.startsWith('actions/setup-node@'));
    expect(terraform.length).toBeGreaterThanOrEqual(3);
    for (const { step } of terraform) expect(step.with).toMatchObject({ terraform_version: '1.11.4', terraform_wrapper: false });
    for (const { step } of node) expect(step.with).toMatchObject({ 'node-version': 20 });
  });

  it('gives each job its own least-privilege permissions', () => {
    for (const wf of Object.values(workflows)) expect(wf.permissions).toEqual({ contents: 'read' });
    for (const { file, id, job } of allJobs) {
      expect({ file, id, permissions: typeof job.permissions }).toEqual({ file, id, permissions: 'object' });
      const perms = job.permissions as Record<string, string>;
      const writes = Object.entries(perms).filter(([, v]) => v === 'write').map(([k]) => k).sort();
      const expected = [
        ...(roleOf(job) !== undefined ? ['id-token'] : []),
        ...(file === 'ci.yml' && id === 'comment' ? ['pull-requests'] : []),
        ...(file === 'drift.yml' && id === 'report' ? ['issues'] : []),
      ].sort();
      expect({ file, id, writes }).toEqual({ file, id, writes: expected });
    }
  });

  it('never uploads a plan, its JSON or state', () => {
    const uploads = allSteps.filter(({ step }) => step.uses?.startsWith('actions/upload-artifact@'));
    expect(uploads.length).toBe(5);
    for (const { step } of uploads) expect(String(step.with?.path)).not.toMatch(/tfplan|\bplan(\.json)?$|tfstate|\.terraform\b|cdktf\.out\/stacks\/\*\/?$/);
    expect([...new Set(uploads.map(({ step }) => step.with?.path))].sort()).toEqual(['drift-report/', 'plan-summary/', expect.stringContaining('cdk.tf.json')].sort());
  });
});

describe('who may assume which role, and who sees which secret (docs/ci.md)', () => {
  /** Jobs that read a secret without running in a GitHub environment. */
  const secretsWithoutEnvironment = (wfs: Record<string, Workflow>) =>
    Object.entries(wfs).flatMap(([file, wf]) =>
      Object.entries(wf.jobs)
        .filter(([, job]) => job.environment === undefined && secretsRead(job).length > 0)
        .map(([id, job]) => ({ key: `${file}:${id}`, secrets: secretsRead(job) })),
    );

  it('no job without a GitHub environment reads a secret other than GITHUB_TOKEN', () => {
    expect(secretsWithoutEnvironment(workflows)).toEqual([]);
    // The jobs that read secrets, each in its environment.
    expect(allJobs.filter(({ job }) => secretsRead(job).length > 0).map(({ file, id, job }) => [`${file}:${id}`, job.environment])).toEqual([
      ['apply.yml:plan', '${{ fromJSON(needs.environment.outputs.settings).github.drift }}'],
      ['apply.yml:apply', '${{ fromJSON(needs.environment.outputs.settings).github.apply }}'],
      ['ci.yml:plan-reviewed', '${{ matrix.environment.github.plan }}'],
      ['drift.yml:plan', '${{ matrix.environment.github.drift }}'],
    ]);
  });

  it('fails for a secret read outside an environment, or secrets: inherit (controls)', () => {
    const mutated = (edit: (wfs: Record<string, Workflow>) => void) => {
      const copy = structuredClone(workflows);
      edit(copy);
      return secretsWithoutEnvironment(copy);
    };
    expect(mutated((w) => w['ci.yml'].jobs.comment.steps?.push({ run: 'x', env: { T: '${{ secrets.REDIS_AUTH_TOKEN }}' } }))).toEqual([{ key: 'ci.yml:comment', secrets: ['REDIS_AUTH_TOKEN'] }]);
    expect(mutated((w) => delete w['drift.yml'].jobs.plan.environment)).toEqual([{ key: 'drift.yml:plan', secrets: ['ACM_CERTIFICATE_ARN', 'REDIS_AUTH_TOKEN'] }]);
    expect(mutated((w) => (w['ci.yml'].jobs.test.secrets = 'inherit'))).toEqual([{ key: 'ci.yml:test', secrets: ['(every secret: secrets: inherit)'] }]);
    // GITHUB_TOKEN is every job's own.
    expect(mutated((w) => w['ci.yml'].jobs.comment.steps?.push({ run: 'x', env: { T: '${{ secrets.GITHUB_TOKEN }}' } }))).toEqual([]);
  });

  it('there is no plan-encryption key any more: no plan file crosses jobs', () => {
    expect([...Object.values(sources), actionSource].join('\n')).not.toContain('PLAN_ENCRYPTION_KEY');
  });

  it('every role is the AWS_ROLE_ARN variable of the job\'s GitHub environment; only the pull-request plan role is computed', () => {
    const roles = allJobs.filter(({ job }) => roleOf(job) !== undefined).map(({ file, id, job }) => [`${file}:${id}`, job.environment ?? null, roleOf(job)]);
    expect(roles).toEqual([
      ['apply.yml:plan', '${{ fromJSON(needs.environment.outputs.settings).github.drift }}', '${{ vars.AWS_ROLE_ARN }}'],
      ['apply.yml:apply', '${{ fromJSON(needs.environment.outputs.settings).github.apply }}', '${{ vars.AWS_ROLE_ARN }}'],
      ['ci.yml:plan', null, '${{ matrix.environment.prPlanRoleArn }}'],
      ['ci.yml:plan-reviewed', '${{ matrix.environment.github.plan }}', '${{ vars.AWS_ROLE_ARN }}'],
      ['drift.yml:plan', '${{ matrix.environment.github.drift }}', '${{ vars.AWS_ROLE_ARN }}'],
    ]);
    // The pull-request plan role's ARN, built from the account id and lib/pipeline.ts's name.
    for (const env of list.pullRequestPlans) expect(resolve(roleOf(workflows['ci.yml'].jobs.plan), { needs: {}, matrix: { environment: env } })).toBe(pipelineRoleArn(ACCOUNT, env.name, 'pr-plan'));
    // The pull-request plan job holds no secret, and runs only for pull requests from this repository.
    expect(secretsRead(workflows['ci.yml'].jobs.plan)).toEqual([]);
    expect(workflows['ci.yml'].jobs.plan.if).toMatch(/^github\.event_name == 'pull_request' && github\.event\.pull_request\.head\.repo\.full_name == github\.repository && /);
  });

  it('a pull-request plan role without an account id stops the job first, naming what to set', async () => {
    const unknown = (JSON.parse(await environmentsOutput(['--json'])) as WorkflowEnvironments).pullRequestPlans;
    expect(unknown.map((e) => e.prPlanRoleArn)).toEqual(unknown.map(() => null));
    const [first] = workflows['ci.yml'].jobs.plan.steps ?? [];
    expect(first.if).toBe('matrix.environment.prPlanRoleArn == null');
    expect(first.run).toContain('set accountId in environments/bootstrap.ts, or the repository variable AWS_ACCOUNT_ID');
    expect(first.run).toContain('exit 1');
  });

  it('the GitHub environments are the ones the pipeline roles trust (lib/pipeline.ts)', () => {
    expect(githubEnvironmentsOf(list)).toEqual(expectedGithubEnvironments(list));
    expect(list.environments.map((e) => e.name)).toEqual(Object.keys(ENVIRONMENTS));
  });

  it('apply and drift refuse any ref but main with an if: guard on every job that holds a token or a secret', () => {
    for (const file of ['apply.yml', 'drift.yml']) {
      for (const [id, job] of Object.entries(workflows[file].jobs)) {
        if (holdsIdToken(job) || secretsRead(job).length > 0 || file === 'drift.yml') expect({ file, id, if: job.if }).toEqual({ file, id, if: expect.stringMatching(/^github\.ref == 'refs\/heads\/main'|&& github\.ref == 'refs\/heads\/main'/) });
      }
      expect(Object.keys(workflows[file].on).filter((e) => e.startsWith('pull_request'))).toEqual([]);
    }
  });

  it('every job that can mint an OIDC token installs with npm ci --ignore-scripts', () => {
    const installs = allJobs.flatMap(({ file, id, job }) => stepsOf(job).filter((s) => /\bnpm ci\b/.test(s.run ?? '')).map((s) => ({ key: `${file}:${id}`, run: s.run, token: holdsIdToken(job) })));
    const withToken = installs.filter((i) => i.token);
    expect(withToken.map((i) => i.key)).toEqual(['apply.yml:plan', 'apply.yml:apply', 'ci.yml:plan', 'ci.yml:plan-reviewed', 'drift.yml:plan']);
    expect(withToken.filter((i) => i.run !== 'npm ci --ignore-scripts')).toEqual([]);
  });
});

describe('the pull-request plans', () => {
  const ci = workflows['ci.yml'];
  const planStep = planAction.runs.steps.find((s) => s.id === 'plan') as Step;

  it('runs tests, the policy check, synth and validate on every pull request and push to main', () => {
    expect(Object.keys(ci.on).sort()).toEqual(['pull_request', 'push']);
    expect(ci.on.push).toEqual({ branches: ['main'] });
    expect(ci.jobs.test.steps?.map((s) => s.run).filter(Boolean)).toEqual(['npm ci', 'npm test', 'npm run check', 'npm run synth']);
    expect(ci.jobs.validate.steps?.map((s) => s.run).filter(Boolean)).toEqual(['npm ci', 'npm run validate:stacks']);
  });

  it('plans every environment of the list (the productionLike ones behind their environment), and posts one comment from the summaries', () => {
    const withOf = (id: string) => ci.jobs[id].steps?.find((s) => s.uses === PLAN_ACTION)?.with;
    expect(withOf('plan')).toEqual({ stack: '${{ matrix.environment.name }}', 'role-arn': '${{ matrix.environment.prPlanRoleArn }}', 'stand-ins': '${{ matrix.environment.standIns }}' });
    expect(withOf('plan-reviewed')).toMatchObject({ stack: '${{ matrix.environment.name }}', 'stand-ins': '${{ matrix.environment.standIns }}' });
    expect(ci.jobs.comment.needs).toEqual(['environments', 'plan', 'plan-reviewed']);
    expect(ci.jobs.comment.steps?.map((s) => s.run).filter(Boolean)).toEqual([
      'npm ci',
      'npm run plan:comment -- plan-summary --expect "$EXPECT" --commit "$HEAD_SHA" --out plan-comment.md',
      'npm run pr:comment -- plan-comment.md',
    ]);
    const expectEnv = ci.jobs.comment.steps?.find((step) => step.run?.includes('plan:comment'))?.env?.EXPECT;
    expect(resolve(expectEnv, { needs: { environments: { list: JSON.stringify(list) } } })).toBe(list.planned);
    // The same environments; the order of `planned` is the registry's, that of the jobs pull-request plans first.
    expect(list.planned.split(',').sort()).toEqual(Object.keys(githubEnvironmentsOf(list)).filter((env) => Object.keys(githubEnvironmentsOf(list)[env]).some((k) => k.startsWith('ci.yml:'))).sort());
  });

  it('plans through cdktf diff with the given read-only role, without the lock unless asked', () => {
    const creds = planAction.runs.steps.find((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'));
    expect(creds?.with).toMatchObject({ 'role-to-assume': '${{ inputs.role-arn }}', 'aws-region': 'ap-southeast-2' });
    expect(planStep.run).toBe('npm run plan:diff -- "$STACK" --summary-dir plan-summary $LOCK_FLAG $STAND_IN_FLAG');
    expect(planStep.env).toMatchObject({ LOCK_FLAG: "${{ inputs.lock-state != 'true' && '--no-lock' || '' }}" });
    expect(planAction.inputs['lock-state'].default).toBe('false');
    const script = readFileSync(path.join(ROOT, 'scripts', 'diff-plan.ts'), 'utf8');
    expect(script).toContain("['diff', stack, '--skip-synth'");
    expect(script).toContain("'-lock=false'");
  });

  it('appends the cost estimate only when the cost script exists, from the plan cdktf diff left', () => {
    const cost = planAction.runs.steps.find((s) => s.run?.includes(' cost '));
    expect(cost?.run).toMatch(/^npm run --silent --if-present cost -- "\$STACK" --plan "cdktf\.out\/stacks\/\$STACK\/plan\.json" --markdown > "plan-summary\/\$STACK\.cost\.md"$/);
    expect((cost as any)['continue-on-error']).toBe(true);
  });

  /** `TF_VAR_x: ${{ inputs.y }}` of the action's plan step, and the secret each job passes as y: variable -> secret. */
  const inputOfVariable = Object.fromEntries(
    Object.entries(planStep.env ?? {}).flatMap(([k, v]) => {
      const m = /^\$\{\{ inputs\.([a-z-]+) \}\}$/.exec(v);
      return k.startsWith('TF_VAR_') && m ? [[k.slice('TF_VAR_'.length), m[1]]] : [];
    }),
  );
  const passedSecrets = (job: Job) => {
    const given = (job.steps ?? []).find((s) => s.uses === PLAN_ACTION)?.with ?? {};
    return Object.fromEntries(
      Object.entries(inputOfVariable).flatMap(([variable, input]) => {
        const m = /^\$\{\{ secrets\.([A-Z0-9_]+) \}\}$/.exec(String(given[input] ?? ''));
        return m ? [[variable, m[1]]] : [];
      }),
    );
  };

  /** Required variables (no default) of a synthesized stack that a job neither passes the secret of nor stands in for. */
  const unsupplied = (json: Record<string, any>, job: Job, env: WorkflowEnvironment) => {
    const passed = passedSecrets(job);
    const given = (job.steps ?? []).find((s) => s.uses === PLAN_ACTION)?.with ?? {};
    const standIns = String(resolve(given['stand-ins'] ?? '', { needs: {}, matrix: { environment: env } })).split(',').filter(Boolean);
    return Object.entries((json.variable ?? {}) as Record<string, { default?: unknown }>)
      .filter(([, v]) => !('default' in v))
      .map(([k]) => k)
      .filter((k) => !standIns.includes(k) && passed[k] !== ciSecretFor(k))
      .map((k) => `TF_VAR_${k}`);
  };

  /** The pull-request job that plans `env`. */
  const jobOf = (env: WorkflowEnvironment) => ci.jobs[env.pullRequestPlan === 'reviewed' ? 'plan-reviewed' : 'plan'];

  it.each(Object.keys(ENVIRONMENTS))('supplies every required input variable of %s, from a secret or a stand-in (D15)', (name) => {
    const { json } = synthEnvironment(name as 'staging');
    const env = list.environments.find((e) => e.name === name) as WorkflowEnvironment;
    const job = jobOf(env);
    expect(unsupplied(json, job, env)).toEqual([]);
    // Control: a required variable the workflow does not know is reported; one with a default is not.
    expect(unsupplied({ ...json, variable: { ...json.variable, new_secret: { sensitive: true }, image_tag: { default: 'latest' } } }, job, env)).toEqual(['TF_VAR_new_secret']);
  });

  it('pull-request jobs see exactly the secrets their environments need: the pull-request plan none, no apply-only secret', () => {
    const needed = (env: WorkflowEnvironment) => {
      const given = (jobOf(env).steps ?? []).find((s) => s.uses === PLAN_ACTION)?.with ?? {};
      const standIns = String(resolve(given['stand-ins'] ?? '', { needs: {}, matrix: { environment: env } })).split(',').filter(Boolean);
      return Object.entries((synthEnvironment(env.name as 'staging').json.variable ?? {}) as Record<string, { default?: unknown }>)
        .filter(([k, v]) => !('default' in v) && !standIns.includes(k))
        .map(([k]) => ciSecretFor(k));
    };
    const union = (envs: readonly WorkflowEnvironment[]) => [...new Set(envs.flatMap(needed))].sort();
    expect(Object.fromEntries(Object.entries(ci.jobs).map(([id, job]) => [id, secretsRead(job)]))).toEqual({
      test: [],
      validate: [],
      environments: [],
      plan: [],
      'plan-reviewed': union(list.reviewedPlans),
      comment: [],
    });
    expect(union(list.pullRequestPlans)).toEqual([]);
    expect(secretsRead(ci.jobs['plan-reviewed'])).not.toContain('REDIS_AUTH_TOKEN');
  });

  it('maps the certificate and Redis token inputs to their variables and secrets', () => {
    expect(inputOfVariable).toEqual({ certificate_arn: 'certificate-arn', redis_auth_token: 'redis-auth-token' });
    expect(passedSecrets(workflows['apply.yml'].jobs.plan)).toEqual(Object.fromEntries(Object.keys(inputOfVariable).map((v) => [v, ciSecretFor(v)])));
  });
});

describe('the drift check', () => {
  const drift = workflows['drift.yml'];
  const steps = drift.jobs.plan.steps ?? [];

  it('runs nightly and by hand, never for a pull request', () => {
    expect(Object.keys(drift.on).sort()).toEqual(['schedule', 'workflow_dispatch']);
    expect(drift.on.schedule).toEqual([{ cron: '17 3 * * *' }]);
    expect(resolve(drift.jobs.plan.strategy?.matrix?.environment, { needs: { environments: { list: JSON.stringify(list) } } })).toEqual(list.environments);
  });

  it('plans each environment with its drift role, -detailed-exitcode and no lock, and never applies', () => {
    expect(steps.find((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'))?.with).toMatchObject({ 'role-to-assume': '${{ vars.AWS_ROLE_ARN }}' });
    expect(steps.find((s) => s.id === 'plan')?.run).toBe('npm run plan:stack -- "$STACK" --no-lock --quiet');
    expect(readFileSync(path.join(ROOT, 'scripts', 'stack-plan.ts'), 'utf8')).toContain("'-detailed-exitcode'");
    const runs = Object.values(drift.jobs).flatMap((j) => (j.steps ?? []).map((s) => s.run ?? ''));
    expect(runs.filter((r) => /apply|terraform /.test(r))).toEqual([]);
  });

  it('reports value-free summaries, and handles the issues in a job without AWS credentials', () => {
    expect(steps.find((s) => s.name === 'Drift report')?.run).toBe('npm run --silent drift:summary -- "$STACK" --plan "cdktf.out/stacks/$STACK/tfplan.json" --out drift-report');
    const report = drift.jobs.report;
    expect(report.permissions).toEqual({ contents: 'read', issues: 'write' });
    expect(report.steps?.map((s) => s.run).filter(Boolean)).toEqual(['npm ci', 'npm run drift:issue -- drift-report --expect "$EXPECT"']);
    const expectEnv = report.steps?.find((s) => s.run?.includes('drift:issue'))?.env?.EXPECT;
    expect(resolve(expectEnv, { needs: { environments: { list: JSON.stringify(list) } } })).toBe(Object.keys(ENVIRONMENTS).join(','));
    expect(report.steps?.some((s) => s.uses?.startsWith('aws-actions/'))).toBe(false);
  });
});

describe('the manual apply', () => {
  const apply = workflows['apply.yml'];

  it('is dispatched by hand for one environment, checked against the registry before anything else, from main only', async () => {
    expect(Object.keys(apply.on)).toEqual(['workflow_dispatch']);
    // Free text: choice options cannot come from the registry; the first job refuses a name it does not hold.
    expect(apply.on.workflow_dispatch.inputs.environment).toMatchObject({ type: 'string', required: true });
    expect(apply.jobs.environment.steps?.find((s) => s.id === 'check')?.run).toContain('settings=$(npm run --silent environments -- "$ENVIRONMENT" --json)');
    expect(apply.jobs.environment.outputs).toEqual({ settings: '${{ steps.check.outputs.settings }}' });
    expect(apply.jobs.plan.needs).toBe('environment');
    await expect(environmentsOutput([`no-such-${Object.keys(ENVIRONMENTS)[0]}`, '--json'])).rejects.toThrow(
      `exit 2: environments: unknown environment "no-such-${Object.keys(ENVIRONMENTS)[0]}": the environments are ${Object.keys(ENVIRONMENTS).join(', ')} (environments/index.ts)`,
    );
    for (const id of ['environment', 'plan']) expect(apply.jobs[id].if).toBe("github.ref == 'refs/heads/main'");
    expect(apply.jobs.apply.if).toBe("github.ref == 'refs/heads/main' && needs.plan.outputs.status == 'changes'");
  });

  it('plans again in the protected GitHub environment and applies only the reviewed changes', async () => {
    expect(apply.jobs.apply.needs).toEqual(['environment', 'plan']);
    const steps = apply.jobs.apply.steps ?? [];
    expect(steps.map((s) => s.run).filter(Boolean)).toEqual(['npm ci --ignore-scripts', 'npm run synth', 'npm run apply:plan -- "$STACK" --reviewed "reviewed/$STACK.json"']);
    for (const name of Object.keys(ENVIRONMENTS)) {
      const ctx: Context = { needs: { environment: { settings: await environmentsOutput([name, '--json']) } } };
      expect(resolve(apply.jobs.apply.environment, ctx)).toBe(githubEnvironmentOf(name, 'apply'));
      expect(resolve(apply.jobs.apply.env?.STACK, ctx)).toBe(name);
      expect(resolve(steps.find((s) => s.uses?.startsWith('actions/download-artifact@'))?.with?.name, ctx)).toBe(`plan-summary-${name}`);
    }
  });
});

describe('environments added in memory: every workflow plans, applies and drift-checks them', () => {
  /** A generated name no registry holds (not one a user would choose: the test owns it). */
  const suffix = Math.random().toString(36).slice(2, 8).replace(/[^a-z]/g, 'x');
  /** The scaffold's copy of `from` (npm run env:new), its placeholders set as a user would. */
  const copy = (name: string, from: string, registry: Readonly<Record<string, unknown>>) => {
    return withPlaceholdersSet(newEnvironment({ name, from, registry }).config, name);
  };
  const source = (productionLike: boolean) => Object.keys(ENVIRONMENTS).find((n) => (ENVIRONMENTS[n] as { productionLike: boolean }).productionLike === productionLike) as string;
  const like = `t${suffix}-a`;
  const reviewed = `t${suffix}-b`;
  let registry: Readonly<Record<string, unknown>>;
  let extended: WorkflowEnvironments;

  beforeAll(async () => {
    const withOne = { ...ENVIRONMENTS, [like]: copy(like, source(false), ENVIRONMENTS) };
    registry = { ...withOne, [reviewed]: copy(reviewed, source(true), withOne) };
    extended = JSON.parse(await environmentsOutput(['--json', '--account-id', ACCOUNT], registry)) as WorkflowEnvironments;
  });

  it('the environments job lists them, with the GitHub environments lib/pipeline.ts names', () => {
    expect(extended.environments.map((e) => e.name)).toEqual([...Object.keys(ENVIRONMENTS), like, reviewed]);
    const added = extended.environments.filter((e) => e.name === like || e.name === reviewed);
    expect(added.map((e) => [e.name, e.productionLike, e.pullRequestPlan, e.github])).toEqual([
      [like, false, 'pull-request', { plan: null, apply: githubEnvironmentOf(like, 'apply'), drift: githubEnvironmentOf(like, 'drift'), deploy: `${like}-deploy` }],
      [reviewed, true, 'reviewed', { plan: githubEnvironmentOf(reviewed, 'plan'), apply: githubEnvironmentOf(reviewed, 'apply'), drift: githubEnvironmentOf(reviewed, 'drift'), deploy: `${reviewed}-deploy` }],
    ]);
    expect(added[0].prPlanRoleArn).toBe(pipelineRoleArn(ACCOUNT, like, 'pr-plan'));
    // The reviewed copy needs its source's secrets, the apply-only one stood in for in pull requests.
    const from = list.environments.find((e) => e.name === source(true)) as WorkflowEnvironment;
    expect([added[1].secrets, added[1].standIns]).toEqual([from.secrets, from.standIns]);
  });

  it('every workflow would plan them: pull-request or reviewed plan, drift, the apply preview and the apply, each in its GitHub environment', async () => {
    const found = githubEnvironmentsOf(extended);
    expect(found).toEqual(expectedGithubEnvironments(extended));
    expect(Object.keys(found[like]).sort()).toEqual(['apply.yml:apply', 'apply.yml:plan', 'ci.yml:plan', 'drift.yml:plan']);
    expect(Object.keys(found[reviewed]).sort()).toEqual(['apply.yml:apply', 'apply.yml:plan', 'ci.yml:plan-reviewed', 'drift.yml:plan']);
    // The apply's check accepts the new names and prints the list's entry (the apply needs no account id).
    for (const name of [like, reviewed]) expect(JSON.parse(await environmentsOutput([name, '--json'], registry))).toEqual({ ...extended.environments.find((e) => e.name === name), prPlanRoleArn: null });
    // The comment and the drift issues expect them.
    expect(extended.planned.split(',')).toEqual(expect.arrayContaining([like, reviewed]));
    expect(extended.names.split(',')).toEqual(expect.arrayContaining([like, reviewed]));
  });

  it('the workflow files name no environment (none of the registry, nor staging or production)', () => {
    const names = [...new Set([...Object.keys(ENVIRONMENTS), 'staging', 'production'])];
    const files = [...Object.entries(sources).map(([f, text]) => [`.github/workflows/${f}`, text]), [`${PLAN_ACTION.slice(2)}/action.yml`, actionSource]];
    const hits = files.flatMap(([file, text]) =>
      text.split('\n').flatMap((line, i) => names.filter((n) => new RegExp(`(^|[^\\w-])${n}($|[^\\w-]|-(plan|drift|deploy)\\b)`).test(line)).map((n) => `${file}:${i + 1}: ${n}`)),
    );
    expect(hits).toEqual([]);
    // Control: a hand-written name is found.
    expect(new RegExp(`(^|[^\\w-])staging($|[^\\w-])`).test('        stack: [staging, production]')).toBe(true);
  });
});

describe('CODEOWNERS and Dependabot', () => {
  it('CODEOWNERS covers the workflows, scripts, the lock file, the environments and the bootstrap stack', () => {
    const owners = readFileSync(path.join(ROOT, '.github', 'CODEOWNERS'), 'utf8')
      .split('\n')
      .filter((l) => l.trim() && !l.startsWith('#'))
      .map((l) => l.split(/\s+/));
    const patterns = owners.map(([pattern]) => pattern);
    for (const required of ['/.github/', '/scripts/', '/package-lock.json', '/environments/', '/stacks/bootstrap-stack.ts', '/constructs/pipeline-roles.ts', '/lib/pipeline.ts']) expect(patterns).toContain(required);
    for (const [, ...who] of owners) expect(who.length).toBeGreaterThan(0);
    for (const [pattern] of owners) expect(existsSync(path.join(ROOT, pattern))).toBe(true);
  });

  it('Dependabot updates npm and the pinned GitHub Actions', () => {
    const config = parse(readFileSync(path.join(ROOT, '.github', 'dependabot.yml'), 'utf8')) as {
      version: number;
      updates: { 'package-ecosystem': string; directory?: string; directories?: string[] }[];
    };
    expect(config.version).toBe(2);
    const dirs = (ecosystem: string) => config.updates.filter((u) => u['package-ecosystem'] === ecosystem).flatMap((u) => u.directories ?? [u.directory]);
    expect(config.updates.map((u) => u['package-ecosystem']).sort()).toEqual(['github-actions', 'npm']);
    expect(dirs('npm')).toEqual(['/']);
    expect(dirs('github-actions')).toEqual(['/', '/.github/actions/*']);
  });
});
