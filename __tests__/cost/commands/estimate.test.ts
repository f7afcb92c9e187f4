/**
 * `npm run cost -- <stack> ...` on existing plan files (--plan): the table, --json,
 * --markdown (the contract CI uses: `npm run cost -- <stack> --plan <file> --markdown`),
 * --compare, and clear errors for bad input. Planning offline is covered by the
 * Terraform tests; these never run terraform.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TerraformPlanJson } from '../../../cost/estimate/plan';
import { main, usageFor } from '../../../cost/commands/estimate';
import { ENVIRONMENTS } from '../../../environments';
import { NO_USAGE } from '../../../cost/estimate/usage';
import { quantity } from '../../../cost/report';
import { ALL_TYPES_PLAN, planOf } from '../../support/cost';
import { tempDir } from '../../support/temp';
import { UNKNOWN_ENVIRONMENT } from '../../support/unknown-environment';

const dir = tempDir('cost-cli-');

/** The widest line of a text, in characters (box-drawing characters count one each). */
const widest = (text: string) => Math.max(...text.split('\n').map((l) => [...l].length));

// The reports fit $COLUMNS: pin it, whatever the terminal running the tests.
process.env.COLUMNS = '120';

function file(name: string, content: unknown): string {
  const f = path.join(dir, name);
  writeFileSync(f, typeof content === 'string' ? content : JSON.stringify(content));
  return f;
}

async function cost(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, (s) => (stdout += s), (s) => (stderr += s));
  return { code, stdout, stderr };
}

const natPlan = (gateways: number): TerraformPlanJson =>
  planOf([
    ...Array.from({ length: gateways }, (_, i) => ({ address: `aws_nat_gateway.vpc_main_${i + 1}`, values: { connectivity_type: 'public' } })),
    ...Array.from({ length: gateways }, (_, i) => ({ address: `aws_eip.vpc_nat_${i + 1}`, values: { domain: 'vpc' } })),
    { address: 'aws_vpc.vpc_main', values: {} },
  ]);

