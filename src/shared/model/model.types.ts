// Types of the one model definition (CBraMod encoders + fusion head): configuration, the input
// contract a model declares, tasks, parameter specs, and the model card.

/** The two physiological modalities the fused model reads. */
export type ModelModality = 'eeg' | 'ecg';
export const MODEL_MODALITIES: readonly ModelModality[] = ['eeg', 'ecg'];

/**
 * One CBraMod encoder (../shared/MODEL.md §2–3). The EEG and ECG encoders share this architecture
 * ("symmetric"); only their weights differ. Defaults in CBRAMOD_ENCODER.
 */
export interface EncoderConfig {
  /** Samples per patch (1 s at 200 Hz). */
  patchSamples: number;
  /** Width of every token. */
  dModel: number;
  /** Criss-cross layers (12 in CBraMod; fewer only for wiring tests). */
  nLayers: number;
  /** Heads in each half (spatial and temporal); head dim = dModel / 2 / heads. */
  headsPerHalf: number;
  /** Feed-forward width. */
  dimFeedforward: number;
  /** Output channels of the three time-branch convolutions. */
  convChannels: number;
  /** GroupNorm groups in the time branch. */
  groupNormGroups: number;
  /** First time conv: kernel, stride and padding along the patch. */
  conv1: { kernel: number; stride: number; padding: number };
  /** Second and third time convs (stride 1). */
  conv23: { kernel: number; padding: number };
  /** ACPE depthwise conv kernel [channels, patches] and padding. */
  acpeKernel: [number, number];
  acpePadding: [number, number];
  /** Dropout everywhere in the encoder (training only). */
  dropout: number;
  /** LayerNorm / GroupNorm epsilon. */
  normEps: number;
}

export type TaskKind = 'binary' | 'multiclass';

/** One output of the fusion head. Binary tasks emit one logit (sigmoid), multiclass one per class. */
export interface TaskSpec {
  /** Identifier: lowercase letters, digits, '_' (used in tensor names). */
  name: string;
  kind: TaskKind;
  /** Class names; binary tasks list [negative, positive], e.g. ['low', 'high']. */
  classes: string[];
  /** Human description for the card and dashboard. */
  description?: string;
}

export type PoolingKind = 'mean';

export interface HeadConfig {
  /** Hidden width of the MLP (0 = a single Linear from the concatenation to the outputs). */
  hidden: number;
  dropout: number;
}

/** A whole model: one or two encoders, pooling, and a head that answers the declared tasks. */
export interface FusedModelConfig {
  /** Encoders present in this model (an EEG-only or ECG-only ablation sets the other to null). */
  eeg: EncoderConfig | null;
  ecg: EncoderConfig | null;
  pooling: PoolingKind;
  head: HeadConfig;
  tasks: TaskSpec[];
}

/** What a model expects from one modality. */
export interface ModalityContract {
  /** Channel labels in the order the model was trained on, or 'any' (any count within the bounds). */
  channels: string[] | 'any';
  minChannels: number;
  maxChannels: number;
  /** Physical unit the window is read in before scaling. */
  unit: 'uV';
  /** The model reads value / scaleDivisor (CBraMod: µV ÷ 100). */
  scaleDivisor: number;
}

/** The input contract of a model: what windows it accepts. */
export interface InputContract {
  rateHz: number;
  windowSeconds: number;
  eeg?: ModalityContract;
  ecg?: ModalityContract;
}

/** Parameter initialisers (all draw from uniform distributions, so that init is bit-exact). */
export type InitKind =
  | { kind: 'zeros' }
  | { kind: 'ones' }
  /** U(-bound, bound). */
  | { kind: 'uniform'; bound: number };

export interface ParamSpec {
  /** Full dotted name, e.g. 'encoder.layers.0.linear1.weight' (PyTorch state_dict names). */
  name: string;
  /** PyTorch order (Linear weight = [out, in]). */
  shape: number[];
  init: InitKind;
  /** Stored but never trained (CBraMod's mask_encoding). */
  frozen?: boolean;
}

/** A parameter as plain data: what the .pth importer, the ONNX exporter and files exchange. */
export interface HostTensor {
  shape: number[];
  data: Float32Array;
}

/** Parameters of a fused model as plain data, grouped like the jax pytree. */
export interface HostParams {
  eeg?: Record<string, HostTensor>;
  ecg?: Record<string, HostTensor>;
  head: Record<string, HostTensor>;
}

/** One figure of a model's evaluation, e.g. AUROC of a task, with the baseline under the same split. */
export interface CardMetric {
  task: string;
  /** 'auroc', 'auc_pr', 'f1', 'balanced_accuracy', 'kappa', … */
  metric: string;
  value: number;
  /** Standard deviation over folds, when evaluated by folds. */
  sd?: number;
  /** Folds the mean is over: fewer than the evaluation's where a test fold held one class (cards exported before it was written lack it). */
  folds?: number;
  /** The simple baseline (band power + heart-rate features, logistic regression) on the same split. */
  baseline?: number;
  /** The baseline's standard deviation over the same folds (cards exported before it was written lack it). */
  baselineSd?: number;
  /** Folds the baseline's mean is over. */
  baselineFolds?: number;
  /**
   * What a guess that ignores the windows scores on the same test folds (AUROC 0.5, AUC-PR the
   * positive share, balanced accuracy 0.5, κ 0); absent for F1, which has none, and in cards exported before it.
   */
  chance?: number;
}

export const MODEL_CARD_FORMAT = 'heartmind-model-card/1';

/**
 * A model card (models/<id>/card.json; rendered to card.md). Everything a user needs to judge a
 * model before trusting its output: what it answers, what it reads, what it learned from, how well
 * it did, and under which licence.
 */
export interface ModelCard {
  format: typeof MODEL_CARD_FORMAT;
  /** Folder name: lowercase letters, digits, '-' and '_'. */
  id: string;
  name: string;
  version: string;
  description: string;
  /** ISO 8601 date of export. */
  created: string;
  /** The architecture; its tasks are the model's outputs. */
  config: FusedModelConfig;
  input: InputContract;
  onnx: {
    file: string;
    opset: number;
    sha256?: string;
  };
  training: {
    /** Datasets (with subjects/hours) the weights learned from. */
    data: string[];
    /** Recipe: pretraining, fine-tuning, seed, epochs… */
    procedure: string;
    /** How to reproduce: the command, the run id, the commit. */
    provenance: string;
  };
  evaluation: {
    /** The protocol, e.g. 'leave-one-subject-out over 12 EEGMAT subjects'. */
    protocol: string;
    /** Folds the evaluation made (absent in cards exported before it was written). */
    folds?: number;
    metrics: CardMetric[];
  };
  licence: {
    /** Licence of the weights. */
    model: string;
    /** Licences/attributions of the training data. */
    data: string[];
  };
  /** What the model cannot tell; shown on the dashboard next to its output. */
  limitations: string[];
  authors?: string[];
}
