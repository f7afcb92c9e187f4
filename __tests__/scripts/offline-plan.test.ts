/**
 * `npm run plan:offline`: it plans what the sources say today (synthesizing first, or refusing a
 * stale cdktf.out in one line with --no-synth) and prints its verdict and counts, not the plan
 * text, which goes to a file. The plans themselves run in the Terraform tests.
 */
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderOfflinePlan } from '../../scripts/offline-plan';
import { freshStacks, newestSource, staleSynthesis } from '../../scripts/synth-first';
import { tempDir } from '../support/temp';

/** A project with one source file and one synthesized stack, with the given modification times (seconds). */
function project(sourceTime: number, stackTime?: number): { root: string; stackDir: string } {
  const root = tempDir('offline-plan-');
  mkdirSync(path.join(root, 'environments'), { recursive: true });
  const source = path.join(root, 'environments', 'staging.ts');
  writeFileSync(source, 'export const staging = {};\n');
  utimesSync(source, sourceTime, sourceTime);
  const stackDir = path.join(root, 'cdktf.out', 'stacks', 'staging');
  if (stackTime !== undefined) {
    mkdirSync(stackDir, { recursive: true });
    writeFileSync(path.join(stackDir, 'cdk.tf.json'), '{}');
    utimesSync(path.join(stackDir, 'cdk.tf.json'), stackTime, stackTime);
  }
  return { root, stackDir };
}

describe('a synthesized stack older than the sources', () => {
  it('is found by modification time against every source the stacks are built from', () => {
    const { root, stackDir } = project(2_000_000_000, 1_000_000_000);
    expect(newestSource(root)).toEqual({ file: path.join('environments', 'staging.ts'), mtimeMs: 2_000_000_000_000 });
    expect(staleSynthesis(stackDir, root)).toBe(`${path.join('cdktf.out', 'stacks', 'staging', 'cdk.tf.json')} is older than ${path.join('environments', 'staging.ts')}`);
    expect(staleSynthesis(project(1_000_000_000, 2_000_000_000).stackDir, root)).toBeUndefined();
    expect(staleSynthesis(project(1_000_000_000).stackDir, root)).toMatch(/cdk\.tf\.json does not exist$/);
  });

  it('is refused in one line with --no-synth', async () => {
    const { root } = project(2_000_000_000, 1_000_000_000);
    const refusal = await freshStacks(['staging'], { noSynth: true, log: () => undefined, outdir: path.join(root, 'cdktf.out') }).then(
      () => 'accepted',
      (e: Error) => e.message,
    );
    // The real sources of this repository are newer than a stack stamped in 2001.
    expect(refusal).toMatch(/^--no-synth refused: .*cdk\.tf\.json is older than \S+; run without --no-synth \(or npm run synth first\)$/);
  });
});

describe('the summary of an offline plan', () => {
  const counts = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`aws_resource_type_number_${i}`, i + 1]));

  it('says the verdict and the total first, names the plan text file, and fits 120 columns', () => {
    const lines = renderOfflinePlan('staging', counts, true, '.terraform-offline/staging/plan.txt', 120).trimEnd().split('\n');
    expect(lines.slice(0, 2)).toEqual(['staging: validate ok, plan ok: 820 resources to create', '  plan text: .terraform-offline/staging/plan.txt']);
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(120);
    const listed = lines.slice(2).join(' ');
    for (const [type, n] of Object.entries(counts)) expect(listed).toMatch(new RegExp(`\\b${type} ${n}\\b`));
    expect(lines.length).toBeLessThan(2 + 40 / 2);
  });

  it('writes one resource as one', () => {
    expect(renderOfflinePlan('qa', { aws_vpc: 1 }, false, 'p.txt', 120)).toBe('qa: validate FAILED, plan ok: 1 resource to create\n  plan text: p.txt\n  aws_vpc 1\n');
  });
});
