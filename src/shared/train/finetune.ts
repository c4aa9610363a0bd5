// Fine-tuning the fused model on labelled windows (CBraMod's recipe, ../shared/MODEL.md §5, with the
// fusion head of arXiv 2512.15250): AdamW, weight decay 0.05, encoders at 1e-4 and the head at
// 5e-4 for batch 64 (both scaled by √(batch/64)), cosine per step to 1e-6, gradient norm clipped
// at 1, BCE-with-logits for binary tasks, class weighting, the best epoch chosen by validation
// AUROC. Two ways to run it:
//   - freeze 'encoders' (head only): each encoder runs once per window (no dropout) and its pooled
//     embedding is cached; the head trains on the cache. Exactly the frozen model, at a fraction of
//     the cost: the evaluation's folds and ablations reuse one cache.
//   - freeze 'none': encoders and head train end to end (the paper-scale recipe; slow on a CPU).
// Fused models train with modality dropout so the learned "absent" embeddings answer when a device
// is missing live.
import { jit, numpy as np, valueAndGrad } from '@jax-js/jax';
import { evaluateBinary } from '../eval/report';
import { PATCH_SAMPLES } from '../model/config';
import { fusionHead, poolFeatures } from '../model/fusion';
import { JaxOps } from '../model/jax-ops';
import { encode, forward, taskLoss } from '../model/jax-model';
import { streamId } from '../model/prng';
import { headParamSpecs, initTensor, isFrozenParam } from '../model/params';
import type { EncoderConfig, FusedModelConfig, HostParams, HostTensor, ModelModality } from '../model/model.types';
import { batchTensor, microBatches, planEpoch, sharesOf, stepKey, type SignalItem } from './batches';
import { validateFinetune } from './defaults';
import { uniformAt } from './masking';
import { accumulate, AdamW, ADAMW_DEFAULTS, cosineLr, disposeGroups, groupsToHost, hostToGroups, refGroups, type HostGroups, type ParamGroups } from './optimizer';
import { safeDispose, type TrainHooks } from './pretrain';
import { TrainError, TrainErrorCode, type EpochRecord, type FinetuneConfig } from './train.types';
import { modalitiesOf } from './trainable';

type A = np.Array;

export { DEFAULT_FINETUNE, validateFinetune } from './defaults';

/**
 * One epoch's batches of training rows (window indexes), shuffled by seed and epoch; a last short
 * batch is left out (one batch shape, one jit compilation) unless it is the only one.
 */
function epochRows(train: readonly number[], cfg: FinetuneConfig, epoch: number): number[][] {
  const plan = planEpoch(
    train.map(() => 1),
    cfg.batchSize,
    cfg.seed,
    epoch,
  );
  return plan.batches.filter((b) => b.length === cfg.batchSize || plan.batches.length === 1).map((b) => b.map((i) => train[i]));
}


/** The fused model a fine-tuning config describes, given the encoders' architecture. */
export function finetuneModelConfig(cfg: FinetuneConfig, encoders: Partial<Record<ModelModality, EncoderConfig>>): FusedModelConfig {
  const ms = modalitiesOf(cfg.modalities);
  const pick = (m: ModelModality) => {
    if (!ms.includes(m)) return null;
    const e = encoders[m];
    if (!e) throw new TrainError(TrainErrorCode.BadConfig, `no ${m.toUpperCase()} encoder for a ${cfg.modalities} model`);
    return { ...e };
  };
  return { eeg: pick('eeg'), ecg: pick('ecg'), pooling: 'mean', head: { hidden: cfg.headHidden, dropout: cfg.headDropout }, tasks: [cfg.task] };
}

/** Seeded head parameters (the same streams initHostParams uses for the head group). */
export function initHeadParams(c: FusedModelConfig, seed: number): Record<string, HostTensor> {
  const out: Record<string, HostTensor> = {};
  for (const spec of headParamSpecs(c)) out[spec.name] = initTensor(spec, seed, `head.${spec.name}`);
  return out;
}

