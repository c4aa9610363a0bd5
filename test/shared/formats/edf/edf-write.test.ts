import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decodeEdfSamples, edfNumber, importEdf, parseEdfAnnotations, parseEdfHeader, writeEdf, type EdfHeader } from '../../../../src/shared/formats/edf';
import { EDF_FILL_FREE_BYTES, EDF_FILL_MAX_BYTES, EDF_FILL_MAX_RATIO, edfPieces, talNumber, zeroFillAllowed } from '../../../../src/shared/formats/edf/edf-write';
import { FormatError } from '../../../../src/shared/formats/format-error';
import type { ImportedRecording } from '../../../../src/shared/formats/recording.types';
import { importWfdb } from '../../../../src/shared/formats/wfdb';
import { mneMissing, readWithMne } from '../mne-reference';
import { dataPath, NEED_DATA, readData } from '../../../fixtures/shared-data';

/** A small two-rate recording: 3 EEG channels at 256 Hz and 1 ECG at 130 Hz, with markers. */
function synthetic(opts: { gapS?: number; startTime?: number | null } = {}): ImportedRecording {
  const seconds = 4;
  const seg = (rate: number, nch: number, start: number, amp: number) => {
    const count = seconds * rate;
    const data = new Float32Array(count * nch);
    for (let c = 0; c < nch; c++) for (let i = 0; i < count; i++) data[c * count + i] = amp * Math.sin((2 * Math.PI * (5 + c) * i) / rate) + c;
    return { start, count, data };
  };
  const eegSegs = [seg(256, 3, 0, 50)];
  const ecgSegs = [seg(130, 1, 0, 1200)];
  if (opts.gapS) {
    eegSegs.push(seg(256, 3, seconds + opts.gapS, 50));
    ecgSegs.push(seg(130, 1, seconds + opts.gapS, 1200));
  }
  return {
    fileName: 'synthetic.hm',
    format: 'csv',
    startTime: opts.startTime === undefined ? 1700000000 : opts.startTime,
    subject: { code: 'S01', sex: 'F' },
    info: {},
    streams: [
      { name: 'EEG', modality: 'eeg', rateHz: 256, channels: ['Fp1', 'Fp2', 'Cz'].map((label) => ({ label, unit: 'uV', resolution: 0, offset: 0, kind: 'eeg' as const })), segments: eegSegs },
      { name: 'ECG', modality: 'ecg', rateHz: 130, channels: [{ label: 'ECG', unit: 'uV', resolution: 0, offset: 0, kind: 'ecg' }], segments: ecgSegs },
    ],
    annotations: [
      { onset: 0.5, duration: 0, label: 'start', source: 'marker' },
      { onset: 1.25, duration: 2.5, label: 'stimulus: ünïcode ♥', source: 'marker' },
      { onset: 3.999, duration: 0, label: 'end, with "quotes"', source: 'sam' },
    ],
    warnings: [],
  };
}

/** The stream's samples inside the spans only (seconds from the recording zero), as segments of their own. */
function keep(stream: ImportedRecording['streams'][number], spans: [number, number][]): void {
  const g = stream.segments[0];
  const nch = stream.channels.length;
  stream.segments = spans.map(([a, b]) => {
    const from = Math.round(a * stream.rateHz);
    const count = Math.round(b * stream.rateHz) - from;
    const data = new Float32Array(count * nch);
    for (let c = 0; c < nch; c++) data.set(g.data.subarray(c * g.count + from, c * g.count + from + count), c * count);
    return { start: from / stream.rateHz, count, data };
  });
}

/** The file's own integers of every data signal, by label. */
function digitalByLabel(h: EdfHeader, bytes: Uint8Array): Map<string, Int32Array> {
  const out = new Map<string, Int32Array>();
  h.signals.forEach((s, i) => {
    if (s.isAnnotation) return;
    const d = new Int32Array(s.samplesPerRecord * h.recordCount);
    decodeEdfSamples(h, bytes, i, 0, h.recordCount, d, 0, 1, 0);
    out.set(s.label, d);
  });
  return out;
}

/** EDF → import → export: the same integers, digital range and (in the imported unit) physical range, signal by signal. */
function assertSameIntegers(source: Uint8Array, format: 'edf' | 'bdf') {
  const h = parseEdfHeader(source, 'source');
  const { bytes, warnings } = writeEdf(importEdf(source, 'source'), { format });
  assert.deepEqual(warnings, []);
  const h2 = parseEdfHeader(bytes, 'again');
  const a = digitalByLabel(h, source);
  const b = digitalByLabel(h2, bytes);
  assert.deepEqual([...b.keys()].sort(), [...a.keys()].sort());
  for (const s of h.signals) {
    if (s.isAnnotation) continue;
    const t = h2.signals.find((x) => x.label === s.label)!;
    assert.deepEqual([t.digitalMin, t.digitalMax], [s.digitalMin, s.digitalMax], `${s.label}: digital range`);
    // EXG in mV comes back in µV: the same range, scaled.
    const f = s.physicalDimension === t.physicalDimension ? 1 : s.physicalDimension === 'mV' && t.physicalDimension === 'uV' ? 1000 : NaN;
    for (const [x, y] of [[s.physicalMin, t.physicalMin], [s.physicalMax, t.physicalMax]]) assert.ok(Math.abs(x * f - y) <= 1e-9 * Math.abs(y), `${s.label}: physical ${x} ${s.physicalDimension} came back as ${y} ${t.physicalDimension}`);
    const da = a.get(s.label)!;
    const db = b.get(s.label)!;
    assert.equal(db.length, da.length, `${s.label}: as many samples back as written`);
    for (let i = 0; i < da.length; i++) if (da[i] !== db[i]) assert.fail(`${s.label}[${i}]: ${da[i]} came back as ${db[i]}`);
  }
}

/** Every (stream, channel) of `a` equals `b` within half a count of the file's scale. */
function assertClose(written: Uint8Array, orig: ImportedRecording, back: ImportedRecording) {
  const h = parseEdfHeader(written, 'w');
  for (const s of orig.streams) {
    const t = back.streams.find((x) => x.rateHz === s.rateHz && x.channels[0].label === s.channels[0].label)!;
    assert.ok(t, `stream ${s.name} came back`);
    assert.deepEqual(t.segments.map((g) => g.start), s.segments.map((g) => g.start), `stream ${s.name}: segment starts`);
    s.channels.forEach((ch, c) => {
      const gain = h.signals.find((x) => x.label === ch.label)!.gain;
      s.segments.forEach((g, k) => {
        const gb = t.segments[k];
        for (let i = 0; i < g.count; i++) {
          const d = Math.abs(gb.data[c * gb.count + i] - g.data[c * g.count + i]);
          if (d > gain / 2 + 1e-6 * Math.abs(g.data[c * g.count + i]) + 1e-9) assert.fail(`${ch.label}[${i}] differs by ${d} (gain ${gain})`);
        }
      });
    });
  }
}

