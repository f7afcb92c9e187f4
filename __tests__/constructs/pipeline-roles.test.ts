/**
 * Proof by simulation: every request of __tests__/fixtures/pipeline-access/requests.yaml is evaluated with
 * a real IAM policy evaluator, @cloud-copilot/iam-simulate (AGPL-3.0; a devDependency used by this
 * test only, never shipped or run by the app), against the synthesized bootstrap stack: the
 * pipeline roles' trust policies and policies, the apply roles' permissions boundary, the state
 * bucket policy and the state keys' key policies. docs/ci.md, "Proof by simulation".
 *
 * Terraform references in the synthesized JSON (`${aws_iam_role.x.arn}`, `${local.account_id}`)
 * are resolved to the ARNs AWS would give them in a test account.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createValidatedPolicy } from '@cloud-copilot/iam-policy';
import { runSimulation, runUnsafeSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import { parse } from 'yaml';
import { GITHUB_OIDC_HOST } from '../../constructs/iam';
import { loadSettings } from '../../environments/load';
import { PIPELINE_ROLE_KINDS, pipelineRoleName, type PipelineRoleKind } from '../../lib/pipeline';
import { pipelineEnvironment } from '../../stacks/app';
import { STATE_BACKEND, stateKey } from '../../stacks/state-backend';
import { synthesizedStacks } from '../support/helpers';
import { FIXTURES_DIR } from '../support/paths';

const ACCOUNT = '123456789012';
const REGION = STATE_BACKEND.region;
const PROVIDER_ARN = `arn:aws:iam::${ACCOUNT}:oidc-provider/${GITHUB_OIDC_HOST}`;
type Policy = { Version: string; Statement: Record<string, unknown>[] };
type Decision = 'allow' | 'implicit-deny' | 'explicit-deny';
type Expectation = 'allow' | 'deny' | 'explicit-deny';

interface Row {
  why: string;
  principal: string;
  action: string;
  resource: string;
  context?: Record<string, string>;
  expect: Expectation;
}
interface Table {
  principals: Record<string, { why: string; arn: string; policy: Policy }>;
  requests: Row[];
}

const TABLE_FILE = path.join(FIXTURES_DIR, 'pipeline-access', 'requests.yaml');
const table = parse(readFileSync(TABLE_FILE, 'utf8')) as Table;
const settings = loadSettings();
const environments = settings.environments.map(pipelineEnvironment);
const { repository, pullRequestPlans } = settings.bootstrap.pipeline;

/** The synthesized bootstrap stack, its references resolved, as the policies IAM would evaluate. */
function accessModel(json: Record<string, any>) {
  const resources = json.resource as Record<string, Record<string, any>>;
  const arnOf = (type: string, id: string): string => {
    const r = resources[type]?.[id];
    if (!r) throw new Error(`no ${type}.${id} in the bootstrap stack`);
    switch (type) {
      case 'aws_iam_role':
        return `arn:aws:iam::${ACCOUNT}:role/${r.name}`;
      case 'aws_iam_policy':
        return `arn:aws:iam::${ACCOUNT}:policy/${r.name}`;
      case 'aws_kms_key':
        return `arn:aws:kms:${REGION}:${ACCOUNT}:key/${id}`;
      case 'aws_s3_bucket':
        return `arn:aws:s3:::${r.bucket}`;
      case 'aws_dynamodb_table':
        return `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${r.name}`;
      default:
        throw new Error(`no ARN rule for ${type}`);
    }
  };
  const resolve = (text: string): string =>
    text.replace(/\$\{([^}]+)\}/g, (_, ref: string) => {
      if (ref === 'local.account_id') return ACCOUNT;
      const [type, id, attribute] = ref.split('.');
      if (attribute === 'arn') return arnOf(type, id);
      if (type === 'aws_iam_role' && (attribute === 'id' || attribute === 'name')) return resources[type][id].name;
      throw new Error(`cannot resolve \${${ref}} in the bootstrap stack`);
    });
  const policy = (text: string): Policy => JSON.parse(resolve(text)) as Policy;

  const roles = new Map<string, { arn: string; trust: Policy; policies: Policy[]; boundary?: Policy }>();
  const managed = new Map(Object.entries(resources.aws_iam_policy ?? {}).map(([id, p]) => [arnOf('aws_iam_policy', id), policy(p.policy)]));
  for (const [id, role] of Object.entries(resources.aws_iam_role ?? {})) {
    const inline = Object.values(resources.aws_iam_role_policy ?? {}).filter((p) => resolve(p.role) === role.name);
    const boundary = role.permissions_boundary ? managed.get(resolve(role.permissions_boundary)) : undefined;
    if (role.permissions_boundary && !boundary) throw new Error(`the boundary of ${role.name} is not in the stack`);
    roles.set(role.name, { arn: arnOf('aws_iam_role', id), trust: policy(role.assume_role_policy), policies: inline.map((p) => policy(p.policy)), boundary });
  }
  // A key without a policy gets the default key policy: the account's IAM policies decide.
  const defaultKeyPolicy: Policy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' }] };
  const keys = new Map(Object.entries(resources.aws_kms_key ?? {}).map(([id, k]) => [id, { arn: arnOf('aws_kms_key', id), policy: k.policy ? policy(k.policy) : defaultKeyPolicy }]));
  const bucketPolicy = policy(Object.values(resources.aws_s3_bucket_policy)[0].policy);
  const [lockTableId] = Object.keys(resources.aws_dynamodb_table);
  return { roles, keys, bucketPolicy, bucketArn: arnOf('aws_s3_bucket', 'bootstrap_state'), lockTableArn: arnOf('aws_dynamodb_table', lockTableId) };
}
type AccessModel = ReturnType<typeof accessModel>;

