// `heartmind models`: the installed models from a terminal (there was no way to list them outside
// the app), which one runs live by the app's own rule, and install / remove through the registry
// with the app's refusals (a card that is not JSON, a file that is not ONNX, a shipped id).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CliUsageError } from '../../../src/main/core/cli-command';
import { command as models } from '../../../src/main/model/models-command';
import { writeModelDir } from '../../../src/main/model/registry';
import { ModelError } from '../../../src/shared/model/model-error';
import { defaultFusedConfig, TASK_MENTAL_ARITHMETIC } from '../../../src/shared/model/config';
import { initHostParams } from '../../../src/shared/model/params';
import { exportFusedOnnx } from '../../../src/shared/onnx/export';
import { sampleCard } from '../../shared/model/sample-card';
import { tempDir } from '../db/db-test-util';

const config = defaultFusedConfig([TASK_MENTAL_ARITHMETIC], { nLayers: 1 });
const onnx = exportFusedOnnx(config, initHostParams(config, 1));

async function cli(argv: string[]): Promise<{ code: number; out: string }> {
  const out: string[] = [];
  const code = await models.run(argv, { out: (l) => out.push(l), err: (l) => out.push(l) });
  return { code, out: out.join('\n') };
}

/** A data folder and a shipped-models folder holding one usable model ('shipped'); HEARTMIND_MODELS_DIR points at it. */
async function setUp(t: { after(fn: () => void): void }): Promise<{ dir: string; data: string }> {
  const dir = tempDir(t, 'hm-models-cli-');
  const shipped = join(dir, 'shipped');
  await writeModelDir(shipped, sampleCard({ id: 'shipped', name: 'Shipped model' }), onnx);
  const before = process.env.HEARTMIND_MODELS_DIR;
  process.env.HEARTMIND_MODELS_DIR = shipped;
  t.after(() => {
    if (before === undefined) delete process.env.HEARTMIND_MODELS_DIR;
    else process.env.HEARTMIND_MODELS_DIR = before;
  });
  return { dir, data: join(dir, 'data') };
}

test('list: shipped and your models, problems named, and the one that runs live marked by the app\'s rule', async (t) => {
  const { dir, data } = await setUp(t);
  let r = await cli(['list', '--data-dir', data]);
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /^\* shipped {2}1\.0\.0 {2}shipped {2}Shipped model · arithmetic · EEG 19 ch \+ ECG 1–12 leads, 5-s windows · \d+(\.\d)? (kB|MB)$/m, `${r.out}\n(sizes in the units of sessions list: formatBytes)`);
  assert.match(r.out, /^runs live: shipped \(the shipped default: no model has been chosen\)$/m, r.out);

  // One of yours, and a folder whose card is not JSON: listed with the reason, never marked.
  await writeModelDir(join(data, 'models'), sampleCard({ id: 'mine', version: '2.0.0' }), onnx);
  mkdirSync(join(data, 'models', 'broken'));
  writeFileSync(join(data, 'models', 'broken', 'card.json'), '{ "id": "broken", ');
  writeFileSync(join(data, 'models', 'broken', 'model.onnx'), onnx);
  r = await cli(['list', '--data-dir', data]);
  assert.match(r.out, /^ {2}mine {2}2\.0\.0 {2}yours {2}EEGMAT test model/m, r.out);
  assert.match(r.out, /^ {2}broken {2}\? {2}yours\n {4}cannot be used: card\.json is not valid JSON \(/m, r.out);
  // A user's model is not run by itself: the shipped default still is.
  assert.match(r.out, /^\* shipped /m, r.out);

  // The app's saved choice (Use on 'mine'), then Stop (none).
  writeFileSync(join(data, 'models', 'active-model.json'), JSON.stringify({ activeId: 'mine' }));
  r = await cli(['list', '--data-dir', data]);
  assert.match(r.out, /^\* mine /m, r.out);
  assert.match(r.out, /^runs live: mine \(chosen with Use\)$/m, r.out);
  writeFileSync(join(data, 'models', 'active-model.json'), JSON.stringify({ activeId: null }));
  r = await cli(['list', '--data-dir', data, '--json']);
  const j = JSON.parse(r.out) as { active: string | null; userDir: string; models: { id: string; problems: string[] }[] };
  assert.equal(j.active, null, 'Stop chose none: nothing runs');
  assert.equal(j.userDir, join(data, 'models'));
  assert.deepEqual(j.models.map((m) => [m.id, m.problems.length > 0]), [['shipped', false], ['broken', true], ['mine', false]]);
  r = await cli(['list', '--data-dir', data]);
  assert.match(r.out, /^runs live: none \(Stop was chosen in Models; Use there runs one\)$/m, r.out);
  assert.ok(!/^\*/m.test(r.out), `no model is marked when none was chosen:\n${r.out}`);

  // show: the card as card.md gives it; a model that cannot be used says why and exits 1.
  r = await cli(['show', 'mine', '--data-dir', data]);
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /^usable$/m, r.out);
  assert.match(r.out, /^# EEGMAT test model \(mine 2\.0\.0\)$/m, r.out);
  r = await cli(['show', 'broken', '--data-dir', data]);
  assert.equal(r.code, 1, r.out);
  assert.match(r.out, /^cannot be used: card\.json is not valid JSON/m, r.out);
  // An id not there: the ids that are, so a typo is seen at once.
  await assert.rejects(cli(['show', 'nope', '--data-dir', data]), (e: Error) => e instanceof ModelError && e.message === "no model 'nope' is installed (installed: shipped, broken, mine)", 'the installed ids are listed');
  // A card whose ONNX file is gone: no size of 0 given for it, the problem named.
  rmSync(join(data, 'models', 'mine', 'model.onnx'));
  r = await cli(['show', 'mine', '--data-dir', data]);
  assert.equal(r.code, 1, r.out);
  assert.match(r.out, /^model file: .*mine\/model\.onnx \(cannot be read\)$/m, r.out);
  assert.match(r.out, /^cannot be used: model\.onnx is missing$/m, r.out);
  assert.match((await cli(['list', '--data-dir', data])).out, /^ {2}mine {2}2\.0\.0 {2}yours {2}EEGMAT test model · .* · cannot be read\n {4}cannot be used: model\.onnx is missing$/m, 'listed without a size');
  void dir;
});

