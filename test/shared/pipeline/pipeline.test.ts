// The pipeline end to end on generated device data: windows, alignment, gaps, absent modalities,
// bad input, determinism and replay.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Pipeline, type PipelineProblem, type PipelineConfigPatch } from '../../../src/shared/pipeline';
import type { Gap, SampleChunk } from '../../../src/shared/stream.types';
import type { SyncWindow, ConditionedBlock } from '../../../src/shared/window.types';
import type { QualityReport } from '../../../src/shared/features.types';
import { generate, infoOf, interleave, pulse, SAME_FILTERS, T0, type DeviceSpec, withHeartbeat } from './chunk-gen';

const MUSE: DeviceSpec = { id: 'hs', modality: 'eeg', rateHz: 256, labels: ['TP9', 'AF7', 'AF8', 'TP10'], packet: 12, driftPpm: 40, latencySec: 0.012, jitterMeanSec: 0.006, deviceEpoch: 77 };
const POLAR: DeviceSpec = { id: 'st', modality: 'ecg', rateHz: 130, labels: ['ECG'], packet: 73, driftPpm: -30, latencySec: 0.02, jitterMeanSec: 0.01, deviceEpoch: 7.5e8, seed: 3 };

/** Ongoing activity (10 Hz alpha, 1.3 Hz slow wave, a DC offset) plus optional extras. */
function bg(extra: (t: number) => number = () => 0) {
  return (c: number, t: number) => 15 * Math.sin(2 * Math.PI * 10 * t + c) + 8 * Math.sin(2 * Math.PI * 1.3 * t) + 2500 + 300 * c + extra(t);
}

interface Run {
  windows: SyncWindow[];
  problems: PipelineProblem[];
  gaps: Gap[];
  accepted: SampleChunk[];
  blocks: ConditionedBlock[];
  quality: QualityReport[];
  pipeline: Pipeline;
}

function run(devices: DeviceSpec[], chunks: SampleChunk[], config: PipelineConfigPatch = {}): Run {
  const r: Run = { windows: [], problems: [], gaps: [], accepted: [], blocks: [], quality: [], pipeline: null as unknown as Pipeline };
  const p = new Pipeline(config, {
    window: (w) => r.windows.push(w),
    problem: (x) => r.problems.push(x),
    gap: (g) => r.gaps.push(g),
    accepted: (c) => r.accepted.push(c),
    conditioned: (b) => r.blocks.push(b),
    quality: (q) => r.quality.push(q),
  });
  for (const d of devices) p.setStreams(d.id, [infoOf(d)]);
  for (const c of chunks) p.push(c);
  r.pipeline = p;
  return r;
}

/** Time (s after T0) of the largest sample of `row` in a window block, refined by a parabola. */
function peakTime(w: SyncWindow, m: 'eeg' | 'ecg', row = 0): number {
  const d = m === 'eeg' ? w.eeg.data : w.ecg.data;
  const N = w.samples;
  let bi = 1;
  for (let i = 1; i < N - 1; i++) if (d[row * N + i] > d[row * N + bi]) bi = i;
  const [a, b, c] = [d[row * N + bi - 1], d[row * N + bi], d[row * N + bi + 1]];
  const off = (a - c) / (2 * (a - 2 * b + c));
  return w.startTime - T0 + (bi + off) / w.rateHz;
}

