// `heartmind train --resume` and the app's Resume (JobRunner.resume) refuse a run that failed on its
// input or settings (resumeRefusal: it would fail again the same way), leaving it as it was; and the
// CLI's exit codes follow its convention — 2 for a command that cannot be carried out as given (no
// such run, a run resuming cannot help), 1 for a failure (a run folder that is damaged, whichever
// file it lacks: a missing config.json exited 2, an unreadable status.json 1).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { JobRunner } from '../../../src/main/train/job-runner';
import { RunStore } from '../../../src/main/train/run-store';
import { quickRecipe } from '../../../src/shared/train/recipes';
import { TrainError } from '../../../src/shared/train/train.types';
import { command as train } from '../../../src/main/train/train-command';
import { CliUsageError } from '../../../src/main/core/cli-command';
import { tempDir } from '../db/db-test-util';

const ONE_CLASS = "the dataset has one class only: every labelled window is 'rest'";

/** A run as the runner records a failure on its input, and one whose disk filled (resumable). */
async function runs(t: { after(fn: () => void): void }) {
  const store = new RunStore(join(tempDir(t, 'hm-resume-refusal-'), 'runs'));
  const bad = await store.create({ ...quickRecipe('/nowhere'), name: 'one class' }, '2026-01-05-000000-one-class');
  const s = await bad.readStatus();
  await bad.writeStatus({ ...s, state: 'failed', error: { code: 'bad-dataset', message: ONE_CLASS }, progress: { ...s.progress, phase: 'datasets', message: ONE_CLASS } });
  return { store, bad };
}

test('the app\'s Resume of a run that failed on its input is refused, saying why; the run stays failed and nothing is queued', async (t) => {
  const { store, bad } = await runs(t);
  const before = readFileSync(bad.path('status.json'), 'utf8');
  const runner = new JobRunner(store);
  await assert.rejects(runner.resume(bad.id), (e: TrainError) => e.code === 'bad-config' && /^run 2026-01-05-000000-one-class: resuming cannot help: a run resumes with the dataset it was started with, which cannot be trained on; start a new run/.test(e.message));
  assert.equal(readFileSync(bad.path('status.json'), 'utf8'), before, 'status.json untouched (not queued, its error kept)');
  assert.equal(runner.activeRunId, null, 'no job started');
});

test('train --resume of it is a usage error naming the failure and why a resume cannot help', async (t) => {
  const { store, bad } = await runs(t);
  await assert.rejects(train.run(['--resume', bad.id, '--out', store.root], { out: () => undefined, err: () => undefined }), (e: Error) => e instanceof CliUsageError && e.message === `run '${bad.id}' failed (${ONE_CLASS}); resuming cannot help: a run resumes with the dataset it was started with, which cannot be trained on; start a new run with the input or settings changed`);
});

test('exit codes of train --resume: 2 for no such run or one resuming cannot help, 1 for a damaged folder (no config.json, unreadable status.json)', async (t) => {
  const { store, bad } = await runs(t);
  mkdirSync(join(store.root, 'no-config'));
  writeFileSync(join(store.root, 'no-config', 'status.json'), '{}');
  const noStatus = await store.create({ ...quickRecipe('/nowhere'), name: 'no status' }, '2026-01-05-000000-no-status');
  writeFileSync(noStatus.path('status.json'), '{"id": "2026-01');
  const cli = (id: string) => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/main/cli.ts', 'train', '--resume', id, '--out', store.root], { encoding: 'utf8', timeout: 60_000 });
    return { code: r.status, err: r.stderr.split('\n')[0] };
  };
  const got = Object.fromEntries(['nowhere', bad.id, 'no-config', noStatus.id].map((id) => [id, cli(id)]));
  assert.deepEqual(Object.values(got).map((r) => r.code), [2, 2, 1, 1], JSON.stringify(got, null, 1));
  assert.match(got['no-config'].err, /^heartmind train: run 'no-config' in .* is damaged: it has no config\.json/);
  assert.match(got[noStatus.id].err, /^heartmind train: run 2026-01-05-000000-no-status: status\.json cannot be read \(.*\); the run folder is damaged$/);
});

/** Resumes `id` in this process (a run folder the runs below make) and returns its exit code, what it printed and its recorded error. */
async function resumeRun(store: RunStore, id: string) {
  const lines: string[] = [];
  const io = { out: (l: string) => lines.push(`out ${l}`), err: (l: string) => lines.push(`err ${l}`) };
  const code = await train.run(['--resume', id, '--out', store.root], io);
  return { code, lines: lines.filter((l) => !l.startsWith('out ')), error: (await store.folder(id).readStatus()).error };
}

test('a run that stops where a resume can help (its recordings\' folder gone: a drive not mounted) prints the command that resumes it', async (t) => {
  const dir = tempDir(t, 'hm-resume-hint-');
  const store = new RunStore(join(dir, 'runs'));
  const f = await store.create({ ...quickRecipe(join(dir, 'unmounted')), name: 'gone' }, '2026-01-05-000000-gone');
  const r = await resumeRun(store, f.id);
  assert.equal(r.code, 1, r.lines.join('\n'));
  // 'not-found', not 'no-signals': the folder's recordings were never read, and a resume once it is back can help.
  assert.equal(r.error?.code, 'not-found', JSON.stringify(r.error));
  assert.deepEqual(r.lines, [`err failed: cannot read the folder ${join(dir, 'unmounted', 'edf-eegmat')}: ENOENT: no such file or directory, scandir '${join(dir, 'unmounted', 'edf-eegmat')}'`, `err Resume with: heartmind train --resume ${f.id} --out ${store.root}`]);
});

test('a run that fails on its recordings prints why a resume cannot help instead of a resume command', async (t) => {
  const dir = tempDir(t, 'hm-resume-hint-');
  const store = new RunStore(join(dir, 'runs'));
  // EEGMAT's file names, each holding no EDF: every recording is skipped, the dataset has no window.
  mkdirSync(join(dir, 'data', 'edf-eegmat'), { recursive: true });
  for (const s of ['00', '01', '03', '04']) for (const k of [1, 2]) writeFileSync(join(dir, 'data', 'edf-eegmat', `Subject${s}_${k}.edf`), 'not an EDF');
  const f = await store.create({ ...quickRecipe(join(dir, 'data')), name: 'no edf' }, '2026-01-05-000000-no-edf');
  const r = await resumeRun(store, f.id);
  assert.equal(r.code, 1, r.lines.join('\n'));
  assert.equal(r.error?.code, 'no-signals', JSON.stringify(r.error));
  assert.equal(r.lines.length, 2, r.lines.join('\n'));
  assert.match(r.lines[0], /^err failed: no usable windows in any of the 8 recordings \(Subject00_1.edf, Subject00_2.edf, Subject01_1.edf, …\): only 10 bytes/);
  assert.equal(r.lines[1], 'err (resuming cannot help: a run resumes with the recordings it was started with, and one has no EEG or ECG to cut windows from; start a new run with the input or settings changed)');
});
