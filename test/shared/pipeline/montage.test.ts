// Which stream channel fills which row of a window's block.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { electrodeKey } from '../../../src/shared/channel-label';
import { resolveMontage, TEN_TWENTY_19 } from '../../../src/shared/pipeline/montage';
import type { StreamInfo } from '../../../src/shared/stream.types';

function stream(id: string, deviceName: string, labels: string[]): StreamInfo {
  return { id, deviceId: id.split('/')[0], deviceName, deviceModel: 'test', modality: 'eeg', nominalRateHz: 250, channels: labels.map((label) => ({ label, unit: 'uV' })) } as StreamInfo;
}

test("device order: two devices with the same electrode names give every row its own name, the first device's keeping the plain one", () => {
  const cyton = stream('cyton-1/eeg', 'Cyton', ['Fp1', 'Fp2', 'C3', 'C4']);
  const synth = stream('brainflow-2/eeg', 'BrainFlow synthetic', ['C3', 'c4', 'T7', 'Cz']);
  const rows = resolveMontage('device', [cyton, synth]);
  // Streams in id order (brainflow-2 before cyton-1): its channels keep their names.
  assert.deepEqual(
    rows.map((r) => r.label),
    ['C3', 'c4', 'T7', 'Cz', 'Fp1', 'Fp2', 'C3 (Cyton)', 'C4 (Cyton)'],
  );
  assert.deepEqual(rows[6].source, { streamId: 'cyton-1/eeg', channel: 2 });
  assert.equal(new Set(rows.map((r) => r.label)).size, rows.length);
  // Two headsets of one name: the stream id tells them apart.
  const twins = resolveMontage('device', [stream('muse-a/eeg', 'Muse', ['TP9', 'AF7']), stream('muse-b/eeg', 'Muse', ['TP9', 'AF7']), stream('muse-c/eeg', 'Muse', ['TP9'])]);
  assert.deepEqual(twins.map((r) => r.label), ['TP9', 'AF7', 'TP9 (Muse)', 'AF7 (Muse)', 'TP9 (muse-c/eeg)']);
  // A named montage takes each electrode from the first stream that has it.
  assert.deepEqual(resolveMontage(['C3', 'Fp1'], [cyton, synth]).map((r) => r.source), [
    { streamId: 'brainflow-2/eeg', channel: 0 },
    { streamId: 'cyton-1/eeg', channel: 0 },
  ]);
});

test('one device keeps its labels as delivered; auto takes the 10-20 order when all 19 are there', () => {
  const muse = stream('muse-1/eeg', 'Muse', ['TP9', 'AF7', 'AF8', 'TP10']);
  assert.deepEqual(resolveMontage('auto', [muse]).map((r) => r.label), ['TP9', 'AF7', 'AF8', 'TP10']);
  const cap = stream('cap-1/eeg', 'Cap', [...TEN_TWENTY_19].reverse().map((l) => `EEG ${l}-REF`));
  const rows = resolveMontage('auto', [cap]);
  assert.deepEqual(rows.map((r) => r.label), [...TEN_TWENTY_19]);
  assert.deepEqual(rows[0].source, { streamId: 'cap-1/eeg', channel: 18 });
});

test("auto finds the 10-20 electrodes in PhysioNet EEG Motor Movement/Imagery's 64 labels, padded with dots ('Fp1.', 'Cz..')", () => {
  // S001R04.edf's labels as stored (64 channels at 160 Hz, 10-10 names: T7/T8/P7/P8 for T3/T4/T5/T6).
  const labels = 'Fc5. Fc3. Fc1. Fcz. Fc2. Fc4. Fc6. C5.. C3.. C1.. Cz.. C2.. C4.. C6.. Cp5. Cp3. Cp1. Cpz. Cp2. Cp4. Cp6. Fp1. Fpz. Fp2. Af7. Af3. Afz. Af4. Af8. F7.. F5.. F3.. F1.. Fz.. F2.. F4.. F6.. F8.. Ft7. Ft8. T7.. T8.. T9.. T10. Tp7. Tp8. P7.. P5.. P3.. P1.. Pz.. P2.. P4.. P6.. P8.. Po7. Po3. Poz. Po4. Po8. O1.. Oz.. O2.. Iz..'.split(' ');
  const rows = resolveMontage('auto', [stream('mmidb/eeg', 'S001R04', labels)]);
  assert.deepEqual(rows.map((r) => r.label), [...TEN_TWENTY_19], 'the 19-channel 10-20 montage, not the 64 device channels');
  assert.deepEqual(rows.map((r) => labels[r.source!.channel]), ['Fp1.', 'Fp2.', 'F3..', 'F4..', 'C3..', 'C4..', 'P3..', 'P4..', 'O1..', 'O2..', 'F7..', 'F8..', 'T7..', 'T8..', 'P7..', 'P8..', 'Fz..', 'Cz..', 'Pz..']);
  assert.equal(electrodeKey('Cz..'), 'CZ');
  assert.equal(electrodeKey('T10.'), 'T10');
});
