/**
 * SVG from DOT with Graphviz compiled to WebAssembly (no system binary). The package is an ES
 * module, which this CommonJS code (and jest) cannot load in process, so graphviz.mjs runs it
 * in a child `node`.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { PROJECT_ROOT } from '../../lib/project-root';

const RENDERER = path.join(PROJECT_ROOT, 'tooling', 'diagram', 'graphviz.mjs');

/** Lays out and renders the DOT text as SVG; throws with Graphviz's message when the DOT is invalid. */
export function renderSvg(dot: string): string {
  const result = spawnSync(process.execPath, [RENDERER], { input: dot, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw new Error(`Graphviz could not run: ${result.error.message}`);
  if (result.status !== 0 || !result.stdout.includes('<svg')) {
    throw new Error(`Graphviz failed: ${(result.stderr || 'no output').trim().split('\n').find((l) => l.trim()) ?? 'no output'}`);
  }
  return result.stdout;
}
