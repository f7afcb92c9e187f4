/**
 * Refreshing the catalogue from the AWS Price List bulk API (public, no account):
 *
 *   <endpoint>/offers/v1.0/aws/index.json                    offer index: every service's region index URL
 *   <endpoint>/offers/v1.0/aws/<Offer>/current/region_index.json   each region's current offer file URL
 *   <endpoint>/offers/v1.0/aws/<Offer>/<version>/<region>/index.json   products + terms.OnDemand
 *
 * Each offer file is scanned as it streams in (offer-scanner.ts); MATCHERS pick the
 * products the catalogue needs and name their catalogue keys; the on-demand price
 * dimensions of those products give the prices. Entries the bulk API does not
 * cover (free gateway endpoints, the 7-day Performance Insights tier) are kept
 * from the existing catalogue and reported as kept.
 */
import { Catalogue, HOURS_PER_MONTH, KnownPrice, PriceEntry, parseCatalogue } from './catalogue';
import { OfferScanner } from './offer-scanner';

export const PRICE_LIST_ENDPOINT = 'https://pricing.us-east-1.amazonaws.com';
export const OFFER_INDEX_PATH = '/offers/v1.0/aws/index.json';

/** The offers (services) the catalogue is built from. */
export const REFRESH_OFFERS = [
  'AmazonRDS',
  'AmazonElastiCache',
  'AmazonECS',
  'AWSELB',
  'AmazonEC2',
  'AmazonVPC',
  'AmazonCloudWatch',
  'AWSSecretsManager',
  'AmazonS3',
  'AmazonDynamoDB',
] as const;
export type OfferCode = (typeof REFRESH_OFFERS)[number];

/** A product of an offer file. */
export interface BulkProduct {
  readonly sku: string;
  readonly productFamily?: string;
  readonly attributes: Readonly<Record<string, string>>;
}

/** A price dimension of an on-demand term. */
export interface PriceDimension {
  readonly rateCode: string;
  readonly description: string;
  readonly beginRange: string;
  readonly endRange: string;
  readonly unit: string;
  readonly pricePerUnit: Readonly<Record<string, string>>;
}

/** What a matching product becomes in the catalogue. */
export interface Match {
  readonly key: string;
  readonly unit: string;
  /** Multiplies the per-unit price, e.g. 10,000 for a price per 10k requests. @default 1 */
  readonly scale?: number;
  /** Which tier is the catalogue price: the one starting at 0, or the first one that costs something. @default 'first' */
  readonly tier?: 'first' | 'first-paid';
}

/** The usage type without the region prefix (`APS2-NatGateway-Hours` -> `NatGateway-Hours`). */
export function usageType(p: BulkProduct): string {
  return (p.attributes.usagetype ?? '').replace(/^[A-Z]{2,4}\d-/, '');
}

const RDS_ENGINES: Readonly<Record<string, string>> = { PostgreSQL: 'postgres', MySQL: 'mysql', MariaDB: 'mariadb' };
const RDS_DEPLOYMENTS: Readonly<Record<string, string>> = { 'Single-AZ': 'single_az', 'Multi-AZ': 'multi_az' };
const RDS_VOLUMES: Readonly<Record<string, string>> = {
  'General Purpose-GP3': 'gp3',
  'General Purpose': 'gp2',
  'Provisioned IOPS': 'io1',
  'Provisioned IOPS-IO2': 'io2',
  Magnetic: 'standard',
};

function one(match: Match | undefined): Match[] {
  return match ? [match] : [];
}

