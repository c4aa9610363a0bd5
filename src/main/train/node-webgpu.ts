// WebGPU for Node (the CLI, serve mode, Electron main's training worker) through Dawn — the WebGPU
// implementation Chromium and Electron run — packaged as a Node addon (`webgpu` on npm). Node has no
// navigator.gpu; once an adapter is found this puts Dawn's there (with the GPU* constants), which
// is all jax-js and onnxruntime-web look for. A machine without a GPU, or without a Vulkan, Metal or
// D3D12 driver, gets the reason instead of a crash. Once per process.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

export interface GpuAdapterLike {
  info?: { vendor?: string; architecture?: string; device?: string; description?: string; isFallbackAdapter?: boolean };
}

export type NodeWebGpu = { ok: true; adapter: GpuAdapterLike } | { ok: false; why: string };

interface GpuLike {
  requestAdapter(o?: object): Promise<GpuAdapterLike | null>;
}

interface DawnModule {
  create(options: string[]): GpuLike;
  globals: object;
}

let installed: Promise<NodeWebGpu> | null = null;

export function installNodeWebGpu(): Promise<NodeWebGpu> {
  installed ??= (async (): Promise<NodeWebGpu> => {
    const g = globalThis as { navigator?: { gpu?: GpuLike } };
    if (g.navigator?.gpu) {
      const adapter = await g.navigator.gpu.requestAdapter({ powerPreference: 'high-performance' }).catch(() => null);
      return adapter ? { ok: true, adapter } : { ok: false, why: 'the runtime’s WebGPU found no adapter' };
    }
    const noDriver = missingVulkanDriver() ?? missingGpuDevice();
    if (noDriver) return { ok: false, why: noDriver };
    let dawn: DawnModule;
    try {
      dawn = (await import('webgpu')) as unknown as DawnModule;
    } catch (e) {
      return { ok: false, why: `Dawn (the webgpu package) did not load: ${(e as Error).message.split('\n')[0]}` };
    }
    const gpu = dawn.create([]);
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' }).catch(() => null);
    if (!adapter) return { ok: false, why: 'Dawn found no GPU adapter (no GPU, or no Vulkan, Metal or D3D12 driver for it)' };
    // A CPU rasteriser posing as a GPU (Mesa's lavapipe/llvmpipe, SwiftShader) is no gain: on
    // SwiftShader a window took 11 s against 80 ms on WASM (docs/model.md).
    const software = adapter.info?.isFallbackAdapter || /llvmpipe|lavapipe|swiftshader/i.test(gpuAdapterInfo(adapter));
    if (software) return { ok: false, why: `the only WebGPU adapter is a software one (${gpuAdapterInfo(adapter)})` };
    Object.assign(globalThis, dawn.globals);
    acceptSharedSources((dawn.globals as { GPUQueue?: { prototype: QueueLike } }).GPUQueue?.prototype);
    // Node 21+ has a navigator without gpu; Node 20 has none (jax-js also reads its userAgent).
    if (g.navigator) Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
    else Object.defineProperty(globalThis, 'navigator', { value: { gpu, userAgent: `Node.js/${process.versions.node}` }, configurable: true, writable: true });
    return { ok: true, adapter };
  })();
  return installed;
}

/**
 * On Linux Dawn reaches the GPU through Vulkan, whose loader finds drivers by their ICD manifests.
 * With none installed (a GPU-less server, CI) there is nothing to find: say so without loading Dawn,
 * which would print Vulkan's complaints to stderr. Null when a driver may be there.
 */
export function missingVulkanDriver(env: NodeJS.ProcessEnv = process.env, platform: string = process.platform): string | null {
  if (platform !== 'linux' || env.VK_DRIVER_FILES || env.VK_ICD_FILENAMES || env.VK_ADD_DRIVER_FILES) return null;
  // Where the Vulkan loader looks: $XDG_CONFIG_DIRS, /etc, $XDG_DATA_DIRS (with their defaults).
  const roots = [...(env.XDG_CONFIG_DIRS || '/etc/xdg').split(':'), '/etc', ...(env.XDG_DATA_DIRS || '/usr/local/share:/usr/share').split(':')];
  const dirs = [...new Set(roots.filter(Boolean).map((d) => join(d, 'vulkan', 'icd.d')))];
  const found = dirs.some((d) => {
    try {
      return readdirSync(d).some((f) => f.endsWith('.json'));
    } catch {
      return false;
    }
  });
  return found ? null : `no Vulkan driver is installed (no ICD manifest in ${dirs.join(', ')})`;
}

/**
 * On Linux a GPU shows up as a device node: /dev/dri/renderD* (Mesa's drivers: AMD, Intel…),
 * /dev/nvidia* or /dev/dxg (WSL). With none, the ICD manifests a Mesa install leaves behind can only
 * lead Dawn to a software rasteriser, after it has printed Vulkan's complaints to stderr: say so
 * without loading it. Null when a GPU may be there.
 */
export function missingGpuDevice(platform: string = process.platform, dev = '/dev'): string | null {
  if (platform !== 'linux') return null;
  const list = (d: string) => {
    try {
      return readdirSync(d);
    } catch {
      return [];
    }
  };
  const found = list(dev).some((f) => /^nvidia\d|^dxg$/.test(f)) || list(join(dev, 'dri')).some((f) => f.startsWith('renderD'));
  return found ? null : `no GPU device (no ${join(dev, 'dri', 'renderD*')}, ${join(dev, 'nvidia*')} or ${join(dev, 'dxg')})`;
}

type Source = ArrayBuffer | SharedArrayBuffer | ArrayBufferView;
interface QueueLike {
  writeBuffer(buffer: unknown, offset: number, data: Source, dataOffset?: number, size?: number): void;
}

/**
 * WebGPU's writeBuffer takes data in a SharedArrayBuffer too (Chromium does); Dawn's Node addon
 * refuses it ("no overload matched"). onnxruntime-web's WebGPU backend uploads straight from its
 * WASM memory, which is shared: copy such data into a plain buffer first.
 */
export function acceptSharedSources(queue: QueueLike | undefined): void {
  if (!queue) return;
  const write = queue.writeBuffer;
  queue.writeBuffer = function (this: QueueLike, buffer, offset, data, dataOffset = 0, size) {
    const raw = ArrayBuffer.isView(data) ? data.buffer : data;
    if (!(typeof SharedArrayBuffer !== 'undefined' && raw instanceof SharedArrayBuffer)) return write.call(this, buffer, offset, data, dataOffset, size);
    // Offsets and sizes count elements for a typed array, bytes for a buffer.
    const unit = ArrayBuffer.isView(data) ? ((data as { BYTES_PER_ELEMENT?: number }).BYTES_PER_ELEMENT ?? 1) : 1;
    const start = (ArrayBuffer.isView(data) ? data.byteOffset : 0) + dataOffset * unit;
    const bytes = size !== undefined ? size * unit : (ArrayBuffer.isView(data) ? data.byteLength : raw.byteLength) - dataOffset * unit;
    return write.call(this, buffer, offset, new Uint8Array(raw, start, bytes).slice(), 0, bytes);
  };
}

/** What the adapter says of itself: vendor, architecture, device, then the description (Dawn on an H200: "nvidia: NVIDIA: 580.159.04 …", the driver). */
export function gpuAdapterInfo(a: GpuAdapterLike): string {
  const i = a.info ?? {};
  return [i.vendor, i.architecture, i.device].filter(Boolean).join(', ') + (i.description ? `: ${i.description}` : '') || 'an adapter that does not describe itself';
}
