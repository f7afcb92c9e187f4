/**
 * Temp folders for tests: `tempDir(prefix)` makes a new empty folder in the temp folder and
 * removes it after the test file's tests. Kept apart from helpers.ts so that files which do not
 * synthesize stacks need not load cdktf to use it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const tempDirs: string[] = [];
afterAll(() => tempDirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A new empty folder in the temp folder, removed after the test file's tests. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}
