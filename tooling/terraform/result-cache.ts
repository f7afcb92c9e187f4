/**
 * A content-addressed cache for slow, deterministic results (offline Terraform plans).
 *
 * A result is stored under the SHA-256 of everything it was computed from, so a hit can only
 * return what the same inputs produced before: there is no invalidation to forget. A fresh
 * clone has no cache and computes everything. The cache lives in the git-ignored .cache/ folder
 * of the project; OMC_RESULT_CACHE=0 turns it off (to measure, or to rule it out).
 */
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../lib/project-root';

/** The project's git-ignored cache folder (results, Terraform plugins, jest's cache, the type-check stamp). */
export const CACHE_ROOT = path.join(PROJECT_ROOT, '.cache');
const RESULTS_DIR = path.join(CACHE_ROOT, 'results');
/** Entries kept; the least recently used beyond this are removed when one is added. */
const KEEP = 100;

export function resultCacheEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.OMC_RESULT_CACHE !== '0';
}

/** Hash of a folder's files (relative paths and contents, in a stable order), skipping names `skip` accepts. */
export function hashFolder(dir: string, skip: (name: string) => boolean = () => false): string {
  const hash = createHash('sha256');
  const walk = (current: string): void => {
    for (const name of readdirSync(current).sort()) {
      if (skip(name)) continue;
      const full = path.join(current, name);
      const stat = lstatSync(full);
      if (stat.isDirectory()) walk(full);
      else if (stat.isFile()) hash.update(`${path.relative(dir, full)}\0`).update(readFileSync(full)).update('\0');
    }
  };
  walk(dir);
  return hash.digest('hex');
}

/** SHA-256 of one file's contents, hex. */
export function hashFile(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** A key for a result: the SHA-256 of its inputs, given as JSON-serializable parts. */
export function cacheKey(...parts: unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

function prune(): void {
  const entries = readdirSync(RESULTS_DIR)
    .filter((name) => name.endsWith('.json'))
    .map((name) => ({ file: path.join(RESULTS_DIR, name), used: statSync(path.join(RESULTS_DIR, name)).mtimeMs }))
    .sort((a, b) => b.used - a.used);
  for (const { file } of entries.slice(KEEP)) rmSync(file, { force: true });
}

function readEntry<T>(file: string): T | undefined {
  if (!existsSync(file)) return undefined;
  const now = new Date();
  utimesSync(file, now, now);
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

function writeEntry<T>(file: string, result: T): T {
  mkdirSync(RESULTS_DIR, { recursive: true });
  // Written under a temporary name and renamed: a reader never sees half a file.
  const partial = `${file}.${process.pid}.partial`;
  writeFileSync(partial, JSON.stringify(result));
  renameSync(partial, file);
  prune();
  return result;
}

const entryFile = (key: string) => path.join(RESULTS_DIR, `${key}.json`);

/**
 * The result stored under `key`, or `compute()`'s, then stored (JSON). Errors are not stored.
 * With the cache off, just `compute()`.
 */
export async function cachedResult<T>(key: string, compute: () => Promise<T>): Promise<T> {
  if (!resultCacheEnabled()) return compute();
  return readEntry<T>(entryFile(key)) ?? writeEntry(entryFile(key), await compute());
}

/** `cachedResult` for a synchronous computation. */
export function cachedResultSync<T>(key: string, compute: () => T): T {
  if (!resultCacheEnabled()) return compute();
  return readEntry<T>(entryFile(key)) ?? writeEntry(entryFile(key), compute());
}
