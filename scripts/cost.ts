/**
 * `npm run cost -- <stack> [options]`: an itemized monthly cost estimate of a stack,
 * computed from its Terraform plan (see tooling/cost/ and the README's "Cost estimate").
 *
 *   --plan <file>          read `terraform show -json` of an existing plan instead of planning offline
 *   --compare <stack>      also estimate another stack and compare the two, resource by resource
 *   --compare-plan <file>  the plan JSON of the compared stack (instead of planning it offline)
 *   --usage <file>         usage file (default environments/usage/<stack>.yaml)
 *   --catalogue <file>     price catalogue (default cost/catalogue/<region of the plan>.json)
 *   --json | --markdown    machine-readable output, or a compact pull-request summary
 *   --no-synth             plan the existing cdktf.out instead of synthesizing first
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Catalogue, cataloguePath, loadCatalogue } from '../tooling/cost/catalogue';
import { Estimate, estimate } from '../tooling/cost/estimate';
import { PROJECT_ROOT } from '../tooling/cost/paths';
import { TerraformPlanJson, asPlanJson, planRegion, plannedResources, priorResources } from '../tooling/cost/plan';
import { Comparison, compareEstimates, renderComparison, renderComparisonMarkdown, renderMarkdown, renderTable } from '../tooling/cost/report';
import { NO_USAGE, Usage, loadUsage, unusedUsageAddresses, usagePath } from '../tooling/cost/usage';
import { runOfflinePlan } from '../tooling/terraform/offline-plan';
import { runMain } from './cli';

const USAGE = `usage: npm run cost -- <stack> [--plan <file>] [--compare <stack> [--compare-plan <file>]]
                     [--usage <file>] [--catalogue <file>] [--json | --markdown] [--no-synth]`;

/** A message for the user, printed without a stack trace. */
class CliError extends Error {}

interface StackEstimate {
  readonly estimate: Estimate;
  /** Change against the state the plan was made from, when the plan carries one. */
  readonly change?: Comparison;
  readonly warnings: string[];
}

const OUTDIR = path.join(PROJECT_ROOT, 'cdktf.out');

function readPlanFile(file: string): TerraformPlanJson {
  if (!existsSync(file)) throw new CliError(`No plan file at ${file}`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw new CliError(`${file} is not JSON. Pass the output of 'terraform show -json tfplan', not the binary plan file.`);
  }
  try {
    return asPlanJson(raw, file);
  } catch (e) {
    throw new CliError((e as Error).message);
  }
}

async function synth(log: (s: string) => void): Promise<void> {
  log('synthesizing the stacks into cdktf.out ...');
  // Loaded only when needed: reading a --plan file should not pay for loading cdktf and the provider.
  const { InvalidEnvironmentsError, buildConfiguredApp } = await import('../environments/load');
  try {
    buildConfiguredApp({ outdir: OUTDIR }).synth();
  } catch (e) {
    if (e instanceof InvalidEnvironmentsError) throw new CliError(`Synth refused: invalid environment settings.\n\n${e.message}`);
    throw e;
  }
}

async function offlinePlan(stack: string, log: (s: string) => void): Promise<TerraformPlanJson> {
  const dir = path.join(OUTDIR, 'stacks', stack);
  if (!existsSync(path.join(dir, 'cdk.tf.json'))) {
    const stacks = existsSync(path.join(OUTDIR, 'stacks')) ? readdirSync(path.join(OUTDIR, 'stacks')) : [];
    throw new CliError(`No synthesized stack "${stack}" in cdktf.out (stacks: ${stacks.join(', ') || 'none'}).`);
  }
  log(`planning ${stack} offline (terraform init/validate/plan, about 15 s) ...`);
  const result = await runOfflinePlan(dir);
  return result.plan as unknown as TerraformPlanJson;
}

function usageFor(stack: string, explicit: string | undefined, warnings: string[]): Usage {
  if (explicit) return loadUsage(path.resolve(explicit));
  const file = usagePath(stack);
  if (existsSync(file)) return loadUsage(file);
  warnings.push(`no usage file ${path.relative(PROJECT_ROOT, file)}: every usage-based quantity is 0`);
  return NO_USAGE;
}

