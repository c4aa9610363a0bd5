// The one wording of a failed read, as Node's own errors give it: an import, the model registry and
// a recording's companion files all say "cannot read X: <this>".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fsReason } from '../../../src/main/core/fs-reason';

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  assert.fail('expected a throw');
}

test('fsReason says a failed read in words, whatever read it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hm-fs-reason-'));
  try {
    const file = join(dir, 'a.edf');
    writeFileSync(file, 'x');
    assert.equal(fsReason(thrown(() => readFileSync(join(dir, 'absent.onnx')))), 'not found', 'a file not there');
    assert.equal(fsReason(thrown(() => readdirSync(join(dir, 'absent')))), 'not found', 'a folder not there: the same words');
    assert.equal(fsReason(thrown(() => readFileSync(dir))), 'it is a folder, not a file', 'a folder given for a file');
    assert.equal(fsReason(thrown(() => readFileSync(join(file, 'x')))), 'a part of the path is not a folder', 'a file on the way');
    assert.equal(fsReason(new SyntaxError('Unexpected end of JSON input')), 'Unexpected end of JSON input', 'not a file-system error: its own message');
    assert.equal(fsReason('text'), 'text', 'a thrown string');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
