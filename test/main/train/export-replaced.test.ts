// The runs table's model column: a run whose model id now holds another run's model (each quick run
// replaces 'quick-try') says so, where every quick run read 'quick-try' and Use ran the last one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportReplaced } from '../../../src/main/train/training.core';

test("a model id that holds another run's model reads replaced; this run's, another folder's or none do not", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hm-export-replaced-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const card = (id: string, provenance: string) => {
    mkdirSync(join(dir, id), { recursive: true });
    writeFileSync(join(dir, id, 'card.json'), JSON.stringify({ id, training: { provenance } }));
  };
  card('quick-try', 'Training view: quick try; run 2026-11-27-054553-quick; commit 2d83ae5');
  assert.equal(await exportReplaced(dir, '2026-11-27-050506-quick', 'quick-try'), true, 'a later quick run replaced it');
  assert.equal(await exportReplaced(dir, '2026-11-27-054553-quick', 'quick-try'), false, "this run's own model");
  assert.equal(await exportReplaced(dir, 'r1', 'not-there'), false, 'exported elsewhere (--export-to) or removed: nothing to say');
  card('hand-made', 'written by hand');
  assert.equal(await exportReplaced(dir, 'r1', 'hand-made'), false, 'a card that names no run');
  mkdirSync(join(dir, 'broken'));
  writeFileSync(join(dir, 'broken', 'card.json'), '{');
  assert.equal(await exportReplaced(dir, 'r1', 'broken'), false, 'an unreadable card');
  assert.equal(await exportReplaced(dir, 'r1', '../escape'), false, 'not a model id');
});
