// The on-disk model registry and the models area of the core: install, drop-in folders, refusals
// with reasons (not ONNX, signature ≠ card, no card), contract checks against connected devices.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { defaultFusedConfig, TASK_MENTAL_ARITHMETIC, TASKS_AFFECT } from '../../../src/shared/model/config';
import { initHostParams } from '../../../src/shared/model/params';
import { exportFusedOnnx } from '../../../src/shared/onnx/export';
import { checkOnnxBytes, inspectModelDir, ModelRegistry, ONNX_WORKER_FROM_BYTES, writeModelDir, type OnnxFacts } from '../../../src/main/model/registry';
import { NO_MODEL_SELECTED, predictionRow, registerPredictionSink, startModelsArea } from '../../../src/main/model/models.core';
import { HandlerRegistry } from '../../../src/main/core/handler-registry';
import type { CoreContext } from '../../../src/main/core/core.types';
import type { PushMessage } from '../../../src/shared/ipc-schema';
import type { StreamInfo } from '../../../src/shared/stream.types';
import { ModelError, ModelErrorCode } from '../../../src/shared/model/model-error';
import { sampleCard } from '../../shared/model/sample-card';
import type { HubListener } from '../../../src/main/hub/hub.types';
import { DEFAULT_PIPELINE_CONFIG, resolvePipelineConfig, type PipelineConfig, type PipelineConfigPatch } from '../../../src/shared/pipeline';
import { onnx as onnxProto } from '../../../src/shared/onnx/onnx-proto';

let root = '';
let onnx: Uint8Array;
const config = defaultFusedConfig([TASK_MENTAL_ARITHMETIC], { nLayers: 1 });

before(() => {
  root = mkdtempSync(join(tmpdir(), 'hm-models-'));
  onnx = exportFusedOnnx(config, initHostParams(config, 1));
});
after(() => rmSync(root, { recursive: true, force: true }));

