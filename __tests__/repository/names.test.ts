/**
 * One name per concept (docs/decisions.md, "One name per concept"): an environment's settings
 * section, the file of the construct it shapes and that construct's class share one name
 * (`database` -> constructs/database.ts -> `Database`), and no two files of constructs/, stacks/
 * and lib/ share a name. The few sections whose home is not a construct of their own are listed
 * here with the reason, and the list fails when an entry is no longer needed.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { environmentFields } from '../../environments/schema/environment-fields';
import { REPO_ROOT } from '../support/paths';
import { repositoryFiles } from '../support/repository-files';

/** Sections shaped by something other than a construct of their own name, and where they are read. */
const HOMED_ELSEWHERE: Record<string, string> = {
  // The deploy role sits in the legacy `iam` construct with the ECS service roles, whose paths cannot move.
  github: 'constructs/iam.ts',
  // The state backend is not a resource: the stacks add it (the bootstrap stack creates the storage).
  stateBackend: 'stacks/state-backend.ts',
  // A list of exceptions read by the policy engine, not a construct.
  policyExceptions: 'lib/policy/engine.ts',
};

const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
const pascal = (name: string) => name[0].toUpperCase() + name.slice(1);

/** The top-level fields of an environment that are sections (objects, unions or lists of objects), not scalars. */
function sections(): string[] {
  return Object.entries(environmentFields.shape)
    .filter(([, schema]) => {
      let inner: z.ZodType = schema as z.ZodType;
      while (inner instanceof z.ZodOptional || inner instanceof z.ZodDefault) inner = inner.unwrap() as z.ZodType;
      return inner instanceof z.ZodObject || inner instanceof z.ZodDiscriminatedUnion || inner instanceof z.ZodArray;
    })
    .map(([key]) => key);
}

describe('one name per concept', () => {
  it('finds the sections of an environment', () => {
    expect(sections()).toEqual(expect.arrayContaining(['network', 'database', 'cache', 'loadBalancer', 'ecs', 'github']));
  });

  it.each(sections().filter((s) => HOMED_ELSEWHERE[s] === undefined))('section %s: constructs/<section>.ts exports the class <Section>', (section) => {
    const file = path.join(REPO_ROOT, 'constructs', `${kebab(section)}.ts`);
    expect(existsSync(file) ? path.relative(REPO_ROOT, file) : `missing: constructs/${kebab(section)}.ts`).toBe(`constructs/${kebab(section)}.ts`);
    expect(readFileSync(file, 'utf8')).toMatch(new RegExp(`^export class ${pascal(section)} extends `, 'm'));
  });

  it('lists only sections that are really homed elsewhere, in files that exist', () => {
    const all = sections();
    const stale = Object.entries(HOMED_ELSEWHERE).flatMap(([section, home]) => [
      ...(all.includes(section) ? [] : [`${section} is no section any more`]),
      ...(existsSync(path.join(REPO_ROOT, 'constructs', `${kebab(section)}.ts`)) ? [`${section} has its own construct now`] : []),
      ...(existsSync(path.join(REPO_ROOT, home)) ? [] : [`${section}'s home ${home} is gone`]),
    ]);
    expect(stale).toEqual([]);
  });

  it('gives no two files of constructs/, stacks/ and lib/ the same name', () => {
    const files = repositoryFiles().filter((f) => /^(constructs|stacks|lib)\/.*\.ts$/.test(f));
    const byName = new Map<string, string[]>();
    for (const f of files) byName.set(path.basename(f), [...(byName.get(path.basename(f)) ?? []), f]);
    expect(files.length).toBeGreaterThan(20);
    expect([...byName.values()].filter((same) => same.length > 1)).toEqual([]);
  });
});
