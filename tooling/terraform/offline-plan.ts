/**
 * Runs real Terraform on a synthesized stack without AWS: `init` against the
 * local provider mirror, `validate`, and a `plan` with a local backend and dummy
 * credentials. Used by the Terraform tests, the CI scripts and by `npm run plan:offline -- <stack>`
 * (scripts/offline-plan.ts).
 *
 * The stack folder in cdktf.out is never modified: the overrides live in a copy,
 * so a later real `terraform plan` in cdktf.out/stacks/<env> still uses S3.
 */
import { execFile, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../lib/project-root';
import { CACHE_ROOT, cacheKey, cachedResult, hashFolder } from './result-cache';

/** Dummy value given to every required non-sensitive variable the offline plan knows about. */
export const OFFLINE_VARIABLE_VALUES: Readonly<Record<string, string>> = {
  certificate_arn: 'arn:aws:acm:ap-southeast-2:123456789012:certificate/00000000-0000-4000-8000-000000000000',
};

/** One value the offline plan puts in place of what a real plan gets from AWS, a secret or the backend. */
export interface StubbedValue {
  /** What is stubbed, e.g. `var.certificate_arn`, `backend`. */
  readonly what: string;
  /** The value used instead. */
  readonly value: string;
  /** Where a real plan gets it. */
  readonly instead: string;
}

/**
 * Everything an offline plan of a stack stubs, to be stated, never substituted silently: the
 * backend, the provider's credentials and account lookups, each variable value it makes up
 * (a dummy, or a sentinel for a sensitive one) and each endpoint it redirects.
 */
export function offlineStubs(
  stackJson: Parameters<typeof declaredVariables>[0] & { terraform?: { backend?: unknown } },
  values: Readonly<Record<string, string>>,
  endpoints: Readonly<Record<string, string>> = {},
): StubbedValue[] {
  const backend = Object.keys((stackJson.terraform?.backend ?? {}) as object)[0];
  return [
    { what: 'backend', value: 'a local state file (terraform.tfstate of the working copy)', instead: backend ? `the ${backend} backend` : 'the configured backend' },
    { what: 'AWS credentials', value: 'dummy keys; no credential check, account id or metadata lookup', instead: 'the caller\'s AWS credentials' },
    ...declaredVariables(stackJson)
      .filter((v) => values[v.name] !== undefined)
      .map((v) => ({
        what: `var.${v.name}`,
        value: v.sensitive ? `${values[v.name]} (a recognisable sentinel)` : values[v.name],
        instead: `${v.sensitive ? 'a secret' : 'its real value'} (TF_VAR_${v.name})`,
      })),
    ...Object.entries(endpoints).map(([service, url]) => ({ what: `${service} endpoint`, value: url, instead: `the AWS ${service} API` })),
  ];
}

/** The stubs as lines for people: `stubbed var.x = value (instead of ...)`. */
export function describeStubs(stubs: readonly StubbedValue[]): string[] {
  return stubs.map((s) => `stubbed ${s.what}: ${s.value} (instead of ${s.instead})`);
}

/** The value the offline plan gives a sensitive variable: recognisable, so tests can prove it never leaks. */
export function sentinelFor(variable: string): string {
  return `SENTINEL-${variable.replace(/_/g, '-')}-7f3c9a1e`;
}

export interface TerraformVariable {
  readonly name: string;
  readonly sensitive: boolean;
  readonly hasDefault: boolean;
}

/** Variables declared in a synthesized stack. */
export function declaredVariables(stackJson: { variable?: Record<string, { sensitive?: boolean; default?: unknown }> }): TerraformVariable[] {
  return Object.entries(stackJson.variable ?? {}).map(([name, v]) => ({
    name,
    sensitive: v.sensitive === true,
    hasDefault: Object.prototype.hasOwnProperty.call(v, 'default'),
  }));
}

/**
 * Values for the offline plan: a sentinel for every sensitive variable, a dummy for
 * every required one. Throws if a required variable has no known offline value.
 */
export function offlineVariableValues(variables: readonly TerraformVariable[]): Record<string, string> {
  const values: Record<string, string> = {};
  const unknown: string[] = [];
  for (const v of variables) {
    if (v.sensitive) values[v.name] = sentinelFor(v.name);
    else if (OFFLINE_VARIABLE_VALUES[v.name] !== undefined) values[v.name] = OFFLINE_VARIABLE_VALUES[v.name];
    else if (!v.hasDefault) unknown.push(v.name);
  }
  if (unknown.length > 0) {
    throw new Error(`No offline value for required variable(s) ${unknown.join(', ')}; add them to OFFLINE_VARIABLE_VALUES in tooling/terraform/offline-plan.ts`);
  }
  return values;
}

export class TerraformMissingError extends Error {
  constructor(detail: string) {
    super(
      `terraform is not available (${detail}). The Terraform tests run real 'terraform init/validate/plan' and cannot pass without it. ` +
        'Install Terraform 1.11.x on PATH (or set TERRAFORM_BIN).',
    );
    this.name = 'TerraformMissingError';
  }
}

interface RunResult {
  readonly stdout: string;
  readonly stderr: string;
}

function terraformBin(): string {
  return process.env.TERRAFORM_BIN ?? 'terraform';
}

/** The project's Terraform CLI config: providers from the local filesystem mirror. */
export const PROJECT_CLI_CONFIG = path.join(PROJECT_ROOT, 'terraform.rc');

/**
 * The Terraform CLI config to run with: OMC_TERRAFORM_CLI_CONFIG if set; otherwise the project's
 * terraform.rc when the provider mirror it names exists (this machine, offline); otherwise none,
 * so Terraform installs providers from the registry (CI runners).
 */
export function terraformCliConfig(env: NodeJS.ProcessEnv = process.env, projectConfig: string = PROJECT_CLI_CONFIG): string | undefined {
  if (env.OMC_TERRAFORM_CLI_CONFIG) return env.OMC_TERRAFORM_CLI_CONFIG;
  if (!existsSync(projectConfig)) return undefined;
  const mirror = /filesystem_mirror\s*\{[^}]*?path\s*=\s*"([^"]+)"/.exec(readFileSync(projectConfig, 'utf8'))?.[1];
  return mirror !== undefined && existsSync(mirror) ? projectConfig : undefined;
}

