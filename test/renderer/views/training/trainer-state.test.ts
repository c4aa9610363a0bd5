import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { trainerState } from '../../../../src/renderer/src/views/training/trainer-state';
import type { TrainingOverview } from '../../../../src/shared/ipc/training.schema';
import type { RunSummary } from '../../../../src/shared/train/job.types';

function run(id: string, state: RunSummary['state'], extra: Partial<RunSummary> = {}): RunSummary {
  return { id, name: `run ${id}`, kind: 'pretrain', state, createdAt: 0, updatedAt: 0, progress: { phase: 'pretrain-ecg', fraction: 0.234, done: 1, total: 4, etaSec: null, message: '' }, completedPhases: [], error: null, summary: null, problem: null, dataset: null, plannedArms: [], ...extra };
}

const overview = (runs: RunSummary[], active: string | null = null, backend: string | null = null): TrainingOverview => ({ runs, active, queued: [], backend, runsDir: '/runs' });

describe('trainerState', () => {
  test("the runner's own job: its backend, the reason in the tooltip", () => {
    assert.deepEqual(trainerState(overview([run('a', 'running')], 'a', 'wasm: one core; no GPU')), { text: 'running on jax-js wasm', title: 'wasm: one core; no GPU' });
  });

  test('a run another process trains (the CLI) is no idle trainer: its name, whose it is in the tooltip', () => {
    const s = trainerState(overview([run('a', 'done'), run('b', 'running', { pid: 4242, name: 'ECG pretraining' })]));
    assert.equal(s.text, 'training (CLI): ECG pretraining');
    assert.match(s.title ?? '', /ECG pretraining \(run b, process 4242\)\. Ctrl\+C there pauses it/);
    assert.equal(trainerState(overview([run('b', 'running'), run('c', 'running')])).text, 'training (CLI): 2 runs');
  });

  test('idle: nothing running, a damaged folder, or no overview yet', () => {
    assert.deepEqual(trainerState(overview([run('a', 'paused'), run('d', 'running', { problem: 'status.json cannot be read' })])), { text: 'idle' });
    assert.deepEqual(trainerState(null), { text: 'idle' });
  });
});
