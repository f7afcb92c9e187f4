/**
 * What the npm commands share: one command-line convention, from one declarative definition per
 * command (name, summary, positionals, options with descriptions), parsed by `node:util`
 * `parseArgs`:
 *
 *  - `--help` / `-h` prints the usage generated from the definition and exits 0;
 *  - an unknown option, a missing or extra argument, or an environment/stack name the registry
 *    (environments/index.ts) does not hold exits 2 with the reason and the usage line;
 *  - any other error is printed as its message only (no stack trace) and exits 1.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BOOTSTRAP_NAME, ENVIRONMENTS } from '../environments';
import { terminalWidth, wrap } from '../lib/terminal';

import { PROJECT_ROOT } from '../lib/project-root';

export { PROJECT_ROOT };

export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  /** One-letter alias, e.g. `a` for `-a`. */
  readonly short?: string;
  /** Placeholder of a string option's value in the usage, e.g. `<file>`. @default <value> */
  readonly value?: string;
  readonly description: string;
  /** The command cannot run without it. @default false */
  readonly required?: boolean;
}

export interface PositionalSpec {
  /** Its name in the usage, e.g. `environment` for `<environment>`. */
  readonly name: string;
  readonly description: string;
  /** @default false */
  readonly optional?: boolean;
  /** Takes every remaining argument (the last positional only). @default false */
  readonly variadic?: boolean;
  /** The names allowed (from a registry, never a hand list), checked before the command runs. */
  readonly choices?: Choices;
}

/** A registry the names of a positional must come from, and what a name of it is called. */
export interface Choices {
  readonly noun: string;
  readonly names: () => readonly string[] | Promise<readonly string[]>;
  /** Where the registry is, for the message. */
  readonly source: string;
}

export interface Command<O extends Record<string, OptionSpec> = Record<string, OptionSpec>> {
  /** The npm script, e.g. `migrate:check`. */
  readonly name: string;
  readonly summary: string;
  readonly positionals?: readonly PositionalSpec[];
  readonly options?: O;
  /** Lines after the options: examples, exit codes. */
  readonly notes?: readonly string[];
}

/** The parsed command line: options by name, positionals by name (a variadic one as a list). */
export interface Parsed<O extends Record<string, OptionSpec>> {
  readonly values: { [K in keyof O]?: O[K]['type'] extends 'boolean' ? boolean : string };
  readonly args: Record<string, string | undefined>;
  /** Every positional given, in order (a variadic one's values at the end). */
  readonly positionals: string[];
}

/** A wrong command line: exit code 2 with the message and the usage. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The environments (environments/index.ts). */
export const ENVIRONMENT_NAMES: Choices = { noun: 'environment', names: () => Object.keys(ENVIRONMENTS), source: 'environments/index.ts' };

/** The stacks: one per environment, and bootstrap. */
export const STACK_NAMES: Choices = { noun: 'stack', names: () => [...Object.keys(ENVIRONMENTS), BOOTSTRAP_NAME], source: 'environments/index.ts, and bootstrap' };

/** `--dir`: the synth output folder, for the commands that read synthesized stacks. */
export const SYNTH_DIR_OPTION = { type: 'string', value: '<dir>', description: 'the synth output folder (default cdktf.out)' } as const;

/** The synth output folder `--dir` names, or cdktf.out. */
export function synthDir(dir: string | undefined): string {
  return path.resolve(dir ?? path.join(PROJECT_ROOT, 'cdktf.out'));
}

/** Declares a command (keeps the option names typed). */
export function defineCommand<O extends Record<string, OptionSpec>>(command: Command<O>): Command<O> {
  return command;
}

const HELP: OptionSpec = { type: 'boolean', short: 'h', description: 'print this help and exit' };

function optionLabel(name: string, o: OptionSpec): string {
  const long = `--${name}${o.type === 'string' ? ` ${o.value ?? '<value>'}` : ''}`;
  return o.short ? `-${o.short}, ${long}` : long;
}

function positionalLabel(p: PositionalSpec): string {
  return `<${p.name}>${p.variadic ? '...' : ''}`;
}

/** The one-line synopsis, e.g. `npm run migrate:check -- <environment> --state <file> [--json]`. */
export function synopsis(command: Command): string {
  const parts = (command.positionals ?? []).map((p) => (p.optional ? `[${positionalLabel(p)}]` : positionalLabel(p)));
  for (const [name, o] of Object.entries(command.options ?? {})) {
    const label = `--${name}${o.type === 'string' ? ` ${o.value ?? '<value>'}` : ''}`;
    parts.push(o.required ? label : `[${label}]`);
  }
  return `npm run ${command.name}${parts.length ? ` -- ${parts.join(' ')}` : ''}`;
}

