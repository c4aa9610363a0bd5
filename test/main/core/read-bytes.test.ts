// readFileBytes: a file's bytes without the element-by-element copy, and still a Uint8Array that
// owns its whole ArrayBuffer, so readers that view `bytes.buffer` from offset 0 see the file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createWriteStream, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readFileBytes } from '../../../src/main/core/read-bytes';
import { tempDir } from '../db/db-test-util';

test('a file of known size: its bytes, over the buffer readFile filled', async (t) => {
  const path = join(tempDir(t), 'weights.bin');
  const data = new Uint8Array(300_000).map((_, i) => (i * 31 + 7) & 0xff);
  writeFileSync(path, data);
  const bytes = await readFileBytes(path);
  assert.deepEqual(bytes, data, 'the file bytes');
  assert.equal(bytes.byteOffset, 0, 'starts at its buffer start');
  assert.equal(bytes.buffer.byteLength, data.length, 'owns exactly its buffer');
  assert.equal(new Float32Array(bytes.buffer, 4, 1)[0], new Float32Array(data.buffer, 4, 1)[0], 'a view over .buffer reads the file');
});

test('a small file of unknown size (a FIFO, read through Node\'s shared pool): its own copy, the right bytes', async (t) => {
  const path = join(tempDir(t), 'pipe');
  execFileSync('mkfifo', [path]);
  const text = 'a few bytes through the pool';
  // One writer per read, each read to its end before the next opens the FIFO.
  const through = async <T>(read: () => Promise<T>): Promise<T> => {
    const got = read();
    createWriteStream(path).end(text);
    return got;
  };
  // The premise: readFile hands back a slice of a larger pooled ArrayBuffer here.
  const b = await through(() => readFile(path));
  const bytes = await through(() => readFileBytes(path));
  assert.ok(b.byteOffset > 0 || b.buffer.byteLength > b.byteLength, `readFile's Buffer is a pool slice (offset ${b.byteOffset}, pool ${b.buffer.byteLength})`);
  assert.equal(Buffer.from(bytes).toString(), text, 'the bytes written');
  assert.equal(bytes.byteOffset, 0, 'starts at its buffer start');
  assert.equal(bytes.buffer.byteLength, text.length, 'not the shared pool');
});
