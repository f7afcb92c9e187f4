/**
 * Secrets never leak. The offline harness gives every sensitive variable a known
 * sentinel value (`sentinelFor`); both stacks are synthesized and planned with them.
 * The sentinels must not appear in the synthesized JSON, in the plan command's output
 * or in the human-readable plan, where every attribute set from a sensitive variable
 * reads `(sensitive value)`. Bad inputs are refused before anything is created, and a
 * refused secret is not printed either.
 */
import { declaredVariables, sentinelFor } from '../../tooling/terraform/offline-plan';
import { BAD_INPUTS, ENVIRONMENT_STACKS, loadBadInputsPlan, loadPlan, loadSynthesized, PLANNED_STACKS, PlannedStack } from '../support/terraform/plans';
import { environment } from '../support/helpers';

/**
 * Sensitive variables each stack must declare: the Redis AUTH token where AUTH is on (production: D5 [empty Redis AUTH token], D13 [backend without Redis TLS and AUTH]), no master
 * password anywhere (D12 [empty app secret, password copied by hand]). Derived from each environment's settings, so a new environment needs no entry.
 */
const SENSITIVE_VARIABLES: Record<PlannedStack, string[]> = {
  ...Object.fromEntries(ENVIRONMENT_STACKS.map((name) => [name, environment(name).cache.authToken ? ['redis_auth_token'] : []])),
  bootstrap: [],
};

/** `[address, attribute]` of every top-level resource argument set to exactly `${var.<name>}`. */
function argumentsFrom(stackJson: Record<string, any>, variable: string): [string, string][] {
  const found: [string, string][] = [];
  for (const [type, byName] of Object.entries<Record<string, Record<string, unknown>>>(stackJson.resource ?? {})) {
    for (const [name, body] of Object.entries(byName)) {
      for (const [attribute, value] of Object.entries(body)) {
        if (value === `\${var.${variable}}`) found.push([`${type}.${name}`, attribute]);
      }
    }
  }
  return found;
}

/** The block of the human-readable plan that describes `address`. */
function planBlock(planText: string, address: string): string {
  const start = planText.indexOf(`  # ${address} will be created`);
  if (start < 0) throw new Error(`the plan text does not describe ${address}`);
  const end = planText.indexOf('\n  # ', start + 1);
  return planText.slice(start, end < 0 ? undefined : end);
}

describe.each(PLANNED_STACKS)('secrets in the %s stack', (stack) => {
  const synthesized = () => loadSynthesized(stack);
  const sensitive = () => declaredVariables(JSON.parse(synthesized())).filter((v) => v.sensitive);

  it('declares exactly the expected sensitive variables, none with a default', () => {
    expect(sensitive().map((v) => v.name).sort()).toEqual(SENSITIVE_VARIABLES[stack]);
    expect(sensitive().filter((v) => v.hasDefault)).toEqual([]);
  });

  it('planned with each sentinel (so the checks below are not vacuous)', () => {
    const plan = loadPlan(stack);
    for (const name of SENSITIVE_VARIABLES[stack]) {
      expect(plan.variables[name]).toBe(sentinelFor(name));
      // The saved plan file holds variable values: plan artifacts are secrets (docs/secrets.md).
      expect(plan.plan.variables?.[name]?.value).toBe(sentinelFor(name));
    }
  });

  it('never writes a sentinel into the synthesized JSON', () => {
    for (const name of SENSITIVE_VARIABLES[stack]) expect(synthesized()).not.toContain(sentinelFor(name));
  });

  it('never prints a sentinel in the plan output (the human-readable plan)', () => {
    const { planOutput } = loadPlan(stack);
    for (const name of SENSITIVE_VARIABLES[stack]) expect(planOutput).not.toContain(sentinelFor(name));
  });

  it('shows every argument set from a sensitive variable only as (sensitive value)', () => {
    const { planOutput } = loadPlan(stack);
    const json = JSON.parse(synthesized());
    for (const name of SENSITIVE_VARIABLES[stack]) {
      const uses = argumentsFrom(json, name);
      expect(uses.length).toBeGreaterThan(0);
      for (const [address, attribute] of uses) {
        // A write-only argument (`*_wo`) is never shown, not even as sensitive.
        expect({ address, line: planBlock(planOutput, address).match(new RegExp(`^\\s+\\+ ${attribute}\\s+= (.*)$`, 'm'))?.[1] }).toEqual({
          address,
          line: attribute.endsWith('_wo') ? '(write-only attribute)' : '(sensitive value)',
        });
      }
    }
  });
});

