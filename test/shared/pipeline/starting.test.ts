// Windows before a stream's first sample: the stream had not begun ('starting'), nothing was lost —
// not a 'gap', which is what a researcher reads as data loss. And the bridged-samples count of a
// window (ChannelQuality.bridgedMs) summed over every loss it holds, on every stream.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Pipeline, type PipelineConfigPatch } from '../../../src/shared/pipeline';
import { MAX_BRIDGED_SHARE } from '../../../src/shared/pipeline/windower';
import type { Gap, SampleChunk } from '../../../src/shared/stream.types';
import type { SyncWindow } from '../../../src/shared/window.types';
import type { QualityReport } from '../../../src/shared/features.types';
import { generate, infoOf, interleave, T0, type DeviceSpec } from './chunk-gen';

const MUSE: DeviceSpec = { id: 'hs', modality: 'eeg', rateHz: 256, labels: ['TP9', 'AF7', 'AF8', 'TP10'], packet: 12, driftPpm: 40, latencySec: 0.012, jitterMeanSec: 0.006, deviceEpoch: 77 };
const POLAR: DeviceSpec = { id: 'st', modality: 'ecg', rateHz: 130, labels: ['ECG'], packet: 73, driftPpm: -30, latencySec: 0.02, jitterMeanSec: 0.01, deviceEpoch: 7.5e8, seed: 3 };
/** A second headset (device montage: both feed the EEG block), 200 Hz in 50-ms packets. */
const SIM: DeviceSpec = { id: 'sh', modality: 'eeg', rateHz: 200, labels: ['Fp1', 'Fp2'], packet: 10, driftPpm: 20, latencySec: 0.015, jitterMeanSec: 0.005, deviceEpoch: 500, seed: 5 };

const sig = (c: number, t: number) => 15 * Math.sin(2 * Math.PI * 10 * t + c) + 8 * Math.sin(2 * Math.PI * 1.3 * t) + 900 * Math.exp(-0.5 * ((t % 0.8) / 0.012) ** 2) + 2500 + 300 * c;

interface Run {
  windows: SyncWindow[];
  gaps: Gap[];
  quality: QualityReport[];
  pipeline: Pipeline;
}

function pipeline(config: PipelineConfigPatch = {}): Run {
  const r: Run = { windows: [], gaps: [], quality: [], pipeline: null as unknown as Pipeline };
  r.pipeline = new Pipeline(config, { window: (w) => r.windows.push(w), gap: (g) => r.gaps.push(g), quality: (q) => r.quality.push(q) });
  return r;
}

function run(devices: DeviceSpec[], chunks: SampleChunk[], config: PipelineConfigPatch = {}): Run {
  const r = pipeline(config);
  for (const d of devices) r.pipeline.setStreams(d.id, [infoOf(d)]);
  for (const c of chunks) r.pipeline.push(c);
  return r;
}

const at = (w: SyncWindow) => Math.round((w.startTime - T0) * 1000) / 1000;
const reasons = (ws: SyncWindow[], m: 'eeg' | 'ecg') => ws.map((w) => `${at(w)}:${w[m].present ? 'present' : w[m].absentReason}`).join(' ');
const serialise = (ws: SyncWindow[]) =>
  ws.map((w) => ({ ...w, eeg: { ...w.eeg, data: Buffer.from(w.eeg.data.buffer).toString('base64') }, ecg: { ...w.ecg, data: Buffer.from(w.ecg.data.buffer).toString('base64') } }));

