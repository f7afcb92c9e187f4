/**
 * What a region offers, collected from the same offer files as the prices (cost/prices/offerings.ts),
 * and the committed module it is recorded in (lib/aws-offerings.ts).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { OFFERINGS_MODULE, OfferingsCollector, readOfferingsModule, renderOfferingsModule, writeOfferings } from '../../../cost/prices/offerings';
import { RECORDED_OFFERINGS } from '../../../lib/aws-facts';
import { tempDir } from '../../support/temp';

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

describe('the offerings module (lib/aws-offerings.ts)', () => {
  const tokyo = { region: 'ap-northeast-1', source: 's', rdsPostgresInstanceClasses: ['db.t4g.micro'], elasticacheRedisNodeTypes: ['cache.t4g.micro'] };

  it('is committed exactly as the refresh writes it: its data, in the module the environment checks import', () => {
    expect(readFileSync(OFFERINGS_MODULE, 'utf8')).toBe(renderOfferingsModule(RECORDED_OFFERINGS));
    expect(readOfferingsModule(OFFERINGS_MODULE)).toEqual(RECORDED_OFFERINGS);
  });

  it('records each region under its own name, regions in order, and reads back what it wrote', () => {
    const file = path.join(tempDir('offerings-'), 'offerings.ts');
    writeOfferings(tokyo, file);
    writeOfferings({ ...tokyo, region: 'af-south-1' }, file);
    writeOfferings({ ...tokyo, source: 'newer' }, file);
    expect(readOfferingsModule(file)).toEqual({ 'af-south-1': { ...tokyo, region: 'af-south-1' }, 'ap-northeast-1': { ...tokyo, source: 'newer' } });
    expect(Object.keys(readOfferingsModule(file))).toEqual(['af-south-1', 'ap-northeast-1']);
  });

  it('refuses to rewrite a file the refresh did not write', () => {
    const file = path.join(tempDir('offerings-'), 'other.ts');
    writeFileSync(file, 'export const PRICE_LIST_OFFERINGS = {};\n');
    expect(() => writeOfferings(tokyo, file)).toThrow(`${file} is not an offerings module written by npm run cost:refresh`);
    expect(readFileSync(file, 'utf8')).toBe('export const PRICE_LIST_OFFERINGS = {};\n');
  });
});
