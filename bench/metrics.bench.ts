// Evaluation and dataset hot paths, each against its Python peer timed in the same run:
// - AUROC + average precision + all binary metrics on n predictions vs scikit-learn;
// - the baseline's logistic regression fit vs scikit-learn LogisticRegression(lbfgs);
// - reading the DREAMER structure fixture vs scipy.io.loadmat;
// - building the EEGMAT dataset (EDF → live pipeline → 5 s windows, windows/s) and the baseline's
//   subject-wise evaluation on it (fused / EEG-only / ECG-only), the figures a model must beat.
// Python times exclude interpreter start and imports. `--long` uses bigger inputs.
import { readFileSync, existsSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { benchFlags, header, median, runPeer, table, timeIt } from './bench-util';
import { averagePrecision, chanceLevels, evaluateBinary, formatMeanSd, leaveOneSubjectOut, rocAuc, seededRandom } from '../src/shared/eval';
import { baselineFeatureMatrix, evaluateBaseline, fitLogisticRegression } from '../src/shared/train/baseline';
import { parseDreamer } from '../src/shared/datasets/dreamer';
import { loadDataset } from '../src/main/train/dataset-loader';
import { baselineInputs } from '../src/shared/train/evaluate';
import { eegmatDataset } from '../src/shared/train/recipes';
import { trainableWindows } from '../src/shared/train/trainable';

const { long } = benchFlags(import.meta.url, 'Metrics, the baseline’s fit, DREAMER reading and the EEGMAT baseline evaluation, against scikit-learn and scipy.', {
  long: { type: 'boolean', help: 'bigger inputs' },
});
/** A peer's timings, or null (why printed, once per reason: a missing module fails every call alike). */
const peerFailures = new Set<string>();
function py(script: string, input: unknown): Record<string, number> | null {
  const r = runPeer<Record<string, number>>(['-c', script], { input: JSON.stringify(input) });
  if ('value' in r) return r.value;
  if (!peerFailures.has(r.why)) console.log(`(peer skipped: ${r.why})`);
  peerFailures.add(r.why);
  return null;
}

const PY_TIMER = `
import json, sys, time
def best(fn, reps):
    ts = []
    for _ in range(reps):
        t = time.perf_counter(); fn(); ts.append((time.perf_counter() - t) * 1000)
    ts.sort(); return ts[len(ts) // 2]
`;

header('Evaluation metrics, baseline fit, DREAMER read');
const rows: Record<string, string | number>[] = [];

// --- Metrics -------------------------------------------------------------------------------------
for (const n of long ? [10_000, 1_000_000] : [10_000, 200_000]) {
  const r = seededRandom(n);
  const y = new Uint8Array(n);
  const s = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = r() < 0.3 ? 1 : 0;
    s[i] = Math.round((y[i] * 0.3 + r()) * 1000) / 1000; // ties, as real probabilities have
  }
  const reps = n > 100_000 ? 5 : 20;
  const tAuc = median(await timeIt(() => rocAuc(y, s), { minRuns: reps, minMs: 300 }));
  const tAp = median(await timeIt(() => averagePrecision(y, s), { minRuns: reps, minMs: 300 }));
  const tAll = median(await timeIt(() => evaluateBinary(y, s), { minRuns: reps, minMs: 300 }));
  const ref = py(
    PY_TIMER +
      `
import numpy as np
from sklearn import metrics as M
d = json.load(sys.stdin); y = np.array(d['y']); s = np.array(d['s']); p = (s > 0.5).astype(int)
def allm():
    M.roc_auc_score(y, s); M.average_precision_score(y, s); M.f1_score(y, p); M.f1_score(y, p, average='weighted')
    M.balanced_accuracy_score(y, p); M.cohen_kappa_score(y, p); M.accuracy_score(y, p); M.confusion_matrix(y, p)
print(json.dumps({'auc': best(lambda: M.roc_auc_score(y, s), ${reps}), 'ap': best(lambda: M.average_precision_score(y, s), ${reps}), 'all': best(allm, ${reps})}))
`,
    { y: Array.from(y), s: Array.from(s) },
  );
  const row = (what: string, ours: number, peer: number | undefined) =>
    rows.push({ task: what, n, 'ours ms': ours, 'scikit-learn ms': peer ?? NaN, 'ours / peer': peer ? ours / peer : NaN });
  row('AUROC', tAuc, ref?.auc);
  row('average precision', tAp, ref?.ap);
  row('all binary metrics', tAll, ref?.all);
}

