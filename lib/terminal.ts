import Table from 'cli-table3';

/**
 * cli-table3 0.6.5 draws every line of a cell after cutting the cell's whole text to 10 characters
 * for a debug message, one character at a time and measuring the whole text each time: quadratic in
 * a cell's length. A policy exception of the bootstrap stack (a list of some 40 actions) took 3.5 s to
 * draw in node, and over 80 s under jest. Its `truncate` is replaced, for text without ANSI codes
 * (these tables have no colours), by the same cut found by halving: the longest start of the text
 * whose widest line fits, which is what the one-character loop ends with, since that width never
 * shrinks as the start grows. Text with ANSI codes keeps cli-table3's own code.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const tableUtils = require('cli-table3/src/utils') as {
  strlen: (text: string) => number;
  truncate: (text: string, width: number, marker?: string) => string;
};
/** cli-table3's own `truncate`, kept for text with ANSI codes (and for the test that compares the two). */
export const cliTableTruncate = tableUtils.truncate;

/** What cli-table3's `truncate` returns, found by halving instead of one character at a time. */
export function truncateCell(text: string, width: number, marker = '…'): string {
  if (text.includes('\u001b')) return cliTableTruncate(text, width, marker);
  if (tableUtils.strlen(text) <= width) return text;
  const room = width - tableUtils.strlen(marker);
  // As cli-table3: no room leaves the marker alone; a text as wide as it is long is cut by length.
  if (room <= 0) return marker;
  if (text.length === tableUtils.strlen(text)) return `${text.slice(0, room)}${marker}`;
  let [fits, tooLong] = [0, text.length];
  while (tooLong - fits > 1) {
    const middle = Math.floor((fits + tooLong) / 2);
    if (tableUtils.strlen(text.slice(0, middle)) <= room) fits = middle;
    else tooLong = middle;
  }
  return `${text.slice(0, fits)}${marker}`;
}
tableUtils.truncate = truncateCell;

/**
 * Text for a terminal: the width to fit (`$COLUMNS`, 120 when unset), words wrapped to it,
 * lines cut with a visible marker, tables whose columns fit, and English counts ("1 dashboard",
 * "2 dashboards").
 */

/** The width reports fit: `$COLUMNS` when it is a positive number, else 120. */
export function terminalWidth(env: NodeJS.ProcessEnv = process.env): number {
  const columns = Number(env.COLUMNS);
  return Number.isInteger(columns) && columns >= 40 ? columns : 120;
}

/** The marker at the end of a cut line. */
export const CUT = '…';

/** `text` cut to `width` characters, ending with `…` when something was cut. */
export function truncate(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}${CUT}`;
}

/**
 * Words of `text` wrapped to lines of at most `width` characters; lines after the first start with
 * `indent`. A word longer than a line is cut where it must be.
 */
export function wrap(text: string, width: number, indent = ''): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const fits = line !== '' && line.length + 1 + word.length <= width;
    if (fits) {
      line = `${line} ${word}`;
      continue;
    }
    if (line !== '') lines.push(line);
    line = `${lines.length === 0 ? '' : indent}${word}`;
    while (line.length > width) {
      lines.push(line.slice(0, width));
      line = `${indent}${line.slice(width)}`;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}

/** `1 dashboard`, `2 dashboards`, `0 dashboards`; irregular plurals are given. */
export function plural(n: number, noun: string, nouns = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : nouns}`;
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

/**
 * Column widths that fit a table in `width` characters: the preferred widths, shrunk in
 * proportion (never under `min`) when their sum and the borders (one per column, plus one) do not fit.
 * The columns at the `fixed` indexes keep their width (short codes, amounts).
 */
export function fitColumns(preferred: readonly number[], width: number, fixed: readonly number[] = [], min = 6): number[] {
  const room = width - (preferred.length + 1);
  const total = preferred.reduce((a, b) => a + b, 0);
  if (total <= room) return [...preferred];
  const kept = fixed.reduce((sum, i) => sum + preferred[i], 0);
  const flexible = total - kept;
  const widths = preferred.map((w, i) => (fixed.includes(i) ? w : Math.max(min, Math.floor((w * (room - kept)) / flexible))));
  // Rounding down and the minimum can leave the sum off by a little: take it from the widest.
  for (let excess = widths.reduce((a, b) => a + b, 0) - room; excess > 0; excess--) widths[widths.indexOf(Math.max(...widths))] -= 1;
  return widths;
}

/**
 * A cli-table3 table of fixed column widths whose cells wrap (long words broken after `.`, `_`, `-`,
 * `/`); `compact` leaves out the lines between rows (for rows of one line).
 */
export function fittedTable(
  head: string[],
  preferred: readonly number[],
  width: number,
  fixed: readonly number[] = [],
  compact = false,
): { table: Table.Table; push: (cells: string[]) => void } {
  const colWidths = fitColumns(preferred, width, fixed);
  const between = compact ? { chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' } } : {};
  const table = new Table({ head, colWidths, wordWrap: true, style: { head: [], border: [] }, ...between });
  return { table, push: (cells) => table.push(cells.map((cell, i) => breakLongWords(cell, colWidths[i] - 2))) };
}
