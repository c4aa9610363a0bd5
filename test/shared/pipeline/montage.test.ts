// Which stream channel fills which row of a window's block.
import { test } from 'node:test';
import assert from 'node:assert/strict';
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
