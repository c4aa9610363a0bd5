// The emulated Polar H10 wakes at its frames' own cadence: a timer for each item's due time, not a
// poll every 20 / 50 ms (which woke the process ~70 times a second for ~2.8 items, ~1 % of a core in
// the devices-cpu bench). The frames are the same: consecutive sample runs, device timestamps from
// the strap's sample count, each sent at (not before) its due time.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { EmulatedPolarH10 } from '../../../src/main/devices/emulator/ble-emulator';
import { encodePmdStartEcg } from '../../../src/shared/devices/polar/polar-commands';
import { parsePmdFrameHeader } from '../../../src/shared/devices/polar/polar-parse';
import { HEART_RATE_MEASUREMENT_UUID, HEART_RATE_SERVICE_UUID, PMD_CONTROL_POINT_UUID, PMD_DATA_UUID, PMD_SERVICE_UUID, POLAR_H10_ECG_RATE_HZ } from '../../../src/shared/devices/polar/polar.types';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('EmulatedPolarH10 schedule', () => {
  test('one wake per item due (ECG frames, heart rate), frames and their timestamps as before', async () => {
    // Wakes of the emulator's timers: runs of the callbacks it hands setTimeout / setInterval,
    // told by the stack that set them (node:test sets its own meanwhile).
    let wakes = 0;
    const realSetTimeout = globalThis.setTimeout;
    const realSetInterval = globalThis.setInterval;
    const counting = (real: (cb: () => void, ms?: number) => unknown) =>
      ((cb: () => void, ms?: number) => {
        if (!new Error().stack?.includes('ble-emulator')) return real(cb, ms);
        return real(() => {
          wakes++;
          cb();
        }, ms);
      }) as never;
    globalThis.setTimeout = counting(realSetTimeout as never);
    globalThis.setInterval = counting(realSetInterval as never);
    const bootNs = 599_616_000_000_000_000n;
    const strap = new EmulatedPolarH10('a0:9e:1a:00:ca:de', { bootNs });
    const link = strap.link();
    const frames: { at: number; ns: bigint; values: number }[] = [];
    let heartRates = 0;
    const t0 = performance.now();
    try {
      await link.subscribe(PMD_SERVICE_UUID, PMD_CONTROL_POINT_UUID, () => undefined);
      await link.subscribe(PMD_SERVICE_UUID, PMD_DATA_UUID, (b) => frames.push({ at: performance.now() - t0, ns: parsePmdFrameHeader(b).timestampNs, values: (b.length - 10) / 3 }));
      await link.subscribe(HEART_RATE_SERVICE_UUID, HEART_RATE_MEASUREMENT_UUID, () => heartRates++);
      // The ECG schedule starts in the write (its answer and start come in a microtask of it).
      const writeAt = performance.now() - t0;
      await link.write(PMD_SERVICE_UUID, PMD_CONTROL_POINT_UUID, encodePmdStartEcg(), true);
      const startedAt = performance.now() - t0;
      await sleep(2300);
      await link.disconnect();
      const elapsed = performance.now() - t0;
      globalThis.setTimeout = realSetTimeout;
      globalThis.setInterval = realSetInterval;

      const perFrameMs = (73 / POLAR_H10_ECG_RATE_HZ) * 1000;
      // Items due in the run: frames from the ECG start, heart rates from the link.
      const dueFrames = Math.floor((elapsed - startedAt) / perFrameMs);
      const dueRates = Math.floor(elapsed / 1000);
      assert.ok(frames.length >= 3 && frames.length <= dueFrames, `${frames.length} frames in ${(elapsed / 1000).toFixed(2)} s (${dueFrames} due)`);
      assert.ok(heartRates >= 1 && heartRates <= dueRates, `${heartRates} heart rates (${dueRates} due)`);
      // One wake per item sent: a poll every 20 / 50 ms woke ~160 times in this run. A timer that
      // fires a moment before its due time re-arms for the rest, hence a slack of a few (a late
      // one sends what is due in one wake: fewer wakes than items).
      const sent = frames.length + heartRates;
      assert.ok(wakes <= sent + 4, `${wakes} wakes of the emulator's timers for ${sent} items sent`);
      for (let i = 0; i < frames.length; i++) {
        assert.equal(frames[i].values, 73, `frame ${i}: 73 samples`);
        // Never before its due time (the strap's sample clock), whatever the timer did.
        assert.ok(frames[i].at >= writeAt + (i + 1) * perFrameMs, `frame ${i} sent at ${frames[i].at.toFixed(1)} ms, due from ${(writeAt + (i + 1) * perFrameMs).toFixed(1)} ms`);
        // Stamped 73 samples after the one before (each stamp is rounded to the ns).
        if (i > 0) {
          const step = Number(frames[i].ns - frames[i - 1].ns);
          assert.ok(Math.abs(step - (73 * 1e9) / POLAR_H10_ECG_RATE_HZ) <= 1, `frame ${i}: ${step} ns after the one before`);
        }
      }
      const first = frames[0].ns - bootNs;
      assert.ok(first > 0n, 'the first frame is stamped on the strap clock after boot');
    } finally {
      globalThis.setTimeout = realSetTimeout;
      globalThis.setInterval = realSetInterval;
      await link.disconnect();
    }
  });
});
