// The 'no-qrs' check on real recordings (../shared/data): EEGMAT Subject02_1's ECG lead carries ~15 µV
// of noise and no QRS (the detector still found "beats": 111 bpm, RMSSD 310 ms); every other real
// lead here has its QRS and must not be flagged. Through the whole pipeline, as a replay feeds it.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Pipeline } from '../../../src/shared/pipeline';
import { importEdf } from '../../../src/shared/formats/edf';
import { importWfdb } from '../../../src/shared/formats/wfdb';
import type { ImportedStream } from '../../../src/shared/formats/recording.types';
import type { QualityReport } from '../../../src/shared/features.types';
import type { StreamInfo } from '../../../src/shared/stream.types';
import type { SyncWindow } from '../../../src/shared/window.types';
import { prepareWindow } from '../../../src/shared/model/window-input';
import { chunksFromRecording, T0 } from './chunk-gen';

const DATA = path.resolve('..', 'shared', 'data');
const EEGMAT = path.join(DATA, 'edf-eegmat');
const noEegmat = !existsSync(EEGMAT) && 'needs ../shared/data/edf-eegmat';

function infoOf(s: ImportedStream, id: string): StreamInfo {
  return { id: `${id}/${s.modality}`, deviceId: id, deviceName: id, deviceModel: 'replay', modality: s.modality, nominalRateHz: s.rateHz, channels: s.channels.map((c) => ({ label: c.label, unit: 'uV', resolution: 0 })) };
}

/** Windows and quality reports of a recording's streams of `modalities`, the first `seconds` of it. */
function run(streams: ImportedStream[], id: string, seconds = Infinity, config = {}): { windows: SyncWindow[]; reports: QualityReport[] } {
  const windows: SyncWindow[] = [];
  const reports: QualityReport[] = [];
  const p = new Pipeline(config, { window: (w) => windows.push(w), quality: (r) => reports.push(r) });
  p.setStreams(id, streams.map((s) => infoOf(s, id)));
  const lists = streams.map((s) => {
    const seg = s.segments[0];
    const n = Math.min(seg.count, Math.floor(seconds * s.rateHz));
    const planar = new Float32Array(s.channels.length * n);
    for (let c = 0; c < s.channels.length; c++) planar.set(seg.data.subarray(c * seg.count, c * seg.count + n), c * n);
    return chunksFromRecording(`${id}/${s.modality}`, planar, s.channels.length, s.rateHz, Math.round(s.rateHz / 10));
  });
  for (const c of lists.flat().sort((a, b) => a.hostTime - b.hostTime)) p.push(c);
  return { windows, reports };
}

const flaggedIn = (reports: QualityReport[]) => reports.flatMap((r) => r.channels.filter((c) => c.flags.includes('no-qrs')).map((c) => `${r.time}:${c.label}`));

