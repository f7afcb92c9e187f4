/** The files of the repository as git sees them, for tests of the repository as a whole. */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../lib/project-root';

/** Tracked files and new files git does not ignore, that exist in the working tree, repo-relative with `/`. */
export function repositoryFiles(): string[] {
  return execFileSync('git', ['ls-files', '-co', '--exclude-standard'], { cwd: PROJECT_ROOT, encoding: 'utf8' })
    .split('\n')
    .filter((file) => file !== '' && existsSync(path.join(PROJECT_ROOT, file)));
}

/** Folders whose files are no source of the project: test data and what a build or synth writes. */
const NOT_SOURCE = /(^|\/)(fixtures|node_modules|dist|cdktf\.out)\//;

/** The TypeScript and JavaScript sources of the repository (tests included), outside fixtures and generated folders. */
export function sourceFiles(files: readonly string[] = repositoryFiles()): string[] {
  return files.filter((file) => /\.(ts|js|mjs|cjs)$/.test(file) && !NOT_SOURCE.test(file));
}

/** Every file of `files` and every folder holding one (`docs`, `docs/architecture`, ...). */
export function pathsWithFolders(files: readonly string[]): Set<string> {
  const paths = new Set<string>();
  for (const file of files) {
    paths.add(file);
    for (let i = file.indexOf('/'); i !== -1; i = file.indexOf('/', i + 1)) paths.add(file.slice(0, i));
  }
  return paths;
}
