// Reads files with MNE-Python (Debian's /usr/bin/python3 with python3-mne: the independent
// reference for EDF/BDF) and hands back what it saw: channel names, rate, data in SI units,
// annotations. One Python process for a whole list of files, to keep tests fast.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const PYTHON = '/usr/bin/python3';

export interface MneView {
  chNames: string[];
  sfreq: number;
  nTimes: number;
  types: string[];
  measDate: number | null;
  annotations: [number, number, string][];
  /** Planar [channels × nTimes], SI units (V for voltages), as MNE returns them. */
  data: Float64Array;
}

const SCRIPT = `
import sys, json, numpy as np, mne
out = sys.argv[1]
res = []
for k, path in enumerate(sys.argv[2:]):
    reader = mne.io.read_raw_bdf if path.lower().endswith('.bdf') else mne.io.read_raw_edf
    raw = reader(path, preload=True, verbose='error', infer_types=False)
    raw.get_data().astype('<f8').tofile(f'{out}/{k}.f64')
    a = raw.annotations
    res.append({'chNames': raw.ch_names, 'sfreq': float(raw.info['sfreq']), 'nTimes': int(raw.n_times),
      'types': raw.get_channel_types(),
      'measDate': raw.info['meas_date'].timestamp() if raw.info['meas_date'] else None,
      'annotations': [[float(o), float(d), str(t)] for o, d, t in zip(a.onset, a.duration, a.description)]})
print(json.dumps(res))
`;

let available: boolean | undefined;
/** Whether /usr/bin/python3 can import mne (a reason string when not, for test skips). */
export function mneMissing(): string | false {
  if (available === undefined) available = spawnSync(PYTHON, ['-c', 'import mne'], { encoding: 'utf8' }).status === 0;
  return available ? false : 'needs /usr/bin/python3 with python3-mne';
}

export function readWithMne(files: string[]): MneView[] {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hm-mne-'));
  try {
    const r = spawnSync(PYTHON, ['-c', SCRIPT, dir, ...files], { encoding: 'utf8', maxBuffer: 64 << 20 });
    if (r.status !== 0) throw new Error(`MNE failed: ${r.stderr}`);
    const meta = JSON.parse(r.stdout) as Omit<MneView, 'data'>[];
    return meta.map((m, k) => {
      const buf = readFileSync(path.join(dir, `${k}.f64`));
      return { ...m, data: new Float64Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength)) };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
