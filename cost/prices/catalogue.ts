/**
 * The price catalogue: AWS on-demand prices of one region, committed as data in
 * `cost/catalogue/<region>.json`. Every entry records where its figure comes from
 * and as of when; a price nobody could source is kept as an `unknown` entry with
 * the reason, so the estimator can say why a line is unpriced instead of guessing.
 *
 * Two ways fill it: `importSharedPrices` (the hand-collected price file shared by
 * the team) and the AWS Price List bulk API refresh (`price-list.ts`).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { CATALOGUE_DIR } from '../paths';

/** Hours in a month, as AWS's own calculators count them (24 × 365 / 12). */
export const HOURS_PER_MONTH = 730;

const confidence = z.enum(['high', 'medium', 'low', 'none']);

/** How the as-of date was established. */
const asOfBasis = z.enum([
  /** stated by the source */
  'source',
  /** the source states no date; the date the figure was collected */
  'collected',
  /** the publication date of the AWS Price List offer file */
  'price-list',
]);

const tier = z.object({ beginRange: z.number(), endRange: z.number().nullable(), price: z.number() }).strict();

const knownEntry = z
  .object({
    status: z.literal('known'),
    /** Price in the catalogue's currency per `unit`. */
    price: z.number().nonnegative(),
    unit: z.string().min(1),
    /** Where the figure comes from, precise enough to re-check it. */
    source: z.string().min(1),
    /** As-of date of the figure. */
    asOf: z.string().min(1),
    asOfBasis,
    confidence,
    note: z.string().optional(),
    /** Key of the shared-file item whose note states this figure, for entries taken from a note. */
    derivedFrom: z.string().optional(),
    /** Tiered prices as published; `price` is the first tier the estimator uses. */
    tiers: z.array(tier).optional(),
  })
  .strict();

const unknownEntry = z
  .object({
    status: z.literal('unknown'),
    price: z.null(),
    unit: z.string().min(1),
    /** Why there is no price: what was searched and what was found instead. */
    unknownReason: z.string().min(1),
    source: z.null(),
    asOf: z.null(),
    confidence: z.literal('none'),
  })
  .strict();

const entry = z.discriminatedUnion('status', [knownEntry, unknownEntry]);

export const catalogueSchema = z
  .object({
    region: z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/),
    currency: z.literal('USD'),
    hoursPerMonth: z.literal(HOURS_PER_MONTH),
    /** How this file was made and from what. */
    provenance: z
      .object({
        builtBy: z.string(),
        from: z.string(),
        collected: z.string().optional(),
        notes: z.string().optional(),
      })
      .strict(),
    prices: z.record(z.string().regex(/^[a-z0-9_]+(\.[a-z0-9_-]+)+$/), entry),
  })
  .strict();

export type Catalogue = z.output<typeof catalogueSchema>;
export type PriceEntry = z.output<typeof entry>;
export type KnownPrice = z.output<typeof knownEntry>;

/** The committed catalogue file of a region. */
export function cataloguePath(region: string): string {
  return path.join(CATALOGUE_DIR, `${region}.json`);
}

