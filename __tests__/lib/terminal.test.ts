/**
 * lib/terminal.ts replaces cli-table3's `truncate` (quadratic in a cell's length) with a cut found by
 * halving: it must return exactly what cli-table3's own returns, and tables must draw as before.
 */
import fc from 'fast-check';
import { cliTableTruncate, fittedTable, truncateCell } from '../../lib/terminal';

// Short texts (cli-table3's own code is quadratic), with the characters that change widths and lines:
// a newline, wide (CJK) and combining characters, an emoji.
const CHARS = ['a', 'b', ' ', '.', '-', '\n', '界', '\u0301', '😀'];
const text = fc.array(fc.constantFrom(...CHARS), { maxLength: 60 }).map((cs) => cs.join(''));

describe("cli-table3's truncate, replaced", () => {
  it('returns what cli-table3 returns, for any text, width and marker', () => {
    fc.assert(
      fc.property(text, fc.integer({ min: 1, max: 40 }), fc.constantFrom('…', '~', '...'), (t, width, marker) => {
        expect(truncateCell(t, width, marker)).toBe(cliTableTruncate(t, width, marker));
      }),
      { numRuns: 500 },
    );
  });

  it('leaves text with ANSI codes to cli-table3', () => {
    const coloured = '\u001b[31mred text that is long\u001b[39m';
    expect(truncateCell(coloured, 8)).toBe(cliTableTruncate(coloured, 8));
  });

  it('is what cli-table3 calls: a table with a long wrapped cell draws whole, every line as wide as the table', () => {
    const long = Array.from({ length: 300 }, (_, i) => `service${i}:Action*,`).join(' ');
    const { table, push } = fittedTable(['rule', 'detail'], [10, 40], 40);
    push(['r', long]);
    const lines = table.toString().split('\n');
    const widths = new Set(lines.map((l) => [...l].length));
    expect(widths.size).toBe(1);
    expect([...widths][0]).toBeLessThanOrEqual(40);
    const cells = lines.slice(3).map((l) => l.split('│')[2]?.trim()).filter(Boolean).join(' ');
    expect(cells).toBe(long);
  });
});
