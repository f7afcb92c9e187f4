import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildConfiguredApp, loadSettings } from '../../../environments/load';
import { runSynth } from '../../../stacks/app';
import { validateEnvironmentConfig } from '../../../environments/schema';
import { ENVIRONMENTS } from '../../../environments';
import { problemsOf, rawEnvironment } from '../../support/helpers';

describe('shipped environments', () => {
  it.each(Object.keys(ENVIRONMENTS))('%s validates', (name) => {
    expect(() => validateEnvironmentConfig(name, ENVIRONMENTS[name])).not.toThrow();
  });
});

describe('network validation', () => {
  it('rejects a malformed CIDR, naming environment, field, value and what is allowed', () => {
    expect(problemsOf('staging', (r) => (r.network.vpcCidr = '10.0.0.0/33'))).toEqual([
      '- staging.network.vpcCidr = "10.0.0.0/33": must be an IPv4 CIDR block in canonical network form, e.g. 10.0.0.0/16: four numbers 0-255 without leading zeros, a prefix 0-32, the address aligned to the prefix',
    ]);
  });

  it('rejects a CIDR whose address is not the network address', () => {
    expect(problemsOf('staging', (r) => (r.network.publicSubnetCidrs[1] = '10.0.2.5/24'))).toEqual([
      '- staging.network.publicSubnetCidrs.1 = "10.0.2.5/24": must be an IPv4 CIDR block in canonical network form, e.g. 10.0.0.0/16: four numbers 0-255 without leading zeros, a prefix 0-32, the address aligned to the prefix',
    ]);
  });

  it('rejects a VPC larger than AWS allows', () => {
    expect(problemsOf('staging', (r) => (r.network.vpcCidr = '10.0.0.0/8'))[0]).toContain(
      'staging.network.vpcCidr = "10.0.0.0/8": must be a VPC CIDR with a prefix between /16 and /28',
    );
  });

  it('rejects a subnet outside the VPC', () => {
    expect(problemsOf('production', (r) => (r.network.privateDbSubnetCidrs[2] = '10.2.23.0/24'))).toEqual([
      '- production.network.privateDbSubnetCidrs.2 = "10.2.23.0/24": must lie inside the VPC CIDR 10.1.0.0/16',
    ]);
  });

  it('rejects overlapping subnets and names the one it overlaps', () => {
    expect(problemsOf('staging', (r) => (r.network.privateAppSubnetCidrs[0] = '10.0.0.0/22'))).toEqual([
      '- staging.network.privateAppSubnetCidrs.0 = "10.0.0.0/22": must not overlap another subnet: it overlaps network.publicSubnetCidrs.0 (10.0.1.0/24)',
    ]);
  });

  it('rejects subnet lists whose length differs from the number of zones', () => {
    expect(problemsOf('production', (r) => r.network.publicSubnetCidrs.pop())).toEqual([
      '- production.network.publicSubnetCidrs = ["10.1.1.0/24","10.1.2.0/24"]: must have one CIDR per availability zone: 3 expected (ap-southeast-2a, ap-southeast-2b, ap-southeast-2c), 2 given',
    ]);
  });

  it('rejects availability zones outside the region', () => {
    expect(problemsOf('staging', (r) => (r.network.availabilityZones[1] = 'us-east-1b'))).toEqual([
      '- staging.network.availabilityZones.1 = "us-east-1b": must be a zone of the configured region ap-southeast-2: ap-southeast-2a, ap-southeast-2b, ap-southeast-2c',
    ]);
  });

  it('rejects an unknown NAT mode with the allowed values', () => {
    expect(problemsOf('staging', (r) => (r.network.natGateways = 'two'))).toEqual([
      '- staging.network.natGateways = "two": must be one of none, single, one-per-az',
    ]);
  });

  it('rejects an unknown field (a typo must not be silently ignored)', () => {
    expect(problemsOf('staging', (r) => (r.network.natGateway = 'single'))).toEqual([
      '- staging.network.natGateway = "single": unknown field; the allowed fields and their documentation are in docs/environment-settings.md',
    ]);
  });

  it('rejects a missing field', () => {
    expect(problemsOf('staging', (r) => delete r.network.s3GatewayEndpoint)).toEqual([
      '- staging.network.s3GatewayEndpoint = (missing): must be of type boolean',
    ]);
  });

  it('rejects a flow-log retention CloudWatch does not accept', () => {
    expect(problemsOf('production', (r) => (r.network.flowLogs.retentionDays = 10))[0]).toMatch(
      /^- production\.network\.flowLogs\.retentionDays = 10: must be a retention CloudWatch Logs accepts: one of 1, 3, 5, 7, 14, 30/,
    );
  });

  it('reports every problem at once, type errors and cross-field errors together', () => {
    const problems = problemsOf('staging', (r) => {
      r.region = 'ap-southeast-2';
      r.network.vpcCidr = 'not-a-cidr';
      r.network.availabilityZones = ['ap-southeast-2a', 'eu-west-1b'];
      r.network.publicSubnetCidrs = ['10.0.1.0/24'];
      r.network.privateDbSubnetCidrs[0] = '10.0.11.0/24';
      r.security.managementCidrBlocks = ['192.168.0.0/40'];
    });
    expect(problems).toEqual([
      '- staging.network.vpcCidr = "not-a-cidr": must be an IPv4 CIDR block in canonical network form, e.g. 10.0.0.0/16: four numbers 0-255 without leading zeros, a prefix 0-32, the address aligned to the prefix',
      '- staging.security.managementCidrBlocks.0 = "192.168.0.0/40": must be an IPv4 CIDR block in canonical network form, e.g. 10.0.0.0/16: four numbers 0-255 without leading zeros, a prefix 0-32, the address aligned to the prefix',
      '- staging.network.availabilityZones.1 = "eu-west-1b": must be a zone of the configured region ap-southeast-2: ap-southeast-2a, ap-southeast-2b, ap-southeast-2c',
      '- staging.network.publicSubnetCidrs = ["10.0.1.0/24"]: must have one CIDR per availability zone: 2 expected (ap-southeast-2a, eu-west-1b), 1 given',
      '- staging.network.privateDbSubnetCidrs.0 = "10.0.11.0/24": must not overlap another subnet: it overlaps network.privateAppSubnetCidrs.0 (10.0.11.0/24)',
    ]);
  });

  it('heads the message with the environment and the number of problems', () => {
    const raw = rawEnvironment('production');
    raw.network.natGateways = 'many';
    raw.region = 'Sydney';
    expect(() => validateEnvironmentConfig('production', raw)).toThrow(/^Environment "production" has 2 invalid settings:\n/);
  });

  it('rejects a config whose name differs from its environment', () => {
    expect(() => validateEnvironmentConfig('staging', ENVIRONMENTS.production)).toThrow(
      'staging.name = "production": must equal the environment\'s name "staging"',
    );
  });
});

