/**
 * The Price List refresh, on a small sample of the AWS bulk format written into
 * __tests__/fixtures/cost/price-list (offer index -> region index -> region offer
 * file, with products and terms.OnDemand.priceDimensions as published). The
 * sample is served by a local HTTP server so the real fetch and streaming code
 * runs; offline, the refresh must stop with a clear message.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ELASTICACHE_NODE_TYPES, offeredInRegion } from '../lib/aws-facts';
import { cataloguePath, loadCatalogue } from '../tooling/cost/catalogue';
import { PROJECT_ROOT } from '../tooling/cost/paths';
import { OfferScanner } from '../tooling/cost/offer-scanner';
import { OfferingsCollector } from '../tooling/cost/offerings';
import { FoundPrice, OfferCode, PriceListUnreachableError, fetchPrices, mergeRefresh, scanOffer } from '../tooling/cost/price-list';
import { main as refreshCli } from '../scripts/cost-refresh';

const FIXTURES = path.join(__dirname, 'fixtures', 'cost', 'price-list');
const VERSION = '20261120184209';

function offerText(offer: OfferCode): string {
  return readFileSync(path.join(FIXTURES, 'offers', 'v1.0', 'aws', offer, VERSION, 'ap-southeast-2', 'index.json'), 'utf8');
}

async function* inChunks(text: string, size: number): AsyncIterable<string> {
  for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
}

function prices(found: readonly FoundPrice[]): Record<string, number> {
  return Object.fromEntries(found.map((f) => [f.key, f.entry.price]));
}

describe('OfferScanner', () => {
  const text =
    '{"formatVersion":"v1.0","disclaimer":"say \\"hi\\" \\u00e9","offerCode":"X","version":"1","publicationDate":"2026-01-01T00:00:00Z",' +
    '"products":{"SKU\\"1":{"sku":"SKU\\"1","attributes":{"a":"{not a brace}","b":["[",1]}},"SKU2":{"sku":"SKU2","attributes":{}}},' +
    '"terms":{"Reserved":{"SKU2":{"r":{"priceDimensions":{}}}},"OnDemand":{"SKU2":{"SKU2.T":{"priceDimensions":{"d":{"pricePerUnit":{"USD":"1.5"}}}}}}},"attributesList":{}}';

  function scan(size: number) {
    const products: [string, unknown][] = [];
    const terms: [string, unknown][] = [];
    const scanner = new OfferScanner({ product: (s, p) => products.push([s, p]), onDemand: (s, t) => terms.push([s, t]) });
    for (let i = 0; i < text.length; i += size) scanner.write(text.slice(i, i + size));
    scanner.end();
    return { products, terms, header: scanner.header };
  }

  it('hands over every product and on-demand term, whatever the chunk boundaries, skipping Reserved terms', () => {
    const whole = scan(text.length);
    expect(whole.products).toEqual([
      ['SKU"1', { sku: 'SKU"1', attributes: { a: '{not a brace}', b: ['[', 1] } }],
      ['SKU2', { sku: 'SKU2', attributes: {} }],
    ]);
    expect(whole.terms).toEqual([['SKU2', { 'SKU2.T': { priceDimensions: { d: { pricePerUnit: { USD: '1.5' } } } } }]]);
    expect(whole.header).toMatchObject({ disclaimer: 'say "hi" é', offerCode: 'X', version: '1', publicationDate: '2026-01-01T00:00:00Z' });
    for (const size of [1, 2, 3, 5, 7, 64]) expect(scan(size)).toEqual(whole);
  });

  it('refuses a truncated file', () => {
    const scanner = new OfferScanner({ product: () => undefined, onDemand: () => undefined });
    scanner.write(text.slice(0, 200));
    expect(() => scanner.end()).toThrow('offer file ended before its JSON was complete (truncated download?)');
  });
});

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

describe('refresh through HTTP', () => {
  let server: Server;
  let endpoint: string;
  let closedEndpoint: string;

  beforeAll(async () => {
    server = createServer((req, res) => {
      const file = path.join(FIXTURES, path.normalize(decodeURIComponent((req.url ?? '/').split('?')[0])));
      try {
        const body = readFileSync(file);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(body);
      } catch {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    closedEndpoint = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
    await new Promise((resolve) => probe.close(resolve));
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

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

  it('writes the refreshed catalogue through the command, and reports what it did', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cost-refresh-'));
    const out = path.join(dir, 'ap-southeast-2.json');
    copyFileSync(cataloguePath('ap-southeast-2'), out);
    let stdout = '';
    let stderr = '';
    try {
      const code = await refreshCli(['--endpoint', endpoint, '--out', out], (s) => (stdout += s), (s) => (stderr += s));
      expect(code).toBe(0);
      expect(loadCatalogue(out).prices['alb.lcu.hour']).toMatchObject({ status: 'known', price: 0.0989 });
      expect(stdout).toMatch(/updated from the Price List: \d+/);
      expect(stdout).toMatch(/kept from the previous catalogue \(not in the bulk API\): .*vpc_endpoint\.gateway\.s3\.hour/);
      expect(stderr).toMatch(/AmazonRDS: 5 prices/);
      // The same offer files give what the region offers, for the environment checks.
      const offerings = JSON.parse(readFileSync(path.join(dir, 'ap-southeast-2.offerings.json'), 'utf8'));
      expect(offerings).toEqual({
        region: 'ap-southeast-2',
        source: expect.stringMatching(/^AWS Price List bulk API: http:\/\/127\.0\.0\.1:\d+\/offers\/v1\.0\/aws\/AmazonRDS\/20261120184209\/ap-southeast-2\/index\.json \(offer AmazonRDS version 20261120184209, published 2026-11-20T18:42:09Z\); .*AmazonElastiCache/),
        // PostgreSQL only (not the MySQL or SQL Server products), Redis only (not Valkey), regions only (not Outposts).
        rdsPostgresInstanceClasses: ['db.t3.micro'],
        elasticacheRedisNodeTypes: ['cache.t3.micro'],
      });
      expect(stdout).toContain('wrote ' + path.relative(PROJECT_ROOT, path.join(dir, 'ap-southeast-2.offerings.json')) + ': 1 RDS instance classes for PostgreSQL, 1 ElastiCache node types for Redis OSS');
      copyFileSync(path.join(dir, 'ap-southeast-2.offerings.json'), path.join(dir, 'eu-west-1.json'));
      expect(offeredInRegion('elasticache', 'eu-west-1', dir)).toMatchObject({ value: ['cache.t3.micro'], regional: true });
      expect(offeredInRegion('elasticache', 'eu-west-2', dir)).toMatchObject({ value: ELASTICACHE_NODE_TYPES.value, regional: false });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("starts a region without a catalogue empty, never from another region's figures", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cost-refresh-'));
    const out = path.join(dir, 'new.json');
    let stdout = '';
    try {
      expect(await refreshCli(['--endpoint', endpoint, '--out', out], (s) => (stdout += s), () => undefined)).toBe(0);
      const fresh = loadCatalogue(out);
      expect(Object.keys(fresh.prices)).toHaveLength(34);
      expect(fresh.prices['data_transfer.out_internet.first_10tb.gb']).toBeUndefined();
      expect(Object.values(fresh.prices).every((p) => p.status === 'known' && p.asOfBasis === 'price-list')).toBe(true);
      expect(stdout).toContain('kept from the previous catalogue (not in the bulk API): none');
      const wrong = path.join(dir, 'wrong.json');
      copyFileSync(cataloguePath('ap-southeast-2'), wrong);
      let stderr = '';
      expect(await refreshCli(['--endpoint', endpoint, '--region', 'eu-west-1', '--out', wrong], () => undefined, (s) => (stderr += s))).toBe(1);
      expect(stderr).toBe(`${wrong} is the catalogue of ap-southeast-2, not eu-west-1\n`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails with a clear message, exit code 3 and an unchanged catalogue when the Price List cannot be reached', async () => {
    await expect(fetchPrices({ region: 'ap-southeast-2', endpoint: closedEndpoint })).rejects.toThrow(PriceListUnreachableError);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cost-refresh-'));
    const out = path.join(dir, 'ap-southeast-2.json');
    copyFileSync(cataloguePath('ap-southeast-2'), out);
    const before = readFileSync(out, 'utf8');
    let stderr = '';
    try {
      const code = await refreshCli(['--endpoint', closedEndpoint, '--out', out], () => undefined, (s) => (stderr += s));
      expect(code).toBe(3);
      expect(stderr).toBe(
        `Cannot reach the AWS Price List bulk API at ${closedEndpoint}/offers/v1.0/aws/index.json (connect ECONNREFUSED ${closedEndpoint.replace('http://', '')}). ` +
          'This machine looks offline or cannot reach pricing.us-east-1.amazonaws.com. The catalogue was not changed; ' +
          'run `npm run cost:refresh` on a machine with internet access.\n',
      );
      expect(readFileSync(out, 'utf8')).toBe(before);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports an HTTP error with the URL', async () => {
    await expect(fetchPrices({ region: 'ap-southeast-2', endpoint: `${endpoint}/nowhere` })).rejects.toThrow(`GET ${endpoint}/nowhere/offers/v1.0/aws/index.json answered HTTP 404`);
  });
});

describe('offerings from the offer files', () => {
  const product = (instanceType: string, extra: Record<string, string> = {}, productFamily = 'Database Instance') => ({
    sku: instanceType,
    productFamily,
    attributes: { locationType: 'AWS Region', regionCode: 'ap-southeast-2', currentGeneration: 'Yes', instanceType, databaseEngine: 'PostgreSQL', deploymentOption: 'Single-AZ', ...extra },
  });

  it('keeps current-generation PostgreSQL classes and Redis node types of the region, sorted by family then size', () => {
    const collector = new OfferingsCollector('ap-southeast-2');
    for (const p of [
      product('db.r6g.16xlarge'),
      product('db.r6g.2xlarge', { deploymentOption: 'Multi-AZ' }),
      product('db.r6g.large'),
      product('db.m4.large', { currentGeneration: 'No' }),
      product('db.m6g.large', { databaseEngine: 'MySQL' }),
      product('db.m6gd.large', { deploymentOption: 'Multi-AZ (readable standbys)' }),
      product('db.t4g.micro', { regionCode: 'eu-west-1' }),
      product('db.t3.micro', { locationType: 'AWS Outposts' }),
    ]) {
      collector.hooks.product?.('AmazonRDS', p);
    }
    expect(collector.result()).toBeUndefined(); // no node types yet: the documented lists stay in force
    collector.hooks.product?.('AmazonElastiCache', product('cache.t4g.medium', { cacheEngine: 'Redis' }, 'Cache Instance'));
    collector.hooks.product?.('AmazonElastiCache', product('cache.t4g.micro', { cacheEngine: 'Redis' }, 'Cache Instance'));
    collector.hooks.product?.('AmazonElastiCache', product('cache.r7g.large', { cacheEngine: 'Valkey' }, 'Cache Instance'));
    collector.hooks.offer?.('AmazonRDS', { url: 'u', offerCode: 'AmazonRDS', version: 'v1', publicationDate: 'p' });
    expect(collector.result()).toEqual({
      region: 'ap-southeast-2',
      source: 'AWS Price List bulk API: u (offer AmazonRDS version v1, published p) (current-generation products of the region; npm run cost:refresh)',
      rdsPostgresInstanceClasses: ['db.r6g.large', 'db.r6g.2xlarge', 'db.r6g.16xlarge'],
      elasticacheRedisNodeTypes: ['cache.t4g.micro', 'cache.t4g.medium'],
    });
  });
});
