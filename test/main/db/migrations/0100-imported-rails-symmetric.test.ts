// Schema 100: the rails of channels imported before the symmetry rule (7a36ca2) are re-derived from
// the physical range the file declared, on a copy of a database made the old way (max(|min|, |max|)
// of any range, any unit). The original, left at schema 90 and read-only, still opens as it was.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import path, { join } from 'node:path';
import { dbAtVersion, tempDir } from '../db-test-util';
import { migrate, readableWithoutUpgrade, schemaVersion } from '../../../../src/main/db/migrations/index';
import { openDatabase } from '../../../../src/main/db/open-database';
import { addStream, createSession, getSession, importSession, type SessionImport } from '../../../../src/main/db/server';
import { toSessionImport } from '../../../../src/main/sessions/import-recording';
import { importRecording } from '../../../../src/shared/formats/import-recording';
import { Pipeline } from '../../../../src/shared/pipeline';
import type { SampleChunk, StreamInfo } from '../../../../src/shared/stream.types';
import type { WritableDb } from '../../../../src/main/db/db.types';

/** What an import stored before 7a36ca2: a file's physical range as ± its larger bound, whatever its unit or symmetry. */
function oldWay(imp: SessionImport): SessionImport {
  return {
    ...imp,
    streams: imp.streams.map((s) => ({
      ...s,
      info: {
        ...s.info,
        channels: s.info.channels.map((c, i) => {
          const r = s.channelDetails?.[i]?.physicalRange;
          return r ? { ...c, rangeUv: Math.max(Math.abs(r[0]), Math.abs(r[1])) } : c;
        }),
      },
    })),
  };
}

/** A database at `version` (closed, in rollback journaling so that a copy of the file is all of it) and what `fill` returned. */
function makeDb<T>(file: string, version: number, fill: (db: WritableDb) => T): T {
  const db = dbAtVersion(file, version);
  try {
    return fill(db);
  } finally {
    db.pragma('journal_mode = DELETE');
    db.close();
  }
}

const rails = (info: StreamInfo) => info.channels.map((c) => c.rangeUv);

test('0100: imported channels get the rails an import gives today; live streams and the rest of the info are left as they were', (t) => {
  const dir = tempDir(t);
  const original = join(dir, 'old.sqlite');
  const ids = makeDb(original, 90, (db) => {
    const sessionId = createSession(db, { name: 'imported', startTime: 1, state: 'complete', origin: 'imported', appVersion: '0.1.0' });
    const file = addStream(db, sessionId, {
      device: { deviceKey: 'file:a.edf', name: 'a.edf', model: 'file:edf', serial: '', transport: 'file' },
      info: {
        id: 'file:a.edf/0-eeg', deviceId: 'file:a.edf', deviceName: 'a.edf', deviceModel: 'file:edf', modality: 'eeg', nominalRateHz: 256, latencySec: 0.01,
        channels: [
          { label: 'Fp1', unit: 'uV', resolution: 0.0004, rangeUv: 175946 }, // a DC offset, fitted to the data
          { label: 'Cz', unit: 'uV', resolution: 0.1, rangeUv: 3276.8 }, // an amplifier's ±3.2768 mV
          { label: 'Pz', unit: 'uV', resolution: 0.002, rangeUv: 59.35658 }, // EEGMAT's, fitted
          { label: 'Temp', unit: 'degC', resolution: 0.01, rangeUv: 40 }, // before the unit was checked
        ],
      },
      channelDetails: [
        { physicalRange: [175921, 175946], fileIndex: 3 },
        { physicalRange: [-3276.8, 3276.7], fileIndex: 0 },
        { physicalRange: [-45.1698, 59.35658], fileIndex: 1 },
        { physicalRange: [0, 40], fileIndex: 2 },
      ],
    });
    const live = addStream(db, sessionId, {
      device: { deviceKey: 'muse', name: 'Muse', model: 'muse-s', serial: '', transport: 'ble' },
      info: { id: 'muse/eeg', deviceId: 'muse', deviceName: 'Muse', deviceModel: 'muse-s', modality: 'eeg', nominalRateHz: 256, channels: [{ label: 'TP9', unit: 'uV', resolution: 0.48828125, rangeUv: 999.5 }] },
    });
    return { sessionId, file, live };
  });
  const copy = join(dir, 'copy.sqlite');
  copyFileSync(original, copy);

  const db = dbAtVersion(copy, 90);
  t.after(() => db.close());
  const before = getSession(db, ids.sessionId).streams;
  assert.deepEqual(rails(before[0].info), [175946, 3276.8, 59.35658, 40], 'made the old way');
  migrate(db, 100);
  assert.equal(schemaVersion(db), 100, 'schema 100');
  const after = getSession(db, ids.sessionId).streams;
  assert.deepEqual(rails(after[0].info), [undefined, 3276.8, undefined, undefined], 'only the symmetric µV range is rails');
  assert.deepEqual(after[0].info.channels.map((c) => Object.hasOwn(c, 'rangeUv')), [false, true, false, false], 'no rangeUv key left where there are no rails');
  assert.deepEqual(after[0].channelDetails.map((d) => d.fileIndex), [3, 0, 1, 2], "each channel's place in its file is kept");
  assert.equal(after[0].info.latencySec, 0.01, 'the rest of the announced info is kept');
  assert.deepEqual(after[1], before[1], "a live stream's rails (no physical range stored) are left alone");
  migrate(db, 100);
  assert.deepEqual(getSession(db, ids.sessionId).streams, after, 'nothing changes a second time');

  // The original, on a read-only share, still opens at schema 90 and reads as it was.
  assert.ok(readableWithoutUpgrade(90), 'a schema-90 copy needs no upgrade to be read');
  const ro = openDatabase(original, { readonly: true });
  try {
    assert.equal(ro.schemaVersion, 90, 'left at schema 90');
    assert.deepEqual(rails(getSession(ro.db, ids.sessionId).streams[0].info), [175946, 3276.8, 59.35658, 40], 'its old rails');
  } finally {
    ro.db.close();
  }
});

