/**
 * docs/legacy-defects.md defines the codes D1-D29 that comments, tests and docs use for the
 * legacy platform's defects. Every code used anywhere in the repository must be defined there,
 * once, so a reader who meets "(D17)" in a comment can look it up without the legacy sources.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../lib/project-root';

const PAGE = 'docs/legacy-defects.md';
const CODE = /\bD([1-9][0-9]*)\b/g;

function definedCodes(): number[] {
  const page = readFileSync(path.join(PROJECT_ROOT, PAGE), 'utf8');
  return [...page.matchAll(/^\| D([0-9]+) \|/gm)].map((m) => Number(m[1]));
}

function usedCodes(): Map<number, string> {
  const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard'], { cwd: PROJECT_ROOT, encoding: 'utf8' })
    .split('\n')
    .filter((f) => f && f !== PAGE && !/\.(json|svg|tfstate)$/.test(f) && !f.startsWith('node_modules/'));
  const used = new Map<number, string>();
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(path.join(PROJECT_ROOT, file), 'utf8');
    } catch {
      continue; // deleted in the working tree
    }
    for (const m of text.matchAll(CODE)) if (!used.has(Number(m[1]))) used.set(Number(m[1]), file);
  }
  return used;
}

describe(PAGE, () => {
  it('defines each defect code once, D1 to D29 in order', () => {
    expect(definedCodes()).toEqual(Array.from({ length: 29 }, (_, i) => i + 1));
  });

  it('defines every defect code the repository uses', () => {
    const defined = new Set(definedCodes());
    const undefinedCodes = [...usedCodes()].filter(([code]) => !defined.has(code)).map(([code, file]) => `D${code} (in ${file})`);
    expect(undefinedCodes).toEqual([]);
  });

  it('names files that exist for each fix', () => {
    const page = readFileSync(path.join(PROJECT_ROOT, PAGE), 'utf8');
    const named = [...page.matchAll(/`((?:constructs|lib|environments|stacks|tooling|scripts)\/[\w./-]+\.ts)`/g)].map((m) => m[1]);
    expect(named.length).toBeGreaterThan(20);
    const missing = named.filter((file) => {
      try {
        readFileSync(path.join(PROJECT_ROOT, file));
        return false;
      } catch {
        return true;
      }
    });
    expect(missing).toEqual([]);
  });
});
