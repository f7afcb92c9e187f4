/**
 * Builds the cdktf App from validated settings: one platform stack per environment, then the
 * bootstrap stack. The settings are loaded and checked in environments/load.ts (main.ts
 * composes the two); kept apart from main.ts so tests can build stacks in memory and check
 * how errors are reported.
 */
import { App, TerraformStack } from 'cdktf';
import type { BootstrapConfig, EnvironmentConfig } from '../environments/schema';
import { InvalidEnvironmentsError } from '../lib/config-errors';
import type { PipelineEnvironment } from '../lib/pipeline';
import { checkStackPolicy, describeWarnings, PolicyViolationError, type PolicyOptions } from '../lib/policy/engine';
import type { PolicyReport } from '../lib/policy/model';
import { BootstrapStack } from './bootstrap-stack';
import { PlatformStack } from './platform-stack';

/**
 * What the app is built from: every environment's validated settings and the bootstrap settings
 * (environments/load.ts loadSettings produces it).
 */
export interface LoadedEnvironments {
  /** One platform stack each, in this order. */
  readonly environments: readonly EnvironmentConfig[];
  readonly bootstrap: BootstrapConfig;
}

export interface BuildAppOptions {
  /** Output folder. @default cdktf's default (cdktf.out, or CDKTF_OUTDIR when run by the CLI) */
  readonly outdir?: string;
}

/** What the bootstrap stack's pipeline roles need of an environment's settings. */
export function pipelineEnvironment(config: EnvironmentConfig): PipelineEnvironment {
  return { name: config.name, productionLike: config.productionLike, projectName: config.projectName, region: config.region };
}

/** Builds one stack per environment and the bootstrap stack. */
export function buildApp(settings: LoadedEnvironments, options: BuildAppOptions = {}): App {
  const app = new App(options.outdir ? { outdir: options.outdir } : {});
  for (const config of settings.environments) new PlatformStack(app, config);
  new BootstrapStack(app, settings.bootstrap, settings.environments.map(pipelineEnvironment));
  return app;
}

/** A stack that enforces the security and data-protection policy (the environments and bootstrap). */
export type PolicyCheckedStack = TerraformStack & { readonly policy: PolicyOptions };

/** The stacks of an app that enforce the policy, in order. */
export function policyCheckedStacks(app: App): PolicyCheckedStack[] {
  return app.node.children.filter((c): c is PolicyCheckedStack => c instanceof TerraformStack && 'policy' in c);
}

/** The policy report of every policy-checked stack of the app. */
export function policyReports(app: App): PolicyReport[] {
  return policyCheckedStacks(app).map((stack) => checkStackPolicy(stack, stack.policy));
}

/**
 * The files holding the refused settings, in the order reported: each environment is the file
 * environments/<environment>.ts (README, "Environments"), the bootstrap settings environments/bootstrap.ts.
 */
export function settingsFiles(error: InvalidEnvironmentsError): string {
  const files = [...new Set([...error.errors.map((e) => `environments/${e.environment}.ts`), ...error.conflicts.flatMap((c) => c.files)])];
  return files.length === 1 ? files[0] : `${files.slice(0, -1).join(', ')} and ${files[files.length - 1]}`;
}

/**
 * What synth prints when it refuses the settings, one message each: the invalid settings of every
 * environment in one message, or (when every environment is valid on its own) one sentence per
 * conflict between stacks. The pre-flight check prints the same.
 */
export function refusalMessages(error: InvalidEnvironmentsError): string[] {
  if (error.errors.length === 0) return error.conflicts.map((conflict) => `Synth refused: ${conflict.message}`);
  return [`Synth refused: invalid environment settings.\n\n${error.message}\n\nFix the values in ${settingsFiles(error)}; the rules are in environments/schema/.`];
}

export interface RunSynthOptions extends BuildAppOptions {
  /** Where messages go, one call per message. @default process.stderr */
  readonly stderr?: (line: string) => void;
}

/**
 * Loads the settings with `load` (environments/load.ts loadSettings), then builds and
 * synthesizes the app. Configuration problems and error-level policy failures of every
 * stack are printed as one plain message, without a stack trace, and give exit code 1
 * (the output folder is left as it was); policy warnings are printed and synth goes on.
 */
export function runSynth(load: () => LoadedEnvironments, options: RunSynthOptions = {}): number {
  const stderr = options.stderr ?? ((l: string) => process.stderr.write(`${l}\n`));
  try {
    const app = buildApp(load(), { outdir: options.outdir });
    const reports = policyReports(app);
    if (reports.some((r) => r.errors.length > 0)) throw new PolicyViolationError(reports);
    for (const report of reports.filter((r) => r.warnings.length > 0)) {
      stderr(`Policy warnings for stack "${report.stack}" (npm run check prints the full report):\n${describeWarnings(report).join('\n')}`);
    }
    app.synth();
    return 0;
  } catch (e) {
    if (e instanceof InvalidEnvironmentsError) {
      for (const message of refusalMessages(e)) stderr(message);
      return 1;
    }
    if (e instanceof PolicyViolationError) {
      stderr(`Synth refused: the security and data-protection policy failed.\n\n${e.message}\n\nThe rules and how to record an exception: docs/policy.md; npm run check prints the full report.`);
      return 1;
    }
    throw e;
  }
}
