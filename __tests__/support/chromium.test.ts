/**
 * Which Chromium the browser checks launch (CHROMIUM_PATH, then the @sparticuz/chromium package
 * that `npm ci` installs, then a system Chromium), and how the package's Chromium is unpacked: into
 * the project cache, once per version, nothing in the temp folder.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { brotliCompressSync } from 'node:zlib';
import { PROJECT_ROOT } from '../../lib/project-root';
import { CHROMIUM_PACKAGE, chooseChromium, chromiumForTests, installedPackage, tarFiles, unpackChromium } from './chromium';
import { tempDir } from './temp';

const PACKAGE = { binDir: '/pkg/bin', version: '143.0.4' };
const present = (...files: string[]) => (file: string) => files.includes(file);
const linux = { platform: 'linux' as const, arch: 'x64', installed: PACKAGE };

describe('choosing the browser', () => {
  it('takes CHROMIUM_PATH first, over the package and a system Chromium', () => {
    const exists = present('/opt/chrome/chrome', '/pkg/bin/chromium.br', '/usr/bin/chromium');
    expect(chooseChromium({ ...linux, env: { CHROMIUM_PATH: '/opt/chrome/chrome' }, exists })).toEqual({ source: 'CHROMIUM_PATH', executablePath: '/opt/chrome/chrome' });
  });

  it('fails naming CHROMIUM_PATH when it points at nothing, rather than using another browser', () => {
    const exists = present('/pkg/bin/chromium.br', '/usr/bin/chromium');
    expect(() => chooseChromium({ ...linux, env: { CHROMIUM_PATH: '/nowhere/chrome' }, exists })).toThrow('CHROMIUM_PATH is /nowhere/chrome, which does not exist');
  });

  it("uses the package's Chromium on Linux x64, even with a system Chromium present", () => {
    const exists = present('/pkg/bin/chromium.br', '/usr/bin/chromium');
    expect(chooseChromium({ ...linux, env: {}, exists })).toEqual({ source: 'package', version: '143.0.4', binDir: '/pkg/bin' });
  });

  it('falls back to a system Chromium where the package has no binary (macOS, arm64) or is not installed', () => {
    const exists = present('/pkg/bin/chromium.br', '/usr/bin/chromium-browser');
    const system = { source: 'system', executablePath: '/usr/bin/chromium-browser' };
    expect(chooseChromium({ ...linux, arch: 'arm64', env: {}, exists })).toEqual(system);
    expect(chooseChromium({ ...linux, installed: null, env: {}, exists })).toEqual(system);
    expect(chooseChromium({ ...linux, platform: 'darwin', env: {}, exists: present('/pkg/bin/chromium.br', '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome') })).toEqual({
      source: 'system',
      executablePath: '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
    });
  });

  it('says why there is none and how to get one', () => {
    expect(() => chooseChromium({ ...linux, installed: null, env: {}, exists: present() })).toThrow(/not installed \(run npm ci\).*Set CHROMIUM_PATH/);
    expect(() => chooseChromium({ ...linux, arch: 'arm64', env: {}, exists: present('/pkg/bin/chromium.br') })).toThrow(/ships Linux x64 only \(this is linux arm64\).*\/usr\/bin\/chromium/);
  });

  it('on this machine, without CHROMIUM_PATH, is the package npm ci installed (no system browser needed)', () => {
    const choice = () => chooseChromium({ env: {}, systemPaths: [] });
    if (process.platform === 'linux' && process.arch === 'x64') expect(choice()).toMatchObject({ source: 'package', version: installedPackage()!.version });
    else expect(choice).toThrow('ships Linux x64 only');
  });
});

describe('the browser package in the lock file', () => {
  const lock = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package-lock.json'), 'utf8'));
  const manifest = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8'));
  const entry = lock.packages[`node_modules/${CHROMIUM_PACKAGE}`];

  it('is a pinned devDependency that installs with npm ci --ignore-scripts (no install script, no download)', () => {
    expect(manifest.devDependencies[CHROMIUM_PACKAGE]).toMatch(/^\d+\.\d+\.\d+$/);
    expect(entry).toMatchObject({ version: manifest.devDependencies[CHROMIUM_PACKAGE], dev: true });
    expect(entry.hasInstallScript).toBeUndefined();
  });

  it("declares engines this Node satisfies (the package's latest versions need Node 22)", () => {
    const [, major, minor, patch] = /^>=\s*(\d+)\.(\d+)\.(\d+)$/.exec(entry.engines.node) ?? [];
    expect(major).toBeDefined();
    const running = process.versions.node.split('.').map(Number);
    const needed = [major, minor, patch].map(Number);
    const cmp = running[0] - needed[0] || running[1] - needed[1] || running[2] - needed[2];
    expect(cmp).toBeGreaterThanOrEqual(0);
  });
});

describe('unpacking the package', () => {
  /** A bin folder like the package's: the real fonts and SwiftShader archives, a small stand-in binary. */
  function fakeBin(): string {
    const bin = tempDir('chromium-bin-');
    const real = installedPackage()!.binDir;
    for (const archive of ['fonts.tar.br', 'swiftshader.tar.br']) writeFileSync(path.join(bin, archive), readFileSync(path.join(real, archive)));
    writeFileSync(path.join(bin, 'chromium.br'), brotliCompressSync(Buffer.from('#!/bin/sh\necho chromium\n')));
    return bin;
  }

  it('unpacks the binary, its libraries and fonts into the cache folder, with a fontconfig file naming that folder', async () => {
    const cache = tempDir('chromium-cache-');
    const dir = await unpackChromium(fakeBin(), '1.2.3', cache);
    expect(dir).toBe(path.join(cache, '1.2.3'));
    expect(readFileSync(path.join(dir, 'chromium'), 'utf8')).toBe('#!/bin/sh\necho chromium\n');
    expect(statSync(path.join(dir, 'chromium')).mode & 0o111).toBeTruthy();
    expect(readdirSync(dir)).toEqual(expect.arrayContaining(['libGLESv2.so', 'libEGL.so', 'fonts', 'fonts.conf']));
    expect(readdirSync(path.join(dir, 'fonts', 'Open_Sans'))).toContain('OpenSans-Regular.ttf');
    const conf = readFileSync(path.join(dir, 'fonts.conf'), 'utf8');
    expect(conf).toContain(`<dir>${path.join(dir, 'fonts')}</dir>`);
    expect(conf).toContain(`<cachedir>${path.join(dir, 'fontconfig-cache')}</cachedir>`);
    expect(conf.match(/<(dir|cachedir)>/g)).toHaveLength(2); // not the package's own, which names /tmp folders
  });

  it('reuses what is unpacked, removes other versions, and leaves nothing in the temp folder', async () => {
    const cache = tempDir('chromium-cache-');
    const bin = fakeBin();
    // The run's temp folder is shared with the test files running meanwhile: this checks that the
    // temp folder is never asked for, and that nothing the package would unpack there appears.
    const tmpdir = jest.spyOn(os, 'tmpdir');
    try {
      const first = await unpackChromium(bin, '1.0.0', cache);
      const unpackedAt = statSync(path.join(first, 'chromium')).mtimeMs;
      expect(await unpackChromium(bin, '1.0.0', cache)).toBe(first);
      expect(statSync(path.join(first, 'chromium')).mtimeMs).toBe(unpackedAt);
      await unpackChromium(bin, '2.0.0', cache);
      expect(tmpdir).not.toHaveBeenCalled();
    } finally {
      tmpdir.mockRestore();
    }
    expect(readdirSync(cache)).toEqual(['2.0.0']);
    expect(readdirSync(os.tmpdir()).filter((name) => /^(chromium|fonts|libGLESv2\.so|libEGL\.so)$/.test(name))).toEqual([]);
  });

  it('leaves no half-unpacked folder behind when unpacking fails', async () => {
    const cache = tempDir('chromium-cache-');
    const bin = fakeBin();
    writeFileSync(path.join(bin, 'chromium.br'), 'not brotli');
    await expect(unpackChromium(bin, '1.0.0', cache)).rejects.toThrow();
    expect(readdirSync(cache)).toEqual([]);
  });

  it('reads regular files of a tar archive and refuses paths outside its folder', () => {
    const header = (name: string, size: number) => {
      const h = Buffer.alloc(512);
      h.write(name, 0);
      h.write(size.toString(8).padStart(11, '0'), 124);
      h.write('0', 156);
      return h;
    };
    const body = Buffer.alloc(512);
    body.write('hi');
    expect(tarFiles(Buffer.concat([header('a/b.txt', 2), body, Buffer.alloc(1024)]))).toEqual(new Map([['a/b.txt', Buffer.from('hi')]]));
    expect(() => tarFiles(Buffer.concat([header('../evil', 2), body]))).toThrow('unsafe path in archive: ../evil');
  });
});

describe('the browser for these tests', () => {
  it('honours CHROMIUM_PATH, identifying the binary by path, size and date', async () => {
    const fake = path.join(tempDir('chromium-path-'), 'chrome');
    writeFileSync(fake, '#!/bin/sh\n');
    const { size, mtimeMs } = statSync(fake);
    expect(await chromiumForTests({ env: { CHROMIUM_PATH: fake } })).toEqual({ source: 'CHROMIUM_PATH', executablePath: fake, identity: `${fake} ${size} ${mtimeMs}`, env: {} });
  });
});
