import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import {
  decodeWfdbSignals,
  importWfdb,
  parseWfdbAnnotations,
  parseWfdbHeader,
  WFDB_BEAT_CODES,
} from '../../../../src/shared/formats/wfdb';
import { dataPath, NEED_DATA, readData } from '../../../fixtures/shared-data';
import { throwsFormat } from '../throws-format';

const text = (rel: string) => readFileSync(dataPath(rel), 'latin1');

function recordFiles(dir: string) {
  return readdirSync(dataPath(dir)).map((name) => ({ name, bytes: readData(`${dir}/${name}`) }));
}

describe('parseWfdbHeader', () => {
  test('MIT-BIH 100: record line, format 212 signal lines, comments', { skip: NEED_DATA }, () => {
    const h = parseWfdbHeader(text('wfdb-mitdb/100.hea'), '100.hea');
    assert.equal(h.recordName, '100');
    assert.equal(h.frequencyHz, 360);
    assert.equal(h.samplesPerSignal, 650000);
    assert.equal(h.signals.length, 2);
    const [a, b] = h.signals;
    assert.deepEqual(
      [a.fileName, a.format, a.adcGain, a.adcResolution, a.adcZero, a.initialValue, a.checksum, a.blockSize, a.description, a.units, a.baseline],
      ['100.dat', 212, 200, 11, 1024, 995, -22131, 0, 'MLII', 'mV', 1024],
    );
    assert.equal(b.description, 'V5');
    assert.equal(b.checksum, 20052);
    assert.deepEqual(h.comments, ['unnecessary comment', '69 M 1085 1629 x1', 'Aldomet, Inderal']);
  });

  test('LUDB: gain with baseline and units, 12 leads', { skip: NEED_DATA }, () => {
    const h = parseWfdbHeader(text('wfdb-ludb/1.hea'));
    assert.equal(h.signals.length, 12);
    assert.deepEqual([h.signals[0].adcGain, h.signals[0].baseline, h.signals[0].units], [1716, 6, 'mV']);
    assert.deepEqual([h.signals[2].adcGain, h.signals[2].baseline], [1229, -5]);
    assert.equal(h.signals[11].description, 'v6');
    assert.ok(h.comments.includes('Rhythm: Sinus bradycardia.'), `the comments hold the rhythm: ${JSON.stringify(h.comments)}`);
  });

  test('descriptions keep their inner spaces (macecgdb "ECG 1")', { skip: NEED_DATA }, () => {
    const h = parseWfdbHeader(text('wfdb-macecgdb/test01_00s.hea'));
    assert.deepEqual(h.signals.map((s) => s.description), ['ECG 1', 'ECG 2', 'ECG 3', 'ECG 4']);
    assert.equal(h.signals[0].units, 'mV');
    assert.equal(h.signals[0].adcGain, 100);
  });

  test('samples per frame, skew, byte offset, base date and time', () => {
    const h = parseWfdbHeader('rec 2 125/1000(3) 10 12:30:05 25/12/2020\nrec.dat 16x2:1+512 200(5)/uV 16 0 0 0 0 A\nrec.dat 16 0 16 0 0 0 0 B', 'rec.hea');
    assert.equal(h.counterFrequencyHz, 1000);
    assert.equal(h.baseCounter, 3);
    assert.deepEqual([h.signals[0].samplesPerFrame, h.signals[0].skew, h.signals[0].byteOffset, h.signals[0].units], [2, 1, 512, 'uV']);
    assert.equal(h.signals[1].uncalibrated, true);
    assert.equal(h.signals[1].adcGain, 200);
    assert.deepEqual([h.baseTime, h.baseDate], ['12:30:05', '25/12/2020']);
  });

  test('bad headers give one FormatError naming the file', () => {
    throwsFormat(() => parseWfdbHeader('', 'x.hea'), 'bad-header', 'x.hea', /no record line/);
    throwsFormat(() => parseWfdbHeader('r two 360', 'x.hea'), 'bad-number', 'x.hea', /number of signals/);
    throwsFormat(() => parseWfdbHeader('r 1 -5', 'x.hea'), 'bad-number', 'x.hea', /sampling frequency/);
    throwsFormat(() => parseWfdbHeader('r 3 360 100\nr.dat 16', 'x.hea'), 'truncated', 'x.hea', /3 signals/);
    throwsFormat(() => parseWfdbHeader('r 1 360 100\nr.dat 16 abc', 'x.hea'), 'bad-number', 'x.hea', /gain/);
    throwsFormat(() => parseWfdbHeader('r/3 2 360', 'x.hea'), 'unsupported', 'x.hea', /multi-segment/);
  });
});

