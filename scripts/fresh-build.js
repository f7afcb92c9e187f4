/**
 * Compiles the project (tsc -p tsconfig.build.json, which type-checks) only when a source
 * changed since the last successful build, so an unchanged tree costs a few milliseconds
 * instead of a full type-check. npm test uses the same check for its `tsc --noEmit`
 * (scripts/test.js).
 *
 * Plain JavaScript on purpose: it must run before anything is compiled.
 *
 * "Changed" is decided by content, not by time: a SHA-256 over every file the build reads
 * from the project (the sources named by the tsconfig `include` patterns, both tsconfig files,
 * package-lock.json and node_modules/.package-lock.json, so a dependency upgrade rebuilds too)
 * is compared with the one stored in dist/.build-stamp after the last successful build. A fresh
 * clone has no stamp and builds; a run of tsc removes the stamp first and a failed one writes
 * none, so the next run type-checks again (and prints tsc's message again), even after the
 * change is undone: tsc emits despite errors, so dist/ no longer matches the old sources.
 *
 *   node scripts/fresh-build.js          # build if stale; exit code of tsc
 */
'use strict';
const { spawnSync } = require('node:child_process');
const { createHash } = require('node:crypto');
const { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const BUILD_CONFIG = 'tsconfig.build.json';
const STAMP = path.join(ROOT, 'dist', '.build-stamp');
/** What the build output must contain for the stamp to be believed. */
const OUTPUT = path.join(ROOT, 'dist', 'main.js');

function readJson(file) {
  // tsconfig files may hold comments; ours do not, and an unreadable one just means "run tsc".
  return JSON.parse(readFileSync(path.join(ROOT, file), 'utf8'));
}

/** The tsconfig chain's `include` patterns (the nearest config that sets them wins, as in tsc). */
function includePatterns(configFile) {
  const config = readJson(configFile);
  if (config.include) return config.include;
  return config.extends ? includePatterns(config.extends) : ['**/*.ts'];
}

function walk(dir, suffix, out) {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full, suffix, out);
    else if (entry.name.endsWith(suffix)) out.push(full);
  }
}

/**
 * Every file the build depends on, sorted. Patterns are `file.ts` or `dir/**\/*.ts`; anything else
 * returns undefined (the caller then always builds, which is slow but never stale).
 */
function buildInputs(configFile = BUILD_CONFIG) {
  const files = [configFile, 'tsconfig.json', 'package-lock.json', 'node_modules/.package-lock.json'].map((f) => path.join(ROOT, f));
  let patterns;
  try {
    patterns = includePatterns(configFile);
  } catch {
    return undefined;
  }
  for (const pattern of patterns) {
    const tree = /^(.+)\/\*\*\/\*(\.[a-z]+)$/.exec(pattern);
    if (tree) walk(path.join(ROOT, tree[1]), tree[2], files);
    else if (!pattern.includes('*')) files.push(path.join(ROOT, pattern));
    else return undefined;
  }
  return [...new Set(files)].sort();
}

/** SHA-256 over the inputs' relative paths and contents (a missing file counts as such). */
function fingerprint(files) {
  const hash = createHash('sha256');
  for (const file of files) {
    hash.update(`${path.relative(ROOT, file)}\0`);
    hash.update(existsSync(file) ? readFileSync(file) : '<missing>');
    hash.update('\0');
  }
  return hash.digest('hex');
}

/** True when the stamp holds `digest` and the outputs it vouches for exist. */
function isFresh(digest, stamp, outputs) {
  if (digest === undefined || !existsSync(stamp) || !outputs.every((f) => existsSync(f))) return false;
  return readFileSync(stamp, 'utf8').trim() === digest;
}

/**
 * Runs tsc with `args` on `project` unless the sources are exactly those of its last successful
 * run (recorded in `stamp`, next to `outputs` that must still exist). Returns undefined when
 * nothing had to run, else a function that starts tsc (`spawn` options given) and records the
 * stamp when it succeeds.
 */
function tscIfStale({ project, args = [], stamp, outputs = [] }) {
  const inputs = buildInputs(project);
  const digest = inputs && fingerprint(inputs);
  if (isFresh(digest, stamp, outputs)) return undefined;
  const tsc = require.resolve('typescript/bin/tsc', { paths: [ROOT] });
  const command = [tsc, '-p', project, ...args];
  // tsc emits even when it reports errors, so the outputs no longer match the old stamp.
  rmSync(stamp, { force: true });
  // Written only after a clean run, from the digest taken before it: an edit made during the
  // run leaves a stamp that no longer matches, so the next run checks again.
  const record = (code) => {
    if (code === 0 && digest !== undefined) {
      mkdirSync(path.dirname(stamp), { recursive: true });
      writeFileSync(stamp, `${digest}\n`);
    }
    return code;
  };
  return { command, record };
}

/**
 * Removes what dist/ holds for sources that no longer exist: tsc never deletes the output of a
 * removed or moved file, and a stale `dist/x.js` would still be found by `require('./x')` (before a
 * new `x/index.js`), so a deleted module could keep running.
 */
function pruneOrphans(root = ROOT, dir = path.join(root, 'dist')) {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      pruneOrphans(root, full);
      if (readdirSync(full).length === 0) rmSync(full, { recursive: true });
      continue;
    }
    const compiled = /^(.*)\.(js|js\.map|d\.ts|d\.ts\.map)$/.exec(entry.name);
    if (!compiled) continue;
    const source = path.join(root, path.relative(path.join(root, 'dist'), dir), `${compiled[1]}.ts`);
    if (!existsSync(source)) rmSync(full);
  }
}

/**
 * Builds dist/ when stale. Returns 0 when it is up to date (built now or before), otherwise tsc's
 * exit code; tsc's diagnostics go to this process's stdout/stderr.
 */
function ensureBuilt() {
  const stale = tscIfStale({ project: BUILD_CONFIG, stamp: STAMP, outputs: [OUTPUT] });
  if (!stale) return 0;
  const run = spawnSync(process.execPath, stale.command, { cwd: ROOT, stdio: 'inherit' });
  if (run.status === 0) pruneOrphans();
  return stale.record(run.status ?? 1);
}

module.exports = { ensureBuilt, pruneOrphans, tscIfStale, ROOT };

if (require.main === module) process.exitCode = ensureBuilt();
