/**
 * The folders the tests read, the same from any depth of __tests__/ (test files mirror the source
 * tree, so a `__dirname`-relative path would depend on where a test lies).
 */
import path from 'node:path';
import { PROJECT_ROOT } from '../../lib/project-root';

/** The repository (the folder holding package.json). */
export const REPO_ROOT = PROJECT_ROOT;
/** __tests__/ itself. */
export const TESTS_DIR = path.join(REPO_ROOT, '__tests__');
/** The data the tests read: __tests__/fixtures/. */
export const FIXTURES_DIR = path.join(TESTS_DIR, 'fixtures');
