/**
 * docs/legacy-defects.md defines the defect codes (`D` and a number) that comments, tests and docs use
 * for the legacy platform's defects. Every code used anywhere in the repository must be defined there,
 * once, with a short name, so a reader who meets a code in a comment can look it up without the legacy
 * sources.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../lib/project-root';
import { DEFECT_CODE } from '../support/comments';
import { DEFECTS_PAGE as PAGE, defectShortNames, definedDefectCodes as definedCodes } from '../support/legacy-defects';
import { repositoryFiles } from '../support/repository-files';

function usedCodes(): Map<number, string> {
  const files = repositoryFiles().filter((f) => f !== PAGE && !/\.(json|svg|tfstate)$/.test(f));
  const used = new Map<number, string>();
  for (const file of files) {
    const text = readFileSync(path.join(PROJECT_ROOT, file), 'utf8');
    for (const m of text.matchAll(DEFECT_CODE)) if (!used.has(Number(m[1]))) used.set(Number(m[1]), file);
  }
  return used;
}

describe(PAGE, () => {
  it('defines each defect code once, D1 to D29 in order', () => {
    expect(definedCodes()).toEqual(Array.from({ length: 29 }, (_, i) => i + 1));
  });

  it('gives each code a short name of a few words, in the same order', () => {
    const names = defectShortNames();
    expect([...names.keys()]).toEqual(definedCodes().map((code) => `D${code}`));
    const tooLong = [...names].filter(([, name]) => name.split(' ').length > 7 || /[[\]]/.test(name));
    expect(tooLong).toEqual([]);
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
