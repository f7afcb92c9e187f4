/**
 * Presenting estimates: a terminal table (cli-table3), a compact markdown summary
 * for pull-request comments, and comparisons of two estimates (two stacks, or the
 * state before and after a plan).
 */
import Table from 'cli-table3';
import { CostLine, Estimate, costByAddress } from './estimate';

/** `$1,234.56`; amounts under a cent keep their significant digits. */
export function money(n: number): string {
  const abs = Math.abs(n);
  const digits = abs !== 0 && abs < 0.01 ? 4 : 2;
  const text = abs.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  return `${n < 0 ? '-' : ''}$${text}`;
}

/** `+$1.00`, `-$2.50`, `$0.00`. */
export function signedMoney(n: number): string {
  if (Math.abs(n) < 0.005) return '$0.00';
  return `${n > 0 ? '+' : ''}${money(n)}`;
}

function quantity(l: CostLine): string {
  const q = Number.isInteger(l.quantity) ? l.quantity.toLocaleString('en-US') : Number(l.quantity.toPrecision(4)).toLocaleString('en-US', { maximumFractionDigits: 6 });
  return `${q} ${l.unit}`;
}

function unitPrice(l: CostLine): string {
  return l.unitPrice === null ? 'unknown' : `$${Number(l.unitPrice.toPrecision(6))}`;
}

function monthlyCell(l: CostLine): string {
  if (l.monthly === null) return 'unpriced';
  const range = l.range && l.range.minMonthly !== null && l.range.maxMonthly !== null ? `\nmin ${money(l.range.minMonthly)}\nmax ${money(l.range.maxMonthly)}` : '';
  return `${money(l.monthly)}${range}`;
}

/**
 * Breaks words longer than a column (addresses, price keys) after a `.`, `_`, `-` or `/`,
 * so cli-table3 wraps them instead of cutting them off: every address stays readable.
 */
export function breakLongWords(text: string, width: number): string {
  return text
    .split('\n')
    .map((line) =>
      line
        .split(' ')
        .map((word) => {
          const parts: string[] = [];
          let rest = word;
          while (rest.length > width) {
            const window = rest.slice(0, width);
            const cut = Math.max(window.lastIndexOf('.'), window.lastIndexOf('_'), window.lastIndexOf('-'), window.lastIndexOf('/'));
            const at = cut > 0 ? cut + 1 : width;
            parts.push(rest.slice(0, at));
            rest = rest.slice(at);
          }
          return [...parts, rest].join('\n');
        })
        .join(' '),
    )
    .join('\n');
}

/** Numbers the distinct price keys and unpriced reasons of an estimate, for footnotes. */
function footnotes(e: Estimate): { sourceRef: Map<string, number>; sources: string[]; unpriced: string[] } {
  const sourceRef = new Map<string, number>();
  const sources: string[] = [];
  for (const l of e.lines) {
    if (l.status !== 'priced' || !l.priceKey || sourceRef.has(l.priceKey) || !l.price) continue;
    sourceRef.set(l.priceKey, sourceRef.size + 1);
    sources.push(`[${sourceRef.size}] ${l.priceKey} = $${l.unitPrice} per ${l.price.unit}; as of ${l.price.asOf}, confidence ${l.price.confidence}: ${l.price.source}`);
  }
  const unpriced = e.lines.filter((l) => l.status === 'unpriced').map((l) => `${l.address}: ${l.description}: ${l.reason ?? ''}`);
  return { sourceRef, sources, unpriced };
}

function freeSummary(e: Estimate): string {
  const counts = new Map<string, number>();
  for (const f of e.free) counts.set(f.resourceType, (counts.get(f.resourceType) ?? 0) + 1);
  return [...counts.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([t, n]) => `${t} ×${n}`)
    .join(', ');
}

/** `1 line`, `2 lines`. */
export function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function totalText(e: Estimate): string {
  const t = e.totals;
  const range = Math.abs(t.monthlyMax - t.monthlyMin) > 0.005 ? ` (autoscaling: ${money(t.monthlyMin)} to ${money(t.monthlyMax)})` : '';
  return `${money(t.monthly)} a month${range}`;
}

