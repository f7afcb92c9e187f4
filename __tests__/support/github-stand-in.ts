/**
 * A local stand-in of the GitHub REST API (real HTTP on 127.0.0.1) for the CI scripts that
 * talk to GitHub: issue and pull-request comments, issues, and the token's identity.
 * Lists are paginated 2 per page with `Link: rel="next"` headers, as GitHub does (at 100).
 *
 * Tokens: `t0ken` is a user token of the bot user `omc-plan-bot` (GET /user answers);
 * `app-t0ken` is an app installation token like the Actions GITHUB_TOKEN: GET /user answers
 * 403 "Resource not accessible by integration", and what it writes is by `github-actions[bot]`.
 * Like GitHub, it lets any token edit any comment or issue (a repository writer can): the
 * scripts must not rely on a refusal.
 */
import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';

export const TOKENS: Readonly<Record<string, { login: string; app: boolean }>> = {
  t0ken: { login: 'omc-plan-bot', app: false },
  'app-t0ken': { login: 'github-actions[bot]', app: true },
};

export interface StandInComment {
  id: number;
  body: string;
  html_url: string;
  user: { login: string };
}

export interface StandInIssue {
  number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  state_reason?: string | null;
  labels: { name: string }[];
  user: { login: string };
  /** Present on pull requests, which the issues endpoint lists too. */
  pull_request?: { url: string };
}

export class GitHubStandIn {
  /** Comments per issue or pull-request number. */
  readonly commentsOf = new Map<number, StandInComment[]>();
  issues: StandInIssue[] = [];
  requests: string[] = [];
  url = '';
  private server!: Server;
  private nextId = 100;

  /** The comments of pull request #7 (the pr:comment tests' pull request). */
  get comments(): StandInComment[] {
    return this.commentsOf.get(7) ?? [];
  }

  set comments(list: StandInComment[]) {
    this.commentsOf.set(7, list);
  }

  reset(): void {
    this.commentsOf.clear();
    this.issues = [];
    this.requests = [];
    this.nextId = 100;
  }

  async start(): Promise<void> {
    this.server = createServer(async (req, res) => {
      const raw = await read(req);
      this.requests.push(`${req.method} ${req.url}`);
      const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(payload));
      };
      const who = TOKENS[(req.headers.authorization ?? '').replace(/^Bearer /, '')];
      if (!who) return send(401, { message: 'Bad credentials' });
      const u = new URL(req.url ?? '/', this.url);
      const body = raw ? (JSON.parse(raw) as Record<string, any>) : {};
      const page = <T>(items: T[]) => {
        const n = Number(u.searchParams.get('page') ?? '1');
        const next = new URL(u.toString());
        next.searchParams.set('page', String(n + 1));
        const more = n * 2 < items.length;
        return send(200, items.slice((n - 1) * 2, n * 2), more ? { link: `<${next.toString()}>; rel="next", <${this.url}/x>; rel="last"` } : {});
      };

      if (req.method === 'GET' && u.pathname === '/user') {
        return who.app ? send(403, { message: 'Resource not accessible by integration' }) : send(200, { login: who.login, type: 'User' });
      }
      const comments = /^\/repos\/owner\/repo\/issues\/(\d+)\/comments$/.exec(u.pathname);
      if (comments) {
        const list = this.commentsOf.get(Number(comments[1])) ?? [];
        this.commentsOf.set(Number(comments[1]), list);
        if (req.method === 'GET') return page(list);
        if (req.method === 'POST') {
          const id = this.nextId++;
          const created = { id, body: String(body.body), html_url: `https://github.test/c/${id}`, user: { login: who.login } };
          list.push(created);
          return send(201, created);
        }
      }
      const comment = /^\/repos\/owner\/repo\/issues\/comments\/(\d+)$/.exec(u.pathname);
      if (comment && req.method === 'PATCH') {
        const found = [...this.commentsOf.values()].flat().find((c) => c.id === Number(comment[1]));
        if (!found) return send(404, { message: 'Not Found' });
        found.body = String(body.body);
        return send(200, found);
      }
      if (u.pathname === '/repos/owner/repo/issues') {
        if (req.method === 'GET') {
          const state = u.searchParams.get('state') ?? 'open';
          const labels = (u.searchParams.get('labels') ?? '').split(',').filter(Boolean);
          return page(this.issues.filter((i) => (state === 'all' || i.state === state) && labels.every((l) => i.labels.some((x) => x.name === l))));
        }
        if (req.method === 'POST') {
          const issue: StandInIssue = {
            number: this.nextId++,
            title: String(body.title),
            body: String(body.body ?? ''),
            state: 'open',
            labels: ((body.labels ?? []) as string[]).map((name) => ({ name })),
            user: { login: who.login },
          };
          this.issues.push(issue);
          return send(201, issue);
        }
      }
      const issue = /^\/repos\/owner\/repo\/issues\/(\d+)$/.exec(u.pathname);
      if (issue && req.method === 'PATCH') {
        const found = this.issues.find((i) => i.number === Number(issue[1]));
        if (!found) return send(404, { message: 'Not Found' });
        Object.assign(found, body);
        return send(200, found);
      }
      return send(404, { message: 'Not Found' });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

function read(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let data = '';
    req.on('data', (c) => (data += c));
    req.on('end', () => resolve(data));
  });
}
