/**
 * The streaming reader of an AWS Price List offer file (cost/prices/offer-scanner.ts): every product
 * and on-demand term, whatever the chunk boundaries, and a clear error on a truncated file.
 */
import { OfferScanner } from '../../../cost/prices/offer-scanner';

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
