// ManagedSource's words: a status problem carries no device name (the status has the name beside
// it, and every view titles the problem with it), the log line carries the current name once, and
// an error a start rejects with is unnamed for the hub to head ("Lab Cyton could not start: …").
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ManagedSource, type ManagedSourceOptions } from '../../../src/main/devices/device-source';
import type { DeviceDriver, DriverContext } from '../../../src/main/devices/device-driver.types';
import { DeviceError } from '../../../src/shared/devices/device-error';
import type { DeviceStatus, SourceSink } from '../../../src/shared/device.types';
import type { LogEntry } from '../../../src/shared/log.types';
import { systemClock, waitFor } from '../../fixtures/recording-sink';
import { StreamHub } from '../../../src/main/hub/hub';

/** A driver whose open() does what the test says, as drivers do: errors headed by its own name. */
function driver(open: (ctx: DriverContext, name: string) => Promise<{ close(): Promise<void> }>): DeviceDriver {
  const name = 'OpenBCI Cyton (/dev/ttyUSB9)';
  return { deviceId: 'cyton:/dev/ttyUSB9', name, model: 'cyton', transport: 'serial', clockKind: 'counter', streamIds: [], open: (ctx) => open(ctx, name) };
}

function sink(statuses: DeviceStatus[]): SourceSink {
  return { streams: () => undefined, chunk: () => undefined, gap: () => undefined, status: (s) => statuses.push(s) };
}

/**
 * A source over a driver the test drives through its context, on a clock the test moves (from
 * t = 1000; no wall-clock pacing: judged on when each chunk is said to arrive), started and
 * streaming, nothing announced yet. `ctx()` is the latest connection's context, `opens()` how many
 * connections were opened.
 */
async function onMovedClock(opts: Omit<ManagedSourceOptions, 'hostClock'>) {
  let ctx!: DriverContext;
  let opens = 0;
  const clock = { t: 1000, now: () => clock.t };
  const src = new ManagedSource(
    driver(async (c) => {
      ctx = c;
      opens++;
      return { close: async () => undefined };
    }),
    { hostClock: clock, ...opts },
  );
  void src.start(sink([]));
  while (src.state !== 'streaming') await new Promise((r) => setTimeout(r, 5));
  return { src, clock, ctx: () => ctx, opens: () => opens };
}

/** The Cyton's one EEG stream at 250 Hz, as its driver announces it. */
const CYTON_EEG = { id: 'cyton:/dev/ttyUSB9/eeg', deviceId: 'cyton:/dev/ttyUSB9', deviceName: 'x', modality: 'eeg', channels: [{ label: 'C1', unit: 'uV', resolution: 1 }], nominalRateHz: 250 } as never;

