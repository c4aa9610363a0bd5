// Building training datasets: recordings → the live pipeline (clock model, 200 Hz resampling,
// band-pass, notch, montage, quality, R peaks) → labelled 5-s windows. Windows per second for the
// EEGMAT dataset (12 subjects, EEG 19 ch + ECG) and the ECG pretraining corpus, and the same EEGMAT
// preprocessing in MNE-Python in the same run as the peer (read EDF, resample to 200 Hz, band-pass
// 0.3–75 Hz, notch 50 Hz, cut 5-s epochs; imports excluded).
//   node --import tsx bench/dataset-build.bench.ts
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { benchFlags, header, runPeer, table } from './bench-util';
import { loadDataset } from '../src/main/train/dataset-loader';
import { ecgCorpus, eegmatDataset } from '../src/shared/train/recipes';

benchFlags(import.meta.url, 'EEGMAT and ECG-corpus windows/s through the live pipeline, against MNE doing the same preprocessing. No flags.', {});
const DATA = resolve('..', 'shared', 'data');
header('Dataset building through the live pipeline');
if (!existsSync(resolve(DATA, 'edf-eegmat'))) {
  console.log('skipped: needs ../shared/data/edf-eegmat');
  process.exit(0);
}
const rows: Record<string, string | number>[] = [];
let eegmatRate = NaN;
for (const spec of [eegmatDataset(DATA), ecgCorpus(DATA)]) {
  const before = process.memoryUsage().rss;
  const t0 = performance.now();
  const ds = await loadDataset(spec);
  const s = (performance.now() - t0) / 1000;
  if (spec.task) eegmatRate = ds.windows.length / s;
  rows.push({ dataset: spec.name, recordings: ds.recordings.length, windows: ds.windows.length, 's': s, 'windows/s': ds.windows.length / s, 'RSS growth MiB': (process.memoryUsage().rss - before) / 2 ** 20 });
}

const script = `
import glob, json, sys, time, warnings
warnings.filterwarnings('ignore')
import mne
mne.set_log_level('ERROR')
files = sorted(glob.glob(sys.argv[1] + '/Subject*_[12].edf'))
t = time.perf_counter(); n = 0
for f in files:
    raw = mne.io.read_raw_edf(f, preload=True)
    raw.resample(200)
    raw.filter(0.3, 75, picks='all')
    raw.notch_filter(50, picks='all')
    ep = mne.make_fixed_length_epochs(raw, duration=5.0, preload=True)
    n += len(ep)
print(json.dumps({'s': time.perf_counter() - t, 'windows': n, 'files': len(files)}))
`;
const r = runPeer<{ s: number; windows: number; files: number }>(['-c', script, resolve(DATA, 'edf-eegmat')]);
if ('value' in r) {
  const o = r.value;
  rows.push({ dataset: 'EEGMAT in MNE-Python (peer: read, resample, filter, notch, epochs)', recordings: o.files, windows: o.windows, 's': o.s, 'windows/s': o.windows / o.s, 'RSS growth MiB': NaN });
  table(rows);
  console.log(`\nHeartMind / MNE windows per second on EEGMAT: ${(eegmatRate / (o.windows / o.s)).toFixed(2)}× (ours also runs the clock model, quality checks and R-peak detection)`);
} else {
  table(rows);
  console.log(`\nMNE peer skipped: ${r.why}`);
}
