/**
 * Measures how long the app takes to synthesize every stack, the way `cdktf synth`
 * runs it (`node dist/main.js`, a fresh process each time), plus the in-process
 * build+synth time without module loading. Prints the median of several runs.
 *
 *   npm run bench:synth [-- --runs 7]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildApp } from '../lib/app';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function main(): void {
  const runsArg = process.argv.indexOf('--runs');
  const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 5;
  const mainJs = path.resolve(__dirname, '..', 'main.js');
  const processTimes: number[] = [];
  const inProcessTimes: number[] = [];
  for (let i = 0; i < runs; i++) {
    const outdir = mkdtempSync(path.join(os.tmpdir(), 'omc-bench-'));
    try {
      let start = performance.now();
      execFileSync(process.execPath, [mainJs], { env: { ...process.env, CDKTF_OUTDIR: outdir }, stdio: 'inherit' });
      processTimes.push(performance.now() - start);
      start = performance.now();
      buildApp({ outdir }).synth();
      inProcessTimes.push(performance.now() - start);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  }
  const fmt = (ms: number) => `${ms.toFixed(0)} ms`;
  process.stdout.write(
    `synth of every stack, median of ${runs} runs:\n` +
      `  node dist/main.js (fresh process, as cdktf synth runs it): ${fmt(median(processTimes))}  [${processTimes.map(fmt).join(', ')}]\n` +
      `  build + synth in a warm process:                           ${fmt(median(inProcessTimes))}  [${inProcessTimes.map(fmt).join(', ')}]\n`,
  );
}

main();
