// The preload's bridge, with a recording stand-in for ipcRenderer (the bridge is plain code; only
// index.ts touches Electron).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createBridgeApi } from '../../src/preload/api';
import { ELECTRON_PICK_PATH } from '../../src/shared/ipc/pick-path';
import { ELECTRON_PORT_REQUEST } from '../../src/shared/ipc/transport-protocol';

test('the bridge forwards requests, port requests and file dialogs on their channels, nothing else', async () => {
  const calls: unknown[][] = [];
  const ipc = {
    invoke: async (...args: unknown[]) => (calls.push(['invoke', ...args]), { ok: true, value: args[0] === ELECTRON_PICK_PATH ? '/data/a.edf' : 1 }),
    send: (...args: unknown[]) => void calls.push(['send', ...args]),
  };
  const api = createBridgeApi(ipc, { platform: 'linux', versions: { electron: '45.0.0', chrome: '142', node: '22' } });
  assert.deepEqual(await api.invoke('hm:sessions:list', {}), { ok: true, value: 1 });
  api.requestPushPort();
  const pick = { mode: 'open-file' as const, title: 'Import a recording', filters: [{ name: 'EDF', extensions: ['edf'] }] };
  assert.deepEqual(await api.pickPath(pick), { ok: true, value: '/data/a.edf' });
  assert.deepEqual(calls, [
    ['invoke', 'hm:sessions:list', {}],
    ['send', ELECTRON_PORT_REQUEST],
    ['invoke', ELECTRON_PICK_PATH, pick],
  ]);
  assert.deepEqual(api.versions, { electron: '45.0.0', chrome: '142' }, 'only the versions the page shows');
});
