/**
 * The policy report of a stack, as printed by `npm run check`: its counts, then a table of what
 * needs attention (failures, warnings, exceptions); the passing and not-applicable rows are
 * counted, and listed with `all`. Fitted to the terminal width.
 */
import { fittedTable, plural, terminalWidth, wrap } from '../terminal';
import type { PolicyReport, PolicyResult } from './model';

const RESULT: Record<PolicyResult['status'], (r: PolicyResult) => string> = {
  pass: () => 'pass',
  fail: (r) => (r.level === 'error' ? 'FAIL' : 'warn'),
  excepted: () => 'excepted',
  'n/a': () => 'n/a',
  'unused exception': () => 'unused exception',
};

/** The order of the rows: errors first, then warnings, unused exceptions and exceptions. */
const ORDER: Record<string, number> = { FAIL: 0, warn: 1, 'unused exception': 2, excepted: 3, pass: 4, 'n/a': 5 };

function detail(r: PolicyResult): string {
  if (r.exception) return `${r.detail ?? ''}\nexception (${r.exception.source}): ${r.exception.reason}`;
  return r.detail ?? '';
}

/** Counts per outcome, e.g. `41 pass, 3 excepted, 0 warnings, 0 errors`. */
export function summarize(report: PolicyReport): string {
  const passed = report.results.filter((r) => r.status === 'pass').length;
  return `${passed} pass, ${report.excepted.length} excepted, ${plural(report.warnings.length, 'warning')}, ${plural(report.errors.length, 'error')}`;
}

/** Whether a result is part of the long tail (shown with `all` only). */
const routine = (r: PolicyResult) => r.status === 'pass' || r.status === 'n/a';

/**
 * The report of one stack: a line with its class and counts, then the results that need
 * attention as a table fitted to `width` (every result with `all`), then how many are hidden.
 */
export function renderReport(report: PolicyReport, options: { all?: boolean; width?: number } = {}): string {
  const width = options.width ?? terminalWidth();
  const kind = report.productionLike ? 'production-like: every failure is an error' : 'not production-like: some rules only warn';
  const shown = report.results.filter((r) => options.all || !routine(r)).sort((a, b) => ORDER[RESULT[a.status](a)] - ORDER[RESULT[b.status](b)]);
  const lines = wrap(`Stack "${report.stack}" (${kind}): ${summarize(report)}`, width, '  ');
  if (shown.length > 0) {
    const { table, push } = fittedTable(['rule', 'checkov', 'resource', 'result', 'detail / exception reason'], [26, 13, 42, 12, 60], width, [1, 3]);
    for (const r of shown) push([r.rule, r.checkov ?? '-', r.resource, RESULT[r.status](r), detail(r)]);
    lines.push(table.toString());
  }
  const hidden = report.results.length - shown.length;
  if (hidden > 0) {
    const passed = report.results.filter((r) => r.status === 'pass').length;
    lines.push(`${plural(passed, 'pass', 'passes')} and ${hidden - passed} not applicable not shown (--all lists them).`);
  }
  return lines.join('\n');
}