function catalogueFor(plan: TerraformPlanJson, explicit: string | undefined): Catalogue {
  if (explicit) return loadCatalogue(path.resolve(explicit));
  const region = planRegion(plan) ?? 'ap-southeast-2';
  const file = cataloguePath(region);
  if (!existsSync(file)) throw new CliError(`No price catalogue for region ${region} (${path.relative(PROJECT_ROOT, file)}); build one with 'npm run cost:refresh -- --region ${region}'`);
  return loadCatalogue(file);
}

function estimateStack(stack: string, plan: TerraformPlanJson, usageFile: string | undefined, catalogueFile: string | undefined): StackEstimate {
  const warnings: string[] = [];
  const usage = usageFor(stack, usageFile, warnings);
  const catalogue = catalogueFor(plan, catalogueFile);
  const region = planRegion(plan);
  if (region && region !== catalogue.region) warnings.push(`the plan's provider region is ${region} but the catalogue is for ${catalogue.region}`);
  const resources = plannedResources(plan);
  const after = estimate({ stack, resources, catalogue, usage });
  const unused = unusedUsageAddresses(usage, resources.resources.map((r) => r.address));
  if (unused.length > 0) warnings.push(`usage entries for addresses not in this plan (ignored): ${unused.join(', ')}`);
  const prior = priorResources(plan);
  const change = prior ? compareEstimates(estimate({ stack, resources: prior, catalogue, usage }), after, 'current state', 'after this plan') : undefined;
  return { estimate: after, change, warnings };
}

export async function main(argv: string[], out: (s: string) => void, err: (s: string) => void): Promise<number> {
  let args: ReturnType<typeof parse>;
  try {
    args = parse(argv);
  } catch (e) {
    err(`${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const { values, positionals } = args;
  if (positionals.length !== 1) {
    err(`${positionals.length === 0 ? 'Name the stack to estimate.' : `One stack at a time (got ${positionals.join(', ')}); use --compare for a second.`}\n${USAGE}\n`);
    return 2;
  }
  if (values.json && values.markdown) {
    err(`--json and --markdown are alternatives.\n${USAGE}\n`);
    return 2;
  }
  const log = (s: string) => err(`${s}\n`);
  const stack = positionals[0];
  const compare = values.compare;
  try {
    const needsOffline = !values.plan || (compare !== undefined && !values['compare-plan']);
    if (needsOffline && !values['no-synth']) await synth(log);
    const [plan, comparePlan] = await Promise.all([
      values.plan ? readPlanFile(path.resolve(values.plan)) : offlinePlan(stack, log),
      compare === undefined ? undefined : values['compare-plan'] ? readPlanFile(path.resolve(values['compare-plan'])) : offlinePlan(compare, log),
    ]);
    const main = estimateStack(stack, plan, values.usage, values.catalogue);
    const other = compare !== undefined && comparePlan ? estimateStack(compare, comparePlan, undefined, values.catalogue) : undefined;
    const comparison = other ? compareEstimates(main.estimate, other.estimate) : undefined;
    for (const w of main.warnings) log(`warning: ${stack}: ${w}`);
    for (const w of other?.warnings ?? []) log(`warning: ${compare}: ${w}`);

    if (values.json) {
      out(`${JSON.stringify({ ...main, ...(other ? { compared: other, comparison } : {}) }, null, 2)}\n`);
    } else if (values.markdown) {
      out(comparison ? renderComparisonMarkdown(comparison) : renderMarkdown(main.estimate, main.change));
    } else {
      out(renderTable(main.estimate));
      if (main.change) out(`\n${renderComparison(main.change)}`);
      if (other && comparison) out(`\n${renderTable(other.estimate)}\n${renderComparison(comparison)}`);
    }
    return 0;
  } catch (e) {
    err(`${(e as Error).message}\n`);
    return 1;
  }
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      plan: { type: 'string' },
      compare: { type: 'string' },
      'compare-plan': { type: 'string' },
      usage: { type: 'string' },
      catalogue: { type: 'string' },
      json: { type: 'boolean' },
      markdown: { type: 'boolean' },
      'no-synth': { type: 'boolean' },
    },
  });
}

if (require.main === module) {
  runMain(() => main(process.argv.slice(2), (s) => process.stdout.write(s), (s) => process.stderr.write(s)));
}
