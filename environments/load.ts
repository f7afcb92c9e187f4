/**
 * Loads the settings the app is built from: every environment (environments/index.ts, after
 * the OMC_* state-backend overrides of environments/overrides.ts) and the bootstrap settings
 * (environments/bootstrap.ts), validated by the schema, then checked against each other (one
 * Terraform Cloud workspace and one set of resource names per environment, one GitHub OIDC
 * provider per account, disjoint VPC ranges where accounts may be shared). Every problem is reported at once; stacks/app.ts builds the stacks
 * from the result and never reads environments/ itself.
 */
import type { App } from 'cdktf';
import { GITHUB_OIDC_HOST } from '../constructs/iam';
import { cidrsOverlap, formatCidr, freeCidr, type Ipv4Range, parseCidr } from '../lib/cidr';
import { InvalidEnvironmentsError, type StackConflict } from '../lib/config-errors';
import { NAME_RULES, sharedNames } from '../lib/names';
import { buildApp, type LoadedEnvironments } from '../stacks/app';
import { cloudWorkspaceKey } from '../stacks/state-backend';
import { bootstrap } from './bootstrap';
import { ENVIRONMENTS } from './index';
import { applyStateBackendOverrides } from './overrides';
import { BOOTSTRAP_NAME, BootstrapConfig, EnvironmentConfig, EnvironmentConfigError, validateBootstrapConfig, validateEnvironmentConfig } from './schema';
import { environmentFields } from './schema/environment-fields';
import { githubSchema } from './schema/github';
import { networkSchema } from './schema/network';

export { InvalidEnvironmentsError, type StackConflict };

export interface LoadOptions {
  /** Raw environment settings by name. @default the registry in environments/index.ts */
  readonly environments?: Readonly<Record<string, unknown>>;
  /** Raw bootstrap settings. @default environments/bootstrap.ts */
  readonly bootstrap?: unknown;
  /** Variables read for the state-backend overrides (OMC_STATE_BACKEND, OMC_TFC_*). @default process.env */
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * What the checks across environments read of one environment. A valid environment gives all of
 * it; an invalid one every field that is valid on its own, so that its problems across
 * environments come in the same message as its own (a check skips an environment lacking a field
 * it reads).
 */
export interface CrossView {
  readonly name: string;
  readonly accountId?: string;
  readonly region?: string;
  readonly projectName?: string;
  readonly stateBackend?: EnvironmentConfig['stateBackend'];
  readonly network?: { readonly vpcCidr: string };
  readonly github?: { readonly createOidcProvider: boolean };
}

/** The fields of CrossView that are valid on their own in raw settings; undefined when the account cannot be told. */
function crossViewOfInvalid(name: string, raw: unknown): CrossView | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const r = raw as Record<string, any>;
  const fields = environmentFields.shape;
  const valid = <T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } }, value: unknown): T | undefined => {
    const result = schema.safeParse(value);
    return result.success ? result.data : undefined;
  };
  const accountId = r.accountId === undefined ? undefined : valid(fields.accountId, r.accountId);
  if (r.accountId !== undefined && accountId === undefined) return undefined;
  const vpcCidr = valid(networkSchema.shape.vpcCidr, r.network?.vpcCidr);
  const createOidcProvider = valid(githubSchema.shape.createOidcProvider, r.github?.createOidcProvider);
  return {
    name,
    accountId,
    region: valid(fields.region, r.region),
    projectName: valid(fields.projectName, r.projectName),
    stateBackend: valid(fields.stateBackend, r.stateBackend),
    network: vpcCidr === undefined ? undefined : { vpcCidr },
    github: createOidcProvider === undefined ? undefined : { createOidcProvider },
  };
}

/** The views that have the fields a check reads. */
function having<K extends keyof CrossView>(views: readonly CrossView[], ...keys: K[]): (CrossView & Required<Pick<CrossView, K>>)[] {
  return views.filter((v): v is CrossView & Required<Pick<CrossView, K>> => keys.every((k) => v[k] !== undefined));
}

/** Whether two stacks may deploy to the same AWS account: the same `accountId`, or either without one. */
function mayShareAccount(a: string | undefined, b: string | undefined): boolean {
  return !a || !b || a === b;
}

/** Why two stacks may share an account, for messages. */
function whyMayShare(a: string | undefined, b: string | undefined): string {
  return a && b ? `both set accountId ${a}` : a || b ? 'one of them sets no accountId' : 'neither sets accountId';
}

/**
 * IAM allows one GitHub OIDC provider per account (D14 [two creators of the OIDC provider]): every pair of creators that may share an
 * account (same `accountId`, or either without one) is a conflict. The bootstrap settings take part
 * when they are valid.
 */
