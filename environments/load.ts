/**
 * Loads the settings the app is built from: every environment (environments/index.ts, after
 * the OMC_* state-backend overrides of environments/overrides.ts) and the bootstrap settings
 * (environments/bootstrap.ts), validated by the schema, then checked against each other (one
 * Terraform Cloud workspace and one set of resource names per environment, one GitHub OIDC
 * provider per account). Every problem is reported at once; stacks/app.ts builds the stacks
 * from the result and never reads environments/ itself.
 */
import type { App } from 'cdktf';
import { GITHUB_OIDC_HOST } from '../constructs/iam';
import { InvalidEnvironmentsError, StackConflictError } from '../lib/config-errors';
import { NAME_RULES, sharedNames } from '../lib/names';
import { type AppSettings, buildApp } from '../stacks/app';
import { cloudWorkspaceKey } from '../stacks/state-backend';
import { bootstrap } from './bootstrap';
import { ENVIRONMENTS } from './index';
import { applyStateBackendOverrides } from './overrides';
import { BOOTSTRAP_NAME, BootstrapConfig, EnvironmentConfig, EnvironmentConfigError, validateBootstrapConfig, validateEnvironmentConfig } from './schema';

export { InvalidEnvironmentsError, StackConflictError };

export interface LoadOptions {
  /** Raw environment settings by name. @default the registry in environments/index.ts */
  readonly environments?: Readonly<Record<string, unknown>>;
  /** Raw bootstrap settings. @default environments/bootstrap.ts */
  readonly bootstrap?: unknown;
  /** Variables read for the state-backend overrides (OMC_STATE_BACKEND, OMC_TFC_*). @default process.env */
  readonly env?: NodeJS.ProcessEnv;
}

/** The validated settings: what stacks/app.ts builds from (`extends` makes tsc check that they fit). */
export interface LoadedSettings extends AppSettings {
  readonly environments: readonly EnvironmentConfig[];
  readonly bootstrap: BootstrapConfig;
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

/**
 * Validates every environment and the bootstrap settings (reporting all problems at once), then
 * the rules between them.
 *
 * @throws InvalidEnvironmentsError listing every invalid setting of every environment
 * @throws StackConflictError when the stacks are each valid but cannot be deployed together
 */
export function loadSettings(options: LoadOptions = {}): LoadedSettings {
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
  return { environments: configs, bootstrap: bootstrapConfig };
}

export interface ConfiguredAppOptions extends LoadOptions {
  /** Output folder. @default cdktf's default (cdktf.out, or CDKTF_OUTDIR when run by the CLI) */
  readonly outdir?: string;
}

/** Loads the settings and builds the app from them, in one call (for the npm commands and tests). */
export function buildConfiguredApp(options: ConfiguredAppOptions = {}): App {
  return buildApp(loadSettings(options), { outdir: options.outdir });
}
