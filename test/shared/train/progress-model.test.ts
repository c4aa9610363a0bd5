// The job's bar and ETA on scripted sequences of stage events with a scripted clock: a machine that
// runs every stage at the priors' pace, one twice as slow, embeddings far slower than their prior
// (12-layer encoders), a first unit that carries the jit compilation, a run resumed part-way.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { datasetShares, jobStages, ProgressModel, type ProgressStage } from '../../../src/shared/train/progress-model';
import { defaultRecipe, QUICK_ENCODER, quickRecipe } from '../../../src/shared/train/recipes';
import { JOB_PHASES } from '../../../src/shared/train/job.types';

/** A stage as the job reports it: a start event at 0, then one event after each unit of `unitSec[i]` seconds. */
interface Script {
  id: string;
  unitSec: number[];
}

interface Sample {
  id: string;
  t: number;
  fraction: number;
  eta: number | null;
  /** Seconds the script still has to run. */
  left: number;
}

function play(stages: ProgressStage[], script: Script[]): Sample[] {
  let t = 0;
  const model = new ProgressModel(stages, () => t * 1000);
  const end = script.reduce((s, x) => s + x.unitSec.reduce((a, b) => a + b, 0), 0);
  const out: Sample[] = [];
  const at = (id: string, frac: number) => {
    const e = model.update(id, frac);
    out.push({ id, t, fraction: e.fraction, eta: e.etaSec, left: end - t });
  };
  for (const s of script) {
    at(s.id, 0);
    s.unitSec.forEach((u, i) => {
      t += u;
      at(s.id, (i + 1) / s.unitSec.length);
    });
  }
  return out;
}

const units = (n: number, sec: number, first = sec) => Array.from({ length: n }, (_, i) => (i === 0 ? first : sec));

const STAGES: ProgressStage[] = [
  { id: 'datasets', priorSec: 12 },
  { id: 'pretrain-eeg', priorSec: 100 },
  { id: 'evaluate:embeddings', priorSec: 20 },
  { id: 'evaluate:folds', priorSec: 60 },
  { id: 'evaluate:baseline', priorSec: 12 },
  { id: 'export', priorSec: 3 },
];

function scriptAt(pace: number, embeddingSec: number): Script[] {
  return [
    { id: 'datasets', unitSec: units(4, 3 * pace) },
    { id: 'pretrain-eeg', unitSec: units(25, 4 * pace) },
    { id: 'evaluate:embeddings', unitSec: units(40, embeddingSec / 40) },
    { id: 'evaluate:folds', unitSec: units(24, 2.5 * pace) },
    { id: 'evaluate:baseline', unitSec: units(3, 4 * pace) },
    { id: 'export', unitSec: units(1, 3 * pace) },
  ];
}