/** Learning rates scaled by √(batch / reference), CBraMod's rule. */
export function scaledLrs(cfg: FinetuneConfig): { backbone: number; head: number } {
  const s = Math.sqrt(cfg.batchSize / cfg.referenceBatch);
  return { backbone: cfg.backboneLr * s, head: cfg.headLr * s };
}

/** Per-window loss weights: 'balanced' gives class c the weight n / (2·n_c) over the training windows. */
export function classWeights(labels: ArrayLike<number>, idx: ArrayLike<number>, mode: 'balanced' | 'none'): [number, number] {
  if (mode === 'none') return [1, 1];
  let pos = 0;
  for (let i = 0; i < idx.length; i++) pos += labels[idx[i]] === 1 ? 1 : 0;
  const n = idx.length;
  const neg = n - pos;
  if (pos === 0 || neg === 0) throw new TrainError(TrainErrorCode.BadDataset, `the training windows hold one class only (${pos} positive, ${neg} negative): nothing to learn`);
  return [n / (2 * neg), n / (2 * pos)];
}

const TAG_MODDROP = streamId('modality-dropout');

/** Presence flags of a batch under modality dropout: at most one modality dropped per window. */
function presenceFlags(ms: ModelModality[], idx: number[], p: number, seed: number, step: number): Record<ModelModality, Float32Array> {
  const out = { eeg: new Float32Array(idx.length).fill(1), ecg: new Float32Array(idx.length).fill(1) };
  if (ms.length < 2 || p === 0) return out;
  idx.forEach((w, b) => {
    if (uniformAt(seed, TAG_MODDROP, w, step * 2) < p) out[uniformAt(seed, TAG_MODDROP, w, step * 2 + 1) < 0.5 ? 'eeg' : 'ecg'][b] = 0;
  });
  return out;
}

/**
 * Pooled embeddings [n × d] of one frozen encoder (inference mode, batches of `batch`).
 * `checkpoint` runs before every batch and may throw (a pause or cancel): embedding a dataset with
 * 12-layer encoders takes minutes, and a user who cancels must not wait for it to end.
 */
export async function embedItems(e: EncoderConfig, params: Record<string, HostTensor>, items: SignalItem[], batch = 16, onProgress?: (done: number) => void, checkpoint?: () => void): Promise<Float32Array> {
  const d = e.dModel;
  const out = new Float32Array(items.length * d);
  const enc = hostToGroups({ enc: Object.fromEntries(Object.entries(params).filter(([k]) => !k.startsWith('proj_out.'))) }).enc;
  const run = jit((p: Record<string, A>, x: A) => {
    const ops = new JaxOps();
    return poolFeatures(ops, encode(e, p, x).features);
  }) as unknown as (p: Record<string, A>, x: A) => A;
  try {
    // Group by channel count, keep order within a group.
    const byC = new Map<number, number[]>();
    items.forEach((it, i) => {
      let g = byC.get(it.channels);
      if (!g) byC.set(it.channels, (g = []));
      g.push(i);
    });
    let done = 0;
    for (const g of byC.values()) {
      for (let s = 0; s < g.length; s += batch) {
        checkpoint?.();
        const idx = g.slice(s, s + batch);
        // The last batch of a group is padded to full size (copies of its first window, outputs
        // dropped): one batch shape per group, one jit compilation. Windows do not interact.
        const padded = g.length > batch ? [...idx, ...Array(batch - idx.length).fill(idx[0])] : idx;
        const pooled = run(Object.fromEntries(Object.entries(enc).map(([k, v]) => [k, v.ref])), batchTensor(padded.map((i) => items[i])));
        const data = (await pooled.data()) as Float32Array;
        idx.forEach((i, b) => out.set(data.subarray(b * d, (b + 1) * d), i * d));
        done += idx.length;
        onProgress?.(done);
      }
    }
  } finally {
    for (const v of Object.values(enc)) v.dispose();
  }
  for (let i = 0; i < out.length; i++) if (!Number.isFinite(out[i])) throw new TrainError(TrainErrorCode.NanLoss, `the encoder produced ${out[i]} for window ${Math.floor(i / d)}: the weights or the window are broken`);
  return out;
}

