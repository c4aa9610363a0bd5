// A Cyton whose port (no stable name) comes back with a device on it that prints nothing (an
// Arduino idling), on real pseudo-terminals: a dongle always answers the reset, so after two
// silent reset windows the Cyton writes nothing more to that port while it is the same node (each
// try was an open, which resets an Arduino, and 's' + 'v's: some 12 bytes in 5 s, for ever). Try
// now probes it once more; its own dongle plugged back (a new node) streams at once.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ManagedSource } from '../../../src/main/devices/device-source';
import { CytonDriver } from '../../../src/main/devices/drivers/cyton-driver';
import { CytonEmulator } from '../../../src/main/devices/emulator/cyton-emulator';
import { openSerialLink, type SerialLink } from '../../../src/main/devices/serial/serial-link';
import { PtyPair, NEED_SOCAT } from '../../fixtures/pty';
import { RecordingSink, systemClock, waitFor } from '../../fixtures/recording-sink';

const POLICY = { initialDelayMs: 100, maxDelayMs: 300, jitter: 0.1, stallTimeoutMs: 1500 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a Cyton whose port a silent device takes', { skip: NEED_SOCAT }, () => {
  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  after(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  test('two silent tries, then nothing more written while it is the same port; Try now tries once; its own dongle back streams', async () => {
    const pty = new PtyPair('cyton-silent');
    await pty.plug();
    cleanups.push(() => pty.unplug());
    let emu = new CytonEmulator({ path: pty.device, countsAt: (i, out) => out.fill(i % 100) });
    await emu.open();
    const sink = new RecordingSink();
    // A reset window of 0.6 s: one 's' and one 'v' per try.
    const src = new ManagedSource(new CytonDriver({ path: pty.app, resetTimeoutMs: 600 }), { hostClock: systemClock, policy: POLICY, tickMs: 50 });
    cleanups.push(() => src.stop());
    await src.start(sink);
    const id = `cyton:${pty.app}/eeg`;
    await waitFor('streaming', () => src.status().state === 'streaming' && sink.samples(id) > 50, 5000);

    await emu.close();
    await pty.unplug();
    await waitFor('reconnecting', () => src.status().state === 'reconnecting', 3000);
    // A device that prints nothing, counting what it is sent.
    await pty.plug();
    const other: SerialLink = await openSerialLink(pty.device, 115200, 'silent device');
    let received = '';
    other.onData((b) => (received += Buffer.from(b).toString('latin1')));
    await waitFor('two silent tries said', () => /Nothing more is sent to it until it is plugged in again/.test(src.status().problem?.message ?? ''), 6000);
    // Quick retries go on (a look at the node each), for 4 s: before, each was another 's' + 'v'.
    await sleep(4000);
    assert.equal(received, 'svsv', `two tries' 's' and 'v', then nothing: ${JSON.stringify(received)}`);
    assert.equal(src.status().state, 'reconnecting', 'still trying (its dongle may come back)');
    assert.match(src.status().problem?.message ?? '', new RegExp(`not a byte from ${pty.app.replace(/[/.]/g, '.')} in 0.6 s, 2 times — is it an OpenBCI dongle\\?`));

    // Try now: one more probe, then quiet again.
    src.retryNow();
    await sleep(2500);
    assert.equal(received, 'svsvsv', `Try now probed once: ${JSON.stringify(received)}`);

    // Its own dongle plugged back in the silent device's place: a new node, tried at once.
    await other.close();
    await pty.unplug();
    await pty.plug();
    emu = new CytonEmulator({ path: pty.device, countsAt: (i, out) => out.fill(i % 100) });
    await emu.open();
    cleanups.push(() => emu.close());
    const n = sink.samples(id);
    await waitFor('streaming again', () => src.status().state === 'streaming' && sink.samples(id) > n + 50, 5000);
  });
});
