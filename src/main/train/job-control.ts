// A job's pause/cancel request, in memory shared with its worker thread. The job reads it at every
// step (Atomics.load), without turning its event loop: on WASM a phase computes step after step
// without one, so a request posted as a message reached the job only at its next checkpoint write
// (10 s after Ctrl+C at --layers 1; at 12 layers, 20 steps of several seconds each).
import type { JobControl } from './job';

export type JobAction = ReturnType<JobControl>;

const ACTIONS: readonly JobAction[] = ['run', 'pause', 'cancel'];

export class SharedJobControl {
  private readonly cell: Int32Array;

  /** `buffer`: the one the other side made (workerData carries a SharedArrayBuffer shared, not copied). */
  constructor(readonly buffer: SharedArrayBuffer = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT)) {
    this.cell = new Int32Array(buffer);
  }

  get(): JobAction {
    return ACTIONS[Atomics.load(this.cell, 0)] ?? 'run';
  }

  set(action: JobAction): void {
    Atomics.store(this.cell, 0, ACTIONS.indexOf(action));
  }
}
