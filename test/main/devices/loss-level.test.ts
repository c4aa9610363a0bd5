// How a packet loss is shown and said: a short loss is a note (the row's problem has level 'info'),
// said in the log once, by the pipeline's own line for it (info, repeats throttled); a loss that is a large share of a stream's
// samples (more than the windower tolerates interpolated) is a warning, and a note after it does
// not cover it. The hub's problem for a loss the pipeline bridged is a note too, and does not cover
// the source's warning.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ManagedSource } from '../../../src/main/devices/device-source';
import type { DeviceDriver, DriverContext } from '../../../src/main/devices/device-driver.types';
import type { DeviceStatus } from '../../../src/shared/device.types';
import type { LogEntry } from '../../../src/shared/log.types';
import type { StreamInfo } from '../../../src/shared/stream.types';
import { MAX_BRIDGED_SHARE } from '../../../src/shared/pipeline/windower';
import { SimEegHeadset, DEMO_HEADSET_ID } from '../../../src/main/sources';
import type { Source } from '../../../src/shared/device.types';
import { rig } from '../hub/hub-rig';
import { SerialTextDriver } from '../../../src/main/devices/drivers/serial-text-driver';

const EEG: StreamInfo = { id: 'cyton:/dev/ttyUSB9/eeg', deviceId: 'cyton:/dev/ttyUSB9', deviceName: 'x', deviceModel: 'cyton', modality: 'eeg', channels: [{ label: 'C1', unit: 'uV', resolution: 1 }], nominalRateHz: 250 };

/** A driver that opens at once and hands the test its DriverContext, to play the device through. */
function openingDriver(d: Pick<DeviceDriver, 'deviceId' | 'name' | 'model' | 'transport' | 'lossHint'>): { driver: DeviceDriver; ctx: () => DriverContext } {
  let ctx: DriverContext | null = null;
  const driver: DeviceDriver = {
    ...d,
    clockKind: 'counter',
    streamIds: [],
    open: async (c) => {
      ctx = c;
      return { close: async () => undefined };
    },
  };
  return { driver, ctx: () => ctx! };
}

/** Waits (up to 10 s) until `src` streams. */
async function untilStreaming(src: ManagedSource): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (src.state !== 'streaming') {
    assert.ok(Date.now() < deadline, `the source streams (state ${src.state})`);
    await new Promise((res) => setTimeout(res, 5));
  }
}

async function streaming(as: Pick<DeviceDriver, 'name' | 'model' | 'lossHint'> = { name: 'OpenBCI Cyton (/dev/ttyUSB9)', model: 'cyton' }) {
  const clock = { t: 1000, now: () => clock.t };
  const logs: LogEntry[] = [];
  const statuses: DeviceStatus[] = [];
  const { driver, ctx: driverCtx } = openingDriver({ deviceId: 'cyton:/dev/ttyUSB9', transport: 'serial', ...as });
  const src = new ManagedSource(driver, { hostClock: clock, log: (e) => logs.push(e), policy: { stallTimeoutMs: 60_000 } });
  void src.start({ streams: () => undefined, chunk: () => undefined, gap: () => undefined, status: (s) => statuses.push(s) });
  await untilStreaming(src);
  const ctx = driverCtx();
  ctx.streams([EEG]);
  let index = 0;
  /** `seconds` of 0.1-s chunks at 250 Hz, of which `lostEach` samples each are lost (counted by the device). */
  const run = (seconds: number, lostEach = 0) => {
    for (let k = 0; k < seconds * 10; k++) {
      clock.t += 0.1;
      if (lostEach) {
        index += lostEach;
        ctx.lost(EEG.id, lostEach, 'packet-loss');
      }
      ctx.samples(EEG.id, index / 250, 25 - lostEach, new Float32Array(25 - lostEach));
      index += 25 - lostEach;
    }
  };
  return { src, ctx: () => ctx, run, logs, statuses };
}

