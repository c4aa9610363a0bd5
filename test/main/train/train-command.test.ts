// `heartmind train`: every flag the chosen mode would ignore is refused with the list, bad numbers
// and missing inputs are usage errors naming the flag, and none of it leaves a run folder behind.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { deflateSync, inflateSync } from 'node:zlib';
import { parseDreamer } from '../../../src/shared/datasets/dreamer';
import { DbClient, databasePathFor } from '../../../src/main/db/db-client';
import { checkJobInputs, datasetFromFlags, runsRoot } from '../../../src/main/train/cli-train';
import { RunStore } from '../../../src/main/train/run-store';
import { quickRecipe } from '../../../src/shared/train/recipes';
import { trainingAreaFolders } from '../../../src/main/train/training.core';
import { command as pretrain } from '../../../src/main/train/pretrain-command';
import { command as exportModel } from '../../../src/main/train/export-command';
import { command as train, defaultExportName } from '../../../src/main/train/train-command';
import { command as evaluate } from '../../../src/main/train/evaluate-command';
import { addSession, refuses, scratch } from './cli-test-util';
import { ablationArms } from '../../../src/shared/train/defaults';
import type { JobSpec } from '../../../src/shared/train/job.types';

const EEGMAT_DIR = resolve('..', 'shared', 'data', 'edf-eegmat');
const DREAMER_FIXTURE = resolve('..', 'shared', 'data', 'dreamer-format', 'DREAMER-structure.mat');
const EEGMMIDB = resolve('..', 'shared', 'data', 'edf-eegmmidb', 'S001R04.edf');