/** The itemized terminal report: one row per cost line, then totals, sources, unpriced items and free resources. */
export function renderTable(e: Estimate): string {
  const notes = footnotes(e);
  const widths = [40, 36, 18, 12, 14, 45];
  const table = new Table({
    head: ['resource address', 'description', 'quantity / month', 'unit price', 'monthly', 'price source'],
    colWidths: widths,
    wordWrap: true,
    style: { head: [], border: [] },
  });
  for (const l of e.lines) {
    const source =
      l.status === 'priced' && l.priceKey ? `${l.priceKey}\n[${notes.sourceRef.get(l.priceKey)}] as of ${l.price?.asOf}` : `${l.priceKey ?? 'no price key'}\nunpriced (see below)`;
    table.push([l.address, l.description, quantity(l), unitPrice(l), monthlyCell(l), source].map((cell, i) => breakLongWords(cell, widths[i] - 2)));
  }
  table.push([{ colSpan: 4, content: `Total of ${count(e.totals.pricedLines, 'priced line')} (${count(e.totals.unpricedLines, 'unpriced line')} not included)` }, { colSpan: 2, content: totalText(e) }]);
  const out = [
    `Cost estimate for ${e.stack}: ${e.region}, ${e.currency}, on-demand, ${e.hoursPerMonth} hours a month; usage from ${e.usageFile}`,
    table.toString(),
    '',
    `Monthly total: ${totalText(e)}; ${count(e.totals.unpricedLines, 'unpriced line')} not included.`,
  ];
  if (notes.unpriced.length > 0) out.push('', 'Unpriced (no known price; never estimated with another figure):', ...notes.unpriced.map((u) => `  - ${u}`));
  if (notes.sources.length > 0) out.push('', 'Price sources:', ...notes.sources.map((s) => `  ${s}`));
  if (e.free.length > 0) out.push('', `No charge of their own (${count(e.free.length, 'resource')}): ${freeSummary(e)}.`);
  return `${out.join('\n')}\n`;
}

/** One row of a comparison: a resource's monthly cost on each side. */
export interface ComparisonRow {
  readonly address: string;
  readonly resourceType: string;
  /** null when the resource is absent on that side. */
  readonly before: number | null;
  readonly after: number | null;
  readonly change: number;
  /** Unpriced lines of the resource on either side. */
  readonly unpriced: number;
}

export interface Comparison {
  readonly beforeLabel: string;
  readonly afterLabel: string;
  readonly rows: readonly ComparisonRow[];
  readonly before: Estimate['totals'];
  readonly after: Estimate['totals'];
  readonly change: number;
}

/** Compares two estimates resource by resource (matched by address). */
export function compareEstimates(before: Estimate, after: Estimate, beforeLabel = before.stack, afterLabel = after.stack): Comparison {
  const a = costByAddress(before);
  const b = costByAddress(after);
  const addresses = [...new Set([...a.keys(), ...b.keys()])].sort();
  const rows = addresses.map((address) => {
    const x = a.get(address);
    const y = b.get(address);
    return {
      address,
      resourceType: (x ?? y)?.type ?? '',
      before: x ? x.monthly : null,
      after: y ? y.monthly : null,
      change: (y?.monthly ?? 0) - (x?.monthly ?? 0),
      unpriced: (x?.unpriced ?? 0) + (y?.unpriced ?? 0),
    };
  });
  return { beforeLabel, afterLabel, rows, before: before.totals, after: after.totals, change: after.totals.monthly - before.totals.monthly };
}

function cell(n: number | null): string {
  return n === null ? '-' : money(n);
}

/** A comparison as a terminal table. */
export function renderComparison(c: Comparison): string {
  const table = new Table({ head: ['resource address', c.beforeLabel, c.afterLabel, 'difference', 'unpriced lines'], style: { head: [], border: [] } });
  for (const r of c.rows) table.push([r.address, cell(r.before), cell(r.after), signedMoney(r.change), r.unpriced > 0 ? String(r.unpriced) : '']);
  table.push(['Total (priced lines)', money(c.before.monthly), money(c.after.monthly), signedMoney(c.change), String(c.before.unpricedLines + c.after.unpricedLines)]);
  return `Monthly cost, ${c.beforeLabel} vs ${c.afterLabel}:\n${table.toString()}\n`;
}

