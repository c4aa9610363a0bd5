// AdamW with decoupled weight decay, global gradient-norm clipping and a cosine learning-rate
// schedule, on jax-js pytrees. (@jax-js/optax is not on the registry we may use, and these three
// are a few lines each.) The arithmetic follows PyTorch's torch.optim.AdamW and
// torch.nn.utils.clip_grad_norm_, which CBraMod trains with, so a step can be checked against
// PyTorch on the same numbers (test/shared/train/optimizer.test.ts).
//
// Parameters are grouped (`{ eeg: {...}, ecg: {...}, head: {...} }`); each group has its own
// learning rate (CBraMod fine-tunes the backbone at 1e-4 and the head at 5e-4). Only trainable
// parameters go in: frozen ones (mask_encoding, frozen encoders) stay outside the optimiser.
import { jit, numpy as np } from '@jax-js/jax';
import type { HostTensor } from '../model/model.types';
import { TrainError, TrainErrorCode, type OptimizerConfig } from './train.types';

type A = np.Array;
/** Parameters in groups: group → name → array. */
export type ParamGroups = Record<string, Record<string, A>>;
export type HostGroups = Record<string, Record<string, HostTensor>>;

export const ADAMW_DEFAULTS: OptimizerConfig = { lr: 5e-4, weightDecay: 0.05, beta1: 0.9, beta2: 0.999, eps: 1e-8, clipNorm: 1, etaMin: 1e-5, warmupSteps: 0 };

/**
 * Learning rate at optimiser step `step` (0-based) of `total`: linear warm-up, then cosine annealing
 * from `lr` to `etaMin` (PyTorch CosineAnnealingLR stepped once per optimiser step, T_max = total −
 * warm-up). Past `total` it stays at etaMin.
 */
export function cosineLr(step: number, total: number, lr: number, etaMin: number, warmupSteps = 0): number {
  if (warmupSteps > 0 && step < warmupSteps) return (lr * (step + 1)) / warmupSteps;
  const T = Math.max(1, total - warmupSteps);
  const t = Math.min(step - warmupSteps, T);
  return etaMin + ((lr - etaMin) * (1 + Math.cos((Math.PI * t) / T))) / 2;
}

export function validateOptimizer(o: OptimizerConfig, label = 'optimizer'): void {
  const p: string[] = [];
  if (!(o.lr > 0 && o.lr < 1)) p.push(`${label}.lr must be in (0, 1), got ${o.lr}`);
  if (!(o.etaMin >= 0 && o.etaMin <= o.lr)) p.push(`${label}.etaMin must be in [0, lr]`);
  if (!(o.weightDecay >= 0 && o.weightDecay < 1)) p.push(`${label}.weightDecay must be in [0, 1)`);
  if (!(o.beta1 >= 0 && o.beta1 < 1) || !(o.beta2 >= 0 && o.beta2 < 1)) p.push(`${label}.beta1/beta2 must be in [0, 1)`);
  if (!(o.eps > 0)) p.push(`${label}.eps must be > 0`);
  if (!(o.clipNorm >= 0)) p.push(`${label}.clipNorm must be ≥ 0`);
  if (!(Number.isInteger(o.warmupSteps) && o.warmupSteps >= 0)) p.push(`${label}.warmupSteps must be an integer ≥ 0`);
  if (p.length) throw new TrainError(TrainErrorCode.BadConfig, p.join('; '), p);
}

function zerosLike(g: ParamGroups): ParamGroups {
  const out: ParamGroups = {};
  for (const [grp, r] of Object.entries(g)) {
    out[grp] = {};
    for (const [k, v] of Object.entries(r)) out[grp][k] = np.zeros(v.shape);
  }
  return out;
}

type Scalars = { lr: Record<string, A>; bc1: A; bc2Sqrt: A };

/**
 * One AdamW update of every leaf, with the gradients first scaled to global norm ≤ clipNorm.
 * Consumes everything; returns the new parameters and moments and the (unclipped) gradient norm.
 */
