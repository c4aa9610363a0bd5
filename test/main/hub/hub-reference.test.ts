// The dashboard's numbers against independent references, end to end through the hub with the
// simulated devices (drifting clocks, jitter): heart rate, RR and RMSSD against the simulator's own
// beat times; EEG band power and spectrum against scipy.signal.welch on the same conditioned
// samples; the conditioned signal against scipy.signal.lfilter (section by section, the same
// coefficients, started at the same steady state) on the same resampled samples, and after a
// settings change while streaming against scipy's own butter and iirnotch design.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEMO_HEADSET_ID, DEMO_STRAP_ID, SimEcgStrap, SimEegHeadset } from '../../../src/main/sources';
import { Pipeline, designConditioningFilter, DEFAULT_PIPELINE_CONFIG, signalSettingsPatch, type SignalSettings } from '../../../src/shared/pipeline';
import { EEG_BANDS } from '../../../src/shared/features.types';
import type { ConditionedBlock } from '../../../src/shared/window.types';
import type { Modality } from '../../../src/shared/stream.types';
import { hasPython, runPython } from '../../shared/eval/python-reference';
import { rig } from './hub-rig';

const RATE = 200;

/** Conditioned samples by stream, indexed by host-grid sample k (sample k is at k/200 s). */
class Conditioned {
  readonly byStream = new Map<string, { k0: number; rows: number[][] }>();
  add(b: ConditionedBlock): void {
    const k = Math.round(b.startTime * RATE);
    let s = this.byStream.get(b.streamId);
    if (!s) this.byStream.set(b.streamId, (s = { k0: k, rows: b.channels.map(() => []) }));
    assert.equal(k, s.k0 + s.rows[0].length, `${b.streamId}: contiguous (no gap in this test)`);
    for (let c = 0; c < b.channels.length; c++) for (let i = 0; i < b.count; i++) s.rows[c].push(b.data[c * b.count + i]);
  }
  /** Channels × samples [k0, k1) of a stream. */
  slice(id: string, k0: number, k1: number): number[][] {
    const s = this.byStream.get(id)!;
    assert.ok(k0 >= s.k0 && k1 <= s.k0 + s.rows[0].length, `${id}: [${k0}, ${k1}) held`);
    return s.rows.map((r) => r.slice(k0 - s.k0, k1 - s.k0));
  }
}

/** Both simulators (a 19-channel cap or a Muse-like headset, Polar-like strap) with their default clocks, no packet loss. */
async function run(seconds: number, heart: { heartRateBpm: number; hrvMs: number } = { heartRateBpm: 68, hrvMs: 40 }, preset: '10-20' | 'muse' = '10-20') {
  const r = rig();
  const cond = new Conditioned();
  const peaks: number[] = [];
  r.hub.subscribe({ conditioned: (b) => cond.add(b), rPeak: (_id, t) => peaks.push(t) });
  const headset = new SimEegHeadset({ deviceId: DEMO_HEADSET_ID, name: 'Simulated headset', clock: r.clock, scheduler: r.sched, seed: 21, settings: { preset, lossPercent: 0 } });
  const strap = new SimEcgStrap({ deviceId: DEMO_STRAP_ID, name: 'Simulated chest strap', clock: r.clock, scheduler: r.sched, seed: 22, settings: { lossPercent: 0, ...heart } });
  await r.hub.addSource(headset);
  await r.hub.addSource(strap);
  r.sched.advance(seconds);
  const streamOf = (m: Modality) => r.hub.streams().find((s) => s.modality === m)!.id;
  return { r, cond, peaks, strap, eegId: streamOf('eeg'), ecgId: streamOf('ecg') };
}

