/**
 * The committed diagrams of docs/architecture.md: every stack of the app, synthesized in a
 * temporary folder exactly as `cdktf synth` writes it (with no OMC_* overrides), drawn as SVG.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TerraformStack } from 'cdktf';
import { buildConfiguredApp } from '../../environments/load';
import { PROJECT_ROOT } from '../../lib/project-root';
import { buildArchitecture } from './architecture';
import { toDot } from './dot';
import { renderSvg } from './svg';
import type { TfJson } from './terraform-json';

/** Where the committed SVGs live, one per stack. */
export const DOCS_DIAGRAM_DIR = path.join(PROJECT_ROOT, 'docs', 'architecture');

/** The synthesized JSON of every stack of the app, by stack name, in the app's order. */
export function synthesizeStacks(): Map<string, TfJson> {
  const outdir = mkdtempSync(path.join(os.tmpdir(), 'diagram-synth-'));
  try {
    const app = buildConfiguredApp({ outdir, env: {} });
    app.synth();
    const names = app.node.children.filter((c): c is TerraformStack => c instanceof TerraformStack).map((s) => s.node.id);
    return new Map(names.map((name) => [name, JSON.parse(readFileSync(path.join(outdir, 'stacks', name, 'cdk.tf.json'), 'utf8')) as TfJson]));
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** The SVG of every stack, as docs/architecture/<stack>.svg must hold it. */
export function docsDiagrams(): Map<string, string> {
  return new Map([...synthesizeStacks()].map(([stack, json]) => [stack, renderSvg(toDot(buildArchitecture(stack, json)))]));
}
