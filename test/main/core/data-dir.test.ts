// The data folder: created when missing; what stands in the way said in words, naming the part of
// the path at fault (a file where a folder should be, a read-only file system).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dataDirHint, describeFsProblem, prepareDataDir } from '../../../src/main/core/data-dir';
import { tempDir } from '../db/db-test-util';
import { tmpfsDir } from '../../fixtures/tmpfs';

test('a missing data folder is created, with its parents; an existing one is fine', (t) => {
  const dir = join(tempDir(t), 'a', 'b', 'HeartMind');
  assert.equal(prepareDataDir(dir), null);
  assert.ok(statSync(dir).isDirectory(), `${dir} is a directory`);
  assert.equal(prepareDataDir(dir), null);
});

test('a file where the folder, or one of its parents, should be is named', (t) => {
  const root = tempDir(t);
  const file = join(root, 'afile');
  writeFileSync(file, 'not a folder');
  assert.equal(prepareDataDir(file), `the data folder ${file} is a file, not a folder`);
  assert.equal(prepareDataDir(join(file, 'sub', 'HeartMind')), `the data folder ${join(file, 'sub', 'HeartMind')} cannot be created: ${file} is a file, not a folder`);
  assert.deepEqual(describeFsProblem(new Error('ENOTDIR'), join(file, 'sub')), { kind: 'not-a-folder', path: file, text: `${file} is a file, not a folder` });
  // A relative path is named in full, so the message says where.
  const cwd = process.cwd();
  process.chdir(root);
  t.after(() => process.chdir(cwd));
  assert.equal(prepareDataDir('afile'), `the data folder ${file} is a file, not a folder`);
});

test('a folder on a read-only file system is named', (t) => {
  // Root ignores permissions; a read-only tmpfs stops even root.
  const mnt = tmpfsDir(t, 64, { readOnly: true });
  if (!mnt) return t.skip('needs root and mount for a read-only file system');
  assert.equal(prepareDataDir(join(mnt, 'HeartMind')), `the data folder ${join(mnt, 'HeartMind')} cannot be created: ${mnt} is on a read-only file system`);
  assert.equal(existsSync(join(mnt, 'HeartMind')), false);
  assert.deepEqual(describeFsProblem(new Error('ENOENT'), join(mnt, 'HeartMind')), { kind: 'read-only', path: mnt, text: `${mnt} is on a read-only file system` });
});

test('the way out depends on how HeartMind runs', () => {
  assert.match(dataDirHint('serve'), /--data-dir DIR \(or HEARTMIND_DATA_DIR\)/);
  assert.doesNotMatch(dataDirHint('electron'), /--data-dir/);
  assert.match(dataDirHint('electron'), /HEARTMIND_DATA_DIR/);
});
