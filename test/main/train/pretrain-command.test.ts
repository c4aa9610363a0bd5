// `heartmind pretrain`: mask ratios and every number flag parse strictly (a non-numeric ratio once
// trained with almost no masking), flags that do not apply are refused, and the help's defaults
// come from the code. A --session not in the database is refused before a run folder is made.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { command as pretrain } from '../../../src/main/train/pretrain-command';
import { command as train } from '../../../src/main/train/train-command';
import { CliUsageError } from '../../../src/main/core/cli-command';
import { DEFAULT_PRETRAIN_BATCH } from '../../../src/shared/train/recipes';
import { refuses, scratch } from './cli-test-util';

const LUDB = resolve('..', 'shared', 'data', 'wfdb-ludb', '1.hea');

describe('pretrain: flags checked before any work', () => {
  test('a ratio that is not a number in [0, 1) is a usage error naming the flag and the value', async (t) => {
    const s = scratch(t);
    const eeg = ['--modality', 'eeg', '--eegmat', s.eegmat];
    const ecg = ['--modality', 'ecg', '--eegmat', s.eegmat];
    await refuses(pretrain, [...eeg, '--patch-ratio', 'abc'], s.runs, /^--patch-ratio must be a number in \[0, 1\), got 'abc'$/);
    await refuses(pretrain, [...ecg, '--lead-ratio', 'abc'], s.runs, /^--lead-ratio must be a number in \[0, 1\), got 'abc'$/);
    await refuses(pretrain, [...ecg, '--patch-ratio', '1'], s.runs, /--patch-ratio must be a number in \[0, 1\), got '1'/);
    // In range one by one, nothing masked together: the run's own mask check, up front.
    await refuses(pretrain, [...eeg, '--patch-ratio', '0'], s.runs, /an EEG mask with patchRatio 0 masks nothing/);
    await refuses(pretrain, [...ecg, '--patch-ratio', '0', '--lead-ratio', '0'], s.runs, /an ECG mask with both ratios 0 masks nothing/);
  });

  test('the other numbers, the flags that do not apply, and a missing recording', async (t) => {
    const s = scratch(t);
    const eeg = ['--modality', 'eeg', '--eegmat', s.eegmat];
    await refuses(pretrain, [...eeg, '--lr', 'abc'], s.runs, /--lr must be a number in \(0, 1\), got 'abc'/);
    await refuses(pretrain, [...eeg, '--steps', '2x'], s.runs, /--steps must be a positive integer, got '2x'/);
    await refuses(pretrain, [...eeg, '--layers', 'abc'], s.runs, /--layers must be a positive integer, got 'abc'/);
    await refuses(pretrain, [...eeg, '--seed', '-1'], s.runs, /--seed/);
    await refuses(pretrain, [...eeg, '--lead-ratio', '0.3', '--temporal', 'shared'], s.runs, /--lead-ratio, --temporal apply to ECG pretraining only/);
    await refuses(pretrain, [...eeg, '--labels', 'file'], s.runs, /pretraining reads no labels; --labels does not apply/);
    // A DREAMER dimension and a recording's class are labels too: refused, not dropped (or read as part of the path).
    await refuses(pretrain, ['--modality', 'eeg', '--dreamer', join(s.dir, 'DREAMER.mat'), '--dimension', 'valence'], s.runs, /^pretraining reads no labels; --dimension does not apply$/);
    await refuses(pretrain, ['--modality', 'eeg', '--file', `${join(s.eegmat, 'Subject00_1.edf')}=rest`], s.runs, /^--file '.*Subject00_1\.edf=rest': pretraining reads no labels; write --file .*Subject00_1\.edf$/);
    await refuses(pretrain, ['--modality', 'eeg', '--file', join(s.dir, 'missing.edf'), '--layers', '1', '--steps', '2'], s.runs, /^--file: no such file .*missing\.edf$/);
    await refuses(pretrain, ['--modality', 'eegg', '--eegmat', s.eegmat], s.runs, /--modality must be eeg or ecg, got 'eegg'/);
  });

  test('--help lists the recordings without the label flags pretraining refuses', () => {
    assert.match(pretrain.usage, /--file PATH  +a recording/);
    assert.doesNotMatch(pretrain.usage, /=CLASS|--task|--labels|--dimension|--threshold/);
  });

  test('a --session the recordings database lacks is refused before a run folder (it made one that failed at once)', async (t) => {
    const s = scratch(t);
    await refuses(pretrain, ['--modality', 'ecg', '--session', '99', '--data-dir', join(s.dir, 'data')], s.runs, /^--session: no session 99 in the recordings database \(the Sessions view, or heartmind sessions list, lists the sessions it holds\)$/);
  });

  test("the 'use it' line names the one modality the run pretrained: pasted with a dataset, train takes its encoder (without --modalities it refused it)", { skip: !existsSync(LUDB) && 'needs ../shared/data/wfdb-ludb' }, async (t) => {
    const s = scratch(t);
    const out: string[] = [];
    const io = { out: (l: string) => out.push(l), err: () => undefined };
    // One 1-layer step on one LUDB window: a run that pretrained the ECG encoder only.
    assert.equal(await pretrain.run(['--modality', 'ecg', '--file', LUDB, '--layers', '1', '--steps', '1', '--batch', '1', '--out', s.runs], io), 0, out.join('\n'));
    const line = out.find((l) => l.startsWith('use it: '));
    assert.ok(line, `a 'use it' line:\n${out.join('\n')}`);
    const words = execFileSync('sh', ['-c', `printf '%s\\0' ${line.slice('use it: '.length)}`], { encoding: 'utf8' }).split('\0').slice(0, -1);
    const id = words[words.indexOf('--encoders') + 1];
    assert.deepEqual(words, ['heartmind', 'train', 'DATASET', '--encoders', id, '--modalities', 'ecg', '--out', s.runs]);
    // With a dataset for DATASET, the run's encoder passes train's checks: the stand-in EEGMAT files fail later, on their headers.
    const argv = [...words.slice(2).flatMap((w) => (w === 'DATASET' ? ['--eegmat', s.eegmat] : [w])), '--preview'];
    await assert.rejects(train.run(argv, io), (e: Error) => !(e instanceof CliUsageError && /--encoders/.test(e.message)) || assert.fail(`train refused the encoders it was told to use: ${e.message}`));
    // Without --modalities (the line as it was) train refuses them.
    await assert.rejects(train.run(argv.filter((w, i) => w !== '--modalities' && argv[i - 1] !== '--modalities'), io), (e: Error) => e instanceof CliUsageError && /has no pretrained EEG encoder/.test(e.message));
  });

  test('--help gives each modality\'s batch from the recipe constants', () => {
    assert.match(pretrain.usage, new RegExp(`batch ${DEFAULT_PRETRAIN_BATCH.eeg} for EEG, \\d+ at batch ${DEFAULT_PRETRAIN_BATCH.ecg} for ECG`));
    assert.notEqual(DEFAULT_PRETRAIN_BATCH.eeg, DEFAULT_PRETRAIN_BATCH.ecg, 'the help must say two batch sizes');
  });
});
