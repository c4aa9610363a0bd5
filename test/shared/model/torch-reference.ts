// Runs the independent PyTorch reference (fixtures/cbramod_reference.py, Debian's /usr/bin/python3
// with python3-torch) on our weights and input.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { HostTensor } from '../../../src/shared/model/model.types';

export const PYTHON = '/usr/bin/python3';
export const REFERENCE_SCRIPT = resolve('test/shared/model/fixtures/cbramod_reference.py');

let torchOk: boolean | null = null;
/** False (with the reason in skip messages) when Debian's python3-torch is missing. */
export function hasTorch(): boolean {
  if (torchOk === null) {
    try {
      execFileSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' });
      torchOk = existsSync(PYTHON);
    } catch {
      torchOk = false;
    }
  }
  return torchOk;
}

function writeF32(path: string, a: Float32Array): void {
  writeFileSync(path, Buffer.from(a.buffer, a.byteOffset, a.byteLength));
}

function readF32(path: string): Float32Array {
  const b = readFileSync(path);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

/** CBraMod features and proj_out reconstruction from PyTorch for one encoder's weights. */
export function torchEncoderForward(
  params: Record<string, HostTensor>,
  nLayers: number,
  x: HostTensor,
  mask?: Float32Array,
): { features: Float32Array; reconstruction: Float32Array; params: number } {
  const dir = mkdtempSync(join(tmpdir(), 'hm-torch-'));
  try {
    const tensors: { name: string; shape: number[]; offset: number }[] = [];
    let offset = 0;
    for (const [name, t] of Object.entries(params)) {
      tensors.push({ name, shape: t.shape, offset });
      offset += t.data.length;
    }
    const blob = new Float32Array(offset);
    for (const t of tensors) blob.set(params[t.name].data, t.offset);
    writeF32(join(dir, 'weights.f32'), blob);
    writeF32(join(dir, 'x.f32'), x.data);
    if (mask) writeF32(join(dir, 'mask.f32'), mask);
    writeFileSync(join(dir, 'job.json'), JSON.stringify({ n_layers: nLayers, tensors, x_shape: x.shape, mask: !!mask }));
    const out = execFileSync(PYTHON, [REFERENCE_SCRIPT, 'forward', dir], { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1' } });
    return {
      features: readF32(join(dir, 'out_features.f32')),
      reconstruction: readF32(join(dir, 'out_reconstruction.f32')),
      params: JSON.parse(out.trim().split('\n').pop()!).params,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} ≠ ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= m)) m = Number.isNaN(d) ? Infinity : d;
  }
  return m;
}

/** A deterministic EEG-like test signal (µV ÷ 100): alpha + beta rhythms + a drift, per channel. */
export function syntheticInput(b: number, c: number, n: number, p = 200): HostTensor {
  const data = new Float32Array(b * c * n * p);
  for (let i = 0; i < data.length; i++) {
    const s = i % (n * p);
    const ch = Math.floor(i / (n * p)) % c;
    const t = s / 200;
    data[i] = 0.3 * Math.sin(2 * Math.PI * (10 + ch * 0.3) * t + ch) + 0.1 * Math.sin(2 * Math.PI * 21 * t) + 0.05 * Math.cos(0.7 * t + b);
  }
  return { shape: [b, c, n, p], data };
}