/** Parses and checks a catalogue; the error names the file and every bad entry. */
export function parseCatalogue(raw: unknown, file: string): Catalogue {
  const result = catalogueSchema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `  - ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new Error(`${file} is not a valid price catalogue:\n${problems.join('\n')}`);
  }
  return result.data;
}

/** Reads a catalogue file (by default the committed one of `region`). */
export function loadCatalogue(file: string = cataloguePath('ap-southeast-2')): Catalogue {
  if (!existsSync(file)) throw new Error(`No price catalogue at ${file}; build it with 'npm run cost:import' or 'npm run cost:refresh'`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`${file} is not JSON: ${(e as Error).message}`);
  }
  return parseCatalogue(raw, file);
}

/** Writes a catalogue with sorted keys, so a refresh shows as a readable diff. */
export function writeCatalogue(catalogue: Catalogue, file: string): void {
  const prices = Object.fromEntries(Object.entries(catalogue.prices).sort(([a], [b]) => a.localeCompare(b)));
  writeFileSync(file, `${JSON.stringify(parseCatalogue({ ...catalogue, prices }, file), null, 2)}\n`);
}

export type PriceLookup =
  | { readonly kind: 'known'; readonly key: string; readonly entry: KnownPrice }
  | { readonly kind: 'unpriced'; readonly key: string; readonly reason: string };

/** A price by key: known, or unpriced with the reason (unknown in the catalogue, or no entry at all). */
export function lookupPrice(catalogue: Catalogue, key: string): PriceLookup {
  const found = catalogue.prices[key];
  if (!found) return { kind: 'unpriced', key, reason: `the ${catalogue.region} catalogue has no entry ${key}` };
  if (found.status === 'unknown') return { kind: 'unpriced', key, reason: `price unknown (${key}): ${found.unknownReason}` };
  return { kind: 'known', key, entry: found };
}

// ---------------------------------------------------------------------------------------------
// Import from the shared, hand-collected price file.

const sharedItem = z.object({
  price: z.number().nullable(),
  unit: z.string(),
  source: z.string().nullable(),
  as_of: z.string().nullable(),
  note: z.string().optional(),
  confidence: confidence,
});

const sharedFile = z.object({
  region: z.string(),
  currency: z.literal('USD'),
  collected: z.string(),
  notes: z.string().optional(),
  items: z.record(z.string(), sharedItem),
});

/**
 * Figures the shared file states only in the note of another item. Each is taken
 * as written, with the note quoted, never computed or guessed.
 */
export const NOTE_DERIVED_PRICES: readonly {
  readonly key: string;
  readonly from: string;
  readonly quote: RegExp;
  readonly unit: string;
}[] = [
  {
    key: 'cloudwatch.logs.vended_ingestion.gb',
    from: 'cloudwatch.logs.ingestion.gb',
    quote: /Vended-log tiers for Sydney in same file: first 10 TB (\d+(?:\.\d+)?)/,
    unit: 'GB ingested (vended logs such as VPC flow logs, first 10 TB)',
  },
  {
    key: 'cloudwatch.alarm.high_resolution.month',
    from: 'cloudwatch.alarm.standard.month',
    quote: /High-resolution (\d+(?:\.\d+)?)/,
    unit: 'alarm metric-month (high resolution)',
  },
];

/**
 * Converts the shared price file into a catalogue. Items with a null price become
 * `unknown` entries whose reason is the file's note; a price without an as-of date
 * gets the file's collection date, marked as such.
 */
export function importSharedPrices(raw: unknown, sourceFile: string): Catalogue {
  const parsed = sharedFile.safeParse(raw);
  if (!parsed.success) {
    throw new Error(`${sourceFile} is not a shared price file: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const shared = parsed.data;
  const prices: Record<string, PriceEntry> = {};
  for (const [key, item] of Object.entries(shared.items)) {
    if (item.price === null) {
      prices[key] = {
        status: 'unknown',
        price: null,
        unit: item.unit,
        unknownReason: item.note ?? 'no price recorded',
        source: null,
        asOf: null,
        confidence: 'none',
      };
      continue;
    }
    if (!item.source) throw new Error(`${sourceFile}: item ${key} has a price but no source; refusing to import an unsourced figure`);
    prices[key] = {
      status: 'known',
      price: item.price,
      unit: item.unit,
      source: item.source,
      asOf: item.as_of ?? shared.collected,
      asOfBasis: item.as_of ? 'source' : 'collected',
      confidence: item.confidence,
      ...(item.note ? { note: item.note } : {}),
    };
  }
  for (const derived of NOTE_DERIVED_PRICES) {
    const from = prices[derived.from];
    const match = from?.status === 'known' ? derived.quote.exec(from.note ?? '') : null;
    if (!from || from.status !== 'known' || !match || prices[derived.key]) continue;
    prices[derived.key] = {
      status: 'known',
      price: Number(match[1]),
      unit: derived.unit,
      source: `${from.source} (figure as stated in the shared price file's note on ${derived.from})`,
      asOf: from.asOf,
      asOfBasis: from.asOfBasis,
      confidence: from.confidence,
      derivedFrom: derived.from,
      note: `Stated in the note of ${derived.from}: "${match[0]}"`,
    };
  }
  return parseCatalogue(
    {
      region: shared.region,
      currency: shared.currency,
      hoursPerMonth: HOURS_PER_MONTH,
      provenance: {
        builtBy: 'npm run cost:import (cost/prices/catalogue.ts importSharedPrices)',
        from: sourceFile,
        collected: shared.collected,
        ...(shared.notes ? { notes: shared.notes } : {}),
      },
      prices,
    },
    sourceFile,
  );
}
