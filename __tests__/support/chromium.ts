/**
 * The Chromium the browser checks (__tests__/tooling/diagram/svg.browser.test.ts) launch, first found of:
 *
 *  1. `CHROMIUM_PATH`, when set: your own Chromium or Chrome (it must exist, or the checks fail
 *     naming it; it is never silently skipped);
 *  2. the Chromium of the `@sparticuz/chromium` package, a devDependency pinned in package-lock.json:
 *     `npm ci` installs it like any other file (no install script, no download, so it also comes
 *     with `npm ci --ignore-scripts`). It ships Linux x64 only, Brotli-compressed; its binary, the
 *     SwiftShader libraries the binary loads from its own folder and its fonts are unpacked once into
 *     the git-ignored project cache, `.cache/chromium/<version>/` (never the temp folder, which the
 *     package itself would use), reused while that version is installed; folders of other versions
 *     are removed when a new one is unpacked. It renders with its bundled fonts only (Open Sans, its
 *     own fontconfig file), so what it shows does not depend on the machine's fonts;
 *  3. a system Chromium or Chrome at a usual path (on macOS, Linux arm64, or without the package).
 *
 * Otherwise the checks fail saying how to get one.
 */
import { createReadStream, createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { brotliDecompressSync, createBrotliDecompress } from 'node:zlib';
import { PROJECT_ROOT } from '../../lib/project-root';
import { alive } from './setup/temp-dir';

export const CHROMIUM_PACKAGE = '@sparticuz/chromium';

/** Where a system Chromium or Chrome usually is, in the order they are tried. */
export const SYSTEM_CHROMIUM_PATHS = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
];

/** The default folder the package's Chromium is unpacked into (git-ignored, see .gitignore). */
export const CHROMIUM_CACHE = path.join(PROJECT_ROOT, '.cache', 'chromium');

/** Where the browser comes from, before anything is unpacked. */
export type ChromiumChoice =
  | { readonly source: 'CHROMIUM_PATH' | 'system'; readonly executablePath: string }
  | { readonly source: 'package'; readonly version: string; readonly binDir: string };

/** A Chromium ready to launch. */
export interface Chromium {
  readonly source: ChromiumChoice['source'];
  readonly executablePath: string;
  /** What identifies this browser for cached results: the package version, or the binary's path, size and date. */
  readonly identity: string;
  /** Environment variables to launch it with (the bundled fonts' fontconfig file), besides the process's own. */
  readonly env: Record<string, string>;
}

export interface ChromiumSearch {
  readonly env?: NodeJS.ProcessEnv;
  readonly platform?: NodeJS.Platform;
  readonly arch?: string;
  /** The installed package (null: not installed); looked up when not given. */
  readonly installed?: { readonly binDir: string; readonly version: string } | null;
  readonly systemPaths?: readonly string[];
  readonly exists?: (file: string) => boolean;
}

/** The installed package's `bin` folder and version, or undefined when it is not installed. */
export function installedPackage(): { binDir: string; version: string } | undefined {
  let main: string;
  try {
    main = require.resolve(CHROMIUM_PACKAGE, { paths: [PROJECT_ROOT] });
  } catch {
    return undefined;
  }
  // main is <package>/build/cjs/index.cjs
  const root = path.resolve(path.dirname(main), '..', '..');
  const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };
  return { binDir: path.join(root, 'bin'), version };
}

/** Decides which Chromium to use (see the file comment), without unpacking anything. */
export function chooseChromium(search: ChromiumSearch = {}): ChromiumChoice {
  const env = search.env ?? process.env;
  const exists = search.exists ?? existsSync;
  const override = env.CHROMIUM_PATH;
  if (override !== undefined && override !== '') {
    if (!exists(override)) throw new Error(`CHROMIUM_PATH is ${override}, which does not exist: point it at a Chromium or Chrome binary, or unset it to use the ${CHROMIUM_PACKAGE} package's Chromium.`);
    return { source: 'CHROMIUM_PATH', executablePath: override };
  }
  const installed = search.installed === undefined ? installedPackage() : search.installed;
  const platform = search.platform ?? process.platform;
  const arch = search.arch ?? process.arch;
  if (installed && platform === 'linux' && arch === 'x64' && exists(path.join(installed.binDir, 'chromium.br'))) {
    return { source: 'package', version: installed.version, binDir: installed.binDir };
  }
  const system = (search.systemPaths ?? SYSTEM_CHROMIUM_PATHS).find((file) => exists(file));
  if (system !== undefined) return { source: 'system', executablePath: system };
  const why = !installed ? `the ${CHROMIUM_PACKAGE} devDependency is not installed (run npm ci)` : `the ${CHROMIUM_PACKAGE} package ships Linux x64 only (this is ${platform} ${arch})`;
  throw new Error(`No Chromium for the browser checks: ${why}, and none of ${(search.systemPaths ?? SYSTEM_CHROMIUM_PATHS).join(', ')} exists. Set CHROMIUM_PATH to a Chromium or Chrome binary.`);
}

