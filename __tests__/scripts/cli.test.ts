/**
 * The npm commands: one table (scripts/commands.ts) that package.json follows exactly, one entry
 * (scripts/run.js) that builds once and dispatches the compiled ones, and one command-line
 * convention (scripts/cli.ts). Each compiled command defines itself once; `--help` prints the usage
 * generated from that definition and exits 0, an unknown option exits 2 with the usage line, and
 * environment or stack names are checked against the registry.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ENVIRONMENTS } from '../../environments';
import { BOOTSTRAP_NAME } from '../../environments/schema';
import { PROJECT_ROOT } from '../../lib/project-root';
import { defineCommand, execute, ENVIRONMENT_NAMES, parseCommand, synopsis, usage, UsageError } from '../../scripts/cli';
import * as table from '../../scripts/commands';
import { headline, shortUsage } from '../../scripts/help';
import { UNKNOWN_ENVIRONMENT } from '../support/unknown-environment';

const { COMMANDS, GROUPS, loadCommand, RUNNER, scriptOf } = table;
const PACKAGE = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
const COMPILED = COMMANDS.filter((c): c is table.CompiledCommand => 'module' in c);

// Plain JavaScript, loaded as npm runs it; given the table from source and no build.
const run = require('../../scripts/run') as {
  main: (argv: string[], options: { build?: () => number; table?: () => typeof table; out?: (t: string) => void; err?: (t: string) => void }) => Promise<number>;
};

describe('the command table', () => {
  it('is package.json\'s scripts: the same names, each with the line the table gives', () => {
    expect(Object.keys(PACKAGE.scripts).sort()).toEqual(COMMANDS.map((c) => c.name).sort());
    expect(COMMANDS.filter((c) => PACKAGE.scripts[c.name] !== scriptOf(c)).map((c) => [c.name, PACKAGE.scripts[c.name], scriptOf(c)])).toEqual([]);
  });

  it('runs every compiled command through the one entry, and builds nowhere else', () => {
    expect(COMPILED.length).toBeGreaterThanOrEqual(18);
    for (const c of COMPILED) expect(PACKAGE.scripts[c.name]).toBe(`${RUNNER} ${c.name}`);
    expect(Object.values(PACKAGE.scripts).filter((line) => /fresh-build|dist\//.test(line))).toEqual([]);
  });

  it('names each command once, in a group of help', () => {
    expect(new Set(COMMANDS.map((c) => c.name)).size).toBe(COMMANDS.length);
    expect(COMMANDS.filter((c) => !GROUPS.some((g) => g.id === c.group)).map((c) => c.name)).toEqual([]);
  });
});

describe('scripts/run.js, the one entry', () => {
  const call = async (argv: string[], build = () => 0) => {
    let out = '';
    let err = '';
    let built = 0;
    const code = await run.main(argv, { build: () => (built++, build()), table: () => table, out: (t) => (out += t), err: (t) => (err += t) });
    return { code, out, err, built };
  };

  it('builds, then runs the named command on the rest of the arguments', async () => {
    let built = 0;
    const { code, out, err } = await capture(() => run.main(['check', '--help'], { build: () => (built++, 0), table: () => table }));
    expect({ code, err, built }).toEqual({ code: 0, err: '', built: 1 });
    expect(out.startsWith('usage: npm run check')).toBe(true);
  });

  it('stops with the exit code of a failed build, before loading a command', async () => {
    expect(await call(['check'], () => 2)).toEqual({ code: 2, out: '', err: '', built: 1 });
  });

  it('refuses an unknown command, or one package.json runs otherwise, with exit code 2 and the commands', async () => {
    for (const name of ['no-such-command', 'synth']) {
      const { code, err } = await call([name]);
      expect(code).toBe(2);
      expect(err).toMatch(new RegExp(`^unknown command "${name}": the commands run through scripts/run.js are docs, `));
    }
  });

  it('prints help without a command, and needs no build for it', async () => {
    const { code, out, built } = await call([]);
    expect({ code, built }).toEqual({ code: 0, built: 0 });
    expect(out).toBe(readFileSync(path.join(PROJECT_ROOT, 'help'), 'utf8'));
  });
});

describe('help and the README, from the table', () => {
  it('show a command by its usage without the optional options, and the first sentence of its summary', () => {
    const command = defineCommand({
      name: 'demo',
      summary: 'Plan a stack (offline; no account): the verdict first. Then the rest.',
      positionals: [{ name: 'stack', description: 'a stack' }],
      options: { state: { type: 'string', value: '<file>', required: true, description: 'a file' }, all: { type: 'boolean', description: 'all' } },
    });
    expect(shortUsage(command)).toBe('npm run demo -- <stack> --state <file> [options]');
    expect(headline(command.summary)).toBe('Plan a stack (offline; no account).');
    expect(headline('Rebuild it from the file, offline')).toBe('Rebuild it from the file, offline.');
  });
});

/** Runs `cli` with stdout and stderr captured. */
async function capture(run: () => Promise<number>): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation((t: string | Uint8Array) => ((out += String(t)), true));
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation((t: string | Uint8Array) => ((err += String(t)), true));
  try {
    return { code: await run(), out, err };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
}

