/**
 * plan:diff with the real cdktf-cli 0.21 and Terraform, no AWS: `cdktf diff <stack> --skip-synth`
 * on small stacks of terraform_data (no provider, local backend), and the summary made from the
 * plan file it leaves in the stack folder. Checks what `cdktf diff` leaves behind (a file named
 * `plan`, holding the inputs in clear), and the three outcomes: changes, no changes, error.
 * What the runs showed is reused while the code and these stacks are unchanged (`observed`).
 */
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CDKTF_PLAN_FILE, diffStack, standInValue } from '../../scripts/diff-plan';
import { terraformEnv } from '../../tooling/terraform/offline-plan';
import { renderPlanComment } from '../../scripts/plan-summary';
import { PlanStackResult } from '../../scripts/stack-plan';
import { observed, TERRAFORM_TEST_DIR } from '../support/terraform/plans';

const WORK = path.join(TERRAFORM_TEST_DIR, 'cdktf-diff');
const OUT = path.join(WORK, 'cdktf.out');
const SECRET = 'SENTINEL-diff-token-7f3c9a1e';

/** A real secret (`token`) and an apply-only one (`signing_key`, planned with a stand-in). */
const STACKS: Record<string, object> = {
  demo: {
    terraform: { backend: { local: { path: 'terraform.tfstate' } } },
    variable: { token: { type: 'string', sensitive: true }, signing_key: { type: 'string', sensitive: true }, tag: { type: 'string', default: 'latest' } },
    resource: { terraform_data: { demo: { input: '${var.token}' }, signer: { input: '${var.signing_key}' } } },
  },
  empty: { terraform: { backend: { local: { path: 'terraform.tfstate' } } }, output: { ok: { value: 'ok' } } },
  broken: { terraform: { backend: { local: { path: 'terraform.tfstate' } } }, resource: { terraform_data: { x: { input: '${var.undeclared}' } } } },
};

/** A synthesized cdktf.out as `cdktf synth` leaves it: the manifest and one folder per stack. */
function writeOutDir(): void {
  const stacks: Record<string, object> = {};
  for (const [name, json] of Object.entries(STACKS)) {
    mkdirSync(path.join(OUT, 'stacks', name), { recursive: true });
    const metadata = { '//': { metadata: { backend: 'local', stackName: name, version: '0.21.0' }, outputs: {} } };
    writeFileSync(path.join(OUT, 'stacks', name, 'cdk.tf.json'), JSON.stringify({ ...metadata, ...json }));
    stacks[name] = {
      name,
      constructPath: name,
      workingDirectory: `stacks/${name}`,
      synthesizedStackPath: `stacks/${name}/cdk.tf.json`,
      annotations: [],
      dependencies: [],
      stackMetadataPath: `stacks/${name}/metadata.json`,
    };
  }
  writeFileSync(path.join(OUT, 'manifest.json'), JSON.stringify({ version: '0.21.0', stacks }));
}

/** What the runs left in the files the tests look at (the folder is gone when the runs are reused). */
interface Observed {
  readonly results: Record<'changes' | 'noChanges' | 'broken' | 'missing', PlanStackResult>;
  /** Whether `plan` is in the demo stack's folder after its diff. */
  readonly planLeft: boolean;
  /** The show JSON of the demo plan: its permission bits for group and others, and what it holds. */
  readonly showJson: { otherBits: number; holdsSecret: boolean; holdsStandIn: boolean };
  /** Whether the stale `plan` planted in the broken stack's folder is still there after its diff. */
  readonly stalePlanLeft: boolean;
  /** What the failed diff gave for the job log (captured here, so a passing npm test prints none of it). */
  readonly brokenLog: { readonly namesError: boolean; readonly checkpointLookup: boolean };
}

/**
 * Three real cdktf diff runs (each a cdktf CLI and Terraform), one after the other: each is busy
 * on a core, and the other jest worker has the second one, so at once they only added up their
 * memory. The missing variable is refused before any CLI.
 */
