// Pipeline snapshots: a snapshot taken at any point between calls, restored into a fresh pipeline
// fed the rest of the calls, gives what the uninterrupted pipeline gave — windows (from the
// snapshot's windowsFrom on), conditioned samples, gaps, problems and clock states — bit for bit.
// Damaged, foreign or mismatched snapshots are refused with a named code and change nothing.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Pipeline, PipelineSnapshotError, PIPELINE_SNAPSHOT_VERSION, decodePipelineSnapshotHeader, type PipelineProblem, type PipelineSnapshot } from '../../../src/shared/pipeline';
import type { Gap, SampleChunk, StreamInfo } from '../../../src/shared/stream.types';
import type { ConditionedBlock, SyncWindow } from '../../../src/shared/window.types';
import type { HeartFeatures, QualityReport } from '../../../src/shared/features.types';
import { generate, infoOf, interleave, pulse, T0, type DeviceSpec } from './chunk-gen';
import { mulberry32 } from '../../../src/shared/seeded-random';

const HEADSET: DeviceSpec = { id: 'hs', modality: 'eeg', rateHz: 256, labels: ['TP9', 'AF7', 'AF8', 'TP10'], packet: 12, driftPpm: 45, latencySec: 0.012, jitterMeanSec: 0.008, deviceEpoch: 77 };
const STRAP: DeviceSpec = { id: 'st', modality: 'ecg', rateHz: 130, labels: ['ECG'], packet: 73, driftPpm: -60, latencySec: 0.02, jitterMeanSec: 0.015, deviceEpoch: 7.5e8, seed: 3 };
const SECONDS = 70;

function bg(c: number, t: number): number {
  return 15 * Math.sin(2 * Math.PI * 10 * t + c) + 8 * Math.sin(2 * Math.PI * 1.3 * t) + 2500 + 300 * c + pulse(33, 300)(t) + 4 * Math.sin(2 * Math.PI * 50 * t);
}

type Call = { chunk: SampleChunk } | { gap: Gap };

/** Two drifting, jittery devices with lost packets, a NaN, an overlap, a clock jump, a clock reset and a source gap. */
function faultyCalls(): Call[] {
  const lost = new Set([150, 151, 152, 1400]);
  const hs = generate(HEADSET, 0, SECONDS, bg, (i) => lost.has(i)).map((c) => (c.hostTime - T0 > 41 ? { ...c, deviceTime: c.deviceTime + 5 } : c));
  const st = generate(STRAP, 0, SECONDS, bg, (i) => i === 40).map((c) => (c.hostTime - T0 > 52 ? { ...c, deviceTime: c.deviceTime - 2000 } : c));
  const chunks = interleave(hs, st);
  chunks[500] = { ...chunks[500], data: chunks[500].data.map((v, i) => (i === 3 ? NaN : v)) };
  chunks.splice(700, 0, { ...chunks[699], hostTime: chunks[699].hostTime + 0.0001 });
  const calls: Call[] = chunks.map((chunk) => ({ chunk }));
  // The strap says it dropped at 25 s (and stays away 2 s).
  const at = calls.findIndex((x) => 'chunk' in x && x.chunk.streamId === 'st/ecg' && x.chunk.hostTime - T0 > 25);
  calls.splice(at, 0, { gap: { streamId: 'st/ecg', startTime: T0 + 25, endTime: T0 + 27, missingSamples: 260, reason: 'device-dropped' } });
  return calls.filter((x) => !('chunk' in x) || !(x.chunk.streamId === 'st/ecg' && x.chunk.hostTime - T0 > 25 && x.chunk.hostTime - T0 < 27));
}

const b64 = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
/** A window as comparable text: everything but its sequence number (a restored pipeline counts its own). */
const windowText = (w: SyncWindow) => JSON.stringify({ ...w, seq: 0, eeg: { ...w.eeg, data: b64(w.eeg.data) }, ecg: { ...w.ecg, data: b64(w.ecg.data) } });
const blockText = (b: ConditionedBlock) => JSON.stringify({ ...b, data: b64(b.data) });

interface Out {
  windows: SyncWindow[];
  blocks: ConditionedBlock[];
  gaps: Gap[];
  problems: PipelineProblem[];
  quality: QualityReport[];
}
/** Output per call index: what the pipeline emitted during call i. */
type Log = { call: number; kind: keyof Out; value: unknown }[];

function pipelineWithLog(streams: StreamInfo[][], current: { i: number }, log: Log, heart?: (f: HeartFeatures) => void): Pipeline {
  const rec = (kind: keyof Out) => (value: unknown) => log.push({ call: current.i, kind, value });
  const p = new Pipeline({}, { window: rec('windows'), conditioned: rec('blocks'), gap: rec('gaps'), problem: rec('problems'), quality: rec('quality'), heart });
  streams.forEach((infos) => p.setStreams(infos[0].deviceId, infos));
  return p;
}

function feed(p: Pipeline, calls: Call[], from: number, current: { i: number }, onAfter?: (i: number) => void): void {
  for (let i = from; i < calls.length; i++) {
    current.i = i;
    const c = calls[i];
    if ('gap' in c) p.sourceGap(c.gap);
    else p.push(c.chunk);
    onAfter?.(i);
  }
}

