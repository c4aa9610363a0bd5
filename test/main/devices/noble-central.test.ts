// NobleCentral's scanning, on an object with noble's scanning surface (no radio here): one radio
// scan serves overlapping scanners (a user's Scan and a waiting device's connect), and a connect
// stops listening as soon as its device is heard.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { NobleCentral } from '../../../src/main/devices/ble/noble-central';

/** noble's scanning surface: state, start/stop, 'discover' events; counts what the radio was told. */
class ScanRadio extends EventEmitter {
  _state = 'poweredOn';
  starts = 0;
  stops = 0;
  scanning = false;
  /** connectAsync calls on the peripherals it made. */
  connects = 0;
  async startScanningAsync(): Promise<void> {
    this.starts++;
    this.scanning = true;
  }
  async stopScanningAsync(): Promise<void> {
    this.stops++;
    this.scanning = false;
  }
  /** A device advertising, heard only while the radio scans. */
  advertise(id: string, name: string, serviceUuids: string[] = []): void {
    if (!this.scanning) return;
    const peripheral = {
      id,
      address: id,
      rssi: -60,
      advertisement: { localName: name, serviceUuids },
      connectAsync: async () => {
        this.connects++;
      },
      discoverAllServicesAndCharacteristicsAsync: async () => ({ services: [], characteristics: [] }),
      once: () => undefined,
      disconnectAsync: async () => undefined,
    };
    this.emit('discover', peripheral);
  }
}

function central(radio: ScanRadio): NobleCentral {
  return new NobleCentral(async () => radio as unknown as Awaited<ReturnType<NonNullable<ConstructorParameters<typeof NobleCentral>[0]>>>);
}