/** The usage text of a command, fitted to `width` columns. */
export function usage(command: Command, width = terminalWidth()): string {
  const rows: [string, string][] = [
    ...(command.positionals ?? []).map((p): [string, string] => [positionalLabel(p), p.description]),
    ...Object.entries({ ...command.options, help: HELP }).map(([name, o]): [string, string] => [optionLabel(name, o), `${o.description}${o.required ? ' (required)' : ''}`]),
  ];
  const labelWidth = Math.min(Math.max(...rows.map(([l]) => l.length)) + 2, 30);
  const lines = [...wrap(`usage: ${synopsis(command)}`, width, '         '), '', ...wrap(command.summary, width), ''];
  const indent = ' '.repeat(labelWidth + 2);
  for (const [label, description] of rows) {
    const text = wrap(description, width - indent.length).map((l) => `${indent}${l}`);
    if (label.length + 2 > labelWidth) lines.push(`  ${label}`, ...text);
    else lines.push(`  ${label.padEnd(labelWidth)}${text[0].trimStart()}`, ...text.slice(1));
  }
  if (command.notes?.length) lines.push('', ...command.notes.flatMap((n) => wrap(n, width, '  ')));
  return `${lines.join('\n')}\n`;
}

/** True when the command line asks for help (before a `--` end of options). */
function asksForHelp(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).some((a) => a === '--help' || a === '-h');
}

/** parseArgs' messages, shortened to what the user typed. */
function parseError(e: unknown): UsageError {
  const { code, message } = e as { code?: string; message: string };
  const quoted = /'([^']+)'/.exec(message)?.[1];
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return new UsageError(`unknown option ${quoted}`);
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    // e.g. "Option '-a, --all' does not take an argument", "Option '--state <value>' argument missing"
    const name = quoted?.split(', ').pop()?.split(' ')[0] ?? 'an option';
    return new UsageError(`${name} ${/missing/.test(message) ? 'needs a value' : 'takes no value'}`);
  }
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') return new UsageError(`unexpected argument ${quoted}`);
  return new UsageError(message.split('\n')[0]);
}

/** Throws a UsageError naming the allowed names when `value` is not one of `choices`. */
export async function checkName(value: string, choices: Choices): Promise<void> {
  const names = await choices.names();
  if (!names.includes(value)) {
    throw new UsageError(`unknown ${choices.noun} "${value}": the ${choices.noun}s are ${names.join(', ')} (${choices.source})`);
  }
}

/** Parses `argv` by the definition; throws UsageError for a wrong command line. */
export async function parseCommand<O extends Record<string, OptionSpec>>(command: Command<O>, argv: readonly string[]): Promise<Parsed<O>> {
  const options = Object.fromEntries(Object.entries(command.options ?? {}).map(([name, o]) => [name, { type: o.type, ...(o.short ? { short: o.short } : {}) }]));
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (e) {
    throw parseError(e);
  }
  const specs = command.positionals ?? [];
  const args: Record<string, string | undefined> = {};
  const given = [...parsed.positionals];
  for (const p of specs) {
    if (given.length === 0) {
      if (!p.optional) throw new UsageError(`missing ${positionalLabel(p)}`);
      continue;
    }
    const taken = p.variadic ? given.splice(0) : given.splice(0, 1);
    if (p.choices) for (const value of taken) await checkName(value, p.choices);
    args[p.name] = taken[0];
  }
  if (given.length > 0) throw new UsageError(`unexpected argument${given.length > 1 ? 's' : ''} ${given.map((g) => `"${g}"`).join(', ')}`);
  for (const [name, o] of Object.entries(command.options ?? {})) {
    if (o.required && parsed.values[name] === undefined) throw new UsageError(`--${name} ${o.value ?? '<value>'} is required`);
  }
  return { values: parsed.values as Parsed<O>['values'], args, positionals: parsed.positionals };
}

/** Where a command writes: its report, and its messages and progress. */
export interface Io {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

/** The process's stdout and stderr (text written as given: end lines yourself). */
export const STDIO: Io = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };

/**
 * Runs a command on `argv` by the convention; returns the exit code: 0 after `--help`, 2 for a
 * wrong command line (message and usage line on stderr), 1 with the message of any other error, else
 * what `run` returns.
 */
export async function execute<O extends Record<string, OptionSpec>>(
  command: Command<O>,
  argv: readonly string[],
  run: (parsed: Parsed<O>) => number | Promise<number>,
  io: Io = STDIO,
): Promise<number> {
  if (asksForHelp(argv)) {
    io.out(usage(command));
    return 0;
  }
  try {
    return await run(await parseCommand(command, argv));
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`${command.name}: ${e.message}\n${wrap(`usage: ${synopsis(command)}`, terminalWidth(), '         ').join('\n')}\n(--help describes each argument)\n`);
      return 2;
    }
    io.err(`${(e as Error).message}\n`);
    return 1;
  }
}
