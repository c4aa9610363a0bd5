// Graph capture on onnxruntime-web's WebGPU backend. Run normally, a batch-1 window costs ORT about
// 60 ms whatever the model's size: between the GPU kernels it works out shapes and dispatches on the
// CPU (docs/model.md). With every dimension fixed and the inputs and outputs in GPU buffers of their
// own, ORT records the first run's GPU commands and replays them for every later window. That needs
// a model whose contract pins each modality's channel count (batch 1 and the window length are
// fixed anyway) and a graph whose every node runs on WebGPU (our exporter writes no Identity).
// Shared by the inference worker and bench/webgpu.bench.ts.
import type * as Ort from 'onnxruntime-web';
import { MODEL_IO, taskOutputs } from '../../../shared/model/config';
import { ModelError, ModelErrorCode } from '../../../shared/model/model-error';
import type { InputContract, TaskSpec } from '../../../shared/model/model.types';
import type { ModelTensor } from '../../../shared/model/window-input';

// The few WebGPU calls used here; the project's TypeScript libs carry no WebGPU declarations. The
// flags are the WebGPU specification's constants (GPUBufferUsage, GPUMapMode).
const USAGE = { MAP_READ: 0x1, COPY_SRC: 0x4, COPY_DST: 0x8, STORAGE: 0x80 } as const;
const MAP_MODE_READ = 0x1;
interface GpuBuffer {
  mapAsync(mode: number): Promise<void>;
  getMappedRange(): ArrayBuffer;
  unmap(): void;
  destroy(): void;
}
interface GpuDevice {
  createBuffer(d: { size: number; usage: number }): GpuBuffer;
  createCommandEncoder(): { copyBufferToBuffer(src: GpuBuffer, srcOffset: number, dst: GpuBuffer, dstOffset: number, size: number): void; finish(): unknown };
  queue: { writeBuffer(b: GpuBuffer, offset: number, data: Float32Array): void; submit(commands: unknown[]): void };
}

/** Each input's dims when the contract fixes them all (channel counts pinned), else null. */
export function pinnedInputDims(contract: InputContract): Record<string, number[]> | null {
  const dims: Record<string, number[]> = {};
  for (const m of ['eeg', 'ecg'] as const) {
    const c = contract[m];
    if (!c) continue;
    if (c.minChannels !== c.maxChannels) return null;
    // 1-s patches of rateHz samples.
    dims[MODEL_IO.input(m)] = [1, c.minChannels, contract.windowSeconds, contract.rateHz];
    dims[MODEL_IO.present(m)] = [1];
  }
  return dims;
}

export interface CapturedSession {
  session: Ort.InferenceSession;
  /** Runs one window; returns each task's probabilities output. */
  run(feeds: Record<string, ModelTensor>): Promise<Record<string, Float32Array>>;
  release(): Promise<void>;
}

const elements = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);
/** Bytes of a GPU buffer for `n` floats (rounded up to 16, as ORT sizes its own). */
const bufferBytes = (n: number) => Math.ceil((4 * n) / 16) * 16;

/**
 * A WebGPU session with graph capture for a model whose contract pins every dimension. Throws when
 * the contract leaves one free or ORT refuses to capture the graph (e.g. a node it runs on the CPU).
 */
