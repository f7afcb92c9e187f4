/**
 * The GitHub Actions workflows: valid against the workflow schema (@action-validator/core),
 * every npm script and repository script they call exists, actions are pinned, permissions
 * are least-privilege, no plan or state leaves a runner unencrypted, and CI supplies every
 * required input variable of the stacks (D15).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { validateWorkflow } from '@action-validator/core';
import { parse } from 'yaml';
import { ENVIRONMENTS } from '../environments';
import { synthEnvironment } from './helpers';

const ROOT = path.resolve(__dirname, '..');
const WORKFLOW_DIR = path.join(ROOT, '.github', 'workflows');
const packageScripts = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
  id?: string;
  if?: string;
}
interface Job {
  uses?: string;
  with?: Record<string, unknown>;
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

const files = readdirSync(WORKFLOW_DIR).filter((f) => /\.ya?ml$/.test(f)).sort();
const sources = Object.fromEntries(files.map((f) => [f, readFileSync(path.join(WORKFLOW_DIR, f), 'utf8')]));
const workflows = Object.fromEntries(files.map((f) => [f, parse(sources[f]) as Workflow]));
const allJobs = Object.entries(workflows).flatMap(([file, wf]) => Object.entries(wf.jobs).map(([id, job]) => ({ file, id, job })));
const allSteps = allJobs.flatMap(({ file, id, job }) => (job.steps ?? []).map((step) => ({ file, job: id, step })));

/** `npm run <name>` (with any npm flags) in a shell script. */
function npmRunCalls(script: string): { name: string; ifPresent: boolean }[] {
  return [...script.matchAll(/npm run((?:\s+--[a-z-]+)*)\s+([A-Za-z0-9:_-]+)/g)].map((m) => ({ name: m[2], ifPresent: m[1].includes('--if-present') }));
}

describe('workflow files', () => {
  it('are the CI, reusable plan and apply workflows', () => {
    expect(files).toEqual(['apply.yml', 'ci.yml', 'terraform-plan.yml']);
  });

  it.each(files)('%s passes the GitHub workflow schema (action-validator)', (file) => {
    expect(validateWorkflow(sources[file]).errors).toEqual([]);
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
    expect(calls.filter((c) => c.ifPresent).map((c) => c.name)).toEqual(['cost']);
  });

  it('call npm scripts whose repository scripts exist', () => {
    const called = new Set(allSteps.flatMap(({ step }) => npmRunCalls(step.run ?? '').map((c) => c.name)));
    const targets = [...called]
      .filter((name) => packageScripts[name] !== undefined)
      .flatMap((name) => [...packageScripts[name].matchAll(/dist\/(scripts\/[\w-]+)\.js/g)].map((m) => `${m[1]}.ts`));
    expect(targets.length).toBeGreaterThan(4);
    expect(targets.filter((t) => !existsSync(path.join(ROOT, t)))).toEqual([]);
    // npm ci and npm test are the README's commands; any ./ or scripts/ path a step names exists.
    const paths = allSteps.flatMap(({ step }) => [...(step.run ?? '').matchAll(/(?:^|\s)(\.?\/?(?:scripts|\.ci)\/[\w./-]+)/g)].map((m) => m[1]));
    expect(paths.filter((p) => !existsSync(path.join(ROOT, p)))).toEqual([]);
    expect(packageScripts.test).toBeDefined();
  });

  it('call local reusable workflows that exist, with inputs they declare', () => {
    const calls = allJobs.filter(({ job }) => job.uses?.startsWith('./'));
    expect(calls.map(({ file, id }) => `${file}:${id}`)).toEqual(['apply.yml:plan', 'ci.yml:plan']);
    for (const { job } of calls) {
      const called = workflows[path.basename(job.uses as string)];
      const declared = called.on.workflow_call.inputs as Record<string, { required?: boolean }>;
      expect(Object.keys(job.with ?? {}).filter((k) => !(k in declared))).toEqual([]);
      expect(Object.entries(declared).filter(([k, v]) => v.required && !(k in (job.with ?? {})))).toEqual([]);
    }
  });
});

