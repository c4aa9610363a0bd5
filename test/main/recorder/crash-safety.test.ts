// kill -9 while recording loses at most the last second: a real child process records the
// simulated devices through the real hub in real time, is killed with SIGKILL, and the database
// is reopened and counted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { DbClient } from '../../../src/main/db/db-client';
import { tempDir } from '../db/db-test-util';

interface Progress {
  wallMs: number;
  delivered: number;
  markers: number;
  markerWrites: number;
  reports: number;
}

test('SIGKILL while recording: everything handed to the recorder up to one second before the kill is in the database', async (t) => {
  const path = join(tempDir(t), 'recordings.sqlite');
  const child = spawn(process.execPath, ['--import', 'tsx', resolve('test/main/recorder/fixtures/record-child.ts'), path], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.after(() => child.kill('SIGKILL'));
  const progress: Progress[] = [];
  let startedAt = 0;
  const exited = new Promise<NodeJS.Signals | null>((r) => child.once('exit', (_code, signal) => r(signal)));
  await new Promise<void>((resolveStarted, reject) => {
    const rl = createInterface({ input: child.stdout! });
    rl.on('line', (line) => {
      if (line === 'recording') {
        startedAt = Date.now();
        resolveStarted();
      } else if (line.startsWith('{')) progress.push(JSON.parse(line) as Progress);
    });
    child.once('exit', (code) => reject(new Error(`the recording child exited early (${code})`)));
  });
  // Record ~2.5 s, then kill it without warning.
  await new Promise((r) => setTimeout(r, 2500));
  const killedAt = Date.now();
  child.kill('SIGKILL');
  assert.equal(await exited, 'SIGKILL');
  assert.ok(killedAt - startedAt > 2000, `killed ${killedAt - startedAt} ms after the start, expected over 2 s`);

  // What had been handed to the recorder one second before the kill.
  const before = progress.filter((p) => p.wallMs <= killedAt - 1000).pop();
  assert.ok(before && before.delivered > 0, 'the child streamed for more than a second');
  const last = progress[progress.length - 1];

  const db = await DbClient.open({ path });
  t.after(() => db.close());
  const [s] = await db.api.listSessions({});
  assert.equal(s.name, 'killed mid-recording');
  assert.equal(s.state, 'interrupted', 'a killed recording reads as interrupted');
  assert.deepEqual(s.tags, ['crash']);
  assert.ok(s.sampleCount >= before!.delivered, `stored ${s.sampleCount} values, ${before!.delivered} were delivered a second before the kill`);
  assert.ok(s.sampleCount <= last.delivered, 'nothing is invented');
  // Every value decodes, and the interrupted session ends at its last stored sample.
  let values = 0;
  for (let from: number | null = 0; from !== null; ) {
    const page = await db.api.readReplayPage(s.id, from, 64);
    for (const c of page.chunks) values += c.data.length;
    from = page.nextSeq;
  }
  assert.equal(values, s.sampleCount);
  assert.ok(s.endTime > s.startTime + 1, `the session lasts ${s.endTime - s.startTime} s, expected over 1 s`);
  // Markers: every one the recorder said stored is there (it says so once its batch is committed),
  // and what is there is the first ones made, in order, none missing between them.
  assert.ok(before!.markers >= 30, `${before!.markers} markers stored a second before the kill`);
  assert.ok(s.markerCount >= last.markers, `${s.markerCount} markers in the database, the recorder had said ${last.markers} stored`);
  const { markers } = await db.api.getTimeline(s.id);
  assert.deepEqual(
    markers.map((m) => m.label),
    markers.map((_, i) => `stimulus ${i + 1}`),
    'the stored markers are the first ones made, in order',
  );
  assert.ok(last.markerWrites < last.markers / 2, `${last.markers} markers in ${last.markerWrites} writes: the bursts were written in batches`);
  assert.equal(s.selfReportCount, before!.reports);
  assert.equal(s.selfReportCount, 1);
});
