// parseFlags: node:util parseArgs with our usage errors, and negative numbers taken as values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { CliUsageError, commandLine, intFlag, numberFlag, parseFlags, portValue, shellWord, unknownName, usageSynopsis } from '../../../src/main/core/cli-command';
import { nearestName } from '../../../src/shared/nearest-name';

const OPTIONS = { duration: { type: 'string' }, name: { type: 'string' }, json: { type: 'boolean' } } as const;

test('a negative number after a flag that takes a value is its value, for the command to judge', () => {
  assert.equal(parseFlags(['--duration', '-5'], OPTIONS).values.duration, '-5');
  assert.equal(parseFlags(['--duration', '-.5', 'x'], OPTIONS).values.duration, '-.5');
  assert.deepEqual({ ...parseFlags(['--duration=-1e3', '--json'], OPTIONS).values }, { duration: '-1e3', json: true });
  // after '--' everything is a positional, as parseArgs has it
  assert.deepEqual(parseFlags(['--', '--duration', '-5'], OPTIONS).positionals, ['--duration', '-5']);
});

test('a flag without its value, or with one that starts with a dash, is a usage error naming the flag', () => {
  assert.throws(() => parseFlags(['--duration'], OPTIONS), (e: unknown) => e instanceof CliUsageError && e.message === '--duration needs a value');
  assert.throws(
    () => parseFlags(['--name', '-x'], OPTIONS),
    (e: unknown) => e instanceof CliUsageError && e.message === "--name needs a value (for one that starts with '-', write --name=-VALUE)",
  );
  assert.throws(() => parseFlags(['--json', '-5'], OPTIONS), CliUsageError, 'a boolean flag takes no value');
  // a switch given a value said '--json needs a value', the opposite of what was wrong
  assert.throws(() => parseFlags(['--json=1'], OPTIONS), (e: unknown) => e instanceof CliUsageError && e.message === '--json takes no value (write --json alone)', 'a switch with =value');
  assert.throws(() => parseFlags(['--bogus'], OPTIONS), (e: unknown) => e instanceof CliUsageError && e.message === 'unknown option --bogus');
});

test('an unknown flag names the option it most likely meant', () => {
  const refused = (argv: string[], message: string) => assert.throws(() => parseFlags(argv, OPTIONS), (e: unknown) => e instanceof CliUsageError && e.message === message, message);
  refused(['--durations', '5'], 'unknown option --durations (did you mean --duration?)');
  refused(['--dur=5'], 'unknown option --dur (did you mean --duration?)');
  refused(['--nmae', 'x'], 'unknown option --nmae (did you mean --name?)');
  refused(['--jsn'], 'unknown option --jsn (did you mean --json?)');
  refused(['--verbose'], 'unknown option --verbose');
  assert.equal(nearestName('epoch', ['epochs', 'batch', 'seed']), 'epochs');
  assert.equal(nearestName('x', ['epochs', 'batch']), null);
  // A montage's channel: case-blind, one edit at most (two would make 'Xx' a 'Cz').
  const electrode = { maxEdits: 1, key: (s: string) => s.toUpperCase() };
  assert.equal(nearestName('Cx', ['Fp1', 'Cz', 'O2'], electrode), 'Cz');
  assert.equal(nearestName('fp3', ['Fp1', 'Cz'], electrode), 'Fp1');
  assert.equal(nearestName('Xx', ['Fp1', 'Cz', 'O2'], electrode), null);
  // A command or verb: the one meant, else the list (sessions said only "unknown verb 'lst'").
  assert.equal(unknownName('verb', 'lst', ['list', 'show']), "unknown verb 'lst' (did you mean list?)");
  assert.equal(unknownName('verb', 'frobnicate', ['list', 'show']), "unknown verb 'frobnicate' (list, show)");
});

