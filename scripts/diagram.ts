/**
 * Architecture diagram of a synthesized stack, drawn from cdktf.out/stacks/<stack>/cdk.tf.json
 * (see tooling/diagram/ and docs/architecture.md).
 *
 *   npm run diagram -- <stack> [--format svg|mermaid|dot] [--out <file>] [--dir cdktf.out]
 *   npm run diagram -- --docs      regenerate docs/architecture/<stack>.svg for every stack, and their sections of docs/architecture.md
 *
 * Without --out the diagram goes to stdout; with it, a line says what was written where. A wrong
 * command line exits 2 with the usage; other bad input is reported in one line, exit code 1.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ENVIRONMENTS } from '../environments';
import { BOOTSTRAP_NAME } from '../environments/schema';
import { buildArchitecture } from '../tooling/diagram/architecture';
import { ARCHITECTURE_PAGE, DOCS_DIAGRAM_DIR, docsDiagrams, withArchitectureSections } from '../tooling/diagram/docs';
import { toDot } from '../tooling/diagram/dot';
import { toMermaid } from '../tooling/diagram/mermaid';
import { renderSvg } from '../tooling/diagram/svg';
import type { TfJson } from '../tooling/diagram/terraform-json';
import { defineCommand, execute, type Io, PROJECT_ROOT, STDIO, UsageError, SYNTH_DIR_OPTION, synthDir } from './cli';

export const FORMATS = ['svg', 'mermaid', 'dot'] as const;
export type DiagramFormat = (typeof FORMATS)[number];

/** The diagram of a synthesized stack in the given format. */
export function renderDiagram(stack: string, json: TfJson, format: DiagramFormat): string {
  const graph = buildArchitecture(stack, json);
  if (format === 'mermaid') return toMermaid(graph);
  const dot = toDot(graph);
  return format === 'dot' ? dot : renderSvg(dot);
}

/** Reads the synthesized stack, with a one-line error for an unknown stack or one not synthesized yet. */
function readStack(stack: string, dir: string): TfJson {
  const stacksDir = path.join(dir, 'stacks');
  const synthesized = existsSync(stacksDir) ? readdirSync(stacksDir).filter((s) => existsSync(path.join(stacksDir, s, 'cdk.tf.json'))) : [];
  const known = [...new Set([...Object.keys(ENVIRONMENTS), BOOTSTRAP_NAME, ...synthesized])].sort();
  if (!known.includes(stack)) throw new Error(`unknown stack "${stack}": the stacks are ${known.join(', ')}`);
  const file = path.join(stacksDir, stack, 'cdk.tf.json');
  if (!existsSync(file)) throw new Error(`stack "${stack}" is not synthesized yet (no ${file.startsWith(PROJECT_ROOT) ? path.relative(PROJECT_ROOT, file) : file}): run npm run synth first`);
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as TfJson;
  } catch (e) {
    throw new Error(`cannot read ${file}: ${(e as Error).message.split('\n')[0]}; run npm run synth again`);
  }
}

function write(file: string, text: string): void {
  try {
    writeFileSync(file, text);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new Error(`cannot write ${file}: ${err.code === 'ENOENT' ? 'its folder does not exist' : err.code === 'EISDIR' ? 'it is a folder' : err.code === 'EACCES' ? 'permission denied' : (err.message ?? String(e)).split('\n')[0]}`);
  }
}

export const command = defineCommand({
  name: 'diagram',
  summary: 'The architecture diagram of a synthesized stack, drawn from cdktf.out (docs/architecture.md); with --docs, regenerates docs/architecture/*.svg.',
  positionals: [{ name: 'stack', description: 'the stack to draw (not with --docs)', optional: true }],
  options: {
    format: { type: 'string', value: '<svg|mermaid|dot>', description: 'the output format (default svg)' },
    out: { type: 'string', value: '<file>', description: 'write the diagram to this file (default: print it)' },
    dir: SYNTH_DIR_OPTION,
    docs: { type: 'boolean', description: 'regenerate the diagrams of docs/architecture/' },
  },
});

/** Writes docs/architecture/<stack>.svg for these diagrams, and the pictures' part of docs/architecture.md. */
export function writeDocsDiagrams(diagrams: ReadonlyMap<string, string>, io: Pick<Io, 'out'>): void {
  mkdirSync(DOCS_DIAGRAM_DIR, { recursive: true });
  for (const [stack, svg] of diagrams) {
    write(path.join(DOCS_DIAGRAM_DIR, `${stack}.svg`), svg);
    io.out(`wrote ${path.relative(PROJECT_ROOT, path.join(DOCS_DIAGRAM_DIR, `${stack}.svg`))}\n`);
  }
  const page = ARCHITECTURE_PAGE;
  write(page, withArchitectureSections(readFileSync(page, 'utf8'), [...diagrams.keys()]));
  io.out(`wrote ${path.relative(PROJECT_ROOT, page)}\n`);
}

export function cli(argv: readonly string[], io: Io = STDIO): Promise<number> {
  return execute(
    command,
    argv,
    ({ args, values }) => {
      if (values.docs) {
        if (args.stack !== undefined) throw new UsageError('--docs draws every stack: name no stack');
        writeDocsDiagrams(docsDiagrams(), io);
        return 0;
      }
      const stack = args.stack;
      if (stack === undefined) throw new UsageError('missing <stack>');
      const format = values.format ?? 'svg';
      if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`unknown format "${format}": use svg, mermaid or dot`);
      const dir = synthDir(values.dir);
      const text = renderDiagram(stack, readStack(stack, dir), format as DiagramFormat);
      if (values.out) {
        write(values.out, text);
        io.err(`wrote the ${format} diagram of ${stack} to ${values.out}\n`);
      } else io.out(text);
      return 0;
    },
    io,
  );
}
