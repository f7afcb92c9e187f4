/**
 * The documentation stands on its own and stays true: every relative link of README.md and
 * docs/*.md points to a file of the repository (and to a heading of it, for `#anchor` links),
 * nothing points to a folder outside the repository, the README keeps its set-up commands on top
 * and stays short, and `help` names exactly the npm scripts package.json defines.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../lib/project-root';
import { repositoryFiles } from '../support/repository-files';

const read = (file: string) => readFileSync(path.join(PROJECT_ROOT, file), 'utf8');
const PAGES = ['README.md', ...readdirSync(path.join(PROJECT_ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

/** Text outside fenced code blocks and inline code, where a link is a link. */
function prose(markdown: string): string {
  return markdown.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');
}

/** GitHub's anchor of each heading of a page (duplicates get -1, -2, ...). */
export function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const [, heading] of markdown.replace(/^```[\s\S]*?^```/gm, '').matchAll(/^#{1,6} +(.+?) *#*$/gm)) {
    const slug = heading
      .toLowerCase()
      .replace(/[^\p{L}\p{N} _-]/gu, '')
      .replace(/ /g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    anchors.add(n === 0 ? slug : `${slug}-${n}`);
  }
  return anchors;
}

/** Every relative link target of a page: `[text](target)`, without web and mail links. */
function relativeLinks(markdown: string): string[] {
  return [...prose(markdown).matchAll(/\]\(([^)\s]+)(?: "[^"]*")?\)/g)].map((m) => m[1]).filter((t) => !/^[a-z][a-z0-9+.-]*:/i.test(t));
}

describe('links of README.md and docs/', () => {
  it('finds the pages and their links', () => {
    expect(PAGES.length).toBeGreaterThan(15);
    expect(relativeLinks(read('README.md')).length).toBeGreaterThan(30);
  });

  it.each(PAGES)('every relative link of %s points to an existing file and heading', (page) => {
    const broken: string[] = [];
    for (const target of relativeLinks(read(page))) {
      const [file, anchor] = target.split('#', 2);
      const resolved = file === '' ? page : path.posix.normalize(path.posix.join(path.posix.dirname(page), decodeURIComponent(file)));
      if (resolved.startsWith('..') || !existsSync(path.join(PROJECT_ROOT, resolved))) broken.push(`${target}: no file ${resolved}`);
      else if (anchor !== undefined && resolved.endsWith('.md') && !anchorsOf(read(resolved)).has(anchor)) broken.push(`${target}: no heading #${anchor} in ${resolved}`);
    }
    expect(broken).toEqual([]);
  });

  it('computes GitHub anchors', () => {
    expect([...anchorsOf('# A page\n## `cdktf diff` in CI\n## Plan and apply\n```\n# not a heading\n```\n## Plan and apply\n')]).toEqual([
      'a-page',
      'cdktf-diff-in-ci',
      'plan-and-apply',
      'plan-and-apply-1',
    ]);
  });
});

/** Paths the pages name that are examples or legacy files, not files of this repository. */
const NOT_IN_REPOSITORY = new Set(['environments/qa.ts', 'cost/usage/qa.yaml', 'scripts/estimate-costs.sh']);

describe('paths named in README.md, help and docs/', () => {
  it.each(['README.md', 'help', ...PAGES.filter((p) => p !== 'README.md')])('every project path %s names in code spans exists', (page) => {
    const named = [...read(page).matchAll(/`((?:main\.ts|(?:environments|stacks|constructs|lib|tooling|scripts|__tests__|docs|cost|\.github)\/[\w./-]*))`/g)].map((m) => m[1]);
    const exists = (p: string) => existsSync(path.join(PROJECT_ROOT, p)) || existsSync(path.join(PROJECT_ROOT, `${p}.ts`));
    expect(named.filter((p) => !NOT_IN_REPOSITORY.has(p) && !exists(p))).toEqual([]);
  });
});

describe('README.md', () => {
  const readme = read('README.md');

  it('is at most 300 lines', () => {
    expect(readme.split('\n').length).toBeLessThanOrEqual(300);
  });

  it('opens with the two set-up commands that CI runs', () => {
    const firstBlock = readme.slice(readme.indexOf('```bash'), readme.indexOf('```', readme.indexOf('```bash') + 7));
    expect(readme.indexOf('```bash')).toBeLessThan(300);
    expect(firstBlock).toMatch(/^npm ci && npm run synth /m);
    expect(firstBlock).toMatch(/^npm test /m);
    const ci = read('.ci/run');
    expect(ci).toContain('npm ci ');
    expect(ci).toContain('npm test ');
  });
});

describe('help', () => {
  const help = read('help');
  const scripts = Object.keys((JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts);

  it('names only npm scripts that exist', () => {
    const named = [...help.matchAll(/npm run ([a-z][a-z0-9:-]*[a-z0-9])/g)].map((m) => m[1]);
    expect(named.length).toBeGreaterThan(20);
    expect([...new Set(named.filter((n) => !scripts.includes(n)))]).toEqual([]);
  });

  it('names every npm script', () => {
    const named = new Set([...help.matchAll(/npm (?:run )?([a-z][a-z0-9:-]*[a-z0-9])/g)].map((m) => m[1]));
    expect(scripts.filter((s) => !named.has(s))).toEqual([]);
  });

  it('fits on one page', () => {
    expect(help.split('\n').length).toBeLessThanOrEqual(110);
  });

  it('names only docs pages that exist', () => {
    const pages = [...help.matchAll(/docs\/[\w./-]+\.md/g)].map((m) => m[0]);
    expect(pages.length).toBeGreaterThan(5);
    expect(pages.filter((p) => !existsSync(path.join(PROJECT_ROOT, p)))).toEqual([]);
  });
});

describe('npm run lint:layers, which the README names', () => {
  // repository/layers.test.ts runs dependency-cruiser itself; this keeps the command a reader runs equal to it
  // (an option that takes a value must not swallow a source folder).
  it('gives dependency-cruiser the config, the known violations file and every source folder', () => {
    const args = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts['lint:layers'].split(' ');
    expect(args.slice(0, 5)).toEqual(['depcruise', '--config', '.dependency-cruiser.cjs', '--ignore-known', '.dependency-cruiser-known-violations.json']);
    expect(existsSync(path.join(PROJECT_ROOT, args[4]))).toBe(true);
    expect(args.slice(5)).toEqual(['main.ts', 'environments', 'stacks', 'constructs', 'lib', 'tooling', 'cost', 'scripts']);
  });
});

describe('the repository stands alone', () => {
  it('refers to no folder outside it', () => {
    const files = repositoryFiles().filter((f) => !f.startsWith('node_modules/') && f !== 'package-lock.json' && !/\.(svg|tfstate)$/.test(f) && f !== '__tests__/repository/docs.test.ts');
    const outside: string[] = [];
    for (const file of files) {
      for (const m of read(file).matchAll(/\.\.\/shared\b|\/work\/[\w.-]+/g)) outside.push(`${file}: ${m[0]}`);
    }
    expect(outside).toEqual([]);
  });
});
