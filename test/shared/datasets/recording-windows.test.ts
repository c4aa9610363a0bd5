// Windows cut from an imported file: a break the file holds is a break, never a bridged loss.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { recordingWindows } from '../../../src/shared/datasets/recording-windows';
import type { ImportedRecording, ImportedSegment } from '../../../src/shared/formats/recording.types';

const RATE = 200;
const LABELS = ['Fp1', 'Fp2', 'C3', 'C4'];

function segment(start: number, seconds: number): ImportedSegment {
  const count = seconds * RATE;
  const data = new Float32Array(LABELS.length * count);
  for (let c = 0; c < LABELS.length; c++) for (let i = 0; i < count; i++) data[c * count + i] = 20 * Math.sin(2 * Math.PI * 10 * (start + i / RATE) + c);
  return { start, count, data };
}

function recording(segments: ImportedSegment[]): ImportedRecording {
  return {
    fileName: 'breaks.edf',
    format: 'edf',
    startTime: 1_700_000_000,
    subject: {},
    info: {},
    streams: [{ name: 'EEG', modality: 'eeg', rateHz: RATE, channels: LABELS.map((label) => ({ label, unit: 'uV', kind: 'eeg', offset: 0, resolution: 0.01 })), segments }],
    annotations: [],
    warnings: [],
  } as ImportedRecording;
}

test('a 50-ms break between file segments (EDF+D records that do not follow on) is a break: no window over it, none bridged', () => {
  const { windows } = recordingWindows(recording([segment(0, 12), segment(12.05, 12)]));
  assert.ok(windows.length > 10, `${windows.length} windows`);
  assert.equal(windows.filter((w) => w.eeg.quality.some((q) => (q.bridgedMs ?? 0) > 0)).length, 0, 'no window reports bridged samples');
  // A window with no modality present is not emitted: none spans the break, and after it the
  // stream warms up again (1 s) as after any break.
  const T = 1_700_000_000;
  const spanning = windows.filter((w) => w.startTime < T + 12.05 + 1 && w.startTime + 5 > T + 12);
  assert.deepEqual(spanning.map((w) => w.startTime - T), []);
  assert.equal(windows.filter((w) => w.startTime >= T + 13.05).length, 5);
  // Without the break the same stretch gives a window every second: the hole above is the break's.
  assert.equal(recordingWindows(recording([segment(0, 24)])).windows.length, 18);
});
