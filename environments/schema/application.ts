/** The `application` section (settings passed to the containers, variable defaults) and its own cross-field checks. */
import { z } from 'zod';
import { IMAGE_REPOSITORY_PATTERN, IMAGE_TAG_PATTERN } from '../../stacks/deployment-variables';
import { DNS_NAME, hostname, origin, originHost } from './common';
import { Ctx, issue, ViewOf } from './view';

const imageRepository = z.string().regex(new RegExp(IMAGE_REPOSITORY_PATTERN), {
  message:
    'must be an image repository without tag, as the backend_image and frontend_image variables accept: lower-case path components separated by /, each of letters and digits joined by single . _ or -, optionally after a registry host[:port], e.g. ghcr.io/owner/name',
});

export const applicationSchema = z
  .object({
    domain: hostname.describe("The environment's base domain (DOMAIN), e.g. ohmycoins.com; stored in lower case."),
    backendDomain: hostname.describe('Host name that routes to the backend (API): domain or a name under it, e.g. api.ohmycoins.com.'),
    frontendHost: origin.describe('Public URL of the frontend (FRONTEND_HOST), an http(s)://host[:port] origin served from domain or a name under it.'),
    backendCorsOrigins: z
      .array(origin)
      .describe('Origins the backend accepts (BACKEND_CORS_ORIGINS, joined by commas); must include frontendHost, https:// only when productionLike.'),
    backendImage: imageRepository.describe('Default of the backend_image variable, an image repository without tag; checked with the variable\'s own validation pattern.'),
    frontendImage: imageRepository.describe('Default of the frontend_image variable, an image repository without tag; checked with the variable\'s own validation pattern.'),
    imageTag: z
      .string()
      .regex(new RegExp(IMAGE_TAG_PATTERN), {
        message: 'must be a container image tag: letters, digits, _ . - (at most 128, not starting with . or -), as the image_tag variables accept',
      })
      .describe('Default of the backend_image_tag and frontend_image_tag variables; checked with their validation pattern.'),
    secretRecoveryWindowDays: z
      .number()
      .refine((v) => v === 0 || (Number.isInteger(v) && v >= 7 && v <= 30), {
        message: 'must be 0 (delete at once) or a whole number of days from 7 to 30',
      })
      .describe('Recovery window of the application secret, days: 0 (delete at once) or 7-30.'),
  })
  .strict()
  .describe('Application settings passed to the containers, and the defaults of the image variables.');

export type ApplicationView = ViewOf<typeof applicationSchema>;
/**
 * The `application` section. Several constructs and stacks read it, each a `Pick` of the fields it
 * reads: the secret (constructs/application.ts), the backend's host name (constructs/load-balancer.ts),
 * the backend container (constructs/ecs.ts) and the image variables' defaults (stacks/deployment-variables.ts).
 */
export type ApplicationSettings = z.output<typeof applicationSchema>;

function inDomain(host: string, domain: string): boolean {
  return host === domain || host.endsWith(`.${domain}`);
}

/** The backend and the frontend are served under the environment's domain. */
export function checkDomains(app: ApplicationView, ctx: Ctx): void {
  const { domain, backendDomain, frontendHost } = app;
  if (domain !== undefined && backendDomain !== undefined && !inDomain(backendDomain, domain)) {
    issue(ctx, ['application', 'backendDomain'], backendDomain, `must be ${domain} or a name under it, e.g. api.${domain}`);
  }
  if (frontendHost !== undefined) {
    const host = originHost(frontendHost);
    if (!DNS_NAME.test(host)) {
      issue(ctx, ['application', 'frontendHost'], frontendHost, 'must have a DNS name as host, e.g. https://dashboard.example.com');
    } else if (domain !== undefined && !inDomain(host, domain)) {
      issue(ctx, ['application', 'frontendHost'], frontendHost, `must be served from ${domain} or a name under it, e.g. https://dashboard.${domain}`);
    }
  }
}

/** The dashboard must be able to call the API: frontendHost is one of the CORS origins. */
export function checkCorsIncludesFrontend(app: ApplicationView, ctx: Ctx): void {
  const { frontendHost, backendCorsOrigins: origins } = app;
  if (frontendHost !== undefined && origins && !origins.includes(frontendHost)) {
    issue(ctx, ['application', 'backendCorsOrigins'], origins.written, `must include frontendHost (${frontendHost}) so the dashboard can call the API`);
  }
}
