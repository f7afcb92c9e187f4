/**
 * No function in the code base is over 200 lines: every function-like body (function declarations
 * and expressions, methods, constructors, accessors, arrow functions, the callbacks of jest's
 * `describe` and `it` included) of every TypeScript and JavaScript file the repository holds
 * (tracked or new, tests included; fixtures, node_modules, dist and cdktf.out left out), read with
 * the TypeScript compiler API. A longer one is a list of steps waiting for names: split it.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { PROJECT_ROOT } from '../../lib/project-root';
import { sourceFiles } from '../support/repository-files';

/** The most lines a function may span, from its first token to its last. */
const MAX_LINES = 200;

const LEFT_OUT = /(^|\/)(fixtures|node_modules|dist|cdktf\.out)\//;

interface FunctionSpan {
  readonly file: string;
  /** 1-based line of the function's first token. */
  readonly line: number;
  readonly name: string;
  readonly lines: number;
}

/** A short text for an expression naming a function: `describe('the layout')`, `GraphBuilder.graph`, `x.y`. */
function calleeText(node: ts.Node, source: ts.SourceFile): string {
  const text = node.getText(source).replace(/\s+/g, ' ');
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** What a reader would call the function: its own name, the name it is given, or the call it is passed to. */
function functionName(fn: ts.SignatureDeclaration, source: ts.SourceFile): string {
  const own = fn.name && (ts.isIdentifier(fn.name) || ts.isPrivateIdentifier(fn.name) || ts.isStringLiteral(fn.name)) ? fn.name.text : undefined;
  const owner = ts.isClassLike(fn.parent) && fn.parent.name ? `${fn.parent.name.text}.` : '';
  if (ts.isConstructorDeclaration(fn)) return `${owner}constructor`;
  if (own) return `${owner}${own}`;
  const parent = fn.parent;
  if (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)) return calleeText(parent.name, source);
  if (ts.isBinaryExpression(parent) && parent.right === fn) return calleeText(parent.left, source);
  if (ts.isCallExpression(parent)) {
    const first = parent.arguments[0];
    const title = first && first !== fn && (ts.isStringLiteralLike(first) || ts.isTemplateExpression(first)) ? `(${calleeText(first, source)})` : '(…)';
    return `${calleeText(parent.expression, source)}${title} callback`;
  }
  return '(anonymous)';
}

/** Every function-like node with a body in a source text, with the lines it spans. */
function functionSpans(file: string, text: string): FunctionSpan[] {
  const kind = file.endsWith('.ts') ? ts.ScriptKind.TS : ts.ScriptKind.JS;
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, kind);
  const spans: FunctionSpan[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const first = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const last = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      spans.push({ file, line: first + 1, name: functionName(node, source), lines: last - first + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return spans;
}

/** The functions over the limit, longest first, as the failure lists them. */
function tooLong(spans: readonly FunctionSpan[], limit = MAX_LINES): string[] {
  return spans
    .filter((s) => s.lines > limit)
    .sort((a, b) => b.lines - a.lines || a.file.localeCompare(b.file) || a.line - b.line)
    .map((s) => `${s.file}:${s.line} ${s.name}: ${s.lines} lines (limit ${limit})`);
}

/** A function declaration spanning `lines` lines in all. */
const longFunction = (name: string, lines: number) => [`function ${name}() {`, ...Array.from({ length: lines - 2 }, (_, i) => `  const x${i} = ${i};`), '}'].join('\n');

describe(`functions of at most ${MAX_LINES} lines`, () => {
  const files = sourceFiles();

  it('reads the sources of every part of the repository, tests included, and none of the left-out folders', () => {
    for (const folder of ['constructs/', 'stacks/', 'environments/', 'lib/', 'scripts/', 'tooling/', '__tests__/']) expect(files.some((f) => f.startsWith(folder))).toBe(true);
    expect(files).toEqual(expect.arrayContaining(['main.ts', 'jest.config.js', 'tooling/diagram/graphviz.mjs', 'tooling/diagram/architecture.ts']));
    expect(files.filter((f) => LEFT_OUT.test(f))).toEqual([]);
  });

  it(`finds no function over ${MAX_LINES} lines in the code base`, () => {
    const spans = files.flatMap((f) => functionSpans(f, readFileSync(path.join(PROJECT_ROOT, f), 'utf8')));
    expect(spans.length).toBeGreaterThan(1000);
    expect(tooLong(spans)).toEqual([]);
  });

  it('fails on a long function, naming its file, line, name and length, longest first', () => {
    const text = ['// two long functions and a short one', longFunction('short', MAX_LINES), longFunction('long', MAX_LINES + 1), longFunction('longer', MAX_LINES + 50)].join('\n');
    expect(tooLong(functionSpans('src/synthetic.ts', text))).toEqual([
      `src/synthetic.ts:${MAX_LINES + MAX_LINES + 3} longer: ${MAX_LINES + 50} lines (limit ${MAX_LINES})`,
      `src/synthetic.ts:${MAX_LINES + 2} long: ${MAX_LINES + 1} lines (limit ${MAX_LINES})`,
    ]);
  });

  it('measures every kind of function, and names each as a reader would', () => {
    const text = [
      "describe('a suite', () => {",
      "  it('a case', async function () {",
      '    return 1;',
      '  });',
      '});',
      'class Builder {',
      '  constructor() {}',
      '  get size() { return 0; }',
      '  graph(stack: string) {',
      '    return stack;',
      '  }',
      '}',
      'const step = (x: number) =>',
      '  x + 1;',
      'const table = { render: function () { return 2; } };',
      'exports.main = () => 3;',
      'function typed(): void;',
    ].join('\n');
    expect(functionSpans('a.ts', text).map((s) => `${s.line} ${s.name} ${s.lines}`)).toEqual([
      "1 describe('a suite') callback 5",
      "2 it('a case') callback 3",
      '7 Builder.constructor 1',
      '8 Builder.size 1',
      '9 Builder.graph 3',
      '13 step 2',
      '15 render 1',
      '16 exports.main 1',
    ]);
  });

  it('reads JavaScript too', () => {
    expect(tooLong(functionSpans('tool.mjs', `export default ${longFunction('main', MAX_LINES + 1)}`))).toEqual([`tool.mjs:1 main: ${MAX_LINES + 1} lines (limit ${MAX_LINES})`]);
  });
});
