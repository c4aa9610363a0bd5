// The one error a file parser or writer throws (house rule: one class per boundary, with a code).
// Every message names the file and the problem, so the import dialog can show it unchanged.
import { CodedError } from '../coded-error';

/** What is wrong with a file. Stable strings: the UI and the recorder switch on them. */
export type FormatErrorCode =
  | 'empty' // no bytes at all
  | 'not-this-format' // magic bytes / signature do not match the format asked for
  | 'bad-header' // a header field is missing, malformed or contradicts another field
  | 'bad-number' // a field that must be a number is not one (or is out of range)
  | 'truncated' // the header promises more bytes than the file holds
  | 'bad-data' // the data section itself is malformed (bad chunk, bad TAL, bad row)
  | 'unsupported' // a valid file using a feature we do not read (named in the message)
  | 'missing-file' // a file the import needs is not there: the one asked for, or a companion (WFDB .dat) not supplied
  | 'unreadable' // the file exists but cannot be read (permission denied…) or is not a regular file (a folder, a FIFO)
  | 'too-large' // over a size bound: a recording bigger than an import may read, a MAT element inflating past what its size justifies
  | 'ambiguous-board' // a BrainFlow file whose column count fits several boards: the caller must name one (FormatError.boards)
  | 'cannot-write'; // a writer was given something the format cannot hold

export class FormatError extends CodedError<FormatErrorCode> {
  override readonly name = 'FormatError';
  constructor(
    code: FormatErrorCode,
    /** The file the problem is in (as the user named it). */
    readonly fileName: string,
    /** The problem, in words, without the file name. */
    readonly detail: string,
    /** For 'ambiguous-board': the names of the boards the file fits (brainflowBoardNames() spelling). */
    readonly boards: readonly string[] = [],
  ) {
    super(code, `${fileName}: ${detail}`);
  }
}

/**
 * A thrower bound to one file, so parsers read `fail('truncated', '…')`. Declare it with this
 * type (`const fail: Fail = failFor(name)`) so TypeScript knows the call never returns.
 */
export type Fail = (code: FormatErrorCode, detail: string) => never;

export function failFor(fileName: string): Fail {
  return (code, detail) => {
    throw new FormatError(code, fileName, detail);
  };
}

/** Shows an untrusted header string safely inside an error message (bounded, printable). */
export function quote(text: string, max = 40): string {
  const clean = text.replace(/[^\x20-\x7e]/g, '?');
  return JSON.stringify(clean.length > max ? clean.slice(0, max) + '…' : clean);
}
