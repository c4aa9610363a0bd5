// The one key channel labels are compared by (electrodeKey), and the importers' electrode position
// read from the same part of the label, over the labels of the real recordings in ../shared/data and
// the devices' own names; and what the key decides on every real file: the montage rows, the shipped
// model's contract and the R-peak lead, pinned as they were when the model card (canonicalChannel),
// the montage (electrodeKey) and the importers (electrodePosition) each read labels their own way.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { electrodeKey } from '../../src/shared/channel-label';
import { electrodePosition, importRecording } from '../../src/shared/formats';
import { matchChannels } from '../../src/shared/model/card';
import type { ModelCard } from '../../src/shared/model/model.types';
import { resolveMontage, rPeakLead, TEN_TWENTY_19 } from '../../src/shared/pipeline/montage';
import type { StreamInfo } from '../../src/shared/stream.types';
import { CYTON_LABELS_16 } from '../../src/shared/devices/cyton/cyton.types';
import { MUSE_EEG_LABELS } from '../../src/shared/devices/muse/muse.types';
import { dataPath, NEED_DATA, readData } from '../fixtures/shared-data';

/** An EEG or ECG stream of a real recording: its channels' labels and the electrode positions the importer recorded. */
interface RealStream {
  modality: 'eeg' | 'ecg';
  labels: string[];
  positions: (string | undefined)[];
}

/** Every recording in ../shared/data (a WFDB record by its header, with its files): its EEG and ECG streams' labels. */
function realRecordings(): Map<string, RealStream[]> {
  const out = new Map<string, RealStream[]>();
  for (const dir of readdirSync(dataPath()).filter((d) => /^(edf|wfdb|xdf|openbci)/.test(d)).sort()) {
    const names = readdirSync(dataPath(dir)).sort();
    const records = dir.startsWith('wfdb-')
      ? names.filter((n) => n.endsWith('.hea')).map((h) => [h, ...names.filter((n) => n !== h && n.startsWith(h.replace(/hea$/, '')))])
      : names.filter((n) => /\.(edf|bdf|xdf|txt)$/.test(n)).map((n) => [n]);
    for (const files of records) {
      const rec = importRecording(files.map((name) => ({ name, bytes: readData(dir, name) })));
      const streams = rec.streams.flatMap((s) => (s.modality === 'other' ? [] : [{ modality: s.modality, labels: s.channels.map((c) => c.label), positions: s.channels.map((c) => c.position) }]));
      out.set(`${dir}/${files[0]}`, streams);
    }
  }
  return out;
}
const REAL = NEED_DATA ? new Map<string, RealStream[]>() : realRecordings();
const realLabels = (file: string) => (REAL.get(file) ?? []).flatMap((s) => s.labels);

/** BrainFlow's own board descriptions (eeg_names), as its C++ source has them. */
const boards = NEED_DATA ? {} : (JSON.parse(readFileSync(dataPath('device-frames', 'brainflow-boards.json'), 'utf8')).boards as Record<string, Record<string, { eeg_names?: string }>>);
const boardNames = (id: string) => (boards[id]?.default?.eeg_names ?? '').split(',');

