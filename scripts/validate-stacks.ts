/**
 * The CI validate job, runnable by hand: for every synthesized stack in cdktf.out/stacks,
 * `terraform init -backend=false` and `terraform validate`, in a copy of the stack so that
 * cdktf.out (uploaded as an artifact) never receives a .terraform folder.
 *
 *   npm run validate:stacks                      every stack in cdktf.out/stacks
 *   npm run validate:stacks -- staging           only the named stacks
 *   npm run validate:stacks -- --dir other/out   stacks in other/out/stacks
 *
 * Providers come from the local mirror through the project's terraform.rc when the mirror exists
 * (or OMC_TERRAFORM_CLI_CONFIG), otherwise from the registry, cached in .terraform-validate/plugin-cache.
 * S3 and Terraform Cloud stacks alike: `-backend=false` never contacts a backend or needs credentials.
 * Any error or warning fails the run (exit 1).
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { defineCommand, execute, PROJECT_ROOT, STACK_NAMES, SYNTH_DIR_OPTION, synthDir } from './cli';
import { runTerraform, terraformCliConfig, terraformEnv } from '../tooling/terraform/offline-plan';


export interface Diagnostic {
  readonly severity: 'error' | 'warning';
  readonly summary: string;
  readonly detail?: string;
  readonly address?: string;
}

export interface StackValidation {
  readonly stack: string;
  /** True when init succeeded and validate reported no error and no warning. */
  readonly ok: boolean;
  /** What failed: `init` or `validate` (undefined when ok). */
  readonly failedStep?: 'init' | 'validate';
  readonly diagnostics: readonly Diagnostic[];
  /** Terraform's own output of the failed step (init errors are not JSON). */
  readonly output?: string;
  readonly seconds: number;
}

export interface ValidateOptions {
  /** Only these stacks. @default every folder of `<outDir>/stacks` holding a cdk.tf.json */
  readonly stacks?: readonly string[];
  /** Where the copies are initialized. @default <project>/.terraform-validate */
  readonly workRoot?: string;
}

/** The stacks in a synth output folder: every `stacks/<name>` holding a cdk.tf.json, sorted. */
export function synthesizedStacks(outDir: string): string[] {
  const stacksDir = path.join(outDir, 'stacks');
  if (!existsSync(stacksDir)) return [];
  return readdirSync(stacksDir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(path.join(stacksDir, e.name, 'cdk.tf.json')))
    .map((e) => e.name)
    .sort();
}

/** Runs init -backend=false and validate on one stack's copy. */
export async function validateStack(stackDir: string, workDir: string, env: NodeJS.ProcessEnv = terraformEnv()): Promise<StackValidation> {
  const stack = path.basename(stackDir);
  const started = Date.now();
  const seconds = () => Math.round((Date.now() - started) / 100) / 10;
  rmSync(workDir, { recursive: true, force: true });
  mkdirSync(workDir, { recursive: true });
  copyFileSync(path.join(stackDir, 'cdk.tf.json'), path.join(workDir, 'cdk.tf.json'));

  const init = await runTerraform(['init', '-backend=false', '-input=false', '-no-color'], workDir, { env });
  if (init.code !== 0) {
    return { stack, ok: false, failedStep: 'init', diagnostics: [], output: `${init.stderr}\n${init.stdout}`.trim(), seconds: seconds() };
  }
  const validate = await runTerraform(['validate', '-json', '-no-color'], workDir, { env });
  let parsed: { diagnostics?: { severity: Diagnostic['severity']; summary: string; detail?: string; address?: string }[] };
  try {
    parsed = JSON.parse(validate.stdout) as typeof parsed;
  } catch {
    return { stack, ok: false, failedStep: 'validate', diagnostics: [], output: `${validate.stderr}\n${validate.stdout}`.trim(), seconds: seconds() };
  }
  const diagnostics = (parsed.diagnostics ?? []).map(({ severity, summary, detail, address }) => ({ severity, summary, detail, address }));
  const ok = validate.code === 0 && diagnostics.length === 0;
  return { stack, ok, failedStep: ok ? undefined : 'validate', diagnostics, seconds: seconds() };
}

/** Validates the stacks of a synth output folder one after the other. */
export async function validateStacks(outDir: string, options: ValidateOptions = {}): Promise<StackValidation[]> {
  const available = synthesizedStacks(outDir);
  const wanted = options.stacks && options.stacks.length > 0 ? [...options.stacks] : available;
  const missing = wanted.filter((s) => !available.includes(s));
  if (available.length === 0) throw new Error(`No synthesized stacks in ${path.join(outDir, 'stacks')}; run npm run synth first`);
  if (missing.length > 0) throw new Error(`No synthesized stack ${missing.join(', ')} in ${path.join(outDir, 'stacks')}; have ${available.join(', ')}`);

  const workRoot = options.workRoot ?? path.join(PROJECT_ROOT, '.terraform-validate');
  const env = terraformEnv();
  // From the registry (no mirror), download each provider once for all stacks.
  if (terraformCliConfig() === undefined && !env.TF_PLUGIN_CACHE_DIR) {
    env.TF_PLUGIN_CACHE_DIR = path.join(workRoot, 'plugin-cache');
    mkdirSync(env.TF_PLUGIN_CACHE_DIR, { recursive: true });
  }
  const results: StackValidation[] = [];
  for (const stack of wanted) results.push(await validateStack(path.join(outDir, 'stacks', stack), path.join(workRoot, stack), env));
  return results;
}

/** A plain-text report: the verdict, one line per stack, then each problem. */
export function formatValidation(results: readonly StackValidation[]): string {
  const failed = results.filter((r) => !r.ok).length;
  const lines = [failed === 0 ? `All ${results.length} stacks are valid.` : `${failed} of ${results.length} stacks failed validation.`, ''];
  lines.push(...results.map((r) => `${r.ok ? 'ok  ' : 'FAIL'}  ${r.stack.padEnd(16)} ${r.ok ? 'init + validate clean' : `${r.failedStep} failed`} (${r.seconds} s)`));
  for (const r of results.filter((x) => !x.ok)) {
    lines.push('', `${r.stack}:`);
    for (const d of r.diagnostics) {
      lines.push(`  ${d.severity}: ${d.summary}${d.address ? ` (${d.address})` : ''}`);
      if (d.detail) lines.push(...d.detail.split('\n').map((l) => `    ${l}`));
    }
    if (r.output) lines.push(...r.output.split('\n').map((l) => `  ${l}`));
  }
  return lines.join('\n');
}

export const command = defineCommand({
  name: 'validate:stacks',
  summary: 'terraform init -backend=false and terraform validate of every synthesized stack (or the named ones), in a copy of each; exit 1 on any error or warning.',
  positionals: [{ name: 'stack', description: 'only these stacks (default every stack in the folder)', optional: true, variadic: true, choices: STACK_NAMES }],
  options: { dir: SYNTH_DIR_OPTION },
});

export function cli(argv: readonly string[]): Promise<number> {
  return execute(command, argv, ({ values, positionals }) => validate(synthDir(values.dir), positionals));
}

async function validate(outDir: string, stacks: string[]): Promise<number> {
  const config = terraformCliConfig();
  process.stdout.write(`Validating ${stacks.length > 0 ? stacks.join(', ') : 'every stack'} in ${outDir} (providers from ${config ? `the mirror in ${config}` : 'the registry'})\n`);
  const results = await validateStacks(outDir, { stacks });
  process.stdout.write(`${formatValidation(results)}\n`);
  return results.every((r) => r.ok) ? 0 : 1;
}
