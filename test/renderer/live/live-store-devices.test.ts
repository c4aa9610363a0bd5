// The live store's device list follows the core's: a device leaves it when the core says so
// ('pipeline:device-removed': a replay closed, a paired device disconnected or parked for a
// replay), never from a 'stopped' status alone (a demo device stops and stays listed; a replay that
// reached its end stays until it is closed). First on scripted pushes, then over the real core
// (hub, pipeline area, demo devices, sessions area with a replay), with no snapshot asked for
// after the first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HeartMindClient } from '../../../src/renderer/src/transport/client';
import { PushRouter } from '../../../src/renderer/src/transport/client';
import type { PushMessage, PushType } from '../../../src/shared/ipc-schema';
import type { DeviceState, DeviceStatus, Source, SourceSink } from '../../../src/shared/device.types';
import type { Envelope } from '../../../src/shared/ipc/wire-error';
import { tempDir } from '../../main/db/db-test-util';
import { startSessionsCore } from '../../main/replay/service-rig';
import { waitFor } from '../../fixtures/recording-sink';

(globalThis as { window?: unknown }).window ??= globalThis;
const { LiveStore } = await import('../../../src/renderer/src/live/live-store');

const ids = (store: InstanceType<typeof LiveStore>) => [...store.devices.values()].map((d) => `${d.deviceId}:${d.state}`).sort();

test("scripted pushes: a 'stopped' status keeps the device listed; 'pipeline:device-removed' drops it, and nothing is asked of the core", async () => {
  const router = new PushRouter();
  let invokes = 0;
  const client = {
    transport: 'websocket',
    state: 'open',
    invoke: async () => {
      invokes++;
      return { streams: [], devices: [], controls: [], logs: [], windowing: null, settings: null, runtime: null, version: 'test', clocks: [] };
    },
    on: router.on.bind(router),
    onConnection: () => () => {},
    onError: () => () => {},
    close: () => {},
  } as unknown as HeartMindClient;
  const store = new LiveStore(client);
  await store.resync();
  const status = (deviceId: string, state: DeviceState): DeviceStatus => ({ deviceId, name: deviceId, model: 'test', transport: 'serial', state, streamIds: [] });
  const push = (m: PushMessage) => router.dispatch(m);
  push({ type: 'pipeline:device-status', status: status('cyton:/dev/ttyUSB0', 'streaming') });
  push({ type: 'pipeline:device-status', status: status('replay-3', 'streaming') });
  push({ type: 'pipeline:device-status', status: status('replay-3', 'stopped') });
  assert.deepEqual(ids(store), ['cyton:/dev/ttyUSB0:streaming', 'replay-3:stopped'], 'a stopped device stays until the core removes it');
  const before = store.version;
  push({ type: 'pipeline:device-status', status: status('cyton:/dev/ttyUSB0', 'stopped') });
  push({ type: 'pipeline:device-removed', deviceId: 'cyton:/dev/ttyUSB0' });
  assert.deepEqual(ids(store), ['replay-3:stopped'], 'the removed device is gone at once');
  assert.ok(store.version > before, 'the panels are told');
  const after = store.version;
  push({ type: 'pipeline:device-removed', deviceId: 'never-listed' });
  assert.equal(store.version, after, 'removing a device the page never had changes nothing');
  assert.equal(invokes, 1, 'only the first snapshot was asked for');
  store.dispose();
});

/** A device that is neither a demo device nor known to the core while stopped (as a paired one). */
class PlainSource implements Source {
  readonly watchesStalls = true;
  private state: DeviceState = 'stopped';
  constructor(readonly deviceId: string) {}
  async start(sink: SourceSink): Promise<void> {
    this.state = 'streaming';
    sink.status(this.status());
  }
  async stop(): Promise<void> {
    this.state = 'stopped';
  }
  status(): DeviceStatus {
    return { deviceId: this.deviceId, name: 'Plain device', model: 'plain', transport: 'serial', state: this.state, streamIds: [] };
  }
}

test('over the real core: a device taken off the hub leaves the list, a demo device stopped stays, a replay stays after its end and goes when closed', async (t) => {
  const { core, service } = await startSessionsCore(t);
  const ctx = { transport: 'local' as const, clientId: 'test' };
  const router = new PushRouter();
  t.after(core.subscribePushes((m) => router.dispatch(m)));
  let snapshots = 0;
  const call = async (channel: string, req?: unknown) => {
    if (channel === 'hm:pipeline:snapshot') snapshots++;
    const env = (await core.handlers.dispatch(channel, req, ctx)) as Envelope<unknown>;
    if (!env.ok) throw new Error(`${channel}: ${env.error.message}`);
    return env.value as any; // eslint-disable-line @typescript-eslint/no-explicit-any
  };
  const client = { transport: 'websocket', state: 'open', invoke: call, on: router.on.bind(router), onConnection: () => () => {}, onError: () => () => {}, close: () => {} } as unknown as HeartMindClient;
  const store = new LiveStore(client);
  t.after(() => store.dispose());
  await store.resync();
  const demo = ['sim-ecg-1', 'sim-eeg-1'];
  assert.deepEqual(ids(store), demo.map((d) => `${d}:streaming`));

  await core.hub.addSource(new PlainSource('plain:1'));
  assert.deepEqual(ids(store), ['plain:1:streaming', ...demo.map((d) => `${d}:streaming`)]);
  await core.hub.removeSource('plain:1');
  assert.deepEqual(ids(store), demo.map((d) => `${d}:streaming`), 'the device taken off the hub is gone at once, without a snapshot');

  await call('hm:pipeline:device-stop', { deviceId: 'sim-ecg-1' });
  assert.deepEqual(ids(store), ['sim-ecg-1:stopped', 'sim-eeg-1:streaming'], 'a demo device stopped stays listed as stopped');
  await call('hm:pipeline:device-start', { deviceId: 'sim-ecg-1' });

  const csv = join(tempDir(t), 'synthetic.csv');
  writeFileSync(csv, Array.from({ length: 300 }, (_, i) => Array.from({ length: 32 }, (_, c) => (c === 0 ? i % 256 : c === 30 ? 1.7e9 + i / 250 : 0)).join('\t')).join('\n') + '\n');
  const session = await call('hm:sessions:import', { path: csv, board: 'Synthetic' });
  const replay = `replay-${session.id}`;
  await call('hm:sessions:replay-open', { sessionId: session.id, speed: 'max' });
  // The demo devices are parked for the replay: the core keeps them, stopped.
  await waitFor('the replay at its end', () => store.devices.get(replay)?.state === 'stopped', 10_000);
  assert.deepEqual(ids(store), [`${replay}:stopped`, 'sim-ecg-1:stopped', 'sim-eeg-1:stopped'], 'an ended replay stays until it is closed');
  // Start on a demo card meanwhile is refused (it would stream into the replay), saying why.
  await assert.rejects(call('hm:pipeline:device-start', { deviceId: 'sim-ecg-1' }), /Simulated chest strap is not started while a session replays/);
  assert.equal(store.devices.get('sim-ecg-1')?.state, 'stopped', 'still stopped');
  await call('hm:sessions:replay-close');
  await service.restoring;
  assert.ok(!store.devices.has(replay), `the closed replay is gone: ${ids(store).join(', ')}`);
  await waitFor('the demo devices back', () => demo.every((d) => store.devices.get(d)?.state === 'streaming'), 5000);
  assert.equal(snapshots, 1, 'the list followed the pushes alone');
});
