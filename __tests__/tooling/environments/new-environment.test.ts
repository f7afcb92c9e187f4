/**
 * The "done when" of issue 22: a new environment is one file plus its registry line. In a temporary
 * copy of the repository (its sources, docs and package files; node_modules linked), `env:new`
 * writes the file and the registry line on disk, the test fills the placeholders as a user edits the
 * file, and then the copy's own synth, docs generator, diagram generator and workflow environment list, loaded from the copy,
 * include the new environment with no other edit. (Its npm test is proven by hand in a clone:
 * see docs/testing.md, "A new environment".)
 */
import { cpSync, existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ENVIRONMENTS } from '../../../environments';
import { PLACEHOLDER } from '../../../environments/schema';
import { PROJECT_ROOT } from '../../../lib/project-root';
import { tempDir } from '../../support/temp';
import { cli as envNewCli } from '../../../scripts/env-new';
import { projectFiles } from '../../../tooling/environments/new-environment';

/** A name of no registered environment. */
const NEW = ['qa', 'uat', 'perf', 'sandbox'].find((n) => !(n in ENVIRONMENTS)) as string;
const FROM = Object.keys(ENVIRONMENTS)[0];
const COPIED = ['environments', 'lib', 'stacks', 'constructs', 'tooling', 'scripts', 'cost', 'docs', 'README.md', 'help', 'package.json', 'tsconfig.json', 'cdktf.json', 'main.ts'];

/** A module of the copy, loaded fresh (not the repository's own, which the registry import above has loaded). */
function fromCopy<T>(root: string, file: string): T {
  let loaded: T | undefined;
  jest.isolateModules(() => {
    loaded = require(path.join(root, file)) as T;
  });
  return loaded as T;
}

const quiet = { out: () => undefined, err: () => undefined };

describe(`a new environment (${NEW}, from ${FROM}) in a temporary copy of the repository`, () => {
  let root: string;
  let outdir: string;

  beforeAll(async () => {
    root = tempDir('new-env-repo-');
    for (const entry of COPIED) if (existsSync(path.join(PROJECT_ROOT, entry))) cpSync(path.join(PROJECT_ROOT, entry), path.join(root, entry), { recursive: true });
    symlinkSync(path.join(PROJECT_ROOT, 'node_modules'), path.join(root, 'node_modules'), 'dir');
    outdir = path.join(root, 'cdktf.out');

    // 1. The scaffold, writing into the copy. (The repository's own modules run it: jest keeps the first content it
    // reads of a file, so no module of the copy may be loaded before the copy holds the new environment.)
    expect(await envNewCli([NEW, '--from', FROM], { ...quiet, files: projectFiles(root) })).toBe(0);
    // 2. The user sets the placeholders, and edits nothing else.
    const file = path.join(root, 'environments', `${NEW}.ts`);
    const domain = `${NEW}.ohmycoins.example.com`;
    const values = [domain, `api.${domain}`, `https://dashboard.${domain}`, `https://dashboard.${domain}`];
    let source = readFileSync(file, 'utf8');
    for (const value of values) source = source.replace(new RegExp(`'${PLACEHOLDER.replace(/[()]/g, '\\$&')}[^']*'`), `'${value}'`);
    expect(source).not.toContain(PLACEHOLDER);
    writeFileSync(file, source);
  });

  it('is one new file and one registry line', () => {
    const registry = readFileSync(path.join(root, 'environments', 'index.ts'), 'utf8');
    expect(registry).toContain(`import { ${NEW} } from './${NEW}';`);
    const original = readFileSync(path.join(PROJECT_ROOT, 'environments', 'index.ts'), 'utf8');
    expect(registry.replace(`\nimport { ${NEW} } from './${NEW}';`, '').replace(`, ${NEW} }`, ' }')).toBe(original);
  });

  it('is synthesized by the copy, beside the other stacks', () => {
    const { loadSettings } = fromCopy<typeof import('../../../environments/load')>(root, 'environments/load.ts');
    const { runSynth } = fromCopy<typeof import('../../../stacks/app')>(root, 'stacks/app.ts');
    const lines: string[] = [];
    expect(runSynth(() => loadSettings({ env: {} }), { outdir, stderr: (l) => lines.push(l) })).toBe(0);
    expect(lines.filter((l) => l.startsWith('Synth refused'))).toEqual([]);
    for (const stack of [...Object.keys(ENVIRONMENTS), NEW, 'bootstrap']) expect(existsSync(path.join(outdir, 'stacks', stack, 'cdk.tf.json'))).toBe(true);
    const json = JSON.parse(readFileSync(path.join(outdir, 'stacks', NEW, 'cdk.tf.json'), 'utf8'));
    expect(json.terraform.backend.s3.key).toBe(`${NEW}/terraform.tfstate`);
  });

  it('is documented by the copy\'s docs generator: a column of the outputs and resource-count pages', async () => {
    const docs = fromCopy<typeof import('../../../scripts/docs')>(root, 'scripts/docs.ts');
    const write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      expect(await docs.cli([])).toBe(0);
    } finally {
      write.mockRestore();
    }
    const counts = readFileSync(path.join(root, 'docs', 'resource-counts.md'), 'utf8');
    expect(counts.split('\n').find((l) => l.startsWith('| construct'))).toContain(`| \`${NEW}\` |`);
    expect(readFileSync(path.join(root, 'docs', 'outputs.md'), 'utf8')).toContain(NEW);
    expect(readFileSync(path.join(PROJECT_ROOT, 'docs', 'outputs.md'), 'utf8')).not.toContain(` ${NEW} `);
  });

  it('is drawn by the copy\'s diagram generator, with its own section of docs/architecture.md', async () => {
    const diagram = fromCopy<typeof import('../../../scripts/diagram')>(root, 'scripts/diagram.ts');
    let out = '';
    expect(await diagram.cli([NEW, '--dir', outdir, '--format', 'mermaid'], { out: (t) => (out += t), err: () => undefined })).toBe(0);
    expect(out).toMatch(/^flowchart/m);
    expect(await diagram.cli(['--docs'], quiet)).toBe(0);
    expect(readFileSync(path.join(root, 'docs', 'architecture', `${NEW}.svg`), 'utf8')).toMatch(/^<svg|<\?xml/);
    expect(readFileSync(path.join(root, 'docs', 'architecture.md'), 'utf8')).toContain(`## ${NEW}\n\n[![${NEW}](architecture/${NEW}.svg)](architecture/${NEW}.svg)`);
  });

  it("is in every workflow's list, computed by the copy's `npm run environments` (the matrices' input)", () => {
    const { listEnvironments } = fromCopy<typeof import('../../../scripts/environments')>(root, 'scripts/environments.ts');
    const list = listEnvironments(undefined, '123456789012');
    const entry = list.environments.find((e) => e.name === NEW);
    const from = list.environments.find((e) => e.name === FROM);
    expect(entry).toBeDefined();
    // Copied from FROM: planned the same way, in GitHub environments of its own name.
    expect(entry?.productionLike).toBe(from?.productionLike);
    expect(entry?.pullRequestPlan).toBe(from?.pullRequestPlan);
    expect(entry?.github.apply).toBe(from?.github.apply.replace(FROM, NEW));
    expect(entry?.github.drift).toBe(from?.github.drift.replace(FROM, NEW));
    expect(list.names.split(',')).toContain(NEW);
    expect(list.planned.split(',')).toContain(NEW);
    const plans = entry?.pullRequestPlan === 'reviewed' ? list.reviewedPlans : list.pullRequestPlans;
    expect(plans.map((e) => e.name)).toContain(NEW);
  });
});
