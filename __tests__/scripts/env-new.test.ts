/**
 * npm run env:new (scripts/env-new.ts, tooling/environments/new-environment.ts), run in memory: the
 * repository's registry file is read from disk, what the scaffold writes goes to a map. The
 * written file is type-checked against the real schema (a TypeScript program over the repository
 * with the written files laid over it), evaluated, refused while its placeholders are there,
 * accepted once they are set, and synthesized with the other stacks.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { ENVIRONMENTS } from '../../environments';
import { loadSettings } from '../../environments/load';
import { PLACEHOLDER, validateEnvironmentConfig } from '../../environments/schema';
import { runSynth } from '../../stacks/app';
import { cli } from '../../scripts/env-new';
import { addToRegistry, environmentFile, type Files, newEnvironment, REGISTRY_FILE, toSource } from '../../tooling/environments/new-environment';
import { tempDir } from '../support/temp';
import { withPlaceholdersSet } from '../support/placeholders';
import { REPO_ROOT } from '../support/paths';

const ROOT = REPO_ROOT;

/** The project's files as read from disk (less `absent`), with the writes kept in memory. */
function memoryFiles(absent: readonly string[] = []): Files & { written: Map<string, string> } {
  const written = new Map<string, string>();
  return {
    written,
    read: (file) => written.get(file) ?? readFileSync(path.join(ROOT, file), 'utf8'),
    exists: (file) => written.has(file) || (!absent.includes(file) && ts.sys.fileExists(path.join(ROOT, file))),
    write: (file, content) => void written.set(file, content),
  };
}

/** A name of no registered environment. */
const NEW = ['qa', 'uat', 'perf', 'sandbox'].find((n) => !(n in ENVIRONMENTS)) as string;

async function run(argv: string[], registry: Readonly<Record<string, unknown>> = ENVIRONMENTS, absent: readonly string[] = []) {
  const files = memoryFiles(absent);
  const out: string[] = [];
  const err: string[] = [];
  const code = await cli(argv, { out: (t) => out.push(t), err: (t) => err.push(t), files, registry });
  return { code, out: out.join(''), err: err.join(''), files };
}

/** The exported settings of a written environment file, evaluated as TypeScript compiles it. */
function evaluate(source: string): Record<string, any> {
  const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
  const exports: Record<string, unknown> = {};
  new Function('exports', 'require', js)(exports, () => ({}));
  const [value] = Object.values(exports);
  return value as Record<string, any>;
}

/** The repository's own files as parsed by the first type check, for the next one (they do not change between cases). */
const parsed = new Map<string, ts.SourceFile>();

/**
 * tsc's errors in the `overlay` files (relative path to content), laid over the repository: the files
 * written and everything they import are compiled, and the written files are checked (the whole project
 * is type-checked by npm test's own tsc run).
 */
