// R-peak detection on real ECG: MIT-BIH record 100 against its beat annotations (100.atr),
// LUDB record 1 against its QRS annotations. Standard 150 ms match window.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseWfdbHeader, decodeWfdbSignals, parseWfdbAnnotations, WFDB_BEAT_CODES } from '../../../src/shared/formats/wfdb';
import { detectRPeaks, RPeakDetector } from '../../../src/shared/dsp/r-peak';
import { matchBeats } from '../pipeline/chunk-gen';

const DATA = path.resolve('..', 'shared', 'data');
const MITDB = path.join(DATA, 'wfdb-mitdb');
const LUDB = path.join(DATA, 'wfdb-ludb');

function loadRecord(dir: string, name: string) {
  const h = parseWfdbHeader(readFileSync(path.join(dir, `${name}.hea`), 'utf8'));
  const files: Record<string, Uint8Array> = {};
  for (const s of h.signals) files[s.fileName] = new Uint8Array(readFileSync(path.join(dir, s.fileName)));
  return { header: h, signals: decodeWfdbSignals(h, files) };
}

describe('R-peak detection on MIT-BIH record 100 (native 360 Hz)', { skip: !existsSync(MITDB) && 'needs ../shared/data/wfdb-mitdb' }, () => {
  test('sensitivity and positive predictivity ≥ 99 % against 100.atr', () => {
    const { header, signals } = loadRecord(MITDB, '100');
    const fs = header.frequencyHz;
    const mlii = Float64Array.from(signals.signals[0].physical, (v) => v * 1000); // mV → µV
    const ann = parseWfdbAnnotations(new Uint8Array(readFileSync(path.join(MITDB, '100.atr')))).annotations.filter((a) => WFDB_BEAT_CODES.has(a.code));
    assert.equal(ann.length, 2273);
    const det = detectRPeaks(mlii, fs);
    const m = matchBeats(ann.map((a) => a.sample / fs), det.map((d) => d / fs));
    assert.ok(m.se >= 0.99, `Se ${(m.se * 100).toFixed(2)} %`);
    assert.ok(m.ppv >= 0.99, `P+ ${(m.ppv * 100).toFixed(2)} %`);
  });

  test('streaming in packets gives exactly the batch result', () => {
    const { header, signals } = loadRecord(MITDB, '100');
    const x = Float64Array.from(signals.signals[0].physical.subarray(0, 360 * 120), (v) => v * 1000);
    const batch = detectRPeaks(x, header.frequencyHz);
    const d = new RPeakDetector(header.frequencyHz);
    const streamed: number[] = [];
    for (let i = 0; i < x.length; i += 37) streamed.push(...d.push(x, i, Math.min(37, x.length - i)));
    assert.deepEqual(streamed, batch);
  });
});

describe('R-peak detection across gaps (MIT-BIH 100 with a packet lost every 1.2 s)', { skip: !existsSync(MITDB) && 'needs ../shared/data/wfdb-mitdb' }, () => {
  // Five minutes cut into 1.2-s stretches with 80 ms lost between them: stretches shorter than the
  // 2-s learning period, as a strap losing 5 % of 50-ms packets delivers. restart() between
  // stretches keeps the thresholds and finish() decides the beat at each stretch's end.
  test('restart/finish find the beats that were delivered; a full reset per stretch finds almost none', () => {
    const { header, signals } = loadRecord(MITDB, '100');
    const fs = header.frequencyHz;
    const x = Float64Array.from(signals.signals[0].physical.subarray(0, fs * 300), (v) => v * 1000);
    const ann = parseWfdbAnnotations(new Uint8Array(readFileSync(path.join(MITDB, '100.atr')))).annotations.filter((a) => WFDB_BEAT_CODES.has(a.code) && a.sample < x.length);
    const stretch = Math.round(1.2 * fs);
    const hole = Math.round(0.08 * fs);
    const run = (between: (d: RPeakDetector) => void) => {
      const d = new RPeakDetector(fs);
      d.push(x, 0, 3 * fs); // learns on the first 3 s, like a stream's first segment
      const found: number[] = [];
      for (let s0 = 0; s0 + stretch <= x.length; s0 += stretch + hole) {
        between(d);
        found.push(...d.push(x, s0, stretch).map((p) => s0 + p), ...d.finish().map((p) => s0 + p));
      }
      return found;
    };
    const delivered = ann.filter((a) => (a.sample % (stretch + hole)) < stretch);
    const keep = run((d) => d.restart());
    const m = matchBeats(delivered.map((a) => a.sample / fs), keep.map((k) => k / fs));
    assert.ok(m.se >= 0.95, `restart: Se ${(m.se * 100).toFixed(1)} % of ${delivered.length} delivered beats`);
    assert.ok(m.ppv >= 0.99, `restart: P+ ${(m.ppv * 100).toFixed(1)} %`);
    const relearn = run((d) => d.reset());
    assert.ok(relearn.length < 0.1 * delivered.length, `reset: ${relearn.length} beats`);
  });

  test('a detector that starts on such stretches learns across them (it never did: each restart began the 2 s again)', () => {
    const { header, signals } = loadRecord(MITDB, '100');
    const fs = header.frequencyHz;
    const x = Float64Array.from(signals.signals[0].physical.subarray(0, fs * 60), (v) => v * 1000);
    const stretch = Math.round(1.2 * fs);
    const hole = Math.round(0.08 * fs);
    const d = new RPeakDetector(fs);
    const found: number[] = [];
    for (let s0 = 0; s0 + stretch <= x.length; s0 += stretch + hole) {
      d.restart();
      found.push(...d.push(x, s0, stretch).map((p) => s0 + p), ...d.finish().map((p) => s0 + p));
    }
    // Learned after two stretches (2.4 s of signal): beats from the third stretch on.
    assert.ok(found.length > 0 && found[0] < 3 * (stretch + hole), `first beat at sample ${found[0]}`);
    assert.ok(found.length >= 60, `${found.length} beats in a minute`);
  });
});

describe('R-peak detection on LUDB record 1, lead II (500 Hz, sinus bradycardia)', { skip: !existsSync(LUDB) && 'needs ../shared/data/wfdb-ludb' }, () => {
  test('every annotated QRS is found, nothing else in the annotated span', () => {
    const { header, signals } = loadRecord(LUDB, '1');
    const fs = header.frequencyHz;
    const ii = signals.signals.find((s) => s.spec.description === 'ii')!;
    const x = Float64Array.from(ii.physical, (v) => v * 1000);
    const qrs = parseWfdbAnnotations(new Uint8Array(readFileSync(path.join(LUDB, '1.ii')))).annotations.filter((a) => a.symbol === 'N').map((a) => a.sample / fs);
    assert.equal(qrs.length, 6);
    const det = detectRPeaks(x, fs).map((d) => d / fs);
    const inSpan = det.filter((t) => t > qrs[0] - 0.3 && t < qrs[qrs.length - 1] + 0.3);
    const m = matchBeats(qrs, inSpan);
    assert.equal(m.tp, 6);
    assert.equal(inSpan.length, 6);
    for (const t of qrs) assert.ok(inSpan.some((d) => Math.abs(d - t) < 0.03), `R peak near ${t.toFixed(3)} s within 30 ms`);
  });
});
