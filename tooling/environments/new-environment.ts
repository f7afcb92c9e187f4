/**
 * `npm run env:new -- <name> --from <env>`: a new environment file copied from an existing one,
 * made deployable beside the others. What it changes from the source, and why:
 *  - name and projectName (names colliding with no other environment's);
 *  - network: a VPC range of the source's size overlapping no environment that may share the
 *    account (environments/load.ts vpcOverlapErrors), the subnets moved with it;
 *  - github: the new stack references the account's OIDC provider (only one stack per account
 *    creates it, D14 [two creators of the OIDC provider]); deploy subjects of the source's GitHub environment name the new one;
 *  - application: domains and CORS origins become placeholders (schema/placeholders.ts) that
 *    synth refuses until they are set;
 *  - policyExceptions: emptied; the source's are listed for the user to re-approve.
 * The result is checked with the loader against every registered environment before anything is
 * written: its only problems may be the placeholders. The file system is injected (tests run in memory).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { InvalidEnvironmentsError, loadSettings } from '../../environments/load';
import { BOOTSTRAP_NAME, EnvironmentConfigError, ENVIRONMENT_NAME, ENVIRONMENT_NAME_HELP, PLACEHOLDER, placeholder, placeholdersIn } from '../../environments/schema';
import { formatCidr, freeCidr, type Ipv4Range, parseCidr, rebase } from '../../lib/cidr';
import { nameProblems } from '../../lib/names';
import { PROJECT_ROOT } from '../../lib/project-root';

/** The files the scaffold reads and writes, by path relative to the project root. */
export interface Files {
  read(file: string): string;
  exists(file: string): boolean;
  write(file: string, content: string): void;
}

/** The project's own files. */
export function projectFiles(root: string = PROJECT_ROOT): Files {
  return {
    read: (file) => readFileSync(path.join(root, file), 'utf8'),
    exists: (file) => existsSync(path.join(root, file)),
    write: (file, content) => writeFileSync(path.join(root, file), content),
  };
}

/** A request the scaffold cannot carry out; its message says why and what to do. */
export class NewEnvironmentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NewEnvironmentError';
  }
}

export interface NewEnvironmentRequest {
  /** The new environment's name. */
  readonly name: string;
  /** The registered environment to copy. */
  readonly from: string;
  /** The project name. @default the source's, with its last dash-separated part replaced by the new name */
  readonly projectName?: string;
  /** The registered environments' raw settings. */
  readonly registry: Readonly<Record<string, unknown>>;
}

export interface PolicyException {
  readonly rule: string;
  readonly resource: string;
  readonly reason: string;
}

export interface NewEnvironment {
  readonly name: string;
  readonly from: string;
  /** The settings written, placeholders included. */
  readonly config: Record<string, any>;
  /** The dotted paths of the placeholders, with what each asks for. */
  readonly placeholders: readonly { readonly path: string; readonly value: string }[];
  /** The source's policy exceptions, not copied. */
  readonly removedExceptions: readonly PolicyException[];
  /** What the scaffold chose, by field, for the user to review. */
  readonly chosen: readonly { readonly field: string; readonly value: string; readonly why: string }[];
}

/** The registry file the scaffold adds the environment to. */
export const REGISTRY_FILE = 'environments/index.ts';

/** The file of an environment. */
export function environmentFile(name: string): string {
  return `environments/${name}.ts`;
}