/** One row for one choice of environments: placeholders replaced. */
interface Case {
  readonly row: number;
  readonly label: string;
  readonly request: Row;
  readonly project: string;
}

const PLACEHOLDERS = { env: () => environments, prodlike: () => environments.filter((e) => e.productionLike), nonprod: () => (pullRequestPlans ? environments.filter((e) => !e.productionLike) : []) };

/** Expands a row over the registry: its first placeholder's environments, and `<other>` over the rest. */
export function expand(row: Row, index: number): Case[] {
  const text = JSON.stringify(row);
  const first = (Object.keys(PLACEHOLDERS) as (keyof typeof PLACEHOLDERS)[])
    .map((p) => ({ p, at: text.indexOf(`<${p}>`) }))
    .filter((x) => x.at >= 0)
    .sort((a, b) => a.at - b.at)[0];
  const primaries = first ? PLACEHOLDERS[first.p]() : [undefined];
  return primaries.flatMap((primary) => {
    const others = /<other(project)?>/.test(text) ? environments.filter((e) => e.name !== primary?.name) : [undefined];
    return others.map((other) => {
      let filled = text.replace(/<account>/g, ACCOUNT).replace(/<region>/g, REGION);
      if (primary) filled = filled.replace(new RegExp(`<${first.p}>`, 'g'), primary.name).replace(/<project>/g, primary.projectName);
      if (other) filled = filled.replace(/<otherproject>/g, other.projectName).replace(/<other>/g, other.name);
      const request = JSON.parse(filled) as Row;
      const label = `#${index + 1} ${request.why} [${[primary?.name, other?.name].filter(Boolean).join(' vs ')}]: ${request.principal} ${request.action} ${request.resource}`;
      return { row: index, label, request, project: primary?.projectName ?? '' };
    });
  });
}

function resourceOf(spec: string, model: AccessModel): { arn: string; policy?: Policy } {
  const [kind, env, roleKind] = spec.split(' ');
  switch (kind) {
    case 'role':
      return { arn: roleOf(env, roleKind, model).arn, policy: roleOf(env, roleKind, model).trust };
    case 'state':
      return { arn: `${model.bucketArn}/${stateKey(env)}`, policy: model.bucketPolicy };
    case 'bucket':
      return { arn: model.bucketArn, policy: model.bucketPolicy };
    case 'key':
      return { arn: keyOf(`bootstrap_pipeline_${env.replace(/-/g, '_')}_state`, model).arn, policy: keyOf(`bootstrap_pipeline_${env.replace(/-/g, '_')}_state`, model).policy };
    case 'legacy-key':
      return keyOf('bootstrap_state', model);
    case 'locks':
      return { arn: model.lockTableArn };
    default:
      if (spec === '*' || spec.startsWith('arn:')) return { arn: spec };
      throw new Error(`unknown resource "${spec}" (see the header of ${TABLE_FILE})`);
  }
}

function roleOf(env: string, kind: string, model: AccessModel) {
  if (!PIPELINE_ROLE_KINDS.includes(kind as PipelineRoleKind)) throw new Error(`unknown role kind "${kind}"`);
  const role = model.roles.get(pipelineRoleName(env, kind as PipelineRoleKind));
  if (!role) throw new Error(`the bootstrap stack has no ${kind} role for ${env}`);
  return role;
}

