/** scripts/run.js, the one entry of the compiled npm commands: it builds once, then runs the command named. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../lib/project-root';
import * as table from '../../scripts/commands';
import { capture } from '../support/capture';

// Plain JavaScript, loaded as npm runs it; given the table from source and no build.
const run = require('../../scripts/run') as {
  main: (argv: string[], options: { build?: () => number; table?: () => typeof table; out?: (t: string) => void; err?: (t: string) => void }) => Promise<number>;
};

describe('scripts/run.js, the one entry', () => {
  const call = async (argv: string[], build = () => 0) => {
    let out = '';
    let err = '';
    let built = 0;
    const code = await run.main(argv, { build: () => (built++, build()), table: () => table, out: (t) => (out += t), err: (t) => (err += t) });
    return { code, out, err, built };
  };

  it('builds, then runs the named command on the rest of the arguments', async () => {
    let built = 0;
    const { code, out, err } = await capture(() => run.main(['check', '--help'], { build: () => (built++, 0), table: () => table }));
    expect({ code, err, built }).toEqual({ code: 0, err: '', built: 1 });
    expect(out.startsWith('usage: npm run check')).toBe(true);
  });

  it('stops with the exit code of a failed build, before loading a command', async () => {
    expect(await call(['check'], () => 2)).toEqual({ code: 2, out: '', err: '', built: 1 });
  });

  it('refuses an unknown command, or one package.json runs otherwise, with exit code 2 and the commands', async () => {
    for (const name of ['no-such-command', 'synth']) {
      const { code, err } = await call([name]);
      expect(code).toBe(2);
      expect(err).toMatch(new RegExp(`^unknown command "${name}": the commands run through scripts/run.js are docs, `));
    }
  });

  it('prints help without a command, and needs no build for it', async () => {
    const { code, out, built } = await call([]);
    expect({ code, built }).toEqual({ code: 0, built: 0 });
    expect(out).toBe(readFileSync(path.join(PROJECT_ROOT, 'help'), 'utf8'));
  });
});