describe('ProgressModel', () => {
  test('a machine twice as slow as the priors: after the first stage the ETA is the time left, to a unit', () => {
    const samples = play(STAGES, scriptAt(2, 40));
    for (const s of samples.filter((x) => x.id !== 'datasets')) {
      assert.ok(s.eta !== null && Math.abs(s.eta - s.left) <= 8.5, `${s.id} at ${s.t} s: ETA ${s.eta}, ${s.left} s left`);
    }
    const last = samples[samples.length - 1];
    assert.deepEqual([last.fraction, last.eta], [1, 0], 'done: 100 %, ETA 0');
  });

  test('embeddings 12× slower than their prior: the ETA falls with the clock through them, never climbs', () => {
    const samples = play(STAGES, scriptAt(1, 240));
    const emb = samples.filter((s) => s.id === 'evaluate:embeddings').slice(2); // its own rate: from its second unit
    assert.ok(emb.length > 30, `${emb.length} samples`);
    for (let i = 1; i < emb.length; i++) {
      const fell = emb[i - 1].eta! - emb[i].eta!;
      const passed = emb[i].t - emb[i - 1].t;
      assert.ok(Math.abs(fell - passed) <= 1, `at ${emb[i].t} s the ETA fell ${fell} s in ${passed} s (${emb[i - 1].eta} → ${emb[i].eta})`);
    }
    for (const s of emb) assert.ok(Math.abs(s.eta! - s.left) <= 0.1 * s.left + 2, `at ${s.t} s: ETA ${s.eta}, ${s.left} s left`);
  });

  test("a stage's first unit carries the jit compilation: its rate is taken from the units after it", () => {
    const stages: ProgressStage[] = [
      { id: 'datasets', priorSec: 10 },
      { id: 'pretrain-eeg', priorSec: 100 },
    ];
    const samples = play(stages, [
      { id: 'datasets', unitSec: units(2, 5) },
      { id: 'pretrain-eeg', unitSec: units(20, 4, 35) },
    ]);
    const pre = samples.filter((s) => s.id === 'pretrain-eeg');
    // After step 3 of 20: 17 steps of 4 s left (not 17 × the 35-s first step, nor its average).
    assert.equal(pre[3].eta, 17 * 4);
    assert.equal(pre[1].eta, 100 - 35, 'after the first step alone: the prior at the pace the datasets had (1×), less the 35 s spent');
  });

  test('while a first unit computes (no report yet) the ETA falls with the clock, not stands still', () => {
    let t = 0;
    const model = new ProgressModel(STAGES, () => t * 1000);
    model.update('datasets', 0);
    t = 12;
    model.update('datasets', 1);
    model.update('pretrain-eeg', 0); // compiling its first step
    const etas = [0, 5, 10, 20].map((dt) => {
      t = 12 + dt;
      return model.update('pretrain-eeg', 0).etaSec!;
    });
    assert.deepEqual(etas.map((e) => etas[0] - e), [0, 5, 10, 20], `ETAs ${etas}`);
  });

  test('a resumed run builds its dataset again: the finished stages after it are full in the bar and not in the ETA', () => {
    let t = 0;
    const model = new ProgressModel(STAGES, () => t * 1000, new Set(['pretrain-eeg']));
    model.update('datasets', 0);
    t = 6;
    const e = model.update('datasets', 0.5);
    assert.equal(e.fraction, (6 + 100) / 207, 'half the datasets and all of the pretraining');
    // 6 s for half a 12-s prior: the pace of the priors; left: 6 s of datasets, then 20 + 60 + 12 + 3 (not the 100 of pretraining).
    assert.equal(e.etaSec, 6 + 95);
  });

  test('a run resumed in the middle of a stage: the bar starts where it stopped while the datasets are built again, then goes on', () => {
    let t = 0;
    // Stopped at half its EEG pretraining: (12 + 50) / 207 of the bar.
    const stopped = (12 + 50) / 207;
    const model = new ProgressModel(STAGES, () => t * 1000, new Set(), stopped);
    assert.equal(model.update('datasets', 0).fraction, stopped, 'not 0: the datasets come before the stage it stopped in');
    t = 6;
    assert.equal(model.update('datasets', 1).fraction, stopped, 'the datasets rebuilt: still where it stopped');
    assert.equal(model.update('pretrain-eeg', 0.5).fraction, stopped, 'the stage resumes at its checkpoint');
    t = 10;
    assert.equal(model.update('pretrain-eeg', 0.6).fraction, (12 + 60) / 207, 'and goes on from there');
  });

  test('resumed part-way: the stages before count done, and no ETA until this process has measured 2 s', () => {
    let t = 0;
    const model = new ProgressModel(STAGES, () => t * 1000);
    const first = model.update('pretrain-eeg', 0.5);
    assert.equal(first.fraction, (12 + 50) / 207, 'the bar starts where the run was');
    assert.equal(first.etaSec, null, 'nothing measured yet');
    t = 1;
    assert.equal(model.update('pretrain-eeg', 0.52).etaSec, null, 'one second is not a pace yet');
    t = 5;
    const e = model.update('pretrain-eeg', 0.6);
    // Own rate since the first unit after the resume: 0.08 of the stage in 4 s.
    assert.equal(e.etaSec, Math.round((4 / 0.08) * 0.4 + (20 + 60 + 12 + 3) * (5 / (100 * 0.1))));
  });

  test('the bar never goes back: a stage reported lower, new priors, an unknown stage', () => {
    let t = 0;
    const model = new ProgressModel(STAGES, () => t * 1000);
    t = 10;
    const a = model.update('evaluate:folds', 0.5).fraction;
    assert.equal(model.update('evaluate:folds', 0.2).fraction, a, 'a lower report');
    model.replan(STAGES.map((s) => (s.id === 'evaluate:folds' ? { ...s, priorSec: 1 } : s)));
    t = 11;
    assert.ok(model.update('evaluate:folds', 0.6).fraction >= a, 'smaller priors');
    assert.deepEqual(model.update('no-such-stage', 0.5), { fraction: model.update('evaluate:folds', 0.6).fraction, etaSec: null });
  });
});