describe('windows', () => {
  const events = [12.5, 27.25, 41.8];
  const sig = bg((t) => events.reduce((s, e) => s + pulse(e, 400)(t), 0));
  const chunks = interleave(generate(MUSE, 0, 60, sig), generate(POLAR, 0, 60, withHeartbeat(sig)));
  const r = run([MUSE, POLAR], chunks);
  const same = run([MUSE, POLAR], chunks, SAME_FILTERS);

  test('flow every hop with start times on the hop grid, both modalities present, in order', () => {
    assert.ok(r.windows.length >= 50, `${r.windows.length} windows`);
    r.windows.forEach((w, i) => {
      assert.equal(w.seq, i, `window ${i}'s seq`);
      assert.equal(w.samples, 1000, `window ${i}'s sample count`);
      assert.equal(w.rateHz, 200, `window ${i}'s rate`);
      assert.ok(Number.isInteger(Math.round(w.startTime * 200)) && Math.abs(w.startTime - Math.round(w.startTime)) < 1e-6, `start ${w.startTime} on the 1 s grid`);
      if (i > 0) assert.ok(Math.abs(w.startTime - r.windows[i - 1].startTime - 1) < 1e-6, `window ${i} starts 1 s after window ${i - 1}`);
      assert.ok(w.eeg.present && w.ecg.present, `window ${i}: ${w.eeg.absentReason} ${w.ecg.absentReason}`);
      assert.deepEqual(w.eeg.channels, ['TP9', 'AF7', 'AF8', 'TP10'], `window ${i}'s EEG channels`);
      assert.deepEqual(w.ecg.channels, ['ECG'], `window ${i}'s ECG channels`);
      assert.equal(w.eeg.data.length, 4 * 1000, `window ${i}'s EEG data length`);
      assert.equal(w.eeg.quality.length, 4, `window ${i}'s EEG quality per channel`);
      assert.deepEqual(w.eeg.streamIds, ['hs/eeg'], `window ${i}'s EEG stream ids`);
    });
    assert.deepEqual(r.problems, []);
    assert.deepEqual(r.gaps, []);
  });

  test('an event at one true time lands at the same place in EEG and ECG (within one 5 ms sample) and at its true time', () => {
    for (const e of events) {
      const w = same.windows.find((x) => x.startTime - T0 < e - 0.5 && x.startTime - T0 + 5 > e + 0.5);
      assert.ok(w, `a window around ${e}`);
      const te = peakTime(w, 'eeg');
      const tc = peakTime(w, 'ecg');
      assert.ok(Math.abs(te - tc) < 0.005, `EEG ${te.toFixed(4)} vs ECG ${tc.toFixed(4)}`);
      // The 0.5–40 Hz band-pass delays a 15 ms pulse by ~5 ms; the clock alignment adds < 2 ms.
      assert.ok(Math.abs(te - e - 0.005) < 0.003, `EEG pulse at ${te.toFixed(4)}, true ${e}`);
    }
  });

  test('with the default filters the modalities differ only by the filters\' group delays (EEG ≈ 2 ms, ECG ≈ 7 ms)', () => {
    for (const e of events) {
      const w = r.windows.find((x) => x.startTime - T0 < e - 0.5 && x.startTime - T0 + 5 > e + 0.5)!;
      const skew = peakTime(w, 'ecg') - peakTime(w, 'eeg');
      assert.ok(skew > 0 && skew < 0.009, `ECG − EEG = ${(skew * 1000).toFixed(1)} ms`);
    }
  });

  test('conditioned blocks sit on the 200 Hz grid and tile each stream without overlap', () => {
    for (const id of ['hs/eeg', 'st/ecg']) {
      const bs = r.blocks.filter((b) => b.streamId === id);
      assert.ok(bs.length > 10, `expected: bs.length > 10`);
      for (let i = 1; i < bs.length; i++) {
        const k = Math.round(bs[i].startTime * 200);
        const prevEnd = Math.round(bs[i - 1].startTime * 200) + bs[i - 1].count;
        assert.equal(k, prevEnd, `${id} block ${i} continues the previous one`);
        assert.ok(Math.abs(bs[i].startTime * 200 - k) < 1e-3, `expected: Math.abs(bs[i].startTime * 200 - k) < 1e-3`);
      }
    }
  });

  test('quality reports come per stream and flag nothing on clean signals', () => {
    const last = r.quality.filter((q) => q.streamId === 'hs/eeg').at(-1)!;
    assert.equal(last.channels.length, 4);
    for (const ch of last.channels) {
      assert.deepEqual(ch.flags, []);
      assert.equal(ch.score, 1);
      assert.ok(ch.rmsUv > 5 && ch.rmsUv < 30, `rms ${ch.rmsUv}`);
    }
  });
});

