// Self-supervised pretraining of one encoder by masked patch reconstruction (CBraMod,
// ../shared/MODEL.md §4): masked patches are replaced by the zero mask token, the encoder and
// proj_out reconstruct the raw (÷100) patch, MSE on masked patches only; AdamW 5e-4, weight decay
// 0.05, cosine per step to 1e-5, gradient norm clipped at 1. EEG masks patches at random; ECG uses
// dual masking (masking.ts). Deterministic given the seed: data order, masks and dropout all come
// from counter-based generators keyed by (seed, epoch/step), so a run paused and resumed from a
// checkpoint reaches the same weights as one that went straight through.
import { jit, numpy as np, valueAndGrad } from '@jax-js/jax';
import { encode, maskedReconstructionLoss } from '../model/jax-model';
import { encoderProblems } from '../model/config';
import { initEncoderHostParams, isFrozenParam } from '../model/params';
import type { HostTensor } from '../model/model.types';
import { batchTensor, batchesPerEpoch, microBatches, planEpoch, sharesOf, stepKey, type SignalItem } from './batches';
import type { Checkpoint } from './checkpoint';
import { drawMask, validateMask } from './masking';
import { accumulate, AdamW, cosineLr, disposeGroups, groupsToHost, hostToGroups, refGroups, type AdamWState, type HostGroups, type ParamGroups } from './optimizer';
import { TrainError, TrainErrorCode, type EpochRecord, type PretrainConfig, type StepRecord } from './train.types';

type A = np.Array;

/** What a training loop reports and asks while it runs. Every hook is optional. */
export interface TrainHooks {
  onStep?(r: StepRecord): void;
  onEpoch?(r: EpochRecord): void;
  /** Persist a checkpoint (the run store writes it atomically). */
  onCheckpoint?(ck: Checkpoint): void | Promise<void>;
  /** Polled after every step: 'pause' checkpoints then stops with TrainError(Paused); 'cancel' stops at once. */
  control?(): 'run' | 'pause' | 'cancel';
  log?(message: string): void;
}

export interface PretrainMeta {
  phase: string;
  step: number;
  totalSteps: number;
  stepsPerEpoch: number;
  config: PretrainConfig;
  /** Loss sum and count of the epoch in progress. */
  epochLossSum: number;
  epochLossCount: number;
}

export interface PretrainResult {
  /** Encoder parameters with proj_out (the pretraining head), CBraMod state_dict names. */
  params: Record<string, HostTensor>;
  steps: number;
  /** Mean masked-patch MSE of each epoch. */
  epochLoss: number[];
}

export function validatePretrain(cfg: PretrainConfig): void {
  const p = encoderProblems(cfg.encoder, 'encoder');
  if (!(Number.isInteger(cfg.epochs) && cfg.epochs >= 1)) p.push(`epochs must be an integer ≥ 1, got ${cfg.epochs}`);
  if (!(Number.isInteger(cfg.batchSize) && cfg.batchSize >= 1)) p.push(`batchSize must be an integer ≥ 1, got ${cfg.batchSize}`);
  if (cfg.maxSteps !== null && !(Number.isInteger(cfg.maxSteps) && cfg.maxSteps >= 1)) p.push('maxSteps must be null or an integer ≥ 1');
  if (!(Number.isInteger(cfg.checkpointEverySteps) && cfg.checkpointEverySteps >= 1)) p.push('checkpointEverySteps must be an integer ≥ 1');
  if (cfg.mask.kind !== cfg.modality) p.push(`a ${cfg.modality} encoder needs an ${cfg.modality} mask, got '${cfg.mask.kind}'`);
  if (p.length) throw new TrainError(TrainErrorCode.BadConfig, `pretraining configuration: ${p.join('; ')}`, p);
  validateMask(cfg.mask);
}

/** Disposes what is still alive (after a failure mid-step some arrays were already consumed). */
export function safeDispose(g: ParamGroups): void {
  for (const r of Object.values(g)) {
    for (const a of Object.values(r)) {
      try {
        a.dispose();
      } catch {
        // already consumed by the step that failed
      }
    }
  }
}

