import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { importEdf, parseEdf, parseEdfHeader, writeEdf } from '../../../../src/shared/formats/edf';
import type { ImportedRecording } from '../../../../src/shared/formats/recording.types';
import { mneMissing, readWithMne } from '../mne-reference';
import { dataPath, NEED_DATA, readData } from '../../../fixtures/shared-data';
import { throwsFormat } from '../throws-format';

/** Every channel of a contiguous recording, in file order: label, SI scale, resolution and data. */
function flatChannels(r: ImportedRecording) {
  const out: { label: string; si: number; res: number; offset: number; data: Float32Array | Float64Array }[] = [];
  for (const s of r.streams) {
    assert.equal(s.segments.length, 1, `stream ${s.name}: one contiguous segment`);
    const seg = s.segments[0];
    s.channels.forEach((c, k) => {
      const si = c.unit === 'uV' ? 1e-6 : c.unit === 'mV' ? 1e-3 : 1;
      out.push({ label: c.label, si, res: c.resolution, offset: c.offset, data: seg.data.subarray(k * seg.count, (k + 1) * seg.count) });
    });
  }
  return out;
}

describe('parseEdfHeader', () => {
  test('EEGMAT Subject00_1: EDF+C, 21 signals + annotations, 182 records of 1 s', { skip: NEED_DATA }, () => {
    const h = parseEdfHeader(readData('edf-eegmat/Subject00_1.edf'), 'Subject00_1.edf');
    assert.deepEqual([h.variant, h.plus, h.recordCount, h.recordDurationS, h.signals.length, h.headerBytes], ['edf', 'C', 182, 1, 22, 5888]);
    const fp1 = h.signals[0];
    assert.deepEqual([fp1.label, fp1.physicalDimension, fp1.physicalMin, fp1.physicalMax, fp1.digitalMin, fp1.digitalMax, fp1.samplesPerRecord, fp1.rateHz], ['EEG Fp1', 'uV', -45.1698, 59.35658, -32768, 32767, 500, 500]);
    assert.equal(fp1.prefiltering, 'HP:0.500000Hz LP:45.000000Hz RF:50Hz');
    assert.equal(h.signals[20].label, 'ECG ECG');
    assert.equal(h.signals[20].physicalDimension, 'mV');
    assert.equal(h.signals[21].isAnnotation, true);
    assert.deepEqual(h.patient, { code: '0', sex: 'M', birthdate: '01-JAN-1990', name: 'Subject0' });
    assert.equal(h.recording.equipment, 'NeuroCom Professional 3.0.0');
    assert.equal(h.startTime, Date.UTC(2011, 0, 1) / 1000);
    assert.deepEqual(h.warnings, []);
  });

  test('BDF: 24-bit, header from the BIOSEMI signature, 10 records', { skip: NEED_DATA }, () => {
    const h = parseEdfHeader(readData('edf-mne/test_bdf_stim_channel.bdf'), 'x.bdf');
    assert.deepEqual([h.variant, h.bytesPerSample, h.recordCount, h.signals.map((s) => s.label)], ['bdf', 3, 10, ['C3', 'C4', 'Cz', 'Status']]);
    assert.equal(h.startTime, Date.UTC(2015, 2, 19, 8, 4, 1) / 1000);
  });

  test('a fractional record duration gives the exact rate (9.59375 s × 1228 samples = 128 Hz)', { skip: NEED_DATA }, () => {
    const h = parseEdfHeader(readData('edf-mne/test_edf_stim_channel.edf'), 'x.edf');
    assert.equal(h.recordDurationS, 9.59375);
    assert.equal(h.signals[0].rateHz, 128);
    assert.equal(h.plus, null);
  });
});

