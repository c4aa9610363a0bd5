// A Disconnect (or a device removed, or the app closing: all stop the source) while a Bluetooth
// connect is still in progress cancels it in whatever phase it is: the radio link is closed by the
// time the stop returns, nothing more is sent to the device (no ECG start, no Muse preset), no
// sample arrives afterwards, the state is 'stopped', no retry follows and nothing rejects unhandled.
// Each phase is held by a scripted central around the in-memory peripherals: the step never answers
// until the test lets it, after the stop (a radio answering late).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ManagedSource } from '../../../src/main/devices/device-source';
import { PolarDriver } from '../../../src/main/devices/drivers/polar-driver';
import { MuseDriver } from '../../../src/main/devices/drivers/muse-driver';
import { EmulatedCentral, EmulatedMuse, EmulatedPolarH10, type EmulatedPeripheral } from '../../../src/main/devices/emulator/ble-emulator';
import type { BleCentral, BleLink } from '../../../src/main/devices/ble/ble.types';
import type { LogEntry } from '../../../src/shared/log.types';
import { RecordingSink, systemClock, waitFor } from '../../fixtures/recording-sink';

const FAST = { initialDelayMs: 100, maxDelayMs: 300, stallTimeoutMs: 1500, startAttempts: 3 };
const PMD_CP = 'fb005c81-02e7-f387-1cad-8acd2d8df0c8'.replace(/-/g, '');

/** Where a connect is held: the central's connect, or the n-th (from 1) call of a link operation. */
type Hold = { op: 'connect' } | { op: 'read' | 'subscribe' | 'write' | 'readRssi'; n: number } | { op: 'reply' };

/**
 * The emulator's central with one step held until `release()`. A held connect ignores the signal
 * (a radio that completes anyway); a held 'reply' lets the PMD start write through but holds the
 * strap's answer on the control point.
 */
class HeldCentral implements BleCentral {
  readonly inner: EmulatedCentral;
  connects = 0;
  reached = false;
  private releaseGate!: () => void;
  private readonly gate = new Promise<void>((r) => (this.releaseGate = r));
  private readonly counts = new Map<string, number>();

  constructor(
    readonly peripheral: EmulatedPeripheral,
    private readonly hold: Hold,
  ) {
    this.inner = new EmulatedCentral([peripheral]);
  }

  release(): void {
    this.releaseGate();
  }

  scan: BleCentral['scan'] = (opts, onFound) => this.inner.scan(opts, onFound);

  async connect(id: string, timeoutMs: number): Promise<BleLink> {
    this.connects++;
    if (this.hold.op === 'connect' && this.connects === 1) {
      this.reached = true;
      await this.gate;
    }
    return this.wrap(await this.inner.connect(id, timeoutMs));
  }

  private held<T>(op: string, run: () => Promise<T>): Promise<T> {
    const n = (this.counts.get(op) ?? 0) + 1;
    this.counts.set(op, n);
    if (this.connects === 1 && this.hold.op === op && 'n' in this.hold && this.hold.n === n) {
      this.reached = true;
      return this.gate.then(run);
    }
    return run();
  }

  private wrap(link: BleLink): BleLink {
    return {
      ...link,
      read: (s, c) => this.held('read', () => link.read(s, c)),
      write: (s, c, d, r) => this.held('write', () => link.write(s, c, d, r)),
      readRssi: () => this.held('readRssi', () => link.readRssi()),
      subscribe: (s, c, onData) =>
        this.held('subscribe', () =>
          link.subscribe(s, c, (bytes) => {
            if (this.hold.op !== 'reply' || this.connects !== 1 || c !== PMD_CP) return onData(bytes);
            this.reached = true;
            void this.gate.then(() => onData(bytes));
          }),
        ),
    };
  }
}

const unhandled: unknown[] = [];
const onUnhandled = (e: unknown) => unhandled.push(e);

