/**
 * `npm run plan:offline -- <stack> [<stack> ...]`: real `terraform init/validate/plan` of synthesized
 * stacks without AWS (tooling/terraform/offline-plan.ts). It synthesizes first (or, with
 * --no-synth, refuses a cdktf.out older than the sources), writes Terraform's plan text to a file
 * it names, and prints the verdict and what the plan would create, by type.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { countByType, describeStubs, runOfflinePlan } from '../tooling/terraform/offline-plan';
import { plural, terminalWidth, wrap } from '../lib/terminal';
import { defineCommand, execute, type Io, PROJECT_ROOT, STACK_NAMES, STDIO } from './cli';
import { freshStacks, OUTDIR } from './synth-first';

export const command = defineCommand({
  name: 'plan:offline',
  summary:
    'terraform init, validate and plan of synthesized stacks on a copy with a local backend and dummy credentials (no AWS account): the verdict and the resources to create by type; the plan text goes to a file it names.',
  positionals: [{ name: 'stack', description: 'the stacks to plan', variadic: true, choices: STACK_NAMES }],
  options: {
    'no-synth': { type: 'boolean', description: 'plan the existing cdktf.out (refused when it is older than the sources)' },
  },
});

/** The summary of one offline plan: verdict first, then the count of each resource type, in columns that fit `width`. */
export function renderOfflinePlan(
  stack: string,
  counts: Record<string, number>,
  valid: boolean,
  planFile: string,
  width = terminalWidth(),
  stubs: readonly string[] = [],
): string {
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const lines = [`${stack}: validate ${valid ? 'ok' : 'FAILED'}, plan ok: ${plural(total, 'resource')} to create`, `  plan text: ${planFile}`];
  const cells = Object.entries(counts).map(([type, n]) => `${type} ${n}`);
  const cellWidth = Math.max(...cells.map((c) => c.length), 0) + 2;
  const perLine = Math.max(1, Math.floor((width - 2) / cellWidth));
  for (let i = 0; i < cells.length; i += perLine) {
    lines.push(`  ${cells.slice(i, i + perLine).map((c, j, row) => (j === row.length - 1 ? c : c.padEnd(cellWidth))).join('')}`);
  }
  // Nothing is substituted silently: each value the offline copy stubs is stated.
  if (stubs.length > 0) lines.push(`  ${plural(stubs.length, 'stubbed value')} (offline only):`, ...stubs.flatMap((l) => wrap(l, width - 4, '  ').map((w) => `    ${w}`)));
  return `${lines.join('\n')}\n`;
}

export function cli(argv: readonly string[], io: Io = STDIO): Promise<number> {
  return execute(
    command,
    argv,
    async ({ values, positionals: stacks }) => {
      await freshStacks(stacks, { noSynth: values['no-synth'], log: (l) => io.err(`${l}\n`) });
      let valid = true;
      for (const stack of stacks) {
        io.err(`planning ${stack} offline (terraform init/validate/plan) ...\n`);
        const result = await runOfflinePlan(path.join(OUTDIR, 'stacks', stack));
        const planFile = path.join(result.workDir, 'plan.txt');
        writeFileSync(planFile, `${result.planOutput}\n`);
        io.out(renderOfflinePlan(stack, countByType(result), result.validate.valid, path.relative(PROJECT_ROOT, planFile) || planFile, terminalWidth(), describeStubs(result.stubs)));
        valid &&= result.validate.valid;
      }
      return valid ? 0 : 1;
    },
    io,
  );
}
