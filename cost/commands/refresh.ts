/**
 * Rebuilds the price catalogue from the AWS Price List bulk API (needs internet;
 * no AWS account):
 *
 *   npm run cost:refresh [-- --region ap-southeast-2] [--endpoint <url>] [--out <file>] [--offerings-out <file>]
 *
 * Prices found in the offer files replace the committed ones; entries the bulk API
 * does not cover are kept and listed. The same files give the RDS instance classes and
 * ElastiCache node types the region offers, recorded in lib/aws-offerings.ts (with --out and
 * no --offerings-out, next to the catalogue as <name>.offerings.ts), the committed module the
 * environment checks import. Offline, it stops with a clear message and changes nothing.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Catalogue, HOURS_PER_MONTH, cataloguePath, loadCatalogue, writeCatalogue } from '../prices/catalogue';
import { OFFERINGS_MODULE, OfferingsCollector, writeOfferings } from '../prices/offerings';
import { PROJECT_ROOT } from '../paths';
import { PRICE_LIST_ENDPOINT, PriceListUnreachableError, fetchPrices, mergeRefresh } from '../prices/price-list';
import { defineCommand, execute, STDIO } from '../../scripts/cli';

function emptyCatalogue(region: string): Catalogue {
  return { region, currency: 'USD', hoursPerMonth: HOURS_PER_MONTH, provenance: { builtBy: 'npm run cost:refresh', from: '(new catalogue)' }, prices: {} };
}

export const command = defineCommand({
  name: 'cost:refresh',
  summary: 'Rebuild cost/catalogue/ and lib/aws-offerings.ts (what the region offers, for the environment checks) from the AWS Price List bulk API (online, no AWS account).',
  options: {
    region: { type: 'string', value: '<region>', description: 'the region (default ap-southeast-2)' },
    endpoint: { type: 'string', value: '<url>', description: 'the Price List endpoint (default OMC_PRICE_LIST_ENDPOINT, else AWS)' },
    out: { type: 'string', value: '<file>', description: 'the catalogue to write (default cost/catalogue/<region>.json)' },
    'offerings-out': { type: 'string', value: '<file>', description: 'the offerings module to update (default lib/aws-offerings.ts)' },
  },
});

export function main(argv: readonly string[], out: (s: string) => void, err: (s: string) => void): Promise<number> {
  return execute(command, argv, ({ values }) => refresh(values, out, err), { out, err });
}

async function refresh(values: { region?: string; endpoint?: string; out?: string; 'offerings-out'?: string }, out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const region = values.region ?? 'ap-southeast-2';
  const endpoint = values.endpoint ?? process.env.OMC_PRICE_LIST_ENDPOINT ?? PRICE_LIST_ENDPOINT;
  const file = values.out ? path.resolve(values.out) : cataloguePath(region);
  const offeringsFile = values['offerings-out']
    ? path.resolve(values['offerings-out'])
    : values.out
      ? file.replace(/(\.json)?$/, '.offerings.ts')
      : OFFERINGS_MODULE;
  try {
    // A region without a catalogue starts empty: never seed it with another region's figures.
    const previous = existsSync(file) ? loadCatalogue(file) : emptyCatalogue(region);
    if (previous.region !== region) throw new Error(`${file} is the catalogue of ${previous.region}, not ${region}`);
    const offerings = new OfferingsCollector(region);
    const found = await fetchPrices({ region, endpoint, log: (l) => err(`${l}\n`), hooks: offerings.hooks });
    const { catalogue, report } = mergeRefresh(previous, found, endpoint);
    writeCatalogue(catalogue, file);
    const offered = offerings.result();
    if (offered) writeOfferings(offered, offeringsFile);
    out(
      [
        `wrote ${path.relative(PROJECT_ROOT, file)}`,
        `  updated from the Price List: ${report.updated.length}`,
        `  added: ${report.added.length}`,
        `  conflicting (recorded as unknown): ${report.conflicting.join(', ') || 'none'}`,
        `  kept from the previous catalogue (not in the bulk API): ${report.kept.join(', ') || 'none'}`,
        offered
          ? `wrote ${path.relative(PROJECT_ROOT, offeringsFile)}: ${offered.rdsPostgresInstanceClasses.length} RDS instance classes for PostgreSQL, ${offered.elasticacheRedisNodeTypes.length} ElastiCache node types for Redis OSS`
          : `offerings not written: the offer files list no current-generation PostgreSQL instance class or Redis node type in ${region}`,
        '',
      ].join('\n'),
    );
    return 0;
  } catch (e) {
    err(`${(e as Error).message}\n`);
    return e instanceof PriceListUnreachableError ? 3 : 1;
  }
}

/** The command on the process's stdout and stderr. */
export const cli = (argv: readonly string[]): Promise<number> => main(argv, STDIO.out, STDIO.err);
