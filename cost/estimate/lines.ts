/** What every pricing rule uses: the context, priced and unpriced lines, and readers of planned attribute values. */

import { type Catalogue, lookupPrice } from '../prices/catalogue';
import type { PlanResource, PlanResources } from './plan';
import { type Usage, type UsageKey, type UsageType, type UsageValue, usageValue } from './usage';
import type { CostLine } from './types';

export interface Ctx {
  readonly catalogue: Catalogue;
  readonly usage: Usage;
  readonly plan: PlanResources;
  readonly hours: number;
}

export interface LineSpec {
  readonly description: string;
  readonly quantity: number;
  readonly unit: string;
  readonly quantityFrom: string;
  readonly key: string;
  /** Monthly quantity at minimum and maximum scale. */
  readonly range?: { readonly min: number; readonly max: number };
}

/** Result of one rule: cost lines, or a reason the resource is free. */
export type RuleResult = CostLine[] | { readonly free: string };

export function priced(ctx: Ctx, r: PlanResource, spec: LineSpec): CostLine {
  const base = {
    address: r.address,
    resourceType: r.type,
    description: spec.description,
    quantity: spec.quantity,
    unit: spec.unit,
    quantityFrom: spec.quantityFrom,
    priceKey: spec.key,
  };
  const found = lookupPrice(ctx.catalogue, spec.key);
  if (found.kind === 'unpriced') {
    return {
      ...base,
      unitPrice: null,
      monthly: null,
      status: 'unpriced',
      reason: found.reason,
      ...(spec.range ? { range: { minQuantity: spec.range.min, maxQuantity: spec.range.max, minMonthly: null, maxMonthly: null } } : {}),
    };
  }
  const p = found.entry.price;
  return {
    ...base,
    unitPrice: p,
    monthly: spec.quantity * p,
    status: 'priced',
    price: { source: found.entry.source, asOf: found.entry.asOf, confidence: found.entry.confidence, unit: found.entry.unit },
    ...(spec.range ? { range: { minQuantity: spec.range.min, maxQuantity: spec.range.max, minMonthly: spec.range.min * p, maxMonthly: spec.range.max * p } } : {}),
  };
}

/** A line whose quantity is a usage-file value. */
export function fromUsage(ctx: Ctx, r: PlanResource, description: string, usage: UsageValue, unit: string, key: string): CostLine {
  return priced(ctx, r, { description, quantity: usage.value, unit, quantityFrom: usage.from, key });
}

/** A line that cannot be priced because something it needs is missing or unsupported. */
export function unpriced(r: PlanResource, description: string, reason: string, quantity = 0, unit = '-', quantityFrom = '-'): CostLine {
  return {
    address: r.address,
    resourceType: r.type,
    description,
    quantity,
    unit,
    quantityFrom,
    priceKey: null,
    unitPrice: null,
    monthly: null,
    status: 'unpriced',
    reason,
  };
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

export function num(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

/** A nested block's elements: plans give lists of objects; a single object (as in cdktf's JSON) counts as one. */
export function blocks(v: unknown): Record<string, unknown>[] {
  const list = Array.isArray(v) ? v : v === null || v === undefined ? [] : [v];
  return list.filter((b): b is Record<string, unknown> => typeof b === 'object' && b !== null && !Array.isArray(b));
}

export function use<T extends UsageType>(ctx: Ctx, r: PlanResource, type: T, key: UsageKey<T>) {
  return usageValue(ctx.usage, type, r.address, key);
}

export function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Number(n.toFixed(4)));
}
