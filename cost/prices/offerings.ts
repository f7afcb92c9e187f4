/**
 * What a region offers, from the same AWS Price List offer files as the price catalogue:
 * the current-generation RDS instance classes for PostgreSQL and ElastiCache node types for
 * Redis OSS. `npm run cost:refresh` writes them to cost/offerings/<region>.json, and the
 * environment checks (lib/aws-facts.ts) read them, so one refresh updates prices and offerings.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { RegionOfferings } from '../../lib/aws-facts';
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

/** Writes the offerings file (pretty JSON, one entry a line). */
export function writeOfferings(offerings: RegionOfferings, file: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(offerings, null, 2)}\n`);
}
