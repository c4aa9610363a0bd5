// The model boundary's one error class: checkpoints, ONNX files, model cards, the registry, and
// windows handed to a model. The code says what went wrong; the message says it to a person.
import { CodedError } from '../coded-error';

export enum ModelErrorCode {
  /** The file is not a PyTorch checkpoint (zip with data.pkl). */
  NotPytorch = 'not-pytorch',
  /** The checkpoint holds something other than a state_dict of tensors. */
  NotStateDict = 'not-state-dict',
  /** Keys unknown, missing, or of the wrong shape for the architecture. */
  KeysMismatch = 'keys-mismatch',
  /** The file is not an ONNX model. */
  NotOnnx = 'not-onnx',
  /** An ONNX model whose inputs/outputs differ from what its card declares. */
  SignatureMismatch = 'signature-mismatch',
  /** card.json missing, unreadable or incomplete. */
  BadCard = 'bad-card',
  /** The model needs channels/modalities the connected devices do not provide. */
  ContractMismatch = 'contract-mismatch',
  /** A window the model cannot read (NaN, wrong rate, length or channels). */
  BadWindow = 'bad-window',
  /** No such model in the registry. */
  NotFound = 'not-found',
  /** Reading or writing model files failed. */
  Io = 'io',
  /** The inference runtime failed (session creation or run). */
  Runtime = 'runtime',
}

export class ModelError extends CodedError<ModelErrorCode> {
  override name = 'ModelError';
  constructor(
    code: ModelErrorCode,
    message: string,
    /** Itemised problems (e.g. every missing key), when there are several. */
    readonly details: string[] = [],
  ) {
    super(code, message);
  }
}
