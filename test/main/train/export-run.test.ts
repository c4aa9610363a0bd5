// The model card says what happened in the run, nothing more: a model fine-tuned on random
// encoders is not described as pretrained, the pretraining caveats and corpus licences appear only
// when pretraining ran, and the "it ships so the dashboard runs" line belongs to the shipped recipe.
import { test } from 'node:test';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import assert from 'node:assert/strict';
import { buildCard, cardMetrics, subjectsText, type ModelArtifactMeta } from '../../../src/main/train/export-run';
import { cardProblems, renderModelCard } from '../../../src/shared/model/card';
import { reportLines } from '../../../src/shared/train/report-text';
import { encoderWithLayers } from '../../../src/shared/model/config';
import { finetuneModelConfig } from '../../../src/shared/train/finetune';
import { defaultRecipe } from '../../../src/shared/train/recipes';
import type { JobSpec } from '../../../src/shared/train/job.types';
import type { EvaluationReport, ModalitySet } from '../../../src/shared/train/train.types';
import { sampleCard } from '../../shared/model/sample-card';
import { foldMetricTable } from '../../../src/shared/eval';

function metaOf(spec: JobSpec, modalities: ModalitySet = 'fused'): ModelArtifactMeta {
  const finetune = { ...spec.finetune!, modalities, epochs: 3 };
  const e = encoderWithLayers(1);
  return { model: finetuneModelConfig(finetune, { eeg: e, ecg: e }), finetune, windowing: spec.dataset!.windowing, eegChannels: ['Fp1'], ecgChannels: ['ECG'], subjects: ['Subject00', 'Subject01'], windows: 96, encoders: [] };
}

const exp = { modelId: 'm', name: 'M', version: '1.0.0', target: { kind: 'user' as const } };

test('random encoders: not called pretrained, no pretraining caveat or corpus licence, and said to be untrained', () => {
  const base = defaultRecipe({ dataDir: '/data' });
  const spec: JobSpec = { ...base, kind: 'finetune', encoders: { eeg: { kind: 'random' }, ecg: { kind: 'random' } }, corpora: {}, pretrain: {}, recipe: { name: 'custom', command: 'heartmind train --eegmat /data' } };
  const card = buildCard(spec, metaOf(spec), null, exp, 'run-1', null);
  assert.equal(card.description, 'Rest vs mental arithmetic from EEG (19 ch) and one ECG lead, 5-s windows: two CBraMod encoders (EEG randomly initialised (not pretrained), ECG randomly initialised (not pretrained)), mean pooling, a fusion head. Trained on 2 subjects of PhysioNet EEGMAT.');
  const text = JSON.stringify(card);
  assert.doesNotMatch(text, /pretrained with dual masking|Self-supervised pretraining saw|ECG pretraining records/);
  assert.ok(card.limitations.includes('Its encoders are randomly initialised, not pretrained: only the head learned, on the features of untrained encoders.'), 'the card says its encoders are randomly initialised');
  // One modality: one encoder, one head.
  const eegOnly = buildCard(spec, metaOf(spec, 'eeg'), null, exp, 'run-1', null);
  assert.match(eegOnly.description, /^Rest vs mental arithmetic from EEG \(19 ch\), 5-s windows: a CBraMod encoder \(EEG randomly initialised \(not pretrained\)\), mean pooling, a head\./);
});

