// A BrainFlow board on a serial port (BrainFlow's own Cyton board, id 0, talking to the emulated
// dongle over a socat pty) whose adapter Linux renumbers: pulled at /dev/ttyUSB0, back as
// /dev/ttyUSB1. BrainFlow is handed the port by the same finder as the Cyton and text devices: its
// /dev/serial/by-id name, learnt when BrainFlow opened the port, says where the adapter is, and the
// board streams again by itself. (Given only its configured path, BrainFlow tried /dev/ttyUSB0 for
// ever.) A port not there is said as for any serial device.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ManagedSource } from '../../../src/main/devices/device-source';
import { BrainFlowDriver } from '../../../src/main/devices/drivers/brainflow-driver';
import { CytonEmulator } from '../../../src/main/devices/emulator/cyton-emulator';
import type { LogEntry } from '../../../src/shared/log.types';
import { PtyPair, NEED_SOCAT } from '../../fixtures/pty';
import { FTDI_BY_ID, fakeDev } from '../../fixtures/fake-serial-dev';
import { RecordingSink, systemClock, waitFor } from '../../fixtures/recording-sink';

const LIB = resolve('..', 'shared', 'brainflow', 'linux-x64', 'libBoardController.so');
const FAST = { initialDelayMs: 100, maxDelayMs: 300, stallTimeoutMs: 1500, startAttempts: 1 };
const tmp = mkdtempSync(join(tmpdir(), 'hm-bf-replug-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('a BrainFlow board on a serial adapter that comes back under another name', { skip: NEED_SOCAT || (!existsSync(LIB) && 'needs ../shared/brainflow') }, () => {
  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  after(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  test('found by its /dev/serial/by-id name: streams again at /dev/ttyUSB1, the log and the status say where', async () => {
    const dev = fakeDev(join(tmp, 'dev'));
    const first = new PtyPair('bf-replug-0');
    await first.plug();
    cleanups.push(() => first.unplug());
    dev.appear(0, first.app, FTDI_BY_ID);
    let emu = new CytonEmulator({ path: first.device, countsAt: (i, out) => out.fill(i % 100) });
    await emu.open();
    const logs: LogEntry[] = [];
    const driver = new BrainFlowDriver({ boardId: 0, params: { serial_port: dev.tty(0) }, libraryPath: LIB, aliasDir: dev.byIdDir });
    const src = new ManagedSource(driver, { hostClock: systemClock, policy: FAST, tickMs: 50, log: (e) => logs.push(e) });
    cleanups.push(() => src.stop());
    const sink = new RecordingSink();
    await src.start(sink);
    const id = 'brainflow:0:' + dev.tty(0) + '/eeg';
    await waitFor('streaming', () => sink.samples(id) > 100, 8000);
    assert.equal(driver.serialPort?.stableName, dev.byId(FTDI_BY_ID), 'the stable name learnt when BrainFlow opened the port (the profile keeps it)');

    // Pulled: the node and its name go.
    await emu.close();
    await first.unplug();
    dev.vanish(0);
    await waitFor('the port missing said', () => /cannot open .*ttyUSB0: port not found \(unplugged\?\)/.test(src.status().problem?.message ?? ''), 8000);

    // Back as ttyUSB1, named as before.
    const second = new PtyPair('bf-replug-1');
    await second.plug();
    cleanups.push(() => second.unplug());
    dev.appear(1, second.app, FTDI_BY_ID);
    emu = new CytonEmulator({ path: second.device, countsAt: (i, out) => out.fill(i % 100) });
    await emu.open();
    cleanups.push(() => emu.close());
    const n = sink.samples(id);
    await waitFor('streaming again', () => src.status().state === 'streaming' && sink.samples(id) > n + 100, 10_000);
    assert.ok(logs.some((l) => l.message.includes(`${dev.tty(0)} is gone; the same adapter came back as`)), logs.map((l) => l.message).join('\n'));
    assert.equal(src.status().settings?.port, realpathSync(dev.byId(FTDI_BY_ID)), 'where it opened, not its old path: the row says where it is now');
    assert.equal(src.deviceId, 'brainflow:0:' + dev.tty(0), 'the same device');
  });
});
