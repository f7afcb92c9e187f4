/**
 * Usage files (cost/usage/<env>.yaml, read by cost/estimate/usage.ts): the shipped ones are valid and
 * belong to stacks of the app, values resolve resource over type default over 0, and a bad file is
 * refused with a message naming the file, the path, the value and what is allowed.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { loadUsage, parseUsage, USAGE_KEYS, UsageFileError, usageValue } from '../../../cost/estimate/usage';
import { USAGE_DIR } from '../../../cost/paths';
import { ENVIRONMENTS } from '../../../environments';

describe('usage files', () => {
  it('ships valid usage files, each of a stack of the app (optional per environment), using only documented keys', () => {
    const files = readdirSync(USAGE_DIR).filter((f) => f.endsWith('.yaml'));
    const stacks = [...Object.keys(ENVIRONMENTS), 'bootstrap'];
    expect(files.filter((f) => !stacks.includes(f.slice(0, -'.yaml'.length)))).toEqual([]);
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) expect(() => loadUsage(path.join(USAGE_DIR, f))).not.toThrow();
  });

  it('takes a resource value over the type default over 0, and says where each came from', () => {
    const u = parseUsage(
      {
        version: 1,
        resource_type_default_usage: { aws_nat_gateway: { monthly_data_processed_gb: 20 } },
        resource_usage: { 'aws_nat_gateway.vpc_main_2': { monthly_data_processed_gb: 5 } },
      },
      'cost/usage/production.yaml',
    );
    expect(usageValue(u, 'aws_nat_gateway', 'aws_nat_gateway.vpc_main_1', 'monthly_data_processed_gb')).toEqual({
      value: 20,
      set: true,
      from: 'production.yaml resource_type_default_usage.aws_nat_gateway.monthly_data_processed_gb',
    });
    expect(usageValue(u, 'aws_nat_gateway', 'aws_nat_gateway.vpc_main_2', 'monthly_data_processed_gb')).toMatchObject({ value: 5, from: 'production.yaml resource_usage.aws_nat_gateway.vpc_main_2.monthly_data_processed_gb' });
    expect(usageValue(u, 'aws_lb', 'aws_lb.alb_main', 'lcu_per_hour')).toEqual({ value: 0, set: false, from: 'lcu_per_hour not set in usage file production.yaml (0)' });
  });

  it('lists every problem of a bad usage file with path, value and what is allowed', () => {
    const bad = {
      version: 2,
      resource_type_default_usage: { aws_nat_gateway: { monthly_data_processed_gb: -1, gb: 3 }, aws_vpc: { x: 1 } },
      resource_usage: { 'aws_lb.alb_main': { lcu: 1 }, 'not an address': {}, 'aws_subnet.a': { x: 1 } },
      extra: true,
    };
    let error: UsageFileError | undefined;
    try {
      parseUsage(bad, 'cost/usage/staging.yaml');
    } catch (e) {
      error = e as UsageFileError;
    }
    expect(error?.problems).toEqual(
      expect.arrayContaining([
        'version = 2: must be 1',
        'resource_type_default_usage.aws_nat_gateway.monthly_data_processed_gb = -1: must be a number >= 0',
        'resource_type_default_usage.aws_nat_gateway.gb: unknown usage key; allowed for aws_nat_gateway: monthly_data_processed_gb',
        expect.stringMatching(/^resource_type_default_usage\.aws_vpc: no usage keys for this resource type; types with usage: aws_nat_gateway, aws_lb, /),
        'extra: unknown section; allowed: version, resource_type_default_usage, resource_usage',
      ]),
    );
    expect(error?.message).toMatch(/^Usage file cost\/usage\/staging\.yaml has \d+ problems:\n {2}- /);
    // resource_usage is checked once the top level is valid
    let second: UsageFileError | undefined;
    try {
      parseUsage({ version: 1, resource_usage: bad.resource_usage }, 'u.yaml');
    } catch (e) {
      second = e as UsageFileError;
    }
    expect(second?.problems).toEqual([
      'resource_usage.aws_lb.alb_main.lcu: unknown usage key; allowed for aws_lb: lcu_per_hour, monthly_data_transfer_out_gb, public_ipv4_addresses',
      'resource_usage.not an address: not a resource address such as aws_lb.alb_main',
      expect.stringMatching(/^resource_usage\.aws_subnet\.a: no usage keys for aws_subnet/),
    ]);
  });

  it('documents every usage key', () => {
    for (const keys of Object.values(USAGE_KEYS)) for (const text of Object.values(keys)) expect(text.length).toBeGreaterThan(15);
  });
});
