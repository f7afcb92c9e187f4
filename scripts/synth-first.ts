/**
 * What the commands that plan cdktf.out (`cost`, `plan:offline`) do first: synthesize every stack
 * (well under a second), so a plan never describes code older than the sources. With `--no-synth`
 * they reuse cdktf.out, and refuse in one line a stack synthesized before a source last changed.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../lib/project-root';

/** Where `npm run synth` writes. */
export const OUTDIR = path.join(PROJECT_ROOT, 'cdktf.out');

/** The folders and files the synthesized stacks are built from. */
const SYNTH_SOURCES = ['main.ts', 'environments', 'stacks', 'constructs', 'lib'];

/** The most recently changed source file the stacks are built from, and when. */
export function newestSource(root = PROJECT_ROOT): { file: string; mtimeMs: number } {
  let newest = { file: '', mtimeMs: 0 };
  const visit = (full: string) => {
    const stat = statSync(full, { throwIfNoEntry: false });
    if (!stat) return;
    if (stat.isDirectory()) for (const entry of readdirSync(full)) visit(path.join(full, entry));
    else if (stat.mtimeMs > newest.mtimeMs && /\.(ts|ya?ml|json)$/.test(full)) newest = { file: path.relative(root, full), mtimeMs: stat.mtimeMs };
  };
  for (const source of SYNTH_SOURCES) visit(path.join(root, source));
  return newest;
}

/**
 * Why the synthesized stack in `stackDir` cannot be used as it is (missing, or older than a
 * source), or undefined when it can.
 */
export function staleSynthesis(stackDir: string, root = PROJECT_ROOT): string | undefined {
  const file = path.join(stackDir, 'cdk.tf.json');
  const shown = path.relative(root, file);
  if (!existsSync(file)) return `${shown} does not exist`;
  const newest = newestSource(root);
  if (statSync(file).mtimeMs < newest.mtimeMs) return `${shown} is older than ${newest.file}`;
  return undefined;
}

/** A refusal of the synth or of a stale cdktf.out: printed as its message, without a stack trace. */
export class SynthRefusedError extends Error {}

/** Synthesizes every stack into `outdir`; invalid environment settings are a SynthRefusedError. */
export async function synthesize(log: (line: string) => void, outdir = OUTDIR): Promise<void> {
  log(`synthesizing the stacks into ${path.relative(PROJECT_ROOT, outdir) || outdir} ...`);
  // Loaded only when needed: reading a --plan file should not pay for loading cdktf and the provider.
  const { InvalidEnvironmentsError, buildConfiguredApp } = await import('../environments/load');
  try {
    buildConfiguredApp({ outdir }).synth();
  } catch (e) {
    if (e instanceof InvalidEnvironmentsError) throw new SynthRefusedError(`Synth refused: invalid environment settings.\n\n${e.message}`);
    throw e;
  }
}

/**
 * Makes sure the stacks to plan describe today's sources: synthesizes them, or with `noSynth`
 * refuses (one line) any of them that is missing or older than a source.
 */
export async function freshStacks(stacks: readonly string[], options: { noSynth?: boolean; log: (line: string) => void; outdir?: string }): Promise<void> {
  const outdir = options.outdir ?? OUTDIR;
  if (!options.noSynth) return synthesize(options.log, outdir);
  for (const stack of stacks) {
    const why = staleSynthesis(path.join(outdir, 'stacks', stack));
    if (why) throw new SynthRefusedError(`--no-synth refused: ${why}; run without --no-synth (or npm run synth first)`);
  }
}