async function observe(): Promise<Observed> {
  rmSync(WORK, { recursive: true, force: true });
  writeOutDir();
  // A stale plan must never be read as the result of a failed diff.
  writeFileSync(path.join(OUT, 'stacks', 'broken', CDKTF_PLAN_FILE), 'stale');
  const env = terraformEnv({ TF_VAR_token: SECRET });
  const quiet = { outDir: OUT, lock: false, env, standIns: ['signing_key', 'not_declared'] };
  const changes = await diffStack('demo', quiet);
  const noChanges = await diffStack('empty', quiet);
  let brokenLog = '';
  const broken = await diffStack('broken', { ...quiet, failureLog: (output) => (brokenLog += output) });
  const missing = await diffStack('demo', { ...quiet, env: terraformEnv({ TF_VAR_token: '' }) });
  const showJson = readFileSync(changes.showJsonFile as string, 'utf8');
  return {
    results: { changes, noChanges, broken, missing },
    planLeft: existsSync(path.join(OUT, 'stacks', 'demo', 'plan')),
    showJson: { otherBits: statSync(changes.showJsonFile as string).mode & 0o077, holdsSecret: showJson.includes(SECRET), holdsStandIn: showJson.includes(standInValue('signing_key')) },
    stalePlanLeft: existsSync(path.join(OUT, 'stacks', 'broken', CDKTF_PLAN_FILE)),
    brokenLog: { namesError: brokenLog.includes('Reference to undeclared input variable'), checkpointLookup: /checkpoint/i.test(brokenLog) },
  };
}

let seen: Observed;
let results: Observed['results'];

beforeAll(async () => {
  seen = await observed(__filename, { stacks: STACKS }, observe);
  results = seen.results;
}, 300_000);

afterAll(() => rmSync(WORK, { recursive: true, force: true }));

describe('cdktf diff (cdktf-cli 0.21)', () => {
  it('leaves its plan as `plan` in the stack folder, with the inputs in clear', () => {
    expect(results.changes.planFile).toBe(path.join(OUT, 'stacks', 'demo', 'plan'));
    expect(seen.planLeft).toBe(true);
    expect(seen.showJson.holdsSecret).toBe(true);
    // The show JSON next to it is owner-only.
    expect(seen.showJson.otherBits).toBe(0);
  });
});

describe('diffStack', () => {
  it('reports changes from the plan file, without values', () => {
    expect(results.changes.summary).toMatchObject({ stack: 'demo', status: 'changes', counts: { add: 2, change: 0, destroy: 0 } });
    expect(results.changes.summary.changes.map((c) => `${c.action} ${c.address}`)).toEqual(['create terraform_data.demo', 'create terraform_data.signer']);
    expect(JSON.stringify(results.changes.summary)).not.toContain(SECRET);
  });

  it('reports no changes when the plan is empty (cdktf diff itself exits 0 either way)', () => {
    expect(results.noChanges.summary).toMatchObject({ stack: 'empty', status: 'no-changes', changes: [] });
  });

  it('reports an error, and never reads the stale plan of an earlier run', () => {
    expect(results.broken.summary).toMatchObject({ stack: 'broken', status: 'failed', message: 'cdktf diff failed (exit 1); see the job log' });
    expect(seen.stalePlanLeft).toBe(false);
  });

  it("gives the failed run's output for the job log (Terraform's error), without HashiCorp's checkpoint lookup", () => {
    expect(seen.brokenLog).toEqual({ namesError: true, checkpointLookup: false });
  });

  it('refuses to run without a required variable, naming the CI secret', () => {
    expect(results.missing.summary).toMatchObject({ status: 'failed', message: 'demo needs a value for TF_VAR_token (CI secret TOKEN); set the secret, or export the variable to plan by hand' });
  });

  it('plans with a stand-in for an apply-only secret (one the stack declares), and the comment says so', () => {
    expect(results.changes.summary.standIns).toEqual(['signing_key']);
    expect(seen.showJson.holdsStandIn).toBe(true);
    expect(renderPlanComment([results.changes.summary])).toContain(
      'Planned with stand-in values for `signing_key` (secrets used only at apply): resources that use them may show as updated.',
    );
  });
});
