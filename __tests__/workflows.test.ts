/**
 * The GitHub Actions workflows: valid against the workflow schema (@action-validator/core),
 * every npm script and repository script they call exists, actions are pinned, permissions
 * are least-privilege, no plan or state leaves a runner unencrypted, CI supplies every
 * required input variable of the stacks (D15), and no pull-request job can see a secret it
 * does not need (docs/ci.md, "Who sees which secret").
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { validateWorkflow } from '@action-validator/core';
import { parse } from 'yaml';
import { ENVIRONMENTS } from '../environments';
import { ciSecretFor } from '../scripts/stack-plan';
import { synthEnvironment } from './helpers';

const ROOT = path.resolve(__dirname, '..');
const WORKFLOW_DIR = path.join(ROOT, '.github', 'workflows');
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
  it('are the CI, drift check, reusable plan and apply workflows', () => {
    expect(files).toEqual(['apply.yml', 'ci.yml', 'drift.yml', 'terraform-plan.yml']);
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
    expect(calls.map(({ file, id }) => `${file}:${id}`)).toEqual(['apply.yml:plan', 'ci.yml:plan-staging', 'ci.yml:plan-production']);
    for (const { job } of calls) {
      const called = workflows[path.basename(job.uses as string)];
      const declared = called.on.workflow_call.inputs as Record<string, { required?: boolean }>;
      expect(Object.keys(job.with ?? {}).filter((k) => !(k in declared))).toEqual([]);
      expect(Object.entries(declared).filter(([k, v]) => v.required && !(k in (job.with ?? {})))).toEqual([]);
      // Secrets passed by name are declared by the called workflow.
      const secrets = typeof job.secrets === 'object' ? Object.keys(job.secrets) : [];
      expect(secrets.filter((k) => !(k in called.on.workflow_call.secrets))).toEqual([]);
    }
  });
});

describe('workflow hygiene', () => {
  it('pins every action to a commit SHA with its version in a comment', () => {
    const uses = Object.values(sources).join('\n').split('\n').filter((l) => /^\s*(-\s+)?uses:\s+[^.]/.test(l));
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
      const expected = [
        ...(assumesRole ? ['id-token'] : []),
        ...(file === 'ci.yml' && id === 'comment' ? ['pull-requests'] : []),
        ...(file === 'drift.yml' && id === 'report' ? ['issues'] : []),
      ].sort();
      expect({ file, id, writes }).toEqual({ file, id, writes: expected });
    }
  });

  it('never uploads a plan, its JSON or state unencrypted; the encrypted plan is kept one day', () => {
    const uploads = allSteps.filter(({ step }) => step.uses?.startsWith('actions/upload-artifact@'));
    expect(uploads.length).toBe(4);
    for (const { step } of uploads) expect(String(step.with?.path)).not.toMatch(/tfplan|\bplan(\.json)?$|tfstate|\.terraform\b|cdktf\.out\/stacks\/\*\/?$/);
    expect(uploads.map(({ step }) => step.with?.path)).toEqual([expect.stringContaining('cdk.tf.json'), 'drift-report/', 'plan-summary/', 'plan-bundle/']);
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

  it('plans staging and production (production behind its environment), and posts one comment from the summaries', () => {
    expect(ci.jobs['plan-staging'].with).toEqual({ stack: 'staging', 'lock-state': false });
    expect(ci.jobs['plan-production'].with).toEqual({ stack: 'production', 'lock-state': false, environment: 'production-plan', 'stand-ins': 'redis_auth_token' });
    for (const id of ['plan-staging', 'plan-production']) expect(ci.jobs[id].if).toContain("github.event_name == 'pull_request'");
    expect(ci.jobs.comment.needs).toEqual(['plan-staging', 'plan-production']);
    expect(ci.jobs.comment.steps?.map((s) => s.run).filter(Boolean)).toEqual([
      'npm ci',
      'npm run plan:comment -- plan-summary --expect staging,production --commit "$HEAD_SHA" --out plan-comment.md',
      'npm run pr:comment -- plan-comment.md',
    ]);
    // The plan job runs in the environment it is given ('' is none).
    expect((plan.jobs.plan as any).environment).toBe('${{ inputs.environment }}');
  });

  it('plans through cdktf diff with the read-only plan role, without the lock', () => {
    const creds = plan.jobs.plan.steps?.find((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'));
    expect(creds?.with).toMatchObject({ 'role-to-assume': '${{ vars.AWS_PLAN_ROLE_ARN }}', 'aws-region': 'ap-southeast-2' });
    expect(planStep.run).toBe('npm run plan:diff -- "$STACK" --summary-dir plan-summary $LOCK_FLAG $STAND_IN_FLAG');
    expect(planStep.env).toMatchObject({ LOCK_FLAG: "${{ inputs.lock-state == false && '--no-lock' || '' }}" });
    const script = readFileSync(path.join(ROOT, 'scripts', 'diff-plan.ts'), 'utf8');
    expect(script).toContain("['diff', stack, '--skip-synth'");
    expect(script).toContain("'-lock=false'");
  });

  it('appends the cost estimate only when the cost script exists, from the plan cdktf diff left', () => {
    const cost = plan.jobs.plan.steps?.find((s) => s.run?.includes(' cost '));
    expect(cost?.run).toMatch(/^npm run --silent --if-present cost -- "\$STACK" --plan "cdktf\.out\/stacks\/\$STACK\/plan\.json" --markdown > "plan-summary\/\$STACK\.cost\.md"$/);
    expect((cost as any)['continue-on-error']).toBe(true);
  });

  /** `TF_VAR_x: ${{ secrets.NAME }}` of the reusable plan step: variable -> secret. */
  const secretOfVariable = Object.fromEntries(
    Object.entries(planStep.env ?? {}).flatMap(([k, v]) => {
      const m = /^\$\{\{ secrets\.([A-Z0-9_]+) \}\}$/.exec(v);
      return k.startsWith('TF_VAR_') && m ? [[k.slice('TF_VAR_'.length), m[1]]] : [];
    }),
  );

  /** Required variables (no default) of a synthesized stack that a caller job neither passes the secret of nor stands in for. */
  const unsupplied = (json: Record<string, any>, caller: Job) => {
    const passed = typeof caller.secrets === 'object' ? Object.keys(caller.secrets) : [];
    const standIns = String(caller.with?.['stand-ins'] ?? '').split(',').filter(Boolean);
    return Object.entries((json.variable ?? {}) as Record<string, { default?: unknown }>)
      .filter(([, v]) => !('default' in v))
      .map(([k]) => k)
      .filter((k) => !standIns.includes(k) && !(secretOfVariable[k] && passed.includes(secretOfVariable[k])))
      .map((k) => `TF_VAR_${k}`);
  };

  it.each(['staging', 'production'] as const)('supplies every required input variable of %s, from a secret or a stand-in (D15)', (name) => {
    const { json } = synthEnvironment(name);
    const caller = ci.jobs[`plan-${name}`];
    expect(unsupplied(json, caller)).toEqual([]);
    // Control: a required variable the workflow does not know is reported; one with a default is not.
    expect(unsupplied({ ...json, variable: { ...json.variable, new_secret: { sensitive: true }, image_tag: { default: 'latest' } } }, caller)).toEqual(['TF_VAR_new_secret']);
  });

  it('maps the certificate, OIDC provider and Redis token secrets to their variables', () => {
    expect(secretOfVariable).toEqual({ certificate_arn: 'ACM_CERTIFICATE_ARN', github_oidc_provider_arn: 'AWS_OIDC_PROVIDER_ARN', redis_auth_token: 'REDIS_AUTH_TOKEN' });
    for (const [variable, secret] of Object.entries(secretOfVariable)) expect(ciSecretFor(variable)).toBe(secret);
  });
});

