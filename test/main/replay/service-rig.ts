// Shared set-up for replay tests in the app's arrangement: the simulated headset and strap
// streaming through the real hub in virtual time, with the sessions service (recorder + replay)
// over a real database file in a temporary folder; or the whole core on the real clock with the
// sessions area (startSessionsCore).
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Core, CoreModuleEntry } from '../../../src/main/core/core.types';
import { startCore } from '../../../src/main/core/start-core';
import { DbClient } from '../../../src/main/db/db-client';
import { StreamHub } from '../../../src/main/hub/hub';
import { startSessionsArea } from '../../../src/main/sessions/sessions.core';
import { SessionsService } from '../../../src/main/sessions/sessions-service';
import { createDemoSources, VirtualClock, VirtualScheduler } from '../../../src/main/sources';
import type { SyncWindow } from '../../../src/shared/window.types';
import { tempDir } from '../db/db-test-util';

const bytes = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

/** A replayed window equals the live one: its start, and per modality why it is absent, its channels and every byte of its data. */
export function assertSameWindow(r: SyncWindow, w: SyncWindow, what: string): void {
  assert.equal(r.startTime, w.startTime, `${what}: start`);
  for (const m of ['eeg', 'ecg'] as const) {
    assert.equal(r[m].absentReason, w[m].absentReason, `${what}: ${m} absent reason`);
    assert.deepEqual(r[m].channels, w[m].channels, `${what}: ${m} channels`);
    assert.ok(bytes(r[m].data).equals(bytes(w[m].data)), `${what}: ${m} data differs`);
  }
}

export async function startServiceRig(t: TestContext, opts: { seed: number; seekPreRollS?: number }) {
  const path = join(tempDir(t), 'recordings.sqlite');
  const db = await DbClient.open({ path });
  t.after(() => db.close());
  const clock = new VirtualClock(1_790_000_000);
  const scheduler = new VirtualScheduler(clock);
  const hub = new StreamHub({ clock, scheduler });
  t.after(() => hub.close());
  const logs: string[] = [];
  const service = new SessionsService({ db, hub, clock, appVersion: 'test', seekPreRollS: opts.seekPreRollS, log: (level, m) => logs.push(`${level} ${m}`) });
  /** Every window the hub emits (live and replayed). */
  const windows: SyncWindow[] = [];
  hub.subscribe({ window: (w) => windows.push(w) });
  const [headset, strap] = createDemoSources({ clock, scheduler, seed: opts.seed });
  return { path, db, clock, scheduler, hub, service, logs, windows, headset, strap };
}

type Rig = Awaited<ReturnType<typeof startServiceRig>>;

/**
 * The core as `heartmind serve` runs it, stopped after the test: the demo devices (a Muse-like
 * headset and the strap) on the real clock, the sessions area (no marker port) and the areas in
 * `more`, over a temporary data folder. Returns the core and the sessions area's service.
 */
export async function startSessionsCore(t: TestContext, more: CoreModuleEntry[] = []): Promise<{ core: Core; service: SessionsService }> {
  let service: SessionsService | undefined;
  const core = await startCore({
    runtime: 'serve',
    dataDir: tempDir(t),
    demo: { eegPreset: 'muse' },
    modules: [{ name: 'sessions', load: async () => ({ start: async (c) => void ({ service } = await startSessionsArea(c, { markerPort: null })) }) }, ...more],
  });
  t.after(() => core.stop());
  // An area that fails to start is only logged (the app runs on without it): say so here, not as
  // an undefined service further down the test.
  assert.ok(service, `the sessions area did not start: ${core.recentLogs().map((e) => e.message).join('; ')}`);
  return { core, service };
}

/**
 * Records `seconds` one-second steps of virtual time with the sources the caller added (2 s after
 * adding them), `at(s)` acting before each step (a device removed, added, reconfigured) and every
 * step flushed to the database. Returns the session and the live windows made while recording.
 */
export async function recordSteps(rig: Rig, name: string, seconds: number, at: (s: number) => Promise<void> | void): Promise<{ sessionId: number; live: SyncWindow[] }> {
  rig.scheduler.advance(2);
  const { sessionId } = await rig.service.startRecording({ name });
  rig.windows.length = 0;
  for (let s = 0; s < seconds; s++) {
    await at(s);
    rig.scheduler.advance(1);
    await rig.service.recorder.flush();
  }
  await rig.service.stopRecording();
  return { sessionId: sessionId!, live: rig.windows.splice(0) };
}

/** Replays the session from the start and after each seek; every window must be the live one. Returns the windows from the start. */
export async function assertReplayIsLive(rig: Rig, sessionId: number, live: SyncWindow[], seeks: number[]): Promise<SyncWindow[]> {
  const detail = await rig.service.get(sessionId);
  const t0 = detail.startTime;
  const liveAt = new Map(live.map((w) => [w.startTime, w]));
  const rel = (w: SyncWindow) => `+${(w.startTime - t0).toFixed(1)} s`;
  rig.windows.length = 0;
  await rig.service.openReplay({ sessionId, speed: 'max', play: true });
  const replay = rig.service.currentReplay()!;
  await replay.whenEnded();
  const all = rig.windows.splice(0);
  const expected = live.filter((w) => w.startTime >= all[0].startTime);
  assert.deepEqual(all.map(rel), expected.map(rel), 'from the start: the same windows');
  all.forEach((w, i) => assertSameWindow(w, expected[i], `from the start, window at ${rel(w)}`));
  for (const target of seeks) {
    await rig.service.seek(t0 + target);
    rig.service.play();
    await replay.whenEnded();
    const after = rig.windows.splice(0);
    assert.ok(after.length >= 5, `seek to +${target} s: ${after.length} windows`);
    const tail = live.filter((w) => w.startTime >= after[0].startTime);
    assert.deepEqual(after.map(rel), tail.map(rel), `seek to +${target} s: the same windows`);
    for (const w of after) assertSameWindow(w, liveAt.get(w.startTime)!, `seek to +${target} s, window at ${rel(w)}`);
  }
  const bad = rig.logs.filter((l) => /refused|not restored|failed/.test(l));
  assert.equal(bad.length, 0, bad.join('\n'));
  await rig.service.closeReplay();
  return all;
}