describe("a stream that has just started is 'starting', not a gap", () => {
  test('the strap starts 3 s after the headset: ECG starting until a whole window of it exists, then warming up, then present; no window says gap', () => {
    const r = run([MUSE, POLAR], interleave(generate(MUSE, 0, 20, sig), generate(POLAR, 3, 20, sig)));
    const first = r.windows.find((w) => w.ecg.present)!;
    const before = r.windows.filter((w) => w.startTime < first.startTime);
    // The strap's first sample is a little after 3 s: windows from 2 s hold part of it, earlier ones none.
    assert.ok(before.filter((w) => w.ecg.absentReason === 'starting').length >= 2, reasons(before, 'ecg'));
    for (const w of before) assert.ok(w.ecg.absentReason === 'starting' || w.ecg.absentReason === 'warming-up', `window at ${at(w)}: ${w.ecg.absentReason}`);
    for (const w of r.windows) assert.notEqual(w.ecg.absentReason, 'gap', `window at ${at(w)}`);
    // Starting comes first, then warming-up (the first second of its data), then present for good.
    const order = r.windows.map((w) => (w.ecg.present ? 'present' : w.ecg.absentReason));
    const firstWarm = order.indexOf('warming-up');
    assert.ok(firstWarm > order.lastIndexOf('starting'), order.join(','));
    assert.ok(order.slice(order.indexOf('present')).every((x) => x === 'present'), order.join(','));
    // The window's contents are those of any absent block: no samples, the channels still listed,
    // quality where the stream has data.
    const w = before.find((x) => x.ecg.absentReason === 'starting' && x.ecg.quality.length > 0)!;
    assert.ok(w, 'a starting window with the stream partly in it');
    assert.equal(w.ecg.data.length, 0);
    assert.deepEqual(w.ecg.channels, ['ECG']);
    assert.deepEqual(w.ecg.streamIds, ['st/ecg']);
  });

  test('a device connecting mid-session: windows before its first sample are starting (they were no-device while it was not there)', () => {
    const r = pipeline();
    r.pipeline.setStreams('hs', [infoOf(MUSE)]);
    const strap = generate(POLAR, 10.3, 30, sig);
    let connected = false;
    for (const c of interleave(generate(MUSE, 0, 30, sig), strap)) {
      if (!connected && c.hostTime - T0 >= 10) {
        r.pipeline.setStreams('st', [infoOf(POLAR)]);
        connected = true;
      }
      r.pipeline.push(c);
    }
    const ecg = r.windows.map((w) => w.ecg.absentReason ?? 'present');
    assert.ok(ecg.includes('no-device') && ecg.includes('starting') && ecg.at(-1) === 'present', reasons(r.windows, 'ecg'));
    assert.ok(!ecg.includes('gap'), reasons(r.windows, 'ecg'));
    const firstSample = strap[0].hostTime - (POLAR.packet - 1) / POLAR.rateHz;
    for (const w of r.windows.filter((x) => x.ecg.absentReason === 'starting')) assert.ok(w.startTime < firstSample, `starting window at ${at(w)} begins before the strap's first sample`);
  });

  test('a stream announced anew with other settings (a preset change) starts afresh: starting, not gap', () => {
    const r = pipeline();
    r.pipeline.setStreams('hs', [infoOf(MUSE)]);
    r.pipeline.setStreams('st', [infoOf(POLAR)]);
    const fast = { ...POLAR, rateHz: 250, packet: 25 };
    const chunks = interleave(generate(MUSE, 0, 30, sig), generate(POLAR, 0, 12, sig), generate(fast, 12.4, 30, sig));
    let changed = false;
    for (const c of chunks) {
      if (!changed && c.streamId === 'st/ecg' && c.count === fast.packet) {
        r.pipeline.setStreams('st', [infoOf(fast)]);
        changed = true;
      }
      r.pipeline.push(c);
    }
    // The old stream's windows not yet cut when it was replaced go with it: from there until a whole
    // window of the new one exists the strap is starting (then warming up), never a gap.
    const ecg = r.windows.map((w) => w.ecg.absentReason ?? 'present');
    assert.ok(ecg.includes('starting') && ecg.at(-1) === 'present', reasons(r.windows, 'ecg'));
    assert.ok(!ecg.includes('gap'), reasons(r.windows, 'ecg'));
    for (const w of r.windows.filter((x) => x.ecg.absentReason === 'starting')) assert.ok(w.startTime - T0 > 6 && w.startTime - T0 < 12.4, `starting window at ${at(w)}`);
  });

  test('lost samples after the start are still a gap: a stream that starts, then loses 0.5 s, in the same window', () => {
    // The strap starts at 3 s and its frames 2 and 3 are lost (3.56–4.68 s): no bridging of that.
    const r = run([MUSE, POLAR], interleave(generate(MUSE, 0, 20, sig), generate(POLAR, 3, 20, sig, (i) => i === 2 || i === 3)));
    assert.equal(r.gaps.length, 1, 'the loss is reported');
    const holding = r.windows.filter((w) => w.startTime < r.gaps[0].endTime && w.startTime + 5 > r.gaps[0].startTime);
    assert.ok(holding.length >= 4, reasons(r.windows, 'ecg'));
    for (const w of holding) assert.equal(w.ecg.absentReason, 'gap', `window at ${at(w)} holds the loss`);
  });

  test('a stream announced but silent is a gap once the allowance has passed (the device status says it stalled)', () => {
    const r = run([MUSE, POLAR], generate(MUSE, 0, 20, sig));
    assert.ok(r.windows.length > 10, 'windows flow without the strap');
    for (const w of r.windows) assert.equal(w.ecg.absentReason, 'gap', `window at ${at(w)}`);
  });

  test('a reconnect (the same streams, a dropped device) still shows the hole as a gap', () => {
    const r = pipeline();
    r.pipeline.setStreams('hs', [infoOf(MUSE)]);
    r.pipeline.setStreams('st', [infoOf(POLAR)]);
    let dropped = false;
    for (const c of interleave(generate(MUSE, 0, 30, sig), generate(POLAR, 0, 10, sig), generate(POLAR, 14, 30, sig))) {
      if (!dropped && c.streamId === 'st/ecg' && c.hostTime - T0 > 14) {
        r.pipeline.sourceGap({ streamId: 'st/ecg', startTime: T0 + 10, endTime: c.hostTime, missingSamples: 520, reason: 'device-dropped' });
        r.pipeline.setStreams('st', [infoOf(POLAR)]);
        dropped = true;
      }
      r.pipeline.push(c);
    }
    const ecg = r.windows.filter((w) => w.startTime - T0 > 6 && w.startTime - T0 < 13).map((w) => w.ecg.absentReason);
    assert.ok(ecg.length >= 5 && ecg.every((x) => x === 'gap'), ecg.join(','));
  });

  test('deterministic: replayed, and restored from a snapshot taken before the strap started, the windows (reasons included) are the same', () => {
    const chunks = interleave(generate(MUSE, 0, 25, sig), generate(POLAR, 6, 25, sig));
    const live = run([MUSE, POLAR], chunks);
    assert.ok(live.windows.some((w) => w.ecg.absentReason === 'starting'), 'some windows are starting');
    assert.deepEqual(serialise(run([MUSE, POLAR], chunks).windows), serialise(live.windows));
    const cut = chunks.findIndex((c) => c.hostTime - T0 > 5);
    const first = run([MUSE, POLAR], chunks.slice(0, cut));
    const snap = first.pipeline.snapshot();
    const second = run([MUSE, POLAR], []);
    second.pipeline.restore(snap.bytes);
    for (const c of chunks.slice(cut)) second.pipeline.push(c);
    const from = live.windows.filter((w) => w.startTime >= snap.windowsFrom);
    assert.ok(from.some((w) => w.ecg.absentReason === 'starting'), 'windows after the snapshot are starting');
    const unnumbered = (ws: SyncWindow[]) => serialise(ws).map((w) => ({ ...w, seq: 0 }));
    assert.deepEqual(unnumbered(second.windows), unnumbered(from));
  });
});