/** JSON paths (`a.b[0].c`) under which `value` occurs as a string in `json`. */
function pathsOf(json: unknown, value: string, at = ''): string[] {
  if (typeof json === 'string') return json === value ? [at] : [];
  if (Array.isArray(json)) return json.flatMap((item, i) => pathsOf(item, value, `${at}[${i}]`));
  if (json && typeof json === 'object') return Object.entries(json).flatMap(([k, v]) => pathsOf(v, value, at ? `${at}.${k}` : k));
  return [];
}

describe('which copies of the Redis AUTH token a production plan file holds (docs/secrets.md, "Secret values in state and plan files")', () => {
  const token = sentinelFor('redis_auth_token');

  it('exactly the variable and the replication group\'s auth_token: the secret version is write-only', () => {
    const paths = pathsOf(loadPlan('production').plan, token).map((p) => p.replace(/\[\d+\]/g, '[i]'));
    // planned_values and resource_changes: auth_token has no write-only form in provider 5.100.
    expect(paths.sort()).toEqual([
      'planned_values.root_module.resources[i].values.auth_token',
      'resource_changes[i].change.after.auth_token',
      'variables.redis_auth_token.value',
    ]);
    const version = (loadPlan('production').plan.resource_changes as { address: string; change: { after: Record<string, unknown> } }[]).find(
      (rc) => rc.address === 'aws_secretsmanager_secret_version.redis_auth_token',
    );
    expect(version?.change.after).toMatchObject({ secret_string_wo: null, secret_string_wo_version: 1 });
    expect(JSON.stringify(version)).not.toContain(token);
  });
});

describe('inputs the production stack refuses', () => {
  const outcome = () => loadBadInputsPlan('production');
  const badToken = BAD_INPUTS.production!.variables.redis_auth_token;

  it('fails the plan', () => {
    expect(outcome().exitCode).not.toBe(0);
  });

  it('refuses a Redis AUTH token ElastiCache would reject, without printing it (D5)', () => {
    expect(outcome().output).toContain('Resource precondition failed');
    expect(outcome().output.replace(/\s+/g, ' ')).toContain(
      'The Redis AUTH token must be 16-128 characters of letters, digits and the symbols ! & # $ ^ < > - (no @, ", / or spaces), as ElastiCache requires.',
    );
    expect(outcome().output).not.toContain('LEAK-MARKER');
    expect(outcome().output).not.toContain(badToken);
  });

  it('refuses the legacy placeholder certificate ARN (D6) and malformed image inputs, naming each variable', () => {
    const output = outcome().output.replace(/\s+/g, ' ');
    expect(output).toContain('var.certificate_arn is "arn:aws:acm:ap-southeast-2:ACCOUNT_ID:certificate/CERT_ID"');
    expect(output).toContain('certificate_arn must be an ACM certificate ARN with a 12-digit account id, e.g. arn:aws:acm:ap-southeast-2:123456789012:certificate/0c1d2e3f-4a5b-6c7d-8e9f-0a1b2c3d4e5f.');
    expect(output).toContain('backend_image_tag must be a container image tag');
    expect(output).toContain('frontend_image must be an image repository such as ghcr.io/owner/name, without tag.');
  });
});