describe('EDF/BDF against MNE-Python', { skip: NEED_DATA || mneMissing() }, () => {
  const rels = [
    'edf-eegmat/Subject00_1.edf',
    'edf-eegmat/Subject10_2.edf',
    'edf-eegmmidb/S001R04.edf',
    'edf-mne/test_edf_stim_channel.edf',
    'edf-mne/test_bdf_stim_channel.bdf',
  ];
  const mne = NEED_DATA || mneMissing() ? [] : readWithMne(rels.map((rel) => dataPath(rel)));
  rels.forEach((rel, k) => {
    test(`${rel}: same channels, rate, start, every sample within the quantisation, same annotations`, () => {
      const ref = mne[k];
      const r = importEdf(readData(rel), path.basename(rel));
      const chans = flatChannels(r);
      assert.deepEqual(chans.map((c) => c.label).sort(), [...ref.chNames].sort());
      assert.equal(r.streams[0].rateHz, ref.sfreq);
      assert.equal(r.startTime, ref.measDate);
      let worst = 0;
      for (const c of chans) {
        const m = ref.chNames.indexOf(c.label);
        const mneRow = ref.data.subarray(m * ref.nTimes, (m + 1) * ref.nTimes);
        assert.equal(c.data.length, ref.nTimes, c.label);
        for (let i = 0; i < ref.nTimes; i++) {
          // both sides must name the same integer count
          let ours = Math.round((c.data[i] - c.offset) / c.res);
          let theirs = Math.round((mneRow[i] / c.si - c.offset) / c.res);
          // MNE keeps bits 0-16 of a BDF Status line; we keep all 24 (the system bits too)
          if (c.label === 'Status') [ours, theirs] = [ours & (2 ** 17 - 1), theirs];
          if (ours !== theirs) assert.fail(`${c.label}[${i}]: ours ${c.data[i]} vs MNE ${mneRow[i] / c.si}`);
          if (c.label !== 'Status') worst = Math.max(worst, Math.abs(c.data[i] - mneRow[i] / c.si) / c.res);
        }
      }
      assert.ok(worst < 0.01, `worst difference ${worst} counts`);
      const ours = r.annotations.filter((a) => a.source === 'edf+').map((a) => [a.onset, a.duration, a.label]);
      assert.deepEqual(ours, ref.annotations);
    });
  });
});

