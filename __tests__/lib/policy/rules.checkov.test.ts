/**
 * The policy rules judged on checkov's own test resources (fixtures/checkov/fixtures.json:
 * each check's passing and failing resources, as Terraform JSON, with their source): the
 * project agrees with checkov on every one, except the deliberate differences listed, with
 * their reasons, in docs/policy.md. Then the cases behind the former false alarms: the
 * deprecated inline S3 blocks, `dynamic` blocks, and actions without resource-level permissions.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseHcl } from '@cdktf/hcl2json';
import { evaluatePolicy, resourcesOfJson } from '../../../lib/policy/engine';
import { isUnscopable } from '../../../lib/policy/policy-documents';
import type { PolicyResult } from '../../../lib/policy/model';
import type { PolicyRuleId } from '../../../lib/policy/rule-ids';
import { POLICY_RULES } from '../../../lib/policy/rules';
import { REPO_ROOT, FIXTURES_DIR } from '../../support/paths';

type Verdict = 'PASSED' | 'FAILED' | 'UNKNOWN';
interface CheckovCheck {
  checkov: string;
  rule: PolicyRuleId;
  source: string;
  resource: Record<string, Record<string, Record<string, unknown>>>;
  checkov_result: Record<string, Verdict>;
}

const ROOT = REPO_ROOT;
const { checks } = JSON.parse(readFileSync(path.join(FIXTURES_DIR, 'checkov', 'fixtures.json'), 'utf8')) as { checks: CheckovCheck[] };
const POLICY_DOC = readFileSync(path.join(ROOT, 'docs', 'policy.md'), 'utf8');

/** Where the project deliberately differs from checkov on these resources (docs/policy.md says why). */
const DELIBERATE: Readonly<Record<string, { checkov: Verdict; project: Verdict }>> = {
  'rds-backups aws_db_instance.pass2': { checkov: 'PASSED', project: 'FAILED' },
  'rds-backups aws_db_instance.unknown': { checkov: 'UNKNOWN', project: 'FAILED' },
};

/** One rule on resources of a Terraform JSON document, outside production (each rule's own level). */
function run(rule: PolicyRuleId, resource: Record<string, unknown>, productionLike = false): readonly PolicyResult[] {
  const rules = POLICY_RULES.filter((r) => r.id === rule);
  return evaluatePolicy('fixture', resourcesOfJson({ resource } as never), [], { productionLike, rules }).results;
}

const verdict = (results: readonly PolicyResult[], address: string): Verdict | 'n/a' => {
  const found = results.find((r) => r.resource === address);
  return found?.status === 'pass' ? 'PASSED' : found?.status === 'fail' ? 'FAILED' : 'n/a';
};

describe("checkov's fixtures", () => {
  it('cover the checks of the rules they name, with their source noted', () => {
    expect(checks.map((c) => c.rule)).toEqual(['s3-versioning', 's3-encrypted', 'iam-wildcard-resource', 'rds-backups', 'rds-encrypted', 'kms-key-rotation', 'logs-retention']);
    for (const c of checks) {
      expect(POLICY_RULES.find((r) => r.id === c.rule)?.checkov).toBe(c.checkov);
      expect(c.source).toMatch(/^tests\/terraform\/checks\/resource\/aws\/[\w/.]+@[0-9a-f]{40}/);
      expect(Object.keys(c.checkov_result).sort()).toEqual(resourcesOfJson({ resource: c.resource } as never).map((r) => r.address).sort());
    }
  });

  const rows = checks.flatMap((c) => {
    const results = run(c.rule, c.resource);
    return Object.entries(c.checkov_result).map(([address, checkov]) => ({ key: `${c.rule} ${address}`, checkov, project: verdict(results, address) }));
  });

  it('the project agrees with checkov on every resource but the deliberate differences', () => {
    expect(rows.length).toBe(29);
    const differences = Object.fromEntries(rows.filter((r) => r.checkov !== r.project).map((r) => [r.key, { checkov: r.checkov, project: r.project }]));
    expect(differences).toEqual(DELIBERATE);
  });

  it('docs/policy.md lists every deliberate difference with its reason', () => {
    for (const key of Object.keys(DELIBERATE)) {
      const [rule, address] = key.split(' ');
      expect(POLICY_DOC).toMatch(new RegExp(`\\| \`${rule}\` \\| \`${address.replace('.', '\\.')}\` \\|[^\\n]*\\|[^\\n]{40,}\\|`));
    }
  });

  it('include the former false alarms, which now pass', () => {
    for (const key of ['s3-versioning aws_s3_bucket.success', 's3-encrypted aws_s3_bucket.success', 'iam-wildcard-resource aws_iam_policy.pass_unrestrictable']) {
      expect(rows.find((r) => r.key === key)).toEqual({ key, checkov: 'PASSED', project: 'PASSED' });
    }
  });
});

