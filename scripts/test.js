/**
 * npm test: the type check of the whole project (tsc --noEmit -p tsconfig.json, tests included)
 * and jest, at the same time instead of one after the other. Fails when either fails; tsc's
 * diagnostics are printed after jest's report. The type check is skipped when the sources are
 * byte for byte those of its last clean run (content hash in .cache/typecheck.stamp, see
 * scripts/fresh-build.js), so a fresh clone always type-checks.
 *
 *   npm test [-- <jest arguments>]
 */
'use strict';
const { spawn } = require('node:child_process');
const path = require('node:path');
const { ROOT, tscIfStale } = require('./fresh-build');

function run(args, options) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, ...options });
    const output = [];
    child.stdout?.on('data', (chunk) => output.push(chunk));
    child.stderr?.on('data', (chunk) => output.push(chunk));
    child.on('close', (code) => resolve({ code: code ?? 1, output: Buffer.concat(output).toString('utf8') }));
  });
}

async function main() {
  const typecheck = tscIfStale({ project: 'tsconfig.json', args: ['--noEmit'], stamp: path.join(ROOT, '.cache', 'typecheck.stamp') });
  const checked = typecheck
    ? run(typecheck.command, { stdio: ['ignore', 'pipe', 'pipe'] }).then((r) => ({ ...r, code: typecheck.record(r.code) }))
    : Promise.resolve({ code: 0, output: '' });
  const jest = run([require.resolve('jest/bin/jest', { paths: [ROOT] }), ...process.argv.slice(2)], { stdio: 'inherit' });
  const [tsc, tests] = await Promise.all([checked, jest]);
  if (tsc.code !== 0) process.stderr.write(`\n${tsc.output}\nType check failed (tsc --noEmit -p tsconfig.json, exit ${tsc.code}).\n`);
  return tests.code || tsc.code;
}

main().then((code) => (process.exitCode = code));
