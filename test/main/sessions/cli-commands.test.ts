// `heartmind record` and `heartmind sessions …`, run in-process as the CLI runs them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { command as record } from '../../../src/main/sessions/record-command';
import { command as sessions } from '../../../src/main/sessions/sessions-command';
import { CliUsageError } from '../../../src/main/core/cli-command';
import { FormatError } from '../../../src/shared/formats/format-error';
import { tempDir } from '../db/db-test-util';
import { databasePathFor } from '../../../src/main/db/db-client';
import { openDatabase } from '../../../src/main/db/open-database';
import { addMarker, addSelfReport, createSession } from '../../../src/main/db/server';

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err };
}

test('record --json stopped by Ctrl+C says so in its last line (stoppedBy: SIGINT), the recording kept', async (t) => {
  const dir = tempDir(t);
  process.env.HEARTMIND_MARKER_PORT = '0';
  t.after(() => delete process.env.HEARTMIND_MARKER_PORT);
  const r = io();
  // Ctrl+C once the first status line is out (the command listens for it from then on).
  const sigint = { out: (l: string) => (r.io.out(l), r.out.length === 1 && process.emit('SIGINT', 'SIGINT')), err: r.io.err };
  assert.equal(await record.run(['--duration', '60', '--data-dir', dir, '--json'], sigint), 0, r.err.join('\n'));
  const final = JSON.parse(r.out[r.out.length - 1]) as { state: string; elapsedS: number; stoppedBy: string; committedSamples: number };
  assert.deepEqual([final.state, final.stoppedBy], ['idle', 'SIGINT'], r.out.join('\n'));
  assert.ok(final.elapsedS < 30 && final.committedSamples > 0, `stopped at ${final.elapsedS} s with ${final.committedSamples} samples`);
});

test('record for a second, then list, tag, export and delete from the command line', async (t) => {
  const dir = tempDir(t);
  process.env.HEARTMIND_MARKER_PORT = '0';
  t.after(() => delete process.env.HEARTMIND_MARKER_PORT);
  const r = io();
  assert.equal(await record.run(['--duration', '1', '--name', 'from the cli', '--tag', 'cli', '--data-dir', dir, '--json'], r.io), 0, r.err.join('\n'));
  const final = JSON.parse(r.out[r.out.length - 1]) as { state: string; sessionId: number; committedSamples: number; elapsedS: number; stoppedBy: string };
  assert.equal(final.state, 'idle');
  assert.ok(final.committedSamples > 0, `${final.committedSamples} samples committed, expected > 0`);
  // The summary line says how long it recorded and what stopped it, as the status lines before it say the time.
  assert.ok(final.elapsedS >= 1 && final.elapsedS < 10, `elapsedS ${final.elapsedS}`);
  assert.equal(final.stoppedBy, 'duration');

  const l = io();
  assert.equal(await sessions.run(['list', '--json', '--data-dir', dir], l.io), 0);
  const [s] = JSON.parse(l.out.join('\n')) as { id: number; name: string; tags: string[] }[];
  assert.deepEqual([s.id, s.name, s.tags], [final.sessionId, 'from the cli', ['cli']]);

  const e = io();
  assert.equal(await sessions.run(['export', String(s.id), join(dir, 'out.csv'), '--data-dir', dir], e.io), 0);
  assert.match(e.out[0], /wrote .*out-.*\.csv/);
  await assert.rejects(sessions.run(['delete', String(s.id), '--data-dir', dir], io().io), CliUsageError);
  assert.equal(await sessions.run(['delete', String(s.id), '--yes', '--data-dir', dir], io().io), 0);
  const l2 = io();
  await sessions.run(['list', '--data-dir', dir], l2.io);
  assert.deepEqual(l2.out, ['no sessions']);
});

