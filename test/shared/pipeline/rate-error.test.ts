// A device whose real sample rate is not its nominal one: a counter clock (a text device's line
// count, a Cyton's or Muse's sample count: device time = index / nominal rate) runs at the real
// rate over the nominal one, which the clock model must take as drift beyond a crystal's; a device
// stamping its own samples (BrainFlow, Polar, a text device's time column) shows it as a sample
// period off nominal. Within MAX_RATE_ERROR the pipeline follows either, every sample kept (the
// recorder stores what is passed on). Before, the drift was held to ±1000 ppm (a counter 2 % slow
// had its samples placed 0.9 s early at 50 s, one 9 % slow was missing from the windows from 20 s
// on) and the period to ±5 % (a device 9 % fast against its own timestamps had every tenth chunk
// dropped as an 'overlap', not recorded either, and a bridged 'loss' after each).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Pipeline, type PipelineProblem } from '../../../src/shared/pipeline';
import type { Gap, SampleChunk } from '../../../src/shared/stream.types';
import type { SyncWindow } from '../../../src/shared/window.types';
import { generate, infoOf, interleave, pulse, T0, withHeartbeat, type DeviceSpec } from './chunk-gen';

const EVENTS = [13.5, 20.5, 50.5];
const STRAP: DeviceSpec = { id: 'st', modality: 'ecg', rateHz: 130, labels: ['ECG'], packet: 73, driftPpm: -30, latencySec: 0.02, jitterMeanSec: 0.01, deviceEpoch: 7.5e8, seed: 3 };
const sig = (c: number, t: number) => 20 * Math.sin(2 * Math.PI * 10 * t + c) + EVENTS.reduce((s, e) => s + pulse(e, 400)(t), 0);

/** A 250 Hz text-like EEG device whose real rate is `percent` % off: on a counter clock, or stamping its samples itself. */
function device(percent: number, clock: 'counter' | 'stamped'): DeviceSpec {
  const off = clock === 'counter' ? { driftPpm: percent * 1e4 } : { rateErrorPpm: percent * 1e4 };
  return { id: 'tx', modality: 'eeg', rateHz: 250, labels: ['C3', 'C4'], packet: 10, latencySec: 0.005, jitterMeanSec: 0.004, deviceEpoch: 0, ...off };
}

type Fed = { chunk: SampleChunk } | { gap: Gap };

interface Run {
  windows: SyncWindow[];
  problems: PipelineProblem[];
  gaps: Gap[];
  /** What a recorder stores: the chunks passed on and the gaps reported, in order. */
  recorded: Fed[];
  pipeline: Pipeline;
}

function run(d: DeviceSpec, feed: Fed[], maxRateError?: number): Run {
  const r: Run = { windows: [], problems: [], gaps: [], recorded: [], pipeline: null as unknown as Pipeline };
  const p = new Pipeline(maxRateError === undefined ? {} : { clock: { maxRateError } }, {
    window: (w) => r.windows.push(w),
    problem: (x) => r.problems.push(x),
    gap: (g) => {
      r.gaps.push(g);
      r.recorded.push({ gap: g });
    },
    accepted: (chunk) => r.recorded.push({ chunk }),
  });
  p.setStreams(d.id, [infoOf(d)]);
  p.setStreams(STRAP.id, [infoOf(STRAP)]);
  for (const x of feed) {
    if ('gap' in x) p.sourceGap(x.gap);
    else p.push(x.chunk);
  }
  r.pipeline = p;
  return r;
}

const live = (d: DeviceSpec, maxRateError?: number) => {
  const chunks = generate(d, 0, 56, sig);
  const r = run(d, interleave(chunks, generate(STRAP, 0, 56, withHeartbeat(sig))).map((chunk) => ({ chunk })), maxRateError);
  return { r, samples: chunks.reduce((s, c) => s + c.count, 0) };
};
const kept = (r: Run) => r.recorded.reduce((s, x) => s + ('chunk' in x && x.chunk.streamId === 'tx/eeg' ? x.chunk.count : 0), 0);

/** ms between each event and the largest EEG sample of the window that starts 2 s before it ('absent': no EEG there). */
function eventOffsetsMs(windows: SyncWindow[]): (number | string)[] {
  return EVENTS.map((e) => {
    const w = windows.find((x) => x.startTime - T0 === Math.floor(e) - 2);
    if (!w?.eeg.present) return 'absent';
    let best = 0;
    for (let i = 1; i < w.samples; i++) if (w.eeg.data[i] > w.eeg.data[best]) best = i;
    return Math.round((w.startTime - T0 + best / w.rateHz - e) * 1000);
  });
}