/**
 * Where `terraform init` keeps the providers it installs, shared by every working folder so a
 * provider is downloaded once (CI), not once per init. With the local filesystem mirror
 * Terraform only links to it, so nothing is copied.
 */
export const PLUGIN_CACHE_DIR = path.join(CACHE_ROOT, 'terraform-plugins');

/**
 * The environment real (credentialed) Terraform runs with: the CLI config chosen by
 * `terraformCliConfig`, no telemetry, no prompts, the shared plugin cache (unless the caller
 * set TF_PLUGIN_CACHE_DIR). Without a mirror the caller's own TF_CLI_CONFIG_FILE is kept unless
 * it names a missing file.
 */
export function terraformCliEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, TF_IN_AUTOMATION: '1', TF_INPUT: '0', CHECKPOINT_DISABLE: '1' };
  if (!env.TF_PLUGIN_CACHE_DIR) {
    mkdirSync(PLUGIN_CACHE_DIR, { recursive: true });
    env.TF_PLUGIN_CACHE_DIR = PLUGIN_CACHE_DIR;
    // A working copy has no .terraform.lock.hcl, and without a lock-file checksum Terraform 1.4+
    // installs the provider into the cache again instead of linking to it; Terraform's cache is
    // not safe for concurrent use, so an init rewriting it broke a plan running beside it ("could
    // not read package directory ... linux_amd64"). With this set, inits only link to what the
    // cache holds; the lock files of these throw-away working copies are never committed.
    env.TF_PLUGIN_CACHE_MAY_BREAK_DEPENDENCY_LOCK_FILE = 'true';
  }
  const config = terraformCliConfig();
  if (config !== undefined) env.TF_CLI_CONFIG_FILE = config;
  else if (env.TF_CLI_CONFIG_FILE && !existsSync(env.TF_CLI_CONFIG_FILE)) delete env.TF_CLI_CONFIG_FILE;
  return { ...env, ...extra };
}

/** The environment an offline run uses: `terraformCliEnv`, without any AWS credentials or profile. */
export function terraformEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = terraformCliEnv(extra);
  // Never let real credentials or profiles reach an offline plan.
  for (const key of ['AWS_PROFILE', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']) delete env[key];
  return env;
}

/** Runs terraform with args in cwd; rejects with its output on a non-zero exit. */
export function terraform(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = terraformEnv()): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    execFile(terraformBin(), [...args], { cwd, env, maxBuffer: 256 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') {
        reject(new TerraformMissingError(`'${terraformBin()}' was not found on PATH`));
      } else if (error) {
        reject(new Error(`terraform ${args.join(' ')} failed in ${cwd} (exit ${String(error.code)}):\n${stderr}\n${stdout}`));
      } else {
        resolve({ stdout, stderr });
      }
    });
  });
}

export interface TerraformRun extends RunResult {
  /** Exit code (e.g. 2 for "changes present" with plan -detailed-exitcode). */
  readonly code: number;
}

