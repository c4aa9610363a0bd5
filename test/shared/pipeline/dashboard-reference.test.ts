// The dashboard's heart and EEG figures on real recordings against independent references, generated
// once by fixtures/dashboard_reference.py (numpy/scipy/MNE; how, in its docstring) and stored in
// fixtures/dashboard-reference.json: heart rate, NN-interval count and RMSSD on MIT-BIH 100 from its
// beat annotations (NN: both beats annotated normal); band power and spectrum on EEGMAT Subject00_1
// from scipy.signal.welch.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Pipeline } from '../../../src/shared/pipeline';
import { decodeWfdbSignals, parseWfdbHeader } from '../../../src/shared/formats/wfdb';
import { importEdf } from '../../../src/shared/formats/edf';
import { EEG_BANDS, type EegFeatures, type HeartFeatures } from '../../../src/shared/features.types';
import { normalRrMask } from '../../../src/shared/dsp/rr-intervals';
import type { StreamInfo } from '../../../src/shared/stream.types';
import { chunksFromRecording, T0 } from './chunk-gen';

const DATA = path.resolve('..', 'shared', 'data');
const MITDB = path.join(DATA, 'wfdb-mitdb');
const EEGMAT = path.join(DATA, 'edf-eegmat');

interface Reference {
  heart: { beats: number; notNormalBeats: number; at: { t: number; heartRateBpm: number; rmssdMs: number; rr: number }[]; rr: number[]; nn: number[] };
  eeg: {
    channels: string[];
    bands: [number, number][];
    at: { t: number; segments: number; raw: number[][]; conditioned: number[][]; spectrumHz: number[]; spectrum: number[] }[];
  };
}
const REF = JSON.parse(readFileSync(path.resolve('test/shared/pipeline/fixtures/dashboard-reference.json'), 'utf8')) as Reference;

function info(id: string, modality: 'eeg' | 'ecg', rateHz: number, labels: string[]): StreamInfo {
  return { id, deviceId: id.split('/')[0], deviceName: id, deviceModel: 'replay', modality, nominalRateHz: rateHz, channels: labels.map((label) => ({ label, unit: 'uV', resolution: 0 })) };
}

describe('heart figures on MIT-BIH 100 against its beat annotations', { skip: !existsSync(MITDB) && 'needs ../shared/data/wfdb-mitdb' }, () => {
  test("the 20 % rule on the annotated beats: 50 of the 68 intervals next to the 34 beats not 'N' rejected, no NN interval", () => {
    // Record 100: 33 atrial premature beats (most under 20 % early: 18 of their intervals pass) and one PVC.
    const m = normalRrMask(REF.heart.rr);
    const notNn = REF.heart.nn.flatMap((v, i) => (v ? [] : [i]));
    assert.equal(REF.heart.notNormalBeats, 34, "beats not annotated 'N'");
    assert.equal(notNn.length, 68, 'intervals touching them');
    assert.equal(notNn.filter((i) => !m[i]).length, 50, 'of them rejected');
    assert.equal(REF.heart.nn.filter((v, i) => v && !m[i]).length, 0, 'NN intervals rejected');
  });

  test('NN count, heart rate and RMSSD per minute against the NN definition (R peaks timed to 5-ms samples at 200 Hz)', () => {
    const h = parseWfdbHeader(readFileSync(path.join(MITDB, '100.hea'), 'utf8'));
    const sig = decodeWfdbSignals(h, { '100.dat': new Uint8Array(readFileSync(path.join(MITDB, '100.dat'))) });
    const mlii = Float32Array.from(sig.signals[0].physical, (v) => v * 1000);
    const hearts = new Map<number, HeartFeatures>();
    const p = new Pipeline({}, { heart: (f) => hearts.set(Math.round(f.time - T0), f) });
    p.setStreams('mit', [info('mit/ecg', 'ecg', 360, ['MLII'])]);
    for (const c of chunksFromRecording('mit/ecg', mlii, 1, 360, 36)) p.push(c);
    assert.equal(REF.heart.at.length, 30, 'a reference figure for every minute');
    // Measured: in 18 of the 30 minutes the rule rejected every interval next to a premature beat
    // (the same count as the annotations' NN): there HR within 0.11 bpm, RMSSD within 1.1 ms. In the
    // others 1–5 intervals of APCs under 20 % early stay in: RMSSD 0.2–33 ms over (median 0.75 ms
    // over all minutes; the range-only rule was 29 ms over at the median, up to 93 ms), HR up to
    // 2.1 bpm off where one is among the last 8 intervals.
    const rmssdOff: number[] = [];
    let same = 0;
    for (const r of REF.heart.at) {
      const f = hearts.get(r.t);
      assert.ok(f, `heart features at ${r.t} s`);
      const at = `at ${r.t} s: ${f.rrMs.length} NN (annotations ${r.rr}), ${f.heartRateBpm.toFixed(2)} vs ${r.heartRateBpm.toFixed(2)} bpm, RMSSD ${f.rmssdMs.toFixed(1)} vs ${r.rmssdMs.toFixed(1)} ms`;
      assert.ok(f.rrMs.length >= r.rr && f.rrMs.length <= r.rr + 5, `NN intervals in the last 60 s: none of the normal ones lost, at most 5 others kept; ${at}`);
      assert.ok(Math.abs(f.heartRateBpm - r.heartRateBpm) < 2.5, `heart rate ${at}`);
      assert.ok(f.rmssdMs > r.rmssdMs - 2.5, `RMSSD never under the NN one ${at}`);
      if (f.rrMs.length === r.rr) {
        same++;
        assert.ok(Math.abs(f.heartRateBpm - r.heartRateBpm) < 0.15, `heart rate where the NN counts agree ${at}`);
        assert.ok(Math.abs(f.rmssdMs - r.rmssdMs) < 2.5, `RMSSD where the NN counts agree ${at}`);
      }
      rmssdOff.push(Math.abs(f.rmssdMs - r.rmssdMs));
    }
    assert.ok(same >= 15, `minutes whose NN count matches the annotations': ${same} of 30`);
    rmssdOff.sort((a, b) => a - b);
    assert.ok(rmssdOff[15] < 1.5, `median |RMSSD − NN RMSSD| over the minutes: ${rmssdOff[15].toFixed(2)} ms`);
  });
});

