import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, copyFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readRecordingFiles } from '../../../src/main/formats/read-recording-files';
import { importWfdb } from '../../../src/shared/formats/wfdb';
import { FormatError } from '../../../src/shared/formats/format-error';
import { dataPath, NEED_DATA } from '../../fixtures/shared-data';

test('a WFDB header brings its signal files and annotation files', { skip: NEED_DATA }, async () => {
  const files = await readRecordingFiles(dataPath('wfdb-mitdb', '100.hea'));
  assert.deepEqual(files.map((f) => f.name).sort(), ['100.atr', '100.dat', '100.hea']);
  const ptb = await readRecordingFiles(dataPath('wfdb-ptbdb', 's0010_re.hea'));
  assert.deepEqual(ptb.map((f) => f.name).sort(), ['s0010_re.dat', 's0010_re.hea', 's0010_re.xyz']);
  const ludb = await readRecordingFiles(dataPath('wfdb-ludb', '1.hea'));
  assert.equal(ludb.length, 2 + 12);
  assert.equal(importWfdb(ludb).annotations.length > 0, true);
});

test('a missing signal file is named in the error', { skip: NEED_DATA }, async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hm-wfdb-'));
  try {
    copyFileSync(dataPath('wfdb-mitdb', '100.hea'), path.join(dir, '100.hea'));
    await assert.rejects(readRecordingFiles(path.join(dir, '100.hea')), (e: unknown) => e instanceof FormatError && e.code === 'missing-file' && /100\.dat/.test(e.message));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('any other file comes alone', { skip: NEED_DATA }, async () => {
  const files = await readRecordingFiles(dataPath('edf-eegmmidb', 'S001R04.edf'));
  assert.deepEqual(files.map((f) => f.name), ['S001R04.edf']);
});
