// buildWindowDataset's report of recordings: a problem said once per recording (a reader's 'NAME:
// problem' is not prefixed with the name again), a problem many recordings share said once for them
// all, a channel of a named montage that a recording lacks reported, one that no recording has refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { EEGMAT_TASK, eegmatSource } from '../../../src/shared/datasets/eegmat-dataset';
import { importEdf } from '../../../src/shared/formats/edf';
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
    assert.ok(e instanceof DatasetError, `a DatasetError, got ${String(e)}`);
    assert.equal(e.message, 'no usable windows in any of the 4 recordings (a.txt, b.txt, c.txt, …): not a format HeartMind reads (EDF/EDF+/BDF, WFDB .hea, XDF, OpenBCI GUI text, BrainFlow CSV, HeartMind CSV)');
    return true;
  });
});

test('a recording without the streams asked for: its name once', async () => {
  const empty: LazySource = { id: 'session:7', subject: 's', load: async () => ({ id: 'session:7', subject: 's', input: { kind: 'feed', zeroTime: 0, events: () => [] }, annotations: [], selfReports: [], fileLabel: null }) };
  await assert.rejects(buildWindowDataset('sessions', [empty], null, { kind: 'none' }, DEFAULT_WINDOWING), (e: Error) => e.message === 'no usable windows in the one recording, session:7: no EEG or ECG stream to cut windows from');
});

const EEGMAT = resolve('..', 'shared', 'data', 'edf-eegmat', 'Subject00_1.edf');

