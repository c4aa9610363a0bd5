// R peaks leave the pipeline as soon as they are decided (the ECG trace's markers), not only with
// the next once-a-second heart features: same peaks, ~0.2 s after the beat instead of up to ~1.4 s.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Pipeline } from '../../../src/shared/pipeline';
import { parseWfdbHeader, decodeWfdbSignals } from '../../../src/shared/formats/wfdb';
import type { HeartFeatures } from '../../../src/shared/features.types';
import { chunksFromRecording } from './chunk-gen';

const MITDB = path.resolve('..', 'shared', 'data', 'wfdb-mitdb');
const quantile = (a: number[], q: number) => [...a].sort((x, y) => x - y)[Math.floor(q * (a.length - 1))];

describe('R peaks pushed as they are found', { skip: !existsSync(MITDB) && 'needs ../shared/data/wfdb-mitdb' }, () => {
  test('MIT-BIH 100 (2 min): each peak comes alone within 0.5 s of data after it, and again in the heart features', () => {
    const h = parseWfdbHeader(readFileSync(path.join(MITDB, '100.hea'), 'utf8'));
    const sig = decodeWfdbSignals(h, { '100.dat': new Uint8Array(readFileSync(path.join(MITDB, '100.dat'))) });
    const mlii = Float32Array.from(sig.signals[0].physical.subarray(0, 360 * 120), (v) => v * 1000);
    let fedTo = -Infinity; // host time of the last sample pushed
    const alone: number[] = [];
    const aloneLag: number[] = [];
    const listedLag: number[] = [];
    const hearts: HeartFeatures[] = [];
    const p = new Pipeline({}, {
      heart: (f) => {
        hearts.push(f);
        for (const t of f.rPeakTimes) listedLag.push(fedTo - t);
      },
      rPeak: (streamId, t) => {
        assert.equal(streamId, 'mit/ecg');
        alone.push(t);
        aloneLag.push(fedTo - t);
      },
    });
    p.setStreams('mit', [{ id: 'mit/ecg', deviceId: 'mit', deviceName: 'mit', deviceModel: 'replay', modality: 'ecg', nominalRateHz: 360, channels: [{ label: 'MLII', unit: 'uV', resolution: 0 }] }]);
    for (const c of chunksFromRecording('mit/ecg', mlii, 1, 360, 9)) {
      fedTo = c.hostTime;
      p.push(c);
    }
    const listed = hearts.flatMap((f) => f.rPeakTimes);
    assert.ok(alone.length > 130, `${alone.length} peaks pushed`);
    // The same peaks; the last ones may not be listed yet (no heart features after them).
    assert.deepEqual(alone.slice(0, listed.length), listed);
    assert.ok(alone.length - listed.length <= 2, `${alone.length - listed.length} pushed but never listed`);
    const p95 = quantile(aloneLag, 0.95);
    assert.ok(p95 < 0.5, `pushed alone: p95 ${p95.toFixed(2)} s after the peak (listed with the heart features: p50 ${quantile(listedLag, 0.5).toFixed(2)} s, p95 ${quantile(listedLag, 0.95).toFixed(2)} s)`);
    assert.ok(quantile(aloneLag, 0.5) < quantile(listedLag, 0.5), 'sooner than with the heart features');
  });
});