export interface ProcessRun extends TerraformRun {
  /** stdout and stderr interleaved as they came. */
  readonly output: string;
}

/**
 * Runs a program and resolves with its exit code instead of rejecting on a non-zero exit;
 * with `echo`, its output also goes to this process's stdout/stderr as it comes (CI logs).
 * Rejects only when the program cannot be started.
 */
export function runProcess(
  bin: string,
  args: readonly string[],
  cwd: string,
  options: { readonly env?: NodeJS.ProcessEnv; readonly echo?: boolean } = {},
): Promise<ProcessRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, [...args], { cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const all: Buffer[] = [];
    const collect = (into: Buffer[], stream: NodeJS.WriteStream) => (chunk: Buffer) => {
      into.push(chunk);
      all.push(chunk);
      if (options.echo) stream.write(chunk);
    };
    child.stdout.on('data', collect(out, process.stdout));
    child.stderr.on('data', collect(err, process.stderr));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({
        code: code ?? 1,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        output: Buffer.concat(all).toString('utf8'),
      }),
    );
  });
}

/**
 * Runs terraform and resolves with its exit code instead of rejecting on a non-zero exit;
 * with `echo`, its output also goes to this process's stdout/stderr as it comes (CI logs).
 */
export async function runTerraform(
  args: readonly string[],
  cwd: string,
  options: { readonly env?: NodeJS.ProcessEnv; readonly echo?: boolean } = {},
): Promise<TerraformRun> {
  try {
    const { code, stdout, stderr } = await runProcess(terraformBin(), args, cwd, { env: options.env ?? terraformEnv(), echo: options.echo });
    return { code, stdout, stderr };
  } catch (e) {
    throw (e as NodeJS.ErrnoException).code === 'ENOENT' ? new TerraformMissingError(`'${terraformBin()}' was not found on PATH`) : e;
  }
}

/** Returns `terraform version -json`, or throws TerraformMissingError. */
export async function terraformVersion(): Promise<string> {
  const { stdout } = await terraform(['version', '-json'], PROJECT_ROOT);
  return (JSON.parse(stdout) as { terraform_version: string }).terraform_version;
}

/** `terraformVersion()` per Terraform binary, asked once per process. */
const versions = new Map<string, Promise<string>>();

/** Files Terraform writes into a working folder itself: not inputs of a plan. */
function terraformOutput(name: string): boolean {
  return name === '.terraform' || name === '.terraform.lock.hcl' || name.endsWith('.tfplan') || name.endsWith('.partial');
}

/**
 * Runs `run` (Terraform commands in `workDir`) or returns its cached result. The cache key is a
 * content hash of everything the result depends on: every file in `workDir` (configuration,
 * overrides, tfvars, a state file; not what `init` and `plan` write there), `inputs` (the
 * arguments: variables, targets, which commands), Terraform's version, the CLI config in use
 * (where providers come from), every TF_* variable of the environment and this file's source
 * (how plans are run). Use it for any offline
 * plan, e.g. a migration plan against a legacy state file:
 *
 *   writeFileSync(path.join(workDir, 'terraform.tfstate'), legacyState);
 *   const plan = await cachedTerraform(workDir, { kind: 'migration-plan', vars }, async () => {
 *     await terraform(['init', ...], workDir);
 *     ...
 *     return JSON.parse((await terraform(['show', '-json', 'tfplan'], workDir)).stdout);
 *   });
 *
 * `run` must return JSON-serializable data. A hit does not run Terraform, so the folder is
 * then neither initialized nor planned: read results from the return value, not the folder.
 * OMC_RESULT_CACHE=0 always runs.
 */
export async function cachedTerraform<T>(workDir: string, inputs: unknown, run: () => Promise<T>): Promise<T> {
  return cachedTerraformRun([hashFolder(workDir, terraformOutput), inputs], run);
}

/**
 * `cachedTerraform` for a run whose inputs are not all in one folder (or whose folder holds
 * something that changes every time, such as a stand-in's port): `inputs` must then name all of
 * them, e.g. content hashes of the files and the source of the code that runs Terraform. Terraform's
 * version, the CLI config, the TF_* variables and this file's source are added here.
 */
