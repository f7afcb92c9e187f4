import { ACM_CERTIFICATE_ARN_PATTERN, IMAGE_REPOSITORY_PATTERN, IMAGE_TAG_PATTERN } from '../../stacks/deployment-variables';
import { variablesStack } from '../support/edge-fixtures';

describe('deployment variables', () => {
  const { json, refs } = variablesStack();

  it('declares the image variables with the legacy defaults and the certificate without one', () => {
    const v = json.variable;
    expect(Object.keys(v).sort()).toEqual(['backend_image', 'backend_image_tag', 'certificate_arn', 'frontend_image', 'frontend_image_tag']);
    expect([v.backend_image.default, v.backend_image_tag.default, v.frontend_image.default, v.frontend_image_tag.default]).toEqual([
      'ghcr.io/example/backend',
      'v1.0.0',
      'ghcr.io/example/frontend',
      'v1.0.0',
    ]);
    expect(v.certificate_arn).not.toHaveProperty('default');
    for (const variable of Object.values(v) as Record<string, any>[]) {
      expect(variable).toMatchObject({ type: 'string', nullable: false });
      expect(variable.sensitive).toBeUndefined();
      expect(variable.validation).toHaveLength(1);
    }
  });

  it('validates the certificate ARN shape with a 12-digit account id (D6)', () => {
    expect(json.variable.certificate_arn.validation[0].condition).toBe(`\${can(regex("${ACM_CERTIFICATE_ARN_PATTERN}", var.certificate_arn))}`);
    const re = new RegExp(ACM_CERTIFICATE_ARN_PATTERN);
    expect(re.test('arn:aws:acm:ap-southeast-2:123456789012:certificate/11111111-2222-4333-8444-555555555555')).toBe(true);
    expect(re.test('arn:aws:acm:ap-southeast-2:ACCOUNT_ID:certificate/CERT_ID')).toBe(false);
    expect(re.test('arn:aws:acm:ap-southeast-2:12345678901:certificate/abc')).toBe(false);
    expect(re.test('arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com')).toBe(false);
  });

  it('validates image repositories (no tag) and tags', () => {
    const repository = new RegExp(IMAGE_REPOSITORY_PATTERN);
    for (const good of ['ghcr.io/marklimmage/ohmycoins-backend', '123456789012.dkr.ecr.ap-southeast-2.amazonaws.com/app', 'localhost:5000/app', 'nginx']) {
      expect([good, repository.test(good)]).toEqual([good, true]);
    }
    for (const bad of ['', 'ghcr.io/owner/app:latest', 'ghcr.io/Owner/App', 'ghcr.io/owner/app@sha256:abc', 'a b']) {
      expect([bad, repository.test(bad)]).toEqual([bad, false]);
    }
    const tag = new RegExp(IMAGE_TAG_PATTERN);
    expect(['latest', 'v1.0.0', 'sha-0a1b2c3', '1_2'].every((t) => tag.test(t))).toBe(true);
    expect(['', '.hidden', '-x', 'v1 .0', 'a'.repeat(129)].some((t) => tag.test(t))).toBe(false);
  });

  it('returns references to the variables', () => {
    expect(refs).toEqual(['${var.backend_image}', '${var.backend_image_tag}', '${var.frontend_image}', '${var.frontend_image_tag}', '${var.certificate_arn}']);
  });
});