describe('writeEdf', () => {
  test('edfNumber: shortest 8-character text on the safe side', () => {
    assert.equal(edfNumber(-45.1698, -1), '-45.1698');
    assert.equal(edfNumber(654.9430000000001, 1), '654.9431');
    assert.equal(edfNumber(0.123456789, -1), '0.123456');
    assert.equal(edfNumber(-0.000001, 1), '0');
    assert.equal(edfNumber(12345678, 1), '12345678');
    assert.equal(edfNumber(123456789, 1), null);
    assert.equal(edfNumber(9.59375, 1), '9.59375');
  });

  test('two rates, markers with durations and Unicode: EDF+C and BDF+C read back by our reader', () => {
    const rec = synthetic();
    for (const format of ['edf', 'bdf'] as const) {
      const { bytes, warnings } = writeEdf(rec, { format });
      assert.deepEqual(warnings, [], `${format}: no warnings`);
      const back = importEdf(bytes, `x.${format}`);
      assert.equal(back.format, `${format}+c`, `${format}: read back as ${format}+c`);
      assert.equal(back.startTime, 1700000000, `${format}: start time`);
      assert.deepEqual(back.subject, { code: 'S01', sex: 'F' }, `${format}: subject`);
      assert.deepEqual(back.streams.map((s) => [s.rateHz, s.channels.length]), [[256, 3], [130, 1]], `${format}: stream rates and channel counts`);
      assertClose(bytes, rec, back);
      assert.deepEqual(back.annotations.map((a) => [a.onset, a.duration, a.label]), rec.annotations.map((a) => [a.onset, a.duration, a.label]), `${format}: annotations (onset, duration, label)`);
    }
  });

  test('a gap of whole records stays EDF+C: the empty records are zeros under one BAD_ACQ_SKIP, cut out again on import', () => {
    const rec = synthetic({ gapS: 6 });
    for (const format of ['edf', 'bdf'] as const) {
      const { bytes, warnings } = writeEdf(rec, { format });
      assert.deepEqual(warnings, [], `${format}: no warnings`);
      const h = parseEdfHeader(bytes, 'c');
      assert.equal(h.plus, 'C', `${format}: an EDF+C header`);
      assert.equal(h.recordCount, 14, '4 s of data, 6 s of gap, 4 s of data in 1-s records');
      const { annotations, recordStarts } = parseEdfAnnotations(h, bytes, 'c');
      assert.deepEqual([...recordStarts], Array.from({ length: 14 }, (_, k) => k), `${format}: records at 0..13 s`);
      // Both streams lack the same span: one plain annotation covers it (no channel names).
      assert.deepEqual(annotations.filter((a) => a.text.startsWith('BAD_ACQ_SKIP')).map((a) => [a.onset, a.duration, a.text]), [[4, 6, 'BAD_ACQ_SKIP']], `${format}: one BAD_ACQ_SKIP over the 6-s gap`);
      // The padding is physical 0 (within a count), every channel.
      for (const [label, d] of digitalByLabel(h, bytes)) {
        const s = h.signals.find((x) => x.label === label)!;
        const r = s.samplesPerRecord;
        for (let i = 4 * r; i < 10 * r; i++) if (Math.abs(d[i] * s.gain + s.offset) > Math.abs(s.gain)) assert.fail(`${label}[${i}]: ${d[i] * s.gain + s.offset}`);
      }
      const back = importEdf(bytes, `c.${format}`);
      assert.equal(back.format, `${format}+c`, `${format}: read back as ${format}+c`);
      assert.deepEqual(back.streams.map((s) => s.segments.map((g) => [g.start, g.count])), [[[0, 1024], [10, 1024]], [[0, 520], [10, 520]]], `${format}: both streams in two segments around the gap`);
      assertClose(bytes, rec, back);
      assert.deepEqual(back.annotations.map((a) => [a.onset, a.duration, a.label]), rec.annotations.map((a) => [a.onset, a.duration, a.label]), `${format}: annotations (onset, duration, label)`);
    }
  });

  test('discontinuous: true leaves the empty records out (EDF+D, each record at its start) and reads back the same', () => {
    const rec = synthetic({ gapS: 6 });
    for (const format of ['edf', 'bdf'] as const) {
      const { bytes, warnings } = writeEdf(rec, { format, discontinuous: true });
      assert.deepEqual(warnings, [], `${format}: no warnings`);
      const h = parseEdfHeader(bytes, 'd');
      assert.equal(h.plus, 'D', `${format}: an EDF+D header`);
      assert.deepEqual([...parseEdfAnnotations(h, bytes, 'd').recordStarts], [0, 1, 2, 3, 10, 11, 12, 13], `${format}: the empty records left out`);
      const back = importEdf(bytes, `d.${format}`);
      assert.equal(back.format, `${format}+d`, `${format}: read back as ${format}+d`);
      assert.deepEqual(back.streams.map((s) => s.segments.map((g) => [g.start, g.count])), [[[0, 1024], [10, 1024]], [[0, 520], [10, 520]]], `${format}: both streams in two segments around the gap`);
      assertClose(bytes, rec, back);
      assert.deepEqual(back.annotations.map((a) => [a.onset, a.duration, a.label]), rec.annotations.map((a) => [a.onset, a.duration, a.label]), `${format}: annotations (onset, duration, label)`);
    }
    // Without empty records there is nothing to leave out: EDF+C.
    assert.equal(parseEdfHeader(writeEdf(synthetic(), { format: 'edf', discontinuous: true }).bytes, 'c').plus, 'C');
  });

  test('markers before the first or after the last sample get zero-filled records of their own (so MNE keeps them), within the same bound', () => {
    const rec = synthetic();
    rec.annotations.push({ onset: -1.5, duration: 0, label: 'before', source: 'marker' }, { onset: 6.2, duration: 0, label: 'after', source: 'marker' });
    const { bytes, warnings } = writeEdf(rec, { format: 'edf' });
    assert.deepEqual(warnings, []);
    const h = parseEdfHeader(bytes, 'm');
    assert.deepEqual([h.plus, h.recordCount], ['C', 9], '2 records before the data, 4 of data, 3 after');
    const skips = parseEdfAnnotations(h, bytes, 'm').annotations.filter((a) => a.text.startsWith('BAD_ACQ_SKIP'));
    assert.deepEqual(skips.map((a) => [a.onset, a.duration, a.text]), [[0, 2, 'BAD_ACQ_SKIP'], [6, 3, 'BAD_ACQ_SKIP']]);
    const back = importEdf(bytes, 'm.edf');
    assert.equal(back.startTime, 1700000000 - 2);
    assert.deepEqual(back.streams.map((s) => s.segments.map((g) => [g.start, g.count])), [[[2, 1024]], [[2, 520]]]);
    assert.deepEqual(back.annotations.map((a) => [a.onset.toFixed(6), a.label]), [...rec.annotations].sort((x, y) => x.onset - y.onset).map((a) => [(a.onset + 2).toFixed(6), a.label]));

    // A marker 2.3 days on would need 360 MB of zeros: it stays in the last record, with a warning.
    rec.annotations.splice(3, 2, { onset: 200000, duration: 0, label: 'far', source: 'marker' });
    const far = writeEdf(rec, { format: 'edf' });
    assert.equal(far.warnings.length, 1);
    assert.match(far.warnings[0], /^annotations up to 199997\.0 s outside the data stay in its first or last record \(zero-filled records for them would add 359\.2 MB\)/);
    assert.deepEqual([parseEdfHeader(far.bytes, 'far').plus, parseEdfHeader(far.bytes, 'far').recordCount], ['C', 4]);
    assert.deepEqual(importEdf(far.bytes, 'far.edf').annotations.at(-1), { onset: 200000, duration: 0, label: 'far', source: 'edf+' });
  });

  test('talNumber: plain decimal digits at any size (toFixed turns to exponent notation from 1e21: 1e300 was written +1e+3)', () => {
    assert.deepEqual(
      [talNumber(1.25, true), talNumber(-2.5, true), talNumber(-1e-8, true), talNumber(3599.99999999, false), talNumber(1e21, false)],
      ['+1.25', '-2.5', '+0', '3600', '1000000000000000000000'],
    );
    const big = talNumber(1e300, true);
    assert.match(big, /^\+1\d{300}$/);
    assert.equal(Number(big), 1e300);
    assert.match(talNumber(-1.7e308, true), /^-1\d{308}$/);
    assert.throws(() => talNumber(Infinity, false), RangeError);
  });

  test('annotations more than a year outside the data (milliseconds sent as seconds, ±1e300, a 1e308-s duration) are left out with one warning; the rest are written', () => {
    const rec = synthetic();
    const kept = rec.annotations.map((a) => [a.onset, a.duration, a.label]);
    const start = rec.startTime!;
    rec.annotations.push(
      { onset: (start + 2) * 1000 - start, duration: 0, label: 'ms by mistake', source: 'udp' },
      { onset: 1e300, duration: 0, label: 'huge', source: 'api' },
      { onset: -1e300, duration: 0, label: 'minus huge', source: 'api' },
      { onset: -5 - start, duration: 0, label: 'time -5', source: 'api' },
      { onset: 1, duration: 1e308, label: 'forever', source: 'api' },
    );
    const { bytes, warnings } = writeEdf(rec, { format: 'edf' });
    assert.deepEqual(warnings, [
      `5 annotation(s) more than 366 days outside the data left out (the first: "ms by mistake" at ${(start + 2) * 1000 - start} s from the recording's start)`,
    ]);
    const h = parseEdfHeader(bytes, 'far');
    assert.equal(h.recordCount, 4, 'no records added for them');
    const tals = parseEdfAnnotations(h, bytes, 'far').annotations;
    assert.ok(tals.every((a) => Math.abs(a.onset) < 10 && a.duration < 10), JSON.stringify(tals));
    assert.deepEqual(importEdf(bytes, 'far.edf').annotations.map((a) => [a.onset, a.duration, a.label]), kept);
  });

  test('zero-filling that would make an absurd file falls back to EDF+D with a warning', () => {
    assert.ok(zeroFillAllowed(EDF_FILL_FREE_BYTES, 1), 'a short session with a long gap: up to the free bytes');
    assert.ok(!zeroFillAllowed(EDF_FILL_FREE_BYTES + 1, 1), 'one byte over EDF_FILL_FREE_BYTES is not allowed');
    assert.ok(zeroFillAllowed(EDF_FILL_MAX_RATIO * 100e6, 100e6), 'a large session: up to the ratio');
    assert.ok(!zeroFillAllowed(EDF_FILL_MAX_RATIO * 100e6 + 1, 100e6), 'one byte over EDF_FILL_MAX_RATIO is not allowed');
    assert.ok(!zeroFillAllowed(EDF_FILL_MAX_BYTES + 1, 1e9), 'never past the cap');
    // One second, a clock jump of ~2.3 days, one second: 199 999 empty records of 512 bytes.
    const rec = synthetic();
    rec.streams.pop();
    keep(rec.streams[0], [[0, 1]]);
    rec.streams[0].channels = rec.streams[0].channels.slice(0, 1);
    const g = rec.streams[0].segments[0];
    g.data = g.data.slice(0, g.count);
    rec.streams[0].segments.push({ start: 200000, count: g.count, data: g.data.slice() });
    const { bytes, warnings } = writeEdf(rec, { format: 'edf' });
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /^199999\.0 s without samples would add 102\.4 MB of zero-filled records to 1\.0 kB of data: written as EDF\+D/);
    const h = parseEdfHeader(bytes, 'f');
    assert.equal(h.plus, 'D');
    assert.equal(h.recordCount, 2);
    assert.deepEqual(importEdf(bytes, 'f.edf').streams[0].segments.map((s) => [s.start, s.count]), [[0, 256], [200000, 256]]);
  });

  test('samples a stream lacks inside a written record are marked BAD_ACQ_SKIP and cut out again on import; markers stay', () => {
    // Records of 1 s: EEG ends at 3.25 s (a quarter of its last record empty); ECG has a gap at
    // 1.2–1.7 s inside a record and ends at 3.5 s.
    const rec = synthetic();
    keep(rec.streams[0], [[0, 3.25]]);
    keep(rec.streams[1], [[0, 1.2], [1.7, 3.5]]);
    for (const format of ['edf', 'bdf'] as const) {
      const { bytes, warnings } = writeEdf(rec, { format });
      assert.deepEqual(warnings, [], `${format}: no warnings`);
      const h = parseEdfHeader(bytes, 'p');
      assert.equal(h.recordCount, 4, `${format}: 4 records`);
      const written = parseEdfAnnotations(h, bytes, 'p').annotations.filter((a) => a.text.startsWith('BAD_ACQ_SKIP'));
      // From 3.5 s neither stream has samples: one plain span; before that each stream's own.
      assert.deepEqual(written.map((a) => [a.onset, a.duration, a.text]).sort((x, y) => (x[0] as number) - (y[0] as number)), [
        [1.2, 0.5, 'BAD_ACQ_SKIP ECG'],
        [3.25, 0.25, 'BAD_ACQ_SKIP Fp1,Fp2,Cz'],
        [3.5, 0.5, 'BAD_ACQ_SKIP'],
      ], `${format}: each stream's own BAD_ACQ_SKIP, then one plain one`);
      const back = importEdf(bytes, `p.${format}`);
      assert.deepEqual(back.streams.map((s) => s.segments.map((g) => [g.start, g.count])), [[[0, 832]], [[0, 156], [221 / 130, 234]]], `${format}: the segments read back`);
      assertClose(bytes, rec, back);
      assert.deepEqual(back.annotations.map((a) => [a.onset, a.duration, a.label]), rec.annotations.map((a) => [a.onset, a.duration, a.label]), `${format}: annotations (onset, duration, label)`);
    }
  });

  test('BAD_ACQ_SKIP naming some channels of a stream read back makes those samples NaN; labels that repeat across streams are not marked', () => {
    // Two 256-Hz EEG streams (two headsets) become one stream on import; the second ends early.
    const rec = synthetic();
    const second = structuredClone(rec.streams[0]);
    second.name = 'EEG 2';
    second.channels = [{ label: 'O1', unit: 'uV', resolution: 0, offset: 0, kind: 'eeg' }];
    second.segments[0].data = second.segments[0].data.slice(0, second.segments[0].count);
    keep(second, [[0, 3.5]]);
    rec.streams.splice(1, 0, second);
    const back = importEdf(writeEdf(rec, { format: 'edf' }).bytes, 'n.edf');
    const eeg = back.streams.find((s) => s.rateHz === 256)!;
    assert.deepEqual(eeg.channels.map((c) => c.label), ['Fp1', 'Fp2', 'Cz', 'O1']);
    assert.deepEqual(eeg.segments.map((g) => [g.start, g.count]), [[0, 1024]]);
    const o1 = eeg.segments[0].data.subarray(3 * 1024, 4 * 1024);
    assert.ok(o1.subarray(0, 896).every(Number.isFinite) && o1.subarray(896).every(Number.isNaN), 'O1 is NaN from 3.5 s');
    assert.ok(eeg.segments[0].data.subarray(0, 3 * 1024).every(Number.isFinite), 'the other channels keep their samples');

    second.channels[0].label = 'Cz';
    const dup = writeEdf(rec, { format: 'edf' });
    assert.match(dup.warnings.join(), /EEG 2: 1 span\(s\) without samples written as 0 and not marked BAD_ACQ_SKIP/);
  });

  test('a start time with a fraction of a second goes into the first record\'s time-keeping TAL', () => {
    const rec = synthetic({ startTime: 1700000000.329 });
    const back = importEdf(writeEdf(rec, { format: 'edf' }).bytes, 'f.edf');
    assert.equal(back.startTime, 1700000000);
    assert.ok(Math.abs(back.streams[0].segments[0].start - 0.329) < 1e-9, `the segment starts at ${back.streams[0].segments[0].start} s, expected 0.329`);
    assert.ok(Math.abs(back.annotations[0].onset - 0.829) < 1e-9, `the annotation's onset is ${back.annotations[0].onset} s, expected 0.829`);
  });

  test('a time range exports only that span; irregular streams are left out with a warning', () => {
    const rec = synthetic();
    rec.streams.push({ name: 'Events', modality: 'other', rateHz: 0, channels: [{ label: 'x', unit: '', resolution: 0, offset: 0, kind: 'misc' }], segments: [{ start: 0, count: 1, data: new Float32Array(1), times: new Float64Array(1) }] });
    const { bytes, warnings } = writeEdf(rec, { format: 'edf', range: [1, 3] });
    assert.match(warnings.join(), /Events: irregular/);
    const back = importEdf(bytes, 'r.edf');
    assert.deepEqual(back.streams[0].segments.map((s) => [s.start, s.count]), [[0, 512]]);
    assert.equal(back.startTime, 1700000001);
    assert.deepEqual(back.annotations.map((a) => a.label), ['stimulus: ünïcode ♥']);
    assert.equal(back.annotations[0].onset, 0.25);
  });

  test('a range that starts between two samples starts the file at the first sample in it, so every sample keeps its time (they moved by up to half a sample)', () => {
    const rec = synthetic();
    rec.streams.pop();
    const from = 1 + 0.3 / 256;
    const { bytes } = writeEdf(rec, { format: 'bdf', range: [from, 3] });
    const back = importEdf(bytes, 'r.bdf');
    const [g] = back.streams[0].segments;
    assert.equal(back.startTime! + g.start, 1700000000 + 1 + 1 / 256, 'the first sample in the range, at its time');
    const src = rec.streams[0].segments[0];
    const gain = parseEdfHeader(bytes, 'r.bdf').signals[0].gain;
    // sample i of the file is source sample 257 + i
    for (let i = 0; i < 510; i++) assert.ok(Math.abs(g.data[i] - src.data[257 + i]) <= gain, `sample ${i}: ${g.data[i]} vs ${src.data[257 + i]}`);
    assert.deepEqual(back.annotations.filter((a) => a.label.startsWith('stimulus')).map((a) => Number((back.startTime! + a.onset).toFixed(6))), [1700000001.25]);
  });

  test('header text outside ASCII is written in its ASCII spelling (°C was written ?C, Müller M?ller)', () => {
    const rec = synthetic();
    rec.subject = { code: 'S01', name: 'Jürgen Müller' };
    rec.streams[1].channels.push({ label: 'Temp °', unit: '°C', resolution: 0, offset: 0, kind: 'misc', transducer: 'Thermistor µ-probe' });
    rec.streams[1].segments[0] = { ...rec.streams[1].segments[0], data: Float32Array.from({ length: 2 * 520 }, (_, i) => (i < 520 ? Math.sin(i) * 100 : 36.5 + (i % 7) / 100)) };
    const h = parseEdfHeader(writeEdf(rec, { format: 'edf' }).bytes, 'a.edf');
    const temp = h.signals.find((x) => x.label.startsWith('Temp'))!;
    assert.deepEqual([temp.label, temp.physicalDimension, temp.transducer], ['Temp deg', 'degC', 'Thermistor u-probe']);
    assert.equal(h.patient.name, 'Jurgen Muller');
  });

  test('what EDF cannot hold is refused with a clear error', () => {
    const rec = synthetic();
    rec.streams[0].rateHz = 255.5;
    rec.streams[1].rateHz = 130.33;
    assert.throws(() => writeEdf(rec, { format: 'edf', fileName: 'o.edf' }), (e: unknown) => e instanceof FormatError && e.code === 'cannot-write' && /whole number of samples/.test(e.message));
    const none = synthetic();
    none.streams.pop();
    none.streams[0].channels = [{ label: 'n', unit: 'counts', resolution: 0, offset: 0, kind: 'misc' }];
    none.streams[0].segments[0] = { start: 0, count: 1024, data: new Float32Array(1024).fill(4e9) };
    assert.throws(() => writeEdf(none, { format: 'edf', fileName: 'n.edf' }), (e: unknown) => e instanceof FormatError && e.code === 'cannot-write' && e.message === 'n.edf: no channel whose values EDF can hold');
  });

  test('values the 8-character range fields cannot state are written with another SI prefix (3e8 Pa in MPa, 2e-6 S in uS), or that channel alone is left out (the whole export failed)', () => {
    const rec = synthetic();
    const ecg = rec.streams[1];
    const n = ecg.segments[0].count;
    const extra = [
      { label: 'Pressure', unit: 'Pa', value: (i: number) => 3e8 + (i % 100) * 10 },
      { label: 'EDA', unit: 'S', value: (i: number) => 2e-6 + (i % 100) * 1e-9 },
      { label: 'Counter', unit: '', value: (i: number) => 4e9 + i },
    ];
    const data = new Float32Array(n * (1 + extra.length));
    data.set(ecg.segments[0].data);
    extra.forEach((x, k) => {
      for (let i = 0; i < n; i++) data[(k + 1) * n + i] = x.value(i);
    });
    ecg.channels.push(...extra.map(({ label, unit }) => ({ label, unit, resolution: 0, offset: 0, kind: 'misc' as const })));
    ecg.segments[0] = { ...ecg.segments[0], data };
    for (const format of ['edf', 'bdf'] as const) {
      const { bytes, warnings } = writeEdf(rec, { format });
      const h = parseEdfHeader(bytes, `x.${format}`);
      assert.deepEqual(h.signals.map((x) => [x.label, x.physicalDimension]).slice(3, 6), [['ECG', 'uV'], ['Pressure', 'MPa'], ['EDA', 'uS']]);
      assert.deepEqual(warnings, [
        'ECG/Pressure: written in MPa (not Pa), the unit in which EDF\'s 8-character range fields hold its values',
        'ECG/EDA: written in uS (not S), the unit in which EDF\'s 8-character range fields hold its values',
        'ECG/Counter: values from 4000000000 to 4000000512 cannot be stated in EDF\'s 8-character range fields (and its unit takes no SI prefix); left out (a CSV export keeps it)',
      ]);
      const back = importEdf(bytes, `x.${format}`).streams.find((st) => st.channels.some((c) => c.label === 'Pressure'))!;
      const digital = digitalByLabel(h, bytes);
      for (const [k, scale] of [[1, 1e-6], [2, 1e6]] as const) {
        const sig = h.signals[3 + k];
        const b = back.channels.findIndex((c) => c.label === sig.label);
        const got = back.segments[0].data.subarray(b * n, (b + 1) * n);
        // every value within half a count of what was written, and the counts spread over the range
        for (let i = 0; i < n; i++) if (Math.abs(got[i] - data[k * n + i] * scale) > sig.gain / 2 + 1e-9 * Math.abs(got[i])) assert.fail(`${sig.label}[${i}]: ${got[i]} vs ${data[k * n + i] * scale}`);
        const counts = digital.get(sig.label)!;
        assert.ok(Math.max(...counts) - Math.min(...counts) > (sig.digitalMax - sig.digitalMin) / 4, `${sig.label} uses a quarter of its digital range at least`);
      }
    }
  });

  test('EDF → import → export gives back the file\'s own integers and digital range, sample for sample (EEGMAT, ECG in mV; EEGMMIDB, digital ±8092)', { skip: NEED_DATA }, () => {
    assertSameIntegers(readData('edf-eegmat/Subject07_2.edf'), 'edf');
    assertSameIntegers(readData('edf-eegmmidb/S001R04.edf'), 'edf');
  });

  test('BDF → import → export keeps the 24-bit integers, the Status line included', { skip: NEED_DATA }, () => {
    const source = readData('edf-mne/test_bdf_stim_channel.bdf');
    const h = parseEdfHeader(source, 'source');
    const { bytes, warnings } = writeEdf(importEdf(source, 'source'), { format: 'bdf' });
    assert.deepEqual(warnings, []);
    const a = digitalByLabel(h, source);
    const b = digitalByLabel(parseEdfHeader(bytes, 'again'), bytes);
    for (const [label, d] of a) assert.deepEqual(b.get(label), d, label);
  });

  test('a quantised channel without a declared range keeps its counts; one off its grid gets the full digital range over its data', () => {
    const count = 256;
    const counts = Float32Array.from({ length: count }, (_, i) => Math.round(300 * Math.sin(i / 9)) - 40);
    const channel = (resolution: number, offset: number, data: Float32Array): ImportedRecording => ({
      fileName: 'q',
      format: 'csv',
      startTime: null,
      subject: {},
      info: {},
      streams: [{ name: 'EEG', modality: 'eeg', rateHz: 256, channels: [{ label: 'C3', unit: 'uV', resolution, offset, kind: 'eeg' }], segments: [{ start: 0, count, data }] }],
      annotations: [],
      warnings: [],
    });
    const res = 0.48828125;
    const onGrid = counts.map((c) => c * res + 0.25);
    const w = writeEdf(channel(res, 0.25, onGrid), { format: 'edf' });
    const h = parseEdfHeader(w.bytes, 'q.edf');
    assert.deepEqual([h.signals[0].digitalMin, h.signals[0].digitalMax], [Math.min(...counts), Math.max(...counts)]);
    assert.deepEqual([...digitalByLabel(h, w.bytes).get('C3')!], [...counts]);

    const offGrid = onGrid.map((v, i) => v + (i % 3) * 0.1);
    const f = parseEdfHeader(writeEdf(channel(res, 0.25, offGrid), { format: 'edf' }).bytes, 'f.edf').signals[0];
    assert.deepEqual([f.digitalMin, f.digitalMax], [-32768, 32767]);
  });

  test('runs of missing values (NaN) are marked BAD_ACQ_SKIP with their channel, so they read back as NaN, not as a flat line at 0', () => {
    const rec = synthetic();
    const eeg = rec.streams[0];
    const g = eeg.segments[0];
    g.data.fill(NaN, 1 * g.count + 100, 1 * g.count + 150); // Fp2, samples 100-149
    g.data[2 * g.count + 700] = NaN; // Cz, one sample
    const { bytes, warnings } = writeEdf(rec, { format: 'bdf' });
    assert.deepEqual(warnings, ['EEG/Fp2: 50 non-finite values written as 0', 'EEG/Cz: 1 non-finite values written as 0']);
    const skips = parseEdfAnnotations(parseEdfHeader(bytes, 'n.bdf'), bytes, 'n.bdf').annotations.filter((a) => a.text.startsWith('BAD_ACQ_SKIP'));
    const s7 = (v: number) => Number(v.toFixed(7)); // TALs carry 7 decimals
    assert.deepEqual(skips.map((a) => [s7(a.onset), s7(a.duration), a.text]), [[s7(100 / 256), s7(50 / 256), 'BAD_ACQ_SKIP Fp2'], [s7(700 / 256), s7(1 / 256), 'BAD_ACQ_SKIP Cz']]);
    const back = importEdf(bytes, 'n.bdf').streams.find((st) => st.channels.some((c) => c.label === 'Fp2'))!;
    const [bg] = back.segments;
    assert.equal(bg.count, g.count);
    for (let c = 0; c < 3; c++)
      for (let i = 0; i < g.count; i++) {
        const want = g.data[c * g.count + i];
        const got = bg.data[c * bg.count + i];
        if (Number.isNaN(want) !== Number.isNaN(got) || (!Number.isNaN(want) && Math.abs(got - want) > 1e-3)) assert.fail(`channel ${c} sample ${i}: ${got} vs ${want}`);
      }
  });

  test('a non-finite sample inside a record with data is written like a missing one (the zero code, clamped into range), not clipped', () => {
    const count = 256;
    // 100..200 uV: physical 0 lies outside the range, so the zero code is the digital minimum.
    const data = Float32Array.from({ length: count }, (_, i) => 150 + 50 * Math.sin(i / 7));
    data[10] = NaN;
    data[11] = Infinity;
    const rec: ImportedRecording = {
      fileName: 'n',
      format: 'csv',
      startTime: null,
      subject: {},
      info: {},
      streams: [{ name: 'EEG', modality: 'eeg', rateHz: 256, channels: [{ label: 'C3', unit: 'uV', resolution: 0, offset: 0, kind: 'eeg' }], segments: [{ start: 0, count, data }] }],
      annotations: [],
      warnings: [],
    };
    for (const format of ['edf', 'bdf'] as const) {
      const w = writeEdf(rec, { format });
      assert.deepEqual(w.warnings, ['EEG/C3: 2 non-finite values written as 0'], format);
      const h = parseEdfHeader(w.bytes, `n.${format}`);
      const d = digitalByLabel(h, w.bytes).get('C3')!;
      assert.deepEqual([d[10], d[11]], [h.signals[0].digitalMin, h.signals[0].digitalMin], format);
    }
  });

  test('edfPieces: the header, then runs of records of about stepValues values, pauses in between; together the same bytes and warnings as at once', () => {
    // A gap of zero-filled records (or none, EDF+D) and a NaN run: every path of the record loop.
    const rec = synthetic({ gapS: 3 });
    rec.streams[0].segments[0].data.fill(NaN, 40, 60);
    for (const [format, discontinuous] of [['edf', false], ['bdf', false], ['edf', true]] as const) {
      const whole = writeEdf(rec, { format, discontinuous, recordDurationS: 0.5 });
      const h = parseEdfHeader(whole.bytes, 'w');
      const perRecord = h.signals.reduce((n, x) => n + x.samplesPerRecord, 0);
      const steps = edfPieces(rec, { format, discontinuous, recordDurationS: 0.5, stepValues: 3 * perRecord });
      const pieces: Uint8Array[] = [];
      let pauses = 0;
      let r = steps.next();
      for (; !r.done; r = steps.next()) {
        if (r.value) pieces.push(r.value);
        else pauses++;
      }
      assert.equal(pieces[0].length, h.headerBytes, 'the header first');
      assert.deepEqual(pieces.slice(1).map((p) => p.length / h.recordBytes), [...Array(Math.floor(h.recordCount / 3)).fill(3), ...(h.recordCount % 3 ? [h.recordCount % 3] : [])], 'then three records a piece');
      assert.ok(pauses >= 2, 'the scans of the data pause too');
      assert.equal(r.value.size, whole.bytes.length, `${format}${discontinuous ? '+D' : ''}: the stepped export is as long as the whole one`);
      assert.deepEqual(r.value.warnings, whole.warnings, `${format}${discontinuous ? '+D' : ''}: the stepped export's warnings are the whole one's`);
      assert.ok(whole.warnings.some((w) => /non-finite/.test(w)), `a warning names the non-finite values: ${JSON.stringify(whole.warnings)}`);
      assert.deepEqual(Buffer.concat(pieces), Buffer.from(whole.bytes), `${format}${discontinuous ? '+D' : ''}: the same bytes`);
    }
  });

  test('an EDF read and written again keeps every sample exactly (same scale)', { skip: NEED_DATA }, () => {
    const rec = importEdf(readData('edf-eegmat/Subject01_2.edf'), 'Subject01_2.edf');
    const again = importEdf(writeEdf(rec, { format: 'edf' }).bytes, 'again.edf');
    rec.streams.forEach((s, k) => {
      const a = s.segments[0].data;
      const b = again.streams[k].segments[0].data;
      s.channels.forEach((ch, c) => {
        for (let i = 0; i < s.segments[0].count; i += 7) {
          const n = s.segments[0].count;
          assert.ok(Math.round((b[c * n + i] - ch.offset) / ch.resolution) === Math.round((a[c * n + i] - ch.offset) / ch.resolution), `${ch.label}[${i}]`);
        }
      });
    });
  });
});