describe('missing and dropping devices', () => {
  test('no ECG device: windows flow with ECG absent (no-device)', () => {
    const r = run([MUSE], generate(MUSE, 0, 20, bg()));
    assert.ok(r.windows.length >= 12, `expected: r.windows.length >= 12`);
    for (const w of r.windows) {
      assert.equal(w.eeg.present, true, `window at ${w.startTime - T0}: EEG present`);
      assert.equal(w.ecg.present, false, `window at ${w.startTime - T0}: ECG absent`);
      assert.equal(w.ecg.absentReason, 'no-device', `window at ${w.startTime - T0}: ECG absent as no-device`);
      assert.equal(w.ecg.data.length, 0, `window at ${w.startTime - T0}: no ECG samples`);
    }
  });

  test('the strap stops at 20 s: windows keep flowing after the allowance, ECG absent (gap)', () => {
    const chunks = interleave(generate(MUSE, 0, 40, bg()), generate(POLAR, 0, 20, withHeartbeat(bg())));
    const r = run([MUSE, POLAR], chunks);
    const starts = r.windows.map((w) => w.startTime - T0);
    assert.ok(starts.at(-1)! >= 32, `windows continue to ${starts.at(-1)}`);
    for (const w of r.windows) {
      const s = w.startTime - T0;
      assert.equal(w.eeg.present, true, `EEG present in the window at ${s}`);
      if (s + 5 <= 19.3) assert.equal(w.ecg.present, true, `ECG present in window at ${s}`);
      if (s + 5 > 20) {
        assert.equal(w.ecg.present, false, `ECG absent in the window at ${s}`);
        assert.equal(w.ecg.absentReason, 'gap', `ECG absent as 'gap' in the window at ${s}`);
      }
    }
    // Windows are emitted in order, one per hop, with no hole in the sequence
    for (let i = 1; i < starts.length; i++) assert.ok(Math.abs(starts[i] - starts[i - 1] - 1) < 1e-6, `window ${i} starts 1 s after window ${i - 1}: ${starts[i]} vs ${starts[i - 1]}`);
  });

  test('a device announcing the same streams again (a reconnect) loses nothing', () => {
    const windows: SyncWindow[] = [];
    const q = new Pipeline({}, { window: (w) => windows.push(w) });
    q.setStreams('hs', [infoOf(MUSE)]);
    q.setStreams('st', [infoOf(POLAR)]);
    const chunks = interleave(generate(MUSE, 0, 30, bg()), generate(POLAR, 0, 30, withHeartbeat(bg())));
    chunks.forEach((c, i) => {
      if (i === Math.floor(chunks.length / 2)) {
        q.setStreams('hs', [infoOf(MUSE)]);
        q.setStreams('st', [infoOf(POLAR)]);
      }
      q.push(c);
    });
    assert.ok(windows.length > 20, `expected: windows.length > 20`);
    for (const w of windows) assert.ok(w.eeg.present && w.ecg.present, `window at ${w.startTime - T0}: ${w.eeg.absentReason} ${w.ecg.absentReason}`);
  });

  test('a device removed mid-stream: its modality becomes no-device', () => {
    const p = new Pipeline({}, {});
    const windows: SyncWindow[] = [];
    const q = new Pipeline({}, { window: (w) => windows.push(w) });
    void p;
    q.setStreams('hs', [infoOf(MUSE)]);
    q.setStreams('st', [infoOf(POLAR)]);
    const chunks = interleave(generate(MUSE, 0, 30, bg()), generate(POLAR, 0, 30, withHeartbeat(bg())));
    let removed = false;
    for (const c of chunks) {
      if (!removed && c.hostTime - T0 > 15) {
        q.removeDevice('st');
        removed = true;
      }
      if (removed && c.streamId === 'st/ecg') continue;
      q.push(c);
    }
    const after = windows.filter((w) => w.startTime - T0 > 16);
    assert.ok(after.length > 5, `expected: after.length > 5`);
    for (const w of after) assert.equal(w.ecg.absentReason, 'no-device', `ECG absent as 'no-device' in the window at ${w.startTime - T0}`);
  });
});