// [label, key, electrode position the importers record ('' = none), where the label comes from]:
// a file of ../shared/data, a device's labels, or 'rule' for a spelling of another corpus that the
// rule is for (not in ../shared/data). A position keeps the 10-10 name the label has ('T7').
const TABLE: [string, string, string, string][] = [
  // EEGMAT (EDF+ type prefixes; the reference channel A2-A1 and the ECG lead)
  ['EEG Fp1', 'FP1', 'Fp1', 'edf-eegmat/Subject00_1.edf'],
  ['EEG T3', 'T3', 'T3', 'edf-eegmat/Subject00_1.edf'],
  ['EEG T6', 'T6', 'T6', 'edf-eegmat/Subject00_1.edf'],
  ['EEG Cz', 'CZ', 'Cz', 'edf-eegmat/Subject00_1.edf'],
  ['EEG A2-A1', 'A2', 'A2', 'edf-eegmat/Subject00_1.edf'],
  ['ECG ECG', 'ECG', '', 'edf-eegmat/Subject00_1.edf'],
  // EEG Motor Movement/Imagery: 10-10 names padded with dots to four characters
  ['Fp1.', 'FP1', 'Fp1', 'edf-eegmmidb/S001R04.edf'],
  ['Cz..', 'CZ', 'Cz', 'edf-eegmmidb/S001R04.edf'],
  ['T7..', 'T3', 'T7', 'edf-eegmmidb/S001R04.edf'],
  ['P8..', 'T6', 'P8', 'edf-eegmmidb/S001R04.edf'],
  ['T10.', 'T10', 'T10', 'edf-eegmmidb/S001R04.edf'],
  ['Fcz.', 'FCZ', 'FCz', 'edf-eegmmidb/S001R04.edf'],
  ['Iz..', 'IZ', 'Iz', 'edf-eegmmidb/S001R04.edf'],
  // MNE's test files: plain names, other types kept whole
  ['Cz', 'CZ', 'Cz', 'edf-mne/test_bdf_stim_channel.bdf'],
  ['EEG Pz', 'PZ', 'Pz', 'edf-mne/test_edf_stim_channel.edf'],
  ['ECG ECG2', 'ECG2', '', 'edf-mne/test_edf_stim_channel.edf'],
  // OpenBCI GUI, XDF, WFDB: names that are no electrode stay themselves, upper case
  ['EXG Channel 0', 'CHANNEL 0', '', 'openbci-gui/OpenBCI_GUI-v6-blinks-jawClench-alpha.txt'],
  ['SendDataC 1', 'SENDDATAC 1', '', 'xdf/minimal.xdf'],
  ['BioSemi 8', 'BIOSEMI 8', '', 'xdf/clock_resets.xdf'],
  ['MLII', 'MLII', '', 'wfdb-mitdb/100.hea'],
  ['V5', 'V5', '', 'wfdb-mitdb/100.hea'],
  ['ii', 'II', '', 'wfdb-ludb/1.hea'],
  ['avr', 'AVR', '', 'wfdb-ptbdb/s0010_re.hea'],
  ['ECG 1', '1', '', 'wfdb-macecgdb/test01_00s.hea'],
  // Devices: Muse, Cyton (+ Daisy), BrainFlow's boards
  ['TP9', 'TP9', 'TP9', 'Muse'],
  ['TP10', 'TP10', 'TP10', 'Muse'],
  ['AUX', 'AUX', '', 'Muse'],
  ['P7', 'T5', 'P7', 'Cyton'],
  ['T8', 'T4', 'T8', 'Cyton'],
  ['PO7', 'PO7', 'PO7', 'BrainFlow -1'],
  ['F5', 'F5', 'F5', 'BrainFlow -1'],
  // Other corpora's spellings the rules are for
  ['EEG FP1-REF', 'FP1', 'Fp1', 'rule'], // TUH EEG
  ['EEG T7-LE', 'T3', 'T7', 'rule'],
  ['EEG Fpz-Cz', 'FPZ', 'Fpz', 'rule'], // Sleep-EDF
  ['C4-M1', 'C4', 'C4', 'rule'], // sleep montages
  ['Fp1 - A2', 'FP1', 'Fp1', 'rule'],
  ['Fp1_AVG', 'FP1', 'Fp1', 'rule'],
  ['EEG:O2', 'O2', 'O2', 'rule'],
  ['EKG II', 'II', '', 'rule'],
  ['ECG', 'ECG', '', 'rule'], // a chest strap's one lead: no prefix without a separator
  ['EEG', 'EEG', '', 'rule'],
  ['A1', 'A1', 'A1', 'rule'], // a reference alone is still an electrode
  ['EEG CZ', 'CZ', 'Cz', 'rule'],
  ['C3 (Cyton)', 'C3 (CYTON)', '', 'rule'], // the montage's name for a second device's C3: no 10-20 name
  ['EXG Fp1', 'FP1', 'Fp1', 'rule'], // OpenBCI's ExG type
  ['EOG Fp1', 'FP1', 'Fp1', 'rule'],
  ['Fp1-RE', 'FP1', 'Fp1', 'rule'],
  ['EEG C3-LINKED', 'C3', 'C3', 'rule'],
  ['O2_mastoids', 'O2', 'O2', 'rule'],
  ['Fp1 REF', 'FP1', 'Fp1', 'rule'],
  ['Fp1-F7', 'FP1-F7', '', 'rule'], // a bipolar derivation is no one electrode
];