describe('workflow hygiene', () => {
  it('pins every action to a commit SHA with its version in a comment', () => {
    const uses = sources['ci.yml'].concat(sources['apply.yml'], sources['terraform-plan.yml']).split('\n').filter((l) => /^\s*(-\s+)?uses:\s+[^.]/.test(l));
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
      const assumesRole = (job.steps ?? []).some((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@')) || job.uses !== undefined;
      const writes = Object.entries(perms).filter(([, v]) => v === 'write').map(([k]) => k).sort();
      const expected = [...(assumesRole ? ['id-token'] : []), ...(id === 'comment' ? ['pull-requests'] : [])].sort();
      expect({ file, id, writes }).toEqual({ file, id, writes: expected });
    }
  });

  it('never uploads a plan, its JSON or state unencrypted; the encrypted plan is kept one day', () => {
    const uploads = allSteps.filter(({ step }) => step.uses?.startsWith('actions/upload-artifact@'));
    expect(uploads.length).toBe(3);
    for (const { step } of uploads) expect(String(step.with?.path)).not.toMatch(/tfplan|tfstate|\.terraform\b|cdktf\.out\/stacks\/\*\/?$/);
    const bundle = uploads.find(({ step }) => String(step.with?.name).startsWith('plan-bundle'));
    expect(bundle?.step.with).toMatchObject({ path: 'plan-bundle/', 'retention-days': 1 });
    expect(bundle?.step.if).toBe('inputs.bundle');
  });
});

describe('the pull-request plan', () => {
  const ci = workflows['ci.yml'];
  const plan = workflows['terraform-plan.yml'];
  const planStep = plan.jobs.plan.steps?.find((s) => s.id === 'plan') as Step;

  it('runs tests, the policy check, synth and validate on every pull request and push to main', () => {
    expect(Object.keys(ci.on).sort()).toEqual(['pull_request', 'push']);
    expect(ci.on.push).toEqual({ branches: ['main'] });
    expect(ci.jobs.test.steps?.map((s) => s.run).filter(Boolean)).toEqual(['npm ci', 'npm test', 'npm run check', 'npm run synth']);
    expect(ci.jobs.validate.steps?.map((s) => s.run).filter(Boolean)).toEqual(['npm ci', 'npm run validate:stacks']);
  });

  it('plans staging and production, and posts one comment from the summaries', () => {
    expect((ci.jobs.plan as any).strategy.matrix.stack).toEqual(['staging', 'production']);
    expect(ci.jobs.plan.if).toContain("github.event_name == 'pull_request'");
    expect(ci.jobs.comment.steps?.map((s) => s.run).filter(Boolean)).toEqual([
      'npm ci',
      'npm run plan:comment -- plan-summary --expect staging,production --commit "$HEAD_SHA" --out plan-comment.md',
      'npm run pr:comment -- plan-comment.md',
    ]);
  });

  it('assumes the plan role through OIDC and plans with -detailed-exitcode (in plan:stack)', () => {
    const creds = plan.jobs.plan.steps?.find((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'));
    expect(creds?.with).toMatchObject({ 'role-to-assume': '${{ vars.AWS_PLAN_ROLE_ARN }}', 'aws-region': 'ap-southeast-2' });
    expect(planStep.run).toBe('npm run plan:stack -- "$STACK" --summary-dir plan-summary $LOCK_FLAG');
    expect(readFileSync(path.join(ROOT, 'scripts', 'stack-plan.ts'), 'utf8')).toContain("'-detailed-exitcode'");
  });

  it('appends the cost estimate only when the cost script exists', () => {
    const cost = plan.jobs.plan.steps?.find((s) => s.run?.includes(' cost '));
    expect(cost?.run).toMatch(/^npm run --silent --if-present cost -- "\$STACK" --plan "cdktf\.out\/stacks\/\$STACK\/tfplan\.json" --markdown > "plan-summary\/\$STACK\.cost\.md"$/);
    expect((cost as any)['continue-on-error']).toBe(true);
  });

  /** Required variables (no default) of a synthesized stack that the plan step does not supply. */
  const unsupplied = (json: Record<string, any>) =>
    Object.entries((json.variable ?? {}) as Record<string, { default?: unknown }>)
      .filter(([, v]) => !('default' in v))
      .map(([k]) => `TF_VAR_${k}`)
      .filter((v) => !(planStep.env && v in planStep.env));

  it.each(['staging', 'production'] as const)('supplies every required input variable of %s as TF_VAR_* (D15)', (name) => {
    const { json } = synthEnvironment(name);
    expect(unsupplied(json)).toEqual([]);
    // Control: a required variable the workflow does not know is reported; one with a default is not.
    expect(unsupplied({ ...json, variable: { ...json.variable, new_secret: { sensitive: true }, image_tag: { default: 'latest' } } })).toEqual([
      'TF_VAR_new_secret',
    ]);
  });

  it('supplies the production certificate, OIDC provider and Redis token from secrets', () => {
    expect(planStep.env).toMatchObject({
      TF_VAR_certificate_arn: "${{ inputs.stack == 'production' && secrets.ACM_CERTIFICATE_ARN || '' }}",
      TF_VAR_github_oidc_provider_arn: "${{ inputs.stack == 'production' && secrets.AWS_OIDC_PROVIDER_ARN || '' }}",
      TF_VAR_redis_auth_token: "${{ inputs.stack == 'production' && secrets.REDIS_AUTH_TOKEN || '' }}",
    });
  });
});

describe('the manual apply', () => {
  const apply = workflows['apply.yml'];

  it('is dispatched by hand for one of the environments, from main only', () => {
    expect(Object.keys(apply.on)).toEqual(['workflow_dispatch']);
    expect(apply.on.workflow_dispatch.inputs.environment).toMatchObject({ type: 'choice', required: true, options: Object.keys(ENVIRONMENTS) });
    expect(apply.jobs.plan.if).toBe("github.ref == 'refs/heads/main'");
  });

  it('applies the bundled, reviewed plan in the protected GitHub environment', () => {
    expect(apply.jobs.plan.with).toMatchObject({ bundle: true, stack: '${{ inputs.environment }}' });
    expect(apply.jobs.apply).toMatchObject({ needs: 'plan', environment: '${{ inputs.environment }}', if: "needs.plan.outputs.status == 'changes'" });
    const steps = apply.jobs.apply.steps ?? [];
    expect(steps.map((s) => s.run).filter(Boolean)).toEqual(['npm ci', 'npm run apply:plan -- "$STACK" plan-bundle']);
    expect(steps.find((s) => s.uses?.startsWith('actions/download-artifact@'))?.with).toMatchObject({ name: 'plan-bundle-${{ inputs.environment }}' });
    expect(steps.find((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'))?.with).toMatchObject({ 'role-to-assume': '${{ vars.AWS_APPLY_ROLE_ARN }}' });
  });
});
