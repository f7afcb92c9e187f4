/**
 * The npm commands, described once. Every package.json script is one row of this table and every
 * row is one script (commands.test.ts checks both ways):
 *
 *  - a compiled command names its module; package.json runs it as `node scripts/run.js <name>`, the
 *    one entry that builds dist/ when a source changed and calls the module's `cli`. Its summary
 *    and usage come from the module's `defineCommand` (scripts/cli.ts), never from here;
 *  - a plain command (one that must start without a build, or is another tool) gives its
 *    package.json line, usage and summary here.
 *
 * `help` and the README's command table are generated from this table (scripts/help.ts, written by
 * `npm run docs`; docs-generated.test.ts fails when they are stale). The groups hold the
 * lines of `help` that are not npm commands (terraform, cdktf, variables), so `help` has no other
 * source.
 */

import path from 'node:path';
import type { Command } from './cli';

/** What package.json runs for a compiled command, before its name. */
export const RUNNER = 'node scripts/run.js';

export type GroupId = 'build' | 'test' | 'bootstrap' | 'deploy' | 'offline' | 'policy' | 'cost' | 'variables' | 'secrets' | 'ci' | 'cloud';

interface CommandBase {
  /** The npm script. */
  readonly name: string;
  readonly group: GroupId;
  /** The page that explains it, when not its group's. */
  readonly doc?: string;
  /** Listed in the README's table of everyday commands. */
  readonly readme?: true;
}

/** A command compiled to dist/: its module (path from the project root, no extension) exports `command` and `cli`. */
export interface CompiledCommand extends CommandBase {
  readonly module: string;
}

/** A command package.json runs as written: `script` is its line there. */
export interface PlainCommand extends CommandBase {
  readonly script: string;
  readonly usage: string;
  readonly summary: string;
}

export type CommandEntry = CompiledCommand | PlainCommand;

/** A line of `help` that is not an npm command: a command of another tool and what it does, or a note. */
export interface HelpLine {
  readonly command?: string;
  readonly text: string;
}

export interface Group {
  readonly id: GroupId;
  readonly title: string;
  /** What to know about all of it, e.g. `needs AWS credentials`. */
  readonly note?: string;
  /** The page that explains it. */
  readonly doc?: string;
  /** After its npm commands. */
  readonly lines?: readonly HelpLine[];
}

export const COMMANDS: readonly CommandEntry[] = [
  { name: 'build', group: 'build', script: 'tsc -p tsconfig.build.json', usage: 'npm run build', summary: 'Compile TypeScript to dist/ (type-checked).' },
  {
    name: 'synth',
    group: 'build',
    readme: true,
    // Its own plain-JavaScript entry, which the cdktf CLI runs too (cdktf.json "app"): it builds only when a source changed.
    script: 'node scripts/app.js --synth',
    usage: 'npm run synth',
    summary: 'Synthesize every stack to cdktf.out/stacks/<stack> (environment validation and policy included).',
  },
  { name: 'docs', group: 'build', readme: true, module: 'scripts/docs' },
  { name: 'env:new', group: 'build', doc: 'docs/environments.md', module: 'scripts/env-new' },
  {
    name: 'lint:layers',
    group: 'build',
    readme: true,
    doc: 'docs/decisions.md',
    script: 'depcruise --config .dependency-cruiser.cjs --ignore-known .dependency-cruiser-known-violations.json main.ts environments stacks constructs lib tooling cost scripts',
    usage: 'npm run lint:layers',
    summary: 'Check the one-way layers (environments > stacks > constructs > lib) with dependency-cruiser.',
  },
  // Type-checks and runs jest at once, without building dist/ first.
  { name: 'test', group: 'test', readme: true, script: 'node scripts/test.js', usage: 'npm test', summary: 'Type-check, unit tests and the real-Terraform tests.' },
  { name: 'test:unit', group: 'test', readme: true, script: 'jest --selectProjects unit', usage: 'npm run test:unit', summary: 'The unit tests only (no terraform).' },
  { name: 'test:record', group: 'test', module: 'scripts/test-record' },
  { name: 'preflight', group: 'bootstrap', readme: true, doc: 'docs/preflight.md', module: 'scripts/preflight/index' },
  { name: 'plan:offline', group: 'offline', readme: true, doc: 'docs/deploy.md', module: 'scripts/offline-plan' },
  { name: 'migrate:check', group: 'offline', doc: 'docs/migration.md', module: 'scripts/migrate-check' },
  { name: 'diagram', group: 'offline', readme: true, doc: 'docs/architecture.md', module: 'scripts/diagram' },
  { name: 'bench', group: 'offline', doc: 'docs/performance.md', module: 'scripts/bench' },
  {
    name: 'bench:synth',
    group: 'offline',
    doc: 'docs/performance.md',
    script: 'npm run --silent bench --',
    usage: 'npm run bench:synth',
    summary: 'The same as npm run bench (its former name).',
  },
  { name: 'check', group: 'policy', readme: true, module: 'scripts/policy-check' },
  { name: 'cost', group: 'cost', readme: true, module: 'cost/commands/estimate' },
  { name: 'cost:refresh', group: 'cost', module: 'cost/commands/refresh' },
  { name: 'cost:import', group: 'cost', module: 'cost/commands/import' },
  { name: 'environments', group: 'ci', module: 'scripts/environments' },
  { name: 'validate:stacks', group: 'ci', module: 'scripts/validate-stacks' },
  { name: 'plan:diff', group: 'ci', module: 'scripts/diff-plan' },
  { name: 'plan:stack', group: 'ci', module: 'scripts/stack-plan' },
  { name: 'plan:comment', group: 'ci', module: 'scripts/plan-summary' },
  { name: 'pr:comment', group: 'ci', module: 'scripts/pr-comment' },
  { name: 'drift:summary', group: 'ci', module: 'scripts/drift-summary' },
  { name: 'drift:issue', group: 'ci', module: 'scripts/drift-issue' },
  { name: 'apply:plan', group: 'ci', module: 'scripts/apply-plan' },
];