async function cancelAt(make: (central: () => Promise<BleCentral>) => ManagedSource['driver'], peripheral: EmulatedPeripheral, hold: Hold): Promise<void> {
  const central = new HeldCentral(peripheral, hold);
  const logs: LogEntry[] = [];
  const src = new ManagedSource(make(async () => central), { hostClock: systemClock, policy: FAST, log: (e) => logs.push(e) });
  const sink = new RecordingSink();
  const started = src.start(sink);
  await waitFor(`the connect reaches ${JSON.stringify(hold)}`, () => central.reached, 3000);
  const writesBefore = peripheral.writes.length;
  const t0 = Date.now();
  await src.stop();
  const took = Date.now() - t0;
  // The bound on waiting for an attempt is 5 s: a cancelled attempt ends well before it.
  assert.ok(took < 2500, `stop returned after ${took} ms`);
  await started;
  assert.equal(peripheral.connected, false, `${JSON.stringify(hold)}: the radio link is closed when the stop returns`);
  // The radio answers the held step late: nothing follows from it.
  central.release();
  await new Promise((r) => setTimeout(r, 400));
  assert.equal(peripheral.connected, false, `${JSON.stringify(hold)}: still closed after the late answer`);
  assert.deepEqual(peripheral.writes.slice(writesBefore).map((w) => w.key), [], `${JSON.stringify(hold)}: nothing sent to the device after the stop`);
  assert.equal(sink.samples(), 0, `${JSON.stringify(hold)}: no sample after the stop`);
  assert.equal(src.status().state, 'stopped', `${JSON.stringify(hold)}: state`);
  assert.equal(central.connects, 1, `${JSON.stringify(hold)}: no retry after the stop (FAST retries within 100 ms)`);
  const loud = logs.filter((l) => l.level === 'warn' || l.level === 'error').map((l) => l.message);
  assert.deepEqual(loud, [], `${JSON.stringify(hold)}: a cancelled connect is no failure`);
}

describe('a stop cancels a Bluetooth connect in any phase', () => {
  before(() => process.on('unhandledRejection', onUnhandled));
  after(() => {
    process.off('unhandledRejection', onUnhandled);
  });

  const polar = (central: () => Promise<BleCentral>) => new PolarDriver({ id: 'a0:9e:1a:00:00:07', central });
  const polarPhases: Hold[] = [
    { op: 'connect' },
    { op: 'read', n: 1 }, // battery
    { op: 'readRssi', n: 1 },
    { op: 'subscribe', n: 1 }, // heart rate
    { op: 'subscribe', n: 2 }, // PMD control point
    { op: 'subscribe', n: 3 }, // PMD data
    { op: 'read', n: 2 }, // PMD features
    { op: 'write', n: 1 }, // ECG start request
    { op: 'reply' }, // its answer
  ];
  for (const hold of polarPhases)
    test(`Polar H10, held at ${JSON.stringify(hold)}`, async () => {
      await cancelAt(polar, new EmulatedPolarH10('a0:9e:1a:00:00:07'), hold);
    });

  const muse = (central: () => Promise<BleCentral>) => new MuseDriver({ id: '00:55:da:b0:00:07', central });
  const musePhases: Hold[] = [
    { op: 'connect' },
    { op: 'subscribe', n: 1 }, // control
    { op: 'subscribe', n: 3 }, // an electrode
    { op: 'subscribe', n: 9 }, // PPG
    { op: 'write', n: 1 }, // halt
    { op: 'write', n: 3 }, // the preset
    { op: 'write', n: 5 }, // resume (start streaming)
    { op: 'readRssi', n: 1 },
  ];
  for (const hold of musePhases)
    test(`Muse, held at ${JSON.stringify(hold)}`, async () => {
      await cancelAt(muse, new EmulatedMuse('00:55:da:b0:00:07'), hold);
    });

  test('Disconnect then Connect at once, the first attempt held at the ECG start: the second connection streams and is not dropped by the first', async () => {
    const strap = new EmulatedPolarH10('a0:9e:1a:00:00:08');
    const central = new HeldCentral(strap, { op: 'write', n: 1 });
    const src = new ManagedSource(new PolarDriver({ id: strap.id, central: async () => central }), { hostClock: systemClock, policy: FAST });
    const sink = new RecordingSink();
    void src.start(sink);
    await waitFor('the ECG start is held', () => central.reached, 3000);
    await src.stop();
    await src.start(sink);
    const ecg = `polar-h10:${strap.id}/ecg`;
    await waitFor('ECG from the second connection', () => sink.samples(ecg) >= 73, 4000);
    central.release();
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(strap.connected, true, 'the late answer to the first attempt did not close the second connection');
    assert.equal(src.status().state, 'streaming', 'still streaming');
    const before = sink.samples(ecg);
    await waitFor('ECG keeps coming', () => sink.samples(ecg) > before, 3000);
    await src.stop();
    assert.equal(strap.connected, false, 'closed by the stop');
  });

  test('nothing rejected unhandled', () => {
    assert.deepEqual(unhandled.map(String), [], 'unhandled rejections');
  });
});
