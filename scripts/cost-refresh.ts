/**
 * Rebuilds the price catalogue from the AWS Price List bulk API (needs internet;
 * no AWS account):
 *
 *   npm run cost:refresh [-- --region ap-southeast-2] [--endpoint <url>] [--out <file>]
 *
 * Prices found in the offer files replace the committed ones; entries the bulk API
 * does not cover are kept and listed. Offline, it stops with a clear message and
 * leaves the catalogue as it was.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Catalogue, HOURS_PER_MONTH, cataloguePath, loadCatalogue, writeCatalogue } from '../lib/cost/catalogue';
import { PROJECT_ROOT } from '../lib/cost/paths';
import { PRICE_LIST_ENDPOINT, PriceListUnreachableError, fetchPrices, mergeRefresh } from '../lib/cost/price-list';
import { runMain } from './cli';

function emptyCatalogue(region: string): Catalogue {
  return { region, currency: 'USD', hoursPerMonth: HOURS_PER_MONTH, provenance: { builtBy: 'npm run cost:refresh', from: '(new catalogue)' }, prices: {} };
}

export async function main(argv: string[], out: (s: string) => void, err: (s: string) => void): Promise<number> {
  let values: { region?: string; endpoint?: string; out?: string };
  try {
    ({ values } = parseArgs({ args: argv, options: { region: { type: 'string' }, endpoint: { type: 'string' }, out: { type: 'string' } } }));
  } catch (e) {
    err(`${(e as Error).message}\nusage: npm run cost:refresh [-- --region <region>] [--endpoint <url>] [--out <file>]\n`);
    return 2;
  }
  const region = values.region ?? 'ap-southeast-2';
  const endpoint = values.endpoint ?? process.env.OMC_PRICE_LIST_ENDPOINT ?? PRICE_LIST_ENDPOINT;
  const file = values.out ? path.resolve(values.out) : cataloguePath(region);
  try {
    // A region without a catalogue starts empty: never seed it with another region's figures.
    const previous = existsSync(file) ? loadCatalogue(file) : emptyCatalogue(region);
    if (previous.region !== region) throw new Error(`${file} is the catalogue of ${previous.region}, not ${region}`);
    const found = await fetchPrices({ region, endpoint, log: (l) => err(`${l}\n`) });
    const { catalogue, report } = mergeRefresh(previous, found, endpoint);
    writeCatalogue(catalogue, file);
    out(
      [
        `wrote ${path.relative(PROJECT_ROOT, file)}`,
        `  updated from the Price List: ${report.updated.length}`,
        `  added: ${report.added.length}`,
        `  conflicting (recorded as unknown): ${report.conflicting.join(', ') || 'none'}`,
        `  kept from the previous catalogue (not in the bulk API): ${report.kept.join(', ') || 'none'}`,
        '',
      ].join('\n'),
    );
    return 0;
  } catch (e) {
    err(`${(e as Error).message}\n`);
    return e instanceof PriceListUnreachableError ? 3 : 1;
  }
}

if (require.main === module) {
  runMain(() => main(process.argv.slice(2), (s) => process.stdout.write(s), (s) => process.stderr.write(s)));
}