/** Usage types with a fixed catalogue key, per offer. */
const BY_USAGE_TYPE: Readonly<Record<string, Readonly<Record<string, Match>>>> = {
  AmazonECS: {
    'Fargate-vCPU-Hours:perCPU': { key: 'fargate.linux_x86.vcpu.hour', unit: 'vCPU-hour' },
    'Fargate-GB-Hours': { key: 'fargate.linux_x86.gb.hour', unit: 'GB-hour' },
    'Fargate-ARM-vCPU-Hours:perCPU': { key: 'fargate.linux_arm.vcpu.hour', unit: 'vCPU-hour' },
    'Fargate-ARM-GB-Hours': { key: 'fargate.linux_arm.gb.hour', unit: 'GB-hour' },
    'Fargate-EphemeralStorage-GB-Hours': { key: 'fargate.ephemeral_storage.gb.hour', unit: 'GB-hour' },
  },
  AmazonEC2: {
    'NatGateway-Hours': { key: 'nat_gateway.hour', unit: 'NAT-gateway-hour' },
    'NatGateway-Bytes': { key: 'nat_gateway.gb_processed', unit: 'GB' },
    'PublicIPv4:InUseAddress': { key: 'public_ipv4.in_use.hour', unit: 'IP-hour' },
    'PublicIPv4:IdleAddress': { key: 'public_ipv4.idle.hour', unit: 'IP-hour' },
  },
  AmazonVPC: {
    'VpcEndpoint-Hours': { key: 'vpc_endpoint.interface.hour_per_az', unit: 'endpoint-AZ-hour' },
    'VpcEndpoint-Bytes': { key: 'vpc_endpoint.interface.gb_processed', unit: 'GB', tier: 'first' },
    'PublicIPv4:InUseAddress': { key: 'public_ipv4.in_use.hour', unit: 'IP-hour' },
    'PublicIPv4:IdleAddress': { key: 'public_ipv4.idle.hour', unit: 'IP-hour' },
  },
  AmazonCloudWatch: {
    'DataProcessing-Bytes': { key: 'cloudwatch.logs.ingestion.gb', unit: 'GB ingested (Standard class, custom logs)' },
    'TimedStorage-ByteHrs': { key: 'cloudwatch.logs.storage.gb_month', unit: 'GB-month' },
    'VendedLog-Bytes': { key: 'cloudwatch.logs.vended_ingestion.gb', unit: 'GB ingested (vended logs such as VPC flow logs, first 10 TB)', tier: 'first' },
    'CW:AlarmMonitorUsage': { key: 'cloudwatch.alarm.standard.month', unit: 'alarm metric-month (standard resolution)' },
    'CW:HighResAlarmMonitorUsage': { key: 'cloudwatch.alarm.high_resolution.month', unit: 'alarm metric-month (high resolution)' },
    'DashboardsUsageHour-Basic': { key: 'cloudwatch.dashboard.month', unit: 'dashboard-month' },
    'DashboardsUsageHour': { key: 'cloudwatch.dashboard.month', unit: 'dashboard-month' },
    'CW:MetricMonitorUsage': { key: 'cloudwatch.container_insights.metric_month', unit: 'metric-month (custom metrics, first tier)', tier: 'first' },
  },
  AWSSecretsManager: {
    'AWSSecretsManager-Secrets': { key: 'secretsmanager.secret.month', unit: 'secret-month' },
    'AWSSecretsManager-APIRequest': { key: 'secretsmanager.api.per_10k', unit: '10,000 API calls', scale: 10_000 },
  },
  AmazonDynamoDB: {
    WriteRequestUnits: { key: 'dynamodb.on_demand.write.per_million', unit: 'million WRU', scale: 1e6 },
    ReadRequestUnits: { key: 'dynamodb.on_demand.read.per_million', unit: 'million RRU', scale: 1e6 },
    'TimedStorage-ByteHrs': { key: 'dynamodb.storage.gb_month', unit: 'GB-month', tier: 'first-paid' },
    'TimedPITRStorage-ByteHrs': { key: 'dynamodb.pitr.gb_month', unit: 'GB-month' },
  },
};