/** Cached embeddings per modality, row i = window i. */
export type EmbeddingCache = Partial<Record<ModelModality, Float32Array>>;

export interface FitResult {
  /** Best (or last) parameters: the head, and the encoders when they trained. */
  params: HostParams;
  /** 1-based epoch the parameters come from. */
  bestEpoch: number;
  epochs: EpochRecord[];
}

interface FitArgs {
  cfg: FinetuneConfig;
  model: FusedModelConfig;
  labels: ArrayLike<number>;
  train: ArrayLike<number>;
  validation: ArrayLike<number>;
  hooks?: TrainHooks;
  phase?: string;
  fold?: number;
  arm?: string;
}

function selectionScore(y: number[], p: Float64Array): { score: number; validation: EpochRecord['validation'] } {
  const hasBoth = y.includes(0) && y.includes(1);
  if (!hasBoth) {
    // AUROC is undefined with one class; fall back to the mean log-likelihood.
    let ll = 0;
    y.forEach((t, i) => (ll += Math.log(Math.max(1e-12, t === 1 ? p[i] : 1 - p[i]))));
    return { score: ll / y.length - 10, validation: null };
  }
  const m = evaluateBinary(y, p);
  return { score: m.auroc, validation: { auroc: m.auroc, aucPr: m.aucPr, balancedAccuracy: m.balancedAccuracy, f1: m.f1, cohenKappa: m.cohenKappa } };
}

/** Throws TrainError(Cancelled / Paused) when the hooks' control asks for it. */
export function checkControl(hooks: TrainHooks | undefined, phase: string): void {
  const ctl = hooks?.control?.() ?? 'run';
  if (ctl === 'cancel') throw new TrainError(TrainErrorCode.Cancelled, `${phase} cancelled`);
  // A fold's head trains in seconds: pausing stops after it, where the job resumes.
  if (ctl === 'pause') throw new TrainError(TrainErrorCode.Paused, `${phase} paused`);
}

/** What both fits derive from their arguments: rows, class weights, learning rates, step count. */
function fitPlan(a: FitArgs) {
  validateFinetune(a.cfg);
  const phase = a.phase ?? 'finetune';
  const train = Array.from(a.train);
  if (train.length === 0) throw new TrainError(TrainErrorCode.BadDataset, `${phase}: no training windows`);
  const [w0, w1] = classWeights(a.labels, train, a.cfg.classWeight);
  const stepsPerEpoch = Math.max(1, Math.floor(train.length / a.cfg.batchSize));
  return { phase, train, val: Array.from(a.validation), w0, w1, lrs: scaledLrs(a.cfg), total: stepsPerEpoch * a.cfg.epochs, task: a.cfg.task.name };
}

interface Best<P> {
  score: number;
  epoch: number;
  params: P;
}

/**
 * The end of epoch `epoch` (0-based): its record, with validation metrics where there are validation
 * rows, reported through the hooks; returns the better of `best` and these parameters.
 */
async function endEpoch<P>(a: FitArgs, plan: ReturnType<typeof fitPlan>, epoch: number, trainLoss: number, params: P, predict: (rows: number[]) => Promise<Float64Array>, best: Best<P> | null, epochs: EpochRecord[]): Promise<Best<P>> {
  const rec: EpochRecord = { kind: 'epoch', phase: plan.phase, epoch: epoch + 1, trainLoss, validation: null, ...(a.fold !== undefined ? { fold: a.fold } : {}), ...(a.arm ? { arm: a.arm } : {}) };
  let next: Best<P> = { score: 0, epoch: epoch + 1, params };
  if (plan.val.length) {
    const sel = selectionScore(plan.val.map((i) => a.labels[i]), await predict(plan.val));
    rec.validation = sel.validation;
    next = best && best.score >= sel.score ? best : { ...next, score: sel.score };
  }
  epochs.push(rec);
  a.hooks?.onEpoch?.(rec);
  return next;
}

