// A port opened again while HeartMind's own close of it is still with the system (the file handle,
// and the exclusive lock it holds, not yet released): the open waits for that close, bounded, rather
// than say "port in use by another program" of HeartMind itself. Over real socat pseudo-terminals;
// the system close is held deterministically (holdCloses) instead of hoping for a loaded machine.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SerialPort } from 'serialport';
import { openSerialLink } from '../../../src/main/devices/serial/serial-link';
import { ManagedSource } from '../../../src/main/devices/device-source';
import { SerialTextDriver } from '../../../src/main/devices/drivers/serial-text-driver';
import { DeviceManager } from '../../../src/main/devices/device-manager';
import { TextEmulator } from '../../../src/main/devices/emulator/text-emulator';
import { StreamHub } from '../../../src/main/hub/hub';
import type { DeviceDriver, DriverContext } from '../../../src/main/devices/device-driver.types';
import { DeviceError } from '../../../src/shared/devices/device-error';
import type { LogEntry } from '../../../src/shared/log.types';
import { PtyPair, NEED_SOCAT } from '../../fixtures/pty';
import { RecordingSink, systemClock, waitFor } from '../../fixtures/recording-sink';

interface BindingPort {
  close(): Promise<void>;
}
interface Binding {
  open(options: { path: string }): Promise<BindingPort>;
}

/**
 * From now on, the system close of each port opened at `path` (serialport's native binding) waits
 * until release(): its handle, and the lock, stay ours meanwhile, as when libuv's thread pool is busy
 * or a tty waits for unsent output. `held`: closes that reached the binding. restore() undoes it.
 */
function holdCloses(path: string) {
  const binding = SerialPort.binding as unknown as Binding;
  const open = binding.open;
  const real = realpathSync(path);
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const state = { held: 0, releasedAt: NaN };
  binding.open = async function (this: Binding, options) {
    const port = await open.call(this, options);
    if (realpathSync(options.path) === real) {
      const close = port.close.bind(port);
      port.close = async () => {
        state.held++;
        await gate;
        return close();
      };
    }
    return port;
  };
  const releaseNow = () => {
    if (Number.isNaN(state.releasedAt)) state.releasedAt = Date.now();
    release();
  };
  return {
    state,
    release: releaseNow,
    restore: () => {
      binding.open = open;
      releaseNow();
    },
  };
}

/**
 * From now on, each port opened at `path` is handed over only on release(), once the system has
 * opened it (and its lock is taken): an open that a busy thread pool reports late.
 */
function holdOpens(path: string) {
  const binding = SerialPort.binding as unknown as Binding;
  const open = binding.open;
  const real = realpathSync(path);
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const state = { held: 0 };
  binding.open = async function (this: Binding, options) {
    const port = await open.call(this, options);
    if (realpathSync(options.path) === real) {
      state.held++;
      await gate;
    }
    return port;
  };
  return {
    state,
    release: () => release(),
    restore: () => {
      binding.open = open;
      release();
    },
  };
}

/** Lines of one channel at `rateHz` written to the device side by the test, paused at will (a stall). */
async function lineWriter(path: string, rateHz: number) {
  const link = await openSerialLink(path, 115200, 'test device');
  let i = 0;
  let paused = false;
  const timer = setInterval(() => {
    if (paused) return;
    let s = '';
    for (let k = 0; k < rateHz / 50; k++) s += `${(i++ % 100) / 10}\r\n`;
    void link.write(s).catch(() => undefined);
  }, 20);
  return {
    pause: () => (paused = true),
    resume: () => (paused = false),
    stop: async () => {
      clearInterval(timer);
      await link.close();
    },
  };
}

const FAST = { initialDelayMs: 100, maxDelayMs: 300, stallTimeoutMs: 1000, startAttempts: 1 };

