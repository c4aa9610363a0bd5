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

/** A value that parseArgs would take for a flag of its own: '-5', '-0.5', '-.5', '-1e3'. */
const NEGATIVE_NUMBER = /^-(\d|\.\d)/;

/**
 * node:util parseArgs with errors turned into CliUsageError (so the user sees the usage, not a stack).
 * A negative number after a flag that takes a value is that flag's value (`--duration -5` reaches
 * the command, which says what it accepts), where parseArgs would call it ambiguous.
 */
export function parseFlags<T extends ParseArgsConfig['options']>(argv: string[], options: T) {
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      args.push(...argv.slice(i));
      break;
    }
    const name = a.startsWith('--') && !a.includes('=') ? a.slice(2) : '';
    if (options?.[name]?.type === 'string' && NEGATIVE_NUMBER.test(argv[i + 1] ?? '')) args.push(`${a}=${argv[++i]}`);
    else args.push(a);
  }
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    const e = err as Error & { code?: string };
    const flag = /Option '(-[-\w]+)/.exec(e.message)?.[1];
    if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && flag) {
      throw new CliUsageError(/ambiguous/.test(e.message) ? `${flag} needs a value (for one that starts with '-', write ${flag}=-VALUE)` : `${flag} needs a value`);
    }
    throw new CliUsageError(e.message);
  }
}
