// Whether this page can use WebGPU (the models' fast path), with a clean answer when it cannot:
// no navigator.gpu, no adapter (Linux without Vulkan, a blocklisted driver, headless without the
// flag), or an adapter that never answers. The inference code falls back to WASM on `available: false`.

export interface WebGpuStatus {
  available: boolean;
  /** Adapter vendor/architecture when available; the reason when not. */
  detail: string;
}

interface GpuLike {
  requestAdapter(): Promise<{ info?: { vendor?: string; architecture?: string; description?: string } } | null>;
}

let cached: Promise<WebGpuStatus> | null = null;

export function detectWebGpu(timeoutMs = 3000): Promise<WebGpuStatus> {
  cached ??= (async () => {
    const gpu = (navigator as Navigator & { gpu?: GpuLike }).gpu;
    if (!gpu) return { available: false, detail: 'this browser has no WebGPU (navigator.gpu missing)' };
    try {
      const adapter = await Promise.race([
        gpu.requestAdapter(),
        new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), timeoutMs)),
      ]);
      if (adapter === 'timeout') return { available: false, detail: `no adapter answered within ${timeoutMs / 1000} s` };
      if (!adapter) return { available: false, detail: 'no WebGPU adapter (driver or flags)' };
      const info = adapter.info ?? {};
      return { available: true, detail: [info.vendor, info.architecture || info.description].filter(Boolean).join(' ') || 'adapter ready' };
    } catch (err) {
      return { available: false, detail: `WebGPU failed: ${(err as Error).message}` };
    }
  })();
  return cached;
}
