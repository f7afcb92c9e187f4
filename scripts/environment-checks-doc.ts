/**
 * Writes docs/environment-checks.md from tooling/docs/environment-checks.ts:
 *
 *   npm run docs:checks
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderEnvironmentChecksPage } from '../tooling/docs/environment-checks';
import { PROJECT_ROOT, runMain } from './cli';

/** Where the page lives. */
export const ENVIRONMENT_CHECKS_PAGE = path.join(PROJECT_ROOT, 'docs', 'environment-checks.md');

if (require.main === module) {
  runMain(() => {
    writeFileSync(ENVIRONMENT_CHECKS_PAGE, renderEnvironmentChecksPage());
    process.stdout.write(`wrote ${path.relative(PROJECT_ROOT, ENVIRONMENT_CHECKS_PAGE)}\n`);
    return 0;
  });
}
