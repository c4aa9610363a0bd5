// One-encoder models (the EEG-only and ECG-only ablations the training exports): the fused export with
// the other encoder null, end to end on real EEGMAT windows cut by the app's pipeline. The file has
// only its modality's two inputs, the registry accepts it under a card declaring that modality alone,
// prepareWindow feeds it whether the other modality is in the window or not (and never reports it as
// absent), and onnxruntime-node and onnxruntime-web (WASM) agree with the jax-js forward within 1e-4.
// (The live dashboard with such a model: test/e2e/inference-one-encoder.test.ts.)
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { init, numpy as np } from '@jax-js/jax';
import { anyChannels, CBRAMOD_EEG_CHANNELS, defaultFusedConfig, labelledChannels, MODEL_IO, TASK_MENTAL_ARITHMETIC } from '../../../src/shared/model/config';
import { initHostParams } from '../../../src/shared/model/params';
import { jitForward, toJaxParams } from '../../../src/shared/model/jax-model';
import { taskProbabilities } from '../../../src/shared/model/fusion';
import { JaxOps } from '../../../src/shared/model/jax-ops';
import { prepareWindow, type PreparedWindow } from '../../../src/shared/model/window-input';
import { checkContract } from '../../../src/shared/model/card';
import { ModelError, ModelErrorCode } from '../../../src/shared/model/model-error';
import type { InputContract, ModelModality } from '../../../src/shared/model/model.types';
import { exportRegistryModel } from '../../../src/shared/onnx/export';
import { ModelRegistry, writeModelDir } from '../../../src/main/model/registry';
import type { SyncWindow } from '../../../src/shared/window.types';
import { eegmatWindows, noEegmat } from '../model/eegmat-windows';
import { maxAbsDiff } from '../model/torch-reference';
import { RUNTIMES, startOrtWeb } from './ort-runtimes';

let dir = '';
let windows: SyncWindow[] = [];
before(async () => {
  await init('wasm');
  await startOrtWeb();
  dir = mkdtempSync(join(tmpdir(), 'hm-one-encoder-'));
  // A rest window and an arithmetic window, both with 19 EEG channels and the ECG lead present
  // (Subject00's rest: Subject02_1's ECG lead is noise without a QRS, so its windows lack ECG).
  if (!noEegmat) windows = [eegmatWindows('Subject00_1.edf', 1)[0], eegmatWindows('Subject02_2.edf', 4, 3)[3]];
});
after(() => rmSync(dir, { recursive: true, force: true }));

const CAP = ['Fp1', 'Fp2', 'F3', 'F4', 'C3', 'C4', 'P3', 'P4', 'O1', 'O2', 'F7', 'F8', 'T3', 'T4', 'T5', 'T6', 'Fz', 'Cz', 'Pz'];

/** The window with one modality taken away, as the pipeline sends it when that device is not connected. */
function without(w: SyncWindow, m: ModelModality): SyncWindow {
  return { ...w, [m]: { ...w[m], channels: [], data: new Float32Array(0), present: false, absentReason: 'no-device' } };
}

