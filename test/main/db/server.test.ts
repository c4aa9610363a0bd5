// The library and replay queries, run directly on a connection (the worker runs the same functions).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { openDatabase } from '../../../src/main/db/open-database';
import * as server from '../../../src/main/db/server';
import { packChunks } from '../../../src/main/db/sample-codec';
import type { WritableDb } from '../../../src/main/db/db.types';
import type { StreamInfo } from '../../../src/shared/stream.types';
import { Pipeline, PIPELINE_SNAPSHOT_VERSION } from '../../../src/shared/pipeline';
import type { DbError } from '../../../src/main/db/db-error';
import { tempDir } from './db-test-util';

function open(t: { after(fn: () => void): void }): WritableDb {
  const o = openDatabase(join(tempDir(t), 'recordings.sqlite'));
  t.after(() => o.db.close());
  return o.writable!;
}

const eeg: StreamInfo = {
  id: 'sim-eeg-1/eeg',
  deviceId: 'sim-eeg-1',
  deviceName: 'Simulated headset',
  deviceModel: 'sim-eeg',
  modality: 'eeg',
  nominalRateHz: 256,
  latencySec: 0.02,
  channels: ['TP9', 'AF7', 'AF8', 'TP10'].map((label) => ({ label, unit: 'uV', resolution: 0.48828125, rangeUv: 1000 })),
};
const ecg: StreamInfo = {
  id: 'sim-ecg-1/ecg',
  deviceId: 'sim-ecg-1',
  deviceName: 'Simulated strap',
  deviceModel: 'sim-ecg',
  modality: 'ecg',
  nominalRateHz: 130,
  channels: [{ label: 'ECG', unit: 'uV', resolution: 1 }],
};
const dev = (info: StreamInfo) => ({ deviceKey: info.deviceId, name: info.deviceName, model: info.deviceModel, serial: '', transport: 'sim' });

function chunk(seq: number, hostTime: number, channels: number, count: number, base: number) {
  const data = new Float32Array(channels * count);
  for (let i = 0; i < data.length; i++) data[i] = (base + i) * (channels === 4 ? 0.48828125 : 1);
  return { seq, deviceTime: hostTime - 5, hostTime, count, data };
}

test('library: create, list newest first, search by name/subject/tag/notes, rename, retag, notes, delete', (t) => {
  const db = open(t);
  const a = server.createSession(db, { name: 'Baseline', subjectId: 'S01', startTime: 100, appVersion: 't', origin: 'recorded', state: 'complete', endTime: 160, tags: ['rest', ' Eyes closed ', 'REST'] });
  const b = server.createSession(db, { name: 'Music 50%_loud', subjectId: 'S02', startTime: 200, appVersion: 't', origin: 'recorded', state: 'complete', endTime: 260, notes: 'felt calm' });
  assert.deepEqual(server.listSessions(db).map((s) => s.id), [b, a]);
  assert.deepEqual(server.getSummary(db, a).tags, ['Eyes closed', 'rest']);
  assert.deepEqual(server.listSessions(db, { text: 'base' }).map((s) => s.id), [a]);
  assert.deepEqual(server.listSessions(db, { text: 's02' }).map((s) => s.id), [b]);
  assert.deepEqual(server.listSessions(db, { text: 'eyes' }).map((s) => s.id), [a], 'tags are searched');
  assert.deepEqual(server.listSessions(db, { text: 'calm' }).map((s) => s.id), [b], 'notes are searched');
  assert.deepEqual(server.listSessions(db, { text: '50%_' }).map((s) => s.id), [b], 'LIKE wildcards are literal');
  assert.deepEqual(server.listSessions(db, { text: '%' }).map((s) => s.id), [b]);
  assert.deepEqual(server.listSessions(db, { tag: 'REST' }).map((s) => s.id), [a], 'tags match regardless of case');
  assert.deepEqual(server.listSessions(db, { subjectId: 's01' }).map((s) => s.id), [a]);
  const renamed = server.updateSession(db, a, { name: '  Baseline 2 ', tags: ['x'], notes: 'n', subjectId: 'S09' });
  assert.equal(renamed.name, 'Baseline 2');
  assert.deepEqual(renamed.tags, ['x']);
  assert.equal(renamed.notes, 'n');
  assert.equal(renamed.subjectId, 'S09');
  assert.throws(() => server.updateSession(db, a, { name: '   ' }), /cannot be empty/);
  assert.deepEqual(server.listTags(db), [{ tag: 'x', sessions: 1 }]);
  server.deleteSession(db, a);
  assert.deepEqual(server.listSessions(db).map((s) => s.id), [b]);
  assert.throws(() => server.getSummary(db, a), /no session/);
});