/** Which products of each offer the catalogue needs, and under which key. */
export const MATCHERS: Readonly<Record<OfferCode, (p: BulkProduct) => Match[]>> = {
  AmazonRDS: (p) => {
    const a = p.attributes;
    if (a.locationType !== 'AWS Region') return [];
    const az = RDS_DEPLOYMENTS[a.deploymentOption ?? ''];
    if (p.productFamily === 'Database Instance') {
      const engine = RDS_ENGINES[a.databaseEngine ?? ''];
      const licensed = a.licenseModel !== undefined && a.licenseModel !== 'No license required';
      return one(engine && az && a.instanceType && !licensed ? { key: `rds.${engine}.${a.instanceType}.${az}.hour`, unit: 'hour' } : undefined);
    }
    if (p.productFamily === 'Database Storage' && (a.databaseEngine === 'PostgreSQL' || a.databaseEngine === 'Any')) {
      const volume = RDS_VOLUMES[a.volumeType ?? ''];
      return one(volume && az ? { key: `rds.storage.${volume}.${az}.gb_month`, unit: 'GB-month' } : undefined);
    }
    if (p.productFamily === 'Storage Snapshot' && usageType(p) === 'RDS:ChargedBackupUsage') return [{ key: 'rds.backup_storage.gb_month', unit: 'GB-month' }];
    return [];
  },
  AmazonElastiCache: (p) => {
    const a = p.attributes;
    if (p.productFamily !== 'Cache Instance' || a.locationType !== 'AWS Region' || !a.instanceType || !a.cacheEngine) return [];
    return [{ key: `elasticache.${a.cacheEngine.toLowerCase()}.${a.instanceType}.hour`, unit: 'node-hour' }];
  },
  AWSELB: (p) => {
    const family = { 'Load Balancer-Application': 'alb', 'Load Balancer-Network': 'nlb' }[p.productFamily ?? ''];
    const u = usageType(p);
    if (!family) return [];
    if (u === 'LoadBalancerUsage') return [{ key: `${family}.hour`, unit: `${family.toUpperCase()}-hour` }];
    if (u === 'LCUUsage') return [{ key: family === 'alb' ? 'alb.lcu.hour' : 'nlb.nlcu.hour', unit: family === 'alb' ? 'LCU-hour' : 'NLCU-hour' }];
    return [];
  },
  AmazonS3: (p) =>
    p.productFamily === 'Storage' && p.attributes.volumeType === 'Standard' && usageType(p) === 'TimedStorage-ByteHrs'
      ? [{ key: 's3.standard.gb_month', unit: 'GB-month (first 50 TB)', tier: 'first' }]
      : [],
  AmazonECS: (p) => one(BY_USAGE_TYPE.AmazonECS[usageType(p)]),
  AmazonEC2: (p) => one(BY_USAGE_TYPE.AmazonEC2[usageType(p)]),
  AmazonVPC: (p) => one(BY_USAGE_TYPE.AmazonVPC[usageType(p)]),
  AmazonCloudWatch: (p) => one(BY_USAGE_TYPE.AmazonCloudWatch[usageType(p)]),
  AWSSecretsManager: (p) => one(BY_USAGE_TYPE.AWSSecretsManager[usageType(p)]),
  AmazonDynamoDB: (p) => one(BY_USAGE_TYPE.AmazonDynamoDB[usageType(p)]),
};

/** Where an offer file came from, for every price taken from it. */
export interface OfferProvenance {
  readonly url: string;
  readonly offerCode: string;
  readonly version?: string;
  readonly publicationDate?: string;
}

/** Callbacks for other readers of the same offer files (cost/prices/offerings.ts). */
export interface OfferHooks {
  /** Every product of the offer file, matched or not. */
  readonly product?: (offer: OfferCode, product: BulkProduct) => void;
  /** Once the file is read: where it came from. */
  readonly offer?: (offer: OfferCode, from: OfferProvenance) => void;
}

/** A price candidate found in an offer file. */
export interface FoundPrice {
  readonly key: string;
  readonly entry: KnownPrice;
}

function usd(d: PriceDimension): number {
  const text = d.pricePerUnit.USD;
  const value = Number(text);
  if (text === undefined || !Number.isFinite(value)) throw new Error(`price dimension ${d.rateCode} has no USD price`);
  return value;
}

function range(text: string): number | null {
  return text === 'Inf' ? null : Number(text);
}

