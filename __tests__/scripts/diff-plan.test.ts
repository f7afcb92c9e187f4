/**
 * plan:diff without running anything: the plan file name it reads is the one the installed
 * cdktf-cli writes, and its stand-in values pass the variables' validation. (The real
 * `cdktf diff` runs in __tests__/terraform/cdktf-diff.test.ts.)
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REDIS_AUTH_TOKEN_PATTERN } from '../../constructs/cache';
import { CDKTF_PLAN_FILE, standInValue } from '../../scripts/diff-plan';

describe('plan:diff', () => {
  it('reads the plan file the installed cdktf-cli leaves (TerraformCli.plan: -out plan)', () => {
    const cli = readFileSync(path.join(require.resolve('@cdktf/cli-core/package.json'), '..', 'src', 'lib', 'models', 'terraform-cli.js'), 'utf8');
    expect(cli).toMatch(new RegExp(`const planFile = "${CDKTF_PLAN_FILE}";\\s*options\\.push\\("-out", planFile\\)`));
    expect(CDKTF_PLAN_FILE).toBe('plan');
  });

  it('plans production with a stand-in Redis token its validation accepts, recognisably not a secret', () => {
    expect(standInValue('redis_auth_token')).toBe('stand-in-redis-auth-token-0000000000');
    expect(standInValue('redis_auth_token')).toMatch(new RegExp(REDIS_AUTH_TOKEN_PATTERN));
  });
});