test('recording batches: replay pages give back every chunk in arrival order across streams, exactly', (t) => {
  const db = open(t);
  const sid = server.createSession(db, { name: 'r', startTime: 1000, appVersion: 't', origin: 'recorded', state: 'recording' });
  assert.equal(server.getSummary(db, sid).state, 'recording');
  const se = server.addStream(db, sid, { device: dev(eeg), info: eeg });
  const sc = server.addStream(db, sid, { device: dev(ecg), info: ecg });
  // Three batches; the two streams interleave within each, a source gap in the second.
  let seq = 0;
  const sent: { streamId: number; seq: number; hostTime: number; data: Float32Array }[] = [];
  for (let batch = 0; batch < 3; batch++) {
    const eegChunks = [];
    const ecgChunks = [];
    const gaps = [];
    for (let k = 0; k < 5; k++) {
      const te = 1000 + batch * 0.25 + k * 0.05;
      const ce = chunk(seq++, te, 4, 12, seq * 100);
      eegChunks.push(ce);
      sent.push({ streamId: se, ...ce });
      if (batch === 1 && k === 2) gaps.push({ streamId: sc, seq: seq++, gap: { streamId: ecg.id, startTime: te, endTime: te + 0.1, missingSamples: 13, reason: 'device-dropped' as const }, fromSource: true });
      const cc = chunk(seq++, te + 0.001, 1, 7, seq * 10);
      ecgChunks.push(cc);
      sent.push({ streamId: sc, ...cc });
    }
    const res = server.appendBatch(db, { sessionId: sid, blocks: [{ streamId: se, chunks: packChunks(eegChunks) }, { streamId: sc, chunks: packChunks(ecgChunks) }], gaps });
    assert.equal(res.samples, 5 * 12 * 4 + 5 * 7, `batch ${batch}: samples stored`);
  }
  const summary = server.getSummary(db, sid);
  assert.equal(summary.sampleCount, 3 * (5 * 12 * 4 + 5 * 7));
  assert.ok(summary.diskBytes > 0, `diskBytes ${summary.diskBytes}, expected > 0`);
  // Pages of one batch each, then one of everything: both give the same sequence.
  for (const per of [1, 100]) {
    const got: { streamId: number; seq: number; hostTime: number; data: Float32Array }[] = [];
    const gapSeqs: number[] = [];
    let from: number | null = 0;
    while (from !== null) {
      const page = server.readReplayPage(db, sid, from, per);
      got.push(...page.chunks);
      gapSeqs.push(...page.gaps.map((g) => g.seq));
      from = page.nextSeq;
    }
    assert.deepEqual(got.map((c) => [c.streamId, c.seq, c.hostTime]), sent.map((c) => [c.streamId, c.seq, c.hostTime]));
    for (let i = 0; i < sent.length; i++) assert.deepEqual(got[i].data, sent[i].data, `chunk ${i} (seq ${sent[i].seq}) samples, ${per} per page`);
    assert.equal(gapSeqs.length, 1, `one gap read back, ${per} per page`);
  }
  // Seek: the batch holding the first chunk at or after a time.
  assert.equal(server.seqAtTime(db, sid, 999), 0);
  const second = server.seqAtTime(db, sid, 1000.3)!;
  const page = server.readReplayPage(db, sid, second, 1);
  assert.ok(page.chunks[0].hostTime <= 1000.3 && page.chunks.some((c) => c.hostTime >= 1000.3), `the page starts at or before 1000.3 and reaches it (first at ${page.chunks[0]?.hostTime})`);
  assert.equal(server.seqAtTime(db, sid, 5000), null);
  // Streams keep everything the source announced.
  const detail = server.getSession(db, sid);
  assert.equal(detail.streams[0].info.latencySec, 0.02);
  assert.equal(detail.streams[0].info.channels[0].rangeUv, 1000);
  assert.deepEqual(detail.streams.map((s) => s.info.id), [eeg.id, ecg.id]);
  // Finishing sets the end at the last sample when no time is given.
  const done = server.finishSession(db, sid);
  assert.equal(done.state, 'complete');
  assert.equal(done.endTime, 1000 + 0.5 + 0.2 + 0.001);
  // Timeline: gaps with their stream.
  assert.deepEqual(server.getTimeline(db, sid).gaps.map((g) => [g.streamKey, g.reason, g.missingSamples]), [[ecg.id, 'device-dropped', 13]]);
});