describe('importEdf', () => {
  test('EEGMAT: all 24 files give an EEG stream (20 ch, µV) and an ECG stream (µV from mV), durations as listed', { skip: NEED_DATA }, () => {
    const durations: Record<string, number> = { Subject04_1: 170, Subject10_1: 188 };
    for (let s = 0; s < 12; s++) {
      for (const part of [1, 2]) {
        const name = `Subject${String(s).padStart(2, '0')}_${part}`;
        const r = importEdf(readData(`edf-eegmat/${name}.edf`), `${name}.edf`);
        const expect = durations[name] ?? (part === 1 ? 182 : 62);
        assert.deepEqual(r.streams.map((x) => [x.name, x.modality, x.rateHz, x.channels.length, x.segments[0].count]), [
          ['EEG', 'eeg', 500, 20, expect * 500],
          ['ECG', 'ecg', 500, 1, expect * 500],
        ], name);
        const ecg = r.streams[1].channels[0];
        assert.deepEqual([ecg.label, ecg.unit, ecg.fileUnit, ecg.kind], ['ECG ECG', 'uV', 'mV', 'ecg'], `${name}: ECG label, unit, file unit, kind`);
        assert.ok(Math.abs(ecg.resolution - (ecg.physicalRange![1] - ecg.physicalRange![0]) / 65535) < 1e-12, `ECG resolution ${ecg.resolution}, expected the physical range / 65535`);
        if (name === 'Subject00_1') assert.deepEqual(ecg.physicalRange!.map((v) => Math.round(v * 1e6) / 1e6), [-205.03, 654.943]);
        const fp1 = r.streams[0].channels[0];
        assert.equal(fp1.position, 'Fp1', `${name}: the first EEG channel's position`);
        if (name === 'Subject00_1') assert.equal(fp1.prefilter, 'HP:0.500000Hz LP:45.000000Hz RF:50Hz');
        assert.equal(r.streams[0].channels[19].label, 'EEG A2-A1', `${name}: the 20th EEG channel`);
        // the [Total time] note exists only in Subject00 and Subject01 (SOURCES.md)
        assert.equal(r.annotations.length, s <= 1 ? 1 : 0, name);
      }
    }
  });

  test('eegmmidb S001R04: 64 EEG at 160 Hz, 30 annotations T0/T1/T2 with durations', { skip: NEED_DATA }, () => {
    const r = importEdf(readData('edf-eegmmidb/S001R04.edf'), 'S001R04.edf');
    assert.equal(r.format, 'edf+c');
    assert.deepEqual(r.streams.map((s) => [s.modality, s.rateHz, s.channels.length, s.segments[0].count]), [['eeg', 160, 64, 20000]]);
    assert.equal(r.streams[0].channels[0].position, 'FC5');
    assert.equal(r.streams[0].channels[63].position, 'Iz');
    assert.equal(r.annotations.length, 30);
    const counts = Object.fromEntries(['T0', 'T1', 'T2'].map((t) => [t, r.annotations.filter((a) => a.label === t).length]));
    assert.deepEqual(counts, { T0: 15, T1: 8, T2: 7 });
    assert.deepEqual(r.annotations.slice(0, 2).map((a) => [a.onset, a.duration, a.label]), [[0, 4.2, 'T0'], [4.2, 4.1, 'T2']]);
    assert.ok(r.annotations.every((a) => a.duration > 4 && a.duration < 4.3), 'every annotation lasts between 4 and 4.3 s');
  });

  test('BDF stim: Status kept as integers, trigger steps become markers (low 16 bits)', { skip: NEED_DATA }, () => {
    const r = importEdf(readData('edf-mne/test_bdf_stim_channel.bdf'), 'x.bdf');
    const other = r.streams.find((s) => s.modality === 'other')!;
    assert.deepEqual([other.channels[0].label, other.channels[0].kind, other.channels[0].unit, other.channels[0].resolution], ['Status', 'stim', '', 1]);
    assert.ok(other.segments[0].data instanceof Float64Array, 'the other signal reads as Float64Array');
    const triggers = r.annotations.filter((a) => a.source === 'stim:Status');
    assert.ok(triggers.length > 0, 'there are triggers');
    assert.deepEqual(triggers.slice(0, 3).map((a) => [a.onset, a.label]), [[0.484, '4'], [0.62, '2'], [1.904, '1']]);
  });

  test('a trigger step the file also lists as an annotation is one marker: our own export of a trigger line imports back with its markers once (each was twice)', { skip: NEED_DATA }, () => {
    const key = (r: ImportedRecording) => r.annotations.map((a) => `${a.onset.toFixed(6)} ${a.label} ${a.duration}`);
    for (const [file, format, steps] of [
      ['edf-mne/test_bdf_stim_channel.bdf', 'bdf', 9],
      ['edf-mne/test_edf_stim_channel.edf', 'edf', 12],
    ] as const) {
      const first = importEdf(readData(file), 'first');
      assert.equal(first.annotations.length, steps, `${file}: one marker per trigger step`);
      // The export writes each marker as an annotation and keeps the trigger line.
      const again = importEdf(writeEdf(first, { format }).bytes, `again.${format}`);
      assert.deepEqual(key(again), key(first), `${file}: the same markers after an export and an import`);
      const third = importEdf(writeEdf(again, { format }).bytes, `third.${format}`);
      assert.deepEqual(key(third), key(first), `${file}: and after another`);
    }
    // A step the annotations do not list (another code, or another sample) is still a marker of its own.
    const first = importEdf(readData('edf-mne/test_bdf_stim_channel.bdf'), 'first');
    const moved = { ...first, annotations: first.annotations.map((a, i) => (i === 0 ? { ...a, label: '99' } : i === 1 ? { ...a, onset: a.onset + 0.01 } : a)) };
    const back = importEdf(writeEdf(moved, { format: 'bdf' }).bytes, 'moved.bdf');
    assert.equal(back.annotations.length, 9 + 2, 'the relabelled and the moved annotation, and the two steps they no longer match');
  });

  test('EDF+D: records with gaps become separate segments at their TAL start times', () => {
    // Hand-built EDF+D: 1 signal at 4 Hz, records of 1 s starting at 0, 1, 5 s.
    const bytes = buildEdf({ plus: 'D', starts: [0, 1, 5], samples: 4 });
    const r = importEdf(bytes, 'gaps.edf');
    assert.equal(r.format, 'edf+d');
    assert.deepEqual(r.streams[0].segments.map((s) => [s.start, s.count]), [[0, 8], [5, 4]]);
    assert.deepEqual([...r.streams[0].segments[1].data], [8, 9, 10, 11]);
    assert.deepEqual(r.annotations.map((a) => [a.onset, a.label]), [[5.5, 'late']]);
  });

  test('an annotation text in Latin-1 (older EDF+ writers) reads as such, not as U+FFFD; UTF-8 stays UTF-8', () => {
    const bytes = buildEdf({ plus: 'D', starts: [0, 1, 5], samples: 4 });
    const at = Buffer.from(bytes).indexOf('late');
    bytes.set([0x73, 0x70, 0xe4, 0x74], at); // 'spät', ä as the one byte 0xe4
    assert.deepEqual(importEdf(bytes, 'latin.edf').annotations.map((a) => a.label), ['spät']);
    bytes.set([0x73, 0xc3, 0xa4, 0x74], at); // 'sät' in UTF-8
    assert.deepEqual(importEdf(bytes, 'utf8.edf').annotations.map((a) => a.label), ['sät']);
  });

  test('parseEdf gives digital values too', { skip: NEED_DATA }, () => {
    const f = parseEdf(readData('edf-mne/test_bdf_stim_channel.bdf'), 'x.bdf', { digital: true });
    const c3 = f.signals[0];
    assert.equal(c3.digital!.length, 5000);
    for (let i = 0; i < 100; i++) assert.ok(Math.abs(c3.physical[i] - (c3.digital![i] * c3.header.gain + c3.header.offset)) < 1e-9, `C3 sample ${i}: physical ${c3.physical[i]} = digital × gain + offset`);
  });
});

