import { ACM_CERTIFICATE_ARN_PATTERN, IMAGE_TAG_PATTERN } from '../lib/deployment-variables';
import { variablesStack } from './edge-fixtures';

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
    expect(new RegExp(IMAGE_TAG_PATTERN).test('.hidden')).toBe(false);
  });

  it('returns references to the variables', () => {
    expect(refs).toEqual(['${var.backend_image}', '${var.backend_image_tag}', '${var.frontend_image}', '${var.frontend_image_tag}', '${var.certificate_arn}']);
  });
});
