// kill -9 of the app as a researcher runs it: `heartmind serve` (the real core, simulated devices)
// records while stimulus software sends UDP markers and a page sends markers and SAM self-reports
// over the serve WebSocket, all at once; the process is killed with SIGKILL mid-stream. Reopened:
// every marker and self-report that was acknowledged is there once, every commit the core announced
// is there (so everything up to the last second), and the library (`heartmind sessions list/show`)
// says the recording was interrupted and why.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { DbClient, databasePathFor } from '../../../src/main/db/db-client';
import type { RecordingStatus } from '../../../src/shared/session.types';
import { SOURCE_CLI as CLI, startServeChild } from '../serve/serve-child';

test('SIGKILL of `heartmind serve` while markers (UDP, WebSocket) and self-reports arrive: every acknowledged event and every announced commit is there; the library says interrupted', { timeout: 180_000 }, async (t) => {
  // 180 s: serve and two CLI runs start from source under tsx (up to 30 s each on a loaded machine).
  // The CLI from source (no build needed); the test talks to serve's WebSocket only, so a placeholder dashboard.
  const serve = await startServeChild({ cli: 'source', placeholderRenderer: true, env: { HEARTMIND_MARKER_PORT: '0' } });
  t.after(() => serve.close());
  const { child, dataDir } = serve;
  const markerPort = serve.markerPort ?? 0;
  assert.ok(markerPort > 0, 'the marker endpoint logged its port before serve said it was up');

  const statuses: { wallMs: number; status: RecordingStatus }[] = [];
  const client = await serve.connect((p) => {
    if (p.type === 'sessions:recording') statuses.push({ wallMs: Date.now(), status: p.status });
  });
  t.after(() => client.close());
  const ask = client.ask;

  const started = await ask<RecordingStatus>('hm:sessions:record-start', { name: 'killed with events', subjectId: 'S11', tags: ['crash'] });
  assert.equal(started.state, 'recording');
  const sessionId = started.sessionId!;

  // What the core acknowledged as stored, and everything sent (a message on its way when the kill came may or may not be in).
  const acked = { udp: new Set<string>(), request: new Set<string>(), reports: new Set<string>() };
  const sent = { udp: new Set<string>(), request: new Set<string>(), reports: new Set<string>() };
  const udp = createSocket('udp4');
  t.after(() => udp.close());
  const udpLabels: string[] = [];
  udp.on('message', (m) => {
    const ack = JSON.parse(m.toString()) as { ok: boolean; stored: boolean };
    const label = udpLabels.shift()!; // replies come back in order (one socket, one core)
    if (ack.ok && ack.stored) acked.udp.add(label);
  });
  let running = true;
  let i = 0;
  // Stimulus software: a UDP trigger every 20 ms; the page: a marker every 50 ms and a SAM report every 150 ms.
  const timers = [
    setInterval(() => {
      const label = `udp ${++i}`;
      sent.udp.add(label);
      udpLabels.push(label);
      udp.send(label, markerPort, '127.0.0.1');
    }, 20),
    setInterval(() => {
      const label = `page ${++i}`;
      sent.request.add(label);
      ask<{ marker: unknown }>('hm:sessions:marker', { label, source: 'request' }).then((r) => running && r.marker && acked.request.add(label), () => {});
    }, 50),
    setInterval(() => {
      const text = `report ${++i}`;
      sent.reports.add(text);
      ask('hm:sessions:self-report', { valence: 1 + (i % 9), arousal: 5, dominance: 5, text }).then(() => running && acked.reports.add(text), () => {});
    }, 150),
  ];
  await new Promise((r) => setTimeout(r, 3000));
  // Freeze what counts as acknowledged at the kill: an answer after it cannot come, one before it counts.
  const killedAt = Date.now();
  child.kill('SIGKILL');
  running = false;
  timers.forEach(clearInterval);
  assert.equal((await serve.exited).signal, 'SIGKILL');
  const ackedAtKill = { udp: [...acked.udp], request: [...acked.request], reports: [...acked.reports] };
  assert.ok(ackedAtKill.udp.length >= 50 && ackedAtKill.request.length >= 20 && ackedAtKill.reports.length >= 5, `events acknowledged: ${ackedAtKill.udp.length} UDP, ${ackedAtKill.request.length} page markers, ${ackedAtKill.reports.length} reports`);
  const commits = statuses.filter((s) => s.status.sessionId === sessionId && s.status.state === 'recording');
  const lastCommit = commits.at(-1)!;
  assert.ok(lastCommit.wallMs > killedAt - 1000, `the core announced a commit ${killedAt - lastCommit.wallMs} ms before the kill`);

  const db = await DbClient.open({ path: databasePathFor(dataDir) });
  t.after(() => db.close());
  const [s] = await db.api.listSessions({});
  assert.equal(s.id, sessionId);
  assert.equal(s.state, 'interrupted');
  // Every commit announced before the kill is on disk, so all the data to within its last second.
  assert.ok(s.sampleCount >= lastCommit.status.committedSamples, `${s.sampleCount} values stored, ${lastCommit.status.committedSamples} announced committed`);
  const timeline = await db.api.getTimeline(sessionId);
  const labels = timeline.markers.map((m) => m.label);
  assert.equal(new Set(labels).size, labels.length, 'no marker stored twice');
  for (const l of ackedAtKill.udp) assert.ok(labels.includes(l), `acknowledged UDP marker ${l} is stored`);
  for (const l of ackedAtKill.request) assert.ok(labels.includes(l), `acknowledged page marker ${l} is stored`);
  for (const l of labels) assert.ok(sent.udp.has(l) || sent.request.has(l), `stored marker ${l} was sent`);
  assert.deepEqual(new Set(timeline.markers.filter((m) => sent.udp.has(m.label)).map((m) => m.source)), new Set(['udp']));
  const texts = timeline.selfReports.map((r) => r.text);
  assert.equal(new Set(texts).size, texts.length, 'no report stored twice');
  for (const x of ackedAtKill.reports) assert.ok(texts.includes(x), `acknowledged self-report ${x} is stored`);
  for (const x of texts) assert.ok(sent.reports.has(x), `stored self-report ${x} was one that was sent`);
  // Events lie within the session as it reads now (it ends at its last stored sample, ~the kill).
  assert.ok(s.endTime > s.startTime + 2, `the session ends ${(s.endTime - s.startTime).toFixed(2)} s after it started`);
  assert.ok(s.endTime >= killedAt / 1000 - 1, `its last stored sample is ${(killedAt / 1000 - s.endTime).toFixed(2)} s before the kill`);
  for (const m of timeline.markers) assert.ok(m.time >= s.startTime && m.time <= s.endTime + 1, `marker ${m.label} at +${(m.time - s.startTime).toFixed(2)} s`);
  t.diagnostic(
    `acknowledged ${ackedAtKill.udp.length} UDP + ${ackedAtKill.request.length} page markers, ${ackedAtKill.reports.length} reports; stored ${labels.length} markers, ${texts.length} reports; ` +
      `last commit announced ${killedAt - lastCommit.wallMs} ms before the kill, last sample ${(killedAt / 1000 - s.endTime).toFixed(2)} s before it; ${s.sampleCount} values stored, ${lastCommit.status.committedSamples} announced`,
  );
  await db.close();

  // The library, as the CLI shows it: the state, and what it means.
  const cli = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', CLI, 'sessions', ...args, '--data-dir', dataDir], { encoding: 'utf8' });
  const list = cli('list');
  assert.equal(list.status, 0, list.stderr);
  assert.match(list.stdout, /killed with events .* interrupted {2}crash/);
  const show = cli('show', String(sessionId));
  assert.equal(show.status, 0, show.stderr);
  assert.match(show.stdout, /^interrupted: it was never stopped \(HeartMind was killed or crashed, the computer lost power, or the disk failed\): it ends at its last saved sample, and everything saved until then is kept$/m);
});
