// Paths as researchers type and paste them into the Sessions view's Import and Export fields.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { typedPath } from '../../../src/main/sessions/typed-path';
import { startServiceRig } from '../replay/service-rig';
import { tempDir } from '../db/db-test-util';

const base = { cwd: '/srv/lab', home: '/home/ana' };

test('typedPath: quotes from "Copy as path", ~, file:// URLs and relative paths name the file meant', () => {
  assert.equal(typedPath('  /data/S001R04.edf \n', base), '/data/S001R04.edf');
  assert.equal(typedPath('"/data/with space/S001R04.edf"', base), '/data/with space/S001R04.edf', 'Windows Explorer "Copy as path" quotes');
  assert.equal(typedPath("'/data/x.edf'", base), '/data/x.edf');
  assert.equal(typedPath('"/data/x.edf', base), '/srv/lab/"/data/x.edf', 'an unmatched quote is part of the name');
  assert.equal(typedPath('~/data/x.edf', base), '/home/ana/data/x.edf');
  assert.equal(typedPath('~', base), '/home/ana');
  assert.equal(typedPath('~other/x.edf', base), '/srv/lab/~other/x.edf', "another user's ~ is not guessed");
  assert.equal(typedPath('file:///data/with%20space/x.edf', base), '/data/with space/x.edf');
  assert.equal(typedPath('S001R04.edf', base), '/srv/lab/S001R04.edf', 'relative to the core, said in full');
  assert.equal(typedPath('exports/', base), '/srv/lab/exports/', 'a folder meant keeps its trailing slash');
  assert.equal(typedPath('~/', base), '/home/ana/');
  assert.equal(typedPath('   ', base), '');
});

const EDF = resolve('..', 'shared', 'data', 'edf-eegmat', 'Subject00_1.edf');

test('the sessions service imports a pasted, quoted path and a file URL, and exports to ~/', { skip: !existsSync(EDF) && 'needs ../shared/data' }, async (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'with space.edf');
  copyFileSync(EDF, file);
  const rig = await startServiceRig(t, { seed: 1 });
  const quoted = await rig.service.importFile({ path: ` "${file}" ` });
  const url = await rig.service.importFile({ path: pathToFileURL(file).href });
  assert.deepEqual([quoted.sampleCount, url.sampleCount], [quoted.sampleCount, quoted.sampleCount]);
  assert.ok(quoted.sampleCount > 0, 'imported');
  const home = process.env.HOME;
  process.env.HOME = dir;
  t.after(() => (process.env.HOME = home));
  const out = await rig.service.exportSession({ sessionId: quoted.id, path: '~/', format: 'edf' });
  assert.deepEqual(out.files, [join(dir, 'with_space.edf')], 'written in the home folder, named after the session');
  assert.ok(existsSync(out.files[0]), 'the file is there');
  await assert.rejects(rig.service.importFile({ path: 'no-such-file.edf' }), (e: Error) => e.message.includes(`cannot read ${resolve('no-such-file.edf')}: not found`));
});