describe('synth with invalid settings', () => {
  it('fails with one plain message covering every environment, and no stack trace', () => {
    const staging = rawEnvironment('staging');
    const production = rawEnvironment('production');
    staging.network.vpcCidr = '10.0.0.0/33';
    production.network.availabilityZones = ['ap-southeast-2a'];
    const lines: string[] = [];
    const code = runSynth(() => loadSettings({ environments: { staging, production } }), { stderr: (l) => lines.push(l) });
    const output = lines.join('\n');
    expect(code).toBe(1);
    expect(output).toContain('staging.network.vpcCidr = "10.0.0.0/33"');
    expect(output).toContain('production.network.publicSubnetCidrs = ["10.1.1.0/24","10.1.2.0/24","10.1.3.0/24"]: must have one CIDR per availability zone: 1 expected');
    expect(output).not.toMatch(/\n\s+at /);
    expect(output.startsWith('Synth refused: invalid environment settings.')).toBe(true);
    expect(output.endsWith('Fix the values in environments/staging.ts and environments/production.ts; the rules are in environments/schema/.')).toBe(true);
    expect(output).not.toMatch(/<[A-Za-z][\w-]*>/);
  });

  it('names the one file to fix, the bootstrap settings included', () => {
    const lines: string[] = [];
    const staging = rawEnvironment('staging');
    staging.cache.nodeType = 'cache.t3.mega';
    expect(runSynth(() => loadSettings({ environments: { staging } }), { stderr: (l) => lines.push(l) })).toBe(1);
    expect(lines.join('\n')).toMatch(/cache\.t3 has no size "mega"; it comes in micro, small, medium\n\nFix the values in environments\/staging\.ts;/);
    lines.length = 0;
    expect(runSynth(() => loadSettings({ environments: { staging: rawEnvironment('staging') }, bootstrap: { region: 'nowhere' } }), { stderr: (l) => lines.push(l) })).toBe(1);
    expect(lines.join('\n')).toContain('Fix the values in environments/bootstrap.ts;');
  });

  it('exits non-zero with the report and leaves the previous output folder exactly as it was', () => {
    const outdir = mkdtempSync(path.join(os.tmpdir(), 'synth-refused-'));
    const contents = () =>
      Object.fromEntries(
        (readdirSync(outdir, { recursive: true }) as string[]).sort().map((f) => {
          const file = path.join(outdir, f);
          return [f, statSync(file).isFile() ? readFileSync(file, 'utf8') : 'dir'];
        }),
      );
    try {
      expect(runSynth(() => loadSettings({ environments: { staging: rawEnvironment('staging') } }), { outdir, stderr: () => undefined })).toBe(0);
      const before = contents();
      expect(Object.keys(before)).toEqual(expect.arrayContaining(['manifest.json', path.join('stacks', 'staging', 'cdk.tf.json')]));
      const lines: string[] = [];
      const bad = rawEnvironment('staging');
      bad.database.instanceClass = 'db.c5.large';
      expect(runSynth(() => loadSettings({ environments: { staging: bad } }), { outdir, stderr: (l) => lines.push(l) })).toBe(1);
      expect(lines.join('\n')).toContain('staging.database.instanceClass = "db.c5.large": is not an RDS instance class offered for PostgreSQL');
      expect(contents()).toEqual(before);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });

  it('builds a stack per environment of the registry and the bootstrap stack', () => {
    const app = buildConfiguredApp({ outdir: require('node:os').tmpdir() });
    expect(app.node.children.map((c) => c.node.id).sort()).toEqual([...Object.keys(ENVIRONMENTS), 'bootstrap'].sort());
  });
});
