/**
 * npm run env:new -- <name> --from <env> [--project-name <name>]: writes environments/<name>.ts
 * from an existing environment and registers it (tooling/environments/new-environment.ts).
 * Exit 0 when written, 1 when the environment cannot be made, 2 on a usage error.
 */
import { parseArgs } from 'node:util';
import { ENVIRONMENTS } from '../environments';
import { type Files, newEnvironment, NewEnvironmentError, projectFiles, renderReport, writeEnvironment } from '../tooling/environments/new-environment';
import { runMain } from './cli';

const USAGE = `usage: npm run env:new -- <name> --from <env> [--project-name <name>]

Writes environments/<name>.ts, a copy of <env> that can be deployed beside the others, and adds it to
environments/index.ts: a VPC range free in the account, its own names, placeholders for its domains and
CORS origins (synth refuses them until they are set) and no policy exceptions (the copied ones are listed).

  --from <env>            the environment to copy: ${Object.keys(ENVIRONMENTS).join(', ')}
  --project-name <name>   prefix of every resource name (default: the source's, ending in <name>)
  -h, --help              this help
`;

export interface EnvNewIo {
  readonly out?: (text: string) => void;
  readonly err?: (text: string) => void;
  /** @default the project's files */
  readonly files?: Files;
  /** @default the registry, environments/index.ts */
  readonly registry?: Readonly<Record<string, unknown>>;
}

export function cli(argv: readonly string[], io: EnvNewIo = {}): number {
  const out = io.out ?? ((t: string) => process.stdout.write(t));
  const err = io.err ?? ((t: string) => process.stderr.write(t));
  const registry = io.registry ?? ENVIRONMENTS;
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: { from: { type: 'string' }, 'project-name': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (e) {
    // node:util's message goes on about positionals after '--': its first sentence says what is wrong.
    err(`env:new: ${(e as Error).message.split('. ')[0]}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    out(USAGE);
    return 0;
  }
  if (positionals.length !== 1 || values.from === undefined) {
    err(`env:new: give one new environment name and --from <env>\n\n${USAGE}`);
    return 2;
  }
  try {
    const env = newEnvironment({ name: positionals[0], from: values.from, projectName: values['project-name'], registry });
    out(renderReport(env, writeEnvironment(env, io.files ?? projectFiles())));
    return 0;
  } catch (e) {
    if (!(e instanceof NewEnvironmentError)) throw e;
    err(`env:new: ${e.message}\n`);
    return 1;
  }
}

if (require.main === module) runMain(() => cli(process.argv.slice(2)));
