// OpenBCI Cyton end to end over a real pseudo-terminal pair: an emulated dongle plays the real
// OpenBCI GUI recording at 250 Hz; the source opens the other end by path. Covers the handshake,
// values, unplugging (socat killed) and replugging with the gap marked, a board that is off, and a
// port that is not a Cyton.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ManagedSource } from '../../../src/main/devices/device-source';
import { openSerialLink } from '../../../src/main/devices/serial/serial-link';
import { CytonDriver } from '../../../src/main/devices/drivers/cyton-driver';
import { CytonEmulator } from '../../../src/main/devices/emulator/cyton-emulator';
import { cytonCountsFromUv } from '../../../src/shared/devices/cyton/cyton-encode';
import { cytonUvPerCount } from '../../../src/shared/devices/cyton/cyton.types';
import { CYTON_CMD } from '../../../src/shared/devices/cyton/cyton-commands';
import { DeviceError } from '../../../src/shared/devices/device-error';
import type { LogEntry } from '../../../src/shared/log.types';
import { PtyPair, NEED_SOCAT } from '../../fixtures/pty';
import { RecordingSink, systemClock, waitFor } from '../../fixtures/recording-sink';
import { NEED_GUI, readGuiExg } from '../../fixtures/cyton/openbci-gui';

const FAST = { initialDelayMs: 100, maxDelayMs: 300, stallTimeoutMs: 1000, startAttempts: 1 };
const skip = NEED_SOCAT || NEED_GUI;
const gui = skip ? null : readGuiExg(5000);
const countsAt = (i: number, out: Int32Array) => {
  const r = i % gui!.rows;
  for (let c = 0; c < 8; c++) out[c] = cytonCountsFromUv([gui!.uv[c][r]])[0];
};

