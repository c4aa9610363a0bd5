// scripts/electron-native.mjs: the Electron-ABI build of the native modules must target Electron's
// headers whatever npm's configuration says. Nothing is built here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

/** electronGypEnv(env, '45.5.0') as the script computes it, in a process of its own (the script is plain ESM). */
function gypEnv(env: Record<string, string>): Record<string, string> {
  const code = `import('./scripts/electron-native.mjs').then((m) => console.log(JSON.stringify(m.electronGypEnv(${JSON.stringify(env)}, '45.5.0'))))`;
  const r = spawnSync(process.execPath, ['-e', code], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Record<string, string>;
}

test("a nodedir in npm's configuration (~/.npmrc nodedir=/usr) does not send node-gyp to Node's headers", () => {
  // npm start passes ~/.npmrc on as npm_config_nodedir; node-gyp took it over --target and built for Node's ABI
  const env = gypEnv({ PATH: '/usr/bin', npm_config_nodedir: '/usr', NPM_CONFIG_NODEDIR: '/usr', npm_config_cache: '/c' });
  assert.deepEqual(env, {
    PATH: '/usr/bin',
    npm_config_cache: '/c',
    npm_config_runtime: 'electron',
    npm_config_target: '45.5.0',
    npm_config_disturl: 'https://electronjs.org/headers',
  }, 'nodedir dropped, Electron targeted, the rest kept');
});

test('imported, the script builds nothing (it runs only as a script)', () => {
  const r = spawnSync(process.execPath, ['-e', "import('./scripts/electron-native.mjs').then(() => console.log('imported'))"], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'imported\n', 'no electron-native: lines');
});