function keyOf(id: string, model: AccessModel) {
  const key = model.keys.get(id);
  if (!key) throw new Error(`the bootstrap stack has no aws_kms_key.${id}`);
  return key;
}

/** The simulation of a request: who asks (with their policies), for what, on which resource (with its policy). */
function simulationOf(request: Row, model: AccessModel): Simulation {
  const resource = resourceOf(request.resource, model);
  const contextValue = (v: string) => (v.startsWith('@') ? resourceOf(v.slice(1), model).arn : v);
  const context = Object.fromEntries(Object.entries(request.context ?? {}).map(([k, v]) => [k, contextValue(v)]));
  const base = { serviceControlPolicies: [], resourceControlPolicies: [], resourcePolicy: resource.policy };
  const target = { resource: resource.arn, accountId: ACCOUNT };
  const [kind, env, roleKind] = request.principal.split(' ');
  if (kind === 'token') {
    const subject = `repo:${repository}:${request.principal.slice('token '.length)}`;
    return {
      ...base,
      identityPolicies: [],
      request: { principal: PROVIDER_ARN, action: request.action, resource: target, contextVariables: { ...context, [`${GITHUB_OIDC_HOST}:sub`]: subject, [`${GITHUB_OIDC_HOST}:aud`]: 'sts.amazonaws.com' } },
    };
  }
  const named = table.principals[request.principal];
  const who =
    kind === 'role'
      ? roleOf(env, roleKind, model)
      : named
        ? { arn: named.arn.replace('<account>', ACCOUNT), policies: [named.policy], boundary: undefined }
        : (() => {
            throw new Error(`unknown principal "${request.principal}" (see the header of ${TABLE_FILE})`);
          })();
  return {
    ...base,
    identityPolicies: who.policies.map((policy, i) => ({ name: `policy${i + 1}`, policy })),
    permissionBoundaryPolicies: who.boundary ? [{ name: 'boundary', policy: who.boundary }] : undefined,
    request: {
      principal: who.arn,
      action: request.action,
      resource: target,
      contextVariables: { 'aws:PrincipalArn': who.arn, 'aws:PrincipalAccount': ACCOUNT, 'aws:SecureTransport': 'true', ...context },
    },
  };
}

const DECISIONS: Record<string, Decision> = { Allowed: 'allow', ImplicitlyDenied: 'implicit-deny', ExplicitlyDenied: 'explicit-deny' };
/**
 * Condition keys IAM documents but the simulator's catalogue does not list for the actions below:
 * GitHub's `sub` and `aud` for AssumeRoleWithWebIdentity, and KMS encryption-context keys
 * (`kms:EncryptionContext:aws:s3:arn`, which S3 sets).
 */
const CATALOGUE_GAPS = [new RegExp(`^${GITHUB_OIDC_HOST.replace(/\./g, '\\.')}:(sub|aud)$`), /^kms:EncryptionContext:.+$/];

/**
 * Evaluates a simulation. The simulator validates every policy, action, resource and context key,
 * and drops context keys its catalogue does not list for the action. Only for the CATALOGUE_GAPS
 * is the (already validated) request evaluated again with every context key kept; any other
 * dropped key is an error in the table.
 */
export async function evaluate(simulation: Simulation): Promise<Decision> {
  const response = await runSimulation(simulation, {});
  if (response.resultType === 'error') throw new Error(`the simulator refused the request: ${JSON.stringify(response.errors)}`);
  const ignored = response.resultType === 'single' ? response.result.ignoredContextKeys ?? [] : response.results.flatMap((r) => r.ignoredContextKeys ?? []);
  if (ignored.length === 0) return DECISIONS[response.overallResult];
  const other = ignored.filter((k) => !CATALOGUE_GAPS.some((gap) => gap.test(k)));
  if (other.length > 0) throw new Error(`context keys ${other.join(', ')} do not apply to ${simulation.request.action}`);
  // Validated above; the wrapper gives the resource policy the name the unvalidated path needs.
  const resourcePolicy = simulation.resourcePolicy ? createValidatedPolicy(simulation.resourcePolicy, () => [], { name: 'resource' }) : undefined;
  return DECISIONS[runUnsafeSimulation({ ...simulation, resourcePolicy }, {}) as unknown as string];
}

const matches = (expect: Expectation, decision: Decision) => (expect === 'deny' ? decision !== 'allow' : expect === decision);

const model = accessModel(synthesizedStacks().get('bootstrap') as Record<string, any>);
const cases = table.requests.flatMap(expand);

