/**
 * The policy engine: levels per environment class, exceptions from the config and
 * next to constructs, unused exceptions, failing synth without a stack trace, the
 * `npm run check` report, and the shipped environments.
 */
import { TerraformStack, Testing } from 'cdktf';
import { DbInstance } from '@cdktf/provider-aws/lib/db-instance';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { pin } from '../../../lib/addresses';
import { buildConfiguredApp, loadSettings } from '../../../environments/load';
import { policyReports, runSynth } from '../../../stacks/app';
import { checkStackPolicy, enforcePolicy, exceptPolicy, PolicyViolationError, type PolicyOptions } from '../../../lib/policy/engine';
import { renderReport } from '../../../lib/policy/report';
import { runPolicyCheck } from '../../../scripts/policy-check';
import { rawEnvironment, tempDir } from '../../support/helpers';
import { ENVIRONMENTS } from '../../../environments';
import { UNKNOWN_ENVIRONMENT } from '../../support/unknown-environment';
import { LEGACY_ENVIRONMENTS } from '../../support/terraform/migration-plans';

/** A test stack with one unencrypted, unprotected database. */
function weakDatabase(): { stack: TerraformStack; db: DbInstance } {
  const stack = new TerraformStack(Testing.app(), 'test');
  new AwsProvider(stack, 'aws', { region: 'ap-southeast-2' });
  const db = pin(
    new DbInstance(stack, 'db', {
      identifier: 'app-postgres',
      engine: 'postgres',
      instanceClass: 'db.t3.micro',
      allocatedStorage: 20,
      storageEncrypted: false,
      deletionProtection: false,
      multiAz: true,
      backupRetentionPeriod: 7,
      finalSnapshotIdentifier: 'app-final-snapshot',
      enabledCloudwatchLogsExports: ['postgresql'],
      monitoringInterval: 60,
    }),
    'rds_main',
  );
  return { stack, db };
}

const failures = (stack: TerraformStack, options: PolicyOptions) =>
  checkStackPolicy(stack, options)
    .results.filter((r) => r.status !== 'pass' && r.status !== 'n/a')
    .map((r) => [r.rule, r.resource, r.status, r.level ?? r.exception?.source]);

describe('policy levels', () => {
  it('makes every failure an error in a production-like environment', () => {
    expect(failures(weakDatabase().stack, { productionLike: true })).toEqual([
      ['rds-encrypted', 'aws_db_instance.rds_main', 'fail', 'error'],
      ['rds-deletion-protection', 'aws_db_instance.rds_main', 'fail', 'error'],
    ]);
  });

  it('lets some rules only warn elsewhere', () => {
    expect(failures(weakDatabase().stack, { productionLike: false })).toEqual([
      ['rds-encrypted', 'aws_db_instance.rds_main', 'fail', 'error'],
      ['rds-deletion-protection', 'aws_db_instance.rds_main', 'fail', 'warning'],
    ]);
  });
});

describe('policy exceptions', () => {
  it('applies an exception from the environment config and keeps its reason', () => {
    const report = checkStackPolicy(weakDatabase().stack, {
      productionLike: true,
      exceptions: [{ rule: 'rds-deletion-protection', resource: 'aws_db_instance.rds_main', reason: 'throw-away database of a load test' }],
    });
    expect(report.excepted).toEqual([
      {
        rule: 'rds-deletion-protection',
        checkov: 'CKV_AWS_293',
        resource: 'aws_db_instance.rds_main',
        status: 'excepted',
        detail: 'deletion_protection is false; set it to true',
        exception: { reason: 'throw-away database of a load test', source: 'config' },
      },
    ]);
    expect(report.errors.map((r) => r.rule)).toEqual(['rds-encrypted']);
  });

  it('applies an exception recorded next to the construct', () => {
    const { stack, db } = weakDatabase();
    exceptPolicy(db, 'rds-encrypted', 'restored from an unencrypted legacy snapshot');
    const report = checkStackPolicy(stack, { productionLike: false });
    expect(report.excepted.map((r) => [r.rule, r.exception])).toEqual([
      ['rds-encrypted', { reason: 'restored from an unencrypted legacy snapshot', source: 'construct' }],
    ]);
  });

  it('refuses an exception without a real reason', () => {
    expect(() => exceptPolicy(weakDatabase().db, 'rds-encrypted', 'because')).toThrow(
      'test/db: the exception to rds-encrypted needs a reason of at least 20 characters',
    );
  });

  it('reports exceptions that match no failing check instead of ignoring them', () => {
    const report = checkStackPolicy(weakDatabase().stack, {
      productionLike: false,
      exceptions: [
        { rule: 'rds-multi-az', resource: 'aws_db_instance.rds_main', reason: 'single-AZ to save the standby cost' },
        { rule: 'vpc-flow-logs', resource: 'aws_vpc.vpc_main', reason: 'no flow logs wanted in this stack' },
      ],
    });
    expect(report.results.filter((r) => r.status === 'unused exception').map((r) => [r.rule, r.resource, r.level, r.detail])).toEqual([
      ['rds-multi-az', 'aws_db_instance.rds_main', 'warning', 'the resource passes this rule (or the rule does not apply to it); remove the exception'],
      ['vpc-flow-logs', 'aws_vpc.vpc_main', 'warning', 'the stack has no such resource; fix the address or remove the exception'],
    ]);
  });
});

