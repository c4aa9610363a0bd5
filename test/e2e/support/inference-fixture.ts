// What the live-inference end-to-end tests share: untrained test models (1-layer fused, seeded
// weights) written into the core's user models folder, the prediction reports the page's worker
// sends back to the core, and Chromium on the Models view.
import { join } from 'node:path';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { writeModelDir } from '../../../src/main/model/registry';
import type { ModelSummary, PredictionReport } from '../../../src/shared/ipc/models.schema';
import type { NewCardFields } from '../../../src/shared/model/card';
import { defaultFusedConfig, TASK_MENTAL_ARITHMETIC } from '../../../src/shared/model/config';
import { initHostParams } from '../../../src/shared/model/params';
import { exportRegistryModel } from '../../../src/shared/onnx/export';
import { openPage, type OpenedPage } from './open-page';
import type { ServeFixture } from './serve-fixture';

/** Card fields of a 1-layer fused rest-vs-arithmetic model that was never trained. */
export function untrainedModelFields(id: string, input: NewCardFields['input'], opts: { name?: string; provenance: string }): NewCardFields {
  const config = defaultFusedConfig([TASK_MENTAL_ARITHMETIC], { nLayers: 1 });
  return {
    id,
    name: opts.name ?? `E2E ${id}`,
    description: 'A 1-layer model with seeded (untrained) weights, for the end-to-end test only',
    config,
    windowSeconds: 5,
    input,
    training: { data: ['none (seeded initialisation)'], procedure: 'not trained', provenance: opts.provenance },
    evaluation: { protocol: 'not evaluated', metrics: [] },
    licence: { model: 'MIT', data: [] },
    limitations: ['Untrained test weights: the estimates mean nothing.'],
  };
}

/**
 * How long the core's rescan of a dropped-in test model may take before the test fails. The 1-layer
 * test model is 4.2 MB, over the registry's ONNX_WORKER_FROM_BYTES, so the rescan reads it in one of
 * the ONNX pool's threads (onnx-pool.ts); one idle for 5 s has ended, and a new one under tsx (the
 * tests) compiles onnx-worker.node.ts first. Measured (a registry scan after each drop, tsx, loaded
 * 2-core machine, load 5.6–6.5): 0.32–0.37 s with a new thread, 15 ms with a warm one. Before the pool
 * each file had a fresh thread and it took 5–12 s, and a page that waited 15 s for the model timed out
 * on the core's scan: the limit stays well above both, a bound for a failure, not a wait.
 */
const MODEL_SCAN_MS = 60_000;

const CORE_CTX = { transport: 'local' as const, clientId: 'test' };

/** The core's model list, as the pages get it. */
async function coreModels(serve: ServeFixture): Promise<ModelSummary[]> {
  const r = await serve.core.handlers.dispatch('hm:models:list', undefined, CORE_CTX);
  if (!r.ok) assert.fail(`hm:models:list: ${r.error.message}`);
  return (r.value as { models: ModelSummary[] }).models;
}

/** Polls the core's list until `ok` holds of it, up to MODEL_SCAN_MS; fails saying `what`. */
async function untilListed(serve: ServeFixture, ok: (models: ModelSummary[]) => boolean, what: string): Promise<void> {
  const t0 = Date.now();
  while (!ok(await coreModels(serve))) {
    if (Date.now() - t0 > MODEL_SCAN_MS) assert.fail(`${what} within ${MODEL_SCAN_MS / 1000} s`);
    await new Promise((res) => setTimeout(res, 100));
  }
}

/**
 * Exports the model with weights seeded by `seed` into the core's user models folder, and returns
 * once the core's rescan lists it (a new revision where the id was there before): a page's wait for
 * the model then times what the page does with the pushed list, not the core's scan.
 */
export async function installModel(serve: ServeFixture, fields: NewCardFields, seed: number): Promise<void> {
  const { card, onnx } = exportRegistryModel(fields, initHostParams(fields.config, seed));
  const before = (await coreModels(serve)).find((m) => m.id === card.id)?.revision;
  await writeModelDir(join(serve.core.ctx.dataDir, 'models'), card, onnx);
  await untilListed(serve, (models) => models.some((m) => m.id === card.id && m.revision !== before), `the core did not list model '${card.id}'${before === undefined ? '' : ' under a new revision'}`);
}

/**
 * Chooses the model as Use does (hm:models:select), once the core has found its folder: a model the
 * user adds never becomes active by itself.
 */
export async function useModel(serve: ServeFixture, id: string): Promise<void> {
  await untilListed(serve, (models) => models.some((m) => m.id === id && m.problems.length === 0), `model '${id}' was not listed as usable`);
  const r = await serve.core.handlers.dispatch('hm:models:select', { id }, CORE_CTX);
  if (!r.ok) assert.fail(`selecting '${id}': ${r.error.message}`);
}

/** Every prediction report the core receives from now on. */
export function collectPredictions(serve: ServeFixture): PredictionReport[] {
  const reports: PredictionReport[] = [];
  serve.core.subscribePushes((m) => {
    if (m.type === 'models:prediction') reports.push(m.report);
  });
  return reports;
}

/** Chromium on the Models view, with the page's problems collected, once it is connected to the core. */
export function openModelsView(serve: ServeFixture): Promise<OpenedPage> {
  return openPage(serve, { route: '#/models' });
}

/**
 * Makes the inference worker answer its next window with `reply` instead of the result: its own
 * message, through the page's real client. `seqOffset` numbers the reply past the window's own seq
 * (a skip noted under another core's numbering).
 */
export async function answerNextWindow(page: Page, reply: { type: 'error' | 'skipped'; code: string; message: string }, seqOffset = 0): Promise<void> {
  const worker = page.workers().filter((w) => /inference-worker/.test(w.url())).at(-1);
  assert.ok(worker, 'the inference worker is running');
  await worker.evaluate(
    ([injected, offset]) => {
      const scope = self as unknown as { postMessage(m: unknown, t?: Transferable[]): void };
      const post = scope.postMessage.bind(scope);
      let armed = true;
      scope.postMessage = (m: unknown, t?: Transferable[]) => {
        const r = m as { type?: string; seq?: number; loadId?: number };
        if (armed && r?.type === 'result') {
          armed = false;
          return post({ ...injected, loadId: r.loadId, seq: (r.seq ?? 0) + offset }, []);
        }
        return post(m, t);
      };
    },
    [reply, seqOffset] as const,
  );
}
