// What `heartmind sessions import` prints about the file it read: the researcher checks channels,
// rates and breaks against what they know of the recording before using the session.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { basename, join, relative } from 'node:path';
import { command as sessions } from '../../../src/main/sessions/sessions-command';
import { CliUsageError } from '../../../src/main/core/cli-command';
import { tempDir } from '../db/db-test-util';
import { NEED_DATA, dataPath } from '../../fixtures/shared-data';

async function importText(dir: string, file: string): Promise<string> {
  const out: string[] = [];
  assert.equal(await sessions.run(['import', file, '--data-dir', dir], { out: (l) => out.push(l), err: () => undefined }), 0);
  return out.join('\n');
}

test('sessions import lists the streams it made (rate, channels, samples), the file\'s breaks, and says when the file has no date', { skip: NEED_DATA }, async (t) => {
  const dir = tempDir(t);
  const mit = (await importText(dir, dataPath('wfdb-mitdb', '100.hea'))).split('\n');
  assert.equal(mit[0], 'imported as session 1: 1,300,000 values, 2274 markers');
  assert.equal(mit[2], '  file:100.hea/0-ecg: ecg, 360 Hz, 2 channels: MLII, V5 (650000 samples)');
  // The session's date is the import's: the library would show today as the recording's day.
  assert.equal(mit[3], 'warning: the file has no start date: the session is dated at the import time');

  const eegmat = (await importText(dir, dataPath('edf-eegmat', 'Subject00_2.edf'))).split('\n');
  assert.match(eegmat[2], /^ {2}file:Subject00_2\.edf\/0-eeg: eeg, 500 Hz, 20 channels: EEG Fp1, EEG Fp2, .*, EEG A2-A1 \(31000 samples\)$/);
  assert.equal(eegmat[3], '  file:Subject00_2.edf/1-ecg: ecg, 500 Hz, 1 channel: ECG ECG (31000 samples)');
  assert.equal(eegmat.length, 4, 'a dated file: no warning');

  const xdf = (await importText(dir, dataPath('xdf', 'clock_resets.xdf'))).split('\n');
  assert.equal(xdf[0], 'imported as session 3: 222,520 values, 175 markers, 1 gap');
  // Labels with spaces, counted and comma-separated ('BioSemi 1 BioSemi 2' read as four names, 'ECG ECG' as two).
  assert.equal(xdf[2], '  file:clock_resets.xdf/0-biosemi: eeg, 100 Hz, 8 channels: BioSemi 1, BioSemi 2, BioSemi 3, BioSemi 4, BioSemi 5, BioSemi 6, BioSemi 7, BioSemi 8 (27815 samples)');
});

test('sessions export says "1 annotation", not "1 annotations"', { skip: NEED_DATA }, async (t) => {
  const dir = tempDir(t);
  await importText(dir, dataPath('edf-eegmat', 'Subject00_2.edf'));
  const out: string[] = [];
  assert.equal(await sessions.run(['export', '1', `${dir}/s.csv`, '--data-dir', dir], { out: (l) => out.push(l), err: () => undefined }), 0);
  assert.match(out[0], /: 651,000 values, 1 annotation, no model predictions stored with the session, [\d.]+ MB$/);
});

