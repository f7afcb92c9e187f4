/**
 * The layout of __tests__/ (docs/testing.md, "Layout"): it mirrors the source tree, so a test file is
 * named after the source it tests, at the mirrored path (`__tests__/constructs/database.test.ts` for
 * `constructs/database.ts`), optionally with one aspect before `.test.ts`
 * (`stacks/platform-stack.isolation.test.ts`). Helpers live in `support/` (a test of a helper beside
 * it), data in `fixtures/`. Two folders are named by what they check instead: `repository/` (the
 * repository as a whole) and `terraform/` (the `terraform` jest project, kept in one folder for its
 * global setup, its place after the unit tests and its result cache keyed by the test file's path).
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT, TESTS_DIR } from '../support/paths';

/** Folders named by what their tests check, not after a source: any test file name goes. */
const NAMED_BY_CHECK = ['repository', 'terraform'];

const posix = (p: string) => p.split(path.sep).join('/');
const isTest = (file: string) => file.endsWith('.test.ts');

/** Every file under __tests__/ but the fixtures, relative to it. */
function testTreeFiles(): string[] {
  return (readdirSync(TESTS_DIR, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
    .filter((e) => e.isFile())
    .map((e) => posix(path.relative(TESTS_DIR, path.join(e.parentPath, e.name))))
    .filter((f) => !f.startsWith('fixtures/'))
    .sort();
}

/** The sources a test file may be named after: `a/b.test.ts` and `a/b.<aspect>.test.ts` test `a/b.ts` (or `.js`). */
function sourcesNamed(testFile: string): string[] {
  const stem = testFile.slice(0, -'.test.ts'.length);
  const stems = [stem, ...(/\.[\w-]+$/.test(path.posix.basename(stem)) ? [stem.replace(/\.[\w-]+$/, '')] : [])];
  return stems.flatMap((s) => [`${s}.ts`, `${s}.js`]);
}

const sourceExists = (source: string) => existsSync(path.join(REPO_ROOT, source));

/** Why a file of __tests__/ is out of place, or undefined. */
function misplaced(file: string): string | undefined {
  const [top] = file.split('/');
  if (top === 'support') {
    if (!isTest(file)) return undefined;
    return sourcesNamed(file).some((s) => existsSync(path.join(TESTS_DIR, s))) ? undefined : 'a test in support/ that is not named after a helper beside it';
  }
  if (!isTest(file)) return 'a helper outside __tests__/support/ (or data outside __tests__/fixtures/)';
  if (NAMED_BY_CHECK.includes(top) && file.includes('/')) return undefined;
  if (sourcesNamed(file).some(sourceExists)) return undefined;
  return `named after no source: expected one of ${sourcesNamed(file).filter((s) => s.endsWith('.ts')).join(', ')}`;
}

describe('the layout of __tests__/', () => {
  const files = testTreeFiles();

  it('finds the test files and helpers', () => {
    expect(files.filter(isTest).length).toBeGreaterThan(60);
    expect(files).toContain('support/helpers.ts');
  });

  it('names every test file after its source at the mirrored path, and keeps helpers in support/', () => {
    const offenders = files.flatMap((f) => {
      const why = misplaced(f);
      return why ? [`__tests__/${f}: ${why}`] : [];
    });
    expect(offenders).toEqual([]);
  });

  it('tells a misplaced file from a well-placed one', () => {
    expect(sourcesNamed('stacks/platform-stack.isolation.test.ts')).toContain('stacks/platform-stack.ts');
    expect(misplaced('lib/addresses.test.ts')).toBeUndefined();
    expect(misplaced('lib/addresses.legacy-moves.test.ts')).toBeUndefined();
    expect(misplaced('scripts/fresh-build.test.ts')).toBeUndefined();
    expect(misplaced('backend.test.ts')).toMatch(/^named after no source: expected one of backend\.ts$/);
    expect(misplaced('constructs/nothing.test.ts')).toContain('constructs/nothing.ts');
    expect(misplaced('edge-fixtures.ts')).toContain('a helper outside __tests__/support/');
    expect(misplaced('repository/anything.test.ts')).toBeUndefined();
    expect(misplaced('terraform/plans.ts')).toContain('a helper outside');
    expect(misplaced('support/nothing.test.ts')).toContain('not named after a helper');
  });
});
