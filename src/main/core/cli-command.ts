// What a `heartmind <command>` is. Each area writes one module exporting `command: CliCommand`
// and adds one line to the registry in src/main/cli.ts.
import { parseArgs, type ParseArgsConfig } from 'node:util';

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

export interface CliCommand {
  /** Printed by `heartmind <command> --help`. First line: the synopsis. */
  usage: string;
  /** Runs the command; resolves with the process exit code. Long-running commands resolve when they stop. */
  run(argv: string[], io: CliIo): Promise<number>;
}

/** The usage error every command throws for a bad flag; the CLI prints it with the usage. */
export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
}

/** node:util parseArgs with errors turned into CliUsageError (so the user sees the usage, not a stack). */
export function parseFlags<T extends ParseArgsConfig['options']>(argv: string[], options: T) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new CliUsageError((err as Error).message);
  }
}