/** Embedding rows of `idx` as a [B, d] array per modality present in the cache. */
function embBatch(cache: EmbeddingCache, ms: ModelModality[], idx: number[], d: number): Partial<Record<ModelModality, A>> {
  const out: Partial<Record<ModelModality, A>> = {};
  for (const m of ms) {
    const src = cache[m];
    if (!src) throw new TrainError(TrainErrorCode.BadConfig, `no ${m.toUpperCase()} embeddings cached`);
    const buf = new Float32Array(idx.length * d);
    idx.forEach((w, b) => buf.set(src.subarray(w * d, (w + 1) * d), b * d));
    out[m] = np.array(buf).reshape([idx.length, d]);
  }
  return out;
}

/** P(positive) of windows `idx` from a head on cached embeddings. */
export async function predictHead(model: FusedModelConfig, head: Record<string, HostTensor>, cache: EmbeddingCache, idx: ArrayLike<number>, batch = 256): Promise<Float64Array> {
  const ms = modalitiesOf(model.eeg && model.ecg ? 'fused' : model.eeg ? 'eeg' : 'ecg');
  const d = (model.eeg ?? model.ecg)!.dModel;
  const out = new Float64Array(idx.length);
  const hp = hostToGroups({ head }).head;
  try {
    for (let s = 0; s < idx.length; s += batch) {
      const rows = Array.from(idx).slice(s, s + batch);
      const pooled = embBatch(cache, ms, rows, d);
      const ops = new JaxOps();
      const { logits } = fusionHead(ops, model, Object.fromEntries(Object.entries(hp).map(([k, v]) => [k, v.ref])), pooled, {});
      const p = (await ops.sigmoid(logits[model.tasks[0].name]).data()) as Float32Array;
      rows.forEach((_, b) => (out[s + b] = p[b]));
    }
  } finally {
    for (const v of Object.values(hp)) v.dispose();
  }
  return out;
}

/** Per-feature mean and sd of embeddings over training rows (the head trains on z-scores). */
export interface EmbeddingStats {
  mean: Float32Array;
  sd: Float32Array;
}

export function embeddingStats(src: Float32Array, d: number, rows: ArrayLike<number>): EmbeddingStats {
  const mean = new Float64Array(d);
  const sq = new Float64Array(d);
  for (let r = 0; r < rows.length; r++) {
    const o = rows[r] * d;
    for (let j = 0; j < d; j++) mean[j] += src[o + j];
  }
  for (let j = 0; j < d; j++) mean[j] /= Math.max(1, rows.length);
  for (let r = 0; r < rows.length; r++) {
    const o = rows[r] * d;
    for (let j = 0; j < d; j++) sq[j] += (src[o + j] - mean[j]) ** 2;
  }
  const sd = new Float32Array(d);
  for (let j = 0; j < d; j++) sd[j] = Math.max(Math.sqrt(sq[j] / Math.max(1, rows.length)), 1e-6);
  return { mean: Float32Array.from(mean), sd };
}

function standardized(src: Float32Array, d: number, st: EmbeddingStats): Float32Array {
  const out = new Float32Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = (src[i] - st.mean[i % d]) / st.sd[i % d];
  return out;
}

/**
 * Folds the z-scoring of the embeddings into the head, exactly: the first linear layer becomes
 * W·diag(1/σ) with bias b − W·(μ/σ), and each absent embedding a ↦ μ + σ·a, so the exported head
 * reads raw pooled embeddings and answers as the head trained on z-scores did.
 */
