// Every file in ../shared/data goes through the one import entry point, with the figures
// SOURCES.md lists.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { detectFormat, FormatError, importRecording, type ImportedRecording } from '../../../src/shared/formats';
import { brainflowBoardNames, brainflowBoardOptions } from '../../../src/shared/formats/brainflow-csv';
import { dataPath, NEED_DATA } from '../../fixtures/shared-data';

const files = (dir: string) => readdirSync(dataPath(dir)).map((name) => ({ name, bytes: new Uint8Array(readFileSync(dataPath(dir, name))) }));
const one = (dir: string, name: string) => [{ name, bytes: new Uint8Array(readFileSync(dataPath(dir, name))) }];
const samples = (r: ImportedRecording) => r.streams.map((s) => s.segments.reduce((a, g) => a + g.count, 0));

test('every recording in ../shared/data imports with its listed figures', { skip: NEED_DATA }, () => {
  const mit = importRecording(files('wfdb-mitdb'));
  assert.deepEqual([mit.format, mit.streams[0].rateHz, samples(mit)[0], mit.annotations.filter((a) => a.label === 'N').length], ['wfdb', 360, 650000, 2239]);
  const ptb = importRecording(files('wfdb-ptbdb'));
  assert.deepEqual([ptb.streams[0].channels.length, ptb.streams[0].rateHz, samples(ptb)[0] / 1000], [15, 1000, 38.4]);
  const mac = importRecording(files('wfdb-macecgdb'));
  assert.deepEqual([mac.streams[0].channels.length, mac.streams[0].rateHz, samples(mac)[0] / 500], [4, 500, 8]);
  const ludb = importRecording(files('wfdb-ludb'));
  assert.deepEqual([ludb.streams[0].channels.length, samples(ludb)[0] / 500], [12, 10]);
  const mm = importRecording(one('edf-eegmmidb', 'S001R04.edf'));
  assert.deepEqual([mm.format, mm.streams[0].channels.length, mm.streams[0].rateHz, samples(mm)[0] / 160, mm.annotations.length], ['edf+c', 64, 160, 125, 30]);
  for (const name of readdirSync(dataPath('edf-eegmat')).filter((n) => n.endsWith('.edf'))) {
    const r = importRecording(one('edf-eegmat', name));
    assert.deepEqual(r.streams.map((s) => [s.modality, s.channels.length, s.rateHz]), [['eeg', 20, 500], ['ecg', 1, 500]], name);
  }
  const edf = importRecording(one('edf-mne', 'test_edf_stim_channel.edf'));
  assert.deepEqual([edf.format, edf.streams.reduce((a, s) => a + s.channels.length, 0), edf.streams[0].rateHz, samples(edf)[0] / 128], ['edf', 25, 128, 9.59375]);
  const bdf = importRecording(one('edf-mne', 'test_bdf_stim_channel.bdf'));
  assert.deepEqual([bdf.format, bdf.streams.map((s) => s.channels.map((c) => c.label)).flat(), samples(bdf)[0] / 500], ['bdf', ['C3', 'C4', 'Cz', 'Status'], 10]);
  const gui = importRecording(files('openbci-gui'));
  assert.deepEqual([gui.format, gui.streams[0].channels.length, gui.streams[0].rateHz, samples(gui)[0]], ['openbci-gui', 8, 250, 22490]);
  for (const name of ['minimal.xdf', 'clock_resets.xdf']) {
    const x = importRecording(one('xdf', name));
    assert.equal(x.format, 'xdf', `${name}: read as XDF`);
    assert.ok(x.streams.length >= 1 && x.annotations.length >= 9, name);
  }
});

