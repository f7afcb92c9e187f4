/** The shape of an estimate: its cost lines, free resources and totals, and its inputs. */

import type { Catalogue } from '../prices/catalogue';
import type { PlanResources } from './plan';
import type { Usage } from './usage';

/** One priced (or unpriced) quantity of one resource. */
export interface CostLine {
  readonly address: string;
  readonly resourceType: string;
  readonly description: string;
  /** Quantity per month, in `unit`. */
  readonly quantity: number;
  readonly unit: string;
  /** Where the quantity comes from: planned attributes or usage-file entries. */
  readonly quantityFrom: string;
  /** Catalogue key of the price; null when the line cannot even name one. */
  readonly priceKey: string | null;
  readonly unitPrice: number | null;
  /** Monthly cost; null when unpriced. */
  readonly monthly: number | null;
  readonly status: 'priced' | 'unpriced';
  /** Why the line has no price. */
  readonly reason?: string;
  /** Price provenance, for priced lines. */
  readonly price?: { readonly source: string; readonly asOf: string; readonly confidence: string; readonly unit: string };
  /** For autoscaled quantities: the monthly quantity and cost at the minimum and maximum. */
  readonly range?: { readonly minQuantity: number; readonly maxQuantity: number; readonly minMonthly: number | null; readonly maxMonthly: number | null };
}

/** A resource AWS does not charge for by itself, or one priced through another resource. */
export interface FreeResource {
  readonly address: string;
  readonly resourceType: string;
  readonly reason: string;
}

export interface EstimateTotals {
  /** Sum of priced lines at the planned (desired) quantities. */
  readonly monthly: number;
  /** With autoscaled services at their minimum / maximum. */
  readonly monthlyMin: number;
  readonly monthlyMax: number;
  readonly pricedLines: number;
  readonly unpricedLines: number;
  /** Managed resources in the plan (priced, unpriced and free). */
  readonly resources: number;
}

export interface Estimate {
  readonly stack: string;
  readonly region: string;
  readonly currency: string;
  readonly hoursPerMonth: number;
  readonly usageFile: string;
  readonly lines: readonly CostLine[];
  readonly free: readonly FreeResource[];
  readonly totals: EstimateTotals;
}

/** Inputs of an estimate. */
export interface EstimateInput {
  /** Stack (environment) name, for the report. */
  readonly stack: string;
  readonly resources: PlanResources;
  readonly catalogue: Catalogue;
  /** @default NO_USAGE (every usage quantity 0) */
  readonly usage?: Usage;
}
