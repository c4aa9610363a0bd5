// What a `heartmind <command>` is. Each area writes one module exporting `command: CliCommand`
// and adds one line to the registry in src/main/cli-commands.ts.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { parseDecimal, parseInteger } from '../../shared/formats/text';
import { nearestName } from '../../shared/nearest-name';

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

/** The usage error every command throws for a bad flag; the CLI prints it with the usage's synopsis (usageSynopsis). */
export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
}

/**
 * The words of a command or verb that is not one: the one meant where a name is close, else the
 * names there are ("unknown verb 'lst' (did you mean list?)", "unknown verb 'x' (list, show, …)"),
 * as an unknown flag is answered.
 */
export function unknownName(what: string, typed: string, known: readonly string[]): string {
  const near = nearestName(typed, known);
  return `unknown ${what} '${typed}' (${near ? `did you mean ${near}?` : known.join(', ')})`;
}

/**
 * A word of a command line as a POSIX shell reads it back: bare when every character is one no
 * shell treats specially, else in single quotes ('rest vs task', 'it'\''s', ''). The command lines
 * HeartMind prints to be pasted (Resume with: …) or records (a run's config.json, a model card's
 * provenance) were the words joined by spaces: `--name rest vs task` came back as three words.
 */
export function shellWord(word: string): string {
  if (/^[\w@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** A command line to paste into a shell (each word through shellWord): `heartmind train --name 'rest vs task'`. */
export function commandLine(words: readonly string[]): string {
  return words.map(shellWord).join(' ');
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
    const flag = /option '(-[-\w]+)/i.exec(e.message)?.[1];
    if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && flag) {
      // A switch given a value (`--no-demo=1`) is the same error code as a flag missing its value.
      if (/does not take an argument/.test(e.message)) throw new CliUsageError(`${flag} takes no value (write ${flag} alone)`);
      throw new CliUsageError(/ambiguous/.test(e.message) ? `${flag} needs a value (for one that starts with '-', write ${flag}=-VALUE)` : `${flag} needs a value`);
    }
    if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && flag) {
      // parseArgs' own text is about positionals starting with '-', which is rarely what happened.
      const near = nearestName(flag.replace(/^-+/, ''), Object.keys(options ?? {}));
      throw new CliUsageError(`unknown option ${flag}${near ? ` (did you mean --${near}?)` : ''}`);
    }
    throw new CliUsageError(e.message);
  }
}

/**
 * What a usage error prints under its message: the usage's synopsis (its first paragraph) and where
 * the rest is. The whole text of a command with sixty lines of options buried the one line that
 * said what was wrong.
 */
export function usageSynopsis(name: string, usage: string): string {
  const first = usage.split(/\n\s*\n/)[0];
  return first === usage.trimEnd() ? usage : `${first}\n(heartmind ${name} --help lists every option)`;
}

/** What a number flag accepts: bounds (inclusive min/max, exclusive above/below) and whether it must be whole. */
export interface NumberRule {
  integer?: boolean;
  min?: number;
  max?: number;
  above?: number;
  below?: number;
  /** What it takes, for the message (default: said from the bounds, e.g. 'an integer from 0 to 65535'). */
  expect?: string;
}

/** The rule in words: 'a positive integer', 'an integer ≥ 0', 'a number in [0, 1)'. */
function describeRule(r: NumberRule): string {
  const kind = r.integer ? 'integer' : 'number';
  const a = r.integer ? 'an integer' : 'a number';
  const lo = r.min ?? r.above;
  const hi = r.max ?? r.below;
  if (lo === undefined && hi === undefined) return a;
  if (hi === undefined) return (r.integer ? r.min === 1 : r.above === 0) ? `a positive ${kind}` : `${a} ${r.min !== undefined ? '≥' : '>'} ${lo}`;
  if (lo === undefined) return `${a} ${r.max !== undefined ? '≤' : '<'} ${hi}`;
  if (r.integer && r.min !== undefined && r.max !== undefined) return `an integer from ${lo} to ${hi}`;
  return `${a} in ${r.min !== undefined ? '[' : '('}${lo}, ${hi}${r.max !== undefined ? ']' : ')'}`;
}

