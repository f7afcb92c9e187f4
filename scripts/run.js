/**
 * The one entry of the compiled npm commands: package.json runs each as
 *
 *   node scripts/run.js <command> [arguments]
 *
 * 1. Type-check and compile only if a source changed (scripts/fresh-build.js); a type error stops
 *    here with tsc's message and its exit code.
 * 2. Find <command> in the command table (scripts/commands.ts, compiled) and run its module's `cli`
 *    on the arguments, in this same process: the exit code is what it returns (0, 1, or 2 for a wrong
 *    command line), 1 with the message only (no stack trace) if it throws.
 *
 * Without a command it prints `help`; an unknown command exits 2 and names the commands.
 * Plain JavaScript on purpose: it must run before anything is compiled.
 */
'use strict';
const { readFileSync } = require('node:fs');
const path = require('node:path');
const { ensureBuilt, ROOT } = require('./fresh-build');

/** The command table, compiled (loaded after the build). */
function compiledTable() {
  return require(path.join(ROOT, 'dist', 'scripts', 'commands.js'));
}

/**
 * Runs `node scripts/run.js <name> [argv]`; returns the exit code. `build` and `table` are the
 * build step and the command table (the tests give the table from source and no build).
 */
async function main([name, ...argv], { build = ensureBuilt, table = compiledTable, out = (t) => process.stdout.write(t), err = (t) => process.stderr.write(t) } = {}) {
  if (name === undefined || name === '--help' || name === '-h') {
    out(readFileSync(path.join(ROOT, 'help'), 'utf8'));
    return 0;
  }
  const built = build();
  if (built !== 0) return built;
  const { COMMANDS, loadCommand } = table();
  const entry = COMMANDS.find((c) => c.name === name && c.module !== undefined);
  if (entry === undefined) {
    const names = COMMANDS.filter((c) => c.module !== undefined).map((c) => c.name);
    err(`unknown command "${name}": the commands run through scripts/run.js are ${names.join(', ')} (scripts/commands.ts)\n`);
    return 2;
  }
  return loadCommand(entry).cli(argv);
}

module.exports = { main };

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (e) => {
      process.stderr.write(`${e.message}\n`);
      process.exitCode = 1;
    },
  );
}
