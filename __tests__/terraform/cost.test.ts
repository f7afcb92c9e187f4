/**
 * The cost estimate of the real offline plans of the shipped stacks (made once by
 * the global setup), with the committed catalogue and usage files. The expected
 * totals are worked out by hand from the catalogue entries named in the comments.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadCatalogue } from '../../lib/cost/catalogue';
import { Estimate, estimate } from '../../lib/cost/estimate';
import { plannedResources, TerraformPlanJson } from '../../lib/cost/plan';
import { loadUsage, usagePath } from '../../lib/cost/usage';
import { main } from '../../scripts/cost';
import { planFromSynthesized } from '../cost-helpers';
import { loadPlan, loadSynthesized, PLANNED_STACKS, PlannedStack } from './plans';

const catalogue = loadCatalogue();

function planJson(stack: PlannedStack): TerraformPlanJson {
  return loadPlan(stack).plan as unknown as TerraformPlanJson;
}

function estimateOf(stack: PlannedStack, plan: TerraformPlanJson): Estimate {
  return estimate({ stack, resources: plannedResources(plan), catalogue, usage: loadUsage(usagePath(stack)) });
}

describe('estimates of the shipped stacks from their offline plans', () => {
  it('staging: one NAT gateway and its Elastic IP', () => {
    const e = estimateOf('staging', planJson('staging'));
    // nat_gateway.hour 0.059 × 730 = 43.07; public_ipv4.in_use.hour 0.005 × 730 = 3.65
    expect(e.totals.monthly).toBeCloseTo(46.72, 10);
    expect(e.lines.map((l) => [l.address, l.priceKey, l.status])).toEqual([
      ['aws_eip.vpc_nat_1', 'public_ipv4.in_use.hour', 'priced'],
      ['aws_nat_gateway.vpc_main_1', 'nat_gateway.hour', 'priced'],
      ['aws_nat_gateway.vpc_main_1', 'nat_gateway.gb_processed', 'unpriced'],
    ]);
    expect(e.free).toHaveLength(36);
  });

  it('production: three NAT gateways and Elastic IPs, flow logs, a free S3 gateway endpoint', () => {
    const e = estimateOf('production', planJson('production'));
    // 3 × (43.07 + 3.65) = 140.16; flow logs 15 GB (production.yaml) × 0.67 = 10.05;
    // flow-log storage 15 GB × 7 days / (730 / 24) days = 3.4521 GB × 0.033 = 0.11392; S3 gateway endpoint 0
    expect(e.totals.monthly).toBeCloseTo(140.16 + 10.05 + ((15 * 7 * 24) / 730) * 0.033, 10);
    expect(e.totals.unpricedLines).toBe(3);
    expect(e.lines.filter((l) => l.status === 'unpriced').map((l) => l.priceKey)).toEqual(Array(3).fill('nat_gateway.gb_processed'));
    expect(e.lines.find((l) => l.address === 'aws_vpc_endpoint.vpc_s3')).toMatchObject({ monthly: 0, status: 'priced' });
  });

  it.each(PLANNED_STACKS)('%s: accounts for every planned resource, priced or free', (stack) => {
    const plan = planJson(stack);
    const e = estimateOf(stack, plan);
    const accounted = new Set([...e.lines.map((l) => l.address), ...e.free.map((f) => f.address)]);
    expect([...accounted].sort()).toEqual(plan.planned_values!.root_module!.resources!.map((r) => r.address).sort());
  });

  it.each(PLANNED_STACKS)('%s: the plan-shaped view of the synthesized stack prices exactly like the real plan', (stack) => {
    // The config-change tests (cost-estimate.test.ts) rely on this view instead of running Terraform.
    const summary = (e: Estimate) => e.lines.map((l) => ({ address: l.address, description: l.description, quantity: l.quantity, monthly: l.monthly, status: l.status }));
    const real = estimateOf(stack, planJson(stack));
    const view = estimateOf(stack, planFromSynthesized(JSON.parse(loadSynthesized(stack))));
    expect(summary(view)).toEqual(summary(real));
    expect(view.free).toEqual(real.free);
  });
});

describe('npm run cost -- <stack> --plan <file> --markdown on the real plan (the CI contract)', () => {
  it('writes the pull-request summary', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cost-plan-'));
    try {
      const file = path.join(dir, 'plan.json');
      writeFileSync(file, JSON.stringify(planJson('production')));
      let stdout = '';
      const code = await main(['production', '--plan', file, '--markdown'], (s) => (stdout += s), () => undefined);
      expect(code).toBe(0);
      expect(stdout).toMatch(/^#### Cost estimate: `production` \$150\.32\/month\n/);
      expect(stdout).toContain('| `aws_flow_log.vpc_main` | $10.05 |');
      expect(stdout).toContain('<details><summary>¹ 3 unpriced lines (no known price, not in the total)</summary>');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