describe('no-qrs on EEGMAT (12 subjects, rest and arithmetic)', { skip: noEegmat }, () => {
  const ecgOf = (file: string) => importEdf(new Uint8Array(readFileSync(path.join(EEGMAT, file))), file).streams.filter((s) => s.modality === 'ecg');

  test('Subject02_1, a lead of noise: every quality report that judges a QRS says no-qrs, with score 0', () => {
    const { reports } = run(ecgOf('Subject02_1.edf'), 's02');
    const judged = reports.filter((r) => r.channels[0].qrsRatio !== undefined);
    assert.ok(judged.length >= 170, `${judged.length} reports judged the QRS`);
    for (const r of judged) {
      // EEGMAT pads each recording's last 2 s (180.02 s on) with a held value, then zeros: the
      // reports of those seconds say flat, which names the cause (no QRS in a straight line either).
      const padded = r.time - T0 > 180.5;
      assert.deepEqual(r.channels[0].flags, [padded ? 'flat' : 'no-qrs'], `at ${r.time}: ratio ${r.channels[0].qrsRatio}, RMS ${r.channels[0].rmsUv} µV`);
      assert.equal(r.channels[0].score, 0, `at ${r.time}: score`);
    }
    assert.ok(judged.some((r) => r.time - T0 > 180.5), 'a report of the padded seconds was judged');
  });

  test('no other EEGMAT ECG (23 recordings) is flagged, in any window or report, with hops of 1 s and of 5 s (the training recipes)', () => {
    const files = readdirSync(EEGMAT).filter((f) => f.endsWith('.edf') && f !== 'Subject02_1.edf').sort();
    assert.equal(files.length, 23);
    for (const f of files) {
      for (const hopSec of [1, 5]) {
        const { windows, reports } = run(ecgOf(f), f, Infinity, { window: { hopSec } });
        assert.ok(windows.length >= 10, `${f}: ${windows.length} windows`);
        assert.deepEqual(flaggedIn(reports), [], `${f}, hop ${hopSec} s: reports`);
        for (const w of windows) assert.ok(w.ecg.present, `${f}, hop ${hopSec} s: window at ${w.startTime}: ${w.ecg.absentReason} (${w.ecg.quality.map((q) => q.flags.join()).join(';')})`);
      }
    }
  });

  test("a Subject02_1 window says the ECG is absent for bad quality, with its lead's flag, and the model reads EEG alone", () => {
    const rec = importEdf(new Uint8Array(readFileSync(path.join(EEGMAT, 'Subject02_1.edf'))), 'Subject02_1.edf');
    const { windows } = run(rec.streams.filter((s) => s.modality === 'eeg' || s.modality === 'ecg'), 's02', 30);
    const ready = windows.filter((w) => w.eeg.present);
    assert.ok(ready.length >= 20, `${ready.length} windows with EEG`);
    for (const w of ready) {
      assert.equal(w.ecg.present, false, `window at ${w.startTime}: ECG absent`);
      assert.equal(w.ecg.absentReason, 'bad-quality', `window at ${w.startTime}: ECG absent for bad quality`);
      assert.deepEqual(w.ecg.quality.map((q) => q.flags), [['no-qrs']], `window at ${w.startTime}: the lead flagged no-qrs`);
    }
    const p = prepareWindow(ready[0], { rateHz: 200, windowSeconds: 5, eeg: { channels: 'any', minChannels: 1, maxChannels: 32, unit: 'uV', scaleDivisor: 100 }, ecg: { channels: 'any', minChannels: 1, maxChannels: 12, unit: 'uV', scaleDivisor: 100 } });
    assert.deepEqual([p.fed, p.absent], [['eeg'], { ecg: 'bad-quality' }]);
    // What the Estimates panel and the stored prediction say why with: the one lead, without a QRS.
    assert.deepEqual(p.unusable, { ecg: { 'no-qrs': 1 } }, 'the lead counted under its flag');
    assert.equal(p.feeds.ecg_present.data[0], 0);
  });
});

describe('no-qrs on the WFDB records: every lead has its QRS', () => {
  const records: [string, string][] = [
    ['wfdb-mitdb', '100.hea'],
    ['wfdb-ptbdb', 's0010_re.hea'],
    ['wfdb-ludb', '1.hea'],
    ['wfdb-macecgdb', 'test01_00s.hea'],
  ];
  for (const [dir, hea] of records) {
    const d = path.join(DATA, dir);
    test(`${dir}/${hea}`, { skip: !existsSync(d) && `needs ../shared/data/${dir}` }, () => {
      const rec = importWfdb(readdirSync(d).map((f) => ({ name: f, bytes: new Uint8Array(readFileSync(path.join(d, f))) })), hea);
      const ecg = rec.streams.filter((s) => s.modality === 'ecg');
      assert.ok(ecg.length > 0, 'an ECG stream');
      // MIT-BIH's first 10 minutes are enough (the whole 30 were measured: none flagged).
      const { windows, reports } = run(ecg, dir, 600);
      assert.ok(reports.length > 0, 'quality reports');
      assert.deepEqual(flaggedIn(reports), []);
      for (const w of windows) for (const q of w.ecg.quality) assert.ok(q.qrsRatio! > 10, `${q.label} at ${w.startTime}: ratio ${q.qrsRatio}`);
    });
  }
});