export function foldStandardization(model: FusedModelConfig, head: Record<string, HostTensor>, stats: Partial<Record<ModelModality, EmbeddingStats>>): Record<string, HostTensor> {
  const ms = (['eeg', 'ecg'] as const).filter((m) => model[m]);
  const d = (model.eeg ?? model.ecg)!.dModel;
  const width = d * ms.length;
  const mu = new Float32Array(width);
  const sd = new Float32Array(width).fill(1);
  ms.forEach((m, k) => {
    const st = stats[m];
    if (!st) return;
    mu.set(st.mean, k * d);
    sd.set(st.sd, k * d);
  });
  const first = model.head.hidden > 0 ? 'fc1' : 'fc2';
  const W = head[`${first}.weight`];
  const b = head[`${first}.bias`];
  const rows = W.shape[0];
  const W2 = new Float32Array(W.data.length);
  const b2 = new Float32Array(b.data);
  for (let r = 0; r < rows; r++) {
    let shift = 0;
    for (let j = 0; j < width; j++) {
      const w = W.data[r * width + j] / sd[j];
      W2[r * width + j] = w;
      shift += w * mu[j];
    }
    b2[r] -= shift;
  }
  const out: Record<string, HostTensor> = { ...head, [`${first}.weight`]: { shape: [...W.shape], data: W2 }, [`${first}.bias`]: { shape: [...b.shape], data: b2 } };
  ms.forEach((m, k) => {
    const a = head[`absent_${m}`];
    if (!a || !stats[m]) return;
    out[`absent_${m}`] = { shape: [...a.shape], data: Float32Array.from(a.data, (v, j) => mu[k * d + j] + sd[k * d + j] * v) };
  });
  return out;
}

/** What a fine-tuning stopped by a NaN or infinite loss tells its user (a fit keeps no checkpoint: the run's earlier ones, its finished folds, stay). */
const NAN_ADVICE = 'The fit stopped there; the run\'s checkpoints and finished folds are intact. Check the data for extreme values (a recording in the wrong unit), or start a new run with lower learning rates (--head-lr, --encoder-lr; the Training view\'s learning rates): a resume would repeat the same steps.';

/**
 * Trains the head on cached embeddings of frozen encoders. Picks the epoch with the best validation
 * AUROC (the last epoch when there is no validation set).
 */
export async function fitHead(a: FitArgs & { cache: EmbeddingCache; init?: Record<string, HostTensor> }): Promise<FitResult> {
  const { cfg, model, labels, hooks } = a;
  const plan = fitPlan(a);
  const { phase, train, w0, w1, lrs, total, task } = plan;
  const ms = modalitiesOf(cfg.modalities);
  const d = (model.eeg ?? model.ecg)!.dModel;

  const lossFn = (tr: ParamGroups, pooled: Partial<Record<ModelModality, A>>, pres: Partial<Record<ModelModality, A>>, y: A, w: A, key: A): A => {
    const ops = new JaxOps({ train: true, key });
    try {
      const { logits } = fusionHead(ops, model, tr.head, pooled, pres);
      return taskLoss(model, logits, { [task]: y }, { [task]: w });
    } finally {
      ops.dispose();
    }
  };
  const gradStep = jit(valueAndGrad(lossFn)) as unknown as (tr: ParamGroups, pooled: Partial<Record<ModelModality, A>>, pres: Partial<Record<ModelModality, A>>, y: A, w: A, k: A) => [A, ParamGroups];
  // The head trains on embeddings z-scored with the training rows' statistics (folded back below).
  const stats: Partial<Record<ModelModality, EmbeddingStats>> = {};
  const zcache: EmbeddingCache = {};
  for (const m of ms) {
    const src = a.cache[m];
    if (!src) throw new TrainError(TrainErrorCode.BadConfig, `no ${m.toUpperCase()} embeddings cached`);
    stats[m] = embeddingStats(src, d, train);
    zcache[m] = standardized(src, d, stats[m]!);
  }
  const opt = new AdamW({ ...ADAMW_DEFAULTS, lr: lrs.head, weightDecay: cfg.weightDecay, clipNorm: cfg.clipNorm, etaMin: Math.min(cfg.etaMin, lrs.head) });
  let params: ParamGroups = hostToGroups({ head: a.init ?? initHeadParams(model, cfg.seed) });
  let best: Best<Record<string, HostTensor>> | null = null;
  const epochs: EpochRecord[] = [];
  let step = 0;
  try {
    for (let epoch = 0; epoch < cfg.epochs; epoch++) {
      const batches = epochRows(train, cfg, epoch);
      let lossSum = 0;
      for (const rows of batches) {
        const pres = presenceFlags(ms, rows, cfg.modalityDropout, cfg.seed, step);
        const presA: Partial<Record<ModelModality, A>> = {};
        if (ms.length === 2) for (const m of ms) presA[m] = np.array(pres[m]);
        const y = np.array(Float32Array.from(rows, (i) => labels[i]));
        const w = np.array(Float32Array.from(rows, (i) => (labels[i] === 1 ? w1 : w0)));
        const [lossA, grads] = gradStep(refGroups(params), embBatch(zcache, ms, rows, d), presA, y, w, stepKey(cfg.seed, step, 'head-dropout'));
        const loss = ((await lossA.data()) as Float32Array)[0];
        if (!Number.isFinite(loss)) {
          disposeGroups(grads);
          throw new TrainError(TrainErrorCode.NanLoss, `${phase}: the loss became ${loss} at step ${step + 1}, epoch ${epoch + 1} (head learning rate ${cosineLr(step, total, lrs.head, Math.min(cfg.etaMin, lrs.head)).toExponential(2)}). ${NAN_ADVICE}`);
        }
        const lr = cosineLr(step, total, lrs.head, Math.min(cfg.etaMin, lrs.head));
        params = (await opt.update(params, grads, { head: lr })).params;
        lossSum += loss;
        step++;
      }
      const head = (await groupsToHost(params, false)).head;
      best = await endEpoch(a, plan, epoch, lossSum / batches.length, head, (rows) => predictHead(model, head, zcache, rows), best, epochs);
      checkControl(hooks, phase);
    }
  } finally {
    safeDispose(params);
    opt.dispose();
  }
  return { params: { head: foldStandardization(model, best!.params, stats) }, bestEpoch: best!.epoch, epochs };
}