const text = (kind: keyof Out, v: unknown) => (kind === 'windows' ? windowText(v as SyncWindow) : kind === 'blocks' ? blockText(v as ConditionedBlock) : JSON.stringify(v));

describe('pipeline snapshots', () => {
  const calls = faultyCalls();
  const streams = [[infoOf(HEADSET)], [infoOf(STRAP)]];
  // The uninterrupted run, with snapshots taken after random calls (taking one must change nothing).
  const r = mulberry32(2024);
  const points = new Set(Array.from({ length: 7 }, () => Math.floor(r() * (calls.length - 50))));
  points.add(0);
  points.add(calls.length - 1);
  const snaps = new Map<number, PipelineSnapshot>();
  const log: Log = [];
  const cur = { i: 0 };
  const original = pipelineWithLog(streams, cur, log);
  feed(original, calls, 0, cur, (i) => {
    if (points.has(i)) snaps.set(i, original.snapshot());
  });

  test('taking snapshots changes nothing in the output', () => {
    const plainLog: Log = [];
    const c2 = { i: 0 };
    const plain = pipelineWithLog(streams, c2, plainLog);
    feed(plain, calls, 0, c2);
    assert.equal(plainLog.length, log.length);
    plainLog.forEach((e, i) => assert.equal(text(e.kind, e.value), text(log[i].kind, log[i].value), `event ${i} (${e.kind}) as in the first run`));
    assert.ok(log.some((e) => e.kind === 'gaps') && log.some((e) => e.kind === 'problems'), 'the faults show');
  });

  test('restored into a fresh pipeline, the rest of the calls give identical output, bit for bit', () => {
    let comparedWindows = 0;
    for (const [at, snap] of snaps) {
      const tail: Log = [];
      const c = { i: 0 };
      const restored = pipelineWithLog(streams, c, tail);
      const head = restored.restore(snap.bytes);
      assert.equal(head.windowsFrom, snap.windowsFrom, `restored at call ${at}: windowsFrom`);
      assert.deepEqual(head.streamIds, ['hs/eeg', 'st/ecg'], `restored at call ${at}: the stream ids`);
      feed(restored, calls, at + 1, c);
      const expected = log.filter((e) => e.call > at && (e.kind !== 'windows' || (e.value as SyncWindow).startTime >= snap.windowsFrom) && (e.kind !== 'quality' || (e.value as QualityReport).time - 5 >= snap.windowsFrom - 1e-9));
      assert.equal(tail.length, expected.length, `after call ${at}: ${tail.length} events, uninterrupted ${expected.length}`);
      tail.forEach((e, i) => {
        assert.equal(e.kind, expected[i].kind, `after call ${at}, event ${i}`);
        assert.equal(e.call, expected[i].call, `after call ${at}, event ${i} comes at the same call`);
        assert.equal(text(e.kind, e.value), text(expected[i].kind, expected[i].value), `after call ${at}: ${e.kind} ${i} differs`);
      });
      comparedWindows += tail.filter((e) => e.kind === 'windows').length;
      assert.deepEqual(restored.states(), original.states(), `clock states after call ${at}`);
      // The windows a restore cannot give are only those that needed samples from before it.
      const lost = log.filter((e) => e.call > at && e.kind === 'windows' && (e.value as SyncWindow).startTime < snap.windowsFrom);
      assert.ok(lost.length <= 8, `${lost.length} windows before windowsFrom`);
      assert.ok(snap.windowsFrom <= snap.hostTime + 1 || snap.windowsFrom === -Infinity, `windowsFrom ${snap.windowsFrom} is at most 1 s after the snapshot's hostTime ${snap.hostTime}`);
    }
    assert.ok(comparedWindows > 150, `${comparedWindows} windows compared`);
  });

  test('restored for a later target (outputFrom): the same output from the target on, less work before it', () => {
    const [at, snap] = [...snaps].sort((a, b) => a[0] - b[0])[3];
    const target = snap.hostTime + 14.3;
    const tail: Log = [];
    const hearts: number[] = [];
    const c = { i: 0 };
    const restored = pipelineWithLog(streams, c, tail, (f) => hearts.push(f.time));
    restored.restore(snap.bytes, { outputFrom: target });
    feed(restored, calls, at + 1, c);
    const ends = (e: { kind: keyof Out; value: unknown }) => (e.kind === 'windows' ? (e.value as SyncWindow).startTime + 5 : e.kind === 'quality' ? (e.value as QualityReport).time : Infinity);
    const got = tail.filter((e) => ends(e) >= target);
    const expected = log.filter((e) => e.call > at && ends(e) >= target);
    assert.ok(got.filter((e) => e.kind === 'windows').length > 10, 'more than 10 windows were sent');
    assert.equal(got.length, expected.length);
    got.forEach((e, i) => assert.equal(text(e.kind, e.value), text(expected[i].kind, expected[i].value), `event ${i} (${e.kind})`));
    // Nothing is cut for before the target (beyond the window that just ends there).
    assert.ok(tail.filter((e) => e.kind === 'windows').every((e) => (e.value as SyncWindow).startTime + 5 >= target - 1), `every window after the seek ends at or after ${target - 1}`);
    assert.ok(hearts.length > 0 && hearts[0] >= target - 10 && hearts[0] < target - 8, `features start 10 s before the target (${hearts[0] - target})`);
    assert.deepEqual(restored.states(), original.states());
  });

  test('a snapshot of a restored pipeline restores to the same thing again', () => {
    const [at, snap] = [...snaps].find(([i]) => i > 1000)!;
    const c = { i: 0 };
    const once = pipelineWithLog(streams, c, []);
    once.restore(snap.bytes);
    const again = once.snapshot();
    assert.deepEqual(Buffer.from(again.bytes), Buffer.from(snap.bytes));
    assert.ok(at > 0, `at ${at}, expected > 0`);
  });

  test('small and versioned: a few kB for two streams', () => {
    for (const snap of snaps.values()) {
      const h = decodePipelineSnapshotHeader(snap.bytes);
      assert.equal(h.version, PIPELINE_SNAPSHOT_VERSION, 'the snapshot header version');
      assert.equal(h.length, snap.bytes.length, "the header's length is the snapshot's");
      assert.ok(snap.bytes.length < 8000, `${snap.bytes.length} bytes`);
    }
  });

  test('stream ids can be mapped (a replay prefixes them)', () => {
    const snap = snaps.get([...snaps.keys()].sort((a, b) => a - b)[3])!;
    const renamed = streams.map((infos) => infos.map((i) => ({ ...i, id: `replay:${i.id}`, deviceId: 'replay-1', deviceName: 'Replay' })));
    const p = new Pipeline({}, {});
    p.setStreams('replay-1', renamed.flat());
    assert.throws(() => p.restore(snap.bytes), (e: PipelineSnapshotError) => e.code === 'stream-mismatch' && /hs\/eeg/.test(e.message));
    const head = p.restore(snap.bytes, { streamId: (id) => `replay:${id}` });
    assert.deepEqual(head.streamIds, ['hs/eeg', 'st/ecg']);
  });
});