test('sessions import takes several files (a shell glob): a session each, a record\'s or an export\'s other files read with it, a failure said and the rest imported (it imported the first file alone, without a word)', { skip: NEED_DATA }, async (t) => {
  const dir = tempDir(t);
  const run = async (args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await sessions.run([...args, '--data-dir', dir], { out: (l) => out.push(l), err: (l) => err.push(l) });
    return { code, out: out.join('\n').split('\n'), err };
  };
  // A CSV export's three files, to give all of them to an import.
  await importText(dir, dataPath('edf-eegmat', 'Subject00_2.edf'));
  assert.equal((await run(['export', '1', join(dir, 'x.csv'), '--from', '0', '--to', '2'])).code, 0, 'exported');
  const ludb = readdirSync(dataPath('wfdb-ludb')).sort().map((f) => dataPath('wfdb-ludb', f));
  assert.equal(ludb.length, 14, 'LUDB record 1: header, signals and 12 annotation files');
  const csv = ['eeg', 'ecg', 'markers', 'info'].map((s) => join(dir, `x-${s}.csv`));
  // an export's model predictions (none stored here: its header line is what tells it) are not read with it
  writeFileSync(join(dir, 'x-predictions.csv'), 'window_start_s,unix_time_s,window_s,model\n');
  const r = await run(['import', ...ludb, ...csv, join(dir, 'x-predictions.csv'), dataPath('edf-eegmat', 'Subject01_2.edf'), join(dir, 'missing.edf')]);
  assert.equal(r.code, 1, 'two files failed');
  assert.deepEqual(
    r.err,
    [
      'heartmind sessions: x-predictions.csv: the model predictions of a HeartMind export, which an import does not read: import the recording exported with it (x.edf, or one of its stream files x-<stream>.csv, which brings the others)',
      `heartmind sessions: missing.edf: cannot read ${join(dir, 'missing.edf')}: not found`,
      '3 sessions imported from 21 files; not imported: x-predictions.csv, missing.edf',
    ],
    'the failures named (the predictions were listed as read with the export), then the count',
  );
  assert.equal(r.out.filter((l) => l.startsWith('imported as session')).length, 3, 'a session for the record, the export and the EDF');
  assert.ok(r.out.includes('  read with it: 1.avf, 1.avl, 1.avr, 1.dat, 1.i, 1.ii, 1.iii, 1.v1, 1.v2, 1.v3, 1.v4, 1.v5, 1.v6'), `the record's files named: ${r.out.join('\n')}`);
  assert.ok(r.out.includes('  read with it: x-ecg.csv, x-markers.csv, x-info.csv'), `the export's files named: ${r.out.join('\n')}`);
  const list = JSON.parse((await run(['list', '--json'])).out.join('\n')) as { name: string }[];
  assert.deepEqual(list.map((s) => s.name).sort(), ['1', 'Subject00_2', 'Subject01_2', 'x'], 'one session each, none twice');
  // --name names one session; --json gives the list of those imported.
  const json = await run(['import', dataPath('edf-eegmat', 'Subject02_2.edf'), dataPath('edf-eegmat', 'Subject03_2.edf'), '--json']);
  assert.equal(json.code, 0, 'two files imported');
  assert.deepEqual((JSON.parse(json.out.join('\n')) as { name: string }[]).map((s) => s.name), ['Subject02_2', 'Subject03_2'], '--json: the sessions imported, nothing else on stdout');
  await assert.rejects(run(['import', dataPath('edf-eegmat', 'Subject02_2.edf'), dataPath('edf-eegmat', 'Subject03_2.edf'), '--name', 'rest']), (e: Error) => e instanceof CliUsageError && e.message === '--name names one session: import the 2 files one at a time to name each');
});

test('sessions import stores the source file as an absolute path, not as typed relative to where it ran', { skip: NEED_DATA }, async (t) => {
  const dir = tempDir(t);
  const file = dataPath('edf-eegmat', 'Subject00_2.edf');
  const out: string[] = [];
  assert.equal(await sessions.run(['import', relative(process.cwd(), file), '--json', '--data-dir', dir], { out: (l) => out.push(l), err: () => undefined }), 0);
  assert.equal((JSON.parse(out.join('\n')) as { sourceFile: string }).sourceFile, file);
});

test('Ctrl+C during an import of several files finishes the file in progress, tries no more and says what came in (exit 130)', { skip: NEED_DATA }, async (t) => {
  const dir = tempDir(t);
  const files = ['00', '01', '02', '03', '04', '05'].map((n) => dataPath('edf-eegmat', `Subject${n}_2.edf`));
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/main/cli.ts', 'sessions', 'import', ...files, '--data-dir', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(() => proc.kill('SIGKILL'));
  let out = '';
  let err = '';
  let sent = false;
  proc.stdout.on('data', (b) => {
    out += b;
    if (!sent && /^imported as session 1:/m.test(out)) sent = proc.kill('SIGINT');
  });
  proc.stderr.on('data', (b) => (err += b));
  const code = await new Promise<number | null>((r) => proc.once('close', r));
  assert.equal(code, 130, err);
  const came = out.match(/^imported as session \d+:/gm)?.length ?? 0;
  assert.ok(came >= 1 && came < files.length, `${came} of ${files.length} imported before stopping:\n${out}`);
  const notTried = files.slice(came).map((f) => basename(f));
  assert.match(err, /^heartmind sessions: SIGINT: stopping once Subject\d\d_2\.edf is imported \(SIGINT again stops at once\)$/m, err);
  assert.match(err, new RegExp(`^stopped \\(SIGINT\\): ${came} sessions? imported from ${files.length} files; not tried after that: ${notTried.join(', ').replace(/\./g, '\\.')}$`, 'm'), err);
  const list: string[] = [];
  assert.equal(await sessions.run(['list', '--json', '--data-dir', dir], { out: (l) => list.push(l), err: () => undefined }), 0);
  assert.equal((JSON.parse(list.join('\n')) as unknown[]).length, came, 'the library holds what was said, each whole');
});
