// A session's stored model predictions go with its export: '<base>-predictions.csv' beside the CSV
// export's stream files or the EDF/BDF file, one row per window and model, the window's start on the
// exported signals' time axis (CSV: time_s, from the session's start; EDF: from the file's first
// sample) and as a unix time, per task the answered class (named from the installed card) and the
// probabilities, which modalities fed it and why not. Only windows lying whole in an export's range;
// none stored, no file, and `heartmind sessions export` and the result say so. Read back with
// Python's csv module, as a researcher's script would.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { predictionRow } from '../../../src/main/model/models.core';
import { command as sessions } from '../../../src/main/sessions/sessions-command';
import { databasePathFor } from '../../../src/main/db/db-client';
import { openDatabase } from '../../../src/main/db/open-database';
import { addFilterSettings, addMarker, addPredictions, importSession } from '../../../src/main/db/server';
import { toSessionImport } from '../../../src/main/sessions/import-recording';
import { importEdf } from '../../../src/shared/formats/edf';
import type { ImportedRecording } from '../../../src/shared/formats/recording.types';
import { importRecordingFile } from '../../../src/main/formats/read-recording-files';
import { tempDir } from '../db/db-test-util';
import { sampleCard } from '../../shared/model/sample-card';

/** The session's start: a fraction of a second past a whole one (an EDF's start holds whole seconds). */
const T = 1_700_000_000.25;
const RATE = 100;
const SECONDS = 40;

/** 40 s of two EEG channels and an ECG lead at 100 Hz, from T. */
function recording(): ImportedRecording {
  const n = RATE * SECONDS;
  const wave = (ch: number, count: number) => Float32Array.from({ length: ch * count }, (_, i) => Math.round(100 * Math.sin(i / 7)) / 10);
  return {
    fileName: 'synthetic.edf',
    format: 'edf+c',
    startTime: T,
    subject: {},
    info: {},
    streams: [
      { name: 'EEG', modality: 'eeg', rateHz: RATE, channels: ['Fz', 'Cz'].map((label) => ({ label, unit: 'uV', resolution: 0.1, offset: 0, kind: 'eeg' as const })), segments: [{ start: 0, count: n, data: wave(2, n) }] },
      { name: 'ECG', modality: 'ecg', rateHz: RATE, channels: [{ label: 'ECG', unit: 'uV', resolution: 0.1, offset: 0, kind: 'ecg' }], segments: [{ start: 0, count: n, data: wave(1, n) }] },
    ],
    annotations: [],
    warnings: [],
  };
}

/** CSV rows as dicts, read by Python's csv module. */
function pythonRows(path: string): Record<string, string>[] {
  const script = 'import csv, json, sys\nwith open(sys.argv[1], newline="") as f: print(json.dumps(list(csv.DictReader(f))))';
  return JSON.parse(execFileSync('/usr/bin/python3', ['-c', script, path], { encoding: 'utf8' })) as Record<string, string>[];
}

/**
 * A library with one session of 40 s: 4-s windows every 2 s (recorded settings); model
 * 'eegmat-test' (installed: its card names the classes rest/arithmetic) answered every window,
 * the ECG absent by a gap from 20 s and unusable (flat) at 30 s; 'other-model' (not installed)
 * answered from EEG alone every 10 s. A second session without predictions.
 */
function library(dir: string): { id: number; bare: number } {
  const o = openDatabase(databasePathFor(dir));
  let id = 0;
  let bare = 0;
  try {
    id = importSession(o.writable!, toSessionImport(recording(), { name: 'with predictions' }, { appVersion: 't', now: T, sourcePath: 'synthetic.edf' })).id;
    bare = importSession(o.writable!, toSessionImport(recording(), { name: 'no predictions' }, { appVersion: 't', now: T, sourcePath: 'synthetic.edf' })).id;
    addFilterSettings(o.writable!, id, T, { window: { lengthSec: 4, hopSec: 2 } });
    addMarker(o.writable!, id, { time: T + 12, label: 'arithmetic', source: 'udp' });
    const rows = [];
    for (let s = 0; s + 4 <= SECONDS; s += 2) {
      const ecg = s < 20 ? 'fed' : s === 30 ? 'bad-quality' : 'gap';
      rows.push(
        predictionRow({
          modelId: 'eegmat-test',
          windowTime: T + s,
          seq: s,
          probabilities: { arithmetic: s >= 12 ? [0.25, 0.75] : [0.625, 0.375] },
          fed: ecg === 'fed' ? ['eeg', 'ecg'] : ['eeg'],
          absent: ecg === 'fed' ? undefined : { ecg },
          unusable: ecg === 'bad-quality' ? { ecg: { flat: 1 } } : undefined,
          backend: 'wasm',
          latencyMs: 12.5,
          reads: ['eeg', 'ecg'],
        }),
      );
      if (s % 10 === 0) rows.push(predictionRow({ modelId: 'other-model', windowTime: T + s, seq: s, probabilities: { valence: [0.5, 0.25, 0.25] }, fed: ['eeg'], backend: 'wasm', latencyMs: 3, reads: ['eeg'] }));
    }
    addPredictions(o.writable!, id, rows);
  } finally {
    o.db.close();
  }
  mkdirSync(join(dir, 'models', 'eegmat-test'), { recursive: true });
  writeFileSync(join(dir, 'models', 'eegmat-test', 'card.json'), JSON.stringify(sampleCard()));
  return { id, bare };
}