test('sessions import on a real file, and clear errors for bad input', { skip: !existsSync(resolve('..', 'shared', 'data')) && 'needs ../shared/data' }, async (t) => {
  const dir = tempDir(t);
  const i = io();
  assert.equal(await sessions.run(['import', resolve('..', 'shared', 'data', 'edf-mne', 'test_bdf_stim_channel.bdf'), '--subject', 'S3', '--data-dir', dir], i.io), 0);
  assert.equal(i.out[0].split('\n')[0], 'imported as session 1: 20,000 values, 9 markers');
  const one = io();
  assert.equal(await sessions.run(['import', resolve('..', 'shared', 'data', 'edf-eegmat', 'Subject00_2.edf'), '--data-dir', dir], one.io), 0);
  assert.equal(one.out[0].split('\n')[0], 'imported as session 2: 651,000 values, 1 marker', 'one marker, not "1 markers"');
  await assert.rejects(sessions.run(['show', 'x', '--data-dir', dir], io().io), CliUsageError);
  await assert.rejects(sessions.run(['frobnicate', '--data-dir', dir], io().io), /unknown verb/);
  await assert.rejects(sessions.run(['tag', '99', 'x', '--data-dir', dir], io().io), /no session 99/);
});

test('sessions export: gaps zero-filled (EDF+C) by default, left out with --discontinuous (EDF+D)', { skip: !existsSync(resolve('..', 'shared', 'data')) && 'needs ../shared/data' }, async (t) => {
  const dir = tempDir(t);
  assert.equal(await sessions.run(['import', resolve('..', 'shared', 'data', 'xdf', 'clock_resets.xdf'), '--data-dir', dir], io().io), 0);
  const kind = (f: string) => readFileSync(join(dir, f)).subarray(192, 197).toString('latin1');
  for (const [file, flags, expected] of [['c.edf', [], 'EDF+C'], ['d.edf', ['--discontinuous'], 'EDF+D'], ['d.bdf', ['--discontinuous'], 'BDF+D']] as const) {
    const e = io();
    assert.equal(await sessions.run(['export', '1', join(dir, file), ...flags, '--data-dir', dir], e.io), 0, `export ${file}: exit code 0`);
    assert.match(e.out[0], /wrote .*: 222,520 values, 175 annotations/, `export ${file}: the summary line`);
    assert.equal(kind(file), expected, `${file} is ${expected}`);
  }
});

for (const [signal, what] of [['SIGHUP', 'the terminal closing'], ['SIGPIPE', 'its output closed (| head)']] as const) {
  test(`record: ${what} (${signal}) stops the recording cleanly and writes nothing more`, async (t) => {
    const dir = tempDir(t);
    process.env.HEARTMIND_MARKER_PORT = '0';
    t.after(() => delete process.env.HEARTMIND_MARKER_PORT);
    const r = io();
    let signalledAt = 0;
    const watch = setInterval(() => {
      if (signalledAt === 0 && r.out.some((l) => l.startsWith('recording session'))) {
        signalledAt = Date.now();
        r.out.length = 0;
        process.emit(signal, signal);
      }
    }, 100);
    try {
      const code = await record.run(['--duration', '60', '--name', `stopped by ${signal}`, '--data-dir', dir], r.io);
      assert.equal(code, 0, r.err.join('\n'));
    } finally {
      clearInterval(watch);
    }
    assert.ok(signalledAt > 0 && Date.now() - signalledAt < 15_000, 'stopped on the signal, not at the end of --duration');
    assert.deepEqual([r.out, r.err.filter((l) => !l.startsWith('warn'))], [[], []], 'nothing written to the closed output');
    const l = io();
    assert.equal(await sessions.run(['list', '--json', '--data-dir', dir], l.io), 0);
    const [s] = JSON.parse(l.out.join('\n')) as { name: string; state: string }[];
    assert.deepEqual([s.name, s.state], [`stopped by ${signal}`, 'complete']);
  });
}

test('record --duration -5, 0x10 or an empty value: our own usage error, before any device starts', async () => {
  for (const bad of ['-5', '0x10', '']) {
    await assert.rejects(record.run(['--duration', bad], io().io), (e: unknown) => e instanceof CliUsageError && e.message === `--duration must be a positive number of seconds, got '${bad}'`, bad);
  }
});

test('sessions: a session id or --from/--to is a plain decimal (no hex 0x10, no empty value as 0), refused before the database opens', async (t) => {
  const dir = join(tempDir(t), 'never-made');
  await assert.rejects(sessions.run(['show', '0x10', '--data-dir', dir], io().io), (e: unknown) => e instanceof CliUsageError && e.message === "a session id (a positive number) is needed, got '0x10'");
  await assert.rejects(sessions.run(['show', '', '--data-dir', dir], io().io), (e: unknown) => e instanceof CliUsageError && e.message === "a session id (a positive number) is needed, got ''");
  await assert.rejects(sessions.run(['export', '1', 'x.edf', '--from', '', '--data-dir', dir], io().io), (e: unknown) => e instanceof CliUsageError && e.message === "--from must be seconds from the session start, got ''");
  await assert.rejects(sessions.run(['export', '1', 'x.edf', '--to', '0x10', '--data-dir', dir], io().io), (e: unknown) => e instanceof CliUsageError && e.message === "--to must be seconds from the session start, got '0x10'");
  assert.equal(existsSync(dir), false, 'no database was made');
});

