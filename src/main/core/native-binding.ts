// Native modules under Electron. better-sqlite3 and @abandonware/bluetooth-hci-socket are not
// N-API: a build works for one ABI only. node_modules keeps the Node build (tests, serve mode,
// the CLI); scripts/electron-native.mjs (run by `npm start` / `npm run dev`) builds copies for
// the installed Electron into .electron-native/ and records them in its manifest.json. These
// functions find those copies. They import no Electron, so a worker thread may call them too.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CodedError } from '../../shared/coded-error';

export const ELECTRON_NATIVE_DIR = '.electron-native';

export interface ElectronNativeManifest {
  electron: string;
  platform: string;
  arch: string;
  modules: Record<string, { version: string; dir: string; binary: string }>;
}

export class NativeModuleError extends CodedError<'not-built' | 'wrong-electron' | 'bad-manifest'> {
  override readonly name = 'NativeModuleError';
}

const REBUILD_HINT = 'run `node scripts/electron-native.mjs` (npm start and npm run dev do it)';

function findManifest(): { root: string; manifest: ElectronNativeManifest } | null {
  const starts = [dirname(fileURLToPath(import.meta.url)), process.cwd()];
  for (const start of starts) {
    let dir = start;
    for (let i = 0; i < 6; i++) {
      const file = join(dir, ELECTRON_NATIVE_DIR, 'manifest.json');
      if (existsSync(file)) {
        try {
          return { root: join(dir, ELECTRON_NATIVE_DIR), manifest: JSON.parse(readFileSync(file, 'utf8')) as ElectronNativeManifest };
        } catch (err) {
          throw new NativeModuleError('bad-manifest', `${file} is unreadable (${(err as Error).message}); ${REBUILD_HINT}`);
        }
      }
      const up = dirname(dir);
      if (up === dir) break;
      dir = up;
    }
  }
  return null;
}

function entryFor(moduleName: string): { root: string; entry: ElectronNativeManifest['modules'][string] } {
  const found = findManifest();
  const electron = process.versions.electron;
  if (!found) throw new NativeModuleError('not-built', `${moduleName} has no build for Electron ${electron}: ${REBUILD_HINT}`);
  const { root, manifest } = found;
  if (manifest.electron !== electron || manifest.platform !== process.platform || manifest.arch !== process.arch) {
    throw new NativeModuleError(
      'wrong-electron',
      `${moduleName} was built for Electron ${manifest.electron} ${manifest.platform}-${manifest.arch}, this is ${electron} ${process.platform}-${process.arch}: ${REBUILD_HINT}`,
    );
  }
  const entry = manifest.modules[moduleName];
  if (!entry || !existsSync(resolve(root, entry.binary))) throw new NativeModuleError('not-built', `${moduleName} has no build for Electron ${electron}: ${REBUILD_HINT}`);
  return { root, entry };
}

/**
 * The `nativeBinding` to give better-sqlite3: under Electron, the path of the Electron-ABI build;
 * under plain Node, undefined (use the module's own build). Throws a NativeModuleError naming
 * the fix when running under Electron without a matching build.
 */
export function electronNativeBinding(moduleName = 'better-sqlite3'): string | undefined {
  if (!process.versions.electron) return undefined;
  const { root, entry } = entryFor(moduleName);
  return resolve(root, entry.binary);
}

/** Directory of the Electron-ABI copy of a package, or undefined under plain Node. */
export function electronNativeModuleDir(moduleName: string): string | undefined {
  if (!process.versions.electron) return undefined;
  const { root, entry } = entryFor(moduleName);
  return resolve(root, entry.dir);
}

/**
 * Makes `require(name)` load the Electron-ABI copy, for packages loaded by other packages
 * (noble requires @abandonware/bluetooth-hci-socket itself; we cannot pass it a path). A package
 * without a build is left alone: its own loader reports the problem when, and only if, it is used.
 */
export function redirectElectronNativeModules(names: string[], log: (message: string) => void = () => {}): void {
  if (!process.versions.electron) return;
  const Module = createRequire(import.meta.url)('node:module') as {
    _resolveFilename(request: string, parent: unknown, isMain: boolean, options?: unknown): string;
  };
  const targets = new Map<string, string>();
  for (const name of names) {
    try {
      const dir = electronNativeModuleDir(name);
      if (dir) targets.set(name, dir);
    } catch (err) {
      log((err as Error).message);
    }
  }
  if (targets.size === 0) return;
  const original = Module._resolveFilename;
  Module._resolveFilename = function (request, parent, isMain, options) {
    const dir = targets.get(request);
    return original.call(this, dir ?? request, parent, isMain, options);
  };
}