/** The catalogue entry for one matched product from its on-demand price dimensions. */
export function priceFor(match: Match, product: BulkProduct, dimensions: readonly PriceDimension[], from: OfferProvenance): KnownPrice | undefined {
  if (dimensions.length === 0) return undefined;
  const sorted = [...dimensions].sort((a, b) => Number(a.beginRange) - Number(b.beginRange));
  const chosen = match.tier === 'first-paid' ? (sorted.find((d) => usd(d) > 0) ?? sorted[0]) : sorted[0];
  const scale = match.scale ?? 1;
  const price = Number((usd(chosen) * scale).toPrecision(10));
  const tiers = sorted.length > 1 ? sorted.map((d) => ({ beginRange: Number(d.beginRange), endRange: range(d.endRange), price: Number((usd(d) * scale).toPrecision(10)) })) : undefined;
  const date = from.publicationDate?.slice(0, 10) ?? from.version ?? 'unknown';
  return {
    status: 'known',
    price,
    unit: match.unit,
    source:
      `AWS Price List bulk API ${from.url} (offer ${from.offerCode} version ${from.version ?? '?'}, published ${from.publicationDate ?? '?'}); ` +
      `sku ${product.sku}, rateCode ${chosen.rateCode}: "${chosen.description}"${scale !== 1 ? ` (per-${chosen.unit} price × ${scale})` : ''}`,
    asOf: date,
    asOfBasis: 'price-list',
    confidence: 'high',
    ...(tiers ? { tiers, note: `Tiered; the catalogue price is the ${match.tier === 'first-paid' ? 'first paid' : 'first'} tier.` } : {}),
  };
}

/**
 * Reads one offer file as text chunks and returns the prices the matchers select.
 * Products come before terms in the file, so only the terms of matched SKUs are kept.
 */
export async function scanOffer(offerCode: OfferCode, chunks: AsyncIterable<string>, url: string, hooks: OfferHooks = {}): Promise<FoundPrice[]> {
  const wanted = new Map<string, { product: BulkProduct; matches: Match[] }>();
  const found: FoundPrice[] = [];
  const terms: { sku: string; value: unknown }[] = [];
  const scanner = new OfferScanner({
    product: (sku, value) => {
      const product = value as BulkProduct;
      if (!product || typeof product.attributes !== 'object') return;
      hooks.product?.(offerCode, product);
      const matches = MATCHERS[offerCode](product);
      if (matches.length > 0) wanted.set(sku, { product, matches });
    },
    onDemand: (sku, value) => {
      if (wanted.has(sku)) terms.push({ sku, value });
    },
  });
  for await (const chunk of chunks) scanner.write(chunk);
  scanner.end();
  const from: OfferProvenance = { url, offerCode: scanner.header.offerCode ?? offerCode, version: scanner.header.version, publicationDate: scanner.header.publicationDate };
  hooks.offer?.(offerCode, from);
  for (const { sku, value } of terms) {
    const entry = wanted.get(sku);
    if (!entry) continue;
    for (const term of Object.values((value ?? {}) as Record<string, { priceDimensions?: Record<string, PriceDimension> }>)) {
      const dimensions = Object.values(term.priceDimensions ?? {});
      for (const match of entry.matches) {
        const price = priceFor(match, entry.product, dimensions, from);
        if (price) found.push({ key: match.key, entry: price });
      }
    }
  }
  return found;
}

/** What a refresh did to the catalogue. */
export interface RefreshReport {
  readonly updated: string[];
  readonly added: string[];
  /** Entries the bulk API did not cover, kept from the previous catalogue. */
  readonly kept: string[];
  /** Keys found more than once with different prices: recorded as unknown rather than picked. */
  readonly conflicting: string[];
}

/** Merges the prices found in the offer files into the previous catalogue. */
export function mergeRefresh(previous: Catalogue, found: readonly FoundPrice[], endpoint: string): { catalogue: Catalogue; report: RefreshReport } {
  const byKey = new Map<string, KnownPrice[]>();
  for (const f of found) byKey.set(f.key, [...(byKey.get(f.key) ?? []), f.entry]);
  const prices: Record<string, PriceEntry> = { ...previous.prices };
  const report: RefreshReport = { updated: [], added: [], kept: [], conflicting: [] };
  for (const [key, entries] of byKey) {
    const distinct = [...new Set(entries.map((e) => e.price))];
    (previous.prices[key] ? report.updated : report.added).push(key);
    if (distinct.length > 1) {
      report.conflicting.push(key);
      prices[key] = {
        status: 'unknown',
        price: null,
        unit: entries[0].unit,
        unknownReason: `The Price List gives ${entries.length} different prices (${distinct.join(', ')}) for this key; not picking one. Sources: ${entries.map((e) => e.source).join(' | ')}`,
        source: null,
        asOf: null,
        confidence: 'none',
      };
    } else {
      prices[key] = entries[0];
    }
  }
  report.kept.push(...Object.keys(previous.prices).filter((k) => !byKey.has(k)).sort());
  const catalogue = parseCatalogue(
    {
      ...previous,
      hoursPerMonth: HOURS_PER_MONTH,
      provenance: {
        builtBy: 'npm run cost:refresh (cost/prices/price-list.ts)',
        from: `AWS Price List bulk API ${endpoint}${OFFER_INDEX_PATH}; entries it does not cover are kept from the previous catalogue (built from ${previous.provenance.from})`,
        collected: new Date().toISOString().slice(0, 10),
      },
      prices,
    },
    'refreshed catalogue',
  );
  return { catalogue, report };
}