export async function createCapturedSession(ort: typeof Ort, bytes: Uint8Array, contract: InputContract, tasks: readonly TaskSpec[]): Promise<CapturedSession> {
  const inputs = pinnedInputDims(contract);
  if (!inputs) throw new Error('the model takes a range of channel counts');
  const overrides: Record<string, number> = { [MODEL_IO.batchDim]: 1 };
  for (const m of ['eeg', 'ecg'] as const) {
    const d = inputs[MODEL_IO.input(m)];
    if (d) Object.assign(overrides, { [MODEL_IO.channelsDim(m)]: d[1], [MODEL_IO.patchesDim(m)]: d[2] });
  }
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['webgpu'], graphOptimizationLevel: 'all', freeDimensionOverrides: overrides, enableGraphCapture: true, logSeverityLevel: 3 });
  const buffers: GpuBuffer[] = [];
  try {
    const device = ort.env.webgpu.device as unknown as GpuDevice;
    const gpuBuffer = (n: number, usage: number) => {
      const b = device.createBuffer({ size: bufferBytes(n), usage });
      buffers.push(b);
      return b;
    };
    const io = USAGE.STORAGE | USAGE.COPY_SRC | USAGE.COPY_DST;
    const tensorOn = (b: GpuBuffer, dims: number[]) => ort.Tensor.fromGpuBuffer(b as never, { dataType: 'float32', dims });
    const inBuf: Record<string, GpuBuffer> = {};
    const feeds: Record<string, Ort.Tensor> = {};
    for (const [name, dims] of Object.entries(inputs)) {
      inBuf[name] = gpuBuffer(elements(dims), io);
      feeds[name] = tensorOn(inBuf[name], dims);
    }
    // Graph capture binds every output, read back or not.
    const fetches: Record<string, Ort.Tensor> = {};
    const probs: { task: string; buffer: GpuBuffer; staging: GpuBuffer; n: number }[] = [];
    for (const t of tasks) {
      const n = taskOutputs(t);
      fetches[MODEL_IO.logits(t.name)] = tensorOn(gpuBuffer(n, io), [1, n]);
      const buffer = gpuBuffer(n, io);
      fetches[MODEL_IO.probs(t.name)] = tensorOn(buffer, [1, n]);
      probs.push({ task: t.name, buffer, staging: gpuBuffer(n, USAGE.MAP_READ | USAGE.COPY_DST), n });
    }
    const modalities = (['eeg', 'ecg'] as const).filter((m) => inputs[MODEL_IO.input(m)]);
    const zeros = new Map<number, Float32Array>();
    const run = async (given: Record<string, ModelTensor>): Promise<Record<string, Float32Array>> => {
      for (const m of modalities) {
        const name = MODEL_IO.input(m);
        const flag = given[MODEL_IO.present(m)]?.data;
        if (flag?.length !== 1) throw new ModelError(ModelErrorCode.BadWindow, `no presence flag for ${m.toUpperCase()}`);
        const n = elements(inputs[name]);
        let data = given[name]?.data;
        if (data?.length !== n) {
          // An absent modality comes as a one-patch placeholder with its flag at 0; the captured
          // graph reads the pinned shape: zeros of that shape (the flag still decides).
          if (flag[0] !== 0) throw new ModelError(ModelErrorCode.BadWindow, `${m.toUpperCase()} holds ${data?.length ?? 0} values, the captured graph reads ${n} ([${inputs[name].join(', ')}])`);
          if (!zeros.has(n)) zeros.set(n, new Float32Array(n));
          data = zeros.get(n)!;
        }
        device.queue.writeBuffer(inBuf[name], 0, data);
        device.queue.writeBuffer(inBuf[MODEL_IO.present(m)], 0, flag);
      }
      await session.run(feeds, fetches);
      const enc = device.createCommandEncoder();
      for (const p of probs) enc.copyBufferToBuffer(p.buffer, 0, p.staging, 0, bufferBytes(p.n));
      device.queue.submit([enc.finish()]);
      const out: Record<string, Float32Array> = {};
      await Promise.all(
        probs.map(async (p) => {
          await p.staging.mapAsync(MAP_MODE_READ);
          out[p.task] = new Float32Array(p.staging.getMappedRange().slice(0, 4 * p.n));
          p.staging.unmap();
        }),
      );
      return out;
    };
    return {
      session,
      run,
      release: async () => {
        await session.release();
        for (const b of buffers) b.destroy();
      },
    };
  } catch (e) {
    await session.release().catch(() => undefined);
    for (const b of buffers) b.destroy();
    throw e;
  }
}