describe('train: flags a mode does not take are refused, listed', () => {
  test('--recipe quick fixes the dataset and model', async (t) => {
    const s = scratch(t);
    await refuses(train, ['--recipe', 'quick', '--layers', '2', '--eegmat', s.eegmat, '--epochs', '3', '--paper'], s.runs, /^--recipe quick fixes the dataset and the model \(4 EEGMAT subjects, tiny encoders\); these flags do not apply: --layers, --eegmat, --epochs, --paper$/);
  });

  test('--recipe default takes its model knobs but not the dataset or fine-tuning flags', async (t) => {
    const s = scratch(t);
    await refuses(train, ['--recipe', 'default', '--layers', '2', '--epochs', '3', '--split', 'kfold:3'], s.runs, /^--recipe default fixes the dataset \(EEGMAT in --data\) and the fine-tuning; these flags do not apply: --epochs, --split$/);
    await refuses(train, ['--recipe', 'default', '--task', 'a:x,y'], s.runs, /this flag does not apply: --task$/);
  });

  test('--resume takes the saved configuration; the recipe-only flags are refused on a dataset', async (t) => {
    const s = scratch(t);
    await refuses(train, ['--resume', 'some-run', '--seed', '7', '--epochs', '2'], s.runs, /^--resume continues a run with the configuration it was started with; these flags do not apply: --seed, --epochs$/);
    await refuses(train, ['--eegmat', s.eegmat, '--paper', '--data', s.dir], s.runs, /^--paper, --data apply only with --recipe/);
    await refuses(train, ['--resume', 'nowhere'], s.runs, /^no run 'nowhere' in /);
    await refuses(train, ['--eegmat', s.eegmat, '--encoders', 'some-run', '--layers', '3'], s.runs, /^--layers does not apply with --encoders some-run: that run's encoders bring their own layers$/);
  });
});

describe('train: the ablations and class weighting (one flag each) reach the run', () => {
  test('--ablations evaluates the same arms as the view\'s checkbox, --class-weight the loss; bad values and --no-eval beside them are refused', async (t) => {
    const s = scratch(t);
    await refuses(train, ['--eegmat', s.eegmat, '--class-weight', 'heavy'], s.runs, /^--class-weight must be balanced or none, got 'heavy'$/);
    await refuses(evaluate, ['--eegmat', s.eegmat, '--class-weight', ''], s.runs, /^--class-weight must be balanced or none, got ''$/);
    await refuses(train, ['--eegmat', s.eegmat, '--no-eval', '--ablations'], s.runs, /^--no-eval skips the evaluation; --ablations would be ignored$/);
    // The view says 'none for this model' beside its checkbox; the CLI said nothing and evaluated the one arm.
    await refuses(train, ['--eegmat', s.eegmat, '--modalities', 'eeg', '--ablations'], s.runs, /^--ablations adds no arm to --modalities eeg with random encoders \(/);
    await refuses(train, ['--recipe', 'quick', '--ablations', '--class-weight', 'none'], s.runs, /these flags do not apply: --ablations, --class-weight$/);
    // Accepted: the job starts (and fails at once on the stand-in EDF files), its config.json as given.
    const io = { out: () => undefined, err: () => undefined };
    assert.equal(await train.run(['--eegmat', s.eegmat, '--ablations', '--class-weight', 'none', '--no-export', '--layers', '1', '--out', s.runs], io), 1, 'the stand-in recordings fail the job');
    const [id] = readdirSync(s.runs);
    const config = JSON.parse(readFileSync(join(s.runs, id, 'config.json'), 'utf8')) as JobSpec;
    assert.deepEqual(config.evaluation!.arms, ablationArms('fused', 'random'), 'the ablations of a fused random-init model');
    assert.equal(config.finetune!.classWeight, 'none');
  });
});

describe('train / evaluate: the fine-tuning learning rates (--head-lr, --encoder-lr)', () => {
  test('bad rates name the flag and the value; --encoder-lr needs --freeze none; a recipe or --resume refuses them; given ones reach config.json', async (t) => {
    const s = scratch(t);
    await refuses(train, ['--eegmat', s.eegmat, '--head-lr', '0'], s.runs, /^--head-lr must be a number in \(0, 1\), got '0'$/);
    await refuses(train, ['--eegmat', s.eegmat, '--head-lr', 'fast'], s.runs, /^--head-lr must be a number in \(0, 1\), got 'fast'$/);
    await refuses(evaluate, ['--eegmat', s.eegmat, '--freeze', 'none', '--encoder-lr', '1'], s.runs, /^--encoder-lr must be a number in \(0, 1\), got '1'$/);
    await refuses(train, ['--eegmat', s.eegmat, '--encoder-lr', '1e-5'], s.runs, /^--encoder-lr applies only with --freeze none: with the encoders frozen \(the default\) only the head trains \(--head-lr\)$/);
    await refuses(evaluate, ['--eegmat', s.eegmat, '--freeze', 'encoders', '--encoder-lr', '1e-5'], s.runs, /^--encoder-lr applies only with --freeze none/);
    await refuses(train, ['--recipe', 'quick', '--head-lr', '1e-4'], s.runs, /this flag does not apply: --head-lr$/);
    await refuses(train, ['--resume', 'some-run', '--encoder-lr', '1e-5'], s.runs, /^--resume continues a run with the configuration it was started with; this flag does not apply: --encoder-lr$/);
    // Accepted: the job starts (and fails at once on the stand-in EDF files), its config.json as given.
    const io = { out: () => undefined, err: () => undefined };
    const configs: JobSpec[] = [];
    for (const [cmd, flags] of [[train, ['--head-lr', '2.5e-4', '--freeze', 'none', '--encoder-lr', '0.00003', '--no-export']], [evaluate, ['--head-lr', '1e-3']], [train, ['--no-export']]] as const) {
      const before = existsSync(s.runs) ? readdirSync(s.runs) : [];
      assert.equal(await cmd.run(['--eegmat', s.eegmat, ...flags, '--layers', '1', '--out', s.runs], io), 1, 'the stand-in recordings fail the job');
      const id = readdirSync(s.runs).find((d) => !before.includes(d))!;
      configs.push(JSON.parse(readFileSync(join(s.runs, id, 'config.json'), 'utf8')) as JobSpec);
    }
    assert.deepEqual(configs.map((c) => [c.finetune!.headLr, c.finetune!.backboneLr, c.finetune!.freeze]), [[2.5e-4, 3e-5, 'none'], [1e-3, 1e-4, 'encoders'], [5e-4, 1e-4, 'encoders']], 'given rates recorded, CBraMod\'s otherwise');
  });

  test('--help of train and evaluate names both flags with the defaults from the code', () => {
    for (const cmd of [train, evaluate]) assert.match(cmd.usage, /--head-lr R --encoder-lr R +AdamW learning rates of the head and of the encoders at batch 64, both\n +scaled by √\(batch \/ 64\) \(default 0\.0005 and 0\.0001, CBraMod's\); --encoder-lr only with --freeze none/, 'usage');
  });
});

describe('train: values and inputs checked before any work', () => {
  test('bad numbers name the flag and the value', async (t) => {
    const s = scratch(t);
    await refuses(train, ['--recipe', 'default', '--seed', 'abc'], s.runs, /--seed must be an integer from 0 to 4294967295, got 'abc'/);
    await refuses(train, ['--recipe', 'default', '--layers', '0'], s.runs, /--layers must be a positive integer, got '0'/);
    await refuses(train, ['--recipe', 'default', '--pretrain-steps-eeg', '1.5'], s.runs, /--pretrain-steps-eeg must be a positive integer, got '1.5'/);
    await refuses(train, ['--eegmat', s.eegmat, '--epochs', 'abc'], s.runs, /--epochs must be a positive integer, got 'abc'/);
    await refuses(train, ['--eegmat', s.eegmat, '--batch', ''], s.runs, /--batch must be a positive integer, got ''/);
    await refuses(train, ['--recipe', 'quick', '--model-id', 'Bad Id'], s.runs, /^--model-id: the model id 'Bad Id' must be lowercase letters, .* \(it has capital letters, a space\)$/);
  });

  test('a missing dataset path, recipe data folder or encoder is found before the run folder', async (t) => {
    const s = scratch(t);
    await refuses(train, ['--eegmat', '/nonexistent'], s.runs, /^--eegmat: no such folder \/nonexistent$/);
    await refuses(train, ['--recipe', 'quick', '--data', join(s.dir, 'nothing-here')], s.runs, /^--data .*nothing-here: no such folder .*nothing-here\/edf-eegmat$/);
    // The EEGMAT folder itself as --data (scratch's stand-in 'eegmat'; one named edf-eegmat gets its parent named).
    await refuses(train, ['--recipe', 'quick', '--data', s.eegmat], s.runs, /^--data .*eegmat holds the EEGMAT recordings themselves; a recipe takes the folder that holds edf-eegmat\/ .*: move them into a folder edf-eegmat inside the one you give$/);
    const named = join(s.dir, 'data', 'edf-eegmat');
    mkdirSync(named, { recursive: true });
    writeFileSync(join(named, 'Subject00_1.edf'), '');
    await refuses(train, ['--recipe', 'default', '--data', named], s.runs, new RegExp(`holds the EEGMAT recordings themselves; .*: give --data ${join(s.dir, 'data').replace(/[/\\.]/g, '\\$&')}$`));
    // Without --data the folder is the default one, found from the working directory: said so, not '--data …'.
    const cwd = process.cwd();
    mkdirSync(join(s.dir, 'elsewhere'));
    process.chdir(join(s.dir, 'elsewhere'));
    try {
      await refuses(train, ['--recipe', 'quick'], s.runs, /^the recordings folder .*shared\/data \(the default, \.\.\/shared\/data from here; give --data DIR\): no such folder .*edf-eegmat$/);
    } finally {
      process.chdir(cwd);
    }
    await refuses(train, ['--eegmat', s.eegmat, '--encoders', 'no-such-run'], s.runs, /--encoders: no run 'no-such-run' in /);
    await refuses(train, ['--eegmat', s.eegmat, '--encoders', join(s.dir, 'missing.pth'), '--modalities', 'eeg'], s.runs, /^--encoders: no such file .*missing\.pth$/);
  });

  test('a CBraMod .pth brings no ECG encoder: a fused run from it is refused, saying what to do', async (t) => {
    const s = scratch(t);
    const pth = join(s.dir, 'pretrained_weights.pth');
    writeFileSync(pth, '');
    await refuses(train, ['--eegmat', s.eegmat, '--encoders', pth], s.runs, /the fused\/pretrained arm needs a pretrained ECG encoder, and a CBraMod \.pth holds the EEG encoder only: .*--modalities eeg/);
  });

  test('a .pth that is not a CBraMod checkpoint is refused at once, not after the ECG pretraining a recipe runs first', async (t) => {
    const s = scratch(t);
    const pth = join(s.dir, 'weights.pth');
    writeFileSync(pth, 'this is not a zip archive');
    await refuses(train, ['--recipe', 'default', '--data', s.dir, '--eeg-checkpoint', pth], s.runs, /--eeg-checkpoint: .*weights\.pth: not a PyTorch checkpoint/);
  });

  test('a dataset whose labels give one class only is refused before its run folder, naming the missing class', async (t) => {
    const s = scratch(t);
    const task = ['--task', 'arithmetic:rest,arithmetic'];
    const a = join(s.eegmat, 'Subject00_1.edf');
    const b = join(s.eegmat, 'Subject01_1.edf');
    await refuses(train, ['--file', `${a}=rest`, '--file', `${b}=rest`, ...task], s.runs, /^--labels: one class only: no recording gives class 'arithmetic' \(every labelled recording is 'rest'\)/);
    await refuses(train, ['--file', a, ...task, '--labels', 'annotations:T1=arithmetic,T2=arithmetic'], s.runs, /^--labels: one class only: no annotation text gives class 'rest'/);
    // An EEGMAT folder of rest files only: its listing tells.
    const restOnly = join(s.dir, 'rest-only');
    mkdirSync(restOnly);
    for (const n of ['Subject00_1.edf', 'Subject01_1.edf', 'Subject02_1.edf']) writeFileSync(join(restOnly, n), '');
    await refuses(train, ['--eegmat', restOnly], s.runs, /^--labels: one class only: no recording gives class 'arithmetic' \(every labelled recording is 'rest'\)/);
  });

  test('too few subjects for the split, counted from the EEGMAT listing, is refused before the run folder; --validation holds fewer out', async (t) => {
    const s = scratch(t);
    await refuses(train, ['--eegmat', s.eegmat, '--split', 'kfold:2'], s.runs, /^--split: 2-fold by subject with 2 validation subjects per fold needs at least 6 subjects; the EEGMAT folder has 4$/);
    await refuses(train, ['--eegmat', s.eegmat, '--validation', '3'], s.runs, /^--split: leave-one-subject-out with 3 validation subjects needs at least 5 subjects; the EEGMAT folder has 4$/);
    await refuses(train, ['--eegmat', s.eegmat, '--validation', '-1'], s.runs, /--validation must be/);
    await refuses(train, ['--eegmat', s.eegmat, '--no-eval', '--split', 'kfold:2'], s.runs, /^--no-eval skips the evaluation; --split would be ignored$/);
    assert.match(train.usage, /--validation N {10}subjects per fold held out to choose the epoch \(default 2; 0 = last epoch\)/);
  });

  test('DREAMER\'s --threshold/--dimension and --subject without the source they belong to are refused, not dropped', async (t) => {
    const s = scratch(t);
    await refuses(train, ['--eegmat', s.eegmat, '--threshold', '3'], s.runs, /^--threshold applies only with --dreamer/);
    await refuses(train, ['--eegmat', s.eegmat, '--dimension', 'valence', '--threshold', '3'], s.runs, /^--dimension, --threshold apply only with --dreamer/);
    await refuses(train, ['--eegmat', s.eegmat, '--subject', 'S1'], s.runs, /^--subject names the subject of --file and --folder recordings, and none is given/);
  });

  test('a DREAMER threshold no 1–5 score reaches is one class: refused before the run folder', async (t) => {
    const s = scratch(t);
    const mat = join(s.dir, 'DREAMER.mat');
    // A header and no variable: not DREAMER.mat either, which is said beside it.
    writeFileSync(mat, matHeader());
    await refuses(train, ['--dreamer', mat, '--threshold', '6'], s.runs, /^--dreamer: DREAMER\.mat is not the DREAMER structure: it has no variable named DREAMER; --labels: one class only: no recording gives class 'high' \(every labelled recording is 'low': a DREAMER threshold of 6 makes every clip 'low'/);
  });

  test('a --dreamer file that is no MATLAB v5 file (garbage, v7.3) is refused before the run folder, with the reader\'s reason', async (t) => {
    const s = scratch(t);
    const garbage = join(s.dir, 'garbage.mat');
    writeFileSync(garbage, 'not a mat file');
    await refuses(train, ['--dreamer', garbage], s.runs, /^--dreamer: .*garbage\.mat.*too short for a MAT-file header/);
    const v73 = join(s.dir, 'v73.mat');
    writeFileSync(v73, matHeader('MATLAB 7.3 MAT-file, Platform: GLNXA64'));
    await refuses(train, ['--dreamer', v73], s.runs, /^--dreamer: .*MATLAB v7\.3 file \(HDF5 inside\)/);
  });

  test('a DREAMER.mat cut short (an interrupted download) is refused before the run folder, saying so; the whole file passes', { skip: !existsSync(DREAMER_FIXTURE) && 'needs ../shared/data/dreamer-format' }, async (t) => {
    const s = scratch(t);
    const whole = readFileSync(DREAMER_FIXTURE);
    const cut = join(s.dir, 'DREAMER.mat');
    writeFileSync(cut, whole.subarray(0, 700_000));
    // Its one variable is a compressed element of the whole file's length less its header and tag.
    await refuses(train, ['--dreamer', cut], s.runs, new RegExp(`^--dreamer: .*DREAMER\\.mat ends early: it is 700000 bytes, but its variable at offset 128 declares ${whole.length - 136} bytes after its tag, ${whole.length - 700_000} more than the file holds \\(an interrupted download or copy\\? fetch the file again\\)$`));
    // The whole fixture is read past that check (its clips are too short for a window: the preview says so).
    const lines: string[] = [];
    await assert.rejects(train.run(['--dreamer', DREAMER_FIXTURE, '--preview', '--out', s.runs], { out: (l) => lines.push(l), err: (l) => lines.push(l) }), (e: Error) => /shorter than one 5-s window/.test(e.message) && !/ends early/.test(e.message));
  });

  test('a MAT-file that is not DREAMER.mat (no variable DREAMER, a field missing) is refused before the run folder, in the reader\'s words', { skip: !existsSync(DREAMER_FIXTURE) && 'needs ../shared/data/dreamer-format' }, async (t) => {
    const s = scratch(t);
    // The fixture's one variable (a compressed element at offset 128), with a name in it changed: the same layout, sizes and compression as DREAMER.mat's.
    const whole = readFileSync(DREAMER_FIXTURE);
    const size = whole.readUInt32LE(132);
    assert.equal(whole.readUInt32LE(128), 15, 'the fixture holds a compressed variable at 128');
    const edited = (from: string, to: string) => {
      const inner = inflateSync(whole.subarray(136, 136 + size));
      const at = inner.indexOf(from);
      assert.ok(at > 0, `'${from}' is in the fixture's variable`);
      inner.write(to, at, 'latin1');
      const z = deflateSync(inner);
      const tag = Buffer.alloc(8);
      tag.writeUInt32LE(15, 0);
      tag.writeUInt32LE(z.length, 4);
      return Buffer.concat([whole.subarray(0, 128), tag, z]);
    };
    const renamed = join(s.dir, 'renamed.mat');
    writeFileSync(renamed, edited('DREAMER', 'RESULTS'));
    await refuses(train, ['--dreamer', renamed], s.runs, /^--dreamer: renamed\.mat is not the DREAMER structure: it has no variable named DREAMER \(its variables: RESULTS\)$/);
    const noEcg = join(s.dir, 'no-ecg-rate.mat');
    writeFileSync(noEcg, edited('ECG_SamplingRate', 'ECG_SamplingHz__'));
    await refuses(train, ['--dreamer', noEcg], s.runs, /^--dreamer: no-ecg-rate\.mat is not the DREAMER structure: DREAMER\.ECG_SamplingRate is missing \(DREAMER has fields: Data, EEG_SamplingRate, ECG_SamplingHz__, EEG_Electrodes, noOfSubjects, noOfVideoSequences, Disclaimer\)$/);
    // The same message as the whole read gives, when a run reads it (the Training view's preview, a job).
    assert.throws(() => parseDreamer(readFileSync(noEcg), 'no-ecg-rate.mat'), (e: Error) => e.message === 'no-ecg-rate.mat is not the DREAMER structure: DREAMER.ECG_SamplingRate is missing (DREAMER has fields: Data, EEG_SamplingRate, ECG_SamplingHz__, EEG_Electrodes, noOfSubjects, noOfVideoSequences, Disclaimer)');
  });

  test('run folders go to --data-dir\'s runs folder, where the app of that data folder lists them, unless --out says otherwise', () => {
    const saved = process.env.HEARTMIND_RUNS_DIR;
    delete process.env.HEARTMIND_RUNS_DIR;
    try {
      assert.equal(runsRoot(undefined, '/lab/heartmind'), '/lab/heartmind/runs');
      assert.equal(runsRoot('/elsewhere', '/lab/heartmind'), '/elsewhere');
      assert.equal(trainingAreaFolders('/lab/heartmind', { recordingsDir: null }).runsDir, '/lab/heartmind/runs', 'the app lists the same folder');
    } finally {
      if (saved !== undefined) process.env.HEARTMIND_RUNS_DIR = saved;
    }
  });

  test('$HEARTMIND_RUNS_DIR moves the runs of the CLI and of the app alike, and every command\'s --help says so', () => {
    const saved = process.env.HEARTMIND_RUNS_DIR;
    process.env.HEARTMIND_RUNS_DIR = '/scratch/runs';
    try {
      assert.equal(runsRoot(undefined, '/lab/heartmind'), '/scratch/runs', 'the CLI writes there');
      assert.equal(trainingAreaFolders('/lab/heartmind', { recordingsDir: null }).runsDir, '/scratch/runs', 'the Training view lists there');
      assert.equal(trainingAreaFolders('/lab/heartmind', { recordingsDir: null }).userModelsDir, '/lab/heartmind/models', 'models stay in the data folder');
      assert.equal(runsRoot('/elsewhere', '/lab/heartmind'), '/elsewhere', '--out still wins');
    } finally {
      if (saved === undefined) delete process.env.HEARTMIND_RUNS_DIR;
      else process.env.HEARTMIND_RUNS_DIR = saved;
    }
    for (const [name, usage] of [['train', train.usage], ['pretrain', pretrain.usage], ['evaluate', evaluate.usage], ['export-model', exportModel.usage]]) {
      assert.match(usage, /\$HEARTMIND_RUNS_DIR/, `${name} --help names HEARTMIND_RUNS_DIR`);
    }
  });

  test('--help shows the defaults from the code and says which flags a recipe takes', () => {
    assert.match(train.usage, /--epochs N --batch N {4}\(default 50 and 64\)/);
    assert.match(train.usage, /--recipe quick fixes its model too/);
    assert.match(train.usage, /--file PATH\[=CLASS\]/);
    // The quick recipe takes ~53 s on a quiet 2-core machine (the Training view says the same), and
    // the signals do what runInProcess does with them.
    assert.match(train.usage, /quick: 4 subjects,\s+tiny encoders, about a minute/, 'the quick recipe\'s duration');
    assert.match(train.usage, /Ctrl\+C pauses\s+at the next step with a checkpoint; a second Ctrl\+C \(cancelled\), SIGTERM or SIGHUP \(interrupted\) stop/, 'what the signals do');
  });
});

/** A MAT-file's 128-byte header (MATLAB v5, little-endian) and no variables: the part read before a run starts. */
function matHeader(text = 'MATLAB 5.0 MAT-file, Platform: GLNXA64'): Uint8Array {
  const b = new Uint8Array(128).fill(0x20);
  b.set(new TextEncoder().encode(text));
  b.set([0x00, 0x01, 0x49, 0x4d], 124); // version 0x0100 (little-endian), 'IM'
  return b;
}

test('a fine-tuned model\'s default name says what its default id says (modalities and seed), so two read apart in the Models list', () => {
  const fused = defaultExportName('arithmetic', 'EEGMAT', 'fused', 42);
  const eeg = defaultExportName('arithmetic', 'EEGMAT', 'eeg', 42);
  const seed7 = defaultExportName('arithmetic', 'EEGMAT', 'fused', 7);
  assert.deepEqual(fused, { id: 'arithmetic-fused-42', name: 'arithmetic (EEGMAT, EEG + ECG, seed 42)' }, 'fused, seed 42');
  assert.deepEqual(eeg, { id: 'arithmetic-eeg-42', name: 'arithmetic (EEGMAT, EEG, seed 42)' }, 'EEG only');
  assert.equal(new Set([fused.name, eeg.name, seed7.name]).size, 3, 'three models, three names');
  assert.equal(defaultExportName('High Valence', 'my lab', 'ecg', 1).id, 'high-valence-ecg-1', 'the id keeps to the characters a model id may hold');
});

describe('export: a model id your models already hold is refused, not replaced', () => {
  test('train into the user models folder (--data-dir) under an id it holds is refused before the run folder; --no-export or --export-to pass that check', async (t) => {
    const s = scratch(t);
    const dataDir = join(s.dir, 'data');
    mkdirSync(join(dataDir, 'models', 'arithmetic-fused-42'), { recursive: true });
    await refuses(train, ['--eegmat', s.eegmat, '--data-dir', dataDir], s.runs, /^your models already hold a model 'arithmetic-fused-42' \(.*data\/models\/arithmetic-fused-42\): give another --model-id, --no-export, or --export-to DIR$/);
    await refuses(train, ['--eegmat', s.eegmat, '--data-dir', dataDir, '--model-id', 'arithmetic-fused-42'], s.runs, /already hold a model 'arithmetic-fused-42'/);
    // Past that check, the next one speaks (too few subjects), so the export check let it through.
    await refuses(train, ['--eegmat', s.eegmat, '--data-dir', dataDir, '--no-export', '--validation', '3'], s.runs, /^--split: leave-one-subject-out/);
    // The quick recipe's throwaway 'quick-try' is replaced (the next check, the missing --data folder, speaks); under another id it is protected.
    mkdirSync(join(dataDir, 'models', 'quick-try'));
    mkdirSync(join(dataDir, 'models', 'mine'));
    await refuses(train, ['--recipe', 'quick', '--data', join(s.dir, 'none'), '--data-dir', dataDir], s.runs, /^--data .*none: no such folder/);
    await refuses(train, ['--recipe', 'quick', '--data', join(s.dir, 'none'), '--data-dir', dataDir, '--model-id', 'mine'], s.runs, /^your models already hold a model 'mine'/);
  });
});

describe('train --session: sessions that cannot label a window are refused before the run folder', () => {
  test('self-report labels on a session without reports, marker labels on sessions with no marker or none naming a class; a session not in the database', async (t) => {
    const s = scratch(t);
    const dataDir = join(s.dir, 'data');
    mkdirSync(dataDir);
    const db = await DbClient.open({ path: databasePathFor(dataDir) });
    const rated = await addSession(db, 'rated', { markers: ['rest'], modalities: ['eeg', 'ecg'] });
    const bare = await addSession(db, 'bare', { modalities: ['eeg', 'ecg'] });
    const blinks = await addSession(db, 'blinks', { markers: ['blink'], modalities: ['eeg', 'ecg'] });
    await db.api.addSelfReport(rated, { time: 1100, valence: 5, arousal: 8, dominance: 5 });
    await db.close();
    const base = ['--data-dir', dataDir, '--no-export', '--task', 'arousal:low,high'];
    await refuses(train, [...base, '--session', String(rated), '--session', String(bare), '--labels', 'self-report:arousal:5'], s.runs, new RegExp(`^--labels: session ${bare} \\('bare'\\) holds no self-report, so no window of it gets a label: add SAM reports to it, label from markers \\(annotations\\), or leave it out$`));
    await refuses(train, [...base, '--session', String(bare), '--session', String(blinks), '--session', String(rated), '--labels', 'annotations:rest=low,task=high'], s.runs, new RegExp(`^--labels: session ${bare} \\('bare'\\) holds no marker, .*; session ${blinks} \\('blinks'\\) holds no marker that names a class \\(its markers say 'blink'; the labels map 'rest', 'task'\\)`));
    await refuses(train, [...base, '--session', '99', '--labels', 'self-report:arousal:5'], s.runs, /^--session: no session 99 in the recordings database \(the Sessions view, or heartmind sessions list, lists the sessions it holds\)$/);
  });
});

describe('train --session: sessions that hold none of the signals a window is cut from are refused before the run folder', () => {
  test('a session of markers only, one of ECG only for a fused dataset; the same ECG session for an ECG-only one passes the check', async (t) => {
    const s = scratch(t);
    const dataDir = join(s.dir, 'data');
    mkdirSync(dataDir);
    const db = await DbClient.open({ path: databasePathFor(dataDir) });
    const session = (name: string, modalities: ('eeg' | 'ecg')[]) => addSession(db, name, { markers: ['rest', 'task'], modalities });
    const empty = await session('markers only', []);
    const heart = await session('strap', ['ecg']);
    const both = await session('both', ['eeg', 'ecg']);
    await db.close();
    const base = ['--data-dir', dataDir, '--no-export', '--no-eval', '--task', 'arousal:rest,task', '--labels', 'annotations:rest=rest,task=task', '--layers', '1'];
    await refuses(
      train,
      [...base, '--session', String(empty), '--session', String(heart), '--session', String(both)],
      s.runs,
      new RegExp(`^--session: session ${empty} \\('markers only'\\) holds no EEG or ECG to cut windows from \\(it holds no samples at all\\): leave it out; session ${heart} \\('strap'\\) holds no EEG \\(it holds ECG only\\), and a window of EEG \\+ ECG needs each: train on ECG only, or leave it out$`),
    );
    // ECG only: the strap's session is cut into windows (its one second is then too short: the run fails, after the check).
    const lines: string[] = [];
    const code = await train.run([...base, '--modalities', 'ecg', '--session', String(heart), '--out', s.runs], { out: (l) => lines.push(l), err: (l) => lines.push(l) });
    assert.equal(code, 1, lines.join('\n'));
    assert.equal(readdirSync(s.runs).length, 1, `the check let it through to a run: ${lines.join('\n')}`);
    assert.match(lines.join('\n'), /no usable windows/, 'the run read its second of ECG');
  });
});

describe('train --montage: a channel no recording has is refused before the run folder, from the headers', () => {
  test('EEGMAT files and a session: Cx is nowhere (with the electrodes a letter away); a channel some recordings have passes the check', { skip: !existsSync(EEGMAT_DIR) && 'needs ../shared/data/edf-eegmat' }, async (t) => {
    const s = scratch(t);
    // Four real EEGMAT files (their headers are read, 5 KiB each), and one stand-in that holds an EDF's signature only: its channels are unknown.
    const eegmat = join(s.dir, 'real');
    mkdirSync(eegmat);
    for (const f of ['Subject00_1.edf', 'Subject00_2.edf', 'Subject01_1.edf', 'Subject01_2.edf']) symlinkSync(join(EEGMAT_DIR, f), join(eegmat, f));
    const base = ['--no-export', '--no-eval', '--layers', '1'];
    await refuses(train, [...base, '--eegmat', eegmat, '--montage', 'Fp1,Cx,Pz'], s.runs, /^--montage: the montage's EEG channel Cx \(did you mean C3, C4 or Cz\?\) is in none of the 4 recordings, so its row would be zeros in every window \(the EEG channels there: Fp1, Fp2, /);
    // A recorded session's EEG stream rows name its channels (addSignals: one, 'Cz').
    const dataDir = join(s.dir, 'data');
    mkdirSync(dataDir);
    const db = await DbClient.open({ path: databasePathFor(dataDir) });
    const id = await addSession(db, 'cap', { markers: ['rest', 'task'], modalities: ['eeg', 'ecg'] });
    await db.close();
    const session = ['--data-dir', dataDir, '--session', String(id), '--task', 'arousal:rest,task', '--labels', 'annotations:rest=rest,task=task'];
    await refuses(train, [...base, ...session, '--montage', 'Cz,Fz'], s.runs, /^--montage: the montage's EEG channel Fz \(did you mean Cz\?\) is not in the recording, so its row would be zeros in every window \(the EEG channels there: Cz\)$/);
    // Fz is in the EEGMAT file, Cz in both: no channel is nowhere, so the check lets the montage through.
    const spec = datasetFromFlags({ session: [String(id)], file: [join(eegmat, 'Subject00_1.edf')], task: 'arousal:rest,task', labels: 'annotations:rest=rest,task=task', montage: 'Cz,Fz' });
    const job: JobSpec = { ...quickRecipe('/x'), kind: 'finetune', dataset: spec, corpora: {}, pretrain: {}, encoders: { eeg: { kind: 'random' }, ecg: { kind: 'random' } }, evaluation: null, finalFit: false };
    const eegChannels = (n: number) => (n === id ? ['Cz'] : []);
    await checkJobInputs(job, new RunStore(s.runs), undefined, async (n) => ({ id: n, name: 'cap', markers: ['rest', 'task'], selfReports: 0, samples: { eeg: 100, ecg: 100 }, eegChannels: eegChannels(n) }));
    const qq = { ...spec!.windowing, eegMontage: ['Cz', 'Fz', 'Qq'] };
    await assert.rejects(checkJobInputs({ ...job, dataset: { ...spec!, sources: spec!.sources.filter((x) => x.kind === 'file'), windowing: qq } }, new RunStore(s.runs)), /^CliUsageError: --montage: the montage's EEG channel Qq is not in the recording/, 'the file alone');
    // Without the database the session's channels are unknown: Qq may be there, so nothing is claimed (the build checks it).
    await checkJobInputs({ ...job, dataset: { ...spec!, windowing: qq } }, new RunStore(s.runs));
    // A recording whose channels its header cannot tell (the stand-in EDF's signature only) leaves the question to the build.
    const runs2 = join(s.dir, 'runs2');
    const code2 = await train.run([...base, '--eegmat', s.eegmat, '--montage', 'Fp1,Cx', '--out', runs2], { out: () => undefined, err: () => undefined });
    assert.equal(code2, 1, 'the stand-ins fail once the run reads them');
    assert.equal(readdirSync(runs2).length, 1, 'not refused up front: the stand-ins name no channel');
  });
});

describe('train --session: the recordings database is opened once', () => {
  test('the checks before the run folder and the run read sessions through one database client, closed when the command ends', async (t) => {
    const s = scratch(t);
    const dataDir = join(s.dir, 'data');
    mkdirSync(dataDir);
    const db = await DbClient.open({ path: databasePathFor(dataDir) });
    // Sessions whose markers name both classes and that hold EEG and ECG (the checks pass), a second of each (the run fails fast, after reading them).
    const ids: number[] = [];
    for (const name of ['a', 'b']) ids.push(await addSession(db, name, { markers: ['rest', 'task'], modalities: ['eeg', 'ecg'] }));
    await db.close();
    const open = t.mock.method(DbClient, 'open');
    const close = t.mock.method(DbClient.prototype, 'close');
    const lines: string[] = [];
    const code = await train.run(['--data-dir', dataDir, '--no-export', '--no-eval', '--task', 'arousal:rest,task', '--labels', 'annotations:rest=rest,task=task', '--layers', '1', ...ids.flatMap((id) => ['--session', String(id)]), '--out', s.runs], { out: (l) => lines.push(l), err: (l) => lines.push(l) });
    assert.equal(code, 1, lines.join('\n'));
    assert.equal(open.mock.callCount(), 1, 'one database client for the checks and the run');
    assert.ok(close.mock.callCount() >= 1, 'closed when the command ended');
  });
});

describe('train / evaluate --preview: what training would get, without a run folder', { skip: !existsSync(join(EEGMAT_DIR, 'Subject03_2.edf')) && 'needs ../shared/data/edf-eegmat' }, () => {
  test('windows per class, subjects, the readiness of the evaluation; 1 when it cannot run', async (t) => {
    const s = scratch(t);
    const four = join(s.dir, 'four');
    mkdirSync(four);
    // Not Subject02: its rest ECG has no QRS ('no-qrs'), so a fused dataset would hold its arithmetic windows only.
    for (const k of [0, 1, 3, 4]) for (const r of [1, 2]) symlinkSync(join(EEGMAT_DIR, `Subject0${k}_${r}.edf`), join(four, `Subject0${k}_${r}.edf`));
    const lines: string[] = [];
    const io = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l) };
    assert.equal(await train.run(['--eegmat', four, '--preview', '--out', s.runs], io), 0, lines.join('\n'));
    // Four subjects left one out with the default two validation subjects: each fold trains on one, said.
    assert.deepEqual(lines, [
      "dataset 'EEGMAT': 189 windows from 8 recordings, 4 subjects; rest: 141, arithmetic: 48",
      "ready to train (fused): 189 labelled windows from 4 subjects, 4 folds; every fold trains on one subject (2 other subjects held out of each to choose the epoch): the model and the baseline learn from one person's windows; hold out 1 instead (validation subjects per fold, --validation 1) to train each on one more",
    ]);
    lines.length = 0;
    // An ECG-only record in a fused dataset is pointed at; too few subjects for the folds: 1, said why.
    const ecg = resolve('..', 'shared', 'data', 'wfdb-ludb', '1.hea');
    assert.equal(await evaluate.run(['--eegmat', four, '--file', `${ecg}=rest`, '--validation', '3', '--preview', '--out', s.runs], io), 1, lines.join('\n'));
    assert.equal(lines[1], '  1.hea (1): 0 windows, 1 dropped (eeg:no-device)');
    assert.equal(lines[2], 'training would stop here: leave-one-subject-out with 3 validation subjects needs at least 5 subjects; the dataset has 4');
    assert.ok(!existsSync(s.runs) || readdirSync(s.runs).length === 0, 'no run folder');
    // A recipe fixes its dataset: nothing to preview.
    await refuses(train, ['--recipe', 'quick', '--preview'], s.runs, /this flag does not apply: --preview$/);
  });

  test('an EEG-only model takes EEG-only recordings (no ECG asked of its windows); a fused one, or EEG and ECG arms, still need both', { skip: !existsSync(EEGMMIDB) && 'needs ../shared/data/edf-eegmmidb' }, async (t) => {
    const s = scratch(t);
    const four = join(s.dir, 'four');
    mkdirSync(four);
    // Not Subject02: its rest ECG has no QRS ('no-qrs'), so a fused dataset would hold its arithmetic windows only.
    for (const k of [0, 1, 3, 4]) for (const r of [1, 2]) symlinkSync(join(EEGMAT_DIR, `Subject0${k}_${r}.edf`), join(four, `Subject0${k}_${r}.edf`));
    const preview = async (cmd: typeof train, flags: string[]) => {
      const lines: string[] = [];
      await cmd.run(['--eegmat', four, '--file', `${EEGMMIDB}=rest`, ...flags, '--preview', '--out', s.runs], { out: (l) => lines.push(l), err: (l) => lines.push(l) });
      return lines.join('\n');
    };
    // eegmmidb's S001R04 has 64 EEG channels and no ECG: its 24 windows were all dropped (ecg:no-device) for an EEG-only model too.
    for (const [cmd, flags] of [[train, ['--modalities', 'eeg']], [evaluate, ['--arms', 'eeg']]] as const) {
      const text = await preview(cmd, [...flags]);
      assert.match(text, /^dataset 'EEGMAT \+ S001R04\.edf': 213 windows from 9 recordings, 5 subjects; rest: 165, arithmetic: 48\nready to train \(eeg\): 213 labelled windows from 5 subjects/, text);
    }
    for (const [cmd, flags] of [[train, []], [evaluate, ['--arms', 'eeg,ecg']]] as const) {
      const text = await preview(cmd, [...flags]);
      assert.match(text, /S001R04\.edf \(S001R04\): 0 windows, 24 dropped \(ecg:no-device\)\nready to train \(fused\): 189 labelled windows from 4 subjects/, text);
    }
    assert.ok(!existsSync(s.runs) || readdirSync(s.runs).length === 0, 'no run folder');
  });
});

test('train --resume of a run folder without its config.json says it is damaged, not that there is no such run', async (t) => {
  const s = scratch(t);
  mkdirSync(join(s.runs, 'broken'), { recursive: true });
  writeFileSync(join(s.runs, 'broken', 'status.json'), '{}');
  await assert.rejects(train.run(['--resume', 'broken', '--out', s.runs], { out: () => undefined, err: () => undefined }), (e: Error) => /^run 'broken' in .* is damaged: it has no config\.json \(the configuration it was started with\), so it cannot resume$/.test(e.message));
});
