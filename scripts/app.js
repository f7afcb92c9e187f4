/**
 * The cdktf app command (cdktf.json "app", run by `cdktf synth/diff/deploy`) and `npm run synth`.
 *
 * 1. Type-check and compile only if a source changed (scripts/fresh-build.js); a type error stops
 *    here with tsc's message and its exit code.
 * 2. Run the compiled app (dist/main.js) in this same process: no second Node start-up.
 *
 * With --synth (`npm run synth`) it also does what the cdktf CLI does around the app, without the
 * CLI's own start-up cost: the same environment (CDKTF_OUTDIR = cdktf.json "output" or cdktf.out,
 * the context of cdktf.json, CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS), removal of stack folders
 * that no longer belong to a stack, and the list of generated stacks. The result in cdktf.out is
 * the same as `npx cdktf synth`'s.
 */
'use strict';
const { existsSync, readFileSync, readdirSync, rmSync } = require('node:fs');
const path = require('node:path');
const { ensureBuilt } = require('./fresh-build');

const ROOT = path.resolve(__dirname, '..');

// No HashiCorp checkpoint (version and telemetry) lookup from anything this process starts: offline
// it only prints "[ERROR] ... getaddrinfo ENOTFOUND checkpoint-api.hashicorp.com". The npm commands
// that run Terraform or the cdktf CLI set it for them too (terraformCliEnv, diffStack).
process.env.CHECKPOINT_DISABLE ??= '1';

/** Sets what `cdktf synth` sets for the app (cli-core synth-stack.js); returns the output folder. */
function cliEnvironment() {
  const config = JSON.parse(readFileSync(path.join(ROOT, 'cdktf.json'), 'utf8'));
  const outdir = path.resolve(ROOT, config.output ?? 'cdktf.out');
  for (const key of Object.keys(process.env)) if (key.startsWith('TF_VAR_')) delete process.env[key];
  process.env.CDKTF_OUTDIR = outdir;
  process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS = 'true';
  const context = process.env.CDKTF_CONTEXT_JSON ? JSON.parse(process.env.CDKTF_CONTEXT_JSON) : {};
  process.env.CDKTF_CONTEXT_JSON = JSON.stringify({ ...context, cdktfRelativeModules: [] });
  process.env.SYNTH_HCL_OUTPUT = 'false';
  return outdir;
}

/** After a successful synth: drops stack folders of stacks that no longer exist, lists the stacks. */
function afterSynth(outdir) {
  const manifest = JSON.parse(readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
  const stacks = Object.keys(manifest.stacks);
  const stacksDir = path.join(outdir, 'stacks');
  for (const entry of existsSync(stacksDir) ? readdirSync(stacksDir, { withFileTypes: true }) : []) {
    if (entry.isDirectory() && !stacks.includes(entry.name)) rmSync(path.join(stacksDir, entry.name), { recursive: true });
  }
  process.stdout.write(`Generated Terraform code for the stacks: ${stacks.join(', ')}\n`);
}

function main() {
  const standalone = process.argv.includes('--synth');
  const code = ensureBuilt();
  if (code !== 0) return code;
  const outdir = standalone ? cliEnvironment() : undefined;
  require(path.join(ROOT, 'dist', 'main.js'));
  // main.js sets process.exitCode (1 when synth was refused, with its message already printed).
  if (standalone && !process.exitCode) afterSynth(outdir);
  return process.exitCode ?? 0;
}

process.exitCode = main();
