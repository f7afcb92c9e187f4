/**
 * The refactor of issue 15 (layers, one shape per setting, split files) must not change what is
 * deployed: every stack synthesizes byte for byte to the JSON captured before it, in
 * fixtures/synth/ (`//` metadata, construct paths and array order included). Synthesized here
 * without any cache, as `npm run synth` does with no OMC_* overrides.
 *
 * When a later change means to change the JSON, regenerate the fixtures in the same commit and
 * say why in its message: `npm run synth` with no OMC_* variables set, then copy
 * cdktf.out/stacks/<stack>/cdk.tf.json to fixtures/synth/<stack>.cdk.tf.json.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { buildConfiguredApp } from '../environments/load';
import { tempDir } from './temp';

const GOLDEN = path.join(__dirname, 'fixtures', 'synth');

let outdir: string;

beforeAll(() => {
  outdir = tempDir('golden-synth-');
  buildConfiguredApp({ outdir, env: {} }).synth();
});

describe('synthesized stacks against the golden copy taken before the refactor', () => {
  it('has the same stacks', () => {
    expect(readdirSync(path.join(outdir, 'stacks')).sort()).toEqual(['bootstrap', 'production', 'staging']);
    expect(readdirSync(GOLDEN).sort()).toEqual(['bootstrap.cdk.tf.json', 'production.cdk.tf.json', 'staging.cdk.tf.json']);
  });

  it.each(['bootstrap', 'production', 'staging'])('%s is byte for byte the golden copy', (stack) => {
    const synthesized = readFileSync(path.join(outdir, 'stacks', stack, 'cdk.tf.json'), 'utf8');
    const golden = readFileSync(path.join(GOLDEN, `${stack}.cdk.tf.json`), 'utf8');
    // toBe on the whole text would print 100 kB; compare line by line first for a readable diff.
    expect(synthesized.split('\n')).toEqual(golden.split('\n'));
    expect(synthesized).toBe(golden);
  });
});
