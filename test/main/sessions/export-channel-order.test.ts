// An imported file's channels are grouped into streams by modality and rate (EEG, Other, ECG), which
// the live pipeline needs; an EDF/BDF export writes them back in the file's own order, so that a
// channel keeps its index for a researcher's script (MNE's test EDF: 19 EEG, 2 EOG, a reference,
// 2 ECG and the trigger line last; the export put the trigger line before the ECG).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DbClient } from '../../../src/main/db/db-client';
import { importRecordingFile } from '../../../src/main/sessions/import-recording';
import { parseEdfHeader } from '../../../src/shared/formats/edf';
import { mneMissing, readWithMne } from '../../shared/formats/mne-reference';
import { recordSimSession } from '../recorder/record-util';
import { tempDir } from '../db/db-test-util';

const DATA = resolve('..', 'shared', 'data');
const MNE_EDF = join(DATA, 'edf-mne', 'test_edf_stim_channel.edf');

/** The data signals' labels of an EDF/BDF file, in file order (the annotation signal left out). */
function labels(path: string): string[] {
  return parseEdfHeader(new Uint8Array(readFileSync(path)), path).signals.map((s) => s.label).filter((l) => !/^(EDF|BDF) Annotations$/.test(l));
}

test('an imported EDF exports its channels in the file\'s own order (EDF and BDF), not stream by stream; the values stay with their labels', { skip: !existsSync(MNE_EDF) && 'needs ../shared/data' }, async (t) => {
  const dir = tempDir(t);
  const db = await DbClient.open({ path: join(dir, 'recordings.sqlite') });
  t.after(() => db.close());
  const original = labels(MNE_EDF);
  const s = await importRecordingFile(db, { path: MNE_EDF }, { appVersion: 'test', now: 0 });
  const session = await db.api.getSession(s.id);
  // The streams do group them (the trigger line joins the EOG in 'Other', before the ECG stream).
  const grouped = session.streams.flatMap((st) => st.info.channels.map((c) => c.label));
  assert.notDeepEqual(grouped, original, `the streams group the channels: ${grouped.join(', ')}`);
  assert.deepEqual(
    session.streams.flatMap((st) => st.channelDetails.map((d) => d.fileIndex)).sort((a, b) => a! - b!),
    original.map((_, i) => i),
    'every channel keeps its place in the file',
  );
  assert.ok(session.streams.every((st) => st.info.channels.every((c) => !('fileIndex' in c))), 'the place is a channel detail, not part of the stream info');
  for (const format of ['edf', 'bdf'] as const) {
    const out = join(dir, `order.${format}`);
    await db.api.exportSession({ sessionId: s.id, format, path: out });
    assert.deepEqual(labels(out), original, `${format}: the file's own order`);
    // Exported and imported again: the same order, and again on the next export.
    const again = await importRecordingFile(db, { path: out }, { appVersion: 'test', now: 0 });
    const out2 = join(dir, `order-again.${format}`);
    await db.api.exportSession({ sessionId: again.id, format, path: out2 });
    assert.deepEqual(labels(out2), original, `${format}: exported, imported and exported again`);
  }
  if (mneMissing()) return;
  // MNE reads each channel's samples under its own label (the values moved with the header).
  const [a, b] = readWithMne([MNE_EDF, join(dir, 'order.edf')]);
  assert.deepEqual(b.chNames, a.chNames, 'MNE: the same channel names in the same order');
  const n = a.data.length / a.chNames.length;
  // (the export fills its last data record out with zeros: 1228 samples, 1280 written)
  const nb = b.data.length / b.chNames.length;
  assert.ok(nb >= n, `MNE: ${nb} samples per channel read back, ${n} in the original`);
  for (let c = 0; c < a.chNames.length; c++) {
    let worst = 0;
    let scale = 0;
    for (let i = 0; i < n; i++) {
      worst = Math.max(worst, Math.abs(a.data[c * n + i] - b.data[c * nb + i]));
      scale = Math.max(scale, Math.abs(a.data[c * n + i]));
    }
    assert.ok(worst <= scale * 1e-6 + 1e-12, `MNE: ${a.chNames[c]} is ${worst} off the original's values (largest ${scale})`);
  }
});

test('a recorded session exports its streams in the session\'s order: the headset\'s channels, then the strap\'s', async (t) => {
  const dir = tempDir(t);
  const db = await DbClient.open({ path: join(dir, 'recordings.sqlite') });
  t.after(() => db.close());
  const sessionId = await recordSimSession(db, 'order', 3);
  const session = await db.api.getSession(sessionId);
  assert.ok(session.streams.every((st) => st.channelDetails.every((d) => d.fileIndex === null)), 'a recorded channel has no place in a file');
  const out = join(dir, 'rec.edf');
  await db.api.exportSession({ sessionId, format: 'edf', path: out });
  assert.deepEqual(labels(out), session.streams.flatMap((st) => st.info.channels.map((c) => c.label)), 'stream by stream, in the session\'s order');
});
