// The protocol between the page and the inference worker (inference-worker.ts).
import type { InputContract, ModelModality, TaskSpec } from '../../../shared/model/model.types';
import type { SyncWindow } from '../../../shared/window.types';
import type { UnusableCounts } from '../../../shared/model/window-input';
import type { ThreadPreference } from './wasm-threads';

/** Which execution provider to use: 'auto' = WebGPU when an adapter exists, else WASM. */
export type BackendPreference = 'auto' | 'webgpu' | 'wasm';
export type InferenceBackend = 'webgpu' | 'wasm';

export type WorkerRequest =
  /**
   * `threads` counts only on a worker's first load (ORT starts its WASM runtime once). `loadId`
   * numbers the loads of one page client: every answer carries the one of the model that gave it.
   */
  | { type: 'load'; loadId: number; modelId: string; bytes: Uint8Array; input: InputContract; tasks: TaskSpec[]; prefer: BackendPreference; threads: ThreadPreference }
  | { type: 'run'; seq: number; window: SyncWindow }
  | { type: 'unload' };

export interface LoadedInfo {
  modelId: string;
  backend: InferenceBackend;
  /** Adapter name, thread count and why, or why WebGPU was not used. */
  detail: string;
  /** WASM threads ORT runs with (1 when the page is not cross-origin isolated). */
  threads: number;
  loadMs: number;
}

export interface WindowResult {
  seq: number;
  modelId: string;
  /** Host time (s) of the window's first sample. */
  windowTime: number;
  /** Per task, per class probability (binary tasks: [P(negative), P(positive)]). */
  probabilities: Record<string, number[]>;
  fed: ModelModality[];
  /** Modalities of the model that did not feed it, with the reason. */
  absent: Partial<Record<ModelModality, string>>;
  /** For a modality absent for 'bad-quality': how many of its channels each flag made unusable (prepareWindow). */
  unusable?: Partial<Record<ModelModality, UnusableCounts>>;
  backend: InferenceBackend;
  latencyMs: number;
}

/**
 * Each answer carries the `loadId` of the load it belongs to (null: no model was loaded). The worker
 * answers in order, so a window run by the previous model can come back after a switch was asked
 * for; the client drops what belongs to an earlier load, so an old model's answer is never shown
 * under the new model's card, nor a superseded load taken for the current one.
 */
export type WorkerResponse = { loadId: number | null } & (
  | ({ type: 'loaded' } & LoadedInfo)
  | ({ type: 'result' } & WindowResult)
  /** A window the model cannot read (NaN, wrong channels…): skipped, the stream goes on. */
  | { type: 'skipped'; seq: number; code: string; message: string }
  | { type: 'error'; seq?: number; code: string; message: string }
);