describe('policy at synth time', () => {
  it('fails the synth of any stack it is enforced on, listing every error-level failure', () => {
    const { stack } = weakDatabase();
    enforcePolicy(stack, { productionLike: true });
    expect(() => Testing.synth(stack, true)).toThrow(PolicyViolationError);
    expect(() => Testing.synth(stack, true)).toThrow(
      [
        'Stack "test" breaks 2 error-level policy rules:',
        '  - rds-encrypted (CKV_AWS_16) on aws_db_instance.rds_main: storage_encrypted is false; set it to true (it can only be chosen when the instance is created)',
        '  - rds-deletion-protection (CKV_AWS_293) on aws_db_instance.rds_main: deletion_protection is false; set it to true',
        'Fix the resource, or record a justified exception: policyExceptions: [{ rule, resource, reason }] in environments/test.ts, or exceptPolicy() next to the construct.',
      ].join('\n'),
    );
  });

  it('refuses to synthesize a production without flow logs, with a plain message and no stack trace', () => {
    const production = rawEnvironment('production');
    production.network.flowLogs.enabled = false;
    const lines: string[] = [];
    const code = runSynth(() => loadSettings({ environments: { staging: rawEnvironment('staging'), production } }), { outdir: require('node:os').tmpdir(), stderr: (l) => lines.push(l) });
    const output = lines.join('\n');
    expect(code).toBe(1);
    expect(output).toContain('Synth refused: the security and data-protection policy failed.');
    expect(output).toContain(`Stack "production" breaks 1 error-level policy rule:\n  - vpc-flow-logs (CKV2_AWS_11) on aws_vpc.vpc_main: no aws_flow_log records this VPC's traffic`);
    expect(output).not.toMatch(/\n\s+at /);
  });

  it('only warns about the same gap outside production, and still synthesizes', () => {
    const staging = rawEnvironment('staging');
    staging.policyExceptions = staging.policyExceptions.filter((e: { rule: string }) => e.rule !== 'vpc-flow-logs');
    const lines: string[] = [];
    const outdir = tempDir('omc-');
    expect(runSynth(() => loadSettings({ environments: { staging } }), { outdir, stderr: (l) => lines.push(l) })).toBe(0);
    expect(lines).toEqual([
      'Policy warnings for stack "staging" (npm run check prints the full report):\n  - vpc-flow-logs (CKV2_AWS_11) on aws_vpc.vpc_main: no aws_flow_log records this VPC\'s traffic',
    ]);
  });
});

