// DREAMER loader against the structure-only fixture (real layout, synthetic numbers), every value
// checked against scipy.io.loadmat of the same file; and files that are not DREAMER.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { decodeDreamer, dreamerTrials, parseDreamer } from '../../../src/shared/datasets/dreamer';
import { DatasetError, DatasetErrorCode, DREAMER_EEG_CHANNELS, type DreamerDataset } from '../../../src/shared/datasets/datasets.types';
import { parseMat } from '../../../src/shared/formats/mat/mat-parse';
import { FormatError } from '../../../src/shared/formats/format-error';
import type { MatFile, MatStruct, MatValue } from '../../../src/shared/formats/mat/mat.types';
import { hasPython, runPython } from '../eval/python-reference';

const FIXTURE = resolve('..', 'shared', 'data', 'dreamer-format', 'DREAMER-structure.mat');
const have = existsSync(FIXTURE);

interface RefSubject {
  age: string; gender: string; scores: Record<string, number[]>;
  shapes: Record<string, number[][]>;
  /** Per block and clip: first row, last row, column sums. */
  rows: Record<string, { first: number[]; last: number[]; sums: number[] }[]>;
}

const PY = `
import json, sys, math
import numpy as np, scipy.io as sio
D = sio.loadmat(sys.argv[1])['DREAMER'][0, 0]
out = {'eegRate': float(D['EEG_SamplingRate'][0, 0]), 'ecgRate': float(D['ECG_SamplingRate'][0, 0]),
       'electrodes': [str(e[0]) for e in D['EEG_Electrodes'][0]], 'subjects': []}
s1 = D['Data'][0, 0][0, 0]
out['clip1'] = s1['EEG'][0, 0]['stimuli'][0, 0].flatten(order='F').tolist()
for cell in D['Data'][0]:
    s = cell[0, 0]
    subj = {'age': str(s['Age'][0]), 'gender': str(s['Gender'][0]), 'scores': {}, 'shapes': {}, 'rows': {}}
    for k in ('ScoreValence', 'ScoreArousal', 'ScoreDominance'):
        subj['scores'][k] = s[k][:, 0].tolist()
    for mod in ('EEG', 'ECG'):
        for part in ('baseline', 'stimuli'):
            cells = s[mod][0, 0][part][:, 0]
            subj['shapes'][mod + '.' + part] = [list(m.shape) for m in cells]
            subj['rows'][mod + '.' + part] = [{'first': m[0].tolist(), 'last': m[-1].tolist(), 'sums': [math.fsum(m[:, c]) for c in range(m.shape[1])]} for m in cells]
    out['subjects'].append(subj)
print(json.dumps(out))
`;

