// The live store's device list follows the core's: a replay's device goes when the replay closes,
// the live devices parked for it leave while it runs and come back after; a device the core keeps
// while stopped (the demo headset) stays listed as stopped; a replay that reached its end stays
// (stopped) until it is closed. Driven by the pushes the core sends (a device taken off the hub
// is pushed as 'stopped') and a fake core answering the snapshot from its own list.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { HeartMindClient } from '../../../src/renderer/src/transport/client';
import type { PushMessage, PushType } from '../../../src/shared/ipc-schema';
import type { DeviceState, DeviceStatus } from '../../../src/shared/device.types';

(globalThis as { window?: unknown }).window ??= globalThis;
const { LiveStore } = await import('../../../src/renderer/src/live/live-store');

function fakeCore() {
  const listeners = new Map<string, Set<(m: PushMessage) => void>>();
  /** What the core lists: the devices it keeps (with controls) and those in its hub. */
  const listed = new Map<string, DeviceStatus>();
  const kept = new Set<string>();
  let snapshots = 0;
  const client = {
    transport: 'websocket',
    state: 'open',
    invoke: async (channel: string) => {
      assert.equal(channel, 'hm:pipeline:snapshot', 'only the snapshot is asked for');
      snapshots++;
      await new Promise((r) => setTimeout(r, 5));
      return {
        streams: [],
        devices: [...listed.values()],
        controls: [...kept].map((deviceId) => ({ deviceId, settings: [], faults: [] })),
        logs: [],
        windowing: null,
        settings: null,
        runtime: null,
        version: 'test',
        clocks: [],
      };
    },
    on: (type: PushType, l: (m: PushMessage) => void) => {
      let set = listeners.get(type);
      if (!set) listeners.set(type, (set = new Set()));
      set.add(l);
      return () => void set!.delete(l);
    },
    onConnection: () => () => {},
    onError: () => () => {},
    close: () => {},
  } as unknown as HeartMindClient;
  const status = (deviceId: string, state: DeviceState): DeviceStatus => ({ deviceId, name: deviceId, model: 'test', transport: deviceId.startsWith('replay') ? 'replay' : 'sim', state, streamIds: [] });
  /** The core's status push; `inHub: false` is a device taken off the hub. */
  const push = (deviceId: string, state: DeviceState, inHub = true) => {
    const s = status(deviceId, state);
    if (inHub || kept.has(deviceId)) listed.set(deviceId, s);
    else listed.delete(deviceId);
    for (const l of listeners.get('pipeline:device-status') ?? []) l({ type: 'pipeline:device-status', status: s } as PushMessage);
  };
  return { client, push, kept, snapshots: () => snapshots };
}

const settle = () => new Promise((r) => setTimeout(r, 40));
const ids = (store: InstanceType<typeof LiveStore>) => [...store.devices.values()].map((d) => `${d.deviceId}:${d.state}`).sort();

test("a replay's device goes when it closes; the live devices parked for it leave and come back; a kept device stays stopped", async () => {
  const core = fakeCore();
  core.kept.add('demo-eeg');
  const store = new LiveStore(core.client);
  await store.resync();
  core.push('demo-eeg', 'streaming');
  core.push('cyton:/dev/ttyUSB0', 'streaming');
  assert.deepEqual(ids(store), ['cyton:/dev/ttyUSB0:streaming', 'demo-eeg:streaming']);

  // A replay opens: the live devices are taken off the hub, the replay's device comes on.
  core.push('demo-eeg', 'stopped', false);
  core.push('cyton:/dev/ttyUSB0', 'stopped', false);
  core.push('replay:7', 'streaming');
  await settle();
  assert.deepEqual(ids(store), ['demo-eeg:stopped', 'replay:7:streaming'], 'the paired device parked for the replay is not listed as stopped; the demo headset is');

  // The replay reaches its end: stopped, still open (and in the core's list) until closed.
  core.push('replay:7', 'stopped');
  await settle();
  assert.deepEqual(ids(store), ['demo-eeg:stopped', 'replay:7:stopped'], 'an ended replay stays until it is closed');

  // Closed: it leaves the hub, and the live devices come back.
  core.push('replay:7', 'stopped', false);
  core.push('demo-eeg', 'connecting');
  core.push('cyton:/dev/ttyUSB0', 'connecting');
  await settle();
  assert.deepEqual(ids(store), ['cyton:/dev/ttyUSB0:connecting', 'demo-eeg:connecting'], "the replay's device is gone, the live ones are back");
  store.dispose();
});

test('stops in a burst ask the core once at a time, and a kept device stopping asks nothing', async () => {
  const core = fakeCore();
  core.kept.add('demo-eeg');
  const store = new LiveStore(core.client);
  await store.resync();
  const before = core.snapshots();
  core.push('demo-eeg', 'stopped', false);
  await settle();
  assert.equal(core.snapshots(), before, 'a device the core keeps needs no list from it');
  for (let i = 0; i < 5; i++) core.push(`replay:${i}`, 'streaming');
  for (let i = 0; i < 5; i++) core.push(`replay:${i}`, 'stopped', false);
  await settle();
  assert.ok(core.snapshots() - before <= 2, `snapshots asked for: ${core.snapshots() - before}`);
  assert.deepEqual(ids(store), ['demo-eeg:stopped'], 'every removed replay device gone');
  store.dispose();
});