describe("the dashboard's numbers against independent references", () => {
  test("heart rate, RR intervals and RMSSD agree with the simulator's own beats", async () => {
    const { r, peaks, strap, ecgId } = await run(100, { heartRateBpm: 72, hrvMs: 40 }, 'muse');
    const truth = strap.recentBeats();
    // Each detected R peak is one true beat, shifted by a constant (the filters' delay, the clock
    // model's small error): take it from the median and match within a sample or two of it.
    const nearest = (t: number) => truth.reduce((best, b) => (Math.abs(b - t) < Math.abs(best - t) ? b : best), Infinity);
    const offsets = peaks.map((p) => p - nearest(p)).sort((a, b) => a - b);
    const offset = offsets[offsets.length >> 1];
    assert.ok(Math.abs(offset) < 0.03, `detected peaks sit ${(offset * 1000).toFixed(1)} ms from the true ones`);
    const matched = new Map<number, number>();
    for (const p of peaks) {
      const t = nearest(p - offset);
      assert.ok(Math.abs(p - offset - t) <= 0.011, `the peak at ${p.toFixed(3)} is ${((p - offset - t) * 1000).toFixed(1)} ms from a true beat`);
      assert.ok(!matched.has(t), 'two peaks for one beat');
      matched.set(t, p);
    }
    const tFirst = peaks[0];
    const missed = truth.filter((t) => t > tFirst + 0.1 && t < r.clock.now() - 1.5 && !matched.has(t));
    assert.deepEqual(missed, [], 'every true beat after the first detection is found');

    const hearts = r.hearts.filter((h) => h.streamId === ecgId);
    let worstHr = 0;
    let worstRmssd = 0;
    let compared = 0;
    const decided: number[] = [];
    const trueOf = new Map([...matched].map(([t, p]) => [p, t]));
    for (const h of hearts) {
      decided.push(...h.rPeakTimes);
      if (h.time < tFirst + 65) continue;
      compared++;
      // The simulator's intervals between the beats the dashboard's interval list spans: those
      // decided by now, within the last 60 s.
      const beats = decided.filter((p) => p >= h.time - 60 - 1e-9).map((p) => trueOf.get(p)!);
      const rr = beats.slice(1).map((t, i) => (t - beats[i]) * 1000);
      assert.equal(h.rrMs.length, rr.length, `${h.rrMs.length} RR intervals, the simulator's beats give ${rr.length}`);
      for (let i = 0; i < rr.length; i++) assert.ok(Math.abs(h.rrMs[i] - rr[i]) <= 10.01, `RR ${h.rrMs[i]} vs ${rr[i].toFixed(1)} ms (200 Hz: ±2 samples)`);
      const last = rr.slice(-8);
      const hr = 60000 / (last.reduce((s, v) => s + v, 0) / last.length);
      const sd = rr.slice(1).map((v, i) => v - rr[i]);
      const rmssd = Math.sqrt(sd.reduce((s, v) => s + v * v, 0) / sd.length);
      worstHr = Math.max(worstHr, Math.abs(h.heartRateBpm - hr));
      worstRmssd = Math.max(worstRmssd, Math.abs(h.rmssdMs - rmssd));
    }
    assert.ok(compared >= 20, `${compared} heart features compared`);
    // A beat placed on the 200-Hz grid is off by up to 2.5 ms: the mean of 8 RR by 0.6 ms at most
    // (0.05 bpm at 72 bpm), RMSSD (≈ 30 ms here) by the RMS of the placement noise on its differences.
    assert.ok(worstHr < 0.1, `heart rate off by ${worstHr.toFixed(3)} bpm at most`);
    assert.ok(worstRmssd < 2, `RMSSD off by ${worstRmssd.toFixed(2)} ms at most`);
    // And both describe the simulator's setting: 72 bpm with respiratory variability.
    const late = hearts.filter((h) => h.time >= tFirst + 65);
    const mean = late.reduce((s, h) => s + h.heartRateBpm, 0) / late.length;
    assert.ok(Math.abs(mean - 72) < 3, `mean heart rate ${mean.toFixed(1)} bpm`);
    await r.hub.close();
  });

  test('EEG band power and spectrum equal scipy.signal.welch on the same conditioned samples', { skip: !hasPython && 'needs /usr/bin/python3 with scipy' }, async () => {
    const { r, cond, eegId } = await run(30);
    const { eegNperseg, eegSpanSec } = DEFAULT_PIPELINE_CONFIG.features;
    const step = eegNperseg / 2;
    const picks = r.eegs.filter((f) => f.streamId === eegId && f.time > r.eegs[0].time + 8).filter((_, i) => i % 7 === 0);
    assert.ok(picks.length >= 2, `${picks.length} picks, expected at least 2`);
    const cases = picks.map((f) => {
      // The Welch segments the features average: on the 50 %-overlap grid, within the last
      // eegSpanSec, ending by the emission.
      const k = Math.round(f.time * RATE);
      const g0 = Math.ceil((k - eegSpanSec * RATE) / step);
      const g1 = Math.floor((k - eegNperseg) / step);
      return { x: cond.slice(eegId, g0 * step, g1 * step + eegNperseg), segments: g1 - g0 + 1 };
    });
    const ref = runPython<{ f: number[]; p: number[][]; segments: number }[]>(
      `
import json, sys
import numpy as np
from scipy import signal
d = json.load(sys.stdin)
out = []
for c in d['cases']:
    x = np.array(c['x'], dtype=np.float64)
    f, p = signal.welch(x, fs=200, window='hann', nperseg=d['nperseg'], noverlap=d['nperseg'] // 2, detrend='constant', scaling='density', axis=-1)
    out.append({'f': f.tolist(), 'p': p.tolist(), 'segments': 1 + (x.shape[1] - d['nperseg']) // (d['nperseg'] // 2)})
print(json.dumps(out))
`,
      { cases, nperseg: eegNperseg },
    );
    picks.forEach((f, i) => {
      const { f: freq, p } = ref[i];
      assert.equal(ref[i].segments, cases[i].segments, `case ${i}: Welch segments as scipy`);
      const df = freq[1] - freq[0];
      assert.deepEqual([...f.spectrum.freqHz], freq.map(Math.fround), `case ${i}: frequency bins as scipy`);
      for (let c = 0; c < f.channels.length; c++) {
        EEG_BANDS.forEach((b, j) => {
          const want = p[c].reduce((s, v, n) => (freq[n] >= b.lowHz && freq[n] < b.highHz ? s + v : s), 0) * df;
          assert.ok(Math.abs(f.bandPower[c][j] - want) <= 1e-5 * want, `${f.channels[c]} ${b.name}: ${f.bandPower[c][j]} vs scipy ${want} µV²`);
        });
      }
      const mean = freq.map((_, n) => p.reduce((s, row) => s + row[n], 0) / p.length);
      const peak = Math.max(...mean);
      let worst = 0;
      // Relative, down to a thousandth of the peak (float32 samples on the way: the notched 50-Hz
      // bins are 10⁻⁶ of the peak, where their rounding is all there is).
      for (let n = 0; n < freq.length; n++) worst = Math.max(worst, Math.abs(f.spectrum.psd[n] - mean[n]) / Math.max(mean[n], 1e-3 * peak));
      assert.ok(worst < 1e-5, `spectrum differs from scipy's channel mean by ${worst} (relative)`);
    });
    await r.hub.close();
  });

  test('the conditioned EEG and ECG equal scipy.signal.lfilter, section by section with the same coefficients, on the same resampled samples', { skip: !hasPython && 'needs /usr/bin/python3 with scipy' }, async () => {
    const { r, cond, eegId, ecgId } = await run(12);
    // The same chunks through a pipeline without filters give the resampled, unfiltered signal
    // (resampling does not depend on the filters; the pipeline is deterministic).
    const none = { highpassHz: null, lowpassHz: null, order: 2, notchHz: [], notchQ: 30 };
    const resampled = new Conditioned();
    const p = new Pipeline({ filters: { eeg: none, ecg: none, other: none } }, { conditioned: (b) => resampled.add(b), wantsConditioned: () => true });
    const infos = r.streams.at(-1)!;
    for (const dev of new Set(infos.map((s) => s.deviceId))) p.setStreams(dev, infos.filter((s) => s.deviceId === dev));
    for (const e of r.raw) if ('chunk' in e) p.push(e.chunk);
    const cases = ([['eeg', eegId], ['ecg', ecgId]] as const).map(([m, id]) => {
      const k0 = cond.byStream.get(id)!.k0;
      assert.equal(resampled.byStream.get(id)!.k0, k0, 'both start at the same grid sample');
      const n = Math.min(cond.byStream.get(id)!.rows[0].length, resampled.byStream.get(id)!.rows[0].length);
      const sos = designConditioningFilter(DEFAULT_PIPELINE_CONFIG.filters[m])!;
      const sections: number[][] = [];
      for (let s = 0; s < sos.sections; s++) sections.push([...sos.coefficients.subarray(6 * s, 6 * s + 6)]);
      return { m, sos: sections, x: resampled.slice(id, k0, k0 + n), y: cond.slice(id, k0, k0 + n) };
    });
    const ref = runPython<number[][][]>(
      `
import json, sys
import numpy as np
from scipy import signal
d = json.load(sys.stdin)
out = []
for c in d['cases']:
    sos = np.array(c['sos'], dtype=np.float64)
    zi = signal.sosfilt_zi(sos)
    ys = []
    for x in np.array(c['x'], dtype=np.float64):
        # The pipeline starts a segment's filters at the steady state of its first sample.
        y = x
        for s in range(sos.shape[0]):
            y, _ = signal.lfilter(sos[s, :3], sos[s, 3:], y, zi=zi[s] * x[0])
        ys.append(y.tolist())
    out.append(ys)
print(json.dumps(out))
`,
      { cases: cases.map((c) => ({ sos: c.sos, x: c.x })) },
    );
    cases.forEach((c, i) => {
      let worst = 0;
      let scale = 0;
      c.y.forEach((row, ch) =>
        row.forEach((v, n) => {
          worst = Math.max(worst, Math.abs(v - ref[i][ch][n]));
          scale = Math.max(scale, Math.abs(ref[i][ch][n]));
        }),
      );
      // float32 samples on the way (the conditioned blocks, the resampled input): ~1e-7 of the scale.
      assert.ok(worst <= 1e-5 * scale, `${c.m}: conditioned differs from lfilter by ${worst} µV (signal up to ${scale.toFixed(0)} µV)`);
      assert.ok(c.y[0].length > 10 * RATE, `${c.m}: ${c.y[0].length} samples compared`);
    });
    await r.hub.close();
  });
  test("after a settings change while streaming (mains 60 Hz, EEG 1–40 Hz) the conditioned EEG and ECG equal scipy's own butter and iirnotch design", { skip: !hasPython && 'needs /usr/bin/python3 with scipy' }, async () => {
    // What Signal settings → Apply does mid-stream, checked against filters scipy designs itself
    // (not our coefficients), from the steady state at the first sample after the change.
    const { r, eegId, ecgId } = await run(6);
    const settings: SignalSettings = { mainsHz: 60, notch: true, eegBandHz: [1, 40], ecgBandHz: [0.5, 40], windowSec: 5, hopSec: 1, bridgeMs: 100 };
    const changeAt = r.raw.length;
    r.hub.setPipelineConfig!(signalSettingsPatch(settings));
    const after = new Conditioned();
    r.hub.subscribe({ conditioned: (b) => after.add(b) });
    r.sched.advance(10);
    // The resampled, unfiltered signal: the same chunks through a pipeline without filters, changed
    // at the same chunk (the segment restarts there too).
    const none = { highpassHz: null, lowpassHz: null, order: 2, notchHz: [], notchQ: 30 };
    const resampled = new Conditioned();
    let collect = false;
    const p = new Pipeline({ filters: { eeg: none, ecg: none, other: none } }, { conditioned: (b) => collect && resampled.add(b), wantsConditioned: () => true });
    const infos = r.streams.at(-1)!;
    for (const dev of new Set(infos.map((s) => s.deviceId))) p.setStreams(dev, infos.filter((s) => s.deviceId === dev));
    r.raw.forEach((e, i) => {
      if (i === changeAt) {
        p.reconfigure({ ...signalSettingsPatch(settings), filters: { eeg: none, ecg: none, other: none } });
        collect = true;
      }
      if ('chunk' in e) p.push(e.chunk);
    });
    const cases = ([['eeg', eegId, settings.eegBandHz], ['ecg', ecgId, settings.ecgBandHz]] as const).map(([m, id, band]) => {
      const k0 = after.byStream.get(id)!.k0;
      assert.equal(resampled.byStream.get(id)!.k0, k0, `${m}: both start at the same grid sample after the change`);
      const n = Math.min(after.byStream.get(id)!.rows[0].length, resampled.byStream.get(id)!.rows[0].length);
      return { m, band, x: resampled.slice(id, k0, k0 + n), y: after.slice(id, k0, k0 + n) };
    });
    const ref = runPython<number[][][]>(
      `
import json, sys
import numpy as np
from scipy import signal
d = json.load(sys.stdin)
out = []
for c in d['cases']:
    sos = np.vstack([signal.butter(2, c['band'], btype='bandpass', fs=200, output='sos'), signal.tf2sos(*signal.iirnotch(d['mains'], 30, fs=200))])
    zi = signal.sosfilt_zi(sos)
    out.append([signal.sosfilt(sos, x, zi=zi * x[0])[0].tolist() for x in np.array(c['x'], dtype=np.float64)])
print(json.dumps(out))
`,
      { mains: settings.mainsHz, cases: cases.map((c) => ({ band: c.band, x: c.x })) },
    );
    cases.forEach((c, i) => {
      let worst = 0;
      let scale = 0;
      c.y.forEach((row, ch) =>
        row.forEach((v, n) => {
          worst = Math.max(worst, Math.abs(v - ref[i][ch][n]));
          scale = Math.max(scale, Math.abs(ref[i][ch][n]));
        }),
      );
      assert.ok(worst <= 1e-5 * scale, `${c.m}: conditioned after the change differs from scipy's design by ${worst} µV (signal up to ${scale.toFixed(0)} µV)`);
      assert.ok(c.y[0].length > 8 * RATE, `${c.m}: ${c.y[0].length} samples compared`);
    });
    await r.hub.close();
  });
});