describe('NobleCentral scanning', () => {
  test('a connect stops listening the moment its device is heard, not after the whole scan window', async () => {
    const radio = new ScanRadio();
    const c = central(radio);
    const t0 = Date.now();
    setTimeout(() => radio.advertise('aa:bb', 'Polar H10 1234'), 50);
    const link = await c.connect('aa:bb', 10_000);
    assert.equal(link.id, 'aa:bb');
    // Heard after 50 ms; a connect that waited out the scan window would take its 10 s (half of it is
    // the bound: 1 s was a deadline a loaded machine could miss).
    assert.ok(Date.now() - t0 < 5000, `connected after ${Date.now() - t0} ms`);
    assert.deepEqual([radio.starts, radio.stops, radio.scanning], [1, 1, false]);
  });

  test('a device not heard lately is listened for first: one switched off since a scan is "not found", as one never heard, not a blind connect that times out', async () => {
    const radio = new ScanRadio();
    let nowMs = 0;
    const c = new NobleCentral(async () => radio as unknown as Awaited<ReturnType<NonNullable<ConstructorParameters<typeof NobleCentral>[0]>>>, () => nowMs);
    // A user's Scan hears the strap.
    const heard: string[] = [];
    setTimeout(() => radio.advertise('aa:bb', 'Polar H10 1234'), 20);
    await c.scan({ durationMs: 300 }, (ad) => heard.push(ad.id));
    assert.deepEqual(heard, ['aa:bb'], 'the scan heard it');
    // Connected 2 s later: heard lately, no second scan.
    nowMs = 2_000;
    const link = await c.connect('aa:bb', 300);
    assert.equal(link.id, 'aa:bb', 'connects');
    assert.equal(radio.starts, 1, 'heard lately: connected without listening again');
    // Switched off; a connect a minute later listens for it (300 ms here), hears nothing, and says
    // what an attempt for a device never heard says. Before, it connected to the stale peripheral.
    nowMs = 62_000;
    await assert.rejects(
      c.connect('aa:bb', 300),
      (e: Error) => /Bluetooth device aa:bb not found \(out of range, switched off, or connected to another app\?\)/.test(e.message),
      'not found, as for a device never heard',
    );
    assert.equal(radio.starts, 2, 'it listened for the device first');
    assert.equal(radio.connects, 1, 'no connect to the stale peripheral');
    await assert.rejects(c.connect('cc:dd', 300), (e: Error) => /Bluetooth device cc:dd not found \(out of range/.test(e.message), 'a device never heard: the same words');
    // Back on: heard while listening, connects.
    nowMs = 70_000;
    setTimeout(() => radio.advertise('aa:bb', 'Polar H10 1234'), 20);
    assert.equal((await c.connect('aa:bb', 2_000)).id, 'aa:bb', 'heard again: connects');
  });

  test("a waiting device's scan ending does not stop the radio under a user's Scan: it keeps finding devices", async () => {
    const radio = new ScanRadio();
    const c = central(radio);
    const found: string[] = [];
    const userScan = c.scan({ durationMs: 400 }, (ad) => found.push(ad.name));
    // The waiting headset's connect listens for 100 ms and does not hear it.
    const waiting = c.scan({ durationMs: 100, until: (ad) => ad.id === 'muse-off' }, () => undefined);
    await waiting;
    assert.equal(radio.scanning, true, 'the radio still scans for the user');
    radio.advertise('strap', 'Polar H10 5678');
    await userScan;
    assert.deepEqual(found, ['Polar H10 5678']);
    assert.deepEqual([radio.starts, radio.stops, radio.scanning], [1, 1, false]);
  });

  test('a service filter applies to its own scanner only', async () => {
    const radio = new ScanRadio();
    const c = central(radio);
    const all: string[] = [];
    const hr: string[] = [];
    const a = c.scan({ durationMs: 150 }, (ad) => all.push(ad.name));
    const b = c.scan({ durationMs: 150, serviceUuids: ['180d'] }, (ad) => hr.push(ad.name));
    await new Promise((r) => setTimeout(r, 20));
    radio.advertise('m', 'Muse-1234', ['fe8d']);
    radio.advertise('s', 'Wahoo TICKR', ['180d']);
    await Promise.all([a, b]);
    assert.deepEqual(all, ['Muse-1234', 'Wahoo TICKR']);
    assert.deepEqual(hr, ['Wahoo TICKR']);
  });
});

/** A peripheral whose connect and service discovery answer only when the test says; counts hang-ups. */
function slowPeripheral(id: string) {
  const p = {
    id,
    address: id,
    rssi: -60,
    state: 'disconnected',
    advertisement: { localName: 'Polar H10 0001', serviceUuids: [] },
    cancels: 0,
    disconnects: 0,
    answerConnect: () => undefined as void,
    answerDiscover: () => undefined as void,
    connectAsync() {
      p.state = 'connecting';
      return new Promise<void>((resolve) => (p.answerConnect = () => ((p.state = 'connected'), resolve())));
    },
    cancelConnect() {
      p.cancels++;
      p.state = 'disconnected';
    },
    discoverAllServicesAndCharacteristicsAsync() {
      return new Promise((resolve) => (p.answerDiscover = () => resolve({ services: [], characteristics: [] })));
    },
    once: () => undefined,
    async disconnectAsync() {
      p.disconnects++;
      p.state = 'disconnected';
    },
  };
  return p;
}

describe('NobleCentral: a cancelled connect ends in every phase and leaves nothing connected', () => {
  const cancelled = new Error('connect cancelled');

  test('while listening for a device not heard yet: the scan ends and the radio stops scanning', async () => {
    const radio = new ScanRadio();
    const abort = new AbortController();
    const t0 = Date.now();
    const connecting = central(radio).connect('gone', 10_000, abort.signal);
    setTimeout(() => abort.abort(cancelled), 50);
    await assert.rejects(connecting, (e) => e === cancelled, 'rejects with the reason');
    assert.ok(Date.now() - t0 < 5000, `ended after ${Date.now() - t0} ms, not the 8-s scan window`);
    assert.deepEqual([radio.starts, radio.stops, radio.scanning], [1, 1, false], 'radio scan started and stopped');
  });

  for (const phase of ['connect', 'discover'] as const)
    test(`while ${phase === 'connect' ? 'connecting' : 'discovering services'}: ${phase === 'connect' ? 'the connect is called off' : 'the link is closed'}`, async () => {
      const radio = new ScanRadio();
      const p = slowPeripheral('aa:01');
      const c = central(radio);
      const heard: string[] = [];
      const scan = c.scan({ durationMs: 30 }, (ad) => heard.push(ad.id));
      await new Promise((r) => setTimeout(r, 5));
      radio.emit('discover', p);
      await scan;
      assert.deepEqual(heard, ['aa:01'], 'seen in a scan first');
      const abort = new AbortController();
      const connecting = c.connect('aa:01', 10_000, abort.signal);
      if (phase === 'discover') {
        await new Promise((r) => setTimeout(r, 10));
        p.answerConnect();
      }
      await new Promise((r) => setTimeout(r, 10));
      abort.abort(cancelled);
      await assert.rejects(connecting, (e) => e === cancelled, 'rejects with the reason');
      assert.deepEqual([p.cancels, p.disconnects > 0, p.state], phase === 'connect' ? [1, false, 'disconnected'] : [0, true, 'disconnected'], 'hung up');
      // The radio answers late: nothing reopens.
      p.answerDiscover();
      await new Promise((r) => setTimeout(r, 10));
      assert.equal(p.state, 'disconnected', 'still disconnected');
    });
});
