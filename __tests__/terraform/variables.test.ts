/**
 * The validation blocks of the deployment variables are HCL expressions; only
 * Terraform can prove they accept and refuse what they should. This runs a plan of a
 * configuration that holds just those variables (no provider, so it is fast).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { terraform } from '../../scripts/offline-plan';
import { variablesStack } from '../edge-fixtures';
import { TERRAFORM_TEST_DIR } from './plans';

const GOOD_CERTIFICATE = 'arn:aws:acm:ap-southeast-2:123456789012:certificate/11111111-2222-4333-8444-555555555555';

describe('deployment variable validation in terraform', () => {
  const dir = path.join(TERRAFORM_TEST_DIR, 'work', 'deployment-variables');

  beforeAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'main.tf.json'), JSON.stringify(variablesStack().json));
    await terraform(['init', '-input=false', '-no-color', '-backend=false'], dir);
  });

  const plan = (vars: Record<string, string>) =>
    terraform(['plan', '-input=false', '-no-color', '-lock=false', ...Object.entries(vars).flatMap(([k, v]) => ['-var', `${k}=${v}`])], dir).then(
      () => 'accepted',
      (e: Error) => e.message,
    );

  it('accepts a real ACM ARN and tags, with the image defaults', async () => {
    expect(await plan({ certificate_arn: GOOD_CERTIFICATE, backend_image_tag: 'v2.3.4', frontend_image_tag: 'sha-0a1b2c3' })).toBe('accepted');
  });

  it('refuses the legacy placeholder certificate ARN (D6), a malformed tag and an image with a tag', async () => {
    const result = await plan({
      certificate_arn: 'arn:aws:acm:ap-southeast-2:ACCOUNT_ID:certificate/CERT_ID',
      backend_image_tag: 'v1 .0',
      frontend_image: 'ghcr.io/owner/app:latest',
    });
    expect(result).toContain('certificate_arn must be an ACM certificate ARN with a 12-digit account id');
    expect(result).toContain('backend_image_tag must be a container image tag');
    expect(result).toContain('frontend_image must be an image repository such as ghcr.io/owner/name, without tag.');
  });

  it('requires a certificate ARN (no default)', async () => {
    expect(await plan({})).toContain('No value for required variable');
  });
});
