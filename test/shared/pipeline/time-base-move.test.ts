// What the output does where the clock model starts a new time base at a lasting step of the
// transport delay floor (ClockModel 6.): the mapping of the next output moves at once by about the
// step. Before, nothing said so: a rise repeated the step's worth of signal on the host grid, a
// drop skipped it, with no gap, no problem, no mark on the windows. Now a rise holds the grid
// points up to the new mapping (no sample repeated), a drop skips, and both are a 'time-base' gap
// (the segment goes on), a problem line saying by how much and why, and a bridged stretch.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Pipeline, type PipelineProblem } from '../../../src/shared/pipeline';
import { StreamConditioner } from '../../../src/shared/pipeline/stream-conditioner';
import { resolvePipelineConfig } from '../../../src/shared/pipeline/pipeline-config';
import type { Gap, SampleChunk } from '../../../src/shared/stream.types';
import type { SyncWindow } from '../../../src/shared/window.types';
import { generate, infoOf, interleave, T0, type DeviceSpec, withHeartbeat } from './chunk-gen';

const HEADSET: DeviceSpec = { id: 'hs', modality: 'eeg', rateHz: 256, labels: ['TP9', 'AF7'], packet: 12, driftPpm: 40, latencySec: 0.012, jitterMeanSec: 0.002, deviceEpoch: 77 };
const STRAP: DeviceSpec = { id: 'st', modality: 'ecg', rateHz: 130, labels: ['ECG'], packet: 73, driftPpm: -30, latencySec: 0.02, jitterMeanSec: 0.004, deviceEpoch: 7.5e8, seed: 3 };

/** A ramp of the true time, 1 µV per ms: a repeated stretch reads as a step down, a skipped one as a step up. */
const ramp = (_c: number, t: number) => t * 1000;

/** The headset's chunks, arriving `stepSec` later (or earlier) from 60 s on. */
function stepped(stepSec: number, to = 120, signal = ramp): SampleChunk[] {
  return generate(HEADSET, 0, to, signal).map((c) => (c.hostTime - T0 > 60 ? { ...c, hostTime: c.hostTime + stepSec } : c));
}

interface Out {
  gaps: Gap[];
  problems: string[];
  bridges: [number, number][];
  /** Channel 0's resampled (unfiltered) output, by grid index. */
  raw: Map<number, number>;
  segments: number;
  /** The clock estimate's resets at the end (the dashboard's "re-anchored n times"). */
  resets: number;
}

function condition(chunks: SampleChunk[]): Out {
  const o: Out = { gaps: [], problems: [], bridges: [], raw: new Map(), segments: 0, resets: NaN };
  const c = new StreamConditioner(infoOf(HEADSET), resolvePipelineConfig(), {
    problem: (code, message) => o.problems.push(`${code}: ${message}`),
    accepted: () => {},
    gap: (g) => o.gaps.push(g),
    segmentStart: () => o.segments++,
    samples: (k0, n, _cond, raw) => {
      for (let i = 0; i < n; i++) {
        assert.ok(!o.raw.has(k0 + i), `grid point ${k0 + i} written twice`);
        o.raw.set(k0 + i, raw[i]);
      }
    },
    segmentEnd: () => {},
    bridge: (from, to) => o.bridges.push([from, to]),
  });
  for (const x of chunks) c.push(x);
  c.finish();
  o.resets = c.state().clock.resets;
  return o;
}

/** Successive differences of the ramp on the grid (µV; 5 per grid step where the signal runs on). */
function steps(o: Out): { k: number; d: number }[] {
  const ks = [...o.raw.keys()].sort((a, b) => a - b);
  const out: { k: number; d: number }[] = [];
  // Past the start-up (the offset settles in the first seconds).
  for (let i = 1; i < ks.length; i++) if (ks[i] / 200 - T0 > 5) out.push({ k: ks[i], d: o.raw.get(ks[i])! - o.raw.get(ks[i - 1])! });
  return out;
}

