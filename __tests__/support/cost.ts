/**
 * Test helpers for the cost estimate (cost/): small catalogues with hand-chosen prices,
 * hand-made plan JSON, a plan-shaped view of a synthesized stack (for config changes
 * without running Terraform; the Terraform tests prove it prices the shipped stacks
 * exactly as their real offline plans do), the recorded fixtures, and a local stand-in
 * of the AWS Price List bulk API serving the hand-written sample of its format.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Catalogue, HOURS_PER_MONTH, PriceEntry, parseCatalogue } from '../../cost/prices/catalogue';
import type { TerraformPlanJson } from '../../cost/estimate/plan';

/** The cost fixtures: the all-types stack, its recorded plan, the Price List sample. */
export const COST_FIXTURES = path.join(__dirname, '..', 'fixtures', 'cost');
/** `terraform show -json` of the all-types fixture (cost/commands/record-fixture.ts records it). */
export const ALL_TYPES_PLAN = path.join(COST_FIXTURES, 'plan-all-types.json');
/** The hand-written sample of the Price List bulk format (offer index -> region index -> offer file). */
export const PRICE_LIST_FIXTURES = path.join(COST_FIXTURES, 'price-list');
/** The offer version the sample's region indexes point to. */
export const PRICE_LIST_VERSION = '20261120184209';

/** A local HTTP server answering like the Price List bulk API, and an endpoint where nothing listens. */
export interface PriceListStandIn {
  readonly endpoint: string;
  readonly closedEndpoint: string;
  close(): Promise<void>;
}

/** Serves PRICE_LIST_FIXTURES over HTTP on a free local port (404 for anything else). */
export async function servePriceList(): Promise<PriceListStandIn> {
  const server = createServer((req, res) => {
    const file = path.join(PRICE_LIST_FIXTURES, path.normalize(decodeURIComponent((req.url ?? '/').split('?')[0])));
    try {
      const body = readFileSync(file);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const closedEndpoint = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
  await new Promise((resolve) => probe.close(resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    closedEndpoint,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A catalogue whose prices are the given numbers (null = unknown), each sourced "test". */
export function testCatalogue(prices: Record<string, number | null>): Catalogue {
  const entries: Record<string, PriceEntry> = {};
  for (const [key, price] of Object.entries(prices)) {
    entries[key] =
      price === null
        ? { status: 'unknown', price: null, unit: 'unit', unknownReason: `test: no price for ${key}`, source: null, asOf: null, confidence: 'none' }
        : { status: 'known', price, unit: 'unit', source: `test price for ${key}`, asOf: '2026-01-01', asOfBasis: 'source', confidence: 'high' };
  }
  return parseCatalogue(
    { region: 'ap-southeast-2', currency: 'USD', hoursPerMonth: HOURS_PER_MONTH, provenance: { builtBy: 'test', from: 'test' }, prices: entries },
    'test catalogue',
  );
}

export interface HandResource {
  readonly address: string;
  readonly values: Record<string, unknown>;
  /** Attribute (dotted for blocks) -> referenced addresses, as `configuration` would list them. */
  readonly refs?: Record<string, string[]>;
}

function setPath(target: Record<string, unknown>, dotted: string, value: unknown): void {
  const parts = dotted.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    const next = (node[part] as Record<string, unknown>[] | undefined)?.[0] ?? {};
    node[part] = [next];
    node = next;
  }
  node[parts[parts.length - 1]] = value;
}

/** `terraform show -json`-shaped plan of hand-made resources. */
export function planOf(resources: readonly HandResource[], region = 'ap-southeast-2'): TerraformPlanJson {
  return {
    format_version: '1.2',
    planned_values: {
      root_module: {
        resources: resources.map((r) => {
          const [type, name] = r.address.split('.');
          return { address: r.address, mode: 'managed', type, name, provider_name: 'registry.terraform.io/hashicorp/aws', values: r.values };
        }),
      },
    },
    configuration: {
      provider_config: { aws: { name: 'aws', expressions: { region: { constant_value: region } } } },
      root_module: {
        resources: resources.map((r) => {
          const expressions: Record<string, unknown> = {};
          for (const [attr, targets] of Object.entries(r.refs ?? {})) {
            setPath(expressions, attr, { references: targets.flatMap((t) => [`${t}.id`, t]) });
          }
          return { address: r.address, expressions };
        }),
      },
    },
  };
}

const INTERPOLATION = /\$\{([^}]*)\}/g;

function hasInterpolation(v: unknown): boolean {
  if (typeof v === 'string') return v.includes('${');
  if (Array.isArray(v)) return v.some(hasInterpolation);
  if (typeof v === 'object' && v !== null) return Object.values(v).some(hasInterpolation);
  return false;
}

/** Planned values: what Terraform knows at plan time (interpolated attributes become unknown, i.e. absent). */
function known(value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v === 'object' && v !== null && !Array.isArray(v) && k !== 'tags' && k !== 'tags_all') out[k] = [known(v as Record<string, unknown>)];
    else if (Array.isArray(v) && v.every((e) => typeof e === 'object' && e !== null)) out[k] = v.map((e) => known(e as Record<string, unknown>));
    else if (!hasInterpolation(v)) out[k] = v;
  }
  return out;
}

/** configuration.expressions: the references of every interpolated attribute, blocks as lists. */
function expressionsOf(value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v === 'object' && v !== null && !Array.isArray(v) && k !== 'tags') out[k] = [expressionsOf(v as Record<string, unknown>)];
    else if (hasInterpolation(v)) {
      const refs = [...JSON.stringify(v).matchAll(INTERPOLATION)].flatMap((m) => {
        const parts = m[1].split('.');
        return [`${parts.slice(0, 3).join('.')}`, `${parts[0]}.${parts[1]}`];
      });
      out[k] = { references: refs };
    }
  }
  return out;
}

/**
 * A plan-shaped view of a synthesized stack (cdk.tf.json): planned values are the
 * configured constants; attributes built from other resources are unknown and
 * appear only as references, as in a real plan of a new stack.
 */
export function planFromSynthesized(stack: Record<string, any>): TerraformPlanJson {
  const resources: { address: string; mode: string; type: string; name: string; provider_name: string; values: Record<string, unknown> }[] = [];
  const config: { address: string; expressions: Record<string, unknown> }[] = [];
  for (const [type, byName] of Object.entries((stack.resource ?? {}) as Record<string, Record<string, Record<string, unknown>>>)) {
    for (const [name, body] of Object.entries(byName)) {
      const { '//': _meta, depends_on: _deps, lifecycle: _lifecycle, provider: _provider, ...attributes } = body;
      resources.push({ address: `${type}.${name}`, mode: 'managed', type, name, provider_name: 'registry.terraform.io/hashicorp/aws', values: known(attributes) });
      config.push({ address: `${type}.${name}`, expressions: expressionsOf(attributes) });
    }
  }
  const region = (stack.provider?.aws?.[0]?.region as string | undefined) ?? 'ap-southeast-2';
  return {
    format_version: '1.2',
    planned_values: { root_module: { resources } },
    configuration: { provider_config: { aws: { name: 'aws', expressions: { region: { constant_value: region } } } }, root_module: { resources: config } },
  };
}
