// `heartmind sessions list` next to the Sessions view: the same figures in the same words, and a
// table that stays in line with names a terminal draws two columns a character.
import { test } from 'node:test';
import { existsSync } from 'node:fs';
import assert from 'node:assert/strict';
import { command as sessions, VERB_FLAGS } from '../../../src/main/sessions/sessions-command';
import { CliUsageError } from '../../../src/main/core/cli-command';
import { formatBytes as viewBytes, formatDuration as viewDuration } from '../../../src/renderer/src/views/sessions/format';
import { displayWidth } from '../../../src/shared/display-width';
import { tempDir } from '../db/db-test-util';
import { databasePathFor } from '../../../src/main/db/db-client';
import { openDatabase } from '../../../src/main/db/open-database';
import { createSession } from '../../../src/main/db/server';

function io() {
  const out: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: () => {} }, out };
}

/** Column a text starts at, in terminal columns. */
const startCol = (line: string, text: string) => displayWidth(line.slice(0, line.indexOf(text)));

test('sessions list shows a session\'s size and length as the Sessions view does (it said 0.0 MB for 226 B)', async (t) => {
  const dir = tempDir(t);
  const o = openDatabase(databasePathFor(dir));
  createSession(o.writable!, { name: 'tiny', startTime: 1.7e9, endTime: 1.7e9 + 125, appVersion: 't', origin: 'recorded', state: 'complete' });
  o.db.close();
  const j = io();
  assert.equal(await sessions.run(['list', '--json', '--data-dir', dir], j.io), 0, 'list --json');
  const [s] = JSON.parse(j.out.join('\n')) as { diskBytes: number; startTime: number; endTime: number }[];
  assert.ok(s.diskBytes >= 0 && s.diskBytes < 1e5, `a small session (no samples): ${s.diskBytes} B`);
  const l = io();
  assert.equal(await sessions.run(['list', '--data-dir', dir], l.io), 0, 'list');
  const row = l.out.join('\n').split('\n')[1];
  assert.ok(` ${row} `.includes(` ${viewBytes(s.diskBytes)} `), `the view's size '${viewBytes(s.diskBytes)}' in: ${row}`);
  assert.ok(!/0\.0 MB/.test(row), `no '0.0 MB': ${row}`);
  assert.ok(` ${row} `.includes(` ${viewDuration(s.endTime - s.startTime)} `), `the view's length '${viewDuration(s.endTime - s.startTime)}' in: ${row}`);
});

test('sessions list keeps its columns in line with CJK and emoji names, and marks a cut name', async (t) => {
  const dir = tempDir(t);
  const o = openDatabase(databasePathFor(dir));
  const names = ['静息状态 闭眼', 'rest 😀 eyes closed', '被试七号的第二次静息状态记录非常长的名字', 'plain', 'two\nlines'];
  for (const [i, name] of names.entries())
    createSession(o.writable!, { name, subjectId: i === 0 ? '被试七号' : 'S1', startTime: 1.7e9 + i * 100, endTime: 1.7e9 + i * 100 + 61, appVersion: 't', origin: 'recorded', state: 'complete', tags: ['pilot'] });
  o.db.close();
  const l = io();
  assert.equal(await sessions.run(['list', '--data-dir', dir], l.io), 0, 'list');
  const [header, ...rows] = l.out.join('\n').split('\n');
  assert.equal(rows.length, names.length, `one line a session (a line break in a name is a space): ${rows.join(' | ')}`);
  for (const row of rows) {
    assert.equal(startCol(row, '2023-11-'), startCol(header, 'started'), `start under started: ${row}`);
    assert.equal(startCol(row, 'pilot'), startCol(header, 'tags'), `tags under tags: ${row}`);
  }
  const cjk = rows.find((r) => r.includes('静息状态 闭眼'))!;
  assert.equal(startCol(cjk, '被试'), startCol(header, 'subject'), `a CJK name's subject under subject: ${cjk}`);
  const long = rows.find((r) => r.includes('被试七号的'))!;
  assert.match(long, /被试七号的第二次静息状态记… /, `a long name cut within 28 columns (13 ideographs and '…'; a 14th would pass it), marked: ${long}`);
  assert.equal(startCol(long, 'S1'), startCol(header, 'subject'), `the cut name's subject under subject: ${long}`);
  assert.ok(rows.some((r) => r.includes('two lines')), 'the line break shown as a space');
});

