/**
 * Builds the cdktf App from the environment registry and the bootstrap settings. Kept
 * apart from main.ts so tests can build stacks in memory and check how errors are reported.
 */
import { App, TerraformStack } from 'cdktf';
import { GITHUB_OIDC_HOST } from '../constructs/iam';
import { ENVIRONMENTS } from '../environments';
import { bootstrap } from '../environments/bootstrap';
import { BOOTSTRAP_NAME, BootstrapConfig, EnvironmentConfig, EnvironmentConfigError, validateBootstrapConfig, validateEnvironmentConfig } from '../environments/schema';
import { BootstrapStack } from './bootstrap-stack';
import { NAME_RULES, sharedNames } from '../lib/names';
import { PlatformStack } from './platform-stack';
import { checkStackPolicy, describeWarnings, PolicyViolationError, type PolicyOptions } from '../lib/policy/engine';
import type { PolicyReport } from '../lib/policy/model';
import { applyStateBackendOverrides, cloudWorkspaceKey } from './state-backend';

export interface BuildAppOptions {
  /** Raw environment settings by name. @default the registry in environments/index.ts */
  readonly environments?: Readonly<Record<string, unknown>>;
  /** Raw bootstrap settings. @default environments/bootstrap.ts */
  readonly bootstrap?: unknown;
  /** Output folder. @default cdktf's default (cdktf.out, or CDKTF_OUTDIR when run by the CLI) */
  readonly outdir?: string;
  /** Variables read for the state-backend overrides (OMC_STATE_BACKEND, OMC_TFC_*). @default process.env */
  readonly env?: NodeJS.ProcessEnv;
}

