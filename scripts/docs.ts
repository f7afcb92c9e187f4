/**
 * Writes the generated reference pages of docs/ (tooling/docs/pages.ts): the environment checks,
 * every environment setting (from the zod schemas), the policy rules and every stack's outputs
 * (from the stacks, synthesized in a temporary folder):
 *
 *   npm run docs
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { synthesizeStacks } from '../tooling/diagram/docs';
import { GENERATED_PAGES } from '../tooling/docs/pages';
import { defineCommand, execute, PROJECT_ROOT, runMain } from './cli';

export const command = defineCommand({
  name: 'docs',
  summary: 'Regenerate the reference pages of docs/: environment settings and checks, policy rules, stack outputs.',
});

export function cli(argv: readonly string[]): Promise<number> {
  return execute(command, argv, () => {
    const stacks = synthesizeStacks();
    for (const page of GENERATED_PAGES) {
      const file = path.join(PROJECT_ROOT, page.file);
      const content = page.render(stacks);
      let before: string | undefined;
      try {
        before = readFileSync(file, 'utf8');
      } catch {
        before = undefined;
      }
      if (before !== content) writeFileSync(file, content);
      process.stdout.write(`${before === content ? 'unchanged' : 'wrote    '} ${page.file}\n`);
    }
    return 0;
  });
}

if (require.main === module) runMain(cli);
