// The serial link's paced reads (READ_PACE_MS) over a real pseudo-terminal: what a device writes in
// many small pieces arrives whole, in order and gathered (reads at least the pace apart); a byte
// after a quiet spell is read at once, not after the pace; and a port hung up while the reader waits
// out its pace is lost at once (serialport's own read spun through reads of nothing instead, until
// the stall watchdog closed the port 3 s later).
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openSerialLink, type SerialLink } from '../../../src/main/devices/serial/serial-link';
import type { DeviceError } from '../../../src/shared/devices/device-error';
import { PtyPair, NEED_SOCAT } from '../../fixtures/pty';
import { waitFor } from '../../fixtures/recording-sink';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A pty pair with the app's side opened at `paceMs` and the device's side to write to. */
async function plugged(name: string, paceMs: number, cleanups: (() => Promise<void>)[]) {
  const pty = new PtyPair(name);
  await pty.plug();
  cleanups.push(() => pty.unplug());
  const app = await openSerialLink(pty.app, 115200, 'app', { readPaceMs: paceMs });
  cleanups.push(() => app.close());
  const device = await openSerialLink(pty.device, 115200, 'device', { readPaceMs: 0 });
  cleanups.push(() => device.close());
  const got: { at: number; bytes: Uint8Array }[] = [];
  app.onData((bytes) => got.push({ at: performance.now(), bytes }));
  let lost: DeviceError | null = null;
  app.onLost((e) => (lost = e));
  return { pty, app, device: device as SerialLink, got, lost: () => lost };
}

describe('paced serial reads', { skip: NEED_SOCAT }, () => {
  const cleanups: (() => Promise<void>)[] = [];
  after(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  });

  test('bytes written in small pieces arrive whole and in order, gathered into reads at least the pace apart', async () => {
    const PACE = 40;
    const { device, got } = await plugged('pace-pieces', PACE, cleanups);
    const pieces = 120;
    const sent: number[] = [];
    for (let p = 0; p < pieces; p++) {
      const piece = Uint8Array.from({ length: 7 }, (_, k) => (p * 7 + k) & 0xff);
      sent.push(...piece);
      await device.write(piece);
      await sleep(2);
    }
    await waitFor('every byte read', () => got.reduce((n, g) => n + g.bytes.length, 0) >= sent.length, 5000);
    assert.deepEqual(
      got.flatMap((g) => Array.from(g.bytes)),
      sent,
      'the bytes as written, none lost, none doubled, in order',
    );
    // Timers never fire early by more than libuv's millisecond rounding.
    for (let k = 1; k < got.length; k++) assert.ok(got[k].at - got[k - 1].at >= PACE - 2, `read ${k} came ${(got[k].at - got[k - 1].at).toFixed(1)} ms after read ${k - 1}, under the ${PACE}-ms pace`);
    assert.ok(got.length < pieces / 2, `${pieces} pieces written over ${pieces * 2}+ ms came in ${got.length} reads: gathered`);
  });

  test('a byte after a quiet spell is read at once, not after the pace', async () => {
    const PACE = 2000;
    const { device, got } = await plugged('pace-quiet', PACE, cleanups);
    await device.write('a');
    await waitFor("the first byte's read", () => got.length === 1, 3000);
    // Quiet for longer than the pace: the reader is waiting for the port, not for its timer.
    await sleep(PACE + 300);
    const t = performance.now();
    await device.write('b');
    await waitFor("the second byte's read", () => got.length === 2, 3000);
    assert.equal(String.fromCharCode(...got[1].bytes), 'b', 'the second byte');
    assert.ok(got[1].at - t < PACE / 2, `read ${(got[1].at - t).toFixed(0)} ms after it was written: it waited for the ${PACE}-ms pace`);
  });

  test('a port hung up while the reader waits out its pace is lost at once', async () => {
    const PACE = 300;
    const { pty, device, got, lost } = await plugged('pace-hangup', PACE, cleanups);
    await device.write(new Uint8Array(33));
    await waitFor('a read', () => got.length === 1, 3000);
    // Bytes wait in the port while the reader's pace runs; then the cable is pulled.
    await device.write(new Uint8Array(33)).catch(() => undefined);
    const t = performance.now();
    await pty.unplug();
    await waitFor('the link lost', () => lost() !== null, 3000);
    assert.match(lost()!.message, /went away/, 'said as the port going away');
    assert.ok(performance.now() - t < 2000, `lost ${(performance.now() - t).toFixed(0)} ms after the pty closed`);
  });
});
