/**
 * Per-deployment Terraform input variables of the edge and compute tier: the
 * container images and tags (so a pipeline deploys a new tag with
 * `-var backend_image_tag=...`) and the HTTPS certificate. They are declared on the
 * stack itself with snake_case ids, as in the legacy root configurations.
 */
import { Fn, TerraformStack, TerraformVariable } from 'cdktf';

/** RE2 pattern of an ACM certificate ARN with a 12-digit account id (D6). */
export const ACM_CERTIFICATE_ARN_PATTERN = '^arn:aws[a-z-]*:acm:[a-z]{2}(-gov)?-[a-z]+-[0-9]:[0-9]{12}:certificate/[A-Za-z0-9-]+$';

/** RE2 pattern of an image repository without tag or digest, e.g. ghcr.io/owner/name or owner/name. */
export const IMAGE_REPOSITORY_PATTERN = '^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(/[a-z0-9]+([._-][a-z0-9]+)*)*$';

/** RE2 pattern of a container image tag (the Docker rule). */
export const IMAGE_TAG_PATTERN = '^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$';

/** The image variables' values, as Terraform references. */
export interface ImageVariables {
  /** `var.backend_image`: backend repository without tag. */
  readonly backendImage: string;
  /** `var.backend_image_tag`. */
  readonly backendImageTag: string;
  /** `var.frontend_image`: frontend repository without tag. */
  readonly frontendImage: string;
  /** `var.frontend_image_tag`. */
  readonly frontendImageTag: string;
}

/** Defaults of the image variables (the legacy variable defaults, from the environment config). */
export interface ImageDefaults {
  /** Default of `backend_image`. */
  readonly backendImage: string;
  /** Default of `frontend_image`. */
  readonly frontendImage: string;
  /** Default of `backend_image_tag` and `frontend_image_tag`. */
  readonly imageTag: string;
}

/** Declares `backend_image`, `backend_image_tag`, `frontend_image`, `frontend_image_tag` on the stack. */
export function addImageVariables(stack: TerraformStack, defaults: ImageDefaults): ImageVariables {
  const variable = (id: string, description: string, value: string) =>
    new TerraformVariable(stack, id, { type: 'string', default: value, description, nullable: false });
  const repository = (id: string, service: string, value: string) => {
    const v = variable(id, `Container image repository of the ${service}, without tag.`, value);
    v.addValidation({
      condition: Fn.can(Fn.regex(IMAGE_REPOSITORY_PATTERN, v.stringValue)),
      errorMessage: `${id} must be an image repository such as ghcr.io/owner/name, without tag.`,
    });
    return v.stringValue;
  };
  const tag = (id: string, service: string, value: string) => {
    const v = variable(id, `Container image tag of the ${service} to deploy, e.g. v1.2.3.`, value);
    v.addValidation({
      condition: Fn.can(Fn.regex(IMAGE_TAG_PATTERN, v.stringValue)),
      errorMessage: `${id} must be a container image tag: letters, digits, _ . - (at most 128, not starting with . or -).`,
    });
    return v.stringValue;
  };
  return {
    backendImage: repository('backend_image', 'backend', defaults.backendImage),
    backendImageTag: tag('backend_image_tag', 'backend', defaults.imageTag),
    frontendImage: repository('frontend_image', 'frontend', defaults.frontendImage),
    frontendImageTag: tag('frontend_image_tag', 'frontend', defaults.imageTag),
  };
}

/**
 * Declares the required `certificate_arn` variable (no default), validated as an ACM
 * certificate ARN with a 12-digit account id, and returns its reference.
 */
export function addCertificateArnVariable(stack: TerraformStack): string {
  const variable = new TerraformVariable(stack, 'certificate_arn', {
    type: 'string',
    description: 'ARN of the ACM certificate of the HTTPS listener (same region as the load balancer).',
    nullable: false,
  });
  variable.addValidation({
    condition: Fn.can(Fn.regex(ACM_CERTIFICATE_ARN_PATTERN, variable.stringValue)),
    errorMessage: 'certificate_arn must be an ACM certificate ARN with a 12-digit account id: arn:aws:acm:<region>:<account-id>:certificate/<id>.',
  });
  return variable.stringValue;
}
