/**
 * The refactor of issue 15 (layers, one shape per setting, split files) must not change what is
 * deployed: every stack synthesizes byte for byte to the JSON recorded in fixtures/synth/
 * (`//` metadata, construct paths and array order included). Synthesized here without any cache,
 * as `npm run synth` does with no OMC_* overrides.
 *
 * The comparison covers the environments that have a golden copy (RECORDED_ENVIRONMENTS), with
 * the app built from those alone, so that the bootstrap stack, which holds something per
 * environment, is compared as recorded too. An environment just added to the registry has none
 * yet: `npm test` stays green and names it; `npm run test:record` records it (docs/testing.md).
 * When a change means to change the JSON, run `npm run test:record` in the same commit and say
 * why in its message.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { buildConfiguredApp } from '../../environments/load';
import { BOOTSTRAP_NAME } from '../../environments/schema';
import { GOLDEN_DIR, goldenFile } from '../../scripts/test-record';
import { RECORDED_ENVIRONMENTS, recordedRegistry, UNRECORDED_ENVIRONMENTS } from '../support/helpers';
import { LEGACY_ENVIRONMENTS } from '../support/terraform/migration-plans';
import { tempDir } from '../support/temp';

const RECORD = 'npm run test:record';
const recorded = [...RECORDED_ENVIRONMENTS, BOOTSTRAP_NAME];

let outdir: string;

beforeAll(() => {
  outdir = tempDir('golden-synth-');
  buildConfiguredApp({ outdir, env: {}, environments: recordedRegistry() }).synth();
  if (UNRECORDED_ENVIRONMENTS.length > 0) {
    console.warn(`not recorded yet, so not compared with a golden copy: ${UNRECORDED_ENVIRONMENTS.join(', ')}. Record them with ${RECORD} and commit what it writes.`);
  }
});

describe('synthesized stacks against their golden copies', () => {
  it('has a golden copy of no stack the app lacks', () => {
    const strays = readdirSync(GOLDEN_DIR)
      .map((f) => f.replace(/\.cdk\.tf\.json$/, ''))
      .filter((stack) => !recorded.includes(stack));
    expect(strays).toEqual([]);
    expect(readdirSync(path.join(outdir, 'stacks')).sort()).toEqual([...recorded].sort());
  });

  it(`has a golden copy of the bootstrap stack and of every deployed environment (those with a legacy state): ${RECORD} writes them`, () => {
    const missing = [BOOTSTRAP_NAME, ...LEGACY_ENVIRONMENTS].filter((stack) => !recorded.includes(stack));
    if (missing.length > 0) throw new Error(`no golden copy of ${missing.join(', ')} (${path.relative(process.cwd(), goldenFile(missing[0]))}): run ${RECORD}`);
  });

  it.each(recorded)('%s is byte for byte its golden copy', (stack) => {
    const synthesized = readFileSync(path.join(outdir, 'stacks', stack, 'cdk.tf.json'), 'utf8');
    const golden = readFileSync(goldenFile(stack), 'utf8');
    // toBe on the whole text would print 100 kB; compare line by line first for a readable diff.
    expect(synthesized.split('\n')).toEqual(golden.split('\n'));
    expect(synthesized).toBe(golden);
  });
});