describe('electrodeKey', () => {
  test('every label of the table has its key, and the importers record its electrode position', () => {
    const wrong = TABLE.filter(([label, key]) => electrodeKey(label) !== key).map(([label, key]) => `${label}: ${electrodeKey(label)}, expected ${key}`);
    assert.deepEqual(wrong, [], 'keys differ');
    const positions = TABLE.filter(([label, , position]) => (electrodePosition(label) ?? '') !== position).map(([label, , position]) => `${label}: ${electrodePosition(label)}, expected ${position || 'none'}`);
    assert.deepEqual(positions, [], 'positions differ');
    // A positioned channel is the one the montage finds by that name.
    const apart = TABLE.filter(([label, , position]) => position && electrodeKey(position) !== electrodeKey(label)).map(([label]) => label);
    assert.deepEqual(apart, [], 'position and key name different electrodes');
  });

  test('the table\'s real labels are in their files and devices', { skip: NEED_DATA }, () => {
    const device: Record<string, readonly string[]> = { Muse: MUSE_EEG_LABELS, Cyton: CYTON_LABELS_16, 'BrainFlow -1': boardNames('-1') };
    const absent = TABLE.filter(([label, , , from]) => from !== 'rule' && !(device[from] ?? realLabels(from)).includes(label)).map(([label, , , from]) => `${label} (${from})`);
    assert.deepEqual(absent, [], 'labels the table names but its source lacks');
  });
});

// What the key decides on each real recording, as before the card and the montage shared it:
// 'auto' montage rows (the 19 10-20 rows with the channel each takes, or the device's channels as
// delivered), the explicit 19-channel montage ('-' = zero-filled), the shipped model's contract
// for that modality, and for ECG the lead R peaks are found on. EEGMAT's 24 files all read the same.
const TEN_TWENTY = 'Fp1 Fp2 F3 F4 C3 C4 P3 P4 O1 O2 F7 F8 T3 T4 T5 T6 Fz Cz Pz';
const NONE_19 = TEN_TWENTY.replace(/\S+/g, '-');
const EEGMAT_ROWS = '0 1 2 3 8 9 12 13 14 15 4 5 6 7 10 11 16 17 18';
const RESOLVED: Record<string, { auto: string; montage19?: string; contract: string; rPeakLead?: number }> = {
  'edf-eegmat/SubjectNN_N.edf eeg': { auto: `10-20 ${EEGMAT_ROWS}`, montage19: EEGMAT_ROWS, contract: EEGMAT_ROWS },
  'edf-eegmat/SubjectNN_N.edf ecg': { auto: 'device', contract: '0', rPeakLead: 0 },
  'edf-eegmmidb/S001R04.edf eeg': {
    auto: '10-20 21 23 31 35 8 12 48 52 60 62 29 37 40 41 46 54 33 10 50',
    montage19: '21 23 31 35 8 12 48 52 60 62 29 37 40 41 46 54 33 10 50',
    contract: '21 23 31 35 8 12 48 52 60 62 29 37 40 41 46 54 33 10 50',
  },
  'edf-mne/test_bdf_stim_channel.bdf eeg': { auto: 'device', montage19: '- - - - 0 1 - - - - - - - - - - - 2 -', contract: 'missing Fp1 Fp2 F3 F4 P3 P4 O1 O2 F7 F8 T3 T4 T5 T6 Fz Pz' },
  'edf-mne/test_edf_stim_channel.edf eeg': {
    auto: '10-20 0 1 3 5 8 10 13 15 17 18 2 6 7 11 12 16 4 9 14',
    montage19: '0 1 3 5 8 10 13 15 17 18 2 6 7 11 12 16 4 9 14',
    contract: '0 1 3 5 8 10 13 15 17 18 2 6 7 11 12 16 4 9 14',
  },
  // The one change: the card's key always read EDF's type prefix on an ECG lead ('ECG ECG2' is
  // ECG2, a name of lead II in the lead preference); the montage's did not, and took the first lead.
  'edf-mne/test_edf_stim_channel.edf ecg': { auto: 'device', contract: '2 channels', rPeakLead: 1 },
  'openbci-gui/OpenBCI_GUI-v6-blinks-jawClench-alpha.txt eeg': { auto: 'device', montage19: NONE_19, contract: `missing ${TEN_TWENTY}` },
  'wfdb-ludb/1.hea ecg': { auto: 'device', contract: '12 channels', rPeakLead: 1 },
  'wfdb-macecgdb/test01_00s.hea ecg': { auto: 'device', contract: '4 channels', rPeakLead: 0 },
  'wfdb-mitdb/100.hea ecg': { auto: 'device', contract: '2 channels', rPeakLead: 0 },
  'wfdb-ptbdb/s0010_re.hea ecg': { auto: 'device', contract: '15 channels', rPeakLead: 1 },
  'xdf/clock_resets.xdf eeg': { auto: 'device', montage19: NONE_19, contract: `missing ${TEN_TWENTY}` },
  'xdf/minimal.xdf eeg': { auto: 'device', montage19: NONE_19, contract: `missing ${TEN_TWENTY}` },
};

