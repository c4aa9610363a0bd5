// The shape of each boundary's one error class (house rule: one class per boundary, with a code
// enum). `code` tells a program what went wrong and travels as the WireError's kind
// (ipc/wire-error.ts); the message tells a person. Each subclass names itself with a literal
// `name`: a bundler renames classes, so new.target.name would not survive a minified build.
export abstract class CodedError<C extends string> extends Error {
  abstract override readonly name: string;

  constructor(
    readonly code: C,
    message: string,
  ) {
    super(message);
  }
}