describe('gaps (bridging off: every loss starts a new segment)', () => {
  // Packets 300 and 301 of the headset are lost (t ≈ 14.06–14.16 s); 1000 is lost too. Short
  // enough to bridge (test/shared/pipeline/bridge.test.ts): here bridging is off.
  const lost = new Set([300, 301, 1000]);
  const chunks = interleave(generate(MUSE, 0, 60, bg(), (i) => lost.has(i)), generate(POLAR, 0, 60, withHeartbeat(bg())));
  const r = run([MUSE, POLAR], chunks, { bridgeMaxSec: 0 });

  test('lost packets are marked as gaps with the right size, never merged', () => {
    assert.equal(r.gaps.length, 2);
    assert.equal(r.gaps[0].missingSamples, 24);
    assert.equal(r.gaps[1].missingSamples, 12);
    for (const g of r.gaps) {
      assert.equal(g.streamId, 'hs/eeg', `gap at ${g.startTime - T0} is on hs/eeg`);
      assert.equal(g.reason, 'packet-loss', `gap at ${g.startTime - T0} is packet-loss`);
      const dur = g.endTime - g.startTime;
      assert.ok(Math.abs(dur - g.missingSamples / 256) < 0.006, `gap ${dur} s for ${g.missingSamples} samples`);
    }
    const lossProblems = r.problems.filter((p) => p.code === 'packet-loss');
    assert.equal(lossProblems.length, 2);
    assert.match(lossProblems[0].message, /24 samples/);
  });

  test('windows touching a gap have EEG absent (gap), then warming-up, then present again', () => {
    const g = r.gaps[0];
    const gs = g.startTime - T0;
    const ge = g.endTime - T0;
    for (const w of r.windows) {
      const s = w.startTime - T0;
      if (s < ge && s + 5 > gs) {
        assert.equal(w.eeg.present, false, `window at ${s} spans the gap`);
        assert.ok(w.eeg.absentReason === 'gap' || w.eeg.absentReason === 'warming-up', `expected: w.eeg.absentReason === 'gap' || w.eeg.absentReason === 'warming-up'`);
        assert.equal(w.ecg.present, true, `ECG present in the window at ${s} (the gap is in the EEG)`);
      }
      if (s >= ge + 1 && s + 5 < r.gaps[1].startTime - T0) assert.equal(w.eeg.present, true, `window at ${s} after warm-up`);
    }
    assert.ok(r.windows.some((w) => w.eeg.absentReason === 'warming-up'), `expected: r.windows.some((w) => w.eeg.absentReason === 'warming-up')`);
  });

  test('conditioned blocks never bridge a gap: the grid resumes after it', () => {
    const bs = r.blocks.filter((b) => b.streamId === 'hs/eeg');
    const g = r.gaps[0];
    const before = bs.filter((b) => b.startTime < g.startTime);
    const after = bs.filter((b) => b.startTime >= g.startTime);
    const lastBefore = before.at(-1)!;
    const endBefore = lastBefore.startTime + (lastBefore.count - 1) / 200;
    assert.ok(endBefore <= g.startTime + 1e-9, 'no sample after the gap start');
    assert.ok(after[0].startTime >= g.endTime - 1e-9, 'the next block starts after the gap');
  });

  test('a source-announced gap breaks the segment without a detected duplicate', () => {
    const p = new Pipeline({}, {});
    const gaps: Gap[] = [];
    const q = new Pipeline({}, { gap: (x) => gaps.push(x) });
    void p;
    q.setStreams('hs', [infoOf(MUSE)]);
    const cs = generate(MUSE, 0, 20, bg(), (i) => i >= 200 && i < 260);
    let announced = false;
    for (const c of cs) {
      if (!announced && c.hostTime - T0 > 10) {
        q.sourceGap({ streamId: 'hs/eeg', startTime: 0, endTime: 0, missingSamples: 0, reason: 'device-dropped' });
        announced = true;
      }
      q.push(c);
    }
    assert.equal(gaps.length, 0, 'the announced gap is not echoed nor re-detected');
    assert.equal(q.states()[0].segments, 2);
  });
});