export async function cachedTerraformRun<T>(inputs: unknown, run: () => Promise<T>): Promise<T> {
  const env = terraformEnv();
  const version = versions.get(terraformBin()) ?? terraformVersion();
  versions.set(terraformBin(), version);
  const cliConfig = env.TF_CLI_CONFIG_FILE && existsSync(env.TF_CLI_CONFIG_FILE) ? readFileSync(env.TF_CLI_CONFIG_FILE, 'utf8') : null;
  const tfVariables = Object.entries(env).filter(([name]) => name.startsWith('TF_') && name !== 'TF_PLUGIN_CACHE_DIR').sort();
  // This file's own source too: a change to how plans are run must not reuse their old results.
  const harness = readFileSync(__filename, 'utf8');
  return cachedResult(cacheKey('terraform', inputs, await version, cliConfig, tfVariables, harness), run);
}

export interface PlannedResource {
  readonly address: string;
  readonly type: string;
  readonly name: string;
  /** Absent when every planned value is unknown until apply. */
  readonly values: Record<string, unknown>;
}

export interface OfflinePlanResult {
  /** The stack name. */
  readonly stack: string;
  /** Folder the plan ran in (a copy of the stack with the offline overrides). */
  readonly workDir: string;
  /** `terraform validate -json` output. */
  readonly validate: { valid: boolean; error_count: number; warning_count: number; diagnostics: unknown[] };
  /** `terraform show -json` of the plan. */
  readonly plan: {
    resource_changes: { address: string; type: string; name: string; change: { actions: string[]; after: Record<string, unknown> | null } }[];
    planned_values: { root_module: { resources?: PlannedResource[] }; outputs?: Record<string, unknown> };
    variables?: Record<string, { value: unknown }>;
  };
  /**
   * Output of `terraform plan` itself: Terraform's human-readable plan, what a reviewer sees (the
   * same rendering `terraform show` gives of the saved plan, without running it again).
   */
  readonly planOutput: string;
  /** Values given to the variables. */
  readonly variables: Record<string, string>;
  /** What the plan stubbed instead of asking AWS, a secret or the backend (`describeStubs` states them). */
  readonly stubs: readonly StubbedValue[];
}

export interface OfflinePlanOptions {
  /** Folder for the working copy. @default <project>/.terraform-offline/<stack> */
  readonly workDir?: string;
  /** Extra variable values, on top of the offline defaults. @default {} */
  readonly variables?: Record<string, string>;
  /**
   * A state file to plan against (e.g. a legacy state): copied into the working copy, never
   * changed, and planned with `-refresh=false`. @default none (an empty state)
   */
  readonly state?: string;
  /** Provider endpoint overrides, e.g. `{ sfn: <stand-in url> }` (see tooling/terraform/sfn-stand-in.ts). @default none */
  readonly endpoints?: Record<string, string>;
  /**
   * Run `terraform validate` too. Without it (`false`, for the migration check) `validate` in the
   * result only records that the plan, which refuses an invalid configuration, succeeded.
   * @default true
   */
  readonly validate?: boolean;
  /** Reuse the result of a plan of identical inputs (`cachedTerraform`). @default false */
  readonly cache?: boolean;
}

