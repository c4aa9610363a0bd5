// Three real device paths at once, each on its own crystal, over a long run: an OpenBCI Cyton whose
// clock runs 400 ppm fast and a text-mode ECG device 300 ppm slow (emulators behind socat
// pseudo-terminals, paced on the host clock by their crystal error) and BrainFlow's synthetic board
// (its own reader thread, which runs slow by itself). Each serial device prints a 1 Hz sine whose
// phase is the host time its sample was made, so after the hub's clock alignment the phase of the
// conditioned signal (filters off) on the host grid says how far off each device is placed: the
// residual. Unaligned, the two serial devices part by 0.7 ms per second (17 ms in 25 s, 126 ms in
// 3 min); aligned they must stay within a couple of ms of each other and of the truth, which is
// late by a sample period (an emulator sends a sample once its period is over, as an ADC does once
// its conversion is) and the transport's own delay. HM_DRIFT_TEST_S=180 runs it for three minutes
// and prints the figures every 5 s.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { StreamHub } from '../../../src/main/hub/hub';
import { ManagedSource } from '../../../src/main/devices/device-source';
import { CytonDriver } from '../../../src/main/devices/drivers/cyton-driver';
import { SerialTextDriver } from '../../../src/main/devices/drivers/serial-text-driver';
import { BrainFlowDriver } from '../../../src/main/devices/drivers/brainflow-driver';
import { CytonEmulator } from '../../../src/main/devices/emulator/cyton-emulator';
import { TextEmulator } from '../../../src/main/devices/emulator/text-emulator';
import { cytonCountsFromUv } from '../../../src/shared/devices/cyton/cyton-encode';
import type { ConditionedBlock, SyncWindow } from '../../../src/shared/window.types';
import { PtyPair, NEED_SOCAT } from '../../fixtures/pty';
import { systemClock } from '../../fixtures/recording-sink';

const LIB = join(resolve('..', 'shared', 'brainflow', 'linux-x64'), 'libBoardController.so');
const NEED_BF = (!existsSync(LIB) || process.platform !== 'linux' || process.arch !== 'x64') && 'needs ../shared/brainflow (Linux x86-64)';
const RUN_S = Number(process.env.HM_DRIFT_TEST_S ?? 25);
const SINE_HZ = 1;
const CYTON_PPM = 400;
const TEXT_PPM = -300;
const FAST = { initialDelayMs: 100, maxDelayMs: 300, startAttempts: 1 };
const NO_FILTER = { highpassHz: null, lowpassHz: null, order: 2, notchHz: [], notchQ: 30 };
/**
 * The emulators write each sample as it comes due, not in batches every 8 or 10 ms. Those batches
 * ran on the same host timers as the serial reads (paced at 16 ms), so the phase between them held
 * for seconds at a time, and the earliest arrival of each second wandered by 1.3–2 ms (median above
 * the run's floor; 2.2–3.9 at the 90th percentile), which no board sending on its own crystal does.
 * The clock model's drift from its first 10–20 one-second buckets tilted with it, by 100–300 ppm
 * (it stated ±50–200): 1–3 ms at the newest samples. Runs alternated at load 8–10: with 8/10-ms
 * batches 4 of 9 failed (spreads 2.14–2.90 ms at 15–25 s, and once the text drift 367 ± 20 ppm);
 * writing every 1 ms the wander halved (median 0.8–1.1 ms, 90th percentile 1.3–1.5) and no spread
 * reached 2 ms in 21 runs (worst 1.98). It costs the run about 1.3 s of CPU.
 */
const WRITE_PERIOD_MS = 1;

/** Host seconds (systemClock's scale) of a performance.now() reading in ms. */
const hostOfPerfMs = (ms: number) => (performance.timeOrigin + ms) / 1000;

/** How late (s) a sin(2π f t) sampled at host times t sits: least squares on sin and cos. */
function lateBy(t: number[], v: number[]): { lateS: number; amplitude: number } {
  let ss = 0;
  let sc = 0;
  let cc = 0;
  let ys = 0;
  let yc = 0;
  for (let k = 0; k < t.length; k++) {
    const s = Math.sin(2 * Math.PI * SINE_HZ * t[k]);
    const c = Math.cos(2 * Math.PI * SINE_HZ * t[k]);
    ss += s * s;
    sc += s * c;
    cc += c * c;
    ys += v[k] * s;
    yc += v[k] * c;
  }
  const det = ss * cc - sc * sc;
  const a = (ys * cc - yc * sc) / det;
  const b = (yc * ss - ys * sc) / det;
  // A·sin(2πf(t − δ)) = A·cos(2πfδ)·sin − A·sin(2πfδ)·cos.
  return { lateS: Math.atan2(-b, a) / (2 * Math.PI * SINE_HZ), amplitude: Math.hypot(a, b) };
}