function mdEscape(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/**
 * The pull-request summary: total, change against the state the plan was made
 * from (when the plan has one), one row per priced resource, and every unpriced
 * item with its reason, folded.
 */
export function renderMarkdown(e: Estimate, change?: Comparison): string {
  const t = e.totals;
  const range = Math.abs(t.monthlyMax - t.monthlyMin) > 0.005 ? ` (autoscaling ${money(t.monthlyMin)} to ${money(t.monthlyMax)})` : '';
  const out = [`#### Cost estimate: \`${e.stack}\` ${money(t.monthly)}/month${range}`, ''];
  const facts = [
    change ? `change from current state: **${signedMoney(change.change)}/month**` : 'no prior state in the plan, so no change is computed',
    `${count(t.unpricedLines, 'unpriced line')} not included`,
    `${e.region} on-demand, ${e.hoursPerMonth} h/month, usage \`${e.usageFile}\``,
  ];
  out.push(facts.join(' · '), '');
  const mark = (unpricedLines: number) => (unpricedLines > 0 ? ' ¹' : '');
  const perResource = ['| resource | monthly |', '|---|---:|'];
  for (const [address, c] of costByAddress(e)) if (c.monthly >= 0.005 || c.unpriced > 0) perResource.push(`| \`${address}\`${mark(c.unpriced)} | ${money(c.monthly)} |`);
  if (change) {
    // What the plan changes, in the open; the whole breakdown folded, so the comment stays short.
    const changed = change.rows.filter((r) => Math.abs(r.change) >= 0.005);
    out.push('| resource | before | after | change |', '|---|---:|---:|---:|');
    for (const r of changed) out.push(`| \`${r.address}\`${mark(r.unpriced)} | ${cell(r.before)} | ${cell(r.after)} | ${signedMoney(r.change)} |`);
    out.push(`| **total** | ${money(change.before.monthly)} | ${money(t.monthly)} | **${signedMoney(change.change)}** |`);
    out.push('', `<details><summary>Monthly cost per resource after this plan</summary>`, '', ...perResource, `| **total** | **${money(t.monthly)}** |`, '', '</details>');
  } else {
    out.push(...perResource, `| **total** | **${money(t.monthly)}** |`);
  }
  const unpriced = e.lines.filter((l) => l.status === 'unpriced');
  if (unpriced.length > 0) {
    out.push('', `<details><summary>¹ ${count(unpriced.length, 'unpriced line')} (no known price, not in the total)</summary>`, '');
    for (const l of unpriced) out.push(`- \`${l.address}\` ${mdEscape(l.description)}: ${mdEscape(l.reason ?? '')}`);
    out.push('', '</details>');
  }
  if (e.free.length > 0) out.push('', `<sub>No charge of their own: ${count(e.free.length, 'resource')} (${freeSummary(e)}).</sub>`);
  return `${out.join('\n')}\n`;
}

/** A comparison of two stacks as markdown. */
export function renderComparisonMarkdown(c: Comparison): string {
  const out = [`#### Cost: \`${c.beforeLabel}\` ${money(c.before.monthly)} vs \`${c.afterLabel}\` ${money(c.after.monthly)} a month (${signedMoney(c.change)})`, ''];
  out.push(`| resource | ${c.beforeLabel} | ${c.afterLabel} | difference |`, '|---|---:|---:|---:|');
  for (const r of c.rows) if (Math.abs(r.change) >= 0.005 || (r.before ?? 0) >= 0.005) out.push(`| \`${r.address}\` | ${cell(r.before)} | ${cell(r.after)} | ${signedMoney(r.change)} |`);
  out.push(`| **total** | ${money(c.before.monthly)} | ${money(c.after.monthly)} | **${signedMoney(c.change)}** |`);
  out.push('', `<sub>Unpriced lines not included: ${c.before.unpricedLines} in ${c.beforeLabel}, ${c.after.unpricedLines} in ${c.afterLabel}.</sub>`);
  return `${out.join('\n')}\n`;
}
