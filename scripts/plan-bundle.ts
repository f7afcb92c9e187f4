/**
 * Carries a reviewed plan from the plan job to the apply job of the manual apply workflow.
 *
 *   npm run plan:pack  -- <stack> <bundle-dir> [--dir cdktf.out] [--plan-file plan]
 *                          (after npm run plan:diff, whose plan file is `plan`; or plan:stack: `tfplan`)
 *   npm run apply:plan -- <stack> <bundle-dir> [--dir cdktf.out]
 *
 * A saved plan file holds every input value in clear, sensitive ones included (the Redis
 * token, ...), and workflow artifacts can be downloaded by anyone with read access to the
 * repository. So `pack` encrypts the plan (AES-256-GCM, key derived with scrypt from the
 * PLAN_ENCRYPTION_KEY secret) and bundles it with the stack's cdk.tf.json and provider lock
 * file (when there is one); nothing else leaves the job. `apply` restores the stack folder from the bundle,
 * decrypts, runs `terraform init -lockfile=readonly` and `terraform apply tfplan`: exactly the
 * plan that was reviewed, and Terraform refuses it if the state changed since (stale plan).
 * The decrypted plan is deleted afterwards, whatever happens.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes, scryptSync } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { defineCommand, execute, runMain, STACK_NAMES, SYNTH_DIR_OPTION, synthDir } from './cli';
import { runTerraform, terraformCliEnv } from '../tooling/terraform/offline-plan';


const MAGIC = Buffer.from('OMCPLAN1');
const SALT = 16;
const IV = 12;
const TAG = 16;

/** Files of a bundle. The lock file is renamed: upload-artifact skips hidden files. */
export const BUNDLE_FILES = { plan: 'tfplan.enc', config: 'cdk.tf.json', lock: 'terraform.lock.hcl', manifest: 'bundle.json' } as const;

export class PlanKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlanKeyError';
  }
}

/** The encryption secret, from PLAN_ENCRYPTION_KEY; at least 32 characters. */
export function planKey(env: NodeJS.ProcessEnv = process.env): string {
  const key = env.PLAN_ENCRYPTION_KEY;
  if (!key) throw new PlanKeyError('PLAN_ENCRYPTION_KEY is not set: plan files hold sensitive values and are only carried encrypted (set the repository secret PLAN_ENCRYPTION_KEY, e.g. openssl rand -base64 48)');
  if (key.length < 32) throw new PlanKeyError(`PLAN_ENCRYPTION_KEY is too short (${key.length} characters): use at least 32, e.g. openssl rand -base64 48`);
  return key;
}

/** Encrypts with AES-256-GCM; the output carries a format tag, the salt, the IV and the auth tag. */
export function encryptPlan(plain: Buffer, secret: string): Buffer {
  const salt = randomBytes(SALT);
  const iv = randomBytes(IV);
  const cipher = createCipheriv('aes-256-gcm', scryptSync(secret, salt, 32), iv);
  cipher.setAAD(MAGIC);
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([MAGIC, salt, iv, cipher.getAuthTag(), body]);
}

/** Decrypts what encryptPlan wrote; throws PlanKeyError for a wrong key or a damaged file. */
export function decryptPlan(sealed: Buffer, secret: string): Buffer {
  if (sealed.length < MAGIC.length + SALT + IV + TAG || !sealed.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new PlanKeyError('not an encrypted plan bundle (bad header)');
  }
  let offset = MAGIC.length;
  const take = (n: number) => sealed.subarray(offset, (offset += n));
  const salt = take(SALT);
  const iv = take(IV);
  const tag = take(TAG);
  const decipher = createDecipheriv('aes-256-gcm', scryptSync(secret, salt, 32), iv);
  decipher.setAAD(MAGIC);
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(sealed.subarray(offset)), decipher.final()]);
  } catch {
    throw new PlanKeyError('cannot decrypt the plan: wrong PLAN_ENCRYPTION_KEY, or the file was changed');
  }
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

interface Manifest {
  readonly stack: string;
  readonly configSha256: string;
}

/** Writes the bundle of a planned stack folder (the plan file, cdk.tf.json, .terraform.lock.hcl). */
export function packPlan(stackDir: string, bundleDir: string, secret: string, planFile = 'tfplan'): void {
  const stack = path.basename(stackDir);
  for (const file of [planFile, 'cdk.tf.json']) {
    if (!existsSync(path.join(stackDir, file))) throw new Error(`${path.join(stackDir, file)} is missing: run npm run plan:diff -- ${stack} (or plan:stack) first`);
  }
  mkdirSync(bundleDir, { recursive: true });
  const config = readFileSync(path.join(stackDir, 'cdk.tf.json'));
  writeFileSync(path.join(bundleDir, BUNDLE_FILES.plan), encryptPlan(readFileSync(path.join(stackDir, planFile)), secret));
  writeFileSync(path.join(bundleDir, BUNDLE_FILES.config), config);
  // Terraform writes no lock file for a stack without external providers.
  const lockFile = path.join(stackDir, '.terraform.lock.hcl');
  if (existsSync(lockFile)) copyFileSync(lockFile, path.join(bundleDir, BUNDLE_FILES.lock));
  const manifest: Manifest = { stack, configSha256: sha256(config) };
  writeFileSync(path.join(bundleDir, BUNDLE_FILES.manifest), `${JSON.stringify(manifest, null, 2)}\n`);
}

