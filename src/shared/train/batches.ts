// From windows to model batches: the µV ÷ 100 scaling and [B, C, N, 200] layout of the model's
// input contract (the same arithmetic as prepareWindow in src/shared/model/window-input.ts, which
// the live inference worker uses), seeded shuffling, and batches grouped by channel count (one
// batch must share C; pretraining corpora mix 19-channel caps, 64-channel caps, 1- and 12-lead ECG).
import { defaultDevice, numpy as np, random } from '@jax-js/jax';
import { INPUT_SCALE_DIVISOR_UV, PATCH_SAMPLES } from '../model/config';
import { streamId } from '../model/prng';
import { seededRandom, shuffled } from '../seeded-random';
import { uniformAt } from './masking';

/** One signal block in µV: planar [channels × samples] at 200 Hz. */
export interface SignalItem {
  data: Float32Array;
  channels: number;
}

/** Batch tensor [B, C, N, P] in model units (µV ÷ 100) from blocks that share C and length. */
export function batchTensor(items: SignalItem[], divisor = INPUT_SCALE_DIVISOR_UV): np.Array {
  const C = items[0].channels;
  const L = items[0].data.length;
  const N = L / C / PATCH_SAMPLES;
  if (!Number.isInteger(N)) throw new RangeError(`a block of ${L / C} samples is not a whole number of ${PATCH_SAMPLES}-sample patches`);
  const out = new Float32Array(items.length * L);
  items.forEach((it, b) => {
    if (it.channels !== C || it.data.length !== L) throw new RangeError('blocks of one batch must share channel count and length');
    const o = b * L;
    for (let i = 0; i < L; i++) out[o + i] = it.data[i] / divisor;
  });
  return np.array(out).reshape([items.length, C, N, PATCH_SAMPLES]);
}

/**
 * The most input one jit call of a training step takes, in channel-patches (windows × channels ×
 * one-second patches), per jax-js device. jax-js's jit allocates every buffer of a step before it
 * runs the step's kernels, so a step's memory grows with its input: a fused 12-layer step at batch 32
 * came to ~4 GiB, the WASM backend's limit, so WASM takes 16 five-second windows of 19 EEG channels
 * and 1 ECG lead at a time. A GPU holds a whole batch of 32 (3200) in one call: as two micro-batches
 * the step took 2.2× as long on an NVIDIA H200. Larger batches (more windows, more channels, longer
 * windows) run as micro-batches whose gradients are summed (gradient accumulation; see
 * microBatches and optimizer.ts accumulate).
 */
export const MICRO_BATCH_CHANNEL_PATCHES = { wasm: 1600, webgpu: 3200 } as const;

/** The micro-batch limit of the device jax-js computes on now (the WASM one for any other device). */
export function microBatchBudget(device: string = defaultDevice()): number {
  return device === 'webgpu' ? MICRO_BATCH_CHANNEL_PATCHES.webgpu : MICRO_BATCH_CHANNEL_PATCHES.wasm;
}

/**
 * [start, end) of the micro-batches of a batch of n windows of `perWindow` channel-patches each: as
 * few as the budget allows, as equal as possible (one jit shape where they divide n).
 */
export function microBatches(n: number, perWindow: number, budget = microBatchBudget()): [number, number][] {
  const max = Math.max(1, Math.floor(budget / perWindow));
  const size = Math.ceil(n / Math.ceil(n / max));
  const out: [number, number][] = [];
  for (let s = 0; s < n; s += size) out.push([s, Math.min(n, s + size)]);
  return out;
}

/**
 * Each micro-batch's share of the batch's normaliser: the sum of `values` over its windows (`stride`
 * values per window: a class weight, or a mask's patches) over the whole batch's sum; equal shares
 * where that is 0.
 */
export function sharesOf(parts: [number, number][], values: Float32Array, stride = 1): number[] {
  const totals = parts.map(([s, e]) => values.subarray(s * stride, e * stride).reduce((t, v) => t + v, 0));
  const sum = totals.reduce((a, b) => a + b, 0);
  return totals.map((t) => (sum > 0 ? t / sum : 1 / totals.length));
}

/** A per-epoch seed: the same (seed, epoch) always shuffles the same way. */
export function epochSeed(seed: number, epoch: number, tag = 'epoch'): number {
  return Math.floor(uniformAt(seed, streamId(tag), epoch, 0) * 2 ** 31);
}

/** A jax PRNG key for step `step` (dropout), independent of every other step's. */
export function stepKey(seed: number, step: number, tag = 'dropout', microBatch = 0): np.Array {
  // Micro-batch 0 keeps the key a step had before batches were split.
  return random.key(Math.floor(uniformAt(seed, streamId(microBatch ? `${tag}-${microBatch}` : tag), step, 1) * 2 ** 31));
}

export interface BatchPlan {
  /** Item indices per batch, in the order they are taken. */
  batches: number[][];
}

/**
 * The batches of one epoch: items shuffled with the epoch's seed, grouped by channel count, cut
 * into batches of `batchSize` (a group's remainder is dropped when the group fills at least one
 * batch, kept as a smaller batch when it does not), and the batch order shuffled. Deterministic in
 * (seed, epoch); the count per epoch does not depend on the epoch.
 */
export function planEpoch(channelsOf: readonly number[], batchSize: number, seed: number, epoch: number): BatchPlan {
  const rnd = seededRandom(epochSeed(seed, epoch));
  const order = shuffled(
    channelsOf.map((_, i) => i),
    rnd,
  );
  const groups = new Map<number, number[]>();
  for (const i of order) {
    const c = channelsOf[i];
    let g = groups.get(c);
    if (!g) groups.set(c, (g = []));
    g.push(i);
  }
  const batches: number[][] = [];
  for (const c of [...groups.keys()].sort((a, b) => a - b)) {
    const g = groups.get(c)!;
    if (g.length < batchSize) batches.push(g);
    else for (let i = 0; i + batchSize <= g.length; i += batchSize) batches.push(g.slice(i, i + batchSize));
  }
  return { batches: shuffled(batches, rnd) };
}

/** Batches per epoch planEpoch makes for these channel counts (for the schedule's length). */
export function batchesPerEpoch(channelsOf: readonly number[], batchSize: number): number {
  const counts = new Map<number, number>();
  for (const c of channelsOf) counts.set(c, (counts.get(c) ?? 0) + 1);
  let n = 0;
  for (const k of counts.values()) n += k < batchSize ? 1 : Math.floor(k / batchSize);
  return n;
}
