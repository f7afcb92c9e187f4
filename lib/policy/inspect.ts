/**
 * Reading synthesized Terraform JSON: blocks that may be an object or a list,
 * references (`${aws_vpc.vpc_main.id}`), literal values versus values known only at
 * apply, and JSON documents (IAM policies, container definitions) kept as strings.
 */

export type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A nested block as a list: cdk.tf.json writes single blocks as objects and repeated ones as lists. */
export function blocks(value: unknown): Json[] {
  if (Array.isArray(value)) return value.filter(isObject);
  return isObject(value) ? [value] : [];
}

/** A value that may be one item or a list, as a list (IAM `Action`, `Resource`, ...). */
export function list(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** Whether the value contains a Terraform expression, i.e. is known only at plan or apply. */
export function isExpression(value: unknown): boolean {
  return typeof value === 'string' && value.includes('${');
}

/** Terraform addresses a value refers to, e.g. `aws_vpc.vpc_main` for `${aws_vpc.vpc_main.id}`. */
export function referencedAddresses(value: unknown): string[] {
  const text = typeof value === 'string' ? value : JSON.stringify(value ?? null);
  const found = new Set<string>();
  for (const [, expression] of text.matchAll(/\$\{([^}]*)\}/g)) {
    for (const [address] of expression.matchAll(/\b(data\.)?aws_[a-z0-9_]+\.[a-z0-9_]+/g)) found.add(address);
  }
  return [...found];
}

/** Whether `value` refers to the resource at `address`. */
export function refersTo(value: unknown, address: string): boolean {
  return referencedAddresses(value).includes(address);
}

/** Whether a boolean attribute is literally true (provider 5.100 types some ElastiCache flags as strings). */
export function isTrue(value: unknown): boolean {
  return value === true || value === 'true';
}

/** Whether a boolean attribute is literally false. */
export function isFalse(value: unknown): boolean {
  return value === false || value === 'false';
}

/** A value for a message: `not set`, `known only at apply (${...})`, or its JSON. */
export function shown(value: unknown): string {
  if (value === undefined || value === null) return 'not set';
  if (isExpression(value)) return `known only at apply (${String(value)})`;
  return JSON.stringify(value);
}

/** A JSON document held in a string attribute, or why it cannot be read at synth time. */
export function parseDocument(value: unknown): { document: unknown } | { unreadable: string } {
  if (typeof value !== 'string') return { unreadable: `it is ${shown(value)}, not a JSON string` };
  if (/^\$\{.*\}$/s.test(value.trim())) return { unreadable: `it is the expression ${value.trim()}, known only at plan` };
  try {
    return { document: JSON.parse(value) };
  } catch {
    return { unreadable: 'it is not valid JSON' };
  }
}

/** A number attribute, when it is a literal number. */
export function numberValue(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  return undefined;
}
