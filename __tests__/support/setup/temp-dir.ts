/**
 * The temp folder of a test run: jest's global setup points TMPDIR (what os.tmpdir() returns, in
 * this process and in everything started after it: jest's workers, terraform, the scripts under
 * test) at a folder of its own, omc-jest-<pid> in the system temp folder, and the global teardown
 * removes it. Whatever a test leaves in the temp folder (cdktf's Testing.synth outdirs, a forgotten
 * mkdtemp, tests added later) goes with it. The folder stays outside the project, as tests expect
 * of a temp folder.
 */
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const PREFIX = 'omc-jest-';
const ORIGINAL_TMPDIR = 'OMC_ORIGINAL_TMPDIR';

/** Whether a process with this id is running (one of another user's counts). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function runDir(systemTmp: string): string {
  return path.join(systemTmp, `${PREFIX}${process.pid}`);
}

/** Points TMPDIR at this run's own folder (once per run). */
export function useTestTempDir(): void {
  const systemTmp = process.env[ORIGINAL_TMPDIR] ?? os.tmpdir();
  const dir = runDir(systemTmp);
  if (process.env.TMPDIR === dir) return;
  // Folders of runs that were killed before their teardown.
  for (const name of readdirSync(systemTmp)) {
    if (name.startsWith(PREFIX) && !alive(Number(name.slice(PREFIX.length)))) rmSync(path.join(systemTmp, name), { recursive: true, force: true });
  }
  mkdirSync(dir, { recursive: true });
  process.env[ORIGINAL_TMPDIR] = systemTmp;
  process.env.TMPDIR = dir;
}

/** Removes this run's temp folder and restores TMPDIR. */
export function removeTestTempDir(): void {
  const systemTmp = process.env[ORIGINAL_TMPDIR];
  if (systemTmp === undefined || process.env.TMPDIR !== runDir(systemTmp)) return;
  rmSync(runDir(systemTmp), { recursive: true, force: true });
  process.env.TMPDIR = systemTmp;
  delete process.env[ORIGINAL_TMPDIR];
}

export default useTestTempDir;