describe("a port opened again during HeartMind's own close of it", { skip: NEED_SOCAT }, () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  /** A plugged pseudo-terminal pair, unplugged after the tests. */
  async function plugged(name: string): Promise<PtyPair> {
    const pty = new PtyPair(name);
    await pty.plug();
    cleanups.push(() => pty.unplug());
    return pty;
  }
  /** The system closes of `path` held until released (and restored after the tests). */
  function held(path: string): ReturnType<typeof holdCloses> {
    const hold = holdCloses(path);
    cleanups.push(hold.restore);
    return hold;
  }
  after(async () => {
    for (const c of cleanups.reverse()) await Promise.resolve(c()).catch(() => undefined);
  });

  test('waits for that close and opens, not "port in use by another program"', async () => {
    const pty = await plugged('ownclose-wait');
    const hold = held(pty.app);
    const first = await openSerialLink(pty.app, 115200, 'first');
    // The close returns (after its 1-s wait) while the system still holds the port: a Disconnect is
    // not held up by it.
    await first.close();
    assert.equal(hold.state.held, 1, 'the system close was reached and is held');
    setTimeout(hold.release, 500);
    const second = await openSerialLink(pty.app, 115200, 'second');
    cleanups.push(() => second.close());
    assert.ok(Date.now() >= hold.state.releasedAt, 'the open went ahead only once our close had released the port');
    // The port is ours again: what the device side writes arrives.
    const got: number[] = [];
    second.onData((b) => got.push(...b));
    const dev = await openSerialLink(pty.device, 115200, 'device side');
    cleanups.push(() => dev.close());
    await dev.write('hello\n');
    await waitFor('the bytes written on the device side', () => got.length >= 6, 3000);
    hold.restore();
  });

  test('the wait is bounded: a close that outlasts it is said as our own, retryable, not as another program holding the port', async () => {
    const pty = await plugged('ownclose-bound');
    const hold = held(pty.app);
    const first = await openSerialLink(pty.app, 115200, 'first');
    await first.close();
    await assert.rejects(
      openSerialLink(pty.app, 115200, 'Arduino ECG', { ownCloseWaitMs: 300 }),
      (e: unknown) =>
        e instanceof DeviceError &&
        e.message === `Arduino ECG: cannot open ${pty.app} yet: HeartMind's previous connection to it is still closing after 0.3 s (the system has not released the port)` &&
        e.retryable &&
        !e.othersPort,
    );
    hold.release();
    // Released: the next attempt opens.
    const again = await openSerialLink(pty.app, 115200, 'Arduino ECG', { ownCloseWaitMs: 300 });
    await again.close();
    hold.restore();
  });

  test('a port another program holds is still said so, at once', async () => {
    const pty = await plugged('ownclose-other');
    // Opened with its own lock, outside HeartMind's serial layer: another program, as far as the port can tell.
    const other = new SerialPort({ path: pty.app, baudRate: 115200, autoOpen: false });
    await new Promise<void>((resolve, reject) => other.open((e) => (e ? reject(e) : resolve())));
    cleanups.push(() => new Promise<void>((resolve) => other.close(() => resolve())));
    await assert.rejects(
      openSerialLink(pty.app, 115200, 'Arduino ECG'),
      (e: unknown) => e instanceof DeviceError && e.message === `Arduino ECG: cannot open ${pty.app}: port in use by another program` && e.othersPort === true,
    );
  });

  test('a device that stalls reconnects once its slow close is done: no "in use by another program", no wait of 12 s', async () => {
    const pty = await plugged('ownclose-stall');
    const dev = await lineWriter(pty.device, 200);
    cleanups.push(() => dev.stop());
    const hold = held(pty.app);
    const logs: LogEntry[] = [];
    const sink = new RecordingSink();
    const src = new ManagedSource(new SerialTextDriver({ path: pty.app, channels: ['ECG'], rateHz: 200, unit: 'mV', modality: 'ecg', name: 'Arduino ECG' }), {
      hostClock: systemClock,
      policy: FAST,
      tickMs: 50,
      log: (e) => logs.push(e),
    });
    cleanups.push(() => src.stop());
    await src.start(sink);
    const id = `serial-text:${pty.app}/ecg`;
    await waitFor('samples', () => sink.samples(id) >= 100, 5000);
    dev.pause();
    await waitFor('the stall closing the port', () => hold.state.held === 1, 5000);
    dev.resume();
    // Retried after 0.1 s, while the port is still ours: that attempt waits for the close.
    setTimeout(hold.release, 1500);
    const n = sink.samples(id);
    // Without the wait the retry met our own lock, took it for another program's and was retried
    // only at the waiting cadence (12 s).
    await waitFor('samples after the reconnect', () => sink.samples(id) > n + 100, 8000);
    const said = logs.map((l) => `${l.level} ${l.message}`);
    assert.ok(!said.some((l) => /in use by another program|still closing/.test(l)), said.join('\n'));
    assert.equal(sink.gaps.filter((g) => g.reason === 'device-dropped').length, 1, 'one hole, for the stall');
    await src.stop();
    hold.restore();
  });

  test('a stop while a reconnect is opening the port returns once that attempt has closed it: a Connect then opens', async () => {
    const pty = await plugged('ownclose-opening');
    const dev = await lineWriter(pty.device, 200);
    cleanups.push(() => dev.stop());
    const sink = new RecordingSink();
    const src = new ManagedSource(new SerialTextDriver({ path: pty.app, channels: ['ECG'], rateHz: 200, unit: 'mV', modality: 'ecg', name: 'Arduino ECG' }), {
      hostClock: systemClock,
      policy: FAST,
      tickMs: 50,
    });
    cleanups.push(() => src.stop());
    await src.start(sink);
    await waitFor('samples', () => sink.samples(`serial-text:${pty.app}/ecg`) >= 100, 5000);
    const hold = holdOpens(pty.app);
    cleanups.push(hold.restore);
    // A stall: the source closes the port and opens it again, which the system does and reports late.
    dev.pause();
    await waitFor('the reconnect opening the port', () => hold.state.held === 1, 5000);
    setTimeout(hold.release, 500);
    await src.stop();
    hold.restore();
    // Stop returned while that attempt still held the port: this open met our own lock.
    const next = await openSerialLink(pty.app, 115200, 'next Connect');
    await next.close();
  });

  test('Disconnect, then Connect at once while the port is still closing: the device connects again (device manager)', async () => {
    const pty = await plugged('ownclose-manager');
    const emu = new TextEmulator({ path: pty.device, rateHz: 200, lineAt: (i) => `${i % 100},${-i % 100}` });
    await emu.open();
    cleanups.push(() => emu.close());
    const dir = mkdtempSync(join(tmpdir(), 'hm-ownclose-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const hub = new StreamHub({ clock: systemClock });
    let samples = 0;
    hub.subscribe({ rawChunk: (c) => (samples += c.count) });
    const logs: LogEntry[] = [];
    // One attempt, so an open refused would fail the Connect (a real Connect has three, which a
    // refusal could also use up: the 12-s waiting cadence does not apply to a new Connect).
    const m = new DeviceManager({ hub, clock: systemClock, dataDir: dir, log: (e) => logs.push(e), policy: FAST });
    cleanups.push(() => m.stopAll());
    m.init();
    const config = { kind: 'serial-text', path: pty.app, channels: ['ECG', 'EEG'], rateHz: 200, unit: 'uV', modality: 'ecg', name: 'Arduino ECG' } as const;
    const hold = held(pty.app);
    const row = await m.connect({ ...config, channels: [...config.channels] });
    await waitFor('samples', () => samples > 100, 5000);
    await m.disconnect(row.deviceId);
    assert.equal(hold.state.held, 1, 'Disconnect returned while the system still held the port');
    setTimeout(hold.release, 500);
    const again = await m.connect({ ...config, channels: [...config.channels] });
    assert.equal(again.connectOutcome, 'connected');
    assert.ok(Date.now() >= hold.state.releasedAt, 'opened once our close had released the port');
    const before = samples;
    await waitFor('samples after Connect', () => samples > before + 100, 5000);
    const said = logs.map((l) => `${l.level} ${l.message}`);
    assert.ok(!said.some((l) => /in use by another program|connect failed/.test(l)), said.join('\n'));
    await m.stopAll();
    hold.restore();
  });
});

describe("a source's next connect after a drop", () => {
  test("opens once the last connection's close has finished (a serial close writes its stop command first, up to 2 s)", async () => {
    // As a serial port's lock does: an open while the last session is still closing is refused.
    let closingNow = false;
    let opens = 0;
    let ctx!: DriverContext;
    const name = 'Arduino ECG (/dev/ttyUSB9)';
    const drv: DeviceDriver = {
      deviceId: 'serial-text:/dev/ttyUSB9',
      name,
      model: 'serial-text',
      transport: 'serial',
      clockKind: 'counter',
      streamIds: [],
      open: async (c) => {
        opens++;
        if (closingNow) throw Object.assign(new DeviceError('unavailable', `${name}: cannot open /dev/ttyUSB9: port in use by another program`, true), { othersPort: true });
        ctx = c;
        return {
          close: async () => {
            closingNow = true;
            await new Promise((r) => setTimeout(r, 600));
            closingNow = false;
          },
        };
      },
    };
    const logs: LogEntry[] = [];
    const src = new ManagedSource(drv, { hostClock: systemClock, tickMs: 50, log: (e) => logs.push(e), policy: { initialDelayMs: 10, maxDelayMs: 20 } });
    // No sample comes, so start() does not settle: the connection is there once the state says so.
    void src.start({ streams: () => undefined, chunk: () => undefined, gap: () => undefined, status: () => undefined }).catch(() => undefined);
    await waitFor('the first connection', () => src.state === 'streaming', 5000);
    const first = ctx;
    first.dropped(new DeviceError('disconnected', `${name}: serial error on /dev/ttyUSB9: EIO`));
    // Retried after 10 ms, while the close takes 600: that attempt waits for it, and opens.
    await waitFor('the next connection', () => ctx !== first, 5000);
    const said = logs.map((l) => `${l.level} ${l.message}`);
    assert.equal(opens, 2, `one open after the drop, once the close was done:\n${said.join('\n')}`);
    assert.ok(!said.some((l) => /in use by another program/.test(l)), said.join('\n'));
    await src.stop();
  });
});
