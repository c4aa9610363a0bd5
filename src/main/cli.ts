#!/usr/bin/env node
// `heartmind <command> [options]`: the headless entry (serve mode, training, import/export...).
// Each command is a lazily loaded module exporting `command: CliCommand` (core/cli-command.ts);
// an area adds its command with ONE line in COMMANDS (cli-commands.ts).
import { resolve } from 'node:path';
import type { CliIo } from './core/cli-command';
import { CliUsageError, commandLine, unknownName, usageSynopsis } from './core/cli-command';
import { COMMANDS } from './cli-commands';
import { defaultDataDir } from './core/data-dir';

// A reader that went away (`heartmind train … | head`) fails the next write with EPIPE, which,
// unhandled, ended the process with a stack trace (a training run then stayed 'running'). Node
// ignores the SIGPIPE a C program dies of; a command that must clean up first (a training run:
// marked interrupted, resumable) listens for 'SIGPIPE', which is emitted here; else the process ends
// quietly, as a pipe's writer does (141 = 128 + SIGPIPE).
function outputClosed(err: NodeJS.ErrnoException): void {
  if (err.code !== 'EPIPE') throw err;
  if (process.listenerCount('SIGPIPE') > 0) process.emit('SIGPIPE', 'SIGPIPE');
  else process.exit(141);
}
process.stdout.on('error', outputClosed);
process.stderr.on('error', outputClosed);

const io: CliIo = {
  out: (line) => process.stdout.write(line + '\n'),
  err: (line) => process.stderr.write(line + '\n'),
};

function help(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'usage: heartmind <command> [options]',
    '',
    'commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'heartmind <command> --help shows a command\'s options; heartmind --version the version.',
    // Where the recordings, models and runs are: the platform's app-data folder was named nowhere.
    process.env.HEARTMIND_DATA_DIR
      ? `data folder: ${resolve(defaultDataDir())} ($HEARTMIND_DATA_DIR; recordings, models, training runs); a command's --data-dir DIR picks another`
      : `data folder: ${resolve(defaultDataDir())} (recordings, models, training runs); $HEARTMIND_DATA_DIR or a command's --data-dir DIR picks another`,
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  // `heartmind help train` is `heartmind train --help` (it printed the command list).
  if (name === 'help' && rest.length > 0) return main([rest[0], '--help']);
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(help());
    return name ? 0 : 1;
  }
  // The version a bug report or a methods section needs (sessions store it as appVersion).
  if (name === '--version' || name === '-V' || name === 'version') {
    const { APP_VERSION } = await import('./core/start-core');
    io.out(`heartmind ${APP_VERSION} (Node ${process.versions.node})`);
    return 0;
  }
  const entry = COMMANDS.find((c) => c.name === name);
  // Options come after the command: `heartmind --data-dir D sessions list` was 'unknown command
  // '--data-dir'', with the command list, as if sessions were not one.
  if (!entry && name.startsWith('-')) {
    const at = rest.findIndex((w) => COMMANDS.some((c) => c.name === w));
    const instead = at >= 0 ? `options go after the command: ${commandLine(['heartmind', rest[at], ...rest.slice(at + 1), name, ...rest.slice(0, at)])}` : `unknown option ${name}: options go after the command (heartmind --help lists the commands, heartmind --version says the version)`;
    io.err(`heartmind: ${instead}`);
    return 2;
  }
  if (!entry) {
    io.err(`heartmind: ${unknownName('command', name, COMMANDS.map((c) => c.name))}\n\n${help()}`);
    return 2;
  }
  const { command } = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(command.usage);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof CliUsageError) {
      io.err(`heartmind ${name}: ${err.message}\n\n${usageSynopsis(name, command.usage)}`);
      return 2;
    }
    io.err(`heartmind ${name}: ${(err as Error)?.message ?? String(err)}`);
    return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`heartmind: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exitCode = 1;
  },
);
