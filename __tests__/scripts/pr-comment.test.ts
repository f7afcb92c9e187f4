/**
 * The pull-request comment is created once and then updated, found by its hidden marker and
 * its author (the token's own identity), against a local stand-in of the GitHub REST API
 * (real HTTP, Node's fetch). A marked comment planted by another user is never written to.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ACTIONS_BOT_LOGIN, nextPage, pullRequestNumber, tokenLogin, upsertComment } from '../../scripts/pr-comment';
import { PLAN_COMMENT_MARKER } from '../../scripts/plan-summary';
import { GitHubStandIn } from '../support/github-stand-in';

describe('upsertComment', () => {
  const github = new GitHubStandIn();
  beforeAll(() => github.start());
  afterAll(() => github.stop());
  beforeEach(() => {
    github.reset();
    github.comments = [
      { id: 1, body: 'LGTM', html_url: 'u1', user: { login: 'alice' } },
      { id: 2, body: 'please rebase', html_url: 'u2', user: { login: 'bob' } },
      { id: 3, body: 'another review note', html_url: 'u3', user: { login: 'alice' } },
    ];
  });
  const options = (body: string, token = 't0ken') => ({ apiUrl: github.url, repository: 'owner/repo', issueNumber: 7, token, body });

  it('creates the comment, with the marker, when none carries it', async () => {
    const result = await upsertComment(options('## Terraform plan\nstaging: no changes'));
    expect(result).toEqual({ action: 'created', id: github.comments[3].id, url: `https://github.test/c/${github.comments[3].id}` });
    expect(github.comments[3].body).toBe(`${PLAN_COMMENT_MARKER}\n## Terraform plan\nstaging: no changes`);
    expect(github.comments[3].user.login).toBe('omc-plan-bot');
    // The identity first, then both pages were searched before creating.
    expect(github.requests).toEqual([
      'GET /user',
      'GET /repos/owner/repo/issues/7/comments?per_page=100',
      'GET /repos/owner/repo/issues/7/comments?per_page=100&page=2',
      'POST /repos/owner/repo/issues/7/comments',
    ]);
  });

  it('updates the marked comment (found on a later page) instead of adding another', async () => {
    github.comments.push({ id: 4, body: `${PLAN_COMMENT_MARKER}\nold plan`, html_url: 'u4', user: { login: 'omc-plan-bot' } });
    const result = await upsertComment(options(`${PLAN_COMMENT_MARKER}\nnew plan`));
    expect(result).toEqual({ action: 'updated', id: 4, url: 'u4' });
    expect(github.comments.map((c) => c.body)).toEqual(['LGTM', 'please rebase', 'another review note', `${PLAN_COMMENT_MARKER}\nnew plan`]);
    expect(github.requests.at(-1)).toBe('PATCH /repos/owner/repo/issues/comments/4');
  });

  it('posts once and updates on the next push: one comment per pull request', async () => {
    await upsertComment(options('first'));
    await upsertComment(options('second'));
    expect(github.comments.filter((c) => c.body.includes(PLAN_COMMENT_MARKER)).map((c) => c.body)).toEqual([`${PLAN_COMMENT_MARKER}\nsecond`]);
  });

  it('never writes into a marked comment planted by another user: it creates its own', async () => {
    const planted = `${PLAN_COMMENT_MARKER}\n## Terraform plan\nproduction: no changes (planted)`;
    github.comments.splice(1, 0, { id: 9, body: planted, html_url: 'u9', user: { login: 'mallory' } });
    const first = await upsertComment(options('## Terraform plan\nproduction: database REPLACED'));
    expect(first.action).toBe('created');
    expect(github.comments.find((c) => c.id === 9)?.body).toBe(planted);
    expect(github.requests.filter((r) => r.startsWith('PATCH'))).toEqual([]);
    // The next push updates the bot's own comment, still not the planted one.
    const second = await upsertComment(options('## Terraform plan\nproduction: no changes'));
    expect(second).toMatchObject({ action: 'updated', id: first.id });
    expect(github.comments.find((c) => c.id === 9)?.body).toBe(planted);
  });

  it('with the Actions GITHUB_TOKEN (GET /user is 403) it owns the comments of github-actions[bot]', async () => {
    github.comments.push(
      { id: 5, body: `${PLAN_COMMENT_MARKER}\nplanted`, html_url: 'u5', user: { login: 'mallory' } },
      { id: 6, body: `${PLAN_COMMENT_MARKER}\nold plan`, html_url: 'u6', user: { login: ACTIONS_BOT_LOGIN } },
    );
    const result = await upsertComment(options('new plan', 'app-t0ken'));
    expect(result).toMatchObject({ action: 'updated', id: 6 });
    expect(github.comments.map((c) => c.body).slice(3)).toEqual([`${PLAN_COMMENT_MARKER}\nplanted`, `${PLAN_COMMENT_MARKER}\nnew plan`]);
  });

  it('with an app token whose bot is another app, the configured login decides (GITHUB_BOT_LOGIN)', async () => {
    github.comments.push({ id: 6, body: `${PLAN_COMMENT_MARKER}\nby actions`, html_url: 'u6', user: { login: ACTIONS_BOT_LOGIN } });
    const result = await upsertComment({ ...options('mine', 'app-t0ken'), botLogin: 'omc-infra-app[bot]' });
    expect(result.action).toBe('created');
    expect(github.comments.find((c) => c.id === 6)?.body).toBe(`${PLAN_COMMENT_MARKER}\nby actions`);
  });

  it('looks the identity up: GET /user for a user token, the bot login for an installation token', async () => {
    expect(await tokenLogin({ apiUrl: github.url, token: 't0ken' })).toBe('omc-plan-bot');
    expect(await tokenLogin({ apiUrl: github.url, token: 'app-t0ken' })).toBe('github-actions[bot]');
    expect(await tokenLogin({ apiUrl: github.url, token: 'app-t0ken', botLogin: 'x[bot]' })).toBe('x[bot]');
  });

  it('reports an API error with its status, without the token', async () => {
    const error = await upsertComment(options('x', 'wr0ng-t0ken')).catch((e: Error) => e);
    expect((error as Error).message).toBe('GitHub API GET /user answered 401: {"message":"Bad credentials"}');
    expect((error as Error).message).not.toContain('wr0ng-t0ken');
  });
});

describe('helpers', () => {
  it('reads the next page from a Link header', () => {
    expect(nextPage('<https://api/x?page=2>; rel="next", <https://api/x?page=5>; rel="last"')).toBe('https://api/x?page=2');
    expect(nextPage('<https://api/x?page=1>; rel="prev"')).toBeUndefined();
    expect(nextPage(null)).toBeUndefined();
  });

  it('takes the pull-request number from --pr or the event payload', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'event-'));
    try {
      const event = path.join(dir, 'event.json');
      writeFileSync(event, JSON.stringify({ pull_request: { number: 42 } }));
      expect(pullRequestNumber(['body.md', '--pr', '9'], { GITHUB_EVENT_PATH: event })).toBe(9);
      expect(pullRequestNumber(['body.md'], { GITHUB_EVENT_PATH: event })).toBe(42);
      expect(pullRequestNumber(['body.md'], {})).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