describe('packet loss: a note, or a warning when it is a large share', () => {
  test("a text device's losses are the lines it skipped: the warning says so, not the radio (it has none)", async () => {
    const text = new SerialTextDriver({ path: '/dev/ttyUSB9', channels: ['ECG'], rateHz: 250, unit: 'uV', modality: 'ecg', name: 'Arduino ECG' });
    const { src, run } = await streaming({ name: text.name, model: 'serial-text', lossHint: text.lossHint });
    run(5);
    run(3, 8);
    const p = src.status().problem;
    assert.equal(p?.level, undefined, `a warning: ${p?.message}`);
    assert.match(p?.message ?? '', /left out \(each line skipped as malformed is a sample lost: a noisy cable, or lines the device prints that are not samples\?\)$/);
    await src.stop();
  });

  test('one short loss in a clean stream: a note on the row, a debug line (the pipeline says it), no warning', async () => {
    const { src, run, logs, ctx } = await streaming();
    run(5);
    ctx().lost(EEG.id, 4, 'packet-loss');
    run(1);
    const p = src.status().problem;
    assert.equal(p?.code, 'packet-loss', 'the loss is on the row');
    assert.equal(p?.level, 'info', 'as a note');
    const lines = logs.filter((l) => /lost on/.test(l.message));
    assert.deepEqual(lines.map((l) => l.level), ['debug'], 'said once, as debug');
    assert.deepEqual(logs.filter((l) => l.level === 'warn' || l.level === 'error').map((l) => l.message), [], 'no warning');
    await src.stop();
  });

  test(`losses above ${MAX_BRIDGED_SHARE * 100} % of the samples: a warning with the share, which a later small loss does not cover`, async () => {
    const { src, run, logs, ctx } = await streaming();
    run(5);
    // 8 of every 25 samples lost (32 %) for 3 s.
    run(3, 8);
    const p = src.status().problem;
    assert.equal(p?.code, 'packet-loss', 'on the row');
    assert.equal(p?.level, undefined, `a warning: ${p?.message}`);
    assert.match(p?.message ?? '', /\d+ % of its samples lost lately — windows more than 10 % interpolated are left out \(a weak or crowded radio link\? bring the device closer to its receiver\)$/, 'says the share, what it costs, and (the Cyton board talks to its dongle by radio) what to check');
    assert.ok(logs.some((l) => l.level === 'warn' && /% of its samples lost/.test(l.message)), 'a warning in the log');
    // Clean again for a moment, then one small loss: the share over the last 5 s is still high, so
    // the warning stays; long after, a small loss is a note again.
    run(1);
    ctx().lost(EEG.id, 1, 'packet-loss');
    assert.equal(src.status().problem?.level, undefined, 'still a warning');
    run(20);
    ctx().lost(EEG.id, 1, 'packet-loss');
    assert.equal(src.status().problem?.level, 'info', `a note once the share is small: ${src.status().problem?.message}`);
    await src.stop();
  });

  test('a note does not replace a warning the row shows (bad frames)', async () => {
    const { src, run, ctx } = await streaming();
    run(3);
    ctx().problem('bad-frame', 'skipped 3 byte(s)');
    run(0.5);
    ctx().lost(EEG.id, 2, 'packet-loss');
    assert.equal(src.status().problem?.code, 'bad-frame', 'the warning stays');
    await src.stop();
  });

  test('through the hub, a Muse losing a packet a second: each loss said once (the pipeline\'s line), repeats held back', async () => {
    const MUSE: StreamInfo = { ...EEG, id: 'muse:x/eeg', deviceId: 'muse:x', deviceModel: 'muse-s', nominalRateHz: 256 };
    const r = rig();
    const { driver, ctx: driverCtx } = openingDriver({ deviceId: 'muse:x', name: 'Muse S', model: 'muse-s', transport: 'ble' });
    const src = new ManagedSource(driver, { hostClock: r.clock, log: (e) => r.logs.push(e), policy: { stallTimeoutMs: 600_000 } });
    void r.hub.addSource(src);
    await untilStreaming(src);
    const ctx = driverCtx();
    ctx.streams([MUSE]);
    // 30 s of 12-sample packets (21.3 a second), the 11th of each second lost and counted.
    let index = 0;
    for (let k = 0; k < 21 * 30; k++) {
      r.sched.advance(12 / 256);
      index += 12;
      if (k % 21 === 10) ctx.lost(MUSE.id, 12, 'packet-loss');
      else ctx.samples(MUSE.id, (index - 12) / 256, 12, new Float32Array(12).map((_, i) => Math.sin(index + i)));
    }
    const lossLines = r.logs.filter((l) => /lost|missing|packets lost/.test(l.message));
    const said = lossLines.filter((l) => l.level !== 'debug');
    assert.ok(said.length >= 3 && said.length <= 4, `the pipeline's line every 10 s or so, not one or three a loss: ${said.map((l) => l.message).join(' | ')}`);
    assert.ok(said.every((l) => l.level === 'info' && /12 samples \(46\.9 ms\) missing: a gap is marked, bridged by linear interpolation/.test(l.message)), `the lines say what was done: ${said.map((l) => l.message).join(' | ')}`);
    assert.match(said.at(-1)!.message, /\(\d+ more like it in the last \d+ s\)/, 'with how many it held back');
    assert.equal(lossLines.filter((l) => l.level === 'debug' && /12 samples lost on muse:x\/eeg/.test(l.message)).length, 30, 'each loss the device counted is in the debug log');
    assert.equal(src.status().problem?.level, 'info', 'a note on the row');
    await r.hub.close();
  });

  test("through the hub: a loss the pipeline bridged is a note on the row; it does not cover the source's own warning", async () => {
    for (const sourceWarns of [false, true]) {
      const r = rig();
      const headset = new SimEegHeadset({ deviceId: DEMO_HEADSET_ID, name: 'Simulated headset', clock: r.clock, scheduler: r.sched, seed: 11, settings: { preset: '10-20', lossPercent: 1 } });
      // The source's own status carries a warning from its start (as a device with a large loss share would).
      const warning = { code: 'packet-loss' as const, message: '30 % of its samples lost lately', time: r.clock.now() };
      const source: Source = sourceWarns
        ? {
            deviceId: headset.deviceId,
            start: (sink) => headset.start({ ...sink, status: (st) => sink.status({ ...st, problem: warning }) }),
            stop: () => headset.stop(),
            status: () => ({ ...headset.status(), problem: warning }),
          }
        : headset;
      await r.hub.addSource(source);
      r.sched.advance(30);
      const shown = r.statuses.filter((st) => st.problem?.code === 'packet-loss').map((st) => st.problem!);
      assert.ok(r.logs.some((l) => /bridged by linear interpolation/.test(l.message) && l.level === 'info'), 'the pipeline bridged a loss and said it as info');
      if (sourceWarns) assert.ok(shown.length > 0 && shown.every((p) => p.message === warning.message && p.level === undefined), `the warning stays on the row: ${shown.map((p) => p.message).join(' | ')}`);
      else assert.ok(shown.length > 0 && shown.every((p) => p.level === 'info'), 'the bridged loss is a note on the row');
      await r.hub.close();
    }
  });
});
