/**
 * `npm run bench`: the fast loop, measured side by side in one run on this machine.
 *
 *  - `npm run synth` (unchanged sources) against its floor `node dist/main.js`;
 *  - `npx cdktf synth` against the CLI's floor `npx cdktf synth --app "node dist/main.js"`;
 *  - the app's memory (max RSS of one synth of every stack);
 *  - `npm test`: wall time, peak memory of its whole process tree, and the entries it leaves in
 *    an empty temp folder (TMPDIR).
 *
 * Commands and floors run interleaved (A, B, A, B, ...) and are reported as medians, so a busy
 * machine slows both alike; the load average before and after is printed with the machine.
 *
 *   npm run bench [-- --runs 5] [--json] [--no-test] [--cold]
 *     --cold   also time npm test as in a fresh clone: no plan cache, no jest cache, no type-check
 *              stamp or tsbuildinfo (all rebuilt by that run).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fittedTable, terminalWidth, wrap } from '../lib/terminal';
import { defineCommand, execute, PROJECT_ROOT, UsageError } from './cli';
import { CACHE_ROOT } from '../tooling/terraform/result-cache';

const MB = 1024 * 1024;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Runs a shell command in the project; its wall time in seconds. Throws with its output on failure. */
function timeCommand(command: string, env: NodeJS.ProcessEnv = process.env): number {
  const start = performance.now();
  const run = spawnSync(command, { cwd: PROJECT_ROOT, shell: true, env, encoding: 'utf8', maxBuffer: 64 * MB });
  const seconds = (performance.now() - start) / 1000;
  if (run.status !== 0) throw new Error(`${command} failed (exit ${String(run.status)}):\n${run.stderr}\n${run.stdout}`);
  return seconds;
}

/** Max RSS of one `node dist/main.js` (a synth of every stack), in bytes. */
function appMaxRss(): number {
  const report = "process.on('exit', () => process.stderr.write(`\\nMAXRSS ${process.resourceUsage().maxRSS}\\n`)); require(process.argv[1]);";
  const run = spawnSync(process.execPath, ['-e', report, path.join(PROJECT_ROOT, 'dist', 'main.js')], { cwd: PROJECT_ROOT, encoding: 'utf8' });
  const kb = /MAXRSS (\d+)/.exec(run.stderr)?.[1];
  if (run.status !== 0 || kb === undefined) throw new Error(`node dist/main.js failed: ${run.stderr}`);
  return Number(kb) * 1024;
}

/** Total RSS of `root` and all its descendants (Linux /proc), in bytes; undefined elsewhere. */
function treeRss(root: number): number | undefined {
  if (!existsSync('/proc/self/stat')) return undefined;
  const children = new Map<number, number[]>();
  const rss = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ppid = Number(fields[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
      rss.set(Number(name), Number(fields[21]) * 4096);
    } catch {
      // The process ended while we looked.
    }
  }
  let total = 0;
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.pop()!;
    total += rss.get(pid) ?? 0;
    queue.push(...(children.get(pid) ?? []));
  }
  return total;
}

interface TestRun {
  readonly seconds: number;
  readonly peakBytes?: number;
  readonly tempEntries: number;
  readonly passed: boolean;
}

/** Runs npm test with TMPDIR pointing to a new empty folder; counts what is left in it. */
async function timeNpmTest(env: NodeJS.ProcessEnv = process.env): Promise<TestRun> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'omc-bench-tmp-'));
  try {
    const start = performance.now();
    const child = spawn('npm', ['test', '--silent'], { cwd: PROJECT_ROOT, env: { ...env, TMPDIR: tmp }, stdio: ['ignore', 'pipe', 'pipe'] });
    const output: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk));
    let peak: number | undefined;
    const sampler = setInterval(() => {
      const now = treeRss(child.pid!);
      if (now !== undefined) peak = Math.max(peak ?? 0, now);
    }, 250);
    const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? 1)));
    clearInterval(sampler);
    // A failed run: what failed, on stderr (the table only says FAILED).
    if (code !== 0) process.stderr.write(`npm test failed:\n${Buffer.concat(output).toString('utf8').split('\n').filter((l) => /●|FAIL|Tests:|error/.test(l)).slice(0, 40).join('\n')}\n`);
    return { seconds: (performance.now() - start) / 1000, peakBytes: peak, tempEntries: readdirSync(tmp).length, passed: code === 0 };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** What a fresh clone has not got: the plan cache, jest's cache, the type-check stamp and tsbuildinfo. */
function forgetCaches(): void {
  for (const dir of ['results', 'jest', 'typecheck.stamp']) rmSync(path.join(CACHE_ROOT, dir), { recursive: true, force: true });
  rmSync(path.join(PROJECT_ROOT, 'dist', '.tsbuildinfo'), { force: true });
}

interface Row {
  readonly what: string;
  readonly value: string;
  readonly floor?: string;
  readonly ratio?: string;
  readonly goal: string;
  readonly ok: boolean;
}

export const command = defineCommand({
  name: 'bench',
  summary: 'Time npm run synth, npx cdktf synth and npm test against their floors in one run on this machine (docs/performance.md).',
  options: {
    runs: { type: 'string', value: '<n>', description: 'synth rounds to take the median of (default 5)' },
    json: { type: 'boolean', description: 'every sample and the machine as JSON' },
    'no-test': { type: 'boolean', description: 'skip timing npm test' },
    cold: { type: 'boolean', description: 'also time npm test as in a fresh clone (caches removed, rebuilt by that run)' },
  },
});

