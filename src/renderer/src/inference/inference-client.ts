// The page's handle on the inference worker. Windows arrive faster than a slow backend can answer:
// at most one runs and one waits; a newer window replaces the waiting one (counted as dropped), so
// the dashboard shows the latest state and the live pipeline never backs up.
import type { ModelCard } from '../../../shared/model/model.types';
import type { SyncWindow } from '../../../shared/window.types';
import type { BackendPreference, LoadedInfo, WindowResult, WorkerRequest, WorkerResponse } from './inference.types';
import type { ThreadPreference } from './wasm-threads';

export interface InferenceEvents {
  result?(r: WindowResult): void;
  /** A window skipped (bad input); the stream goes on. */
  skipped?(seq: number, message: string, code: string): void;
  /**
   * The model failed: `seq` names the window when only that window's run failed (the model stays
   * loaded and takes the next one); without it the model itself is gone (the worker died).
   */
  error?(message: string, code: string, seq?: number): void;
  /** The worker moved the loaded model to another backend on its own (WebGPU failed at run time). */
  backendChanged?(info: LoadedInfo): void;
}

export class InferenceClient {
  private readonly worker: Worker;
  private pendingLoad: { resolve(i: LoadedInfo): void; reject(e: Error): void } | null = null;
  private running = false;
  private waiting: SyncWindow | null = null;
  private info: LoadedInfo | null = null;
  /** The current load's number; answers of an earlier one (or of no load) are not the current model's. */
  private loadId = 0;
  dropped = 0;

  constructor(
    private readonly events: InferenceEvents = {},
    worker?: Worker,
  ) {
    this.worker = worker ?? new Worker(new URL('./inference-worker.ts', import.meta.url), { type: 'module', name: 'heartmind-inference' });
    this.worker.onmessage = (e: MessageEvent<WorkerResponse>) => this.receive(e.data);
    this.worker.onerror = (e) => {
      const err = new Error(`the inference worker failed: ${e.message || 'script error'}`);
      this.pendingLoad?.reject(err);
      this.pendingLoad = null;
      this.running = false;
      this.events.error?.(err.message, 'runtime');
    };
  }

  get loaded(): LoadedInfo | null {
    return this.info;
  }

  private post(req: WorkerRequest, transfer: Transferable[] = []): void {
    this.worker.postMessage(req, transfer);
  }

  /** Loads a model (its ONNX bytes are transferred to the worker). `threads` counts on the first load only. */
  load(card: ModelCard, bytes: Uint8Array, prefer: BackendPreference = 'auto', threads: ThreadPreference = 'auto'): Promise<LoadedInfo> {
    this.info = null;
    this.waiting = null;
    this.pendingLoad?.reject(new Error('superseded by another model'));
    const loadId = ++this.loadId;
    return new Promise<LoadedInfo>((resolve, reject) => {
      this.pendingLoad = { resolve, reject };
      this.post({ type: 'load', loadId, modelId: card.id, bytes, input: card.input, tasks: card.config.tasks, prefer, threads }, [bytes.buffer]);
    });
  }

  unload(): void {
    this.info = null;
    this.waiting = null;
    // What the worker still sends for the model unloaded (a window it was running) is not shown.
    this.loadId++;
    this.post({ type: 'unload' });
  }

  /** Queues a window; returns false when it replaced an older waiting one. */
  submit(w: SyncWindow): boolean {
    if (!this.info) return false;
    if (this.running) {
      const replaced = this.waiting !== null;
      if (replaced) this.dropped++;
      this.waiting = w;
      return !replaced;
    }
    this.running = true;
    this.post({ type: 'run', seq: w.seq, window: w });
    return true;
  }

  private next(): void {
    this.running = false;
    const w = this.waiting;
    this.waiting = null;
    if (w) this.submit(w);
  }

  private receive(m: WorkerResponse): void {
    // An answer for an earlier load: a window the previous model ran frees the run slot, and nothing
    // else; a superseded load's 'loaded' or failure is not the current load's (its promise was
    // rejected when the next load was asked for).
    if (m.loadId !== this.loadId) {
      if (m.type === 'result' || m.type === 'skipped' || (m.type === 'error' && m.seq !== undefined)) this.next();
      return;
    }
    switch (m.type) {
      case 'loaded': {
        const { type: _t, loadId: _l, ...info } = m;
        this.info = info;
        if (this.pendingLoad) {
          this.pendingLoad.resolve(info);
          this.pendingLoad = null;
        } else this.events.backendChanged?.(info);
        return;
      }
      case 'result': {
        const { type: _t, loadId: _l, ...r } = m;
        this.events.result?.(r);
        this.next();
        return;
      }
      case 'skipped':
        this.events.skipped?.(m.seq, m.message, m.code);
        this.next();
        return;
      case 'error':
        if (m.seq === undefined && this.pendingLoad) {
          this.pendingLoad.reject(Object.assign(new Error(m.message), { code: m.code }));
          this.pendingLoad = null;
          return;
        }
        this.events.error?.(m.message, m.code, m.seq);
        if (m.seq !== undefined) this.next();
        return;
    }
  }

  dispose(): void {
    // A load still in flight would otherwise never settle.
    this.pendingLoad?.reject(new Error('the inference worker was closed'));
    this.pendingLoad = null;
    this.worker.terminate();
  }
}
