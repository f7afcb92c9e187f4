/**
 * A setting has one home (issue 24): its type, bounds, description and checks are written once, in
 * its section's zod schema (environments/schema/<section>.ts); a construct or stack takes the
 * section's `z.output` type (`DatabaseSettings`, ...) or a `Pick` of it, and restates nothing.
 *
 * Read with the TypeScript compiler API, every source file of constructs/ and stacks/ must not
 * - declare a property (of an interface or a type literal) that restates a schema field: its name is
 *   a field of the section the file is the home of (constructs/database.ts: `database`, ...), or of
 *   the section its parent property is named after (`application: { backendDomain: string }`), and
 *   its type is written out rather than taken from a schema type (`ApplicationSettings['...']`);
 * - carry a JSDoc comment that repeats a setting's `.describe()` text: equal to one, or containing
 *   one of its sentences of six words or more.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { bootstrapConfigSchema } from '../../environments/schema';
import { environmentFields } from '../../environments/schema/environment-fields';
import { jsonSchemaOf, type JsonSchema } from '../../tooling/docs/environment-settings';
import { REPO_ROOT } from '../support/paths';
import { sourceFiles } from '../support/repository-files';

const ROOT = REPO_ROOT;
const SCANNED = ['constructs', 'stacks'];

// ---------------------------------------------------------------- the schemas

// Read through zod's JSON Schema export, as the settings page is (tooling/docs/environment-settings.ts).

/** The schemas a node stands for beyond its own fields: a list's items, the options of a union. */
const inner = (schema: JsonSchema): JsonSchema[] => [...(schema.items ? [schema.items] : []), ...(schema.anyOf ?? []), ...(schema.oneOf ?? [])];

/** The fields of an object schema, through lists and the options of a union (merged). */
function fieldsOf(schema: JsonSchema): Map<string, JsonSchema> {
  if (schema.properties) return new Map(Object.entries(schema.properties));
  return new Map(inner(schema).flatMap((c) => [...fieldsOf(c)]));
}

/** What a field holds: a group of fields, or a value. */
export type FieldKind = 'object' | 'value';

/** Every field name at any depth under a schema, with what it holds (a value where a name is both). */
function fieldNamesUnder(schema: JsonSchema, into: Map<string, FieldKind> = new Map()): Map<string, FieldKind> {
  for (const [name, field] of fieldsOf(schema)) {
    const kind = fieldsOf(field).size > 0 ? 'object' : 'value';
    if (into.get(name) !== 'value') into.set(name, kind);
    fieldNamesUnder(field, into);
  }
  return into;
}

/** Every `.describe()` text under a schema. */
function descriptionsUnder(schema: JsonSchema, into: Set<string> = new Set()): Set<string> {
  if (schema.description) into.add(schema.description);
  for (const field of fieldsOf(schema).values()) descriptionsUnder(field, into);
  for (const child of inner(schema)) descriptionsUnder(child, into);
  return into;
}

/** Field names by section: each section of an environment, and `bootstrap` (the bootstrap stack's settings). */
export type Sections = ReadonlyMap<string, ReadonlyMap<string, FieldKind>>;

const ENVIRONMENT = jsonSchemaOf(environmentFields);
const BOOTSTRAP = jsonSchemaOf(bootstrapConfigSchema);

function schemaSections(): Sections {
  const sections = new Map<string, Map<string, FieldKind>>();
  for (const [name, field] of fieldsOf(ENVIRONMENT)) if (fieldsOf(field).size > 0) sections.set(name, fieldNamesUnder(field));
  sections.set('bootstrap', fieldNamesUnder(BOOTSTRAP));
  sections.set('bootstrap.pipeline', fieldNamesUnder(fieldsOf(BOOTSTRAP).get('pipeline')!));
  return sections;
}

// ---------------------------------------------------------------- the sources

/** `load-balancer` -> `loadBalancer`: a file named after its section. */
const camel = (kebab: string): string => kebab.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** The files whose home section their name cannot say (constructs/iam.ts holds the `github` section's deploy role). */
const HOME_OF: Readonly<Record<string, string>> = {
  'constructs/iam.ts': 'github',
  'constructs/web-service.ts': 'ecs',
  'constructs/state-storage.ts': 'bootstrap',
  'constructs/pipeline-roles.ts': 'bootstrap.pipeline',
  'stacks/bootstrap-stack.ts': 'bootstrap',
  'stacks/state-backend.ts': 'stateBackend',
  'stacks/deployment-variables.ts': 'application',
};

/** The section a source file is the home of, if any. */
export function homeSection(file: string, sections: Sections): string | undefined {
  if (HOME_OF[file]) return HOME_OF[file];
  const named = camel(path.basename(file, '.ts'));
  return sections.has(named) ? named : undefined;
}

/** One finding, as `file:line: what`. */
export interface Finding {
  readonly file: string;
  readonly line: number;
  readonly message: string;
}
const render = (f: Finding): string => `${f.file}:${f.line}: ${f.message}`;

function lineOf(source: ts.SourceFile, node: ts.Node): number {
  return source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
}

/** The names a file imports from environments/schema (a type built from them is derived, not restated). */
function schemaImports(source: ts.SourceFile): Set<string> {
  const names = new Set<string>();
  for (const statement of source.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
    if (!/environments\/schema(\/|$)/.test(statement.moduleSpecifier.text)) continue;
    const bindings = statement.importClause?.namedBindings;
    if (bindings && ts.isNamedImports(bindings)) for (const element of bindings.elements) names.add(element.name.text);
  }
  return names;
}

/** Whether a type node is built from a schema type (`CacheSettings['x']`, `Pick<ApplicationSettings, 'y'>`). */
function derivedFromSchema(type: ts.TypeNode | undefined, imported: ReadonlySet<string>): boolean {
  let found = false;
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node) && imported.has(node.text)) found = true;
    else node.forEachChild(visit);
  };
  if (type) visit(type);
  return found;
}