test('format detection goes by the bytes, not the name', { skip: NEED_DATA }, () => {
  const edf = one('edf-eegmmidb', 'S001R04.edf')[0];
  assert.equal(detectFormat({ name: 'renamed.dat', bytes: edf.bytes }), 'edf');
  assert.equal(detectFormat({ name: 'x.edf', bytes: one('edf-mne', 'test_bdf_stim_channel.bdf')[0].bytes }), 'bdf');
  assert.equal(detectFormat({ name: 'x.txt', bytes: one('xdf', 'minimal.xdf')[0].bytes }), 'xdf');
  // a signature beats the .hea name (WFDB headers have none): an EDF called mis.hea is an EDF
  assert.equal(detectFormat({ name: 'mis.hea', bytes: edf.bytes }), 'edf');
  assert.equal(importRecording([{ name: 'mis.hea', bytes: edf.bytes }]).format, 'edf+c');
  assert.equal(detectFormat({ name: '100.hea', bytes: one('wfdb-mitdb', '100.hea')[0].bytes }), 'wfdb');
  assert.equal(detectFormat({ name: 'x.csv', bytes: new TextEncoder().encode('1.000000\t2.000000\n') }), 'brainflow-csv');
  assert.equal(detectFormat({ name: 'x.bin', bytes: Uint8Array.from([1, 2, 3]) }), null);
  // Excel's "CSV UTF-8" starts with a byte-order mark (it was 'not a format HeartMind reads')
  const bom = Uint8Array.from([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('time_s,Fp1 (uV)\n0,1\n0.5,2\n')]);
  assert.equal(detectFormat({ name: 'excel.csv', bytes: bom }), 'csv');
  assert.deepEqual(importRecording([{ name: 'excel.csv', bytes: bom }]).streams[0].channels.map((c) => c.label), ['Fp1']);
  assert.throws(() => importRecording([{ name: 'x.bin', bytes: Uint8Array.from([1, 2, 3]) }]), (e: unknown) => e instanceof FormatError && e.code === 'not-this-format' && /x\.bin/.test(e.message));
  assert.throws(() => importRecording([{ name: 'e.edf', bytes: new Uint8Array(0) }]), (e: unknown) => e instanceof FormatError && e.code === 'empty');
});

test('a WFDB signal or annotation file on its own points to its .hea header', { skip: NEED_DATA }, () => {
  for (const name of ['100.dat', '100.atr']) {
    const file = one('wfdb-mitdb', name);
    assert.throws(
      () => importRecording(file),
      (e: unknown) => e instanceof FormatError && e.code === 'not-this-format' && e.message === `${name}: not a format HeartMind reads on its own: if it is a WFDB signal or annotation file, import its record's .hea header (100.hea), kept beside it`,
    );
    // the Node side names the header it found beside the file
    assert.throws(
      () => importRecording(file, { recordBeside: '100.hea' }),
      (e: unknown) => e instanceof FormatError && e.message === `${name}: a file of WFDB record 100: WFDB records are imported through their .hea header; import 100.hea (beside it) instead`,
    );
  }
});

test("an annotation file of an EDF record (eegmmidb's S001R04.edf.event) points to the EDF, not to a list of formats", { skip: NEED_DATA }, () => {
  const file = one('edf-eegmmidb', 'S001R04.edf.event');
  assert.throws(
    () => importRecording(file),
    (e: unknown) => e instanceof FormatError && e.code === 'not-this-format' && e.message === 'S001R04.edf.event: not a format HeartMind reads on its own: if it is an annotation file of the recording S001R04.edf, import S001R04.edf instead',
  );
  assert.throws(
    () => importRecording(file, { recordBeside: 'S001R04.edf' }),
    (e: unknown) =>
      e instanceof FormatError &&
      e.message === 'S001R04.edf.event: an annotation file of the recording S001R04.edf: import S001R04.edf (beside it) instead; its annotations are read from the EDF itself (EDF+ annotations), a separate annotation file is not attached',
  );
});

