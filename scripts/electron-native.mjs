#!/usr/bin/env node
// Builds Electron-ABI copies of the native modules that are not N-API, without touching
// node_modules (whose Node builds the tests, serve mode and the CLI keep using).
//
//   better-sqlite3                      (the recorder's database; opened with { nativeBinding })
//   @abandonware/bluetooth-hci-socket   (noble's Linux HCI socket, nan-based; require() redirected)
//
// For each: copy the package into .electron-native/node_modules/<name>, then fetch a prebuilt
// binary for the installed Electron (prebuild-install --runtime electron) or compile one
// (node-gyp --runtime=electron --target=<version> --dist-url=https://electronjs.org/headers).
// .electron-native/manifest.json records what was built for which Electron; a second run with
// the same Electron and module versions does nothing. src/main/core/native-binding.ts reads it.
// (@serialport/bindings-cpp, koffi, usb and noble are N-API: one build serves Node and Electron.)
//
// Run by `npm start` and `npm run dev`. Never fails the start: a module that cannot be built is
// reported, and the feature that needs it says so when used.
//   node scripts/electron-native.mjs [--force] [--check]
import { cpSync, existsSync, mkdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, '.electron-native');
const MANIFEST = join(OUT, 'manifest.json');
const HEADERS_URL = 'https://electronjs.org/headers';
const require = createRequire(join(ROOT, 'package.json'));

const MODULES = [
  { name: 'better-sqlite3', binary: 'build/Release/better_sqlite3.node', prebuilds: true },
  { name: '@abandonware/bluetooth-hci-socket', binary: 'build/Release/bluetooth_hci_socket.node', prebuilds: false, platforms: ['linux'] },
];

const args = new Set(process.argv.slice(2));
const force = args.has('--force');
const checkOnly = args.has('--check');
const say = (msg) => console.log(`electron-native: ${msg}`);

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

function electronVersion() {
  const pkg = readJson(join(ROOT, 'node_modules', 'electron', 'package.json'));
  return pkg?.version ?? null;
}

function run(cmd, argv, cwd, env = process.env) {
  const r = spawnSync(cmd, argv, { cwd, stdio: 'inherit', env });
  return r.status === 0;
}

/**
 * node-gyp's environment for an Electron build. Under `npm start` npm hands its configuration on as
 * npm_config_* variables, and a `nodedir` there (set in ~/.npmrc to build addons against a Linux
 * distribution's Node headers, e.g. nodedir=/usr) made node-gyp compile against Node's headers
 * instead of Electron's: a build that "succeeded" with Node's ABI, which Electron then refuses to
 * load (NODE_MODULE_VERSION). So it is dropped, and the target is Electron's.
 */
export function electronGypEnv(env, electron) {
  const out = Object.fromEntries(Object.entries(env).filter(([k]) => k.toLowerCase() !== 'npm_config_nodedir'));
  return { ...out, npm_config_runtime: 'electron', npm_config_target: electron, npm_config_disturl: HEADERS_URL };
}

function build(mod, electron, manifest) {
  const src = join(ROOT, 'node_modules', mod.name);
  const pkg = readJson(join(src, 'package.json'));
  if (!pkg) return say(`${mod.name}: not installed, skipped`), null;
  const dir = join(OUT, 'node_modules', mod.name);
  const rel = relative(OUT, dir);
  const binary = join(rel, mod.binary);
  const have = manifest?.modules?.[mod.name];
  if (!force && have && manifest.electron === electron && have.version === pkg.version && existsSync(join(OUT, binary))) {
    say(`${mod.name} ${pkg.version}: up to date for Electron ${electron}`);
    return have;
  }
  if (checkOnly) return say(`${mod.name} ${pkg.version}: needs a build for Electron ${electron}`), null;

  say(`${mod.name} ${pkg.version}: building for Electron ${electron} (${process.platform}-${process.arch})`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dirname(dir), { recursive: true });
  // The sources, without the Node build (and without nested node_modules: deps resolve upwards to ours).
  cpSync(src, dir, { recursive: true, filter: (p) => !/[\\/](build|node_modules|prebuilds|lib[\\/]binding)$/.test(p) });

  const common = ['--runtime=electron', `--target=${electron}`, `--arch=${process.arch}`];
  let ok = false;
  if (mod.prebuilds) {
    const prebuild = require.resolve('prebuild-install/bin.js');
    ok = run(process.execPath, [prebuild, '--runtime', 'electron', '--target', electron, '--arch', process.arch, '--platform', process.platform], dir);
    if (!ok) say(`${mod.name}: no prebuilt binary, compiling`);
  }
  if (!ok) {
    const gyp = require.resolve('node-gyp/bin/node-gyp.js');
    ok = run(process.execPath, [gyp, 'rebuild', '--release', ...common, `--dist-url=${HEADERS_URL}`], dir, electronGypEnv(process.env, electron));
  }
  if (!ok || !existsSync(join(OUT, binary))) {
    say(`${mod.name}: FAILED to build for Electron ${electron}. The app starts, but what needs ${mod.name} reports it.`);
    say('  needs: network access to the prebuilt binaries (github.com), or a C++ toolchain, Python and Electron\'s headers (electronjs.org) for node-gyp.');
    return null;
  }
  return { version: pkg.version, dir: rel, binary };
}

function main() {
  if (process.env.HEARTMIND_SKIP_ELECTRON_NATIVE === '1') return say('skipped (HEARTMIND_SKIP_ELECTRON_NATIVE=1)');
  const electron = electronVersion();
  if (!electron) return say('electron is not installed; nothing to build');
  const old = readJson(MANIFEST);
  const manifest = old && old.electron === electron && old.platform === process.platform && old.arch === process.arch ? old : null;
  const modules = {};
  for (const mod of MODULES) {
    if (mod.platforms && !mod.platforms.includes(process.platform)) continue;
    const entry = build(mod, electron, manifest);
    if (entry) modules[mod.name] = entry;
  }
  if (checkOnly) return;
  mkdirSync(OUT, { recursive: true });
  writeFileSync(MANIFEST, JSON.stringify({ electron, platform: process.platform, arch: process.arch, modules }, null, 2) + '\n');
}

// Run as a script (npm start, npm run dev); imported, it only lends electronGypEnv to its test.
// (realpath: Node resolves the symlinks of a script's path for import.meta.url, not in argv.)
if (process.argv[1] && existsSync(process.argv[1]) && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) main();
