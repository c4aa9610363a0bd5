// `heartmind evaluate`: its number flags parse strictly and the fine-tuning config is checked
// before the dataset is built (once: --layers abc meant 12 layers, --seed abc saved seed null,
// --epochs abc failed after minutes of embedding).
import { describe, test } from 'node:test';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { command as evaluate } from '../../../src/main/train/evaluate-command';
import { refuses, scratch } from './cli-test-util';

describe('evaluate: flags checked before any work', () => {
  test('bad numbers and choices name the flag and the value', async (t) => {
    const s = scratch(t);
    const ds = ['--eegmat', s.eegmat];
    await refuses(evaluate, [...ds, '--layers', 'abc'], s.runs, /^--layers must be a positive integer, got 'abc'$/);
    await refuses(evaluate, [...ds, '--layers', '0'], s.runs, /^--layers must be a positive integer, got '0'$/);
    await refuses(evaluate, [...ds, '--seed', 'abc'], s.runs, /^--seed must be an integer from 0 to 4294967295, got 'abc'$/);
    await refuses(evaluate, [...ds, '--epochs', 'abc'], s.runs, /^--epochs must be a positive integer, got 'abc'$/);
    await refuses(evaluate, [...ds, '--batch', '8.5'], s.runs, /^--batch must be a positive integer, got '8\.5'$/);
    await refuses(evaluate, [...ds, '--validation', 'two'], s.runs, /^--validation must be an integer ≥ 0, got 'two'$/);
    await refuses(evaluate, [...ds, '--freeze', 'head'], s.runs, /^--freeze must be encoders or none, got 'head'$/);
    await refuses(evaluate, [...ds, '--split', 'kfold:1'], s.runs, /--split must be loso or kfold:K/);
    await refuses(evaluate, [...ds, '--arms', 'eeg/'], s.runs, /^--arms: 'eeg\/' is not fused\|eeg\|ecg\[\/pretrained\|random\]$/);
    await refuses(evaluate, [...ds, '--arms', 'eeg/random/x'], s.runs, /^--arms: 'eeg\/random\/x' is not/);
    await refuses(evaluate, [...ds, '--arms', 'fused,eeg,fused'], s.runs, /^--arms names fused\/random twice$/);
    await refuses(evaluate, [...ds, '--arms', 'eeg,eeg/random'], s.runs, /^--arms names eeg\/random twice \(an arm without \/pretrained or \/random is random, from --encoders\)$/);
  });

  test('a missing dataset or encoder, and pretrained arms without pretrained encoders', async (t) => {
    const s = scratch(t);
    await refuses(evaluate, ['--eegmat', '/nonexistent'], s.runs, /^--eegmat: no such folder \/nonexistent$/);
    await refuses(evaluate, ['--eegmat', s.eegmat, '--encoders', 'no-such-run'], s.runs, /--encoders: no run 'no-such-run'/);
    // A run's encoders bring their layers: --layers beside them was dropped without a word.
    await refuses(evaluate, ['--eegmat', s.eegmat, '--encoders', 'some-run', '--layers', '3'], s.runs, /^--layers does not apply with --encoders some-run: that run's encoders bring their own layers$/);
    await refuses(evaluate, ['--eegmat', s.eegmat, '--arms', 'fused/pretrained'], s.runs, /the fused\/pretrained arm needs a pretrained EEG encoder, and the encoders are random: .*leave it out of --arms or write fused\/random/);
    const pth = join(s.dir, 'pretrained_weights.pth');
    writeFileSync(pth, '');
    await refuses(evaluate, ['--eegmat', s.eegmat, '--encoders', pth, '--arms', 'eeg,ecg'], s.runs, /the ecg\/pretrained arm needs a pretrained ECG encoder, and a CBraMod \.pth holds the EEG encoder only/);
  });
});