/** The name of the property whose type a type literal is, if it is one. */
function parentPropertyName(literal: ts.TypeLiteralNode): string | undefined {
  let node: ts.Node = literal.parent;
  while (ts.isArrayTypeNode(node) || ts.isTypeOperatorNode(node) || ts.isParenthesizedTypeNode(node) || ts.isUnionTypeNode(node)) node = node.parent;
  return (ts.isPropertySignature(node) || ts.isPropertyDeclaration(node) || ts.isParameter(node)) && ts.isIdentifier(node.name) ? node.name.text : undefined;
}

/** The properties of a source file's interfaces and type literals that restate a schema field. */
export function restatedFields(file: string, text: string, sections: Sections): Finding[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const imported = schemaImports(source);
  const home = homeSection(file, sections);
  const findings: Finding[] = [];
  const check = (members: ts.NodeArray<ts.TypeElement>, section: string | undefined, owner: string): void => {
    const fields = section === undefined ? undefined : sections.get(section);
    if (!fields) return;
    for (const member of members) {
      if (!ts.isPropertySignature(member) || !ts.isIdentifier(member.name)) continue;
      const kind = fields.get(member.name.text);
      if (kind === undefined || derivedFromSchema(member.type, imported)) continue;
      // A group typed by a named interface (`backend: BackendRefs`) is that interface's: its own properties are judged.
      if (kind === 'object' && member.type !== undefined && ts.isTypeReferenceNode(member.type)) continue;
      findings.push({
        file,
        line: lineOf(source, member),
        message: `${owner}.${member.name.text} restates a field of the \`${section}\` settings: take its type from the schema (environments/schema/)`,
      });
    }
  };
  const visit = (node: ts.Node): void => {
    if (ts.isInterfaceDeclaration(node)) check(node.members, home, node.name.text);
    if (ts.isTypeLiteralNode(node)) {
      const parent = parentPropertyName(node);
      // A literal typed for a property named after a section (`application: {...}`) is judged by that section.
      check(node.members, parent !== undefined && sections.has(parent) ? parent : home, parent ?? 'type literal');
    }
    node.forEachChild(visit);
  };
  visit(source);
  return findings;
}