describe('the channels every real recording resolves to', { skip: NEED_DATA }, () => {
  const card = JSON.parse(readFileSync('models/heartmind-eegmat-arithmetic/card.json', 'utf8')) as ModelCard;

  function resolved(file: string, modality: 'eeg' | 'ecg', labels: string[]) {
    const stream = { id: `${file}/${modality}`, deviceId: file, deviceName: file, deviceModel: 'file', modality, nominalRateHz: 500, channels: labels.map((label) => ({ label, unit: 'uV' })) } as StreamInfo;
    const rows = resolveMontage(modality === 'eeg' ? 'auto' : 'device', [stream]);
    const sources = (r: { source: { channel: number } | null }[]) => r.map((x) => x.source?.channel ?? '-').join(' ');
    const asDelivered = rows.length === labels.length && rows.every((r, i) => r.label === labels[i] && r.source?.channel === i);
    assert.ok(asDelivered || rows.map((r) => r.label).join(' ') === TEN_TWENTY, `${file} ${modality}: rows are the device's channels or the 10-20 montage: ${rows.map((r) => r.label).join(' ')}`);
    const m = matchChannels(card.input[modality]!, labels);
    return {
      auto: asDelivered ? 'device' : `10-20 ${sources(rows)}`,
      ...(modality === 'eeg' ? { montage19: sources(resolveMontage([...TEN_TWENTY_19], [stream])) } : {}),
      contract: 'indices' in m ? m.indices.join(' ') : m.missing.length ? `missing ${m.missing.join(' ')}` : m.reason.replace(/, the model reads .*/, ''),
      ...(modality === 'ecg' ? { rPeakLead: rPeakLead(labels) } : {}),
    };
  }

  test('montage rows, the shipped model\'s contract and the R-peak lead are as pinned, for every file', () => {
    const seen = new Set<string>();
    let eegmatFiles = 0;
    for (const [file, streams] of REAL) {
      const name = file.replace(/^edf-eegmat\/Subject\d\d_\d\.edf$/, 'edf-eegmat/SubjectNN_N.edf');
      if (name !== file) eegmatFiles++;
      for (const { modality, labels } of streams) {
        const key = `${name} ${modality}`;
        seen.add(key);
        assert.deepEqual(resolved(file, modality, labels), RESOLVED[key], `${file} ${modality} (${labels.join(', ')})`);
      }
    }
    assert.equal(eegmatFiles, 24, 'every EEGMAT file read');
    // The electrode position an importer recorded names the electrode the montage takes the channel for.
    const apart = [...REAL].flatMap(([file, streams]) => streams.flatMap((s) => s.labels.filter((l, i) => s.positions[i] !== undefined && electrodeKey(s.positions[i]!) !== electrodeKey(l)).map((l) => `${file}: ${l}`)));
    assert.deepEqual(apart, [], 'position and key name different electrodes');
    assert.deepEqual([...seen].sort(), Object.keys(RESOLVED).sort(), 'every pinned recording is in ../shared/data, and every recording pinned');
  });
});