test('install: a model with its card, a newer version replacing it; refused with the reason: bad JSON, not ONNX, another signature, a shipped id', async (t) => {
  const { dir, data } = await setUp(t);
  const onnxPath = join(dir, 'm.onnx');
  writeFileSync(onnxPath, onnx);
  const card = (over: object) => {
    const p = join(dir, `card-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(p, JSON.stringify(sampleCard({ id: 'mine', ...over })));
    return p;
  };
  let r = await cli(['install', onnxPath, card({ version: '1.0.0' }), '--data-dir', data]);
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /^installed model 'mine' 1\.0\.0 into .*data\/models\/mine$/m, r.out);
  assert.match(r.out, /it runs live once chosen with Use/, r.out);
  r = await cli(['install', onnxPath, card({ version: '1.1.0' }), '--data-dir', data]);
  assert.match(r.out, /^installed model 'mine' 1\.1\.0 into .* \(replacing version 1\.0\.0\)$/m, r.out);
  assert.match((await cli(['list', '--data-dir', data])).out, /^ {2}mine {2}1\.1\.0 {2}yours/m, 'the list shows the new version');

  const badJson = join(dir, 'bad.json');
  writeFileSync(badJson, '{ "id": "mine", ');
  await assert.rejects(cli(['install', onnxPath, badJson, '--data-dir', data]), (e: Error) => e instanceof ModelError && /^the card .*bad\.json is not valid JSON \(.*\)$/.test(e.message), 'a card that is not JSON, said as in a model folder');
  // The two paths given the other way round: the card is read from the ONNX file; said so.
  const goodCard = card({ version: '1.2.0' });
  await assert.rejects(
    cli(['install', goodCard, onnxPath, '--data-dir', data]),
    (e: Error) => e instanceof ModelError && e.message.startsWith(`the card ${onnxPath} is not valid JSON (`) && e.message.endsWith(`); the paths look swapped: ${goodCard} is JSON, and install takes the .onnx file first, then its card.json`),
    'swapped paths are named as such',
  );
  const text = join(dir, 'notes.onnx');
  writeFileSync(text, 'this is not a model, just text');
  // Which of the two paths is wrong is said; a zip (a .pth checkpoint given as the model) is named as such.
  await assert.rejects(cli(['install', text, card({ id: 'other' }), '--data-dir', data]), (e: Error) => e instanceof ModelError && /\/notes\.onnx: not an ONNX model: the protobuf does not decode/.test(e.message) && !/zip/.test(e.message), 'a text file is not ONNX');
  const pth = join(dir, 'pretrained_weights.pth');
  writeFileSync(pth, Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(60, 7)]));
  await assert.rejects(cli(['install', pth, card({ id: 'other' }), '--data-dir', data]), (e: Error) => e instanceof ModelError && /pretrained_weights\.pth: not an ONNX model.* \(it is a zip archive, such as a PyTorch \.pth checkpoint: .*heartmind train --encoders FILE\.pth/.test(e.message), 'a .pth given as the model');
  const affect = defaultFusedConfig([{ ...TASK_MENTAL_ARITHMETIC, name: 'focus' }], { nLayers: 1 });
  await assert.rejects(cli(['install', onnxPath, card({ id: 'other', config: affect }), '--data-dir', data]), (e: Error) => e instanceof ModelError && /\/m\.onnx: does not match the card .*\.json: output 'prob_focus' \(task focus\) is missing/.test(e.message), 'an ONNX whose outputs differ from the card');
  await assert.rejects(cli(['install', onnxPath, card({ id: 'shipped' }), '--data-dir', data]), (e: Error) => e instanceof ModelError && /belongs to a built-in model/.test(e.message));
  assert.ok(!existsSync(join(data, 'models', 'other')), 'a refused install leaves no folder');
});

test('remove: asks for --yes, deletes one of yours, refuses a shipped model; usage errors say what is wrong', async (t) => {
  const { data } = await setUp(t);
  await writeModelDir(join(data, 'models'), sampleCard({ id: 'mine' }), onnx);
  const usage = (argv: string[], re: RegExp) => assert.rejects(cli([...argv, '--data-dir', data]), (e: Error) => e instanceof CliUsageError && re.test(e.message), `${argv.join(' ')}: ${re}`);
  await usage(['remove', 'mine'], /add --yes/);
  assert.ok(existsSync(join(data, 'models', 'mine')), 'nothing removed without --yes');
  await usage([], /which verb\?/);
  await usage(['frobnicate'], /unknown verb 'frobnicate'/);
  await usage(['show'], /show takes one model id, got none/);
  await usage(['install', 'a.onnx', 'b', 'c'], /install takes a model folder, or two paths/);
  await usage(['remove', 'mine', '--yes', '--json'], /--json applies to list and show/);
  // 'mine' chosen with Use: its removal says which model runs live now (the shipped default).
  writeFileSync(join(data, 'models', 'active-model.json'), JSON.stringify({ activeId: 'mine' }));
  let r = await cli(['remove', 'mine', '--yes', '--data-dir', data]);
  assert.equal(r.code, 0, r.out);
  assert.ok(!existsSync(join(data, 'models', 'mine')), 'the folder is gone');
  assert.equal(r.out, "removed model 'mine' (predictions it stored with sessions stay)\nit ran live; runs live now: shipped (the shipped default: the chosen model 'mine' is no longer installed)", r.out);
  assert.match((await cli(['list', '--data-dir', data])).out, /^runs live: shipped \(the shipped default: the chosen model 'mine' is no longer installed\)$/m, 'list says the same');
  // A model that did not run live: nothing more said.
  await writeModelDir(join(data, 'models'), sampleCard({ id: 'other' }), onnx);
  r = await cli(['remove', 'other', '--yes', '--data-dir', data]);
  assert.equal(r.out, "removed model 'other' (predictions it stored with sessions stay)", r.out);
  await assert.rejects(cli(['remove', 'shipped', '--yes', '--data-dir', data]), (e: Error) => e instanceof ModelError && /built-in model and cannot be removed/.test(e.message));
});

test("a folder of yours under a shipped model's id: listed with what to do, never marked as running, and removed by remove (it was refused as the shipped model)", async (t) => {
  const { dir, data } = await setUp(t);
  const shippedDir = join(dir, 'shipped', 'shipped');
  await writeModelDir(join(data, 'models'), sampleCard({ id: 'shipped', name: 'My copy' }), onnx);
  let r = await cli(['list', '--data-dir', data]);
  assert.deepEqual(
    r.out.split('\n').flatMap((l) => l.match(/^([* ]) shipped {2}\S+ {2}(\S+)/)?.slice(1).join(' ') ?? []),
    ['* shipped', '  yours'],
    `only the shipped one, which runs, is marked:\n${r.out}`,
  );
  assert.match(r.out, new RegExp(`^ {4}cannot be used: another model already uses the id 'shipped' \\(${shippedDir}\\): rename this folder and the id in its card\\.json, or remove it$`, 'm'), r.out);
  // An id not there: each installed id once (the second 'shipped' was listed as 'shipped@user').
  await assert.rejects(cli(['show', 'nope', '--data-dir', data]), { message: "no model 'nope' is installed (installed: shipped)" });
  r = await cli(['remove', 'shipped', '--yes', '--data-dir', data]);
  assert.equal(r.out, `removed model 'shipped' (predictions it stored with sessions stay): your folder ${join(data, 'models', 'shipped')}; the shipped model of that id stays`, r.out);
  assert.ok(!existsSync(join(data, 'models', 'shipped')) && existsSync(shippedDir), 'your folder went, the shipped one stayed');
  await assert.rejects(cli(['remove', 'shipped', '--yes', '--data-dir', data]), { message: "'shipped' is a built-in model and cannot be removed" });
});

test("a card naming an ONNX file that is not there: the problem says the name comes from the card", async (t) => {
  const { data } = await setUp(t);
  const user = join(data, 'models');
  await writeModelDir(user, sampleCard({ id: 'mine' }), onnx);
  const cardPath = join(user, 'mine', 'card.json');
  const card = JSON.parse(readFileSync(cardPath, 'utf8'));
  writeFileSync(cardPath, JSON.stringify({ ...card, onnx: { ...card.onnx, file: 'weights.onnx' } }));
  const r = await cli(['show', 'mine', '--data-dir', data]);
  assert.equal(r.code, 1, r.out);
  assert.match(r.out, /^cannot be used: weights\.onnx is missing \(card\.json's onnx\.file names it\)$/m, r.out);
});

test('install FOLDER: a model folder as export-model writes it (or a colleague shares it); paths that are not there, or a folder for a file, said plainly', async (t) => {
  const { dir, data } = await setUp(t);
  const shared = join(dir, 'from-a-colleague');
  await writeModelDir(shared, sampleCard({ id: 'theirs', version: '3.0.0' }), onnx);
  let r = await cli(['install', join(shared, 'theirs'), '--data-dir', data]);
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /^installed model 'theirs' 3\.0\.0 into .*data\/models\/theirs$/m, r.out);
  r = await cli(['show', 'theirs', '--data-dir', data]);
  assert.match(r.out, /^usable$/m, r.out);
  // A card naming its own file: that file is installed (as model.onnx).
  const named = join(shared, 'named');
  mkdirSync(named);
  writeFileSync(join(named, 'weights.onnx'), onnx);
  const card = JSON.parse(readFileSync(join(shared, 'theirs', 'card.json'), 'utf8'));
  writeFileSync(join(named, 'card.json'), JSON.stringify({ ...card, id: 'named', onnx: { ...card.onnx, file: 'weights.onnx' } }));
  r = await cli(['install', named, '--data-dir', data]);
  assert.match(r.out, /^installed model 'named' /m, r.out);
  assert.ok(existsSync(join(data, 'models', 'named', 'model.onnx')), `the folder's weights.onnx installed as models/named/model.onnx: ${r.out}`);

  const refused = (argv: string[], message: string | RegExp) => assert.rejects(cli([...argv, '--data-dir', data]), (e: Error) => (typeof message === 'string' ? e.message === message : message.test(e.message)), `${argv.join(' ')}: ${message}`);
  await refused(['install', join(dir, 'nope')], `there is no folder or file ${join(dir, 'nope')}`);
  await refused(['install', join(shared, 'theirs', 'model.onnx')], `${join(shared, 'theirs', 'model.onnx')} is a file: give the model folder that holds it and its card.json, or its card.json too`);
  await refused(['install', dir], `${dir} is not a model folder: it has no card.json`);
  writeFileSync(join(named, 'card.json'), '{ "id": ');
  await refused(['install', named], new RegExp(`^the card ${join(named, 'card.json').replace(/[.\\/]/g, '\\$&')} is not valid JSON \\(`));
  // Two paths: Node's 'ENOENT: no such file or directory, open …' and 'EISDIR: illegal operation …' said in words.
  await refused(['install', join(dir, 'nope.onnx'), join(shared, 'theirs', 'card.json')], `cannot read ${join(dir, 'nope.onnx')}: not found`);
  await refused(['install', join(shared, 'theirs'), join(shared, 'theirs', 'card.json')], `cannot read ${join(shared, 'theirs')}: it is a folder, not a file: give the .onnx file in it`);
  await refused(['install', join(shared, 'theirs', 'model.onnx'), join(dir, 'nope.json')], `cannot read the card ${join(dir, 'nope.json')}: not found`);
});
