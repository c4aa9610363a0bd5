// The live devices around a replay, in the real core with the devices and sessions areas: a
// device whose connection failed stays as it is (its error showing) and is not restarted when the
// replay closes; the live ones come back, and the close does not wait for a slow reconnect.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RequestContext } from '../../../src/main/core/handler-registry';
import { startDevicesArea } from '../../../src/main/devices/devices.core';
import { DeviceManager } from '../../../src/main/devices/device-manager';
import { ManagedSource } from '../../../src/main/devices/device-source';
import type { DeviceDriver, DriverContext, DriverSession } from '../../../src/main/devices/device-driver.types';
import { DeviceError } from '../../../src/shared/devices/device-error';
import { tempDir } from '../db/db-test-util';
import { startSessionsCore } from '../replay/service-rig';
import { waitFor } from '../../fixtures/recording-sink';
import { coreCaller } from '../core/core-call';

const ctx: RequestContext = { transport: 'local', clientId: 'test' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A device that streams 10 values a second; every connection after the first takes `reopenMs`. */
class SlowToReopenDriver implements DeviceDriver {
  readonly deviceId = 'slow:1';
  readonly name = 'Slow device';
  readonly model = 'slow';
  readonly transport = 'serial' as const;
  readonly clockKind = 'counter' as const;
  readonly streamIds = ['slow:1/other'];
  opens = 0;
  constructor(private readonly reopenMs: number) {}

  async open(c: DriverContext): Promise<DriverSession> {
    if (++this.opens > 1) await sleep(this.reopenMs);
    c.streams([{ id: 'slow:1/other', deviceId: this.deviceId, deviceName: this.name, deviceModel: this.model, modality: 'other', nominalRateHz: 10, channels: [{ label: 'x', unit: 'a.u.', resolution: 0 }] }]);
    let n = 0;
    const timer = setInterval(() => c.samples('slow:1/other', n / 10, 1, new Float32Array([n++])), 100);
    return { close: async () => clearInterval(timer) };
  }
}

test('closing a replay restarts only the devices live before it, without waiting for them', async (t) => {
  let bluetoothTries = 0;
  const { core, service } = await startSessionsCore(t, [
    {
      name: 'devices',
      load: async () => ({
        start: (c) =>
          void startDevicesArea(
            c,
            new DeviceManager({
              hub: c.hub,
              clock: c.clock,
              dataDir: c.dataDir,
              log: (e) => c.log(e.level, e.source, e.message),
              // This computer has no Bluetooth, as in CI.
              central: async () => {
                bluetoothTries++;
                throw new DeviceError('unavailable', 'Bluetooth is not available (EAFNOSUPPORT)');
              },
              policy: { initialDelayMs: 20, maxDelayMs: 50 },
            }),
          ),
      }),
    },
  ]);
  const call = coreCaller(core, ctx);
  const state = (id: string) => core.hub.devices().find((d) => d.deviceId === id)?.state;

  // A Polar H10 that cannot connect: three tries, then an error; it is not remembered.
  await assert.rejects(call('hm:devices:connect', { config: { kind: 'polar-h10', id: 'zz' } }), /Bluetooth is not available.*gave up after 3 attempts/);
  assert.equal(bluetoothTries, 3);
  assert.equal(state('polar-h10:zz'), 'error');
  // A live device that takes 1 s to come back.
  const slow = new SlowToReopenDriver(1000);
  await core.hub.addSource(new ManagedSource(slow, { hostClock: core.ctx.clock }));
  assert.equal(state('slow:1'), 'streaming');
  const live = core.hub.sources().map((s) => s.deviceId).filter((id) => id !== 'polar-h10:zz');
  assert.equal(live.length, 3, 'two simulated devices and the slow one');

  const csv = join(tempDir(t), 'synthetic.csv');
  const row = (i: number) => Array.from({ length: 32 }, (_, c) => (c === 0 ? i % 256 : c === 30 ? 1.7e9 + i / 250 : Math.sin(i / 10 + c)).toFixed(6)).join('\t');
  writeFileSync(csv, Array.from({ length: 500 }, (_, i) => row(i)).join('\n') + '\n');
  const session = await call('hm:sessions:import', { path: csv, board: 'Synthetic' });

  for (let round = 0; round < 2; round++) {
    await call('hm:sessions:replay-open', { sessionId: session.id, speed: 'max' });
    // The live devices are parked; the failed one stays as it was, its error showing.
    assert.deepEqual(core.hub.sources().map((s) => s.deviceId).sort(), ['polar-h10:zz', `replay-${session.id}`], `round ${round}: the live devices parked, the failed one kept`);
    assert.equal(state('polar-h10:zz'), 'error', `round ${round}: the failed device still shows its error while replaying`);
    const logsBefore = core.recentLogs().length;
    await call('hm:sessions:replay-close');
    // Every live device is back in the list at once, the slow one still connecting: the close did not
    // wait for its 1-s reopen (what a wall-clock bound of 500 ms stood for; a loaded machine missed it).
    // A close that waited would find it streaming.
    assert.deepEqual(core.hub.sources().map((s) => s.deviceId).sort(), [...live, 'polar-h10:zz'].sort(), `round ${round}: every live device back at once after the close`);
    assert.equal(state('slow:1'), 'connecting', `round ${round}: the slow device still connecting when the close returns`);
    await service.restoring;
    assert.equal(state('slow:1'), 'streaming', `round ${round}: the slow device streaming once restored`);
    await waitFor('simulated devices streaming', () => live.every((id) => state(id) === 'streaming'), 3000);
    const after = core.recentLogs().slice(logsBefore).map((e) => e.message);
    assert.ok(!after.some((m) => /Polar H10 zz/.test(m)), after.join('\n'));
    assert.equal(bluetoothTries, 3, 'the failed device was not tried again');
    assert.equal(state('polar-h10:zz'), 'error', `round ${round}: the failed device still shows its error`);
  }
  assert.equal(slow.opens, 3);
});

test('a replay opened over another keeps the live devices parked until the last one closes', async (t) => {
  const { core, service } = await startSessionsCore(t);
  const call = coreCaller(core, ctx);
  const live = core.hub.sources().map((s) => s.deviceId).sort();
  const starts: string[] = [];
  core.subscribePushes((m) => m.type === 'pipeline:log' && /^starting /.test(m.entry.message) && starts.push(m.entry.source));
  const csv = join(tempDir(t), 'synthetic.csv');
  writeFileSync(csv, Array.from({ length: 300 }, (_, i) => Array.from({ length: 32 }, (_, c) => (c === 0 ? i % 256 : c === 30 ? 1.7e9 + i / 250 : 0)).join('\t')).join('\n') + '\n');
  const a = await call('hm:sessions:import', { path: csv, board: 'Synthetic' });
  const b = await call('hm:sessions:import', { path: csv, board: 'Synthetic' });
  await call('hm:sessions:replay-open', { sessionId: a.id, speed: 'max' });
  await call('hm:sessions:replay-open', { sessionId: b.id, speed: 'max' });
  assert.deepEqual(core.hub.sources().map((s) => s.deviceId), [`replay-${b.id}`]);
  assert.deepEqual(starts, [`device:replay-${a.id}`, `device:replay-${b.id}`], 'no live device restarted between the two replays');
  await call('hm:sessions:replay-close');
  await service.restoring;
  assert.deepEqual(core.hub.sources().map((s) => s.deviceId).sort(), live);
});
