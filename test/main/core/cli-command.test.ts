// parseFlags: node:util parseArgs with our usage errors, and negative numbers taken as values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CliUsageError, parseFlags } from '../../../src/main/core/cli-command';

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
  assert.throws(() => parseFlags(['--bogus'], OPTIONS), (e: unknown) => e instanceof CliUsageError && /Unknown option '--bogus'/.test(e.message));
});
