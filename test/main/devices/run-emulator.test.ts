// The emulator as developers run it (docs/devices.md, "Trying it without hardware"): its own
// process on one end of a socat pseudo-terminal pair. A text device keeps printing while the app
// has its port closed (a user's Disconnect, a while, then Connect), as an Arduino does: the pty
// fills up and its lines are lost, but it does not fall silent for good.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { ManagedSource } from '../../../src/main/devices/device-source';
import { SerialTextDriver } from '../../../src/main/devices/drivers/serial-text-driver';
import { PtyPair, NEED_SOCAT } from '../../fixtures/pty';
import { RecordingSink, systemClock } from '../../fixtures/recording-sink';

const FAST = { initialDelayMs: 100, maxDelayMs: 300, stallTimeoutMs: 1500, startAttempts: 1 };
/**
 * A guard against an emulator that never starts, not a speed bound: tsx compiles it from source as
 * it starts, which took over 10 s (the old guard) on the loaded shared machine.
 */
const START_GUARD_MS = 60_000;

describe('run-emulator', { skip: NEED_SOCAT }, () => {
  let child: ChildProcess | null = null;
  const pty = new PtyPair('run-emu');
  after(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
    await pty.unplug();
  });

  test('text: Disconnect, a pause long enough to fill the pty, then Connect streams again', async () => {
    await pty.plug();
    child = spawn(process.execPath, ['--import', 'tsx', 'src/main/devices/emulator/run-emulator.ts', 'text', pty.device, '--rate', '2000', '--channels', '8', '--reopen'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
    const t0 = Date.now();
    while (!out.includes('emulating text')) {
      assert.equal(child.exitCode, null, `the emulator exited: ${out}`);
      assert.ok(Date.now() - t0 < START_GUARD_MS, `the emulator did not start: ${out}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const sink = new RecordingSink();
    const id = `serial-text:${pty.app}/ecg`;
    for (let round = 1; round <= 2; round++) {
      const src = new ManagedSource(new SerialTextDriver({ path: pty.app, channels: ['1', '2', '3', '4', '5', '6', '7', '8'], rateHz: 2000, unit: 'mV', modality: 'ecg' }), { hostClock: systemClock, policy: FAST, tickMs: 50 });
      await src.start(sink);
      // Past what the pty held while closed (read at once): the device itself must be printing.
      await new Promise((r) => setTimeout(r, round === 1 ? 100 : 1000));
      const n1 = sink.samples(id);
      await new Promise((r) => setTimeout(r, 500));
      const fresh = sink.samples(id) - n1;
      assert.ok(fresh > 500, `round ${round}: ${fresh} samples in 0.5 s at 2000 Hz`);
      await src.stop();
      // Closed for longer than the pty takes to fill plus the serial layer's 2-s write timeout.
      if (round === 1) await new Promise((r) => setTimeout(r, 2600));
    }
  });

  test('text: the cable pulled (socat killed) and plugged back: the device prints again at once, and the app streams', async (t) => {
    // Continues from the test above: the same emulator process has been printing for some seconds.
    const sink = new RecordingSink();
    const id = `serial-text:${pty.app}/ecg`;
    const src = new ManagedSource(new SerialTextDriver({ path: pty.app, channels: ['1', '2', '3', '4', '5', '6', '7', '8'], rateHz: 2000, unit: 'mV', modality: 'ecg' }), { hostClock: systemClock, policy: FAST, tickMs: 50 });
    await src.start(sink);
    t.after(() => src.stop());
    await new Promise((r) => setTimeout(r, 2000));
    await pty.unplug();
    await new Promise((r) => setTimeout(r, 500));
    const before = sink.samples(id);
    await pty.plug();
    const t0 = Date.now();
    // It restarted its clock on reattaching but counted the lines it printed before, and stayed
    // silent for as long as it had run.
    while (sink.samples(id) - before < 2000 && Date.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 50));
    const waited = (Date.now() - t0) / 1000;
    assert.ok(sink.samples(id) - before >= 2000, `only ${sink.samples(id) - before} samples within 5 s of plugging back`);
    assert.ok(waited < 3, `1 s of samples took ${waited.toFixed(1)} s after plugging back`);
    assert.equal(src.status().state, 'streaming');
    await src.stop();
  });

  test('--clock-ppm runs the crystal off: 5 % fast prints 262.5 lines a second; a value that is not a number is refused', async () => {
    const bad = spawn(process.execPath, ['--import', 'tsx', 'src/main/devices/emulator/run-emulator.ts', 'text', '/tmp/none', '--clock-ppm', 'fast'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    bad.stderr!.on('data', (b: Buffer) => (err += b.toString()));
    const [code] = await once(bad, 'exit');
    assert.equal(code, 2);
    assert.match(err, /--clock-ppm: "fast" is not a crystal error in ppm/);

    const ppmPty = new PtyPair('run-emu-ppm');
    await ppmPty.plug();
    const emu = spawn(process.execPath, ['--import', 'tsx', 'src/main/devices/emulator/run-emulator.ts', 'text', ppmPty.device, '--rate', '250', '--clock-ppm', '50000'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    emu.stdout!.on('data', (b: Buffer) => (out += b.toString()));
    const src = new ManagedSource(new SerialTextDriver({ path: ppmPty.app, channels: ['ECG'], rateHz: 250, unit: 'mV', modality: 'ecg' }), { hostClock: systemClock, policy: FAST, tickMs: 50 });
    try {
      const t0 = Date.now();
      while (!out.includes('emulating text')) {
        assert.equal(emu.exitCode, null, `the emulator exited: ${out}`);
        assert.ok(Date.now() - t0 < START_GUARD_MS, `the emulator did not start: ${out}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      const sink = new RecordingSink();
      await src.start(sink);
      await new Promise((r) => setTimeout(r, 3000));
      const cs = sink.chunks.filter((c) => c.streamId === `serial-text:${ppmPty.app}/ecg`);
      // The slope of lines counted over their arrival (least squares, past the first chunk, which held
      // what the pty buffered): two arrivals alone move it by their delay, 1.7 % for 50 ms over 3 s.
      const pts: [number, number][] = [];
      let counted = 0;
      for (const c of cs.slice(1)) pts.push([c.hostTime, (counted += c.count)]);
      const mt = pts.reduce((a, [x]) => a + x, 0) / pts.length;
      const mn = pts.reduce((a, [, y]) => a + y, 0) / pts.length;
      const rate = pts.reduce((a, [x, y]) => a + (x - mt) * (y - mn), 0) / pts.reduce((a, [x]) => a + (x - mt) ** 2, 0);
      assert.ok(rate > 257 && rate < 268, `${rate.toFixed(1)} lines/s`);
    } finally {
      await src.stop();
      emu.kill('SIGTERM');
      await once(emu, 'exit');
      await ppmPty.unplug();
    }
  });
});