describe('who sees which secret', () => {
  /** Jobs of workflows that run for pull requests (code from the pull request runs in them). */
  const pullRequestJobs = (wfs: Record<string, Workflow>) =>
    Object.entries(wfs)
      .filter(([, wf]) => 'pull_request' in wf.on || 'pull_request_target' in wf.on)
      .flatMap(([file, wf]) => Object.entries(wf.jobs).map(([id, job]) => ({ key: `${file}:${id}`, job })));

  /** The secrets a job can read: every repository secret with `inherit`, else those it names. */
  const visible = (job: Job): string[] => {
    if (job.secrets === 'inherit') return ['(every repository secret: secrets: inherit)'];
    const named = job.uses ? Object.keys(job.secrets ?? {}) : [...JSON.stringify(job).matchAll(/secrets\.([A-Za-z0-9_]+)/g)].map((m) => m[1]);
    return [...new Set(named)].sort();
  };

  /** What a job needs: a plan job, the secrets of its stack's required variables that are not stood in for; others nothing. */
  const stackJson = { staging: synthEnvironment('staging').json, production: synthEnvironment('production').json } as Record<string, Record<string, any>>;
  const needed = (job: Job): string[] => {
    if (job.uses !== './.github/workflows/terraform-plan.yml') return [];
    const standIns = String(job.with?.['stand-ins'] ?? '').split(',').filter(Boolean);
    return Object.entries((stackJson[String(job.with?.stack)].variable ?? {}) as Record<string, { default?: unknown }>)
      .filter(([name, v]) => !('default' in v) && !standIns.includes(name))
      .map(([name]) => ciSecretFor(name))
      .sort();
  };

  const excess = (wfs: Record<string, Workflow>) =>
    pullRequestJobs(wfs)
      .map(({ key, job }) => ({ key, extra: visible(job).filter((s) => !needed(job).includes(s)) }))
      .filter((j) => j.extra.length > 0);

  it('the secret matrix of pull-request jobs is exactly what each needs (docs/ci.md)', () => {
    expect(Object.fromEntries(pullRequestJobs(workflows).map(({ key, job }) => [key, visible(job)]))).toEqual({
      'ci.yml:test': [],
      'ci.yml:validate': [],
      'ci.yml:plan-staging': [],
      'ci.yml:plan-production': ['ACM_CERTIFICATE_ARN', 'AWS_OIDC_PROVIDER_ARN'],
      'ci.yml:comment': [],
    });
    expect(excess(workflows)).toEqual([]);
  });

  it('fails for secrets: inherit, an apply-only secret or the plan key in a pull-request job (controls)', () => {
    const mutated = (edit: (ci: Workflow) => void) => {
      const copy = structuredClone(workflows);
      edit(copy['ci.yml']);
      return excess(copy);
    };
    expect(mutated((ci) => (ci.jobs['plan-staging'].secrets = 'inherit'))).toEqual([{ key: 'ci.yml:plan-staging', extra: ['(every repository secret: secrets: inherit)'] }]);
    expect(mutated((ci) => Object.assign(ci.jobs['plan-production'].secrets as object, { PLAN_ENCRYPTION_KEY: '${{ secrets.PLAN_ENCRYPTION_KEY }}' }))).toEqual([
      { key: 'ci.yml:plan-production', extra: ['PLAN_ENCRYPTION_KEY'] },
    ]);
    expect(mutated((ci) => Object.assign(ci.jobs['plan-production'].secrets as object, { REDIS_AUTH_TOKEN: '${{ secrets.REDIS_AUTH_TOKEN }}' }))).toEqual([
      { key: 'ci.yml:plan-production', extra: ['REDIS_AUTH_TOKEN'] },
    ]);
    expect(mutated((ci) => ci.jobs.comment.steps?.push({ run: 'x', env: { T: '${{ secrets.AWS_OIDC_PROVIDER_ARN }}' } }))).toEqual([{ key: 'ci.yml:comment', extra: ['AWS_OIDC_PROVIDER_ARN'] }]);
    // Without the stand-in, production needs the token: passing it is then not an excess.
    expect(
      mutated((ci) => {
        delete ci.jobs['plan-production'].with?.['stand-ins'];
        Object.assign(ci.jobs['plan-production'].secrets as object, { REDIS_AUTH_TOKEN: '${{ secrets.REDIS_AUTH_TOKEN }}' });
      }),
    ).toEqual([]);
  });

  it('no workflow uses secrets: inherit', () => {
    expect(allJobs.filter(({ job }) => job.secrets === 'inherit').map(({ file, id }) => `${file}:${id}`)).toEqual([]);
  });

  it('the plan-encryption key exists only in the apply path', () => {
    const users = allJobs.filter(({ job }) => JSON.stringify(job).includes('PLAN_ENCRYPTION_KEY')).map(({ file, id }) => `${file}:${id}`);
    expect(users).toEqual(['apply.yml:plan', 'apply.yml:apply', 'terraform-plan.yml:plan']);
    const reusable = workflows['terraform-plan.yml'].jobs.plan.steps?.filter((s) => JSON.stringify(s).includes('PLAN_ENCRYPTION_KEY'));
    expect(reusable?.map((s) => s.if)).toEqual(['inputs.bundle']);
    // The apply workflow plans with `bundle: true`, and only there.
    expect(allJobs.filter(({ job }) => job.with?.bundle === true).map(({ file, id }) => `${file}:${id}`)).toEqual(['apply.yml:plan']);
  });

  it('the Redis AUTH token reaches only main-branch jobs: the apply plan and the drift check', () => {
    const users = allJobs.filter(({ job }) => /secrets\.REDIS_AUTH_TOKEN|REDIS_AUTH_TOKEN:/.test(JSON.stringify(job))).map(({ file, id }) => `${file}:${id}`);
    expect(users).toEqual(['apply.yml:plan', 'drift.yml:plan', 'terraform-plan.yml:plan']);
    for (const file of ['apply.yml', 'drift.yml']) expect(Object.keys(workflows[file].on).filter((e) => e.startsWith('pull_request'))).toEqual([]);
  });
});

