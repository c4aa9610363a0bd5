// The sessions area inside the real core (as serve mode and Electron run it): record the simulated
// devices through the request handlers, mark by request and by UDP, self-report, browse and edit
// the library, replay through the hub, delete.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { startCore } from '../../../src/main/core/start-core';
import type { RequestContext } from '../../../src/main/core/handler-registry';
import { markerEndpointProblem, markerPortFromEnv, startSessionsArea } from '../../../src/main/sessions/sessions.core';
import { startModelsArea } from '../../../src/main/model/models.core';
import type { PushMessage } from '../../../src/shared/ipc-schema';
import { tempDir } from '../db/db-test-util';
import { coreCaller } from '../core/core-call';

const ctx: RequestContext = { transport: 'local', clientId: 'test' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('record, mark, self-report, edit, replay and delete through the core', async (t) => {
  let markerPort: number | null = null;
  const core = await startCore({
    runtime: 'serve',
    dataDir: tempDir(t),
    demo: { eegPreset: 'muse' },
    modules: [
      { name: 'models', load: async () => ({ start: async (c) => void (await startModelsArea(c, { builtinDir: null })) }) },
      { name: 'sessions', load: async () => ({ start: async (c) => void ({ markerPort } = await startSessionsArea(c, { markerPort: 0 })) }) },
    ],
  });
  t.after(() => core.stop());
  const pushes: PushMessage[] = [];
  core.subscribePushes((m) => pushes.push(m));
  const call = coreCaller(core, ctx);

  const started = await call('hm:sessions:record-start', { name: 'core test', subjectId: 'S01', tags: ['demo'] });
  assert.equal(started.state, 'recording');
  await assert.rejects(call('hm:sessions:record-start', {}), /already recording/);
  // The library shows the session as soon as it records (pages refresh on sessions:library).
  assert.ok(pushes.some((p) => p.type === 'sessions:library' && p.sessionId === started.sessionId), 'the library is told when a recording starts');
  assert.deepEqual((await call('hm:sessions:list', {})).map((x: { name: string; state: string }) => [x.name, x.state]), [['core test', 'recording']]);
  await sleep(700);
  const m = await call('hm:sessions:marker', { label: 'stimulus on', source: 'keyboard' });
  assert.equal(m.marker.label, 'stimulus on');
  // A stimulus program's UDP datagram.
  assert.ok(markerPort, 'the marker server has a port');
  const sock = createSocket('udp4');
  const ack = await new Promise<Record<string, unknown>>((resolve) => {
    sock.once('message', (msg) => resolve(JSON.parse(msg.toString()) as Record<string, unknown>));
    sock.send('{"label":"from psychopy"}', markerPort!, '127.0.0.1');
  });
  assert.deepEqual([ack.ok, ack.stored], [true, true]);
  // Milliseconds by mistake (time.time()*1000): refused with the reason, nothing stored.
  const msAck = await new Promise<Record<string, unknown>>((resolve) => {
    sock.once('message', (msg) => resolve(JSON.parse(msg.toString()) as Record<string, unknown>));
    sock.send(`{"label":"x","time":${Date.now()}}`, markerPort!, '127.0.0.1');
  });
  sock.close();
  assert.equal(msAck.ok, false);
  assert.match(String(msAck.error), /^"time" \d+ lies .* after the host clock .*; milliseconds\? "time" is in seconds: [\d.]+ would fit$/);
  await assert.rejects(call('hm:sessions:self-report', { valence: 5, arousal: 5, dominance: 5, time: 1e300 }), /self-report time 1e\+300 lies .* after session \d+/);
  await assert.rejects(call('hm:sessions:marker', { label: 'x', duration: 1e308 }), (e: { kind?: string; message: string }) => e.kind === 'bad-request' && /longer than 7 days/.test(e.message));
  const asked = performance.now();
  const report = await call('hm:sessions:self-report', { valence: 6, arousal: 4, dominance: 5, text: 'ok' });
  // A page on another machine sends how long ago the panel opened, not its own clock's time.
  const aged = await call('hm:sessions:self-report', { valence: 2, arousal: 8, dominance: 5, agoS: 0.5 });
  // Half a second back from when it was given, which is no later than the two calls took after the
  // first (milliseconds on a quiet machine; a fixed 0.1 s allowance is a deadline a loaded one misses).
  const between = (performance.now() - asked) / 1000;
  const back = report.time - aged.time;
  assert.ok(back >= 0.5 - between - 1e-3 && back <= 0.5 + 1e-6, `stored half a second back: ${back} s before the report given ${between.toFixed(3)} s at most before it`);
  await assert.rejects(call('hm:sessions:self-report', { valence: 2, arousal: 8, dominance: 5, agoS: -1 }), (e: { kind?: string; message: string }) => e.kind === 'bad-request' && /agoS must be 0 to/.test(e.message));
  // The models area's live predictions land in the session being recorded.
  const prediction = { modelId: 'test-model', windowTime: started.startTime + 0.5, seq: 0, probabilities: { arousal: [0.3, 0.7] }, fed: ['eeg', 'ecg'], backend: 'wasm', latencyMs: 12 };
  assert.deepEqual(await call('hm:models:predictions', { reports: [prediction] }), { stored: 1 });
  assert.equal(report.valence, 6);
  await assert.rejects(call('hm:sessions:self-report', { valence: 10, arousal: 4, dominance: 5 }), (e: { kind?: string }) => e.kind === 'bad-request');
  await sleep(700);
  const stopped = await call('hm:sessions:record-stop');
  assert.equal(stopped.state, 'idle');
  assert.ok(stopped.committedSamples > 1000, `${stopped.committedSamples} samples committed, expected over 1000`);
  assert.ok(pushes.some((p) => p.type === 'sessions:recording'), 'a sessions:recording push was sent');
  assert.ok(pushes.some((p) => p.type === 'sessions:marker'), 'a sessions:marker push was sent');
  // The page sends its predictions about once a second, after the model ran: those of windows that
  // began before the stop still go into the recording; a window after it has no session.
  const late = { ...prediction, windowTime: started.startTime + 1, seq: 1, probabilities: { arousal: [0.4, 0.6] } };
  assert.deepEqual(await call('hm:models:predictions', { reports: [late, { ...late, windowTime: started.startTime + 3600, seq: 2 }] }), { stored: 1 });

  const [s] = await call('hm:sessions:list', {});
  assert.equal(s.name, 'core test');
  assert.equal(s.state, 'complete');
  assert.equal(s.markerCount, 2);
  assert.equal(s.selfReportCount, 2);
  const detail = await call('hm:sessions:get', { sessionId: s.id });

  assert.deepEqual(detail.streams.map((x: { info: { modality: string } }) => x.info.modality).sort(), ['ecg', 'eeg']);
  assert.equal(detail.filterSettings.length, 1, 'the pipeline configuration is stored with the session');
  assert.ok(detail.streams.every((x: { clockModel: { kind: string } | null }) => x.clockModel?.kind === 'pipeline'), 'each stream keeps its clock model');
  const preds = await call('hm:sessions:predictions', { sessionId: s.id });
  assert.deepEqual(preds.map((p: { modelId: string; outputs: Record<string, number> }) => [p.modelId, p.outputs['arousal:1']]), [['test-model', 0.7], ['test-model', 0.6]]);
  const renamed = await call('hm:sessions:update', { sessionId: s.id, name: 'renamed', tags: ['demo', 'rest'], notes: 'eyes open' });
  assert.deepEqual([renamed.name, renamed.tags, renamed.notes], ['renamed', ['demo', 'rest'], 'eyes open']);
  assert.equal((await call('hm:sessions:list', { tag: 'rest' })).length, 1);
  assert.equal((await call('hm:sessions:list', { text: 'nothing like it' })).length, 0);
  assert.ok((await call('hm:sessions:db-info')).sizeBytes > 0, 'the database size is > 0');
  await assert.rejects(call('hm:sessions:export', { sessionId: s.id, format: 'edf', path: 'x.edf', discontinuous: 'yes' }), (e: { kind?: string; message?: string }) => e.kind === 'bad-request' && /discontinuous must be true or false/.test(e.message ?? ''));

  // Replay through the same hub, as fast as it goes: live devices pause, windows flow, then they come back.
  const liveDevices = core.hub.sources().map((x) => x.deviceId).sort();
  await assert.rejects(call('hm:sessions:replay-speed', { speed: 100 }), (e: { kind?: string }) => e.kind === 'bad-request');
  const opened = await call('hm:sessions:replay-open', { sessionId: s.id, speed: 'max' });
  assert.equal(opened.sessionId, s.id);
  assert.deepEqual(core.hub.sources().map((x) => x.deviceId), [`replay-${s.id}`]);
  // Until it ends (a guard, not a speed bound: the 2-s session replays in well under a second when the machine is not loaded).
  for (const until = Date.now() + 30_000; Date.now() < until && (await call('hm:sessions:replay-status')).state !== 'ended'; ) await sleep(50);
  assert.equal((await call('hm:sessions:replay-status')).state, 'ended');
  assert.ok(pushes.some((p) => p.type === 'sessions:marker' && p.marker.label === 'from psychopy' && p.marker.sessionId === s.id), 'markers are pushed as the replay passes them');
  await call('hm:sessions:replay-close');
  assert.deepEqual(core.hub.sources().map((x) => x.deviceId).sort(), liveDevices);

  assert.ok((await call('hm:sessions:delete', { sessionId: s.id })).freedBytes > 0, 'deleting the session frees bytes');
  assert.deepEqual(await call('hm:sessions:list', {}), []);
});

/** A core with only the sessions area (no devices), and a caller that throws the remote error's kind and message. */
async function sessionsCore(t: { after(fn: () => unknown): void }, markerPort?: number | null) {
  const core = await startCore({
    runtime: 'serve',
    dataDir: tempDir(t),
    demo: false,
    modules: [{ name: 'sessions', load: async () => ({ start: async (c) => void (await startSessionsArea(c, { markerPort })) }) }],
  });
  t.after(() => core.stop());
  const call = coreCaller(core, ctx);
  return { core, call };
}

test('hm:sessions:import takes the BrainFlow board a 32-column file needs', async (t) => {
  const { call } = await sessionsCore(t, null);
  const path = join(tempDir(t), 'bf32.csv');
  const row = (i: number) => Array.from({ length: 32 }, (_, c) => (c === 0 ? i % 256 : c === 30 ? 1.7e9 + i / 250 : 0).toFixed(6)).join('\t');
  writeFileSync(path, Array.from({ length: 500 }, (_, i) => row(i)).join('\n') + '\n');
  await assert.rejects(call('hm:sessions:import', { path }), (e: { kind?: string; message: string }) => e.kind === 'ambiguous-board' && /several BrainFlow boards.*the Board choice when importing in the app/.test(e.message));
  await assert.rejects(call('hm:sessions:import', { path, board: 'Daisy' }), (e: { kind?: string; message: string }) => e.kind === 'bad-request' && /board must be a BrainFlow board name \(.*CytonDaisy/.test(e.message));
  const s = await call('hm:sessions:import', { path, board: 'Synthetic' });
  const detail = await call('hm:sessions:get', { sessionId: s.id });
  assert.deepEqual([detail.streams[0].info.nominalRateHz, detail.streams[0].info.channels[0].label, detail.streams[0].sampleCount], [250, 'Fz', 500]);
});

test('a HEARTMIND_MARKER_PORT that is not a port is refused with a warning, not replaced by 7420', async (t) => {
  assert.deepEqual(markerPortFromEnv(undefined), { port: 7420 });
  assert.deepEqual(markerPortFromEnv('off'), { port: null });
  assert.deepEqual(markerPortFromEnv('7421'), { port: 7421 });
  for (const bad of ['7421x', '70000', '-1', '1e3']) assert.equal(markerPortFromEnv(bad).port, null, bad);
  process.env.HEARTMIND_MARKER_PORT = '7421x';
  t.after(() => delete process.env.HEARTMIND_MARKER_PORT);
  const { core } = await sessionsCore(t);
  const warning = core.recentLogs().find((e) => e.source === 'markers');
  assert.deepEqual(
    [warning?.level, warning?.message],
    ['warn', `HEARTMIND_MARKER_PORT="7421x" is not a port (0–65535, or 'off'): the marker endpoint is not started; markers still work through requests`],
  );
});

test('a marker port held by another program: the log says what that means for stimulus software, and the library still works', async (t) => {
  const holder = createServer();
  await new Promise<void>((r) => holder.listen(0, '127.0.0.1', r));
  t.after(() => new Promise((r) => holder.close(r)));
  const port = (holder.address() as AddressInfo).port;
  const { core, call } = await sessionsCore(t, port);
  const warning = core.recentLogs().find((e) => e.source === 'markers');
  assert.equal(warning?.level, 'warn', JSON.stringify(core.recentLogs()));
  assert.match(warning!.message, new RegExp(`^marker endpoint not started: port ${port} is taken by another program \\(another HeartMind, or the app while \`heartmind record\` runs\\?\\), so stimulus software sending to port ${port} reaches that one, not this\\. .*HEARTMIND_MARKER_PORT`));
  assert.match(warning!.message, /; markers still work through requests \(the M key, the SAM panel\)$/, 'the app and serve take markers through requests');
  assert.deepEqual(await call('hm:sessions:list', {}), [], 'the library still answers');
});

test("the marker endpoint's warnings for `heartmind record` (no requests there) and for the app and serve each say what still works", () => {
  const inUse = Object.assign(new Error('listen EADDRINUSE'), { code: 'EADDRINUSE' });
  const denied = Object.assign(new Error('bind EACCES 127.0.0.1:80'), { code: 'EACCES' });
  assert.match(markerEndpointProblem(7420, inUse), /reaches that one, not this\. .*HEARTMIND_MARKER_PORT.*; markers still work through requests \(the M key, the SAM panel\)$/, 'serve, port taken');
  assert.match(markerEndpointProblem(80, denied), /^marker endpoint not started on port 80: bind EACCES 127\.0\.0\.1:80; markers still work through requests \(the M key, the SAM panel\)$/, 'serve, other error');
  const rec = markerEndpointProblem(7420, inUse, true);
  assert.match(rec, /this recording stores no markers .*HEARTMIND_MARKER_PORT=<port> heartmind record/, `record, port taken: ${rec}`);
  assert.doesNotMatch(rec, /M key|SAM panel|requests/, 'record has no page and no keys');
  assert.equal(markerEndpointProblem(80, denied, true), 'marker endpoint not started on port 80: bind EACCES 127.0.0.1:80; this recording stores no markers (`heartmind record` takes them through the endpoint only)', 'record, other error');
  assert.match(markerPortFromEnv('x', true).problem!, /the marker endpoint is not started; this recording stores no markers/, 'record, a bad HEARTMIND_MARKER_PORT');
  assert.match(markerPortFromEnv('x').problem!, /the marker endpoint is not started; markers still work through requests$/, 'serve, a bad HEARTMIND_MARKER_PORT');
});
