// The training commands' shared flag handling: strict number parsing, the dataset flags (a
// recording's own class with --file PATH=CLASS, --labels file refused where no class exists), and
// the input checks made before a run folder is created.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CliUsageError, intFlag, numberFlag } from '../../../src/main/core/cli-command';
import { checkJobInputs, datasetFromFlags, encoderConfigFromFlags, parseFreeze, parseLabels, printSummary, ProgressDisplay, ratioFlag, seedFlag } from '../../../src/main/train/cli-train';
import { RunStore } from '../../../src/main/train/run-store';
import { quickRecipe } from '../../../src/shared/train/recipes';
import { CBRAMOD_ENCODER } from '../../../src/shared/model/config';
import { EDF_SIGNATURE, scratch } from './cli-test-util';

describe('number flags', () => {
  test('plain decimals only: the flag, what it takes and the bad value are named', () => {
    assert.equal(intFlag(undefined, 'epochs'), undefined);
    assert.equal(intFlag('12', 'layers'), 12);
    assert.equal(numberFlag('5e-4', 'lr', { above: 0, below: 1 }), 5e-4);
    assert.equal(ratioFlag('0.25', 'lead-ratio'), 0.25);
    assert.equal(seedFlag('0'), 0);
    for (const bad of ['abc', '', ' ', '0x10', 'Infinity', '1.5', '0', '-3', '12abc']) {
      assert.throws(() => intFlag(bad, 'layers'), (e: Error) => e instanceof CliUsageError && e.message === `--layers must be a positive integer, got '${bad}'`, bad);
    }
    for (const bad of ['abc', 'NaN', '1', '-0.1', '']) assert.throws(() => ratioFlag(bad, 'patch-ratio'), new RegExp(`--patch-ratio must be a number in \\[0, 1\\), got '${bad}'$`), bad);
    assert.throws(() => seedFlag('abc'), /--seed must be an integer from 0 to 4294967295, got 'abc'/);
    assert.throws(() => seedFlag('4294967296'), /--seed/);
    assert.equal(intFlag('0', 'validation', 0), 0);
    assert.throws(() => intFlag('-1', 'validation', 0), /--validation must be an integer ≥ 0, got '-1'/);
  });

  test('--labels takes no "none" (a labelled dataset needs labels); --freeze takes encoders or none', () => {
    assert.throws(() => parseLabels('none', { kind: 'file' }), /--labels must be file, annotations:TEXT=CLASS,… or self-report:DIMENSION:THRESHOLD, got 'none'/);
    assert.deepEqual(parseLabels('file', { kind: 'none' }), { kind: 'file' });
    assert.equal(parseFreeze(undefined), 'encoders');
    assert.equal(parseFreeze('none'), 'none');
    assert.throws(() => parseFreeze('all'), /--freeze must be encoders or none, got 'all'/);
  });

  test("DREAMER's --last-seconds: the end of each clip, named in the dataset; refused without --dreamer or at 0", () => {
    const d = datasetFromFlags({ dreamer: '/x/DREAMER.mat', dimension: 'valence', 'last-seconds': '60' })!;
    assert.deepEqual(d.sources, [{ kind: 'dreamer', path: '/x/DREAMER.mat', dimension: 'valence', threshold: 4, lastSeconds: 60 }]);
    assert.equal(d.name, 'DREAMER valence (last 60 s of each clip)');
    // The task names the threshold the labels were cut at: it becomes the model's config and card.
    assert.equal(d.task!.description, 'Valence, high (SAM ≥ 4) vs low');
    assert.equal(datasetFromFlags({ dreamer: '/x/DREAMER.mat', dimension: 'dominance', threshold: '3' })!.task!.description, 'Dominance, high (SAM ≥ 3) vs low');
    assert.deepEqual(datasetFromFlags({ dreamer: '/x/DREAMER.mat' })!.sources, [{ kind: 'dreamer', path: '/x/DREAMER.mat', dimension: 'arousal', threshold: 4 }], 'whole clips by default');
    assert.throws(() => datasetFromFlags({ dreamer: '/x/DREAMER.mat', 'last-seconds': '0' }), /--last-seconds must be a positive number, got '0'/);
    assert.throws(() => datasetFromFlags({ eegmat: '/d', 'last-seconds': '60' }), (e: Error) => e.message === '--last-seconds applies only with --dreamer');
  });

  test('the dataset flags parse strictly too', () => {
    assert.throws(() => datasetFromFlags({ eegmat: '/d', mains: '55' }), /--mains must be 50 or 60, got '55'/);
    assert.throws(() => datasetFromFlags({ eegmat: '/d', threshold: '0x10', dreamer: '/x.mat' }), /--threshold must be a positive number, got '0x10'/);
    assert.throws(() => datasetFromFlags({ session: ['0x10'], task: 'a:x,y', labels: 'annotations:A=x' }), /--session must be a session id, got '0x10'/);
    assert.throws(() => datasetFromFlags({ eegmat: '/d', window: 'five' }), /--window must be a positive integer, got 'five'/);
    assert.throws(() => datasetFromFlags({ eegmat: '/d', hop: '' }), /--hop must be a positive number of seconds, got ''/);
    assert.throws(() => datasetFromFlags({ eegmat: '/d', hop: '0.001' }), /--window 5 --hop 0.001: hop must be a positive multiple of 1\/200 s/);
    assert.throws(() => datasetFromFlags({ session: ['1x'], task: 'a:x,y', labels: 'annotations:A=x' }), /--session must be a session id, got '1x'/);
    assert.throws(() => datasetFromFlags({ file: ['/r.edf'], task: 'arousal:low,high', labels: 'self-report:arousal:high' }), /--labels must be self-report:arousal:THRESHOLD with a number as THRESHOLD \(e\.g\. 5\), got 'high'/);
  });

  test('self-report labels without --task: the rated dimension, low / high, with the threshold (as the Training view suggests)', () => {
    const d = datasetFromFlags({ session: ['1', '2'], labels: 'self-report:arousal:5' })!;
    assert.deepEqual(d.labels, { kind: 'self-report', dimension: 'arousal', threshold: 5 });
    assert.deepEqual(d.task, { name: 'arousal', kind: 'binary', classes: ['low', 'high'], description: 'Arousal, high (SAM ≥ 5) vs low' });
    // A --task given is the task; other label sources still need one.
    assert.deepEqual(datasetFromFlags({ session: ['1'], labels: 'self-report:valence:6', task: 'mood:bad,good' })!.task!.classes, ['bad', 'good']);
    assert.throws(() => datasetFromFlags({ session: ['1'], labels: 'annotations:A=x,B=y' }), /^CliUsageError: a labelled dataset needs --task NAME:NEG,POS and --labels$/);
  });
});

