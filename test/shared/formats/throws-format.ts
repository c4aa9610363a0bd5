// Asserts that a parser refuses its input with the FormatError the format tests expect.
import assert from 'node:assert/strict';
import { FormatError } from '../../../src/shared/formats/format-error';

/** `fn` throws a FormatError with this code and file name (and, given `detail`, a message matching it). */
export function throwsFormat(fn: () => unknown, code: string, fileName: string, detail?: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof FormatError, `expected FormatError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    assert.equal(e.fileName, fileName);
    if (detail) assert.match(e.message, detail);
    return true;
  });
}