describe('the drift check', () => {
  const drift = workflows['drift.yml'];
  const steps = drift.jobs.plan.steps ?? [];

  it('runs nightly and by hand, never for a pull request', () => {
    expect(Object.keys(drift.on).sort()).toEqual(['schedule', 'workflow_dispatch']);
    expect(drift.on.schedule).toEqual([{ cron: '17 3 * * *' }]);
    expect((drift.jobs.plan as any).strategy.matrix.stack).toEqual(Object.keys(ENVIRONMENTS));
  });

  it('plans each environment with the read-only plan role, -detailed-exitcode and no lock, and never applies', () => {
    expect(steps.find((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'))?.with).toMatchObject({ 'role-to-assume': '${{ vars.AWS_PLAN_ROLE_ARN }}' });
    expect(steps.find((s) => s.id === 'plan')?.run).toBe('npm run plan:stack -- "$STACK" --no-lock --quiet');
    expect(readFileSync(path.join(ROOT, 'scripts', 'stack-plan.ts'), 'utf8')).toContain("'-detailed-exitcode'");
    const runs = Object.values(drift.jobs).flatMap((j) => (j.steps ?? []).map((s) => s.run ?? ''));
    expect(runs.filter((r) => /apply|plan:pack|terraform /.test(r))).toEqual([]);
    expect(JSON.stringify(drift)).not.toContain('AWS_APPLY_ROLE_ARN');
  });

  it('reports value-free summaries, and handles the issues in a job without AWS credentials', () => {
    expect(steps.find((s) => s.name === 'Drift report')?.run).toBe('npm run --silent drift:summary -- "$STACK" --plan "cdktf.out/stacks/$STACK/tfplan.json" --out drift-report');
    const report = drift.jobs.report;
    expect(report.permissions).toEqual({ contents: 'read', issues: 'write' });
    expect(report.steps?.map((s) => s.run).filter(Boolean)).toEqual(['npm ci', 'npm run drift:issue -- drift-report --expect staging,production']);
    expect(report.steps?.some((s) => s.uses?.startsWith('aws-actions/'))).toBe(false);
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