/** How a number's source is named in messages: a flag ('port' → '--port') or an environment variable ('HEARTMIND_PORT'). */
const sourceName = (name: string) => (/^[A-Z][A-Z0-9_]*$/.test(name) ? name : `--${name}`);

/**
 * A number flag's value, undefined when absent. Strict: a plain decimal (shared parseDecimal /
 * parseInteger; Number() would take '' as 0 and '0x10' as 16) within the rule, else a usage error
 * naming the flag, what it takes and the bad value.
 */
export function numberFlag(raw: string | undefined, name: string, rule: NumberRule = {}): number | undefined {
  if (raw === undefined) return undefined;
  const n = rule.integer ? parseInteger(raw) : parseDecimal(raw);
  const ok =
    n !== null &&
    (rule.min === undefined || n >= rule.min) &&
    (rule.max === undefined || n <= rule.max) &&
    (rule.above === undefined || n > rule.above) &&
    (rule.below === undefined || n < rule.below);
  if (!ok) throw new CliUsageError(`${sourceName(name)} must be ${rule.expect ?? describeRule(rule)}, got '${raw}'`);
  return n;
}

/** A whole-number flag (counts, sizes, ids), ≥ `min`; undefined when absent. */
export function intFlag(raw: string | undefined, name: string, min = 1): number | undefined {
  return numberFlag(raw, name, { integer: true, min });
}

/** A TCP/UDP port, 0–65535 (0: the system picks a free one); undefined when absent. */
export function portValue(raw: string | undefined, name: string): number | undefined {
  return numberFlag(raw, name, { integer: true, min: 0, max: 65535, expect: 'an integer 0–65535' });
}

/** The signals a command that stops between steps answers: Ctrl+C, and a service manager's stop. */
export type StopSignal = 'SIGINT' | 'SIGTERM';

/** The signals that end a long-running command (serve, record): the stop signals, the terminal closing, the output's reader going. */
export type EndSignal = StopSignal | 'SIGHUP' | 'SIGPIPE';

const SIGNAL_NUMBERS: Record<EndSignal, number> = { SIGHUP: 1, SIGINT: 2, SIGPIPE: 13, SIGTERM: 15 };

/**
 * The command's output, quiet from the moment it is gone (SIGHUP: the terminal closed; SIGPIPE:
 * cli.ts saw its reader go, `heartmind record --json | head`): each later write would fail again
 * (EIO, EPIPE), and one after the reader had gone ended the process at once (141), a recording
 * left unclosed. `signalled` is told every end signal; the others leave the output as it is.
 */
export function outputUntilGone(io: CliIo): { io: CliIo; signalled(sig: EndSignal): void } {
  let gone = false;
  return {
    io: {
      out: (line) => {
        if (!gone) io.out(line);
      },
      err: (line) => {
        if (!gone) io.err(line);
      },
    },
    signalled: (sig) => {
      if (sig === 'SIGHUP' || sig === 'SIGPIPE') gone = true;
    },
  };
}

/** A process ended by `sig` exits as a shell reports one killed by it (128 + its number): 129, 130, 141, 143. */
export function signalExitCode(sig: EndSignal): number {
  return 128 + SIGNAL_NUMBERS[sig];
}

/**
 * Ctrl+C / SIGTERM for a command that stops between steps (an import between files, a model run
 * between windows): the first is kept in `received` (the command checks it, finishes its step and
 * says what was kept) and said by `first`; a second, said by `again`, exits at once. `dispose()`
 * takes the handlers off.
 */
export function stopBetweenSteps(first: (sig: StopSignal) => void, again: (sig: StopSignal) => void): { readonly received: StopSignal | null; dispose(): void } {
  let received: StopSignal | null = null;
  const handlers = (['SIGINT', 'SIGTERM'] as const).map((sig) => {
    const handler = () => {
      if (received) {
        again(sig);
        process.exit(signalExitCode(sig));
      }
      received = sig;
      first(sig);
    };
    process.on(sig, handler);
    return [sig, handler] as const;
  });
  return {
    get received() {
      return received;
    },
    dispose: () => {
      for (const [sig, handler] of handlers) process.off(sig, handler);
    },
  };
}
