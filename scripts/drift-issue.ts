/**
 * The nightly drift check's GitHub side: one open issue per environment while its plan is
 * not empty. For each report (`<report-dir>/<stack>.json`, from `npm run drift:summary`):
 *  - drift: update the stack's open drift issue, or open one (label `drift`);
 *  - no drift: comment and close the stack's open drift issue, if there is one;
 *  - failed or missing: leave the issue alone and exit 1 (the run goes red).
 * The issue is found by its hidden marker AND its author, the token's own identity (as
 * pr:comment does), so an issue someone else opened with the marker is never taken over.
 *
 *   npm run drift:issue -- <report-dir> [--expect staging,production] [--label drift]
 *
 * Needs GITHUB_TOKEN (issues: write), GITHUB_REPOSITORY; GITHUB_API_URL, GITHUB_BOT_LOGIN as pr:comment.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { defineCommand, execute, STACK_NAMES, UsageError } from './cli';
import { DriftIssueOptions, DriftReport, driftIssueTitle, driftMarker, failedDrift, renderDriftIssue } from './drift-summary';
import { findInPages, GitHubApiOptions, githubApi, tokenLogin } from './pr-comment';

export interface DriftIssueSyncOptions extends GitHubApiOptions, DriftIssueOptions {
  /** `owner/name`. */
  readonly repository: string;
  /** Label of drift issues. @default 'drift' */
  readonly label?: string;
  /** Login for an app installation token (see pr-comment.ts). */
  readonly botLogin?: string;
}

export interface DriftIssueOutcome {
  readonly stack: string;
  readonly action: 'opened' | 'updated' | 'closed' | 'none' | 'left alone';
  readonly issue?: number;
}

interface Issue {
  readonly number: number;
  readonly body?: string | null;
  readonly user?: { readonly login?: string } | null;
  readonly pull_request?: unknown;
}

/** Opens, updates or closes the drift issue of each report's stack. */
export async function syncDriftIssues(reports: readonly DriftReport[], options: DriftIssueSyncOptions): Promise<DriftIssueOutcome[]> {
  const { call } = githubApi(options);
  const self = await tokenLogin(options);
  const label = options.label ?? 'drift';
  const repo = `/repos/${options.repository}`;
  const outcomes: DriftIssueOutcome[] = [];
  for (const report of reports) {
    const { stack } = report;
    if (report.status === 'failed') {
      outcomes.push({ stack, action: 'left alone' });
      continue;
    }
    const marker = driftMarker(stack);
    const open = await findInPages<Issue>(
      call,
      `${repo}/issues?state=open&labels=${encodeURIComponent(label)}&per_page=100`,
      (i) => i.pull_request === undefined && i.user?.login === self && i.body?.includes(marker) === true,
    );
    if (report.status === 'drift') {
      const payload = { title: driftIssueTitle(stack), body: renderDriftIssue(report, options) };
      if (open) {
        await call('PATCH', `${repo}/issues/${open.number}`, payload);
        outcomes.push({ stack, action: 'updated', issue: open.number });
      } else {
        const created = (await (await call('POST', `${repo}/issues`, { ...payload, labels: [label] })).json()) as Issue;
        outcomes.push({ stack, action: 'opened', issue: created.number });
      }
    } else if (open) {
      const when = [options.checkedAt ? `on ${options.checkedAt}` : '', options.runUrl ? `in [this run](${options.runUrl})` : ''].filter(Boolean).join(' ');
      await call('POST', `${repo}/issues/${open.number}/comments`, { body: `The scheduled plan of \`${stack}\`${when ? ` ${when}` : ''} is empty: no drift, nothing pending. Closing.` });
      await call('PATCH', `${repo}/issues/${open.number}`, { state: 'closed', state_reason: 'completed' });
      outcomes.push({ stack, action: 'closed', issue: open.number });
    } else {
      outcomes.push({ stack, action: 'none' });
    }
  }
  return outcomes;
}

/** Reads `<dir>/<stack>.json` of each expected stack; a missing one is a failed check. */
export function readDriftReports(dir: string, stacks: readonly string[]): DriftReport[] {
  return stacks.map((stack) => {
    const file = path.join(dir, `${stack}.json`);
    return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as DriftReport) : failedDrift(stack, 'no drift report: the check stopped before planning (see the workflow run)');
  });
}

export const command = defineCommand({
  name: 'drift:issue',
  summary: 'Opens, updates or closes one GitHub issue per stack from the drift reports (needs GITHUB_TOKEN and GITHUB_REPOSITORY).',
  positionals: [{ name: 'report-dir', description: 'the folder drift:summary wrote' }],
  options: {
    expect: { type: 'string', value: '<stack,...>', required: true, description: 'the stacks whose reports must be there (a missing one is a failure)' },
    label: { type: 'string', value: '<label>', description: 'the label of the issues (default drift)' },
  },
});

export function cli(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return execute(command, argv, async ({ args, values }) => {
    const stacks = (values.expect ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    const names = await STACK_NAMES.names();
    const unknown = stacks.filter((s) => !names.includes(s));
    if (stacks.length === 0 || unknown.length > 0) throw new UsageError(`--expect needs stack names${unknown.length ? ` (unknown: ${unknown.join(', ')})` : ''}: the stacks are ${names.join(', ')} (${STACK_NAMES.source})`);
    const problems = [env.GITHUB_TOKEN ? '' : 'GITHUB_TOKEN is not set', env.GITHUB_REPOSITORY ? '' : 'GITHUB_REPOSITORY (owner/name) is not set'].filter(Boolean);
    if (problems.length > 0) throw new UsageError(problems.join('; '));
    return syncIssues(args['report-dir'] as string, stacks, values.label, env);
  });
}

async function syncIssues(dir: string, stacks: string[], label: string | undefined, env: NodeJS.ProcessEnv): Promise<number> {
  const reports = readDriftReports(dir, stacks);
  const runUrl = env.GITHUB_RUN_ID ? `${env.GITHUB_SERVER_URL ?? 'https://github.com'}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}` : undefined;
  const outcomes = await syncDriftIssues(reports, {
    apiUrl: env.GITHUB_API_URL ?? 'https://api.github.com',
    token: env.GITHUB_TOKEN as string,
    repository: env.GITHUB_REPOSITORY as string,
    label,
    botLogin: env.GITHUB_BOT_LOGIN || undefined,
    runUrl,
    commit: env.GITHUB_SHA,
    checkedAt: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
  });
  for (const o of outcomes) {
    const report = reports.find((r) => r.stack === o.stack);
    process.stdout.write(`${o.stack}: ${report?.status}${report?.message ? ` (${report.message})` : ''}; issue ${o.action}${o.issue ? ` #${o.issue}` : ''}\n`);
  }
  return reports.some((r) => r.status === 'failed') ? 1 : 0;
}