test('readStreamChunks in slices: the block across a boundary is decoded once (carried to the next slice), every chunk read once', (t) => {
  const db = open(t);
  const sid = server.createSession(db, { name: 'r', startTime: 1000, appVersion: 't', origin: 'recorded', state: 'recording' });
  const se = server.addStream(db, sid, { device: dev(eeg), info: eeg });
  // Two blocks of five chunks, 0.1 s apart: the first spans 1000.0–1000.4, the second 1000.5–1000.9.
  let seq = 0;
  for (let b = 0; b < 2; b++) {
    const chunks = Array.from({ length: 5 }, (_, k) => chunk(seq++, 1000 + b * 0.5 + k * 0.1, 4, 3, seq * 10));
    server.appendBatch(db, { sessionId: sid, blocks: [{ streamId: se, chunks: packChunks(chunks) }], gaps: [] });
  }
  const all = server.readStreamChunks(db, se);
  assert.equal(all.length, 10);
  // Slices [1000, 1000.25], [1000.25, 1000.75], [1000.75, 1001]: each boundary falls inside a block.
  const carry: server.DecodedBlocks = new Map();
  const first = server.readStreamChunks(db, se, 1000, 1000.25, carry);
  assert.deepEqual(first.map((c) => c.seq), [0, 1, 2]);
  assert.equal(carry.size, 1, 'the first block reaches past the boundary: kept');
  const [firstBlockId] = carry.keys();
  // The next slice takes the block from the carry, not from the database: a marked copy shows it.
  const kept = carry.get(firstBlockId)!;
  carry.set(firstBlockId, kept.map((c) => ({ ...c, deviceTime: -1 })));
  const second = server.readStreamChunks(db, se, 1000.25, 1000.75, carry);
  assert.deepEqual(second.map((c) => c.seq), [3, 4, 5, 6, 7]);
  assert.deepEqual(second.slice(0, 2).map((c) => c.deviceTime), [-1, -1], 'the boundary block was not decoded again');
  assert.ok(second.slice(2).every((c) => c.deviceTime !== -1), 'every chunk after the second has a device time');
  assert.deepEqual([...carry.keys()].length, 1);
  assert.ok(!carry.has(firstBlockId), 'a block that ends before the boundary is dropped from the carry');
  const third = server.readStreamChunks(db, se, 1000.75, 1001, carry);
  assert.deepEqual(third.map((c) => c.seq), [8, 9]);
  for (const [i, c] of [...first, ...second.slice(2), ...third].entries()) assert.deepEqual(c.data, all[i < 3 ? i : i + 2].data, `chunk ${i} (seq ${c.seq}) samples`);
});

test('a session left in "recording" by another process reads as interrupted, ending at its last sample', (t) => {
  const db = open(t);
  const sid = server.createSession(db, { name: 'r', startTime: 50, appVersion: 't', origin: 'recorded', state: 'recording' });
  const se = server.addStream(db, sid, { device: dev(eeg), info: eeg });
  server.appendBatch(db, { sessionId: sid, blocks: [{ streamId: se, chunks: packChunks([chunk(0, 51, 4, 12, 0), chunk(1, 52.5, 4, 12, 0)]) }], gaps: [] });
  server.abandonRecording(db, sid); // what a fresh process sees: it does not own this recording
  const s = server.getSummary(db, sid);
  assert.equal(s.state, 'interrupted');
  assert.equal(s.endTime, 52.5);
});

