/**
 * docs/application.md lists every environment variable and secret each container gets, in every
 * environment of the registry: a new one in the code and not in the contract fails here.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ENVIRONMENTS } from '../../environments';
import { type EnvName, synthEnvironment } from '../support/helpers';
import { REPO_ROOT } from '../support/paths';

const CONTRACT = readFileSync(path.join(REPO_ROOT, 'docs', 'application.md'), 'utf8');

/** The names in the first column of the contract's tables under `## <heading>`. */
function documented(heading: string): string[] {
  const section = CONTRACT.split(/^## /m).find((s) => s.startsWith(heading));
  if (!section) throw new Error(`docs/application.md has no section "${heading}"`);
  return section
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .flatMap((line) => [...line.split('|')[1].matchAll(/`([A-Z0-9_]+)`/g)].map((m) => m[1]));
}

describe.each(Object.keys(ENVIRONMENTS) as EnvName[])('the application contract covers %s', (name) => {
  const stack = synthEnvironment(name);
  it.each([
    ['backend', 'Backend'],
    ['frontend', 'Frontend'],
  ])('every variable and secret of the %s container', (service, heading) => {
    const [container] = JSON.parse(stack.resource('aws_ecs_task_definition', `ecs_${service}`).container_definitions);
    const given = [...container.environment, ...(container.secrets ?? [])].map((e: { name: string }) => e.name);
    expect(given.length).toBeGreaterThan(0);
    expect(given.filter((n: string) => !documented(heading).includes(n))).toEqual([]);
  });
});