describe('bad input: named problems, the pipeline keeps running', () => {
  const base = () => interleave(generate(MUSE, 0, 30, bg()), generate(POLAR, 0, 30, withHeartbeat(bg())));
  const at = (cs: SampleChunk[], id: string, t: number) => cs.findIndex((c) => c.streamId === id && c.hostTime - T0 > t);

  test('NaN and Inf samples are replaced by the last finite value and reported', () => {
    const cs = base();
    const i = at(cs, 'hs/eeg', 10);
    const d = cs[i].data.slice();
    d[3] = NaN;
    d[12 + 5] = Infinity;
    d[24] = -Infinity;
    cs[i] = { ...cs[i], data: d };
    const r = run([MUSE, POLAR], cs);
    const p = r.problems.filter((x) => x.code === 'non-finite-samples');
    assert.equal(p.length, 1);
    assert.match(p[0].message, /3 NaN\/Inf/);
    assert.equal(p[0].dropped, false);
    const acc = r.accepted.find((c) => c.deviceTime === cs[i].deviceTime)!;
    assert.ok(acc.data.every(Number.isFinite), `expected: acc.data.every(Number.isFinite)`);
    assert.equal(acc.data[3], acc.data[2]);
    for (const w of r.windows) for (const x of [w.eeg.data, w.ecg.data]) assert.ok(x.every(Number.isFinite), 'every value is finite');
    assert.ok(r.windows.length > 20, `expected: r.windows.length > 20`);
  });

  test('a chunk with the wrong channel count is dropped and reported (a gap follows)', () => {
    const cs = base();
    const i = at(cs, 'hs/eeg', 10);
    cs[i] = { ...cs[i], data: cs[i].data.slice(0, 3 * 12) };
    const r = run([MUSE, POLAR], cs);
    assert.equal(r.problems.filter((x) => x.code === 'channel-mismatch').length, 1);
    assert.match(r.problems.find((x) => x.code === 'channel-mismatch')!.message, /3 channels, the stream has 4/);
    assert.equal(r.gaps.length, 1, 'the dropped chunk leaves a gap');
    assert.ok(r.windows.length > 20, `expected: r.windows.length > 20`);
  });

  test('a truncated chunk (device stopped mid-packet) is dropped and reported', () => {
    const cs = base();
    const i = at(cs, 'st/ecg', 10);
    cs[i] = { ...cs[i], data: cs[i].data.slice(0, 40) };
    const r = run([MUSE, POLAR], cs);
    const p = r.problems.find((x) => x.code === 'truncated');
    assert.ok(p, `expected: p`);
    assert.match(p.message, /stopped mid-packet/);
    assert.equal(p.dropped, true);
  });

  test('a duplicated (overlapping) chunk is dropped as time-backwards', () => {
    const cs = base();
    const i = at(cs, 'hs/eeg', 10);
    cs.splice(i + 1, 0, { ...cs[i], hostTime: cs[i].hostTime + 0.001 });
    const r = run([MUSE, POLAR], cs);
    const p = r.problems.filter((x) => x.code === 'time-backwards');
    assert.equal(p.length, 1);
    assert.equal(p[0].dropped, true);
    assert.equal(r.gaps.length, 0);
    assert.equal(r.accepted.length, cs.length - 1);
  });

  test('device clock reset (time goes back 1000 s): gap marked, re-anchored, windows continue aligned', () => {
    const sig = bg(pulse(25, 400));
    const ms = generate(MUSE, 0, 40, sig).map((c) => (c.hostTime - T0 > 15 ? { ...c, deviceTime: c.deviceTime - 1000 } : c));
    const r = run([MUSE, POLAR], interleave(ms, generate(POLAR, 0, 40, withHeartbeat(sig))), SAME_FILTERS);
    assert.ok(r.problems.some((x) => x.code === 'time-backwards' && /clock reset/.test(x.message)), `expected: r.problems.some((x) => x.code === 'time-backwards' && /clock reset/.test(x.message))`);
    // Under a day, in seconds alone.
    assert.ok(r.problems.some((x) => /^device clock went back 1000\.000 s: treated as a clock reset/.test(x.message)), r.problems.map((x) => x.message).join('; '));
    assert.equal(r.gaps.length, 1);
    assert.equal(r.gaps[0].reason, 'time-jump');
    assert.equal(r.pipeline.states().find((s) => s.streamId === 'hs/eeg')!.clock.resets, 1);
    const w = r.windows.find((x) => x.startTime - T0 === 22 && x.eeg.present && x.ecg.present);
    assert.ok(w, 'a window around the event after the reset');
    assert.ok(Math.abs(peakTime(w, 'eeg') - peakTime(w, 'ecg')) < 0.015, 'still aligned after re-anchoring (to the arrival envelope of few packets)');
  });

  test('a clock reset to its epoch says how far back in years, not only in ten digits of seconds', () => {
    // A clock on the Unix epoch (a Polar's, as its driver hands it on) set back to its start.
    const ms = generate({ ...MUSE, deviceEpoch: T0 }, 0, 30, bg()).map((c) => (c.hostTime - T0 > 15 ? { ...c, deviceTime: c.deviceTime - T0 } : c));
    const r = run([MUSE], ms);
    const p = r.problems.find((x) => x.code === 'time-backwards');
    assert.ok(p, 'the reset is reported');
    assert.match(p.message, /^device clock went back \d{10}\.\d{3} s \(5\d\.\d years\): treated as a clock reset, a gap is marked$/);
  });

  test('device clock jumps ahead 5 s but data keeps arriving: time-jump, re-anchored, no false loss', () => {
    const ms = generate(MUSE, 0, 40, bg()).map((c) => (c.hostTime - T0 > 15 ? { ...c, deviceTime: c.deviceTime + 5 } : c));
    const r = run([MUSE, POLAR], interleave(ms, generate(POLAR, 0, 40, withHeartbeat(bg()))));
    const p = r.problems.filter((x) => x.code === 'time-jump');
    assert.equal(p.length, 1);
    // The data came when it was due on the clock before the jump (it read 'arrived -4.994 s off that').
    assert.match(p[0].message, /^device clock jumped 5\.\d+ s ahead, but the data arrived 0\.0\d\d s (after|before) it was due: re-anchored, a gap is marked$/);
    assert.equal(r.gaps.length, 1);
    assert.equal(r.gaps[0].reason, 'time-jump');
    assert.ok(r.gaps[0].endTime - r.gaps[0].startTime < 0.1, 'the gap is the real (tiny) one, not 5 s');
    const after = r.windows.filter((w) => w.startTime - T0 > 18);
    assert.ok(after.length > 10 && after.every((w) => w.eeg.present), `expected: after.length > 10 && after.every((w) => w.eeg.present)`);
  });

  test('arrival time going backwards (a stamping bug) is reported and clamped', () => {
    const cs = base();
    const i = at(cs, 'hs/eeg', 10);
    cs[i] = { ...cs[i], hostTime: cs[i].hostTime - 0.5 };
    const r = run([MUSE, POLAR], cs);
    const p = r.problems.filter((x) => x.code === 'time-backwards' && /arrival/.test(x.message));
    assert.equal(p.length, 1);
    assert.ok(r.windows.length > 20, `expected: r.windows.length > 20`);
  });

  test('non-finite timestamps and chunks of unknown streams are dropped with a named problem', () => {
    const cs = base();
    const i = at(cs, 'hs/eeg', 10);
    cs[i] = { ...cs[i], deviceTime: NaN };
    cs.splice(5, 0, { ...cs[5], streamId: 'nobody/eeg' });
    const r = run([MUSE, POLAR], cs);
    assert.ok(r.problems.some((x) => x.code === 'bad-frame' && /not finite/.test(x.message)), `expected: r.problems.some((x) => x.code === 'bad-frame' && /not finite/.test(x.message))`);
    assert.ok(r.problems.some((x) => x.code === 'bad-frame' && /unknown stream/.test(x.message)), `expected: r.problems.some((x) => x.code === 'bad-frame' && /unknown stream/.test(x.message))`);
  });

  test('a Polar-like strap sampling 1.5 % fast against its own timestamps: no false gaps', () => {
    const fast = { ...POLAR, rateErrorPpm: 15000 };
    const r = run([MUSE, fast], interleave(generate(MUSE, 0, 60, bg(pulse(40, 400))), generate(fast, 0, 60, withHeartbeat(bg(pulse(40, 400))))), SAME_FILTERS);
    assert.deepEqual(r.gaps, []);
    assert.deepEqual(r.problems, []);
    const est = r.pipeline.states().find((s) => s.streamId === 'st/ecg')!;
    assert.ok(Math.abs(est.deviceRateHz - 130 * 1.015) < 0.01, `estimated ${est.deviceRateHz} Hz`);
    const w = r.windows.find((x) => x.startTime - T0 === 37)!;
    assert.ok(Math.abs(peakTime(w, 'eeg') - peakTime(w, 'ecg')) < 0.005, `expected: Math.abs(peakTime(w, 'eeg') - peakTime(w, 'ecg')) < 0.005`);
  });
});