describe('labels of --file and --folder recordings', () => {
  const task = 'stress:calm,stressed';

  test('--file PATH=CLASS gives the recording its class, and means --labels file', () => {
    const d = datasetFromFlags({ file: ['/data/a.edf=calm', '/data/b=c.edf=stressed'], folder: ['/data/more=stressed'], task })!;
    assert.deepEqual(d.labels, { kind: 'file' });
    assert.deepEqual(
      d.sources.map((s) => [s.kind, s.kind === 'file' ? s.path : s.kind === 'folder' ? s.dir : '', 'label' in s ? s.label : undefined]),
      [
        ['file', '/data/a.edf', 'calm'],
        ['file', '/data/b=c.edf', 'stressed'],
        ['folder', '/data/more', 'stressed'],
      ],
    );
    // Pretraining reads no labels: the whole argument is the path.
    const u = datasetFromFlags({ file: ['/data/a.edf=calm'] }, { unlabelled: true })!;
    assert.equal(u.sources[0].kind === 'file' && u.sources[0].path, '/data/a.edf=calm');
  });

  test('--labels file on a recording without a class is refused up front, saying how to give one', () => {
    assert.throws(
      () => datasetFromFlags({ file: ['/data/a.edf=calm', '/data/b.edf'], task, labels: 'file' }),
      /--labels file takes each recording's own class, and --file '\/data\/b\.edf' has none: write --file PATH=CLASS \(CLASS: calm or stressed\), or label its windows from its annotations with --labels annotations:TEXT=CLASS/,
    );
    assert.throws(() => datasetFromFlags({ folder: ['/data'], task, labels: 'file' }), /--folder '\/data' has none: write --folder PATH=CLASS/);
    assert.throws(() => datasetFromFlags({ session: ['3'], task, labels: 'file' }), /a recorded session \(--session 3\) has none: .*--labels annotations:TEXT=CLASS.*--labels self-report/);
    assert.throws(() => datasetFromFlags({ file: ['/data/b.edf'], task }), /needs --labels/);
  });

  test('a class that is not the task\'s, and a class with another label source, are refused', () => {
    assert.throws(() => datasetFromFlags({ file: ['/nonexistent/a.edf=relaxed'], task }), /--file '\/nonexistent\/a\.edf=relaxed': 'relaxed' is not a class of the task \(calm, stressed\)/);
    assert.throws(() => datasetFromFlags({ file: ['/data/a.edf=calm'], task, labels: 'annotations:T1=stressed' }), /--file '\/data\/a\.edf=calm' gives a recording its class, which only --labels file uses/);
    // A class without a task: said so, naming the class (it asked for --labels, which =CLASS implies).
    assert.throws(() => datasetFromFlags({ file: ['/data/a.edf=calm', '/data/b.edf=stressed'] }), (e: Error) => e.message === "'/data/a.edf=calm' gives its recordings a class, and no --task says which classes there are: add --task NAME:NEG,POS naming 'calm' (e.g. --task arithmetic:rest,arithmetic)");
    assert.throws(() => datasetFromFlags({ file: ['/data/a.edf'] }), /^CliUsageError: a labelled dataset needs --task NAME:NEG,POS and --labels$/);
  });
});

