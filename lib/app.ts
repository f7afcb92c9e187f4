/**
 * Builds the cdktf App from the environment registry. Kept apart from main.ts so
 * tests can build stacks in memory and check how errors are reported.
 */
import { App } from 'cdktf';
import { ENVIRONMENTS } from '../environments';
import { EnvironmentConfigError, validateEnvironmentConfig } from '../environments/schema';
import { PlatformStack } from './platform-stack';
import { checkStackPolicy, describeWarnings, PolicyViolationError } from './policy/engine';
import type { PolicyReport } from './policy/model';

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

/** The platform stacks of an app, in order. */
export function platformStacks(app: App): PlatformStack[] {
  return app.node.children.filter((c): c is PlatformStack => c instanceof PlatformStack);
}

/** The policy report of every platform stack of the app. */
export function policyReports(app: App): PolicyReport[] {
  return platformStacks(app).map((stack) => checkStackPolicy(stack, stack.policy));
}

/**
 * Synthesizes the app. Configuration problems and error-level policy failures of every
 * stack are printed as one plain message, without a stack trace, and give exit code 1;
 * policy warnings are printed and synth goes on.
 */
export function runSynth(options: BuildAppOptions = {}, stderr: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): number {
  try {
    const app = buildApp(options);
    const reports = policyReports(app);
    if (reports.some((r) => r.errors.length > 0)) throw new PolicyViolationError(reports);
    for (const report of reports.filter((r) => r.warnings.length > 0)) {
      stderr(`Policy warnings for stack "${report.stack}" (npm run check prints the full report):\n${describeWarnings(report).join('\n')}`);
    }
    app.synth();
    return 0;
  } catch (e) {
    if (e instanceof InvalidEnvironmentsError) {
      stderr(`Synth refused: invalid environment settings.\n\n${e.message}\n\nFix the values in environments/<name>.ts; the rules are in environments/schema.ts.`);
      return 1;
    }
    if (e instanceof PolicyViolationError) {
      stderr(`Synth refused: the security and data-protection policy failed.\n\n${e.message}\n\nThe rules and how to record an exception: README.md, "Policy checks"; npm run check prints the full report.`);
      return 1;
    }
    throw e;
  }
}
