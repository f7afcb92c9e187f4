/**
 * The one-way layers of .dependency-cruiser.cjs (environments -> stacks -> constructs -> lib, with
 * tooling/, cost/ and scripts/ beside them depending only downward), checked with dependency-cruiser's
 * own CLI (it is an ES module; jest runs CommonJS). Imports that still point the wrong way are
 * listed in .dependency-cruiser-known-violations.json; this test fails on any other, and on a
 * listed one that no longer occurs (delete it from the list), so the list only shrinks.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { tempDir } from '../support/temp';
import { REPO_ROOT } from '../support/paths';

const ROOT = REPO_ROOT;
const CONFIG = path.join(ROOT, '.dependency-cruiser.cjs');
const KNOWN = path.join(ROOT, '.dependency-cruiser-known-violations.json');
const SOURCES = ['main.ts', 'environments', 'stacks', 'constructs', 'lib', 'tooling', 'cost', 'scripts'];

interface Violation {
  readonly from: string;
  readonly to: string;
  readonly rule: { readonly name: string };
}

/** `depcruise` over `sources` in `cwd`: the rule violations, as `rule: from -> to`. */
function violations(cwd: string, sources: readonly string[]): string[] {
  const bin = path.join(ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');
  // Exit code 0 without --validate's error exit: the JSON holds the violations.
  const out = execFileSync(process.execPath, [bin, '--config', CONFIG, '--output-type', 'json', ...sources], { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const result = JSON.parse(out) as { summary: { violations: Violation[] } };
  return result.summary.violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`).sort();
}

describe('the layers of the project', () => {
  let found: string[];
  const known = (JSON.parse(readFileSync(KNOWN, 'utf8')) as Violation[]).map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`).sort();

  beforeAll(() => {
    found = violations(ROOT, SOURCES);
  });

  it('has no import that points the wrong way, beyond the known ones', () => {
    expect(found.filter((v) => !known.includes(v))).toEqual([]);
  });

  it('lists no known violation that is gone (remove it from .dependency-cruiser-known-violations.json)', () => {
    expect(known.filter((v) => !found.includes(v))).toEqual([]);
  });
});

describe('the layer rules', () => {
  // One synthetic project holds the cases of both tests below (their files import nothing of each
  // other's), so dependency-cruiser runs once; each test reads the violations of its own files.
  const dir = tempDir('layers-');
  const write = (file: string, text: string) => {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  };
  const FOLDERS = ['environments', 'lib', 'constructs', 'stacks', 'tooling', 'cost', 'scripts'];
  let found: string[];
  /** The violations from files written by one case. */
  const of = (files: readonly string[]) => found.filter((v) => files.some((f) => v.includes(`: ${f} -> `)));

  const DOWNWARD = {
    'lib/helper.ts': "import { Thing } from '../constructs/thing';\nexport const made = new Thing();\n",
    'constructs/thing.ts': "import type { Settings } from '../stacks/settings';\nexport class Thing { settings?: Settings; }\n",
    'stacks/settings.ts': 'export interface Settings { readonly name: string }\n',
    'tooling/tool.ts': "import { run } from '../scripts/cli';\nexport const tool = run;\n",
    'scripts/cli.ts': 'export function run(): number { return 0; }\n',
    // cost/: its commands may use the command helpers of scripts/, its library may not, and no layer imports it.
    'cost/commands/estimate.ts': "import { run } from '../../scripts/cli';\nimport { price } from '../estimate/price';\nexport const estimate = run() + price;\n",
    'cost/estimate/price.ts': "import { run } from '../../scripts/cli';\nexport const price = run();\n",
    'lib/facts.ts': "import { price } from '../cost/estimate/price';\nexport const fact = price;\n",
  };
  const TYPES_ONLY = {
    'environments/schema/thing.ts': "import { LIMIT } from '../../constructs/typed';\nexport const limit = LIMIT;\nexport interface ThingSettings { readonly size: number }\n",
    'environments/load.ts': 'export interface Loaded { readonly all: boolean }\n',
    // A type-only import, closing a cycle with the schema's value import: allowed, and no cycle of the import order.
    'constructs/typed.ts': "import type { ThingSettings } from '../environments/schema/thing';\nexport const LIMIT = 3;\nexport class Typed { settings?: ThingSettings; }\n",
    'constructs/valued.ts': "import { limit } from '../environments/schema/thing';\nexport const twice = limit * 2;\n",
    'stacks/loaded.ts': "import type { Loaded } from '../environments/load';\nexport type Stack = Loaded;\n",
  };

  beforeAll(() => {
    write('tsconfig.json', JSON.stringify({ compilerOptions: { module: 'commonjs', strict: true } }));
    for (const [file, text] of Object.entries({ ...DOWNWARD, ...TYPES_ONLY })) write(file, text);
    found = violations(dir, FOLDERS);
  });

  it('refuse a helper importing a construct or the cost library, a construct importing a stack type, and the cost library importing a command helper', () => {
    expect(of(Object.keys(DOWNWARD))).toEqual([
      'constructs-imports-only-downward: constructs/thing.ts -> stacks/settings.ts',
      'cost-never-imports-commands: cost/estimate/price.ts -> scripts/cli.ts',
      'lib-imports-only-downward: lib/facts.ts -> cost/estimate/price.ts',
      'lib-imports-only-downward: lib/helper.ts -> constructs/thing.ts',
      'tooling-never-imports-scripts: tooling/tool.ts -> scripts/cli.ts',
    ]);
  });

  it('let constructs and stacks import types, and only types, from environments/schema/ (the settings types)', () => {
    expect(of(Object.keys(TYPES_ONLY))).toEqual([
      'constructs-imports-only-downward: constructs/valued.ts -> environments/schema/thing.ts',
      'stacks-imports-only-downward: stacks/loaded.ts -> environments/load.ts',
    ]);
  });

  it('report nothing beyond the cases', () => {
    expect(found.filter((v) => !of([...Object.keys(DOWNWARD), ...Object.keys(TYPES_ONLY)]).includes(v))).toEqual([]);
  });
});
