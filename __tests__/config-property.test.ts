/**
 * Property: whatever JSON-shaped value reaches validateEnvironmentConfig, it either returns a
 * config or throws an EnvironmentConfigError; never a TypeError or any other exception.
 * The inputs are the shipped environments mutated at one or more paths (a path deleted, set
 * to null, to a value of another type, or an extra key added), plus arbitrary JSON.
 * fast-check prints the seed and the shrunk counterexample when the property fails.
 */
import fc from 'fast-check';
import { ENVIRONMENTS } from '../environments';
import { EnvironmentConfigError, validateEnvironmentConfig } from '../environments/schema';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every path of a JSON value, the root first. */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const here = [prefix];
  if (Array.isArray(value)) return [...here, ...value.flatMap((v, i) => paths(v, [...prefix, i]))];
  if (value !== null && typeof value === 'object') return [...here, ...Object.entries(value).flatMap(([k, v]) => paths(v, [...prefix, k]))];
  return here;
}

const SHIPPED = Object.entries(ENVIRONMENTS).map(([name, raw]) => ({ name, raw: JSON.parse(JSON.stringify(raw)) as Json }));
const PATHS = SHIPPED.map(({ raw }) => paths(raw));

/** Values a user could write by mistake: other types, boundary numbers, odd strings. */
const anyValue: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(null, true, false, 0, -1, 1.5, 65537, '', ' ', 'x', '0', 'null', [], {}, [null], { enabled: true }),
  fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
);

type Mutation = { kind: 'delete' | 'set' | 'extra'; path: (string | number)[]; value: Json };

function apply(root: Json, { kind, path, value }: Mutation): Json {
  if (path.length === 0) return kind === 'extra' ? root : kind === 'delete' ? null : value;
  let parent: any = root;
  for (const key of path.slice(0, -1)) {
    if (parent === null || typeof parent !== 'object') return root;
    parent = parent[key];
  }
  if (parent === null || typeof parent !== 'object') return root;
  const last = path[path.length - 1];
  if (kind === 'delete') {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last];
  } else if (kind === 'set') {
    parent[last] = value;
  } else {
    const target = parent[last];
    if (target !== null && typeof target === 'object' && !Array.isArray(target)) target.unexpectedField = value;
  }
  return root;
}

const mutated = fc
  .integer({ min: 0, max: SHIPPED.length - 1 })
  .chain((env) =>
    fc.record({
      env: fc.constant(env),
      mutations: fc.array(
        fc.record({
          kind: fc.constantFrom<Mutation['kind']>('delete', 'set', 'set', 'extra'),
          path: fc.constantFrom(...PATHS[env]),
          value: anyValue,
        }),
        { minLength: 1, maxLength: 4 },
      ),
    }),
  );

function validateOrReport(name: string, raw: unknown): 'valid' | 'refused' {
  try {
    validateEnvironmentConfig(name, raw);
    return 'valid';
  } catch (e) {
    if (e instanceof EnvironmentConfigError) return 'refused';
    throw e;
  }
}

describe('validateEnvironmentConfig never crashes', () => {
  it('on the shipped environments mutated at any path (delete, null, another type, an extra key)', () => {
    fc.assert(
      fc.property(mutated, ({ env, mutations }) => {
        const { name, raw } = SHIPPED[env];
        const copy = mutations.reduce<Json>((root, m) => apply(root, m), structuredClone(raw));
        validateOrReport(name, copy);
      }),
      { numRuns: 400 },
    );
  });

  it('on any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 3 }), (value) => {
        expect(validateOrReport('staging', value)).toBe('refused');
      }),
      { numRuns: 200 },
    );
  });

  it('on every section missing or null, one at a time', () => {
    for (const { name, raw } of SHIPPED) {
      for (const key of Object.keys(raw as object)) {
        for (const value of [undefined, null, 'x', [], {}]) {
          const copy = structuredClone(raw) as Record<string, unknown>;
          if (value === undefined) delete copy[key];
          else copy[key] = value;
          // policyExceptions may be missing or empty; every other change is refused.
          const expected = key === 'policyExceptions' && (value === undefined || Array.isArray(value)) ? 'valid' : 'refused';
          expect([key, value, validateOrReport(name, copy)]).toEqual([key, value, expected]);
        }
      }
    }
  });

  it('keeps each refusal about the environment: every problem line names a field and says what is allowed', () => {
    fc.assert(
      fc.property(mutated, ({ env, mutations }) => {
        const { name, raw } = SHIPPED[env];
        const copy = mutations.reduce<Json>((root, m) => apply(root, m), structuredClone(raw));
        try {
          validateEnvironmentConfig(name, copy);
        } catch (e) {
          const lines = (e as EnvironmentConfigError).message.split('\n');
          expect(lines[0]).toMatch(new RegExp(`^Environment "${name}" has \\d+ invalid settings?:$`));
          for (const line of lines.slice(1)) expect(line).toMatch(new RegExp(`^  - ${name}\\.\\S+ = .+: \\S.*$`));
        }
      }),
      { numRuns: 100 },
    );
  });
});
