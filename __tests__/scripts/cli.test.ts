/**
 * One command-line convention for every npm command (scripts/cli.ts): found by reading
 * package.json, not from a list. Each script that runs a compiled command defines it once; `--help`
 * prints the usage generated from that definition and exits 0, an unknown option exits 2 with the
 * usage line, and environment or stack names are checked against the registry.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ENVIRONMENTS } from '../../environments';
import { BOOTSTRAP_NAME } from '../../environments/schema';
import { PROJECT_ROOT } from '../../lib/project-root';
import { type Command, defineCommand, execute, ENVIRONMENT_NAMES, parseCommand, synopsis, usage, UsageError } from '../../scripts/cli';
import { UNKNOWN_ENVIRONMENT } from '../support/unknown-environment';

const PACKAGE = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };

interface NpmCommand {
  readonly script: string;
  /** The command's source module (scripts/docs.ts, cost/commands/estimate.ts, ...) and the arguments package.json passes before the user's. */
  readonly module: string;
  readonly fixed: string[];
}

/** Every npm script that runs a compiled command: `node dist/<module>.js [fixed args]`. */
const COMMANDS: NpmCommand[] = Object.entries(PACKAGE.scripts).flatMap(([script, line]) => {
  const m = /node dist\/([\w/-]+)\.js((?: [\w-]+)*)$/.exec(line);
  return m ? [{ script, module: m[1], fixed: m[2].trim().split(' ').filter(Boolean) }] : [];
});

interface ScriptModule {
  readonly cli: (argv: readonly string[]) => Promise<number>;
  readonly command?: Command;
  readonly commands?: Record<string, Command>;
}

function load(c: NpmCommand): ScriptModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(path.join(PROJECT_ROOT, c.module)) as ScriptModule;
}

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

describe('every npm command that runs a compiled script', () => {
  it('is found in package.json', () => {
    expect(COMMANDS.length).toBeGreaterThanOrEqual(18);
    expect(COMMANDS.map((c) => c.script)).toEqual(expect.arrayContaining(['migrate:check', 'check', 'cost', 'plan:offline', 'diagram', 'apply:plan']));
  });

  describe.each(COMMANDS.map((c) => [c.script, c] as const))('npm run %s', (script, c) => {
    const definition = () => {
      const mod = load(c);
      return c.fixed.length > 0 ? mod.commands?.[c.fixed[0]] : mod.command;
    };

    it('is defined once, under its npm name', () => {
      expect(definition()?.name).toBe(script);
      expect(definition()?.summary.length).toBeGreaterThan(20);
    });

    it.each([['--help'], ['-h']])('answers %s with the usage and exit code 0', async (flag) => {
      const { code, out, err } = await capture(() => load(c).cli([...c.fixed, flag]));
      expect({ code, err }).toEqual({ code: 0, err: '' });
      expect(out.startsWith(`usage: npm run ${script}`)).toBe(true);
      for (const name of Object.keys(definition()?.options ?? {})) expect(out).toContain(`--${name}`);
      expect(out).toContain('-h, --help');
      expect(Math.max(...out.split('\n').map((l) => l.length))).toBeLessThanOrEqual(120);
    });

    it('refuses an unknown option with exit code 2 and the usage line, before doing anything', async () => {
      const { code, out, err } = await capture(() => load(c).cli([...c.fixed, '--no-such-option']));
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
