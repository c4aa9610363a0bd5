// The recipes' EEG montages: the EEG corpus takes EEG Motor Movement/Imagery's 64-channel S001R04 at
// the montage EEGMAT's windows have (one batch shape, one jit compilation, rows named alike), every
// row filled from the real file (its dot-padded 10-10 labels, 'T7..', read as the 10-20 'T3').
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { importRecording } from '../../../src/shared/formats';
import { resolveMontage, TEN_TWENTY_19 } from '../../../src/shared/pipeline/montage';
import { eegCorpus, eegmatDataset } from '../../../src/shared/train/recipes';
import type { SourceSpec } from '../../../src/shared/train/job.types';
import type { StreamInfo } from '../../../src/shared/stream.types';
import { dataPath, NEED_DATA, readData } from '../../fixtures/shared-data';

test('the EEG corpus reads S001R04 at EEGMAT\'s 19-channel montage, every row from the file', { skip: NEED_DATA }, () => {
  const file = eegCorpus(dataPath()).sources.find((s): s is Extract<SourceSpec, { kind: 'file' }> => s.kind === 'file' && s.path.endsWith('S001R04.edf'));
  assert.ok(file, 'the EEG corpus lists S001R04.edf');
  assert.deepEqual(file.eegMontage, eegmatDataset(dataPath()).windowing.eegMontage, "S001R04's montage is EEGMAT's");
  assert.deepEqual(file.eegMontage, [...TEN_TWENTY_19], 'the 10-20 montage CBraMod was pretrained on');
  const rec = importRecording([{ name: 'S001R04.edf', bytes: readData('edf-eegmmidb', 'S001R04.edf') }]);
  const eeg = rec.streams.filter((s) => s.modality === 'eeg');
  assert.equal(eeg[0]?.channels.length, 64, 'S001R04 has 64 EEG channels');
  const rows = resolveMontage(file.eegMontage!, eeg.map((s, i) => ({ id: `s${i}`, deviceId: 'f', deviceName: 'f', deviceModel: 'file', modality: 'eeg', nominalRateHz: 160, channels: s.channels.map((c) => ({ label: c.label, unit: 'uV' })) }) as StreamInfo));
  const labels = eeg[0].channels.map((c) => c.label);
  assert.deepEqual(
    rows.map((r) => (r.source ? labels[r.source.channel] : null)),
    ['Fp1.', 'Fp2.', 'F3..', 'F4..', 'C3..', 'C4..', 'P3..', 'P4..', 'O1..', 'O2..', 'F7..', 'F8..', 'T7..', 'T8..', 'P7..', 'P8..', 'Fz..', 'Cz..', 'Pz..'],
    'each 10-20 row takes its electrode of the file (none zero-filled)',
  );
});
