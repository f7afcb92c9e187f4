/**
 * The checks across environments (environments/load.ts): VPC ranges of environments that may
 * share an AWS account must not overlap, and every problem, of each file and across them
 * (names, workspaces, VPC ranges, the OIDC provider's owner, the bootstrap stack's name), comes
 * in one message.
 */
import fc from 'fast-check';
import { ENVIRONMENTS } from '../../environments';
import { loadSettings, vpcOverlapErrors } from '../../environments/load';
import { ENVIRONMENT_NAME, validateEnvironmentConfig, type EnvironmentConfig } from '../../environments/schema';
import { cidrsOverlap, formatCidr, freeCidr, parseCidr } from '../../lib/cidr';
import { runSynth } from '../../stacks/app';
import { moveNetwork } from '../../tooling/environments/new-environment';
import { UNKNOWN_ENVIRONMENT } from '../support/unknown-environment';

const raw = (name: string): Record<string, any> => structuredClone(ENVIRONMENTS[name]) as Record<string, any>;

/** A copy of staging named `name`, referencing the account's OIDC provider, with its own project name. */
function copyOfStaging(name: string, change: (r: Record<string, any>) => void = () => undefined): Record<string, any> {
  const r = raw('staging');
  Object.assign(r, { name, projectName: `ohmycoins-${name}` });
  r.github.createOidcProvider = false;
  change(r);
  return r;
}

/** The problem lines of a refused synth, or the refusal lines when there are none. */
function refusal(environments: Record<string, unknown>, bootstrap?: unknown): string[] {
  const lines: string[] = [];
  expect(runSynth(() => loadSettings({ environments, bootstrap }), { outdir: '/nonexistent-never-written', stderr: (l) => lines.push(l) })).toBe(1);
  return lines.join('\n').split('\n');
}

/** A short name no registered environment has. */
const OTHER = ['other', 'extra', 'spare', 'copy'].find((n) => !(n in ENVIRONMENTS)) as string;