/** Copies a synthesized stack, adds the offline overrides and runs init, validate, plan and show. */
export async function runOfflinePlan(stackDir: string, options: OfflinePlanOptions = {}): Promise<OfflinePlanResult> {
  const stack = path.basename(stackDir);
  const source = path.join(stackDir, 'cdk.tf.json');
  if (!existsSync(source)) throw new Error(`${source} does not exist; run the synth first (npm run synth)`);
  const workDir = options.workDir ?? path.join(PROJECT_ROOT, '.terraform-offline', stack);
  rmSync(workDir, { recursive: true, force: true });
  mkdirSync(workDir, { recursive: true });
  copyFileSync(source, path.join(workDir, 'cdk.tf.json'));

  const stackJson = JSON.parse(readFileSync(source, 'utf8')) as Parameters<typeof declaredVariables>[0] & {
    terraform?: { backend?: unknown; cloud?: unknown };
  };
  // A local backend replaces the S3 (or cloud) backend; dummy keys and skip flags keep the provider offline.
  const terraformBlock = stackJson.terraform?.cloud ? {} : { backend: { local: { path: 'terraform.tfstate' } } };
  if (stackJson.terraform?.cloud) {
    throw new Error(`${stack} uses a Terraform Cloud backend; plan it with 'terraform validate' after 'init -backend=false' instead`);
  }
  writeFileSync(path.join(workDir, 'offline_override.tf.json'), JSON.stringify({
    terraform: terraformBlock,
    provider: {
      aws: {
        access_key: 'offline-dummy-access-key',
        secret_key: 'offline-dummy-secret-key',
        skip_credentials_validation: true,
        skip_requesting_account_id: true,
        skip_metadata_api_check: true,
        ...(options.endpoints ? { endpoints: [options.endpoints] } : {}),
      },
    },
  }, null, 2));
  const made = offlineVariableValues(declaredVariables(stackJson));
  const variables = { ...made, ...(options.variables ?? {}) };
  // Values the caller gave are not stubs of this runner; the ones it made up are.
  const stubbed = Object.fromEntries(Object.entries(made).filter(([name]) => options.variables?.[name] === undefined));
  writeFileSync(path.join(workDir, 'offline.tfvars.json'), JSON.stringify(variables, null, 2));

  if (options.state) copyFileSync(options.state, path.join(workDir, 'terraform.tfstate'));
  if (options.cache) {
    // The copy is ready, so its content is known: on a miss, plan it as without the cache (which
    // writes the same copy again).
    const inputs = { kind: 'offline-plan', stack, state: Boolean(options.state), validate: options.validate ?? true };
    return cachedTerraform(workDir, inputs, () => runOfflinePlan(stackDir, { ...options, cache: false }));
  }

  await terraform(['init', '-input=false', '-no-color'], workDir);
  const fullRun = options.validate ?? true;
  let validateOut: RunResult = { stdout: '{"valid":true,"error_count":0,"warning_count":0,"diagnostics":[]}', stderr: '' };
  try {
    if (fullRun) validateOut = await terraform(['validate', '-json', '-no-color'], workDir);
  } catch (e) {
    throw new Error(`terraform validate failed for ${stack}: ${(e as Error).message}`);
  }
  const validate = JSON.parse(validateOut.stdout) as OfflinePlanResult['validate'];
  const planArgs = ['plan', '-input=false', '-no-color', '-lock=false', '-var-file=offline.tfvars.json', '-out=offline.tfplan'];
  const planRun = await terraform(options.state ? [...planArgs, '-refresh=false'] : planArgs, workDir);
  // After the plan, not beside it: each loads the provider's schema (a few hundred MB). No text
  // `show`: the plan's own output is that text already.
  const showJson = await terraform(['show', '-json', 'offline.tfplan'], workDir);
  return {
    stack,
    workDir,
    validate,
    plan: JSON.parse(showJson.stdout) as OfflinePlanResult['plan'],
    planOutput: planRun.stdout,
    variables,
    stubs: offlineStubs(stackJson, stubbed, options.endpoints),
  };
}

export interface PlanOutcome {
  /** Exit code of `terraform plan` (0 = planned). */
  readonly exitCode: number;
  /** stdout and stderr together: everything an operator or a CI log would see. */
  readonly output: string;
}

/**
 * Plans an offline working copy (from `runOfflinePlan`; initialized first if it is not) again
 * with some variables overridden, limited to `targets`, and returns the exit code and output
 * instead of throwing: used to check that bad inputs are refused, and how. With `cache`, reuses
 * the outcome for identical inputs (`cachedTerraform`).
 */
export function planWithOverrides(
  workDir: string,
  variables: Record<string, string>,
  targets: readonly string[],
  options: { readonly cache?: boolean } = {},
): Promise<PlanOutcome> {
  const args = ['plan', '-input=false', '-no-color', '-lock=false', '-var-file=offline.tfvars.json'];
  for (const [name, value] of Object.entries(variables)) args.push(`-var=${name}=${value}`);
  for (const target of targets) args.push(`-target=${target}`);
  const plan = async (): Promise<PlanOutcome> => {
    if (!existsSync(path.join(workDir, '.terraform'))) await terraform(['init', '-input=false', '-no-color'], workDir);
    return new Promise((resolve, reject) => {
      execFile(terraformBin(), args, { cwd: workDir, env: terraformEnv(), maxBuffer: 256 * 1024 * 1024 }, (error, stdout, stderr) => {
        if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') reject(new TerraformMissingError(`'${terraformBin()}' was not found on PATH`));
        else resolve({ exitCode: error ? Number(error.code ?? 1) : 0, output: `${stdout}\n${stderr}` });
      });
    });
  };
  return options.cache ? cachedTerraform(workDir, { kind: 'plan-with-overrides', args }, plan) : plan();
}

/** Resources to create, counted per type. */
export function countByType(result: OfflinePlanResult): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const rc of result.plan.resource_changes) {
    if (rc.change.actions.includes('create')) counts[rc.type] = (counts[rc.type] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}

/** The planned values of the resource at `address`; throws if the plan has no such resource. */
export function plannedValues(result: OfflinePlanResult, address: string): Record<string, unknown> {
  const found = result.plan.planned_values.root_module.resources?.find((r) => r.address === address);
  if (!found) throw new Error(`${result.stack}: the plan has no resource ${address}`);
  return found.values;
}
