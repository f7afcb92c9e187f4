/**
 * What the command-line scripts share: the project root (from scripts/ or the compiled
 * dist/scripts/), argument helpers, and an entry point that reports errors as one line.
 */
export { PROJECT_ROOT } from '../lib/project-root';

/** The value following `--name`, if given. */
export function option(argv: readonly string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

/** Arguments that are neither flags nor the values of the given valued flags. */
export function positionals(argv: readonly string[], valued: readonly string[] = []): string[] {
  return argv.filter((a, i) => !a.startsWith('-') && !(i > 0 && valued.includes(argv[i - 1])));
}

/** Runs a script's main function: its result is the exit code; an error is printed as its message only. */
export function runMain(main: () => number | Promise<number>): void {
  Promise.resolve()
    .then(main)
    .then(
      (code) => (process.exitCode = code),
      (e: Error) => {
        process.stderr.write(`${e.message}\n`);
        process.exitCode = 1;
      },
    );
}
