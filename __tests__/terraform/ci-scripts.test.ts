/**
 * The CI scripts with real Terraform, no AWS:
 *  - validate:stacks validates a Terraform Cloud stack (init -backend=false + validate) and
 *    reports a broken one;
 *  - plan:stack plans a stack with a sensitive value, and apply:plan plans it again, refuses
 *    changes nobody reviewed and applies the reviewed ones, on a stack of terraform_data (no
 *    provider, local backend);
 *  - without AWS credentials the S3 backend fails fast with a clear message (what
 *    `cdktf diff` shows), even when the EC2 metadata endpoint never answers.
 * The three run concurrently in beforeAll; the tests read what they showed, which is reused while
 * the code and the synthesized stacks are unchanged (`observed`).
 */
import { createServer, Server, Socket } from 'node:net';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildConfiguredApp } from '../../environments/load';
import { runTerraform, TerraformRun, terraformEnv } from '../../tooling/terraform/offline-plan';
import { applyReviewedPlan, type ApplyResult } from '../../scripts/apply-plan';
import { PlanStackResult, planStack } from '../../scripts/stack-plan';
import { StackValidation, validateStacks } from '../../scripts/validate-stacks';
import { hashFile } from '../../tooling/terraform/result-cache';
import { observed, SYNTH_DIR, TERRAFORM_TEST_DIR } from '../support/terraform/plans';

const WORK = path.join(TERRAFORM_TEST_DIR, 'ci-scripts');
const CLOUD_ENV = { OMC_STATE_BACKEND_STAGING: 'cloud', OMC_TFC_ORGANIZATION: 'ohmycoins', OMC_TFC_WORKSPACE: 'ohmycoins-{environment}' };
const SECRET = 'SENTINEL-demo-token-7f3c9a1e';

const SYNTH = path.join(WORK, 'synth');

let cloudJson: Record<string, any>;
let validation: StackValidation[];
let noCredentials: { run: TerraformRun; seconds: number };
let e2e: {
  missing: PlanStackResult;
  empty: PlanStackResult;
  cloud: PlanStackResult;
  planned: PlanStackResult;
  /** Whether the plan's show JSON holds the secret. */
  showJsonHoldsSecret: boolean;
  /** apply:plan with a reviewed summary that lists other changes. */
  unreviewed: ApplyResult;
  /** Whether that refusal left any state. */
  stateAfterRefusal: boolean;
  /** apply:plan with the reviewed summary. */
  applied: ApplyResult;
  /** The resources of the applied state. */
  appliedResources: string[];
  /** The plan files still in the stack folder after the apply. */
  planLeft: string[];
};
/** Where validate:stacks initialised the staging stack. */
let initialised: { synthFolder: boolean; workFolder: boolean };

async function validateCloudAndBroken(): Promise<void> {
  // A stack with an unknown argument (built-in resource: no provider to load, so it is quick).
  mkdirSync(path.join(SYNTH, 'stacks', 'broken'), { recursive: true });
  writeFileSync(path.join(SYNTH, 'stacks', 'broken', 'cdk.tf.json'), JSON.stringify({ resource: { terraform_data: { x: { not_an_argument: true } } } }));
  validation = await validateStacks(SYNTH, { stacks: ['broken', 'staging'], workRoot: path.join(WORK, 'validate') });
  initialised = {
    synthFolder: existsSync(path.join(SYNTH, 'stacks', 'staging', '.terraform')),
    workFolder: existsSync(path.join(WORK, 'validate', 'staging', '.terraform')),
  };
}

/** A TCP server that accepts connections and never answers: an unreachable metadata service. */
async function blackHole(): Promise<{ server: Server; url: string; sockets: Socket[] }> {
  const sockets: Socket[] = [];
  const server = createServer((s) => sockets.push(s));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return { server, url: `http://127.0.0.1:${address.port}`, sockets };
}

async function initWithoutCredentials(): Promise<void> {
  const dir = path.join(WORK, 'no-credentials');
  mkdirSync(dir, { recursive: true });
  copyFileSync(path.join(SYNTH_DIR, 'stacks', 'staging', 'cdk.tf.json'), path.join(dir, 'cdk.tf.json'));
  const hole = await blackHole();
  const started = Date.now();
  try {
    const env = terraformEnv({
      AWS_EC2_METADATA_SERVICE_ENDPOINT: hole.url,
      AWS_CONFIG_FILE: path.join(dir, 'no-config'),
      AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'no-credentials'),
    });
    const run = await runTerraform(['init', '-input=false', '-no-color'], dir, { env });
    noCredentials = { run, seconds: (Date.now() - started) / 1000 };
  } finally {
    hole.sockets.forEach((s) => s.destroy());
    hole.server.close();
  }
}