describe('DREAMER loader on the structure fixture', { skip: !have && 'needs ../shared/data/dreamer-format' }, () => {
  const bytes = have ? readFileSync(FIXTURE) : new Uint8Array(0);
  const ds: DreamerDataset = have ? parseDreamer(bytes, 'DREAMER-structure.mat') : (null as never);

  test('layout, rates, channels and the README known values', () => {
    assert.equal(ds.eegSampleRateHz, 128);
    assert.equal(ds.ecgSampleRateHz, 256);
    assert.deepEqual(ds.eegChannels, [...DREAMER_EEG_CHANNELS]);
    assert.deepEqual(ds.ecgChannels, ['ECG1', 'ECG2']);
    assert.equal(ds.subjects.length, 2);
    assert.deepEqual(ds.subjects.map((s) => s.id), ['S01', 'S02']);
    const s1 = ds.subjects[0];
    assert.equal(s1.clips.length, 18);
    assert.equal(s1.clips[0].eeg.stimulus.length, 640);
    assert.equal(s1.clips[0].eeg.stimulus.channels.length, 14);
    assert.equal(s1.clips[0].ecg.stimulus.length, 1280);
    assert.equal(s1.clips[0].ecg.stimulus.channels.length, 2);
    assert.deepEqual(s1.clips.slice(0, 5).map((c) => c.scores.valence), [2, 5, 2, 1, 3]);
    assert.deepEqual(s1.clips.slice(0, 5).map((c) => c.scores.arousal), [4, 3, 1, 3, 1]);
    assert.deepEqual(s1.clips.slice(0, 5).map((c) => c.scores.dominance), [5, 2, 4, 2, 4]);
    assert.deepEqual(ds.subjects[1].clips.map((c) => c.scores.valence), [3, 3, 1, 1, 1, 1, 3, 4, 2, 5, 1, 2, 3, 5, 5, 4, 3, 3]);
  });

  test('labels: score ≥ 4 is high by default; the threshold is configurable', () => {
    assert.equal(ds.threshold, 4);
    assert.deepEqual(ds.subjects[1].clips.map((c) => c.labels.valence), [0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 1, 1, 1, 0, 0]);
    const t3 = parseDreamer(bytes, 'DREAMER-structure.mat', { threshold: 3 });
    assert.equal(t3.threshold, 3);
    assert.deepEqual(t3.subjects[1].clips.map((c) => c.labels.valence), [1, 1, 0, 0, 0, 0, 1, 1, 0, 1, 0, 0, 1, 1, 1, 1, 1, 1]);
    assert.throws(() => parseDreamer(bytes, 'x', { threshold: NaN }), (e: unknown) => e instanceof DatasetError && e.code === DatasetErrorCode.BadOption);
  });

  test('every subject, clip and block equals scipy.io.loadmat', { skip: !hasPython && 'needs /usr/bin/python3 with python3-scipy' }, () => {
    const ref = runPython<{ eegRate: number; ecgRate: number; electrodes: string[]; clip1: number[]; subjects: RefSubject[] }>(PY.replace('sys.argv[1]', JSON.stringify(FIXTURE)), null);
    assert.equal(ds.eegSampleRateHz, ref.eegRate);
    assert.equal(ds.ecgSampleRateHz, ref.ecgRate);
    assert.deepEqual(ds.eegChannels, ref.electrodes);
    // One whole block exactly: column-major, channel c = column c.
    const s1c1 = ds.subjects[0].clips[0].eeg.stimulus;
    assert.deepEqual(s1c1.channels.flatMap((ch) => Array.from(ch)), ref.clip1);
    ref.subjects.forEach((rs, s) => {
      const subj = ds.subjects[s];
      assert.equal(String(subj.age), rs.age, `subject ${s + 1}: age`);
      assert.equal(subj.gender, rs.gender, `subject ${s + 1}: gender`);
      assert.deepEqual(subj.clips.map((c) => c.scores.valence), rs.scores.ScoreValence, `subject ${s + 1}: valence scores`);
      assert.deepEqual(subj.clips.map((c) => c.scores.arousal), rs.scores.ScoreArousal, `subject ${s + 1}: arousal scores`);
      assert.deepEqual(subj.clips.map((c) => c.scores.dominance), rs.scores.ScoreDominance, `subject ${s + 1}: dominance scores`);
      for (const [key, pick] of [
        ['EEG.baseline', (c: (typeof subj.clips)[0]) => c.eeg.baseline],
        ['EEG.stimuli', (c: (typeof subj.clips)[0]) => c.eeg.stimulus],
        ['ECG.baseline', (c: (typeof subj.clips)[0]) => c.ecg.baseline],
        ['ECG.stimuli', (c: (typeof subj.clips)[0]) => c.ecg.stimulus],
      ] as const) {
        subj.clips.forEach((clip, c) => {
          const sig = pick(clip);
          const where = `S${s + 1} clip ${c + 1} ${key}`;
          assert.deepEqual([sig.length, sig.channels.length], rs.shapes[key][c], `${where} shape`);
          const r = rs.rows[key][c];
          assert.deepEqual(sig.channels.map((ch) => ch[0]), r.first, `${where} first row`);
          assert.deepEqual(sig.channels.map((ch) => ch[sig.length - 1]), r.last, `${where} last row`);
          sig.channels.forEach((ch, k) => {
            const sum = ch.reduce((a, b) => a + b, 0);
            assert.ok(Math.abs(sum - r.sums[k]) <= 1e-9 * Math.max(1, Math.abs(r.sums[k])), `${where} channel ${k} sum ${sum} vs ${r.sums[k]}`);
          });
        });
      }
    });
  });

  test('dreamerTrials: one trial per subject × clip, tail trimming', () => {
    const trials = dreamerTrials(ds, 'arousal');
    assert.equal(trials.length, 36);
    assert.deepEqual(trials.slice(0, 5).map((t) => t.score), [4, 3, 1, 3, 1]);
    assert.deepEqual(trials.slice(0, 5).map((t) => t.label), [1, 0, 0, 0, 0]);
    assert.equal(trials[20].subject, 'S02');
    const last2 = dreamerTrials(ds, 'valence', { lastSeconds: 2 });
    assert.equal(last2[0].eeg.length, 256);
    assert.equal(last2[0].ecg.length, 512);
    const full = ds.subjects[0].clips[0].eeg.stimulus.channels[3];
    assert.equal(last2[0].eeg.channels[3][255], full[full.length - 1]);
    assert.equal(dreamerTrials(ds, 'valence', { lastSeconds: 1000 })[0].eeg.length, 640);
    assert.throws(() => dreamerTrials(ds, 'valence', { lastSeconds: -1 }), /lastSeconds/);
    assert.throws(() => dreamerTrials(ds, 'joy' as never), /unknown DREAMER dimension/);
  });

  // Structure errors: take the real fixture and break one part at a time.
  const mat: MatFile = have ? parseMat(bytes, 'DREAMER-structure.mat') : (null as never);
  const root = () => mat.variables.get('DREAMER')!.value as MatStruct;
  function withField(s: MatStruct, name: string, value: MatValue | undefined): MatStruct {
    const el = new Map(s.elements[0]);
    if (value === undefined) el.delete(name);
    else el.set(name, value);
    return { ...s, fieldNames: [...el.keys()], elements: [el] };
  }
  function withRoot(s: MatStruct): MatFile {
    return { header: mat.header, variables: new Map([['DREAMER', { name: 'DREAMER', global: false, value: s }]]) };
  }
  const notDreamer = (pattern: RegExp) => (e: unknown) => e instanceof DatasetError && e.code === DatasetErrorCode.NotDreamer && pattern.test(e.message);

  test('a file without the DREAMER variable', () => {
    const other: MatFile = { header: mat.header, variables: new Map() };
    assert.throws(() => decodeDreamer(other, 'mine.mat'), notDreamer(/^mine\.mat is not the DREAMER structure: it has no variable named DREAMER$/));
    // Read with every variable, the message lists them; parseDreamer reads only DREAMER, and then claims no list ('variables: none' was said of files that had some).
    const x: MatFile = { header: mat.header, variables: new Map([['x', { name: 'x', global: false, value: root() }]]) } as MatFile;
    assert.throws(() => decodeDreamer(x, 'mine.mat'), notDreamer(/it has no variable named DREAMER \(its variables: x\)$/));
  });
  test('a missing top-level field is named', () => {
    assert.throws(() => decodeDreamer(withRoot(withField(root(), 'EEG_SamplingRate', undefined))), notDreamer(/DREAMER\.EEG_SamplingRate is missing/));
    assert.throws(() => decodeDreamer(withRoot(withField(root(), 'Data', { kind: 'numeric', class: 'double', dims: [1, 1], real: Float64Array.of(1) }))), notDreamer(/DREAMER\.Data should be a cell array, found a 1×1 double array/));
  });
  test('a missing or malformed subject part is named with its path', () => {
    const data = root().elements[0].get('Data') as { kind: 'cell'; dims: number[]; cells: MatValue[] };
    const s2 = data.cells[1] as MatStruct;
    const eeg = s2.elements[0].get('EEG') as MatStruct;
    const broken = (subject: MatStruct) => withRoot(withField(root(), 'Data', { ...data, cells: [data.cells[0], subject] }));
    assert.throws(() => decodeDreamer(broken(withField(s2, 'EEG', withField(eeg, 'stimuli', undefined)))), notDreamer(/DREAMER\.Data\{2\}\.EEG\.stimuli is missing/));
    assert.throws(() => decodeDreamer(broken(withField(s2, 'ScoreArousal', undefined))), notDreamer(/DREAMER\.Data\{2\}\.ScoreArousal is missing/));
    const stim = eeg.elements[0].get('stimuli') as { kind: 'cell'; dims: number[]; cells: MatValue[] };
    const narrow: MatValue = { kind: 'numeric', class: 'double', dims: [10, 13], real: new Float64Array(130) };
    assert.throws(
      () => decodeDreamer(broken(withField(s2, 'EEG', withField(eeg, 'stimuli', { ...stim, cells: [narrow, ...stim.cells.slice(1)] })))),
      notDreamer(/DREAMER\.Data\{2\}\.EEG\.stimuli\{1\} is 10×13, expected 14 channel columns/),
    );
    assert.throws(() => decodeDreamer(broken(withField(s2, 'ScoreValence', { kind: 'numeric', class: 'double', dims: [3, 1], real: Float64Array.of(1, 2, 3) }))), notDreamer(/ScoreValence has 3 scores for 18 clips/));
  });
  test('a MAT-file that is not MAT is a FormatError naming the file', () => {
    assert.throws(() => parseDreamer(new Uint8Array(200), 'DREAMER.mat'), (e: unknown) => e instanceof FormatError && /^DREAMER\.mat:/.test(e.message));
  });
  test('a file damaged inside its compressed data (a download gone wrong) is said to be damaged, with what to do, before the reader\'s detail', () => {
    // 400 bytes scrambled in the middle of the one compressed variable: its header and first bytes still read.
    const damaged = Uint8Array.from(bytes);
    for (let i = 600_000; i < 600_400; i++) damaged[i] ^= 0x5a;
    assert.throws(
      () => parseDreamer(damaged, 'DREAMER.mat'),
      (e: unknown) => e instanceof FormatError && e.code === 'bad-data' && /^DREAMER\.mat: the file is damaged \(a download or copy gone wrong\? fetch it again\): compressed element at offset 128 /.test(e.message),
    );
  });
});
