// The registry's ONNX threads (src/main/model/onnx-pool.ts): a scan of many models starts one thread
// and reuses it for every file and the next scans (it started one per file: ~0.3–0.4 s each in the
// built app, a cold scan of 5 models ~4 s at load); the facts are those read in place; a thread that
// dies refuses only the file it held; an idle thread ends and does not keep the process alive.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { defaultFusedConfig, TASK_MENTAL_ARITHMETIC } from '../../../src/shared/model/config';
import { initHostParams } from '../../../src/shared/model/params';
import { exportFusedOnnx } from '../../../src/shared/onnx/export';
import { ModelRegistry, writeModelDir } from '../../../src/main/model/registry';
import { OnnxCheckPool, onnxPoolSize } from '../../../src/main/model/onnx-pool';
import { sampleCard } from '../../shared/model/sample-card';
import { tempDir } from '../db/db-test-util';

const config = defaultFusedConfig([TASK_MENTAL_ARITHMETIC], { nLayers: 1 });
const onnx = exportFusedOnnx(config, initHostParams(config, 1));

/** A user folder holding `n` usable models and two damaged ones. */
async function folder(t: Parameters<typeof tempDir>[0], n: number): Promise<string> {
  const user = tempDir(t, 'hm-onnx-pool-');
  for (let i = 0; i < n; i++) await writeModelDir(user, sampleCard({ id: `m${i}` }), onnx);
  const card = JSON.parse(readFileSync(join(user, 'm0', 'card.json'), 'utf8'));
  for (const [id, bytes] of [
    ['cut-short', onnx.subarray(0, onnx.length >> 1)],
    ['text', new TextEncoder().encode('not a model')],
  ] as const) {
    mkdirSync(join(user, id));
    writeFileSync(join(user, id, 'card.json'), JSON.stringify({ ...card, id }));
    writeFileSync(join(user, id, 'model.onnx'), bytes);
  }
  return user;
}

test('a scan of many models starts one thread, reused for every file and for the next scans; the same list as read in place', async (t) => {
  const user = await folder(t, 4);
  const roots = [{ dir: user, source: 'user' as const }];
  const pool = new OnnxCheckPool({ size: 1 });
  t.after(() => pool.close());
  const reg = new ModelRegistry(roots, 0, pool);
  const inWorker = await reg.scan();
  assert.deepEqual(inWorker, await new ModelRegistry(roots, Infinity).scan(), 'the same models, facts and problems as read in place');
  assert.deepEqual(
    inWorker.map((m) => [m.id, m.problems.length > 0]),
    [['cut-short', true], ['m0', false], ['m1', false], ['m2', false], ['m3', false], ['text', true]],
    'the usable ones usable, the damaged ones listed with their problems',
  );
  assert.equal(pool.started, 1, 'six files, one thread');
  writeFileSync(join(user, 'm2', 'model.onnx'), onnx); // written again: read again
  await reg.scan();
  assert.equal(pool.started, 1, 'the rescan reads the changed file in the same thread');
  assert.equal(pool.threads, 1);
});

test('the pool has a core fewer than the machine, at least one and at most four threads', () => {
  assert.deepEqual([1, 2, 3, 8, 64].map((c) => onnxPoolSize(c)), [1, 1, 2, 4, 4]);
});

test('a thread that dies refuses only the file it held, naming it; the next file gets a new thread', async (t) => {
  // A stand-in worker: answers each file with a failure of its own, ends its thread on 'crash'.
  const entry = {
    evalCode: `const { parentPort } = require('node:worker_threads');
      parentPort.on('message', (m) => {
        if (m.path.includes('crash')) process.exit(3);
        parentPort.postMessage({ id: m.id, type: 'failed', error: { name: 'Error', message: 'cannot read ' + m.path, code: 'ETEST' } });
      });`,
  };
  const pool = new OnnxCheckPool({ size: 1, entry });
  t.after(() => pool.close());
  const outcomes = await Promise.allSettled(['/a/model.onnx', '/crash/model.onnx', '/b/model.onnx'].map((p) => pool.read(p)));
  assert.deepEqual(
    outcomes.map((o) => (o.status === 'rejected' ? `${(o.reason as Error & { code?: string }).code ?? ''} ${(o.reason as Error).message}` : 'read')),
    ['ETEST cannot read /a/model.onnx', ' the check of /crash/model.onnx stopped before it finished (worker exit code 3)', 'ETEST cannot read /b/model.onnx'],
  );
  assert.equal(pool.started, 2, 'a new thread after the one that died');
  // A worker that cannot even load: each file asked is refused with why, none waits for ever.
  const broken = new OnnxCheckPool({ size: 2, entry: { evalCode: `throw new Error('the worker bundle is damaged')` } });
  t.after(() => broken.close());
  const r = await Promise.allSettled(['/x', '/y', '/z'].map((p) => broken.read(p)));
  assert.deepEqual(
    r.map((o) => o.status === 'rejected' && (o.reason as Error).message),
    ['the worker bundle is damaged', 'the worker bundle is damaged', 'the worker bundle is damaged'],
  );
});

test('an idle thread ends after the idle time; the next file starts one again', async (t) => {
  const user = await folder(t, 1);
  const pool = new OnnxCheckPool({ size: 1, idleMs: 50 });
  t.after(() => pool.close());
  const path = join(user, 'm0', 'model.onnx');
  assert.equal((await pool.read(path)).sizeBytes, onnx.length);
  const t0 = Date.now();
  while (pool.threads && Date.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 20));
  assert.equal(pool.threads, 0, 'the idle thread ended');
  assert.equal((await pool.read(path)).sizeBytes, onnx.length);
  assert.equal(pool.started, 2);
});

test('an idle thread does not keep the process alive: a CLI exits once it has printed', async (t) => {
  const user = await folder(t, 1);
  const pool = pathToFileURL(resolve('src/main/model/onnx-pool.ts')).href;
  const path = join(user, 'm0', 'model.onnx');
  // Idle for 10 minutes if it held the process: the child would run into the 60-s limit.
  const code = `const { OnnxCheckPool } = await import(${JSON.stringify(pool)});
    const r = await new OnnxCheckPool({ idleMs: 600000 }).read(${JSON.stringify(path)});
    console.log('read', r.sizeBytes);`;
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(child.error, undefined, `the process ended by itself (${child.error?.message}); stderr: ${child.stderr}`);
  assert.deepEqual([child.status, child.stdout.trim()], [0, `read ${onnx.length}`], child.stderr);
});
