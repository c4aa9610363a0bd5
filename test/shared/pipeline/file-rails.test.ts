// An imported file's physical range as the quality check's rails (ChannelInfo.rangeUv): only a range
// symmetric about zero is an amplifier's. MNE's DC-coupled test EDF declares each channel's range
// fitted to its data ([175 921, 175 946] µV for Fp1): read as ±175 946 µV rails, every sample lay
// within 2 % of the rail and all 19 EEG channels were 'railed' in every window (the EEG absent for
// bad quality), though 15 of them carry an ordinary EEG. Through the import as it stores a session.
// The same file's data ends at 5.6 s and every channel holds its last value to 9.6 s: a window that
// is more line than signal is flat, not clean.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { railsOfPhysicalRange } from '../../../src/shared/dsp/quality';
import { toSessionImport } from '../../../src/main/sessions/import-recording';
import { importRecording } from '../../../src/shared/formats/import-recording';
import { Pipeline } from '../../../src/shared/pipeline';
import type { SyncWindow } from '../../../src/shared/window.types';
import type { SampleChunk } from '../../../src/shared/stream.types';
import type { QualityReport } from '../../../src/shared/features.types';

const MNE = path.resolve('..', 'shared', 'data', 'edf-mne');

test('railsOfPhysicalRange: an amplifier span symmetric about zero is rails; a range fitted to the data is not', () => {
  assert.equal(railsOfPhysicalRange(-3276.8, 3276.7), 3276.8, 'EDF, 16 bits over ±3.2768 mV');
  assert.equal(railsOfPhysicalRange(-262144, 262143), 262144, "BDF's ±262 mV");
  assert.equal(railsOfPhysicalRange(-8092, 8092), 8092, 'eegmmidb');
  assert.equal(railsOfPhysicalRange(-45.1698, 59.35658), undefined, "EEGMAT's Fp1, fitted to its data");
  assert.equal(railsOfPhysicalRange(175921, 175946), undefined, "MNE's test EDF, Fp1: a DC offset, no zero in range");
  assert.equal(railsOfPhysicalRange(-217712, -217624), undefined, 'all below zero');
  assert.equal(railsOfPhysicalRange(0, 8400), undefined, 'one-sided');
  assert.equal(railsOfPhysicalRange(-1000, 1015), 1015, 'within 1 % of symmetric');
  assert.equal(railsOfPhysicalRange(-1000, 1030), undefined, '1.5 % off symmetric');
  assert.equal(railsOfPhysicalRange(NaN, 10), undefined, 'not a number');
});

/** The EEG windows of a file imported as a session and replayed from its stored chunks. */
function replayImported(file: string): { rails: (number | undefined)[]; windows: SyncWindow[]; reports: QualityReport[]; zero: number } {
  const rec = importRecording([{ name: file, bytes: new Uint8Array(readFileSync(path.join(MNE, file))) }]);
  const imp = toSessionImport(rec, {}, { appVersion: 'test', now: 1_800_000_000, sourcePath: path.join(MNE, file) });
  const streams = imp.streams.filter((s) => s.info.modality === 'eeg' || s.info.modality === 'ecg');
  const windows: SyncWindow[] = [];
  const reports: QualityReport[] = [];
  const p = new Pipeline({}, { window: (w) => windows.push(w), quality: (r) => reports.push(r) });
  p.setStreams(streams[0].device.deviceKey, streams.map((s) => s.info));
  const chunks: SampleChunk[] = [];
  for (const s of streams) {
    const { deviceTimes, hostTimes, counts, data } = s.chunks;
    const C = s.info.channels.length;
    let off = 0;
    for (let i = 0; i < counts.length; i++) {
      chunks.push({ streamId: s.info.id, deviceTime: deviceTimes[i], hostTime: hostTimes[i], count: counts[i], data: data.slice(off, off + C * counts[i]) });
      off += C * counts[i];
    }
  }
  for (const c of chunks.sort((a, b) => a.hostTime - b.hostTime)) p.push(c);
  const eeg = streams.find((s) => s.info.modality === 'eeg')!;
  return { rails: eeg.info.channels.map((c) => c.rangeUv), windows, reports: reports.filter((r) => r.streamId === eeg.info.id), zero: rec.startTime! };
}

describe("MNE's test EDF and BDF imported: rails where the file gives an amplifier's range", { skip: !existsSync(MNE) && 'needs ../shared/data/edf-mne' }, () => {
  test('test_edf_stim_channel.edf (ranges fitted to DC-offset data): no rails; its ordinary EEG channels are not railed', () => {
    const { rails, windows, reports, zero } = replayImported('test_edf_stim_channel.edf');
    assert.deepEqual(new Set(rails), new Set([undefined]), 'no channel declares rails');
    // [1, 6) … [3, 8) hold 0.4–2.4 s of the held tail; [4, 9), 3.4 s of it, is flat on every
    // channel (EEG and ECG absent for bad quality: not emitted).
    assert.deepEqual(windows.map((w) => Math.round(w.startTime - zero)), [1, 2, 3], 'windows by start (s)');
    for (const w of windows) {
      assert.ok(w.eeg.present, `window at ${w.startTime}: EEG present (${w.eeg.absentReason})`);
      const railed = w.eeg.quality.filter((q) => q.flags.includes('railed')).map((q) => q.label);
      // Cz ends in a plateau at its lowest value (the file holds its last sample from 5.6 s on): pinned.
      assert.ok(railed.length <= 1 && railed.every((l) => l === 'Cz'), `window at ${w.startTime}: railed ${railed.join(', ')}`);
      const fp1 = w.eeg.quality.find((q) => q.label === 'Fp1')!;
      assert.deepEqual(fp1.flags, [], `window at ${w.startTime}: Fp1 (${fp1.rmsUv.toFixed(1)} µV RMS) is clean`);
    }
    // The quality reports (the newest second): Fp1 clean while the data lasts, flat once it is held.
    const fp1 = (r: QualityReport) => r.channels.find((q) => q.label === 'EEG Fp1')!.flags;
    const during = reports.filter((r) => r.time - zero < 6.5); // [5, 6) is 59 % data
    const held = reports.filter((r) => r.time - zero > 6.5);
    assert.ok(during.length >= 2 && held.length >= 3, `${during.length} reports to 6 s, ${held.length} after`);
    for (const r of during) assert.deepEqual(fp1(r), [], `report at +${(r.time - zero).toFixed(1)} s`);
    for (const r of held) assert.deepEqual(fp1(r), ['flat'], `report at +${(r.time - zero).toFixed(1)} s`);
  });

  test("test_bdf_stim_channel.bdf: its ±187 470 µV range is the rails, and its EEG is clean", () => {
    const { rails, windows } = replayImported('test_bdf_stim_channel.bdf');
    assert.deepEqual(rails, [187470, 187470, 187470], 'rails from the symmetric range');
    assert.ok(windows.length >= 3, `${windows.length} windows`);
    for (const w of windows) for (const q of w.eeg.quality) assert.deepEqual(q.flags, [], `window at ${w.startTime}: ${q.label}`);
  });
});