/** Thrown when the Price List cannot be reached. */
export class PriceListUnreachableError extends Error {
  constructor(url: string, cause: string) {
    super(
      `Cannot reach the AWS Price List bulk API at ${url} (${cause}). This machine looks offline or cannot reach ` +
        'pricing.us-east-1.amazonaws.com. The catalogue was not changed; run `npm run cost:refresh` on a machine with internet access.',
    );
    this.name = 'PriceListUnreachableError';
  }
}

const NETWORK_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENETUNREACH', 'EHOSTUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

/** GETs a URL; network failures become PriceListUnreachableError, HTTP errors a plain error. */
export async function get(url: string, connectTimeoutMs = 20_000): Promise<Response> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), connectTimeoutMs);
  try {
    const response = await fetch(url, { signal: controller.signal });
    if (!response.ok) throw new Error(`GET ${url} answered HTTP ${response.status} ${response.statusText}`);
    return response;
  } catch (e) {
    const err = e as Error & { cause?: { code?: string; message?: string } };
    if (err.name === 'AbortError') throw new PriceListUnreachableError(url, `no answer within ${connectTimeoutMs / 1000} s`);
    const code = err.cause?.code;
    // fetch reports network failures as a TypeError with the system error as its cause (compared by
    // name: the TypeError of Node's fetch is not the one of a jest or vm context).
    if (err.name === 'TypeError' && (code === undefined || NETWORK_CODES.has(code))) throw new PriceListUnreachableError(url, err.cause?.message ?? err.message);
    throw e;
  } finally {
    clearTimeout(timer);
  }
}

async function getJson<T>(url: string): Promise<T> {
  return (await (await get(url)).json()) as T;
}

async function* textChunks(response: Response): AsyncIterable<string> {
  if (!response.body) return;
  const decoder = new TextDecoder('utf-8');
  for await (const bytes of response.body as unknown as AsyncIterable<Uint8Array>) yield decoder.decode(bytes, { stream: true });
  const rest = decoder.decode();
  if (rest) yield rest;
}

export interface RefreshOptions {
  readonly region: string;
  /** @default PRICE_LIST_ENDPOINT */
  readonly endpoint?: string;
  /** @default REFRESH_OFFERS */
  readonly offers?: readonly OfferCode[];
  readonly log?: (line: string) => void;
  /** Other readers of the offer files. */
  readonly hooks?: OfferHooks;
}

/** Fetches the offer files of a region and returns every price the matchers select. */
export async function fetchPrices(options: RefreshOptions): Promise<FoundPrice[]> {
  const endpoint = options.endpoint ?? PRICE_LIST_ENDPOINT;
  const log = options.log ?? (() => undefined);
  const index = await getJson<{ offers?: Record<string, { currentRegionIndexUrl?: string }> }>(`${endpoint}${OFFER_INDEX_PATH}`);
  const found: FoundPrice[] = [];
  for (const offer of options.offers ?? REFRESH_OFFERS) {
    const regionIndexPath = index.offers?.[offer]?.currentRegionIndexUrl;
    if (!regionIndexPath) throw new Error(`The offer index has no region index for ${offer}`);
    const regions = await getJson<{ regions?: Record<string, { currentVersionUrl?: string }> }>(`${endpoint}${regionIndexPath}`);
    const offerPath = regions.regions?.[options.region]?.currentVersionUrl;
    if (!offerPath) {
      log(`${offer}: no offer file for ${options.region}; skipped`);
      continue;
    }
    const url = `${endpoint}${offerPath}`;
    log(`${offer}: reading ${url}`);
    const prices = await scanOffer(offer, textChunks(await get(url)), url, options.hooks);
    log(`${offer}: ${prices.length} prices`);
    found.push(...prices);
  }
  return found;
}