describe('inputs checked before a run folder is made', () => {
  test('a missing path names its flag; a folder without EEGMAT files says so; present inputs pass', async (t) => {
    const s = scratch(t);
    const store = new RunStore(s.runs);
    const job = (d: ReturnType<typeof datasetFromFlags>) => ({ ...quickRecipe('/x'), kind: 'finetune' as const, dataset: d, corpora: {}, pretrain: {}, encoders: { eeg: { kind: 'random' as const }, ecg: { kind: 'random' as const } }, evaluation: null, finalFit: false });
    await assert.rejects(checkJobInputs(job(datasetFromFlags({ eegmat: '/nonexistent' })), store), /--eegmat: no such folder \/nonexistent$/);
    await assert.rejects(checkJobInputs(job(datasetFromFlags({ eegmat: s.dir })), store), /--eegmat: no EEGMAT recordings/);
    await assert.rejects(checkJobInputs(job(datasetFromFlags({ file: [join(s.eegmat, 'Subject00_1.edf'), '/nonexistent.edf'], task: 'a:x,y', labels: 'annotations:A=x' })), store), /--file: no such file \/nonexistent\.edf/);
    await assert.rejects(checkJobInputs(job(datasetFromFlags({ folder: [join(s.eegmat, 'Subject00_1.edf')], task: 'a:x,y', labels: 'annotations:A=x' })), store), /--folder: .*Subject00_1\.edf is not a folder/);
    await checkJobInputs(job(datasetFromFlags({ eegmat: s.eegmat })), store);
  });

  test('a file or a folder of no recording HeartMind reads is refused by its format (it failed the run once it started, leaving a run folder)', async (t) => {
    const s = scratch(t);
    const store = new RunStore(s.runs);
    const job = (d: ReturnType<typeof datasetFromFlags>) => ({ ...quickRecipe('/x'), kind: 'pretrain' as const, dataset: null, corpora: { eeg: d! }, encoders: { eeg: { kind: 'pretrain' as const } }, evaluation: null, finetune: null, finalFit: false });
    const notes = join(s.dir, 'notes');
    mkdirSync(notes);
    writeFileSync(join(notes, 'README.txt'), 'what these recordings are\n');
    writeFileSync(join(notes, 'plan.csv'), 'subject,task\n');
    writeFileSync(join(notes, '100.dat'), new Uint8Array(64));
    const edf = join(s.dir, 'real.edf');
    writeFileSync(edf, EDF_SIGNATURE); // its header is read when the run builds the dataset
    await assert.rejects(checkJobInputs(job(datasetFromFlags({ file: [join(notes, 'README.txt')] }, { modalities: ['eeg'], unlabelled: true })), store), /: --file: README\.txt: not a format HeartMind reads \(EDF\/EDF\+\/BDF, WFDB \.hea, XDF, OpenBCI GUI text, BrainFlow CSV, HeartMind CSV\)$/);
    await assert.rejects(checkJobInputs(job(datasetFromFlags({ file: [join(notes, '100.dat')] }, { modalities: ['eeg'], unlabelled: true })), store), /: --file: 100\.dat: not a format HeartMind reads on its own: .*import its record's \.hea header \(100\.hea\)/);
    writeFileSync(join(s.dir, 'empty.edf'), '');
    await assert.rejects(checkJobInputs(job(datasetFromFlags({ file: [join(s.dir, 'empty.edf')] }, { modalities: ['eeg'], unlabelled: true })), store), /: --file: empty\.edf: the file is empty$/);
    await assert.rejects(checkJobInputs(job(datasetFromFlags({ folder: [notes] }, { modalities: ['eeg'], unlabelled: true })), store), new RegExp(`: --folder: no recording HeartMind reads in ${notes} \\(none of its 2 \\.edf/\\.bdf/\\.hea/\\.xdf/\\.csv/\\.txt files; the first: README\\.txt: not a format HeartMind reads`));
    await assert.rejects(checkJobInputs(job(datasetFromFlags({ folder: [s.runs] }, { modalities: ['eeg'], unlabelled: true })), store), /--folder: no such folder/);
    mkdirSync(s.runs, { recursive: true });
    await assert.rejects(checkJobInputs(job(datasetFromFlags({ folder: [s.runs] }, { modalities: ['eeg'], unlabelled: true })), store), /: --folder: no recording in .*runs \(EDF\/BDF, WFDB \.hea/);
    // A folder that holds one recording among notes passes (the notes are reported when the dataset is built).
    writeFileSync(join(notes, 'S01.edf'), EDF_SIGNATURE);
    await checkJobInputs(job(datasetFromFlags({ folder: [notes] }, { modalities: ['eeg'], unlabelled: true })), store);
    await checkJobInputs(job(datasetFromFlags({ file: [edf] }, { modalities: ['eeg'], unlabelled: true })), store);
  });

  test('the recipe names --data and every recording it lacks there', async (t) => {
    const s = scratch(t);
    await assert.rejects(checkJobInputs(quickRecipe('/nonexistent'), new RunStore(s.runs), () => '--data /nonexistent'), (e: Error) => {
      assert.ok(e instanceof CliUsageError, `a CliUsageError, got ${String(e)}`);
      assert.match(e.message, /^--data \/nonexistent: no such folder \/nonexistent\/edf-eegmat$/);
      return true;
    });
  });
});

test('the progress bar on a terminal that reports 0 columns (a pty without a size) or a fraction past 1 draws, never throws', () => {
  const written: string[] = [];
  const lines: string[] = [];
  const display = new ProgressDisplay({ out: (l) => lines.push(l), err: (l) => lines.push(l) }, { isTTY: true, columns: 0, write: (t) => written.push(t) });
  const p = { phase: 'pretrain-ecg', done: 1, total: 2, etaSec: 12, message: 'pretrain-ecg step 1/2' };
  display.update({ ...p, fraction: 0.5 });
  display.update({ ...p, fraction: 1.02 });
  display.line('a log line');
  display.done();
  assert.match(written[0], /^\r\[#{14}\.{14}\]  50\.0% ETA 12s  pretrain-ecg step 1\/2 +$/);
  assert.equal(written[0].length, 100, 'an unknown width draws 99 columns after the \\r');
  assert.match(written[1], /^\r\[#{28}\] 102\.0%/);
  assert.deepEqual(lines, ['a log line']);
  // Not a terminal: plain lines, one per phase.
  const plain: string[] = [];
  const d2 = new ProgressDisplay({ out: (l) => plain.push(l), err: () => undefined }, { isTTY: false, write: () => assert.fail('no bar off a terminal') });
  d2.update({ ...p, fraction: 0.5 });
  d2.update({ ...p, fraction: 0.6 });
  assert.deepEqual(plain, [' 50.0% ETA 12s  pretrain-ecg step 1/2']);
});

test("the end of a run names the files its folder holds: an evaluation's has no checkpoints/", async (t) => {
  const s = scratch(t);
  const folder = await new RunStore(s.runs).create({ ...quickRecipe(s.dir), kind: 'evaluate', pretrain: {}, corpora: {}, finalFit: false, export: null }, 'ev');
  for (const f of ['metrics.jsonl', 'log.txt']) writeFileSync(folder.path(f), '');
  for (const d of ['plots', 'artifacts']) mkdirSync(folder.path(d), { recursive: true });
  const lines: string[] = [];
  await printSummary({ out: (l) => lines.push(l), err: (l) => lines.push(l) }, { task: null, protocol: null, arms: [], pretrainLoss: {}, exportedAs: null }, folder);
  assert.deepEqual(lines, [`\nrun folder: ${folder.dir} (config.json, metrics.jsonl, log.txt, plots/, artifacts/)`]);
  mkdirSync(folder.path('checkpoints'));
  lines.length = 0;
  await printSummary({ out: (l) => lines.push(l), err: (l) => lines.push(l) }, { task: null, protocol: null, arms: [], pretrainLoss: {}, exportedAs: null }, folder);
  assert.match(lines[0], /\(config\.json, metrics\.jsonl, log\.txt, plots\/, checkpoints\/, artifacts\/\)$/, 'a pretraining run holds checkpoints/');
});

test("--layers: the encoders' layers for random or .pth encoders; none named with --encoders RUN, whose encoders bring their own (config.json said CBraMod's 12 for a run on wiring-size encoders)", () => {
  assert.equal(encoderConfigFromFlags({ layers: '2' }, { kind: 'random' })?.nLayers, 2);
  assert.deepEqual(encoderConfigFromFlags({}, { kind: 'pth', path: '/x.pth' }), CBRAMOD_ENCODER);
  assert.equal(encoderConfigFromFlags({}, { kind: 'run', runId: 'some-run' }), undefined);
  assert.throws(() => encoderConfigFromFlags({ layers: '3' }, { kind: 'run', runId: 'some-run' }), CliUsageError);
});