describe('a device off its nominal rate is followed (within MAX_RATE_ERROR)', () => {
  // The drift is held to a crystal's ±1000 ppm until the buckets span 10 s; a counter clock's rate
  // error is taken then (or later, for a small one: the lines through each third of the buckets
  // must agree), and the mapping's move is marked once: a time-base gap and a problem naming the
  // rate. A device stamping its own samples is followed by its sample period, unmarked.
  for (const [percent, clock] of [[-0.5, 'counter'], [-2, 'counter'], [2, 'counter'], [-9.9, 'counter'], [10, 'counter'], [-9.6, 'stamped'], [6, 'stamped'], [9.6, 'stamped']] as const) {
    test(`${percent > 0 ? '+' : ''}${percent} %, ${clock === 'counter' ? 'on a sample counter' : 'its own timestamps'}: every sample kept, events in place once the rate is taken`, () => {
      const d = device(percent, clock);
      const { r, samples } = live(d);
      assert.equal(kept(r), samples, 'every sample passed on (the recorder stores what is passed on)');
      const off = eventOffsetsMs(r.windows);
      assert.ok(off.every((ms) => typeof ms === 'number' && Math.abs(ms) <= 5), `events off by ${off.join(', ')} ms (within one 200 Hz sample)`);
      assert.ok(r.windows.filter((w) => w.startTime - T0 >= 11).every((w) => w.eeg.present), 'EEG in every window from 11 s on');
      const st = r.pipeline.states().find((s) => s.streamId === 'tx/eeg')!;
      if (clock === 'counter') {
        // Positive drift: the device clock is slow (host time advances more).
        const want = (1 / (1 + percent / 100) - 1) * 1e6;
        assert.ok(Math.abs(st.clock.driftPpm - want) < 200, `drift ${st.clock.driftPpm.toFixed(0)} ppm, the rate's ${want.toFixed(0)}`);
        assert.deepEqual(r.problems.map((p) => p.code), ['time-jump'], `one problem: ${r.problems.map((p) => p.message).join(' / ')}`);
        const m = /^samples come at ([\d.]+) Hz on the host clock, not the 250 Hz set \(([\d.]+) % (slow|fast)\): followed at that rate, the data placed [\d.]+ ms (later|earlier) from here/.exec(r.problems[0].message);
        assert.ok(m, `the problem names the rate: ${r.problems[0].message}`);
        assert.ok(Math.abs(Number(m[1]) - 250 * (1 + percent / 100)) < 0.1 && Math.abs(Number(m[2]) - Math.abs(percent)) < 0.05, `${m[1]} Hz, ${m[2]} %: the real rate ${250 * (1 + percent / 100)} Hz`);
        assert.deepEqual([m[3], m[4]], percent < 0 ? ['slow', 'later'] : ['fast', 'earlier'], 'a slow device is placed later from the move, a fast one earlier');
        assert.deepEqual(r.gaps.map((g) => g.reason), ['time-base'], 'the move marked once');
        const at = r.gaps[0].startTime - T0;
        assert.ok(at >= 9.9 && at < 11, `marked at ${at.toFixed(2)} s, when the buckets span 10 s`);
      } else {
        assert.deepEqual(r.problems.map((p) => p.message), [], 'no problem');
        assert.deepEqual(r.gaps, [], 'no gap');
        assert.ok(Math.abs(st.deviceRateHz - 250 * (1 + percent / 100)) < 0.05, `device rate ${st.deviceRateHz.toFixed(2)} Hz`);
      }
    });
  }

  test('held to a crystal (maxRateError 0), a counter 2 % slow is placed hundreds of ms early, as before', () => {
    const { r } = live(device(-2, 'counter'), 0);
    const off = eventOffsetsMs(r.windows);
    assert.ok(off.every((ms) => typeof ms === 'number' && ms < -100), `events off by ${off.join(', ')} ms`);
    assert.deepEqual(r.gaps, [], 'no gap, no mark: the drift never left the crystal range');
  });

  test('beyond MAX_RATE_ERROR (a counter 20 % slow: 200 Hz set to 250) the drift stays a crystal\'s: not followed, nothing marked (the source says the setting is wrong)', () => {
    const { r, samples } = live(device(-20, 'counter'));
    assert.equal(kept(r), samples, 'every sample passed on');
    const st = r.pipeline.states().find((s) => s.streamId === 'tx/eeg')!;
    assert.ok(Math.abs(st.clock.driftPpm) <= 1000, `drift ${st.clock.driftPpm.toFixed(0)} ppm`);
    assert.deepEqual([r.problems, r.gaps], [[], []], 'no problem, no gap');
  });

  test('replaying what was recorded (the chunks and the time-base gap) gives the same windows and problems, bit for bit (a counter 2 % slow)', () => {
    const d = device(-2, 'counter');
    const { r: a } = live(d);
    const b = run(d, a.recorded);
    assert.equal(b.gaps.length, 0, 'the gap fed back is not reported again');
    assert.deepEqual(b.problems, a.problems, 'the same problem');
    assert.equal(b.windows.length, a.windows.length, 'as many windows');
    a.windows.forEach((w, i) => {
      assert.equal(b.windows[i].startTime, w.startTime, `window ${i}'s start`);
      assert.deepEqual(Buffer.from(b.windows[i].eeg.data.buffer), Buffer.from(w.eeg.data.buffer), `window ${i}'s EEG, bit for bit`);
    });
  });
});
