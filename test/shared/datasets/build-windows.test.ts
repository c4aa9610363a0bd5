// buildWindowDataset's report of recordings that gave no window: each problem said once per
// recording (a reader's 'NAME: problem' is not prefixed with the name again), and a problem many
// recordings share said once for them all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildWindowDataset, DEFAULT_WINDOWING, type LazySource } from '../../../src/shared/datasets/build-windows';
import { DatasetError } from '../../../src/shared/datasets/datasets.types';
import { FormatError } from '../../../src/shared/formats/format-error';

const unreadable = (id: string): LazySource => ({
  id,
  subject: id,
  load: async () => {
    throw new FormatError('not-this-format', id, 'not a format HeartMind reads (EDF/EDF+/BDF, WFDB .hea, XDF, OpenBCI GUI text, BrainFlow CSV, HeartMind CSV)');
  },
});

test('recordings no reader takes: one reason for all of them, no name said twice', async () => {
  await assert.rejects(buildWindowDataset('notes', ['a.txt', 'b.txt', 'c.txt', 'd.txt'].map(unreadable), null, { kind: 'none' }, DEFAULT_WINDOWING), (e: Error) => {
    assert.ok(e instanceof DatasetError);
    assert.equal(e.message, 'no usable windows in 4 recording(s): 4 recordings (a.txt, b.txt, c.txt, …): not a format HeartMind reads (EDF/EDF+/BDF, WFDB .hea, XDF, OpenBCI GUI text, BrainFlow CSV, HeartMind CSV)');
    return true;
  });
});

test('a recording without the streams asked for: its name once', async () => {
  const empty: LazySource = { id: 'session:7', subject: 's', load: async () => ({ id: 'session:7', subject: 's', input: { kind: 'feed', zeroTime: 0, events: () => [] }, annotations: [], selfReports: [], fileLabel: null }) };
  await assert.rejects(buildWindowDataset('sessions', [empty], null, { kind: 'none' }, DEFAULT_WINDOWING), (e: Error) => e.message === 'no usable windows in 1 recording(s): session:7: no EEG or ECG stream to cut windows from');
});
