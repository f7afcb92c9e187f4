/**
 * What a region offers, collected from the same offer files as the prices (cost/prices/offerings.ts).
 */
import { OfferingsCollector } from '../../../cost/prices/offerings';

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
