// Real devices through the real hub and recorder: an OpenBCI Cyton on a pseudo-terminal (playing
// the real OpenBCI GUI recording) and a Polar H10 (emulated radio) stream at once on the host
// clock; the strap drops out of range and comes back. Windows keep flowing with ECG marked absent
// in between, the headset never stops, and the recording holds the 'device-dropped' gap.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StreamHub } from '../../../src/main/hub/hub';
import { Recorder } from '../../../src/main/recorder/recorder';
import { DbClient } from '../../../src/main/db/db-client';
import { ManagedSource } from '../../../src/main/devices/device-source';
import { CytonDriver } from '../../../src/main/devices/drivers/cyton-driver';
import { PolarDriver } from '../../../src/main/devices/drivers/polar-driver';
import { CytonEmulator } from '../../../src/main/devices/emulator/cyton-emulator';
import { EmulatedCentral, EmulatedPolarH10 } from '../../../src/main/devices/emulator/ble-emulator';
import { cytonCountsFromUv } from '../../../src/shared/devices/cyton/cyton-encode';
import type { Gap } from '../../../src/shared/stream.types';
import type { SyncWindow } from '../../../src/shared/window.types';
import { PtyPair, NEED_SOCAT } from '../../fixtures/pty';
import { systemClock, waitFor } from '../../fixtures/recording-sink';
import { NEED_GUI, readGuiExg } from '../../fixtures/cyton/openbci-gui';

const tmp = mkdtempSync(join(tmpdir(), 'hm-devhub-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const FAST = { initialDelayMs: 100, maxDelayMs: 300, stallTimeoutMs: 1500, startAttempts: 1 };

/**
 * The emulated strap's ECG: a beat every 104 samples (75 bpm at 130 Hz) over a slow 0.3-Hz baseline
 * wander, as skin and breathing give a real lead. A baseline held at one value between beats would be
 * a flat lead (its value repeated for most of the window), rightly refused as ECG.
 */
const strapEcg = (i: number) => Math.round(800 * Math.exp(-(((i % 104) - 52) ** 2) / 8) - 100 + 30 * Math.sin((2 * Math.PI * 0.3 * i) / 130));

test('Cyton + Polar into the hub and a recording; the strap drops and comes back', { skip: NEED_SOCAT || NEED_GUI }, async () => {
  const gui = readGuiExg(5000);
  const pty = new PtyPair('hub');
  await pty.plug();
  const emu = new CytonEmulator({ path: pty.device, countsAt: (i, out) => void out.set(cytonCountsFromUv(gui.uv.map((ch) => ch[i % gui.rows]), 24)) });
  await emu.open();
  const strap = new EmulatedPolarH10('a0:9e:1a:42:42:42', { ecgAt: strapEcg });
  const central = new EmulatedCentral([strap]);

  const hub = new StreamHub({ clock: systemClock, pipelineConfig: { window: { lengthSec: 1, hopSec: 0.5, allowanceSec: 0.5 } } });
  const windows: SyncWindow[] = [];
  const gaps: Gap[] = [];
  hub.subscribe({ window: (w) => windows.push(w), gap: (g) => gaps.push(g) });
  const db = await DbClient.open({ path: join(tmp, 'devices.sqlite') });
  const recorder = new Recorder({ db, hub, clock: systemClock, appVersion: 'test', flushIntervalMs: 100 });
  const cyton = new ManagedSource(new CytonDriver({ path: pty.app }), { hostClock: systemClock, policy: FAST });
  const polar = new ManagedSource(new PolarDriver({ id: strap.id, central: async () => central }), { hostClock: systemClock, policy: FAST });
  try {
    const rec = await recorder.start({ name: 'two devices' });
    await Promise.all([hub.addSource(cyton), hub.addSource(polar)]);
    assert.deepEqual(hub.devices().map((d) => d.state), ['streaming', 'streaming']);
    await waitFor('a window with EEG and ECG', () => windows.some((w) => w.eeg.present && w.ecg.present), 6000);

    strap.drop();
    const dropAt = systemClock.now();
    await waitFor('strap reconnecting', () => polar.status().state === 'reconnecting', 3000);
    await waitFor('a window with EEG and no ECG', () => windows.some((w) => w.startTime > dropAt && w.eeg.present && !w.ecg.present), 6000);
    const absent = windows.find((w) => w.startTime > dropAt && !w.ecg.present)!;
    assert.ok(absent.ecg.absentReason, `ECG absent because: ${absent.ecg.absentReason}`);
    assert.equal(cyton.status().state, 'streaming', 'the headset never stopped');

    strap.comeBack();
    const backAt = systemClock.now();
    await waitFor('ECG back in the windows', () => windows.some((w) => w.startTime > backAt && w.ecg.present), 8000);
    const g = gaps.find((x) => x.reason === 'device-dropped' && x.streamId === `polar-h10:${strap.id}/ecg`);
    assert.ok(g, 'the hub saw the drop as a gap');
    assert.ok(g.startTime <= dropAt + 0.6 && g.endTime >= backAt - 0.1, `gap ${g.startTime.toFixed(2)}..${g.endTime.toFixed(2)} vs drop ${dropAt.toFixed(2)}..${backAt.toFixed(2)}`);
    assert.equal(gaps.filter((x) => x.streamId.startsWith('cyton:')).length, 0, 'no gap on the Cyton');
    // Window sequence numbers never skip while one device is away.
    for (let k = 1; k < windows.length; k++) assert.equal(windows[k].seq, windows[k - 1].seq + 1, `window ${k}'s seq follows window ${k - 1}'s`);

    await recorder.stop();
    const stored = await db.api.listGaps(rec.sessionId!);
    assert.ok(stored.some((s) => s.reason === 'device-dropped' && s.streamKey.includes('polar-h10')), `stored gaps: ${JSON.stringify(stored)}`);
  } finally {
    await hub.close();
    await db.close();
    await emu.close();
    await pty.unplug();
  }
});

test('a device renamed while it streams is recorded under its new name', async () => {
  const strap = new EmulatedPolarH10('a0:9e:1a:42:42:43', { ecgAt: strapEcg });
  const central = new EmulatedCentral([strap]);
  const hub = new StreamHub({ clock: systemClock, pipelineConfig: { window: { lengthSec: 1, hopSec: 0.5, allowanceSec: 0.5 } } });
  const db = await DbClient.open({ path: join(tmp, 'renamed.sqlite') });
  const recorder = new Recorder({ db, hub, clock: systemClock, appVersion: 'test', flushIntervalMs: 100 });
  const polar = new ManagedSource(new PolarDriver({ id: strap.id, central: async () => central }), { hostClock: systemClock, policy: FAST });
  try {
    await hub.addSource(polar);
    // Renamed after its streams were announced: the stream info still carries the old name.
    polar.rename('Chest strap, lab 2');
    const rec = await recorder.start({ name: 'renamed strap' });
    await waitFor('samples committed', () => recorder.status().committedSamples > 0, 6000);
    await recorder.stop();
    const detail = await db.api.getSession(rec.sessionId!);
    assert.deepEqual(detail.devices.map((d) => d.name), ['Chest strap, lab 2']);
  } finally {
    await hub.close();
    await db.close();
  }
});
