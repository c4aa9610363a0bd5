// A Disconnect while a Cyton is still connecting (its soft reset sent, the dongle not answered yet)
// over a real pseudo-terminal: the attempt ends, the port is closed when the stop returns, a late
// reset reply starts nothing (no start command written, no sample), the state is 'stopped', and the
// log says no "connect failed" (the user's own Disconnect is no failure).
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ManagedSource } from '../../../src/main/devices/device-source';
import { CytonDriver } from '../../../src/main/devices/drivers/cyton-driver';
import { openSerialLink } from '../../../src/main/devices/serial/serial-link';
import type { LogEntry } from '../../../src/shared/log.types';
import { PtyPair, NEED_SOCAT } from '../../fixtures/pty';
import { RecordingSink, systemClock, waitFor } from '../../fixtures/recording-sink';

const FAST = { initialDelayMs: 100, maxDelayMs: 300, stallTimeoutMs: 1000, startAttempts: 3 };
const BANNER = 'OpenBCI V3 8-16 channel\nOn Board ADS1299 Device ID: 0x3E\nLIS3DH Device ID: 0x33\nFirmware: v3.1.2\n$$$';

describe('a stop cancels a serial connect', { skip: NEED_SOCAT }, () => {
  const cleanups: (() => Promise<void>)[] = [];
  after(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  });

  test('Cyton: Disconnect while the dongle has not answered the soft reset', async () => {
    const pty = new PtyPair('cancel');
    await pty.plug();
    cleanups.push(() => pty.unplug());
    // A dongle that hears everything and answers only when the test says.
    const dongle = await openSerialLink(pty.device, 115200, 'slow dongle');
    cleanups.push(() => dongle.close());
    let heard = '';
    dongle.onData((b) => (heard += Buffer.from(b).toString('latin1')));

    const logs: LogEntry[] = [];
    const src = new ManagedSource(new CytonDriver({ path: pty.app, resetTimeoutMs: 4000 }), { hostClock: systemClock, policy: FAST, tickMs: 50, log: (e) => logs.push(e) });
    cleanups.push(() => src.stop());
    const sink = new RecordingSink();
    const started = src.start(sink);
    await waitFor('the soft reset written', () => heard.includes('v'), 5000);
    const t0 = Date.now();
    await src.stop();
    const took = Date.now() - t0;
    await started;
    assert.ok(took < 3000, `stop returned after ${took} ms (the reset waits 4 s)`);
    assert.equal(src.status().state, 'stopped', 'state');
    // The dongle answers late: the app's end is closed, so nothing follows from it.
    heard = '';
    await dongle.write(BANNER).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 600));
    assert.equal(heard.includes('b'), false, `no start command written after the stop (heard ${JSON.stringify(heard)})`);
    assert.equal(sink.samples(), 0, 'no sample');
    assert.equal(src.status().state, 'stopped', 'still stopped');
    const loud = logs.filter((l) => l.level === 'warn' || l.level === 'error').map((l) => l.message);
    assert.deepEqual(loud, [], 'a Disconnect during the connect is no failure');
  });

  test('Cyton: a stop during the reset wait ends it at once, not at the end of the 1-s wait', async () => {
    const pty = new PtyPair('cancel-wait');
    await pty.plug();
    cleanups.push(() => pty.unplug());
    const dongle = await openSerialLink(pty.device, 115200, 'mute dongle');
    cleanups.push(() => dongle.close());
    let heard = '';
    dongle.onData((b) => (heard += Buffer.from(b).toString('latin1')));
    const src = new ManagedSource(new CytonDriver({ path: pty.app, resetTimeoutMs: 10_000 }), { hostClock: systemClock, policy: FAST, tickMs: 50 });
    cleanups.push(() => src.stop());
    const started = src.start(new RecordingSink());
    await waitFor('the soft reset written', () => heard.includes('v'), 5000);
    // The stop comes as the reset is heard, so the wait it cuts has nearly all its second left: the
    // loop that looked only between waits returned after ~1 s here. What is left is the port's close
    // and the stop's own bookkeeping (a few ms); 400 ms leaves a loaded machine room for them.
    const t0 = performance.now();
    await src.stop();
    const took = performance.now() - t0;
    await started;
    assert.ok(took < 400, `stop returned after ${took.toFixed(0)} ms (the reset waits 1 s between tries)`);
    assert.equal(src.status().state, 'stopped', 'state');
    assert.equal(heard.replace(/s/g, ''), 'v', `one soft reset written, none after the stop (heard ${JSON.stringify(heard)})`);
  });
});
