/**
 * The committed price catalogue (cost/catalogue/) and its model (cost/prices/catalogue.ts): every
 * figure is sourced and dated, and unknown prices stay unknown with their reason.
 */
import { cataloguePath, importSharedPrices, loadCatalogue, lookupPrice, parseCatalogue } from '../../../cost/prices/catalogue';

describe('the committed catalogue (cost/catalogue/ap-southeast-2.json)', () => {
  const catalogue = loadCatalogue(cataloguePath('ap-southeast-2'));
  const entries = Object.entries(catalogue.prices);

  it('is for ap-southeast-2 in USD at 730 hours a month, and records where it was built from', () => {
    expect(catalogue).toMatchObject({ region: 'ap-southeast-2', currency: 'USD', hoursPerMonth: 730 });
    expect(catalogue.provenance.from).toBe('cost/sources/aws-prices-ap-southeast-2.json');
  });

  it('gives every known price a source and an as-of date, and every unknown one a reason and no figure', () => {
    expect(entries.length).toBeGreaterThanOrEqual(45);
    for (const [key, e] of entries) {
      if (e.status === 'known') {
        expect({ key, source: e.source.length > 10, asOf: /\d{4}-\d{2}/.test(e.asOf) }).toEqual({ key, source: true, asOf: true });
      } else {
        expect({ key, price: e.price, reason: e.unknownReason.length > 10 }).toEqual({ key, price: null, reason: true });
      }
    }
  });

  it('holds the sourced figures of the shared price file and keeps its null items unknown', () => {
    const price = (key: string) => {
      const found = lookupPrice(catalogue, key);
      return found.kind === 'known' ? found.entry.price : found.reason;
    };
    expect(price('nat_gateway.hour')).toBe(0.059);
    expect(price('public_ipv4.in_use.hour')).toBe(0.005);
    expect(price('rds.postgres.db.t3.micro.single_az.hour')).toBe(0.028);
    expect(price('elasticache.redis.cache.t3.small.hour')).toBe(0.05);
    expect(price('fargate.linux_x86.vcpu.hour')).toBe(0.04856);
    expect(price('rds.postgres.db.t3.small.multi_az.hour')).toMatch(/^price unknown \(rds\.postgres\.db\.t3\.small\.multi_az\.hour\): Not found/);
    expect(price('alb.lcu.hour')).toMatch(/^price unknown/);
    expect(price('nat_gateway.gb_processed')).toMatch(/^price unknown/);
    expect(price('no.such.key')).toBe('the ap-southeast-2 catalogue has no entry no.such.key');
  });

  it('dates a price whose source states no date with the collection date, and says so', () => {
    expect(catalogue.prices['vpc_endpoint.gateway.s3.hour']).toMatchObject({ status: 'known', price: 0, asOf: '2026-11-27', asOfBasis: 'collected' });
  });
});

describe('importSharedPrices', () => {
  const shared = {
    region: 'ap-southeast-2',
    currency: 'USD',
    collected: '2026-11-27',
    items: {
      'a.hour': { price: 0.5, unit: 'hour', source: 'somewhere', as_of: '2025-01-01', note: 'High-resolution 0.30; single source.', confidence: 'medium' },
      'cloudwatch.alarm.standard.month': { price: 0.1, unit: 'alarm', source: 'Duckbill', as_of: '2025-04-30', note: 'High-resolution 0.30; single source.', confidence: 'medium' },
      'b.hour': { price: null, unit: 'hour', source: null, as_of: null, note: 'Not found for ap-southeast-2.', confidence: 'none' },
    },
  };

  it('keeps null prices unknown with the note as the reason, and takes a figure stated in a note with the quote', () => {
    const c = importSharedPrices(shared, 'shared.json');
    expect(c.prices['b.hour']).toEqual({ status: 'unknown', price: null, unit: 'hour', unknownReason: 'Not found for ap-southeast-2.', source: null, asOf: null, confidence: 'none' });
    expect(c.prices['a.hour']).toMatchObject({ status: 'known', price: 0.5, source: 'somewhere', asOf: '2025-01-01', asOfBasis: 'source' });
    expect(c.prices['cloudwatch.alarm.high_resolution.month']).toMatchObject({
      price: 0.3,
      derivedFrom: 'cloudwatch.alarm.standard.month',
      note: 'Stated in the note of cloudwatch.alarm.standard.month: "High-resolution 0.30"',
    });
  });

  it('refuses a price without a source', () => {
    const bad = { ...shared, items: { 'c.hour': { price: 1, unit: 'hour', source: null, as_of: null, confidence: 'low' } } };
    expect(() => importSharedPrices(bad, 'shared.json')).toThrow('shared.json: item c.hour has a price but no source; refusing to import an unsourced figure');
  });

  it('refuses a catalogue entry that claims a price without a source', () => {
    const c = importSharedPrices(shared, 'shared.json');
    const broken = { ...c, prices: { ...c.prices, 'a.hour': { ...c.prices['a.hour'], source: '' } } };
    expect(() => parseCatalogue(broken, 'broken.json')).toThrow(/broken\.json is not a valid price catalogue:\n {2}- prices\.a\.hour\.source/);
  });
});
