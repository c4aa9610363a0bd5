// The device manager: connect from a config, remember in the profile, rename, reconnect at start,
// auto-connect off, forget, a damaged profile, scanning, BrainFlow's library, and the request
// handlers' validation.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DeviceManager } from '../../../src/main/devices/device-manager';
import { wasLogged } from '../../../src/main/core/logged-error';
import { EmulatedCentral, EmulatedMuse, EmulatedPolarH10, EmulatedPeripheral } from '../../../src/main/devices/emulator/ble-emulator';
import { CytonEmulator } from '../../../src/main/devices/emulator/cyton-emulator';
import { TextEmulator } from '../../../src/main/devices/emulator/text-emulator';
import { startDevicesArea } from '../../../src/main/devices/devices.core';
import { HandlerRegistry } from '../../../src/main/core/handler-registry';
import type { CoreContext } from '../../../src/main/core/core.types';
import type { LogEntry } from '../../../src/shared/log.types';
import type { PushMessage } from '../../../src/shared/ipc-schema';
import { DeviceError } from '../../../src/shared/devices/device-error';
import { StreamHub } from '../../../src/main/hub/hub';
import type { ReconnectPolicy } from '../../../src/shared/devices/connection/connection.types';
import { PtyPair, NEED_SOCAT } from '../../fixtures/pty';
import { FTDI_BY_ID, fakeDev } from '../../fixtures/fake-serial-dev';
import { systemClock, waitFor } from '../../fixtures/recording-sink';

