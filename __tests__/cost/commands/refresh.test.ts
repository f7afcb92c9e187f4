/**
 * `npm run cost:refresh` (cost/commands/refresh.ts) against the local Price List stand-in
 * (__tests__/support/cost.ts): it writes the catalogue and the offerings module, starts a new region
 * empty, and offline stops with a clear message and exit code 3, changing nothing.
 */
import { copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { main as refreshCli } from '../../../cost/commands/refresh';
import { PROJECT_ROOT } from '../../../cost/paths';
import { cataloguePath, loadCatalogue } from '../../../cost/prices/catalogue';
import { readOfferingsModule, renderOfferingsModule } from '../../../cost/prices/offerings';
import { type PriceListStandIn, servePriceList } from '../../support/cost';
import { tempDir } from '../../support/temp';

describe('npm run cost:refresh', () => {
  let priceList: PriceListStandIn;
  let endpoint: string;
  let closedEndpoint: string;

  beforeAll(async () => {
    priceList = await servePriceList();
    ({ endpoint, closedEndpoint } = priceList);
  });

  afterAll(() => priceList.close());

  it('writes the refreshed catalogue and the offerings module through the command, and reports what it did', async () => {
    const dir = tempDir('cost-refresh-');
    const out = path.join(dir, 'ap-southeast-2.json');
    copyFileSync(cataloguePath('ap-southeast-2'), out);
    let stdout = '';
    let stderr = '';
    const code = await refreshCli(['--endpoint', endpoint, '--out', out], (s) => (stdout += s), (s) => (stderr += s));
    expect(code).toBe(0);
    expect(loadCatalogue(out).prices['alb.lcu.hour']).toMatchObject({ status: 'known', price: 0.0989 });
    expect(stdout).toMatch(/updated from the Price List: \d+/);
    expect(stdout).toMatch(/kept from the previous catalogue \(not in the bulk API\): .*vpc_endpoint\.gateway\.s3\.hour/);
    expect(stderr).toMatch(/AmazonRDS: 5 prices/);
    // The same offer files give what the region offers, for the environment checks: with --out, in an
    // offerings module beside the catalogue (by default lib/aws-offerings.ts).
    const module = path.join(dir, 'ap-southeast-2.offerings.ts');
    expect(readOfferingsModule(module)).toEqual({
      'ap-southeast-2': {
        region: 'ap-southeast-2',
        source: expect.stringMatching(
          /^AWS Price List bulk API: http:\/\/127\.0\.0\.1:\d+\/offers\/v1\.0\/aws\/AmazonRDS\/20261120184209\/ap-southeast-2\/index\.json \(offer AmazonRDS version 20261120184209, published 2026-11-20T18:42:09Z\); .*AmazonElastiCache/,
        ),
        // PostgreSQL only (not the MySQL or SQL Server products), Redis only (not Valkey), regions only (not Outposts).
        rdsPostgresInstanceClasses: ['db.t3.micro'],
        elasticacheRedisNodeTypes: ['cache.t3.micro'],
      },
    });
    expect(stdout).toContain(`wrote ${path.relative(PROJECT_ROOT, module)}: 1 RDS instance classes for PostgreSQL, 1 ElastiCache node types for Redis OSS`);
  });

  it('adds a region to the offerings module given with --offerings-out, keeping the regions recorded before', async () => {
    const dir = tempDir('cost-refresh-');
    const module = path.join(dir, 'offerings.ts');
    const earlier = { region: 'eu-west-1', source: 'earlier refresh', rdsPostgresInstanceClasses: ['db.t4g.micro'], elasticacheRedisNodeTypes: ['cache.t4g.micro'] };
    writeFileSync(module, renderOfferingsModule({ 'eu-west-1': earlier }));
    const out = path.join(dir, 'ap-southeast-2.json');
    copyFileSync(cataloguePath('ap-southeast-2'), out);
    expect(await refreshCli(['--endpoint', endpoint, '--out', out, '--offerings-out', module], () => undefined, () => undefined)).toBe(0);
    const recorded = readOfferingsModule(module);
    expect(Object.keys(recorded)).toEqual(['ap-southeast-2', 'eu-west-1']);
    expect(recorded['eu-west-1']).toEqual(earlier);
    expect(recorded['ap-southeast-2'].rdsPostgresInstanceClasses).toEqual(['db.t3.micro']);
  });

  it("starts a region without a catalogue empty, never from another region's figures", async () => {
    const dir = tempDir('cost-refresh-');
    const out = path.join(dir, 'new.json');
    let stdout = '';
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
  });

  it('fails with a clear message, exit code 3 and an unchanged catalogue when the Price List cannot be reached', async () => {
    const dir = tempDir('cost-refresh-');
    const out = path.join(dir, 'ap-southeast-2.json');
    copyFileSync(cataloguePath('ap-southeast-2'), out);
    const before = readFileSync(out, 'utf8');
    let stderr = '';
    const code = await refreshCli(['--endpoint', closedEndpoint, '--out', out], () => undefined, (s) => (stderr += s));
    expect(code).toBe(3);
    expect(stderr).toBe(
      `Cannot reach the AWS Price List bulk API at ${closedEndpoint}/offers/v1.0/aws/index.json (connect ECONNREFUSED ${closedEndpoint.replace('http://', '')}). ` +
        'This machine looks offline or cannot reach pricing.us-east-1.amazonaws.com. The catalogue was not changed; ' +
        'run `npm run cost:refresh` on a machine with internet access.\n',
    );
    expect(readFileSync(out, 'utf8')).toBe(before);
    expect(readdirSync(dir)).toEqual(['ap-southeast-2.json']);
  });
});