/** Restores a stack folder from a bundle, with the plan decrypted to `tfplan`. Returns the plan's path. */
export function unpackPlan(bundleDir: string, stackDir: string, secret: string): string {
  const stack = path.basename(stackDir);
  const manifestFile = path.join(bundleDir, BUNDLE_FILES.manifest);
  if (!existsSync(manifestFile)) throw new Error(`${manifestFile} is missing: is ${bundleDir} a plan bundle (npm run plan:pack)?`);
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as Manifest;
  if (manifest.stack !== stack) throw new Error(`the bundle holds a plan of ${manifest.stack}, not of ${stack}`);
  const config = readFileSync(path.join(bundleDir, BUNDLE_FILES.config));
  if (sha256(config) !== manifest.configSha256) throw new Error('the bundle was changed: cdk.tf.json does not match the planned configuration');
  const plan = decryptPlan(readFileSync(path.join(bundleDir, BUNDLE_FILES.plan)), secret);
  mkdirSync(stackDir, { recursive: true });
  writeFileSync(path.join(stackDir, 'cdk.tf.json'), config);
  const lockFile = path.join(bundleDir, BUNDLE_FILES.lock);
  if (existsSync(lockFile)) copyFileSync(lockFile, path.join(stackDir, '.terraform.lock.hcl'));
  const planFile = path.join(stackDir, 'tfplan');
  writeFileSync(planFile, plan, { mode: 0o600 });
  return planFile;
}

/** Restores and applies a bundled plan; resolves with terraform's exit code. */
export async function applyBundledPlan(
  bundleDir: string,
  stackDir: string,
  secret: string,
  options: { readonly env?: NodeJS.ProcessEnv; readonly echo?: boolean } = {},
): Promise<number> {
  const planFile = unpackPlan(bundleDir, stackDir, secret);
  const run = { env: options.env ?? terraformCliEnv(), echo: options.echo ?? true };
  try {
    // The providers the plan was made with, exactly: init may not change the lock file.
    const lockfile = existsSync(path.join(stackDir, '.terraform.lock.hcl')) ? ['-lockfile=readonly'] : [];
    const init = await runTerraform(['init', '-input=false', '-no-color', ...lockfile], stackDir, run);
    if (init.code !== 0) return init.code;
    return (await runTerraform(['apply', '-input=false', '-no-color', 'tfplan'], stackDir, run)).code;
  } finally {
    rmSync(planFile, { force: true });
  }
}

const STACK_AND_BUNDLE = [
  { name: 'stack', description: 'the stack the plan is of', choices: STACK_NAMES },
  { name: 'bundle-dir', description: 'the bundle folder (the workflow artifact)' },
];

/** The two commands of this script: `plan-bundle.js pack` and `plan-bundle.js apply`. */
export const commands = {
  pack: defineCommand({
    name: 'plan:pack',
    summary: "Encrypts a stack's saved plan (with PLAN_ENCRYPTION_KEY) and bundles it with cdk.tf.json and the provider lock file, for the apply job.",
    positionals: STACK_AND_BUNDLE,
    options: { dir: SYNTH_DIR_OPTION, 'plan-file': { type: 'string', value: '<file>', description: 'the plan file in the stack folder (default tfplan; plan after plan:diff)' } },
  }),
  apply: defineCommand({
    name: 'apply:plan',
    summary: 'Restores the stack folder from a bundle, decrypts the plan and runs terraform init -lockfile=readonly and terraform apply of exactly that plan.',
    positionals: STACK_AND_BUNDLE,
    options: { dir: SYNTH_DIR_OPTION },
  }),
};

/** `plan-bundle.js pack|apply <argv>`. */
export function cli([which, ...argv]: readonly string[]): Promise<number> {
  if (which === 'pack') {
    return execute(commands.pack, argv, ({ args, values }) => {
      const stack = args.stack as string;
      const bundleDir = args['bundle-dir'] as string;
      packPlan(path.join(synthDir(values.dir), 'stacks', stack), bundleDir, planKey(), values['plan-file']);
      process.stdout.write(`packed the encrypted plan of ${stack} into ${bundleDir}\n`);
      return 0;
    });
  }
  if (which === 'apply') {
    return execute(commands.apply, argv, async ({ args, values }) => {
      const stack = args.stack as string;
      const code = await applyBundledPlan(args['bundle-dir'] as string, path.join(synthDir(values.dir), 'stacks', stack), planKey());
      process.stdout.write(code === 0 ? `applied the bundled plan of ${stack}\n` : '');
      if (code !== 0) process.stderr.write(`terraform failed for ${stack} (exit ${code})\n`);
      return code;
    });
  }
  process.stderr.write('usage: node dist/scripts/plan-bundle.js pack|apply ... (npm run plan:pack or npm run apply:plan)\n');
  return Promise.resolve(2);
}

if (require.main === module) runMain(cli);