/** A small EDF(+) file: one signal 'X' (raw counts 0,1,2,… gain 1), an annotation signal. */
function buildEdf(opts: { plus?: 'C' | 'D'; starts: number[]; samples: number; notes?: boolean }): Uint8Array {
  const ns = 2;
  const annBytes = 60;
  const pad = (s: string, w: number) => s.padEnd(w, ' ').slice(0, w);
  let h = pad('0', 8) + pad('X X X X', 80) + pad('Startdate 01-JAN-2020 X X X', 80) + '01.01.2012.00.00' + pad(String(256 * (ns + 1)), 8);
  h += pad(opts.plus ? `EDF+${opts.plus}` : '', 44) + pad(String(opts.starts.length), 8) + pad('1', 8) + pad(String(ns), 4);
  const cols: [string, string][] = [['X', 'EDF Annotations'], ['', ''], ['uV', ''], ['-32768', '-1'], ['32767', '1'], ['-32768', '-32768'], ['32767', '32767'], ['', ''], [String(opts.samples), String(annBytes / 2)], ['', '']];
  const widths = [16, 80, 8, 8, 8, 8, 8, 80, 8, 32];
  cols.forEach(([a, b], i) => (h += pad(a, widths[i]) + pad(b, widths[i])));
  const rec = opts.samples * 2 + annBytes;
  const out = new Uint8Array(h.length + rec * opts.starts.length);
  for (let i = 0; i < h.length; i++) out[i] = h.charCodeAt(i);
  let v = 0;
  opts.starts.forEach((t, r) => {
    let p = h.length + r * rec;
    for (let j = 0; j < opts.samples; j++, v++, p += 2) {
      out[p] = v & 0xff;
      out[p + 1] = (v >> 8) & 0xff;
    }
    let tal = `+${t}\x14\x14\x00`;
    if (r === 2) tal += `+${t + 0.5}\x14late\x14\x00`;
    for (let i = 0; i < tal.length; i++) out[p + i] = tal.charCodeAt(i);
  });
  return out;
}

