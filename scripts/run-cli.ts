/** Runs a command's `main(argv, out, err)` as the process entry point, with its exit code. */
export type CliMain = (argv: string[], out: (s: string) => void, err: (s: string) => void) => Promise<number>;

export function runCli(main: CliMain): void {
  main(
    process.argv.slice(2),
    (s) => process.stdout.write(s),
    (s) => process.stderr.write(s),
  ).then((code) => (process.exitCode = code));
}
