// The Training view's custom form as the job it starts (new-run.tsx customJob): the ablations are
// one checkbox (the same arms as the CLI's `train --ablations`) and class weighting is the form's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { customJob, encoderRunLabel, foldWords, INITIAL, problemLines, recipeNote, sessionPick } from '../../../../src/renderer/src/views/training/new-run-form';
import type { DatasetPreview } from '../../../../src/shared/ipc/training.schema';
import { defaultRecipe, quickRecipe } from '../../../../src/shared/train/recipes';
import { recordsSteps } from '../../../../src/shared/train/metric-records';
import { streamSignals, type SessionSignal } from '../../../../src/shared/session.types';
import { ablationArms } from '../../../../src/shared/train/defaults';
import { jobSpecProblems } from '../../../../src/shared/train/job-check';

const arms = (j: ReturnType<typeof customJob>) => j.evaluation!.arms.map((a) => `${a.modalities}/${a.init}`);

test('ablations: one checkbox evaluates each modality of the model alone, and from random encoders when its own are pretrained', () => {
  const form = { ...INITIAL, eegmatDir: '/data/eegmat' };
  assert.deepEqual(arms(customJob(form)), ['fused/random'], 'without the checkbox: the model alone');
  assert.deepEqual(arms(customJob({ ...form, ablations: true })), ['fused/random', 'eeg/random', 'ecg/random']);
  assert.deepEqual(arms(customJob({ ...form, ablations: true, encoders: '2026-01-01-000000-pretrain' })), ['fused/pretrained', 'eeg/pretrained', 'ecg/pretrained', 'fused/random', 'eeg/random', 'ecg/random']);
  const eegOnly = customJob({ ...form, ablations: true, modalities: 'eeg', encoders: '2026-01-01-000000-pretrain' });
  assert.deepEqual(arms(eegOnly), ['eeg/pretrained', 'eeg/random'], 'an EEG-only model: its random-init twin only');
  assert.deepEqual(Object.keys(eegOnly.encoders), ['eeg'], 'no encoder beyond the model\'s own');
  assert.deepEqual(customJob({ ...form, ablations: true, modalities: 'ecg' }).evaluation!.arms, ablationArms('ecg', 'random'));
});

test('class weighting: balanced by default, none when the form says so', () => {
  const form = { ...INITIAL, eegmatDir: '/data/eegmat' };
  assert.equal(customJob(form).finetune!.classWeight, 'balanced');
  assert.equal(customJob({ ...form, classWeight: 'none' }).finetune!.classWeight, 'none');
});

test('learning rates: CBraMod\'s by default; the encoders\' only end to end (frozen encoders record the default, as the CLI refuses --encoder-lr there); a 0 the form let through is refused by name', () => {
  const form = { ...INITIAL, eegmatDir: '/data/eegmat' };
  const lrs = (f: typeof form) => [customJob(f).finetune!.headLr, customJob(f).finetune!.backboneLr];
  assert.deepEqual(lrs(form), [5e-4, 1e-4], 'the defaults');
  assert.deepEqual(lrs({ ...form, headLr: 2e-4, encoderLr: 3e-5 }), [2e-4, 1e-4], 'head only: the encoders\' rate is not used');
  assert.deepEqual(lrs({ ...form, freeze: 'none', headLr: 2e-4, encoderLr: 3e-5 }), [2e-4, 3e-5], 'end to end: both');
  // An emptied number field reads 0.
  const p = jobSpecProblems(customJob({ ...form, freeze: 'none', headLr: 0, encoderLr: 1 })).join('\n');
  assert.match(p, /fine-tuning: the head's learning rate \(--head-lr\) must be in \(0, 1\), got 0\nfine-tuning: the encoders' learning rate \(--encoder-lr\) must be in \(0, 1\), got 1/, p);
});

test('layers: the form\'s for random encoders; a pretraining run\'s encoders bring their own, so the job names none (config.json held 12 layers for a run on the quick try\'s wiring-size encoders)', () => {
  const form = { ...INITIAL, eegmatDir: '/data/eegmat', layers: 2 };
  assert.equal(customJob(form).encoderConfig?.nLayers, 2);
  const fromRun = customJob({ ...form, encoders: '2026-01-01-000000-pretrain' });
  assert.equal(fromRun.encoderConfig, undefined, JSON.stringify(fromRun.encoderConfig));
  assert.deepEqual(jobSpecProblems(fromRun), [], 'a valid job without it');
});