export function cli(argv: readonly string[]): Promise<number> {
  return execute(command, argv, ({ values }) => {
    const runs = Number(values.runs ?? 5);
    if (!Number.isInteger(runs) || runs < 1) throw new UsageError(`--runs must be a whole number of at least 1 (got ${values.runs})`);
    return bench(runs, values);
  });
}

async function bench(runs: number, options: { json?: boolean; 'no-test'?: boolean; cold?: boolean }): Promise<number> {
  const json = options.json === true;
  const log = (line: string) => {
    if (!json) process.stderr.write(`${line}\n`);
  };
  const env = { ...process.env, CHECKPOINT_DISABLE: '1' };
  const machine = {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGB: Number((os.totalmem() / 1024 ** 3).toFixed(1)),
    node: process.version,
    loadBefore: os.loadavg().map((l) => Number(l.toFixed(2))),
  };
  const date = new Date().toISOString();

  // Warm-up: builds if needed, so every timed run has unchanged sources.
  timeCommand('npm run --silent synth', env);
  const times: Record<'npmSynth' | 'app' | 'cdktf' | 'cdktfFloor', number[]> = { npmSynth: [], app: [], cdktf: [], cdktfFloor: [] };
  for (let i = 0; i < runs; i++) {
    log(`synth round ${i + 1}/${runs}`);
    times.app.push(timeCommand('node dist/main.js', env));
    times.npmSynth.push(timeCommand('npm run --silent synth', env));
    times.cdktfFloor.push(timeCommand('npx cdktf synth --app "node dist/main.js"', env));
    times.cdktf.push(timeCommand('npx cdktf synth', env));
  }
  const appRss = appMaxRss();
  const m = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)])) as Record<keyof typeof times, number>;

  const test = options['no-test'] ? undefined : (log('npm test (warm)'), await timeNpmTest(env));
  const cold = options.cold ? (log('npm test (cold: caches removed)'), forgetCaches(), await timeNpmTest(env)) : undefined;
  const loadAfter = os.loadavg().map((l) => Number(l.toFixed(2)));

  const s = (seconds: number) => `${seconds.toFixed(2)} s`;
  const rows: Row[] = [
    { what: 'npm run synth', value: s(m.npmSynth), floor: `node dist/main.js: ${s(m.app)}`, ratio: `${(m.npmSynth / m.app).toFixed(2)}x`, goal: '<= 2.5x', ok: m.npmSynth / m.app <= 2.5 },
    {
      what: 'npx cdktf synth',
      value: s(m.cdktf),
      floor: `npx cdktf synth --app "node dist/main.js": ${s(m.cdktfFloor)}`,
      ratio: `${(m.cdktf / m.cdktfFloor).toFixed(2)}x`,
      goal: '<= 1.25x',
      ok: m.cdktf / m.cdktfFloor <= 1.25,
    },
    { what: 'app synth memory (max RSS)', value: `${(appRss / MB).toFixed(0)} MB`, goal: '< 150 MB', ok: appRss < 150 * MB },
  ];
  for (const [label, run, limit] of [
    ['npm test (warm caches)', test, 60],
    ['npm test (fresh-clone caches)', cold, 75],
  ] as const) {
    if (!run) continue;
    rows.push({ what: label, value: `${s(run.seconds)}${run.passed ? '' : ' (FAILED)'}`, goal: `<= ${limit} s`, ok: run.passed && run.seconds <= limit });
    if (run.peakBytes !== undefined) rows.push({ what: `${label}: peak memory`, value: `${(run.peakBytes / MB).toFixed(0)} MB`, goal: '< 1.5 GB', ok: run.peakBytes < 1536 * MB });
    rows.push({ what: `${label}: entries left in TMPDIR`, value: String(run.tempEntries), goal: '0', ok: run.tempEntries === 0 });
  }

  const result = { date, machine: { ...machine, loadAfter }, runs, medians: m, samples: times, appMaxRssBytes: appRss, test, cold, rows };
  if (json) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } else {
    const width = terminalWidth();
    const { table, push } = fittedTable(['what', 'median', 'floor (same run)', 'ratio', 'goal', 'ok'], [40, 10, 50, 7, 10, 5], width, [1, 3, 4, 5], true);
    for (const r of rows) push([r.what, r.value, r.floor ?? '', r.ratio ?? '', r.goal, r.ok ? 'yes' : 'NO']);
    const missed = rows.filter((r) => !r.ok).map((r) => r.what);
    const verdict = missed.length === 0 ? `Every goal met (${rows.length}).` : `${missed.length} of ${rows.length} goals missed: ${missed.join('; ')}.`;
    const machineLine =
      `${date}: ${machine.cpus} cores (${machine.cpuModel}), ${machine.memoryGB} GB, Node ${machine.node}; ` +
      `load average ${machine.loadBefore.join(' ')} before, ${loadAfter.join(' ')} after; medians of ${runs} runs`;
    process.stdout.write(`${[...wrap(verdict, width, '  '), ...wrap(machineLine, width, '  '), table.toString()].join('\n')}\n`);
  }
  return rows.every((r) => r.ok) ? 0 : 1;
}