describe("checkov's S3KMSEncryptedByDefault graph fixture (fixtures/checkov/S3KMSEncryptedByDefault)", () => {
  const folder = path.join(FIXTURES_DIR, 'checkov', 'S3KMSEncryptedByDefault');
  /** checkov's expected.yaml: the buckets that pass and those that fail. */
  const expected = (() => {
    const lists: Record<string, string[]> = { pass: [], fail: [] };
    let current = '';
    for (const line of readFileSync(path.join(folder, 'expected.yaml'), 'utf8').split('\n')) {
      const key = /^(pass|fail):$/.exec(line.trim());
      if (key) current = key[1];
      else if (line.trim().startsWith('- ')) lists[current].push(line.trim().slice(2).replace(/"/g, ''));
    }
    return lists;
  })();

  it('s3-encrypted agrees with checkov on every bucket checkov judges, bucket_good_6 (a dynamic rule) included', async () => {
    const json = (await parseHcl('main.tf', readFileSync(path.join(folder, 'main.tf'), 'utf8'))) as { resource: Record<string, Record<string, unknown[]>> };
    // hcl2json writes each resource as a one-element list.
    const resource = Object.fromEntries(Object.entries(json.resource).map(([type, byName]) => [type, Object.fromEntries(Object.entries(byName).map(([n, v]) => [n, v[0]]))]));
    const results = run('s3-encrypted', resource);
    expect(expected.pass).toContain('aws_s3_bucket.bucket_good_6');
    expect(expected.pass.length + expected.fail.length).toBe(9);
    for (const address of expected.pass) expect([address, verdict(results, address)]).toEqual([address, 'PASSED']);
    for (const address of expected.fail) expect([address, verdict(results, address)]).toEqual([address, 'FAILED']);
  });
});

describe('S3 settings written inline or by a dynamic block', () => {
  const bucket = (values: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ aws_s3_bucket: { b: { bucket: 'b', ...values } }, ...extra });
  const kmsRule = { apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms', kms_master_key_id: '${aws_kms_key.k.arn}' } };

  it('versioning: a dynamic versioning block with a literal for_each counts; one known only at plan does not', () => {
    expect(run('s3-versioning', bucket({ dynamic: { versioning: { for_each: [true], content: { enabled: true } } } }))[0].status).toBe('pass');
    expect(run('s3-versioning', bucket({ dynamic: { versioning: { for_each: [], content: { enabled: true } } } }))[0].status).toBe('fail');
    expect(run('s3-versioning', bucket({ dynamic: { versioning: { for_each: '${var.versions}', content: { enabled: true } } } }))[0].status).toBe('fail');
    expect(run('s3-versioning', bucket({ versioning: { enabled: false } }))[0]).toMatchObject({
      status: 'fail',
      detail: 'neither an aws_s3_bucket_versioning nor its versioning block enables versioning, so an overwrite or delete loses the object',
    });
  });

  it('encryption: a dynamic rule block, in the separate resource or the inline block', () => {
    const separate = { aws_s3_bucket_server_side_encryption_configuration: { e: { bucket: '${aws_s3_bucket.b.id}', dynamic: { rule: { for_each: { kms: 1 }, content: kmsRule } } } } };
    expect(run('s3-encrypted', bucket({}, separate)).find((r) => r.resource === 'aws_s3_bucket.b')?.status).toBe('pass');
    expect(run('s3-encrypted', bucket({ server_side_encryption_configuration: { dynamic: { rule: { for_each: ['kms'], content: kmsRule } } } }))[0].status).toBe('pass');
    const aes = { rule: { apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' } } };
    expect(run('s3-encrypted', bucket({ server_side_encryption_configuration: aes }))[0].status).toBe('fail');
  });
});

describe('actions without resource-level permissions', () => {
  const policy = (actions: string[]) => ({ aws_iam_policy: { p: { policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: actions, Resource: '*' }] }) } } });

  it('may use "*": s3:ListAllMyBuckets passes, and only the scopable action of a mixed statement is reported', () => {
    expect(run('iam-wildcard-resource', policy(['s3:ListAllMyBuckets']))[0].status).toBe('pass');
    expect(run('iam-wildcard-resource', policy(['s3:ListAllMyBuckets', 's3:GetObject']))[0].detail).toBe(
      'policy statement 1 allows s3:GetObject on "*"; scope these actions to the ARNs they need (only actions without resource-level permissions, such as ecr:GetAuthorizationToken, may use "*")',
    );
  });

  it('a wildcard action in a policy is scopable (it grants later actions too); a concrete one the list covers is not', () => {
    expect(isUnscopable('ec2:DescribeInstances')).toBe(true);
    expect(isUnscopable('ec2:Describe*')).toBe(false);
    expect(isUnscopable('s3:List*')).toBe(false);
    expect(run('iam-wildcard-resource', policy(['ec2:DescribeInstances', 'ecr:GetAuthorizationToken']))[0].status).toBe('pass');
  });
});

describe('RDS backup retention', () => {
  it('refuses more than the 35 days AWS keeps', () => {
    expect(run('rds-backups', { aws_db_instance: { d: { backup_retention_period: 36 } } })[0].detail).toBe('backup_retention_period is 36; AWS keeps automated backups 35 days at most');
    expect(run('rds-backups', { aws_db_instance: { d: { backup_retention_period: 35 } } }, true)[0].status).toBe('pass');
  });
});