describe('Cyton over a pseudo-terminal', { skip }, () => {
  const cleanups: (() => Promise<void>)[] = [];
  after(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  });

  test('streams the recording at 250 Hz; unplug → reconnecting with a gap; replug → resumes', async () => {
    const pty = new PtyPair('cyton');
    await pty.plug();
    cleanups.push(() => pty.unplug());
    let emu = new CytonEmulator({ path: pty.device, countsAt });
    await emu.open();
    cleanups.push(() => emu.close());

    const sink = new RecordingSink();
    const src = new ManagedSource(new CytonDriver({ path: pty.app, resetTimeoutMs: 1000 }), { hostClock: systemClock, policy: FAST, tickMs: 50 });
    cleanups.push(() => src.stop());
    const t0 = Date.now();
    await src.start(sink);
    assert.equal(src.status().state, 'streaming');
    const id = `cyton:${pty.app}/eeg`;
    const info = sink.infos.get(id)!;
    assert.equal(info.nominalRateHz, 250);
    assert.equal(info.channels.length, 8);
    assert.equal(info.modality, 'eeg');
    assert.ok(Math.abs(info.channels[0].resolution - cytonUvPerCount(24)) < 1e-12, `resolution ${info.channels[0].resolution} µV/count, expected the gain-24 value ${cytonUvPerCount(24)}`);
    assert.equal(src.status().settings?.firmware, 'v3.1.2');

    await waitFor('1.5 s of samples', () => sink.samples(id) >= 375, 5000);
    // The real rate, from the first to the last chunk's arrival (robust to a busy machine).
    const cs = sink.chunks.filter((c) => c.streamId === id);
    const rate = (sink.samples(id) - cs[0].count) / (cs.at(-1)!.hostTime - cs[0].hostTime);
    assert.ok(rate > 200 && rate < 300, `delivered ${rate.toFixed(0)} samples/s`);
    // Values: the recording, sample for sample, within half a count.
    const got = sink.channel(id, 0);
    for (let i = 0; i < got.length; i += 11) assert.ok(Math.abs(got[i] - gui!.uv[0][i]) < 0.02, `sample ${i}: ${got[i]} vs ${gui!.uv[0][i]}`);
    // Device times step by 1/250 s within the session.
    const ck = sink.chunks.filter((c) => c.streamId === id);
    for (let k = 1; k < ck.length; k++) assert.ok(Math.abs(ck[k].deviceTime - (ck[k - 1].deviceTime + ck[k - 1].count / 250)) < 1e-9, `chunk ${k} follows chunk ${k - 1} at 250 Hz`);

    // Pull the cable.
    const beforeDrop = sink.samples(id);
    await emu.close();
    await pty.unplug();
    await waitFor('reconnecting', () => src.status().state === 'reconnecting', 3000);
    assert.match(src.status().problem?.message ?? '', /went away|serial error|stalled|no data/);
    // Counted once the drop is noticed: what the emulator wrote before its close may still be read
    // until then (a loaded machine read 25 samples, 100 ms of them, after `beforeDrop`), none after.
    const atDrop = sink.samples(id);
    await new Promise((r) => setTimeout(r, 500)); // out for a while; retries fail (ENOENT)
    assert.equal(sink.samples(id) - atDrop, 0, 'no samples while the cable is out');

    // Plug it back in.
    await pty.plug();
    emu = new CytonEmulator({ path: pty.device, countsAt });
    await emu.open();
    await waitFor('resumed', () => sink.samples(id) > beforeDrop + 100, 5000);
    assert.equal(src.status().state, 'streaming');
    assert.equal(src.status().problem, undefined);
    const gaps = sink.gaps.filter((g) => g.reason === 'device-dropped');
    assert.equal(gaps.length, 1);
    const g = gaps[0];
    assert.equal(g.streamId, id);
    assert.ok(g.endTime - g.startTime > 0.4, `gap ${(g.endTime - g.startTime).toFixed(2)} s`);
    assert.ok(Math.abs(g.missingSamples - (g.endTime - g.startTime) * 250) <= 1, `the gap's ${g.missingSamples} missing samples match its ${g.endTime - g.startTime} s at 250 Hz`);
    // Never merged: the first chunk after the gap starts on the device clock after the hole.
    const after = sink.chunks.filter((c) => c.streamId === id && c.hostTime > g.endTime);
    const before = sink.chunks.filter((c) => c.streamId === id && c.hostTime <= g.startTime);
    const lastEnd = before.at(-1)!.deviceTime + before.at(-1)!.count / 250;
    assert.ok(after[0].deviceTime >= lastEnd + (g.endTime - g.startTime) * 0.8, 'device time jumps over the hole');
    assert.ok(Date.now() - t0 < 9000, `the whole unplug-replug took ${Date.now() - t0} ms`);
    await src.stop();
    assert.equal(src.status().state, 'stopped');
    await emu.close();
    await pty.unplug();
  });

  test('back on a port with no stable name: the reset reply is the check, and the log says the board was taken as the same one; one that now answers with a Daisy is said', async () => {
    const pty = new PtyPair('cyton-back');
    await pty.plug();
    cleanups.push(() => pty.unplug());
    let emu = new CytonEmulator({ path: pty.device, countsAt });
    await emu.open();
    cleanups.push(() => emu.close());
    const logs: LogEntry[] = [];
    const sink = new RecordingSink();
    const src = new ManagedSource(new CytonDriver({ path: pty.app, resetTimeoutMs: 1000 }), { hostClock: systemClock, policy: FAST, tickMs: 50, log: (e) => logs.push(e) });
    cleanups.push(() => src.stop());
    await src.start(sink);
    const id = `cyton:${pty.app}/eeg`;
    const replug = async (daisy: boolean) => {
      const n = sink.samples(id);
      await emu.close();
      await pty.unplug();
      await waitFor('reconnecting', () => src.status().state === 'reconnecting', 3000);
      await waitFor('the port missing said', () => /port not found/.test(src.status().problem?.message ?? ''), 3000);
      await pty.plug();
      emu = new CytonEmulator({ path: pty.device, countsAt: (i, out) => out.fill(i % 100), daisy });
      await emu.open();
      await waitFor('streaming again', () => src.status().state === 'streaming' && sink.samples(id) > n + 50, 6000);
    };
    const said = (re: RegExp) => logs.filter((l) => re.test(l.message)).map((l) => l.level);
    assert.deepEqual(said(/taken as the same board/), [], 'nothing to say on the first connect');
    await replug(false);
    assert.deepEqual(said(/is back and answers as a Cyton, as this device did: taken as the same board \(the port has no \/dev\/serial\/by-id name/), ['info'], logs.map((l) => l.message).join('\n'));
    await replug(true);
    assert.deepEqual(said(/now answers with a Daisy \(16 channels at 125 Hz\); it answered without one before: another board, or the Daisy fitted\?/), ['warn'], logs.map((l) => l.message).join('\n'));
    assert.equal(sink.infos.get(id)!.channels.length, 16);
    await src.stop();
    await emu.close();
    await pty.unplug();
  });

  test("a pulled cable: the stop command the close writes fails at once, not after the write's 2-s timeout (the reconnect waits for that close)", async () => {
    const pty = new PtyPair('cyton-pulled');
    await pty.plug();
    cleanups.push(() => pty.unplug());
    const link = await openSerialLink(pty.app, 115200, 'Lab Cyton');
    let lost: DeviceError | null = null;
    link.onLost((e) => (lost = e));
    await pty.unplug();
    await waitFor('the loss noticed', () => lost !== null, 3000);
    const t0 = performance.now();
    await assert.rejects(link.write(CYTON_CMD.stopStreaming), (e: unknown) => e instanceof DeviceError && e.problemCode === 'disconnected' && /Lab Cyton: cannot write to .*: the port is closed/.test(e.message));
    const took = performance.now() - t0;
    // serialport holds a write to a port that is not open until it opens: it waited out 2000 ms.
    assert.ok(took < 500, `the write failed after ${took.toFixed(0)} ms`);
    await link.close();
  });

  test('a board that is switched off: the dongle\'s "Failure" becomes a clear error', async () => {
    const pty = new PtyPair('cyton-off');
    await pty.plug();
    cleanups.push(() => pty.unplug());
    const emu = new CytonEmulator({ path: pty.device, countsAt, boardOff: true });
    await emu.open();
    cleanups.push(() => emu.close());
    const sink = new RecordingSink();
    const src = new ManagedSource(new CytonDriver({ path: pty.app, resetTimeoutMs: 1000 }), { hostClock: systemClock, policy: FAST });
    await assert.rejects(src.start(sink), (e: unknown) => e instanceof DeviceError && /Failure: Communications timeout.*switched on/.test(e.message));
    assert.equal(src.status().state, 'error');
    assert.equal(src.status().problem?.code, 'device-error');
    assert.equal(sink.samples(), 0);
    await src.stop();
  });

  test('a port with nothing, or something else, on it: no "$$$" → timeout naming the port and saying whether anything came back', async () => {
    const pty = new PtyPair('cyton-mute');
    await pty.plug();
    cleanups.push(() => pty.unplug());
    const src = new ManagedSource(new CytonDriver({ path: pty.app, resetTimeoutMs: 300 }), { hostClock: systemClock, policy: FAST });
    await assert.rejects(src.start(new RecordingSink()), new RegExp(`no "\\$\\$\\$" within 0.3 s after soft reset \\(nothing came back\\) — is ${pty.app.replace(/[/.]/g, '.')} an OpenBCI dongle\\?`));
    await src.stop();
    // One that talks (a GPS, a modem, an Arduino): what came is said, the wrong port told from a board that is off.
    const other = await openSerialLink(pty.device, 115200, 'other device');
    cleanups.push(() => other.close());
    const talk = setInterval(() => void other.write('$GPGGA,123519,4807.038,N\r\n').catch(() => undefined), 20);
    cleanups.push(async () => clearInterval(talk));
    const talking = new ManagedSource(new CytonDriver({ path: pty.app, resetTimeoutMs: 300 }), { hostClock: systemClock, policy: FAST });
    await assert.rejects(talking.start(new RecordingSink()), /no "\$\$\$" within 0\.3 s after soft reset \(\d+ bytes came back, not a Cyton's reply\) — is .* an OpenBCI dongle\?/);
    clearInterval(talk);
    await talking.stop();
  });

  test('a path that does not exist: unavailable, the path named', async () => {
    const src = new ManagedSource(new CytonDriver({ path: '/dev/ttyNOPE9' }), { hostClock: systemClock, policy: FAST });
    await assert.rejects(src.start(new RecordingSink()), /cannot open \/dev\/ttyNOPE9: port not found/);
    assert.equal(src.status().problem?.code, 'unavailable');
    await src.stop();
  });
});
