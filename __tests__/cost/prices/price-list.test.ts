/**
 * The Price List reader (cost/prices/price-list.ts), on a small sample of the AWS bulk format written
 * into __tests__/fixtures/cost/price-list (offer index -> region index -> region offer file, with
 * products and terms.OnDemand.priceDimensions as published). The sample is served by a local HTTP
 * server (__tests__/support/cost.ts) so the real fetch and streaming code runs.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { cataloguePath, loadCatalogue } from '../../../cost/prices/catalogue';
import { FoundPrice, OfferCode, PriceListUnreachableError, fetchPrices, mergeRefresh, scanOffer } from '../../../cost/prices/price-list';
import { PRICE_LIST_FIXTURES, PRICE_LIST_VERSION as VERSION, type PriceListStandIn, servePriceList } from '../../support/cost';

function offerText(offer: OfferCode): string {
  return readFileSync(path.join(PRICE_LIST_FIXTURES, 'offers', 'v1.0', 'aws', offer, VERSION, 'ap-southeast-2', 'index.json'), 'utf8');
}

async function* inChunks(text: string, size: number): AsyncIterable<string> {
  for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
}

function prices(found: readonly FoundPrice[]): Record<string, number> {
  return Object.fromEntries(found.map((f) => [f.key, f.entry.price]));
}

describe('scanOffer on the recorded sample of each offer file', () => {
  const expected: Record<OfferCode, Record<string, number>> = {
    AmazonRDS: {
      'rds.postgres.db.t3.micro.single_az.hour': 0.028,
      'rds.postgres.db.t3.micro.multi_az.hour': 0.0999,
      'rds.mysql.db.t3.micro.single_az.hour': 0.0997,
      'rds.storage.gp3.single_az.gb_month': 0.0995,
      'rds.backup_storage.gb_month': 0.0994,
    },
    AmazonElastiCache: { 'elasticache.redis.cache.t3.micro.hour': 0.025, 'elasticache.valkey.cache.t3.micro.hour': 0.0993 },
    AmazonECS: {
      'fargate.linux_x86.vcpu.hour': 0.04856,
      'fargate.linux_x86.gb.hour': 0.00532,
      'fargate.linux_arm.vcpu.hour': 0.03885,
      'fargate.ephemeral_storage.gb.hour': 0.0991,
    },
    AWSELB: { 'alb.hour': 0.0252, 'alb.lcu.hour': 0.0989, 'nlb.hour': 0.0988 },
    AmazonEC2: { 'nat_gateway.hour': 0.059, 'nat_gateway.gb_processed': 0.0987 },
    AmazonVPC: {
      'vpc_endpoint.interface.hour_per_az': 0.0986,
      'vpc_endpoint.interface.gb_processed': 0.0985,
      'public_ipv4.in_use.hour': 0.005,
      'public_ipv4.idle.hour': 0.005,
    },
    AmazonCloudWatch: {
      'cloudwatch.logs.ingestion.gb': 0.67,
      'cloudwatch.logs.storage.gb_month': 0.033,
      'cloudwatch.logs.vended_ingestion.gb': 0.67,
      'cloudwatch.alarm.standard.month': 0.1,
      'cloudwatch.alarm.high_resolution.month': 0.3,
      'cloudwatch.dashboard.month': 3,
      'cloudwatch.container_insights.metric_month': 0.0983,
    },
    AWSSecretsManager: { 'secretsmanager.secret.month': 0.4, 'secretsmanager.api.per_10k': 0.05 },
    AmazonS3: { 's3.standard.gb_month': 0.025 },
    AmazonDynamoDB: {
      'dynamodb.on_demand.write.per_million': 0.9,
      'dynamodb.on_demand.read.per_million': 0.18,
      'dynamodb.storage.gb_month': 0.285,
      'dynamodb.pitr.gb_month': 0.0979,
    },
  };

  it.each(Object.keys(expected) as OfferCode[])('%s: picks exactly the needed products and their on-demand prices', async (offer) => {
    const found = await scanOffer(offer, inChunks(offerText(offer), 4096), `http://fixture/${offer}`);
    expect(prices(found)).toEqual(expected[offer]);
    expect(found).toHaveLength(Object.keys(expected[offer]).length);
  });

  it('records the offer file, version, publication date, sku and rate code as the source, dated by the publication date', async () => {
    const found = await scanOffer('AmazonEC2', inChunks(offerText('AmazonEC2'), 1000), 'http://fixture/ec2.json');
    const nat = found.find((f) => f.key === 'nat_gateway.hour')?.entry;
    expect(nat).toMatchObject({ status: 'known', price: 0.059, asOf: '2026-11-20', asOfBasis: 'price-list', confidence: 'high', unit: 'NAT-gateway-hour' });
    expect(nat?.source).toMatch(
      /^AWS Price List bulk API http:\/\/fixture\/ec2\.json \(offer AmazonEC2 version 20261120184209, published 2026-11-20T18:42:09Z\); sku [A-Z0-9]{16}, rateCode [A-Z0-9]{16}\.JRTCKXETXF\.6YS6EN2CT7: "\$0\.059 per NAT Gateway Hour"$/,
    );
  });

  it('keeps published tiers and prices the first (or first paid) tier', async () => {
    const s3 = await scanOffer('AmazonS3', inChunks(offerText('AmazonS3'), 512), 'u');
    expect(s3[0].entry.tiers).toEqual([
      { beginRange: 0, endRange: 51200, price: 0.025 },
      { beginRange: 51200, endRange: 512000, price: 0.024 },
      { beginRange: 512000, endRange: null, price: 0.023 },
    ]);
    const dynamo = await scanOffer('AmazonDynamoDB', inChunks(offerText('AmazonDynamoDB'), 512), 'u');
    expect(dynamo.find((f) => f.key === 'dynamodb.storage.gb_month')?.entry).toMatchObject({ price: 0.285, note: 'Tiered; the catalogue price is the first paid tier.' });
  });
});

describe('fetchPrices through HTTP, and mergeRefresh', () => {
  let priceList: PriceListStandIn;
  let endpoint: string;

  beforeAll(async () => {
    priceList = await servePriceList();
    endpoint = priceList.endpoint;
  });

  afterAll(() => priceList.close());

  it('follows offer index -> region index -> offer file for every offer and merges into the catalogue', async () => {
    const found = await fetchPrices({ region: 'ap-southeast-2', endpoint });
    expect(found).toHaveLength(34);
    const previous = loadCatalogue(cataloguePath('ap-southeast-2'));
    const { catalogue, report } = mergeRefresh(previous, found, endpoint);
    // A price the shared file could not source now comes from the Price List.
    expect(previous.prices['rds.postgres.db.t3.micro.multi_az.hour'].status).toBe('unknown');
    expect(catalogue.prices['rds.postgres.db.t3.micro.multi_az.hour']).toMatchObject({ status: 'known', price: 0.0999, asOfBasis: 'price-list' });
    expect(catalogue.prices['rds.postgres.db.t3.micro.multi_az.hour'].source).toContain(`${endpoint}/offers/v1.0/aws/AmazonRDS/${VERSION}/ap-southeast-2/index.json`);
    expect(report.updated).toEqual(expect.arrayContaining(['nat_gateway.hour', 'alb.lcu.hour', 'rds.postgres.db.t3.micro.multi_az.hour']));
    expect(report.added).toEqual(expect.arrayContaining(['rds.mysql.db.t3.micro.single_az.hour', 'nlb.hour', 'public_ipv4.idle.hour']));
    // What the bulk API does not publish (free gateway endpoints, the free Performance Insights tier) is kept as it was.
    expect(report.kept).toEqual(expect.arrayContaining(['vpc_endpoint.gateway.s3.hour', 'rds.performance_insights.retention_7d.month']));
    expect(catalogue.prices['vpc_endpoint.gateway.s3.hour']).toEqual(previous.prices['vpc_endpoint.gateway.s3.hour']);
    expect(report.conflicting).toEqual([]);
  });

  it('records a key with two different prices as unknown instead of picking one', () => {
    const previous = loadCatalogue(cataloguePath('ap-southeast-2'));
    const entry = (price: number, source: string) => ({ status: 'known' as const, price, unit: 'hour', source, asOf: '2026-11-20', asOfBasis: 'price-list' as const, confidence: 'high' as const });
    const { catalogue, report } = mergeRefresh(previous, [{ key: 'nat_gateway.hour', entry: entry(0.059, 'a') }, { key: 'nat_gateway.hour', entry: entry(0.06, 'b') }], endpoint);
    expect(report.conflicting).toEqual(['nat_gateway.hour']);
    expect(catalogue.prices['nat_gateway.hour']).toMatchObject({ status: 'unknown', price: null, unknownReason: expect.stringMatching(/^The Price List gives 2 different prices \(0\.059, 0\.06\)/) });
  });

  it('stops with PriceListUnreachableError when the Price List cannot be reached', async () => {
    await expect(fetchPrices({ region: 'ap-southeast-2', endpoint: priceList.closedEndpoint })).rejects.toThrow(PriceListUnreachableError);
  });

  it('reports an HTTP error with the URL', async () => {
    await expect(fetchPrices({ region: 'ap-southeast-2', endpoint: `${endpoint}/nowhere` })).rejects.toThrow(`GET ${endpoint}/nowhere/offers/v1.0/aws/index.json answered HTTP 404`);
  });
});
