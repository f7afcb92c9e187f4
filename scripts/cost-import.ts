/**
 * Rebuilds the committed price catalogue from the team's hand-collected price file
 * (offline):
 *
 *   npm run cost:import [-- <price file>]   (default cost/sources/aws-prices-ap-southeast-2.json)
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { cataloguePath, importSharedPrices, writeCatalogue } from '../tooling/cost/catalogue';
import { PROJECT_ROOT } from '../tooling/cost/paths';

function main(argv: string[]): number {
  const file = path.resolve(argv[0] ?? path.join(PROJECT_ROOT, 'cost', 'sources', 'aws-prices-ap-southeast-2.json'));
  if (!existsSync(file)) {
    process.stderr.write(`No price file at ${file}; pass its path: npm run cost:import -- <file>\n`);
    return 2;
  }
  const catalogue = importSharedPrices(JSON.parse(readFileSync(file, 'utf8')), path.relative(PROJECT_ROOT, file));
  const out = cataloguePath(catalogue.region);
  writeCatalogue(catalogue, out);
  const entries = Object.values(catalogue.prices);
  const unknown = entries.filter((e) => e.status === 'unknown').length;
  process.stdout.write(`wrote ${path.relative(PROJECT_ROOT, out)}: ${entries.length} prices, ${entries.length - unknown} known, ${unknown} unknown\n`);
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (e) {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exitCode = 1;
}