describe('jobStages', () => {
  const phases = [...JOB_PHASES];
  test("the default recipe's priors follow its measured run (docs/training.md: 26 min, most of it EEG pretraining)", () => {
    const st = jobStages(defaultRecipe({ dataDir: '/d' }), phases, { labelled: { windows: 574, subjects: 12, channels: { eeg: 19, ecg: 1 } }, corpora: { ecg: { windows: 943, channels: 2 }, eeg: { windows: 598, channels: 19 } } });
    assert.deepEqual(st.map((s) => s.id), ['datasets', 'pretrain-ecg', 'pretrain-eeg', 'evaluate:embeddings', 'evaluate:folds', 'evaluate:baseline', 'final-fit', 'export']);
    const sec = Object.fromEntries(st.map((s) => [s.id, s.priorSec]));
    const total = st.reduce((s, x) => s + x.priorSec, 0);
    assert.ok(total > 20 * 60 && total < 32 * 60, `total ${total.toFixed(0)} s`);
    assert.ok(sec['pretrain-eeg'] > 12 * 60 && sec['pretrain-eeg'] < 19 * 60, `EEG pretraining ${sec['pretrain-eeg'].toFixed(0)} s (measured 15.5 min)`);
    const evaluation = sec['evaluate:embeddings'] + sec['evaluate:folds'] + sec['evaluate:baseline'];
    assert.ok(evaluation > 4 * 60 && evaluation < 8 * 60, `evaluation ${evaluation.toFixed(0)} s (measured 5.8 min)`);
    assert.ok(sec['evaluate:embeddings'] > 10 * sec['export'], 'four 12-layer embeddings of 574 windows weigh minutes');
    // Resumed after the pretraining: only the labelled dataset is built again.
    const resumed = jobStages(defaultRecipe({ dataDir: '/d' }), phases, {}, ['datasets', 'pretrain-ecg', 'pretrain-eeg']);
    assert.ok(resumed[0].priorSec < sec.datasets / 2, `datasets ${resumed[0].priorSec} s of ${sec.datasets}`);
  });

  test('the quick recipe: tiny encoders, so its datasets and embeddings, not its three pretraining steps, take the time', () => {
    const st = jobStages(quickRecipe('/d'), phases, { labelled: { windows: 192, subjects: 4, channels: { eeg: 19, ecg: 1 } }, corpora: { ecg: { windows: 48, channels: 1 }, eeg: { windows: 48, channels: 19 } } });
    const sec = Object.fromEntries(st.map((s) => [s.id, s.priorSec]));
    const total = st.reduce((s, x) => s + x.priorSec, 0);
    assert.ok(total > 30 && total < 120, `total ${total.toFixed(0)} s (about a minute)`);
    assert.ok(sec.datasets > sec['pretrain-eeg'], `datasets ${sec.datasets} s, EEG pretraining ${sec['pretrain-eeg'].toFixed(1)} s`);
  });

  test("datasets weigh their recordings, not their sources: the quick recipe's ETA after its datasets is the time left (it said half)", () => {
    const spec = quickRecipe('/d');
    const sized = { labelled: { windows: 189, subjects: 4, channels: { eeg: 19, ecg: 1 } }, corpora: { ecg: { windows: 48, channels: 1 }, eeg: { windows: 48, channels: 19 } } };
    const st = jobStages(spec, ['datasets', 'pretrain-ecg', 'pretrain-eeg', 'evaluate', 'final-fit'], sized);
    // An EEGMAT folder of 4 subjects (8 files) and two of one subject (2 files each): 12 recordings, three datasets.
    const eegmatOf = (n: number) => ({ ...spec, dataset: { ...spec.dataset!, sources: [{ kind: 'eegmat' as const, dir: '/d', subjects: Array.from({ length: n }, (_, i) => `Subject0${i}`) }] } });
    const datasetsOf = (n: number) => jobStages(eegmatOf(n), ['datasets', 'evaluate'])[0].priorSec;
    assert.ok(datasetsOf(8) > 1.8 * datasetsOf(4), `8 subjects ${datasetsOf(8)} s, 4 subjects ${datasetsOf(4)} s`);
    // The quick recipe's stages in CPU seconds (the load-free cost; measured 2026-11-27 on the
    // development machine under a load of 25): datasets 2.3, ECG pretraining 1.6, EEG 2.4,
    // embeddings 4.5, folds 1.7, baseline 0.4, final fit 0.1. At any pace f, after the datasets the
    // ETA is the rest's 10.7·f; a datasets prior of 15 s made it 5.2·f.
    const cpu: Record<string, number> = { datasets: 2.3, 'pretrain-ecg': 1.6, 'pretrain-eeg': 2.4, 'evaluate:embeddings': 4.5, 'evaluate:folds': 1.7, 'evaluate:baseline': 0.4, 'final-fit': 0.1 };
    assert.deepEqual(st.map((x) => x.id), Object.keys(cpu));
    for (const pace of [1, 4, 12]) {
      const samples = play(st, st.map((x) => ({ id: x.id, unitSec: units(4, (cpu[x.id] * pace) / 4) })));
      const after = samples.find((x) => x.id === 'pretrain-ecg')!;
      assert.ok(after.eta !== null && Math.abs(after.eta - after.left) <= 0.25 * after.left, `pace ${pace}: after the datasets the ETA is ${after.eta} s, ${after.left.toFixed(1)} s left`);
    }
  });

  test("a fine-tune from a run's encoders costs their layers, not CBraMod's 12 (the spec names none for them)", () => {
    // The Training view's fine-tune from the quick try's pretraining run: config.json names no encoder.
    const spec = { ...quickRecipe('/d'), kind: 'finetune' as const, corpora: {}, pretrain: {}, encoderConfig: undefined, encoders: { eeg: { kind: 'run' as const, runId: 'quick-1' }, ecg: { kind: 'run' as const, runId: 'quick-1' } } };
    const labelled = { windows: 192, subjects: 4, channels: { eeg: 19, ecg: 1 } };
    const phases = ['datasets', 'evaluate', 'final-fit'] as const;
    const sec = (sizes: Parameters<typeof jobStages>[2]) => Object.fromEntries(jobStages(spec, [...phases], sizes).map((s) => [s.id, s.priorSec]));
    const guessed = sec({ labelled });
    const read = sec({ labelled, encoders: { eeg: QUICK_ENCODER, ecg: QUICK_ENCODER } });
    // Four embeddings (two modalities × pretrained/random) of 192 windows through a 1-layer, 40-wide encoder: the quick recipe's own prior.
    assert.equal(read['evaluate:embeddings'], Object.fromEntries(jobStages(quickRecipe('/d'), [...phases], { labelled }).map((s) => [s.id, s.priorSec]))['evaluate:embeddings'], 'as the quick recipe, whose spec names these encoders');
    assert.ok(read['evaluate:embeddings'] < 25, `embeddings ${read['evaluate:embeddings'].toFixed(1)} s with the run's 1-layer encoders`);
    assert.ok(guessed['evaluate:embeddings'] > 4 * read['evaluate:embeddings'], `12 layers assumed: ${guessed['evaluate:embeddings'].toFixed(0)} s`);
    // A plan that keeps its encoders when the datasets' sizes come (Progress.sized passes them again).
    assert.equal(sec({ encoders: { eeg: QUICK_ENCODER, ecg: QUICK_ENCODER } }).datasets, guessed.datasets, 'the encoders change no dataset prior');
  });

  test('only the phases the job has; end-to-end fine-tuning folds its encoders into the fold fits', () => {
    const spec = defaultRecipe({ dataDir: '/d' });
    const st = jobStages({ ...spec, finetune: { ...spec.finetune!, freeze: 'none' } }, ['datasets', 'evaluate', 'export']);
    assert.deepEqual(st.map((s) => s.id), ['datasets', 'evaluate:folds', 'evaluate:baseline', 'export']);
    const frozen = jobStages(spec, ['datasets', 'evaluate', 'export']);
    assert.ok(st[1].priorSec > 20 * frozen.find((s) => s.id === 'evaluate:folds')!.priorSec, 'end to end trains 12-layer encoders every epoch');
  });
});

test("datasetShares: each dataset takes its prior's part of the datasets stage, not an equal one", () => {
  const q = quickRecipe('/data');
  // The quick try builds its 4 subjects' 8 recordings, then an ECG and an EEG corpus of 2 each.
  const shares = datasetShares([q.dataset!, q.corpora.ecg!, q.corpora.eeg!]);
  const [d, ecg, eeg] = shares;
  assert.ok(Math.abs(d.share - 4.1 / 6.9) < 1e-9 && Math.abs(ecg.share - 1.4 / 6.9) < 1e-9, `8 recordings against 2 and 2: ${JSON.stringify(shares)}`);
  assert.deepEqual([d.start, ecg.start, eeg.start + eeg.share].map((x) => +x.toFixed(12)), [0, +d.share.toFixed(12), 1], 'one after the other, the whole stage');
  // The stage's prior is the same sum: the shares and jobStages agree.
  const stage = jobStages(q, ['datasets', 'pretrain-ecg', 'pretrain-eeg', 'evaluate', 'final-fit'])[0];
  assert.equal(+stage.priorSec.toFixed(9), 6.9);
  assert.deepEqual(datasetShares([]), [], 'nothing to build');
});