function adamwApply(o: OptimizerConfig, params: ParamGroups, grads: ParamGroups, m: ParamGroups, v: ParamGroups, s: Scalars): { params: ParamGroups; m: ParamGroups; v: ParamGroups; gradNorm: A } {
  let sq: A | null = null;
  for (const r of Object.values(grads)) for (const g of Object.values(r)) sq = sq ? sq.add(g.ref.mul(g.ref).sum()) : g.ref.mul(g.ref).sum();
  const gradNorm = np.sqrt(sq ?? np.zeros([]));
  // clip_grad_norm_: coefficient max_norm / (norm + 1e-6), clamped to 1.
  const coef = o.clipNorm > 0 ? np.minimum(np.reciprocal(gradNorm.ref.add(1e-6)).mul(o.clipNorm), 1) : np.ones([]);
  const outP: ParamGroups = {};
  const outM: ParamGroups = {};
  const outV: ParamGroups = {};
  for (const [grp, r] of Object.entries(params)) {
    outP[grp] = {};
    outM[grp] = {};
    outV[grp] = {};
    const lr = s.lr[grp];
    if (!lr) throw new Error(`no learning rate for parameter group '${grp}'`);
    for (const [k, p] of Object.entries(r)) {
      const g = grads[grp][k].mul(coef.ref);
      const m1 = m[grp][k].mul(o.beta1).add(g.ref.mul(1 - o.beta1));
      const v1 = v[grp][k].mul(o.beta2).add(g.ref.mul(g).mul(1 - o.beta2));
      // PyTorch: p ← p·(1 − lr·wd); p ← p − (lr / bc1) · m / (√v / √bc2 + eps)
      const decayed = p.mul(lr.ref.mul(-o.weightDecay).add(1));
      const denom = np.sqrt(v1.ref).div(s.bc2Sqrt.ref).add(o.eps);
      outP[grp][k] = decayed.sub(m1.ref.div(denom).mul(lr.ref.div(s.bc1.ref)));
      outM[grp][k] = m1;
      outV[grp][k] = v1;
    }
    lr.dispose();
  }
  for (const [grp, lr] of Object.entries(s.lr)) if (!(grp in params)) lr.dispose();
  coef.dispose();
  s.bc1.dispose();
  s.bc2Sqrt.dispose();
  return { params: outP, m: outM, v: outV, gradNorm };
}

export interface AdamWState {
  /** Optimiser steps taken. */
  step: number;
  m: HostGroups;
  v: HostGroups;
}

/** AdamW over grouped parameters. Holds the moments; one `update` per optimiser step. */
export class AdamW {
  private m: ParamGroups | null = null;
  private v: ParamGroups | null = null;
  private t = 0;
  private readonly apply: (params: ParamGroups, grads: ParamGroups, m: ParamGroups, v: ParamGroups, s: Scalars) => { params: ParamGroups; m: ParamGroups; v: ParamGroups; gradNorm: A };

  constructor(readonly config: OptimizerConfig) {
    validateOptimizer(config);
    this.apply = jit((p: ParamGroups, g: ParamGroups, m: ParamGroups, v: ParamGroups, s: Scalars) => adamwApply(config, p, g, m, v, s)) as never;
  }

  get steps(): number {
    return this.t;
  }

  /**
   * Applies one step with learning rate lrByGroup[group]. Consumes params and grads; returns the
   * new parameters and the global gradient norm before clipping.
   */
  async update(params: ParamGroups, grads: ParamGroups, lrByGroup: Record<string, number>): Promise<{ params: ParamGroups; gradNorm: number }> {
    if (!this.m || !this.v) {
      this.m = zerosLike(params);
      this.v = zerosLike(params);
    }
    this.t += 1;
    const bc1 = 1 - this.config.beta1 ** this.t;
    const bc2 = 1 - this.config.beta2 ** this.t;
    const lr: Record<string, A> = {};
    for (const grp of Object.keys(params)) {
      const x = lrByGroup[grp];
      if (!(x >= 0)) throw new TrainError(TrainErrorCode.BadConfig, `no learning rate for parameter group '${grp}'`);
      lr[grp] = np.array(x);
    }
    const out = this.apply(params, grads, this.m, this.v, { lr, bc1: np.array(bc1), bc2Sqrt: np.array(Math.sqrt(bc2)) });
    this.m = out.m;
    this.v = out.v;
    const gradNorm = ((await out.gradNorm.data()) as Float32Array)[0];
    return { params: out.params, gradNorm };
  }

