// The one error serve mode throws at its boundary (house rule: one class per boundary, with a code).
import { CodedError } from '../../shared/coded-error';

export type ServeErrorCode =
  | 'port-in-use' // another process (another HeartMind?) listens there
  | 'no-renderer' // out/renderer is missing: the app was not built
  | 'bad-option'; // a command-line value that makes no sense

export class ServeError extends CodedError<ServeErrorCode> {
  override readonly name = 'ServeError';
}