// --- Baseline logistic regression ----------------------------------------------------------------
{
  const n = long ? 20_000 : 2_000;
  const d = 143; // 14 EEG channels × 5 bands × 2 + 3 heart features (DREAMER-sized baseline)
  const r = seededRandom(1);
  const data = new Float64Array(n * d);
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = r() < 0.5 ? 1 : 0;
    for (let j = 0; j < d; j++) data[i * d + j] = r() - 0.5 + (y[i] && j % 7 === 0 ? 0.1 : 0);
  }
  const X = { rows: n, cols: d, data, names: [] };
  const t = median(await timeIt(() => fitLogisticRegression(X, y, { C: 1 }), { minRuns: 3, minMs: 500 }));
  const ref = py(
    PY_TIMER +
      `
import numpy as np, warnings
from sklearn.linear_model import LogisticRegression
warnings.simplefilter('ignore')
d = json.load(sys.stdin); X = np.array(d['X']).reshape(${n}, ${d}); y = np.array(d['y'])
print(json.dumps({'lbfgs': best(lambda: LogisticRegression(C=1, solver='lbfgs', max_iter=1000).fit(X, y), 3)}))
`,
    { X: Array.from(data), y: Array.from(y) },
  );
  rows.push({ task: `logistic fit (${d} features)`, n, 'ours ms': t, 'scikit-learn ms': ref?.lbfgs ?? NaN, 'ours / peer': ref ? t / ref.lbfgs : NaN });
}

table(rows);

// --- DREAMER structure fixture ---------------------------------------------------------------------
const FIXTURE = resolve('..', 'shared', 'data', 'dreamer-format', 'DREAMER-structure.mat');
if (existsSync(FIXTURE)) {
  const bytes = readFileSync(FIXTURE);
  const t = median(await timeIt(() => parseDreamer(bytes), { minRuns: 5, minMs: 500 }));
  const ref = py(PY_TIMER + `\nimport scipy.io as sio\nprint(json.dumps({'loadmat': best(lambda: sio.loadmat(${JSON.stringify(FIXTURE)}), 5)}))`, null);
  console.log('');
  table([
    {
      task: 'read DREAMER-structure.mat (1.4 MB, zlib) → typed records',
      'ours ms': t,
      'scipy.io.loadmat ms': ref?.loadmat ?? NaN,
      'ours / peer': ref ? t / ref.loadmat : NaN,
    },
  ]);
} else {
  console.log('\n(DREAMER fixture absent: ../shared/data/dreamer-format)');
}

// --- EEGMAT: dataset building and the baseline's subject-wise figures --------------------------------
// The windows `heartmind evaluate --eegmat` scores (the training dataset builder, the dataset's own
// R peaks), so that these figures are the baseline rows of `heartmind evaluate --validation 0`.
const DATA = resolve('..', 'shared', 'data');
if (existsSync(resolve(DATA, 'edf-eegmat'))) {
  const t = performance.now();
  const ds = await loadDataset(eegmatDataset(DATA));
  const { windows, labels, subjects } = trainableWindows(ds, ['eeg', 'ecg']);
  const inputs = baselineInputs(windows);
  const buildMs = performance.now() - t;
  const seconds = windows.length * ds.windowSec;
  console.log(`\nEEGMAT (${ds.recordings.length} files, ${new Set(subjects).size} subjects): ${inputs.length} windows of ${ds.windowSec} s (${labels.filter((v) => v === 1).length} arithmetic) in ${(buildMs / 1000).toFixed(1)} s = ${((inputs.length / buildMs) * 1000).toFixed(1)} windows/s, ${(seconds / (buildMs / 1000)).toFixed(0)}× real time (EDF read + pipeline + features' R peaks)`);
  const folds = leaveOneSubjectOut(subjects, { labels });
  const out: Record<string, string | number>[] = [];
  for (const modality of ['fused', 'eeg', 'ecg'] as const) {
    const t1 = performance.now();
    const X = baselineFeatureMatrix(inputs, modality, windows[0].eegChannels);
    const ev = evaluateBaseline(X, labels, subjects, folds, { classWeight: 'balanced' });
    const ms = performance.now() - t1;
    const s2 = ev.table.summary;
    const cs = ev.models.map((m) => m.C);
    const cMode = [...new Set(cs)].sort((a, b) => cs.filter((c) => c === b).length - cs.filter((c) => c === a).length)[0];
    out.push({
      baseline: modality,
      features: X.cols,
      'C (most folds)': cMode,
      'AUROC (LOSO mean ± sd)': formatMeanSd(s2.auroc),
      'AUC-PR': formatMeanSd(s2.aucPr),
      'AUC-PR chance': chanceLevels(ev.table.rows).aucPr?.toFixed(3) ?? 'n/a',
      'bal. acc.': formatMeanSd(s2.balancedAccuracy),
      "Cohen's κ": formatMeanSd(s2.cohenKappa),
      'pooled AUROC': ev.table.pooled ? ev.table.pooled.auroc.toFixed(3) : 'n/a',
      'features + nested LOSO s': ms / 1000,
    });
  }
  table(out);
} else {
  console.log('\n(EEGMAT recordings absent: ../shared/data/edf-eegmat)');
}