describe('npm run cost -- <stack> --plan <file>', () => {
  it('prints the total first, then the itemized table with quantities, unit prices, monthly costs, unpriced items and free resources, in 120 columns', async () => {
    const { code, stdout, stderr } = await cost('staging', '--plan', file('one-nat.json', natPlan(1)));
    expect(code).toBe(0);
    expect(stderr).toBe('warning: staging: usage entries for addresses not in this plan (ignored): aws_cloudwatch_log_group.ecs_backend\n');
    expect(stdout.split('\n').slice(0, 2)).toEqual([
      'Cost estimate for staging: $46.72 a month; 1 unpriced line not included.',
      'ap-southeast-2, USD, on-demand, 730 hours a month; usage from cost/usage/staging.yaml; 3 resources.',
    ]);
    expect(widest(stdout)).toBeLessThanOrEqual(120);
    expect(stdout).toMatch(/│ aws_nat_gateway\.vpc_main_1 +│ NAT gateway hours +│ 730 hours +│ \$0\.059 +│ \$43\.07 +│ nat_gateway\.hour +│\n│ +│ \(public\) +│/);
    expect(stdout).toMatch(/│ aws_eip\.vpc_nat_1 +│ Public IPv4 address +│ 730 +│ \$0\.005 +│ \$3\.65 +│ public_ipv4\.in_ +│\n│ +│ \(Elastic IP, in use or +│ IP-hours +│ +│ +│ use\.hour +│/);
    // staging.yaml: 30 GB through the NAT gateway; its price is unknown in the committed catalogue
    expect(stdout).toMatch(/│ aws_nat_gateway\.vpc_main_1 +│ NAT gateway data +│ 30 GB +│ unknown +│ unpriced +│ nat_gateway\.gb_ +│\n.*│ processed +│\n.*│ unpriced \(see +│/);
    expect(stdout).toMatch(/│ Total of 2 priced lines \(1 unpriced line not included\) +│ \$46\.72 a month +│/);
    expect(stdout).toMatch(/Unpriced \(no known price; never estimated with another figure\):\n {2}- aws_nat_gateway\.vpc_main_1: NAT gateway data processed: price unknown \(nat_gateway\.gb_processed\): Not found/);
    expect(stdout).toContain('No charge of their own (1 resource): aws_vpc ×1.');
    // The price sources are counted, and listed with --sources.
    expect(stdout).toMatch(/\n2 price sources \(--sources lists them\)\.\n$/);
    expect(stdout).not.toContain('confidence');
  });

  it('lists the price sources with --sources, numbered in the table, wrapped to 120 columns', async () => {
    const { code, stdout } = await cost('staging', '--plan', file('one-nat-sources.json', natPlan(1)), '--sources');
    expect(code).toBe(0);
    expect(widest(stdout)).toBeLessThanOrEqual(120);
    expect(stdout).toMatch(/│ nat_gateway\.hour +│\n│ +│ \(public\) +│ +│ +│ +│ \[\d\] +│/);
    expect(stdout).toMatch(/Price sources:\n {2}\[1\] [a-z_.0-9]+ = \$[\d.]+ per .*; as of .*, confidence \w+: .+/);
    expect(stdout).toMatch(/\[2\] nat_gateway\.hour = \$0\.059 per NAT-gateway-hour; as of 2020-05-02, confidence medium/);
  });

  it('gives machine-readable JSON with every line, its price source and the totals', async () => {
    const { code, stdout } = await cost('production', '--plan', file('three-nat.json', natPlan(3)), '--json');
    expect(code).toBe(0);
    const out = JSON.parse(stdout);
    expect(out.estimate.totals).toEqual({ monthly: expect.closeTo(3 * (43.07 + 3.65), 8), monthlyMin: expect.closeTo(140.16, 8), monthlyMax: expect.closeTo(140.16, 8), pricedLines: 6, unpricedLines: 3, resources: 7 });
    expect(out.estimate.usageFile).toBe('cost/usage/production.yaml');
    expect(out.estimate.lines[0]).toMatchObject({
      address: 'aws_eip.vpc_nat_1',
      priceKey: 'public_ipv4.in_use.hour',
      unitPrice: 0.005,
      quantity: 730,
      status: 'priced',
      price: { asOf: '2024-02-01 (effective)', confidence: 'high', source: expect.stringMatching(/haufe-akademie/) },
    });
    expect(out.estimate.free).toEqual([{ address: 'aws_vpc.vpc_main', resourceType: 'aws_vpc', reason: 'no charge for a VPC' }]);
    expect(out.change).toBeUndefined();
  });

  it('writes the compact pull-request summary with --markdown (the CI contract)', async () => {
    const { code, stdout } = await cost('staging', '--plan', file('md.json', natPlan(1)), '--markdown');
    expect(code).toBe(0);
    expect(stdout.split('\n').slice(0, 3)).toEqual([
      '#### Cost estimate: `staging` $46.72/month',
      '',
      'no prior state in the plan, so no change is computed · 1 unpriced line not included · ap-southeast-2 on-demand, 730 h/month, usage `cost/usage/staging.yaml`',
    ]);
    expect(stdout).toContain('| `aws_nat_gateway.vpc_main_1` ¹ | $43.07 |');
    expect(stdout).toContain('| **total** | **$46.72** |');
    expect(stdout).toMatch(/<details><summary>¹ 1 unpriced line \(no known price, not in the total\)<\/summary>\n\n- `aws_nat_gateway\.vpc_main_1` NAT gateway data processed: price unknown/);
  });

  it('shows the change a plan makes against the state it was planned from', async () => {
    const after = natPlan(3);
    const before = natPlan(1);
    const plan = { ...after, prior_state: { values: before.planned_values } };
    const { stdout } = await cost('production', '--plan', file('prior.json', plan), '--markdown');
    // two more NAT gateways with their addresses: 2 × (43.07 + 3.65) = 93.44
    expect(stdout).toContain('change from current state: **+$93.44/month**');
    expect(stdout).toContain('| `aws_nat_gateway.vpc_main_3` ¹ | - | $43.07 | +$43.07 |');
    expect(stdout).toContain('| **total** | $46.72 | $140.16 | **+$93.44** |');
    // unchanged resources only in the folded breakdown
    expect(stdout).not.toContain('| `aws_nat_gateway.vpc_main_1` ¹ | $43.07 | $43.07 |');
    expect(stdout).toMatch(/<details><summary>Monthly cost per resource after this plan<\/summary>\n\n\| resource \| monthly \|\n[\s\S]*\| `aws_nat_gateway\.vpc_main_1` ¹ \| \$43\.07 \|/);
    // In a terminal: the total first, then what the plan changes against the state.
    const terminal = await cost('production', '--plan', file('prior2.json', plan));
    expect(terminal.stdout.split('\n')[0]).toBe('Cost estimate for production: $140.16 a month; 3 unpriced lines not included.');
    expect(terminal.stdout).toMatch(/\nMonthly cost, current state vs after this plan: \$46\.72 vs \$140\.16 \(\+\$93\.44\); 4 resources differ\.\n/);
    expect(terminal.stdout).toMatch(/│ aws_nat_gateway\.vpc_main_3 +│ - +│ \$43\.07 +│ \+\$43\.07 +│ 1 +│/);
  });

  it('compares two stacks resource by resource with --compare', async () => {
    const { code, stdout } = await cost('staging', '--plan', file('s.json', natPlan(1)), '--compare', 'production', '--compare-plan', file('p.json', natPlan(3)), '--markdown');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^#### Cost: `staging` \$46\.72 vs `production` \$140\.16 a month \(\+\$93\.44\)/);
    expect(stdout).toContain('| `aws_eip.vpc_nat_2` | - | $3.65 | +$3.65 |');
  });

  it('compares in a terminal: both totals first, then only the resources that differ, in 120 columns', async () => {
    const table = await cost('staging', '--plan', file('s2.json', natPlan(1)), '--compare', 'production', '--compare-plan', file('p2.json', natPlan(3)));
    expect(table.code).toBe(0);
    const lines = table.stdout.split('\n');
    expect(lines.slice(0, 2)).toEqual([
      'Monthly cost, staging vs production: $46.72 vs $140.16 (+$93.44); 4 resources differ.',
      'staging: 3 resources, 1 unpriced line; production: 7 resources, 3 unpriced lines (not in the totals).',
    ]);
    expect(widest(table.stdout)).toBeLessThanOrEqual(120);
    expect(table.stdout).toMatch(/│ aws_nat_gateway\.vpc_main_3 +│ - +│ \$43\.07 +│ \+\$43\.07 +│ 1 +│/);
    expect(table.stdout).toMatch(/│ Total \(priced lines\) +│ \$46\.72 +│ \$140\.16 +│ \+\$93\.44 +│ 4 +│/);
    // What costs the same on both sides is counted, not listed; neither itemized estimate is printed.
    expect(table.stdout).not.toMatch(/│ aws_nat_gateway\.vpc_main_1 /);
    expect(table.stdout).not.toContain('Cost estimate for');
    expect(lines).toContain('3 other resources cost the same on both sides (--all lists them).');
    const all = await cost('staging', '--plan', file('s3.json', natPlan(1)), '--compare', 'production', '--compare-plan', file('p3.json', natPlan(3)), '--all');
    expect(all.stdout).toMatch(/│ aws_nat_gateway\.vpc_main_1 +│ \$43\.07 +│ \$43\.07 +│ \$0\.00 +│ 2 +│/);
    expect(all.stdout).toContain('Cost estimate for staging: $46.72 a month');
    expect(all.stdout).toContain('Cost estimate for production: $140.16 a month');
  });

  it('compares a resource of no charge that one side lacks as a difference', async () => {
    const withSubnet = planOf([{ address: 'aws_vpc.vpc_main', values: {} }, { address: 'aws_subnet.vpc_extra', values: {} }]);
    const without = planOf([{ address: 'aws_vpc.vpc_main', values: {} }]);
    const { stdout } = await cost('staging', '--plan', file('w.json', withSubnet), '--compare', 'production', '--compare-plan', file('wo.json', without));
    expect(stdout.split('\n')[0]).toBe('Monthly cost, staging vs production: $0.00 vs $0.00 ($0.00); 1 resource differs.');
    expect(stdout).toMatch(/│ aws_subnet\.vpc_extra +│ \$0\.00 +│ - +│ \$0\.00 +│/);
  });

  it('prices the recorded plan of every resource type without failing', async () => {
    const { code, stdout } = await cost('production', '--plan', ALL_TYPES_PLAN, '--json');
    expect(code).toBe(0);
    const out = JSON.parse(stdout);
    expect(out.estimate.lines.length).toBeGreaterThan(40);
    expect(out.estimate.totals.unpricedLines).toBeGreaterThan(10);
  });
});

describe('bad input', () => {
  it('asks for a stack', async () => {
    const { code, stderr } = await cost('--json');
    expect(code).toBe(2);
    expect(stderr).toMatch(/^cost: missing <stack>\nusage: npm run cost -- <stack>/);
  });

  it('refuses --json with --markdown and unknown options', async () => {
    expect(await cost('staging', '--json', '--markdown')).toMatchObject({ code: 2, stderr: expect.stringMatching(/^cost: --json and --markdown are alternatives\n/) });
    const unknown = await cost('staging', '--colour');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^cost: unknown option --colour\nusage: npm run cost -- /);
  });

  it('refuses a stack the registry does not hold, naming the stacks, for the stack and --compare alike', async () => {
    const stacks = [...Object.keys(ENVIRONMENTS), 'bootstrap'].join(', ');
    for (const argv of [[UNKNOWN_ENVIRONMENT], ['staging', '--compare', UNKNOWN_ENVIRONMENT]]) {
      const { code, stderr } = await cost(...argv, '--plan', file('any.json', natPlan(1)));
      expect(code).toBe(2);
      expect(stderr.split('\n')[0]).toBe(`cost: unknown stack "${UNKNOWN_ENVIRONMENT}": the stacks are ${stacks} (environments/index.ts, and bootstrap)`);
    }
  });

  it('explains that a binary plan is not what it reads', async () => {
    const binary = file('tfplan', 'PK\u0003\u0004binary');
    const { code, stderr } = await cost('staging', '--plan', binary);
    expect(code).toBe(1);
    expect(stderr).toBe(`${binary} is not JSON. Pass the output of 'terraform show -json tfplan', not the binary plan file.\n`);
  });

  it('explains that a JSON file is not a plan', async () => {
    const state = file('state.json', { version: 4, resources: [] });
    expect((await cost('staging', '--plan', state)).stderr).toMatch(/is not the JSON of a Terraform plan \(no format_version\/planned_values\)\. Make it with 'terraform plan -out=tfplan && terraform show -json tfplan > plan\.json'\./);
  });

  it('reports a missing plan file and every problem of a bad usage file', async () => {
    expect((await cost('staging', '--plan', path.join(dir, 'nope.json'))).stderr).toBe(`No plan file at ${path.join(dir, 'nope.json')}\n`);
    const usage = file('bad.yaml', 'version: 1\nresource_type_default_usage:\n  aws_lb:\n    lcu: 2\n');
    const { code, stderr } = await cost('staging', '--plan', file('u.json', natPlan(1)), '--usage', usage);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^Usage file .*bad\.yaml has 1 problem:\n {2}- resource_type_default_usage\.aws_lb\.lcu: unknown usage key; allowed for aws_lb: lcu_per_hour, monthly_data_transfer_out_gb, public_ipv4_addresses\n$/);
  });

  it('works without a usage file, and warns about usage entries for resources the plan does not have', async () => {
    const warnings: string[] = [];
    expect(usageFor(UNKNOWN_ENVIRONMENT, undefined, warnings)).toBe(NO_USAGE);
    expect(warnings).toEqual([`no usage file cost/usage/${UNKNOWN_ENVIRONMENT}.yaml: every usage-based quantity is 0`]);
    const prod = await cost('production', '--plan', file('x.json', natPlan(1)));
    expect(prod.stderr).toBe('warning: production: usage entries for addresses not in this plan (ignored): aws_cloudwatch_log_group.ecs_backend\n');
  });

  it('refuses a plan for a region without a catalogue', async () => {
    const plan = planOf([{ address: 'aws_vpc.v', values: {} }], 'eu-west-1');
    expect((await cost('staging', '--plan', file('eu.json', plan))).stderr).toBe(
      "No price catalogue for region eu-west-1 (cost/catalogue/eu-west-1.json); build one with 'npm run cost:refresh -- --region eu-west-1'\n",
    );
  });
});

it('writes quantities in English: one of a plural unit is singular, an unknown quantity is a dash', () => {
  expect(quantity({ quantity: 1, unit: 'dashboards' })).toBe('1 dashboard');
  expect(quantity({ quantity: 1, unit: 'alarm metrics' })).toBe('1 alarm metric');
  expect(quantity({ quantity: 2, unit: 'dashboards' })).toBe('2 dashboards');
  expect(quantity({ quantity: 730, unit: 'IP-hours' })).toBe('730 IP-hours');
  expect(quantity({ quantity: 1, unit: 'GB' })).toBe('1 GB');
  expect(quantity({ quantity: 1, unit: 'million RRU' })).toBe('1 million RRU');
  expect(quantity({ quantity: 0, unit: '-' })).toBe('-');
});

it('keeps the recorded fixture free of variable values', () => {
  const text = readFileSync(ALL_TYPES_PLAN, 'utf8');
  expect(text).not.toMatch(/SENTINEL/);
  expect(Object.keys(JSON.parse(text))).toEqual(['format_version', 'terraform_version', 'planned_values', 'configuration']);
});
