/**
 * npm run environments -- [<environment>] [--json] [--account-id <id>]: the environments of the
 * registry as the workflows use them (tooling/environments/workflow-environments.ts): production-like
 * or not, their GitHub environments, how a pull request plans them, the secrets their jobs need.
 * The workflows' first job runs it with --json and feeds the result to their matrices, so they
 * name no environment; with <environment> (an unknown one exits 2) it prints that one only, which
 * is how the apply workflow checks its dispatch input.
 */
import { TerraformStack } from 'cdktf';
import { ENVIRONMENTS } from '../environments';
import { loadSettings } from '../environments/load';
import { ACCOUNT_ID } from '../environments/schema/common';
import { buildApp } from '../stacks/app';
import { ciSecretFor, workflowEnvironments, type WorkflowEnvironment, type WorkflowEnvironments } from '../tooling/environments/workflow-environments';
import { checkName, defineCommand, ENVIRONMENT_NAMES, execute, type Io, STDIO, UsageError } from './cli';

export const command = defineCommand({
  name: 'environments',
  summary:
    'The environments of the registry as the workflows see them: production-like or not, their GitHub environments, how a pull request plans them and the secrets their jobs need. Verdict first, then one line each.',
  positionals: [{ name: 'environment', optional: true, description: 'only this environment (environments/index.ts)' }],
  options: {
    json: { type: 'boolean', description: 'one line of JSON (what the workflows read): every environment and the plan lists, or <environment> only' },
    'account-id': {
      type: 'string',
      value: '<id>',
      description: "the pipeline roles' account when environments/bootstrap.ts and the environment give no accountId (CI: the repository variable AWS_ACCOUNT_ID)",
    },
  },
  notes: ['Exit 0; 2 on a wrong command line or an unknown environment; 1 when the settings are invalid.'],
});

/** The list computed from the app built from `registry` (the stacks' variables from their Terraform JSON, nothing written). */
export function listEnvironments(registry: Readonly<Record<string, unknown>> = ENVIRONMENTS, accountId?: string): WorkflowEnvironments {
  const settings = loadSettings({ environments: registry });
  const app = buildApp(settings);
  const stacks = new Map(app.node.children.filter((c): c is TerraformStack => c instanceof TerraformStack).map((s) => [s.node.id, s]));
  return workflowEnvironments({
    environments: settings.environments,
    bootstrap: settings.bootstrap,
    variablesOf: (name) => stacks.get(name)?.toTerraform().variable,
    accountId,
  });
}

function planOf(env: WorkflowEnvironment): string {
  if (env.pullRequestPlan === 'reviewed') return `reviewed in ${env.github.plan}`;
  if (env.pullRequestPlan === 'none') return 'none (pipeline.pullRequestPlans: false)';
  return env.prPlanRoleArn
    ? `${env.prPlanRoleArn} (no GitHub environment)`
    : 'pull-request role, ARN unknown: set accountId (environments/bootstrap.ts) or AWS_ACCOUNT_ID';
}

/** The verdict, then a short block per environment (fits 120 columns). */
export function renderEnvironments(list: WorkflowEnvironments, only?: string): string {
  const shown = list.environments.filter((e) => only === undefined || e.name === only);
  const verdict =
    only === undefined
      ? `${list.environments.length} environments (environments/index.ts): ${list.environments.map((e) => e.name).join(', ')}; pull requests plan ${list.planned || 'none'}`
      : `environment ${only} (environments/${only}.ts)`;
  const blocks = shown.map((e) => {
    const standIns = e.standIns.split(',').filter(Boolean).map(ciSecretFor);
    const secrets = e.secrets.map((s) => (standIns.includes(s) ? `${s} (stand-in in pull-request plans)` : s));
    const github = [
      ...(e.github.plan ? [`${e.github.plan} (plan)`] : []),
      `${e.github.apply} (apply)`,
      `${e.github.drift} (drift)`,
      `${e.github.deploy} (deploy)`,
    ];
    return [
      `${e.name}${e.productionLike ? ' (production-like)' : ''}`,
      `  pull-request plan    ${planOf(e)}`,
      `  GitHub environments  ${github.join(', ')}`,
      `  secrets              ${secrets.length ? secrets.join(', ') : 'none'}`,
    ].join('\n');
  });
  return `${[verdict, ...blocks].join('\n\n')}\n`;
}

export interface EnvironmentsIo extends Partial<Io> {
  /** @default the registry, environments/index.ts */
  readonly registry?: Readonly<Record<string, unknown>>;
}

export function cli(argv: readonly string[], io: EnvironmentsIo = {}): Promise<number> {
  const out = io.out ?? STDIO.out;
  return execute(
    command,
    argv,
    async ({ values, args }) => {
      const registry = io.registry ?? ENVIRONMENTS;
      const only = args.environment;
      if (only !== undefined) await checkName(only, { ...ENVIRONMENT_NAMES, names: () => Object.keys(registry) });
      const accountId = values['account-id'] || undefined;
      if (accountId !== undefined && !ACCOUNT_ID.test(accountId)) throw new UsageError(`--account-id "${accountId}" is not a 12-digit AWS account id`);
      const list = listEnvironments(registry, accountId);
      if (values.json) out(`${JSON.stringify(only === undefined ? list : list.environments.find((e) => e.name === only))}\n`);
      else out(renderEnvironments(list, only));
      return 0;
    },
    { out, err: io.err ?? STDIO.err },
  );
}
