// The core's model runtime answers in a thread of its own (inference-worker.node.ts): on the core's
// main thread a window's run held the event loop (the live pipeline, a recording, every request) for
// its whole length. Checked without a clock race: windows are handed to the model, the main thread
// is then kept busy far longer than they take; once it is free their answers are already there (on
// the main thread they would only start then, and take their full time).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openNodeModel } from '../../../src/main/model/node-inference';
import { defaultFusedConfig, MODEL_IO, TASK_MENTAL_ARITHMETIC } from '../../../src/shared/model/config';
import { initHostParams } from '../../../src/shared/model/params';
import { exportRegistryModel } from '../../../src/shared/onnx/export';
import { ModelError, ModelErrorCode } from '../../../src/shared/model/model-error';
import type { ModelTensor } from '../../../src/shared/model/window-input';

test('openNodeModel: windows are answered while the main thread is busy; the bytes are moved; a missing output is refused', async () => {
  const config = defaultFusedConfig([TASK_MENTAL_ARITHMETIC], { nLayers: 1 });
  const eeg = Array.from({ length: 19 }, (_, i) => `E${i}`);
  const { card, onnx } = exportRegistryModel(
    {
      id: 'thread-test',
      name: 'thread test',
      description: 'one layer, seeded weights',
      config,
      windowSeconds: 5,
      input: { rateHz: 200, windowSeconds: 5, eeg: { channels: eeg, minChannels: 19, maxChannels: 19, unit: 'uV', scaleDivisor: 100 }, ecg: { channels: 'any', minChannels: 1, maxChannels: 1, unit: 'uV', scaleDivisor: 100 } },
      training: { data: ['none'], procedure: 'not trained', provenance: 'test/main/model/node-inference.test.ts' },
      evaluation: { protocol: 'not evaluated', metrics: [] },
      licence: { model: 'MIT', data: [] },
      limitations: [],
    },
    initHostParams(config, 7),
  );
  const feeds = (): Record<string, ModelTensor> => ({
    eeg: { data: new Float32Array(19 * 1000).map((_, i) => Math.sin(i / 7)), dims: [1, 19, 5, 200] },
    eeg_present: { data: new Float32Array([1]), dims: [1] },
    ecg: { data: new Float32Array(1000).map((_, i) => Math.cos(i / 5)), dims: [1, 1, 5, 200] },
    ecg_present: { data: new Float32Array([1]), dims: [1] },
  });
  const bytes = new Uint8Array(onnx); // a copy: the model's thread takes it
  const model = await openNodeModel(bytes, card.config.tasks, 1);
  try {
    assert.equal(bytes.byteLength, 0, 'the model’s bytes were moved to its thread, not copied');
    const first = await model.run(feeds()); // (the first run sets ORT up)
    // A run's length: the shortest of three (one alone, on a loaded machine, can be several).
    let oneRunMs = Infinity;
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      await model.run(feeds());
      oneRunMs = Math.min(oneRunMs, performance.now() - t0);
    }
    assert.equal(first.arithmetic.length, 1, 'P(arithmetic) answered');
    assert.ok(first.arithmetic[0] > 0 && first.arithmetic[0] < 1, `a probability: ${first.arithmetic[0]}`);
    // Five windows handed over, then the main thread held (as a busy pipeline would hold it) for
    // 10 times what they take (0.5–3 s).
    const answered: number[] = [];
    const runs = Array.from({ length: 5 }, () => model.run(feeds()).then(() => answered.push(performance.now())));
    const busyUntil = performance.now() + Math.min(3000, Math.max(500, 10 * 5 * oneRunMs));
    while (performance.now() < busyUntil) {
      // busy
    }
    const free = performance.now();
    await Promise.all(runs);
    const waited = Math.max(...answered) - free;
    assert.ok(waited < oneRunMs, `the answers were waiting when the main thread came free (${waited.toFixed(1)} ms after, one run takes ${oneRunMs.toFixed(1)} ms)`);
  } finally {
    await model.release();
  }
  await assert.rejects(model.run(feeds()), /the model was released/, 'a released model refuses a run');
  await assert.rejects(
    openNodeModel(new Uint8Array(onnx), [{ ...card.config.tasks[0], name: 'valence' }], 1),
    (e: unknown) => e instanceof ModelError && e.code === ModelErrorCode.SignatureMismatch && e.message === `the model lacks outputs ${MODEL_IO.probs('valence')}`,
  );
});