describe('VPC ranges of environments that may share an account', () => {
  it('refuses a range overlapping another environment that may share the account, naming both and a free range', () => {
    const lines = refusal({ staging: raw('staging'), [OTHER]: copyOfStaging(OTHER) });
    expect(lines.filter((l) => l.startsWith('  - '))).toEqual([
      `  - ${OTHER}.network.vpcCidr = "10.0.0.0/16": must not overlap the VPC range of an environment that may share its AWS account: ` +
        'environment "staging" (10.0.0.0/16; neither sets accountId); peering and shared routes need disjoint ranges. ' +
        'Use a free range, e.g. 10.1.0.0/16 (move the subnets with it), or set different accountId values if they deploy to different accounts',
    ]);
  });

  it('accepts the same range in accounts known to differ, and a moved copy in the same account', () => {
    const accounts = { staging: { ...raw('staging'), accountId: '111111111111' }, [OTHER]: copyOfStaging(OTHER, (r) => (r.accountId = '222222222222')) };
    expect(() => loadSettings({ environments: accounts })).not.toThrow();
    const moved = { staging: raw('staging'), [OTHER]: copyOfStaging(OTHER, (r) => (r.network = moveNetwork(r.network, '10.7.0.0/16'))) };
    expect(() => loadSettings({ environments: moved })).not.toThrow();
  });

  it('the shipped environments overlap nowhere', () => {
    const configs = Object.entries(ENVIRONMENTS).map(([name, value]) => validateEnvironmentConfig(name, value));
    expect(vpcOverlapErrors(configs)).toEqual([]);
  });

  /** A VPC block: any address, a prefix AWS allows, made the network address. */
  const vpcBlock = fc.tuple(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 16, max: 28 })).map(([address, prefix]) => {
    const size = 2 ** (32 - prefix);
    return formatCidr({ start: address - (address % size), end: address - (address % size) + size - 1, prefix });
  });
  const account = fc.constantFrom(undefined, '111111111111', '222222222222');
  const base = validateEnvironmentConfig('staging', ENVIRONMENTS.staging);
  const config = (name: string, vpcCidr: string, accountId: string | undefined): EnvironmentConfig => ({ ...base, name, accountId, network: { ...base.network, vpcCidr } });

  it('refuses exactly the overlapping pairs that may share an account, and the range it offers is free', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(vpcBlock, account), { minLength: 2, maxLength: 5 }), (envs) => {
        const configs = envs.map(([cidr, acc], i) => config(`env${i}`, cidr, acc));
        const errors = vpcOverlapErrors(configs);
        // Oracle: two aligned blocks overlap when their addresses agree on the shorter prefix.
        const top = (cidr: string, bits: number) => Math.floor((parseCidr(cidr)?.start ?? 0) / 2 ** (32 - bits));
        const overlap = (a: string, b: string) => {
          const bits = Math.min(parseCidr(a)?.prefix ?? 0, parseCidr(b)?.prefix ?? 0);
          return top(a, bits) === top(b, bits);
        };
        const share = (a?: string, b?: string) => a === undefined || b === undefined || a === b;
        const refused = configs.filter((b, j) => configs.slice(0, j).some((a) => share(a.accountId, b.accountId) && overlap(a.network.vpcCidr, b.network.vpcCidr)));
        expect(errors.map((e) => e.environment)).toEqual(refused.map((c) => c.name));
        for (const e of errors) {
          const offered = /e\.g\. (\S+) \(move the subnets/.exec(e.problems[0].message)?.[1];
          if (offered === undefined) continue;
          const me = configs.find((c) => c.name === e.environment) as EnvironmentConfig;
          const others = configs.filter((c) => c !== me && share(c.accountId, me.accountId));
          expect(others.filter((c) => overlap(c.network.vpcCidr, offered))).toEqual([]);
          expect(parseCidr(offered)?.prefix).toBe(parseCidr(me.network.vpcCidr)?.prefix);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('freeCidr gives a private block of the size asked that overlaps none taken, or none when all are taken', () => {
    fc.assert(
      fc.property(fc.array(vpcBlock, { maxLength: 8 }), fc.integer({ min: 16, max: 28 }), (taken, prefix) => {
        const ranges = taken.map((t) => parseCidr(t) as NonNullable<ReturnType<typeof parseCidr>>);
        const free = freeCidr(ranges, prefix);
        expect(free).toBeDefined();
        expect(free?.prefix).toBe(prefix);
        expect(ranges.filter((r) => cidrsOverlap(r, free as NonNullable<typeof free>))).toEqual([]);
        expect(['10.', '172.', '192.168.'].some((p) => formatCidr(free as NonNullable<typeof free>).startsWith(p))).toBe(true);
      }),
    );
    expect(freeCidr([parseCidr('0.0.0.0/0') as NonNullable<ReturnType<typeof parseCidr>>], 16)).toBeUndefined();
  });
});

describe('every problem at once', () => {
  it("reports each file's own problems with the checks across environments and the OIDC provider's owner, in one message", () => {
    const production = raw('production');
    production.network.natGateways = 'two';
    // A copy that also creates the OIDC provider, in staging's VPC range, with an invalid field of its own.
    const copy = copyOfStaging(OTHER, (r) => Object.assign(r.github, { createOidcProvider: true }));
    copy.database.backupRetentionDays = 99;
    const lines = refusal({ staging: raw('staging'), production, [OTHER]: copy });
    expect(lines[0]).toBe('Synth refused: invalid environment settings.');
    expect(lines.filter((l) => l.startsWith('Environment '))).toEqual(['Environment "production" has 1 invalid setting:', `Environment "${OTHER}" has 2 invalid settings:`]);
    const text = lines.join('\n');
    // Each file's own problems...
    expect(text).toContain('  - production.network.natGateways = "two": must be one of none, single, one-per-az');
    expect(text).toContain(`  - ${OTHER}.database.backupRetentionDays = 99: `);
    // ...the VPC overlap of the (invalid) copy with staging, in the copy's block...
    expect(text).toContain(`  - ${OTHER}.network.vpcCidr = "10.0.0.0/16": must not overlap the VPC range of an environment that may share its AWS account: environment "staging"`);
    // ...and two creators of the OIDC provider in one account, each named with its file.
    expect(text).toContain(
      `the GitHub OIDC provider https://token.actions.githubusercontent.com would be created by more than one stack in the same AWS account: staging (environments/staging.ts github.createOidcProvider) and ${OTHER} (environments/${OTHER}.ts github.createOidcProvider)`,
    );
    expect(lines[lines.length - 1]).toBe(`Fix the values in environments/production.ts, environments/${OTHER}.ts and environments/staging.ts; the rules are in environments/schema/.`);
  });

  it('lists every pair of OIDC provider creators that may share an account, not only the first', () => {
    const production = raw('production');
    production.github.createOidcProvider = true;
    const lines = refusal({ staging: raw('staging'), production }, { ...(require('../../environments/bootstrap') as { bootstrap: Record<string, any> }).bootstrap, github: { createOidcProvider: true } });
    expect(lines.filter((l) => l.startsWith('Synth refused: the GitHub OIDC provider')).map((l) => /: (\w+) \(.* and (\w+) \(/.exec(l)?.slice(1, 3).join(' and '))).toEqual([
      'bootstrap and staging',
      'bootstrap and production',
      'staging and production',
    ]);
  });
});

describe('the name tests use for an unknown environment', () => {
  it('is one the schema refuses as an environment name, so no registry can hold it', () => {
    expect(ENVIRONMENT_NAME.test(UNKNOWN_ENVIRONMENT)).toBe(false);
    expect(Object.keys(ENVIRONMENTS)).not.toContain(UNKNOWN_ENVIRONMENT);
    expect(() => validateEnvironmentConfig(UNKNOWN_ENVIRONMENT, { ...raw('staging'), name: UNKNOWN_ENVIRONMENT })).toThrow(
      `${UNKNOWN_ENVIRONMENT}.name = "${UNKNOWN_ENVIRONMENT}": must be lower-case letters, digits and dashes`,
    );
  });
});
