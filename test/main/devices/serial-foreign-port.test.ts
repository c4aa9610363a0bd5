// A Cyton whose dongle is pulled and whose port (no stable name) comes back with another device on
// it, a text device printing lines, on real pseudo-terminals: the Cyton tries there once with its
// commands ('s', 'v'), hears lines that are no reset reply, and from then on retries at the waiting
// cadence, not the quick backoff, and listens before writing: nothing more is written to the other
// device. When its own dongle is back there, it streams again.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ManagedSource } from '../../../src/main/devices/device-source';
import { CytonDriver } from '../../../src/main/devices/drivers/cyton-driver';
import { CytonEmulator } from '../../../src/main/devices/emulator/cyton-emulator';
import { openSerialLink, type SerialLink } from '../../../src/main/devices/serial/serial-link';
import type { LogEntry } from '../../../src/shared/log.types';
import { PtyPair, NEED_SOCAT } from '../../fixtures/pty';
import { RecordingSink, systemClock, waitFor } from '../../fixtures/recording-sink';

// Quick backoff (100–300 ms) against a waiting cadence of 1.5 s, so the two are told apart in seconds.
const POLICY = { initialDelayMs: 100, maxDelayMs: 300, jitter: 0.1, stallTimeoutMs: 1500, waitRetryMs: 1500 };

describe("a Cyton whose port another device takes", { skip: NEED_SOCAT }, () => {
  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  after(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  test("tries the other device once, then waits at the slow cadence and writes it nothing more; its own dongle back, it streams", async () => {
    const pty = new PtyPair('cyton-foreign');
    await pty.plug();
    cleanups.push(() => pty.unplug());
    let emu = new CytonEmulator({ path: pty.device, countsAt: (i, out) => out.fill(i % 100) });
    await emu.open();
    const logs: LogEntry[] = [];
    const sink = new RecordingSink();
    const src = new ManagedSource(new CytonDriver({ path: pty.app, resetTimeoutMs: 600 }), { hostClock: systemClock, policy: POLICY, tickMs: 50, log: (e) => logs.push(e) });
    cleanups.push(() => src.stop());
    await src.start(sink);
    const id = `cyton:${pty.app}/eeg`;
    await waitFor('streaming', () => src.status().state === 'streaming' && sink.samples(id) > 50, 5000);

    await emu.close();
    await pty.unplug();
    await waitFor('reconnecting', () => src.status().state === 'reconnecting', 3000);
    // Another device on the port: it prints lines, and counts what it is sent.
    await pty.plug();
    const other: SerialLink = await openSerialLink(pty.device, 115200, 'other device');
    let received = '';
    other.onData((b) => (received += Buffer.from(b).toString('latin1')));
    const printer = setInterval(() => void other.write('512,498,501\r\n').catch(() => undefined), 20);
    const mark = logs.length;
    await new Promise((r) => setTimeout(r, 6000));
    clearInterval(printer);
    const since = logs.slice(mark).map((l) => l.message);
    const tries = since.filter((m) => /no "\$\$\$"|carries another device's output|port not found/.test(m) || /connect failed/.test(m)).length;
    // Each quick retry would write 's' and 'v' again (about every 0.6 + 0.2 s: some 14 bytes in 6 s).
    assert.ok(received.length <= 2, `written to the other device: ${JSON.stringify(received)} (${since.join(' | ')})`);
    assert.match(received, /^s?v?$/, 'at most the one stop and reset');
    const listened = logs.filter((l) => /carries another device's output \(\d+ bytes in 300 ms, not Cyton packets\): no commands written to it/.test(l.message));
    assert.ok(listened.length >= 1, `a later try listened and wrote nothing: ${since.join(' | ')}`);
    const delays = since.map((m) => /retrying in ([\d.]+) s/.exec(m)).filter((m) => m !== null).map((m) => Number(m![1]));
    const afterForeign = delays.slice(-2);
    assert.ok(afterForeign.length > 0 && afterForeign.every((d) => d >= 1.3), `retries at the waiting cadence once the other device answered: ${delays.join(', ')} s (tries: ${tries})`);
    await other.close();
    await pty.unplug();

    // Its own dongle back on the port: it connects (silence is not another device's output).
    await pty.plug();
    emu = new CytonEmulator({ path: pty.device, countsAt: (i, out) => out.fill(i % 100) });
    await emu.open();
    cleanups.push(() => emu.close());
    const n = sink.samples(id);
    await waitFor('streaming again', () => src.status().state === 'streaming' && sink.samples(id) > n + 50, 8000);
  });
});