/** The groups of `help`, in its order, with the lines that are not npm commands. */
export const GROUPS: readonly Group[] = [
  {
    id: 'build',
    title: 'Build and synthesize',
    lines: [
      { command: 'npx cdktf synth', text: 'The same as npm run synth, through the cdktf CLI (export CHECKPOINT_DISABLE=1 first).' },
      { command: 'npx cdktf list', text: 'List the stacks.' },
    ],
  },
  { id: 'test', title: 'Test', doc: 'docs/testing.md' },
  {
    id: 'bootstrap',
    title: 'Bootstrap an account',
    note: 'once; needs AWS credentials',
    doc: 'docs/bootstrap.md',
    lines: [
      { command: 'cd cdktf.out/stacks/bootstrap && terraform init && terraform apply', text: 'State bucket, KMS key, lock table (local state file first).' },
      { command: 'terraform init -migrate-state', text: "After setting backend: 's3' in environments/bootstrap.ts." },
    ],
  },
  {
    id: 'deploy',
    title: 'Plan and apply',
    note: 'needs AWS credentials',
    doc: 'docs/deploy.md',
    lines: [
      { command: 'cd cdktf.out/stacks/<env> && terraform init && terraform plan -out=tfplan', text: 'Then terraform apply tfplan.' },
      { command: 'npx cdktf diff <env>', text: 'Plan one stack through the cdktf CLI (exit 0 with or without changes; without credentials it fails in seconds at init).' },
      {
        command: 'terraform plan -out=tfplan -var backend_image_tag=v1.2.0 -var frontend_image_tag=v1.2.0',
        text: 'Deploy new images (rolling); production also needs -var certificate_arn=...',
      },
      { command: 'terraform output', text: 'vpc_id, alb_dns_name (staging is served at http://<alb_dns_name>), ...' },
    ],
  },
  { id: 'offline', title: 'Offline', note: 'no AWS account needed' },
  { id: 'policy', title: 'Policy', note: 'the rules: docs/policy-rules.md', doc: 'docs/policy.md' },
  { id: 'cost', title: 'Cost estimate', note: 'offline', doc: 'docs/cost.md' },
  { id: 'ci', title: 'CI steps', note: '.github/workflows', doc: 'docs/ci.md' },
  {
    id: 'variables',
    title: 'Variables',
    note: 'required where declared',
    doc: 'docs/secrets.md',
    lines: [
      { command: 'TF_VAR_redis_auth_token=$(openssl rand -hex 32)', text: 'production Redis AUTH token (sensitive)' },
      { command: 'TF_VAR_certificate_arn=arn:aws:acm:<region>:<id>:certificate/<uuid>', text: 'production HTTPS listener' },
      { command: 'TF_VAR_backend_image_tag / TF_VAR_frontend_image_tag', text: 'image tags (default staging latest, production v1.0.0)' },
    ],
  },
  {
    id: 'secrets',
    title: 'Secrets',
    note: 'after the first apply',
    doc: 'docs/secrets.md',
    lines: [{ text: 'aws secretsmanager put-secret-value --secret-id <project>-app-secrets --secret-string file://app-secrets.json' }],
  },
  {
    id: 'cloud',
    title: 'Terraform Cloud',
    doc: 'docs/terraform-cloud.md',
    lines: [
      {
        text:
          "stateBackend: { type: 'cloud', organization, workspace: { name } | { tags } } in the env file, or OMC_STATE_BACKEND=cloud " +
          'OMC_TFC_ORGANIZATION=.. OMC_TFC_WORKSPACE=ohmycoins-{environment} (suffix _<ENV> to scope a variable to one environment) before npm run synth.',
      },
    ],
  },
];

/** The package.json line of a command. */
export function scriptOf(entry: CommandEntry): string {
  return 'module' in entry ? `${RUNNER} ${entry.name}` : entry.script;
}

/** What a compiled command's module exports. */
export interface CommandModule {
  readonly command: Command;
  readonly cli: (argv: string[]) => Promise<number>;
}

/** Loads a compiled command's module: from dist/ when this file is compiled, from source under ts-jest. */
export function loadCommand(entry: CompiledCommand): CommandModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(path.join(__dirname, '..', entry.module)) as CommandModule;
}