describe('determinism and replay', () => {
  const lost = new Set([123, 124, 900]);
  const bad = interleave(generate(MUSE, 0, 45, bg(pulse(20, 300)), (i) => lost.has(i)), generate(POLAR, 0, 45, withHeartbeat(bg(pulse(20, 300)))));
  // Some bad input too: a NaN, an overlap, a wrong channel count.
  bad[400] = { ...bad[400], data: bad[400].data.map((v, i) => (i === 2 ? NaN : v)) };
  bad.splice(600, 0, { ...bad[599], hostTime: bad[599].hostTime + 0.0001 });
  bad[800] = { ...bad[800], data: bad[800].data.slice(0, bad[800].count) };

  const serialise = (ws: SyncWindow[]) =>
    ws.map((w) => ({ ...w, eeg: { ...w.eeg, data: Buffer.from(w.eeg.data.buffer).toString('base64') }, ecg: { ...w.ecg, data: Buffer.from(w.ecg.data.buffer).toString('base64') } }));

  test('the same chunk sequence gives byte-identical windows', () => {
    const a = run([MUSE, POLAR], bad);
    const b = run([MUSE, POLAR], bad.map((c) => ({ ...c, data: c.data.slice() })));
    assert.ok(a.windows.length > 30, `expected: a.windows.length > 30`);
    assert.deepEqual(serialise(b.windows), serialise(a.windows));
    assert.deepEqual(b.gaps, a.gaps);
  });

  test('replaying only the accepted chunks (what the recorder stores) gives byte-identical windows', () => {
    const live = run([MUSE, POLAR], bad);
    assert.ok(live.problems.length >= 3, `expected: live.problems.length >= 3`);
    const replay = run([MUSE, POLAR], live.accepted);
    // What was repaired or dropped live does not recur; what is in the data (lost packets) is found again.
    const inData = (x: PipelineProblem) => x.code === 'packet-loss' || x.code === 'time-jump';
    assert.ok(live.problems.some((x) => !inData(x)), `expected: live.problems.some((x) => !inData(x))`);
    assert.deepEqual(replay.problems, live.problems.filter(inData));
    assert.deepEqual(serialise(replay.windows), serialise(live.windows));
    assert.deepEqual(replay.gaps, live.gaps);
    assert.deepEqual(replay.accepted, live.accepted);
  });
});

