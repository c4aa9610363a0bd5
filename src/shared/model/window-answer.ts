// One window's answer from a model's outputs: per task, the class probabilities the page shows and
// a session stores (binary tasks have one output, P(positive), answered as [P(negative),
// P(positive)]). The renderer's inference worker (live and replay) and `heartmind sessions predict`
// (a recorded session run through a model in the core) both answer a window through here, after
// prepareWindow (window-input.ts) made its feeds, so their stored rows are the same numbers.
import type { TaskSpec } from './model.types';
import { prepareWindow, type ModelTensor, type PreparedWindow } from './window-input';
import type { InputContract } from './model.types';
import type { SyncWindow } from '../window.types';

/** Per task, the class probabilities from the model's `prob_<task>` output (by task name). */
export function answerProbabilities(tasks: readonly TaskSpec[], out: Readonly<Record<string, ArrayLike<number>>>): Record<string, number[]> {
  const probabilities: Record<string, number[]> = {};
  for (const t of tasks) {
    const v = Array.from(out[t.name]);
    probabilities[t.name] = t.kind === 'binary' ? [1 - v[0], v[0]] : v;
  }
  return probabilities;
}

/** What a window's answer reports besides its time and model: as the worker's 'result' message carries it. */
export interface WindowAnswer extends Omit<PreparedWindow, 'feeds'> {
  probabilities: Record<string, number[]>;
  latencyMs: number;
}

/**
 * A window through a model: its feeds (prepareWindow: throws ModelError(BadWindow) for a window the
 * model cannot read, which the caller skips), `run` (the runtime: each task's probabilities output,
 * by task name), the answer. The latency is the run's alone, as the worker measures it.
 */
export async function answerWindow(
  w: SyncWindow,
  input: InputContract,
  tasks: readonly TaskSpec[],
  run: (feeds: Record<string, ModelTensor>) => Promise<Record<string, ArrayLike<number>>>,
  now: () => number,
): Promise<WindowAnswer> {
  const { feeds, fed, absent, unusable } = prepareWindow(w, input);
  const t0 = now();
  const out = await run(feeds);
  return { probabilities: answerProbabilities(tasks, out), fed, absent, unusable, latencyMs: now() - t0 };
}
