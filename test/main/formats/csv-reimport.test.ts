// A CSV export imported again must cost the database what the session it came from cost: the
// reader finds the step the values were written to (decimalGrid), so the database keeps them as
// integer counts rather than float32, and every value stays exactly what the file says.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeCsv } from '../../../src/shared/formats/csv';
import { importEdf } from '../../../src/shared/formats/edf';
import { importRecording } from '../../../src/shared/formats/import-recording';
import { parseOpenBciGui } from '../../../src/shared/formats/openbci';
import type { ImportedRecording, ImportedStream } from '../../../src/shared/formats/recording.types';
import { importWfdb } from '../../../src/shared/formats/wfdb';
import { decodeSampleBlock, encodeSampleBlock } from '../../../src/main/db/sample-codec';
import { NEED_DATA, readData } from '../../fixtures/shared-data';

/** A stream as the database stores it: one block per segment, with its channels' resolutions and offsets. */
function stored(s: ImportedStream): { bytes: number; values: Float32Array } {
  let bytes = 0;
  const parts: Float32Array[] = [];
  for (const g of s.segments) {
    const block = encodeSampleBlock([{ seq: 0, deviceTime: g.start, hostTime: g.start, count: g.count, data: Float32Array.from(g.data) }], s.channels.map((c) => c.resolution), s.channels.map((c) => c.offset));
    bytes += block.length;
    for (const c of decodeSampleBlock(block, s.channels.map((c) => c.resolution), s.channels.map((c) => c.offset))) parts.push(c.data);
  }
  return { bytes, values: concat(parts) };
}

function concat(parts: ArrayLike<number>[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function roundTrip(rec: ImportedRecording): ImportedRecording {
  const files = writeCsv(rec, { baseName: 'S' });
  return importRecording(files.map((f) => ({ name: f.name, bytes: new TextEncoder().encode(f.text) })));
}

/** The files of a CSV export, by name (a re-import lists its streams in its files' name order). */
function csvTexts(rec: ImportedRecording): Record<string, string> {
  return Object.fromEntries(writeCsv(rec, { baseName: 'S' }).map((f) => [f.name, f.text]));
}

for (const [what, read] of [
  ['EEGMMIDB S001R04 (EDF+, 1 µV a count)', () => importEdf(readData('edf-eegmmidb', 'S001R04.edf'), 'S001R04.edf')],
  ['MIT-BIH 100 (WFDB 212, 5 µV a count)', () => importWfdb(['100.hea', '100.dat'].map((n) => ({ name: n, bytes: readData('wfdb-mitdb', n) })), '100.hea')],
  // A step that is no decimal (0.00159497… µV, offset 7.094… µV; the ECG's 0.0131… mV): the
  // export wrote 5 decimals, most values came back off their float32s, stored at 1.6× the bytes.
  ['EEGMAT Subject05_2 (EDF+, EEG and ECG, steps that are no decimal)', () => importEdf(readData('edf-eegmat', 'Subject05_2.edf'), 'Subject05_2.edf')],
] as const) {
  test(`${what} → CSV → import: stored in as many bytes as the original, every value exact, the same CSV again`, { skip: NEED_DATA }, () => {
    const rec = read();
    const back = roundTrip(rec);
    assert.deepEqual(back.streams.map((s) => s.name).sort(), rec.streams.map((s) => s.name).sort(), 'the streams');
    for (const s of rec.streams) {
      const [orig, again] = [stored(s), stored(back.streams.find((b) => b.name === s.name) as ImportedStream)];
      // Float32 would take 4 bytes a value; the counts take what the original's took.
      assert.ok(again.bytes <= orig.bytes * 1.02, `${s.name}: ${again.bytes} bytes stored after the CSV, ${orig.bytes} before`);
      assert.equal(again.values.length, orig.values.length, `${s.name}: values`);
      const differs = orig.values.findIndex((v, i) => !Object.is(v, again.values[i]));
      assert.equal(differs, -1, `${s.name}, value ${differs}: ${orig.values[differs]} in the session, ${again.values[differs]} after the CSV`);
    }
    assert.deepEqual(csvTexts(back), csvTexts(rec), 'the CSV written again');
  });
}

test('OpenBCI GUI text (two decimals): stored as counts of 0.01 µV, each value the float32 of its text, in under 3 bytes a value (float32: 4)', { skip: NEED_DATA }, () => {
  const text = new TextDecoder().decode(readData('openbci-gui', 'OpenBCI_GUI-v6-blinks-jawClench-alpha.txt'));
  const rec = parseOpenBciGui(text, 'gui.txt');
  const exg = rec.streams[0];
  assert.deepEqual(exg.channels.map((c) => [c.resolution, c.offset]), Array(8).fill([0.01, 0]));
  const { bytes, values } = stored(exg);
  const parsed = concat(exg.segments.map((g) => g.data));
  assert.equal(values.findIndex((v, i) => v !== parsed[i]), -1);
  assert.ok(bytes < values.length * 4 * 0.75, `${bytes} bytes for ${values.length} values`);
  // The first data line's first channel, as written: 61379.36, and written back so (not the float32 noise 61379.3594).
  assert.equal(exg.segments[0].data[0], 61379.36);
  assert.match(writeCsv(rec)[0].text.split('\n')[1], /^0,1557936053\.329,61379\.36,49492\.89,/);
});
