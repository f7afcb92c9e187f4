/**
 * The plan carried from the plan job to the apply job is encrypted, tamper-evident, and
 * bound to its stack and configuration. (The end-to-end apply with real Terraform is in
 * __tests__/terraform/ci-scripts.test.ts.)
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BUNDLE_FILES, decryptPlan, encryptPlan, packPlan, planKey, PlanKeyError, unpackPlan } from '../scripts/plan-bundle';
import { tempDir } from './temp';

const KEY = 'k'.repeat(40);

const tmp = tempDir;
const SECRET = 'SENTINEL-redis-auth-token-7f3c9a1e';

function plannedStack(stack = 'production'): string {
  const dir = path.join(tmp('bundle-'), 'stacks', stack);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'cdk.tf.json'), '{"resource":{}}');
  writeFileSync(path.join(dir, '.terraform.lock.hcl'), 'provider "registry.terraform.io/hashicorp/aws" {}');
  writeFileSync(path.join(dir, 'tfplan'), `PK plan with ${SECRET} inside`);
  return dir;
}

describe('plan encryption', () => {
  it('round-trips, and the ciphertext does not contain the plaintext', () => {
    const plain = Buffer.from(`variables: ${SECRET}`);
    const sealed = encryptPlan(plain, KEY);
    expect(sealed.includes(Buffer.from(SECRET))).toBe(false);
    expect(decryptPlan(sealed, KEY).toString()).toBe(plain.toString());
    // A fresh salt and IV each time.
    expect(encryptPlan(plain, KEY).equals(sealed)).toBe(false);
  });

  it('refuses a wrong key or a changed file', () => {
    const sealed = encryptPlan(Buffer.from('plan'), KEY);
    expect(() => decryptPlan(sealed, 'x'.repeat(40))).toThrow('cannot decrypt the plan: wrong PLAN_ENCRYPTION_KEY, or the file was changed');
    const tampered = Buffer.from(sealed);
    tampered[tampered.length - 1] ^= 1;
    expect(() => decryptPlan(tampered, KEY)).toThrow(PlanKeyError);
    expect(() => decryptPlan(Buffer.from('PK\u0003\u0004 a plain plan'), KEY)).toThrow('not an encrypted plan bundle (bad header)');
  });

  it('requires a PLAN_ENCRYPTION_KEY of at least 32 characters', () => {
    expect(() => planKey({})).toThrow(/^PLAN_ENCRYPTION_KEY is not set: plan files hold sensitive values/);
    expect(() => planKey({ PLAN_ENCRYPTION_KEY: 'short' })).toThrow('PLAN_ENCRYPTION_KEY is too short (5 characters): use at least 32');
    expect(planKey({ PLAN_ENCRYPTION_KEY: KEY })).toBe(KEY);
  });
});

describe('plan bundles', () => {
  it('hold the encrypted plan, the configuration and the lock file (not hidden), nothing in clear', () => {
    const stackDir = plannedStack();
    const bundle = tmp('bundle-out-');
    packPlan(stackDir, bundle, KEY);
    expect(readdirSync(bundle).sort()).toEqual([BUNDLE_FILES.manifest, BUNDLE_FILES.config, BUNDLE_FILES.lock, BUNDLE_FILES.plan].sort());
    for (const file of readdirSync(bundle)) expect(readFileSync(path.join(bundle, file), 'utf8')).not.toContain(SECRET);
  });

  it('pack the plan cdktf diff leaves (`plan`) the same way', () => {
    const stackDir = plannedStack();
    rmSync(path.join(stackDir, 'tfplan'));
    writeFileSync(path.join(stackDir, 'plan'), `cdktf plan with ${SECRET}`);
    const bundle = tmp('bundle-out-');
    packPlan(stackDir, bundle, KEY, 'plan');
    expect(readFileSync(path.join(bundle, BUNDLE_FILES.plan)).includes(Buffer.from(SECRET))).toBe(false);
    expect(readFileSync(unpackPlan(bundle, path.join(tmp('apply-'), 'production'), KEY), 'utf8')).toBe(`cdktf plan with ${SECRET}`);
  });

  it('restore the stack folder with the decrypted plan', () => {
    const bundle = tmp('bundle-out-');
    packPlan(plannedStack(), bundle, KEY);
    const target = path.join(tmp('apply-'), 'production');
    const planFile = unpackPlan(bundle, target, KEY);
    expect(readFileSync(planFile, 'utf8')).toBe(`PK plan with ${SECRET} inside`);
    expect(readdirSync(target).sort()).toEqual(['.terraform.lock.hcl', 'cdk.tf.json', 'tfplan']);
  });

  it('refuse another stack, or a changed configuration', () => {
    const bundle = tmp('bundle-out-');
    packPlan(plannedStack(), bundle, KEY);
    const root = tmp('apply-');
    expect(() => unpackPlan(bundle, path.join(root, 'staging'), KEY)).toThrow('the bundle holds a plan of production, not of staging');
    writeFileSync(path.join(bundle, BUNDLE_FILES.config), '{"resource":{"changed":{}}}');
    expect(() => unpackPlan(bundle, path.join(root, 'production'), KEY)).toThrow('the bundle was changed: cdk.tf.json does not match the planned configuration');
  });

  it('need a plan first', () => {
    const stackDir = plannedStack('staging');
    const bundle = tmp('bundle-out-');
    rmSync(path.join(stackDir, 'tfplan'));
    expect(() => packPlan(stackDir, bundle, KEY)).toThrow(`${path.join(stackDir, 'tfplan')} is missing: run npm run plan:diff -- staging (or plan:stack) first`);
  });
});
