/**
 * The pre-flight report: every result in a table (cli-table3), then a summary line.
 */
import Table from 'cli-table3';
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

export function renderTable(results: readonly CheckResult[]): string {
  // No colours: the report is read in CI logs as often as in a terminal.
  const table = new Table({
    head: ['Check', 'Result', 'Details'],
    style: { head: [], border: [] },
    // One line per check, no rule between rows.
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
    wordWrap: true,
    colWidths: [22, 8, 84],
  });
  for (const r of results) table.push([r.check, LABEL[r.status], r.detail]);
  return table.toString();
}

export function renderSummary(environment: string, results: readonly CheckResult[]): string {
  const n = tally(results);
  const counts = `${n.pass} passed, ${n.fail} failed, ${n.warn} warning${n.warn === 1 ? '' : 's'}, ${n.skip} skipped`;
  if (isReady(results)) {
    return `${environment}: READY (${counts}). Next: npm run synth, then terraform init/plan/apply in cdktf.out/stacks/${environment}.`;
  }
  const failed = results.filter((r) => r.status === 'fail').map((r) => r.check);
  return `${environment}: NOT READY (${counts}). Fix: ${failed.join(', ')}; then run the check again.`;
}
