// Scans that overlap (a watcher's rescan while an install's own scan or an earlier rescan still runs)
// end in the order they were asked for: the list is the folder as the last scan found it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { defaultFusedConfig, TASK_MENTAL_ARITHMETIC } from '../../../src/shared/model/config';
import { initHostParams } from '../../../src/shared/model/params';
import { exportFusedOnnx } from '../../../src/shared/onnx/export';
import { ModelRegistry, writeModelDir } from '../../../src/main/model/registry';
import { sampleCard } from '../../shared/model/sample-card';
import { tempDir } from '../db/db-test-util';

const config = defaultFusedConfig([TASK_MENTAL_ARITHMETIC], { nLayers: 1 });

test('a scan asked for while another runs ends after it: a model removed meanwhile is not listed again by the older scan', async (t) => {
  const user = tempDir(t, 'hm-models-order-');
  await writeModelDir(user, sampleCard(), exportFusedOnnx(config, initHostParams(config, 1)));
  // Every ONNX read in a worker thread: the first scan waits on a thread's start while the second runs.
  const reg = new ModelRegistry([{ dir: user, source: 'user' }], 0);
  const first = reg.scan();
  // Removed while the first scan waits on its worker thread (it has read the folder by then, mostly:
  // either way the second scan, asked for after the removal, must have the last word).
  await new Promise((r) => setTimeout(r, 20));
  rmSync(join(user, 'eegmat-test'), { recursive: true });
  const second = reg.scan();
  const [a, b] = await Promise.all([first, second]);
  assert.deepEqual(b.map((m) => m.id), [], 'the second scan finds no model');
  assert.deepEqual(reg.list().map((m) => m.id), [], `the registry holds what the last scan found, not the first scan's ${JSON.stringify(a.map((m) => m.id))}`);
});
