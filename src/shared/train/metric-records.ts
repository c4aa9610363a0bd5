// A run's metrics.jsonl is append-only, and a resumed run appends again what it redoes: the steps
// after the checkpoint it resumes from (a run stopped by SIGTERM, a crash or a damaged newest
// checkpoint; a pause checkpoints the step it stops at), and every epoch of a fold or fit that had
// not finished (finished folds are kept, an unfinished one is fitted again from its start). Read
// as they stand, those records drew a loss curve that ran back from step 12 to step 10 and a
// validation curve with two epoch 1s. Resumption is deterministic, so a redone record is the one
// to keep: each step or epoch appears once, at its latest position.
import type { MetricRecord } from './train.types';
import type { JobSpec } from './job.types';
import type { ModelModality } from '../model/model.types';

/** What a record measures: a phase's step, or an epoch of one fit (phase, fold, arm); equal keys are sameMetric. */
function metricKey(r: MetricRecord): string {
  return r.kind === 'step' ? `step\u0000${r.phase}\u0000${r.step}` : `epoch\u0000${r.phase}\u0000${r.fold ?? ''}\u0000${r.arm ?? ''}\u0000${r.epoch}`;
}

/** The records with each step and epoch once: a later record of the same key replaces the earlier one, in its own place. */
export function latestMetrics(records: readonly MetricRecord[]): MetricRecord[] {
  const last = new Map<string, number>();
  records.forEach((r, i) => last.set(metricKey(r), i));
  return records.filter((r, i) => last.get(metricKey(r)) === i);
}

/** `records` with `r` appended, an earlier record of the same step or epoch dropped (a live push of a redone step). */
export function withMetric(records: readonly MetricRecord[], r: MetricRecord): MetricRecord[] {
  // Called on every push (thousands in a run's head fits): fields compared, no key strings built, and a copy only when one is found.
  for (let i = records.length - 1; i >= 0; i--) if (sameMetric(records[i], r)) return [...records.slice(0, i), ...records.slice(i + 1), r];
  return [...records, r];
}

function sameMetric(a: MetricRecord, b: MetricRecord): boolean {
  if (a.kind === 'step') return b.kind === 'step' && a.step === b.step && a.phase === b.phase;
  return b.kind === 'epoch' && a.epoch === b.epoch && a.phase === b.phase && (a.fold ?? null) === (b.fold ?? null) && (a.arm ?? null) === (b.arm ?? null);
}

/** Whether a job pretrains its encoder of modality `m` (its phase pretrain-<m>): a pretraining config, and that encoder taken from it. */
export function pretrainsEncoder(spec: Pick<JobSpec, 'pretrain' | 'encoders'>, m: ModelModality): boolean {
  return !!spec.pretrain[m] && spec.encoders[m]?.kind === 'pretrain';
}

/**
 * Whether a job records optimiser steps (the Training view's loss chart): its pretraining, and a
 * fine-tuning end to end. A head fitted on frozen encoders' embeddings records epochs only (the
 * validation chart's training loss), so a custom run on random or another run's encoders drew an
 * empty loss chart from start to end.
 */
export function recordsSteps(spec: Pick<JobSpec, 'pretrain' | 'encoders' | 'finetune'>): boolean {
  return pretrainsEncoder(spec, 'eeg') || pretrainsEncoder(spec, 'ecg') || spec.finetune?.freeze === 'none';
}
