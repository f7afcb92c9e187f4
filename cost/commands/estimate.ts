/**
 * `npm run cost -- <stack> [options]`: an itemized monthly cost estimate of a stack,
 * computed from its Terraform plan (see cost/ and docs/cost.md).
 *
 *   --plan <file>          read `terraform show -json` of an existing plan instead of planning offline
 *   --compare <stack>      also estimate another stack and compare the two, resource by resource
 *   --compare-plan <file>  the plan JSON of the compared stack (instead of planning it offline)
 *   --usage <file>         usage file (default cost/usage/<stack>.yaml)
 *   --catalogue <file>     price catalogue (default cost/catalogue/<region of the plan>.json)
 *   --sources              list where each price comes from
 *   --all                  with --compare: every resource, and both itemized estimates
 *   --json | --markdown    machine-readable output, or a compact pull-request summary
 *   --no-synth             plan the existing cdktf.out (refused when older than the sources) instead of synthesizing first
 *
 * The terminal report starts with the total; a comparison with both totals, then only what differs.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Catalogue, cataloguePath, loadCatalogue } from '../prices/catalogue';
import { Estimate, estimate } from '../estimate';
import { PROJECT_ROOT } from '../paths';
import { TerraformPlanJson, asPlanJson, planRegion, plannedResources, priorResources } from '../estimate/plan';
import { Comparison, compareEstimates, renderComparison, renderComparisonMarkdown, renderMarkdown, renderSources, renderTable } from '../report';
import { NO_USAGE, Usage, loadUsage, unusedUsageAddresses, usagePath } from '../estimate/usage';
import { runOfflinePlan } from '../../tooling/terraform/offline-plan';
import { checkName, defineCommand, execute, type Parsed, STACK_NAMES, STDIO, UsageError } from '../../scripts/cli';
import { freshStacks, OUTDIR } from '../../scripts/synth-first';

/** A message for the user, printed without a stack trace. */
class CliError extends Error {}

interface StackEstimate {
  readonly estimate: Estimate;
  /** Change against the state the plan was made from, when the plan carries one. */
  readonly change?: Comparison;
  readonly warnings: string[];
}

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

async function offlinePlan(stack: string, log: (s: string) => void): Promise<TerraformPlanJson> {
  log(`planning ${stack} offline (terraform init/validate/plan, about 15 s) ...`);
  const result = await runOfflinePlan(path.join(OUTDIR, 'stacks', stack));
  return result.plan as unknown as TerraformPlanJson;
}

/** The usage assumptions of a stack: the given file, else cost/usage/<stack>.yaml, else none (with a warning). */
export function usageFor(stack: string, explicit: string | undefined, warnings: string[]): Usage {
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

export const command = defineCommand({
  name: 'cost',
  summary:
    'Monthly cost estimate of a stack from its Terraform plan (offline; docs/cost.md): the total first, then one row per cost line. With --compare, both totals and only the resources that differ.',
  positionals: [{ name: 'stack', description: 'the stack to estimate', choices: STACK_NAMES }],
  options: {
    compare: { type: 'string', value: '<stack>', description: 'compare with another stack, resource by resource' },
    plan: { type: 'string', value: '<file>', description: 'price an existing `terraform show -json` file instead of planning offline (CI)' },
    'compare-plan': { type: 'string', value: '<file>', description: 'the plan JSON of the compared stack' },
    usage: { type: 'string', value: '<file>', description: 'usage assumptions (default cost/usage/<stack>.yaml)' },
    catalogue: { type: 'string', value: '<file>', description: 'price catalogue (default cost/catalogue/<region of the plan>.json)' },
    sources: { type: 'boolean', description: 'list where each price comes from' },
    all: { type: 'boolean', description: 'with --compare (or a plan against real state): every resource, and both itemized estimates' },
    json: { type: 'boolean', description: 'everything, machine-readable' },
    markdown: { type: 'boolean', description: 'the pull-request summary' },
    'no-synth': { type: 'boolean', description: 'plan the existing cdktf.out (refused when older than the sources)' },
  },
});

export function main(argv: readonly string[], out: (s: string) => void, err: (s: string) => void): Promise<number> {
  return execute(command, argv, ({ args, values }) => costCommand(args.stack as string, values, out, err), { out, err });
}

/** The command on the process's stdout and stderr. */
export const cli = (argv: readonly string[]): Promise<number> => main(argv, STDIO.out, STDIO.err);

type Values = Parsed<typeof command.options & {}>['values'];

async function costCommand(stack: string, values: Values, out: (s: string) => void, err: (s: string) => void): Promise<number> {
  if (values.json && values.markdown) throw new UsageError('--json and --markdown are alternatives');
  const compare = values.compare;
  if (compare !== undefined) await checkName(compare, STACK_NAMES);
  const log = (s: string) => err(`${s}\n`);
  {
    const offline = [...(values.plan ? [] : [stack]), ...(compare !== undefined && !values['compare-plan'] ? [compare] : [])];
    if (offline.length > 0) await freshStacks(offline, { noSynth: values['no-synth'], log });
    const [plan, comparePlan] = await Promise.all([
      values.plan ? readPlanFile(path.resolve(values.plan)) : offlinePlan(stack, log),
      compare === undefined ? undefined : values['compare-plan'] ? readPlanFile(path.resolve(values['compare-plan'])) : offlinePlan(compare, log),
    ]);
    const main = estimateStack(stack, plan, values.usage, values.catalogue);
    const other = compare !== undefined && comparePlan ? estimateStack(compare, comparePlan, undefined, values.catalogue) : undefined;
    const comparison = other ? compareEstimates(main.estimate, other.estimate) : undefined;
    for (const w of main.warnings) log(`warning: ${stack}: ${w}`);
    for (const w of other?.warnings ?? []) log(`warning: ${compare}: ${w}`);

    const render = { sources: values.sources };
    if (values.json) {
      out(`${JSON.stringify({ ...main, ...(other ? { compared: other, comparison } : {}) }, null, 2)}\n`);
    } else if (values.markdown) {
      out(comparison ? renderComparisonMarkdown(comparison) : renderMarkdown(main.estimate, main.change));
    } else if (other && comparison) {
      out(renderComparison(comparison, { all: values.all }));
      if (values.all) out(`\n${renderTable(main.estimate, render)}\n${renderTable(other.estimate, render)}`);
      else if (values.sources) out(`\n${renderSources(main.estimate)}\n${renderSources(other.estimate)}`);
    } else {
      out(renderTable(main.estimate, render));
      // A plan against real state: what it changes. (Against an empty state, everything is new: nothing to compare.)
      if (main.change && main.change.before.resources > 0) out(`\n${renderComparison(main.change, { all: values.all })}`);
    }
    return 0;
  }
}
