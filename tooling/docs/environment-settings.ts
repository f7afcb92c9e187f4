/**
 * docs/environment-settings.md, generated from the zod schemas of an environment file and of
 * environments/bootstrap.ts (zod's JSON Schema export): every setting's path, type, allowed
 * values or bounds, default and description (`.describe()` on the field). `npm run docs` writes
 * it; __tests__/repository/docs-generated.test.ts fails when the committed page is stale.
 *
 * JSON Schema cannot say everything the schemas check (a refinement such as "one CIDR per
 * availability zone" is code): those checks are listed, with their sources, in
 * docs/environment-checks.md.
 */
import { z } from 'zod';
import { bootstrapConfigSchema, environmentConfigSchema } from '../../environments/schema';

/** The part of JSON Schema (draft 2020-12) that zod writes for these schemas. */
export interface JsonSchema {
  readonly type?: string | readonly string[];
  readonly description?: string;
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly items?: JsonSchema;
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly anyOf?: readonly JsonSchema[];
  readonly oneOf?: readonly JsonSchema[];
  readonly default?: unknown;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly exclusiveMaximum?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly pattern?: string;
}

/** One row of the page: one setting. */
export interface SettingRow {
  /** Path in the file; `[]` stands for every item of a list. */
  readonly path: string;
  readonly type: string;
  readonly required: boolean;
  /** Allowed values or bounds, empty when any value of the type is accepted. */
  readonly allowed: string;
  readonly defaultValue?: string;
  readonly description?: string;
}