test('sessions import --board names the board of a BrainFlow file whose columns fit several', async (t) => {
  const dir = tempDir(t);
  const bf32 = join(dir, 'bf32.csv');
  const row = (i: number) => Array.from({ length: 32 }, (_, c) => (c === 0 ? i % 256 : c === 30 ? 1.7e9 + i / 125 : c <= 16 ? Math.sin(i + c) : 0).toFixed(6)).join('\t');
  writeFileSync(bf32, Array.from({ length: 250 }, (_, i) => row(i)).join('\n') + '\n');
  await assert.rejects(
    sessions.run(['import', bf32, '--data-dir', dir], io().io),
    (e: unknown) => e instanceof FormatError && /fits several BrainFlow boards \(CytonDaisy, Synthetic\); name the board that wrote it \(--board CytonDaisy for heartmind sessions import/.test(e.message),
  );
  // An unknown board: the import's own message (one for the CLI and the app).
  await assert.rejects(sessions.run(['import', bf32, '--board', 'Daisy', '--data-dir', dir], io().io), (e: unknown) => e instanceof FormatError && /no BrainFlow board is called .*Daisy.*; the boards: .*CytonDaisy/.test(e.message));
  await assert.rejects(sessions.run(['list', '--board', 'Cyton', '--data-dir', dir], io().io), /--board is not a flag of list \(it is for import, a BrainFlow CSV file\)/);
  const i = io();
  assert.equal(await sessions.run(['import', bf32, '--board', 'cytondaisy', '--json', '--data-dir', dir], i.io), 0);
  const s = JSON.parse(i.out.join('\n')) as { id: number; tags: string[]; notes: string };
  assert.deepEqual(s.tags, ['brainflow-csv']);
  assert.match(s.notes, /board: CytonDaisy/);
  const show = io();
  await sessions.run(['show', String(s.id), '--data-dir', dir], show.io);
  assert.match(show.out.join('\n'), /eeg, 125 Hz, 16 channels: Fp1, Fp2, C3, C4, P7, P8, O1, O2, F7, F8, F3, F4, T7, T8, P3, P4 \(250 samples\)/);
});

test('sessions import prints the reader\'s warnings (an OpenBCI GUI file cut off inside its last line)', { skip: !existsSync(resolve('..', 'shared', 'data')) && 'needs ../shared/data' }, async (t) => {
  const dir = tempDir(t);
  const cut = join(dir, 'cut.txt');
  writeFileSync(cut, readFileSync(resolve('..', 'shared', 'data', 'openbci-gui', 'OpenBCI_GUI-v6-blinks-jawClench-alpha.txt')).subarray(0, 20000));
  const i = io();
  assert.equal(await sessions.run(['import', cut, '--data-dir', dir], i.io), 0);
  assert.equal(i.out.join('\n').split('\n').at(-1), 'warning: the last line (line 131) has 5 of 25 columns (file cut short?); it is left out');
});

test('list and show survive a stored time that is no date (µs unix time from an older import); such files are now refused by name', async (t) => {
  const dir = tempDir(t);
  const o = openDatabase(databasePathFor(dir));
  const bad = createSession(o.writable!, { name: 'c_us', startTime: 1.7e15, endTime: 1.7e15 + 0.2, appVersion: 't', origin: 'imported', state: 'complete' });
  const good = createSession(o.writable!, { name: 'fine', startTime: 1.7e9, endTime: 1.7e9 + 61, appVersion: 't', origin: 'recorded', state: 'complete' });
  o.db.close();
  const l = io();
  assert.equal(await sessions.run(['list', '--data-dir', dir], l.io), 0);
  assert.equal(l.out.length, 1);
  const lines = l.out[0].split('\n');
  assert.match(lines.find((x) => x.includes('c_us'))!, new RegExp(`^ +${bad}  c_us +-  +1700000000000000 +0:00 `), 'the raw seconds where there is no date');
  assert.match(lines.find((x) => x.includes('fine'))!, new RegExp(`^ +${good}  fine +-  +2023-11-14 22:13 +1:01 `));
  const s = io();
  assert.equal(await sessions.run(['show', String(bad), '--data-dir', dir], s.io), 0);
  assert.match(s.out[0], /c_us .* 1700000000000000 /);
  const j = io();
  assert.equal(await sessions.run(['list', '--json', '--data-dir', dir], j.io), 0);
  assert.deepEqual((JSON.parse(j.out.join('\n')) as { startTime: number }[]).map((x) => x.startTime).sort(), [1.7e15, 1.7e9].sort());

  // The QA file (a Cyton BrainFlow CSV with µs time stamps) is refused naming the file, nothing stored.
  const us = join(dir, 'c_us.csv');
  writeFileSync(us, Array.from({ length: 50 }, (_, i) => [String(i), ...Array(21).fill('0.0'), ((1.7e9 + i / 250) * 1e6).toFixed(6), '0.0'].join('\t')).join('\n') + '\n');
  await assert.rejects(
    sessions.run(['import', us, '--board', 'Cyton', '--data-dir', dir], io().io),
    (e: unknown) => e instanceof FormatError && /^c_us\.csv: line 1, timestamp column \(column 23\): 1700000000000000 is not a unix time in seconds from 1970 to 2200; it looks like microseconds/.test(e.message),
  );
  const after = io();
  await sessions.run(['list', '--json', '--data-dir', dir], after.io);
  assert.equal((JSON.parse(after.out.join('\n')) as unknown[]).length, 2);
});

test('sessions show lists the gaps with their reason: an imported file\'s break is a break in the file (it read as a paused device)', { skip: !existsSync(resolve('..', 'shared', 'data')) && 'needs ../shared/data' }, async (t) => {
  const dir = tempDir(t);
  const i = io();
  assert.equal(await sessions.run(['import', resolve('..', 'shared', 'data', 'xdf', 'clock_resets.xdf'), '--json', '--data-dir', dir], i.io), 0);
  const s = JSON.parse(i.out.join('\n')) as { id: number };
  const show = io();
  assert.equal(await sessions.run(['show', String(s.id), '--data-dir', dir], show.io), 0);
  const gaps = show.out.join('\n').split('\n').filter((l) => / gap of /.test(l));
  assert.equal(gaps.length, 1, show.out.join('\n'));
  assert.match(gaps[0], /^ +\d+\.\d{3} s {2}gap of 283\.\d{3} s in .+: break in the file$/);
});

test('sessions show lists the self-reports with their ratings (they were only counted), and says how many markers it left out', async (t) => {
  const dir = tempDir(t);
  const o = openDatabase(databasePathFor(dir));
  const id = createSession(o.writable!, { name: 'affect', startTime: 1.7e9, endTime: 1.7e9 + 600, appVersion: 't', origin: 'recorded', state: 'complete' });
  for (let i = 0; i < 23; i++) addMarker(o.writable!, id, { label: `trial ${i + 1}`, source: 'udp', time: 1.7e9 + 10 + i });
  addSelfReport(o.writable!, id, { time: 1.7e9 + 300.5, valence: 7, arousal: 3, dominance: 5, text: 'calm' });
  addSelfReport(o.writable!, id, { time: 1.7e9 + 590, valence: 2, arousal: 8, dominance: 4 });
  o.db.close();
  const show = io();
  assert.equal(await sessions.run(['show', String(id), '--data-dir', dir], show.io), 0);
  const lines = show.out.join('\n').split('\n');
  assert.ok(lines.includes('  23 markers, 2 self-reports, 0 gaps'), lines.join('\n'));
  assert.equal(lines.filter((l) => / trial \d+ \(udp\)$/.test(l)).length, 20, 'the first 20 markers');
  assert.ok(lines.includes('    … 3 more markers (--json lists them all)'), lines.join('\n'));
  assert.ok(lines.includes('      300.500 s  SAM valence 7, arousal 3, dominance 5: calm'), lines.join('\n'));
  assert.ok(lines.includes('      590.000 s  SAM valence 2, arousal 8, dominance 4'), lines.join('\n'));
});

test('sessions show keeps one line a marker and a self-report when a label or a text holds a line break, and indents a note\'s lines (--json keeps them)', async (t) => {
  const dir = tempDir(t);
  const o = openDatabase(databasePathFor(dir));
  const id = createSession(o.writable!, { name: 'breaks', startTime: 1.7e9, endTime: 1.7e9 + 60, appVersion: 't', origin: 'recorded', state: 'complete', notes: 'board: Cyton\r\nWarning: cut short\n\teeg: noisy' });
  addMarker(o.writable!, id, { label: 'eyes closed\nstart', source: 'import', time: 1.7e9 + 5 });
  addMarker(o.writable!, id, { label: 'odd\r\nball\tdeviant', source: 'udp', time: 1.7e9 + 6 });
  addSelfReport(o.writable!, id, { time: 1.7e9 + 30, valence: 5, arousal: 4, dominance: 6, text: 'sleepy\nbut calm' });
  o.db.close();
  const show = io();
  assert.equal(await sessions.run(['show', String(id), '--data-dir', dir], show.io), 0, 'show');
  const lines = show.out.join('\n').split('\n');
  assert.ok(lines.includes('        5.000 s  eyes closed start (import)'), lines.join('\n'));
  assert.ok(lines.includes('        6.000 s  odd  ball deviant (udp)'), lines.join('\n'));
  assert.ok(lines.includes('       30.000 s  SAM valence 5, arousal 4, dominance 6: sleepy but calm'), lines.join('\n'));
  assert.equal(lines.filter((l) => /^ {4} +\d+\.\d{3} s {2}/.test(l)).length, 3, `one line an event: ${lines.join(' | ')}`);
  // Notes keep their lines, each indented under 'notes: ' (a note's second line stood at the margin, like a session's line).
  const at = lines.indexOf('notes: board: Cyton');
  assert.ok(at > 0, lines.join('\n'));
  assert.deepEqual(lines.slice(at + 1, at + 3), ['       Warning: cut short', '        eeg: noisy'], lines.join('\n'));
  const j = io();
  assert.equal(await sessions.run(['show', String(id), '--json', '--data-dir', dir], j.io), 0, 'show --json');
  const s = JSON.parse(j.out.join('\n')) as { timeline: { markers: { label: string }[]; selfReports: { text: string }[] } };
  assert.deepEqual(s.timeline.markers.map((m) => m.label), ['eyes closed\nstart', 'odd\r\nball\tdeviant'], '--json keeps the labels as stored');
  assert.equal(s.timeline.selfReports[0].text, 'sleepy\nbut calm', '--json keeps the text as stored');
});

test('sessions with a file given as the data folder says so in words', async (t) => {
  const file = join(tempDir(t), 'notes.txt');
  writeFileSync(file, 'not a folder');
  // it said 'open: EEXIST: EEXIST: file already exists, mkdir …'
  await assert.rejects(sessions.run(['list', '--data-dir', file], io().io), (e: Error) => e.message === `the data folder ${file} is a file, not a folder`, 'the message record and serve give');
});

test('sessions on a folder with no library makes none: list says where it looked, the other verbs refuse', async (t) => {
  const typo = join(tempDir(t), 'HeartMnid'); // a mistyped --data-dir
  const l = io();
  assert.equal(await sessions.run(['list', '--data-dir', typo], l.io), 0);
  assert.deepEqual(l.out, [`no sessions: no session library in ${typo} (no recordings.sqlite there)`]);
  const j = io();
  assert.equal(await sessions.run(['list', '--json', '--data-dir', typo], j.io), 0);
  assert.deepEqual(JSON.parse(j.out.join('\n')), [], '--json: an empty list');
  await assert.rejects(sessions.run(['show', '1', '--data-dir', typo], io().io), (e: Error) => e.message === `no session library in ${typo} (no recordings.sqlite there): record or import first, or give --data-dir`);
  // it used to create the folder and an empty database there
  assert.equal(existsSync(typo), false, 'nothing created');
});

test('sessions list with two --tag filters is refused, not filtered by the first alone', async (t) => {
  await assert.rejects(sessions.run(['list', '--tag', 'a', '--tag', 'b', '--data-dir', tempDir(t)], io().io), (e: Error) => e instanceof CliUsageError && e.message === 'list filters by one --tag at a time (got a, b)');
});

test("a session id the library does not hold is said as such, without the database's call names", async (t) => {
  const dir = tempDir(t);
  openDatabase(databasePathFor(dir)).db.close(); // an empty library
  for (const argv of [['show', '99'], ['rename', '99', 'x'], ['delete', '99', '--yes'], ['export', '99', join(dir, 'x.edf')]]) {
    // it said 'getSession: no session 99', 'updateSession: …', 'getSummary: …'
    await assert.rejects(sessions.run([...argv, '--data-dir', dir], io().io), (e: Error) => e.message === `no session 99 in ${dir} (heartmind sessions list shows the ids)`, argv[0]);
  }
});

test('sessions list heads its table with the column names, each over its column; --json has no header', async (t) => {
  const dir = tempDir(t);
  const o = openDatabase(databasePathFor(dir));
  // A state column filled (a session still 'recording' here), beside one left empty (complete).
  const a = createSession(o.writable!, { name: 'rest, eyes closed', subjectId: 'S07', startTime: 1.7e9, endTime: 1.7e9 + 125, appVersion: 't', origin: 'recorded', state: 'recording', tags: ['pilot', 'rest'] });
  const b = createSession(o.writable!, { name: 'task', startTime: 1.7e9 + 600, endTime: 1.7e9 + 661, appVersion: 't', origin: 'recorded', state: 'complete', tags: ['pilot'] });
  o.db.close();
  const l = io();
  assert.equal(await sessions.run(['list', '--data-dir', dir], l.io), 0);
  const [header, ...rows] = l.out.join('\n').split('\n');
  assert.match(header, /^ +id +name +subject +started \(UTC\) +length +on disk +state +tags$/, `header: ${header}`);
  assert.equal(rows.length, 2, `one row per session: ${rows.join(' | ')}`);
  const [rowB, rowA] = rows; // newest first
  // Each value starts where its column's name starts (left-aligned columns) or ends where it ends (right-aligned ones).
  const starts = (line: string, text: string) => line.indexOf(text);
  const ends = (line: string, text: string) => line.indexOf(text) + text.length;
  assert.equal(ends(rowA, String(a)), ends(header, 'id'), 'id under id');
  assert.equal(ends(rowB, String(b)), ends(header, 'id'), 'id under id');
  assert.equal(starts(rowA, 'rest, eyes closed'), starts(header, 'name'), 'name under name');
  assert.equal(starts(rowA, 'S07'), starts(header, 'subject'), 'subject under subject');
  assert.equal(starts(rowA, '2023-11-14 22:13'), starts(header, 'started'), 'start under started');
  assert.equal(ends(rowA, '2:05'), ends(header, 'length'), 'length under length');
  assert.equal(ends(rowB, '1:01'), ends(header, 'length'), 'length under length');
  const size = / (\d+(?:\.\d)? [kMGT]?B) /.exec(rowA)?.[1] ?? 'no size';
  assert.equal(ends(rowA, size), ends(header, 'on disk'), `size under on disk: ${rowA}`);
  assert.equal(starts(rowA, 'recording'), starts(header, 'state'), `state under state: ${header} / ${rowA}`);
  assert.equal(starts(rowA, 'pilot,rest'), starts(header, 'tags'), 'tags under tags');
  assert.equal(starts(rowB, 'pilot'), starts(header, 'tags'), 'a complete session\'s tags under tags too');
  const j = io();
  assert.equal(await sessions.run(['list', '--json', '--data-dir', dir], j.io), 0);
  assert.deepEqual((JSON.parse(j.out.join('\n')) as { id: number }[]).map((x) => x.id), [b, a], '--json: the sessions alone, newest first');
});

test('sessions refuses a word too many, before the database opens (delete 3 4 --yes deleted 3 alone, show 1 2 showed 1)', async (t) => {
  const dir = tempDir(t);
  for (const [args, message] of [
    [['delete', '3', '4', '--yes'], "unexpected argument '4' (delete takes one session id)"],
    [['show', '1', '2'], "unexpected argument '2' (show takes one session id)"],
    [['list', 'eegmat'], "unexpected argument 'eegmat'"],
    [['export', '1', 'a.edf', 'b.edf'], "unexpected argument 'b.edf'"],
  ] as const) {
    await assert.rejects(sessions.run([...args, '--data-dir', dir], io().io), (e: Error) => e instanceof CliUsageError && e.message === message, args.join(' '));
  }
  assert.ok(!existsSync(databasePathFor(dir)), 'no library was made');
});
