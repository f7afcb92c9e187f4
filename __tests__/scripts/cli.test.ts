/**
 * The one command-line convention of the npm commands (scripts/cli.ts; their table is tested in
 * commands.test.ts, their entry in run.test.ts). Each compiled command defines itself once; `--help` prints the usage
 * generated from that definition and exits 0, an unknown option exits 2 with the usage line, and
 * environment or stack names are checked against the registry.
 */
import { ENVIRONMENTS } from '../../environments';
import { BOOTSTRAP_NAME } from '../../environments/schema';
import { defineCommand, execute, ENVIRONMENT_NAMES, parseCommand, synopsis, usage, UsageError } from '../../scripts/cli';
import * as table from '../../scripts/commands';
import { capture } from '../support/capture';
import { UNKNOWN_ENVIRONMENT } from '../support/unknown-environment';

const { COMMANDS, loadCommand } = table;
const COMPILED = COMMANDS.filter((c): c is table.CompiledCommand => 'module' in c);

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
