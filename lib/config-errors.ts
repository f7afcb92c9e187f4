/**
 * The errors that refuse a set of settings. The loader (environments/load.ts) throws them;
 * whoever runs the app (stacks/app.ts runSynth, the npm commands) reports them as a plain
 * message without a stack trace.
 */

/** One environment's (or the bootstrap settings') problems: environments/schema's EnvironmentConfigError. */
export interface SettingsError extends Error {
  /** The environment the problems belong to (`bootstrap` for the bootstrap settings). */
  readonly environment: string;
}

/**
 * Two or more stacks that cannot be deployed together although each may be valid (one OIDC
 * provider per account, the bootstrap stack's name): a sentence naming them and the fix.
 */
export interface StackConflict {
  readonly message: string;
  /** The settings files involved, e.g. `environments/staging.ts`. */
  readonly files: readonly string[];
}

/**
 * Thrown when one or more environments are invalid or cannot be deployed together: lists every
 * problem of every environment (its own fields and the checks across environments) and every
 * conflict between stacks, in one message.
 */
export class InvalidEnvironmentsError extends Error {
  constructor(
    readonly errors: readonly SettingsError[],
    readonly conflicts: readonly StackConflict[] = [],
  ) {
    super([...errors.map((e) => e.message), ...conflicts.map((c) => c.message)].join('\n\n'));
    this.name = 'InvalidEnvironmentsError';
  }
}
