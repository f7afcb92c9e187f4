/**
 * `npm run cost -- <stack> ...` on existing plan files (--plan): the table, --json,
 * --markdown (the contract CI uses: `npm run cost -- <stack> --plan <file> --markdown`),
 * --compare, and clear errors for bad input. Planning offline is covered by the
 * Terraform tests; these never run terraform.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TerraformPlanJson } from '../tooling/cost/plan';
import { main } from '../scripts/cost';
import { planOf } from './cost-helpers';
import { tempDir } from './temp';
import { UNKNOWN_ENVIRONMENT } from './unknown-environment';

const FIXTURE_PLAN = path.join(__dirname, 'fixtures', 'cost', 'plan-all-types.json');
const dir = tempDir('cost-cli-');

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
  it('prints the itemized table with quantities, unit prices, monthly costs, sources, unpriced items and free resources', async () => {
    const { code, stdout, stderr } = await cost('staging', '--plan', file('one-nat.json', natPlan(1)));
    expect(code).toBe(0);
    expect(stderr).toBe('warning: staging: usage entries for addresses not in this plan (ignored): aws_cloudwatch_log_group.ecs_backend\n');
    expect(stdout).toMatch(/^Cost estimate for staging: ap-southeast-2, USD, on-demand, 730 hours a month; usage from environments\/usage\/staging\.yaml\n/);
    expect(stdout).toMatch(/│ aws_nat_gateway\.vpc_main_1 +│ NAT gateway hours \(public\) +│ 730 hours +│ \$0\.059 +│ \$43\.07 +│ nat_gateway\.hour +│\n.*│ \[\d\] as of 2020-05-02 +│/);
    expect(stdout).toMatch(/│ aws_eip\.vpc_nat_1 +│ Public IPv4 address \(Elastic IP, +│ 730 IP-hours +│ \$0\.005 +│ \$3\.65 +│ public_ipv4\.in_use\.hour +│/);
    // staging.yaml: 30 GB through the NAT gateway; its price is unknown in the committed catalogue
    expect(stdout).toMatch(/│ aws_nat_gateway\.vpc_main_1 +│ NAT gateway data processed +│ 30 GB +│ unknown +│ unpriced +│ nat_gateway\.gb_processed +│\n.*│ unpriced \(see below\) +│/);
    expect(stdout).toContain('Monthly total: $46.72 a month; 1 unpriced line not included.');
    expect(stdout).toMatch(/Unpriced \(no known price; never estimated with another figure\):\n {2}- aws_nat_gateway\.vpc_main_1: NAT gateway data processed: price unknown \(nat_gateway\.gb_processed\): Not found/);
    expect(stdout).toMatch(/Price sources:\n {2}\[1\] [a-z_.0-9]+ = \$[\d.]+ per .*; as of .*, confidence \w+: .+/);
    expect(stdout).toContain('No charge of their own (1 resource): aws_vpc ×1.');
  });

  it('gives machine-readable JSON with every line, its price source and the totals', async () => {
    const { code, stdout } = await cost('production', '--plan', file('three-nat.json', natPlan(3)), '--json');
    expect(code).toBe(0);
    const out = JSON.parse(stdout);
    expect(out.estimate.totals).toEqual({ monthly: expect.closeTo(3 * (43.07 + 3.65), 8), monthlyMin: expect.closeTo(140.16, 8), monthlyMax: expect.closeTo(140.16, 8), pricedLines: 6, unpricedLines: 3, resources: 7 });
    expect(out.estimate.usageFile).toBe('environments/usage/production.yaml');
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
      'no prior state in the plan, so no change is computed · 1 unpriced line not included · ap-southeast-2 on-demand, 730 h/month, usage `environments/usage/staging.yaml`',
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
  });

  it('compares two stacks resource by resource with --compare', async () => {
    const { code, stdout } = await cost('staging', '--plan', file('s.json', natPlan(1)), '--compare', 'production', '--compare-plan', file('p.json', natPlan(3)), '--markdown');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^#### Cost: `staging` \$46\.72 vs `production` \$140\.16 a month \(\+\$93\.44\)/);
    expect(stdout).toContain('| `aws_eip.vpc_nat_2` | - | $3.65 | +$3.65 |');
    const table = await cost('staging', '--plan', file('s2.json', natPlan(1)), '--compare', 'production', '--compare-plan', file('p2.json', natPlan(3)));
    expect(table.stdout).toMatch(/Monthly cost, staging vs production:\n[\s\S]*│ Total \(priced lines\) +│ \$46\.72 +│ \$140\.16 +│ \+\$93\.44 +│ 4 +│/);
  });

  it('prices the recorded plan of every resource type without failing', async () => {
    const { code, stdout } = await cost('production', '--plan', FIXTURE_PLAN, '--json');
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
    expect(stderr).toMatch(/^Name the stack to estimate\.\nusage: npm run cost -- <stack>/);
  });

  it('refuses --json with --markdown and unknown options', async () => {
    expect((await cost('staging', '--json', '--markdown')).stderr).toMatch(/^--json and --markdown are alternatives\./);
    const unknown = await cost('staging', '--colour');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/Unknown option '--colour'/);
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
    const noUsage = await cost(UNKNOWN_ENVIRONMENT, '--plan', file('q.json', natPlan(1)));
    expect(noUsage.code).toBe(0);
    expect(noUsage.stderr).toBe(`warning: ${UNKNOWN_ENVIRONMENT}: no usage file environments/usage/${UNKNOWN_ENVIRONMENT}.yaml: every usage-based quantity is 0\n`);
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

it('keeps the recorded fixture free of variable values', () => {
  const text = readFileSync(FIXTURE_PLAN, 'utf8');
  expect(text).not.toMatch(/SENTINEL/);
  expect(Object.keys(JSON.parse(text))).toEqual(['format_version', 'terraform_version', 'planned_values', 'configuration']);
});
