/**
 * The schema of one environment (the sections put together), its cross-field checks in the order
 * they report, and `validateEnvironmentConfig`, the single entry point: it checks an unknown value
 * against the schema and either returns the typed config or throws one `EnvironmentConfigError`
 * that lists every problem at once.
 */
import { z } from 'zod';
import { checkCorsIncludesFrontend, checkDomains } from './application';
import { checkCacheEngineVersion, checkCacheSettings } from './cache';
import {
  checkCacheNodeTypeOffered,
  checkCorsOrigins,
  checkDatabaseClassesOffered,
  checkDatabaseZones,
  checkNamesFromProjectName,
  checkOidcProviderAccount,
  checkProductionBackups,
  checkProductionIsProductionLike,
  checkZonesInRegion,
} from './cross-section';
import { checkDatabaseWindows, checkEngineVersion, checkReservedNames, checkStorage, checkStorageAutoscaling } from './database';
import { checkAutoscaling, checkTaskSizes } from './ecs';
import { environmentFields, EnvironmentView } from './environment-fields';
import { ConfigProblem, EnvironmentConfigError, renderValue, toProblems } from './errors';
import { checkDeploySubjects, checkDeploySubjectsApartFromPipeline, checkOidcProvider } from './github';
import { checkSubnets } from './network';
import { withPlaceholders } from './placeholders';
import { checkPolicyExceptions } from './policy-exceptions';
import { Ctx, viewOf } from './view';

type Check = (env: EnvironmentView, ctx: Ctx) => void;

/** A check of one section, given only that section's view (skipped when the section is not an object). */
function inSection<K extends keyof EnvironmentView>(key: K, check: (section: NonNullable<EnvironmentView[K]>, ctx: Ctx) => void): Check {
  return (env, ctx) => {
    const section = env[key];
    if (section !== undefined) check(section, ctx);
  };
}

/**
 * Every cross-field check, in the order its problems are reported (after the problems of the
 * fields' own schemas). Section checks live with their section; the ones that read two sections
 * in cross-section.ts.
 */
const CHECKS: readonly Check[] = [
  checkZonesInRegion,
  inSection('network', checkSubnets),
  checkProductionIsProductionLike,
  checkNamesFromProjectName,
  inSection('database', checkEngineVersion),
  inSection('database', checkStorage),
  checkDatabaseClassesOffered,
  inSection('database', checkReservedNames),
  inSection('database', checkStorageAutoscaling),
  checkProductionBackups,
  inSection('database', checkDatabaseWindows),
  checkDatabaseZones,
  inSection('cache', checkCacheEngineVersion),
  checkCacheNodeTypeOffered,
  inSection('cache', checkCacheSettings),
  inSection('ecs', checkTaskSizes),
  inSection('ecs', checkAutoscaling),
  inSection('github', checkOidcProvider),
  checkOidcProviderAccount,
  inSection('github', checkDeploySubjects),
  (env, ctx) => env.github && checkDeploySubjectsApartFromPipeline(env.name, env.github, ctx),
  inSection('application', checkDomains),
  checkCorsOrigins,
  inSection('application', checkCorsIncludesFrontend),
  (env, ctx) => checkPolicyExceptions(env.policyExceptions, ctx),
];

/**
 * The zod schema of an environment. What it produces, `EnvironmentConfig`, is what a platform
 * stack is built from; each construct's settings type is its section of it (`DatabaseSettings` =
 * `z.output<typeof databaseSchema>`, ...), so a setting is declared here only.
 */
export const environmentConfigSchema = environmentFields
  .superRefine(
    (config, ctx) => {
      const env = viewOf(environmentFields, config);
      if (env) for (const check of CHECKS) check(env, ctx);
    },
    // Also when fields are invalid: every problem is reported at once.
    { when: () => true },
  )
  .describe('One environment: the settings of environments/<name>.ts.');

/** The validated, typed settings of one environment: the one name of that concept (stacks, constructs and tooling use it). */
export type EnvironmentConfig = z.output<typeof environmentConfigSchema>;
/** What an environment data file must provide (checked by TypeScript, then by zod). */
export type EnvironmentConfigInput = z.input<typeof environmentConfigSchema>;

/**
 * Validates an environment's settings.
 *
 * @param environment the environment's name, used in every message
 * @param raw the settings, typically the object exported by `environments/<name>.ts`
 * @returns the typed, validated config
 * @throws EnvironmentConfigError listing every problem (field path, bad value, what is allowed)
 */
export function validateEnvironmentConfig(environment: string, raw: unknown): EnvironmentConfig {
  const result = environmentConfigSchema.safeParse(raw, { reportInput: true });
  const problems: ConfigProblem[] = withPlaceholders(environmentFields, raw, result.success ? [] : result.error.issues.flatMap(toProblems));
  if (result.success && result.data.name !== environment) {
    problems.push({ path: 'name', value: renderValue(result.data.name), message: `must equal the environment's name "${environment}"` });
  }
  if (problems.length > 0) throw new EnvironmentConfigError(environment, problems);
  return result.data as EnvironmentConfig;
}
