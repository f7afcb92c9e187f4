/**
 * The committed diagrams of docs/architecture.md: every stack of the app, synthesized in a
 * temporary folder exactly as `cdktf synth` writes it (with no OMC_* overrides), drawn as SVG.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TerraformStack } from 'cdktf';
import { buildConfiguredApp } from '../../environments/load';
import { BOOTSTRAP_NAME } from '../../environments/schema';
import { PROJECT_ROOT } from '../../lib/project-root';
import { buildArchitecture } from './architecture';
import { toDot } from './dot';
import { renderSvg } from './svg';
import type { TfJson } from './terraform-json';

/** Where the committed SVGs live, one per stack. */
export const DOCS_DIAGRAM_DIR = path.join(PROJECT_ROOT, 'docs', 'architecture');
/** The page that shows them; its part between the markers below is generated. */
export const ARCHITECTURE_PAGE = path.join(PROJECT_ROOT, 'docs', 'architecture.md');

/**
 * The text `cdktf synth` writes for every stack of the app (cdk.tf.json), by stack name, in the
 * app's order; built from `environments` (raw settings by name) instead of the registry when given.
 */
export function synthesizeStackTexts(environments?: Readonly<Record<string, unknown>>): Map<string, string> {
  const outdir = mkdtempSync(path.join(os.tmpdir(), 'diagram-synth-'));
  try {
    const app = buildConfiguredApp({ outdir, env: {}, environments });
    app.synth();
    const names = app.node.children.filter((c): c is TerraformStack => c instanceof TerraformStack).map((s) => s.node.id);
    return new Map(names.map((name) => [name, readFileSync(path.join(outdir, 'stacks', name, 'cdk.tf.json'), 'utf8')]));
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** The synthesized JSON of every stack of the app (see synthesizeStackTexts). */
export function synthesizeStacks(environments?: Readonly<Record<string, unknown>>): Map<string, TfJson> {
  return new Map([...synthesizeStackTexts(environments)].map(([name, text]) => [name, JSON.parse(text) as TfJson]));
}

/** The SVG of every stack, as docs/architecture/<stack>.svg must hold it. */
export function docsDiagrams(stacks: ReadonlyMap<string, TfJson> = synthesizeStacks()): Map<string, string> {
  return new Map([...stacks].map(([stack, json]) => [stack, renderSvg(toDot(buildArchitecture(stack, json)))]));
}

const PAGE_BEGIN = '<!-- BEGIN the pictures of every stack: written by npm run diagram -- --docs, do not edit by hand -->';
const PAGE_END = '<!-- END the pictures of every stack -->';

/** What docs/architecture.md shows of the stacks: a section per stack, in the app's order, bootstrap last. */
export function architectureSections(stacks: readonly string[]): string {
  const section = (stack: string) =>
    stack === BOOTSTRAP_NAME
      ? `## ${stack}\n\nThe state bucket, lock table and KMS key, and the pipeline's roles (see [bootstrap.md](bootstrap.md)):\n\n${picture(stack)}\n`
      : `## ${stack}\n\n${picture(stack)}\n`;
  const ordered = [...stacks.filter((s) => s !== BOOTSTRAP_NAME), ...stacks.filter((s) => s === BOOTSTRAP_NAME)];
  return [PAGE_BEGIN, '', ...ordered.map(section), PAGE_END].join('\n');
}

function picture(stack: string): string {
  return `[![${stack}](architecture/${stack}.svg)](architecture/${stack}.svg)`;
}

/** docs/architecture.md with its generated part (between the BEGIN and END markers) for these stacks. */
export function withArchitectureSections(page: string, stacks: readonly string[]): string {
  const begin = page.indexOf(PAGE_BEGIN);
  const end = page.indexOf(PAGE_END);
  if (begin < 0 || end < begin) throw new Error(`docs/architecture.md has lost its markers: put back ${PAGE_BEGIN} and ${PAGE_END}`);
  return page.slice(0, begin) + architectureSections(stacks) + page.slice(end + PAGE_END.length);
}
