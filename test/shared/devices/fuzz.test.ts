// A seeded sample of the device fuzzer (bench/fuzz-devices.ts runs ≥ 10^5 per parser): every
// parser returns sane values or throws a DeviceError on mutated frames, nothing else.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runFuzz } from '../../fixtures/fuzz-devices';

test('3000 mutated frames per parser: sane results or DeviceErrors, never a crash', () => {
  for (const r of runFuzz(20261125, 3000)) {
    assert.deepEqual(r.tally.failures, [], r.name);
    assert.ok(r.tally.ok + r.tally.refused >= 3000, `${r.name}: ${r.tally.ok} ok, ${r.tally.refused} refused`);
    // Frame parsers refuse bad frames; stream decoders resynchronise and the machine takes any event.
    if (!['Cyton stream', 'Serial text lines', 'Connection machine events'].includes(r.name)) assert.ok(r.tally.refused > 0, `${r.name}: some mutations were refused`);
  }
});
