/**
 * Writes the generated reference pages of docs/ (tooling/docs/pages.ts): the environment checks,
 * every environment setting (from the zod schemas), the policy rules and every stack's outputs
 * (from the stacks, synthesized in a temporary folder); and, from the command table
 * (scripts/help.ts), `help` and the README's command table:
 *
 *   npm run docs
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { synthesizeStacks } from '../tooling/diagram/docs';
import type { TfJson } from '../tooling/diagram/terraform-json';
import { GENERATED_PAGES } from '../tooling/docs/pages';
import { defineCommand, execute, PROJECT_ROOT } from './cli';
import { COMMAND_PAGES } from './help';

export const command = defineCommand({
  name: 'docs',
  summary: "Regenerate the reference pages of docs/ (environment settings and checks, policy rules, stack outputs), help and the README's command table.",
});

/** Writes `file` when `content` differs from what it holds; says which. */
export function updateFile(file: string, content: string, out: (text: string) => void): void {
  let before: string | undefined;
  try {
    before = readFileSync(file, 'utf8');
  } catch {
    before = undefined;
  }
  if (before !== content) writeFileSync(file, content);
  out(`${before === content ? 'unchanged' : 'wrote    '} ${path.relative(PROJECT_ROOT, file)}\n`);
}

/** Every generated page: the reference pages of docs/, then those of the command table. */
export const ALL_GENERATED_PAGES = [...GENERATED_PAGES, ...COMMAND_PAGES];

/** Writes every generated page from these synthesized stacks. */
export function writeGeneratedPages(stacks: ReadonlyMap<string, TfJson>, out: (text: string) => void): void {
  for (const page of ALL_GENERATED_PAGES) updateFile(path.join(PROJECT_ROOT, page.file), page.render(stacks), out);
}

export function cli(argv: readonly string[]): Promise<number> {
  return execute(command, argv, () => {
    writeGeneratedPages(synthesizeStacks(), (text) => process.stdout.write(text));
    return 0;
  });
}
