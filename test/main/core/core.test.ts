// The composition root with the real hub and the real simulated devices (real timers, ~2 s).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { APP_VERSION, startCore } from '../../../src/main/core/start-core';
import { SIGNAL_SETTINGS_FILE } from '../../../src/main/core/pipeline.core';
import type { Core } from '../../../src/main/core/core.types';
import type { Channel, PushMessage, ResponseOf } from '../../../src/shared/ipc-schema';
import type { Envelope } from '../../../src/shared/ipc/wire-error';

const ctx = { transport: 'local' as const, clientId: 'test' };

function value<T>(e: Envelope<T>): T {
  assert.equal(e.ok, true, e.ok ? '' : `${e.error.kind}: ${e.error.message}`);
  return (e as { ok: true; value: T }).value;
}

function until(cond: () => boolean, timeoutMs = 5000): Promise<void> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const tick = () => (cond() ? resolve() : Date.now() - t0 > timeoutMs ? reject(new Error('timed out')) : setTimeout(tick, 20));
    tick();
  });
}

// Sessions store the version that recorded them, and the snapshot shows it: it is package.json's.
test('APP_VERSION is the version in package.json', () => {
  assert.equal(APP_VERSION, (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version);
});

describe('core (hub + demo devices + pipeline area)', () => {
  let core: Core;
  let dir: string;
  const pushes: PushMessage[] = [];

  const call = async <C extends Channel>(channel: C, req: unknown): Promise<ResponseOf<C>> =>
    value((await core.handlers.dispatch(channel, req, ctx)) as Envelope<ResponseOf<C>>);

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hm-core-'));
    const failing = { name: 'broken', load: async () => ({ start: () => Promise.reject(new Error('disk on fire')) }) };
    core = await startCore({ runtime: 'serve', dataDir: dir, demo: true, modules: [failing] });
    core.subscribePushes((m) => pushes.push(m));
  });

  after(async () => {
    await core.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('an area that fails to start is logged; its requests say why; the rest of the core runs', async () => {
    assert.ok(core.recentLogs().some((l) => l.level === 'error' && l.message === 'Broken not available: disk on fire'), "the broken area's start failure is logged as an error");
    assert.ok(core.handlers.has('hm:pipeline:snapshot'), 'the pipeline area still registered its snapshot handler');
    // Not "no handler for hm:broken:thing": the area's own failure, as an 'unavailable' error.
    const env = await core.handlers.dispatch('hm:broken:thing', null, ctx);
    assert.deepEqual(!env.ok && [env.error.kind, env.error.message], ['unavailable', 'Broken not available: disk on fire']);
    const other = await core.handlers.dispatch('hm:nowhere:thing', null, ctx);
    assert.deepEqual(!other.ok && [other.error.kind, other.error.message], ['bad-channel', 'no handler for hm:nowhere:thing']);
  });

  test('the snapshot lists both demo devices with their settings and faults', async () => {
    const snap = await call('hm:pipeline:snapshot', null);
    assert.equal(snap.runtime, 'serve');
    assert.deepEqual(snap.windowing, { lengthS: 5, hopS: 1, rateHz: 200 });
    const ids = snap.devices.map((d) => d.deviceId).sort();
    assert.deepEqual(ids, ['sim-ecg-1', 'sim-eeg-1']);
    for (const c of snap.controls) {
      assert.ok(c.settings.some((s) => s.key === 'preset' && s.options.length > 1), `${c.deviceId} has a preset setting`);
      assert.ok(c.faults.some((f) => f.id === 'nan-samples'), `the nan-samples fault is listed (faults: ${c.faults.map((f) => f.id).join(', ')})`);
    }
  });

  test('samples flow out as pushes with typed arrays, from both devices', async () => {
    await until(() => {
      const streams = new Set(pushes.filter((p) => p.type === 'pipeline:conditioned').map((p) => (p as Extract<PushMessage, { type: 'pipeline:conditioned' }>).block.streamId));
      return streams.size === 2;
    });
    const block = pushes.find((p) => p.type === 'pipeline:conditioned') as Extract<PushMessage, { type: 'pipeline:conditioned' }>;
    assert.ok(block.block.data instanceof Float32Array, 'the block arrives as a Float32Array');
    assert.equal(block.block.rateHz, 200);
  });

  test('stop and start a device by request; its status follows', async () => {
    const stopped = await call('hm:pipeline:device-stop', { deviceId: 'sim-ecg-1' });
    assert.equal(stopped.state, 'stopped');
    assert.ok(!core.hub.sources().some((s) => s.deviceId === 'sim-ecg-1'), 'the removed sim-ecg-1 source is gone from the hub');
    const snap = await call('hm:pipeline:snapshot', null);
    assert.equal(snap.devices.find((d) => d.deviceId === 'sim-ecg-1')?.state, 'stopped', 'a stopped device stays listed');
    const started = await call('hm:pipeline:device-start', { deviceId: 'sim-ecg-1' });
    assert.equal(started.state, 'streaming');
  });

  test('configure checks the setting against its options; a valid change is applied', async () => {
    const bad = await core.handlers.dispatch('hm:pipeline:device-configure', { deviceId: 'sim-eeg-1', settings: { preset: 'nope' } }, ctx);
    assert.equal(!bad.ok && bad.error.kind, 'bad-request');
    const unknown = await core.handlers.dispatch('hm:pipeline:device-configure', { deviceId: 'sim-eeg-1', settings: { volume: 11 } }, ctx);
    assert.match(!unknown.ok ? unknown.error.message : '', /has no setting 'volume'/);
    const ok = await call('hm:pipeline:device-configure', { deviceId: 'sim-eeg-1', settings: { preset: 'muse' } });
    assert.equal(ok.settings?.preset, 'muse');
    await until(() => core.hub.streams().some((s) => s.deviceId === 'sim-eeg-1' && s.channels.length === 4));
  });

  test('faults: unknown ones and unknown devices are refused by name; a real one reaches the device', async () => {
    const unknownFault = await core.handlers.dispatch('hm:pipeline:device-fault', { deviceId: 'sim-eeg-1', fault: 'meteor' }, ctx);
    assert.equal(!unknownFault.ok && unknownFault.error.kind, 'bad-request');
    const noDevice = await core.handlers.dispatch('hm:pipeline:device-stop', { deviceId: 'ghost' }, ctx);
    assert.deepEqual(!noDevice.ok && [noDevice.error.kind, noDevice.error.message], ['not-found', "no device 'ghost'"]);
    const malformed = await core.handlers.dispatch('hm:pipeline:device-fault', { deviceId: 'sim-eeg-1' }, ctx);
    assert.equal(!malformed.ok && malformed.error.kind, 'bad-request');
    await call('hm:pipeline:device-fault', { deviceId: 'sim-eeg-1', fault: 'nan-samples' });
    await until(() => pushes.some((p) => p.type === 'pipeline:device-status' && p.status.deviceId === 'sim-eeg-1' && p.status.problem?.code === 'non-finite-samples'));
  });

  test('signal settings: checked by name, applied to the pipeline, pushed, kept for the next start', async () => {
    const snap = await call('hm:pipeline:snapshot', null);
    assert.deepEqual(snap.settings, { mainsHz: 50, notch: true, eegBandHz: [0.3, 75], ecgBandHz: [0.5, 40], windowSec: 5, hopSec: 1, bridgeMs: 100 });
    const crossed = await core.handlers.dispatch('hm:pipeline:set-settings', { ...snap.settings, eegBandHz: [40, 1] }, ctx);
    assert.deepEqual(!crossed.ok && [crossed.error.kind, crossed.error.message], ['bad-request', 'signal settings: EEG high-pass (40 Hz) must be below its low-pass (1 Hz) (eegBandHz)']);
    const mains = await core.handlers.dispatch('hm:pipeline:set-settings', { ...snap.settings, mainsHz: 55 }, ctx);
    assert.match(!mains.ok ? mains.error.message : '', /mainsHz must be 50 or 60/);
    const settings = { mainsHz: 60 as const, notch: true, eegBandHz: [1, 45] as [number, number], ecgBandHz: [0.5, 40] as [number, number], windowSec: 4, hopSec: 2, bridgeMs: 60 };
    assert.deepEqual(await call('hm:pipeline:set-settings', settings), settings);
    const cfg = core.hub.pipelineConfig!();
    assert.deepEqual([cfg.filters.eeg.notchHz, cfg.filters.ecg.notchHz, cfg.quality.mainsHz, cfg.filters.eeg.highpassHz, cfg.window.lengthSec], [[60], [60], 60, 1, 4]);
    await until(() => pushes.some((p) => p.type === 'pipeline:settings' && p.settings.mainsHz === 60 && p.windowing.lengthS === 4));
    await until(() => pushes.some((p) => p.type === 'pipeline:window' && p.window.samples === 800), 12_000);
    assert.deepEqual(JSON.parse(readFileSync(join(dir, SIGNAL_SETTINGS_FILE), 'utf8')), { version: 1, settings });

    // The next start (same profile) runs under them; a damaged file is set aside with a log line.
    const again = await startCore({ runtime: 'serve', dataDir: dir, demo: false });
    assert.deepEqual((value(await again.handlers.dispatch('hm:pipeline:snapshot', null, ctx)) as { settings: unknown }).settings, settings);
    // …and says so: a restart under non-default filters is not silent.
    assert.ok(again.recentLogs().some((l) => l.source === 'pipeline' && /^signal settings from .*signal-settings\.json: mains 60 Hz notched, EEG 1–45 Hz, ECG 0.5–40 Hz, windows 4 s every 2 s$/.test(l.message)), again.recentLogs().map((l) => l.message).join(' | '));
    await again.stop();
    writeFileSync(join(dir, SIGNAL_SETTINGS_FILE), '{"version":1,"settings":{"mainsHz":');
    const damaged = await startCore({ runtime: 'serve', dataDir: dir, demo: false });
    assert.equal(damaged.hub.pipelineConfig!().quality.mainsHz, 50);
    assert.ok(damaged.recentLogs().some((l) => l.level === 'warn' && /signal-settings\.json could not be used .*set aside as .*damaged-\d+, starting with the default signal settings/.test(l.message)), 'a warning says the damaged signal-settings.json was set aside');
    await damaged.stop();
  });

  test('log lines reach the pages as pushes', () => {
    assert.ok(pushes.some((p) => p.type === 'pipeline:log' && /injecting fault: NaN \/ Inf samples/.test(p.entry.message)), 'the injected fault is pushed as a pipeline:log');
    // Headed by the device's name, as every device line is (its source holds only the id).
    const lines = pushes.flatMap((p) => (p.type === 'pipeline:log' && p.entry.source === 'device:sim-eeg-1' ? [p.entry.message] : []));
    // In the panel's words, not its keys ('injecting fault: nan-samples', 'settings changed: preset=muse').
    for (const re of [/^Simulated headset: injecting fault: NaN \/ Inf samples$/, /^Simulated headset: Montage \/ rate set to Muse-like, 4 ch @ 256 Hz$/]) assert.ok(lines.some((l) => re.test(l)), `${re} among ${JSON.stringify(lines)}`);
  });
});
