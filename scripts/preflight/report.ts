/**
 * The pre-flight report: a summary line (the verdict), then every result in a table (cli-table3)
 * fitted to the terminal width.
 */
import { fittedTable, plural, terminalWidth, wrap } from '../../lib/terminal';
import type { CheckResult, Status } from './checks';

const LABEL: Record<Status, string> = { pass: 'PASS', fail: 'FAIL', warn: 'WARN', skip: 'SKIP' };

/** Counts per status. */
export function tally(results: readonly CheckResult[]): Record<Status, number> {
  const counts: Record<Status, number> = { pass: 0, fail: 0, warn: 0, skip: 0 };
  for (const r of results) counts[r.status] += 1;
  return counts;
}

/** Ready when no check failed; warnings and skipped items do not block. */
export function isReady(results: readonly CheckResult[]): boolean {
  return results.every((r) => r.status !== 'fail');
}

export function renderTable(results: readonly CheckResult[], width = terminalWidth()): string {
  // No colours: the report is read in CI logs as often as in a terminal. No rule between rows.
  const { table, push } = fittedTable(['Check', 'Result', 'Details'], [22, 8, 84], width, [0, 1], true);
  for (const r of results) push([r.check, LABEL[r.status], r.detail]);
  return table.toString();
}

/** The verdict with the counts and what to do next, wrapped to `width`. */
export function renderSummary(environment: string, results: readonly CheckResult[], width = terminalWidth()): string {
  return wrap(summaryText(environment, results), width, '  ').join('\n');
}

function summaryText(environment: string, results: readonly CheckResult[]): string {
  const n = tally(results);
  const counts = `${n.pass} passed, ${n.fail} failed, ${plural(n.warn, 'warning')}, ${n.skip} skipped`;
  if (isReady(results)) {
    return `${environment}: READY (${counts}). Next: npm run synth, then terraform init/plan/apply in cdktf.out/stacks/${environment}.`;
  }
  const failed = results.filter((r) => r.status === 'fail').map((r) => r.check);
  return `${environment}: NOT READY (${counts}). Fix: ${failed.join(', ')}; then run the check again.`;
}
