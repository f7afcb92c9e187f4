/**
 * Posts a pull-request comment, or updates the one posted before: the comment is found by
 * the hidden marker in its body AND by its author, which must be the identity the token acts
 * as, so each pull request has ONE plan comment and nobody else's comment is ever written to.
 * A marked comment planted by someone else is ignored (a new comment is created).
 *
 *   npm run pr:comment -- <body-file> [--pr <number>] [--marker '<!-- ... -->']
 *
 * Needs GITHUB_TOKEN (pull-requests: write) and GITHUB_REPOSITORY; the pull-request number
 * comes from --pr or the event payload (GITHUB_EVENT_PATH); GITHUB_API_URL defaults to
 * https://api.github.com. The token's identity: `GET /user` (user and bot-user tokens); an
 * app installation token (the Actions GITHUB_TOKEN) is refused there with 403, and is then
 * GITHUB_BOT_LOGIN if set (a custom app: `<app-slug>[bot]`), else `github-actions[bot]`
 * (see docs/ci.md). Uses the REST API with Node's fetch; the token never appears in output.
 */
import { readFileSync } from 'node:fs';
import { defineCommand, execute, UsageError } from './cli';
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
  /** Login used when the token is an app installation token (GET /user answers 403). @default ACTIONS_BOT_LOGIN */
  readonly botLogin?: string;
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
  readonly user?: { readonly login?: string } | null;
}

/** The login of the Actions GITHUB_TOKEN's app installation, as it appears on what that token writes. */
export const ACTIONS_BOT_LOGIN = 'github-actions[bot]';

export interface GitHubApiOptions {
  /** REST API root, e.g. https://api.github.com. */
  readonly apiUrl: string;
  readonly token: string;
  /** @default globalThis.fetch */
  readonly fetchImpl?: typeof fetch;
}

/** A small REST client: JSON in and out, an error naming the method, path and status, never the token. */
export function githubApi(options: GitHubApiOptions): { api: string; call: (method: string, url: string, payload?: unknown) => Promise<Response> } {
  const doFetch = options.fetchImpl ?? fetch;
  const api = options.apiUrl.replace(/\/+$/, '');
  const headers = {
    Accept: 'application/vnd.github+json',
    Authorization: `Bearer ${options.token}`,
    'X-GitHub-Api-Version': '2022-11-28',
    'Content-Type': 'application/json',
  };
  const call = async (method: string, url: string, payload?: unknown): Promise<Response> => {
    const response = await doFetch(url.startsWith('http') ? url : `${api}${url}`, { method, headers, body: payload === undefined ? undefined : JSON.stringify(payload) });
    if (!response.ok) {
      const text = (await response.text()).slice(0, 500);
      throw new GitHubApiError(`GitHub API ${method} ${url.replace(api, '')} answered ${response.status}: ${text}`, response.status);
    }
    return response;
  };
  return { api, call };
}

export class GitHubApiError extends Error {
  constructor(message: string, readonly status: number) {
    super(message);
    this.name = 'GitHubApiError';
  }
}

/**
 * The login the token writes as: `GET /user` for a user (or bot-user) token. An app
 * installation token, like the Actions GITHUB_TOKEN, gets 403 there (and `GET /app` needs the
 * app's JWT, not an installation token), so it is `botLogin`: `github-actions[bot]` by default.
 */
export async function tokenLogin(options: GitHubApiOptions & { readonly botLogin?: string }): Promise<string> {
  const { call } = githubApi(options);
  try {
    return ((await (await call('GET', '/user')).json()) as { login: string }).login;
  } catch (e) {
    if (e instanceof GitHubApiError && e.status === 403) return options.botLogin ?? ACTIONS_BOT_LOGIN;
    throw e;
  }
}

/** Every item of a paginated list (`rel="next"` links), stopping at the first that `match` accepts. */
export async function findInPages<T>(call: (method: string, url: string) => Promise<Response>, url: string, match: (item: T) => boolean): Promise<T | undefined> {
  let next: string | undefined = url;
  while (next) {
    const response = await call('GET', next);
    const found = ((await response.json()) as T[]).find(match);
    if (found) return found;
    next = nextPage(response.headers.get('link'));
  }
  return undefined;
}

/** The `rel="next"` URL of a GitHub Link header. */
export function nextPage(link: string | null): string | undefined {
  return link?.split(',').map((part) => /<([^>]+)>;\s*rel="next"/.exec(part)?.[1]).find((u) => u !== undefined);
}

/**
 * Creates the marked comment, or updates the first comment that carries the marker and was
 * written by the token's own identity. Marked comments by anyone else are left alone.
 */
export async function upsertComment(options: UpsertCommentOptions): Promise<UpsertCommentResult> {
  const marker = options.marker ?? PLAN_COMMENT_MARKER;
  const body = options.body.includes(marker) ? options.body : `${marker}\n${options.body}`;
  const { call } = githubApi(options);
  const self = await tokenLogin(options);
  const comments = `/repos/${options.repository}/issues/${options.issueNumber}/comments`;
  const existing = await findInPages<IssueComment>(call, `${comments}?per_page=100`, (c) => c.user?.login === self && c.body?.includes(marker) === true);
  if (existing) {
    const updated = (await (await call('PATCH', `/repos/${options.repository}/issues/comments/${existing.id}`, { body })).json()) as IssueComment;
    return { action: 'updated', id: updated.id, url: updated.html_url };
  }
  const created = (await (await call('POST', comments, { body })).json()) as IssueComment;
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

export const command = defineCommand({
  name: 'pr:comment',
  summary: "Creates or updates this project's comment on a pull request (needs GITHUB_TOKEN and GITHUB_REPOSITORY).",
  positionals: [{ name: 'body-file', description: 'the markdown of the comment' }],
  options: {
    pr: { type: 'string', value: '<number>', description: 'the pull request (default: from the GitHub event)' },
    marker: { type: 'string', value: "'<!-- ... -->'", description: 'the hidden marker that finds the comment to update' },
  },
});

export function cli(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return execute(command, argv, ({ args, values }) => comment(args['body-file'] as string, values, env));
}

async function comment(file: string, values: { pr?: string; marker?: string }, env: NodeJS.ProcessEnv): Promise<number> {
  const problems: string[] = [];
  if (!env.GITHUB_TOKEN) problems.push('GITHUB_TOKEN is not set');
  if (!env.GITHUB_REPOSITORY) problems.push('GITHUB_REPOSITORY (owner/name) is not set');
  const issueNumber = pullRequestNumber(values.pr === undefined ? [] : ['--pr', values.pr], env);
  if (issueNumber === undefined || !Number.isInteger(issueNumber) || issueNumber <= 0) problems.push('no pull-request number: pass --pr <n> or run on a pull_request event');
  if (problems.length > 0) throw new UsageError(problems.join('; '));
  const result = await upsertComment({
    apiUrl: env.GITHUB_API_URL ?? 'https://api.github.com',
    repository: env.GITHUB_REPOSITORY as string,
    issueNumber: issueNumber as number,
    token: env.GITHUB_TOKEN as string,
    body: readFileSync(file, 'utf8'),
    marker: values.marker,
    botLogin: env.GITHUB_BOT_LOGIN || undefined,
  });
  process.stdout.write(`${result.action} comment ${result.id}: ${result.url}\n`);
  return 0;
}
