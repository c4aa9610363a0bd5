// Which jax-js backend trains: WebGPU when the machine has a GPU — through the runtime's own WebGPU
// (a browser worker, Deno) or, in Node and Electron's main process, through Dawn
// (node-webgpu.ts) — otherwise WASM on one core. HEARTMIND_TRAIN_BACKEND=wasm keeps WASM (WebGPU
// sums in another order, so its figures differ from WASM's in the last digits). Chosen once per
// process; the answer names the backend, then a colon and why ('webgpu: NVIDIA …', 'wasm: one core; …').
import { defaultDevice, init } from '@jax-js/jax';
import { gpuAdapterInfo, installNodeWebGpu } from './node-webgpu';
import { installChunkedWasmGrowth } from './wasm-memory';

let chosen: Promise<string> | null = null;

export function selectTrainingBackend(prefer: 'auto' | 'wasm' = process.env.HEARTMIND_TRAIN_BACKEND === 'wasm' ? 'wasm' : 'auto'): Promise<string> {
  chosen ??= (async () => {
    let why = 'HEARTMIND_TRAIN_BACKEND=wasm';
    if (prefer === 'auto') {
      const gpu = await installNodeWebGpu();
      why = gpu.ok ? 'WebGPU did not start' : gpu.why;
      if (gpu.ok) {
        try {
          const devices = await init('webgpu');
          if (devices.includes('webgpu')) {
            defaultDevice('webgpu');
            return `webgpu: ${gpuAdapterInfo(gpu.adapter)}`;
          }
        } catch (e) {
          why = `WebGPU did not start: ${(e as Error).message}`;
        }
      }
    }
    installChunkedWasmGrowth();
    await init('wasm');
    defaultDevice('wasm');
    return `wasm: one core; ${why}`;
  })();
  return chosen;
}