describe('bad EDF input', () => {
  test('a file cut short: its complete records are read, with a warning; the count never rounds a partial record up', () => {
    const edf = buildEdf({ starts: [0, 1, 2], samples: 1000 }); // 3 records of 2060 bytes after a 768-byte header
    assert.equal(edf.length, 768 + 3 * 2060);
    const whole = importEdf(edf, 'c.edf');
    const partial = importEdf(edf.subarray(0, 768 + 2 * 2060 + 2055), 'c.edf');
    assert.deepEqual(partial.warnings, [
      'cut short (was the recording interrupted?): the header says 3 data records (3 s) but the file holds 2 complete and 1 partial one (2055 of 2060 bytes): imported the 2 data records (2 s), the partial one left out',
    ]);
    assert.deepEqual([...partial.streams[0].segments[0].data], [...whole.streams[0].segments[0].data.subarray(0, 2000)]);
    const atBoundary = importEdf(edf.subarray(0, 768 + 2 * 2060), 'c.edf');
    assert.deepEqual(atBoundary.warnings, ['cut short (was the recording interrupted?): the header says 3 data records (3 s) but the file holds 2 complete: imported the 2 data records (2 s)']);
    assert.equal(atBoundary.streams[0].segments[0].count, 2000);
    throwsFormat(() => importEdf(edf.subarray(0, 768 + 12), 'c.edf'), 'truncated', 'c.edf', /: header says 3 data records of 2060 bytes but the file holds 0\.00 \(the last one cut short: 12 of 2060 bytes\): not one complete record$/);
  });

  test('test_edf_stim_channel.edf cut at 68055 bytes: 0.99 of its 1 record, so nothing to read', { skip: NEED_DATA }, () => {
    const cut = readData('edf-mne/test_edf_stim_channel.edf').subarray(0, 68055);
    throwsFormat(() => importEdf(cut, 's.edf'), 'truncated', 's.edf', /: header says 1 data record of 61400 bytes but the file holds 0\.99 \(the last one cut short: 61399 of 61400 bytes\): not one complete record$/);
  });

  test('lying, truncated and malformed files give one FormatError naming the file', { skip: NEED_DATA }, () => {
    const good = readData('edf-eegmmidb/S001R04.edf');
    throwsFormat(() => importEdf(new Uint8Array(0), 'e.edf'), 'empty', 'e.edf');
    throwsFormat(() => importEdf(good.subarray(0, 100), 't.edf'), 'truncated', 't.edf', /256/);
    assert.match(importEdf(good.subarray(0, good.length - 1000), 't.edf').warnings.join(), /^cut short .*: the header says 125 data records \(125 s\) but the file holds 124 complete and 1 partial one/);
    const junk = good.slice(0, 20000);
    junk.set([0x41, 0x42], 0);
    throwsFormat(() => importEdf(junk, 'j.edf'), 'not-this-format', 'j.edf');
    const badNs = good.slice(0, 100_000);
    badNs.set([0x39, 0x39, 0x39, 0x39], 252); // 9999 signals
    throwsFormat(() => importEdf(badNs, 'n.edf'), 'truncated', 'n.edf', /9999 signals/);
    badNs.set([0x30, 0x20, 0x20, 0x20], 252); // 0 signals (was: 'bad number of signals "0"')
    throwsFormat(() => importEdf(badNs, 'z.edf'), 'bad-number', 'z.edf', /: the header says the file holds 0 signals: there is nothing to import$/);
    const badNum = good.slice();
    badNum.set([...'abc     '].map((c) => c.charCodeAt(0)), 256 + 65 * (16 + 80 + 8)); // first physical minimum
    throwsFormat(() => importEdf(badNum, 'p.edf'), 'bad-number', 'p.edf', /physical minimum/);
  });

  test('a damaged EDF+ annotation list costs the annotations after the damage in its record, with a warning, not the file', { skip: NEED_DATA }, () => {
    const good = readData('edf-eegmmidb/S001R04.edf');
    const whole = importEdf(good, 'S001R04.edf');
    const h = parseEdfHeader(good, 'x');
    const tal = (r: number) => h.headerBytes + r * h.recordBytes + h.signalOffsets[64];
    const bad = good.slice();
    // Record 5's list is '+4\x14\x14\x00+4.2\x154.1\x14T2\x14\x00': its duration made unreadable ('4A1').
    const at = Buffer.from(bad.subarray(tal(4), tal(4) + 40)).indexOf('\x154.1');
    assert.ok(at > 0, "record 5's annotation list holds '\\x154.1'");
    bad[tal(4) + at + 2] = 0x41;
    bad[tal(8)] = 0x41; // record 9's time-keeping TAL ('+8\x14\x14\x00+8.3…T0') no longer starts with '+'
    const r = importEdf(bad, 'a.edf');
    assert.deepEqual(r.warnings, [
      `EDF+ annotations in data record 5 (byte ${tal(4) + at + 1}): bad duration; the rest of that record's annotations are skipped`,
      `EDF+ annotations in data record 9 (byte ${tal(8)}): a TAL must start with + or -; the rest of that record's annotations are skipped`,
    ]);
    const lost = whole.annotations.filter((a) => !r.annotations.some((b) => b.onset === a.onset));
    assert.deepEqual(lost.map((a) => [a.onset, a.label]), [[4.2, 'T2'], [8.3, 'T0']]);
    assert.equal(r.annotations.length, 28);
    assert.deepEqual(r.streams[0].segments[0].data, whole.streams[0].segments[0].data);
  });

  test('EDF+D: a damaged annotation after the time-keeping TAL is a warning; a damaged time-keeping TAL is refused (the record\'s time is unknown)', () => {
    const bytes = buildEdf({ plus: 'D', starts: [0, 1, 5], samples: 4 });
    const late = Buffer.from(bytes).indexOf('+5.5\x14late');
    bytes[late + 2] = 0x2c; // '+5,5'
    const r = importEdf(bytes, 'd.edf');
    assert.deepEqual(r.streams[0].segments.map((g) => [g.start, g.count]), [[0, 8], [5, 4]]);
    assert.deepEqual(r.annotations, []);
    assert.deepEqual(r.warnings, [`EDF+ annotations in data record 3 (byte ${late}): bad onset "+5,5"; the rest of that record's annotations are skipped`]);
    const keeping = Buffer.from(bytes).indexOf('+1\x14\x14');
    bytes[keeping + 1] = 0x78; // '+x'
    throwsFormat(() => importEdf(bytes, 'd.edf'), 'bad-data', 'd.edf', /^d\.edf: EDF\+ annotations in data record 2 \(byte \d+\): bad onset "\+x"$/);
  });

  test('EDF+C with damaged annotations in many records: five named, the rest counted; every sample kept', () => {
    const starts = Array.from({ length: 20 }, (_, i) => i);
    const bytes = buildEdf({ plus: 'C', starts, samples: 4 });
    const whole = importEdf(bytes, 'c.edf');
    for (const t of starts.slice(1, 9)) bytes[Buffer.from(bytes).indexOf(`+${t}\x14\x14`)] = 0x3f; // '?' for '+'
    const r = importEdf(bytes, 'c.edf');
    assert.equal(r.warnings.length, 6);
    assert.match(r.warnings[4], /^EDF\+ annotations in data record 6 \(byte \d+\): a TAL must start with \+ or -; /);
    assert.equal(r.warnings[5], 'EDF+ annotations damaged in 3 more data records; each record\'s annotations after the damage are skipped');
    assert.deepEqual(r.streams, whole.streams);
  });

  test('a damaged samples-per-record field (records no longer line up) is a corrupt header, not damaged annotations: refused', { skip: NEED_DATA }, () => {
    const bad = readData('edf-eegmmidb/S001R04.edf').slice();
    bad.set([...'170     '].map((c) => c.charCodeAt(0)), 256 + 65 * 216); // signal 1: 170 samples per record, not 160
    throwsFormat(
      () => importEdf(bad, 'spr.edf'),
      'bad-header',
      'spr.edf',
      /^spr\.edf: the data records do not line up with the header: the time-keeping annotation every EDF\+ record starts with cannot be read in \d+ of 124 records \(first: EDF\+ annotations in data record \d+ \(byte \d+\): .*\); is a samples-per-record or signal-count field damaged\?$/,
    );
  });

  test('an EDF+D whose records overlap is refused', () => {
    throwsFormat(() => importEdf(buildEdf({ plus: 'D', starts: [0, 0.5], samples: 4 }), 'o.edf'), 'bad-data', 'o.edf', /before record 1 ends/);
  });

  test('extra bytes and a -1 record count are read with a warning', () => {
    const b = buildEdf({ plus: 'C', starts: [0, 1], samples: 4 });
    const longer = new Uint8Array(b.length + 5);
    longer.set(b);
    assert.match(importEdf(longer, 'x.edf').warnings.join(), /5 bytes after/);
    const unknown = longer.slice();
    unknown.set([...'-1      '].map((c) => c.charCodeAt(0)), 236);
    const r = importEdf(unknown, 'x.edf');
    assert.equal(r.streams[0].segments[0].count, 8);
    assert.match(r.warnings.join(), /incomplete/);
  });

  test('a digital range outside the 16 bits an EDF sample holds is a warning, whichever end is out (a minimum above the maximum was not checked)', () => {
    const b = buildEdf({ plus: 'C', starts: [0, 1], samples: 4 });
    const dig = 256 + 2 * (16 + 80 + 8 + 8 + 8); // the first signal's digital minimum, then its maximum 16 bytes on
    const withRange = (lo: string, hi: string) => {
      const c = b.slice();
      c.set([...lo.padEnd(8)].map((ch) => ch.charCodeAt(0)), dig);
      c.set([...hi.padEnd(8)].map((ch) => ch.charCodeAt(0)), dig + 16);
      return importEdf(c, 'x.edf').warnings.filter((w) => /digital range/.test(w));
    };
    assert.deepEqual(withRange('-32768', '32767'), [], 'the full range is fine');
    assert.deepEqual(withRange('32767', '-32768'), [], 'reversed, inside the 16 bits: a linear map like any other (MNE reads it so)');
    assert.deepEqual(withRange('40000', '-40000'), ['signal 1 ("X"): digital range 40000..-40000 exceeds the 16-bit range']);
    assert.deepEqual(withRange('-40000', '100'), ['signal 1 ("X"): digital range -40000..100 exceeds the 16-bit range']);
  });
});