describe('the shipped environments', () => {
  const reports = policyReports(buildConfiguredApp({ outdir: require('node:os').tmpdir() }));

  it('covers every stack, the bootstrap stack strictly', () => {
    expect(reports.map((r) => [r.stack, r.productionLike])).toEqual([
      ...Object.keys(ENVIRONMENTS).map((name) => [name, (ENVIRONMENTS[name] as { productionLike: boolean }).productionLike]),
      ['bootstrap', true],
    ]);
    expect(reports.find((r) => r.stack === 'production')?.productionLike).toBe(true);
  });

  it.each([...Object.keys(ENVIRONMENTS), 'bootstrap'])('%s has no error-level finding', (stack) => {
    expect(reports.find((r) => r.stack === stack)?.errors).toEqual([]);
  });

  it('bootstrap passes every rule that applies to it; its only exceptions are the pipeline policies\' "*" resources', () => {
    const bootstrap = reports.find((r) => r.stack === 'bootstrap')!;
    expect(bootstrap.results.filter((r) => r.status !== 'pass' && r.status !== 'n/a' && r.status !== 'excepted')).toEqual([]);
    const of = (status: string) => bootstrap.results.filter((r) => r.resource !== '-' && r.status === status).map((r) => `${r.rule} ${r.resource}`);
    expect(of('pass').filter((r) => !r.includes('_pipeline_'))).toEqual([
      's3-encrypted aws_s3_bucket.bootstrap_state',
      's3-encrypted aws_s3_bucket.bootstrap_state_access_log',
      's3-versioning aws_s3_bucket.bootstrap_state',
      's3-versioning aws_s3_bucket.bootstrap_state_access_log',
      's3-public-access-block aws_s3_bucket.bootstrap_state',
      's3-public-access-block aws_s3_bucket.bootstrap_state_access_log',
      'kms-key-rotation aws_kms_key.bootstrap_state',
      'kms-key-rotation aws_kms_key.bootstrap_state_access_log',
    ]);
    // The pipeline (constructs/pipeline-roles.ts): every trust passes github-oidc-trust, every key rotates, no
    // policy allows "*" actions; refresh, apply and boundary policies use "*" resources by recorded exception
    // (what they can reach is simulated in constructs/pipeline-roles.test.ts).
    const pipeline = of('pass').filter((r) => r.includes('_pipeline_'));
    const roles = bootstrap.results.filter((r) => r.resource.startsWith('aws_iam_role.')).map((r) => r.resource);
    expect(pipeline.filter((r) => r.startsWith('github-oidc-trust')).map((r) => r.split(' ')[1])).toEqual(roles);
    expect(pipeline.filter((r) => r.startsWith('kms-key-rotation')).length).toBe(bootstrap.results.filter((r) => r.resource.startsWith('aws_kms_key.bootstrap_pipeline_')).length);
    expect(of('excepted').every((r) => /^iam-wildcard-resource aws_iam_(role_)?policy\.bootstrap_pipeline_/.test(r))).toBe(true);
    expect(bootstrap.excepted.every((r) => r.exception?.source === 'construct')).toBe(true);
    expect(of('excepted').length).toBe(roles.length + 1);
  });

  it('production has no warning either: everything that does not pass is a recorded exception', () => {
    const production = reports.find((r) => r.stack === 'production')!;
    expect(production.warnings).toEqual([]);
    expect(production.results.filter((r) => r.status !== 'pass' && r.status !== 'n/a' && r.status !== 'excepted')).toEqual([]);
    expect(production.excepted.map((r) => [r.rule, r.resource, r.exception?.source])).toEqual([
      ['sg-public-http', 'aws_security_group_rule.security_alb_http_ingress', 'config'],
      ['ecs-read-only-root', 'aws_ecs_task_definition.ecs_frontend', 'construct'],
    ]);
  });

  it('production passes the rules a careful engineer applies to what it serves', () => {
    const production = reports.find((r) => r.stack === 'production')!;
    const passed = (rule: string) => production.results.filter((r) => r.rule === rule).map((r) => `${r.status} ${r.resource}`);
    expect(passed('alb-drop-invalid-headers')).toEqual(['pass aws_lb.alb_main']);
    expect(passed('alb-deletion-protection')).toEqual(['pass aws_lb.alb_main']);
    expect(passed('alb-https')).toEqual(['pass aws_lb_listener.alb_http']);
    expect(passed('alb-tls-policy')).toEqual(['pass aws_lb_listener.alb_https']);
    expect(passed('sg-public-ingress')).toEqual([
      'pass aws_security_group_rule.security_alb_http_ingress',
      'pass aws_security_group_rule.security_alb_https_ingress',
    ]);
    expect(passed('ecs-read-only-root')).toEqual(['pass aws_ecs_task_definition.ecs_backend', 'excepted aws_ecs_task_definition.ecs_frontend']);
    expect(passed('github-oidc-trust')).toEqual(['pass aws_iam_role.iam_github_actions']);
  });

  it('every recorded exception is used', () => {
    expect(reports.flatMap((r) => r.results.filter((x) => x.status === 'unused exception'))).toEqual([]);
  });
});