const MNE = path.resolve('..', 'shared', 'data', 'edf-mne');

/** Per window, the EEG channels flagged railed when the stored infos are replayed over the import's chunks. */
function railedPerWindow(infos: StreamInfo[], imp: SessionImport): string[][] {
  const out: string[][] = [];
  const p = new Pipeline({}, { window: (w) => out.push(w.eeg.quality.filter((q) => q.flags.includes('railed')).map((q) => q.label)) });
  const streams = imp.streams.map((s, i) => ({ s, info: infos[i] })).filter(({ info }) => info.modality === 'eeg' || info.modality === 'ecg');
  p.setStreams(streams[0].s.device.deviceKey, streams.map(({ info }) => info));
  const chunks: SampleChunk[] = [];
  for (const { s, info } of streams) {
    const { deviceTimes, hostTimes, counts, data } = s.chunks;
    const C = info.channels.length;
    for (let i = 0, off = 0; i < counts.length; off += C * counts[i], i++) {
      chunks.push({ streamId: info.id, deviceTime: deviceTimes[i], hostTime: hostTimes[i], count: counts[i], data: data.slice(off, off + C * counts[i]) });
    }
  }
  for (const c of chunks.sort((a, b) => a.hostTime - b.hostTime)) p.push(c);
  return out;
}

describe("0100 on MNE's test EDF imported the old way", { skip: !existsSync(MNE) && 'needs ../shared/data/edf-mne' }, () => {
  test('before, 18 of its 19 EEG channels read railed; after, its channels are a fresh import\'s and only Cz\'s held tail is railed', (t) => {
    const file = join(MNE, 'test_edf_stim_channel.edf');
    const rec = importRecording([{ name: path.basename(file), bytes: new Uint8Array(readFileSync(file)) }]);
    const fresh = toSessionImport(rec, {}, { appVersion: 'test', now: 1_800_000_000, sourcePath: file });
    const dbFile = join(tempDir(t), 'old.sqlite');
    const sessionId = makeDb(dbFile, 90, (db) => importSession(db, oldWay(fresh)).id);
    const db = dbAtVersion(dbFile, 90);
    t.after(() => db.close());

    const infos = () => getSession(db, sessionId).streams.map((s) => s.info);
    const railedBefore = railedPerWindow(infos(), fresh);
    assert.ok(railedBefore.length >= 1, `${railedBefore.length} windows before`);
    for (const r of railedBefore) assert.ok(r.length >= 18, `before: 18 or more of the 19 EEG channels railed (${r.join(', ')})`);

    migrate(db, 100);
    assert.deepEqual(
      infos().map((i) => i.channels),
      fresh.streams.map((s) => s.info.channels),
      "each stream's channels as an import stores them today",
    );
    const railedAfter = railedPerWindow(infos(), fresh);
    assert.ok(railedAfter.length >= 2, `${railedAfter.length} windows after`);
    // Cz ends in a plateau at its lowest value (the file holds its last sample from 5.6 s on): pinned.
    for (const r of railedAfter) assert.ok(r.every((l) => l === 'Cz'), `after: railed ${r.join(', ') || 'none'}`);
  });
});