describe('what we write opens in MNE-Python', { skip: NEED_DATA || mneMissing() }, () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hm-edfw-'));
  const cases: { name: string; rec: ImportedRecording; format: 'edf' | 'bdf' }[] = [];
  if (!NEED_DATA && !mneMissing()) {
    const eegmat = importEdf(readData('edf-eegmat/Subject00_2.edf'), 'Subject00_2.edf');
    eegmat.annotations.push({ onset: 10.5, duration: 2, label: 'arithmetic', source: 'marker' }, { onset: 30.004, duration: 0, label: 'SAM: valence 7', source: 'sam' });
    cases.push({ name: 'eegmat.edf', rec: eegmat, format: 'edf' });
    cases.push({ name: 'eegmmidb.edf', rec: importEdf(readData('edf-eegmmidb/S001R04.edf'), 'S001R04.edf'), format: 'edf' });
    const ludb = importWfdb(readdirSync(dataPath('wfdb-ludb')).map((name) => ({ name, bytes: readData(`wfdb-ludb/${name}`) })));
    cases.push({ name: 'ludb.bdf', rec: ludb, format: 'bdf' });
  }
  const written = cases.map((c) => {
    const { bytes } = writeEdf(c.rec, { format: c.format });
    const file = path.join(dir, c.name);
    writeFileSync(file, bytes);
    return { ...c, bytes, file };
  });
  // One stream (MNE reads one rate) whose end leaves a quarter of the last record empty.
  const padded = synthetic();
  padded.streams.pop();
  keep(padded.streams[0], [[0, 3.25]]);
  const paddedFile = path.join(dir, 'padded.edf');
  const paddedBytes = writeEdf(padded, { format: 'edf' }).bytes;
  writeFileSync(paddedFile, paddedBytes);
  // One stream with a 6.5-s gap (six whole records empty, the next one half) and markers after it.
  const gapped = synthetic({ gapS: 6.5 });
  gapped.streams.pop();
  gapped.annotations.push({ onset: 12, duration: 1, label: 'after the gap', source: 'marker' });
  const gappedFile = path.join(dir, 'gapped.edf');
  const gappedBytes = writeEdf(gapped, { format: 'edf' }).bytes;
  writeFileSync(gappedFile, gappedBytes);
  // Markers sent in milliseconds (QA: MNE failed with "OverflowError: date value out of range").
  const far = synthetic();
  far.streams.pop();
  far.annotations.push({ onset: (1_700_000_002 * 1000) - 1_700_000_000, duration: 0, label: 'ms', source: 'udp' }, { onset: 1, duration: 1e308, label: 'forever', source: 'api' });
  const farFile = path.join(dir, 'far.edf');
  writeFileSync(farFile, writeEdf(far, { format: 'edf' }).bytes);
  // What users type and devices name (QA): a self-report note of two lines, OpenBCI's long channel
  // names, a unit outside ASCII.
  const odd = synthetic();
  odd.streams.pop();
  odd.annotations.push({ onset: 2, duration: 0, label: 'SAM valence=7 arousal=3 dominance=5: calm\nthen a noise\r\noutside', source: 'self-report' });
  {
    const st = odd.streams[0];
    const g = st.segments[0];
    const digital = ['Digital Channel 0 (D11)', 'Digital Channel 1 (D12)', 'Digital Channel 2 (D13)'];
    const data = new Float32Array(g.count * (st.channels.length + digital.length));
    data.set(g.data);
    for (let i = 0; i < digital.length * g.count; i++) data[g.data.length + i] = i % 3 === 0 ? 1 : 0;
    st.channels.push(...digital.map((label) => ({ label, unit: '', resolution: 0, offset: 0, kind: 'misc' as const })));
    st.segments[0] = { ...g, data };
  }
  const oddWrite = writeEdf(odd, { format: 'edf' });
  const oddFile = path.join(dir, 'odd.edf');
  writeFileSync(oddFile, oddWrite.bytes);
  const mne = written.length ? readWithMne([...written.map((w) => w.file), paddedFile, gappedFile, farFile, oddFile]) : [];

  test('odd.edf: a marker text of several lines reaches MNE on one line (MNE dropped the whole annotation), with a warning', () => {
    const view = mne[written.length + 3];
    assert.deepEqual(
      view.annotations.map(([o, , t]) => [o, t]),
      [[0.5, 'start'], [1.25, 'stimulus: ünïcode ♥'], [2, 'SAM valence=7 arousal=3 dominance=5: calm then a noise outside'], [3.999, 'end, with "quotes"']],
    );
    assert.ok(oddWrite.warnings.some((w) => w.startsWith('1 annotation text(s) of several lines written on one line')), oddWrite.warnings.join('; '));
  });

  test('odd.edf: labels longer than 16 characters stay distinct in MNE and in our reader (OpenBCI\'s five "Digital Channel N (Dnn)" were all cut to "Digital Channel ")', () => {
    const view = mne[written.length + 3];
    const expected = ['Fp1', 'Fp2', 'Cz', 'Digital~ 0 (D11)', 'Digital~ 1 (D12)', 'Digital~ 2 (D13)'];
    assert.deepEqual(view.chNames, expected);
    assert.deepEqual(importEdf(oddWrite.bytes, 'odd.edf').streams.flatMap((st) => st.channels.map((c) => c.label)), expected);
    assert.ok(oddWrite.warnings.includes('label "Digital Channel 0 (D11)" written as "Digital~ 0 (D11)" (EDF labels hold 16 characters)'), oddWrite.warnings.join('; '));
    for (let i = 0; i < 3 * view.nTimes; i++) if (view.data[3 * view.nTimes + i] !== (i % 3 === 0 ? 1 : 0)) assert.fail(`digital sample ${i}: ${view.data[3 * view.nTimes + i]}`);
  });
  rmSync(dir, { recursive: true, force: true });

  test('gapped.edf (a gap of several records): MNE reads every sample at its true time, zeros in the gap under BAD_ACQ_SKIP, every marker; our import gives back exactly the samples', () => {
    const view = mne[written.length + 1];
    assert.equal(view.sfreq, 256);
    assert.equal(view.nTimes, 15 * 256, '0–4 s, gap to 10.5 s, 10.5–14.5 s, in 1-s records');
    const gain = parseEdfHeader(gappedBytes, 'gapped.edf').signals[0].gain;
    const [before, after] = gapped.streams[0].segments;
    const ch = gapped.streams[0].channels;
    ch.forEach((c, k) => {
      for (let i = 0; i < view.nTimes; i++) {
        const theirs = view.data[k * view.nTimes + i] * 1e6;
        const t = i / 256;
        const g = t < 4 ? before : t >= 10.5 && t < 14.5 ? after : null;
        const ours = g ? g.data[k * g.count + Math.round((t - g.start) * 256)] : 0;
        if (Math.abs(theirs - ours) > gain / 2 + 1e-6 * Math.abs(ours)) assert.fail(`${c.label} at ${t} s: MNE ${theirs}, ours ${g ? ours : 'padding'}`);
      }
    });
    const sorted = (a: [number, number, string][]) => a.map(([o, d, l]) => [o.toFixed(6), d.toFixed(6), l]).sort((x, y) => Number(x[0]) - Number(y[0]) || x[2].localeCompare(y[2]));
    assert.deepEqual(
      sorted(view.annotations),
      sorted([...gapped.annotations.map((a) => [a.onset, a.duration, a.label] as [number, number, string]), [4, 6.5, 'BAD_ACQ_SKIP'], [14.5, 0.5, 'BAD_ACQ_SKIP']]),
    );
    const back = importEdf(gappedBytes, 'gapped.edf');
    assert.deepEqual(back.streams[0].segments.map((g) => [g.start, g.count]), [[0, 1024], [10.5, 1024]]);
    assertClose(gappedBytes, gapped, back);
    assert.deepEqual(back.annotations.map((a) => a.label), gapped.annotations.map((a) => a.label));
  });

  test('far.edf (markers millennia away, left out by the writer): MNE opens it and sees the other markers', () => {
    const view = mne[written.length + 2];
    assert.deepEqual(view.annotations.map(([o, d, t]) => [o, d, t]), synthetic().annotations.map((a) => [a.onset, a.duration, a.label]));
  });

  test('padded.edf: MNE sees the BAD_ACQ_SKIP span over the padding, zeros in it, and our samples before it', () => {
    const view = mne[written.length];
    assert.equal(view.nTimes, 1024);
    assert.deepEqual(
      view.annotations.filter(([, , t]) => t === 'BAD_ACQ_SKIP').map(([o, d]) => [o, d]),
      [[3.25, 0.75]],
    );
    const gain = parseEdfHeader(paddedBytes, 'padded.edf').signals[0].gain;
    const ours = padded.streams[0].segments[0].data;
    for (let i = 0; i < 1024; i++) {
      const theirs = view.data[i] * 1e6;
      if (i >= 832 ? Math.abs(theirs) > gain / 2 : Math.abs(theirs - ours[i]) > gain / 2 + 1e-6) assert.fail(`Fp1[${i}]: MNE ${theirs}, ours ${i < 832 ? ours[i] : 'padding'}`);
    }
  });

  written.forEach((w, k) => {
    test(`${w.name}: MNE sees our channels, rate, start, data (within a count) and annotations`, () => {
      const ref = mne[k];
      const h = parseEdfHeader(w.bytes, w.name);
      const chans = w.rec.streams.flatMap((s) => s.channels.map((ch, c) => ({ ch, c, s })));
      assert.deepEqual(ref.chNames, chans.map((x) => x.ch.label));
      assert.equal(ref.sfreq, w.rec.streams[0].rateHz);
      if (w.rec.startTime !== null) assert.equal(ref.measDate, Math.floor(w.rec.startTime));
      for (const [j, { ch, c, s }] of chans.entries()) {
        const g = s.segments[0];
        const gain = h.signals[j].gain;
        const si = ch.unit === 'uV' ? 1e-6 : 1;
        for (let i = 0; i < g.count; i++) {
          const theirs = ref.data[j * ref.nTimes + i] / si;
          const ours = g.data[c * g.count + i];
          if (Math.abs(theirs - ours) > gain / 2 + 1e-6 * Math.abs(ours)) assert.fail(`${ch.label}[${i}]: MNE ${theirs}, ours ${ours}, gain ${gain}`);
        }
      }
      // MNE orders annotations by onset, then duration; compare in that order
      const ours = [...w.rec.annotations].sort((a, b) => a.onset - b.onset || a.duration - b.duration || a.label.localeCompare(b.label));
      const theirs = [...ref.annotations].sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2].localeCompare(b[2]));
      assert.equal(theirs.length, ours.length);
      theirs.forEach(([onset, duration, text], i) => {
        assert.ok(Math.abs(onset - ours[i].onset) < 1e-6, `onset ${onset} vs ${ours[i].onset}`);
        assert.ok(Math.abs(duration - ours[i].duration) < 1e-6, `annotation ${i} lasts ${duration} s, ours ${ours[i].duration}`);
        assert.equal(text, ours[i].label, `annotation ${i}'s text at ${onset} s`);
      });
    });
  });
});

