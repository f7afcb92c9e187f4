/**
 * Posts a pull-request comment, or updates the one posted before: the comment is found by
 * the hidden marker at the start of its body, so each pull request has ONE plan comment.
 *
 *   npm run pr:comment -- <body-file> [--pr <number>] [--marker '<!-- ... -->']
 *
 * Needs GITHUB_TOKEN (pull-requests: write) and GITHUB_REPOSITORY; the pull-request number
 * comes from --pr or the event payload (GITHUB_EVENT_PATH); GITHUB_API_URL defaults to
 * https://api.github.com. Uses the REST API with Node's fetch; the token never appears in output.
 */
import { readFileSync } from 'node:fs';
import { option, positionals, runMain } from './cli';
import { PLAN_COMMENT_MARKER } from './plan-summary';

export interface UpsertCommentOptions {
  /** REST API root, e.g. https://api.github.com. */
  readonly apiUrl: string;
  /** `owner/name`. */
  readonly repository: string;
  /** Pull-request (issue) number. */
  readonly issueNumber: number;
  readonly token: string;
  /** Comment body; the marker is prepended when missing. */
  readonly body: string;
  /** Hidden marker identifying the comment. @default PLAN_COMMENT_MARKER */
  readonly marker?: string;
  /** @default globalThis.fetch */
  readonly fetchImpl?: typeof fetch;
}

export interface UpsertCommentResult {
  readonly action: 'created' | 'updated';
  readonly id: number;
  readonly url: string;
}

interface IssueComment {
  readonly id: number;
  readonly body?: string;
  readonly html_url: string;
}

/** The `rel="next"` URL of a GitHub Link header. */
export function nextPage(link: string | null): string | undefined {
  return link?.split(',').map((part) => /<([^>]+)>;\s*rel="next"/.exec(part)?.[1]).find((u) => u !== undefined);
}

/** Creates the marked comment, or updates the first existing comment that carries the marker. */
export async function upsertComment(options: UpsertCommentOptions): Promise<UpsertCommentResult> {
  const marker = options.marker ?? PLAN_COMMENT_MARKER;
  const body = options.body.includes(marker) ? options.body : `${marker}\n${options.body}`;
  const doFetch = options.fetchImpl ?? fetch;
  const api = options.apiUrl.replace(/\/+$/, '');
  const headers = {
    Accept: 'application/vnd.github+json',
    Authorization: `Bearer ${options.token}`,
    'X-GitHub-Api-Version': '2022-11-28',
    'Content-Type': 'application/json',
  };
  const call = async (method: string, url: string, payload?: unknown): Promise<Response> => {
    const response = await doFetch(url, { method, headers, body: payload === undefined ? undefined : JSON.stringify(payload) });
    if (!response.ok) {
      const text = (await response.text()).slice(0, 500);
      throw new Error(`GitHub API ${method} ${url.replace(api, '')} answered ${response.status}: ${text}`);
    }
    return response;
  };

  let url: string | undefined = `${api}/repos/${options.repository}/issues/${options.issueNumber}/comments?per_page=100`;
  let existing: IssueComment | undefined;
  while (url && !existing) {
    const response = await call('GET', url);
    existing = ((await response.json()) as IssueComment[]).find((c) => c.body?.includes(marker));
    url = nextPage(response.headers.get('link'));
  }
  if (existing) {
    const updated = (await (await call('PATCH', `${api}/repos/${options.repository}/issues/comments/${existing.id}`, { body })).json()) as IssueComment;
    return { action: 'updated', id: updated.id, url: updated.html_url };
  }
  const created = (await (await call('POST', `${api}/repos/${options.repository}/issues/${options.issueNumber}/comments`, { body })).json()) as IssueComment;
  return { action: 'created', id: created.id, url: created.html_url };
}

/** The pull-request number from --pr or the GitHub event payload. */
export function pullRequestNumber(argv: readonly string[], env: NodeJS.ProcessEnv): number | undefined {
  const i = argv.indexOf('--pr');
  if (i >= 0) return Number(argv[i + 1]);
  if (!env.GITHUB_EVENT_PATH) return undefined;
  const event = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, 'utf8')) as { pull_request?: { number?: number }; number?: number };
  return event.pull_request?.number ?? event.number;
}

async function cli(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const [file] = positionals(argv, ['--pr', '--marker']);
  const problems: string[] = [];
  if (!file) problems.push('no body file given');
  if (!env.GITHUB_TOKEN) problems.push('GITHUB_TOKEN is not set');
  if (!env.GITHUB_REPOSITORY) problems.push('GITHUB_REPOSITORY (owner/name) is not set');
  const issueNumber = pullRequestNumber(argv, env);
  if (issueNumber === undefined || !Number.isInteger(issueNumber) || issueNumber <= 0) problems.push('no pull-request number: pass --pr <n> or run on a pull_request event');
  if (problems.length > 0) {
    process.stderr.write(`pr:comment: ${problems.join('; ')}\nusage: npm run pr:comment -- <body-file> [--pr <number>] [--marker '<!-- ... -->']\n`);
    return 2;
  }
  const result = await upsertComment({
    apiUrl: env.GITHUB_API_URL ?? 'https://api.github.com',
    repository: env.GITHUB_REPOSITORY as string,
    issueNumber: issueNumber as number,
    token: env.GITHUB_TOKEN as string,
    body: readFileSync(file as string, 'utf8'),
    marker: option(argv, '--marker'),
  });
  process.stdout.write(`${result.action} comment ${result.id}: ${result.url}\n`);
  return 0;
}

if (require.main === module) runMain(() => cli(process.argv.slice(2), process.env));
