// Which jax-js backend trains: WebGPU when the runtime exposes an adapter (a browser worker, Deno,
// a Node build with WebGPU), otherwise WASM. Chosen once per process.
import { defaultDevice, init } from '@jax-js/jax';

let chosen: Promise<string> | null = null;

export function selectTrainingBackend(prefer: 'auto' | 'wasm' = 'auto'): Promise<string> {
  chosen ??= (async () => {
    if (prefer === 'auto' && typeof (globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu !== 'undefined') {
      try {
        const devices = await init('webgpu');
        if (devices.includes('webgpu')) {
          defaultDevice('webgpu');
          return 'webgpu';
        }
      } catch {
        // no adapter: fall through to WASM
      }
    }
    await init('wasm');
    defaultDevice('wasm');
    return 'wasm';
  })();
  return chosen;
}
