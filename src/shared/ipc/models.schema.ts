// Channels and pushes of the model registry and live predictions (issue 5).
//
// The core owns the registry (models on disk, cards, contract checks against the connected devices);
// the renderer's inference worker fetches the active model's ONNX bytes, runs each window, and sends
// its predictions back so that they are stored with the session being recorded.
import type { ModelCard, ModelModality, TaskSpec, InputContract } from '../model/model.types';
import type { UnusableCounts } from '../model/window-input';

/** A model as the model list shows it. */
export interface ModelSummary {
  id: string;
  name: string;
  version: string;
  source: 'builtin' | 'user';
  description: string;
  tasks: TaskSpec[];
  input: InputContract | null;
  sizeBytes: number;
  /** Changes whenever the model's ONNX file or card.json changes on disk (same id, new files). */
  revision: string;
  /** One line: what the weights learned from. */
  trainedOn: string;
  /** Why the model cannot be used (empty = usable). */
  problems: string[];
  /**
   * Whether it fits the devices streaming now, by the same check `hm:models:select` refuses by
   * (null when the model cannot be used at all); the list is pushed again when the devices change.
   */
  fit: Omit<ModelReadiness, 'activeId'> | null;
}

/** Whether the active model can run on what is connected now. */
export interface ModelReadiness {
  activeId: string | null;
  /** True when the active model's contract is met by the connected devices. */
  ok: boolean;
  /**
   * What the problems are about, the words after "the model …" (empty when ok): 'does not fit the
   * connected devices', 'does not fit the signal settings' (its window length), both, 'is waiting for
   * its devices' (nothing it reads connected: awaitingDevices), 'cannot be used' (a damaged folder),
   * 'is no longer installed'.
   */
  refusal: string;
  /** What is missing, in words (empty when ok). */
  problems: string[];
  /** Non-blocking remarks (a modality with no device: the model answers without it). */
  notes: string[];
  /** Modalities that will feed the model. */
  fed: ModelModality[];
  /** Refused only because nothing it reads is connected: it can still be chosen (checkContract). */
  awaitingDevices?: true;
}

export interface ModelListResult {
  models: ModelSummary[];
  readiness: ModelReadiness;
  /** Where a user drops model folders (<id>/model.onnx + card.json). */
  userDir: string | null;
}

/** One window's answer from the renderer's worker. */
export interface PredictionReport {
  modelId: string;
  /** Host time (s) of the window's first sample. */
  windowTime: number;
  seq: number;
  /** Per task, per class probability (binary: [P(negative), P(positive)]). */
  probabilities: Record<string, number[]>;
  fed: ModelModality[];
  /**
   * Why each modality the model reads did not feed it (an AbsentReason: 'no-device', 'gap',
   * 'starting', 'warming-up', 'bad-quality'), stored with the prediction: "no strap" and "strap
   * dropped" read the same from fed:ecg = 0 alone.
   */
  absent?: Partial<Record<ModelModality, string>>;
  /**
   * For a modality absent for 'bad-quality': how many of its channels each flag made unusable
   * ('flat', 'railed', 'no-qrs', 'missing'), stored as `unusable:<m>:<flag>` = n so that a session's
   * predictions say why its quality was too poor ('every channel flat'), not only that it was.
   */
  unusable?: Partial<Record<ModelModality, UnusableCounts>>;
  backend: string;
  latencyMs: number;
  /**
   * The modalities the model reads (its card's contract), filled in by the core from its registry: an
   * EEG-only model's answer is then stored without a 'fed:ecg' of 0, which read as "ECG was absent".
   */
  reads?: ModelModality[];
}

export interface ModelRequests {
  'hm:models:list': { req: void; res: ModelListResult };
  'hm:models:card': { req: { id: string }; res: { card: ModelCard; text: string } };
  /**
   * Makes a model active (null: none); only this makes a model you added run. Refused with the reason
   * when the connected devices or the signal settings do not fit it; with nothing connected that it
   * reads it is accepted and waits (fit.awaitingDevices).
   */
  'hm:models:select': { req: { id: string | null }; res: ModelReadiness };
  /** The active model's ONNX file, for the inference worker. */
  'hm:models:onnx': { req: { id: string }; res: { id: string; bytes: Uint8Array; card: ModelCard } };
  /**
   * Installs a user model from a model folder (`path` alone: card.json and the ONNX file it names),
   * or from an ONNX file `path` and its `cardPath`, as `heartmind models install` (paths on the core's
   * machine). `replaced`: the version of a model of yours the install put its files over (same id),
   * so the page can say so.
   */
  'hm:models:install': { req: { path: string; cardPath?: string }; res: ModelSummary & { replaced?: string } };
  'hm:models:remove': { req: { id: string }; res: void };
  /** Predictions from the renderer: stored with the session when one is recording. */
  'hm:models:predictions': { req: { reports: PredictionReport[] }; res: { stored: number } };
}

export type ModelPush =
  /** The model list or the active model changed (install, removal, a folder dropped in, devices changed). */
  | { type: 'models:changed'; models: ModelSummary[]; readiness: ModelReadiness }
  /** A prediction, relayed to every page (a second window shows the same dashboard). */
  | { type: 'models:prediction'; report: PredictionReport };
