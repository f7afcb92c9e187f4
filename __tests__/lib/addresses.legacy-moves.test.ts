/**
 * The `moved` blocks that adopt the legacy platform's state: generated from the address
 * rule of lib/addresses.ts, one per legacy resource instance of the reference
 * (fixtures/legacy-platform/addresses.json, copied from the legacy platform reference).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Testing } from 'cdktf';
import { legacyAddress, type MovedBlock } from '../../lib/addresses';
import { RETIRED_SECURITY_RULES } from '../../constructs/security';
import { BootstrapStack } from '../../stacks/bootstrap-stack';
import { bootstrap } from '../../environments/bootstrap';
import { validateBootstrapConfig } from '../../environments/schema';
import { registryPipelineEnvironments, synthEnvironment } from '../support/helpers';
import { FIXTURES_DIR } from '../support/paths';

const REFERENCE = JSON.parse(readFileSync(path.join(FIXTURES_DIR, 'legacy-platform', 'addresses.json'), 'utf8')) as {
  totals: Record<'staging' | 'production', number>;
  countsByType: Record<'staging' | 'production', Record<string, number>>;
  instances: Record<'staging' | 'production', string[]>;
};

describe('the legacy address rule read backwards', () => {
  it('gives module, name and index of a pinned logical id', () => {
    expect(legacyAddress('aws_subnet', 'vpc_private_app_2')).toBe('module.vpc.aws_subnet.private_app[1]');
    expect(legacyAddress('aws_vpc', 'vpc_main')).toBe('module.vpc.aws_vpc.main');
    expect(legacyAddress('aws_cloudwatch_metric_alarm', 'alb_http_5xx_count')).toBe('module.alb.aws_cloudwatch_metric_alarm.http_5xx_count');
    expect(legacyAddress('aws_iam_role', 'rds_rds_monitoring', 'counted-once')).toBe('module.rds.aws_iam_role.rds_monitoring[0]');
  });

  it('gives none for resources the legacy modules did not have', () => {
    expect(legacyAddress('aws_cloudwatch_metric_alarm', 'rds_freeable_memory', 'added')).toBeUndefined();
    expect(legacyAddress('aws_sns_topic', 'monitoring_alarms')).toBeUndefined();
    expect(legacyAddress('aws_secretsmanager_secret', 'app_secrets')).toBeUndefined();
  });
});

describe.each(['staging', 'production'] as const)('%s moved blocks', (env) => {
  const stack = synthEnvironment(env);
  const moved = stack.json.moved as MovedBlock[];
  const reference = REFERENCE.instances[env];

  it('the reference fixture agrees with the reference totals', () => {
    const byType: Record<string, number> = {};
    for (const address of reference) {
      const type = address.replace(/^module\.[a-z]+\./, '').split('.')[0];
      byType[type] = (byType[type] ?? 0) + 1;
    }
    expect(byType).toEqual(REFERENCE.countsByType[env]);
    expect(reference).toHaveLength(REFERENCE.totals[env]);
  });

  it('gives every legacy instance exactly one moved block, or keeps its address, or forgets it (a retired rule)', () => {
    const removed = ((stack.json.removed ?? []) as { from: string; lifecycle: { destroy: boolean } }[]).map((r) => [r.from, r.lifecycle.destroy] as const);
    const retired = reference.filter((a) => removed.some(([from]) => from === a));
    expect([...retired].sort()).toEqual(RETIRED_SECURITY_RULES.map((name) => `module.security.aws_security_group_rule.${name}`).sort());
    expect(removed.every(([, destroy]) => destroy === false)).toBe(true);
    for (const address of reference) {
      const blocks = moved.filter((m) => m.from === address);
      if (stack.addresses().includes(address) || retired.includes(address)) expect(blocks).toEqual([]);
      else expect(blocks).toHaveLength(1);
    }
    expect(moved).toHaveLength(reference.length - 1 - retired.length);
    expect(reference.filter((a) => stack.addresses().includes(a))).toEqual(['aws_secretsmanager_secret.app_secrets']);
  });

  it('moves nothing that is not in the reference, and each to a distinct resource of the stack', () => {
    expect(moved.map((m) => m.from).filter((from) => !reference.includes(from))).toEqual([]);
    const targets = moved.map((m) => m.to);
    expect(new Set(targets).size).toBe(targets.length);
    expect(targets.filter((to) => !stack.addresses().includes(to))).toEqual([]);
  });
});

it('the bootstrap stack, which has no legacy counterpart, has no moved blocks', () => {
  const app = Testing.app();
  const json = JSON.parse(Testing.synth(new BootstrapStack(app, validateBootstrapConfig(bootstrap), registryPipelineEnvironments()))) as Record<string, unknown>;
  expect(json.moved).toBeUndefined();
});