async function cli(args: string[]): Promise<{ code: number; out: string }> {
  const out: string[] = [];
  const code = await sessions.run(args, { out: (l) => out.push(l), err: (l) => out.push(l) });
  return { code, out: out.join('\n') };
}

test('sessions export writes the stored predictions beside the signals: CSV over a range, EDF on the file\'s time axis; a session without any says so', async (t) => {
  const dir = tempDir(t);
  const { id, bare } = library(dir);

  // CSV, seconds 10 to 30: the windows lying whole in it start at 10…26 (eegmat-test: 9) and 10, 20 (other-model: 2).
  const csv = await cli(['export', String(id), join(dir, 'range.csv'), '--from', '10', '--to', '30', '--data-dir', dir]);
  assert.equal(csv.code, 0, csv.out);
  const predFile = join(dir, 'range-predictions.csv');
  assert.match(csv.out, /^wrote \S*range-eeg\.csv, \S*range-ecg\.csv, \S*range-markers\.csv, \S*range-info\.csv, \S*range-predictions\.csv: 6,000 values, 1 annotation, 11 predictions of models eegmat-test, other-model, /, csv.out);
  const rows = pythonRows(predFile);
  assert.deepEqual(
    Object.keys(rows[0]),
    ['window_start_s', 'unix_time_s', 'window_s', 'model', 'arithmetic', 'arithmetic_p_rest', 'arithmetic_p_arithmetic', 'valence', 'valence_p_0', 'valence_p_1', 'valence_p_2', 'eeg_fed', 'eeg_absent', 'eeg_unusable', 'ecg_fed', 'ecg_absent', 'ecg_unusable', 'latency_ms'],
    'the columns: times, model, per task the class answered and each class\'s probability (named from the installed card, else by index), per modality',
  );
  assert.deepEqual(
    rows.map((r) => `${r.window_start_s} ${r.model}`),
    ['10 eegmat-test', '10 other-model', '12 eegmat-test', '14 eegmat-test', '16 eegmat-test', '18 eegmat-test', '20 eegmat-test', '20 other-model', '22 eegmat-test', '24 eegmat-test', '26 eegmat-test'],
    'the windows lying whole in 10–30 s, by time then model, on time_s\'s axis (seconds from the session\'s start)',
  );
  const eeg = pythonRows(join(dir, 'range-eeg.csv'));
  assert.equal(eeg[0].time_s, '10', 'the stream file\'s time_s starts at the range, on the same axis');
  assert.equal(eeg[0].unix_time_s, rows[0].unix_time_s, 'and its unix_time_s is the same instant as the window starting there');
  assert.equal(Number(rows[0].unix_time_s), T + 10, 'the window\'s start as a unix time');
  const at = (s: string, model = 'eegmat-test') => rows.find((r) => r.window_start_s === s && r.model === model)!;
  assert.deepEqual(
    [at('10').arithmetic, at('10').arithmetic_p_rest, at('10').arithmetic_p_arithmetic, at('10').window_s, at('10').latency_ms],
    ['rest', '0.625', '0.375', '4', '12.5'],
    'before the marker: rest answered, the probabilities as stored, the window length from the recorded settings',
  );
  assert.deepEqual([at('14').arithmetic, at('14').arithmetic_p_arithmetic], ['arithmetic', '0.75'], 'after it: arithmetic');
  assert.deepEqual([at('18').eeg_fed, at('18').ecg_fed, at('18').ecg_absent], ['1', '1', ''], 'both modalities fed');
  assert.deepEqual([at('22').ecg_fed, at('22').ecg_absent, at('22').ecg_unusable], ['0', 'gap', ''], 'the ECG absent by a gap');
  assert.deepEqual([at('20', 'other-model').valence, at('20', 'other-model').valence_p_0, at('20', 'other-model').arithmetic], ['0', '0.5', ''], 'a model not installed: its classes by index, the other model\'s columns empty');
  assert.deepEqual([at('20', 'other-model').ecg_fed, at('20', 'other-model').ecg_absent], ['', ''], 'a model that does not read ECG: its ECG columns empty');

  // EDF of the whole session: the sidecar on the file's time axis (its first sample: the session's start here).
  const edf = await cli(['export', String(id), join(dir, 'all.edf'), '--data-dir', dir]);
  assert.equal(edf.code, 0, edf.out);
  assert.match(edf.out, /^wrote .*all\.edf, .*all-predictions\.csv: .*23 predictions of models eegmat-test, other-model, /, edf.out);
  const all = pythonRows(join(dir, 'all-predictions.csv'));
  assert.equal(all.length, 23, '19 windows of eegmat-test (0 to 36 s), 4 of other-model');
  const flat = all.find((r) => r.window_start_s === '30' && r.model === 'eegmat-test')!;
  assert.deepEqual([flat.ecg_fed, flat.ecg_absent, flat.ecg_unusable], ['0', 'bad-quality', 'flat=1'], 'the ECG unusable: what made it so');

  // EDF of a range from 10.37 s: the file starts at its first sample in the range (10.37 s), and
  // the sidecar's times are from there, as MNE-Python reads the file's annotations' onsets and
  // raw.times (the marker at 12 s: 1.63 s; MNE's meas_date keeps the whole second alone, 0.62 s
  // before that first sample: unix_time_s is the exact instant).
  const part = await cli(['export', String(id), join(dir, 'part.edf'), '--from', '10.37', '--to', '30', '--data-dir', dir]);
  assert.equal(part.code, 0, part.out);
  const back = importEdf(new Uint8Array(readFileSync(join(dir, 'part.edf'))), 'part.edf');
  const marker = back.annotations.find((a) => a.label === 'arithmetic')!;
  // (our reader's onsets are from the header's whole second, where the first sample is at 0.62 s)
  const firstSample = back.streams[0].segments[0].start;
  assert.ok(Math.abs(marker.onset - firstSample - 1.63) < 1e-6 && Math.abs(back.startTime! + firstSample - (T + 10.37)) < 1e-6, `the marker ${marker.onset - firstSample} s after the file's first sample`);
  const partRows = pythonRows(join(dir, 'part-predictions.csv'));
  assert.deepEqual(
    partRows.filter((r) => r.model === 'eegmat-test').map((r) => r.window_start_s),
    ['1.63', '3.63', '5.63', '7.63', '9.63', '11.63', '13.63', '15.63'],
    'the windows from 12 s (the first lying whole after 10.37 s) to 26 s, from the file\'s first sample',
  );
  assert.equal(Number(partRows[0].unix_time_s), T + 12, 'the absolute time is the window\'s');

  // A session without predictions: no file, and the message says so.
  const none = await cli(['export', String(bare), join(dir, 'bare.edf'), '--data-dir', dir]);
  assert.equal(none.code, 0, none.out);
  assert.match(none.out, /^wrote [^,]*bare\.edf: .*, no model predictions stored with the session, /, none.out);
  assert.ok(!existsSync(join(dir, 'bare-predictions.csv')), 'no predictions file');
  // Over an earlier export's name: its predictions file stays (the user's), said not to be this export's.
  const over = await cli(['export', String(bare), join(dir, 'all.edf'), '--data-dir', dir]);
  assert.match(over.out, /\nwarning: \S*all-predictions\.csv is an earlier export's \(this one wrote no predictions\): it is not about these files$/, over.out);
  // A range without a whole window of them: no file, the count the session holds said.
  const empty = await cli(['export', String(id), join(dir, 'short.csv'), '--from', '0', '--to', '3', '--json', '--data-dir', dir]);
  const r = JSON.parse(empty.out) as { files: string[]; predictions: number; storedPredictions: number };
  assert.deepEqual([r.predictions, r.storedPredictions, r.files.some((f) => f.endsWith('-predictions.csv'))], [0, 23, false], 'no window lies whole in 0–3 s');

  // The CSV export imports back whole, its predictions file left out (it is no stream).
  const again = await importRecordingFile(join(dir, 'range-eeg.csv'));
  assert.deepEqual(again.streams.map((s) => s.name).sort(), ['ecg', 'eeg'], 'the streams of the export, nothing made of the predictions file');
  // The predictions file alone is refused saying what it is.
  await assert.rejects(importRecordingFile(predFile), /range-predictions\.csv: the model predictions of a HeartMind export, which an import does not read: import the recording exported with it \(range\.edf, or one of its stream files range-<stream>\.csv/);
});