test('a BDF Status line written to 16-bit EDF is its trigger codes: MNE reads the codes the BDF holds, and our import its markers once (it was 1835008.00002 …, every step back to idle a marker)', { skip: NEED_DATA || mneMissing() }, (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hm-edfw-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const source = dataPath('edf-mne/test_bdf_stim_channel.bdf');
  const rec = importEdf(readData('edf-mne/test_bdf_stim_channel.bdf'), 'source.bdf');
  const { bytes, warnings } = writeEdf(rec, { format: 'edf' });
  assert.deepEqual(warnings, ["Other/Status: written as its trigger codes (bits 0-15): EDF's 16 bits do not hold the status bits 16-23 (a BDF export keeps them)"], 'says what was left out');
  const out = path.join(dir, 'status.edf');
  writeFileSync(out, bytes);
  const [a, b] = readWithMne([source, out]);
  const status = (v: typeof a) => {
    const k = v.chNames.indexOf('Status');
    return [...v.data.subarray(k * v.nTimes, (k + 1) * v.nTimes)];
  };
  assert.deepEqual(status(b), status(a), 'MNE reads the same codes, sample for sample');
  assert.deepEqual([...new Set(status(b))].sort(), [0, 1, 2, 4], 'whole codes');
  const back = importEdf(bytes, 'status.edf');
  assert.deepEqual(back.annotations.map((x) => [x.onset, x.label]), rec.annotations.map((x) => [x.onset, x.label]), 'the nine trigger markers, once');
  // The other channels are as before, and a BDF export keeps all 24 bits (the test above).
  assert.deepEqual(b.chNames, a.chNames, 'the same channels');
});
