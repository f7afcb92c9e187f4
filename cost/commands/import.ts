/**
 * Rebuilds the committed price catalogue from the team's hand-collected price file
 * (offline):
 *
 *   npm run cost:import [-- <price file>]   (default cost/sources/aws-prices-ap-southeast-2.json)
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { cataloguePath, importSharedPrices, writeCatalogue } from '../prices/catalogue';
import { PROJECT_ROOT } from '../paths';
import { defineCommand, execute, UsageError } from '../../scripts/cli';

const DEFAULT_FILE = path.join('cost', 'sources', 'aws-prices-ap-southeast-2.json');

export const command = defineCommand({
  name: 'cost:import',
  summary: "Rebuild the price catalogue (cost/catalogue/) from the team's sourced price file, offline.",
  positionals: [{ name: 'file', description: `the price file (default ${DEFAULT_FILE})`, optional: true }],
});

export function cli(argv: readonly string[]): Promise<number> {
  return execute(command, argv, ({ args }) => importPrices(path.resolve(args.file ?? path.join(PROJECT_ROOT, DEFAULT_FILE))));
}

function importPrices(file: string): number {
  if (!existsSync(file)) throw new UsageError(`no price file at ${file}`);
  const catalogue = importSharedPrices(JSON.parse(readFileSync(file, 'utf8')), path.relative(PROJECT_ROOT, file));
  const out = cataloguePath(catalogue.region);
  writeCatalogue(catalogue, out);
  const entries = Object.values(catalogue.prices);
  const unknown = entries.filter((e) => e.status === 'unknown').length;
  process.stdout.write(`wrote ${path.relative(PROJECT_ROOT, out)}: ${entries.length} prices, ${entries.length - unknown} known, ${unknown} unknown\n`);
  return 0;
}