describe('replay of a recording (chunks and gaps in recorded order)', () => {
  test('feeding recorded gaps back as source gaps reproduces the windows byte for byte', () => {
    // Loss, a clock jump and a clock reset, so that every kind of detected gap is recorded.
    const ms = generate(MUSE, 0, 50, bg(pulse(30, 300)), (i) => i === 200 || i === 201)
      .map((c) => (c.hostTime - T0 > 20 ? { ...c, deviceTime: c.deviceTime + 5 } : c))
      .map((c) => (c.hostTime - T0 > 35 ? { ...c, deviceTime: c.deviceTime - 3000 } : c));
    const chunks = interleave(ms, generate(POLAR, 0, 50, withHeartbeat(bg(pulse(30, 300))), (i) => i === 30));
    // Live: record what the recorder would (accepted chunks and gap events, in emission order).
    const recorded: ({ chunk: SampleChunk } | { gap: Gap })[] = [];
    const liveWindows: SyncWindow[] = [];
    const live = new Pipeline({}, { accepted: (chunk) => recorded.push({ chunk }), gap: (gap) => recorded.push({ gap }), window: (w) => liveWindows.push(w) });
    live.setStreams('hs', [infoOf(MUSE)]);
    live.setStreams('st', [infoOf(POLAR)]);
    for (const c of chunks) live.push(c);
    assert.ok(recorded.filter((x) => 'gap' in x).length >= 3, `expected: recorded.filter((x) => 'gap' in x).length >= 3`);
    const replayWindows: SyncWindow[] = [];
    const replay = new Pipeline({}, { window: (w) => replayWindows.push(w) });
    replay.setStreams('hs', [infoOf(MUSE)]);
    replay.setStreams('st', [infoOf(POLAR)]);
    for (const x of recorded) {
      if ('gap' in x) replay.sourceGap(x.gap);
      else replay.push(x.chunk);
    }
    assert.ok(liveWindows.length > 30, `expected: liveWindows.length > 30`);
    assert.equal(replayWindows.length, liveWindows.length);
    liveWindows.forEach((w, i) => {
      const r = replayWindows[i];
      assert.equal(r.startTime, w.startTime, `replayed window ${i}'s start time`);
      assert.equal(r.eeg.present, w.eeg.present, `replayed window ${i}'s EEG presence`);
      assert.equal(r.ecg.absentReason, w.ecg.absentReason, `replayed window ${i}'s ECG absentReason`);
      assert.deepEqual(Buffer.from(r.eeg.data.buffer), Buffer.from(w.eeg.data.buffer), `replayed window ${i}'s EEG samples, bit for bit`);
      assert.deepEqual(Buffer.from(r.ecg.data.buffer), Buffer.from(w.ecg.data.buffer), `replayed window ${i}'s ECG samples, bit for bit`);
      assert.deepEqual(r.eeg.quality, w.eeg.quality, `replayed window ${i}'s EEG quality`);
    });
  });
});

