/** The error an invalid environment (or bootstrap) file gives: every problem, one line each. */
import { z } from 'zod';

/** Where an unknown field's message sends the reader for the allowed fields. */
export const SETTINGS_REFERENCE = 'docs/environment-settings.md';

/** One problem found in an environment's settings. */
export interface ConfigProblem {
  /** Dotted path of the field, e.g. `network.publicSubnetCidrs.1`. */
  readonly path: string;
  /** The offending value, rendered as JSON (or `(missing)`). */
  readonly value: string;
  /** What is allowed. */
  readonly message: string;
}

/** Thrown when an environment's settings are invalid; its message lists every problem. */
export class EnvironmentConfigError extends Error {
  constructor(
    /** The environment whose settings are invalid. */
    readonly environment: string,
    /** Every problem found, in schema order. */
    readonly problems: readonly ConfigProblem[],
  ) {
    super(
      [
        `Environment "${environment}" has ${problems.length} invalid setting${problems.length === 1 ? '' : 's'}:`,
        ...problems.map((p) => `  - ${environment}.${p.path} = ${p.value}: ${p.message}`),
      ].join('\n'),
    );
    this.name = 'EnvironmentConfigError';
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A value as a problem shows it: JSON, shortened to 120 characters, or `(missing)`. */
export function renderValue(value: unknown): string {
  if (value === undefined) return '(missing)';
  let json: string | undefined;
  try {
    // NaN and Infinity would print as null; a function or symbol has no JSON at all.
    json = typeof value === 'number' && !Number.isFinite(value) ? String(value) : JSON.stringify(value);
  } catch {
    json = undefined;
  }
  json ??= String(value as string);
  return json.length > 120 ? `${json.slice(0, 117)}...` : json;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return `must be of type ${issue.expected}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'too_small':
      if (issue.origin === 'array') return `must have at least ${String(issue.minimum)} ${Number(issue.minimum) === 1 ? 'entry' : 'entries'}`;
      return issue.inclusive === false ? `must be greater than ${String(issue.minimum)}` : `must be at least ${String(issue.minimum)}`;
    case 'too_big':
      if (issue.origin === 'array') return `must have at most ${String(issue.maximum)} ${Number(issue.maximum) === 1 ? 'entry' : 'entries'}`;
      return issue.inclusive === false ? `must be less than ${String(issue.maximum)}` : `must be at most ${String(issue.maximum)}`;
    default:
      return issue.message;
  }
}

/** A key as it appears in a problem's path; one that is not a plain word (empty, with spaces or dots) is quoted. */
function pathKey(key: PropertyKey): string {
  return /^[\w$-]+$/.test(String(key)) ? String(key) : JSON.stringify(String(key));
}

/** One zod issue as problems; an unknown-keys issue becomes one problem per key, at the key's path. */
export function toProblems(issue: z.core.$ZodIssue): ConfigProblem[] {
  const path = issue.path.map(pathKey);
  const input = (issue as { input?: unknown }).input;
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({
      path: [...path, pathKey(key)].join('.'),
      value: renderValue(isRecord(input) ? input[key] : undefined),
      message: `unknown field; the allowed fields and their documentation are in ${SETTINGS_REFERENCE}`,
    }));
  }
  if (issue.code === 'invalid_union' && issue.discriminator !== undefined) {
    // A discriminated union (stateBackend.type): report the discriminator's own value.
    const options = ((issue as { options?: unknown[] }).options ?? []).map((o) => JSON.stringify(o));
    return [{ path: path.join('.'), value: renderValue(isRecord(input) ? input[issue.discriminator] : input), message: `must be one of ${options.join(', ')}` }];
  }
  // zod's own default messages are replaced by ours; custom messages are kept as written.
  const isDefault = /^(Invalid|Too (small|big))/.test(issue.message);
  return [{ path: path.join('.') || '(root)', value: renderValue(input), message: isDefault ? describeIssue(issue) : issue.message }];
}
