/**
 * The policy report as a table per stack (cli-table3), as printed by `npm run check`.
 */
import Table from 'cli-table3';
import type { PolicyReport, PolicyResult } from './model';

const RESULT: Record<PolicyResult['status'], (r: PolicyResult) => string> = {
  pass: () => 'pass',
  fail: (r) => (r.level === 'error' ? 'FAIL' : 'warn'),
  excepted: () => 'excepted',
  'n/a': () => 'n/a',
  'unused exception': () => 'unused exception',
};

function detail(r: PolicyResult): string {
  if (r.exception) return `${r.detail ?? ''}\nexception (${r.exception.source}): ${r.exception.reason}`;
  return r.detail ?? '';
}

/** Counts per outcome, e.g. `41 pass, 3 excepted, 0 warnings, 0 errors`. */
export function summarize(report: PolicyReport): string {
  const passed = report.results.filter((r) => r.status === 'pass').length;
  return `${passed} pass, ${report.excepted.length} excepted, ${report.warnings.length} warning${report.warnings.length === 1 ? '' : 's'}, ${report.errors.length} error${report.errors.length === 1 ? '' : 's'}`;
}

/** The report of one stack as a table, headed by the stack, its class and the counts. */
export function renderReport(report: PolicyReport): string {
  const table = new Table({
    head: ['rule', 'checkov', 'resource', 'result', 'detail / exception reason'],
    colWidths: [32, 19, 52, 10, 62],
    wordWrap: true,
    style: { head: [], border: [], compact: true },
  });
  for (const r of report.results) table.push([r.rule, r.checkov ?? '-', r.resource, RESULT[r.status](r), detail(r)]);
  const kind = report.productionLike ? 'production-like: every failure is an error' : 'not production-like: some rules only warn';
  return `Policy report for stack "${report.stack}" (${kind}): ${summarize(report)}\n${table.toString()}`;
}