describe('EDF variants labs write', () => {
  /** A 10-s EDF+C of one EEG channel (Cz, µV) at 100 Hz with two markers, as our writer makes it. */
  function small(): Uint8Array {
    const n = 1000;
    const rec: ImportedRecording = {
      fileName: 'a.hm', format: 'csv', startTime: 1700000000, subject: { code: 'P-01' }, info: {}, warnings: [],
      streams: [{ name: 'EEG', modality: 'eeg', rateHz: 100, channels: [{ label: 'EEG Cz', unit: 'uV', resolution: 0, offset: 0, kind: 'eeg' }], segments: [{ start: 0, count: n, data: Float32Array.from({ length: n }, (_, i) => Math.round(Math.sin(i / 10) * 100)) }] }],
      annotations: [{ onset: 3.5, duration: 0, label: 'stim', source: 'm' }, { onset: 7.25, duration: 1, label: 'two', source: 'm' }],
    };
    return writeEdf(rec, { format: 'edf' }).bytes;
  }
  const put = (b: Uint8Array, at: number, width: number, text: string, enc: 'utf8' | 'latin1') => {
    b.fill(0x20, at, at + width);
    b.set(Buffer.from(text, enc).subarray(0, width), at);
  };

  for (const enc of ['utf8', 'latin1'] as const) {
    test(`non-ASCII in the patient field, a label and a unit, written in ${enc === 'utf8' ? 'UTF-8' : 'Latin-1'}: read as written (it was 'JÃ¶rg', 'ÂµV' for UTF-8)`, () => {
      const b = small();
      const ns = parseEdfHeader(b, 'a.edf').signals.length;
      put(b, 8, 80, 'P-01 M 02-MAR-1970 Jörg_Weiß', enc);
      put(b, 256, 16, 'EEG Cz (Größe)', enc);
      put(b, 256 + ns * (16 + 80), 8, 'µV', enc);
      const r = importEdf(b, 'a.edf');
      assert.deepEqual(r.subject, { code: 'P-01', sex: 'M', birthdate: '02-MAR-1970', name: 'Jörg Weiß' });
      const [ch] = r.streams[0].channels;
      assert.deepEqual([ch.label, ch.unit, ch.fileUnit, ch.kind], ['EEG Cz (Größe)', 'uV', 'µV', 'eeg']);
      assert.equal(r.streams[0].segments[0].count, 1000);
    });
  }

  test('EDF+ whose annotation signal holds TALs only in the records with markers (zeros elsewhere): the markers at their times, no warning', () => {
    const b = small();
    const h = parseEdfHeader(b, 'a.edf');
    const spr = h.signals.map((s) => s.samplesPerRecord);
    const annIdx = h.signals.findIndex((s) => s.label === 'EDF Annotations');
    const recordBytes = spr.reduce((a, x) => a + x, 0) * 2;
    const at = spr.slice(0, annIdx).reduce((a, x) => a + x, 0) * 2;
    for (let k = 0; k < h.recordCount; k++) if (![0, 3, 7].includes(k)) b.fill(0, h.headerBytes + k * recordBytes + at, h.headerBytes + k * recordBytes + at + spr[annIdx] * 2);
    const r = importEdf(b, 'a.edf');
    assert.deepEqual(r.annotations.map((a) => [a.onset, a.duration, a.label]), [[3.5, 0, 'stim'], [7.25, 1, 'two']]);
    assert.deepEqual(r.streams[0].segments.map((g) => [g.start, g.count]), [[0, 1000]]);
    assert.deepEqual(r.warnings, []);
  });
});