/** Splits encoder parameters into the trained group and the frozen one (mask_encoding). */
export function splitTrainable(params: Record<string, HostTensor>, group: string): { train: HostGroups; frozen: HostGroups } {
  const train: Record<string, HostTensor> = {};
  const frozen: Record<string, HostTensor> = {};
  for (const [k, v] of Object.entries(params)) (isFrozenParam(k) ? frozen : train)[k] = v;
  return { train: { [group]: train }, frozen: { [group]: frozen } };
}

function optimizerGroups(s: AdamWState): HostGroups {
  const out: HostGroups = {};
  for (const [g, r] of Object.entries(s.m)) out[`adam.m.${g}`] = r;
  for (const [g, r] of Object.entries(s.v)) out[`adam.v.${g}`] = r;
  return out;
}

/** Optimiser state stored in a checkpoint's groups by optimizerGroups. */
export function optimizerStateOf(ck: Checkpoint<{ step: number }>): AdamWState {
  const m: HostGroups = {};
  const v: HostGroups = {};
  for (const [g, r] of Object.entries(ck.groups)) {
    if (g.startsWith('adam.m.')) m[g.slice(7)] = r;
    else if (g.startsWith('adam.v.')) v[g.slice(7)] = r;
  }
  return { step: ck.meta.step, m, v };
}

export { optimizerGroups };

/**
 * Pretrains one encoder on `corpus` (blocks of any channel count, N whole seconds). Starts from
 * `init` (e.g. an imported CBraMod checkpoint) or the seeded random init, or resumes `resume`.
 */
