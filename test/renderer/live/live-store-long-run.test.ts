// The live store over a long session, run as fast as possible: two simulated hours of the pushes a
// dashboard gets (trace blocks, windows, heart features and R peaks, gaps, markers, log lines),
// then every list it keeps is checked against its bound, and a store disposed after each of many
// reconnect cycles leaves no listener behind on the client.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { HeartMindClient } from '../../../src/renderer/src/transport/client';
import type { PushMessage, PushType } from '../../../src/shared/ipc-schema';
import type { SyncWindow } from '../../../src/shared/window.types';

// The store publishes its arrival log on `window` (the latency benchmark reads it there).
(globalThis as { window?: unknown }).window ??= globalThis;
const { LiveStore, MAX_TRACE_SECONDS } = await import('../../../src/renderer/src/live/live-store');

/** A client whose pushes the test sends, counting the listeners the store holds. */
function fakeClient() {
  const listeners = new Map<string, Set<(m: PushMessage) => void>>();
  let connection = new Set<(s: 'open' | 'connecting' | 'closed') => void>();
  const count = () => [...listeners.values()].reduce((n, s) => n + s.size, 0) + connection.size;
  const client = {
    transport: 'websocket',
    state: 'open',
    // The snapshot a resync asks for never comes: the pushes are what is under test.
    invoke: () => new Promise(() => {}),
    on: (type: PushType, l: (m: PushMessage) => void) => {
      let set = listeners.get(type);
      if (!set) listeners.set(type, (set = new Set()));
      set.add(l);
      return () => void set!.delete(l);
    },
    onConnection: (l: (s: 'open' | 'connecting' | 'closed') => void) => {
      connection.add(l);
      return () => void connection.delete(l);
    },
    onError: () => () => {},
    close: () => {
      connection = new Set();
    },
  } as unknown as HeartMindClient;
  const push = (m: PushMessage) => {
    for (const l of listeners.get(m.type) ?? []) l(m);
  };
  return { client, push, count };
}

const EEG = ['Fp1', 'Fp2', 'C3', 'C4'];
const absent = { modality: 'eeg' as const, present: false, channels: [], data: new Float32Array(0), quality: [], streamIds: [] };

test('two simulated hours of pushes: every list the store keeps stays within its bound', () => {
  const { client, push } = fakeClient();
  const store = new LiveStore(client);
  const block = (streamId: string, channels: string[], t: number, n: number) =>
    push({ type: 'pipeline:conditioned', block: { streamId, modality: streamId.endsWith('ecg') ? 'ecg' : 'eeg', channels, startTime: t, rateHz: 200, count: n, data: new Float32Array(channels.length * n) } });
  const HOURS = 2;
  let seq = 0;
  for (let s = 0; s < HOURS * 3600; s++) {
    // Trace blocks of 0.1 s for both streams, a window a second, heart features with a beat or so.
    for (let k = 0; k < 10; k++) {
      block('h/eeg', EEG, s + k / 10, 20);
      block('s/ecg', ['I'], s + k / 10, 20);
    }
    const w: SyncWindow = { seq: seq++, startTime: s - 5, rateHz: 200, samples: 1000, eeg: absent, ecg: { ...absent, modality: 'ecg' } };
    push({ type: 'pipeline:window', window: w });
    push({ type: 'pipeline:r-peak', streamId: 's/ecg', time: s + 0.4 });
    push({ type: 'pipeline:heart', features: { streamId: 's/ecg', time: s + 1, heartRateBpm: 70, rrMs: [850], rrLeftOut: 0, rmssdMs: 20, rPeakTimes: [s + 0.4] } });
    if (s % 30 === 0) push({ type: 'sessions:marker', marker: { id: s, sessionId: 1, time: s, duration: s % 60 === 0 ? 2 : 0, label: `m${s}`, source: 'keyboard' } });
    if (s % 20 === 0) push({ type: 'pipeline:gap', gap: { streamId: 'h/eeg', startTime: s, endTime: s + 0.1, missingSamples: 20, reason: 'packet-loss' } });
    if (s % 7 === 0) push({ type: 'pipeline:log', entry: { time: s, level: 'info', source: 'device:h', message: `line ${s}` } });
  }
  assert.ok(store.windows.length <= 120, `window summaries kept: ${store.windows.length}`);
  assert.ok(store.logs.length <= 500, `log lines kept: ${store.logs.length}`);
  assert.ok(store.gaps.length <= 100, `gaps kept: ${store.gaps.length}`);
  const peaks = store.rPeaks.get('s/ecg') ?? [];
  assert.ok(peaks.length > 0 && peaks.length <= MAX_TRACE_SECONDS + 6, `R peaks kept (one a second): ${peaks.length}`);
  assert.ok(store.events.marks.length > 0 && store.events.marks.length <= 3, `events kept (one each 30 s, kept ${MAX_TRACE_SECONDS + 5} s): ${store.events.marks.length}`);
  assert.ok(store.arrivals.windows.length <= 4096 && store.arrivals.blocks.length <= 4096, `arrival log: ${store.arrivals.windows.length} windows, ${store.arrivals.blocks.length} blocks`);
  assert.equal(store.traces.size, 2, 'one trace buffer per stream');
  for (const [id, b] of store.traces) assert.ok(b.size <= b.capacity && b.capacity <= MAX_TRACE_SECONDS * 200, `${id}: ${b.size} samples held of ${b.capacity}`);
  store.dispose();
});

test('a store disposed after each of many reconnects leaves no listener on the client', () => {
  const { client, count } = fakeClient();
  const before = count();
  for (let i = 0; i < 200; i++) new LiveStore(client).dispose();
  assert.equal(count(), before, `listeners left after 200 stores came and went: ${count() - before}`);
  const one = new LiveStore(client);
  const held = count() - before;
  assert.ok(held > 10, `a live store listens to the pushes it shows (${held})`);
  one.dispose();
  assert.equal(count(), before, 'and lets go of all of them');
});