describe('model registry on disk', () => {
  test('writes model.onnx + card.json + card.md and lists the model as usable', async () => {
    const builtin = join(root, 'builtin');
    await writeModelDir(builtin, sampleCard(), onnx);
    const card = JSON.parse(readFileSync(join(builtin, 'eegmat-test', 'card.json'), 'utf8'));
    assert.match(card.onnx.sha256, /^[0-9a-f]{64}$/);
    assert.match(readFileSync(join(builtin, 'eegmat-test', 'card.md'), 'utf8'), /^# EEGMAT test model/);
    const reg = new ModelRegistry([{ dir: builtin, source: 'builtin' }]);
    const [m] = await reg.scan();
    assert.deepEqual(m.problems, []);
    assert.deepEqual(m.signature!.inputs.map((i) => i.name), ['eeg', 'eeg_present', 'ecg', 'ecg_present']);
    assert.deepEqual(m.signature!.inputs[0].dims, ['batch', 'eeg_channels', 'eeg_patches', 200]);
    assert.equal((await reg.readOnnx('eegmat-test')).length, onnx.length);
  });

  test('a models folder that cannot be made is a ModelError saying what is in the way (it was a bare ENOTDIR)', async () => {
    const file = join(root, 'a-file');
    writeFileSync(file, 'not a folder');
    await assert.rejects(writeModelDir(join(file, 'models'), sampleCard(), onnx), (e: unknown) => {
      assert.ok(e instanceof ModelError, `a ModelError: ${e}`);
      assert.equal(e.code, ModelErrorCode.Io, 'an I/O error');
      assert.equal(e.message, `could not write the model to ${join(file, 'models', 'eegmat-test')}: ${file} is a file, not a folder`);
      return true;
    });
  });

  test('refuses to write a card that does not match its ONNX', async () => {
    const wrong = sampleCard({ id: 'wrong', config: defaultFusedConfig(TASKS_AFFECT, { nLayers: 1 }) });
    await assert.rejects(writeModelDir(join(root, 'x'), wrong, onnx), (e: unknown) => e instanceof ModelError && e.code === ModelErrorCode.SignatureMismatch && /prob_valence' \(task valence\) is missing/.test(e.message));
  });

  test('dropped-in folders that cannot be used are listed with the reason', async () => {
    const user = join(root, 'user-drop');
    mkdirSync(join(user, 'garbage'), { recursive: true });
    writeFileSync(join(user, 'garbage', 'card.json'), JSON.stringify(sampleCard({ id: 'garbage' })));
    writeFileSync(join(user, 'garbage', 'model.onnx'), 'this is not a model, just text that protobuf may half-read');
    mkdirSync(join(user, 'nocard'));
    writeFileSync(join(user, 'nocard', 'model.onnx'), onnx);
    mkdirSync(join(user, 'tasks-differ'));
    writeFileSync(join(user, 'tasks-differ', 'card.json'), JSON.stringify(sampleCard({ id: 'tasks-differ', config: defaultFusedConfig(TASKS_AFFECT, { nLayers: 1 }) })));
    writeFileSync(join(user, 'tasks-differ', 'model.onnx'), onnx);
    mkdirSync(join(user, 'bad-json'));
    writeFileSync(join(user, 'bad-json', 'card.json'), '{ "id": ');
    // A card.json that is a folder (an unzip gone wrong): it cannot be read, which is not a JSON problem.
    mkdirSync(join(user, 'card-folder', 'card.json'), { recursive: true });
    const reg = new ModelRegistry([{ dir: user, source: 'user' }]);
    const byId = Object.fromEntries((await reg.scan()).map((m) => [m.id, m.problems.join(' | ')]));
    assert.match(byId.garbage, /model\.onnx: not an ONNX model/);
    assert.match(byId.nocard, /card\.json is missing/);
    assert.match(byId['tasks-differ'], /output 'prob_valence' \(task valence\) is missing/);
    assert.match(byId['bad-json'], /card\.json is not valid JSON/);
    assert.match(byId['card-folder'], /^card\.json cannot be read \(EISDIR/);
    assert.throws(() => reg.usable('garbage'), (e: unknown) => e instanceof ModelError && e.code === ModelErrorCode.BadCard);
    assert.throws(() => reg.get('absent'), (e: unknown) => e instanceof ModelError && e.code === ModelErrorCode.NotFound);
  });

  test('damaged folders (cut-short ONNX, card of wrong types, tasks the ONNX lacks, other input names) each say which file and what; the app goes on with the good model', async () => {
    const builtin = join(root, 'builtin-damaged');
    const user = join(root, 'user-damaged');
    await writeModelDir(builtin, sampleCard(), onnx);
    const cardOf = (id: string) => JSON.parse(readFileSync(join(builtin, 'eegmat-test', 'card.json'), 'utf8')) as Record<string, any>;
    const drop = (id: string, card: unknown, bytes: Uint8Array = onnx) => {
      mkdirSync(join(user, id), { recursive: true });
      writeFileSync(join(user, id, 'card.json'), typeof card === 'string' ? card : JSON.stringify({ ...(card as object), id }));
      writeFileSync(join(user, id, 'model.onnx'), bytes);
    };
    // A copy that stopped half way: the card's hash (as an export writes it) and the decoder both say so.
    drop('cut-short', cardOf('cut-short'));
    truncateSync(join(user, 'cut-short', 'model.onnx'), Math.floor(onnx.length / 2));
    // card.json edited by hand into the wrong types.
    const wrongTypes = cardOf('wrong-types');
    wrongTypes.config.tasks = 'arithmetic';
    wrongTypes.input.windowSeconds = '5';
    wrongTypes.input.eeg.channels = ['Fp1', 3];
    drop('wrong-types', wrongTypes);
    const nullTask = cardOf('null-task');
    nullTask.config.tasks = [null];
    drop('null-task', nullTask);
    const elsewhere = cardOf('elsewhere');
    elsewhere.onnx.file = '../cut-short/model.onnx';
    drop('elsewhere', elsewhere);
    // A card promising a task the file has no output for.
    const moreTasks = cardOf('more-tasks');
    moreTasks.config.tasks = [...moreTasks.config.tasks, { name: 'valence', kind: 'binary', classes: ['low', 'high'] }];
    drop('more-tasks', moreTasks);
    // An ONNX whose input is named otherwise than the contract's (another exporter's file).
    const m = onnxProto.ModelProto.decode(onnx);
    for (const v of m.graph!.input!) if (v.name === 'eeg') v.name = 'input_eeg';
    for (const n of m.graph!.node!) n.input = n.input!.map((x) => (x === 'eeg' ? 'input_eeg' : x));
    const renamed = onnxProto.ModelProto.encode(m).finish();
    const otherNames = cardOf('other-names');
    otherNames.onnx.sha256 = createHash('sha256').update(renamed).digest('hex');
    drop('other-names', otherNames, renamed);
    // A presence flag exported as bool (a PyTorch model taking `present: bool`): ORT refused every window's float feed.
    const b = onnxProto.ModelProto.decode(onnx);
    b.graph!.input!.find((v) => v.name === 'ecg_present')!.type!.tensorType!.elemType = onnxProto.TensorProto.DataType.BOOL;
    const boolFlag = onnxProto.ModelProto.encode(b).finish();
    const boolPresent = cardOf('bool-present');
    boolPresent.onnx.sha256 = createHash('sha256').update(boolFlag).digest('hex');
    drop('bool-present', boolPresent, boolFlag);
    // Probabilities exported as double (a model traced in float64): the inference worker reads float32.
    const d = onnxProto.ModelProto.decode(onnx);
    d.graph!.output!.find((v) => v.name === 'prob_arithmetic')!.type!.tensorType!.elemType = onnxProto.TensorProto.DataType.DOUBLE;
    const doubleOut = onnxProto.ModelProto.encode(d).finish();
    const doubleProbs = cardOf('double-probs');
    doubleProbs.onnx.sha256 = createHash('sha256').update(doubleOut).digest('hex');
    drop('double-probs', doubleProbs, doubleOut);
    const logs: string[] = [];
    const core = fakeCore(join(root, 'data-damaged'), [stream('eeg', ['Fp1', 'Fp2', 'F3', 'F4', 'C3', 'C4', 'P3', 'P4', 'O1', 'O2', 'F7', 'F8', 'T3', 'T4', 'T5', 'T6', 'Fz', 'Cz', 'Pz']), stream('ecg', ['ECG'])]);
    (core.ctx as { log: CoreContext['log'] }).log = (level, _area, text) => void logs.push(`${level} ${text}`);
    const area = await startModelsArea(core.ctx, { builtinDir: builtin, userDir: user });
    try {
      const problems = Object.fromEntries(area.list().models.map((x) => [x.id, x.problems]));
      assert.deepEqual(problems['cut-short'], [
        'model.onnx: SHA-256 differs from the card (file damaged or replaced)',
        `model.onnx: the ONNX file is cut short or damaged: it ends inside a field after ${Math.floor(onnx.length / 2).toLocaleString('en-US')} bytes; copy or export it again`,
      ]);
      assert.deepEqual(problems['wrong-types'], [
        'card.json: config: tasks must be a list of tasks',
        'card.json: input.windowSeconds must be a whole number of seconds ≥ 1',
        "card.json: input.eeg.channels must be 'any' or a list of labels",
      ]);
      assert.deepEqual(problems['null-task'], ['card.json: config: task 1 must be an object (name, kind, classes)']);
      assert.deepEqual(problems.elsewhere, ["card.json: onnx.file must be a file name in the model's folder (got '../cut-short/model.onnx')"]);
      assert.deepEqual(problems['more-tasks'], ["model.onnx: output 'prob_valence' (task valence) is missing"]);
      assert.deepEqual(problems['other-names'], ["model.onnx: input 'eeg' is missing", "model.onnx: input 'input_eeg' is not in the card's contract"]);
      assert.deepEqual(problems['bool-present'], ["model.onnx: input 'ecg_present' is BOOL, expected FLOAT (1 = present, 0 = absent)"]);
      assert.deepEqual(problems['double-probs'], ["model.onnx: output 'prob_arithmetic' is DOUBLE, expected FLOAT (probabilities)"]);
      // Each is in the log with its folder; the good model is active and runs.
      for (const id of ['cut-short', 'wrong-types', 'null-task', 'elsewhere', 'more-tasks', 'other-names']) {
        assert.ok(logs.some((l) => l.startsWith(`warn model '${id}' (${join(user, id)}) cannot be used: `)), `${id} logged with its folder`);
      }
      assert.deepEqual([area.readiness().activeId, area.readiness().ok], ['eegmat-test', true]);
      const bytes = await core.call('hm:models:onnx', { id: 'eegmat-test' });
      assert.ok(bytes.ok, `the good model's ONNX bytes are served: ${JSON.stringify(bytes.ok ? 'ok' : bytes)}`);
      // Choosing a damaged one is refused with its problems; the good one stays active.
      const refused = await core.call('hm:models:select', { id: 'other-names' });
      assert.match(!refused.ok ? refused.error.message : '', /model 'other-names' cannot be used: model\.onnx: input 'eeg' is missing/);
      assert.equal(!refused.ok && refused.error.kind, 'bad-card');
      const noBytes = await core.call('hm:models:onnx', { id: 'cut-short' });
      assert.match(!noBytes.ok ? noBytes.error.message : '', /cut short/);
      assert.equal(area.readiness().activeId, 'eegmat-test');
      assert.ok((await core.call('hm:models:select', { id: 'eegmat-test' })).ok, 'selecting eegmat-test succeeds');
    } finally {
      core.stop();
    }
  });

  test('a model replaced under the same id gets a new revision; a rescan of the same files keeps it', async () => {
    const userDir = join(root, 'user-rev');
    const reg = new ModelRegistry([{ dir: userDir, source: 'user' }]);
    await writeModelDir(userDir, sampleCard(), onnx);
    const [first] = await reg.scan();
    assert.match(first.revision, /^[0-9a-f]{32}$/);
    assert.equal((await reg.scan())[0].revision, first.revision);
    await writeModelDir(userDir, sampleCard(), exportFusedOnnx(config, initHostParams(config, 2)));
    const [weights] = await reg.scan();
    assert.notEqual(weights.revision, first.revision, 'new weights, same card fields');
    await writeModelDir(userDir, sampleCard({ limitations: ['edited'] }), exportFusedOnnx(config, initHostParams(config, 2)));
    assert.notEqual((await reg.scan())[0].revision, weights.revision, 'same weights, edited card');
  });

  test('the ONNX file changed on disk since the last scan is not handed out under the card it was checked against', async () => {
    const userDir = join(root, 'user-changed');
    const reg = new ModelRegistry([{ dir: userDir, source: 'user' }]);
    await writeModelDir(userDir, sampleCard(), onnx);
    const [m] = await reg.scan();
    assert.equal((await reg.readOnnx(m.id)).length, onnx.length, 'the checked file is read');
    // Other weights of the same architecture copied over it: a valid ONNX, not the one the card and revision name.
    writeFileSync(m.onnxPath, exportFusedOnnx(config, initHostParams(config, 2)));
    await assert.rejects(reg.readOnnx(m.id), (e: unknown) => e instanceof ModelError && e.code === ModelErrorCode.Io && /model\.onnx changed on disk since it was checked/.test(e.message));
    rmSync(m.onnxPath);
    await assert.rejects(reg.readOnnx(m.id), (e: unknown) => e instanceof ModelError && /^cannot read .*model\.onnx: not found$/.test(e.message));
    const [again] = await reg.scan();
    assert.deepEqual(again.problems, ['model.onnx is missing'], 'the rescan says what is there now');
  });

  test('a rescan reads, hashes and decodes only the ONNX files that changed (same inode, size and times: the facts of the last scan)', async () => {
    const userDir = join(root, 'user-facts');
    await writeModelDir(userDir, sampleCard(), onnx);
    const dir = join(userDir, 'eegmat-test');
    const known = new Map<string, OnnxFacts>();
    const first = await inspectModelDir(dir, 'user', { known });
    assert.deepEqual(first.problems, []);
    const facts = known.get(first.onnxPath);
    assert.ok(facts && facts.sizeBytes === onnx.length && facts.signature, 'the file\'s facts are kept');
    // Facts the file does not hold, under its current stamp: used as they are, so the file was not read again.
    known.set(first.onnxPath, { ...facts!, signature: { ...facts!.signature!, inputs: [] } });
    assert.match((await inspectModelDir(dir, 'user', { known })).problems.join('; '), /input 'eeg' is missing/);
    // Other weights written in place, its modification time set back as `cp -p` would: the change time gives it away.
    const { atime, mtime } = statSync(first.onnxPath);
    const other = exportFusedOnnx(config, initHostParams(config, 3));
    assert.equal(other.length, onnx.length, 'same architecture, same size');
    writeFileSync(first.onnxPath, other);
    utimesSync(first.onnxPath, atime, mtime);
    const again = await inspectModelDir(dir, 'user', { known });
    assert.deepEqual(again.problems, ['model.onnx: SHA-256 differs from the card (file damaged or replaced)'], 'read afresh');
    assert.notEqual(again.revision, first.revision);
  });

  test('ONNX files read in a worker thread give the same list as read in place: the shipped model, a good one, damaged ones named by file', async () => {
    const user = join(root, 'user-worker');
    await writeModelDir(user, sampleCard(), onnx);
    const good = join(user, 'eegmat-test');
    const copy = (id: string, bytes: Uint8Array | null) => {
      mkdirSync(join(user, id));
      writeFileSync(join(user, id, 'card.json'), JSON.stringify({ ...JSON.parse(readFileSync(join(good, 'card.json'), 'utf8')), id }));
      if (bytes) writeFileSync(join(user, id, 'model.onnx'), bytes);
    };
    copy('cut-short', onnx.subarray(0, Math.floor(onnx.length / 2)));
    copy('garbage', new TextEncoder().encode('this is not a model, just text that protobuf may half-read'));
    copy('empty', new Uint8Array(0));
    copy('missing', null);
    // model.onnx a folder (an unzip gone wrong): the worker's read fails as the main thread's did.
    copy('onnx-folder', null);
    mkdirSync(join(user, 'onnx-folder', 'model.onnx'));
    const roots = [
      { dir: resolve('models'), source: 'builtin' as const },
      { dir: user, source: 'user' as const },
    ];
    const inPlace = await new ModelRegistry(roots, Infinity).scan();
    const inWorker = await new ModelRegistry(roots, 0).scan();
    assert.deepEqual(inWorker, inPlace, 'the same models, facts and problems either way');
    const problems = Object.fromEntries(inWorker.map((m) => [m.id, m.problems]));
    assert.deepEqual([problems['heartmind-eegmat-arithmetic'], problems['eegmat-test']], [[], []], 'the shipped model and the good one are usable');
    assert.ok(inWorker.find((m) => m.id === 'heartmind-eegmat-arithmetic')!.sizeBytes > ONNX_WORKER_FROM_BYTES, 'the shipped model is read in a worker by default');
    assert.match(problems['cut-short'].join('; '), /^model\.onnx: SHA-256 differs from the card .*; model\.onnx: the ONNX file is cut short or damaged: it ends inside a field after [\d,]+ bytes/);
    assert.match(problems.garbage.join('; '), /model\.onnx: not an ONNX model/);
    assert.match(problems.empty.join('; '), /model\.onnx: not an ONNX model: the file is empty \(0 bytes\)/);
    assert.deepEqual(problems.missing, ['model.onnx is missing']);
    assert.match(problems['onnx-folder'].join('; '), new RegExp(`^cannot read ${join(user, 'onnx-folder', 'model.onnx').replace(/[.\\/]/g, '\\$&')}: it is a folder, not a file$`));
  });

  test('install from files checks the ONNX in a worker thread with the same outcome as in place: the same model written, the same refusals naming the file', async () => {
    const src = join(root, 'download-worker');
    mkdirSync(src);
    writeFileSync(join(src, 'mine.onnx'), onnx);
    writeFileSync(join(src, 'card.json'), JSON.stringify(sampleCard({ id: 'mine' })));
    writeFileSync(join(src, 'valence-card.json'), JSON.stringify(sampleCard({ id: 'mine', config: defaultFusedConfig(TASKS_AFFECT, { nLayers: 1 }) })));
    writeFileSync(join(src, 'garbage.onnx'), 'this is not a model, just text that protobuf may half-read');
    // A PyTorch checkpoint given as the model: a zip, refused with the hint.
    writeFileSync(join(src, 'weights.pth'), Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(64, 1)]));
    const outcome = async (workerFromBytes: number) => {
      const user = join(root, `user-install-${workerFromBytes}`);
      const reg = new ModelRegistry([{ dir: user, source: 'user' }], workerFromBytes);
      await reg.scan();
      const m = await reg.installFiles(join(src, 'mine.onnx'), join(src, 'card.json'));
      const refusals: string[] = [];
      for (const [onnxFile, cardFile] of [['garbage.onnx', 'card.json'], ['weights.pth', 'card.json'], ['mine.onnx', 'valence-card.json']]) {
        await reg.installFiles(join(src, onnxFile), join(src, cardFile)).then(
          () => refusals.push(`${onnxFile} installed`),
          (e: ModelError) => refusals.push(`${e.code}: ${e.message}`),
        );
      }
      const files = ['model.onnx', 'card.json', 'card.md'].map((f) => readFileSync(join(user, 'mine', f)).toString('base64'));
      return { problems: m.problems, revision: m.revision, signature: m.signature, files, refusals };
    };
    const moved = new Uint8Array(onnx);
    const checked = await checkOnnxBytes(moved, 0);
    assert.deepEqual([moved.length, checked.bytes.length, checked.read.sizeBytes], [0, onnx.length, onnx.length], 'the bytes went to the worker (the array given is emptied) and came back whole');
    const inPlace = await outcome(Infinity);
    const inWorker = await outcome(0);
    assert.deepEqual(inWorker, inPlace, 'the same model written and the same refusals');
    assert.deepEqual(inWorker.problems, [], 'installed and usable');
    assert.equal(inWorker.files[0], Buffer.from(onnx).toString('base64'), 'the ONNX bytes written are the file given (moved to the worker and back whole)');
    assert.match(inWorker.refusals[0], new RegExp(`^not-onnx: ${join(src, 'garbage.onnx').replace(/[.\\/]/g, '\\$&')}: not an ONNX model`));
    assert.match(inWorker.refusals[1], /^not-onnx: .*weights\.pth: not an ONNX model.*\(it is a zip archive, such as a PyTorch \.pth checkpoint/);
    assert.match(inWorker.refusals[2], /^signature-mismatch: .*mine\.onnx: does not match the card .*valence-card\.json: output 'prob_valence' \(task valence\) is missing/);
  });

  test('install from files into the user folder, then remove; built-in ids cannot be shadowed or removed', async () => {
    const builtin = join(root, 'builtin2');
    await writeModelDir(builtin, sampleCard(), onnx);
    const user = join(root, 'user2');
    const reg = new ModelRegistry([
      { dir: builtin, source: 'builtin' },
      { dir: user, source: 'user' },
    ]);
    await reg.scan();
    const src = join(root, 'download');
    mkdirSync(src);
    writeFileSync(join(src, 'mine.onnx'), onnx);
    writeFileSync(join(src, 'card.json'), JSON.stringify(sampleCard({ id: 'mine' })));
    const m = await reg.installFiles(join(src, 'mine.onnx'), join(src, 'card.json'));
    assert.deepEqual([m.id, m.source, m.problems], ['mine', 'user', []]);
    assert.ok(existsSync(join(user, 'mine', 'card.md')), 'the model card was copied to mine/card.md');
    await assert.rejects(reg.install(sampleCard(), onnx), /belongs to a built-in model/);
    await assert.rejects(reg.remove('eegmat-test'), /built-in model and cannot be removed/);
    await reg.remove('mine');
    assert.deepEqual(reg.list().map((x) => x.id), ['eegmat-test']);
    writeFileSync(join(src, 'bad-card.json'), JSON.stringify({ id: 'x' }));
    await assert.rejects(reg.installFiles(join(src, 'mine.onnx'), join(src, 'bad-card.json')), (e: unknown) => e instanceof ModelError && e.code === ModelErrorCode.BadCard);
    // A card of the wrong types is named by its path, with each problem.
    const wrong = { ...sampleCard({ id: 'wrong' }), input: { ...sampleCard().input, windowSeconds: '5' } };
    writeFileSync(join(src, 'wrong-card.json'), JSON.stringify(wrong));
    await assert.rejects(reg.installFiles(join(src, 'mine.onnx'), join(src, 'wrong-card.json')), {
      message: `the card ${join(src, 'wrong-card.json')} has problems: input.windowSeconds must be a whole number of seconds ≥ 1`,
    });
  });
});

function fakeCore(dataDir: string, streams: StreamInfo[]) {
  const handlers = new HandlerRegistry();
  const pushes: PushMessage[] = [];
  const stops: (() => void)[] = [];
  const listeners: HubListener[] = [];
  /** The pipeline's configuration; setConfig changes it as the signal settings do (and tells the listeners). */
  let config: PipelineConfig = DEFAULT_PIPELINE_CONFIG;
  const setConfig = (patch: PipelineConfigPatch) => {
    config = resolvePipelineConfig(patch, config);
    for (const l of listeners) l.config?.(config);
  };
  const hub = {
    streams: () => streams,
    subscribe: (l: HubListener) => (listeners.push(l), () => listeners.splice(listeners.indexOf(l), 1)),
    pipelineConfig: () => config,
    devices: () => [],
    sources: () => [],
    addSource: async () => undefined,
    removeSource: async () => undefined,
  };
  const ctx = {
    runtime: 'serve',
    dataDir,
    hub,
    clock: { now: () => 0 },
    handlers,
    handle: (c: never, h: never, o?: never) => handlers.handle(c, h, o),
    push: (m: PushMessage) => pushes.push(m),
    log: () => undefined,
    onStop: (f: () => void) => stops.push(f),
    recentLogs: () => [],
  } as unknown as CoreContext;
  const call = async (channel: string, req: unknown) => handlers.dispatch(channel, req, { transport: 'local', clientId: 't' });
  return { ctx, pushes, call, stop: () => stops.forEach((f) => f()), streams, setConfig };
}

const stream = (modality: 'eeg' | 'ecg', labels: string[]): StreamInfo => ({
  id: `${modality}-1`,
  deviceId: `${modality}-dev`,
  deviceName: modality,
  deviceModel: 'sim',
  modality,
  nominalRateHz: 256,
  channels: labels.map((label) => ({ label, unit: 'uV', resolution: 0 })),
});

describe('models area of the core', () => {
  const until = async (what: string, ok: () => boolean, ms = 5000) => {
    const t0 = Date.now();
    while (!ok()) {
      if (Date.now() - t0 > ms) assert.fail(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  test('the active model being copied over by hand is refused until whole again, not swapped for another model; each change is logged once', async () => {
    const dataDir = join(root, 'data-copy-over');
    const core = fakeCore(dataDir, [stream('eeg', ['Fp1', 'Fp2', 'F3', 'F4', 'C3', 'C4', 'P3', 'P4', 'O1', 'O2', 'F7', 'F8', 'T3', 'T4', 'T5', 'T6', 'Fz', 'Cz', 'Pz'])]);
    const logs: string[] = [];
    (core.ctx as { log: CoreContext['log'] }).log = (level, _area, text) => void logs.push(`${level} ${text}`);
    const area = await startModelsArea(core.ctx, { builtinDir: null });
    try {
      const userDir = join(dataDir, 'models');
      await writeModelDir(userDir, sampleCard({ id: 'aaa-other' }), onnx);
      await writeModelDir(userDir, sampleCard(), onnx);
      const listed = (id: string) => area.list().models.find((m) => m.id === id);
      await until('both models to be listed', () => listed('eegmat-test')?.problems.length === 0 && listed('aaa-other')?.problems.length === 0);
      const dir = join(userDir, 'eegmat-test');
      // Dropped in while the core runs: said in the log (serve's terminal), not only in the pages' list.
      assert.deepEqual(logs.filter((l) => / appeared /.test(l)).sort(), [
        `info model 'aaa-other' 1.0.0 appeared in ${join(userDir, 'aaa-other')}: usable; it runs live once chosen with Use in Models`,
        `info model 'eegmat-test' 1.0.0 appeared in ${dir}: usable; it runs live once chosen with Use in Models`,
      ]);
      logs.length = 0;
      await area.select('eegmat-test');
      // `cp` of a new model.onnx, seen half written: the chosen model cannot be used for now.
      const file = join(userDir, 'eegmat-test', 'model.onnx');
      writeFileSync(file, onnx.slice(0, onnx.length >> 1));
      await until('the half-written file to be rescanned', () => (listed('eegmat-test')?.problems.length ?? 0) > 0);
      const r = area.readiness();
      assert.deepEqual([r.activeId, r.ok, r.refusal], ['eegmat-test', false, 'cannot be used']);
      assert.match(r.problems.join('; '), /model\.onnx: .*cut short/);
      const listedProblems = r.problems;
      // The copy completes: the same model runs again, with no choice made for the user meanwhile.
      writeFileSync(file, onnx);
      await until('the whole file to be rescanned', () => listed('eegmat-test')?.problems.length === 0);
      assert.deepEqual([area.readiness().activeId, area.readiness().ok], ['eegmat-test', true]);
      // A model removed altogether leaves none active: another of the user's models is not chosen for them.
      rmSync(join(userDir, 'eegmat-test'), { recursive: true });
      await until('the removal to be rescanned', () => listed('eegmat-test') === undefined);
      assert.deepEqual(logs, [
        `warn model 'eegmat-test' (${dir}) cannot be used: ${listedProblems.join('; ')}`,
        `info model 'eegmat-test' (${dir}) can be used now`,
        `info model 'eegmat-test' is no longer installed (${dir} is gone)`,
      ]);
      assert.equal(area.readiness().activeId, null, 'no model of the user is chosen for them');
      assert.deepEqual(area.readiness().problems, [NO_MODEL_SELECTED]);
    } finally {
      core.stop();
    }
  });

  test('a model the user adds never becomes active by itself; the shipped one is the default until a choice is made, and a choice (none included) survives a restart', async () => {
    const builtin = join(root, 'builtin-default');
    await writeModelDir(builtin, sampleCard({ id: 'shipped' }), onnx);
    const cap = ['Fp1', 'Fp2', 'F3', 'F4', 'C3', 'C4', 'P3', 'P4', 'O1', 'O2', 'F7', 'F8', 'T3', 'T4', 'T5', 'T6', 'Fz', 'Cz', 'Pz'];
    const withoutShipped = join(root, 'data-no-default');
    // No shipped model: an exported model (an untrained one, one that fails its baseline) is listed, usable, and idle.
    let core = fakeCore(withoutShipped, [stream('eeg', cap)]);
    let area = await startModelsArea(core.ctx, { builtinDir: null });
    try {
      // Nothing connected yet (the headset is off, the replay not started): a model can still be
      // chosen ahead, waits, and runs once its device streams; a device that does not fit refuses it.
      await writeModelDir(join(withoutShipped, 'models'), sampleCard({ id: 'ahead' }), onnx);
      await until('the model to be listed', () => area.list().models.some((m) => m.id === 'ahead' && m.problems.length === 0));
      core.streams.splice(0);
      assert.equal(area.list().models.find((m) => m.id === 'ahead')!.fit?.awaitingDevices, true);
      assert.ok((await core.call('hm:models:select', { id: 'ahead' })).ok, 'chosen with nothing connected');
      assert.deepEqual([area.readiness().activeId, area.readiness().ok, area.readiness().problems], ['ahead', false, ['no EEG or ECG device connected']]);
      core.streams.push(stream('eeg', ['TP9', 'AF7', 'AF8', 'TP10']));
      const muse = await core.call('hm:models:select', { id: 'ahead' });
      assert.equal(muse.ok ? '' : muse.error.kind, 'contract-mismatch', 'a Muse that lacks its electrodes is still refused');
      core.streams.splice(0, 1, stream('eeg', cap));
      assert.equal(area.readiness().ok, true, 'runs once its device streams');
      await core.call('hm:models:select', { id: null });
      rmSync(join(withoutShipped, 'models', 'ahead'), { recursive: true });
      await writeModelDir(join(withoutShipped, 'models'), sampleCard({ id: 'exported' }), onnx);
      await until('the export to be listed', () => area.list().models.some((m) => m.id === 'exported' && m.problems.length === 0));
      assert.deepEqual([area.readiness().activeId, area.readiness().ok, area.readiness().problems], [null, false, [NO_MODEL_SELECTED]]);
      const pushed = core.pushes.filter((p) => p.type === 'models:changed').at(-1);
      assert.ok(pushed?.type === 'models:changed' && pushed.readiness.activeId === null, 'the pages are told it is listed, not active');
      assert.ok((await core.call('hm:models:select', { id: 'exported' })).ok, 'chosen with Use');
      assert.equal(area.readiness().activeId, 'exported');
    } finally {
      core.stop();
    }
    // The choice is remembered across a restart, even with a shipped model there now.
    core = fakeCore(withoutShipped, [stream('eeg', cap)]);
    area = await startModelsArea(core.ctx, { builtinDir: builtin });
    try {
      assert.equal(area.readiness().activeId, 'exported');
      // Stop (none) is a choice too: the shipped default does not come back by itself.
      await core.call('hm:models:select', { id: null });
    } finally {
      core.stop();
    }
    core = fakeCore(withoutShipped, [stream('eeg', cap)]);
    area = await startModelsArea(core.ctx, { builtinDir: builtin });
    try {
      assert.equal(area.readiness().activeId, null, 'none stays chosen after a restart');
    } finally {
      core.stop();
    }
    // A first start with the shipped model: it is the default; a user model added beside it stays idle,
    // and the chosen user model removed gives way to the shipped one.
    const fresh = join(root, 'data-shipped-default');
    core = fakeCore(fresh, [stream('eeg', cap)]);
    area = await startModelsArea(core.ctx, { builtinDir: builtin });
    try {
      assert.equal(area.readiness().activeId, 'shipped');
      await writeModelDir(join(fresh, 'models'), sampleCard({ id: 'aaa-mine' }), onnx);
      await until('the user model to be listed', () => area.list().models.some((m) => m.id === 'aaa-mine' && m.problems.length === 0));
      assert.equal(area.readiness().activeId, 'shipped');
      await area.select('aaa-mine');
      rmSync(join(fresh, 'models', 'aaa-mine'), { recursive: true });
      await until('the removal to be rescanned', () => !area.list().models.some((m) => m.id === 'aaa-mine'));
      assert.equal(area.readiness().activeId, 'shipped', 'the shipped default, not none, after the chosen model went');
    } finally {
      core.stop();
    }
  });

  test('install from files or a folder (the Models view’s form, as heartmind models install): listed, not made active; a second install of the same id says which version it replaced', async () => {
    const dataDir = join(root, 'data-install');
    const core = fakeCore(dataDir, []);
    const area = await startModelsArea(core.ctx, { builtinDir: null });
    try {
      const src = join(root, 'install-src');
      mkdirSync(src, { recursive: true });
      writeFileSync(join(src, 'model.onnx'), onnx);
      writeFileSync(join(src, 'card.json'), JSON.stringify(sampleCard({ id: 'mine', version: '1.0.0' })));
      type Installed = { id: string; version: string; replaced?: string };
      const first = await core.call('hm:models:install', { path: join(src, 'model.onnx'), cardPath: join(src, 'card.json') });
      assert.ok(first.ok && (first.value as Installed).id === 'mine' && !('replaced' in (first.value as Installed)), 'a first install replaces nothing');
      assert.equal(area.readiness().activeId, null, 'installed, not made active');
      writeFileSync(join(src, 'card.json'), JSON.stringify(sampleCard({ id: 'mine', version: '1.1.0' })));
      const second = await core.call('hm:models:install', { path: join(src, 'model.onnx'), cardPath: join(src, 'card.json') });
      assert.deepEqual(second.ok ? [(second.value as Installed).version, (second.value as Installed).replaced] : second.error.message, ['1.1.0', '1.0.0']);
      // The folder itself (the form took two paths only), typed as pasted with quotes, as the Sessions view's paths are read.
      writeFileSync(join(src, 'card.json'), JSON.stringify(sampleCard({ id: 'mine', version: '1.2.0' })));
      const third = await core.call('hm:models:install', { path: `"${src}"` });
      assert.deepEqual(third.ok ? [(third.value as Installed).version, (third.value as Installed).replaced] : third.error.message, ['1.2.0', '1.1.0']);
      // The command's checks and words: a file alone, a path not there.
      const refused = async (req: unknown) => {
        const r = await core.call('hm:models:install', req);
        return r.ok ? 'installed' : r.error.message;
      };
      assert.match(await refused({ path: join(src, 'model.onnx') }), new RegExp(`${join(src, 'model.onnx').replace(/[.\\/]/g, '\\$&')} is a file: give the model folder that holds it and its card.json, or its card.json too$`));
      assert.match(await refused({ path: join(root, 'nope') }), new RegExp(`there is no folder or file ${join(root, 'nope').replace(/[.\\/]/g, '\\$&')}$`));
      assert.match(await refused({ path: ' ' }), /path must name a model folder or an \.onnx file/);
    } finally {
      core.stop();
    }
  });

  test('the shipped model written again while the core runs (train:default in a checkout) is read again: new revision, new bytes; deleted, it is refused', async () => {
    const builtin = join(root, 'builtin-rewritten');
    const dataDir = join(root, 'data-rewritten');
    await writeModelDir(builtin, sampleCard({ id: 'shipped' }), onnx);
    const core = fakeCore(dataDir, [stream('eeg', ['Fp1', 'Fp2', 'F3', 'F4', 'C3', 'C4', 'P3', 'P4', 'O1', 'O2', 'F7', 'F8', 'T3', 'T4', 'T5', 'T6', 'Fz', 'Cz', 'Pz'])]);
    const area = await startModelsArea(core.ctx, { builtinDir: builtin });
    try {
      const shipped = () => area.list().models.find((m) => m.id === 'shipped')!;
      const first = shipped().revision;
      assert.deepEqual([area.readiness().activeId, area.readiness().ok], ['shipped', true]);
      // As the exporter writes it: a new folder renamed over the old one.
      const retrained = exportFusedOnnx(config, initHostParams(config, 2));
      await writeModelDir(builtin, sampleCard({ id: 'shipped', version: '2.0.0' }), retrained);
      await until('the rewritten shipped model to be rescanned', () => shipped().revision !== first);
      assert.equal(shipped().version, '2.0.0');
      assert.ok(core.pushes.some((p) => p.type === 'models:changed' && p.models.some((m) => m.id === 'shipped' && m.revision === shipped().revision)), 'the pages are told of the new revision');
      const got = await core.call('hm:models:onnx', { id: 'shipped' });
      assert.ok(got.ok, `the new file is served: ${JSON.stringify(got.ok ? 'ok' : got)}`);
      const { bytes, card } = got.value as { bytes: Uint8Array; card: { version: string } };
      assert.deepEqual([bytes.length, card.version], [retrained.length, '2.0.0'], 'the new file under its own card');
      // Its file deleted while it is the active model: refused with the reason, still the choice.
      rmSync(join(builtin, 'shipped', 'model.onnx'));
      await until('the deletion to be rescanned', () => shipped().problems.length > 0);
      const r = area.readiness();
      assert.deepEqual([r.activeId, r.ok, r.refusal, r.problems], ['shipped', false, 'cannot be used', ['model.onnx is missing']]);
    } finally {
      core.stop();
    }
  });

  test('a folder made first and filled afterwards (mkdir, then copy the files in) becomes usable without a restart', async () => {
    const dataDir = join(root, 'data-dropin');
    const core = fakeCore(dataDir, [stream('eeg', ['Fp1', 'Fp2', 'F3', 'F4', 'C3', 'C4', 'P3', 'P4', 'O1', 'O2', 'F7', 'F8', 'T3', 'T4', 'T5', 'T6', 'Fz', 'Cz', 'Pz'])]);
    const area = await startModelsArea(core.ctx, { builtinDir: null });
    try {
      const staged = join(root, 'staged');
      await writeModelDir(staged, sampleCard(), onnx);
      const folder = join(dataDir, 'models', 'eegmat-test');
      mkdirSync(folder);
      const listed = () => area.list().models.find((m) => m.id === 'eegmat-test');
      await until('the empty folder to be listed', () => listed() !== undefined);
      assert.match(listed()!.problems.join('; '), /card\.json is missing/);
      assert.equal(listed()!.fit, null, 'a model that cannot be used has no fit to show');
      for (const f of ['card.json', 'model.onnx']) cpSync(join(staged, 'eegmat-test', f), join(folder, f));
      await until('the filled folder to be rescanned', () => listed()?.problems.length === 0);
      assert.equal(area.readiness().activeId, null, 'a model dropped in is listed, not made active');
      // …and a card edited in place is read again (here: made invalid).
      writeFileSync(join(folder, 'card.json'), '{');
      await until('the edited card to be rescanned', () => (listed()?.problems.length ?? 0) > 0);
      assert.match(listed()!.problems.join('; '), /card\.json is not valid JSON/);
      // Use and Stop save the choice in the watched folder: no rescan, no push of an unchanged list.
      writeFileSync(join(folder, 'card.json'), readFileSync(join(staged, 'eegmat-test', 'card.json')));
      await until('the card made whole again to be rescanned', () => listed()?.problems.length === 0);
      await new Promise((r) => setTimeout(r, 1200));
      const beforeSelect = core.pushes.length;
      await area.select('eegmat-test');
      await area.select(null);
      await new Promise((r) => setTimeout(r, 1500));
      assert.equal(core.pushes.length, beforeSelect + 2, `one push per choice, no rescan after: ${core.pushes.slice(beforeSelect).map((p) => p.type).join(', ')}`);
      writeFileSync(join(folder, 'card.json'), '{');
      await until('the edited card to be rescanned again', () => (listed()?.problems.length ?? 0) > 0);
      // Reading the folders does not set the watchers off again (no endless rescans).
      await new Promise((r) => setTimeout(r, 1200));
      const pushed = core.pushes.length;
      await new Promise((r) => setTimeout(r, 1500));
      assert.equal(core.pushes.length, pushed, 'no rescan without a change');
    } finally {
      core.stop();
    }
  });

  test('windows cut at another length than the model reads: it does not fit, and the pages are told when the settings change', async () => {
    const builtin = join(root, 'builtin-windows');
    await writeModelDir(builtin, sampleCard(), onnx);
    const cap = ['Fp1', 'Fp2', 'F3', 'F4', 'C3', 'C4', 'P3', 'P4', 'O1', 'O2', 'F7', 'F8', 'T3', 'T4', 'T5', 'T6', 'Fz', 'Cz', 'Pz'];
    const core = fakeCore(join(root, 'data-windows'), [stream('eeg', cap), stream('ecg', ['ECG'])]);
    const area = await startModelsArea(core.ctx, { builtinDir: builtin });
    try {
      assert.equal(area.readiness().ok, true);
      const pushed = core.pushes.length;
      core.setConfig({ window: { lengthSec: 4 } });
      // A 5-s model fed 4-s windows would skip every one: refused, in words, and pushed at once.
      const r = area.readiness();
      assert.deepEqual([r.ok, r.refusal, r.problems], [false, 'does not fit the signal settings', ['window length: the model reads 5-s windows, the signal settings cut 4-s windows (set Window to 5 s in Live → Signal settings)']]);
      const change = core.pushes.slice(pushed).find((p) => p.type === 'models:changed');
      assert.ok(change && change.type === 'models:changed' && !change.readiness.ok, 'models:changed pushed with the refusal');
      assert.equal(area.list().models.find((m) => m.id === 'eegmat-test')!.fit?.ok, false);
      const refused = await core.call('hm:models:select', { id: 'eegmat-test' });
      // Not "does not fit the connected devices": the devices fit, the window length does not.
      assert.equal(!refused.ok ? refused.error.message : '', "model 'eegmat-test' does not fit the signal settings: window length: the model reads 5-s windows, the signal settings cut 4-s windows (set Window to 5 s in Live → Signal settings)");
      core.setConfig({ window: { lengthSec: 5 } });
      assert.equal(area.readiness().ok, true);
    } finally {
      core.stop();
    }
  });

  test('with no model installed it says so, and refuses nothing else', async () => {
    const core = fakeCore(join(root, 'data-empty'), []);
    await startModelsArea(core.ctx, { builtinDir: null });
    const r = await core.call('hm:models:list', undefined);
    assert.ok(r.ok, `the call succeeds: ${JSON.stringify(r.ok ? 'ok' : r)}`);
    const list = (r as { value: { models: unknown[]; readiness: { problems: string[] } } }).value;
    assert.deepEqual(list.readiness.problems, ['no trained model is installed']);
    assert.deepEqual(list.readiness.problems, ['no trained model is installed']);
    core.stop();
  });

  test('select: refused on a Muse with what is missing; accepted on a 19-channel cap; predictions relayed and stored', async () => {
    const builtin = join(root, 'builtin3');
    await writeModelDir(builtin, sampleCard(), onnx);
    const core = fakeCore(join(root, 'data'), [stream('eeg', ['TP9', 'AF7', 'AF8', 'TP10']), stream('ecg', ['ECG'])]);
    const stored: unknown[] = [];
    const area = await startModelsArea(core.ctx, { builtinDir: builtin, predictionSink: async (r) => (stored.push(...r), r.length) });
    assert.equal(area.readiness().activeId, 'eegmat-test');
    assert.equal(area.readiness().ok, false);
    const refused = await core.call('hm:models:select', { id: 'eegmat-test' });
    assert.equal(refused.ok, false);
    assert.equal((refused as { error: { kind: string } }).error.kind, 'contract-mismatch');
    assert.match((refused as { error: { message: string } }).error.message, /^model 'eegmat-test' does not fit the connected devices: EEG: missing FP1, FP2/);
    // The list says so before anyone clicks: the same problems the refusal gives, per model.
    const fitOnMuse = area.list().models.find((m) => m.id === 'eegmat-test')!.fit;
    assert.ok(fitOnMuse && !fitOnMuse.ok, `eegmat-test does not fit a Muse: ${JSON.stringify(fitOnMuse)}`);
    assert.match(fitOnMuse.problems[0], /^EEG: missing FP1, FP2, .* \(connected: TP9, AF7, AF8, TP10\)$/);
    assert.ok((refused as { error: { message: string } }).error.message.endsWith(fitOnMuse.problems.join('; ')), "the refusal's message ends with the list's fit problems");
    core.streams.splice(0, 1, stream('eeg', ['Fp1', 'Fp2', 'F3', 'F4', 'C3', 'C4', 'P3', 'P4', 'O1', 'O2', 'F7', 'F8', 'T3', 'T4', 'T5', 'T6', 'Fz', 'Cz', 'Pz']));
    const ok = await core.call('hm:models:select', { id: 'eegmat-test' });
    assert.ok(ok.ok, `selecting it succeeds once the devices fit: ${JSON.stringify(ok.ok ? 'ok' : ok)}`);
    assert.deepEqual((ok as { value: { fed: string[] } }).value.fed, ['eeg', 'ecg']);
    assert.deepEqual(area.list().models.find((m) => m.id === 'eegmat-test')!.fit, { ok: true, fed: ['eeg', 'ecg'], refusal: '', problems: [], notes: [] });
    const bytes = await core.call('hm:models:onnx', { id: 'eegmat-test' });
    assert.equal((bytes as { value: { bytes: Uint8Array } }).value.bytes.length, onnx.length);
    const report = { modelId: 'eegmat-test', windowTime: 12, seq: 3, probabilities: { arithmetic: [0.3, 0.7] }, fed: ['eeg'], backend: 'wasm', latencyMs: 40 };
    const res = await core.call('hm:models:predictions', { reports: [report] });
    assert.deepEqual((res as { value: unknown }).value, { stored: 1 });
    assert.ok(core.pushes.some((p) => p.type === 'models:prediction'), 'a models:prediction push was sent');
    // The same window from a second page is stored once; a sink registered by another area gets the rest.
    const again = await core.call('hm:models:predictions', { reports: [report] });
    assert.deepEqual((again as { value: unknown }).value, { stored: 0 });
    // The model replaced under its id (new weights) answers a replayed window anew: stored again.
    await writeModelDir(builtin, sampleCard(), exportFusedOnnx(config, initHostParams(config, 7)));
    await area.registry.scan();
    const replaced = await core.call('hm:models:predictions', { reports: [report] });
    assert.deepEqual((replaced as { value: unknown }).value, { stored: 1 });
    const recorded: number[] = [];
    const reads: unknown[] = [];
    const unregister = registerPredictionSink(async (r) => (recorded.push(...r.map((x) => x.windowTime)), reads.push(...r.map((x) => x.reads)), r.length));
    // The modalities the model reads come from its card, whatever the page sent.
    await core.call('hm:models:predictions', { reports: [{ ...report, windowTime: 13, reads: ['ecg'] }] });
    unregister();
    assert.deepEqual(recorded, [13]);
    assert.deepEqual(reads, [['eeg', 'ecg']]);
    // An EEG-only model's answer is stored without a 'fed:ecg' of 0 (which read as "ECG was absent").
    assert.deepEqual(predictionRow({ ...report, fed: ['eeg'], reads: ['eeg'] }).outputs, { 'arithmetic:0': 0.3, 'arithmetic:1': 0.7, 'fed:eeg': 1, latency_ms: 40 });
    assert.deepEqual(predictionRow({ ...report, fed: ['eeg'] }), {
      modelId: 'eegmat-test',
      windowTime: 12,
      outputs: { 'arithmetic:0': 0.3, 'arithmetic:1': 0.7, 'fed:eeg': 1, 'fed:ecg': 0, latency_ms: 40 },
    });
    const badReq = await core.call('hm:models:predictions', { reports: [{ ...report, probabilities: { arithmetic: [NaN] } }] });
    assert.equal(badReq.ok, false);
    // None chosen among usable models: said so, not "no trained model is installed".
    const none = await core.call('hm:models:select', { id: null });
    assert.deepEqual((none as { value: { problems: string[] } }).value.problems, ['no model is selected: a model runs once chosen with Use in Models']);
    core.stop();
  });
});
