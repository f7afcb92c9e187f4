/**
 * Presenting estimates: a terminal table (cli-table3), a compact markdown summary
 * for pull-request comments, and comparisons of two estimates (two stacks, or the
 * state before and after a plan).
 */
import { fittedTable, plural, terminalWidth, wrap } from '../lib/terminal';
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

/** `730 hours`, `1 dashboard`; `-` for a quantity that is not known (unit `-`). */
export function quantity(l: Pick<CostLine, 'quantity' | 'unit'>): string {
  if (l.unit === '-') return '-';
  const q = Number.isInteger(l.quantity) ? l.quantity.toLocaleString('en-US') : Number(l.quantity.toPrecision(4)).toLocaleString('en-US', { maximumFractionDigits: 6 });
  // Units are plural nouns ("dashboards", "IP-hours"); one of them is singular. "10k requests" or
  // "million RRU" name a batch and stay as they are.
  const unit = l.quantity === 1 && /^[A-Za-z][\w-]*( [a-z][\w-]*)*s$/.test(l.unit) && !/^(million|GB)/.test(l.unit) ? l.unit.slice(0, -1) : l.unit;
  return `${q} ${unit}`;
}

function unitPrice(l: CostLine): string {
  return l.unitPrice === null ? 'unknown' : `$${Number(l.unitPrice.toPrecision(6))}`;
}

function monthlyCell(l: CostLine): string {
  if (l.monthly === null) return 'unpriced';
  const range = l.range && l.range.minMonthly !== null && l.range.maxMonthly !== null ? `\nmin ${money(l.range.minMonthly)}\nmax ${money(l.range.maxMonthly)}` : '';
  return `${money(l.monthly)}${range}`;
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
  return plural(n, noun);
}

function totalText(e: Estimate): string {
  const t = e.totals;
  const range = Math.abs(t.monthlyMax - t.monthlyMin) > 0.005 ? ` (autoscaling: ${money(t.monthlyMin)} to ${money(t.monthlyMax)})` : '';
  return `${money(t.monthly)} a month${range}`;
}

export interface RenderOptions {
  /** The width to fit. @default terminalWidth() ($COLUMNS, else 120) */
  readonly width?: number;
  /** List the price sources (where each price comes from, as of when). @default false */
  readonly sources?: boolean;
}

/** The head of an estimate: its total (the verdict) and what it assumes, in at most 2 lines. */
function estimateHead(e: Estimate, width: number): string[] {
  return [
    ...wrap(`Cost estimate for ${e.stack}: ${totalText(e)}; ${count(e.totals.unpricedLines, 'unpriced line')} not included.`, width, '  '),
    ...wrap(`${e.region}, ${e.currency}, on-demand, ${e.hoursPerMonth} hours a month; usage from ${e.usageFile}; ${count(e.totals.resources, 'resource')}.`, width, '  '),
  ];
}

/** The price sources, numbered as in the table, wrapped to `width`. */
function sourceLines(e: Estimate, width: number): string[] {
  return footnotes(e).sources.flatMap((s) => wrap(s, width - 2, '      ').map((l) => `  ${l}`));
}

/** Where the prices of an estimate come from, numbered as in its table with `sources`. */
export function renderSources(e: Estimate, width = terminalWidth()): string {
  const lines = sourceLines(e, width);
  return `${lines.length > 0 ? [`Price sources of ${e.stack}:`, ...lines].join('\n') : `No priced line in ${e.stack}.`}\n`;
}

/**
 * The itemized terminal report, fitted to `width`: the total first, then one row per cost line,
 * the unpriced items and the free resources; the price sources with `sources`.
 */
export function renderTable(e: Estimate, options: RenderOptions = {}): string {
  const width = options.width ?? terminalWidth();
  const notes = footnotes(e);
  const { table, push } = fittedTable(['resource address', 'description', 'quantity / month', 'unit price', 'monthly', 'price key'], [40, 36, 18, 11, 12, 28], width, [3, 4]);
  for (const l of e.lines) {
    const key = l.priceKey ?? 'no price key';
    const source = l.status !== 'priced' ? `${key}\nunpriced (see below)` : options.sources && l.priceKey ? `${key} [${notes.sourceRef.get(l.priceKey)}]` : key;
    push([l.address, l.description, quantity(l), unitPrice(l), monthlyCell(l), source]);
  }
  table.push([{ colSpan: 4, content: `Total of ${count(e.totals.pricedLines, 'priced line')} (${count(e.totals.unpricedLines, 'unpriced line')} not included)` }, { colSpan: 2, content: totalText(e) }]);
  const out = [...estimateHead(e, width), table.toString()];
  if (notes.unpriced.length > 0) {
    out.push('', 'Unpriced (no known price; never estimated with another figure):', ...notes.unpriced.flatMap((u) => wrap(`- ${u}`, width - 2, '    ').map((l) => `  ${l}`)));
  }
  if (e.free.length > 0) out.push('', ...wrap(`No charge of their own (${count(e.free.length, 'resource')}): ${freeSummary(e)}.`, width, '  '));
  if (notes.sources.length > 0) out.push('', ...(options.sources ? ['Price sources:', ...sourceLines(e, width)] : [`${count(notes.sources.length, 'price source')} (--sources lists them).`]));
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
  // Resources of no charge are compared too: one on one side only is a difference.
  for (const [e, map] of [[before, a], [after, b]] as const) for (const f of e.free) if (!map.has(f.address)) map.set(f.address, { monthly: 0, unpriced: 0, type: f.resourceType });
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

/** Whether a comparison row differs: a cent or more apart, or the resource is on one side only. */
export function differs(r: ComparisonRow): boolean {
  return Math.abs(r.change) >= 0.005 || (r.before === null) !== (r.after === null);
}

/**
 * A comparison for a terminal, fitted to `width`: both totals and the difference first, then only
 * the resources that differ; with `all`, every resource.
 */
export function renderComparison(c: Comparison, options: { width?: number; all?: boolean } = {}): string {
  const width = options.width ?? terminalWidth();
  const differing = c.rows.filter(differs);
  const shown = options.all ? c.rows : differing;
  const out = [
    ...wrap(`Monthly cost, ${c.beforeLabel} vs ${c.afterLabel}: ${money(c.before.monthly)} vs ${money(c.after.monthly)} (${signedMoney(c.change)}); ${count(differing.length, 'resource')} differ${differing.length === 1 ? 's' : ''}.`, width, '  '),
    ...wrap(`${c.beforeLabel}: ${count(c.before.resources, 'resource')}, ${count(c.before.unpricedLines, 'unpriced line')}; ${c.afterLabel}: ${count(c.after.resources, 'resource')}, ${count(c.after.unpricedLines, 'unpriced line')} (not in the totals).`, width, '  '),
  ];
  if (shown.length > 0) {
    const { table, push } = fittedTable(['resource address', c.beforeLabel, c.afterLabel, 'difference', 'unpriced lines'], [60, 14, 14, 14, 10], width, [1, 2, 3, 4], true);
    for (const r of shown) push([r.address, cell(r.before), cell(r.after), signedMoney(r.change), r.unpriced > 0 ? String(r.unpriced) : '']);
    push(['Total (priced lines)', money(c.before.monthly), money(c.after.monthly), signedMoney(c.change), String(c.before.unpricedLines + c.after.unpricedLines)]);
    out.push(table.toString());
  }
  const same = c.rows.length - differing.length;
  if (same > 0 && !options.all) out.push(`${count(same, 'other resource')} cost the same on both sides (--all lists them).`);
  return `${out.join('\n')}\n`;
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
