/**
 * The fields of one environment: its own (name, project name, region...) and one section each,
 * without the cross-field checks (environment.ts adds them). The checks read it through a typed view.
 */
import { z } from 'zod';
import { applicationSchema } from './application';
import { cacheSchema } from './cache';
import { accountId, PROJECT_NAME, region } from './common';
import { databaseSchema } from './database';
import { ecsSchema } from './ecs';
import { githubSchema } from './github';
import { loadBalancerSchema } from './load-balancer';
import { monitoringSchema } from './monitoring';
import { networkSchema } from './network';
import { policyExceptionsSchema } from './policy-exceptions';
import { securitySchema } from './security';
import { stateBackendSchema } from './state-backend';
import { ViewOf } from './view';

/** What an environment's name (and so its file name and stack name) may be. */
export const ENVIRONMENT_NAME = /^[a-z][a-z0-9-]{1,19}$/;
/** ENVIRONMENT_NAME in words. */
export const ENVIRONMENT_NAME_HELP = 'must be lower-case letters, digits and dashes, 2-20 characters, starting with a letter';

export const environmentFields = z
  .object({
    name: z
      .string()
      .regex(ENVIRONMENT_NAME, { message: ENVIRONMENT_NAME_HELP })
      .describe('Environment name (the file environments/<name>.ts): the stack name and the Environment tag; 2-20 lower-case letters, digits and dashes.'),
    projectName: z
      .string()
      .regex(PROJECT_NAME, {
        message: 'must be lower-case letters, digits and hyphens, starting with a letter and ending with a letter or digit',
      })
      .describe(
        'Prefix of every resource name (the legacy project_name local). Its length is limited by the names built from it (lib/names.ts): the longest, <projectName>-frontend-tg, may have 32 characters.',
      ),
    productionLike: z
      .boolean()
      .describe(
        'Whether this environment serves real users or holds real data. Production-like environments get the strict checks: database backups kept at least 7 days, HTTPS-only CORS origins, and every failing policy rule is an error (elsewhere some rules only warn). The environment named production must set it.',
      ),
    policyExceptions: policyExceptionsSchema,
    region: region.describe('AWS region of every resource, in lower case, in the aws partition (e.g. ap-southeast-2).'),
    accountId: accountId.optional().describe('12-digit AWS account id; when set, the provider refuses to run against any other account. Default: unset.'),
    stateBackend: stateBackendSchema,
    network: networkSchema,
    security: securitySchema,
    github: githubSchema,
    database: databaseSchema,
    cache: cacheSchema,
    loadBalancer: loadBalancerSchema,
    ecs: ecsSchema,
    application: applicationSchema,
    monitoring: monitoringSchema,
  })
  .strict();

/** What the cross-field checks see of an environment: each value that its own schema accepted (view.ts). */
export type EnvironmentView = ViewOf<typeof environmentFields>;
