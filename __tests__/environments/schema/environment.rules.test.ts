/**
 * Every config validation beyond the network: one failing case with its exact
 * message, and one passing case next to it (usually the boundary value).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { App } from 'cdktf';
import { FARGATE_TASK_SIZES, isFargateTaskSize, validateEnvironmentConfig } from '../../../environments/schema';
import { ACM_CERTIFICATE_ARN, ACM_CERTIFICATE_ARN_RE2, GITHUB_OIDC_PROVIDER_ARN, GITHUB_OIDC_PROVIDER_ARN_RE2, githubOidcProviderArn } from '../../../lib/arns';
import { OFFLINE_VARIABLE_VALUES } from '../../../tooling/terraform/offline-plan';
import { loadSettings, nameConflictErrors } from '../../../environments/load';
import { runSynth } from '../../../stacks/app';
import { PlatformStack } from '../../../stacks/platform-stack';
import { moveNetwork } from '../../../tooling/environments/new-environment';
import { cases } from '../../support/config-cases';
import { environment, problemsOf, rawEnvironment } from '../../support/helpers';

describe('config validation', () => {
  describe.each(cases)('%s', (_title, env, breaking, expected, passing) => {
    it('refuses the breaking value with the exact message', () => {
      expect(problemsOf(env, breaking)).toEqual(expected);
    });
    it('accepts the passing value', () => {
      expect(() => environment(env, passing)).not.toThrow();
    });
  });

  it('says what to write without literal placeholders such as <name> in any message', () => {
    const messages = cases.flatMap(([, , , expected]) => expected);
    expect(messages.length).toBeGreaterThan(50);
    expect(messages.filter((m) => /<[A-Za-z][\w-]*>/.test(m))).toEqual([]);
  });

  it('reports several new problems at once, with the network ones', () => {
    const problems = problemsOf('production', (r) => {
      r.network.vpcCidr = '10.1.0.0/33';
      r.ecs.frontend.memory = 999;
      r.cache.multiAz = true;
      r.cache.numCacheClusters = 1;
      r.database.backupRetentionDays = 1;
    });
    expect(problems).toEqual([
      '- production.network.vpcCidr = "10.1.0.0/33": must be an IPv4 CIDR block in canonical network form, e.g. 10.0.0.0/16: four numbers 0-255 without leading zeros, a prefix 0-32, the address aligned to the prefix',
      '- production.database.backupRetentionDays = 1: must be at least 7 days in a production-like environment (productionLike: true); 0-35 elsewhere',
      '- production.cache.multiAz = true: requires numCacheClusters of at least 2 (it is 1): Multi-AZ and automatic failover need a replica to fail over to',
      '- production.ecs.frontend.memory = 999: must be a memory size Fargate offers with 512 CPU units: 1024-4096 in steps of 1024 (MiB)',
    ]);
  });

  it('names every long name at once when the project name is far too long', () => {
    const problems = problemsOf('staging', (r) => (r.projectName = 'a'.repeat(41)));
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining('gives the IAM role name "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-ecs-task-execution-role" (iam.ecsTaskExecutionRole), which is 65 characters; AWS allows at most 64; projectName can have at most 40 characters'),
        expect.stringContaining('(redis.replicationGroup), which is 47 characters; AWS allows at most 40; projectName can have at most 34 characters'),
        expect.stringContaining('(alb.loadBalancer), which is 45 characters; AWS allows at most 32; projectName can have at most 28 characters'),
      ]),
    );
  });
});

describe('Fargate task sizes', () => {
  // One offered and one refused memory size for every CPU size in the AWS table.
  it.each([
    [256, 512, 1536],
    [512, 4096, 5120],
    [1024, 2048, 1024],
    [2048, 16384, 4608],
    [4096, 30720, 31744],
    [8192, 20480, 18432],
    [16384, 122880, 36864],
  ])('%i CPU units: %i MiB is offered, %i MiB is not', (cpu, offered, refused) => {
    expect([isFargateTaskSize(cpu, offered), isFargateTaskSize(cpu, refused)]).toEqual([true, false]);
  });

  it('covers exactly the CPU sizes Fargate offers', () => {
    expect(Object.keys(FARGATE_TASK_SIZES).map(Number)).toEqual([256, 512, 1024, 2048, 4096, 8192, 16384]);
  });
});

describe('ARN shapes for Terraform variable validation', () => {
  const certificate = 'arn:aws:acm:ap-southeast-2:123456789012:certificate/0d6b2c3e-1a2b-4c5d-8e9f-0a1b2c3d4e5f';
  const placeholderCertificate = 'arn:aws:acm:ap-southeast-2:ACCOUNT_ID:certificate/CERT_ID';
  const provider = 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com';

  it('accepts a real certificate ARN and refuses the legacy placeholder (D6), in JavaScript and RE2 form alike', () => {
    for (const pattern of [ACM_CERTIFICATE_ARN, new RegExp(ACM_CERTIFICATE_ARN_RE2)]) {
      expect([pattern.test(certificate), pattern.test(placeholderCertificate)]).toEqual([true, false]);
    }
  });

  it('accepts a real OIDC provider ARN and refuses a placeholder account, in both forms', () => {
    for (const pattern of [GITHUB_OIDC_PROVIDER_ARN, new RegExp(GITHUB_OIDC_PROVIDER_ARN_RE2)]) {
      expect([pattern.test(provider), pattern.test(provider.replace('123456789012', 'ACCOUNT_ID'))]).toEqual([true, false]);
    }
  });

  it('keeps the offline plan values valid', () => {
    expect(ACM_CERTIFICATE_ARN.test(OFFLINE_VARIABLE_VALUES.certificate_arn)).toBe(true);
    // No stack asks for the OIDC provider's ARN any more: it is built from the account id.
    expect(OFFLINE_VARIABLE_VALUES.github_oidc_provider_arn).toBeUndefined();
    expect(GITHUB_OIDC_PROVIDER_ARN.test(githubOidcProviderArn('123456789012'))).toBe(true);
  });
});

describe('values AWS reads without regard to case are stored in lower case', () => {
  it('day names of maintenance windows, host names and origins', () => {
    const config = environment('production', (r) => {
      r.database.maintenanceWindow = 'Sun:04:00-Sun:05:00';
      r.cache.maintenanceWindow = 'SUN:05:00-sun:07:00';
      r.application.domain = 'OhMyCoins.com';
      r.application.backendDomain = 'API.OhMyCoins.com';
      r.application.frontendHost = 'HTTPS://Dashboard.OhMyCoins.com';
      r.application.backendCorsOrigins = ['https://DASHBOARD.ohmycoins.com'];
    });
    expect([config.database.maintenanceWindow, config.cache.maintenanceWindow]).toEqual(['sun:04:00-sun:05:00', 'sun:05:00-sun:07:00']);
    expect(config.application).toMatchObject({
      domain: 'ohmycoins.com',
      backendDomain: 'api.ohmycoins.com',
      frontendHost: 'https://dashboard.ohmycoins.com',
      backendCorsOrigins: ['https://dashboard.ohmycoins.com'],
    });
  });

  it('still checks a normalised window against the other window', () => {
    expect(problemsOf('production', (r) => (r.database.maintenanceWindow = 'Sun:03:30-Sun:04:30'))).toEqual([
      '- production.database.backupWindow = "03:00-04:00": must not overlap the maintenance window sun:03:30-sun:04:30 (RDS refuses overlapping windows)',
    ]);
  });
});

describe('no two environments that may share an account create the same name', () => {
  const qa = (change: (r: Record<string, any>) => void = () => undefined) => {
    const raw = rawEnvironment('staging');
    // Its own VPC range: environments that may share an account must not overlap (environments/load.test.ts).
    Object.assign(raw, { name: 'qa', network: moveNetwork(raw.network, '10.9.0.0/16') });
    raw.github.createOidcProvider = false;
    change(raw);
    return raw;
  };
  const refusal = (environments: Record<string, unknown>) => {
    const lines: string[] = [];
    expect(runSynth(() => loadSettings({ environments }), { outdir: '/nonexistent-never-written', stderr: (l) => lines.push(l) })).toBe(1);
    return lines.join('\n').split('\n').filter((l) => l.startsWith('  - '));
  };

  it('refuses a second environment with the same projectName in the same account and region, naming both and the fix', () => {
    expect(refusal({ staging: rawEnvironment('staging'), qa: qa() })).toEqual([
      '  - qa.projectName = "ohmycoins-staging": gives names that environment "staging" (projectName "ohmycoins-staging") also creates in the same account and region (ap-southeast-2), which they may share (neither sets accountId): ' +
        'CloudWatch log group name "/aws/vpc/flow-logs/ohmycoins-staging", IAM role name "ohmycoins-staging-flow-logs-role", IAM policy name "ohmycoins-staging-flow-logs-policy", IAM role name "ohmycoins-staging-ecs-task-execution-role", ' +
        'IAM policy name "ohmycoins-staging-ecs-task-execution-secrets-policy", IAM role name "ohmycoins-staging-ecs-task-role" and 55 more; AWS refuses the second create. Use another projectName, or set different accountId values if they deploy to different accounts',
    ]);
  });

  it('in another region of the same account, refuses the account-wide names only (IAM, dashboards)', () => {
    const [line] = refusal({
      staging: { ...rawEnvironment('staging'), accountId: '111111111111' },
      qa: qa((r) => Object.assign(r, { accountId: '111111111111', region: 'eu-west-1', network: { ...r.network, availabilityZones: ['eu-west-1a', 'eu-west-1b'] } })),
    });
    expect(line).toContain('also creates in the same account, which they may share (both set accountId 111111111111): IAM role name "ohmycoins-staging-flow-logs-role",');
    expect(line).toContain('and 11 more;');
    expect(line).not.toMatch(/load balancer|log group/);
  });

  it('accepts the same projectName in accounts known to differ, and different projectNames in one account', () => {
    const staging = (accountId?: string) => environment('staging', (r) => (r.accountId = accountId));
    expect(nameConflictErrors([staging('111111111111'), validateEnvironmentConfig('qa', qa((r) => (r.accountId = '222222222222')))])).toEqual([]);
    expect(nameConflictErrors([staging(), validateEnvironmentConfig('qa', qa((r) => (r.projectName = 'ohmycoins-qa')))])).toEqual([]);
  });
});

describe('storage settings reach the DB instance', () => {
  it('passes iops and storageThroughput through, and leaves them out when unset', () => {
    const outdir = mkdtempSync(path.join(os.tmpdir(), 'storage-'));
    try {
      const app = new App({ outdir });
      new PlatformStack(app, environment('production', (r) => Object.assign(r.database, { allocatedStorage: 400, maxAllocatedStorage: 1000, iops: 12000, storageThroughput: 500 })));
      app.synth();
      const json = JSON.parse(readFileSync(path.join(outdir, 'stacks', 'production', 'cdk.tf.json'), 'utf8'));
      expect(json.resource.aws_db_instance.rds_main).toMatchObject({ storage_type: 'gp3', allocated_storage: 400, iops: 12000, storage_throughput: 500 });
      const shipped = environment('production').database;
      expect([shipped.iops, shipped.storageThroughput]).toEqual([undefined, undefined]);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});
