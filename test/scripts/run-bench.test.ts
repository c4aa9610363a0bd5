// scripts/run-bench.mjs: a filter that matches no benchmark fails and says so (and how to run a
// fuzzer it matched instead); no benchmark runs here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

const runBench = (...filters: string[]) => spawnSync(process.execPath, ['scripts/run-bench.mjs', ...filters], { encoding: 'utf8' });

test('a filter that matches nothing exits 1 and says so', () => {
  const r = runBench('nothing-like-it');
  assert.equal(r.status, 1);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /no benchmark \(bench\/\*\.bench\.ts\) matched 'nothing-like-it'/);
});

test('a filter that names a fuzzer says how to run it', () => {
  const r = runBench('fuzz-formats');
  assert.equal(r.status, 1);
  assert.match(r.stderr, /bench\/fuzz-formats\.ts is not a benchmark; run it on its own:\n {2}node --import tsx bench\/fuzz-formats\.ts/);
});

test('a module the benchmarks import is not offered as a script to run (it would do nothing)', () => {
  const r = runBench('jax-model-timing');
  assert.equal(r.status, 1);
  assert.match(r.stderr, /no benchmark \(bench\/\*\.bench\.ts\) matched 'jax-model-timing'/);
  assert.doesNotMatch(r.stderr, /node --import tsx bench\/jax-model-timing\.ts/);
});

test('--help says what it takes, and a flag (one benchmark\'s own) is refused with where it goes', () => {
  const help = runBench('--help');
  assert.equal(help.status, 0);
  assert.match(help.stdout, /^npm run bench \[-- NAME\.\.\.\]/);
  const r = runBench('pipeline', '--seconds', '5');
  assert.equal(r.status, 1);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^--seconds: npm run bench takes names, not flags\n[^]*node --import tsx bench\/<file> --help/);
});
