// Mains hum through the whole pipeline: at the mains frequency set it is line noise; at the other one
// (60 Hz hum with the mains set to 50, as where the setting was left at its default in the Americas)
// it is line noise too, named by its frequency — before, such hum passed the notch and the 75-Hz
// low-pass into the model's input while every channel read clean.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Pipeline, type PipelineConfigPatch } from '../../../src/shared/pipeline';
import type { SyncWindow } from '../../../src/shared/window.types';
import type { QualityReport } from '../../../src/shared/features.types';
import { generate, infoOf, T0, type DeviceSpec } from './chunk-gen';

const MUSE: DeviceSpec = { id: 'hs', modality: 'eeg', rateHz: 256, labels: ['TP9', 'AF7', 'AF8', 'TP10'], packet: 12, driftPpm: 40, latencySec: 0.012, jitterMeanSec: 0.006, deviceEpoch: 77 };

function run(humHz: number | null, config: PipelineConfigPatch = {}) {
  const windows: SyncWindow[] = [];
  const reports: QualityReport[] = [];
  const p = new Pipeline(config, { window: (w) => windows.push(w), quality: (q) => reports.push(q) });
  p.setStreams('hs', [infoOf(MUSE)]);
  const sig = (c: number, t: number) => 15 * Math.sin(2 * Math.PI * 10 * t + c) + 8 * Math.sin(2 * Math.PI * 1.3 * t) + 2500 + (humHz ? 40 * Math.sin(2 * Math.PI * humHz * t + c) : 0);
  for (const c of generate(MUSE, 0, 15, sig)) p.push(c);
  return { windows: windows.filter((w) => w.startTime - T0 >= 2), reports: reports.filter((r) => r.time - T0 >= 4) };
}

const SIXTY: PipelineConfigPatch = { quality: { mainsHz: 60 }, filters: { eeg: { notchHz: [60] } } };

describe('line noise at either mains frequency', () => {
  test('60 Hz hum with the mains set to 50: every channel flagged line-noise at 60 Hz, in the windows and the quality reports', () => {
    const r = run(60);
    assert.ok(r.windows.length >= 8 && r.reports.length >= 8, `${r.windows.length} windows, ${r.reports.length} reports`);
    for (const q of [...r.windows.flatMap((w) => w.eeg.quality), ...r.reports.flatMap((x) => x.channels)]) {
      assert.deepEqual(q.flags, ['line-noise'], `${q.label}: ${q.flags.join()}`);
      assert.equal(q.lineNoiseHz, 60, q.label);
      assert.ok(q.lineNoiseRatio > 0.5, `${q.label}: ratio ${q.lineNoiseRatio}`);
      assert.equal(q.score, 0.5, `${q.label}: score`);
    }
    // The window is still cut (line noise halves the score; it does not make the channel unusable).
    assert.ok(r.windows.every((w) => w.eeg.present), 'EEG present');
  });

  test('the same hum with the mains set to 60: line noise at the mains set (no lineNoiseHz), the same ratio', () => {
    const wrong = run(60);
    const right = run(60, SIXTY);
    for (const w of right.windows) {
      for (const q of w.eeg.quality) {
        assert.deepEqual(q.flags, ['line-noise'], q.label);
        assert.equal(q.lineNoiseHz, undefined, q.label);
      }
    }
    // Measured on the unfiltered signal: the notch does not change the ratio.
    const a = wrong.windows[3].eeg.quality[0].lineNoiseRatio;
    const b = right.windows[3].eeg.quality[0].lineNoiseRatio;
    assert.ok(Math.abs(a - b) < 1e-9 * a, `${a} vs ${b}`);
  });

  test('without hum nothing is flagged and no channel names a frequency, whichever mains is set', () => {
    for (const cfg of [{}, SIXTY]) {
      const r = run(null, cfg);
      for (const q of [...r.windows.flatMap((w) => w.eeg.quality), ...r.reports.flatMap((x) => x.channels)]) {
        assert.deepEqual(q.flags, [], q.label);
        assert.ok(!('lineNoiseHz' in q), q.label);
      }
    }
  });
});