function typeErrors(overlay: ReadonlyMap<string, string>): string[] {
  const config = ts.getParsedCommandLineOfConfigFile(path.join(ROOT, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined });
  if (!config) throw new Error('tsconfig.json could not be read');
  const files = new Map([...overlay].map(([file, content]) => [path.join(ROOT, file), content]));
  const options = { ...config.options, noEmit: true, incremental: false };
  const host = ts.createCompilerHost(options);
  const { fileExists, readFile, getSourceFile } = host;
  host.fileExists = (f) => files.has(f) || fileExists(f);
  host.readFile = (f) => files.get(f) ?? readFile(f);
  host.getSourceFile = (f, language, ...rest) => {
    if (files.has(f)) return ts.createSourceFile(f, files.get(f) as string, language);
    const known = parsed.get(f) ?? getSourceFile(f, language, ...rest);
    if (known) parsed.set(f, known);
    return known;
  };
  const program = ts.createProgram([...files.keys()], options, host);
  const written = [...files.keys()].map((f) => program.getSourceFile(f)).filter((f): f is ts.SourceFile => f !== undefined);
  expect(written).toHaveLength(files.size);
  const diagnostics = [
    ...program.getOptionsDiagnostics(),
    ...program.getGlobalDiagnostics(),
    ...written.flatMap((f) => [...program.getSyntacticDiagnostics(f), ...program.getSemanticDiagnostics(f)]),
  ];
  return diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

describe('the type check of a written file', () => {
  it('reports the errors of a written file: an import that does not exist, a value of the wrong type', () => {
    const errors = typeErrors(new Map([[environmentFile('broken'), "import { nothing } from './index';\nexport const size: number = nothing ?? 'large';\n"]]));
    expect(errors).toEqual([`Module '"./index"' has no exported member 'nothing'.`]);
    expect(typeErrors(new Map([[environmentFile('broken'), "export const size: number = 'large';\n"]]))).toEqual(["Type 'string' is not assignable to type 'number'."]);
  });
});

describe.each(Object.keys(ENVIRONMENTS))('npm run env:new -- <new> --from %s', (from) => {
  let result: Awaited<ReturnType<typeof run>>;
  beforeAll(async () => {
    result = await run([NEW, '--from', from]);
  });
  const source = () => result.files.written.get(environmentFile(NEW)) as string;
  const config = () => evaluate(source());

  it('writes the environment file and its registry line, and says so first', () => {
    expect(result.code).toBe(0);
    expect([...result.files.written.keys()]).toEqual([environmentFile(NEW), REGISTRY_FILE]);
    expect(result.out.split('\n')[0]).toBe(`Created environment "${NEW}" from ${from}: ${environmentFile(NEW)} and ${REGISTRY_FILE} written.`);
    expect(result.out.split('\n').filter((l) => l.length > 120)).toEqual([]);
    expect(result.files.written.get(REGISTRY_FILE)).toContain(`import { ${NEW} } from './${NEW}';`);
  });

  it('writes a file that type-checks against the schema, with the registry that lists it', () => {
    expect(typeErrors(result.files.written)).toEqual([]);
  });

  it('is refused while the placeholders are there, one problem each naming the field and what it takes', () => {
    let message = '';
    try {
      loadSettings({ environments: { ...ENVIRONMENTS, [NEW]: config() } });
    } catch (e) {
      message = (e as Error).message;
    }
    const lines = message.split('\n').filter((l) => l.startsWith('  - '));
    expect(lines.map((l) => l.split(' = ')[0])).toEqual(
      ['domain', 'backendDomain', 'frontendHost', 'backendCorsOrigins.0'].map((f) => `  - ${NEW}.application.${f}`),
    );
    expect(lines[0]).toMatch(new RegExp(`= "${PLACEHOLDER.replace(/[()]/g, '\\$&')}: the base domain of ${NEW}, e\\.g\\. ${NEW}\\.example\\.com": is a placeholder left by npm run env:new; set this environment's own value\\. The field: The environment's base domain`));
  });

  it('validates beside the others once they are set, in a free range, under its own names, referencing the OIDC provider', () => {
    const settings = loadSettings({ environments: { ...ENVIRONMENTS, [NEW]: withPlaceholdersSet(config(), NEW) } });
    const created = settings.environments.find((e) => e.name === NEW);
    const original = validateEnvironmentConfig(from, ENVIRONMENTS[from]);
    expect(created?.projectName).not.toBe(original.projectName);
    expect(created?.network.vpcCidr).not.toBe(original.network.vpcCidr);
    expect(created?.github.createOidcProvider).toBe(false);
    expect(created?.policyExceptions).toEqual([]);
    expect(created?.database).toEqual(original.database);
  });

  it('lists the exceptions it did not copy, for the user to re-approve', () => {
    const exceptions = original(from).policyExceptions as { rule: string; resource: string }[];
    for (const e of exceptions) expect(result.out).toContain(`  ${e.rule} on ${e.resource}: `);
    if (exceptions.length > 0) expect(result.out).toContain(`${exceptions.length} policy exception`);
    else expect(result.out).not.toContain('policy exception');
  });

  it('synthesizes with the other stacks once the placeholders are set and the exceptions re-approved', () => {
    const ready = { ...withPlaceholdersSet(config(), NEW), policyExceptions: original(from).policyExceptions };
    const outdir = tempDir('env-new-');
    const lines: string[] = [];
    expect(runSynth(() => loadSettings({ environments: { ...ENVIRONMENTS, [NEW]: ready } }), { outdir, stderr: (l) => lines.push(l) })).toBe(0);
    expect(ts.sys.fileExists(path.join(outdir, 'stacks', NEW, 'cdk.tf.json'))).toBe(true);
    expect(lines.filter((l) => l.startsWith('Synth refused'))).toEqual([]);
  });
});

function original(name: string): Record<string, any> {
  return ENVIRONMENTS[name] as Record<string, any>;
}

describe('npm run env:new: what it refuses', () => {
  it.each([
    [['--help'], 0, 'usage: npm run env:new -- <name> --from <env>'],
    [[NEW, '--from', 'staging', '--colour'], 2, 'env:new: unknown option --colour'],
    [[NEW], 2, 'env:new: --from <env> is required'],
    [[], 2, 'env:new: missing <name>'],
    [['Not_A_Name', '--from', 'staging'], 1, 'env:new: "Not_A_Name" cannot name an environment: it must be lower-case letters, digits and dashes'],
    [['staging', '--from', 'staging'], 1, 'env:new: environment "staging" exists already (environments/staging.ts); choose another name'],
    [['bootstrap', '--from', 'staging'], 1, 'env:new: "bootstrap" is the name of the bootstrap stack; choose another name'],
    [[NEW, '--from', 'no-such-env'], 1, `env:new: unknown environment "no-such-env" to copy; the environments are ${Object.keys(ENVIRONMENTS).join(', ')}`],
  ])('%j exits %d: %s', async (argv, code, first) => {
    const r = await run(argv as string[]);
    expect(r.code).toBe(code);
    expect((code === 0 ? r.out : r.err).split('\n')[0]).toContain(first);
    expect(r.files.written.size).toBe(0);
  });

  it('refuses a project name that would collide with another environment, writing nothing', async () => {
    const staging = original('staging');
    const r = await run([NEW, '--from', 'staging', '--project-name', String(staging.projectName)]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`env:new: ${environmentFile(NEW)} was not written: with it, the settings would have these problems:\n  - ${NEW}.projectName = "${String(staging.projectName)}": gives names that environment "staging"`);
    expect(r.files.written.size).toBe(0);
  });

  it('finds a range for a second and a third new environment too', () => {
    const first = newEnvironment({ name: 'aa', from: 'staging', registry: ENVIRONMENTS });
    const second = newEnvironment({ name: 'bb', from: 'staging', registry: { ...ENVIRONMENTS, aa: withPlaceholdersSet(first.config, 'aa') } });
    expect(second.config.network.vpcCidr).not.toBe(first.config.network.vpcCidr);
  });
});

describe('the registry edit and the source writer', () => {
  it('adds the import and the entry; a dashed name gets a camel-case constant', () => {
    const registry = "import { b } from './b';\nimport { a } from './a';\n\nexport const ENVIRONMENTS: Readonly<Record<string, unknown>> = { a, b };\n";
    expect(addToRegistry(registry, 'qa-eu')).toBe(
      "import { b } from './b';\nimport { a } from './a';\nimport { qaEu } from './qa-eu';\n\nexport const ENVIRONMENTS: Readonly<Record<string, unknown>> = { a, b, 'qa-eu': qaEu };\n",
    );
    expect(() => addToRegistry('export const OTHER = {};', 'qa')).toThrow("add import { qa } from './qa'; and the entry qa by hand");
  });

  it('writes values TypeScript reads back unchanged', () => {
    const value = { a: "it's", 'b-c': [1, true, 'x\\y'], nested: { list: [] as unknown[], deep: { n: 0 } } };
    expect(evaluate(`export const v = ${toSource(value)};`)).toEqual(value);
  });
});

describe('README "Add an environment"', () => {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### Add an environment'), readme.indexOf('\n## ', readme.indexOf('### Add an environment')));

  it('shows env:new, and its example works verbatim on the registry it describes', async () => {
    const command = /^npm run env:new -- (.+)$/m.exec(section);
    expect(command).not.toBeNull();
    const argv = (command as RegExpExecArray)[1].split(' ');
    // The example adds an environment the repository does not have yet (once a user has followed it, as if it had not).
    const registry = Object.fromEntries(Object.entries(ENVIRONMENTS).filter(([name]) => name !== argv[0]));
    const r = await run(argv, registry, [environmentFile(argv[0])]);
    expect([r.code, r.err]).toEqual([0, '']);
    expect(section).toContain(r.out.split('\n')[0]);
  });
});
