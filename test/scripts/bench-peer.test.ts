// bench-util's runPeer, which every benchmark's Python peer (scipy, MNE, scikit-learn, PyTorch) runs
// through: a peer that cannot run gives one line saying why, never a traceback or a crash, so a
// benchmark prints its own figures and "peer skipped: …" where python3 or one of its modules is
// missing. A module is made missing here by a package on PYTHONPATH that refuses to import.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PEER_PYTHON, runPeer } from '../../bench/bench-util';

const skip = existsSync(PEER_PYTHON) ? false : `needs ${PEER_PYTHON}`;
const shadow = mkdtempSync(join(tmpdir(), 'hm-peer-'));
mkdirSync(join(shadow, 'nopeer'));
writeFileSync(join(shadow, 'nopeer', '__init__.py'), "raise ModuleNotFoundError(\"No module named 'nopeer'\")\n");
const env = { ...process.env, PYTHONPATH: shadow };
after(() => rmSync(shadow, { recursive: true, force: true }));

test('a peer that prints JSON last gives its value', { skip }, () => {
  assert.deepEqual(runPeer(['-c', 'import json, sys; print("warming up"); print(json.dumps({"ms": [1.5, 2]}))']), { value: { ms: [1.5, 2] } });
  assert.deepEqual(runPeer(['-c', 'import json, sys; print(json.dumps(sum(json.load(sys.stdin))))'], { input: '[1, 2, 3]' }), { value: 6 }, 'stdin is its input');
});

test('a missing module gives the import error in one line, also when the peer never reads its large input', { skip }, () => {
  const why = (r: ReturnType<typeof runPeer>) => ('why' in r ? r.why : `a value: ${JSON.stringify(r.value)}`);
  assert.equal(why(runPeer(['-c', 'import nopeer'], { env })), "ModuleNotFoundError: No module named 'nopeer'");
  // The peer exits before reading stdin: spawnSync reports EPIPE, and the reason is still the import's.
  const big = JSON.stringify({ y: new Array(2_000_000).fill(1) });
  assert.equal(why(runPeer(['-c', 'import nopeer, sys, json; json.load(sys.stdin)'], { env, input: big })), "ModuleNotFoundError: No module named 'nopeer'");
});

test('no interpreter, a failing exit or no JSON each say so', { skip }, () => {
  assert.deepEqual(runPeer(['-c', 'print(1)'], { python: join(shadow, 'no-python3') }), { why: `${join(shadow, 'no-python3')} not found` });
  assert.deepEqual(runPeer(['-c', 'import sys; sys.exit(3)']), { why: `${PEER_PYTHON} exited with 3` });
  assert.deepEqual(runPeer(['-c', 'print("done")']), { why: 'no JSON result from the peer (its last line: done)' });
});
