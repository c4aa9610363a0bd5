// The jax-js timings both the WASM (inference.bench.ts) and the WebGPU (webgpu.bench.ts) benches
// print: the fused model's jit forward, and forward + backward of the task loss (a training step's
// core), batch 1, on whichever jax-js device is the default when it runs.
import { blockUntilReady, jit, numpy as np, random, tree, valueAndGrad } from '@jax-js/jax';
import { median, sineWindow, timeIt } from './bench-util';
import { forward, jitForward, taskLoss, toJaxParams, type JaxParams } from '../src/shared/model/jax-model';
import type { FusedModelConfig, HostParams } from '../src/shared/model/model.types';

export interface JaxTiming {
  input: string;
  /** Medians after the first call, ms. */
  forwardMs: number;
  forwardBackwardMs: number;
  /** The first calls, jit compilation included, ms. */
  firstForwardMs: number;
  firstForwardBackwardMs: number;
}

export async function timeJaxModel(config: FusedModelConfig, host: HostParams, setups: { name: string; eeg: number; ecg: number }[], minMs: number, patches = 5): Promise<JaxTiming[]> {
  const params: JaxParams = toJaxParams(host);
  const fwd = jitForward(config);
  const task = config.tasks[0].name;
  const lossAndGrad = jit((p: JaxParams, e: np.Array, c: np.Array, y: np.Array, k: np.Array) =>
    valueAndGrad((pp: JaxParams) => taskLoss(config, forward(config, pp, { eeg: e.ref, ecg: c.ref }, { train: true, key: k.ref }).logits, { [task]: y.ref }))(p),
  );
  const out: JaxTiming[] = [];
  for (const s of setups) {
    const inputs = () => ({ eeg: np.array(sineWindow(s.eeg, patches)).reshape([1, s.eeg, patches, 200]), ecg: np.array(sineWindow(s.ecg, patches)).reshape([1, s.ecg, patches, 200]) });
    const forwardOnce = async () => (await fwd(tree.ref(params), inputs())[task].data())[0];
    const step = async () => {
      const x = inputs();
      const [loss, grads] = lossAndGrad(tree.ref(params), x.eeg, x.ecg, np.array(new Float32Array([1])), random.key(1)) as unknown as [np.Array, JaxParams];
      await loss.data();
      await blockUntilReady(grads);
      tree.dispose(grads);
    };
    const t1 = performance.now();
    await forwardOnce();
    const firstForwardMs = performance.now() - t1;
    const forwardMs = median(await timeIt(forwardOnce, { minMs, warmup: 1 }));
    const t2 = performance.now();
    await step();
    const firstForwardBackwardMs = performance.now() - t2;
    const forwardBackwardMs = median(await timeIt(step, { minMs, warmup: 0, minRuns: 3 }));
    out.push({ input: s.name, forwardMs, forwardBackwardMs, firstForwardMs, firstForwardBackwardMs });
  }
  tree.dispose(params);
  return out;
}