describe('npm run check', () => {
  it('prints the verdict and counts first, then per stack only what needs attention, fitted to 120 columns; exits 0 when clean', () => {
    const out: string[] = [];
    expect(runPolicyCheck([], (t) => out.push(t), (t) => out.push(t), { outdir: require('node:os').tmpdir() }, { width: 120 })).toBe(0);
    const text = out.join('\n');
    const lines = text.split('\n');
    const stacks = [...Object.keys(ENVIRONMENTS), 'bootstrap'];
    expect(lines[0]).toBe(`Policy check passed: no error-level findings in ${stacks.join(', ')}.`);
    // The deployed stacks (those with a legacy state) and bootstrap are clean; an environment just added may warn
    // until its exceptions are re-approved.
    const shipped = [...LEGACY_ENVIRONMENTS, 'bootstrap'];
    expect(lines.slice(1, 1 + stacks.length)).toEqual(
      stacks.map((stack) => expect.stringMatching(new RegExp(`^ {2}${stack}: \\d+ pass, \\d+ excepted, ${shipped.includes(stack) ? '0' : '\\d+'} warnings, 0 errors$`))),
    );
    expect(Math.max(...lines.map((l) => [...l].length))).toBeLessThanOrEqual(120);
    expect(text).toMatch(/Stack "staging" \(not production-like: some rules only warn\): \d+ pass, \d+ excepted, 0 warnings, 0 errors/);
    expect(text).toMatch(/Stack "production" \(production-like: every failure is an error\): \d+ pass, \d+ excepted, 0 warnings, 0 errors/);
    expect(text).toMatch(/│ rule +│ checkov +│ resource +│ result +│ detail \/ exception reason +│/);
    expect(text).toMatch(/│ sg-public-http +│ CKV_AWS_260 +│ aws_security_group_rule\. +│ excepted +│ opens port 80 \(plain HTTP\) to 0\.0\.0\.0\/0 │\n│ +│ +│ security_alb_http_ingress +│/);
    // Passes are counted, not listed.
    expect(text).not.toMatch(/│ pass +│/);
    expect(text).toMatch(/^\d+ passes and \d+ not applicable not shown \(--all lists them\)\.$/m);
  });

  it('lists every result, passes included, with --all', () => {
    const out: string[] = [];
    expect(runPolicyCheck(['production'], (t) => out.push(t), (t) => out.push(t), { outdir: require('node:os').tmpdir() }, { all: true, width: 120 })).toBe(0);
    const text = out.join('\n');
    expect(text).toMatch(/│ vpc-flow-logs +│ CKV2_AWS_11 +│ aws_vpc\.vpc_main +│ pass +│/);
    expect(text).not.toContain('--all lists them');
  });

  it('exits 1 and names the stack when an error-level rule fails', () => {
    const production = rawEnvironment('production');
    production.network.flowLogs.enabled = false;
    const out: string[] = [];
    const code = runPolicyCheck(['production'], (t) => out.push(t), (t) => out.push(t), { environments: { production }, outdir: require('node:os').tmpdir() }, { width: 120 });
    expect(code).toBe(1);
    expect(out[0]).toBe('Policy check FAILED: error-level findings in production (1).');
    const text = out.join('\n');
    expect(text).toMatch(/│ vpc-flow-logs +│ CKV2_AWS_11 +│ aws_vpc\.vpc_main +│ FAIL +│ no aws_flow_log records this VPC's +│\n│ +│ +│ +│ +│ traffic +│/);
    // The failure comes before the exceptions.
    expect(text.indexOf('│ FAIL ')).toBeLessThan(text.indexOf('│ excepted '));
  });

  it('refuses an unknown stack name', () => {
    const out: string[] = [];
    expect(runPolicyCheck([UNKNOWN_ENVIRONMENT], (t) => out.push(t), (t) => out.push(t), { outdir: require('node:os').tmpdir() })).toBe(2);
    expect(out).toEqual([`Unknown stack(s) ${UNKNOWN_ENVIRONMENT}; the stacks are ${[...Object.keys(ENVIRONMENTS), 'bootstrap'].join(', ')}`]);
  });

  it('renders a warning and an exception with its source', () => {
    const { stack, db } = weakDatabase();
    exceptPolicy(db, 'rds-encrypted', 'restored from an unencrypted legacy snapshot');
    const text = renderReport(checkStackPolicy(stack, { productionLike: false }), { width: 200 });
    expect(text).toContain('Stack "test" (not production-like: some rules only warn): ');
    expect(text).toMatch(/│ rds-deletion-protection +│ CKV_AWS_293 +│ aws_db_instance\.rds_main +│ warn +│/);
    expect(text).toMatch(/exception \(construct\): restored from an/);
  });
});
