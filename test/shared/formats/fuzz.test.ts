// A seeded sample of the fuzzer (bench/fuzz-formats.ts runs 10^5 cases): mutated and random
// inputs to every parser end in a result or a FormatError, never another exception, never a
// result out of proportion to the input, never a stall.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fuzz, loadTargets } from '../../../bench/fuzz-formats';

const skip = !existsSync(path.resolve('..', 'shared', 'data')) && 'needs ../shared/data (the seed files)';

test('800 seeded fuzz cases across all parsers: no crash, bounded memory, no stall', { skip }, () => {
  const reports = fuzz(loadTargets(), 800, 20240601);
  for (const r of reports) {
    assert.deepEqual(r.crashes, [], `${r.target} crashed`);
    assert.equal(r.oversized, 0, `${r.target} held too much memory`);
    assert.ok(r.worstMs < 2000, `${r.target} took ${r.worstMs} ms on one case`);
    assert.ok(r.ok > 0 && r.formatErrors > 0, `${r.target}: both outcomes seen (${r.ok} parsed, ${r.formatErrors} refused)`);
  }
});
