/**
 * What a cross-field check sees of an environment: a typed view that holds only the values their
 * own schema accepted.
 *
 * The checks run on every environment, valid or not (all problems are reported at once), so they
 * cannot read the parsed config: a field may be missing or of the wrong type. Instead of re-testing
 * each raw value, a check reads a `View` built from the schema itself:
 *  - objects are seen field by field;
 *  - lists entry by entry: a refused entry is undefined but does not hide the others nor the
 *    list's length, and the list as written (`written`) stays at hand to show in a problem;
 *  - any other value is present only when its schema accepts it, as that schema outputs it (host
 *    names and windows in lower case).
 * An optional field that is not set is present with the value `undefined` (its schema accepts
 * that); a refused one is absent (`isUnset` tells them apart). So a value refused by its own
 * schema raises that one problem, not a second one from a check that reads it.
 */
import { z } from 'zod';

/** The entries of a list its entry schema accepted (others undefined), and the list as written. */
export type ListView<E> = readonly (View<E> | undefined)[] & {
  /** The list as written, to show it in a problem about the whole list. */
  readonly written: readonly unknown[];
};

/** The part of a value of type `T` whose schema accepted it (see the file comment). */
export type View<T> = T extends readonly (infer E)[]
  ? ListView<E>
  : T extends object
    ? { readonly [K in keyof T]?: View<T[K]> }
    : T;

/** The view of a schema's output. */
export type ViewOf<S extends z.ZodType> = View<z.output<S>>;

/** The refinement context of a check. */
export type Ctx = z.core.$RefinementCtx<unknown>;

/** A problem's path, from the environment's root. */
export type Path = (string | number)[];

/** Reports one problem at `path` with the offending value. */
export function issue(ctx: Ctx, path: Path, input: unknown, message: string): void {
  ctx.addIssue({ code: 'custom', path, input, message });
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

type Seen = { readonly ok: true; readonly value: unknown } | { readonly ok: false };

function see(schema: z.ZodType, raw: unknown): Seen {
  if (schema instanceof z.ZodOptional || schema instanceof z.ZodDefault) {
    if (raw === undefined) {
      const result = schema.safeParse(raw);
      return result.success ? { ok: true, value: result.data } : { ok: false };
    }
    return see(schema.unwrap() as z.ZodType, raw);
  }
  if (schema instanceof z.ZodObject) {
    if (!isRecord(raw)) return { ok: false };
    const value: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(schema.shape as Record<string, z.ZodType>)) {
      const seen = see(field, raw[key]);
      if (seen.ok) value[key] = seen.value;
    }
    return { ok: true, value };
  }
  if (schema instanceof z.ZodArray) {
    if (!Array.isArray(raw)) return { ok: false };
    const entries = raw.map((entry) => {
      const seen = see(schema.element as z.ZodType, entry);
      return seen.ok ? seen.value : undefined;
    });
    return { ok: true, value: Object.defineProperty(entries, 'written', { value: raw, enumerable: false }) };
  }
  const result = schema.safeParse(raw);
  return result.success ? { ok: true, value: result.data } : { ok: false };
}

/** The view of `raw` through `schema`, or undefined when `raw` is not even of the schema's kind (object, list). */
export function viewOf<S extends z.ZodType>(schema: S, raw: unknown): ViewOf<S> | undefined {
  const seen = see(schema, raw);
  return seen.ok ? (seen.value as ViewOf<S>) : undefined;
}

/** Whether an optional field was left unset (and not set to a value its schema refuses). */
export function isUnset<T extends object>(view: T, key: keyof T): boolean {
  return key in view && view[key] === undefined;
}
