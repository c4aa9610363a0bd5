// DREAMER clips as dataset sources, on the structure fixture (real layout, synthetic numbers): each
// subject × clip goes through the live pipeline (14-ch Emotiv EEG at 128 Hz and 2-lead ECG at 256 Hz
// resampled to 200 Hz) and its windows carry the clip's binarised rating.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseDreamer } from '../../../src/shared/datasets/dreamer';
import { dreamerSources } from '../../../src/shared/datasets/dreamer-sources';
import { buildWindowDataset } from '../../../src/shared/datasets/build-windows';
import type { DatasetError } from '../../../src/shared/datasets/datasets.types';
import { TASKS_AFFECT } from '../../../src/shared/model/config';

const FILE = resolve('..', 'shared', 'data', 'dreamer-format', 'DREAMER-structure.mat');

describe('dreamerSources', { skip: !existsSync(FILE) && 'needs ../shared/data/dreamer-format' }, () => {
  test('one source per subject × clip, labelled by the rating, windowed by the pipeline', async () => {
    const ds = parseDreamer(new Uint8Array(readFileSync(FILE)), 'DREAMER.mat');
    const sources = dreamerSources(ds, 'arousal');
    assert.equal(sources.length, 2 * 18);
    assert.equal(sources[0].id, 'S01-clip01');
    assert.deepEqual(sources.slice(0, 5).map((s) => s.fileLabel), [4, 3, 1, 3, 1].map((score) => (score >= 4 ? 'high' : 'low')));
    const built = await buildWindowDataset('dreamer', sources, TASKS_AFFECT[1], { kind: 'file' }, { windowSec: 1, hopSec: 1, eegMontage: 'device', ecgMontage: 'device', mainsHz: 50, modalities: ['eeg', 'ecg'], require: 'all' });
    assert.ok(built.windows.length >= 36, `${built.windows.length} windows`);
    assert.deepEqual([...new Set(built.windows.map((w) => w.subject))], ['S01', 'S02']);
    const w = built.windows.find((x) => x.recording === 'S01-clip01')!;
    assert.equal(w.label, 1, 'arousal 4 is high');
    assert.equal(w.eegChannels.length, 14);
    assert.equal(w.ecgChannels.length, 2);
    assert.equal(w.eeg!.length, 14 * 200);
  });

  test('clips shorter than a window: the error says so, recording by recording', async () => {
    const ds = parseDreamer(new Uint8Array(readFileSync(FILE)), 'DREAMER.mat');
    await assert.rejects(
      buildWindowDataset('dreamer', dreamerSources(ds, 'arousal'), TASKS_AFFECT[1], { kind: 'file' }, { windowSec: 5, hopSec: 5, eegMontage: 'device', ecgMontage: 'device', mainsHz: 50, modalities: ['eeg', 'ecg'], require: 'all' }),
      (e: DatasetError) => /^no usable windows in any of the 36 recordings \(S01-clip01, S01-clip02, S01-clip03, …\): shorter than one 5-s window after the 1-s warm-up of the filters$/.test(e.message),
    );
  });
});
