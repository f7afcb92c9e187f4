/**
 * npm run env:new -- <name> --from <env> [--project-name <name>]: writes environments/<name>.ts
 * from an existing environment and registers it (tooling/environments/new-environment.ts).
 * Exit 0 when written, 1 when the environment cannot be made, 2 on a usage error.
 */
import { ENVIRONMENTS } from '../environments';
import { type Files, newEnvironment, NewEnvironmentError, projectFiles, renderReport, writeEnvironment } from '../tooling/environments/new-environment';
import { defineCommand, execute, type Io, STDIO } from './cli';

export const command = defineCommand({
  name: 'env:new',
  summary:
    'Writes environments/<name>.ts, a copy of <env> that can be deployed beside the others, and adds it to environments/index.ts: a VPC range free in the account, its own names, placeholders for its domains and CORS origins (synth refuses them until they are set) and no policy exceptions (the copied ones are listed).',
  positionals: [{ name: 'name', description: 'the new environment: lower-case letters, digits and dashes' }],
  options: {
    from: { type: 'string', value: '<env>', required: true, description: 'the environment to copy (environments/index.ts)' },
    'project-name': { type: 'string', value: '<name>', description: "prefix of every resource name (default: the source's, ending in <name>)" },
  },
});

export interface EnvNewIo {
  readonly out?: (text: string) => void;
  readonly err?: (text: string) => void;
  /** @default the project's files */
  readonly files?: Files;
  /** @default the registry, environments/index.ts */
  readonly registry?: Readonly<Record<string, unknown>>;
}

export function cli(argv: readonly string[], io: EnvNewIo = {}): Promise<number> {
  const std: Io = { out: io.out ?? STDIO.out, err: io.err ?? STDIO.err };
  const registry = io.registry ?? ENVIRONMENTS;
  return execute(command, argv, ({ values, args }) => {
    try {
      const env = newEnvironment({ name: args.name as string, from: values.from as string, projectName: values['project-name'], registry });
      std.out(renderReport(env, writeEnvironment(env, io.files ?? projectFiles())));
      return 0;
    } catch (e) {
      if (!(e instanceof NewEnvironmentError)) throw e;
      std.err(`env:new: ${e.message}\n`);
      return 1;
    }
  }, std);
}
