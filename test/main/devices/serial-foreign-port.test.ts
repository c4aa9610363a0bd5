// A Cyton whose dongle is pulled and whose port (no stable name) comes back with another device on
// it, on real pseudo-terminals.
//  - A text device printing lines: the Cyton tries there once with its commands ('s', 'v'), hears
//    lines that are no reset reply, and from then on retries at the waiting cadence, not the quick
//    backoff, and listens before writing: nothing more is written to the other device.
//  - A device that prints nothing (an Arduino idling): a dongle always answers the reset, so after
//    two silent reset windows the Cyton writes nothing more to that port while it is the same node
//    (each try was an open, which resets an Arduino, and 's' + 'v': some 12 bytes in 5 s, for
//    ever). Try now probes it once more.
// Either way, its own dongle plugged back there (a new node) streams again.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ManagedSource } from '../../../src/main/devices/device-source';
import { CytonDriver } from '../../../src/main/devices/drivers/cyton-driver';
import { CytonEmulator } from '../../../src/main/devices/emulator/cyton-emulator';
import { openSerialLink } from '../../../src/main/devices/serial/serial-link';
import type { LogEntry } from '../../../src/shared/log.types';
import { PtyPair, NEED_SOCAT } from '../../fixtures/pty';
import { RecordingSink, systemClock, waitFor } from '../../fixtures/recording-sink';

// Quick backoff (100–300 ms) against a waiting cadence of 1.5 s, so the two are told apart in seconds.
const POLICY = { initialDelayMs: 100, maxDelayMs: 300, jitter: 0.1, stallTimeoutMs: 1500, waitRetryMs: 1500 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a Cyton whose port another device takes', { skip: NEED_SOCAT }, () => {
  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  after(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  /**
   * A Cyton streaming on a fresh pty (a reset window of 0.6 s: one 's' and one 'v' per try), its
   * dongle then pulled and the port plugged back with another device on it, which counts what it
   * is sent (`sent()`). `dongleBack` puts the Cyton's own dongle in that device's place and waits
   * until it streams again.
   */
  async function portTakenFromCyton(name: string) {
    const pty = new PtyPair(name);
    await pty.plug();
    cleanups.push(() => pty.unplug());
    const dongle = () => new CytonEmulator({ path: pty.device, countsAt: (i, out) => out.fill(i % 100) });
    const emu = dongle();
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
    await pty.plug();
    const other = await openSerialLink(pty.device, 115200, 'other device');
    let received = '';
    other.onData((b) => (received += Buffer.from(b).toString('latin1')));
    return {
      pty,
      src,
      logs,
      other,
      sent: () => received,
      async dongleBack() {
        await other.close();
        await pty.unplug();
        await pty.plug();
        const back = dongle();
        await back.open();
        cleanups.push(() => back.close());
        const n = sink.samples(id);
        await waitFor('streaming again', () => src.status().state === 'streaming' && sink.samples(id) > n + 50, 8000);
      },
    };
  }

  test('a device printing lines: tried once, then at the slow cadence and written nothing more; its own dongle back, it streams', async () => {
    const t = await portTakenFromCyton('cyton-foreign');
    const printer = setInterval(() => void t.other.write('512,498,501\r\n').catch(() => undefined), 20);
    const mark = t.logs.length;
    await sleep(6000);
    clearInterval(printer);
    const since = t.logs.slice(mark).map((l) => l.message);
    const tries = since.filter((m) => /no "\$\$\$"|carries another device's output|port not found/.test(m) || /connect failed/.test(m)).length;
    // Each quick retry would write 's' and 'v' again (about every 0.6 + 0.2 s: some 14 bytes in 6 s).
    assert.ok(t.sent().length <= 2, `written to the other device: ${JSON.stringify(t.sent())} (${since.join(' | ')})`);
    assert.match(t.sent(), /^s?v?$/, 'at most the one stop and reset');
    const listened = t.logs.filter((l) => /carries another device's output \(\d+ bytes in 300 ms, not Cyton packets\): no commands written to it/.test(l.message));
    assert.ok(listened.length >= 1, `a later try listened and wrote nothing: ${since.join(' | ')}`);
    const delays = since.map((m) => /retrying in ([\d.]+) s/.exec(m)).filter((m) => m !== null).map((m) => Number(m![1]));
    const afterForeign = delays.slice(-2);
    assert.ok(afterForeign.length > 0 && afterForeign.every((d) => d >= 1.3), `retries at the waiting cadence once the other device answered: ${delays.join(', ')} s (tries: ${tries})`);
    // Its own dongle back on the port: it connects (silence is not another device's output).
    await t.dongleBack();
  });

  test('a device printing nothing: two silent tries, then nothing more written while it is the same port; Try now tries once; its own dongle back, it streams', async () => {
    const t = await portTakenFromCyton('cyton-silent');
    await waitFor('two silent tries said', () => /No more are sent to it until it is plugged in again/.test(t.src.status().problem?.message ?? ''), 6000);
    // Quick retries go on (a look at the node each), for 4 s: before, each was another 's' + 'v'.
    await sleep(4000);
    assert.equal(t.sent(), 'svsv', `two tries' 's' and 'v', then nothing: ${JSON.stringify(t.sent())}`);
    assert.equal(t.src.status().state, 'reconnecting', 'still trying (its dongle may come back)');
    assert.match(t.src.status().problem?.message ?? '', new RegExp(`not a byte from ${t.pty.app.replace(/[/.]/g, '.')} after 2 soft resets, 0.6 s each — is it an OpenBCI dongle\\?`));
    // Try now: one more probe, then quiet again.
    // The probe takes ~1.2 s: waited for (a loaded machine is slower), then quiet for 1.5 s more.
    t.src.retryNow();
    await waitFor('the probe of Try now', () => t.sent().length >= 6, 8000);
    await sleep(1500);
    assert.equal(t.sent(), 'svsvsv', `Try now probed once: ${JSON.stringify(t.sent())}`);
    // Its own dongle plugged back in the silent device's place: a new node, tried at once.
    await t.dongleBack();
  });
});