test("a usage error shows the command's synopsis and where its options are, not sixty lines of them", () => {
  const usage = 'usage: heartmind train A\n       heartmind train B\n\nTrains.\n\n  --epochs N  (default 50)';
  assert.equal(usageSynopsis('train', usage), 'usage: heartmind train A\n       heartmind train B\n(heartmind train --help lists every option)');
  assert.equal(usageSynopsis('x', 'usage: heartmind x [--y]'), 'usage: heartmind x [--y]', 'a one-paragraph usage is shown whole');
});

test('number flags are plain decimals: no hex, no empty value taken as 0; the message names the flag or variable, the rule and the value', () => {
  const refused = (fn: () => unknown, message: string) => assert.throws(fn, (e: unknown) => e instanceof CliUsageError && e.message === message, message);
  assert.equal(numberFlag(undefined, 'duration'), undefined);
  assert.equal(numberFlag('1.5', 'duration', { above: 0 }), 1.5);
  assert.equal(numberFlag('-2', 'from'), -2);
  refused(() => numberFlag('0x10', 'duration', { above: 0 }), "--duration must be a positive number, got '0x10'");
  refused(() => numberFlag('', 'from'), "--from must be a number, got ''");
  refused(() => numberFlag('Infinity', 'from'), "--from must be a number, got 'Infinity'");
  refused(() => numberFlag('0', 'lr', { above: 0, below: 1 }), "--lr must be a number in (0, 1), got '0'");
  refused(() => numberFlag('1', 'ratio', { min: 0, below: 1 }), "--ratio must be a number in [0, 1), got '1'");
  refused(() => numberFlag('-1', 'x', { max: -2 }), "--x must be a number ≤ -2, got '-1'");
  refused(() => numberFlag('7', 'x', { integer: true, min: 0, max: 5, expect: 'a small count' }), "--x must be a small count, got '7'");
  assert.equal(intFlag('12', 'epochs'), 12);
  refused(() => intFlag('1.5', 'epochs'), "--epochs must be a positive integer, got '1.5'");
  refused(() => intFlag('0x10', 'epochs'), "--epochs must be a positive integer, got '0x10'");
  refused(() => intFlag('-1', 'validation', 0), "--validation must be an integer ≥ 0, got '-1'");

  assert.equal(portValue(undefined, 'port'), undefined);
  assert.equal(portValue('0', 'port'), 0);
  assert.equal(portValue('65535', 'port'), 65535);
  for (const bad of ['', ' ', '0x10', '65536', '-1', '80.5', 'http']) refused(() => portValue(bad, 'port'), `--port must be an integer 0–65535, got '${bad}'`);
  refused(() => portValue('0x10', 'HEARTMIND_PORT'), "HEARTMIND_PORT must be an integer 0–65535, got '0x10'");
});

test('a printed command line pastes back into a shell as the same words (spaces, quotes, $, ~, empty, non-ASCII)', () => {
  const words = ['heartmind', 'train', '--name', 'rest vs task', '--out', "/data/lab's runs", '--file', '$HOME/a b.edf=rest', '--notes', '', '--data-dir', '~/hm', '--task', 'stress:calm,stress', '--subject', 'Jürgen', '--x', 'a\nb"c`d'];
  const line = commandLine(words);
  // sh splits the line and prints each word, ending it with a NUL (a word may hold a line break)
  const back = execFileSync('sh', ['-c', `printf '%s\\0' ${line}`], { encoding: 'utf8' }).split('\0').slice(0, -1);
  assert.deepEqual(back, words, line);
  // plain words stay bare: the lines the docs show are unchanged
  assert.equal(commandLine(['heartmind', 'train', '--resume', '2026-11-27-231148-quick-try', '--out', '/tmp/runs', '--labels', 'annotations:T1=a,T2=b']), 'heartmind train --resume 2026-11-27-231148-quick-try --out /tmp/runs --labels annotations:T1=a,T2=b');
  assert.equal(shellWord("it's"), `'it'\\''s'`, 'a quote closes, is escaped and reopens');
});