/** P(positive) of windows `idx` from a whole fused model (encoders run on the windows). */
export async function predictFull(model: FusedModelConfig, params: HostParams, windows: Partial<Record<ModelModality, SignalItem[]>>, idx: ArrayLike<number>, batch = 32): Promise<Float64Array> {
  const out = new Float64Array(idx.length);
  const all = Array.from(idx);
  const ms = (['eeg', 'ecg'] as const).filter((m) => model[m]);
  const p = hostToGroups(params as unknown as HostGroups);
  try {
    for (let s = 0; s < all.length; s += batch) {
      const rows = all.slice(s, s + batch);
      const inputs: Record<string, A> = {};
      for (const m of ms) inputs[m] = batchTensor(rows.map((i) => windows[m]![i]));
      const { logits } = forward(model, refGroups(p) as never, inputs);
      const pr = (await new JaxOps().sigmoid(logits[model.tasks[0].name]).data()) as Float32Array;
      rows.forEach((_, b) => (out[s + b] = pr[b]));
    }
  } finally {
    disposeGroups(p);
  }
  return out;
}

/**
 * End-to-end fine-tuning: encoders (from `init`) and head train together with the two learning
 * rates. mask_encoding stays frozen. Picks the best epoch by validation AUROC.
 */
export async function fitFull(a: FitArgs & { windows: Partial<Record<ModelModality, SignalItem[]>>; init: HostParams }): Promise<FitResult> {
  const { cfg, model, labels, hooks } = a;
  const plan = fitPlan(a);
  const { phase, train, w0, w1, lrs, total, task } = plan;
  const ms = (['eeg', 'ecg'] as const).filter((m) => model[m]);

  const trainHost: HostGroups = { head: a.init.head };
  const frozenHost: HostGroups = {};
  for (const m of ms) {
    const src = a.init[m];
    if (!src) throw new TrainError(TrainErrorCode.BadConfig, `${phase}: no ${m.toUpperCase()} encoder weights to start from`);
    trainHost[m] = {};
    frozenHost[m] = {};
    for (const [k, v] of Object.entries(src)) if (!k.startsWith('proj_out.')) (isFrozenParam(k) ? frozenHost[m] : trainHost[m])[k] = v;
  }
  const lossFn = (tr: ParamGroups, fr: ParamGroups, x: Record<string, A>, y: A, w: A, key: A, share: A): A => {
    const p: ParamGroups = { head: tr.head };
    for (const m of ms) p[m] = { ...tr[m], ...fr[m] };
    const { logits } = forward(model, p as never, x, { train: true, key });
    return taskLoss(model, logits, { [task]: y }, { [task]: w }).mul(share);
  };
  const gradStep = jit(valueAndGrad(lossFn)) as unknown as (tr: ParamGroups, fr: ParamGroups, x: Record<string, A>, y: A, w: A, k: A, share: A) => [A, ParamGroups];
  const opt = new AdamW({ ...ADAMW_DEFAULTS, lr: Math.max(lrs.head, lrs.backbone), weightDecay: cfg.weightDecay, clipNorm: cfg.clipNorm, etaMin: Math.min(cfg.etaMin, lrs.backbone, lrs.head) });
  let params = hostToGroups(trainHost);
  const frozen = hostToGroups(frozenHost);
  let best: Best<HostParams> | null = null;
  const epochs: EpochRecord[] = [];
  let step = 0;
  const snapshot = async (): Promise<HostParams> => {
    const t = await groupsToHost(params, false);
    const out: HostParams = { head: t.head };
    for (const m of ms) out[m] = { ...t[m], ...frozenHost[m] };
    return out;
  };
  try {
    for (let epoch = 0; epoch < cfg.epochs; epoch++) {
      const batches = epochRows(train, cfg, epoch);
      let lossSum = 0;
      for (const rows of batches) {
        const t0 = Date.now();
        const pres = ms.length === 2 ? presenceFlags(ms, rows, cfg.modalityDropout, cfg.seed, step) : null;
        const weights = Float32Array.from(rows, (i) => (labels[i] === 1 ? w1 : w0));
        const parts = microBatches(rows.length, ms.reduce((t, m) => t + a.windows[m]![rows[0]].data.length / PATCH_SAMPLES, 0));
        const shares = sharesOf(parts, weights);
        const { loss, grads } = await accumulate(shares, (j, share) => {
          const [s, e] = parts[j];
          const x: Record<string, A> = {};
          for (const m of ms) x[m] = batchTensor(rows.slice(s, e).map((i) => a.windows[m]![i]));
          if (pres) {
            x.eegPresent = np.array(pres.eeg.slice(s, e));
            x.ecgPresent = np.array(pres.ecg.slice(s, e));
          }
          const y = np.array(Float32Array.from(rows.slice(s, e), (i) => labels[i]));
          return gradStep(refGroups(params), refGroups(frozen), x, y, np.array(weights.slice(s, e)), stepKey(cfg.seed, step, 'finetune-dropout', j), share);
        });
        if (!Number.isFinite(loss)) {
          disposeGroups(grads);
          throw new TrainError(TrainErrorCode.NanLoss, `${phase}: the loss became ${loss} at step ${step + 1}, epoch ${epoch + 1} (learning rates: head ${cosineLr(step, total, lrs.head, Math.min(cfg.etaMin, lrs.head)).toExponential(2)}, encoders ${cosineLr(step, total, lrs.backbone, Math.min(cfg.etaMin, lrs.backbone)).toExponential(2)}). ${NAN_ADVICE}`);
        }
        const lr: Record<string, number> = { head: cosineLr(step, total, lrs.head, Math.min(cfg.etaMin, lrs.head)) };
        for (const m of ms) lr[m] = cosineLr(step, total, lrs.backbone, Math.min(cfg.etaMin, lrs.backbone));
        const up = await opt.update(params, grads, lr);
        params = up.params;
        lossSum += loss;
        step++;
        hooks?.onStep?.({ kind: 'step', phase, step, total, epoch: epoch + 1, loss, lr: lr.head, gradNorm: up.gradNorm, ms: Date.now() - t0 });
        checkControl(hooks, phase);
      }
      const snap = await snapshot();
      best = await endEpoch(a, plan, epoch, lossSum / batches.length, snap, (rows) => predictFull(model, snap, a.windows, rows), best, epochs);
    }
  } finally {
    safeDispose(params);
    safeDispose(frozen);
    opt.dispose();
  }
  return { params: best!.params, bestEpoch: best!.epoch, epochs };
}