/** The regular files of an uncompressed tar archive (ustar), by relative path. */
export function tarFiles(tar: Buffer): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const field = (header: Buffer, start: number, length: number) => header.subarray(start, start + length).toString('utf8').replace(/\0.*$/s, '');
  for (let offset = 0; offset + 512 <= tar.length; ) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((byte) => byte === 0)) break;
    const name = [field(header, 345, 155), field(header, 0, 100)].filter(Boolean).join('/');
    const size = parseInt(field(header, 124, 12).trim() || '0', 8);
    const type = field(header, 156, 1);
    offset += 512;
    if ((type === '' || type === '0') && size >= 0) {
      const relative = path.normalize(name);
      if (path.isAbsolute(relative) || relative.startsWith('..')) throw new Error(`unsafe path in archive: ${name}`);
      files.set(relative, Buffer.from(tar.subarray(offset, offset + size)));
    }
    offset += Math.ceil(size / 512) * 512;
  }
  return files;
}

/** The fontconfig file that makes Chromium use the bundled fonts only, with its cache beside them. */
function fontsConf(dir: string): string {
  return ['<?xml version="1.0"?>', '<!DOCTYPE fontconfig SYSTEM "fonts.dtd">', '<fontconfig>', `  <dir>${path.join(dir, 'fonts')}</dir>`, `  <cachedir>${path.join(dir, 'fontconfig-cache')}</cachedir>`, '</fontconfig>', ''].join('\n');
}

/** Unpacks the package's Chromium into `cacheRoot/<version>` unless it is there already; returns that folder. */
export async function unpackChromium(binDir: string, version: string, cacheRoot: string = CHROMIUM_CACHE): Promise<string> {
  const dir = path.join(cacheRoot, version);
  if (existsSync(path.join(dir, 'chromium'))) return dir;
  mkdirSync(cacheRoot, { recursive: true });
  const partial = path.join(cacheRoot, `${version}.partial-${process.pid}`);
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial);
  try {
    for (const archive of ['swiftshader.tar.br', 'fonts.tar.br']) {
      for (const [name, data] of tarFiles(brotliDecompressSync(readFileSync(path.join(binDir, archive))))) {
        if (name === 'fonts.conf') continue; // it names /tmp folders; ours is written below
        mkdirSync(path.dirname(path.join(partial, name)), { recursive: true });
        writeFileSync(path.join(partial, name), data, { mode: 0o755 });
      }
    }
    writeFileSync(path.join(partial, 'fonts.conf'), fontsConf(dir));
    // Last, so that a folder with `chromium` in it is complete (the binary is about 190 MB: streamed).
    await pipeline(createReadStream(path.join(binDir, 'chromium.br')), createBrotliDecompress(), createWriteStream(path.join(partial, 'chromium'), { mode: 0o755 }));
    renameSync(partial, dir);
  } catch (e) {
    rmSync(partial, { recursive: true, force: true });
    // Another process unpacked the same version at the same time.
    if (existsSync(path.join(dir, 'chromium'))) return dir;
    throw e;
  }
  for (const name of readdirSync(cacheRoot)) {
    const pid = /\.partial-(\d+)$/.exec(name)?.[1];
    if (name !== version && (pid === undefined || !alive(Number(pid)))) rmSync(path.join(cacheRoot, name), { recursive: true, force: true });
  }
  return dir;
}

/** The Chromium for the browser checks, unpacked when it comes from the package. */
export async function chromiumForTests(search: ChromiumSearch = {}, cacheRoot: string = CHROMIUM_CACHE): Promise<Chromium> {
  const choice = chooseChromium(search);
  if (choice.source !== 'package') {
    const { size, mtimeMs } = statSync(choice.executablePath);
    return { source: choice.source, executablePath: choice.executablePath, identity: `${choice.executablePath} ${size} ${mtimeMs}`, env: {} };
  }
  const dir = await unpackChromium(choice.binDir, choice.version, cacheRoot);
  return { source: 'package', executablePath: path.join(dir, 'chromium'), identity: `${CHROMIUM_PACKAGE}@${choice.version}`, env: { FONTCONFIG_FILE: path.join(dir, 'fonts.conf') } };
}
