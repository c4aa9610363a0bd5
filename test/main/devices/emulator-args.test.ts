// run-emulator.ts's command line: what a developer types is checked and said back, where a rate
// that is not a number or a typo'd flag was taken silently (`--rate abc`: "emulating text on …",
// then not one line written).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { EMULATOR_USAGE, parseEmulatorArgs } from '../../../src/main/devices/emulator/emulator-args';

describe('parseEmulatorArgs', () => {
  test('the documented command lines', () => {
    assert.deepEqual(parseEmulatorArgs(['cyton', '/tmp/cyton-dev', '--recording', 'rec.txt', '--reopen']), { kind: 'cyton', path: '/tmp/cyton-dev', daisy: false, recording: 'rec.txt', rateHz: 250, channels: 1, clockPpm: 0, reopen: true });
    assert.deepEqual(parseEmulatorArgs(['text', '/tmp/t', '--rate', '2000', '--channels', '8', '--clock-ppm', '-300']), { kind: 'text', path: '/tmp/t', daisy: false, rateHz: 2000, channels: 8, clockPpm: -300, reopen: false });
    assert.equal(parseEmulatorArgs(['cyton', '/tmp/c', '--daisy']).daisy, true);
  });

  test('values that are not what the flag takes are named', () => {
    const bad: [string[], RegExp][] = [
      [['text', '/tmp/t', '--rate', 'abc'], /--rate: "abc" is not a rate in Hz/],
      [['text', '/tmp/t', '--rate', '0'], /--rate: "0" is not a rate in Hz/],
      [['text', '/tmp/t', '--rate', ''], /--rate: "" is not a rate in Hz/],
      [['text', '/tmp/t', '--channels', '0'], /--channels: "0" is not a channel count/],
      [['text', '/tmp/t', '--channels', '2.5'], /--channels: "2.5" is not a channel count/],
      [['text', '/tmp/t', '--clock-ppm', 'fast'], /--clock-ppm: "fast" is not a crystal error in ppm/],
    ];
    for (const [argv, re] of bad) assert.throws(() => parseEmulatorArgs(argv), re, argv.join(' '));
  });

  test('a typo, a flag of the other emulator, a stray argument, a missing path', () => {
    assert.throws(() => parseEmulatorArgs(['text', '/tmp/t', '--rates', '500']), (e: Error) => e.message.startsWith('unknown option --rates (did you mean --rate?)\n') && e.message.endsWith(EMULATOR_USAGE));
    assert.throws(() => parseEmulatorArgs(['cyton', '/tmp/c', '--rate', '500']), /--rate is for the text emulator \(a Cyton sends at 250 Hz, 125 Hz with --daisy\)$/);
    assert.throws(() => parseEmulatorArgs(['text', '/tmp/t', '--daisy']), /--daisy is for the cyton emulator/);
    assert.throws(() => parseEmulatorArgs(['text', '/tmp/t', '250']), /unexpected argument '250'/);
    assert.throws(() => parseEmulatorArgs(['text']), (e: Error) => e.message === EMULATOR_USAGE);
    assert.throws(() => parseEmulatorArgs(['muse', '/tmp/m']), (e: Error) => e.message === EMULATOR_USAGE);
  });
});
