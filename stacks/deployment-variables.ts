/**
 * Per-deployment Terraform input variables: the container images and tags (so a
 * pipeline deploys a new tag with `-var backend_image_tag=...`), the HTTPS
 * certificate and any other string checked against a pattern. They are declared on
 * the stack itself with snake_case ids, as in the legacy root configurations.
 */
import { Fn, TerraformStack, TerraformVariable } from 'cdktf';
import type { ApplicationSettings } from '../environments/schema/application';
import { ACM_CERTIFICATE_ARN_RE2 } from '../lib/arns';

/** RE2 pattern of an ACM certificate ARN with a 12-digit account id and a certificate UUID (D6 [placeholder ARNs]); one definition, in lib/arns.ts. */
export const ACM_CERTIFICATE_ARN_PATTERN = ACM_CERTIFICATE_ARN_RE2;

/** RE2 pattern of an image repository without tag or digest, e.g. ghcr.io/owner/name or owner/name. */
export const IMAGE_REPOSITORY_PATTERN = '^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(/[a-z0-9]+([._-][a-z0-9]+)*)*$';

/** RE2 pattern of a container image tag (the Docker rule). */
export const IMAGE_TAG_PATTERN = '^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$';

/** The image variables' values, as Terraform references (the `application` settings of the same names are their defaults). */
export interface ImageVariables {
  /** `var.backend_image`. */
  readonly backendImage: ApplicationSettings['backendImage'];
  /** `var.backend_image_tag`. */
  readonly backendImageTag: string;
  /** `var.frontend_image`. */
  readonly frontendImage: ApplicationSettings['frontendImage'];
  /** `var.frontend_image_tag`. */
  readonly frontendImageTag: string;
}

/** Options of a pattern-checked string variable. */
export interface PatternVariableOptions {
  /** What the variable is for (shown by `terraform plan` when it is missing). */
  readonly description: string;
  /** The error Terraform prints for a value that does not match: name the variable and the expected shape. */
  readonly errorMessage: string;
  /** Default value; without one the variable is required. @default undefined (required) */
  readonly default?: string;
}

/**
 * Declares a non-sensitive string variable whose value Terraform checks against the RE2
 * `pattern` before planning, and returns its reference. Not for secrets: Terraform 1.11
 * prints the value of a variable whose validation fails, even a sensitive one.
 */
export function patternVariable(stack: TerraformStack, id: string, pattern: string, options: PatternVariableOptions): string {
  const variable = new TerraformVariable(stack, id, { type: 'string', description: options.description, default: options.default, nullable: false });
  variable.addValidation({ condition: Fn.can(Fn.regex(pattern, variable.stringValue)), errorMessage: options.errorMessage });
  return variable.stringValue;
}

/** Declares `backend_image`, `backend_image_tag`, `frontend_image`, `frontend_image_tag` on the stack. */
export function addImageVariables(stack: TerraformStack, defaults: Pick<ApplicationSettings, 'backendImage' | 'frontendImage' | 'imageTag'>): ImageVariables {
  const repository = (id: string, service: string, value: string) =>
    patternVariable(stack, id, IMAGE_REPOSITORY_PATTERN, {
      description: `Container image repository of the ${service}, without tag.`,
      errorMessage: `${id} must be an image repository such as ghcr.io/owner/name, without tag.`,
      default: value,
    });
  const tag = (id: string, service: string, value: string) =>
    patternVariable(stack, id, IMAGE_TAG_PATTERN, {
      description: `Container image tag of the ${service} to deploy, e.g. v1.2.3.`,
      errorMessage: `${id} must be a container image tag: letters, digits, _ . - (at most 128, not starting with . or -).`,
      default: value,
    });
  return {
    backendImage: repository('backend_image', 'backend', defaults.backendImage),
    backendImageTag: tag('backend_image_tag', 'backend', defaults.imageTag),
    frontendImage: repository('frontend_image', 'frontend', defaults.frontendImage),
    frontendImageTag: tag('frontend_image_tag', 'frontend', defaults.imageTag),
  };
}

/**
 * Declares the required `certificate_arn` variable (no default), validated as an ACM
 * certificate ARN with a 12-digit account id (D6), and returns its reference.
 */
export function addCertificateArnVariable(stack: TerraformStack): string {
  return patternVariable(stack, 'certificate_arn', ACM_CERTIFICATE_ARN_PATTERN, {
    description: 'ARN of the ACM certificate of the HTTPS listener (same region as the load balancer).',
    errorMessage: 'certificate_arn must be an ACM certificate ARN with a 12-digit account id, e.g. arn:aws:acm:ap-southeast-2:123456789012:certificate/0c1d2e3f-4a5b-6c7d-8e9f-0a1b2c3d4e5f.',
  });
}