test("the session list says what each session holds (EEG / ECG channels and rates, length, from the list's brief) and why Start would refuse it with the form's signals", () => {
  const row = (stream: string, modality: 'eeg' | 'ecg' | 'other', channels: number, rateHz: number, samples: number): SessionSignal => ({ stream, modality, channels, rateHz, samples });
  const summary = (signals: SessionSignal[], name = 'strap') => ({ id: 7, name, startTime: 1000, endTime: 1250, selfReportCount: 0, signals: streamSignals(signals) });
  const form = { ...INITIAL, sessions: [7] };
  const strap = summary([row('polar/ecg', 'ecg', 1, 130, 33000), row('polar/acc', 'other', 3, 200, 4000)]);
  const fused = sessionPick(form, strap);
  assert.equal(fused.signals, 'ECG 1 ch 130 Hz · 4:10');
  assert.equal(fused.problem, 'This session holds no EEG (it holds ECG and other signals only), and a window of EEG + ECG needs each: train on ECG only, or leave it out');
  assert.equal(sessionPick({ ...form, modalities: 'ecg' }, strap).problem, null, 'ECG only: the strap is what it needs');
  // A headset whose layout changed mid-session has two rows of one stream: its widest counts once; a row with no samples counts nothing.
  const cap = [row('muse/eeg', 'eeg', 4, 256, 5000), row('muse/eeg', 'eeg', 5, 256, 9000), row('polar/ecg', 'ecg', 1, 130, 0)];
  assert.deepEqual(sessionPick(form, summary([...cap, row('polar/ecg', 'ecg', 1, 130, 100)], '')), { signals: 'EEG 5 ch 256 Hz · ECG 1 ch 130 Hz · 4:10', problem: null });
  assert.deepEqual(sessionPick(form, summary(cap.slice(2), '')), { signals: 'no EEG or ECG · 4:10', problem: 'This session holds no EEG or ECG to cut windows from (it holds no samples at all): leave it out' });
  // Two EEG devices at their own rates: both rates, the channels added.
  assert.equal(sessionPick(form, summary([row('a/eeg', 'eeg', 8, 500, 10), row('b/eeg', 'eeg', 4, 250, 10), row('polar/ecg', 'ecg', 1, 130.208, 10)])).signals, 'EEG 12 ch 250/500 Hz · ECG 1 ch 130.21 Hz · 4:10');
});

test("the recipes' notes say what the run does, from the recipes' own specs: subjects, steps, who each fold trains on", () => {
  assert.equal(
    recipeNote('quick', quickRecipe('/data')),
    '4 EEGMAT subjects, wiring-size encoders pretrained for 3 steps each, 2-fold evaluation by subject (each fold trains on 1 subject, 1 more choosing the epoch) with the baseline; not exported. About half a minute on a 2-core machine: a tour of the whole pipeline, not a useful model.',
  );
  const shipped = defaultRecipe({ dataDir: '/data', export: { modelId: 'my-eegmat-model', name: 'My EEGMAT model', version: '1.0.0', target: { kind: 'user' } } });
  assert.match(recipeNote('default', shipped), /fused head on the 12 EEGMAT subjects, leave-one-subject-out evaluation \(each fold trains on 9 subjects, 2 more choosing the epoch; fused \/ EEG-only \/ ECG-only × pretrained \/ random, with the baseline\), final fit, export to your models as 'my-eegmat-model'\./);
  // k folds that split the subjects unevenly: the fewest a fold trains on; none held out, none said.
  assert.equal(foldWords({ split: { kind: 'kfold', k: 5 }, validationSubjects: 0 }, 12), 'each fold trains on 9 subjects');
  assert.equal(foldWords({ split: { kind: 'loso' }, validationSubjects: 1 }, 3), 'each fold trains on 1 subject, 1 more choosing the epoch');
});

test('recordsSteps: pretraining and end-to-end fine-tuning record steps; a head on frozen encoders records epochs only (the view hides its empty loss chart)', () => {
  assert.equal(recordsSteps(quickRecipe('/data')), true, 'the quick try pretrains');
  assert.equal(recordsSteps(defaultRecipe({ dataDir: '/data', eegCheckpoint: '/cbramod.pth' })), true, 'an imported EEG encoder: the ECG one is still pretrained');
  const custom = { ...INITIAL, eegmatDir: '/data/eegmat' };
  assert.equal(recordsSteps(customJob(custom)), false, 'random encoders, head only');
  assert.equal(recordsSteps(customJob({ ...custom, encoders: '2026-01-01-000000-pretrain' })), false, "another run's encoders, head only");
  assert.equal(recordsSteps(customJob({ ...custom, freeze: 'none' })), true, 'end to end');
});

test("the preview's problem recordings: those with the same words on one line, three named, sessions first", () => {
  const short = 'shorter than one 2-s window after the 1-s warm-up of the filters';
  const rec = (id: string, windows: number, more: Partial<DatasetPreview['recordings'][number]> = {}) => ({ id, subject: 'S', windows, dropped: {}, unlabelled: 0, warnings: windows ? [] : [short], ...more });
  const recordings = [rec('S01-clip01', 3), ...['03', '04', '06', '08', '13'].map((c) => rec(`S01-clip${c}`, 0)), rec('S02-clip02', 1, { dropped: { 'ecg:gap': 2 } }), rec('session:4', 0, { warnings: ['no ECG'] })];
  const p: DatasetPreview = { name: 'd', windows: 4, perClass: [2, 2], classes: ['low', 'high'], subjects: ['S01', 'S02'], recordings };
  assert.deepEqual(problemLines(p), ['session:4: 0 windows — no ECG', `S01-clip03, S01-clip04, S01-clip06 and 2 more: 0 windows — ${short}`, 'S02-clip02: 1 window, 2 dropped (ecg:gap)']);
});

test("Encoders from: each run offered says the encoders it holds (a heartmind pretrain run holds one modality's; the list named the run alone)", () => {
  assert.equal(encoderRunLabel({ id: '2026-11-28-055043-ecgpre', name: 'ecgpre', completedPhases: ['datasets', 'pretrain-ecg'] }), 'run ecgpre (2026-11-28-055043-ecgpre) · ECG encoder');
  assert.equal(encoderRunLabel({ id: 'q', name: 'Quick try', completedPhases: ['datasets', 'pretrain-ecg', 'pretrain-eeg', 'evaluate'] }), 'run Quick try (q) · EEG + ECG encoders');
});
