/**
 * Placeholders: the values `npm run env:new` cannot know for a new environment (its domains, the
 * origins its API accepts). Each is a string that starts with PLACEHOLDER and says what to write;
 * validation refuses it with one problem naming the field and what the field takes, instead of
 * the field's own format errors (and the errors of the checks that read it).
 */
import { z } from 'zod';
import type { ConfigProblem } from './errors';
import { renderValue } from './errors';

/** How every placeholder starts. */
export const PLACEHOLDER = 'TODO(env:new)';

/** A placeholder saying what to write, e.g. `placeholder('the domain of qa, e.g. qa.example.com')`. */
export function placeholder(what: string): string {
  return `${PLACEHOLDER}: ${what}`;
}

/** Whether a value is a placeholder. */
export function isPlaceholder(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith(PLACEHOLDER);
}

/**
 * Every placeholder in raw settings, with its dotted path (`application.backendCorsOrigins.0`).
 * Only plain objects and arrays are walked, each once (a data file may hold anything, cycles too).
 */
export function placeholdersIn(raw: unknown, at: readonly string[] = [], seen = new WeakSet<object>()): { path: string; value: string }[] {
  if (isPlaceholder(raw)) return [{ path: at.join('.'), value: raw }];
  if (raw === null || typeof raw !== 'object' || seen.has(raw)) return [];
  const proto: unknown = Object.getPrototypeOf(raw);
  if (!Array.isArray(raw) && proto !== Object.prototype && proto !== null) return [];
  seen.add(raw);
  return Object.entries(raw).flatMap(([key, value]) => placeholdersIn(value, [...at, key], seen));
}

/** The description of the field at a dotted path of an object schema (or of the nearest field above it that has one). */
export function fieldDescription(schema: z.ZodType, path: string): string | undefined {
  let node: z.ZodType | undefined = schema;
  let found = schema.description;
  for (const key of path.split('.')) {
    while (node instanceof z.ZodOptional || node instanceof z.ZodDefault) node = node.unwrap() as z.ZodType;
    if (node instanceof z.ZodPipe) node = node.in as z.ZodType;
    node = node instanceof z.ZodObject ? (node.shape as Record<string, z.ZodType>)[key] : node instanceof z.ZodArray ? (node.element as z.ZodType) : undefined;
    if (node === undefined) break;
    found = node.description ?? found;
  }
  return found;
}

/**
 * The problems of settings that hold placeholders: one per placeholder (first), then the others
 * except those a placeholder causes (on its path, or showing it in their value or message).
 */
export function withPlaceholders(schema: z.ZodType, raw: unknown, problems: readonly ConfigProblem[]): ConfigProblem[] {
  const found = placeholdersIn(raw);
  if (found.length === 0) return [...problems];
  const caused = (p: ConfigProblem) => found.some((f) => p.path === f.path) || p.value.includes(PLACEHOLDER) || p.message.includes(PLACEHOLDER);
  return [
    ...found.map((f) => ({
      path: f.path,
      value: renderValue(f.value),
      message: `is a placeholder left by npm run env:new; set this environment's own value. The field: ${fieldDescription(schema, f.path) ?? 'see docs/environment-settings.md'}`,
    })),
    ...problems.filter((p) => !caused(p)),
  ];
}
