/**
 * What a region offers, from the same AWS Price List offer files as the price catalogue:
 * the current-generation RDS instance classes for PostgreSQL and ElastiCache node types for
 * Redis OSS. `npm run cost:refresh` records them in lib/aws-offerings.ts, a committed module the
 * environment checks import (lib/aws-facts.ts), so one refresh updates prices and offerings and
 * the change is reviewed like any other source.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { RecordedOfferings, RegionOfferings } from '../../lib/aws-facts';
import { PROJECT_ROOT } from '../paths';
import type { BulkProduct, OfferCode, OfferHooks, OfferProvenance } from './price-list';

/** Collects the offerings of one region while the offer files are read. */
export class OfferingsCollector {
  private readonly rds = new Set<string>();
  private readonly cache = new Set<string>();
  private readonly sources: string[] = [];

  constructor(readonly region: string) {}

  /** Hooks for fetchPrices / scanOffer. */
  readonly hooks: OfferHooks = {
    product: (offer, product) => this.product(offer, product),
    offer: (offer, from) => {
      if (offer === 'AmazonRDS' || offer === 'AmazonElastiCache') this.sources.push(describe(from));
    },
  };

  private product(offer: OfferCode, { productFamily, attributes: a }: BulkProduct): void {
    if (a.locationType !== 'AWS Region' || (a.regionCode !== undefined && a.regionCode !== this.region) || a.currentGeneration !== 'Yes' || !a.instanceType) return;
    if (offer === 'AmazonRDS' && productFamily === 'Database Instance' && a.databaseEngine === 'PostgreSQL' && ['Single-AZ', 'Multi-AZ'].includes(a.deploymentOption ?? '')) {
      this.rds.add(a.instanceType);
    }
    if (offer === 'AmazonElastiCache' && productFamily === 'Cache Instance' && a.cacheEngine === 'Redis') this.cache.add(a.instanceType);
  }

  /** The offerings, or undefined when an offer file gave none (then the documented lists stay in force). */
  result(): RegionOfferings | undefined {
    if (this.rds.size === 0 || this.cache.size === 0) return undefined;
    return {
      region: this.region,
      source: `AWS Price List bulk API: ${this.sources.join('; ')} (current-generation products of the region; npm run cost:refresh)`,
      rdsPostgresInstanceClasses: [...this.rds].sort(compareTypes),
      elasticacheRedisNodeTypes: [...this.cache].sort(compareTypes),
    };
  }
}

function describe(from: OfferProvenance): string {
  return `${from.url} (offer ${from.offerCode} version ${from.version ?? '?'}, published ${from.publicationDate ?? '?'})`;
}

const SIZES = ['nano', 'micro', 'small', 'medium', 'large', 'xlarge'];

/** Family, then size in AWS order (micro < small < ... < xlarge < 2xlarge < 48xlarge). */
function compareTypes(a: string, b: string): number {
  const rank = (t: string) => {
    const size = t.split('.')[2] ?? '';
    const n = /^(\d+)xlarge$/.exec(size);
    return n ? SIZES.length + Number(n[1]) : SIZES.indexOf(size);
  };
  const family = (t: string) => t.split('.').slice(0, 2).join('.');
  return family(a).localeCompare(family(b)) || rank(a) - rank(b) || a.localeCompare(b);
}

/** The committed module of the recorded offerings, which `npm run cost:refresh` rewrites. */
export const OFFERINGS_MODULE = path.join(PROJECT_ROOT, 'lib', 'aws-offerings.ts');

const HEADER = `/**
 * What the AWS Price List says each region offers: the current-generation RDS instance classes for
 * PostgreSQL and ElastiCache node types for Redis OSS, by region. Written by \`npm run cost:refresh\`
 * (cost/prices/offerings.ts) from the same offer files as the price catalogue, and committed like
 * any source: the environment checks read it through lib/aws-facts.ts (offeredInRegion), never from
 * disk at run time. A region not listed here is checked against the documented lists of aws-facts.ts.
 * Do not edit by hand: run the refresh.
 */
export const PRICE_LIST_OFFERINGS = `;

/** The source text of the offerings module holding `recorded` (regions in alphabetical order). */
export function renderOfferingsModule(recorded: RecordedOfferings): string {
  const sorted = Object.fromEntries(Object.keys(recorded).sort().map((region) => [region, recorded[region]]));
  return `${HEADER}${JSON.stringify(sorted, null, 2)};\n`;
}

/** The offerings recorded in a module `renderOfferingsModule` wrote; none when there is no file. */
export function readOfferingsModule(file: string): RecordedOfferings {
  if (!existsSync(file)) return {};
  const text = readFileSync(file, 'utf8');
  if (!text.startsWith(HEADER)) throw new Error(`${file} is not an offerings module written by npm run cost:refresh`);
  return JSON.parse(text.slice(HEADER.length).replace(/;\s*$/, '')) as RecordedOfferings;
}

/** Records a region's offerings in the module `file`, keeping the other regions'. */
export function writeOfferings(offerings: RegionOfferings, file: string = OFFERINGS_MODULE): void {
  const recorded = { ...readOfferingsModule(file), [offerings.region]: offerings };
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, renderOfferingsModule(recorded));
}