test("a flag of another verb is refused, not dropped (list --name listed everything; tag 3 --tag pilot cleared the tags)", async (t) => {
  const dir = tempDir(t);
  const o = openDatabase(databasePathFor(dir));
  const id = createSession(o.writable!, { name: 'rest', startTime: 1.7e9, endTime: 1.7e9 + 60, appVersion: 't', origin: 'recorded', state: 'complete', tags: ['keep'] });
  o.db.close();
  for (const [args, message] of [
    [['list', '--name', 'rest'], '--name is not a flag of list (it is for import)'],
    [['tag', String(id), '--tag', 'pilot'], '--tag is not a flag of tag (it is for list and import): sessions tag ID TAG... gives the tags as words'],
    [['export', String(id), 'x.edf', '--subject', 'S1'], '--subject is not a flag of export (it is for list and import)'],
    [['show', String(id), '--from', '5'], '--from is not a flag of show (it is for export)'],
    [['rename', String(id), 'x', '--yes'], '--yes is not a flag of rename (it is for delete)'],
  ] as const) {
    await assert.rejects(sessions.run([...args, '--data-dir', dir], io().io), (e: Error) => e instanceof CliUsageError && e.message === message, `${args.join(' ')}: ${message}`);
  }
  const j = io();
  assert.equal(await sessions.run(['list', '--json', '--data-dir', dir], j.io), 0, 'list --json');
  assert.deepEqual((JSON.parse(j.out.join('\n')) as { tags: string[] }[])[0].tags, ['keep'], 'the tags were left alone');
});

test("sessions --help lists on each verb's lines the flags that verb takes, no more and no fewer", () => {
  const lines = sessions.usage.split('\n');
  for (const verb of Object.keys(VERB_FLAGS) as (keyof typeof VERB_FLAGS)[]) {
    const at = lines.findIndex((l) => l.startsWith(`  ${verb} `) || l === `  ${verb}`);
    assert.ok(at >= 0, `a usage line for ${verb}`);
    // The verb's line and the indented lines that go on with it.
    const block = [lines[at], ...lines.slice(at + 1).filter((_, i, rest) => rest.slice(0, i + 1).every((l) => /^ {20,}\S/.test(l)))].join('\n');
    const listed = [...new Set([...block.matchAll(/--([a-z][\w-]*)/g)].map((m) => m[1]))].sort();
    assert.deepEqual(listed, [...VERB_FLAGS[verb]].sort(), `${verb}: ${block}`);
  }
});

test("rename, notes and subject with no text are refused before the database opens (notes 3 wiped the notes); '' clears", async (t) => {
  const dir = tempDir(t);
  for (const [args, message] of [
    [['rename', '1'], 'rename needs the new name'],
    [['rename', '1', ' '], 'a session name cannot be empty'],
    [['notes', '1'], "notes needs the text ('' clears them)"],
    [['subject', '1'], "subject needs the subject id ('' clears it)"],
  ] as const) {
    await assert.rejects(sessions.run([...args, '--data-dir', dir], io().io), (e: Error) => e instanceof CliUsageError && e.message === message, `${args.join(' ')}: ${message}`);
  }
  assert.ok(!existsSync(databasePathFor(dir)), 'refused before a library was made');
  const o = openDatabase(databasePathFor(dir));
  const id = createSession(o.writable!, { name: 'rest', subjectId: 'S1', notes: 'eyes closed', startTime: 1.7e9, endTime: 1.7e9 + 60, appVersion: 't', origin: 'recorded', state: 'complete' });
  o.db.close();
  assert.equal(await sessions.run(['notes', String(id), '', '--data-dir', dir], io().io), 0, "notes ID ''");
  assert.equal(await sessions.run(['subject', String(id), '', '--data-dir', dir], io().io), 0, "subject ID ''");
  const j = io();
  assert.equal(await sessions.run(['show', String(id), '--json', '--data-dir', dir], j.io), 0, 'show --json');
  const s = JSON.parse(j.out.join('\n')) as { notes: string; subjectId: string };
  assert.deepEqual([s.notes, s.subjectId], ['', ''], "'' cleared the notes and the subject");
});
