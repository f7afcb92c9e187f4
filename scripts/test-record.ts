/**
 * Records what the tests compare per stack, for every stack of the registry (environments/index.ts):
 * the golden copies of the synthesized stacks (__tests__/fixtures/synth/<stack>.cdk.tf.json), the
 * generated pages of docs/ (as `npm run docs`) and the diagrams of docs/architecture/ with their
 * sections of docs/architecture.md (as `npm run diagram -- --docs`). Run it when a change means to
 * change the synthesized JSON, or to record a new environment; commit what it writes.
 *
 *   npm run test:record
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { docsDiagrams, synthesizeStackTexts } from '../tooling/diagram/docs';
import type { TfJson } from '../tooling/diagram/terraform-json';
import { defineCommand, execute, type Io, PROJECT_ROOT, STDIO } from './cli';
import { writeDocsDiagrams } from './diagram';
import { updateFile, writeGeneratedPages } from './docs';

/** Where the golden copies live: `<stack>.cdk.tf.json`, as `cdktf synth` writes it with no OMC_* overrides. */
export const GOLDEN_DIR = path.join(PROJECT_ROOT, '__tests__', 'fixtures', 'synth');

/** The golden copy of a stack. */
export function goldenFile(stack: string): string {
  return path.join(GOLDEN_DIR, `${stack}.cdk.tf.json`);
}

export const command = defineCommand({
  name: 'test:record',
  summary:
    'Record what the tests compare for every stack of the registry: the golden copies (__tests__/fixtures/synth/), the generated pages of docs/ and the diagrams of docs/architecture/.',
});

export function cli(argv: readonly string[], io: Io = STDIO): Promise<number> {
  return execute(
    command,
    argv,
    () => {
      const texts = synthesizeStackTexts();
      mkdirSync(GOLDEN_DIR, { recursive: true });
      for (const [stack, text] of texts) updateFile(goldenFile(stack), text, io.out);
      const stacks = new Map([...texts].map(([stack, text]) => [stack, JSON.parse(text) as TfJson]));
      writeGeneratedPages(stacks, io.out);
      writeDocsDiagrams(docsDiagrams(stacks), io);
      return 0;
    },
    io,
  );
}
