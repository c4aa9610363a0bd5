// A live device that drops is one line in the event log, not two: the source said "dropped: …" and
// the hub then said the state change with the same reason ("streaming → reconnecting (…)"), both
// warnings, so the dashboard's log panel showed every unplugged cable twice. The hub's line stays:
// it has the device's name, the state it went to and the reason. Over a real pseudo-terminal, socat
// killed as the cable pulled, with both logs going to one list as the app wires them.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { StreamHub } from '../../../src/main/hub/hub';
import { ManagedSource } from '../../../src/main/devices/device-source';
import type { DriverContext } from '../../../src/main/devices/device-driver.types';
import { DeviceError } from '../../../src/shared/devices/device-error';
import { CytonDriver } from '../../../src/main/devices/drivers/cyton-driver';
import { CytonEmulator } from '../../../src/main/devices/emulator/cyton-emulator';
import type { LogEntry } from '../../../src/shared/log.types';
import { PtyPair, NEED_SOCAT } from '../../fixtures/pty';
import { systemClock, waitFor } from '../../fixtures/recording-sink';

const FAST = { initialDelayMs: 100, maxDelayMs: 300, stallTimeoutMs: 1500, startAttempts: 1 };
const cleanups: (() => Promise<unknown>)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

test('a serial device unplugged: one warning in the log, with the state it went to and why', { skip: NEED_SOCAT }, async () => {
  const pty = new PtyPair('droplog');
  await pty.plug();
  cleanups.push(() => pty.unplug());
  const emu = new CytonEmulator({ path: pty.device, countsAt: (i, out) => void out.fill((i % 50) * 100) });
  await emu.open();
  cleanups.push(() => emu.close());
  // As the app: the hub's lines and the device's own (DeviceManager's log) in one event log.
  const log: LogEntry[] = [];
  const hub = new StreamHub({ clock: systemClock, log: (level, source, message) => log.push({ time: systemClock.now(), level, source, message }) });
  cleanups.push(() => hub.close());
  const src = new ManagedSource(new CytonDriver({ path: pty.app, resetTimeoutMs: 1000 }), { hostClock: systemClock, policy: FAST, tickMs: 50, log: (e) => log.push(e) });
  await hub.addSource(src);
  await waitFor('streaming', () => src.status().state === 'streaming', 5000);
  await new Promise((r) => setTimeout(r, 300));

  const from = log.length;
  await emu.close();
  await pty.unplug();
  await waitFor('reconnecting', () => src.status().state === 'reconnecting', 3000);
  await new Promise((r) => setTimeout(r, 400)); // a retry or two fail meanwhile (the port is gone)
  const lines = log.slice(from).filter((l) => l.level === 'warn' || l.level === 'error');
  const all = log.slice(from).map((l) => `${l.level} ${l.source} ${l.message}`).join('\n');
  const drops = lines.filter((l) => /dropped|→ reconnecting|went away|serial error|no data/.test(l.message));
  assert.equal(drops.length, 1, `one line for the drop:\n${all}`);
  assert.match(drops[0].message, /^OpenBCI Cyton.*: streaming → reconnecting \(.+\)$/, `the line says the device, the new state and the reason:\n${all}`);
  // (the port closing under the driver, or, on a slow machine, the silence before it noticed)
  assert.match(drops[0].message, /\((.+ went away|serial error|no data for).*\)$/, `the reason is in the line:\n${all}`);
});

test("a drop told by the driver, and another device's output found on the port while streaming: one warning each, the hub's", async () => {
  const log: LogEntry[] = [];
  const hub = new StreamHub({ clock: systemClock, log: (level, source, message) => log.push({ time: systemClock.now(), level, source, message }) });
  let ctx!: DriverContext;
  const name = 'OpenBCI Cyton (/dev/ttyUSB9)';
  const src = new ManagedSource(
    {
      deviceId: 'cyton:/dev/ttyUSB9',
      name,
      model: 'cyton',
      transport: 'serial',
      clockKind: 'counter',
      streamIds: [],
      open: async (c) => {
        ctx = c;
        c.streams([{ id: 'cyton:/dev/ttyUSB9/eeg', deviceId: 'cyton:/dev/ttyUSB9', modality: 'eeg', channels: [{ label: 'C1', unit: 'uV' }], nominalRateHz: 250 } as never]);
        // 10 samples every 40 ms, as a 250-Hz board sends them, from the connection on.
        let n = 0;
        const timer = setInterval(() => c.samples('cyton:/dev/ttyUSB9/eeg', (n += 10), 10, new Float32Array(10)), 40);
        return { close: async () => clearInterval(timer) };
      },
    },
    { hostClock: systemClock, log: (e) => log.push(e), policy: { initialDelayMs: 30, maxDelayMs: 60 } },
  );
  try {
    await hub.addSource(src);
    const cases: [string, () => void, RegExp][] = [
      ['dropped', () => ctx.dropped(new DeviceError('disconnected', `${name}: /dev/ttyUSB9 went away (bad file descriptor)`)), /\(\/dev\/ttyUSB9 went away \(bad file descriptor\)\)$/],
      ['fail', () => ctx.fail('bad-frame', `${name}: /dev/ttyUSB9 carries another device's output`, { retry: true }), /\(\/dev\/ttyUSB9 carries another device's output\)$/],
    ];
    for (const [what, act, reason] of cases) {
      await waitFor('streaming', () => src.status().state === 'streaming', 3000);
      const from = log.length;
      act();
      await waitFor('reconnecting', () => src.status().state === 'reconnecting', 3000);
      const lines = log.slice(from).filter((l) => l.level === 'warn' || l.level === 'error');
      const all = log.slice(from).map((l) => `${l.level} ${l.message}`).join('\n');
      assert.equal(lines.length, 1, `${what}: one warning:\n${all}`);
      assert.match(lines[0].message, /^OpenBCI Cyton \(\/dev\/ttyUSB9\): streaming → reconnecting /, `${what}: the hub's line:\n${all}`);
      assert.match(lines[0].message, reason, `${what}: with the reason:\n${all}`);
    }
  } finally {
    await hub.close();
  }
});