const tmp = mkdtempSync(join(tmpdir(), 'hm-devmgr-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const FAST = { initialDelayMs: 100, maxDelayMs: 300, stallTimeoutMs: 1500, startAttempts: 1 };
const LIB = resolve('..', 'shared', 'brainflow', 'linux-x64', 'libBoardController.so');

function manager(dir: string, central?: EmulatedCentral, logs: LogEntry[] = [], policy: Partial<ReconnectPolicy> = FAST, serialAliasDir?: string) {
  const hub = new StreamHub({ clock: systemClock });
  let samples = 0;
  hub.subscribe({ rawChunk: (c) => (samples += c.count) });
  const m = new DeviceManager({ hub, clock: systemClock, dataDir: dir, log: (e) => logs.push(e), central: central ? async () => central : undefined, policy, serialAliasDir });
  return { hub, m, logs, samples: () => samples };
}

/** The dongle plugged in and the board switched on: the pty's device end, a Cyton streaming into it. */
async function plugCyton(pty: PtyPair): Promise<CytonEmulator> {
  await pty.plug();
  const emu = new CytonEmulator({ path: pty.device, countsAt: (i, out) => out.fill(i % 100) });
  await emu.open();
  return emu;
}

describe('DeviceManager', () => {
  test('connect, remember, rename; a new run reconnects it; auto-connect off; forget', { skip: NEED_SOCAT }, async () => {
    const dir = join(tmp, 'profile1');
    const pty = new PtyPair('mgr');
    const emu = await plugCyton(pty);
    try {
      const a = manager(dir);
      a.m.init();
      const p = await a.m.connect({ kind: 'cyton', path: pty.app });
      assert.equal(p.deviceId, `cyton:${pty.app}`);
      assert.equal(p.status?.state, 'streaming');
      assert.equal(p.connectOutcome, 'connected');
      assert.equal(p.autoConnect, true);
      const file = JSON.parse(readFileSync(join(dir, 'devices.json'), 'utf8'));
      assert.deepEqual(file.paired[0].config, { kind: 'cyton', path: pty.app });
      assert.equal(file.paired[0].model, 'cyton', 'the model the driver found (no Daisy) is remembered');
      const r = a.m.rename(p.deviceId, '  Lab Cyton  ');
      assert.equal(r.name, 'Lab Cyton');
      assert.equal(r.status?.name, 'Lab Cyton');
      await a.m.stopAll();

      // Next start: remembered and reconnected without being asked.
      const b = manager(dir);
      b.m.init();
      await waitFor('reconnected at start', () => b.m.list()[0]?.status?.state === 'streaming', 5000);
      assert.equal(b.m.list()[0].name, 'Lab Cyton');
      await waitFor('samples after the reconnect', () => b.samples() > 0, 3000);
      b.m.setAutoConnect(p.deviceId, false);
      await b.m.disconnect(p.deviceId);
      assert.equal(b.hub.sources().length, 0);

      const c = manager(dir);
      c.m.init();
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(c.hub.sources().length, 0, 'auto-connect off: not started');
      assert.equal(c.m.list().length, 1);
      assert.equal(c.m.list()[0].model, 'cyton', 'named while not connected');
      await c.m.forget(p.deviceId);
      assert.deepEqual(JSON.parse(readFileSync(join(dir, 'devices.json'), 'utf8')).paired, []);
    } finally {
      await emu.close();
      await pty.unplug();
    }
  });

  /** A profile that remembers a Cyton on `path` (connect at start on). */
  function rememberCyton(dir: string, path: string): string {
    const deviceId = `cyton:${path}`;
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'devices.json'), JSON.stringify({ version: 1, paired: [{ deviceId, config: { kind: 'cyton', path }, name: 'Lab Cyton', autoConnect: true }] }));
    return deviceId;
  }

  test('a remembered Cyton whose board answers with a Daisy at the next start (none when it was remembered) is said, and streams its 16 channels', { skip: NEED_SOCAT }, async () => {
    const dir = join(tmp, 'profile-daisy');
    const pty = new PtyPair('mgr-daisy');
    const logs: LogEntry[] = [];
    let emu = await plugCyton(pty);
    try {
      const a = manager(dir, undefined, logs);
      a.m.init();
      await a.m.connect({ kind: 'cyton', path: pty.app, name: 'Lab Cyton' });
      await a.m.stopAll();
      await emu.close();
      emu = new CytonEmulator({ path: pty.device, countsAt: (i, out) => out.fill(i % 100), daisy: true });
      await emu.open();
      const b = manager(dir, undefined, logs);
      b.m.init();
      await waitFor('reconnected at start', () => b.m.list()[0]?.status?.state === 'streaming', 5000);
      const said = logs.filter((l) => /now answers with a Daisy/.test(l.message));
      assert.deepEqual(said.map((l) => [l.level, l.message]), [['warn', `Lab Cyton: ${pty.app} now answers with a Daisy (16 channels at 125 Hz); it answered without one before: another board, or the Daisy fitted?`]]);
      assert.equal(b.hub.streams().find((s) => s.deviceId === `cyton:${pty.app}`)?.channels.length, 16);
      assert.equal(b.m.list()[0].model, 'cyton-daisy', 'the profile now remembers the Daisy');
      await b.m.stopAll();
    } finally {
      await emu.close();
      await pty.unplug();
    }
  });

  test('a remembered device not there at start is waited for, and connects when its dongle is plugged in later', { skip: NEED_SOCAT }, async () => {
    const dir = join(tmp, 'profile-late');
    const pty = new PtyPair('mgr-late');
    const id = rememberCyton(dir, pty.app);
    const logs: LogEntry[] = [];
    const a = manager(dir, undefined, logs, { ...FAST, startAttempts: 2, waitRetryMs: 400 });
    let emu: CytonEmulator | null = null;
    try {
      a.m.init();
      await waitFor('the quick attempts to fail', () => a.m.list()[0]?.status?.waitingForDevice === true, 3000);
      const waiting = a.m.list()[0].status!;
      assert.equal(waiting.state, 'connecting');
      assert.equal(waiting.problem?.message, `cannot open ${pty.app}: port not found (unplugged?) — waiting for it: trying every 0.4 s until you disconnect it`);
      // Long after the quick attempts it is still waiting, not in error.
      await new Promise((r) => setTimeout(r, 1500));
      assert.equal(a.m.list()[0].status?.state, 'connecting');
      assert.equal(a.m.list()[0].status?.waitingForDevice, true);
      const tries = logs.filter((e) => e.source === `device:${id}` && /connect failed/.test(e.message)).length;
      assert.ok(tries >= 4 && tries <= 10, `slow retries: ${tries}`);
      // The dongle is plugged in and the board switched on.
      emu = await plugCyton(pty);
      await waitFor('streaming once the dongle is there', () => a.m.list()[0]?.status?.state === 'streaming', 5000);
      await waitFor('samples', () => a.samples() > 0, 3000);
      assert.equal(a.m.list()[0].status?.waitingForDevice, undefined);
      assert.equal(a.m.list()[0].status?.problem, undefined);
    } finally {
      await a.m.stopAll();
      await emu?.close();
      await pty.unplug();
    }
  });

  test('new settings that fail on a device reconnecting after a drop: it goes on trying with the old ones, and streams when the dongle is back', { skip: NEED_SOCAT }, async () => {
    const dir = join(tmp, 'profile-drop-resettings');
    const pty = new PtyPair('mgr-drop-re');
    const a = manager(dir, undefined, [], { ...FAST, waitRetryMs: 300 });
    let emu: CytonEmulator | null = await plugCyton(pty);
    try {
      a.m.init();
      await a.m.connect({ kind: 'cyton', path: pty.app, name: 'Lab Cyton' });
      await emu.close();
      emu = null;
      await pty.unplug();
      await waitFor('reconnecting', () => a.m.list()[0]?.status?.state === 'reconnecting', 3000);
      await assert.rejects(
        a.m.connect({ kind: 'cyton', path: pty.app, daisy: true }),
        (e: unknown) => e instanceof DeviceError && /^Lab Cyton: the new settings did not work: cannot open .*port not found.*\. It is back on its previous settings, still waiting for the device\.$/.test(e.message),
      );
      // Still trying long after a fresh start's quick attempts would have given up, on the old settings…
      await waitFor('waiting', () => a.m.list()[0]?.status?.waitingForDevice === true, 3000);
      await new Promise((r) => setTimeout(r, 800));
      assert.equal(a.m.list()[0].status?.state, 'connecting');
      const config = a.m.list()[0].config;
      assert.equal(config.kind === 'cyton' && config.daisy, undefined);
      // …and it streams when the dongle is back.
      emu = await plugCyton(pty);
      await waitFor('streaming once the dongle is back', () => a.m.list()[0]?.status?.state === 'streaming', 5000);
    } finally {
      await a.m.stopAll();
      await emu?.close();
      await pty.unplug();
    }
  });

  test('waiting for a remembered device: Connect tries at once; Disconnect ends the wait without an error', { skip: NEED_SOCAT }, async () => {
    const dir = join(tmp, 'profile-late2');
    const pty = new PtyPair('mgr-late2');
    const id = rememberCyton(dir, pty.app);
    const logs: LogEntry[] = [];
    // A slow cadence the test would not wait for: only Connect can make it connect in time.
    const a = manager(dir, undefined, logs, { ...FAST, waitRetryMs: 60_000 });
    let emu: CytonEmulator | null = null;
    try {
      a.m.init();
      await waitFor('waiting', () => a.m.list()[0]?.status?.waitingForDevice === true, 3000);
      emu = await plugCyton(pty);
      const pressed = await a.m.connect({ kind: 'cyton', path: pty.app });
      assert.equal(pressed.connectOutcome, 'still-connecting');
      await waitFor('streaming at once after Connect', () => a.m.list()[0]?.status?.state === 'streaming', 3000);
      // Connect again, same settings: it says so, and the device streams on untouched.
      const src = a.hub.sources()[0];
      const again = await a.m.connect({ kind: 'cyton', path: pty.app });
      assert.equal(again.connectOutcome, 'already-streaming');
      assert.equal(again.status?.state, 'streaming');
      assert.equal(a.hub.sources()[0], src);
      await emu.close();
      emu = null;
      await pty.unplug();
      await a.m.stopAll();

      // Next start, the dongle is gone again: waiting; the user disconnects it.
      const b = manager(dir, undefined, logs, { ...FAST, waitRetryMs: 60_000 });
      b.m.init();
      await waitFor('waiting', () => b.m.list()[0]?.status?.waitingForDevice === true, 3000);
      const from = logs.length;
      await b.m.disconnect(id);
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(b.m.list()[0].status?.state, 'stopped');
      assert.equal(b.m.list()[0].status?.waitingForDevice, undefined);
      assert.deepEqual(logs.slice(from).filter((e) => e.level === 'warn' && e.source === 'devices'), [], 'a disconnect is no failure');
    } finally {
      await a.m.stopAll();
      await emu?.close();
      await pty.unplug();
    }
  });

  test('a second device on a port HeartMind already uses is refused at once, naming the first; the first streams on', { skip: NEED_SOCAT }, async () => {
    const dir = join(tmp, 'profile-same-port');
    const pty = new PtyPair('mgr-same-port');
    const emu = await plugCyton(pty);
    try {
      const a = manager(dir);
      a.m.init();
      await a.m.connect({ kind: 'cyton', path: pty.app, name: 'Lab Cyton' });
      const logged = a.logs.length;
      await assert.rejects(
        a.m.connect({ kind: 'serial-text', path: pty.app, channels: ['ECG'], rateHz: 250, unit: 'mV', modality: 'ecg' }),
        (e: unknown) => e instanceof DeviceError && e.message === `Serial device (${pty.app}): ${pty.app} is already in use by Lab Cyton in HeartMind: disconnect that one first`,
      );
      // No retries (the log says each one; a wall-clock bound was a deadline a loaded machine missed).
      assert.ok(!a.logs.slice(logged).some((l) => /retrying in|connect failed/.test(l.message)), a.logs.slice(logged).map((l) => l.message).join('\n'));
      assert.deepEqual(a.m.list().map((p) => p.deviceId), [`cyton:${pty.app}`], 'the refused one is not remembered');
      const before = a.samples();
      await waitFor('the Cyton streams on', () => a.samples() > before + 50, 3000);
      // Once the first is disconnected, the port is free for the other.
      await a.m.disconnect(`cyton:${pty.app}`);
      await assert.rejects(a.m.connect({ kind: 'serial-text', path: pty.app, channels: ['ECG'], rateHz: 250, unit: 'mV', modality: 'ecg' }), /connected, but no samples came/);
      await a.m.stopAll();
    } finally {
      await emu.close();
      await pty.unplug();
    }
  });

  // Linux numbers USB serial adapters as they appear (fixtures/fake-serial-dev.ts plays /dev).
  const ARDUINO_BY_ID = 'usb-Arduino__www.arduino.cc__0043_75833353035351E0E1C1-if00';
  /** The Arduino: a text device printing "value,n" at 250 Hz. */
  async function plugArduino(pty: PtyPair): Promise<TextEmulator> {
    await pty.plug();
    const emu = new TextEmulator({ path: pty.device, rateHz: 250, lineAt: (i) => `${(i % 50) / 10},${i}` });
    await emu.open();
    return emu;
  }
  const arduino = (path: string) => ({ kind: 'serial-text' as const, path, channels: ['ECG', 'N'], rateHz: 250, unit: 'mV', modality: 'ecg' as const, name: 'Arduino ECG' });

  test('a remembered serial device that comes back under another /dev name after a restart is found there: its stable name is kept in the profile', { skip: NEED_SOCAT }, async () => {
    const dir = join(tmp, 'profile-by-id');
    const dev = fakeDev(join(tmp, 'dev-by-id'));
    const ptyA = new PtyPair('mgr-byid-a');
    const ptyB = new PtyPair('mgr-byid-b');
    const logs: LogEntry[] = [];
    let emu = await plugCyton(ptyA);
    dev.appear(0, ptyA.app);
    try {
      const a = manager(dir, undefined, logs, FAST, dev.byIdDir);
      a.m.init();
      const p = await a.m.connect({ kind: 'cyton', path: dev.tty(0), name: 'Lab Cyton' });
      assert.equal(p.portAlias, dev.byId(FTDI_BY_ID));
      assert.equal(JSON.parse(readFileSync(join(dir, 'devices.json'), 'utf8')).paired[0].portAlias, dev.byId(FTDI_BY_ID), 'the stable name is in the profile');
      await a.m.stopAll();
      // HeartMind closed, the dongle pulled; the next day it enumerates as ttyUSB1.
      await emu.close();
      await ptyA.unplug();
      dev.vanish(0);
      emu = await plugCyton(ptyB);
      dev.appear(1, ptyB.app);
      const b = manager(dir, undefined, logs, FAST, dev.byIdDir);
      b.m.init();
      await waitFor('reconnected at start, on ttyUSB1', () => b.m.list()[0]?.status?.state === 'streaming', 5000);
      await waitFor('samples', () => b.samples() > 0, 3000);
      assert.ok(logs.some((l) => l.message.includes(`${dev.tty(0)} is gone; the same adapter came back as `)), logs.map((l) => l.message).join('\n'));
      assert.equal(b.m.list()[0].portAlias, dev.byId(FTDI_BY_ID));
      assert.equal(b.m.list()[0].status?.settings?.port, realpathSync(ptyB.app), 'the status says where it is now (the row shows it)');
      await b.m.stopAll();
    } finally {
      await emu.close();
      await ptyA.unplug();
      await ptyB.unplug();
    }
  });

  test('a remembered text device with no stable name, another device of another layout on its path at start: not taken as it, waited for, and the settings kept; a new connect with other channels is told to set them', { skip: NEED_SOCAT }, async () => {
    const dir = join(tmp, 'profile-no-id-taken');
    const pty = new PtyPair('mgr-noid');
    const logs: LogEntry[] = [];
    let emu = await plugArduino(pty);
    try {
      const a = manager(dir, undefined, logs);
      a.m.init();
      await a.m.connect(arduino(pty.app));
      await a.m.stopAll();
      // The next day another device, printing 3 columns, is on that port.
      await emu.close();
      await pty.unplug();
      await pty.plug();
      emu = new TextEmulator({ path: pty.device, rateHz: 250, lineAt: (i) => `${i % 7},${i % 5},${i % 3}` });
      await emu.open();
      const b = manager(dir, undefined, logs, { ...FAST, startAttempts: 2, waitRetryMs: 60_000 });
      b.m.init();
      const id = `serial-text:${pty.app}`;
      const expected = `lines on ${pty.app} now have 3 columns, not the 2 this device printed before: is another device on its port now? They are not taken as this device's; trying until its own lines come back (if this device now prints 3 columns, set its channels to match) — waiting for it: trying every 60 s until you disconnect it`;
      await waitFor('waiting, saying why', () => b.m.list()[0]?.status?.problem?.message === expected, 8000);
      const st = b.m.list()[0].status!;
      assert.equal(st.state, 'connecting');
      assert.equal(st.waitingForDevice, true, 'waited for, not failed');
      assert.equal(b.samples(), 0, 'nothing of the other device taken as this one');
      assert.deepEqual(b.m.list().map((p) => [p.deviceId, p.config.kind === 'serial-text' && p.config.channels]), [[id, ['ECG', 'N']]], 'the remembered settings kept');
      await b.m.stopAll();
      // Connecting that port with other channels is a first connect of those settings: the usual advice.
      await assert.rejects(
        b.m.connect({ ...arduino(pty.app), channels: ['A', 'B', 'C', 'D'] }),
        (e: unknown) => e instanceof DeviceError && /lines have 3 columns, expected 4 .*set 3 channels to match the device/.test(e.message),
      );
      await b.m.stopAll();
    } finally {
      await emu.close();
      await pty.unplug();
    }
  });

  test('two remembered adapters that enumerate the other way round at start: each device opens its own, not the one at its old path', { skip: NEED_SOCAT }, async () => {
    const dir = join(tmp, 'profile-swapped');
    const dev = fakeDev(join(tmp, 'dev-swapped'));
    const ptys = [new PtyPair('mgr-swap-a'), new PtyPair('mgr-swap-b'), new PtyPair('mgr-swap-c'), new PtyPair('mgr-swap-d')];
    const logs: LogEntry[] = [];
    let cyton = await plugCyton(ptys[0]);
    dev.appear(0, ptys[0].app);
    let ard = await plugArduino(ptys[1]);
    dev.appear(1, ptys[1].app, ARDUINO_BY_ID);
    try {
      const a = manager(dir, undefined, logs, FAST, dev.byIdDir);
      a.m.init();
      await a.m.connect({ kind: 'cyton', path: dev.tty(0), name: 'Lab Cyton' });
      await a.m.connect(arduino(dev.tty(1)));
      await a.m.stopAll();
      for (const e of [cyton, ard]) await e.close();
      await ptys[0].unplug();
      await ptys[1].unplug();
      dev.vanish(0);
      dev.vanish(1, ARDUINO_BY_ID);
      // Next start: the Arduino enumerated first and is ttyUSB0; the Cyton's dongle is ttyUSB1.
      ard = await plugArduino(ptys[2]);
      dev.appear(0, ptys[2].app, ARDUINO_BY_ID);
      cyton = await plugCyton(ptys[3]);
      dev.appear(1, ptys[3].app);
      const b = manager(dir, undefined, logs, FAST, dev.byIdDir);
      b.m.init();
      await waitFor('both streaming', () => b.m.list().every((p) => p.status?.state === 'streaming'), 6000);
      const moved = logs.filter((l) => / is another adapter now; this one is at /.test(l.message)).map((l) => l.message);
      assert.equal(moved.length, 2, logs.map((l) => l.message).join('\n'));
      assert.deepEqual(b.m.list().map((p) => p.status?.problem?.message), [undefined, undefined]);
      await b.m.stopAll();
    } finally {
      for (const e of [cyton, ard]) await e.close();
      for (const p of ptys) await p.unplug();
    }
  });

  test('a Cyton that came back under another name does not hold its old path: a device on the adapter now there connects; its real port is refused naming it', { skip: NEED_SOCAT }, async () => {
    const dir = join(tmp, 'profile-moved-in-use');
    const dev = fakeDev(join(tmp, 'dev-moved-in-use'));
    const ptys = [new PtyPair('mgr-miu-a'), new PtyPair('mgr-miu-b'), new PtyPair('mgr-miu-c')];
    let cyton = await plugCyton(ptys[0]);
    dev.appear(0, ptys[0].app);
    let ard: TextEmulator | null = null;
    const a = manager(dir, undefined, [], FAST, dev.byIdDir);
    try {
      a.m.init();
      await a.m.connect({ kind: 'cyton', path: dev.tty(0), name: 'Lab Cyton' });
      // The dongle is pulled and plugged back: ttyUSB1. The Cyton finds it there by itself.
      await cyton.close();
      await ptys[0].unplug();
      dev.vanish(0);
      await waitFor('reconnecting', () => a.m.list()[0]?.status?.state === 'reconnecting', 3000);
      cyton = await plugCyton(ptys[1]);
      dev.appear(1, ptys[1].app);
      await waitFor('the Cyton streams again, on ttyUSB1', () => a.m.list()[0]?.status?.state === 'streaming', 5000);
      // An Arduino plugged in now gets ttyUSB0, the path the Cyton was connected as.
      ard = await plugArduino(ptys[2]);
      dev.appear(0, ptys[2].app, ARDUINO_BY_ID);
      const p = await a.m.connect(arduino(dev.tty(0)));
      assert.equal(p.status?.state, 'streaming');
      assert.equal(a.m.list().find((d) => d.deviceId.startsWith('cyton:'))?.status?.state, 'streaming');
      // Where the Cyton really is, a second device is refused at once, by name.
      const logged = a.logs.length;
      await assert.rejects(
        a.m.connect({ ...arduino(dev.tty(1)), name: 'Other' }),
        (e: unknown) => e instanceof DeviceError && e.message === `Other: ${dev.tty(1)} is already in use by Lab Cyton in HeartMind: disconnect that one first`,
      );
      assert.ok(!a.logs.slice(logged).some((l) => /retrying in|connect failed/.test(l.message)), a.logs.slice(logged).map((l) => l.message).join('\n'));
    } finally {
      await a.m.stopAll();
      await cyton.close();
      await ard?.close();
      for (const p of ptys) await p.unplug();
    }
  });

  test('a device that never connected is not remembered; the error names the port', async () => {
    const dir = join(tmp, 'profile8');
    const { m } = manager(dir);
    m.init();
    await assert.rejects(m.connect({ kind: 'cyton', path: '/dev/ttyNOPE3' }), /cannot open \/dev\/ttyNOPE3: port not found/);
    assert.deepEqual(m.list(), []);
    // Trying again works (the failed source is taken out of the hub first), and fails the same way.
    await assert.rejects(m.connect({ kind: 'cyton', path: '/dev/ttyNOPE3' }), /port not found/);
  });

  test('the start log names where each remembered device is once: a name that says it stands alone', async () => {
    const dir = join(tmp, 'profile-startlog');
    mkdirSync(dir, { recursive: true });
    const at = (n: number) => join(tmp, `no-such-port-${n}`);
    const paired = [
      { deviceId: `cyton:${at(1)}`, config: { kind: 'cyton', path: at(1) }, name: `OpenBCI Cyton (${at(1)})`, autoConnect: true },
      { deviceId: `cyton:${at(2)}`, config: { kind: 'cyton', path: at(2) }, name: 'Lab Cyton', autoConnect: true },
      { deviceId: 'brainflow:-1', config: { kind: 'brainflow', boardId: -1 }, name: 'BrainFlow Synthetic board', autoConnect: true },
    ];
    writeFileSync(join(dir, 'devices.json'), JSON.stringify({ version: 1, paired }));
    // Not waited for: only the log lines init() writes as it starts them are checked.
    const { m, logs } = manager(dir, undefined, [], { ...FAST, waitRetryMs: 60_000 });
    try {
      m.init();
      const said = logs.filter((l) => l.source === 'devices' && l.message.startsWith('reconnecting ')).map((l) => l.message);
      assert.deepEqual(said, [`reconnecting OpenBCI Cyton (${at(1)})`, `reconnecting Lab Cyton (serial ${at(2)})`, 'reconnecting BrainFlow Synthetic board'], said.join('\n'));
    } finally {
      await m.stopAll();
    }
  });

  test('a damaged profile is set aside with a warning; the app starts with no devices', () => {
    const dir = join(tmp, 'profile2');
    const { m, logs } = manager(dir);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'devices.json'), '{"version":1,"paired":[{"deviceId":');
    m.init();
    assert.deepEqual(m.list(), []);
    assert.ok(logs.some((l) => l.level === 'warn' && /could not be read.*set aside/.test(l.message)), 'a warning says the unreadable devices.json was set aside');
    assert.ok(readdirSync(dir).some((f) => f.startsWith('devices.json.damaged-')), 'a devices.json.damaged-* copy was kept');
    assert.ok(!existsSync(join(dir, 'devices.json')), 'devices.json itself is gone');
  });

  test('a remembered entry with a bad config is skipped, the others kept', () => {
    const dir = join(tmp, 'profile3');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'devices.json'),
      JSON.stringify({ version: 1, paired: [{ deviceId: 'x', config: { kind: 'toaster' }, name: 'x' }, { deviceId: 'cyton:/dev/ttyUSB7', config: { kind: 'cyton', path: '/dev/ttyUSB7' }, name: 'C', autoConnect: false }] }),
    );
    const { m, logs } = manager(dir);
    m.init();
    assert.deepEqual(m.list().map((p) => p.deviceId), ['cyton:/dev/ttyUSB7']);
    assert.ok(logs.some((l) => /unknown device kind "toaster"/.test(l.message)), 'the unknown device kind "toaster" is logged');
  });

  test('configs that cannot work are refused with the reason', () => {
    const { m } = manager(join(tmp, 'profile4'));
    assert.throws(() => m.makeDriver({ kind: 'serial-text', path: '/dev/ttyACM0', channels: [], rateHz: 250, unit: 'mV', modality: 'ecg' }), (e: unknown) => e instanceof DeviceError && e.code === 'invalid-config' && /channel labels/.test(e.message));
    assert.throws(() => m.makeDriver({ kind: 'cyton', path: '' }), /serial port path/);
  });

  test('scan: Polar and Muse recognised, other advertisements ignored, sorted by signal', async () => {
    class Thermometer extends EmulatedPeripheral {
      protected readonly characteristics = [];
      protected onWrite(): void {}
      protected onRead(): Uint8Array {
        return new Uint8Array(0);
      }
    }
    const central = new EmulatedCentral([new EmulatedPolarH10('a0:9e:1a:00:00:01'), new EmulatedMuse('00:55:da:00:00:02'), new Thermometer('11:22:33:44:55:66', 'Thermo', ['1809'], -40)]);
    (central.peripherals[1] as EmulatedMuse).rssi = -50;
    const { m } = manager(join(tmp, 'profile5'), central);
    const seen: string[] = [];
    const found = await m.scan(100, (d) => seen.push(d.kind ?? 'none'));
    assert.deepEqual(found.map((d) => d.kind), ['muse', 'polar-h10']);
    assert.deepEqual(seen.sort(), ['muse', 'polar-h10']);
  });

  test('Connect with changed settings on a running device uses them; settings that fail are not remembered', { skip: !existsSync(LIB) && 'needs ../shared/brainflow' }, async () => {
    const dir = join(tmp, 'profile-resettings');
    const a = manager(dir);
    a.m.init();
    try {
      await a.m.connect({ kind: 'brainflow', boardId: -1, libraryPath: LIB });
      const saved = () => JSON.parse(readFileSync(join(dir, 'devices.json'), 'utf8')).paired[0].config;
      // The same settings again: the running device is kept (no restart).
      const src = a.hub.sources()[0];
      assert.equal((await a.m.connect({ kind: 'brainflow', boardId: -1, libraryPath: LIB })).connectOutcome, 'already-streaming');
      assert.equal(a.hub.sources()[0], src);
      // Settings that cannot work: refused with the reason, the remembered ones untouched, and the
      // device back on the settings it streamed with (it was left stopped in error, lost to the user).
      await assert.rejects(
        a.m.connect({ kind: 'brainflow', boardId: -1, libraryPath: LIB, ecgRows: [99] }),
        (e: unknown) => e instanceof DeviceError && e.message === "BrainFlow Synthetic board: the new settings did not work: ECG row 99 is outside 0..31, the rows of BrainFlow's Synthetic board. It is back on its previous settings and streaming.",
      );
      // Said in the log as it happened (the failure, 'going back to the previous settings'): the core
      // does not repeat the request's failure as a warning (markLogged).
      const failure = await a.m.connect({ kind: 'brainflow', boardId: -1, libraryPath: LIB, ecgRows: [99] }).catch((e: unknown) => e);
      assert.ok(wasLogged(failure), `the error is marked as said: ${String(failure)}`);
      assert.ok(a.logs.some((l) => l.level === 'warn' && /the new settings failed \(ECG row 99 .*\); going back to the previous settings$/.test(l.message)), a.logs.map((l) => `${l.level} ${l.message}`).join('\n'));
      assert.equal(saved().ecgRows, undefined);
      const back = a.m.list()[0];
      assert.equal(back.status?.state, 'streaming');
      assert.equal(back.status?.problem, undefined);
      assert.ok(!a.hub.streams().some((s) => s.id === 'brainflow:-1/ecg'), 'back on the old settings: no ECG stream');
      const before = a.samples();
      await waitFor('samples after going back', () => a.samples() > before + 50);
      // Working new settings: the device runs with them (an ECG stream now) and they are remembered.
      await a.m.connect({ kind: 'brainflow', boardId: -1, libraryPath: LIB, ecgRows: [16] });
      assert.ok(a.hub.streams().some((s) => s.id === 'brainflow:-1/ecg'), a.hub.streams().map((s) => s.id).join());
      assert.deepEqual(saved().ecgRows, [16]);
      // Other settings while it streams: restarted with them, and the answer says so.
      assert.equal((await a.m.connect({ kind: 'brainflow', boardId: -1, libraryPath: LIB, ecgRows: [15] })).connectOutcome, 'restarted');
      assert.deepEqual(saved().ecgRows, [15]);
    } finally {
      await a.m.stopAll();
    }
  });

  test('new settings that fail on a streaming text device: it goes back to the old ones and streams on; the error says both', { skip: NEED_SOCAT }, async () => {
    const pty = new PtyPair('resettings');
    await pty.plug();
    const emu = new TextEmulator({ path: pty.device, rateHz: 200, lineAt: (i) => `${i % 100},${-i % 100}` });
    await emu.open();
    const dir = join(tmp, 'profile-text-resettings');
    const a = manager(dir);
    a.m.init();
    const good = { kind: 'serial-text', path: pty.app, channels: ['ECG', 'EEG'], rateHz: 200, unit: 'uV', modality: 'ecg', name: 'Arduino ECG' } as const;
    try {
      await a.m.connect({ ...good, channels: [...good.channels] });
      await assert.rejects(
        a.m.connect({ ...good, channels: ['ECG'] }),
        (e: unknown) =>
          e instanceof DeviceError &&
          e.message === 'Arduino ECG: the new settings did not work: lines have 2 columns, expected 1 (channel ECG): set 2 channels to match the device. It is back on its previous settings and streaming.',
      );
      const row = a.m.list()[0];
      assert.equal(row.status?.state, 'streaming');
      assert.deepEqual(row.config.kind === 'serial-text' && row.config.channels, ['ECG', 'EEG'], 'the remembered settings are the working ones');
      assert.equal(a.hub.streams()[0]?.channels.length, 2);
      const before = a.samples();
      await waitFor('samples after going back', () => a.samples() > before + 100);
    } finally {
      await a.m.stopAll();
      await emu.close();
      await pty.unplug();
    }
  });

  test('a BrainFlow playback file is remembered with Connect at start off (it would replay old data as live at every start); a board with it on', { skip: !existsSync(LIB) && 'needs ../shared/brainflow' }, async () => {
    const dir = join(tmp, 'profile-playback');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'session.csv');
    const rows: string[] = [];
    for (let i = 0; i < 2500; i++) rows.push(Array.from({ length: 24 }, (_, k) => (k === 0 ? i % 256 : k === 22 ? 1557936053 + i / 250 : 0).toFixed(6)).join('\t'));
    writeFileSync(file, rows.join('\n') + '\n');
    const a = manager(dir);
    a.m.init();
    try {
      await a.m.connect({ kind: 'brainflow', boardId: -3, libraryPath: LIB, params: { file, master_board: 0 } });
      await a.m.connect({ kind: 'brainflow', boardId: -1, libraryPath: LIB });
      const saved = JSON.parse(readFileSync(join(dir, 'devices.json'), 'utf8')).paired as { config: { boardId: number }; autoConnect: boolean }[];
      assert.deepEqual(saved.map((p) => [p.config.boardId, p.autoConnect]), [
        [-3, false],
        [-1, true],
      ]);
    } finally {
      await a.m.stopAll();
    }
  });

  test("BrainFlow's library: set a path, see its version; a bad path is named", { skip: !existsSync(LIB) && 'needs ../shared/brainflow' }, async () => {
    const { m } = manager(join(tmp, 'profile6'));
    m.init();
    const ok = await m.brainflowLibrary(LIB);
    assert.equal(ok.path, LIB);
    assert.match(ok.version ?? '', /\d/);
    const bad = await m.brainflowLibrary(join(tmp, 'nope'));
    assert.equal(bad.path, null);
    assert.match(bad.problem ?? '', /no BrainFlow library at .*nope/);
    assert.equal(JSON.parse(readFileSync(join(tmp, 'profile6', 'devices.json'), 'utf8')).brainflowLibraryPath, join(tmp, 'nope'));
    const cleared = await m.brainflowLibrary(null);
    assert.equal(cleared.configuredPath, undefined);
  });
});

