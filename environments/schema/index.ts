/**
 * The typed description of an environment (and of the bootstrap settings), and its validation.
 *
 * Everything that differs between environments lives in an `EnvironmentConfig`. The data files
 * (`environments/staging.ts`, `production.ts`) hold plain values only; this folder holds the rules,
 * one file per section (network.ts, database.ts, ...), each with its zod schema, a description of
 * every field and its own cross-field checks; cross-section.ts holds the checks that read two
 * sections, environment.ts puts them together. `validateEnvironmentConfig` is the single entry
 * point. Importers use this index: `from '../environments/schema'`.
 */
export { LOG_RETENTION_DAYS, AVAILABILITY_ZONE, ACCOUNT_ID, PROJECT_NAME } from './common';
export { NAT_MODES, type NatMode } from './network';
export { PERFORMANCE_INSIGHTS_RETENTION_DAYS } from './database';
export { REDIS_VERSION } from './cache';
export { FARGATE_TASK_SIZES, isFargateTaskSize } from './ecs';
export {
  STATE_BACKEND_TYPES,
  type StateBackendType,
  STATE_LOCKING_MODES,
  type StateLockingMode,
  type StateBackendSettings,
  type CloudStateBackendSettings,
} from './state-backend';
export { type ConfigProblem, EnvironmentConfigError } from './errors';
export { ENVIRONMENT_NAME, ENVIRONMENT_NAME_HELP } from './environment-fields';
export { isPlaceholder, PLACEHOLDER, placeholder, placeholdersIn } from './placeholders';
export {
  environmentConfigSchema,
  type EnvironmentConfig,
  type EnvironmentConfigInput,
  validateEnvironmentConfig,
} from './environment';
export { bootstrapConfigSchema, type BootstrapConfig, type BootstrapConfigInput, BOOTSTRAP_NAME, validateBootstrapConfig } from './bootstrap';
