/**
 * Comments of the sources (TypeScript and JavaScript, tests included, fixtures excluded):
 *  - every repository path a comment names exists (a renamed or moved file leaves no stale path);
 *  - the first mention of a legacy defect code in a file gives the code's short name, in the form
 *    `D<n> [short name]`, from the table of docs/legacy-defects.md, so a reader learns what the defect was
 *    without opening that page.
 * A codemod kept outside the repository writes the short names (see docs/decisions.md).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../lib/project-root';
import { type CommentBlock, commentBlocks, DEFECT_CODE, stalePaths, undescribedCodes } from '../support/comments';
import { defectShortNames } from '../support/legacy-defects';
import { pathsWithFolders, repositoryFiles, sourceFiles } from '../support/repository-files';

const FILES = repositoryFiles();
const EXISTING = pathsWithFolders(FILES);
const SOURCES = sourceFiles(FILES);
/** `compute` run once per file. */
function perFile<T>(compute: (file: string) => T): (file: string) => T {
  const done = new Map<string, T>();
  return (file) => {
    if (!done.has(file)) done.set(file, compute(file));
    return done.get(file) as T;
  };
}
const text = perFile((file) => readFileSync(path.join(PROJECT_ROOT, file), 'utf8'));
const comments = perFile((file) => commentBlocks(file, text(file)));
/** The whole text as one block: a file where even this finds nothing needs no parsing (comments are part of it). */
const whole = (file: string): CommentBlock[] => [{ pos: 0, text: text(file) }];

/**
 * Paths a comment may name although a fresh clone lacks them: files a command writes. Each must
 * still be named somewhere (the test fails on an entry no comment uses).
 */
const WRITTEN_BY_COMMANDS = new Set<string>([]);

describe('comments of the sources', () => {
  it('are read from the TypeScript and JavaScript files of the repository', () => {
    expect(SOURCES.length).toBeGreaterThan(100);
    expect(SOURCES).toEqual(expect.arrayContaining(['main.ts', 'scripts/app.js', '__tests__/repository/comments.test.ts']));
    expect(SOURCES.filter((f) => f.includes('/fixtures/'))).toEqual([]);
  });

  it('name only repository paths that exist', () => {
    const found = SOURCES.filter((file) => stalePaths(file, text(file), EXISTING, whole(file)).length > 0).flatMap((file) =>
      stalePaths(file, text(file), EXISTING, comments(file)).map((s) => ({ file, ...s })),
    );
    const used = new Set(found.map((s) => s.path));
    expect([...WRITTEN_BY_COMMANDS].filter((p) => !used.has(p))).toEqual([]);
    expect(found.filter((s) => !WRITTEN_BY_COMMANDS.has(s.path)).map((s) => `${s.file}:${s.line}: ${s.path}`)).toEqual([]);
  });

  it('give a defect code its short name where the file first mentions it', () => {
    const shortNames = defectShortNames();
    const missing = SOURCES.filter((file) => text(file).search(DEFECT_CODE) !== -1).flatMap((file) =>
      undescribedCodes(file, text(file), shortNames, comments(file)).map((m) => `${file}:${m.line}: ${m.code}, write ${m.expected}`),
    );
    expect(missing).toEqual([]);
  });
});

describe('the comment checks on made-up files', () => {
  const existing = pathsWithFolders(['constructs/database.ts', 'environments/schema/network.ts', 'environments/staging.ts', 'docs/decisions.md']);
  const stale = (file: string, source: string) => stalePaths(file, source, existing).map((s) => `${s.line}: ${s.path}`);

  it('finds a stale path in a line or block comment, never in code or a string', () => {
    const source = [
      '/** Built from environments/schema/network.ts and constructs/rds.ts. */',
      "const where = 'constructs/alb.ts'; // see docs/decisions.md, docs/gone.md#why",
      'const pattern = /constructs\\/vpc.ts/; /* environments/schema.ts */',
    ].join('\n');
    expect(stale('stacks/x.ts', source)).toEqual(['1: constructs/rds.ts', '2: docs/gone.md', '3: environments/schema.ts']);
  });

  it('reads a path relative to the file or a folder above it, placeholders as any name, and leaves other slashes alone', () => {
    const source = '// schema/network.ts, schema/cache.ts, environments/<name>.ts, environments/<name>.yaml, owner/name, TLS/AUTH, https://x.org/constructs/a.ts';
    expect(stale('environments/x.ts', source)).toEqual(['1: schema/cache.ts', '1: environments/<name>.yaml']);
    expect(stale('lib/x.ts', '// schema/cache.ts is not a folder seen from lib/')).toEqual([]);
  });

  const names = new Map([
    ['D16', 'timestamp in final snapshot name'],
    ['D17', 'pinned minor engine version'],
  ]);
  const undescribed = (source: string) => undescribedCodes('x.ts', source, names).map((m) => `${m.line}: ${m.expected}`);

  it('wants the short name at the first mention of each code in a comment', () => {
    expect(undescribed('// a stable name (D16)\n// and again D16 [timestamp in final snapshot name]')).toEqual(['1: D16 [timestamp in final snapshot name]']);
    expect(undescribed('// D16 [timestamp in a snapshot name] is a wrong short name')).toEqual(['1: D16 [timestamp in final snapshot name]']);
    expect(undescribed("const message = 'D17'; // the first comment mention: D17")).toEqual(['1: D17 [pinned minor engine version]']);
    const unknown = `D${99}`; // written so that no code without a definition is in this file
    expect(undescribed(`// ${unknown} [made up]`)).toEqual([`1: ${unknown} has no short name`]);
  });

  it('accepts the short name at the first mention only, wrapped over comment lines', () => {
    expect(undescribed('/**\n * A stable name (D16 [timestamp in\n * final snapshot name]), then D16, D17 [pinned minor engine version]. */')).toEqual([]);
    expect(undescribed('// D16 [timestamp in\n// final snapshot name]\nconst d = "D17";')).toEqual([]);
  });
});
