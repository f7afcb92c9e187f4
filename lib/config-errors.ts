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

/** Thrown when one or more environments are invalid; lists every problem of every environment. */
export class InvalidEnvironmentsError extends Error {
  constructor(readonly errors: readonly SettingsError[]) {
    super(errors.map((e) => e.message).join('\n\n'));
    this.name = 'InvalidEnvironmentsError';
  }
}

/** Thrown when the stacks are each valid but cannot be deployed together. */
export class StackConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StackConflictError';
  }
}