describe('bad snapshots are refused with a named code, and nothing changes', () => {
  const calls = faultyCalls();
  const streams = [[infoOf(HEADSET)], [infoOf(STRAP)]];
  const cur = { i: 0 };
  const source = pipelineWithLog(streams, cur, []);
  feed(source, calls.slice(0, 900), 0, cur);
  const good = source.snapshot().bytes;

  const refuses = (bytes: Uint8Array, code: string, p = pipelineWithLog(streams, { i: 0 }, [])) => {
    const before = p.snapshot().bytes;
    assert.throws(
      () => p.restore(bytes),
      (e: unknown) => e instanceof PipelineSnapshotError && e.code === code && e.message.startsWith('pipeline snapshot'),
      `expected ${code}`,
    );
    assert.deepEqual(Buffer.from(p.snapshot().bytes), Buffer.from(before), 'the pipeline is unchanged');
  };

  test('truncated', () => {
    refuses(good.slice(0, good.length - 100), 'truncated');
    refuses(good.slice(0, 10), 'truncated');
  });
  test('damaged (a flipped bit anywhere past the header)', () => {
    for (const at of [60, Math.floor(good.length / 2), good.length - 5]) {
      const bad = good.slice();
      bad[at] ^= 0x10;
      refuses(bad, 'corrupt');
    }
  });
  test('not a snapshot', () => refuses(Uint8Array.from({ length: 200 }, (_, i) => i), 'bad-magic'));
  test('another version', () => {
    const bad = good.slice();
    bad[4] = PIPELINE_SNAPSHOT_VERSION + 1;
    refuses(bad, 'unsupported-version');
  });
  test('another configuration', () => {
    const p = new Pipeline({ filters: { eeg: { highpassHz: 1 } } }, {});
    streams.forEach((s) => p.setStreams(s[0].deviceId, s));
    refuses(good, 'config-mismatch', p);
  });
  test('a different stream set or layout', () => {
    const onlyHeadset = new Pipeline({}, {});
    onlyHeadset.setStreams('hs', [infoOf(HEADSET)]);
    refuses(good, 'stream-mismatch', onlyHeadset);
    const otherRate = new Pipeline({}, {});
    otherRate.setStreams('hs', [infoOf({ ...HEADSET, rateHz: 250 })]);
    otherRate.setStreams('st', [infoOf(STRAP)]);
    refuses(good, 'stream-mismatch', otherRate);
  });
  test('from inside a callback (mid-chunk)', () => {
    let err: unknown = null;
    const p = new Pipeline({}, {
      accepted: () => {
        try {
          p.snapshot();
        } catch (e) {
          err ??= e;
        }
      },
    });
    streams.forEach((s) => p.setStreams(s[0].deviceId, s));
    p.push((calls.find((c) => 'chunk' in c) as { chunk: SampleChunk }).chunk);
    assert.ok(err instanceof PipelineSnapshotError && err.code === 'busy', `a busy PipelineSnapshotError, got ${String(err)}`);
  });
});