test('a montage channel no recording has (a misspelt name) is refused, with the names near it; one some recordings lack is reported', { skip: !existsSync(EEGMAT) && 'needs ../shared/data/edf-eegmat' }, async () => {
  const rec = eegmatSource(importEdf(new Uint8Array(readFileSync(EEGMAT)), 'Subject00_1.edf'));
  const windowing = { ...DEFAULT_WINDOWING, eegMontage: ['Fp1', 'Cz', 'Cx'], modalities: ['eeg' as const], require: 'any' as const };
  // Zeros in every window of that row, and a model trained on them: refused once the recordings are read.
  await assert.rejects(buildWindowDataset('typo', [rec], null, { kind: 'none' }, windowing), (e: unknown) => {
    assert.ok(e instanceof DatasetError, `a DatasetError, got ${String(e)}`);
    assert.match(e.message, /^the montage's EEG channel Cx \(did you mean C3, C4 or Cz\?\) is not in the recording, so its row would be zeros in every window \(the EEG channels there: Fp1, Fp2, .*Cz.*\)$/);
    return true;
  });
  await assert.rejects(buildWindowDataset('typo', [rec, rec], null, { kind: 'none' }, { ...windowing, eegMontage: ['Xx', 'Cz', 'Qq'] }), /^DatasetError: the montage's EEG channels Xx, Qq are in none of the 2 recordings, so their rows/, 'no name near: none offered');
  // Another recording that has the channel (its Cz called Cx): the one without it is reported, zeros in its row.
  if (rec.input.kind !== 'file') assert.fail('an EDF is a file input');
  const recording = rec.input.recording;
  const other = { ...rec, id: 'other', input: { ...rec.input, recording: { ...recording, streams: recording.streams.map((st) => ({ ...st, channels: st.channels.map((c) => (c.label === 'EEG Cz' ? { ...c, label: 'EEG Cx' } : c)) })) } } };
  const ds = await buildWindowDataset('some', [rec, other], null, { kind: 'none' }, windowing);
  const [r, o] = ds.recordings;
  assert.ok(r.windows > 0, `${r.windows} windows, expected > 0`);
  assert.deepEqual([r.montageMissing, o.montageMissing], [['Cx'], ['Cz']], 'each recording names the one it lacks');
  assert.match(r.warnings[0], /^EEG channel Cx of the montage is not in this recording \(it has .*Cz.*\): zeros in every window$/);
  const ok = await buildWindowDataset('fine', [rec], null, { kind: 'none' }, { ...windowing, eegMontage: ['Fp1', 'Cz', 'O2'] });
  assert.equal(ok.recordings[0].montageMissing, undefined);
  assert.ok(!ok.recordings[0].warnings.some((w) => /montage/.test(w)), `no montage warning: ${JSON.stringify(ok.recordings[0]?.warnings)}`);
});

test('what the file\'s import warned of (a file cut short) is in its report, first, whether it gave windows or none', { skip: !existsSync(EEGMAT) && 'needs ../shared/data/edf-eegmat' }, async () => {
  const bytes = new Uint8Array(readFileSync(EEGMAT));
  // The header (its length in bytes 184–192) and the first 1-s data records (21 114 bytes each), plus part of one.
  const header = Number(new TextDecoder().decode(bytes.subarray(184, 192)).trim());
  const cut = (records: number) => eegmatSource(importEdf(bytes.subarray(0, header + 21_114 * records + 100), 'Subject00_1.edf'));
  const windowing = { ...DEFAULT_WINDOWING, modalities: ['eeg' as const], require: 'any' as const };
  const ds = await buildWindowDataset('cut', [cut(12)], null, { kind: 'none' }, windowing);
  const [r] = ds.recordings;
  assert.ok(r.windows > 0, `the 12 s it holds give windows: ${r.windows}`);
  assert.match(r.warnings[0] ?? '', /^cut short \(was the recording interrupted\?\): the header says \d+ data records .* imported the 12 data records \(12 s\)/, JSON.stringify(r.warnings));
  const none = (await buildWindowDataset('both', [cut(3), cut(12)], null, { kind: 'none' }, windowing)).recordings[0];
  assert.equal(none.windows, 0);
  assert.deepEqual(
    none.warnings.map((w) => w.split(':')[0]),
    ['cut short (was the recording interrupted?)', 'shorter than one 5-s window after the 1-s warm-up of the filters'],
    'the import\'s warning, then why no window',
  );
});

test('a labelled dataset whose windows hold different EEG channel lists is refused as it is built, naming them and the channels they share; a corpus may mix them', { skip: !existsSync(EEGMAT) && 'needs ../shared/data/edf-eegmat' }, async () => {
  const rec = eegmatSource(importEdf(new Uint8Array(readFileSync(EEGMAT)), 'Subject00_1.edf'));
  if (rec.input.kind !== 'file') assert.fail('an EDF is a file input');
  const recording = rec.input.recording;
  // The same recording from a 4-channel headset: its EEG stream's first four channels (planar data: their rows) alone.
  const firstFour = (st: (typeof recording.streams)[number]) =>
    st.modality !== 'eeg' ? st : { ...st, channels: st.channels.slice(0, 4), segments: st.segments.map((g) => ({ ...g, data: g.data.subarray(0, 4 * g.count) })) };
  const small = { ...rec, id: 'four.edf', input: { ...rec.input, recording: { ...recording, streams: recording.streams.map(firstFour) } } };
  const windowing = { ...DEFAULT_WINDOWING, eegMontage: 'device' as const, modalities: ['eeg' as const], require: 'any' as const };
  // Before, such a dataset trained and then failed at the baseline: 'window 23 has 4 EEG channels, expected 19'.
  await assert.rejects(buildWindowDataset('mixed', [rec, small], EEGMAT_TASK, { kind: 'file' }, windowing), (e: unknown) => {
    assert.ok(e instanceof DatasetError, `a DatasetError, got ${String(e)}`);
    assert.match(e.message, /^the windows hold 2 different EEG channel lists, and a model and its baseline read one: \d+ windows with .*\(20\) \(the first in Subject00_1\.edf at \d.*\); \d+ windows with .*\(the first in four\.edf at /, e.message);
    assert.match(e.message, /Give an EEG montage of the 4 channels every window has \([^)]*Fp1[^)]*\), or leave out the recordings with the others$/, e.message);
    return true;
  });
  const corpus = await buildWindowDataset('corpus', [rec, small], null, { kind: 'none' }, windowing);
  assert.equal(new Set(corpus.windows.map((w) => w.eegChannels.length)).size, 2, 'a corpus without a task keeps both channel lists');
  const one = await buildWindowDataset('one', [rec, rec], EEGMAT_TASK, { kind: 'file' }, windowing);
  assert.ok(one.windows.length > 0, 'one channel list: built');
});