test(`Cyton (+${CYTON_PPM} ppm) and a text ECG device (${TEXT_PPM} ppm) on ptys, and BrainFlow's synthetic board: aligned on the host clock within 2 ms over ${RUN_S} s`, { skip: NEED_SOCAT || NEED_BF, timeout: (RUN_S + 30) * 1000 }, async () => {
  const ptyC = new PtyPair('drift-cyton');
  const ptyT = new PtyPair('drift-text');
  await ptyC.plug();
  await ptyT.plug();
  // Sample i of a streaming run is made at startedAt + i / (its rate on the host clock).
  const cytonEmu: CytonEmulator = new CytonEmulator({
    path: ptyC.device,
    clockPpm: CYTON_PPM,
    periodMs: WRITE_PERIOD_MS,
    countsAt: (i, out) => void out.set(cytonCountsFromUv(new Array(8).fill(100 * Math.sin(2 * Math.PI * SINE_HZ * (hostOfPerfMs(cytonEmu.startedAtMs) + i / cytonEmu.packetRateHz))), 24)),
  });
  const textEmu: TextEmulator = new TextEmulator({
    path: ptyT.device,
    rateHz: 250,
    clockPpm: TEXT_PPM,
    periodMs: WRITE_PERIOD_MS,
    lineAt: (i) => Math.sin(2 * Math.PI * SINE_HZ * (hostOfPerfMs(textEmu.startedAtMs) + i / textEmu.lineRateHz)).toFixed(6),
  });
  await cytonEmu.open();
  await textEmu.open();
  const hub = new StreamHub({ clock: systemClock, pipelineConfig: { filters: { eeg: NO_FILTER, ecg: NO_FILTER }, window: { lengthSec: 1, hopSec: 0.5, allowanceSec: 0.5 } } });
  const series = new Map<string, { t: number[]; v: number[] }>();
  const counted = new Map<string, { n: number; first: number; last: number }>();
  const windows: SyncWindow[] = [];
  hub.subscribe({
    conditioned: (b: ConditionedBlock) => {
      let s = series.get(b.streamId);
      if (!s) series.set(b.streamId, (s = { t: [], v: [] }));
      for (let k = 0; k < b.count; k++) {
        s.t.push(b.startTime + k / b.rateHz);
        s.v.push(b.data[k]);
      }
    },
    rawChunk: (c) => {
      const e = counted.get(c.streamId);
      if (!e) counted.set(c.streamId, { n: 0, first: c.hostTime, last: c.hostTime });
      else {
        e.n += c.count;
        e.last = c.hostTime;
      }
    },
    window: (w) => windows.push(w),
  });
  const cytonId = `cyton:${ptyC.app}/eeg`;
  const textId = `serial-text:${ptyT.app}/ecg`;
  const bfId = 'brainflow:-1/eeg';
  try {
    await hub.addSource(new ManagedSource(new CytonDriver({ path: ptyC.app }), { hostClock: systemClock, policy: FAST }));
    await hub.addSource(new ManagedSource(new SerialTextDriver({ path: ptyT.app, channels: ['ECG'], rateHz: 250, unit: 'mV', modality: 'ecg' }), { hostClock: systemClock, policy: FAST }));
    await hub.addSource(new ManagedSource(new BrainFlowDriver({ boardId: -1, libraryPath: LIB }), { hostClock: systemClock, policy: FAST }));
    const t0 = Date.now();
    const worst = { spreadMs: 0 };
    // The drift is estimated from 10 s of data on; judged from 15 s, in 10 s stretches.
    let judged = 0;
    while (Date.now() - t0 < RUN_S * 1000) {
      await new Promise((r) => setTimeout(r, 5000));
      const elapsed = (Date.now() - t0) / 1000;
      const late = new Map<string, number>();
      for (const id of [cytonId, textId]) {
        const s = series.get(id);
        assert.ok(s && s.t.length > 500, `${id}: conditioned samples in the last 5 s`);
        const fit = lateBy(s.t, s.v);
        // The Cyton prints 100 µV; the text device 1 mV = 1000 µV: the samples went through whole. Read
        // from the values alone (half their range): the fit's amplitude also falls with the placement's
        // jitter, which before the drift is estimated, on a loaded machine, cut it to 92 µV.
        const want = id === cytonId ? 100 : 1000;
        let lo = Infinity;
        let hi = -Infinity;
        for (const v of s.v) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
        assert.ok(Math.abs((hi - lo) / 2 - want) / want < 0.01, `${id}: half the range ${((hi - lo) / 2).toFixed(2)}, not ${want}`);
        if (elapsed >= 15) assert.ok(Math.abs(fit.amplitude - want) / want < 0.01, `${id}: amplitude ${fit.amplitude.toFixed(2)} fitted once aligned`);
        late.set(id, fit.lateS);
        s.t.length = 0;
        s.v.length = 0;
      }
      const clocks = hub.clockStates();
      const drift = (id: string) => clocks.find((c) => c.streamId === id)!.clock.driftPpm;
      const sd = (id: string) => clocks.find((c) => c.streamId === id)!.clock.driftSdPpm;
      const spreadMs = Math.abs(late.get(cytonId)! - late.get(textId)!) * 1000;
      // What a failure needs to be read: each device's lateness and the drift the model has for it.
      const figures = `late by Cyton ${(late.get(cytonId)! * 1000).toFixed(2)} ms, text ${(late.get(textId)! * 1000).toFixed(2)} ms; drift Cyton ${drift(cytonId).toFixed(0)} ± ${sd(cytonId).toFixed(0)} (configured ${-CYTON_PPM}), text ${drift(textId).toFixed(0)} ± ${sd(textId).toFixed(0)} (configured ${-TEXT_PPM}) ppm; load ${loadavg()[0].toFixed(1)}`;
      if (process.env.HM_DRIFT_TEST_S) console.log(`${elapsed.toFixed(0)} s: spread ${spreadMs.toFixed(2)} ms; ${figures}; synthetic ${drift(bfId).toFixed(0)} ppm`);
      if (elapsed < 15) continue;
      judged++;
      worst.spreadMs = Math.max(worst.spreadMs, spreadMs);
      // Placed where the sample was made, late by no more than a sample period and the pty's delivery (and never early).
      for (const [id, s] of late) assert.ok(s > -0.001 && s < 0.015, `${id}: placed ${(s * 1000).toFixed(2)} ms after it was made`);
      assert.ok(spreadMs < 2, `the two serial devices ${spreadMs.toFixed(2)} ms apart at ${elapsed.toFixed(0)} s (${figures})`);
    }
    assert.ok(judged >= 2, 'judged over at least 10 s after the drift was estimated');
    // The crystal errors, found by the end (positive: the device's clock is slow), within 40 ppm or
    // three of the standard errors the model states, whichever is wider. From 15 s of arrivals
    // alone the drift is known to a few ppm on a quiet host, but a loaded one (CI: the whole suite
    // on 2 cores) delays every packet for seconds at a time, and a delay floor raised for a stretch
    // reads as drift until it leaves the window (the model widens its stated error for that). Seen
    // at 15–20 s under load: the Cyton at −338 ppm (load 30), the text device at 251, 365 and 356
    // ppm (load 8; stated ± 76–83 with the widening, ± 20 without it) and 163 ± 39 (load 4): so
    // judged once, after the whole run, while the placement above is judged from 15 s on.
    const clocks = hub.clockStates();
    const elapsed = (Date.now() - t0) / 1000;
    for (const [id, ppm] of [[cytonId, CYTON_PPM], [textId, TEXT_PPM]] as const) {
      const { driftPpm, driftSdPpm } = clocks.find((c) => c.streamId === id)!.clock;
      assert.ok(Math.abs(driftPpm + ppm) < Math.max(40, 3 * driftSdPpm), `${id}: drift ${driftPpm.toFixed(0)} ± ${driftSdPpm.toFixed(0)} ppm at ${elapsed.toFixed(0)} s, configured ${-ppm}`);
    }
    // BrainFlow's synthetic board paces itself with usleep, so it runs slow by a few hundred ppm,
    // which the model finds; its rate counted on the host is only a rough check (its samples come
    // in 50 ms polls). No stream was cut: no clock re-anchoring, no gap.
    const bf = counted.get(bfId)!;
    const bfPpm = (250 / (bf.n / (bf.last - bf.first)) - 1) * 1e6;
    const bfClock = hub.clockStates().find((c) => c.streamId === bfId)!.clock;
    assert.ok(bfClock.driftEstimated && Math.abs(bfClock.driftPpm) < 1000, `synthetic board drift ${bfClock.driftPpm.toFixed(0)} ppm`);
    for (const c of hub.clockStates()) assert.deepEqual([c.streamId, c.clock.resets, c.gaps, c.segments], [c.streamId, 0, 0, 1]);
    assert.deepEqual(hub.devices().map((d) => [d.state, d.problem?.message]), [['streaming', undefined], ['streaming', undefined], ['streaming', undefined]]);
    // Windows carry all three: EEG (Cyton and synthetic board) and ECG, none lost.
    const last = windows.at(-1)!;
    assert.ok(last.eeg.present && last.ecg.present, `the last window has both EEG and ECG (eeg ${last.eeg.present}, ecg ${last.ecg.present})`);
    assert.deepEqual([...last.eeg.streamIds].sort(), [bfId, cytonId].sort());
    if (process.env.HM_DRIFT_TEST_S) console.log(`worst spread ${worst.spreadMs.toFixed(2)} ms; synthetic board delivered ${bfPpm.toFixed(0)} ppm slow, estimated ${bfClock.driftPpm.toFixed(0)}`);
  } finally {
    await hub.close();
    await cytonEmu.close();
    await textEmu.close();
    await ptyC.unplug();
    await ptyT.unplug();
  }
});