for (const m of ['eeg', 'ecg'] as const) {
  const other: ModelModality = m === 'eeg' ? 'ecg' : 'eeg';
  const M = m.toUpperCase();
  const O = other.toUpperCase();
  describe(`${M}-only model`, { skip: noEegmat }, () => {
    const config = defaultFusedConfig([TASK_MENTAL_ARITHMETIC, { name: 'load', kind: 'multiclass', classes: ['low', 'mid', 'high'] }], { nLayers: 2, [other]: false });
    const contract: InputContract = { rateHz: 200, windowSeconds: 5, ...(m === 'eeg' ? { eeg: labelledChannels(CBRAMOD_EEG_CHANNELS) } : { ecg: anyChannels(1, 12) }) };
    const host = initHostParams(config, m === 'eeg' ? 21 : 22);
    const id = `${m}-only-test`;
    const { card, onnx } = exportRegistryModel(
      {
        id,
        name: `${M}-only`,
        description: `${M}-only ablation, seeded weights`,
        config,
        windowSeconds: 5,
        input: contract,
        training: { data: ['none'], procedure: 'not trained', provenance: 'test/shared/onnx/one-encoder.test.ts' },
        evaluation: { protocol: 'not evaluated', metrics: [] },
        licence: { model: 'MIT', data: [] },
        limitations: [],
      },
      host,
    );

    test(`the file has only the ${M} inputs; the registry lists it as usable under a card declaring ${M} alone`, async () => {
      assert.equal(config[other], null, `the ${O} encoder is null`);
      assert.equal(host[other], undefined, `no ${O} parameters`);
      await writeModelDir(dir, card, onnx);
      const reg = new ModelRegistry([{ dir, source: 'user' }]);
      const got = (await reg.scan()).find((x) => x.id === id);
      assert.ok(got, 'listed');
      assert.deepEqual(got.problems, [], got.problems.join('; '));
      assert.deepEqual(got.signature!.inputs.map((v) => v.name), [m, `${m}_present`]);
      // A card that also declares the other modality is refused: the file has no input for it.
      const both = { ...card, input: { ...contract, [other]: other === 'eeg' ? labelledChannels(CBRAMOD_EEG_CHANNELS) : anyChannels(1, 12) } };
      await assert.rejects(writeModelDir(join(dir, 'wrong'), both, onnx), (e: unknown) => e instanceof ModelError && new RegExp(`input\\.${other} must be declared exactly when the model has an ${other} encoder`).test(e.message));
    });

    test(`the devices: fits with or without ${O} connected (a note when it is), waits for its device without ${M}`, () => {
      const eegLabels = { eeg: CAP, ecg: ['ECG'] };
      const withBoth = checkContract(contract, { eeg: eegLabels.eeg, ecg: eegLabels.ecg, windowSec: 5 });
      assert.deepEqual([withBoth.ok, withBoth.fed, withBoth.notes], [true, [m], [`${O} is connected but this model does not read it`]]);
      const alone = checkContract(contract, { [m]: eegLabels[m], windowSec: 5 });
      assert.deepEqual([alone.ok, alone.fed, alone.notes], [true, [m], []]);
      const none = checkContract(contract, { [other]: eegLabels[other], windowSec: 5 });
      // Its own device off is a wait, not a misfit (the other one connected or not).
      assert.deepEqual([none.ok, none.refusal, none.problems, none.awaitingDevices], [false, 'is waiting for its devices', [`no ${M} device connected`], true]);
      assert.match(none.notes.at(-1) ?? '', new RegExp(`^it reads ${M} \\(`), 'what it reads, with no "either alone" for one modality');
      assert.doesNotMatch(none.notes.at(-1) ?? '', /either alone/);
    });

    test(`ORT-node and ORT-web WASM match jax-js within 1e-4 on real windows, with ${O} in the window or not; without ${M} the window is skipped`, async (t) => {
      const prepared: PreparedWindow[] = windows.map((w) => prepareWindow(w, contract));
      for (const p of prepared) {
        assert.deepEqual(Object.keys(p.feeds).sort(), [m, `${m}_present`]);
        assert.deepEqual([p.fed, p.absent], [[m], {}], `fed by ${M} only; ${O} is not the model's, so not "absent"`);
      }
      // The other device away changes nothing (same feeds, bit for bit); this model's away skips the window.
      for (let w = 0; w < windows.length; w++) {
        const p = prepareWindow(without(windows[w], other), contract);
        assert.deepEqual([p.fed, p.absent], [[m], {}], `window ${w} without ${O}: fed by ${M} only, nothing absent`);
        for (const k of Object.keys(p.feeds)) assert.deepEqual(p.feeds[k].data, prepared[w].feeds[k].data, k);
      }
      assert.throws(
        () => prepareWindow(without(windows[0], m), contract),
        (e: unknown) => e instanceof ModelError && e.code === ModelErrorCode.BadWindow && e.message === `no modality of the model is present in this window (${M}: no device connected)`,
      );

      // jax-js forward of the same definition, both windows as one batch.
      const cat = (name: string) => {
        const [a, b] = prepared.map((p) => p.feeds[name]);
        const data = new Float32Array(a.data.length + b.data.length);
        data.set(a.data);
        data.set(b.data, a.data.length);
        return np.array(data).reshape([2, ...a.dims.slice(1)]);
      };
      const x = cat(m);
      const present = cat(MODEL_IO.present(m)).reshape([2]);
      const logits = jitForward(config)(toJaxParams(host), m === 'eeg' ? { eeg: x, eegPresent: present } : { ecg: x, ecgPresent: present });
      // taskProbabilities consumes its arguments (jax-js ownership): give it references, keep the logits.
      const probs = taskProbabilities(new JaxOps(), config, Object.fromEntries(Object.entries(logits).map(([k, v]) => [k, v.ref])));
      const ref: Record<string, Float32Array> = {};
      for (const t of config.tasks) {
        ref[MODEL_IO.logits(t.name)] = (await logits[t.name].data()) as Float32Array;
        ref[MODEL_IO.probs(t.name)] = (await probs[t.name].data()) as Float32Array;
      }

      for (const { name, ort, options } of RUNTIMES) {
        let worst = 0;
        const session = await ort.InferenceSession.create(onnx, options);
        assert.deepEqual([...session.inputNames].sort(), [m, `${m}_present`]);
        for (let w = 0; w < 2; w++) {
          const feeds = Object.fromEntries(Object.entries(prepared[w].feeds).map(([k, v]) => [k, new ort.Tensor('float32', v.data, v.dims)]));
          const out = await session.run(feeds);
          for (const [k, want] of Object.entries(ref)) {
            const got = out[k].data as Float32Array;
            const d = maxAbsDiff(got, want.subarray(w * got.length, (w + 1) * got.length));
            assert.ok(d < 1e-4, `${name}, window ${w}, ${k}: max |Δ| ${d}`);
            worst = Math.max(worst, d);
          }
        }
        t.diagnostic(`${name}: max |Δ| against jax-js ${worst.toExponential(1)}`);
        await session.release();
      }
    });
  });
}
