/**
 * docs/legacy-defects.md read as data: the codes its defect tables define, and the short name of
 * each code (its `| code | short name |` table), which comments give with a code's first mention.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../lib/project-root';

export const DEFECTS_PAGE = 'docs/legacy-defects.md';

export function defectsPage(): string {
  return readFileSync(path.join(PROJECT_ROOT, DEFECTS_PAGE), 'utf8');
}

/** The cells of every table row of the page whose first cell is a defect code. */
function codeRows(page: string): string[][] {
  return page
    .split('\n')
    .filter((line) => /^\| D[0-9]+ \|/.test(line))
    .map((line) => line.split('|').slice(1, -1).map((cell) => cell.trim()));
}

/** The codes the defect tables define (code, severity, legacy code, fix, where), in the page's order. */
export function definedDefectCodes(page = defectsPage()): number[] {
  return codeRows(page)
    .filter((cells) => cells.length > 2)
    .map((cells) => Number(cells[0].slice(1)));
}

/** Each code's short name, keyed by the code as written (`D` and its number), in the table's order. */
export function defectShortNames(page = defectsPage()): Map<string, string> {
  return new Map(codeRows(page).filter((cells) => cells.length === 2).map(([code, name]) => [code, name] as [string, string]));
}
