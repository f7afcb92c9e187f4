/**
 * Reads the comments of a TypeScript or JavaScript source (found by the TypeScript parser, so a
 * `//` inside a string or a regular expression is not one) and checks two rules on them
 * (__tests__/repository/comments.test.ts): a repository path a comment names exists, and the first
 * mention of a legacy defect code in a file gives its short name (docs/legacy-defects.md).
 */
import ts from 'typescript';

/** A run of comments separated only by white space (consecutive `//` lines are one block). */
export interface CommentBlock {
  /** Offset of the block in the file. */
  readonly pos: number;
  /** The block's text, comment markers included. */
  readonly text: string;
}

/** The comment blocks of a source file, in order. */
export function commentBlocks(file: string, text: string): CommentBlock[] {
  const kind = /\.[cm]?ts$/.test(file) ? ts.ScriptKind.TS : ts.ScriptKind.JS;
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, kind);
  const ranges = new Map<number, ts.CommentRange>();
  // Every comment is trivia before some token, and that trivia starts where a node or list starts or
  // ends. From there, TypeScript calls the comments on the same line trailing, the others leading.
  const at = (pos: number) => {
    for (const range of [...(ts.getTrailingCommentRanges(text, pos) ?? []), ...(ts.getLeadingCommentRanges(text, pos) ?? [])]) ranges.set(range.pos, range);
  };
  const visit = (node: ts.Node): void => {
    at(node.pos);
    at(node.end);
    ts.forEachChild(node, visit, (nodes) => {
      at(nodes.pos);
      at(nodes.end);
      nodes.forEach(visit);
    });
  };
  at(0);
  visit(source);
  const blocks: { pos: number; end: number }[] = [];
  for (const range of [...ranges.values()].sort((a, b) => a.pos - b.pos)) {
    const last = blocks[blocks.length - 1];
    if (last && /^\s*$/.test(text.slice(last.end, range.pos))) last.end = range.end;
    else blocks.push({ pos: range.pos, end: range.end });
  }
  return blocks.map((b) => ({ pos: b.pos, text: text.slice(b.pos, b.end) }));
}

/** 1-based line of an offset. */
export function lineAt(text: string, pos: number): number {
  return text.slice(0, pos).split('\n').length;
}

/**
 * Path-like words of a comment: two or more segments joined by `/` (`constructs/iam.ts`,
 * `environments/<name>.ts`, `docs/`), not part of a URL, a package name or a longer path. Trailing
 * punctuation and `#anchor`s are dropped.
 */
export function pathWords(comment: string): string[] {
  return [...comment.matchAll(/(?<![\w@.\/$:-])((?:[\w.<>{}*…-]+\/)+[\w.<>{}*…-]*)/g)]
    .map((m) => m[1].replace(/#.*$/, '').replace(/[.,;:'">]+$/, '').replace(/\.\.\.$|…$/, ''))
    .filter((word) => word.includes('/'));
}

/** A pattern for a path with placeholders (`<env>`, `{environment}`, `*`, `**`), or undefined when it has none. */
function placeholderPattern(word: string): RegExp | undefined {
  if (!/[<>{}*]/.test(word)) return undefined;
  const escaped = word
    .split(/(<[^>/]*>?|\{[^}/]*\}|\*\*|\*)/)
    .map((part, i) => (i % 2 === 0 ? part.replace(/[.+?^$()|[\]\\]/g, '\\$&') : part === '**' ? '.*' : '[^/]+'))
    .join('');
  return new RegExp(`^${escaped}$`);
}

/** The folders a repo-relative path in `file` may be relative to: the file's folder, its parents, the root. */
function baseFolders(file: string): string[] {
  const parts = file.split('/').slice(0, -1);
  return parts.map((_, i) => parts.slice(0, parts.length - i).join('/')).concat('');
}

/**
 * The paths named in the comments of `file` that do not exist. A word is taken for a repository
 * path when its first segment is a folder of the repository, beside the file or in a folder above
 * it (so `owner/name` or `TLS/AUTH` are not paths); it must then exist from one of those folders.
 */
export function stalePaths(
  file: string,
  text: string,
  existing: ReadonlySet<string>,
  blocks = commentBlocks(file, text),
): { line: number; path: string }[] {
  const bases = baseFolders(file);
  const join = (base: string, rest: string) => (base === '' ? rest : `${base}/${rest}`);
  const stale: { line: number; path: string }[] = [];
  for (const block of blocks) {
    for (const word of pathWords(block.text)) {
      const clean = word.replace(/\/$/, '');
      const first = clean.split('/')[0];
      if (first === '.' || first === '..') continue;
      const from = bases.filter((base) => existing.has(join(base, first)));
      if (from.length === 0) continue;
      const found = from.some((base) => {
        const candidate = join(base, clean);
        const pattern = placeholderPattern(candidate);
        if (!pattern) return existing.has(candidate);
        for (const p of existing) if (pattern.test(p)) return true;
        return false;
      });
      if (!found) stale.push({ line: lineAt(text, block.pos + block.text.indexOf(word)), path: word });
    }
  }
  return stale;
}

/** A legacy defect code: `D` and its number. */
export const DEFECT_CODE = /\bD([1-9][0-9]*)\b/g;

/** White space, or a line break with the next line's comment marker. */
const GAP = String.raw`(?:\s|\*(?!/)|//)+`;

/** Whether `after` (the text right after a code) starts with the code's short name in brackets. */
export function startsWithShortName(after: string, shortName: string): boolean {
  const words = shortName.split(/\s+/).map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${GAP}\\[${words.join(GAP)}\\]`).test(after);
}

/**
 * The first mentions of a defect code, in the comments of a file, that do not give the code's short
 * name as `D16 [timestamp in final snapshot name]`; a code without a short name is reported too.
 */
export function undescribedCodes(
  file: string,
  text: string,
  shortNames: ReadonlyMap<string, string>,
  blocks = commentBlocks(file, text),
): { line: number; code: string; expected: string }[] {
  const seen = new Set<string>();
  const missing: { line: number; code: string; expected: string }[] = [];
  for (const block of blocks) {
    for (const m of block.text.matchAll(DEFECT_CODE)) {
      const code = m[0];
      if (seen.has(code)) continue;
      seen.add(code);
      const shortName = shortNames.get(code);
      const after = block.text.slice((m.index ?? 0) + code.length);
      if (shortName === undefined || !startsWithShortName(after, shortName)) {
        missing.push({ line: lineAt(text, block.pos + (m.index ?? 0)), code, expected: shortName ? `${code} [${shortName}]` : `${code} has no short name` });
      }
    }
  }
  return missing;
}