describe('the request table', () => {
  it('has at least 20 requests, each with a reason, evaluated for the environments of the registry', () => {
    expect(table.requests.length).toBeGreaterThanOrEqual(20);
    for (const row of table.requests) {
      expect(Object.keys(row).filter((k) => !['why', 'principal', 'action', 'resource', 'context', 'expect'].includes(k))).toEqual([]);
      expect(['allow', 'deny', 'explicit-deny']).toContain(row.expect);
      expect(row.why.length).toBeGreaterThan(10);
    }
    // Every row that names no production-like-only or pull-request-only placeholder runs for every environment.
    const everyEnvironment = table.requests.filter((r) => JSON.stringify(r).includes('<env>') && !/<(prodlike|nonprod)>/.test(JSON.stringify(r)));
    for (const row of everyEnvironment) expect(cases.filter((c) => c.request.why === row.why).length).toBeGreaterThanOrEqual(environments.length);
    expect(cases.length).toBeGreaterThanOrEqual(table.requests.length);
  });

  it('covers every role of every environment', () => {
    const named = new Set(cases.flatMap((c) => [c.request.principal, c.request.resource]).filter((s) => s.startsWith('role ')));
    const roles = [...model.roles.keys()].filter((name) => name.startsWith('ohmycoins-pipeline-'));
    const expected = environments.flatMap((e) => PIPELINE_ROLE_KINDS.filter((k) => model.roles.has(pipelineRoleName(e.name, k))).map((k) => `role ${e.name} ${k}`));
    expect(expected.length).toBe(roles.length);
    expect(expected.filter((r) => !named.has(r))).toEqual([]);
  });
});

describe('pipeline access, simulated', () => {
  it.each(cases.map((c) => [c.label, c] as const))('%s', async (_, c) => {
    const decision = await evaluate(simulationOf(c.request, model));
    expect({ request: c.label, decision, expected: matches(c.request.expect, decision) ? decision : c.request.expect }).toEqual({ request: c.label, decision, expected: decision });
  });
});

describe('the simulation can fail (controls)', () => {
  const production = environments.find((e) => e.productionLike) ?? environments[0];
  const unrelatedRead: Row = { why: 'control', principal: 'unrelated-reader', action: 's3:GetObject', resource: `state ${production.name}`, expect: 'explicit-deny' };

  it('without the bucket policy, the unrelated role with s3:GetObject on * would read the state', async () => {
    expect(await evaluate(simulationOf(unrelatedRead, model))).toBe('explicit-deny');
    const open = { ...model, bucketPolicy: { Version: '2012-10-17', Statement: model.bucketPolicy.Statement.filter((s) => s.Sid === 'DenyInsecureTransport') } };
    expect(await evaluate(simulationOf(unrelatedRead, open))).toBe('allow');
  });

  it('a trust policy with another subject lets a pull request in (the GitHub subject is really compared)', async () => {
    const apply = roleOf(production.name, 'apply', model);
    const request: Row = { why: 'control', principal: 'token pull_request', action: 'sts:AssumeRoleWithWebIdentity', resource: `role ${production.name} apply`, expect: 'deny' };
    expect(await evaluate(simulationOf(request, model))).toBe('implicit-deny');
    const loosened = JSON.parse(JSON.stringify(apply.trust).replace(/environment:[^"]+/, 'pull_request')) as Policy;
    const roles = new Map(model.roles).set(pipelineRoleName(production.name, 'apply'), { ...apply, trust: loosened });
    expect(await evaluate(simulationOf(request, { ...model, roles }))).toBe('allow');
  });

  it('without its boundary, the apply role could create a user', async () => {
    const request: Row = { why: 'control', principal: `role ${production.name} apply`, action: 'iam:CreateUser', resource: `arn:aws:iam::${ACCOUNT}:user/x`, expect: 'deny' };
    expect(await evaluate(simulationOf(request, model))).toBe('explicit-deny');
    const apply = roleOf(production.name, 'apply', model);
    const everything: Policy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:*', Resource: '*' }] };
    const roles = new Map(model.roles).set(pipelineRoleName(production.name, 'apply'), { ...apply, policies: [...apply.policies, everything] });
    expect(await evaluate(simulationOf(request, { ...model, roles }))).toBe('explicit-deny');
    roles.set(pipelineRoleName(production.name, 'apply'), { ...apply, policies: [...apply.policies, everything], boundary: undefined });
    expect(await evaluate(simulationOf(request, { ...model, roles }))).toBe('allow');
  });
});