test('a recording another live process holds is neither deleted nor shown as interrupted; a dead recorder\'s is', (t) => {
  const file = join(tempDir(t), 'recordings.sqlite');
  const a = openDatabase(file); // the recorder (the app, or `heartmind record`)
  const b = openDatabase(file); // another process's connection (a second CLI)
  t.after(() => (a.db.close(), b.db.close()));
  const sid = server.createSession(a.writable!, { name: 'live', startTime: 50, appVersion: 't', origin: 'recorded', state: 'recording' });
  assert.equal(server.getSummary(b.writable!, sid).state, 'recording');
  assert.throws(() => server.deleteSession(b.writable!, sid), (e: DbError) => e.kind === 'Invalid' && /being recorded by another HeartMind process \(pid \d+\)/.test(e.message));
  server.finishSession(a.writable!, sid);
  assert.equal(server.getSummary(b.writable!, sid).state, 'complete');
  // A recorder that died mid-recording left its lock file: its pid no longer runs.
  const crashed = server.createSession(a.writable!, { name: 'crashed', startTime: 60, appVersion: 't', origin: 'recorded', state: 'recording' });
  const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  writeFileSync(`${file}.rec-${crashed}.pid`, dead.stdout);
  assert.equal(server.getSummary(b.writable!, crashed).state, 'interrupted');
  server.deleteSession(b.writable!, crashed);
  assert.equal(existsSync(`${file}.rec-${crashed}.pid`), false, 'the leftover lock goes with the session');
  // A lock whose pid now belongs to a live process that is not Node (pid reuse after a crash).
  const reused = server.createSession(a.writable!, { name: 'reused', startTime: 70, appVersion: 't', origin: 'recorded', state: 'recording' });
  const other = spawn('sleep', ['30']);
  t.after(() => other.kill());
  writeFileSync(`${file}.rec-${reused}.pid`, String(other.pid));
  assert.equal(server.getSummary(b.writable!, reused).state, 'interrupted');
  server.deleteSession(b.writable!, sid);
});