test('a MATLAB file (DREAMER.mat) is not a session: the error says training reads it', { skip: NEED_DATA }, () => {
  assert.throws(
    () => importRecording(one('dreamer-format', 'DREAMER-structure.mat')),
    (e: unknown) =>
      e instanceof FormatError &&
      e.code === 'not-this-format' &&
      e.message === 'DREAMER-structure.mat: a MATLAB file: sessions are not imported from .mat files; a DREAMER.mat is read by training and evaluation (heartmind train --dreamer FILE, the Training view)',
  );
});

test('a byte-order mark in front (Notepad, Excel) changes nothing: OpenBCI GUI text, a WFDB header whose first line is a comment, BrainFlow CSV', { skip: NEED_DATA }, () => {
  const bom = (b: Uint8Array) => Uint8Array.from([0xef, 0xbb, 0xbf, ...b]);
  const shape = (r: ImportedRecording) => [r.format, r.startTime, r.streams.map((s) => [s.rateHz, s.channels.map((c) => c.label).join(), s.segments.map((g) => g.count).join()]), r.annotations.length];
  const gui = one('openbci-gui', 'OpenBCI_GUI-v6-blinks-jawClench-alpha.txt');
  // it was 'not a format HeartMind reads'
  assert.deepEqual(shape(importRecording([{ ...gui[0], bytes: bom(gui[0].bytes) }])), shape(importRecording(gui)), 'OpenBCI with a BOM reads as without');
  const mit = files('wfdb-mitdb').map((f) => (f.name === '100.hea' ? { ...f, bytes: bom(f.bytes) } : f));
  // its first line, '# unnecessary comment', was no comment: 'record line gives no number of signals'
  assert.deepEqual(shape(importRecording(mit)), shape(importRecording(files('wfdb-mitdb'))), 'WFDB with a BOM reads as without');
  const line = (i: number) => Array.from({ length: 24 }, (_, c) => (c === 0 ? i % 256 : c === 22 ? 1.7e9 + i / 250 : c === 1 ? i : 0).toFixed(6)).join('\t');
  const bf = new TextEncoder().encode(Array.from({ length: 50 }, (_, i) => line(i)).join('\n') + '\n');
  assert.equal(detectFormat({ name: 'bf.csv', bytes: bom(bf) }), 'brainflow-csv');
  assert.deepEqual(shape(importRecording([{ name: 'bf.csv', bytes: bom(bf) }])), shape(importRecording([{ name: 'bf.csv', bytes: bf }])), 'BrainFlow with a BOM reads as without');
});

test('a BrainFlow file whose column count fits several boards is read once the board is named', () => {
  const line = (n: number) => Array.from({ length: n }, (_, i) => (i === 0 ? 1 : i === 30 ? 1.7e9 : 0).toFixed(6)).join('\t');
  const file = [{ name: 'bf32.csv', bytes: new TextEncoder().encode(`${line(32)}\n${line(32)}\n`) }];
  assert.throws(
    () => importRecording(file),
    (e: unknown) =>
      e instanceof FormatError &&
      e.code === 'ambiguous-board' &&
      e.boards.join() === 'CytonDaisy,Synthetic' &&
      e.message ===
        'bf32.csv: lines have 32 columns, which fits several BrainFlow boards (CytonDaisy, Synthetic); name the board that wrote it (--board CytonDaisy for heartmind sessions import, the Board choice when importing in the app)',
  );
  assert.ok(brainflowBoardNames().includes('CytonDaisy') && brainflowBoardNames().includes('MuseSAux'), 'the BrainFlow board names include CytonDaisy and MuseSAux');
  assert.deepEqual(brainflowBoardOptions('cytondaisy'), { boardId: 2, preset: 'default' });
  assert.deepEqual(brainflowBoardOptions('MuseSAux'), { boardId: 39, preset: 'auxiliary' });
  assert.equal(brainflowBoardOptions('Cyton Daisy'), undefined);
  const daisy = importRecording(file, { brainflow: brainflowBoardOptions('CytonDaisy') });
  assert.deepEqual([daisy.info.board, daisy.streams[0].rateHz, daisy.streams[0].channels[0].label], ['CytonDaisy', 125, 'Fp1']);
  assert.equal(importRecording(file, { brainflow: brainflowBoardOptions('Synthetic') }).info.board, 'Synthetic');
});

