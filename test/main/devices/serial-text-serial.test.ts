// A generic text device (an Arduino printing CSV lines) end to end over a pseudo-terminal pair,
// with a boot banner, noise lines, unplug and replug; a config with the wrong channel count; and a Cyton + Daisy on the same path type.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ManagedSource } from '../../../src/main/devices/device-source';
import { SerialTextDriver } from '../../../src/main/devices/drivers/serial-text-driver';
import { CytonDriver } from '../../../src/main/devices/drivers/cyton-driver';
import { TextEmulator } from '../../../src/main/devices/emulator/text-emulator';
import { CytonEmulator } from '../../../src/main/devices/emulator/cyton-emulator';
import { cytonUvPerCount } from '../../../src/shared/devices/cyton/cyton.types';
import { openSerialLink } from '../../../src/main/devices/serial/serial-link';
import { PtyPair, NEED_SOCAT } from '../../fixtures/pty';
import { RecordingSink, systemClock, waitFor } from '../../fixtures/recording-sink';

const FAST = { initialDelayMs: 100, maxDelayMs: 300, stallTimeoutMs: 1000, startAttempts: 1 };

describe('serial devices over pseudo-terminals', { skip: NEED_SOCAT }, () => {
  const cleanups: (() => Promise<void>)[] = [];
  after(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  });

  test('text lines at 200 Hz in mV become µV ECG; noise lines are lost samples; replug resumes', async () => {
    const pty = new PtyPair('text');
    await pty.plug();
    cleanups.push(() => pty.unplug());
    // Sample i carries its own index, so the test can check nothing was shifted.
    const lineAt = (i: number) => (i % 97 === 50 ? 'E#@!,,' : `${(i / 1000).toFixed(3)}`);
    let emu = new TextEmulator({ path: pty.device, rateHz: 200, lineAt, banner: 'HeartMind test sketch v1\r\nECG(mV)' });
    await emu.open();
    cleanups.push(() => emu.close());
    const sink = new RecordingSink();
    const drv = new SerialTextDriver({ path: pty.app, channels: ['ECG'], rateHz: 200, unit: 'mV', modality: 'ecg', name: 'Arduino ECG' });
    const src = new ManagedSource(drv, { hostClock: systemClock, policy: FAST, tickMs: 50 });
    cleanups.push(() => src.stop());
    await src.start(sink);
    const id = `serial-text:${pty.app}/ecg`;
    await waitFor('300 samples', () => sink.samples(id) >= 300, 4000);
    const info = sink.infos.get(id)!;
    assert.equal(info.channels[0].unit, 'uV');
    assert.equal(info.modality, 'ecg');
    // Each sample's value (µV = i) sits at device time (i − first) / 200, the first line the port
    // delivered being dropped (it may be cut): nothing shifted across noise lines.
    const mine = sink.chunks.filter((k) => k.streamId === id);
    const first = mine[0].data[0];
    for (const c of mine) {
      for (let k = 0; k < c.count; k++) assert.ok(Math.abs(c.data[k] - first - Math.round((c.deviceTime + k / 200) * 200)) < 1e-3, `at ${c.deviceTime}: ${c.data[k]} (first ${first})`);
    }
    assert.ok(sink.gaps.some((g) => g.reason === 'packet-loss' && g.missingSamples === 1), 'a one-sample packet-loss gap is reported');
    assert.ok(sink.statuses.some((s) => s.problem?.code === 'bad-frame' && /^(1 malformed line|\d+ malformed lines) skipped: /.test(s.problem.message)), 'a bad-frame problem names the malformed line (not "1 malformed line(s)")');

    const n = sink.samples(id);
    await emu.close();
    await pty.unplug();
    await waitFor('reconnecting', () => src.status().state === 'reconnecting', 3000);
    await pty.plug();
    emu = new TextEmulator({ path: pty.device, rateHz: 200, lineAt });
    await emu.open();
    await waitFor('resumed', () => sink.samples(id) > n + 50, 5000);
    assert.equal(sink.gaps.filter((g) => g.reason === 'device-dropped').length, 1);
    await src.stop();
    await emu.close();
    await pty.unplug();
  });

  test('two columns to a one-channel config: the device shows a channel-mismatch error at once, without retries', async () => {
    const pty = new PtyPair('mismatch');
    await pty.plug();
    cleanups.push(() => pty.unplug());
    const emu = new TextEmulator({ path: pty.device, rateHz: 200, lineAt: (i) => `${i % 100},${-i % 100}` });
    await emu.open();
    cleanups.push(() => emu.close());
    const sink = new RecordingSink();
    const logs: string[] = [];
    const drv = new SerialTextDriver({ path: pty.app, channels: ['ECG'], rateHz: 200, unit: 'mV', modality: 'ecg', name: 'Arduino ECG' });
    const src = new ManagedSource(drv, { hostClock: systemClock, policy: { ...FAST, startAttempts: 3 }, tickMs: 50, log: (e) => logs.push(`${e.level} ${e.message}`) });
    cleanups.push(() => src.stop());
    // No sample ever came, so the connect itself fails with the reason (where the user pressed Connect).
    await assert.rejects(src.start(sink), /^DeviceError: lines have 2 columns, expected 1 \(channel ECG\)/);
    assert.equal(src.status().state, 'error');
    // Before the 1-s stall timeout: the lines themselves say what is wrong (no stall was ever said;
    // a wall-clock bound on it failed on a loaded machine, where the lines come late too).
    assert.ok(!sink.statuses.some((st) => st.problem?.code === 'stalled'), sink.statuses.map((st) => st.problem?.message).join(' | '));
    // The status has no name in front (the row is titled with it); the log line has. It is debug:
    // the hub says the change to 'error' with the problem in it, an error here too said it twice.
    const want = 'lines have 2 columns, expected 1 (channel ECG): set 2 channels to match the device';
    assert.deepEqual(src.status().problem && [src.status().problem!.code, src.status().problem!.message], ['channel-mismatch', want]);
    assert.ok(logs.includes(`debug Arduino ECG: ${want}`), logs.join('\n'));
    await new Promise((r) => setTimeout(r, 1200));
    assert.equal(src.status().state, 'error');
    assert.ok(!logs.some((l) => /retrying|no data|gave up/.test(l)), logs.join('\n'));
    assert.equal(sink.samples(`serial-text:${pty.app}/ecg`), 0);
    await src.stop();
    await emu.close();
    await pty.unplug();
  });

  test('a device printing at 200 Hz set to 250 Hz is said ("samples arrive at 200 Hz, not the 250 Hz …"); set right, nothing is said', async () => {
    const pty = new PtyPair('rate');
    await pty.plug();
    cleanups.push(() => pty.unplug());
    const emu = new TextEmulator({ path: pty.device, rateHz: 200, lineAt: (i) => `${i % 100}` });
    await emu.open();
    cleanups.push(() => emu.close());
    for (const [rateHz, wrong] of [
      [250, true],
      [200, false],
    ] as const) {
      const logs: string[] = [];
      const drv = new SerialTextDriver({ path: pty.app, channels: ['ECG'], rateHz, unit: 'uV', modality: 'ecg', name: 'Arduino ECG' });
      // A 3-s span (the app counts 10 s): the rate is taken between the least late chunks of its first
      // and last 0.75 s, so only a stall of the whole process for that long (the emulator runs in it
      // too) moves it; over 1.5 s a 200 Hz device read as 211 Hz on a loaded machine.
      const src = new ManagedSource(drv, { hostClock: systemClock, policy: FAST, rateCheck: { settleS: 0.5, spanS: 3 }, log: (e) => logs.push(`${e.level} ${e.message}`) });
      // Stopped after the test whatever fails: a source left running keeps its timers, and the file's
      // process, alive until the runner's 8-min limit (a failed assertion here did that).
      cleanups.push(() => src.stop());
      const sink = new RecordingSink();
      await src.start(sink);
      // Judged 3.5 s after the first chunk (settle and span); where it is right nothing is said, so that
      // case can only wait the while out.
      if (wrong) await waitFor('the rate judged', () => src.status().problem?.code === 'rate-mismatch', 10_000);
      else await new Promise((r) => setTimeout(r, 4200));
      const p = src.status().problem;
      if (wrong) {
        assert.equal(p?.code, 'rate-mismatch');
        assert.match(p?.message ?? '', /^samples arrive at (19\d|20\d)\.\d Hz, not the 250 Hz set for the stream: no window is cut while the two disagree — set Rate \(Hz\) to the rate the device prints at$/);
        assert.equal(logs.filter((l) => l.startsWith('warn Arduino ECG: samples arrive at')).length, 1);
        assert.equal(src.status().state, 'streaming', 'the samples still flow');
      } else assert.equal(p, undefined, p?.message);
      await src.stop();
    }
  });

  test('a port that opens but stays silent is never shown streaming; the connect fails saying what to check', async () => {
    // Nothing behind the pseudo-terminal: like /dev/ttyS0 on most PCs, it opens fine.
    const pty = new PtyPair('silent');
    await pty.plug();
    cleanups.push(() => pty.unplug());
    const sink = new RecordingSink();
    const drv = new SerialTextDriver({ path: pty.app, channels: ['ECG'], rateHz: 200, unit: 'mV', modality: 'ecg', baudRate: 9600, name: 'Arduino ECG' });
    const src = new ManagedSource(drv, { hostClock: systemClock, policy: { ...FAST, stallTimeoutMs: 400, startAttempts: 2 }, tickMs: 50 });
    cleanups.push(() => src.stop());
    const seen = await Promise.race([
      src.start(sink).then(
        () => 'resolved',
        (e: Error) => e.message,
      ),
      // A guard against a start that never settles, not a speed bound (2 × 0.4 s of silence and a retry).
      new Promise<string>((r) => setTimeout(() => r('still waiting'), 10_000)),
    ]);
    // The silence is said as measured: at least the 0.4-s timeout, more where the check itself came late (a loaded machine).
    const silent = /^connected, but no samples came in (\d+\.\d) s — is this the device's port, and is it printing lines of numbers at 9600 baud\? \(gave up after 2 attempts\)$/.exec(seen);
    assert.ok(silent && Number(silent[1]) >= 0.4, seen);
    assert.deepEqual(sink.states(), ['connecting', 'error'], 'never shown streaming');
    await src.stop();
  });

  test('line noise (a device sending at another baud rate) fails the connect saying so, not "no samples"', async () => {
    const pty = new PtyPair('baud');
    await pty.plug();
    cleanups.push(() => pty.unplug());
    // What a 9600-baud device reads as at 115200: mostly 00, 80, F8, FE, FF, a stray newline now and then.
    // (What came before the first newline is dropped as a cut line: the first line seen starts at byte 41.)
    const noise = await openSerialLink(pty.device, 115200, 'noise');
    const junk = Uint8Array.from({ length: 64 }, (_, i) => (i === 40 ? 0x0a : [0xf8, 0x00, 0x80, 0xfe, 0xff, 0xe0, 0x78][i % 7]));
    const timer = setInterval(() => void noise.write(junk).catch(() => undefined), 20);
    cleanups.push(async () => {
      clearInterval(timer);
      await noise.close();
    });
    const sink = new RecordingSink();
    const src = new ManagedSource(new SerialTextDriver({ path: pty.app, channels: ['ECG'], rateHz: 200, unit: 'mV', modality: 'ecg', name: 'Arduino ECG' }), {
      hostClock: systemClock,
      policy: { ...FAST, stallTimeoutMs: 600, startAttempts: 1 },
      tickMs: 50,
    });
    cleanups.push(() => src.stop());
    const err = await src.start(sink).then(
      () => 'resolved',
      (e: Error) => e.message,
    );
    assert.ok(Number(/came in (\d+\.\d) s/.exec(err)?.[1]) >= 0.6, `the silence as measured, at least the 0.6-s timeout: ${err}`);
    assert.match(err, /^connected, but no samples came in \d+\.\d s; what came did not read as samples: \d+ bytes came that are not text \(78 F8 00 80 FE FF E0 78 .*\): is 115200 baud the rate the device sends at, and does it print text\?/);
    assert.deepEqual(sink.states(), ['connecting', 'error'], 'never shown streaming');
  });

  test('a port opened while the device is mid-line: the cut line is no sample (a UART delivers from wherever the open lands); every sample is a whole line, across reconnects', async () => {
    const pty = new PtyPair('midline');
    await pty.plug();
    cleanups.push(() => pty.unplug());
    // A device printing "value,n" continuously, its bytes leaving in 7-byte pieces as a UART sends
    // them, so an open lands inside a line: "…0.4121,3" then "17\r\n" — "17" alone, or "21,317"
    // with two columns, would read as a sample that never was.
    const value = (n: number) => (Math.sin(n / 7) * 0.9).toFixed(4);
    let stream = '';
    let n = 0;
    const dev = await openSerialLink(pty.device, 115200, 'mid-line device');
    let busy = false;
    const timer = setInterval(() => {
      if (busy) return;
      while (stream.length < 7) stream += `${value(n)},${n++}\r\n`;
      const piece = stream.slice(0, 7);
      stream = stream.slice(7);
      busy = true;
      void dev.write(piece).catch(() => undefined).finally(() => (busy = false));
    }, 2);
    cleanups.push(async () => {
      clearInterval(timer);
      await dev.close();
    });
    const id = `serial-text:${pty.app}/other`;
    for (let round = 0; round < 4; round++) {
      const sink = new RecordingSink();
      // Three attempts, as a real Connect has: under load the previous round's close can still hold
      // the port's lock for a moment (the close gives up waiting after 1 s).
      const src = new ManagedSource(new SerialTextDriver({ path: pty.app, channels: ['V', 'N'], rateHz: 250, unit: 'x', modality: 'other' }), { hostClock: systemClock, policy: { ...FAST, startAttempts: 3 } });
      cleanups.push(() => src.stop());
      await src.start(sink);
      await waitFor('40 samples', () => sink.samples(id) >= 40, 4000);
      await src.stop();
      const v = sink.channel(id, 0);
      const k = sink.channel(id, 1);
      for (let i = 0; i < k.length; i++) assert.ok(Number.isInteger(k[i]) && Math.abs(v[i] - Number(value(k[i]))) < 1e-4, `round ${round}, sample ${i}: ${v[i]},${k[i]} is not a line the device printed`);
      await new Promise((r) => setTimeout(r, 37));
    }
  });

  test('a device printing a line every 1.6 s connects with its first line (it is opened between lines; dropping one would miss the 3-s window)', async () => {
    const pty = new PtyPair('slow');
    await pty.plug();
    cleanups.push(() => pty.unplug());
    const emu = new TextEmulator({ path: pty.device, rateHz: 1 / 1.6, lineAt: (i) => `${20 + i / 10}` });
    await emu.open();
    cleanups.push(() => emu.close());
    // Its first line comes 1.6 s after it starts: the app opens between lines.
    const sink = new RecordingSink();
    const src = new ManagedSource(new SerialTextDriver({ path: pty.app, channels: ['T'], rateHz: 1 / 1.6, unit: 'C', modality: 'other' }), { hostClock: systemClock, policy: { ...FAST, stallTimeoutMs: 3000 } });
    cleanups.push(() => src.stop());
    await src.start(sink);
    assert.equal(src.status().state, 'streaming');
    assert.deepEqual(sink.channel(`serial-text:${pty.app}/other`, 0), [20], 'the first whole line is a sample');
    await src.stop();
  });

  test('Cyton + Daisy found from the reset reply: 16 channels at 125 Hz', async () => {
    const pty = new PtyPair('daisy');
    await pty.plug();
    cleanups.push(() => pty.unplug());
    const emu = new CytonEmulator({
      path: pty.device,
      daisy: true,
      countsAt: (i, out) => {
        for (let c = 0; c < 16; c++) out[c] = (c + 1) * 1000 + (i % 100);
      },
    });
    await emu.open();
    cleanups.push(() => emu.close());
    const sink = new RecordingSink();
    const src = new ManagedSource(new CytonDriver({ path: pty.app }), { hostClock: systemClock, policy: FAST });
    cleanups.push(() => src.stop());
    assert.equal(src.status().model, 'cyton-auto', 'the Daisy is not guessed before the reset reply');
    await src.start(sink);
    const id = `cyton:${pty.app}/eeg`;
    await waitFor('100 samples', () => sink.samples(id) >= 100, 4000);
    assert.equal(src.status().model, 'cyton-daisy');
    const info = sink.infos.get(id)!;
    assert.equal(info.channels.length, 16);
    assert.equal(info.nominalRateHz, 125);
    assert.equal(info.channels[15].label, 'P4');
    const s = cytonUvPerCount(24);
    for (const c of [0, 7, 8, 15]) {
      const v = sink.channel(id, c);
      for (let i = 0; i < v.length; i += 13) assert.ok(Math.abs(v[i] - Math.fround(((c + 1) * 1000 + (i % 100)) * s)) < 1e-3, `ch ${c} sample ${i}`);
    }
    await src.stop();
    // Connected again, the reset board starts on a board half: nothing is dropped (the emulator
    // counted on across the reset, and every reconnect began on a Daisy half without its partner).
    const again = new RecordingSink();
    // One attempt: under load the first source's close can still hold the port's lock after its
    // stop returned (the close gives up waiting after 1 s); the open waits for that close of ours
    // (serial-own-close.test.ts), so a first attempt refused as "in use" is a failure here.
    const src2 = new ManagedSource(new CytonDriver({ path: pty.app }), { hostClock: systemClock, policy: FAST });
    cleanups.push(() => src2.stop());
    await src2.start(again);
    await waitFor('samples again', () => again.samples(id) >= 50, 4000);
    assert.ok(!again.statuses.some((st) => st.problem), again.statuses.map((st) => st.problem?.message).join(' | '));
    await src2.stop();
    await emu.close();
    await pty.unplug();
  });
});