describe('bridgedMs counts every loss a window holds', () => {
  /**
   * The grid stretch [from, to) (s) a bridged loss covers, from its gap: the missing samples' own
   * periods, each centred on its sample (the gap runs from the first missing sample to the first after).
   */
  const stretch = (g: Gap, rateHz: number) => {
    const P = (g.endTime - g.startTime) / g.missingSamples;
    void rateHz;
    return { from: g.startTime - P / 2, to: g.endTime - P / 2 };
  };
  const overlapMs = (gs: { from: number; to: number }[], s: number, e: number) => gs.reduce((a, x) => a + Math.max(0, Math.min(x.to, e) - Math.max(x.from, s)) * 1000, 0);

  test('a lost packet every 1.7 s: each window and each quality report says the sum of the losses in its span', () => {
    // Two or three single-packet losses (46.9 ms each) in every 5-s window, some across its edges.
    const r = run([MUSE, POLAR], interleave(generate(MUSE, 0, 60, sig, (i) => i % 37 === 5), generate(POLAR, 0, 60, sig)));
    const gaps = r.gaps.filter((g) => g.streamId === 'hs/eeg');
    assert.ok(gaps.length >= 30, `${gaps.length} losses`);
    const st = gaps.map((g) => stretch(g, 256));
    const after = r.windows.filter((w) => w.startTime - T0 >= 2);
    let many = 0;
    for (const w of after) {
      assert.equal(w.eeg.present, true, `window at ${at(w)}: ${w.eeg.absentReason}`);
      const want = overlapMs(st, w.startTime, w.startTime + 5);
      if (st.filter((x) => x.to > w.startTime && x.from < w.startTime + 5).length >= 3) many++;
      for (const q of w.eeg.quality) assert.ok(Math.abs((q.bridgedMs ?? 0) - want) <= 0.3, `window at ${at(w)}: ${q.bridgedMs} ms bridged, the losses in it ${want.toFixed(2)} ms`);
    }
    assert.ok(many >= 5, `${many} windows hold three losses`);
    // The stream's quality reports judge the newest second.
    const reps = r.quality.filter((q) => q.streamId === 'hs/eeg' && q.time - T0 >= 7);
    assert.ok(reps.length > 40, `${reps.length} reports`);
    for (const q of reps) {
      const want = overlapMs(st, q.time - 1, q.time);
      assert.ok(Math.abs((q.channels[0].bridgedMs ?? 0) - want) <= 0.3, `report at ${q.time - T0}: ${q.channels[0].bridgedMs} ms, want ${want.toFixed(2)}`);
    }
  });

  test('two headsets feeding one EEG block: each channel counts its own stream, and either one past the share makes it a gap', () => {
    // The Muse loses one packet every ~1.7 s; the 200-Hz headset loses every other packet for 1.2 s
    // from 20 s (12 × 50 ms = 600 ms: more than a tenth of a 5-s window).
    const r = run(
      [MUSE, SIM, POLAR],
      interleave(generate(MUSE, 0, 40, sig, (i) => i % 37 === 5), generate(SIM, 0, 40, sig, (i) => i >= 400 && i < 424 && i % 2 === 0), generate(POLAR, 0, 40, sig)),
    );
    const museSt = r.gaps.filter((g) => g.streamId === 'hs/eeg').map((g) => stretch(g, 256));
    const simSt = r.gaps.filter((g) => g.streamId === 'sh/eeg').map((g) => stretch(g, 200));
    assert.equal(simSt.length, 12, 'twelve single-packet losses on the second headset');
    let heavy = 0;
    for (const w of r.windows.filter((x) => x.startTime - T0 >= 2)) {
      const s = w.startTime;
      const wantMuse = overlapMs(museSt, s, s + 5);
      const wantSim = overlapMs(simSt, s, s + 5);
      // Rows: the Muse's 4 channels first (stream ids in order: 'hs/eeg' < 'sh/eeg'), then the 2 of the other.
      assert.deepEqual(w.eeg.streamIds, ['hs/eeg', 'sh/eeg'], `window at ${s}: the Muse's rows first, then the other's`);
      w.eeg.quality.slice(0, 4).forEach((q) => assert.ok(Math.abs((q.bridgedMs ?? 0) - wantMuse) <= 0.3, `window at ${at(w)} ${q.label}: ${q.bridgedMs}, want ${wantMuse}`));
      w.eeg.quality.slice(4).forEach((q) => assert.ok(Math.abs((q.bridgedMs ?? 0) - wantSim) <= 0.3, `window at ${at(w)} ${q.label}: ${q.bridgedMs}, want ${wantSim}`));
      const over = Math.max(wantMuse, wantSim) > MAX_BRIDGED_SHARE * 5000 + 0.3;
      const under = Math.max(wantMuse, wantSim) < MAX_BRIDGED_SHARE * 5000 - 0.3;
      if (over) {
        heavy++;
        assert.equal(w.eeg.absentReason, 'gap', `window at ${at(w)}: ${wantSim} ms bridged on the second headset`);
      } else if (under) assert.equal(w.eeg.present, true, `window at ${at(w)}: ${w.eeg.absentReason}`);
    }
    assert.ok(heavy >= 3, `${heavy} windows more than a tenth bridged`);
  });
});
