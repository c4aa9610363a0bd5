// WebGPU for Node through Dawn: without a GPU (this machine, CI) the reason comes back and training
// keeps WASM; the SharedArrayBuffer upload shim hands Dawn the same bytes a plain buffer would.
// (On a GPU: bench/webgpu.bench.ts runs the model and a training step there.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acceptSharedSources, installNodeWebGpu, missingGpuDevice, missingVulkanDriver } from '../../../src/main/train/node-webgpu';

test('without a usable GPU, installNodeWebGpu says why instead of failing', async () => {
  const gpu = await installNodeWebGpu();
  if (gpu.ok) return; // a machine with a GPU: nothing to check here
  assert.match(gpu.why, /no GPU adapter|did not load|no Vulkan driver|no GPU device|software one/);
  assert.equal((globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu, undefined, 'navigator.gpu is only set once an adapter exists');
});

test('training picks WASM, naming why, when there is no GPU or HEARTMIND_TRAIN_BACKEND=wasm', () => {
  const run = (env: Record<string, string>) => {
    const code = "import('./src/main/train/backend.ts').then(async (b) => { console.log(await b.selectTrainingBackend()); process.exit(0); })";
    const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', code], { encoding: 'utf8', env: { ...process.env, ...env } });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.trim().split('\n').pop()!;
  };
  assert.equal(run({ HEARTMIND_TRAIN_BACKEND: 'wasm' }), 'wasm: one core; HEARTMIND_TRAIN_BACKEND=wasm');
  const auto = run({ HEARTMIND_TRAIN_BACKEND: '' });
  if (!auto.startsWith('webgpu:')) assert.match(auto, /^wasm: one core; .*(no GPU adapter|did not load|no Vulkan driver|no GPU device|software one)/);
});

test('Linux: Dawn is not loaded where the Vulkan loader would find no driver manifest', (t) => {
  const root = mkdtempSync(join(tmpdir(), 'hm-vk-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const env = { XDG_CONFIG_DIRS: join(root, 'etc'), XDG_DATA_DIRS: join(root, 'share') };
  // /etc/vulkan/icd.d is always searched: only where it holds no manifest is the answer certain.
  const etcHasDriver = missingVulkanDriver({ XDG_CONFIG_DIRS: root, XDG_DATA_DIRS: root }) === null;
  if (!etcHasDriver) assert.match(missingVulkanDriver(env) ?? '', /^no Vulkan driver is installed \(no ICD manifest in .*hm-vk-/);
  mkdirSync(join(root, 'share', 'vulkan', 'icd.d'), { recursive: true });
  writeFileSync(join(root, 'share', 'vulkan', 'icd.d', 'nvidia_icd.json'), '{}');
  assert.equal(missingVulkanDriver(env), null);
  assert.equal(missingVulkanDriver({ ...env, XDG_DATA_DIRS: root, VK_DRIVER_FILES: '/opt/x.json' }), null, 'an explicit driver list is taken at its word');
  assert.equal(missingVulkanDriver({}, 'darwin'), null, 'Metal and D3D12 need no manifest');
});

test('Linux: Dawn is not loaded where no GPU device node exists (Mesa manifests alone lead to a software rasteriser)', (t) => {
  const dev = mkdtempSync(join(tmpdir(), 'hm-dev-'));
  t.after(() => rmSync(dev, { recursive: true, force: true }));
  writeFileSync(join(dev, 'null'), '');
  assert.match(missingGpuDevice('linux', dev) ?? '', /^no GPU device \(no .*hm-dev-.*renderD\*/);
  for (const node of ['nvidia0', 'dxg', join('dri', 'renderD128')]) {
    const d = mkdtempSync(join(tmpdir(), 'hm-dev-'));
    t.after(() => rmSync(d, { recursive: true, force: true }));
    mkdirSync(join(d, 'dri'));
    writeFileSync(join(d, node), '');
    assert.equal(missingGpuDevice('linux', d), null, node);
  }
  assert.equal(missingGpuDevice('darwin', dev), null, 'only Linux is judged by device nodes');
});

test('uploads from shared memory reach writeBuffer as the same bytes in a plain buffer', () => {
  const calls: { data: unknown; dataOffset?: number; size?: number }[] = [];
  const queue = {
    writeBuffer(_b: unknown, _o: number, data: unknown, dataOffset?: number, size?: number) {
      if (typeof data === 'object' && data && ((data as ArrayBufferView).buffer ?? data) instanceof SharedArrayBuffer) throw new TypeError('no overload matched');
      calls.push({ data, dataOffset, size });
    },
  };
  acceptSharedSources(queue);
  const shared = new Float32Array(new SharedArrayBuffer(40));
  shared.set([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);

  // A typed array: offsets and sizes in elements.
  queue.writeBuffer(null, 0, shared.subarray(2), 1, 3);
  const a = calls.pop()!;
  assert.deepEqual([...new Float32Array((a.data as Uint8Array).slice().buffer)], [3, 4, 5]);
  assert.deepEqual([a.dataOffset, a.size], [0, 12]);

  // The buffer itself: offsets and sizes in bytes; no size means the rest.
  queue.writeBuffer(null, 0, shared.buffer, 32);
  const b = calls.pop()!;
  assert.deepEqual([...new Float32Array((b.data as Uint8Array).slice().buffer)], [8, 9]);

  // Plain memory passes through untouched.
  const plain = new Float32Array([1, 2]);
  queue.writeBuffer(null, 0, plain, 0, 2);
  assert.equal(calls.pop()!.data, plain);
});
