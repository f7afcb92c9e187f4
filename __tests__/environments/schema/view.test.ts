/**
 * The schema folder's own machinery: the typed view the cross-field checks read
 * (environments/schema/view.ts), and a description on every field for the generated settings
 * reference (z.toJSONSchema carries `.describe()`).
 */
import { z } from 'zod';
import { bootstrapConfigSchema, environmentConfigSchema } from '../../../environments/schema';
import { isUnset, viewOf } from '../../../environments/schema/view';
import { problemsOf } from '../../support/helpers';

describe('the view a cross-field check reads', () => {
  const schema = z.object({
    zones: z.array(z.string().regex(/^[a-z]+$/)).max(1),
    host: z.string().transform((v) => v.toLowerCase()),
    size: z.number().int().min(1).optional(),
    nested: z.object({ on: z.boolean(), count: z.number() }).strict(),
  });

  it('holds each value its own schema accepts, as the schema outputs it, and leaves the others out', () => {
    const view = viewOf(schema, { zones: ['a', 'B', 7], host: 'API.Example.com', size: 0, nested: { on: true, count: 'x' } });
    expect(view?.host).toBe('api.example.com');
    expect(view && 'size' in view).toBe(false);
    expect(view?.nested).toEqual({ on: true });
  });

  it('sees a list entry by entry, keeping its length and the list as written, even when the list itself is refused (too long here)', () => {
    const zones = viewOf(schema, { zones: ['a', 'B', 7] })?.zones;
    expect([...(zones ?? [])]).toEqual(['a', undefined, undefined]);
    expect(zones?.written).toEqual(['a', 'B', 7]);
    expect(JSON.stringify(zones)).toBe('["a",null,null]');
  });

  it('tells an optional field left unset from one set to a refused value', () => {
    expect(isUnset(viewOf(schema, {}) ?? {}, 'size')).toBe(true);
    expect(isUnset(viewOf(schema, { size: 0 }) ?? {}, 'size')).toBe(false);
    expect(isUnset(viewOf(schema, { size: 3 }) ?? {}, 'size')).toBe(false);
  });

  it('is undefined for a value that is not even an object', () => {
    expect(viewOf(schema, 'x')).toBeUndefined();
    expect(viewOf(schema, null)).toBeUndefined();
  });

  it('keeps a refused value from raising a second problem about itself', () => {
    // iops 0 is refused by its own schema; io1 requires iops, but the field is set, so only one problem.
    expect(
      problemsOf('production', (r) => {
        r.database.storageType = 'io1';
        r.database.allocatedStorage = 100;
        r.database.maxAllocatedStorage = 200;
        r.database.iops = 0;
      }),
    ).toEqual(['- production.database.iops = 0: must be at least 1']);
    expect(
      problemsOf('production', (r) => {
        r.database.storageType = 'io1';
        r.database.allocatedStorage = 100;
        r.database.maxAllocatedStorage = 200;
        delete r.database.iops;
      }),
    ).toEqual(['- production.database.iops = (missing): is required with storageType io1: 1000-256000 provisioned IOPS, 0.5-50 per GiB of allocatedStorage']);
  });

  it('shows a list as written in a problem about the whole list', () => {
    expect(problemsOf('staging', (r) => r.network.publicSubnetCidrs.push('not-a-cidr'))).toEqual([
      '- staging.network.publicSubnetCidrs.2 = "not-a-cidr": must be an IPv4 CIDR block in canonical network form, e.g. 10.0.0.0/16: four numbers 0-255 without leading zeros, a prefix 0-32, the address aligned to the prefix',
      '- staging.network.publicSubnetCidrs = ["10.0.1.0/24","10.0.2.0/24","not-a-cidr"]: must have one CIDR per availability zone: 2 expected (ap-southeast-2a, ap-southeast-2b), 3 given',
    ]);
  });
});

describe('field descriptions', () => {
  /** Every property of a JSON Schema without a description, as a dotted path. */
  function undescribed(schema: unknown, at: string): string[] {
    if (schema === null || typeof schema !== 'object') return [];
    const node = schema as { properties?: Record<string, { description?: string }>; items?: unknown; anyOf?: unknown[]; oneOf?: unknown[] };
    return [
      ...Object.entries(node.properties ?? {}).flatMap(([key, value]) => [
        ...(typeof value.description === 'string' && value.description.length > 10 ? [] : [`${at}.${key}`]),
        ...undescribed(value, `${at}.${key}`),
      ]),
      ...undescribed(node.items, `${at}[]`),
      ...[...(node.anyOf ?? []), ...(node.oneOf ?? [])].flatMap((option, i) => undescribed(option, `${at}|${i}`)),
    ];
  }

  it.each([
    ['environment', environmentConfigSchema],
    ['bootstrap', bootstrapConfigSchema],
  ] as const)('describe every %s field in the JSON Schema export', (name, schema) => {
    const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
    expect(undescribed(json, name)).toEqual([]);
    expect(Object.keys((json as { properties: object }).properties).length).toBeGreaterThan(4);
  });

  it('carry the units and defaults', () => {
    const json = z.toJSONSchema(environmentConfigSchema, { io: 'input', unrepresentable: 'any' }) as any;
    expect(json.properties.database.properties.allocatedStorage.description).toContain('GiB');
    expect(json.properties.database.properties.iops.description).toContain('Default: unset');
    expect(json.properties.policyExceptions.description).toContain('Default: []');
  });
});