/** Thrown when one or more environments are invalid; lists every problem of every environment. */
export class InvalidEnvironmentsError extends Error {
  constructor(readonly errors: readonly EnvironmentConfigError[]) {
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

/** Whether two stacks may deploy to the same AWS account: the same `accountId`, or either without one. */
function mayShareAccount(a: string | undefined, b: string | undefined): boolean {
  return !a || !b || a === b;
}

/**
 * IAM allows one GitHub OIDC provider per account (D14): refuses two creators that may share
 * an account (same `accountId`, or either without one).
 */
export function checkOidcProviderOwnership(bootstrapConfig: BootstrapConfig, environments: readonly EnvironmentConfig[]): void {
  const creators = [
    ...(bootstrapConfig.github.createOidcProvider ? [{ name: BOOTSTRAP_NAME, accountId: bootstrapConfig.accountId }] : []),
    ...environments.filter((e) => e.github.createOidcProvider).map((e) => ({ name: e.name, accountId: e.accountId })),
  ];
  const clash = creators.flatMap((a, i) =>
    creators.slice(i + 1).filter((b) => mayShareAccount(a.accountId, b.accountId)).map((b) => [a, b] as const),
  );
  if (clash.length === 0) return;
  const [a, b] = clash[0];
  const where = (c: (typeof creators)[number]) => `${c.name} (environments/${c.name}.ts github.createOidcProvider${c.accountId ? `, account ${c.accountId}` : ''})`;
  throw new StackConflictError(
    `the GitHub OIDC provider https://${GITHUB_OIDC_HOST} would be created by more than one stack in the same AWS account: ` +
      `${where(a)} and ${where(b)}. IAM allows one provider per URL per account (D14): set github.createOidcProvider to true in exactly ` +
      'one of them and false in the others (they reference its ARN), or give them different accountId values.',
  );
}

/**
 * Validates one environment after the state-backend overrides; a problem in a field that an
 * OMC_* variable set names that variable.
 */
function validateWithOverrides(name: string, value: unknown, env: NodeJS.ProcessEnv): EnvironmentConfig {
  const { raw, notes } = applyStateBackendOverrides(name, value, env);
  try {
    return validateEnvironmentConfig(name, raw);
  } catch (e) {
    if (!(e instanceof EnvironmentConfigError) || Object.keys(notes).length === 0) throw e;
    throw new EnvironmentConfigError(
      name,
      e.problems.map((p) => (notes[p.path] ? { ...p, message: `${p.message} (${notes[p.path]})` } : p)),
    );
  }
}

/** Two environments must not share one Terraform Cloud workspace: they would overwrite each other's state. */
function sharedWorkspaceErrors(configs: readonly EnvironmentConfig[]): EnvironmentConfigError[] {
  const owners = new Map<string, string>();
  return configs.flatMap((config) => {
    const key = cloudWorkspaceKey(config.stateBackend);
    if (key === undefined) return [];
    const owner = owners.get(key);
    if (owner === undefined) {
      owners.set(key, config.name);
      return [];
    }
    return [
      new EnvironmentConfigError(config.name, [
        {
          path: 'stateBackend.workspace.name',
          value: JSON.stringify(key.split('/').pop()),
          message: `must differ from every other environment's workspace: "${owner}" already uses ${key} (give each environment its own, e.g. OMC_TFC_WORKSPACE=ohmycoins-{environment})`,
        },
      ]),
    ];
  });
}

/** How many colliding names a message lists before "and N more". */
const LISTED_NAMES = 6;

/**
 * Two environments that may share an account (see mayShareAccount) must not create the same
 * account-wide name (IAM roles and policies, dashboards) nor, in one region, the same regional
 * name (load balancer, target groups, RDS and ElastiCache ids, log groups, secrets, ...): the
 * second apply would fail on each. Reported on the later environment's projectName.
 */
export function nameConflictErrors(configs: readonly EnvironmentConfig[]): EnvironmentConfigError[] {
  return configs.flatMap((b, j) =>
    configs.slice(0, j).flatMap((a) => {
      if (!mayShareAccount(a.accountId, b.accountId)) return [];
      const sameRegion = a.region === b.region;
      const shared = sharedNames(a.projectName, b.projectName, sameRegion);
      if (shared.length === 0) return [];
      const why = a.accountId && b.accountId ? `both set accountId ${a.accountId}` : a.accountId || b.accountId ? 'one of them sets no accountId' : 'neither sets accountId';
      const where = `${sameRegion ? `the same account and region (${a.region})` : 'the same account'}, which they may share (${why})`;
      const listed = shared.slice(0, LISTED_NAMES).map((r) => `${NAME_RULES[r.kind].what} "${r.name}"`);
      const more = shared.length > LISTED_NAMES ? ` and ${shared.length - LISTED_NAMES} more` : '';
      return [
        new EnvironmentConfigError(b.name, [
          {
            path: 'projectName',
            value: JSON.stringify(b.projectName),
            message:
              `gives names that environment "${a.name}" (projectName "${a.projectName}") also creates in ${where}: ${listed.join(', ')}${more}; ` +
              'AWS refuses the second create. Use another projectName, or set different accountId values if they deploy to different accounts',
          },
        ]),
      ];
    }),
  );
}

/** Validates every environment and the bootstrap settings first (reporting all problems at once), then builds one stack each. */
export function buildApp(options: BuildAppOptions = {}): App {
  const raw = options.environments ?? ENVIRONMENTS;
  const env = options.env ?? process.env;
  const errors: EnvironmentConfigError[] = [];
  const collect = <T>(validate: () => T): T[] => {
    try {
      return [validate()];
    } catch (e) {
      if (e instanceof EnvironmentConfigError) {
        errors.push(e);
        return [];
      }
      throw e;
    }
  };
  const configs = Object.entries(raw).flatMap(([name, value]) => collect(() => validateWithOverrides(name, value, env)));
  const [bootstrapConfig] = collect(() => validateBootstrapConfig(options.bootstrap ?? bootstrap));
  errors.push(...sharedWorkspaceErrors(configs), ...nameConflictErrors(configs));
  if (errors.length > 0) throw new InvalidEnvironmentsError(errors);
  if (BOOTSTRAP_NAME in raw) {
    throw new StackConflictError(`"${BOOTSTRAP_NAME}" is the name of the bootstrap stack; rename that environment.`);
  }
  checkOidcProviderOwnership(bootstrapConfig, configs);

  const app = new App(options.outdir ? { outdir: options.outdir } : {});
  for (const config of configs) new PlatformStack(app, config);
  new BootstrapStack(app, bootstrapConfig);
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
      stderr(`Synth refused: invalid environment settings.\n\n${e.message}\n\nFix the values in environments/<name>.ts; the rules are in environments/schema/.`);
      return 1;
    }
    if (e instanceof StackConflictError) {
      stderr(`Synth refused: ${e.message}`);
      return 1;
    }
    if (e instanceof PolicyViolationError) {
      stderr(`Synth refused: the security and data-protection policy failed.\n\n${e.message}\n\nThe rules and how to record an exception: README.md, "Policy checks"; npm run check prints the full report.`);
      return 1;
    }
    throw e;
  }
}