export async function pretrainEncoder(
  cfg: PretrainConfig,
  corpus: SignalItem[],
  hooks: TrainHooks = {},
  opts: { init?: Record<string, HostTensor>; resume?: Checkpoint<PretrainMeta>; phase?: string } = {},
): Promise<PretrainResult> {
  validatePretrain(cfg);
  const phase = opts.phase ?? `pretrain-${cfg.modality}`;
  if (corpus.length === 0) throw new TrainError(TrainErrorCode.BadDataset, `no ${cfg.modality.toUpperCase()} windows to pretrain on`);
  const channels = corpus.map((c) => c.channels);
  const spe = batchesPerEpoch(channels, cfg.batchSize);
  const planned = spe * cfg.epochs;
  const total = cfg.maxSteps === null ? planned : Math.min(planned, cfg.maxSteps);
  const e = cfg.encoder;

  let host: Record<string, HostTensor>;
  let step = 0;
  let epochLossSum = 0;
  let epochLossCount = 0;
  const opt = new AdamW(cfg.optimizer);
  if (opts.resume) {
    const m = opts.resume.meta;
    if (m.totalSteps !== total || m.stepsPerEpoch !== spe) throw new TrainError(TrainErrorCode.CorruptCheckpoint, `the checkpoint was made for ${m.totalSteps} steps of ${m.stepsPerEpoch} per epoch; this corpus gives ${total} of ${spe} (the data changed)`);
    host = opts.resume.groups.params;
    step = m.step;
    epochLossSum = m.epochLossSum;
    epochLossCount = m.epochLossCount;
    opt.importState(optimizerStateOf(opts.resume));
  } else {
    host = opts.init ?? initEncoderHostParams(e, cfg.seed, { withProjOut: true, stream: cfg.modality });
    if (!host['proj_out.0.weight']) {
      const fresh = initEncoderHostParams(e, cfg.seed, { withProjOut: true, stream: cfg.modality });
      host = { ...host, 'proj_out.0.weight': fresh['proj_out.0.weight'], 'proj_out.0.bias': fresh['proj_out.0.bias'] };
    }
  }
  const split = splitTrainable(host, 'enc');
  let train: ParamGroups = hostToGroups(split.train);
  const frozen: ParamGroups = hostToGroups(split.frozen);

  const lossFn = (tr: ParamGroups, fr: ParamGroups, x: A, mask: A, key: A, share: A): A => {
    const p = { ...tr.enc, ...fr.enc };
    const out = encode(e, p, x.ref, { mask: mask.ref, reconstruct: true, train: true, key });
    out.features.dispose();
    return maskedReconstructionLoss(out.reconstruction!, x, mask).mul(share);
  };
  const gradStep = jit(valueAndGrad(lossFn)) as unknown as (tr: ParamGroups, fr: ParamGroups, x: A, m: A, k: A, share: A) => [A, ParamGroups];

  const epochLoss: number[] = [];
  const checkpoint = async () => {
    if (!hooks.onCheckpoint) return;
    const params = { ...(await groupsToHost(train, false)).enc, ...(await groupsToHost(frozen, false)).enc };
    const meta: PretrainMeta = { phase, step, totalSteps: total, stepsPerEpoch: spe, config: cfg, epochLossSum, epochLossCount };
    await hooks.onCheckpoint({ kind: 'pretrain', meta: meta as unknown as Record<string, unknown>, groups: { params, ...optimizerGroups(await opt.exportState()) } });
  };

  try {
    while (step < total) {
      const epoch = Math.floor(step / spe);
      const plan = planEpoch(channels, cfg.batchSize, cfg.seed, epoch);
      for (let b = step % spe; b < plan.batches.length && step < total; b++) {
        const t0 = Date.now();
        const idx = plan.batches[b];
        const items = idx.map((i) => corpus[i]);
        const C = items[0].channels;
        const N = items[0].data.length / C / e.patchSamples;
        const mask = drawMask(cfg.mask, idx.length, C, N, cfg.seed, step, idx);
        const parts = microBatches(idx.length, C * N);
        // The loss is a mean over masked patches: each micro-batch's share is its part of them.
        const shares = sharesOf(parts, mask, C * N);
        const { loss, grads } = await accumulate(shares, (j, share) => {
          const [s, e] = parts[j];
          const m = np.array(mask.slice(s * C * N, e * C * N)).reshape([e - s, C, N]);
          return gradStep(refGroups(train), refGroups(frozen), batchTensor(items.slice(s, e)), m, stepKey(cfg.seed, step, 'dropout', j), share);
        });
        if (!Number.isFinite(loss)) {
          disposeGroups(grads);
          throw new TrainError(TrainErrorCode.NanLoss, `${phase}: the loss became ${loss} at step ${step + 1} (learning rate ${cosineLr(step, total, cfg.optimizer.lr, cfg.optimizer.etaMin, cfg.optimizer.warmupSteps).toExponential(2)}). Earlier checkpoints are intact; lower the learning rate or check the data for extreme values.`);
        }
        const lr = cosineLr(step, total, cfg.optimizer.lr, cfg.optimizer.etaMin, cfg.optimizer.warmupSteps);
        const up = await opt.update(train, grads, { enc: lr });
        train = up.params;
        step++;
        epochLossSum += loss;
        epochLossCount++;
        hooks.onStep?.({ kind: 'step', phase, step, total, epoch: epoch + 1, loss, lr, gradNorm: up.gradNorm, ms: Date.now() - t0 });
        const endOfEpoch = step % spe === 0 || step === total;
        if (endOfEpoch) {
          const mean = epochLossSum / Math.max(1, epochLossCount);
          epochLoss.push(mean);
          hooks.onEpoch?.({ kind: 'epoch', phase, epoch: epoch + 1, trainLoss: mean, validation: null });
          epochLossSum = 0;
          epochLossCount = 0;
        }
        const ctl = hooks.control?.() ?? 'run';
        if (ctl === 'cancel') throw new TrainError(TrainErrorCode.Cancelled, `${phase} cancelled at step ${step}`);
        if (ctl === 'pause') {
          await checkpoint();
          throw new TrainError(TrainErrorCode.Paused, `${phase} paused at step ${step} of ${total}`);
        }
        if (step % cfg.checkpointEverySteps === 0 && step < total) await checkpoint();
      }
    }
    await checkpoint();
    const params = { ...(await groupsToHost(train, false)).enc, ...(await groupsToHost(frozen, false)).enc };
    return { params, steps: step, epochLoss };
  } finally {
    safeDispose(train);
    safeDispose(frozen);
    opt.dispose();
  }
}