describe('devices area requests', () => {
  test('handlers are registered, validate their input, and push changes', async () => {
    const handlers = new HandlerRegistry();
    const pushes: PushMessage[] = [];
    const hub = new StreamHub({ clock: systemClock });
    const stops: (() => unknown)[] = [];
    const ctx = {
      runtime: 'serve',
      hub,
      clock: systemClock,
      dataDir: join(tmp, 'profile7'),
      handlers,
      handle: (c: never, h: never, o?: never) => handlers.handle(c, h, o),
      push: (msg: PushMessage) => pushes.push(msg),
      log: () => undefined,
      onStop: (fn: () => unknown) => stops.push(fn),
      recentLogs: () => [],
    } as unknown as CoreContext;
    const central = new EmulatedCentral([new EmulatedPolarH10('a0:9e:1a:00:00:09')]);
    const m = new DeviceManager({ hub, clock: systemClock, dataDir: join(tmp, 'profile7'), log: () => undefined, central: async () => central, policy: FAST, onChange: (devices) => pushes.push({ type: 'devices:paired', devices }) });
    startDevicesArea(ctx, m);
    for (const c of ['list', 'scan', 'ports', 'connect', 'disconnect', 'rename', 'auto-connect', 'forget', 'brainflow']) assert.ok(handlers.has(`hm:devices:${c}`), c);
    const lc = { transport: 'local' as const, clientId: 'test' };
    const bad = await handlers.dispatch('hm:devices:connect', { config: { kind: 'cyton' } }, lc);
    assert.equal(bad.ok, false);
    assert.match(!bad.ok ? bad.error.message : '', /serial port path/);
    const badRename = await handlers.dispatch('hm:devices:rename', { deviceId: 'x' }, lc);
    assert.equal(badRename.ok, false);
    const scan = await handlers.dispatch('hm:devices:scan', { durationMs: 100 }, lc);
    assert.ok(scan.ok && (scan.value as { kind: string }[])[0].kind === 'polar-h10', `the scan finds a polar-h10 first: ${JSON.stringify(scan)}`);
    assert.ok(pushes.some((p) => p.type === 'devices:found'), 'a devices:found push was sent');
    const conn = await handlers.dispatch('hm:devices:connect', { config: { kind: 'polar-h10', id: 'a0:9e:1a:00:00:09' } }, lc);
    assert.ok(conn.ok, JSON.stringify(conn));
    assert.ok(pushes.some((p) => p.type === 'devices:paired' && p.devices.length === 1), 'a devices:paired push with one device was sent');
    const unknown = await handlers.dispatch('hm:devices:rename', { deviceId: 'nope', name: 'x' }, lc);
    assert.ok(!unknown.ok && unknown.error.kind === 'invalid-config', `an unknown kind is refused as invalid-config: ${JSON.stringify(unknown)}`);
    for (const s of stops) await s();
    assert.equal(central.peripherals[0].connected, false, 'stopped with the core');
  });

  test("a device taken off the hub behind the manager's back (parked for a replay) is pushed as stopped in the paired list; disconnect pushes the list once", async () => {
    const pushed: string[][] = [];
    const central = new EmulatedCentral([new EmulatedPolarH10('a0:9e:1a:00:00:0b')]);
    const hub = new StreamHub({ clock: systemClock });
    const m = new DeviceManager({ hub, clock: systemClock, dataDir: join(tmp, 'profile-park'), log: () => undefined, central: async () => central, policy: FAST, onChange: (devices) => pushed.push(devices.map((d) => `${d.deviceId}:${d.status?.state}`)) });
    const p = await m.connect({ kind: 'polar-h10', id: 'a0:9e:1a:00:00:0b' });
    assert.equal(p.status?.state, 'streaming');
    pushed.length = 0;
    // What parkLiveSources does when a replay opens (and restoreParkedSources as it closes): the hub alone, not the manager.
    const source = hub.sources().find((s) => s.deviceId === p.deviceId)!;
    await hub.removeSource(p.deviceId);
    assert.deepEqual(pushed, [[`${p.deviceId}:stopped`]], 'the paired list is pushed with the state the device is in now');
    await hub.addSource(source);
    await waitFor('streaming again', () => hub.devices()[0]?.state === 'streaming', 3000);
    pushed.length = 0;
    await m.disconnect(p.deviceId);
    assert.deepEqual(pushed, [[`${p.deviceId}:stopped`]], 'disconnect: one push, stopped');
    await hub.close();
  });

  test('a data folder that cannot be written: the device still connects and streams, the log says why it is not remembered', async () => {
    const file = join(tmp, 'not-a-folder');
    writeFileSync(file, 'x');
    const logs: LogEntry[] = [];
    const central = new EmulatedCentral([new EmulatedPolarH10('a0:9e:1a:00:00:0a')]);
    const { m, hub } = manager(file, central, logs);
    m.init();
    const p = await m.connect({ kind: 'polar-h10', id: 'a0:9e:1a:00:00:0a' });
    assert.equal(p.status?.state, 'streaming');
    assert.ok(
      logs.some((e) => e.level === 'warn' && e.message === `Polar H10 a0:9e:1a:00:00:0a is connected, but will be forgotten when HeartMind closes: the paired devices cannot be saved to ${join(file, 'devices.json')} (${file} is a file, not a folder)`),
      logs.map((e) => e.message).join('\n'),
    );
    // Changes the user asks for say the same, as an error.
    assert.throws(() => m.rename(p.deviceId, 'chest'), (e: unknown) => e instanceof DeviceError && e.message === `the paired devices cannot be saved to ${join(file, 'devices.json')} (${file} is a file, not a folder)`);
    await hub.close();
  });
});
