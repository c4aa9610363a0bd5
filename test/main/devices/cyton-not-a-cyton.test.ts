// A new Cyton connected on a port where another device sits (real pseudo-terminals), with the
// default three start attempts: the message it gives up with is read whole. Its counts agree with
// what was sent (two soft resets on a silent port, then none), and it promises nothing the given-up
// state does not do: it read "not a byte … 2 times — … (or Try now) (gave up after 3 attempts)",
// and "… no commands written to it; trying again (gave up after 3 attempts)".
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ManagedSource } from '../../../src/main/devices/device-source';
import { CytonDriver } from '../../../src/main/devices/drivers/cyton-driver';
import { openSerialLink } from '../../../src/main/devices/serial/serial-link';
import { PtyPair, NEED_SOCAT } from '../../fixtures/pty';
import { RecordingSink, systemClock } from '../../fixtures/recording-sink';

// The default start policy (three attempts, no waiting), with a quick backoff.
const POLICY = { initialDelayMs: 100, maxDelayMs: 300, jitter: 0.1 };

describe('a Cyton connected where another device sits', { skip: NEED_SOCAT }, () => {
  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  after(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  /** Connects a Cyton (0.6-s reset windows) to a pty whose other end is `other`; the message it gives up with. */
  async function giveUp(name: string, talk: boolean): Promise<{ message: string; sent: string; at: string }> {
    const pty = new PtyPair(name);
    await pty.plug();
    cleanups.push(() => pty.unplug());
    const other = await openSerialLink(pty.device, 115200, 'other device');
    cleanups.push(() => other.close());
    let sent = '';
    other.onData((b) => (sent += Buffer.from(b).toString('latin1')));
    const printer = talk ? setInterval(() => void other.write('512,498,501\r\n').catch(() => undefined), 20) : null;
    const src = new ManagedSource(new CytonDriver({ path: pty.app, resetTimeoutMs: 600 }), { hostClock: systemClock, policy: POLICY, tickMs: 50 });
    cleanups.push(() => src.stop());
    const rejected = await src.start(new RecordingSink()).then(
      () => null,
      (e: Error) => e,
    );
    if (printer) clearInterval(printer);
    assert.ok(rejected, 'the connect gives up');
    assert.equal(src.status().state, 'error', 'state');
    assert.equal(src.status().problem?.message, rejected.message, 'the row says what the connect said');
    return { message: rejected.message, sent, at: pty.app };
  }

  test('a device printing nothing: two soft resets said as two, then none sent; no retry promised', async () => {
    const { message, sent, at } = await giveUp('notcyton-silent', false);
    assert.equal(sent, 'svsv', `two tries' stop and soft reset, the third sent nothing: ${JSON.stringify(sent)}`);
    assert.equal(message, `not a byte from ${at} after 2 soft resets, 0.6 s each — is it an OpenBCI dongle? No more are sent to it until it is plugged in again (gave up after 3 attempts)`);
  });

  test('a device printing lines: said once as its output, no "trying again" beside "gave up"', async () => {
    const { message, sent, at } = await giveUp('notcyton-lines', true);
    assert.match(sent, /^s?v?$/, `one stop and soft reset at most: ${JSON.stringify(sent)}`);
    assert.match(message, new RegExp(`^${at.replace(/[/.]/g, '.')} carries another device's output \\(\\d+ bytes in 300 ms, not Cyton packets\\): no commands written to it \\(gave up after 3 attempts\\)$`));
  });
});
