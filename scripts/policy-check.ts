/**
 * `npm run check [-- <stack> ...]`: builds every stack in memory, runs the security and
 * data-protection policy on each and prints one table per stack (rule, checkov id,
 * resource, result, detail or exception reason). Exits 1 when any error-level rule
 * fails (or the environment settings are invalid), 0 otherwise.
 */
import { buildConfiguredApp, InvalidEnvironmentsError, type ConfiguredAppOptions } from '../environments/load';
import { policyCheckedStacks } from '../stacks/app';
import { checkStackPolicy } from '../lib/policy/engine';
import { renderReport } from '../lib/policy/report';

/** Runs the check; returns the exit code. */
export function runPolicyCheck(
  stackNames: readonly string[],
  out: (text: string) => void,
  err: (text: string) => void,
  app: ConfiguredAppOptions = {},
): number {
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
  out(reports.map(renderReport).join('\n\n'));
  const failed = reports.filter((r) => r.errors.length > 0);
  if (failed.length > 0) {
    err(`\nPolicy check FAILED: error-level findings in ${failed.map((r) => `${r.stack} (${r.errors.length})`).join(', ')}.`);
    return 1;
  }
  out(`\nPolicy check passed: no error-level findings in ${reports.map((r) => r.stack).join(', ')}.`);
  return 0;
}

if (require.main === module) {
  process.exitCode = runPolicyCheck(
    process.argv.slice(2).filter((a) => !a.startsWith('-')),
    (t) => process.stdout.write(`${t}\n`),
    (t) => process.stderr.write(`${t}\n`),
  );
}