/** The JSON Schema of a zod schema as the page describes it: what a file may contain (zod's input side). */
export function jsonSchemaOf(schema: z.ZodType): JsonSchema {
  const root = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  const defs = (root.$defs ?? {}) as Record<string, unknown>;
  // A schema registered with an id (`.meta({ id })`) is written once under $defs and referenced: inline it.
  const inline = (node: unknown, seen: readonly string[]): unknown => {
    if (Array.isArray(node)) return node.map((n) => inline(n, seen));
    if (node === null || typeof node !== 'object') return node;
    const { $ref, $defs: _defs, ...rest } = node as Record<string, unknown>;
    const entries = Object.entries(rest).map(([k, v]) => [k, inline(v, seen)] as const);
    if (typeof $ref !== 'string') return Object.fromEntries(entries);
    const id = $ref.replace(/^#\/\$defs\//, '');
    if (!(id in defs) || seen.includes(id)) throw new Error(`cannot inline ${$ref} in the environment schema`);
    return { ...(inline(defs[id], [...seen, id]) as object), ...Object.fromEntries(entries) };
  };
  return inline(root, []) as JsonSchema;
}

const literal = (v: unknown): string => `\`${JSON.stringify(v)}\``;

function variants(schema: JsonSchema): readonly JsonSchema[] {
  return schema.oneOf ?? schema.anyOf ?? [];
}

/** The type of a setting in the words of an environment file. */
function typeOf(schema: JsonSchema): string {
  const alternatives = variants(schema);
  if (alternatives.length > 0) return [...new Set(alternatives.map(typeOf))].join(' or ');
  const type = Array.isArray(schema.type) ? schema.type.join(' or ') : (schema.type as string | undefined);
  if (type === 'array') return `list of ${schema.items ? typeOf(schema.items) : 'any'}`;
  return type ?? 'any';
}

/** Bounds of a number, a string's length or a list's length; zod's safe-integer limits go without saying. */
function bounds(unit: string, lowest?: number, highest?: number): string[] {
  const min = lowest === Number.MIN_SAFE_INTEGER ? undefined : lowest;
  const max = highest === Number.MAX_SAFE_INTEGER ? undefined : highest;
  const of = (n: number) => (unit === ' items' && n === 1 ? `${n} item` : `${n}${unit}`);
  if (min !== undefined && max !== undefined) return [min === max ? `exactly ${of(min)}` : `${min} to ${of(max)}`];
  if (min !== undefined) return [`at least ${of(min)}`];
  if (max !== undefined) return [`at most ${of(max)}`];
  return [];
}

/** Allowed values or bounds of one schema node (not of its children). */
function allowedOf(schema: JsonSchema): string {
  const alternatives = variants(schema);
  if (alternatives.length > 0 && alternatives.every((a) => a.const !== undefined)) return `one of ${alternatives.map((a) => literal(a.const)).join(', ')}`;
  const parts: string[] = [];
  if (schema.const !== undefined) parts.push(`only ${literal(schema.const)}`);
  if (schema.enum) parts.push(`one of ${schema.enum.map(literal).join(', ')}`);
  parts.push(...bounds('', schema.minimum, schema.maximum));
  if (schema.exclusiveMinimum !== undefined) parts.push(`greater than ${schema.exclusiveMinimum}`);
  if (schema.exclusiveMaximum !== undefined) parts.push(`less than ${schema.exclusiveMaximum}`);
  parts.push(...bounds(' characters', schema.minLength, schema.maxLength));
  parts.push(...bounds(' items', schema.minItems, schema.maxItems));
  if (schema.pattern !== undefined) parts.push(`matches \`${schema.pattern}\``);
  return parts.join('; ');
}

/** A discriminated variant's condition, e.g. `type = "cloud"`, from its constant properties. */
function conditionOf(variant: JsonSchema): string {
  const constants = Object.entries(variant.properties ?? {}).filter(([, p]) => p.const !== undefined);
  return constants.map(([k, p]) => `${k} = ${JSON.stringify(p.const)}`).join(', ');
}

/** Every setting of a schema, depth first in the schema's order. */
export function settingRows(schema: JsonSchema, prefix = '', required = true, condition = ''): SettingRow[] {
  const rows: SettingRow[] = [];
  const note = (description?: string) => [condition && `(when ${condition})`, description].filter(Boolean).join(' ') || undefined;
  const row = (node: JsonSchema, isRequired: boolean): SettingRow => ({
    path: prefix,
    type: typeOf(node),
    required: isRequired,
    allowed: allowedOf(node),
    ...(node.default !== undefined ? { defaultValue: literal(node.default) } : {}),
    ...(note(node.description) ? { description: note(node.description) } : {}),
  });
  const objectVariants = variants(schema).filter((v) => v.properties);
  if (objectVariants.length > 0) {
    if (prefix) rows.push(row({ ...schema, oneOf: undefined, anyOf: undefined, type: 'object' }, required));
    // The properties that are a constant in every variant (the discriminator) get one row with every value.
    const discriminators = Object.keys(objectVariants[0].properties ?? {}).filter((k) => objectVariants.every((v) => v.properties?.[k]?.const !== undefined));
    for (const key of discriminators) {
      const path = prefix ? `${prefix}.${key}` : key;
      rows.push({ path, type: typeOf(objectVariants[0].properties![key]), required: true, allowed: `one of ${objectVariants.map((v) => literal(v.properties![key].const)).join(', ')}` });
    }
    for (const variant of objectVariants) {
      const when = [condition, conditionOf(variant)].filter(Boolean).join(', ');
      for (const [key, child] of Object.entries(variant.properties ?? {})) {
        if (discriminators.includes(key)) continue;
        rows.push(...settingRows(child, prefix ? `${prefix}.${key}` : key, (variant.required ?? []).includes(key), when));
      }
    }
    return rows;
  }
  if (schema.properties) {
    if (prefix) rows.push(row(schema, required));
    for (const [key, child] of Object.entries(schema.properties)) {
      const childRequired = (schema.required ?? []).includes(key);
      rows.push(...settingRows(child, prefix ? `${prefix}.${key}` : key, childRequired, condition));
    }
    return rows;
  }
  if (schema.type === 'array' && schema.items?.properties) {
    rows.push(row(schema, required));
    rows.push(...settingRows(schema.items, `${prefix}[]`, true, condition).filter((r) => r.path !== `${prefix}[]`));
    return rows;
  }
  rows.push(row(schema, required));
  return rows;
}

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function table(rows: readonly SettingRow[]): string[] {
  return [
    '| setting | type | allowed | default | description |',
    '|---|---|---|---|---|',
    ...rows.map((r) =>
      [
        `\`${r.path}\`${r.required ? '' : ' (optional)'}`,
        r.type,
        r.allowed ? cell(r.allowed) : '',
        r.defaultValue ? cell(r.defaultValue) : '',
        r.description ? cell(r.description) : '',
      ].join(' | '),
    ).map((line) => `| ${line} |`),
  ];
}

/**
 * The rows by section: the top-level settings that are not sections first (section ''), then each section
 * (a top-level object) with its settings, in the schema's order. A section's heading is its name, so
 * `environment-settings.md#database` links to it.
 */
export function sections(rows: readonly SettingRow[]): [section: string, rows: SettingRow[]][] {
  const sectionNames = new Set(rows.filter((r) => r.type === 'object' && !/[.[]/.test(r.path)).map((r) => r.path));
  const bySection = new Map<string, SettingRow[]>([['', []]]);
  for (const row of rows) {
    const top = row.path.split(/[.[]/)[0];
    const section = sectionNames.has(top) ? top : '';
    bySection.set(section, [...(bySection.get(section) ?? []), row]);
  }
  return [...bySection].filter(([, r]) => r.length > 0);
}

/** The page, as `npm run docs` writes it. */
export function renderEnvironmentSettingsPage(
  environment: JsonSchema = jsonSchemaOf(environmentConfigSchema),
  bootstrap: JsonSchema = jsonSchemaOf(bootstrapConfigSchema),
): string {
  const environmentRows = settingRows(environment);
  const bootstrapRows = settingRows(bootstrap);
  return [
    '# Environment settings',
    '',
    '<!-- Generated by `npm run docs` (tooling/docs/environment-settings.ts) from the zod schemas in environments/schema; do not edit. -->',
    '',
    `Every setting of an environment file (\`environments/<name>.ts\`, ${environmentRows.length} settings) and of`,
    `\`environments/bootstrap.ts\` (${bootstrapRows.length}), from the zod schemas' JSON Schema export. Every setting is required`,
    'unless marked optional; `[]` stands for each item of a list. The checks that a JSON Schema cannot express',
    '(one CIDR per availability zone, instance classes AWS offers, settings that depend on each other) are listed',
    'with their sources in [environment-checks.md](environment-checks.md); an invalid file stops synth with every',
    'problem at once. Each section of an environment file has its own table below.',
    '',
    '## Environment files',
    '',
    ...sections(environmentRows).flatMap(([section, rows]) => [`### ${section === '' ? 'Top level' : `\`${section}\``}`, '', ...table(rows), '']),
    '## The bootstrap stack',
    '',
    ...table(bootstrapRows),
    '',
  ].join('\n');
}
