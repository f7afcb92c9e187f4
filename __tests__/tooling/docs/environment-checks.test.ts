/**
 * docs/environment-checks.md is generated from tooling/docs/environment-checks.ts (`npm run docs`;
 * repository/docs-generated.test.ts fails when the page is stale), and that list names exactly the checks the
 * tests exercise: every table case of environments/schema/environment.rules.test.ts, and for the others a test of the file given.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ENVIRONMENT_CHECKS } from '../../../tooling/docs/environment-checks';
import { cases } from '../../support/config-cases';
import { REPO_ROOT, TESTS_DIR } from '../../support/paths';

describe('docs/environment-checks.md', () => {
  it('lists every table case of environments/schema/environment.rules.test.ts, and no check without a test', () => {
    const listed = ENVIRONMENT_CHECKS.filter((c) => c.testedIn === undefined).map((c) => c.title);
    expect([...listed].sort()).toEqual(cases.map(([title]) => title).sort());
  });

  it.each(ENVIRONMENT_CHECKS.filter((c) => c.testedIn !== undefined).map((c) => [c.title, c.testedIn as string]))('"%s" is a test in %s', (title, file) => {
    expect(readFileSync(path.join(TESTS_DIR, file), 'utf8')).toContain(`'${title}'`);
  });

  it('gives each check one title, fields and a source', () => {
    expect(new Set(ENVIRONMENT_CHECKS.map((c) => c.title)).size).toBe(ENVIRONMENT_CHECKS.length);
    for (const check of ENVIRONMENT_CHECKS) expect([check.fields.length > 0, check.reference.length > 10]).toEqual([true, true]);
  });

  it('is linked from the README environment section', () => {
    const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Environments'), readme.indexOf('\n## ', readme.indexOf('## Environments') + 1));
    expect(section).toContain('(docs/environment-checks.md)');
  });
});