test('a lock whose pid now belongs to a process that started after the recorder (a container restarted gives the app the same pid) does not count; the live recorder\'s does', async (t) => {
  const file = join(tempDir(t), 'recordings.sqlite');
  const a = openDatabase(file);
  t.after(() => a.db.close());
  const recording = (name: string) => server.createSession(a.writable!, { name, startTime: 50, appVersion: 't', origin: 'recorded', state: 'recording' });
  const a2 = openDatabase(file); // this process's other connection: the recorder is this process, alive
  t.after(() => a2.db.close());
  const live = recording('live');
  assert.match(readFileSync(`${file}.rec-${live}.pid`, 'utf8'), new RegExp(`^${process.pid} \\d+$`), 'the lock names the pid and when its process started');
  assert.equal(server.getSummary(a2.writable!, live).state, 'recording');
  // The app crashed while recording and came back with the same pid (it read as recording for good: not replayable, not deletable).
  const crashed = recording('crashed');
  server.abandonRecording(a.writable!, crashed); // the new process does not record it...
  const startedMs = Date.now() - process.uptime() * 1000;
  writeFileSync(`${file}.rec-${crashed}.pid`, `${process.pid} ${Math.round(startedMs - 3600e3)}`); // ...its previous self, an hour earlier, did
  assert.equal(server.getSummary(a2.writable!, crashed).state, 'interrupted');
  server.deleteSession(a2.writable!, crashed);
  // Another Node process: counts while it is the one that started when the file says, not when its pid was reused.
  const child = spawn(process.execPath, ['-e', 'console.log(Math.round(Date.now() - process.uptime() * 1000)); setTimeout(() => {}, 30000)'], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.after(() => child.kill());
  const childStart = Number(await new Promise<string>((r) => child.stdout.once('data', (d) => r(String(d)))));
  const other = recording('other process');
  server.abandonRecording(a.writable!, other);
  writeFileSync(`${file}.rec-${other}.pid`, `${child.pid} ${childStart}`);
  assert.equal(server.getSummary(a2.writable!, other).state, 'recording', 'the recorder in another process, alive');
  writeFileSync(`${file}.rec-${other}.pid`, `${child.pid} ${childStart - 600e3}`);
  assert.equal(server.getSummary(a2.writable!, other).state, 'interrupted', 'its pid reused by a Node process started later');
  // A lock from before the start time was written (pid alone) still counts while its pid runs Node.
  writeFileSync(`${file}.rec-${other}.pid`, String(child.pid));
  assert.equal(server.getSummary(a2.writable!, other).state, 'recording');
});

test('markers, self-reports, predictions and filter settings', (t) => {
  const db = open(t);
  const sid = server.createSession(db, { name: 'm', startTime: 0, appVersion: 't', origin: 'recorded', state: 'complete', endTime: 10 });
  server.addMarker(db, sid, { time: 5, label: ' b ', source: 'udp' });
  server.addMarker(db, sid, { time: 2, label: 'a', source: 'keyboard', duration: 1.5 });
  assert.deepEqual(server.listMarkers(db, sid).map((m) => [m.time, m.label, m.source, m.duration]), [[2, 'a', 'keyboard', 1.5], [5, 'b', 'udp', 0]]);
  assert.throws(() => server.addMarker(db, sid, { time: 1, label: '', source: 'udp' }), /needs a label/);
  assert.throws(() => server.addMarker(db, sid, { time: NaN, label: 'x', source: 'udp' }), /finite/);
  assert.throws(() => server.addMarker(db, sid, { time: 1, label: 'x', source: 'telepathy' as never }), /unknown marker source/);
  const r = server.addSelfReport(db, sid, { time: 6, valence: 7, arousal: 3, dominance: 5, text: 'ok' });
  assert.deepEqual(server.listSelfReports(db, sid), [r]);
  assert.throws(() => server.addSelfReport(db, sid, { time: 6, valence: 7.5, arousal: 3, dominance: 5 }), /whole number from 1 to 9/);
  server.addPredictions(db, sid, [{ modelId: 'fused', windowTime: 5, outputs: { valence: 0.7, arousal: 0.2 } }]);
  assert.deepEqual(server.listPredictions(db, sid, 'fused').map((p) => p.outputs), [{ valence: 0.7, arousal: 0.2 }]);
  server.addFilterSettings(db, sid, 0, { notchHz: 50, bandPassHz: [0.5, 45] });
  assert.deepEqual(server.getSession(db, sid).filterSettings, [{ time: 0, settings: { notchHz: 50, bandPassHz: [0.5, 45] } }]);
  assert.equal(server.getSummary(db, sid).markerCount, 2);
  assert.equal(server.getSummary(db, sid).selfReportCount, 1);
});

test('a failing import leaves the database as it was', (t) => {
  const db = open(t);
  const before = server.listSessions(db).length;
  assert.throws(() =>
    server.importSession(db, {
      session: { name: 'bad', startTime: 0, appVersion: 't' },
      streams: [{ device: dev(eeg), info: eeg, chunks: packChunks([{ seq: 0, deviceTime: 0, hostTime: 0, count: 12, data: new Float32Array(48) }]) }],
      markers: [{ time: 0, label: '', source: 'import' }],
      gaps: [],
    }),
  );
  assert.equal(server.listSessions(db).length, before);
  assert.equal(db.prepare('SELECT count(*) FROM sample_blocks').pluck().get(), 0);
  assert.equal(db.prepare('SELECT count(*) FROM streams').pluck().get(), 0);
});

test('pipeline snapshots: stored with their batch, the newest before a seek is found with the batch to read from', (t) => {
  const db = open(t);
  const sid = server.createSession(db, { name: 's', startTime: 1000, appVersion: 't', origin: 'recorded', state: 'recording' });
  const se = server.addStream(db, sid, { device: dev(eeg), info: eeg });
  // Real snapshots of a pipeline fed the same chunks: before any (every window reproducible), then
  // every 10 s.
  const pipeline = new Pipeline({}, {});
  pipeline.setStreams(eeg.deviceId, [eeg]);
  const initial = pipeline.snapshot();
  assert.equal(initial.windowsFrom, -Infinity);
  let seq = 0;
  const snaps: { afterSeq: number; windowsFrom: number }[] = [{ afterSeq: -1, windowsFrom: -Infinity }];
  const sizeBefore = () => server.getSummary(db, sid).diskBytes;
  for (let batch = 0; batch < 160; batch++) {
    const chunks = [];
    for (let k = 0; k < 5; k++) {
      const c = chunk(seq++, 1000 + batch * 0.25 + (k + 1) * 0.05, 4, 12, seq);
      c.deviceTime = 3 + (seq - 1) * (12 / 256);
      c.hostTime = 1000 + (seq * 12) / 256 + 0.02;
      chunks.push(c);
      pipeline.push({ streamId: eeg.id, ...c });
      // One snapshot taken mid-batch (a flush whose buffers were taken later): read from the batch start.
      if (batch === 79 && k === 2) {
        const s = pipeline.snapshot();
        snaps.push({ afterSeq: seq - 1, windowsFrom: s.windowsFrom });
        (chunks as unknown as { snap: Uint8Array }).snap = s.bytes;
      }
    }
    const snapshots = [];
    if (batch === 0) snapshots.push({ afterSeq: -1, data: initial.bytes });
    if (batch === 79) snapshots.push({ afterSeq: snaps[1].afterSeq, data: (chunks as unknown as { snap: Uint8Array }).snap });
    if (batch === 119) {
      const s = pipeline.snapshot();
      snaps.push({ afterSeq: seq - 1, windowsFrom: s.windowsFrom });
      snapshots.push({ afterSeq: seq - 1, data: s.bytes });
    }
    const before = sizeBefore();
    server.appendBatch(db, { sessionId: sid, blocks: [{ streamId: se, chunks: packChunks(chunks) }], gaps: [], snapshots });
    if (snapshots.length) assert.ok(sizeBefore() - before > snapshots[0].data.length, 'disk usage counts snapshots');
  }
  const listed = server.listSnapshots(db, sid);
  assert.deepEqual(listed.map((s) => [s.afterSeq, s.windowsFrom]), snaps.map((s) => [s.afterSeq, s.windowsFrom]));
  // (A message of its own: assert.ok would build one from the source, which hangs under tsx.)
  assert.ok(listed.every((s) => s.version === PIPELINE_SNAPSHOT_VERSION && s.bytes > 100), `versions and sizes: ${JSON.stringify(listed.map((s) => [s.version, s.bytes]))}`);
  assert.ok(snaps[1].windowsFrom >= 1018 && snaps[1].windowsFrom < 1021, `${snaps[1].windowsFrom}`);
  // The newest whose windows start early enough; before them all, the one from the start.
  const at = (windowsFrom: number) => server.seekSnapshot(db, sid, windowsFrom);
  assert.equal(at(snaps[2].windowsFrom + 3)!.afterSeq, snaps[2].afterSeq);
  assert.equal(at(snaps[2].windowsFrom - 0.5)!.afterSeq, snaps[1].afterSeq);
  assert.equal(at(1005)!.afterSeq, -1);
  assert.equal(at(900)!.afterSeq, -1);
  const mid = at(snaps[1].windowsFrom)!;
  assert.equal(mid.readFromSeq, 79 * 5, 'the batch holding the chunk after the snapshot');
  assert.equal(at(snaps[2].windowsFrom)!.readFromSeq, snaps[2].afterSeq + 1);
  assert.equal(at(0)!.readFromSeq, 0);
  // The bytes come back as stored and restore.
  const p2 = new Pipeline({}, {});
  p2.setStreams(eeg.deviceId, [eeg]);
  assert.equal(p2.restore(mid.data).windowsFrom, snaps[1].windowsFrom);
  // By its seq (a replay playing through a settings change): that one, or none.
  const byseq = server.pipelineSnapshotAt(db, sid, snaps[1].afterSeq)!;
  assert.equal(byseq.afterSeq, snaps[1].afterSeq);
  assert.ok(Buffer.from(byseq.data).equals(Buffer.from(mid.data)), `the snapshot at seq ${snaps[1].afterSeq} comes back byte for byte (${byseq.data.byteLength} bytes, stored ${mid.data.byteLength})`);
  assert.equal(server.pipelineSnapshotAt(db, sid, snaps[1].afterSeq + 1), null);
  assert.throws(() => server.pipelineSnapshotAt(db, sid, 1.5), (e: DbError) => e.kind === 'Invalid' && /integer ≥ -1, got 1.5/.test(e.message));
  // A damaged snapshot is refused before anything of its batch is written.
  const n = server.getSummary(db, sid).sampleCount;
  assert.throws(
    () => server.appendBatch(db, { sessionId: sid, blocks: [{ streamId: se, chunks: packChunks([chunk(seq, 2000, 4, 12, 0)]) }], gaps: [], snapshots: [{ afterSeq: seq, data: initial.bytes.slice(0, 30) }] }),
    (e: DbError) => e.kind === 'Invalid' && /pipeline snapshot: 30 bytes/.test(e.message),
  );
  assert.equal(server.getSummary(db, sid).sampleCount, n);
  // A session without snapshots (recorded before them, or imported) has none to seek from.
  const old = server.createSession(db, { name: 'old', startTime: 0, appVersion: 't', origin: 'recorded', state: 'complete', endTime: 1 });
  assert.equal(server.seekSnapshot(db, old, 100), null);
  server.finishSession(db, sid);
  server.deleteSession(db, sid);
  assert.equal(db.prepare('SELECT count(*) FROM pipeline_snapshots').pluck().get(), 0);
});

test('imports end whatever their times: batches always advance (1e18 s, NaN, ties), and out-of-range times are refused before anything is written', (t) => {
  // In a child process with a time limit: if the batching loop stops advancing again, this fails
  // in seconds instead of hanging the test run (the loop is synchronous; no in-process timeout
  // could stop it).
  const dir = tempDir(t);
  const url = (p: string) => pathToFileURL(resolve(p)).href;
  const script = `
    const server = await import(${JSON.stringify(url('src/main/db/server.ts'))});
    const { openDatabase } = await import(${JSON.stringify(url('src/main/db/open-database.ts'))});
    const { packChunks } = await import(${JSON.stringify(url('src/main/db/sample-codec.ts'))});
    const ns = Array.from({ length: 5 }, (_, k) => (1.7e9 + k / 250) * 1e9);
    const out = {
      ns: server.importBatchEnds(ns),
      huge: server.importBatchEnds([1e300, 1e300, 1e300]),
      nan: server.importBatchEnds([NaN, NaN, NaN]),
      ties: server.importBatchEnds(Array(600).fill(1000)),
      seconds: server.importBatchEnds(Array.from({ length: 26 }, (_, k) => k / 10)),
      refused: [],
    };
    const o = openDatabase(${JSON.stringify(join(dir, 'recordings.sqlite'))});
    const db = o.writable;
    const info = ${JSON.stringify(eeg)};
    for (const hostTime of [ns[0], NaN, 1e300, -5]) {
      try {
        server.importSession(db, {
          session: { name: 'c', startTime: 1.7e9, appVersion: 't', sourceFile: '/data/c.csv' },
          streams: [{ device: { deviceKey: 'f', name: 'c.csv', model: 'file:brainflow-csv', serial: '', transport: 'file' }, info,
            chunks: packChunks([{ seq: 0, deviceTime: 0, hostTime, count: 2, data: new Float32Array(8) }]) }],
          markers: [],
          gaps: [],
        });
        out.refused.push('stored');
      } catch (e) { out.refused.push(e.kind + ': ' + e.message); }
    }
    out.sessions = server.listSessions(db).length;
    o.db.close();
    process.stdout.write(JSON.stringify(out));
  `;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.signal, null, `the import did not end within 30 s (killed by ${r.signal}): the batching loop no longer advances`);
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as Record<string, number[]> & { refused: string[]; sessions: number };
  assert.deepEqual(out.ns, [1, 2, 3, 4, 5], 'ns-scale times 4 ms apart: one chunk per batch, never zero');
  assert.deepEqual(out.huge, [1, 2, 3], 'at 1e300, time + 1 s == time: still one chunk per batch');
  assert.deepEqual(out.nan, [1, 2, 3]);
  assert.deepEqual(out.ties, [256, 512, 600], 'chunks sharing one time are cut by count');
  assert.deepEqual(out.seconds, [10, 20, 26], 'ordinary times: one batch per second');
  assert.equal(out.refused.length, 4);
  assert.match(out.refused[0], /^Invalid: \/data\/c\.csv: a sample time of the import is out of range: 1700000000000000000 is not a unix time in seconds from 1970 to 2200; it looks like nanoseconds \(2023-11-14\)/);
  assert.match(out.refused[1], /^Invalid: \/data\/c\.csv: .*NaN is not a unix time/);
  assert.match(out.refused[2], /^Invalid: .*1e\+300 is not a unix time in seconds from 1970 to 2200$/);
  assert.match(out.refused[3], /^Invalid: .*-5 is not a unix time/);
  assert.equal(out.sessions, 0, 'a refused import leaves no session behind');
});