describe('EEG band power and spectrum on EEGMAT Subject00_1 against scipy.signal.welch', { skip: !existsSync(EEGMAT) && 'needs ../shared/data/edf-eegmat' }, () => {
  const run = (): Map<number, EegFeatures> => {
    const rec = importEdf(new Uint8Array(readFileSync(path.join(EEGMAT, 'Subject00_1.edf'))), 'Subject00_1.edf');
    const s = rec.streams.find((x) => x.modality === 'eeg')!;
    const n = s.segments[0].count;
    const m = 60 * s.rateHz;
    const planar = new Float32Array(s.channels.length * m);
    for (let c = 0; c < s.channels.length; c++) planar.set(s.segments[0].data.subarray(c * n, c * n + m), c * m);
    const out = new Map<number, EegFeatures>();
    const p = new Pipeline({}, { eeg: (f) => out.set(Math.round(f.time - T0), f) });
    p.setStreams('mat', [info('mat/eeg', 'eeg', s.rateHz, s.channels.map((c) => c.label))]);
    for (const c of chunksFromRecording('mat/eeg', planar, s.channels.length, s.rateHz, 50)) p.push(c);
    return out;
  };
  const feats = existsSync(EEGMAT) ? run() : new Map<number, EegFeatures>();
  /** Largest |ours / reference − 1| per band over channels, for the figures of `which`. */
  const worst = (which: 'raw' | 'conditioned') =>
    REF.eeg.at.map((r) => {
      const f = feats.get(r.t);
      assert.ok(f, `EEG features at ${r.t} s`);
      assert.deepEqual(f.channels, REF.eeg.channels, 'the same channels, in the same order');
      return EEG_BANDS.map((_, b) => Math.max(...f.bandPower.map((row, c) => Math.abs(row[b] / r[which][c][b] - 1))));
    });

  test('the bands are the documented ones', () => {
    assert.deepEqual(EEG_BANDS.map((b) => [b.lowHz, b.highHz]), REF.eeg.bands);
  });

  test('band power within 0.5 % of scipy on the same samples conditioned as documented (what remains: the resampler)', () => {
    for (const [i, w] of worst('conditioned').entries()) assert.ok(w.every((x) => x < 0.005), `at ${REF.eeg.at[i].t} s: ${w.map((x) => (100 * x).toFixed(2)).join(' ')} %`);
  });

  test("against scipy on the file's own 500-Hz samples: theta to gamma within 1.5 %, delta within 8 % (the causal 0.3-Hz high-pass)", () => {
    for (const [i, w] of worst('raw').entries()) {
      assert.ok(w[0] < 0.08, `delta at ${REF.eeg.at[i].t} s: ${(100 * w[0]).toFixed(2)} %`);
      assert.ok(w.slice(1).every((x) => x < 0.015), `theta..gamma at ${REF.eeg.at[i].t} s: ${w.map((x) => (100 * x).toFixed(2)).join(' ')} %`);
    }
  });

  test('the channel-mean spectrum below 45 Hz within 1 % of scipy on the conditioned samples, on the same bins', () => {
    for (const r of REF.eeg.at) {
      const f = feats.get(r.t)!;
      let w = 0;
      r.spectrumHz.forEach((hz, k) => {
        assert.ok(Math.abs(f.spectrum.freqHz[k] - hz) < 1e-4, `bin ${k}: ${f.spectrum.freqHz[k]} vs ${hz} Hz`);
        if (hz >= 0.5) w = Math.max(w, Math.abs(f.spectrum.psd[k] / r.spectrum[k] - 1));
      });
      assert.ok(w < 0.01, `spectrum at ${r.t} s: worst bin ${(100 * w).toFixed(2)} % off`);
    }
  });
});