  /** The moments as plain data (for checkpoints); does not consume them. */
  async exportState(): Promise<AdamWState> {
    return { step: this.t, m: this.m ? await groupsToHost(this.m, false) : {}, v: this.v ? await groupsToHost(this.v, false) : {} };
  }

  /** Restores moments written by exportState. */
  importState(s: AdamWState): void {
    this.dispose();
    this.t = s.step;
    this.m = Object.keys(s.m).length ? hostToGroups(s.m) : null;
    this.v = Object.keys(s.v).length ? hostToGroups(s.v) : null;
  }

  dispose(): void {
    if (this.m) disposeGroups(this.m);
    if (this.v) disposeGroups(this.v);
    this.m = null;
    this.v = null;
  }
}

export function hostToGroups(h: HostGroups): ParamGroups {
  const out: ParamGroups = {};
  for (const [g, r] of Object.entries(h)) {
    out[g] = {};
    for (const [k, t] of Object.entries(r)) out[g][k] = np.array(t.data).reshape(t.shape);
  }
  return out;
}

/** Copies jax groups to host tensors; consumes them unless `consume` is false. */
export async function groupsToHost(g: ParamGroups, consume = true): Promise<HostGroups> {
  const out: HostGroups = {};
  for (const [grp, r] of Object.entries(g)) {
    out[grp] = {};
    for (const [k, a] of Object.entries(r)) {
      const shape = a.shape;
      const data = (await (consume ? a : a.ref).data()) as Float32Array;
      out[grp][k] = { shape, data: new Float32Array(data) };
    }
  }
  return out;
}

/** Leaf-wise a + b; consumes both. */
export function addGroups(a: ParamGroups, b: ParamGroups): ParamGroups {
  const out: ParamGroups = {};
  for (const [grp, r] of Object.entries(a)) {
    out[grp] = {};
    for (const [k, v] of Object.entries(r)) out[grp][k] = v.add(b[grp][k]);
  }
  return out;
}

/**
 * Loss and gradients of one batch from its micro-batches (batches.ts MICRO_BATCH_CHANNEL_PATCHES): `step(j, share)`
 * returns micro-batch j's loss multiplied by `share`, its part of the batch's normaliser (its share
 * of the class weights, or of the masked patches), and the gradients of that product; the sums over
 * the micro-batches are the whole batch's loss and gradients. One micro-batch: share 1, the plain step.
 */
export async function accumulate(shares: number[], step: (j: number, share: A) => [A, ParamGroups]): Promise<{ loss: number; grads: ParamGroups }> {
  let loss = 0;
  let grads: ParamGroups | null = null;
  for (let j = 0; j < shares.length; j++) {
    const [l, g] = step(j, np.array(new Float32Array([shares[j]])).reshape([]));
    grads = grads ? addGroups(grads, g) : g;
    loss += ((await l.data()) as Float32Array)[0];
  }
  return { loss, grads: grads! };
}

export function disposeGroups(g: ParamGroups): void {
  for (const r of Object.values(g)) for (const a of Object.values(r)) a.dispose();
}

/** Another reference to every leaf (jax-js ownership: pass this where a function consumes). */
export function refGroups(g: ParamGroups): ParamGroups {
  const out: ParamGroups = {};
  for (const [grp, r] of Object.entries(g)) {
    out[grp] = {};
    for (const [k, a] of Object.entries(r)) out[grp][k] = a.ref;
  }
  return out;
}