/** The exported constant of an environment file: its name in camel case (`qa-eu` gives `qaEu`). */
export function identifierOf(name: string): string {
  return name.replace(/-([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

function isRecord(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Whether two stacks may deploy to the same AWS account (as environments/load.ts decides). */
function mayShareAccount(a: unknown, b: unknown): boolean {
  return !a || !b || a === b;
}

const SUBNET_LISTS = ['publicSubnetCidrs', 'privateAppSubnetCidrs', 'privateDbSubnetCidrs'] as const;

/** A network section moved to another VPC range of the same size: every subnet keeps its place inside the VPC. */
export function moveNetwork(network: Record<string, any>, vpcCidr: string): Record<string, any> {
  const from = parseCidr(network.vpcCidr);
  const to = parseCidr(vpcCidr);
  if (!from || !to || from.prefix !== to.prefix) throw new Error(`cannot move network ${String(network.vpcCidr)} to ${vpcCidr}: both must be VPC ranges of one size`);
  const moved: Record<string, any> = { ...network, vpcCidr };
  for (const list of SUBNET_LISTS) {
    const subnets = network[list] as unknown;
    if (!Array.isArray(subnets)) continue;
    moved[list] = subnets.map((s: unknown) => {
      const range = parseCidr(s);
      return range ? formatCidr(rebase(range, from, to)) : s;
    });
  }
  return moved;
}

/** The default project name: the source's with its last dash-separated part replaced (ohmycoins-staging gives ohmycoins-qa). */
export function defaultProjectName(sourceProjectName: string, name: string): string {
  const cut = sourceProjectName.lastIndexOf('-');
  return `${cut > 0 ? sourceProjectName.slice(0, cut) : sourceProjectName}-${name}`;
}

/** The new environment's settings, checked against every registered one; throws NewEnvironmentError when it cannot be made. */
export function newEnvironment(request: NewEnvironmentRequest): NewEnvironment {
  const { name, from, registry } = request;
  const known = Object.keys(registry);
  if (!ENVIRONMENT_NAME.test(name)) throw new NewEnvironmentError(`"${name}" cannot name an environment: it ${ENVIRONMENT_NAME_HELP}`);
  if (name === BOOTSTRAP_NAME) throw new NewEnvironmentError(`"${name}" is the name of the bootstrap stack; choose another name`);
  if (known.includes(name)) throw new NewEnvironmentError(`environment "${name}" exists already (${environmentFile(name)}); choose another name`);
  const source = registry[from];
  if (!isRecord(source)) throw new NewEnvironmentError(`unknown environment "${from}" to copy; the environments are ${known.join(', ')}`);

  const config: Record<string, any> = structuredClone(source);
  const chosen: { field: string; value: string; why: string }[] = [];
  config.name = name;

  config.projectName = request.projectName ?? defaultProjectName(String(source.projectName), name);
  const nameIssues = nameProblems(config.projectName as string);
  if (nameIssues.length > 0) {
    throw new NewEnvironmentError(`project name "${String(config.projectName)}" ${nameIssues[0]}; give a shorter one with --project-name`);
  }
  chosen.push({ field: 'projectName', value: String(config.projectName), why: 'the prefix of every resource name' });

  // A VPC range of the source's size that overlaps no environment that may share the account.
  const sourceRange = parseCidr(source.network?.vpcCidr);
  if (!sourceRange) throw new NewEnvironmentError(`${from}.network.vpcCidr is not a valid CIDR; fix ${environmentFile(from)} first`);
  const taken = Object.values(registry)
    .filter((e): e is Record<string, any> => isRecord(e) && mayShareAccount(e.accountId, source.accountId))
    .flatMap((e) => [parseCidr(e.network?.vpcCidr)].filter((r): r is Ipv4Range => r !== undefined));
  const free = freeCidr(taken, sourceRange.prefix);
  if (!free) throw new NewEnvironmentError(`no free /${sourceRange.prefix} VPC range is left in the private address blocks of the account`);
  config.network = moveNetwork(source.network as Record<string, any>, formatCidr(free));
  chosen.push({ field: 'network.vpcCidr', value: formatCidr(free), why: 'free in the account; the subnets moved with it' });

  // One stack per account creates the GitHub OIDC provider (D14); this one references it.
  if (isRecord(config.github)) {
    if (config.github.createOidcProvider === true) {
      config.github.createOidcProvider = false;
      chosen.push({ field: 'github.createOidcProvider', value: 'false', why: `${from} creates the account's provider; this stack references it` });
    }
    if (Array.isArray(config.github.deploySubjects)) {
      const own = new RegExp(`:environment:${from}(?=$|-)`);
      config.github.deploySubjects = (config.github.deploySubjects as unknown[]).map((s) => (typeof s === 'string' ? s.replace(own, `:environment:${name}`) : s));
      chosen.push({ field: 'github.deploySubjects', value: (config.github.deploySubjects as string[]).join(', '), why: 'who may assume the deploy role' });
    }
  }

  // What the scaffold cannot know: the environment's own addresses (examples stand in for them in the check below).
  const examples = {
    domain: `${name}.example.com`,
    backendDomain: `api.${name}.example.com`,
    frontendHost: `https://dashboard.${name}.example.com`,
    backendCorsOrigins: [`https://dashboard.${name}.example.com`],
  };
  const placeheld = {
    domain: placeholder(`the base domain of ${name}, e.g. ${examples.domain}`),
    backendDomain: placeholder(`the API host, the domain or a name under it, e.g. ${examples.backendDomain}`),
    frontendHost: placeholder(`the dashboard origin under the domain, e.g. ${examples.frontendHost}`),
    backendCorsOrigins: [placeholder('the origins the API accepts; list frontendHost among them')],
  };

  const removedExceptions = Array.isArray(source.policyExceptions) ? (source.policyExceptions as PolicyException[]) : [];
  config.policyExceptions = [];

  if (isRecord(config.application)) {
    checkBeside(name, { ...config, application: { ...config.application, ...examples } }, registry);
    Object.assign(config.application, placeheld);
  } else {
    checkBeside(name, config, registry);
  }
  const placeholders = placeholdersIn(config);
  return { name, from, config, placeholders, removedExceptions, chosen };
}

/**
 * The new environment (with examples for its placeholders) beside the registered ones, through the
 * loader: any problem (of its own, of another file, between stacks) stops the scaffold, listed.
 */
function checkBeside(name: string, config: Record<string, any>, registry: Readonly<Record<string, unknown>>): void {
  try {
    loadSettings({ environments: { ...registry, [name]: config } });
  } catch (e) {
    if (!(e instanceof InvalidEnvironmentsError)) throw e;
    const lines = [
      ...e.errors.flatMap((err) =>
        err instanceof EnvironmentConfigError ? err.problems.map((p) => `  - ${err.environment}.${p.path} = ${p.value}: ${p.message}`) : [`  - ${err.message}`],
      ),
      ...e.conflicts.map((c) => `  - ${c.message}`),
    ];
    throw new NewEnvironmentError(`${environmentFile(name)} was not written: with it, the settings would have these problems:\n${lines.join('\n')}`);
  }
}

/** Longest line of the written file before an object or list breaks over several lines. */
const LINE = 120;

function key(k: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(k) ? k : quote(k);
}

function quote(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** A value as TypeScript source, indented by `indent` spaces; objects and lists on one line when they fit. */
export function toSource(value: unknown, indent = 0): string {
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null || value === undefined) return String(value);
  const pad = ' '.repeat(indent + 2);
  const entries = Array.isArray(value)
    ? value.map((v) => toSource(v, indent + 2))
    : Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => `${key(k)}: ${toSource(v, indent + 2)}`);
  const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
  if (entries.length === 0) return `${open}${close}`;
  const inline = Array.isArray(value) ? `[${entries.join(', ')}]` : `{ ${entries.join(', ')} }`;
  if (!inline.includes('\n') && indent + inline.length + 30 <= LINE) return inline;
  return `${open}\n${entries.map((e) => `${pad}${e},`).join('\n')}\n${' '.repeat(indent)}${close}`;
}

/** The environment file. */
export function renderEnvironmentFile(env: NewEnvironment): string {
  const title = env.name.charAt(0).toUpperCase() + env.name.slice(1);
  return [
    '/**',
    ` * ${title}: created by \`npm run env:new -- ${env.name} --from ${env.from}\`. Data only; the rules are in schema/ (one file per section).`,
    ' */',
    "import type { EnvironmentConfigInput } from './schema';",
    '',
    `export const ${identifierOf(env.name)} = ${toSource(env.config)} satisfies EnvironmentConfigInput;`,
    '',
  ].join('\n');
}

/** The registry with the new environment's import and entry added (after the existing ones). */
export function addToRegistry(registry: string, name: string): string {
  const id = identifierOf(name);
  const entries = /(export const ENVIRONMENTS\b[^=]*=\s*\{)([^}]*)(\};)/.exec(registry);
  const imports = [...registry.matchAll(/^import \{ \w+ \} from '\.\/[\w-]+';$/gm)];
  if (!entries || imports.length === 0) {
    throw new NewEnvironmentError(
      `${REGISTRY_FILE} is not in the form the scaffold edits (an import per environment and "export const ENVIRONMENTS = { ... };"); ` +
        `add import { ${id} } from './${name}'; and the entry ${name === id ? id : `'${name}': ${id}`} by hand`,
    );
  }
  const entry = name === id ? id : `'${name}': ${id}`;
  const list = entries[2].trim().replace(/,$/, '');
  const withEntry = registry.replace(entries[0], `${entries[1]} ${list ? `${list}, ` : ''}${entry} ${entries[3]}`);
  const last = imports[imports.length - 1][0];
  return withEntry.replace(last, `${last}\nimport { ${id} } from './${name}';`);
}

/** Writes the environment file and registers it; returns the files written. */
export function writeEnvironment(env: NewEnvironment, files: Files): string[] {
  const file = environmentFile(env.name);
  if (files.exists(file)) throw new NewEnvironmentError(`${file} exists already; remove it or choose another name`);
  const registry = addToRegistry(files.read(REGISTRY_FILE), env.name);
  files.write(file, renderEnvironmentFile(env));
  files.write(REGISTRY_FILE, registry);
  return [file, REGISTRY_FILE];
}

/** A line cut to the report's width. */
function fit(line: string): string {
  return line.length <= LINE ? line : `${line.slice(0, LINE - 3)}...`;
}

/** What env:new prints: the verdict, what needs the user's attention, what was chosen, the next steps. */
export function renderReport(env: NewEnvironment, written: readonly string[]): string {
  const file = environmentFile(env.name);
  const width = Math.max(...env.placeholders.map((p) => p.path.length), ...env.chosen.map((c) => c.field.length)) + 2;
  const n = env.removedExceptions.length;
  return [
    `Created environment "${env.name}" from ${env.from}: ${written.join(' and ')} written.`,
    `Synth refuses it until you set its ${env.placeholders.length} placeholder${env.placeholders.length === 1 ? '' : 's'} in ${file}:`,
    ...env.placeholders.map((p) => fit(`  ${p.path.padEnd(width)}${p.value.slice(PLACEHOLDER.length + 2)}`)),
    ...(n === 0
      ? []
      : [
          `${n} policy exception${n === 1 ? '' : 's'} of ${env.from} not copied: re-approve in policyExceptions only those that hold for ${env.name}:`,
          ...env.removedExceptions.map((e) => fit(`  ${e.rule} on ${e.resource}: ${e.reason}`)),
        ]),
    'Chosen for you (review them):',
    ...env.chosen.map((c) => fit(`  ${c.field.padEnd(width)}${c.value} (${c.why})`)),
    'Next steps:',
    `  1. Set the placeholders in ${file}; review the other values copied from ${env.from}.`,
    `  2. npm run synth        refuses until every placeholder is set, naming each one`,
    `  3. npm run check        the policy report of ${env.name}: re-approve the exceptions that apply`,
    '  4. npm test             the tests and the generated docs (npm run docs) follow the registry',
    '',
  ].join('\n');
}
