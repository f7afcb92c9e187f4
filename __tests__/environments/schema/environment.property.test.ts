/**
 * Property: whatever JSON-shaped value reaches validateEnvironmentConfig, it either returns a
 * config or throws an EnvironmentConfigError; never a TypeError or any other exception.
 * The inputs are the shipped environments mutated at one or more paths (a path deleted, set
 * to null, to a value of another type, or an extra key added), plus arbitrary JSON.
 * fast-check prints the seed and the shrunk counterexample when the property fails.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Testing } from 'cdktf';
import fc from 'fast-check';
import { ENVIRONMENTS } from '../../../environments';
import { EnvironmentConfigError, validateEnvironmentConfig } from '../../../environments/schema';
import { PlatformStack } from '../../../stacks/platform-stack';

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
      { numRuns: 150 },
    );
  });

  it('on any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 3 }), (value) => {
        expect(validateOrReport('staging', value)).toBe('refused');
      }),
      { numRuns: 100 },
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

  it('on values a TypeScript data file can hold but JSON cannot, shown as written', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const odd: [unknown, string][] = [
      [NaN, 'NaN'],
      [Infinity, 'Infinity'],
      [BigInt(10), '10'],
      [() => 1, '() => 1'],
      [Symbol('s'), 'Symbol(s)'],
      [cyclic, '[object Object]'],
    ];
    for (const [value, shown] of odd) {
      const raw = structuredClone(SHIPPED[0].raw) as Record<string, any>;
      raw.cache.numCacheClusters = value;
      expect(() => validateEnvironmentConfig(SHIPPED[0].name, raw)).toThrow(`${SHIPPED[0].name}.cache.numCacheClusters = ${shown}: `);
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
          for (const line of lines.slice(1)) expect(line).toMatch(new RegExp(`^  - ${name}\\..+ = .+: \\S.*$`));
        }
      }),
      { numRuns: 50 },
    );
  });
});

/**
 * Property: a config that passes validation builds its stack; no construct throws for a value
 * a user can write. The settings vary over valid values of the fields constructs branch on.
 */
describe('a valid config never makes a construct throw', () => {
  const ARN = 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com';
  const variation = fc.record({
    env: fc.constantFrom('staging', 'production'),
    database: fc.record({
      instanceClass: fc.constantFrom('db.t3.micro', 'db.t4g.medium', 'db.m7g.large', 'db.r6i.32xlarge'),
      storage: fc.constantFrom(
        { storageType: 'gp3', allocatedStorage: 50, maxAllocatedStorage: 100 },
        { storageType: 'gp2', allocatedStorage: 20, maxAllocatedStorage: 0 },
        { storageType: 'io1', allocatedStorage: 100, maxAllocatedStorage: 200, iops: 1000 },
        { storageType: 'io2', allocatedStorage: 200, maxAllocatedStorage: 0, iops: 40000 },
        { storageType: 'gp3', allocatedStorage: 400, maxAllocatedStorage: 1000, iops: 12000, storageThroughput: 500 },
      ),
      multiAz: fc.boolean(),
      backupRetentionDays: fc.constantFrom(7, 35),
      monitoringIntervalSeconds: fc.constantFrom(0, 60),
      performanceInsights: fc.boolean(),
    }),
    cache: fc.record({
      nodeType: fc.constantFrom('cache.t3.micro', 'cache.t4g.medium', 'cache.r7g.large'),
      numCacheClusters: fc.integer({ min: 1, max: 6 }),
      multiAz: fc.boolean(),
      transitEncryption: fc.boolean(),
      authToken: fc.boolean(),
    }),
    natGateways: fc.constantFrom('none', 'single', 'one-per-az'),
    flowLogs: fc.boolean(),
    s3GatewayEndpoint: fc.boolean(),
    oidc: fc.constantFrom('create', 'arn', 'variable'),
    https: fc.boolean(),
    managementCidrBlocks: fc.constantFrom([], ['192.168.0.0/16', '172.16.0.0/12']),
    containerInsights: fc.boolean(),
    executeCommand: fc.boolean(),
    autoscaling: fc.boolean(),
    subscribers: fc.constantFrom('none', 'email', 'webhook'),
  });

  it('for valid variations of the shipped environments', () => {
    const outdir = mkdtempSync(path.join(os.tmpdir(), 'config-property-'));
    let built = 0;
    try {
      fc.assert(
        fc.property(variation, (v) => {
          const raw = structuredClone(ENVIRONMENTS[v.env]) as Record<string, any>;
          const { storage, performanceInsights, ...database } = v.database;
          Object.assign(raw.database, database, storage, { performanceInsights: { enabled: performanceInsights, retentionDays: 7 } });
          Object.assign(raw.cache, v.cache);
          Object.assign(raw.network, { natGateways: v.natGateways, s3GatewayEndpoint: v.s3GatewayEndpoint, flowLogs: { enabled: v.flowLogs, retentionDays: 7 } });
          raw.github.createOidcProvider = v.oidc === 'create';
          raw.github.oidcProviderArn = v.oidc === 'arn' ? ARN : undefined;
          raw.loadBalancer.https = v.https;
          raw.security.managementCidrBlocks = v.managementCidrBlocks;
          Object.assign(raw.ecs, { containerInsights: v.containerInsights, executeCommand: v.executeCommand });
          raw.ecs.backend.autoscaling.enabled = v.autoscaling;
          Object.assign(raw.monitoring, {
            notifications: v.subscribers !== 'none',
            alarmEmails: v.subscribers === 'email' ? ['oncall@example.com'] : [],
            webhook: v.subscribers === 'webhook',
          });
          let config;
          try {
            config = validateEnvironmentConfig(v.env, raw);
          } catch (e) {
            if (!(e instanceof EnvironmentConfigError)) throw e;
            fc.pre(false);
            return;
          }
          new PlatformStack(Testing.app({ outdir }), config);
          built++;
        }),
        { numRuns: 5, maxSkipsPerRun: 200 },
      );
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
    expect(built).toBe(5);
  });
});
