// The library's list says what each session's streams hold (SessionSummary.signals: modality,
// channels, rate, samples), so a view that lists sessions (the Training view's dataset builder)
// needs no SessionDetail per session; a stream whose layout changed mid-session is one signal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { openDatabase } from '../../../src/main/db/open-database';
import * as server from '../../../src/main/db/server';
import { packChunks } from '../../../src/main/db/sample-codec';
import type { StreamInfo } from '../../../src/shared/stream.types';
import { signalCounts, storedEegChannels } from '../../../src/shared/train/label-classes';
import { tempDir } from '../db/db-test-util';

const channels = (labels: string[]) => labels.map((label) => ({ label, unit: 'uV', resolution: 1 }));
const eeg4: StreamInfo = { id: 'cap/eeg', deviceId: 'cap', deviceName: 'Cap', deviceModel: 'cap', modality: 'eeg', nominalRateHz: 256, channels: channels(['TP9', 'AF7', 'AF8', 'TP10']) };
// The same stream after its layout changed (an AUX channel switched on): a second row.
const eeg5: StreamInfo = { ...eeg4, channels: channels(['TP9', 'AF7', 'AF8', 'TP10', 'AUX']) };
const ecg: StreamInfo = { id: 'strap/ecg', deviceId: 'strap', deviceName: 'Strap', deviceModel: 'strap', modality: 'ecg', nominalRateHz: 130, channels: channels(['ECG']) };
const dev = (info: StreamInfo) => ({ deviceKey: info.deviceId, name: info.deviceName, model: info.deviceModel, serial: '', transport: 'sim' });
const block = (streamId: number, seq: number, n: number, count: number) => ({ streamId, chunks: packChunks([{ seq, deviceTime: 0, hostTime: 1000 + seq, count, data: new Float32Array(n * count) }]) });

test('the list gives each session its streams in brief, a changed layout merged, equal to what its detail holds', (t) => {
  const o = openDatabase(join(tempDir(t), 'recordings.sqlite'));
  t.after(() => o.db.close());
  const db = o.writable!;
  const a = server.createSession(db, { name: 'cap and strap', startTime: 1000, appVersion: 't', origin: 'recorded', state: 'complete', endTime: 1100 });
  const r4 = server.addStream(db, a, { device: dev(eeg4), info: eeg4 });
  const rc = server.addStream(db, a, { device: dev(ecg), info: ecg });
  server.appendBatch(db, { sessionId: a, blocks: [block(r4, 0, 4, 12), block(rc, 1, 1, 7)], gaps: [] });
  const r5 = server.addStream(db, a, { device: dev(eeg5), info: eeg5 });
  server.appendBatch(db, { sessionId: a, blocks: [block(r5, 2, 5, 24)], gaps: [] });
  const bare = server.createSession(db, { name: 'markers only', startTime: 2000, appVersion: 't', origin: 'recorded', state: 'complete', endTime: 2010 });
  const ecgOnly = server.createSession(db, { name: 'strap, nothing stored', startTime: 3000, appVersion: 't', origin: 'recorded', state: 'complete', endTime: 3010 });
  server.addStream(db, ecgOnly, { device: dev(ecg), info: ecg });

  const listed = new Map(server.listSessions(db).map((s) => [s.id, s.signals]));
  assert.deepEqual(listed.get(a), [
    { stream: 'cap/eeg', modality: 'eeg', channels: 5, rateHz: 256, samples: 36 },
    { stream: 'strap/ecg', modality: 'ecg', channels: 1, rateHz: 130, samples: 7 },
  ]);
  assert.deepEqual(listed.get(bare), [], 'no stream, no signal');
  assert.deepEqual(listed.get(ecgOnly), [{ stream: 'strap/ecg', modality: 'ecg', channels: 1, rateHz: 130, samples: 0 }], 'a stream that stored nothing is listed with 0 samples');
  assert.deepEqual(signalCounts(listed.get(ecgOnly)!), { samples: { ecg: 0 }, channels: {} }, 'and counts no channel');
  // The detail says the same (its rows: 4 + 5 EEG channels, 12 and 24 samples), and its EEG channels by name.
  const detail = server.getSession(db, a);
  assert.deepEqual(detail.streams.map((s) => [s.info.id, s.info.channels.length, s.sampleCount]), [['cap/eeg', 4, 12], ['strap/ecg', 1, 7], ['cap/eeg', 5, 24]]);
  assert.deepEqual(detail.signals, listed.get(a));
  assert.deepEqual(signalCounts(detail.signals), { samples: { eeg: 36, ecg: 7 }, channels: { eeg: 5, ecg: 1 } });
  assert.deepEqual(storedEegChannels(detail.streams), ['TP9', 'AF7', 'AF8', 'TP10', 'AUX']);
});