describe('decodeWfdbSignals', () => {
  test('MIT-BIH 100 (format 212): every sample matches the header checksums; known first values', { skip: NEED_DATA }, () => {
    const h = parseWfdbHeader(text('wfdb-mitdb/100.hea'));
    const s = decodeWfdbSignals(h, { '100.dat': readData('wfdb-mitdb/100.dat') });
    assert.equal(s.frames, 650000);
    assert.deepEqual(s.signals.map((x) => x.checksumOk), [true, true]);
    assert.deepEqual(s.signals.map((x) => x.digital[0]), [995, 1011]); // = the header's initial values
    // wfdb-python's rdrecord('100').p_signal[0] is [-0.145, -0.065] mV
    assert.ok(Math.abs(s.signals[0].physical[0] - -0.145) < 1e-6, `first sample ${s.signals[0].physical[0]}, expected -0.145`);
    assert.ok(Math.abs(s.signals[1].physical[0] - -0.065) < 1e-6, `first sample ${s.signals[1].physical[0]}, expected -0.065`);
    assert.equal(s.signals[0].rateHz, 360);
    assert.equal(s.signals[0].physical.length, 650000);
  });

  test('PTB s0010_re: two signal files (.dat 12 leads, .xyz 3 Frank leads), format 16', { skip: NEED_DATA }, () => {
    const h = parseWfdbHeader(text('wfdb-ptbdb/s0010_re.hea'));
    const s = decodeWfdbSignals(h, new Map([
      ['s0010_re.dat', readData('wfdb-ptbdb/s0010_re.dat')],
      ['s0010_re.xyz', readData('wfdb-ptbdb/s0010_re.xyz')],
    ]));
    assert.equal(s.frames, 38400);
    assert.equal(s.signals.length, 15);
    assert.ok(s.signals.every((x) => x.checksumOk === true), 'every signal checksum matches');
    assert.deepEqual(s.signals.map((x) => x.digital[0]), h.signals.map((x) => x.initialValue));
    assert.equal(s.signals[12].spec.description, 'vx');
    assert.ok(Math.abs(s.signals[0].physical[0] - -489 / 2000) < 1e-7, `first sample ${s.signals[0].physical[0]}, expected -489 / 2000`);
  });

  test('LUDB and macecgdb: checksums and initial values hold for every lead', { skip: NEED_DATA }, () => {
    for (const [dir, rec] of [['wfdb-ludb', '1'], ['wfdb-macecgdb', 'test01_00s']]) {
      const h = parseWfdbHeader(text(`${dir}/${rec}.hea`));
      const s = decodeWfdbSignals(h, { [`${rec}.dat`]: readData(`${dir}/${rec}.dat`) });
      assert.ok(s.signals.every((x) => x.checksumOk === true), rec);
      assert.deepEqual(s.signals.map((x) => x.digital[0]), h.signals.map((x) => x.initialValue), rec);
    }
  });

  test('LUDB physical values use the baseline: (d - baseline) / gain', { skip: NEED_DATA }, () => {
    const h = parseWfdbHeader(text('wfdb-ludb/1.hea'));
    const s = decodeWfdbSignals(h, { '1.dat': readData('wfdb-ludb/1.dat') });
    assert.ok(Math.abs(s.signals[0].physical[0] - (-120 - 6) / 1716) < 1e-7, `first sample ${s.signals[0].physical[0]}, expected (-120 - 6) / 1716`);
  });

  test('formats 8, 61, 80, 160, 24, 32 and samples per frame, on hand-built bytes', () => {
    const h = (fmt: string) => parseWfdbHeader(`r 2 100 2\nr.dat ${fmt} 10 16 0 0 0 0 a\nr.dat ${fmt.replace(/x\d+/, '')} 10 16 0 0 0 0 b`);
    const dec = (fmt: string, bytes: number[]) => decodeWfdbSignals(h(fmt), { 'r.dat': Uint8Array.from(bytes) }).signals.map((s) => [...s.digital]);
    assert.deepEqual(dec('61', [0x01, 0x02, 0xff, 0xfe, 0x00, 0x05, 0x80, 0x01]), [[258, 5], [-2, -32767]]);
    assert.deepEqual(dec('80', [128, 0, 255, 129]), [[0, 127], [-128, 1]]);
    assert.deepEqual(dec('160', [0, 0x80, 0, 0, 0xff, 0xff, 1, 0x80]), [[0, 32767], [-32768, 1]]);
    assert.deepEqual(dec('24', [1, 0, 0, 0xff, 0xff, 0xff, 0, 0, 0x80, 2, 0, 0]), [[1, -8388608], [-1, 2]]);
    assert.deepEqual(dec('32', [1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0x80, 3, 0, 0, 0]), [[1, -2147483648], [-1, 3]]);
    assert.deepEqual(dec('8', [5, 1, 0xfe, 2]), [[5, 3], [1, 3]]); // first differences from 0
    // 'a' has 2 samples per frame: frame = a0 a1 b0
    assert.deepEqual(dec('16x2', [1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0]), [[1, 2, 4, 5], [3, 6]]);
    const wide = decodeWfdbSignals(h('24'), { 'r.dat': new Uint8Array(12) }).signals[0];
    assert.ok(wide.physical instanceof Float64Array, 'the wide signal reads as Float64Array');
    assert.equal(wide.rateHz, 100);
  });

  test('invalid-sample sentinel becomes NaN in physical, stays in digital', () => {
    const h = parseWfdbHeader('r 1 100 2\nr.dat 16 100 16 0 0 0 0 a');
    const s = decodeWfdbSignals(h, { 'r.dat': Uint8Array.from([0x00, 0x80, 100, 0]) }).signals[0];
    assert.deepEqual([...s.digital], [-32768, 100]);
    assert.ok(Number.isNaN(s.physical[0]), `the first sample is NaN, got ${s.physical[0]}`);
    assert.equal(s.physical[1], 1);
  });

  test('lying or incomplete records give one clear error', { skip: NEED_DATA }, () => {
    const h = parseWfdbHeader(text('wfdb-mitdb/100.hea'));
    const dat = readData('wfdb-mitdb/100.dat');
    throwsFormat(() => decodeWfdbSignals(h, { '100.dat': dat.subarray(0, 2) }, '100.hea'), 'truncated', '100.hea', /650000 samples per signal \(1805\.556 s\) but "100\.dat" holds only 0$/);
    // Cut short: the frames it holds are read; checksums (over the whole record) are not checked.
    const cut = decodeWfdbSignals(h, { '100.dat': dat.subarray(0, 1000) }, '100.hea');
    assert.equal(cut.frames, 333);
    assert.deepEqual(cut.signals.map((s) => s.checksumOk), [null, null]);
    assert.match(cut.warnings.join(), /^100\.dat cut short .*: the header says 650000 samples per signal \(1805\.556 s\) but the file holds 333 \(0\.925 s\): imported 333 samples per signal, every signal of the record;/);
    throwsFormat(() => decodeWfdbSignals(h, {}, '100.hea'), 'missing-file', '100.hea', /100\.dat/);
    const odd = parseWfdbHeader('r 1 360\nr.dat 310 200 10 0 0 0 0 x');
    throwsFormat(() => decodeWfdbSignals(odd, { 'r.dat': new Uint8Array(8) }, 'r.hea'), 'unsupported', 'r.hea', /format 310/);
  });

  test('without a sample count the files decide; a damaged sample fails the checksum', { skip: NEED_DATA }, () => {
    const h = parseWfdbHeader('100 2 360\n100.dat 212 200 11 1024 995 -22131 0 MLII\n100.dat 212 200 11 1024 1011 20052 0 V5');
    const dat = readData('wfdb-mitdb/100.dat').slice();
    assert.equal(decodeWfdbSignals(h, { '100.dat': dat }).frames, 650000);
    dat[3000] ^= 0x01;
    const s = decodeWfdbSignals(h, { '100.dat': dat });
    assert.deepEqual(s.signals.map((x) => x.checksumOk).sort(), [false, true]);
  });
});