test('the shipped recipe (both encoders pretrained here) keeps its pretraining caveat and corpus licence', () => {
  const spec = defaultRecipe({ dataDir: '/data' });
  const card = buildCard(spec, metaOf(spec), null, exp, 'run-2', null);
  assert.match(card.description, /two CBraMod encoders \(EEG pretrained by masked patch reconstruction, ECG pretrained with dual masking\)/);
  assert.ok(card.limitations.some((l) => /^Self-supervised pretraining saw the recordings of the evaluation subjects/.test(l)), 'the card warns that pretraining saw the evaluation subjects');
  assert.ok(card.licence.data.some((l) => /ECG pretraining records/.test(l)), "the card's data licences name the ECG pretraining records");
  assert.ok(!card.limitations.some((l) => /randomly initialised/.test(l)), 'the card no longer says randomly initialised');
  // Encoders from another run: named, with the caveat that depends on that run's corpus.
  const fromRun: JobSpec = { ...spec, kind: 'finetune', encoders: { eeg: { kind: 'run', runId: 'pre-1' }, ecg: { kind: 'run', runId: 'pre-1' } }, corpora: {}, pretrain: {} };
  const c2 = buildCard(fromRun, metaOf(fromRun), null, exp, 'run-3', null);
  assert.match(c2.description, /\(EEG pretrained in run pre-1, ECG pretrained in run pre-1\)/);
  assert.ok(c2.limitations.some((l) => /^The EEG encoder comes from pretraining run pre-1: if its corpus held these subjects' recordings/.test(l)), 'the card warns about the EEG encoder from pre-1');
  assert.ok(!c2.licence.data.some((l) => /ECG pretraining records/.test(l)), "the card's data licences no longer name the ECG pretraining records");
});

test('the card gives the baseline its mean ± sd over the folds, as it gives the model (the rendered table shows both)', () => {
  const ms = (mean: number, sd: number, n = 4) => ({ mean, sd, n });
  const summary = (m: number, sd: number, n = 4) => ({ auroc: ms(m, sd, n), aucPr: ms(m - 0.1, sd, n), balancedAccuracy: ms(m - 0.2, sd, n), f1: ms(0, NaN, 0), f1Weighted: ms(0, NaN, 0), cohenKappa: ms(0, NaN, 0) });
  const arm = (name: string, modalities: ModalitySet, init: string, s: ReturnType<typeof summary>) => ({ arm: name, modalities, init, table: { summary: s } });
  const report = {
    task: { name: 'arithmetic' },
    arms: [arm('fused/pretrained', 'fused', 'pretrained', summary(0.81, 0.07)), arm('baseline/fused', 'fused', 'baseline', summary(0.74, 0.05)), arm('eeg/pretrained', 'eeg', 'pretrained', summary(0.7, 0.1)), arm('baseline/eeg', 'eeg', 'baseline', summary(0.72, 0.02, 1))],
  } as unknown as EvaluationReport;
  const m = cardMetrics(report, 'fused/pretrained');
  assert.deepEqual(m[0], { task: 'arithmetic', metric: 'auroc', value: 0.81, sd: 0.07, folds: 4, baseline: 0.74, baselineSd: 0.05, baselineFolds: 4 });
  assert.deepEqual(m.find((x) => x.metric === 'auroc [eeg/pretrained ablation]'), { task: 'arithmetic', metric: 'auroc [eeg/pretrained ablation]', value: 0.7, sd: 0.1, folds: 4, baseline: 0.72, baselineFolds: 1 }, 'one fold: no sd, and the fold count, for the baseline as for the model');
  const card = { ...sampleCard(), evaluation: { protocol: 'p', folds: 4, metrics: m } };
  assert.deepEqual(cardProblems(card), []);
  const text = renderModelCard(card);
  assert.ok(text.includes('| arithmetic | auroc | 0.810 ± 0.070 | 0.740 ± 0.050 |'), text);
  // As the CLI's report and the Training view write a mean over fewer folds (meanSdText): never a bare mean.
  assert.ok(text.includes('| arithmetic | auroc [eeg/pretrained ablation] | 0.700 ± 0.100 | 0.720* (1 of 4 folds) |'), text);
});

test("a one-fold mean on the card reads '(1 fold)', as in the report and the Training view", () => {
  const one = { mean: 0.6429, sd: NaN, n: 1 };
  const s = { auroc: one, aucPr: one, balancedAccuracy: one, f1: one, f1Weighted: one, cohenKappa: one };
  const report = { task: { name: 'arithmetic' }, folds: [{ index: 0, testSubjects: ['S1'] }], arms: [{ arm: 'fused/random', modalities: 'fused', init: 'random', table: { summary: s } }, { arm: 'baseline/fused', modalities: 'fused', init: 'baseline', table: { summary: s } }] } as unknown as EvaluationReport;
  const card = { ...sampleCard(), evaluation: { protocol: 'p', folds: 1, metrics: cardMetrics(report, 'fused/random') } };
  const text = renderModelCard(card);
  assert.ok(text.includes('| arithmetic | auroc | 0.643 (1 fold) | 0.643 (1 fold) |'), text);
  assert.equal(reportLines({ ...report, protocol: 'p', arms: report.arms.map((a) => ({ ...a, table: { ...a.table, rows: [] } })) } as EvaluationReport)[2].split(/\s{2,}/)[1], '0.643 (1 fold)', 'the CLI prints the same figure');
});

test('a card of one subject and one epoch says so in the singular', () => {
  const spec = defaultRecipe({ dataDir: '/data' });
  const meta = { ...metaOf(spec), subjects: ['Subject00'], windows: 1, finetune: { ...metaOf(spec).finetune, epochs: 1 } };
  const card = buildCard({ ...spec, pretrain: { ...spec.pretrain, eeg: { ...spec.pretrain.eeg!, epochs: 1 } } }, meta, null, exp, 'run-3', null);
  assert.match(card.training.data[0], /^PhysioNet EEGMAT \(EEG During Mental Arithmetic Tasks\): 1 subject \(Subject00\), 1 window of 5 s;/);
  assert.match(card.description, /Trained on 1 subject of PhysioNet EEGMAT\.$/);
  assert.match(card.training.procedure, /batch \d+, 1 epoch[,;]/);
  // No evaluation chose the epoch count: the card says it was as configured (it said "the median best epoch of the evaluation folds").
  assert.match(card.training.procedure, /modality dropout [\d.]+, 1 epoch \(as configured: no evaluation chose one\)/);
});

/** A report of one model arm and its baseline from per-fold predictions (the real fold table). */
function reportOf(subjects: string[], model: { y: number[]; s: number[] }[], baseline: { y: number[]; s: number[] }[]): EvaluationReport {
  const arm = (name: string, init: string, preds: { y: number[]; s: number[] }[]) => ({
    arm: name,
    modalities: 'fused',
    init,
    table: foldMetricTable(preds.map((p, i) => ({ fold: subjects[i], yTrue: Int32Array.from(p.y), scores: p.s, subjects: p.y.map(() => subjects[i]) }))),
  });
  return {
    task: { name: 'valence', kind: 'binary', classes: ['low', 'high'] },
    protocol: `leave-one-subject-out over ${subjects.length} subjects`,
    subjects,
    folds: subjects.map((s, index) => ({ index, trainSubjects: [], validationSubjects: [], testSubjects: [s] })),
    arms: [arm('fused/random', 'random', model), arm('baseline/fused', 'baseline', baseline)],
  } as unknown as EvaluationReport;
}

function dreamerSpec(): JobSpec {
  const base = defaultRecipe({ dataDir: '/data' });
  return {
    ...base,
    kind: 'finetune',
    dataset: { ...base.dataset!, name: 'DREAMER valence', sources: [{ kind: 'dreamer', path: '/home/me/DREAMER.mat', dimension: 'valence' }] },
    encoders: { eeg: { kind: 'random' }, ecg: { kind: 'random' } },
    corpora: {},
    pretrain: {},
    finetune: { ...base.finetune!, init: 'random' },
    recipe: { name: 'custom', command: 'heartmind train --dreamer DREAMER.mat' },
  };
}

test("a DREAMER model's card says the data is not openly licensed; a file's names it (no pointer to a run folder a reader does not have)", () => {
  const spec = dreamerSpec();
  const card = buildCard(spec, metaOf(spec), null, exp, 'run-4', null);
  assert.deepEqual(card.licence.data, ['DREAMER (Katsigiannis & Ramzan, IEEE JBHI 22(1):98–107, 2018) is not openly licensed: it was used under the terms its user obtained it with, which may limit sharing or using this model']);
  const files: JobSpec = { ...spec, dataset: { ...spec.dataset!, name: 'two files', sources: [{ kind: 'file', path: '/data/a/s01.edf', label: 'rest' }, { kind: 'session', id: 7 }] } };
  assert.deepEqual(buildCard(files, metaOf(files), null, exp, 'run-5', null).licence.data, ['HeartMind recorded 1 session (7): the recordings of their own participants, under the consent they gave', 's01.edf: under the licences of their sources']);
  assert.doesNotMatch(JSON.stringify(card), /see the run/);
  assert.ok(card.limitations.includes("Trained on 2 subjects of 'DREAMER valence' for the task 'arithmetic' only."), card.limitations.join('\n'));
});

test("a model below the baseline says so in one sentence; the shipped recipe's card adds why it ships, in the shipped card's words", () => {
  const subjects = ['S01', 'S02', 'S03'];
  const below = reportOf(
    subjects,
    [
      { y: [0, 0, 1, 1], s: [0.6, 0.1, 0.4, 0.2] },
      { y: [0, 1, 1, 0], s: [0.2, 0.8, 0.3, 0.7] },
      { y: [1, 0, 1, 0], s: [0.4, 0.6, 0.5, 0.3] },
    ],
    [
      { y: [0, 0, 1, 1], s: [0.1, 0.2, 0.8, 0.9] },
      { y: [0, 1, 1, 0], s: [0.2, 0.8, 0.7, 0.3] },
      { y: [1, 0, 1, 0], s: [0.9, 0.2, 0.6, 0.1] },
    ],
  );
  const a = below.arms[0].table.summary.auroc.mean.toFixed(3);
  const b = below.arms[1].table.summary.auroc.mean.toFixed(3);
  const lead = `Under the same subject-wise folds it does NOT beat the simple baseline (band power + heart rate, logistic regression): mean AUROC ${a} vs ${b}.`;
  const custom = dreamerSpec();
  assert.equal(buildCard(custom, metaOf(custom), below, exp, 'run-8', null).limitations[0], `${lead} For this task the baseline's features are the better classifier.`);
  const shipped: JobSpec = { ...custom, recipe: { name: 'default', command: 'heartmind train --recipe default' } };
  const verdict = buildCard(shipped, metaOf(shipped), below, exp, 'run-9', null).limitations[0];
  assert.equal(verdict, `${lead} It ships so that the live dashboard runs a real trained model end to end; for this task the baseline's features are the better classifier.`);
  // The shipped model's card, exported before, has this sentence: a re-export would write it again.
  const card = JSON.parse(readFileSync(resolve('models', 'heartmind-eegmat-arithmetic', 'card.json'), 'utf8')) as { limitations: string[] };
  assert.equal(card.limitations[0].replace(/\d\.\d{3} vs \d\.\d{3}/, `${a} vs ${b}`), verdict, 'the shipped card words it so');
});

test("the card gives each figure's chance level on the same test folds (AUC-PR: the positive share), none for F1; an older card keeps its four columns", () => {
  // S03 rated every clip low: its fold counts for no chance level, as it counts for no AUROC.
  const preds = [
    { y: [0, 0, 1, 1], s: [0.1, 0.6, 0.4, 0.9] },
    { y: [0, 1, 1, 1, 1], s: [0.2, 0.8, 0.7, 0.3, 0.6] },
    { y: [0, 0, 0], s: [0.7, 0.2, 0.1] },
  ];
  const report = reportOf(['S01', 'S02', 'S03'], preds, preds);
  const share = (2 / 4 + 4 / 5) / 2;
  const m = cardMetrics(report, 'fused/random');
  assert.deepEqual(
    m.map((x) => [x.metric, x.chance]),
    [
      ['auroc', 0.5],
      ['auc_pr', share],
      ['balanced_accuracy', 0.5],
      ['f1', undefined],
      ['f1_weighted', undefined],
      ['kappa', 0],
    ],
  );
  // report.json's own chance, where it has one, is the one taken.
  assert.equal(cardMetrics({ ...report, chance: { ...report.chance!, auroc: 0.5, aucPr: 0.3 } } as EvaluationReport, 'fused/random')[1].chance, 0.3);
  const card = { ...sampleCard(), evaluation: { protocol: 'p', folds: 3, metrics: m } };
  assert.deepEqual(cardProblems(card), []);
  assert.deepEqual(cardProblems({ ...card, evaluation: { ...card.evaluation, metrics: [{ ...m[0], chance: '0.5' }] } }), ['evaluation metric valence auroc: chance must be a number']);
  const text = renderModelCard(card);
  assert.ok(text.includes('| task | metric | model | baseline | chance |'), text);
  assert.match(text, new RegExp(`\\| valence \\| auc_pr \\| [^|]+ \\| [^|]+ \\| ${share.toFixed(3)} \\|`));
  assert.match(text, /\| valence \| f1 \| [^|]+ \| [^|]+ \| – \|/);
  // In the card's class names (the sample card's one task: rest / arithmetic).
  assert.ok(text.includes("chance: what a guess that ignores the window scores (AUC-PR: the share of 'arithmetic' among the test windows"), text);
  // A card exported before chance was recorded (the shipped one): its table as it was.
  const old = renderModelCard({ ...card, evaluation: { ...card.evaluation, metrics: m.map(({ chance: _c, ...rest }) => rest) } });
  assert.ok(old.includes('| task | metric | model | baseline |\n|---|---|---|---|\n'), old);
  assert.doesNotMatch(old, /chance/);
});

test('the card weighs the model against the baseline by the fold spread, and says when its means leave out one-class folds', () => {
  const spec = dreamerSpec();
  const subjects = ['S01', 'S02', 'S03'];
  // Close to the baseline, wide folds: "within the fold spread". S03 rated every clip low: its fold has no AUROC.
  const close = reportOf(
    subjects,
    [
      { y: [0, 0, 1, 1], s: [0.1, 0.6, 0.4, 0.9] },
      { y: [0, 1, 1, 0], s: [0.2, 0.8, 0.7, 0.3] },
      { y: [0, 0, 0], s: [0.7, 0.2, 0.1] },
    ],
    [
      { y: [0, 0, 1, 1], s: [0.1, 0.6, 0.4, 0.9] },
      { y: [0, 1, 1, 0], s: [0.2, 0.8, 0.3, 0.7] },
      { y: [0, 0, 0], s: [0.5, 0.2, 0.1] },
    ],
  );
  const a = close.arms[0].table.summary.auroc;
  const b = close.arms[1].table.summary.auroc;
  assert.equal(a.n, 2);
  const card = buildCard(spec, metaOf(spec), close, exp, 'run-6', null);
  assert.ok(a.mean - b.mean <= Math.max(a.sd, b.sd), `the AUROC difference ${a.mean - b.mean} is within the larger fold sd ${Math.max(a.sd, b.sd)}`);
  assert.ok(card.limitations.includes(`Under the same subject-wise folds it beats the simple baseline on mean AUROC (${a.mean.toFixed(3)} vs ${b.mean.toFixed(3)}); the difference (${(a.mean - b.mean).toFixed(3)}) is within the fold spread (sd up to ${Math.max(a.sd, b.sd).toFixed(3)}) over 3 subjects, so treat it as indicative.`), card.limitations.join('\n'));
  assert.ok(card.limitations.includes('In 1 of the 3 evaluation folds the test windows held one class only (S03): AUROC, AUC-PR, F1, balanced accuracy and κ are undefined there, so the model\'s and the baseline\'s means are over the other 2 folds.'), card.limitations.join('\n'));

  // Far above a steady baseline: the card no longer calls the difference within the spread.
  const far = reportOf(
    subjects,
    [
      { y: [0, 0, 1, 1], s: [0.1, 0.2, 0.8, 0.9] },
      { y: [0, 1, 1, 0], s: [0.2, 0.8, 0.7, 0.3] },
      { y: [1, 0, 1, 0], s: [0.9, 0.2, 0.6, 0.1] },
    ],
    [
      { y: [0, 0, 1, 1], s: [0.1, 0.6, 0.5, 0.2] },
      { y: [0, 1, 1, 0], s: [0.6, 0.2, 0.7, 0.3] },
      { y: [1, 0, 1, 0], s: [0.4, 0.6, 0.5, 0.3] },
    ],
  );
  const verdict = buildCard(spec, metaOf(spec), far, exp, 'run-7', null).limitations[0];
  assert.match(verdict, /^Under the same subject-wise folds it beats the simple baseline on mean AUROC \(1\.000 vs 0\.[0-9]{3}\), by more than the fold sd \(0\.[0-9]{3} against up to 0\.[0-9]{3}\); with 3 subjects, still treat it as indicative\.$/);
  assert.doesNotMatch(buildCard(spec, metaOf(spec), far, exp, 'run-7', null).limitations.join('\n'), /one class only/);
});

test('a shortfall within the fold spread, or a tie, names neither the better classifier; a model not clear of chance says so', () => {
  const spec = dreamerSpec();
  const subjects = ['S01', 'S02', 'S03'];
  // Four test windows a fold (two of each class) whose scores give the fold this AUROC.
  const fold = (auroc: 1 | 0.75 | 0.5 | 0.25) => ({ y: [0, 0, 1, 1], s: { 1: [0.1, 0.2, 0.8, 0.9], 0.75: [0.1, 0.6, 0.5, 0.9], 0.5: [0.3, 0.6, 0.2, 0.9], 0.25: [0.3, 0.6, 0.2, 0.4] }[auroc] });
  const limits = (model: (1 | 0.75 | 0.5 | 0.25)[], baseline: (1 | 0.75 | 0.5 | 0.25)[], shipped = false) => {
    const report = reportOf(subjects, model.map(fold), baseline.map(fold));
    const s: JobSpec = shipped ? { ...spec, recipe: { name: 'default', command: 'heartmind train --recipe default' } } : spec;
    return { limitations: buildCard(s, metaOf(s), report, exp, 'run-10', null).limitations, model: report.arms[0].table.summary.auroc, base: report.arms[1].table.summary.auroc };
  };
  const lead = (m: number, b: number) => `Under the same subject-wise folds it does NOT beat the simple baseline (band power + heart rate, logistic regression): mean AUROC ${m.toFixed(3)} vs ${b.toFixed(3)}`;

  // Folds of 1, 0.5, 0.5 against 1, 0.75, 0.75: 0.167 behind, with fold sds of 0.289 and 0.144.
  const close = limits([1, 0.5, 0.5], [1, 0.75, 0.75]);
  assert.ok(close.base.mean - close.model.mean <= close.model.sd, 'the shortfall is within the fold spread');
  assert.equal(close.limitations[0], `${lead(close.model.mean, close.base.mean)}; the difference (0.167) is within the fold spread (sd up to 0.289) over 3 subjects, so neither is shown the better classifier.`);
  assert.ok(!close.limitations.some((l) => /the better classifier\.$/.test(l) && /baseline's features/.test(l)), 'the baseline is not called the better classifier');
  // 0.667 is above chance by less than its fold sd: said, in the task's class names.
  assert.equal(close.limitations[1], "Its mean AUROC (0.667) is above chance (0.5) by 0.167, within its fold sd (0.289 over 3 folds): on these folds its scores are not shown to tell 'low' from 'high' better than a guess that ignores the windows.");
  // The shipped recipe's reason to ship follows either sentence.
  assert.equal(limits([1, 0.5, 0.5], [1, 0.75, 0.75], true).limitations[0], `${close.limitations[0]} It ships so that the live dashboard runs a real trained model end to end.`);

  // The same figures to three decimals: alike, whatever the spread.
  const tie = limits([1, 0.5, 0.75], [0.75, 1, 0.5]);
  assert.equal(tie.limitations[0], `${lead(0.75, 0.75)}: the two score alike on these folds, so neither is shown the better classifier.`);

  // Below chance and far behind the baseline: both said.
  const below = limits([0.5, 0.25, 0.5], [1, 1, 1]);
  assert.equal(below.limitations[0], `${lead(below.model.mean, 1)}. For this task the baseline's features are the better classifier.`);
  assert.equal(below.limitations[1], "Its mean AUROC (0.417) is not above chance (0.5): on these folds its scores do not tell 'low' from 'high' better than a guess that ignores the windows.");

  // Clear of chance by more than its fold sd: no chance sentence.
  assert.ok(!limits([1, 1, 0.75], [0.5, 0.5, 0.5]).limitations.some((l) => /chance \(0\.5\)/.test(l)), 'a model clear of chance gets no chance sentence');
});

test("the card's subjects: a range only where they are one (the quick recipe's four read 'Subject00–Subject04')", () => {
  assert.equal(subjectsText(['Subject00', 'Subject01', 'Subject02', 'Subject03']), 'Subject00–Subject03');
  assert.equal(subjectsText(['Subject00', 'Subject01', 'Subject03', 'Subject04']), 'Subject00, Subject01, Subject03, Subject04');
  assert.equal(subjectsText(['Subject00', 'Subject01']), 'Subject00, Subject01');
  assert.equal(subjectsText(['S9', 'S10', 'S11']), 'S9–S11', 'numbers, not text, follow on');
  assert.equal(subjectsText(['A', 'B', 'C']), 'A, B, C');
  assert.equal(subjectsText(['Subject07']), 'Subject07');
});