describe('configuration', () => {
  test('window length and hop are configurable (2.5 s windows every 0.5 s)', () => {
    const r = run([MUSE, POLAR], interleave(generate(MUSE, 0, 20, bg()), generate(POLAR, 0, 20, withHeartbeat(bg()))), { window: { lengthSec: 2.5, hopSec: 0.5 } });
    assert.ok(r.windows.length > 25, `expected: r.windows.length > 25`);
    for (const w of r.windows) {
      assert.equal(w.samples, 500, `the window at ${w.startTime} has 2.5 s at 200 Hz`);
      assert.ok(Math.abs(w.startTime * 2 - Math.round(w.startTime * 2)) < 1e-6, `expected: Math.abs(w.startTime * 2 - Math.round(w.startTime * 2)) < 1e-6`);
    }
  });

  test('reconfigure restarts the streams and keeps the window sequence going', () => {
    const windows: SyncWindow[] = [];
    const p = new Pipeline({}, { window: (w) => windows.push(w) });
    p.setStreams('hs', [infoOf(MUSE)]);
    const cs = generate(MUSE, 0, 30, bg());
    cs.forEach((c, i) => {
      if (i === Math.floor(cs.length / 2)) p.reconfigure({ filters: { eeg: { notchHz: [60] } } });
      p.push(c);
    });
    assert.deepEqual(p.config.filters.eeg.notchHz, [60]);
    windows.forEach((w, i) => assert.equal(w.seq, i, `window ${i}'s seq`));
    assert.ok(windows.length > 15, `expected: windows.length > 15`);
  });

  test("reconfigure keeps each stream's clock model and output grid (only the resampler and filters restart); new clock settings start it afresh", () => {
    // A new notch threw the whole stream away, its 2-minute drift fit with it: 'estimating drift…'
    // again, and the strap's offset resting on the one packet since.
    const blocks: ConditionedBlock[] = [];
    const gaps: Gap[] = [];
    const p = new Pipeline({}, { conditioned: (b) => blocks.push(b), gap: (g) => gaps.push(g) });
    for (const d of [MUSE, POLAR]) p.setStreams(d.id, [infoOf(d)]);
    const cs = interleave(generate(MUSE, 0, 80, bg()), generate(POLAR, 0, 80, bg()));
    const changeAt = cs.findIndex((c) => c.hostTime >= T0 + 60);
    const clockOf = () => new Map(p.states().map((s) => [s.streamId, s]));
    let before = clockOf();
    const lastKBefore = new Map<string, number>();
    let blocksBefore = 0;
    cs.forEach((c, i) => {
      if (i === changeAt) {
        before = clockOf();
        for (const b of blocks) lastKBefore.set(b.streamId, Math.round(b.startTime * 200) + b.count - 1);
        blocksBefore = blocks.length;
        p.reconfigure({ filters: { eeg: { notchHz: [60], highpassHz: 1, lowpassHz: 40 }, ecg: { notchHz: [60] } }, quality: { mainsHz: 60 } });
      }
      p.push(c);
    });
    const after = clockOf();
    for (const [id, b] of before) {
      const a = after.get(id)!;
      assert.ok(b.clock.driftEstimated && a.clock.driftEstimated, `${id}: drift estimated before (${b.clock.driftEstimated}) and still after the change (${a.clock.driftEstimated})`);
      assert.ok(a.clock.observations > b.clock.observations, `${id}: the clock model goes on (${b.clock.observations} observations before, ${a.clock.observations} at the end)`);
      assert.equal(a.segments, b.segments + 1, `${id}: one new segment (the filters restart)`);
      const firstAfter = blocks.slice(blocksBefore).find((x) => x.streamId === id);
      const k = firstAfter ? Math.round(firstAfter.startTime * 200) : NaN;
      assert.ok(k > lastKBefore.get(id)! && k < lastKBefore.get(id)! + 40, `${id}: the output goes on just after its last sample before the change (${lastKBefore.get(id)}), from ${k}`);
    }
    assert.ok(Math.abs(Math.abs(after.get('hs/eeg')!.clock.driftPpm) - 40) < 5, `headset drift ${after.get('hs/eeg')!.clock.driftPpm} ppm, 40 in size`);
    assert.deepEqual(gaps, [], 'a settings change is no gap in the data');
    const ks = blocks.filter((b) => b.streamId === 'st/ecg').map((b) => Math.round(b.startTime * 200));
    assert.ok(ks.every((k, i) => i === 0 || k > ks[i - 1]), "the strap's conditioned blocks never go back in time");

    // New clock settings: that stream's model starts over (its state was fitted under the old ones).
    p.reconfigure({ clock: { windowSec: 60 } });
    p.push(generate(MUSE, 80, 81, bg())[0]);
    assert.equal(clockOf().get('hs/eeg')!.clock.driftEstimated, false, 'under new clock settings the drift is estimated afresh');
  });

  test('bad configuration is refused with the field named', () => {
    assert.throws(() => new Pipeline({ window: { lengthSec: 5.0025 } }), /window.lengthSec/);
    assert.throws(() => new Pipeline({ filters: { eeg: { lowpassHz: 120 } } }), /filters.eeg.lowpassHz/);
  });
});