describe('ManagedSource problem text', () => {
  test('a failed connect: the status and the start error are unnamed, the log is named once with the current name', async () => {
    const logs: LogEntry[] = [];
    const src = new ManagedSource(
      driver(async (_ctx, name) => {
        throw new DeviceError('unavailable', `${name}: cannot open /dev/ttyUSB9: port not found (unplugged?)`, false);
      }),
      { hostClock: systemClock, log: (e) => logs.push(e), policy: { startAttempts: 1 } },
    );
    src.rename('Lab Cyton');
    const statuses: DeviceStatus[] = [];
    await assert.rejects(src.start(sink(statuses)), (e: unknown) => e instanceof DeviceError && e.message === 'cannot open /dev/ttyUSB9: port not found (unplugged?)');
    assert.equal(src.status().problem?.message, 'cannot open /dev/ttyUSB9: port not found (unplugged?)');
    assert.ok(statuses.every((s) => !s.problem || !/Lab Cyton|OpenBCI Cyton \(/.test(s.problem.message)), statuses.map((s) => s.problem?.message).join(' | '));
    // Its own lines are debug, "connect failed" too: the hub says the change to 'error' with the problem in it.
    assert.deepEqual(logs.filter((l) => l.level !== 'debug').map((l) => l.message), [], 'no warning or error of its own');
    assert.ok(logs.some((l) => l.level === 'debug' && l.message === 'Lab Cyton: cannot open /dev/ttyUSB9: port not found (unplugged?)'), logs.map((l) => `${l.level} ${l.message}`).join('\n'));
    await src.stop();
  });

  test("a driver's problem while connected: unnamed in the status; a sentence about the device keeps it, renamed", async () => {
    const logs: LogEntry[] = [];
    let ctx!: DriverContext;
    const src = new ManagedSource(
      driver(async (c) => {
        ctx = c;
        return { close: async () => undefined };
      }),
      { hostClock: systemClock, log: (e) => logs.push(e) },
    );
    src.rename('Lab Cyton');
    const statuses: DeviceStatus[] = [];
    void src.start(sink(statuses)).catch(() => undefined);
    while (!ctx) await new Promise((r) => setTimeout(r, 5));
    ctx.problem('bad-frame', 'OpenBCI Cyton (/dev/ttyUSB9): skipped 12 bytes before a packet start (0xA0)');
    assert.equal(src.status().problem?.message, 'skipped 12 bytes before a packet start (0xA0)');
    assert.ok(logs.some((l) => l.message === 'Lab Cyton: skipped 12 bytes before a packet start (0xA0)'), 'the skipped bytes before a packet start are logged');
    await new Promise((r) => setTimeout(r, 1100));
    ctx.problem('device-error', 'OpenBCI Cyton (/dev/ttyUSB9) answered "Failure: no daisy to attach"');
    assert.equal(src.status().problem?.message, 'Lab Cyton answered "Failure: no daisy to attach"');
    await src.stop();
  });
});

describe('ManagedSource log while a device is away', () => {
  test('the same connect failure again and again is one warning, then debug lines; the connect after says how many', async () => {
    const logs: LogEntry[] = [];
    let tries = 0;
    const src = new ManagedSource(
      driver(async (ctx, name) => {
        if (++tries < 6) throw new DeviceError('unavailable', `${name}: cannot open /dev/ttyUSB9: port not found (unplugged?)`);
        return { close: async () => undefined };
      }),
      { hostClock: systemClock, log: (e) => logs.push(e), policy: { startAttempts: 2, waitForDevice: true, waitRetryMs: 20, initialDelayMs: 10, maxDelayMs: 20 } },
    );
    void src.start(sink([])).catch(() => undefined);
    await waitFor('the connect after the failures', () => logs.some((l) => /connected after/.test(l.message)), 15_000);
    const failed = logs.filter((l) => /connect failed/.test(l.message));
    assert.equal(failed.length, 5);
    assert.deepEqual(failed.map((l) => l.level), ['warn', 'debug', 'debug', 'debug', 'debug']);
    assert.equal(failed[0].message, 'OpenBCI Cyton (/dev/ttyUSB9): connect failed: cannot open /dev/ttyUSB9: port not found (unplugged?)');
    assert.ok(logs.filter((l) => /retrying in/.test(l.message) && l.level !== 'debug').length <= 1, logs.map((l) => `${l.level} ${l.message}`).join('\n'));
    assert.ok(logs.some((l) => l.level === 'info' && l.message === 'OpenBCI Cyton (/dev/ttyUSB9): connected after 5 failed attempts'), "'connected after 5 failed attempts' is logged at info, named");
    assert.deepEqual(logs.filter((l) => !l.message.startsWith('OpenBCI Cyton (/dev/ttyUSB9): ')).map((l) => l.message), [], 'every line names the device');
    await src.stop();
  });
});

describe('ManagedSource log of a Connect that fails', () => {
  test("its quick attempts' failures are info lines: the error that ends them says it (a warning for the first said a failed Connect twice)", async () => {
    const logs: LogEntry[] = [];
    const src = new ManagedSource(
      driver(async (_ctx, name) => {
        throw new DeviceError('unavailable', `${name}: cannot open /dev/ttyUSB9: port not found (unplugged?)`);
      }),
      { hostClock: systemClock, log: (e) => logs.push(e), policy: { startAttempts: 3, initialDelayMs: 10, maxDelayMs: 20 } },
    );
    await assert.rejects(src.start(sink([])), /gave up after 3 attempts/, 'the Connect fails with the reason');
    const failed = logs.filter((l) => /connect failed/.test(l.message));
    assert.deepEqual(failed.map((l) => l.level), ['info', 'debug', 'debug'], logs.map((l) => `${l.level} ${l.message}`).join('\n'));
    assert.deepEqual(logs.filter((l) => l.level === 'warn' || l.level === 'error'), [], 'no warning of its own: the hub says the change to error');
    await src.stop();
  });
});

describe('ManagedSource log on a drop', () => {
  test('no warning of its own (the hub says the state change with the reason: drop-log-once.test.ts); its debug line names the device once, no raw host time', async () => {
    const logs: LogEntry[] = [];
    let ctx!: DriverContext;
    const src = new ManagedSource(
      driver(async (c) => {
        ctx = c;
        return { close: async () => undefined };
      }),
      { hostClock: systemClock, log: (e) => logs.push(e), policy: { initialDelayMs: 5_000 } },
    );
    const started = src.start(sink([]));
    while (src.state !== 'streaming') await new Promise((r) => setTimeout(r, 5));
    ctx.streams([{ id: 'cyton:/dev/ttyUSB9/eeg', deviceId: 'cyton:/dev/ttyUSB9', modality: 'eeg', channels: [{ label: 'C1', unit: 'uV' }], nominalRateHz: 250 } as never]);
    ctx.samples('cyton:/dev/ttyUSB9/eeg', 0, 10, new Float32Array(10));
    await started;
    logs.length = 0;
    ctx.dropped(new DeviceError('disconnected', 'OpenBCI Cyton (/dev/ttyUSB9): /dev/ttyUSB9 went away (bad file descriptor)'));
    assert.deepEqual(logs.filter((l) => l.level === 'warn' || l.level === 'error').map((l) => l.message), [], 'no warning from the source');
    const said = logs.filter((l) => /dropped:/.test(l.message)).map((l) => `${l.level} ${l.message}`);
    assert.deepEqual(said, ['debug OpenBCI Cyton (/dev/ttyUSB9): dropped: /dev/ttyUSB9 went away (bad file descriptor)'], 'its own line: debug');
    assert.equal(src.status().problem?.message, '/dev/ttyUSB9 went away (bad file descriptor)', 'the status carries the reason, for the hub\'s line');
    assert.ok(!logs.some((l) => /\d{9,}\.\d{3}/.test(l.message)), logs.map((l) => l.message).join('\n'));
    await src.stop();
  });
});

describe('ManagedSource stopped while it waits', () => {
  test('the app closing with a remembered device not plugged in: the start ends, the status says stopped, no error is logged', async () => {
    const hubLog: string[] = [];
    const hub = new StreamHub({ clock: systemClock, log: (level, _source, message) => hubLog.push(`${level} ${message}`) });
    const src = new ManagedSource(
      driver(async (_ctx, name) => {
        throw new DeviceError('unavailable', `${name}: cannot open /dev/ttyUSB9: port not found (unplugged?)`);
      }),
      { hostClock: systemClock, policy: { startAttempts: 1, waitForDevice: true, waitRetryMs: 60_000, initialDelayMs: 10 } },
    );
    const adding = hub.addSource(src);
    while (!src.status().waitingForDevice) await new Promise((r) => setTimeout(r, 5));
    await hub.close();
    await adding;
    assert.equal(src.status().state, 'stopped');
    assert.ok(!hubLog.some((l) => l.startsWith('error')), hubLog.join('\n'));
  });
});

describe('ManagedSource rate check', () => {

  test('with two streams the problem names the one off (EEG at 200/s set to 250 Hz); the 1 Hz heart-rate stream is not judged', async () => {
    const { src, clock, ctx } = await onMovedClock({ tickMs: 60_000, rateCheck: { settleS: 0, spanS: 0.5 } });
    ctx().streams([
      { id: 'd/hr', deviceId: 'd', modality: 'other', channels: [{ label: 'HR', unit: 'bpm' }], nominalRateHz: 1 } as never,
      { id: 'd/eeg', deviceId: 'd', modality: 'eeg', channels: [{ label: 'C1', unit: 'uV' }], nominalRateHz: 250 } as never,
    ]);
    // 0.9 s: HR notifications at 4 per second (as if 4 Hz), EEG 4 samples every 20 ms (200 per second).
    for (let k = 0; k < 45; k++) {
      clock.t = 1000 + k * 0.02;
      if (k % 5 === 0) ctx().samples('d/hr', k / 4, 1, new Float32Array(1));
      ctx().samples('d/eeg', k * 0.02, 4, new Float32Array(4));
    }
    const p = src.status().problem;
    assert.equal(p?.code, 'rate-mismatch', p?.message);
    assert.match(p?.message ?? '', /^EEG samples arrive at 200\.0 Hz, not the 250 Hz set for the stream/);
    await src.stop();
  });

  test('a 250 Hz device whose chunks were held back 200 ms as the count began (a busy event loop) is not said to be off', async () => {
    // Its samples are made on time, 5 every 20 ms, but the chunks of 1000.02–1000.20 all arrive at
    // 1000.22, the first of them starting the count: counted as they came, 2 s read as 275 Hz.
    const { src, clock, ctx } = await onMovedClock({ tickMs: 60_000, rateCheck: { settleS: 0, spanS: 2 } });
    ctx().streams([{ id: 'd/eeg', deviceId: 'd', modality: 'eeg', channels: [{ label: 'C1', unit: 'uV' }], nominalRateHz: 250 } as never]);
    for (let k = 0; k <= 130; k++) {
      clock.t = 1000 + Math.max(k, k >= 1 && k <= 10 ? 11 : 0) * 0.02;
      ctx().samples('d/eeg', k * 0.02, 5, new Float32Array(5));
    }
    assert.equal(src.status().problem, undefined, src.status().problem?.message);
    await src.stop();
  });

  test('a device that really is off is said so with its own rate, however its chunks were held back', async () => {
    // 5 samples every 25 ms (200 Hz) set to 250 Hz; every tenth chunk comes 60 ms late, with the next ones.
    const { src, clock, ctx } = await onMovedClock({ tickMs: 60_000, rateCheck: { settleS: 0.5, spanS: 2 } });
    ctx().streams([{ id: 'd/eeg', deviceId: 'd', modality: 'eeg', channels: [{ label: 'C1', unit: 'uV' }], nominalRateHz: 250 } as never]);
    for (let k = 0; k <= 130; k++) {
      clock.t = 1000 + k * 0.025 + (k % 10 === 0 ? 0.06 : 0);
      ctx().samples('d/eeg', k * 0.025, 5, new Float32Array(5));
    }
    const p = src.status().problem;
    assert.match(p?.message ?? '', /^samples arrive at 200\.0 Hz, not the 250 Hz set for the stream: no window is cut while the two disagree/, p?.message);
    await src.stop();
  });

  test('a device 9 % slow (227.5 Hz set to 250) is said to be off, and that the windows follow the rate measured (the pipeline follows up to MAX_RATE_ERROR)', async () => {
    const { src, clock, ctx } = await onMovedClock({ tickMs: 60_000, rateCheck: { settleS: 0, spanS: 2 } });
    ctx().streams([{ id: 'd/eeg', deviceId: 'd', modality: 'eeg', channels: [{ label: 'C1', unit: 'uV' }], nominalRateHz: 250 } as never]);
    // 5 samples every 5/227.5 s.
    for (let k = 0; k <= 130; k++) {
      clock.t = 1000 + (k * 5) / 227.5;
      ctx().samples('d/eeg', k * 0.02, 5, new Float32Array(5));
    }
    const p = src.status().problem;
    assert.equal(p?.code, 'rate-mismatch', p?.message);
    assert.match(p?.message ?? '', /^samples arrive at 227\.5 Hz, not the 250 Hz set for the stream: the windows follow the rate measured$/, p?.message);
    await src.stop();
  });
});

describe('ManagedSource problems that pass, and names', () => {
  /** A streaming source on a clock the test moves, with what the sink was told. */
  async function streaming(logs: LogEntry[] = []) {
    let ctx!: DriverContext;
    const clock = { t: 1000, now: () => clock.t };
    const statuses: DeviceStatus[] = [];
    const announced: string[][] = [];
    const src = new ManagedSource(
      driver(async (c) => {
        ctx = c;
        return { close: async () => undefined };
      }),
      { hostClock: clock, tickMs: 60_000, log: (e) => logs.push(e) },
    );
    const s = { ...sink(statuses), streams: (_id: string, infos: { deviceName: string }[]) => announced.push(infos.map((i) => i.deviceName)) };
    void src.start(s as SourceSink);
    while (src.state !== 'streaming') await new Promise((r) => setTimeout(r, 5));
    ctx.streams([{ id: 'cyton:/dev/ttyUSB9/eeg', deviceId: 'cyton:/dev/ttyUSB9', deviceName: 'OpenBCI Cyton (/dev/ttyUSB9)', modality: 'eeg', channels: [{ label: 'C1', unit: 'uV', resolution: 1 }], nominalRateHz: 5 } as never]);
    const samplesAt = (t: number) => {
      clock.t = t;
      ctx.samples('cyton:/dev/ttyUSB9/eeg', t - 1000, 5, new Float32Array(5));
    };
    samplesAt(1000);
    return { src, ctx: () => ctx, clock, statuses, announced, samplesAt };
  }

  test('a problem about some of the data clears after 10 s of clean streaming; one that recurs stays', async () => {
    const d = await streaming();
    d.ctx().problem('packet-loss', '1 Daisy half-sample(s) without their partner dropped');
    for (let t = 1001; t <= 1009; t++) d.samplesAt(t);
    assert.equal(d.src.status().problem?.code, 'packet-loss', 'still said 9 s on');
    d.samplesAt(1010.5);
    assert.equal(d.src.status().problem, undefined, 'cleared after 10 s without it');
    assert.equal(d.statuses.at(-1)?.problem, undefined, 'and the cleared status was pushed');
    // A problem that keeps coming keeps its line (each report renews it).
    for (let t = 1011; t <= 1030; t++) {
      d.clock.t = t;
      d.ctx().problem('device-error', 'no skin contact (wet the electrodes, tighten the strap)');
      d.samplesAt(t);
    }
    assert.equal(d.src.status().problem?.code, 'device-error');
    await d.src.stop();
  });

  test('a problem that comes with every read is logged once per 10 s, the next line saying how many were held back; the row shows the latest', async () => {
    const logs: LogEntry[] = [];
    const d = await streaming(logs);
    const said = () => logs.filter((l) => /malformed|lost/.test(l.message)).map((l) => `${l.level} ${l.message}`);
    // A text device with a bad line among its good ones: one report per read, 40 a second.
    for (let i = 0; i < 400; i++) {
      d.clock.t = 1000 + i / 40;
      d.ctx().problem('bad-frame', `1 malformed line(s) skipped: "x${i}" is not a number`);
    }
    assert.deepEqual(said(), ['warn OpenBCI Cyton (/dev/ttyUSB9): 1 malformed line(s) skipped: "x0" is not a number']);
    assert.equal(d.src.status().problem?.message, '1 malformed line(s) skipped: "x360" is not a number', 'the row: the latest, once a second (x0, x40, …)');
    d.clock.t = 1010;
    d.ctx().problem('bad-frame', '1 malformed line(s) skipped: "y" is not a number');
    assert.equal(said().at(-1), 'warn OpenBCI Cyton (/dev/ttyUSB9): 1 malformed line(s) skipped: "y" is not a number (399 more like it in the last 10 s)');
    // Another code is its own; so is a warning after notes of the same code (a loss growing).
    d.ctx().problem('device-error', 'no skin contact');
    d.ctx().log('info', 'unrelated');
    assert.equal(logs.filter((l) => l.message.endsWith('no skin contact')).length, 1);
    assert.equal(said().length, 2);
    await d.src.stop();
  });

  test('after a rename, streams announced carry the new name and a name the device reports does not replace it', async () => {
    const d = await streaming();
    assert.deepEqual(d.announced.at(-1), ['OpenBCI Cyton (/dev/ttyUSB9)']);
    d.ctx().describe({ name: 'Cyton-7' });
    assert.equal(d.src.status().name, 'Cyton-7', 'a device nobody named takes its own name');
    d.src.rename('Lab Cyton');
    d.ctx().describe({ name: 'Cyton-7' });
    assert.equal(d.src.status().name, 'Lab Cyton');
    // The next connection announces the same streams again, built by the driver with its old name.
    d.ctx().streams([{ id: 'cyton:/dev/ttyUSB9/eeg', deviceId: 'cyton:/dev/ttyUSB9', deviceName: 'OpenBCI Cyton (/dev/ttyUSB9)', modality: 'eeg', channels: [{ label: 'C1', unit: 'uV', resolution: 1 }], nominalRateHz: 5 } as never]);
    assert.deepEqual(d.announced.at(-1), ['Lab Cyton']);
    await d.src.stop();
  });
});

describe('ManagedSource output refused as another device\'s', () => {
  test('said once as a warning when it comes after the connect finished, before any sample (nothing else says it then)', async () => {
    const logs: LogEntry[] = [];
    const { src, ctx, opens } = await onMovedClock({ tickMs: 60_000, log: (e) => logs.push(e), policy: { initialDelayMs: 10, maxDelayMs: 10, waitRetryMs: 10 } });
    ctx().streams([CYTON_EEG]);
    ctx().samples('cyton:/dev/ttyUSB9/eeg', 0, 250, new Float32Array(250));
    ctx().dropped(new DeviceError('disconnected', '/dev/ttyUSB9 went away'));
    // Reconnected: the open has finished (the machine's 'streaming'), no sample yet; then the port's
    // first lines are another device's.
    while (opens() < 2 || src.state !== 'streaming') await new Promise((r) => setTimeout(r, 5));
    assert.equal(src.status().state, 'reconnecting', 'not shown streaming: no state change for the hub to say');
    const text = 'lines on /dev/ttyUSB9 now have 3 columns, not the 2 this device printed before: is another device on its port now?';
    ctx().fail('channel-mismatch', text, { retry: true });
    const said = logs.filter((l) => l.message.includes('now have 3 columns'));
    assert.deepEqual(said.map((l) => l.level), ['warn'], JSON.stringify(said));
    await src.stop();
  });
});

describe('ManagedSource last drop in the status', () => {
  test('since when a device is away, then what the drop cost: in the status, for a page opened later', async () => {
    const { src, clock, ctx, opens } = await onMovedClock({ tickMs: 60_000, policy: { initialDelayMs: 10, maxDelayMs: 10 } });
    ctx().streams([CYTON_EEG]);
    ctx().samples('cyton:/dev/ttyUSB9/eeg', 0, 250, new Float32Array(250));
    assert.equal(src.status().lastDrop, undefined);
    clock.t = 1002;
    ctx().dropped(new DeviceError('disconnected', '/dev/ttyUSB9 went away'));
    assert.deepEqual(src.status().lastDrop, { startTime: 1000, missingSamples: 0 }, 'away since its last sample, no end yet');
    while (opens() < 2 || src.state !== 'streaming') await new Promise((r) => setTimeout(r, 5));
    clock.t = 1004;
    ctx().samples('cyton:/dev/ttyUSB9/eeg', 0, 25, new Float32Array(25));
    assert.equal(src.status().state, 'streaming');
    // Back at 1004 with 25 samples that arrived over 0.1 s: the hole is 1000 to 1003.9, 975 samples.
    const d = src.status().lastDrop;
    assert.equal(d?.startTime, 1000);
    assert.ok(Math.abs((d?.endTime ?? 0) - 1003.9) < 1e-9, String(d?.endTime));
    assert.equal(d?.missingSamples, 975);
    await src.stop();
  });
});

describe('ManagedSource: a connection with no samples', () => {
  test("one that streamed and went quiet is 'connected again', not asked whether its port and baud rate are right", async () => {
    let ctx!: DriverContext;
    let opens = 0;
    const clock = { t: 1000, now: () => clock.t };
    const d = { ...driver(async (c) => ((ctx = c), opens++, { close: async () => undefined })), quietHint: 'is this the device’s port, and is it printing at 115200 baud?' };
    const src = new ManagedSource(d, { hostClock: clock, tickMs: 5, policy: { initialDelayMs: 10, maxDelayMs: 10, jitter: 0 } });
    void src.start(sink([]));
    // Never streamed: the hint says what to check.
    await waitFor('connected', () => src.state === 'streaming', 2000);
    clock.t = 1003.5;
    await waitFor('the first stall', () => /^connected, but no samples came in/.test(src.status().problem?.message ?? ''), 2000);
    assert.match(src.status().problem!.message, /^connected, but no samples came in \d+\.\d s — is this the device’s port, and is it printing at 115200 baud\?$/);
    await waitFor('connected again', () => opens >= 2 && src.state === 'streaming', 2000);
    ctx.streams([CYTON_EEG]);
    ctx.samples('cyton:/dev/ttyUSB9/eeg', 0, 250, new Float32Array(250));
    // It streamed; then it went quiet, and the port opens again with nothing on it.
    clock.t = 1007;
    await waitFor('the drop', () => opens >= 3 && src.state === 'streaming', 2000);
    clock.t = 1010.5;
    await waitFor('the stall after the drop', () => /no samples came/.test(src.status().problem?.message ?? ''), 2000);
    assert.match(src.status().problem!.message, /^connected again, but no samples came in \d+\.\d s$/);
    await src.stop();
  });
});

describe('ManagedSource log with two devices', () => {
  test('a headset and a strap both dropping and coming back: every line says which device, the retry after the state change it follows from', async () => {
    const log: LogEntry[] = [];
    const hub = new StreamHub({ clock: systemClock, log: (level, source, message) => log.push({ time: systemClock.now(), level, source, message }) });
    const ctxs = new Map<string, DriverContext>();
    const device = (id: string, name: string, modality: 'eeg' | 'ecg') =>
      new ManagedSource(
        {
          deviceId: id,
          name,
          model: 'serial-text',
          transport: 'serial',
          clockKind: 'counter',
          streamIds: [],
          open: async (c) => {
            ctxs.set(id, c);
            c.streams([{ id: `${id}/${modality}`, deviceId: id, modality, channels: [{ label: 'C1', unit: 'uV' }], nominalRateHz: 250 } as never]);
            c.log('info', 'handshake answered; 1 channel at 250 Hz');
            let n = 0;
            const timer = setInterval(() => c.samples(`${id}/${modality}`, (n += 10), 10, new Float32Array(10)), 40);
            return { close: async () => clearInterval(timer) };
          },
        },
        { hostClock: systemClock, log: (e) => log.push(e), policy: { initialDelayMs: 50, maxDelayMs: 100 } },
      );
    const headset = device('serial-text:/dev/ttyUSB0', 'Lab headset', 'eeg');
    const strap = device('serial-text:/dev/ttyUSB1', 'Chest strap', 'ecg');
    try {
      await hub.addSource(headset);
      await hub.addSource(strap);
      const from = log.length;
      for (const [id, src] of [['serial-text:/dev/ttyUSB0', headset], ['serial-text:/dev/ttyUSB1', strap]] as const) {
        ctxs.get(id)!.dropped(new DeviceError('disconnected', `${src.driver.name}: /dev/x went away`));
      }
      await waitFor('both back', () => log.slice(from).filter((l) => /resumed after a drop/.test(l.message)).length === 2, 5000);
      const lines = log.slice(from).filter((l) => l.source.startsWith('device:'));
      const all = lines.map((l) => `${l.level} [${l.source}] ${l.message}`).join('\n');
      for (const l of lines) {
        const name = l.source === 'device:serial-text:/dev/ttyUSB0' ? 'Lab headset' : 'Chest strap';
        assert.ok(l.message.startsWith(`${name}: `) || l.message.startsWith(`${name}, `), `a line without its device's name:\n${l.message}\n\n${all}`);
      }
      for (const name of ['Lab headset', 'Chest strap']) {
        const at = (re: RegExp) => lines.findIndex((l) => l.message.startsWith(name) && re.test(l.message));
        assert.ok(at(/retrying in/) > at(/→ reconnecting/) && at(/→ reconnecting/) >= 0, `${name}: the retry said after the state change:\n${all}`);
        assert.ok(at(/: handshake answered/) >= 0, `${name}: the driver's own line is named:\n${all}`);
      }
    } finally {
      await hub.close();
    }
  });
});
