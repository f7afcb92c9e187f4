/**
 * Builds the cdktf App from the environment registry. Kept apart from main.ts so
 * tests can build stacks in memory and check how errors are reported.
 */
import { App } from 'cdktf';
import { ENVIRONMENTS } from '../environments';
import { EnvironmentConfigError, validateEnvironmentConfig } from '../environments/schema';
import { PlatformStack } from './platform-stack';

export interface BuildAppOptions {
  /** Raw environment settings by name. @default the registry in environments/index.ts */
  readonly environments?: Readonly<Record<string, unknown>>;
  /** Output folder. @default cdktf's default (cdktf.out, or CDKTF_OUTDIR when run by the CLI) */
  readonly outdir?: string;
}

/** Thrown when one or more environments are invalid; lists every problem of every environment. */
export class InvalidEnvironmentsError extends Error {
  constructor(readonly errors: readonly EnvironmentConfigError[]) {
    super(errors.map((e) => e.message).join('\n\n'));
    this.name = 'InvalidEnvironmentsError';
  }
}

/** Validates every environment first (reporting all problems at once), then builds one stack each. */
export function buildApp(options: BuildAppOptions = {}): App {
  const raw = options.environments ?? ENVIRONMENTS;
  const errors: EnvironmentConfigError[] = [];
  const configs = Object.entries(raw).flatMap(([name, value]) => {
    try {
      return [validateEnvironmentConfig(name, value)];
    } catch (e) {
      if (e instanceof EnvironmentConfigError) {
        errors.push(e);
        return [];
      }
      throw e;
    }
  });
  if (errors.length > 0) throw new InvalidEnvironmentsError(errors);

  const app = new App(options.outdir ? { outdir: options.outdir } : {});
  for (const config of configs) new PlatformStack(app, config);
  return app;
}

/**
 * Synthesizes the app. Configuration problems are printed as a plain message,
 * without a stack trace, and give exit code 1.
 */
export function runSynth(options: BuildAppOptions = {}, stderr: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): number {
  try {
    buildApp(options).synth();
    return 0;
  } catch (e) {
    if (e instanceof InvalidEnvironmentsError) {
      stderr(`Synth refused: invalid environment settings.\n\n${e.message}\n\nFix the values in environments/<name>.ts; the rules are in environments/schema.ts.`);
      return 1;
    }
    throw e;
  }
}