describe('a time-base move at a floor step is marked, never silent', () => {
  test('without a step: no time-base gap, no problem, the ramp runs on at 5 µV a grid step', () => {
    const o = condition(stepped(0));
    assert.deepEqual(o.gaps, [], 'gaps');
    assert.deepEqual(o.problems, [], 'problems');
    assert.equal(o.resets, 0, 'no re-anchor');
    const bad = steps(o).filter((s) => Math.abs(s.d - 5) > 0.5);
    assert.deepEqual(bad, [], 'steps off 5 µV');
  });

  test('the delay rises 15 ms: the grid points up to the new mapping hold (no signal repeated), a 15-ms time-base gap, a problem line', () => {
    const o = condition(stepped(0.015));
    assert.equal(o.segments, 1, 'the segment goes on');
    assert.equal(o.resets, 1, 'the new time base counts as a re-anchor on the clock line');
    assert.equal(o.gaps.length, 1, `one gap: ${JSON.stringify(o.gaps)}`);
    const g = o.gaps[0];
    assert.equal(g.reason, 'time-base');
    // Split when 20 buckets lie above the old level: some 20 s after the step.
    assert.ok(g.startTime - T0 > 75 && g.startTime - T0 < 90, `split at ${(g.startTime - T0).toFixed(2)} s`);
    const ms = (g.endTime - g.startTime) * 1000;
    assert.ok(Math.abs(ms - 15) < 0.5, `gap of ${ms.toFixed(2)} ms`);
    assert.equal(g.missingSamples, Math.round((g.endTime - g.startTime) * 256), 'missing samples at the nominal rate');
    assert.equal(o.problems.length, 1, o.problems.join('\n'));
    assert.match(o.problems[0], /^time-jump: the transport delay rose and stayed: new time base, the data placed 1[45]\.\d ms later from here; 1[45]\.\d ms held \(not repeated\), a gap is marked$/);
    // The ramp never steps down (that was the repeated signal: about −10 µV at the split); it holds
    // for the gap's grid points, then runs on from where it left off.
    const s = steps(o);
    const down = s.filter((x) => x.d < -0.01);
    assert.deepEqual(down, [], 'the ramp steps down (signal repeated)');
    const held = s.filter((x) => Math.abs(x.d) < 0.01);
    // The first held point is the value the next output had under the old mapping (a 5-µV step), the rest repeat it.
    assert.equal(held.length, Math.ceil(g.endTime * 200) - Math.round(g.startTime * 200) - 1, 'grid points held');
    assert.ok(held.every((x) => x.k / 200 >= g.startTime - 1e-9 && x.k / 200 < g.endTime + 0.005), `held points ${held.map((x) => x.k)} inside the gap`);
    const jumps = s.filter((x) => Math.abs(x.d - 5) > 0.5 && Math.abs(x.d) >= 0.01);
    assert.ok(jumps.length <= 1 && jumps.every((x) => Math.abs(x.d - 5) < 5), `after the hold the ramp goes on where it left off: ${JSON.stringify(jumps)}`);
    // The held stretch is bridged: windows over it say so.
    assert.equal(o.bridges.length, 1, 'one bridged stretch');
    assert.ok(Math.abs((o.bridges[0][1] - o.bridges[0][0]) / 200 - (g.endTime - g.startTime)) < 1e-6, `bridged ${o.bridges[0]} over the gap`);
  });

  test('the delay drops 15 ms: the signal the split skips is a time-base gap of its length, ending where the output skipped, with a problem line', () => {
    const o = condition(stepped(-0.015));
    assert.equal(o.segments, 1, 'the segment goes on');
    assert.equal(o.resets, 1, 'the new time base counts as a re-anchor on the clock line');
    // Two skips in the ramp: at the drop (60 s) the τ-quantile offset follows the lower floor
    // within a bucket (~9 ms, a refit, as always: unmarked, docs/pipeline.md §3); 3 buckets later
    // the split moves the rest (~6 ms): marked.
    const jumps = steps(o).filter((x) => Math.abs(x.d - 5) > 0.5);
    assert.equal(jumps.length, 2, JSON.stringify(jumps));
    assert.ok(Math.abs(jumps[0].k / 200 - T0 - 60) < 0.1, `the refit's skip at ${(jumps[0].k / 200 - T0).toFixed(3)} s, at the drop`);
    assert.equal(o.gaps.length, 1, `one gap: ${JSON.stringify(o.gaps)}`);
    const g = o.gaps[0];
    assert.equal(g.reason, 'time-base');
    const ms = (g.endTime - g.startTime) * 1000;
    assert.ok(ms > 1 && ms < 15.5, `gap of ${ms.toFixed(2)} ms`);
    assert.equal(jumps[1].k, Math.round(g.endTime * 200), 'the gap ends at the grid point after the skip');
    assert.ok(Math.abs(jumps[1].d - 5 - ms) < 0.3, `skipped ${(jumps[1].d - 5).toFixed(2)} µV (ms) of signal, the gap ${ms.toFixed(2)} ms`);
    assert.ok(Math.abs(jumps[0].d - 5 + ms - 15) < 1, `${(jumps[0].d - 5).toFixed(2)} + ${ms.toFixed(2)} ms skipped in all, the drop 15 ms`);
    assert.equal(g.missingSamples, Math.round((g.endTime - g.startTime) * 256), 'missing samples at the nominal rate');
    assert.equal(o.problems.length, 1, o.problems.join('\n'));
    assert.match(o.problems[0], new RegExp(`^time-jump: the transport delay dropped and stayed: new time base, the data placed ${ms.toFixed(1)} ms earlier from here; ${g.missingSamples} samples \\(${ms.toFixed(1)} ms\\) skipped, a gap is marked$`));
    assert.equal(o.bridges.length, 1, 'one bridged stretch');
    assert.ok(Math.abs((o.bridges[0][1] - o.bridges[0][0]) / 200 - (g.endTime - g.startTime)) < 1e-6, `bridged ${o.bridges[0]} over the gap`);
  });

  const serialise = (ws: SyncWindow[]) =>
    ws.map((w) => ({ ...w, eeg: { ...w.eeg, data: Buffer.from(w.eeg.data.buffer).toString('base64') }, ecg: { ...w.ecg, data: Buffer.from(w.ecg.data.buffer).toString('base64') } }));

  for (const stepSec of [0.015, -0.015]) {
    test(`through the pipeline (${stepSec * 1000} ms): windows over the move stay present and say how much was bridged; a replay feeding the recorded gap back is the same, bit for bit`, () => {
      const sig = withHeartbeat((c, t) => 15 * Math.sin(2 * Math.PI * 10 * t + c) + 2500);
      const chunks = interleave(stepped(stepSec, 120, sig), generate(STRAP, 0, 120, withHeartbeat(sig)));
      const run = (feed: ({ chunk: SampleChunk } | { gap: Gap })[]) => {
        const r = { windows: [] as SyncWindow[], gaps: [] as Gap[], problems: [] as PipelineProblem[], recorded: [] as ({ chunk: SampleChunk } | { gap: Gap })[] };
        const p = new Pipeline({}, {
          window: (w) => r.windows.push(w),
          gap: (g) => {
            r.gaps.push(g);
            r.recorded.push({ gap: g });
          },
          accepted: (chunk) => r.recorded.push({ chunk }),
          problem: (x) => r.problems.push(x),
        });
        for (const d of [HEADSET, STRAP]) p.setStreams(d.id, [infoOf(d)]);
        for (const x of feed) {
          if ('gap' in x) p.sourceGap(x.gap);
          else p.push(x.chunk);
        }
        return r;
      };
      const live = run(chunks.map((chunk) => ({ chunk })));
      assert.ok(live.gaps.length >= 1 && live.gaps.every((g) => g.reason === 'time-base' && g.streamId === 'hs/eeg'), `time-base gaps: ${JSON.stringify(live.gaps)}`);
      assert.ok(live.problems.length === live.gaps.length && live.problems.every((p) => p.streamId === 'hs/eeg' && p.code === 'time-jump'), 'a problem per gap, the headset\'s');
      const over = live.windows.filter((w) => live.gaps.some((g) => w.startTime < g.endTime && w.startTime + w.samples / w.rateHz > g.startTime));
      assert.ok(over.length >= 4, `${over.length} windows over the moves`);
      for (const w of over) {
        assert.ok(w.eeg.present, `window at ${(w.startTime - T0).toFixed(1)} s present`);
        const end = w.startTime + w.samples / w.rateHz;
        const ms = live.gaps.reduce((a, g) => a + Math.max(0, Math.min(end, g.endTime) - Math.max(w.startTime, g.startTime)) * 1000, 0);
        assert.ok(Math.abs((w.eeg.quality[0].bridgedMs ?? 0) - ms) <= 0.6, `window at ${(w.startTime - T0).toFixed(1)} s: ${w.eeg.quality[0].bridgedMs} ms bridged, the gaps ${ms.toFixed(2)} ms`);
      }
      assert.ok(live.windows.every((w) => w.eeg.present && w.ecg.present), 'every window has both modalities');
      // A recording replayed: the recorded gap is fed back before its chunk, which moves the time
      // base again; nothing reported twice, every window the same.
      const replay = run(live.recorded);
      assert.equal(replay.gaps.length, 0, 'the gap fed back is not reported again');
      assert.deepEqual(replay.problems, live.problems, 'problems');
      assert.deepEqual(serialise(replay.windows), serialise(live.windows), 'windows');
    });
  }

  test('a snapshot taken just before the split restores into the same move: the gap, the problem, the windows, bit for bit', () => {
    const sig = withHeartbeat((c, t) => 15 * Math.sin(2 * Math.PI * 10 * t + c) + 2500);
    const chunks = interleave(stepped(0.015, 100, sig), generate(STRAP, 0, 100, withHeartbeat(sig)));
    const make = (log: string[]) => {
      const p = new Pipeline({}, {
        // seq counts from the restore on: left out.
        window: (w) => log.push(`window ${JSON.stringify(serialise([{ ...w, seq: 0 }]))}`),
        gap: (g) => log.push(`gap ${JSON.stringify(g)}`),
        problem: (x) => log.push(`problem ${JSON.stringify(x)}`),
      });
      for (const d of [HEADSET, STRAP]) p.setStreams(d.id, [infoOf(d)]);
      return p;
    };
    const live: string[] = [];
    const at: number[] = [];
    const p = make(live);
    chunks.forEach((c) => {
      at.push(live.length);
      p.push(c);
    });
    const split = at.findIndex((n, i) => live.slice(n, at[i + 1] ?? live.length).some((e) => e.startsWith('gap ')));
    assert.ok(split > 0, 'the split happened');
    for (const before of [1, 7]) {
      const log: string[] = [];
      const q = make([]);
      for (let i = 0; i < split - before; i++) q.push(chunks[i]);
      const snap = q.snapshot();
      const restored = make(log);
      restored.restore(snap.bytes);
      for (let i = split - before; i < chunks.length; i++) restored.push(chunks[i]);
      const expected = live.slice(at[split - before]).filter((e) => !e.startsWith('window ') || JSON.parse(e.slice(7))[0].startTime >= snap.windowsFrom);
      assert.ok(log.some((e) => e.startsWith('gap ') && e.includes('time-base')), `restored ${before} chunks before: the move is marked`);
      // Compared one by one (a diff of some hundred serialised windows takes minutes to print).
      assert.equal(log.length, expected.length, `restored ${before} chunks before the split: ${log.length} events, uninterrupted ${expected.length}`);
      const bad = log.findIndex((e, i) => e !== expected[i]);
      assert.equal(bad, -1, `restored ${before} chunks before the split: event ${bad} differs: ${log[bad]?.slice(0, 300)} | ${expected[bad]?.slice(0, 300)}`);
      assert.deepEqual(restored.states(), p.states(), `clock states, restored ${before} chunks before`);
    }
  });
});