describe('every compiled npm command', () => {
  describe.each(COMPILED.map((c) => [c.name, c] as const))('npm run %s', (script, c) => {
    const definition = () => loadCommand(c).command;

    it('is defined once, under its npm name', () => {
      expect(definition().name).toBe(script);
      expect(definition().summary.length).toBeGreaterThan(20);
    });

    it.each([['--help'], ['-h']])('answers %s with the usage and exit code 0', async (flag) => {
      const { code, out, err } = await capture(() => loadCommand(c).cli([flag]));
      expect({ code, err }).toEqual({ code: 0, err: '' });
      expect(out.startsWith(`usage: npm run ${script}`)).toBe(true);
      for (const name of Object.keys(definition().options ?? {})) expect(out).toContain(`--${name}`);
      expect(out).toContain('-h, --help');
      expect(Math.max(...out.split('\n').map((l) => l.length))).toBeLessThanOrEqual(120);
    });

    it('refuses an unknown option with exit code 2 and the usage line, before doing anything', async () => {
      const { code, out, err } = await capture(() => loadCommand(c).cli(['--no-such-option']));
      expect({ code, out }).toEqual({ code: 2, out: '' });
      expect(err.split('\n').slice(0, 2)).toEqual([`${script}: unknown option --no-such-option`, expect.stringMatching(new RegExp(`^usage: npm run ${script}\\b`))]);
    });
  });
});

describe('the shared parser', () => {
  const command = defineCommand({
    name: 'demo',
    summary: 'A command to test the parser with.',
    positionals: [
      { name: 'environment', description: 'an environment', choices: ENVIRONMENT_NAMES },
      { name: 'more', description: 'more names', optional: true, variadic: true },
    ],
    options: {
      state: { type: 'string', value: '<file>', required: true, description: 'a file' },
      all: { type: 'boolean', short: 'a', description: 'everything' },
    },
  });
  const environment = Object.keys(ENVIRONMENTS)[0];
  const refusal = (argv: string[]) =>
    parseCommand(command, argv).then(
      () => 'accepted',
      (e: Error) => (e instanceof UsageError ? e.message : `not a usage error: ${e.message}`),
    );

  it('gives the options and the positionals by name', async () => {
    const parsed = await parseCommand(command, [environment, 'x', 'y', '--state', 's.tfstate', '-a']);
    expect(parsed).toEqual({ values: { state: 's.tfstate', all: true }, args: { environment, more: 'x' }, positionals: [environment, 'x', 'y'] });
  });

  it('refuses what does not fit the definition, in words', async () => {
    expect(await refusal(['--state', 's'])).toBe('missing <environment>');
    expect(await refusal([environment])).toBe('--state <file> is required');
    expect(await refusal([environment, '--state'])).toBe('--state needs a value');
    expect(await refusal([environment, '--state', 's', '--all=yes'])).toBe('--all takes no value');
    expect(await refusal([environment, '--state', 's', '--colour'])).toBe('unknown option --colour');
    expect(await refusal([UNKNOWN_ENVIRONMENT, '--state', 's'])).toBe(`unknown environment "${UNKNOWN_ENVIRONMENT}": the environments are ${Object.keys(ENVIRONMENTS).join(', ')} (environments/index.ts)`);
  });

  it('checks stack names against the environments and the bootstrap stack', async () => {
    const { STACK_NAMES } = await import('../../scripts/cli');
    expect(await STACK_NAMES.names()).toEqual([...Object.keys(ENVIRONMENTS), BOOTSTRAP_NAME]);
  });

  it('generates the usage from the definition, fitted to the width', () => {
    expect(synopsis(command)).toBe('npm run demo -- <environment> [<more>...] --state <file> [--all]');
    const text = usage(command, 60);
    expect(text.split('\n').slice(0, 3)).toEqual(['usage: npm run demo -- <environment> [<more>...] --state', '         <file> [--all]', '']);
    expect(text).toContain('  --state <file>  a file (required)\n');
    expect(text).toContain('  -a, --all       everything\n');
    expect(Math.max(...text.split('\n').map((l) => l.length))).toBeLessThanOrEqual(60);
  });

  it('answers --help before checking anything, and turns any other error into its message and exit code 1', async () => {
    const out: string[] = [];
    const io = { out: (t: string) => out.push(t), err: (t: string) => out.push(t) };
    expect(await execute(command, ['qa', '--colour', '--help'], () => 0, io)).toBe(0);
    expect(out.join('')).toMatch(/^usage: npm run demo/);
    out.length = 0;
    expect(
      await execute(
        command,
        [environment, '--state', 's'],
        () => {
          throw new Error('the state file is empty');
        },
        io,
      ),
    ).toBe(1);
    expect(out).toEqual(['the state file is empty\n']);
  });
});