describe('parseWfdbAnnotations', () => {
  test('MIT-BIH 100.atr: 2239 N, 33 A, 1 V and one rhythm change "(N"', { skip: NEED_DATA }, () => {
    const { annotations, timeResolutionHz } = parseWfdbAnnotations(readData('wfdb-mitdb/100.atr'), '100.atr');
    const count = (sym: string) => annotations.filter((a) => a.symbol === sym).length;
    assert.equal(count('N'), 2239);
    assert.equal(count('A'), 33);
    assert.equal(count('V'), 1);
    assert.equal(annotations.filter((a) => WFDB_BEAT_CODES.has(a.code)).length, 2273);
    assert.equal(annotations.length, 2274);
    assert.deepEqual(annotations[0], { sample: 18, code: 28, symbol: '+', subtype: 0, chan: 0, num: 0, aux: '(N' });
    assert.deepEqual([annotations[1].sample, annotations[1].symbol], [77, 'N']);
    assert.equal(annotations.at(-1)!.sample, 649991);
    assert.equal(timeResolutionHz, null);
    for (let i = 1; i < annotations.length; i++) assert.ok(annotations[i].sample >= annotations[i - 1].sample, `annotation ${i} (sample ${annotations[i].sample}) is not before annotation ${i - 1} (${annotations[i - 1].sample})`);
  });

  test('eegmmidb .event: time-resolution header (160 Hz), SKIP, 30 notes with aux text', { skip: NEED_DATA }, () => {
    const f = parseWfdbAnnotations(readData('edf-eegmmidb/S001R04.edf.event'));
    assert.equal(f.timeResolutionHz, 160);
    assert.equal(f.annotations.length, 30);
    assert.deepEqual(f.annotations.slice(0, 2).map((a) => [a.sample, a.symbol, a.aux]), [[0, '"', 'T0 duration: 4.2'], [672, '"', 'T2 duration: 4.1']]);
  });

  test('LUDB lead file: waveform onset/peak/offset triples', { skip: NEED_DATA }, () => {
    const { annotations } = parseWfdbAnnotations(readData('wfdb-ludb/1.ii'));
    assert.equal(annotations.length % 3, 0);
    for (let i = 0; i < annotations.length; i += 3) {
      assert.deepEqual([annotations[i].symbol, annotations[i + 2].symbol], ['(', ')']);
      assert.ok(['p', 'N', 't'].includes(annotations[i + 1].symbol), `annotation ${i + 1} is a p, N or t wave, got ${annotations[i + 1]?.symbol}`);
    }
  });

  test('SKIP, NUM, SUB, CHN, AUX and custom codes on hand-built words', () => {
    const w = (code: number, data: number) => [data & 0xff, (code << 2) | (data >> 8)];
    const bytes = Uint8Array.from([
      ...w(22, 0), ...w(63, 10), ...[...'5 X custom'].map((c) => c.charCodeAt(0)), // modification label: code 5 is 'X'
      ...w(1, 100), ...w(62, 2), ...w(60, 7), ...w(61, 3),
      ...w(59, 0), 0x01, 0x00, 0x00, 0x00, // skip 65536 (high word first)
      ...w(5, 4), ...w(63, 3), 0x61, 0x62, 0x63, 0x00,
      ...w(59, 0), 0xff, 0xff, 0xf6, 0xff, // skip -10
      ...w(1, 0),
      0, 0,
      ...w(1, 5), // after the end-of-file word: ignored
    ]);
    const f = parseWfdbAnnotations(bytes);
    assert.deepEqual(f.customCodes.get(5), ['X', 'custom']);
    assert.deepEqual(f.annotations, [
      { sample: 100, code: 1, symbol: 'N', subtype: 3, chan: 2, num: 7, aux: '' },
      { sample: 65640, code: 5, symbol: 'X', subtype: 0, chan: 2, num: 7, aux: 'abc' },
      { sample: 65630, code: 1, symbol: 'N', subtype: 0, chan: 2, num: 7, aux: '' },
    ]);
  });

  test('corrupt annotation files give one clear error', () => {
    throwsFormat(() => parseWfdbAnnotations(Uint8Array.from([0x00, 0xd0]), 'x.atr'), 'bad-data', 'x.atr', /code 52/);
  });

  test('a file cut short keeps the annotations before the cut, with a warning that counts them', () => {
    const w = (code: number, data: number) => [data & 0xff, (code << 2) | (data >> 8)];
    const beats = [...w(1, 10), ...w(1, 20), ...w(5, 30)];
    const whole = parseWfdbAnnotations(Uint8Array.from([...beats, 0, 0]), 'x.atr');
    assert.equal(whole.annotations.length, 3);
    assert.deepEqual(whole.warnings, []);
    const cut = (bytes: number[]) => parseWfdbAnnotations(Uint8Array.from(bytes), 'x.atr');
    const noEnd = cut(beats);
    assert.deepEqual(noEnd.annotations.map((a) => [a.sample, a.symbol]), [[10, 'N'], [30, 'N'], [60, 'V']]);
    assert.deepEqual(noEnd.warnings, ["cut short after 3 annotations (no end-of-file word after byte 6); the rest of the file's annotations are missing"]);
    assert.match(cut([...beats, 0]).warnings[0], /^cut short after 3 annotations \(an odd last byte at byte 6\)/);
    const inSkip = cut([...beats, ...w(59, 0), 0x01, 0x00]);
    assert.equal(inSkip.annotations.length, 3);
    assert.match(inSkip.warnings[0], /^cut short after 3 annotations \(inside a SKIP at byte 6\)/);
    const inAux = cut([...beats, ...w(63, 5), 0x41, 0x42]); // 5 bytes of text announced, 2 there
    assert.deepEqual(inAux.annotations.map((a) => a.aux), ['', '', '']);
    assert.match(inAux.warnings[0], /^cut short after 3 annotations \(inside the text of the last annotation/);
    assert.match(cut([]).warnings[0], /^cut short after 0 annotations \(the file is empty\)/);
  });

  test('MIT-BIH 100.atr cut at 2001 bytes and LUDB 1.i at 7: what was read, and a warning', { skip: NEED_DATA }, () => {
    const atr = parseWfdbAnnotations(readData('wfdb-mitdb/100.atr').subarray(0, 2001), '100.atr');
    assert.equal(atr.annotations.length, 997);
    assert.deepEqual(atr.warnings, ["cut short after 997 annotations (an odd last byte at byte 2000); the rest of the file's annotations are missing"]);
    const lead = parseWfdbAnnotations(readData('wfdb-ludb/1.i').subarray(0, 7), '1.i');
    assert.equal(lead.warnings.length, 1);
    assert.match(lead.warnings[0], new RegExp(`^cut short after ${lead.annotations.length} annotations? `));
    for (const f of ['wfdb-mitdb/100.atr', 'wfdb-ludb/1.i', 'edf-eegmmidb/S001R04.edf.event']) assert.deepEqual(parseWfdbAnnotations(readData(f), f).warnings, [], f);
  });
});

describe('importWfdb', () => {
  test('MIT-BIH 100 as a recording: one ECG stream in µV, beat markers in seconds', { skip: NEED_DATA }, () => {
    const r = importWfdb(recordFiles('wfdb-mitdb'));
    assert.equal(r.format, 'wfdb');
    assert.equal(r.fileName, '100.hea');
    assert.equal(r.startTime, null);
    assert.equal(r.streams.length, 1);
    const [ecg] = r.streams;
    assert.deepEqual([ecg.name, ecg.modality, ecg.rateHz], ['ECG', 'ecg', 360]);
    assert.deepEqual(ecg.channels.map((c) => [c.label, c.unit, c.fileUnit, c.kind, c.resolution]), [
      ['MLII', 'uV', 'mV', 'ecg', 5],
      ['V5', 'uV', 'mV', 'ecg', 5],
    ]);
    assert.equal(ecg.segments.length, 1);
    assert.equal(ecg.segments[0].count, 650000);
    assert.ok(Math.abs(ecg.segments[0].data[0] - -145) < 1e-3, `first ECG sample ${ecg.segments[0].data[0]}, expected -145`);
    // exact counts come back from resolution and offset
    const c0 = ecg.channels[0];
    assert.equal(Math.round((ecg.segments[0].data[0] - c0.offset) / c0.resolution), 995);
    assert.equal(r.annotations.filter((a) => a.label === 'N').length, 2239);
    assert.deepEqual(r.annotations[0], { onset: 18 / 360, duration: 0, label: '(N', source: 'wfdb:atr', channel: undefined });
    assert.equal(r.warnings.length, 0);
  });

  test('LUDB record 1: 12 leads, wave markers with durations on their lead', { skip: NEED_DATA }, () => {
    const r = importWfdb(recordFiles('wfdb-ludb'));
    assert.equal(r.streams[0].channels.length, 12);
    assert.equal(r.subject.age, '51');
    assert.equal(r.subject.sex, 'F');
    const iiQrs = r.annotations.filter((a) => a.source === 'wfdb:ii' && a.label === 'QRS');
    assert.ok(iiQrs.length >= 5, `${iiQrs.length} QRS annotations on lead ii, expected at least 5`);
    assert.ok(iiQrs.every((a) => a.channel === 'ii' && a.duration > 0.04 && a.duration < 0.2), 'every QRS annotation is on lead ii and lasts 0.04 to 0.2 s');
    const first = r.annotations.find((a) => a.source === 'wfdb:i')!;
    assert.deepEqual([first.onset, first.duration, first.label], [641 / 500, (690 - 641) / 500, 'QRS']);
  });

  test('a truncated annotation file: the record imports with the markers read, and the warning names the file', { skip: NEED_DATA }, () => {
    const files = recordFiles('wfdb-mitdb').map((f) => (f.name === '100.atr' ? { ...f, bytes: f.bytes.subarray(0, 2001) } : f));
    const r = importWfdb(files);
    assert.equal(r.annotations.length, 997);
    assert.deepEqual(r.warnings, ["100.atr: cut short after 997 annotations (an odd last byte at byte 2000); the rest of the file's annotations are missing"]);
  });

  test('a stray file beside the record that is not an annotation file becomes a warning', { skip: NEED_DATA }, () => {
    const files = [...recordFiles('wfdb-mitdb'), { name: '100.notes', bytes: Uint8Array.from([0x00, 0xd0, 0x41, 0x42]) }];
    const r = importWfdb(files);
    assert.equal(r.annotations.length, 2274);
    assert.match(r.warnings.join(), /100\.notes: not read as an annotation file \(undefined annotation code 52/);
  });

  test('PTB: 15 ECG leads from two files in one stream; age and sex from comments', { skip: NEED_DATA }, () => {
    const r = importWfdb(recordFiles('wfdb-ptbdb'));
    assert.equal(r.streams.length, 1);
    assert.equal(r.streams[0].channels.length, 15);
    assert.equal(r.streams[0].rateHz, 1000);
    assert.deepEqual([r.subject.age, r.subject.sex], ['81', 'female']);
  });
});