test('an archive, a compressed file, UTF-16 text or our CSV re-saved with other separators: the error says which, and what to do', () => {
  const refusal = (name: string, bytes: Uint8Array) => {
    try {
      importRecording([{ name, bytes }]);
    } catch (e) {
      assert.ok(e instanceof FormatError && e.code === 'not-this-format', `${name}: ${String(e)}`);
      return e.message;
    }
    return assert.fail(`${name} was imported`);
  };
  const text = (s: string) => new TextEncoder().encode(s);
  const csv = 'time_s,Fp1 (uV)\n0,1.5\n0.004,2\n';
  // (gzip's and ZIP's first bytes; 'S001R04.edf.gz' was answered as an annotation file of S001R04.edf)
  assert.match(refusal('S001R04.edf.gz', Uint8Array.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0])), /^S001R04\.edf\.gz: a gzip-compressed file: decompress it/);
  assert.match(refusal('eegmat.zip', Uint8Array.from([0x50, 0x4b, 3, 4, 20, 0, 0, 0])), /a ZIP archive: extract it and import the recording files inside/);
  assert.match(refusal('x.bz2', text('BZh91AY&SY')), /a bzip2-compressed file/);
  // UTF-16 little-endian with its byte-order mark, and without one
  const utf16 = (s: string, bom: boolean) => Uint8Array.from([...(bom ? [0xff, 0xfe] : []), ...[...s].flatMap((c) => [c.charCodeAt(0), 0])]);
  assert.match(refusal('u.csv', utf16(csv, true)), /text in UTF-16 .*save it as "CSV UTF-8"/);
  assert.match(refusal('u.txt', utf16(csv, false)), /text in UTF-16/);
  // a spreadsheet set to German saves ';' and decimal commas; "Text (tab delimited)" saves tabs
  assert.match(refusal('s.csv', text('\ufefftime_s;Fp1 (uV)\n0;1,5\n0,004;2\n')), /a HeartMind CSV with ';' between its fields .*decimal commas/);
  assert.match(refusal('t.txt', text(csv.replace(/,/g, '\t'))), /a HeartMind CSV with tabs between its fields/);
  // named as a format read, but not starting as it does: its first bytes and how that format starts
  // (it was 'not a format HeartMind reads (EDF/EDF+/BDF, …)', as if EDF were not read)
  assert.equal(refusal('S1.edf', text('1       rest of a header')), 'S1.edf: named .edf, but it does not start as one: an EDF starts with \'0\' and 7 spaces, a BDF with byte 255 and \'BIOSEMI\'; this one starts with "1       " (a damaged file, or another format under this name)');
  assert.match(refusal('S1.BDF', Uint8Array.from([0xfe, 0x42, 0x49, 0x4f, 0x53, 0x45, 0x4d, 0x49, 0x5c])), /^S1\.BDF: named \.bdf, but it does not start as one: a BDF starts with byte 255 and 'BIOSEMI', .*; this one starts with "\\xfeBIOSEMI" \(/);
  assert.match(refusal('run.xdf', text('XDX:\0\0\0')), /^run\.xdf: named \.xdf, but it does not start as one: an XDF starts with 'XDF:'; this one starts with "XDX:\\x00\\x00\\x00"/);
  // none of these: the formats read are listed, as before
  assert.match(refusal('r.bin', Uint8Array.from({ length: 64 }, (_, i) => (i * 37) % 256)), /not a format HeartMind reads \(EDF/);
  assert.match(refusal('BZhello.txt', text('BZhello world\n')), /not a format HeartMind reads/);
});