export function oidcProviderConflicts(bootstrapConfig: BootstrapConfig | undefined, environments: readonly CrossView[]): StackConflict[] {
  const creators = [
    ...(bootstrapConfig?.github.createOidcProvider ? [{ name: BOOTSTRAP_NAME, accountId: bootstrapConfig.accountId }] : []),
    ...having(environments, 'github').filter((e) => e.github.createOidcProvider).map((e) => ({ name: e.name, accountId: e.accountId })),
  ];
  const where = (c: (typeof creators)[number]) => `${c.name} (environments/${c.name}.ts github.createOidcProvider${c.accountId ? `, account ${c.accountId}` : ''})`;
  return creators.flatMap((a, i) =>
    creators
      .slice(i + 1)
      .filter((b) => mayShareAccount(a.accountId, b.accountId))
      .map((b) => ({
        files: [`environments/${a.name}.ts`, `environments/${b.name}.ts`],
        message:
          `the GitHub OIDC provider https://${GITHUB_OIDC_HOST} would be created by more than one stack in the same AWS account: ` +
          `${where(a)} and ${where(b)}. IAM allows one provider per URL per account (D14): set github.createOidcProvider to true in exactly ` +
          'one of them and false in the others (they reference its ARN), or give them different accountId values.',
      })),
  );
}

/** No environment may take the bootstrap stack's name: both would be the stack of that name. */
function bootstrapNameConflicts(names: readonly string[]): StackConflict[] {
  return names.includes(BOOTSTRAP_NAME)
    ? [{ files: [`environments/${BOOTSTRAP_NAME}.ts`], message: `"${BOOTSTRAP_NAME}" is the name of the bootstrap stack; rename that environment.` }]
    : [];
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
function sharedWorkspaceErrors(views: readonly CrossView[]): EnvironmentConfigError[] {
  const owners = new Map<string, string>();
  return having(views, 'stateBackend').flatMap((config) => {
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
export function nameConflictErrors(views: readonly CrossView[]): EnvironmentConfigError[] {
  const configs = having(views, 'projectName', 'region');
  return configs.flatMap((b, j) =>
    configs.slice(0, j).flatMap((a) => {
      if (!mayShareAccount(a.accountId, b.accountId)) return [];
      const sameRegion = a.region === b.region;
      const shared = sharedNames(a.projectName, b.projectName, sameRegion);
      if (shared.length === 0) return [];
      const why = whyMayShare(a.accountId, b.accountId);
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
 * Two environments that may share an account (see mayShareAccount) must not have overlapping VPC
 * ranges: peering, a transit gateway or a VPN between them (or to the office) needs disjoint
 * addresses, and the overlap cannot be undone without replacing a VPC. Reported on the later
 * environment's network.vpcCidr, with a range that is free.
 */
export function vpcOverlapErrors(views: readonly CrossView[]): EnvironmentConfigError[] {
  const configs = having(views, 'network');
  const ranges = configs.map((c) => parseCidr(c.network.vpcCidr) as Ipv4Range);
  return configs.flatMap((b, j) => {
    const clashes = configs.slice(0, j).filter((a, i) => mayShareAccount(a.accountId, b.accountId) && cidrsOverlap(ranges[i], ranges[j]));
    if (clashes.length === 0) return [];
    const taken = ranges.filter((_, i) => i !== j && mayShareAccount(configs[i].accountId, b.accountId));
    const free = freeCidr(taken, ranges[j].prefix);
    const listed = clashes.map((a) => `environment "${a.name}" (${a.network.vpcCidr}; ${whyMayShare(a.accountId, b.accountId)})`);
    return [
      new EnvironmentConfigError(b.name, [
        {
          path: 'network.vpcCidr',
          value: JSON.stringify(b.network.vpcCidr),
          message:
            `must not overlap the VPC range of an environment that may share its AWS account: ${listed.join(', ')}; ` +
            `peering and shared routes need disjoint ranges. Use a free range${free ? `, e.g. ${formatCidr(free)} (move the subnets with it)` : ''}, ` +
            'or set different accountId values if they deploy to different accounts',
        },
      ]),
    ];
  });
}

/** The errors merged into one per environment, in the order each environment first appears. */
function byEnvironment(errors: readonly EnvironmentConfigError[]): EnvironmentConfigError[] {
  const merged = new Map<string, EnvironmentConfigError>();
  for (const e of errors) {
    const before = merged.get(e.environment);
    merged.set(e.environment, before ? new EnvironmentConfigError(e.environment, [...before.problems, ...e.problems]) : e);
  }
  return [...merged.values()];
}

/**
 * Validates every environment and the bootstrap settings (reporting all problems at once), then
 * the rules between them.
 *
 * @throws InvalidEnvironmentsError listing every invalid setting of every environment, the
 *   problems across environments and the stacks that cannot be deployed together, all at once
 */
export function loadSettings(options: LoadOptions = {}): LoadedEnvironments {
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
  const views: CrossView[] = [];
  const configs = Object.entries(raw).flatMap(([name, value]) => {
    const valid = collect(() => validateWithOverrides(name, value, env));
    const view = valid.length > 0 ? valid[0] : crossViewOfInvalid(name, applyStateBackendOverrides(name, value, env).raw);
    if (view) views.push(view);
    return valid;
  });
  const [bootstrapConfig] = collect(() => validateBootstrapConfig(options.bootstrap ?? bootstrap));
  // The checks across environments, reported with every file's own problems (one block per environment).
  errors.push(...sharedWorkspaceErrors(views), ...nameConflictErrors(views), ...vpcOverlapErrors(views));
  const conflicts = [...bootstrapNameConflicts(Object.keys(raw)), ...oidcProviderConflicts(bootstrapConfig, views)];
  if (errors.length > 0 || conflicts.length > 0) throw new InvalidEnvironmentsError(byEnvironment(errors), conflicts);
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
