// `heartmind` itself (src/main/cli.ts), run as a user runs it: the command list, --version, help
// COMMAND, an unknown command or option and a usage error, each with its exit code. The commands are tested in their areas.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runTsx } from '../fixtures/run-tsx';
import { COMMANDS } from '../../src/main/cli-commands';
import { CliUsageError } from '../../src/main/core/cli-command';
import { defaultDataDir } from '../../src/main/core/data-dir';

const cli = (...args: string[]) => runTsx('src/main/cli.ts', args);

test('heartmind alone lists the commands (exit 1), --help the same (exit 0), an unknown command exits 2', async () => {
  const [bare, help, unknown] = await Promise.all([cli(), cli('--help'), cli('serv')]);
  assert.equal(bare.status, 1, bare.stderr);
  assert.match(bare.stdout, /^usage: heartmind <command> \[options\]\n\ncommands:\n {2}serve {9}run the core/, 'the command list');
  assert.equal(help.status, 0, help.stderr);
  assert.equal(help.stdout, bare.stdout, '--help prints what heartmind alone prints');
  assert.equal(unknown.status, 2, unknown.stderr);
  assert.match(unknown.stderr, /^heartmind: unknown command 'serv' \(did you mean serve\?\)\n/, 'named, with the command meant');
});

test('heartmind --version says the version package.json gives (sessions store it as appVersion)', async () => {
  const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
  for (const flag of ['--version', '-V']) {
    const r = await cli(flag);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, `heartmind ${version} (Node ${process.versions.node})\n`, flag);
  }
});

test("a usage error names what is wrong, then the command's synopsis, and exits 2", async () => {
  const r = await cli('serve', '--no-demo=1');
  assert.equal(r.status, 2, r.stdout);
  assert.match(r.stderr, /^heartmind serve: --no-demo takes no value \(write --no-demo alone\)\n\nusage: heartmind serve /, 'the message, then the synopsis');
});

test('heartmind help COMMAND is heartmind COMMAND --help; an option before the command says where it goes (exit 2)', async () => {
  const [helpTrain, trainHelp, misplaced, alone] = await Promise.all([cli('help', 'train'), cli('train', '--help'), cli('--data-dir', '/data/lab one', 'sessions', 'list', '--json'), cli('-v')]);
  assert.equal(helpTrain.status, 0, helpTrain.stderr);
  assert.equal(helpTrain.stdout, trainHelp.stdout, "train's usage, not the command list");
  assert.equal(misplaced.status, 2, misplaced.stdout);
  assert.equal(misplaced.stderr, "heartmind: options go after the command: heartmind sessions list --json --data-dir '/data/lab one'\n", 'the line to type instead');
  assert.equal(alone.status, 2, alone.stdout);
  assert.match(alone.stderr, /^heartmind: unknown option -v: options go after the command \(heartmind --help lists the commands, heartmind --version says the version\)\n$/, 'no command to put it after');
});

test("every command's --help ends with examples of that command, each a line whose verb and flags the command takes", async () => {
  for (const c of COMMANDS) {
    const { command } = await c.load();
    const examples = command.usage.split('\n\nexamples:\n')[1]?.split('\n') ?? [];
    assert.ok(examples.length > 0, `heartmind ${c.name} --help has examples`);
    for (const line of examples) {
      // The words a shell makes of it (no glob expansion, the comment dropped), as pasted.
      const words = execFileSync('sh', ['-fc', `printf '%s\\0' ${line.replace(/>.*/, '')}`], { encoding: 'utf8' }).split('\0').slice(0, -1);
      assert.deepEqual(words.slice(0, 2), ['heartmind', c.name], line);
      const verb = /<verb>/.test(command.usage) ? words[2] : undefined;
      if (verb) assert.match(command.usage, new RegExp(`^ {2}${verb} `, 'm'), `${line}: ${verb} is a verb of ${c.name}`);
      // Parsed in order, an unknown flag or a flag missing its value is refused before the sentinel at the end.
      await assert.rejects(command.run([...words.slice(2), '--no-such-flag'], { out: () => {}, err: () => {} }), (e: Error) => e instanceof CliUsageError && e.message === 'unknown option --no-such-flag', line);
    }
  }
});

test('heartmind --help names the data folder the commands use (the platform\'s app-data folder, or $HEARTMIND_DATA_DIR)', async (t) => {
  const saved = process.env.HEARTMIND_DATA_DIR;
  t.after(() => (saved === undefined ? delete process.env.HEARTMIND_DATA_DIR : (process.env.HEARTMIND_DATA_DIR = saved)));
  process.env.HEARTMIND_DATA_DIR = join('lab', 'heartmind');
  const r = await cli('--help');
  assert.equal(r.stdout.trimEnd().split('\n').at(-1), `data folder: ${resolve('lab', 'heartmind')} ($HEARTMIND_DATA_DIR; recordings, models, training runs); a command's --data-dir DIR picks another`);
  delete process.env.HEARTMIND_DATA_DIR;
  const home = await cli('--help');
  assert.equal(home.stdout.trimEnd().split('\n').at(-1), `data folder: ${resolve(defaultDataDir())} (recordings, models, training runs); $HEARTMIND_DATA_DIR or a command's --data-dir DIR picks another`);
});