/** Lower case, single spaces, no backticks or final period: two texts that say the same compare equal. */
const normalize = (text: string): string =>
  text
    .replace(/[`*]/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/\.$/, '')
    .toLowerCase();

/** The sentences of a description of six words or more (shorter ones, "Alarm thresholds.", may recur by chance). */
function longSentences(description: string): string[] {
  return normalize(description)
    .split(/(?<=\.)\s+/)
    .map((s) => s.replace(/\.$/, ''))
    .filter((s) => s.split(' ').length >= 6);
}

/** The JSDoc comments of a source file that repeat a `.describe()` text. */
export function restatedDescriptions(file: string, text: string, descriptions: ReadonlySet<string>): Finding[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const whole = new Map([...descriptions].map((d) => [normalize(d), d]));
  const sentences = [...descriptions].flatMap((d) => longSentences(d).map((s) => [s, d] as const));
  const findings: Finding[] = [];
  const seen = new Set<number>();
  const visit = (node: ts.Node): void => {
    for (const doc of ts.getJSDocCommentsAndTags(node)) {
      if (!ts.isJSDoc(doc) || seen.has(doc.pos)) continue;
      seen.add(doc.pos);
      const comment = normalize(ts.getTextOfJSDocComment(doc.comment) ?? '');
      if (comment === '') continue;
      const repeated = whole.get(comment) ?? sentences.find(([s]) => comment.includes(s))?.[1];
      if (repeated !== undefined) {
        findings.push({ file, line: lineOf(source, doc), message: `a JSDoc comment repeats the schema's description "${repeated}": keep it in the schema's .describe() only` });
      }
    }
    node.forEachChild(visit);
  };
  visit(source);
  return findings;
}

// ---------------------------------------------------------------- the tests

/** The TypeScript files of the scanned folders, at any depth. */
const scannedFiles = (): string[] => sourceFiles().filter((f) => f.endsWith('.ts') && SCANNED.some((dir) => f.startsWith(`${dir}/`)));

describe('a setting has one home: the schema', () => {
  const sections = schemaSections();
  const descriptions = new Set([...descriptionsUnder(ENVIRONMENT), ...descriptionsUnder(BOOTSTRAP)]);
  const findings = scannedFiles().flatMap((file) => {
    const text = readFileSync(path.join(ROOT, file), 'utf8');
    return [...restatedFields(file, text, sections), ...restatedDescriptions(file, text, descriptions)];
  });

  it('reads the schemas it judges by (every section, and descriptions)', () => {
    expect([...sections.keys()]).toEqual(expect.arrayContaining(['network', 'database', 'cache', 'loadBalancer', 'application', 'github', 'ecs', 'stateBackend', 'bootstrap']));
    expect(sections.get('database')?.get('instanceClass')).toBe('value');
    expect(sections.get('database')?.get('cpuPercent')).toBe('value');
    expect(sections.get('database')?.get('alarms')).toBe('object');
    expect(descriptions.size).toBeGreaterThan(100);
  });

  it('no construct or stack restates a schema field or its description', () => {
    expect(scannedFiles()).toEqual(expect.arrayContaining(['constructs/database.ts', 'constructs/web-service.ts', 'stacks/platform-stack.ts']));
    expect(findings.map(render)).toEqual([]);
  });
});

describe('the restatement checks', () => {
  const sections: Sections = new Map<string, Map<string, FieldKind>>([
    ['database', new Map<string, FieldKind>([['instanceClass', 'value'], ['performanceInsights', 'object'], ['enabled', 'value'], ['retentionDays', 'value']])],
    ['application', new Map<string, FieldKind>([['backendDomain', 'value'], ['secretRecoveryWindowDays', 'value']])],
  ]);

  it('find a field restated in the home file of its section, at any depth, and under a property named after a section', () => {
    const text = [
      "import type { ApplicationSettings } from '../environments/schema/application';",
      'export interface DatabaseSettings {',
      '  readonly instanceClass: string;',
      '  readonly performanceInsights: { readonly enabled: boolean };',
      '}',
      'export interface DatabaseRefs {',
      '  readonly subnetIds: string[];',
      '  readonly performanceInsights: InsightsRefs;',
      "  readonly secretRecoveryWindowDays: ApplicationSettings['secretRecoveryWindowDays'];",
      "  readonly application: Pick<ApplicationSettings, 'backendDomain'>;",
      '}',
      'export interface OtherRefs { readonly application: { readonly backendDomain: string } }',
    ].join('\n');
    expect(restatedFields('constructs/database.ts', text, sections).map(render)).toEqual([
      'constructs/database.ts:3: DatabaseSettings.instanceClass restates a field of the `database` settings: take its type from the schema (environments/schema/)',
      'constructs/database.ts:4: DatabaseSettings.performanceInsights restates a field of the `database` settings: take its type from the schema (environments/schema/)',
      'constructs/database.ts:4: performanceInsights.enabled restates a field of the `database` settings: take its type from the schema (environments/schema/)',
      'constructs/database.ts:12: application.backendDomain restates a field of the `application` settings: take its type from the schema (environments/schema/)',
    ]);
  });

  it('find nothing in a file that is the home of no section, when no property is named after one', () => {
    const text = 'export interface Props { readonly instanceClass: string; readonly nested: { readonly enabled: boolean } }';
    expect(restatedFields('constructs/private-bucket.ts', text, sections)).toEqual([]);
  });

  it('find a JSDoc equal to a description, or holding one of its long sentences, and not a short one by chance', () => {
    const descriptions = new Set(['Whether Performance Insights is on.', 'Initial storage, GiB. RDS grows it up to maxAllocatedStorage when autoscaling is on.', 'Alarm thresholds.']);
    const text = [
      '/** whether `Performance Insights` is on */',
      'export const a = 1;',
      '/**',
      ' * The storage. RDS grows it up to maxAllocatedStorage when autoscaling is on.',
      ' */',
      'export const b = 2;',
      '/** Alarm thresholds, as the construct names them. */',
      'export const c = 3;',
    ].join('\n');
    expect(restatedDescriptions('stacks/x.ts', text, descriptions).map((f) => `${f.line}: ${f.message}`)).toEqual([
      `1: a JSDoc comment repeats the schema's description "Whether Performance Insights is on.": keep it in the schema's .describe() only`,
      `3: a JSDoc comment repeats the schema's description "Initial storage, GiB. RDS grows it up to maxAllocatedStorage when autoscaling is on.": keep it in the schema's .describe() only`,
    ]);
  });
});
