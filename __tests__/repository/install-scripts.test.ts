/**
 * Install scripts: npm 11 runs a dependency's install script only when package.json's
 * `allowScripts` allows it, and `npm ci` warns about every one it does not cover. Every package of
 * the lock file with an install script is settled there, and the two we deny still work, because
 * they load a prebuilt binary they ship: what the denied scripts would have done (build from source
 * with node-gyp, or download a prebuild) is not needed on the platforms they ship binaries for.
 * Why each is denied: docs/testing.md, "Install scripts".
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../lib/project-root';
import { tempDir } from '../support/temp';

const lock = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { hasInstallScript?: boolean }> };
const manifest = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { allowScripts?: Record<string, boolean> };

/** The package name of a lock-file path (node_modules/a/node_modules/@b/c -> @b/c). */
const packageName = (lockPath: string) => lockPath.slice(lockPath.lastIndexOf('node_modules/') + 'node_modules/'.length);

describe('allowScripts in package.json', () => {
  const withScripts = [...new Set(Object.entries(lock.packages).filter(([p, e]) => p !== '' && e.hasInstallScript).map(([p]) => packageName(p)))].sort();

  it('settles every locked package that has an install script, so npm ci has none to warn about', () => {
    expect(withScripts.length).toBeGreaterThan(0);
    const settled = Object.keys(manifest.allowScripts ?? {}).map((key) => key.replace(/(?<=.)@.*$/, ''));
    expect(withScripts.filter((name) => !settled.includes(name))).toEqual([]);
    expect(settled.filter((name) => !withScripts.includes(name))).toEqual([]);
  });

  it('denies both (explicit false entries, which `npm install-scripts approve --all` keeps)', () => {
    expect(manifest.allowScripts).toEqual({ '@cdktf/node-pty-prebuilt-multiarch': false, 'classic-level': false });
  });
});

describe('the packages whose install scripts are denied still work', () => {
  it("@cdktf/node-pty-prebuilt-multiarch (cdktf-cli's terminal) runs a program with its prebuilt binary", async () => {
    const pty = require('@cdktf/node-pty-prebuilt-multiarch') as typeof import('@cdktf/node-pty-prebuilt-multiarch');
    const child = pty.spawn('/bin/echo', ['from a pty'], {});
    let output = '';
    child.onData((data) => (output += data));
    const code = await new Promise<number>((resolve) => child.onExit(({ exitCode }) => resolve(exitCode)));
    expect([code, output.trim()]).toEqual([0, 'from a pty']);
  });

  it('classic-level (LevelDB under dynalite, the pre-flight DynamoDB stand-in) stores and reads with its prebuilt binary', async () => {
    const { ClassicLevel } = require('classic-level') as typeof import('classic-level');
    const db = new ClassicLevel<string, string>(path.join(tempDir('classic-level-'), 'db'));
    try {
      await db.put('key', 'value');
      expect(await db.get('key')).toBe('value');
    } finally {
      await db.close();
    }
  });
});