async function planPackApply(): Promise<void> {
  const stacks = path.join(WORK, 'e2e', 'out', 'stacks');
  const demo = path.join(stacks, 'demo');
  mkdirSync(demo, { recursive: true });
  writeFileSync(
    path.join(demo, 'cdk.tf.json'),
    JSON.stringify({
      terraform: { backend: { local: { path: 'terraform.tfstate' } } },
      variable: { token: { type: 'string', sensitive: true }, tag: { type: 'string', default: 'latest' } },
      resource: { terraform_data: { demo: { input: '${var.token}' } } },
    }),
  );
  const env = terraformEnv();
  const quiet = { echo: false, lock: false };
  const missing = await planStack(demo, { ...quiet, env });
  const empty = await planStack(demo, { ...quiet, env: { ...env, TF_VAR_token: '' } });
  const planned = await planStack(demo, { ...quiet, env: { ...env, TF_VAR_token: SECRET, TF_VAR_tag: '' } });
  const showJsonHoldsSecret = readFileSync(planned.showJsonFile as string, 'utf8').includes(SECRET);
  const withToken = { ...env, TF_VAR_token: SECRET, TF_VAR_tag: '' };
  const unreviewed = await applyReviewedPlan(
    demo,
    { ...planned.summary, changes: [{ address: 'terraform_data.other', type: 'terraform_data', action: 'create' }] },
    { env: withToken, echo: false },
  );
  const stateAfterRefusal = existsSync(path.join(demo, 'terraform.tfstate'));
  const applied = await applyReviewedPlan(demo, planned.summary, { env: withToken, echo: false });
  const cloud = await planStack(path.join(SYNTH, 'stacks', 'staging'), { ...quiet, env });
  const state = JSON.parse(readFileSync(path.join(demo, 'terraform.tfstate'), 'utf8'));
  e2e = {
    missing,
    empty,
    cloud,
    planned,
    showJsonHoldsSecret,
    unreviewed,
    stateAfterRefusal,
    applied,
    appliedResources: state.resources.map((r: { type: string; name: string }) => `${r.type}.${r.name}`),
    planLeft: ['tfplan', 'tfplan.json'].filter((f) => existsSync(path.join(demo, f))),
  };
}

beforeAll(async () => {
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
  buildConfiguredApp({ outdir: SYNTH, env: CLOUD_ENV }).synth();
  const cloudFile = path.join(SYNTH, 'stacks', 'staging', 'cdk.tf.json');
  cloudJson = JSON.parse(readFileSync(cloudFile, 'utf8'));
  const inputs = { cloud: hashFile(cloudFile), staging: hashFile(path.join(SYNTH_DIR, 'stacks', 'staging', 'cdk.tf.json')) };
  ({ validation, initialised, noCredentials, e2e } = await observed(__filename, inputs, async () => {
    // The cloud plan check needs the broken stack of validateCloudAndBroken.
    await Promise.all([validateCloudAndBroken().then(planPackApply), initWithoutCredentials()]);
    return { validation, initialised, noCredentials, e2e };
  }));
}, 180_000);

describe('validate:stacks', () => {
  it('validates a Terraform Cloud stack with init -backend=false', () => {
    expect(cloudJson.terraform.cloud).toEqual({ organization: 'ohmycoins', workspaces: { name: 'ohmycoins-staging' } });
    expect(cloudJson.terraform.backend).toBeUndefined();
    expect(validation.find((v) => v.stack === 'staging')).toMatchObject({ ok: true, diagnostics: [] });
  });

  it('reports a broken stack with Terraform\'s diagnostic', () => {
    const broken = validation.find((v) => v.stack === 'broken');
    expect(broken).toMatchObject({ ok: false, failedStep: 'validate' });
    expect(broken?.diagnostics).toEqual([
      expect.objectContaining({ severity: 'error', summary: 'Extraneous JSON object property', detail: 'No argument or block type is named "not_an_argument".' }),
    ]);
  });

  it('never writes into the synthesized stack folder', () => {
    expect(initialised).toEqual({ synthFolder: false, workFolder: true });
  });
});

describe('plan:stack and apply:plan', () => {
  it('refuse to plan without every required variable, naming the CI secret', () => {
    expect(e2e.missing.summary).toMatchObject({ status: 'failed', message: 'demo needs a value for TF_VAR_token (CI secret TOKEN); set the secret, or export the variable to plan by hand' });
    // GitHub gives '' for an unset secret: that is missing too.
    expect(e2e.empty.summary.status).toBe('failed');
  });

  it('plan with -detailed-exitcode and summarize without values', () => {
    expect(e2e.planned.summary).toMatchObject({ status: 'changes', counts: { add: 1, change: 0, destroy: 0 } });
    expect(e2e.planned.summary.changes).toEqual([{ address: 'terraform_data.demo', type: 'terraform_data', action: 'create' }]);
    expect(JSON.stringify(e2e.planned.summary)).not.toContain(SECRET);
    // show -json, for the cost script, is next to the plan; it holds the value, which is why it is never uploaded.
    expect(e2e.showJsonHoldsSecret).toBe(true);
  });

  it('apply only changes someone reviewed: plan again, compare, apply; no plan file is left', () => {
    expect(e2e.unreviewed).toMatchObject({ code: 1, differences: ['+ create terraform_data.demo', '- create terraform_data.other'] });
    expect(e2e.unreviewed.refused).toContain('the plan differs from the reviewed one');
    expect(e2e.stateAfterRefusal).toBe(false);
    expect(e2e.applied).toEqual({ code: 0, refused: undefined, differences: [] });
    expect(e2e.appliedResources).toEqual(['terraform_data.demo']);
    // The plan and its JSON (the token in clear) are deleted after the apply.
    expect(e2e.planLeft).toEqual([]);
  });

  it('leave Terraform Cloud stacks to Terraform Cloud', () => {
    expect(e2e.cloud.summary).toMatchObject({ status: 'skipped' });
    expect(e2e.cloud.summary.message).toContain('uses Terraform Cloud');
  });
});

describe('without AWS credentials (what cdktf diff shows)', () => {
  it('the S3 backend fails within seconds with a clear message, even with an unreachable metadata service', () => {
    expect(noCredentials.run.code).toBe(1);
    expect(noCredentials.run.stderr).toContain('No valid credential sources found');
    expect(noCredentials.seconds).toBeLessThan(30);
  });
});
