import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePickPathRequest } from '../../../src/shared/ipc/pick-path';

describe('parsePickPathRequest (what main accepts from the page before showing a dialog)', () => {
  test('keeps a well-formed request as it is', () => {
    const req = { mode: 'save-file', title: 'Export', defaultPath: 'a.edf', filters: [{ name: 'EDF+', extensions: ['edf'] }, { name: 'All', extensions: ['*'] }] };
    assert.deepEqual(parsePickPathRequest(req), req);
    assert.deepEqual(parsePickPathRequest({ mode: 'open-folder', title: 'EEGMAT' }), { mode: 'open-folder', title: 'EEGMAT' });
  });

  test('refuses what is not a request, naming the field', () => {
    const bad: [unknown, RegExp][] = [
      [null, /must be an object/],
      [{ mode: 'delete', title: 'x' }, /mode must be one of open-file, open-folder, save-file/],
      [{ mode: 'open-file' }, /title must be a string/],
      [{ mode: 'open-file', title: 'x'.repeat(5000) }, /title must be a string of at most 4096/],
      [{ mode: 'open-file', title: 'x', defaultPath: 3 }, /defaultPath must be a string/],
      [{ mode: 'open-file', title: 'x', filters: 'edf' }, /filters must be a list/],
      [{ mode: 'open-file', title: 'x', filters: [{ name: 'EDF', extensions: [] }] }, /filters\[0\].extensions must list 1 to 20/],
      [{ mode: 'open-file', title: 'x', filters: [{ name: 'EDF', extensions: ['.edf'] }] }, /'\.edf' is not an extension/],
      [{ mode: 'open-file', title: 'x', filters: [{ extensions: ['edf'] }] }, /filters\[0\].name must be a string/],
    ];
    for (const [req, why] of bad) assert.throws(() => parsePickPathRequest(req), why, JSON.stringify(req)?.slice(0, 60));
  });
});
