/**
 * `npm run check [-- <stack> ...] [--all]`: builds every stack in memory, runs the security and
 * data-protection policy on each and prints the verdict and each stack's counts first, then per
 * stack what needs attention (failures, warnings, exceptions); `--all` lists the passes too. Exits
 * 1 when any error-level rule fails (or the environment settings are invalid), 0 otherwise.
 */
import { buildConfiguredApp, InvalidEnvironmentsError, type ConfiguredAppOptions } from '../environments/load';
import { policyCheckedStacks } from '../stacks/app';
import { checkStackPolicy } from '../lib/policy/engine';
import { renderReport, summarize } from '../lib/policy/report';
import { terminalWidth, wrap } from '../lib/terminal';
import { defineCommand, execute, STACK_NAMES } from './cli';

export const command = defineCommand({
  name: 'check',
  summary:
    'The security and data-protection policy of every stack (or the named ones): the verdict and counts first, then the failures, warnings and exceptions of each stack. Exit 1 on an error-level failure. Exceptions: policyExceptions in environments/<env>.ts, or exceptPolicy() next to the construct.',
  positionals: [{ name: 'stack', description: 'only these stacks (default every stack)', optional: true, variadic: true, choices: STACK_NAMES }],
  options: { all: { type: 'boolean', description: 'list every result, passes included' } },
});

/** Runs the check; returns the exit code. */
export function runPolicyCheck(
  stackNames: readonly string[],
  out: (text: string) => void,
  err: (text: string) => void,
  app: ConfiguredAppOptions = {},
  options: { all?: boolean; width?: number } = {},
): number {
  const width = options.width ?? terminalWidth();
  let stacks;
  try {
    stacks = policyCheckedStacks(buildConfiguredApp(app));
  } catch (e) {
    if (!(e instanceof InvalidEnvironmentsError)) throw e;
    err(`Policy check refused: invalid environment settings.\n\n${e.message}`);
    return 1;
  }
  const unknown = stackNames.filter((name) => !stacks.some((s) => s.node.id === name));
  if (unknown.length > 0) {
    err(`Unknown stack(s) ${unknown.join(', ')}; the stacks are ${stacks.map((s) => s.node.id).join(', ')}`);
    return 2;
  }
  const reports = stacks.filter((s) => stackNames.length === 0 || stackNames.includes(s.node.id)).map((s) => checkStackPolicy(s, s.policy));
  const failed = reports.filter((r) => r.errors.length > 0);
  const verdict =
    failed.length > 0
      ? `Policy check FAILED: error-level findings in ${failed.map((r) => `${r.stack} (${r.errors.length})`).join(', ')}.`
      : `Policy check passed: no error-level findings in ${reports.map((r) => r.stack).join(', ')}.`;
  out(wrap(verdict, width, '  ').join('\n'));
  out(reports.map((r) => `  ${r.stack}: ${summarize(r)}`).join('\n'));
  out(`\n${reports.map((r) => renderReport(r, { all: options.all, width })).join('\n\n')}`);
  return failed.length > 0 ? 1 : 0;
}

export function cli(argv: readonly string[]): Promise<number> {
  return execute(command, argv, ({ values, positionals }) =>
    runPolicyCheck(positionals, (t) => process.stdout.write(`${t}\n`), (t) => process.stderr.write(`${t}\n`), {}, { all: values.all }),
  );
}
