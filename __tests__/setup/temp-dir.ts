/**
 * The temp folder of a test run: jest's global setup points TMPDIR (what os.tmpdir() returns, in
 * this process and in everything started after it: jest's workers, terraform, the scripts under
 * test) at a folder of its own inside the git-ignored .cache/, and the global teardown removes it.
 * Whatever a test leaves in the temp folder (cdktf's Testing.synth outdirs, a forgotten mkdtemp,
 * tests added later) is removed with it, and the system temp folder stays untouched.
 */
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { CACHE_ROOT } from '../../scripts/result-cache';

const TMP_ROOT = path.join(CACHE_ROOT, 'tmp');
const ORIGINAL_TMPDIR = 'OMC_ORIGINAL_TMPDIR';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Points TMPDIR at this run's own folder (once per run; the folder is named by this process id). */
export function useTestTempDir(): void {
  const runDir = path.join(TMP_ROOT, String(process.pid));
  if (process.env.TMPDIR === runDir) return;
  // Folders of runs that were killed before their teardown.
  for (const name of existsSync(TMP_ROOT) ? readdirSync(TMP_ROOT) : []) {
    if (!alive(Number(name))) rmSync(path.join(TMP_ROOT, name), { recursive: true, force: true });
  }
  mkdirSync(runDir, { recursive: true });
  process.env[ORIGINAL_TMPDIR] = process.env.TMPDIR ?? '';
  process.env.TMPDIR = runDir;
}

/** Removes this run's temp folder and restores TMPDIR. */
export function removeTestTempDir(): void {
  const runDir = path.join(TMP_ROOT, String(process.pid));
  if (process.env.TMPDIR !== runDir) return;
  rmSync(runDir, { recursive: true, force: true });
  const original = process.env[ORIGINAL_TMPDIR];
  if (original) process.env.TMPDIR = original;
  else delete process.env.TMPDIR;
  delete process.env[ORIGINAL_TMPDIR];
}

export default useTestTempDir;
