/**
 * Reading synthesized Terraform JSON (cdk.tf.json) for the diagrams: resources by type and
 * the `${type.name...}` references between them.
 */

export type TfResource = Record<string, any>;
export type TfJson = { readonly resource?: Record<string, Record<string, TfResource>> } & Record<string, any>;

/** A resource with its address (`type.name`). */
export interface Addressed {
  readonly address: string;
  readonly type: string;
  readonly name: string;
  readonly body: TfResource;
}

/** Every resource of a type, sorted by name (the JSON's order is not relied on). */
export function resourcesOf(json: TfJson, type: string): Addressed[] {
  return Object.entries(json.resource?.[type] ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, body]) => ({ address: `${type}.${name}`, type, name, body }));
}

/** Every resource of the stack, by type then name. */
export function allResources(json: TfJson): Addressed[] {
  return Object.keys(json.resource ?? {})
    .sort()
    .flatMap((type) => resourcesOf(json, type));
}

const REFERENCE = /\$\{([a-z][a-z0-9_]*)\.([A-Za-z0-9_-]+)/g;

/** The resource addresses (`type.name`) a value refers to through `${...}`, in order, without repeats. */
export function references(value: unknown): string[] {
  const found = new Set<string>();
  const walk = (v: unknown): void => {
    if (typeof v === 'string') {
      for (const m of v.matchAll(REFERENCE)) if (m[1] !== 'var' && m[1] !== 'local' && m[1] !== 'data') found.add(`${m[1]}.${m[2]}`);
    } else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.entries(v).forEach(([k, x]) => k !== '//' && walk(x));
  };
  walk(value);
  return [...found];
}

/** The one resource a value refers to, if exactly one. */
export function reference(value: unknown): string | undefined {
  const refs = references(value);
  return refs.length === 1 ? refs[0] : undefined;
}

/** A value as a list (Terraform JSON writes a single block as an object or a list). */
export function list<T = any>(value: unknown): T[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]) as T[];
}

/** Parses a JSON string attribute (policies, container definitions); undefined when it is not JSON. */
export function parseJson(value: unknown): any {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}
