// Every file in ../shared/data goes through the one import entry point, with the figures
// SOURCES.md lists.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { detectFormat, FormatError, importRecording, type ImportedRecording } from '../../../src/shared/formats';
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
    assert.equal(x.format, 'xdf');
    assert.ok(x.streams.length >= 1 && x.annotations.length >= 9, name);
  }
});

test('format detection goes by the bytes, not the name', { skip: NEED_DATA }, () => {
  const edf = one('edf-eegmmidb', 'S001R04.edf')[0];
  assert.equal(detectFormat({ name: 'renamed.dat', bytes: edf.bytes }), 'edf');
  assert.equal(detectFormat({ name: 'x.edf', bytes: one('edf-mne', 'test_bdf_stim_channel.bdf')[0].bytes }), 'bdf');
  assert.equal(detectFormat({ name: 'x.txt', bytes: one('xdf', 'minimal.xdf')[0].bytes }), 'xdf');
  assert.equal(detectFormat({ name: 'x.csv', bytes: new TextEncoder().encode('1.000000\t2.000000\n') }), 'brainflow-csv');
  assert.equal(detectFormat({ name: 'x.bin', bytes: Uint8Array.from([1, 2, 3]) }), null);
  assert.throws(() => importRecording([{ name: 'x.bin', bytes: Uint8Array.from([1, 2, 3]) }]), (e: unknown) => e instanceof FormatError && e.code === 'not-this-format' && /x\.bin/.test(e.message));
  assert.throws(() => importRecording([{ name: 'e.edf', bytes: new Uint8Array(0) }]), (e: unknown) => e instanceof FormatError && e.code === 'empty');
});
