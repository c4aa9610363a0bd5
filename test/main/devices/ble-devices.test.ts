// Polar H10, a plain heart-rate strap and a Muse, through the real drivers and byte protocols, with
// the radio replaced by in-memory peripherals (no Bluetooth here). Covers the start handshakes,
// values and device times, a refused start, keep-alive, a flaky electrode, and two devices at once
// where one drops and comes back while the other keeps streaming.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ManagedSource } from '../../../src/main/devices/device-source';
import { PolarDriver } from '../../../src/main/devices/drivers/polar-driver';
import { MuseDriver } from '../../../src/main/devices/drivers/muse-driver';
import { EmulatedCentral, EmulatedMuse, EmulatedPolarH10 } from '../../../src/main/devices/emulator/ble-emulator';
import { encodePmdStartEcg } from '../../../src/shared/devices/polar/polar-commands';
import { RecordingSink, systemClock, waitFor } from '../../fixtures/recording-sink';

const FAST = { initialDelayMs: 100, maxDelayMs: 300, stallTimeoutMs: 1500, startAttempts: 1 };
const hexOf = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ');

describe('BLE devices over emulated radios', () => {
  test('Polar H10: ECG start bytes, 130 Hz µV with contiguous ns-derived times, HR/RR, battery, stop on close', async () => {
    const ecgAt = (i: number) => (i % 1000) - 500;
    const strap = new EmulatedPolarH10('a0:9e:1a:12:34:56', { ecgAt, heartRateBpm: 75 });
    const central = new EmulatedCentral([strap]);
    const sink = new RecordingSink();
    const src = new ManagedSource(new PolarDriver({ id: strap.id, central: async () => central }), { hostClock: systemClock, policy: FAST });
    await src.start(sink);
    const ecg = `polar-h10:${strap.id}/ecg`;
    const hr = `polar-h10:${strap.id}/hr`;
    await waitFor('2 ECG frames and a heart rate', () => sink.samples(ecg) >= 146 && sink.samples(hr) >= 1, 4000);
    assert.equal(hexOf(strap.writes[0].bytes), hexOf(encodePmdStartEcg()));
    const info = sink.infos.get(ecg)!;
    assert.equal(info.nominalRateHz, 130);
    assert.equal(info.channels[0].rangeUv, 20000);
    // Values: the strap's samples in order (the first frame starts where its clock was).
    const v = sink.channel(ecg, 0);
    for (let k = 1; k < v.length; k++) assert.equal(((v[k] + 500 - (v[k - 1] + 500) + 1000) % 1000), 1, `sample ${k}`);
    const ck = sink.chunks.filter((c) => c.streamId === ecg);
    for (let k = 1; k < ck.length; k++) assert.ok(Math.abs(ck[k].deviceTime - ck[k - 1].deviceTime - 73 / 130) < 1e-6, 'frames are contiguous on the device clock');
    assert.ok(ck[0].deviceTime > 946684800 + 599616000 - 1, 'PMD ns since 2000 → Unix seconds');
    const h = sink.chunks.find((c) => c.streamId === hr)!;
    assert.equal(h.data[0], 75);
    assert.ok(Math.abs(h.data[1] - 800) < 1, 'RR 800 ms');
    assert.equal(src.status().batteryPercent, 87);
    assert.equal(src.status().rssiDbm, -60);
    await src.stop();
    assert.equal(hexOf(strap.writes.at(-1)!.bytes), '03 00', 'ECG stopped on close');
  });

  test('a strap in its charger refuses ECG: the status code is named', async () => {
    const strap = new EmulatedPolarH10('a0:9e:1a:00:00:01', { startStatus: 13 });
    const src = new ManagedSource(new PolarDriver({ id: strap.id, central: async () => new EmulatedCentral([strap]) }), { hostClock: systemClock, policy: FAST });
    await assert.rejects(src.start(new RecordingSink()), /ECG start refused: the strap is in its charger \(ERROR_DEVICE_IN_CHARGER = 13\)/);
    assert.equal(src.status().problem?.code, 'device-error');
    await src.stop();
    assert.equal(strap.connected, false, 'the link was released');
  });

  test('a plain heart-rate strap: HR and RR only', async () => {
    const strap = new EmulatedPolarH10('c4:11:22:33:44:55', { pmd: false, heartRateBpm: 64 });
    const sink = new RecordingSink();
    const src = new ManagedSource(new PolarDriver({ id: strap.id, ecg: false, central: async () => new EmulatedCentral([strap]) }), { hostClock: systemClock, policy: FAST });
    await src.start(sink);
    await waitFor('a heart rate', () => sink.samples() >= 1, 3000);
    assert.deepEqual([...sink.infos.keys()], [`hr-strap:${strap.id}/hr`]);
    assert.equal(src.status().model, 'hr-strap');
    assert.equal(sink.chunks[0].data[0], 64);
    await src.stop();
  });

  test('Muse: start sequence with the PPG preset, 4 × 256 Hz EEG, PPG, name and battery from replies, keep-alive', async () => {
    const eegAt = (ch: number, i: number) => ((ch * 97 + i) % 200) * 0.48828125;
    const muse = new EmulatedMuse('00:55:da:b0:13:24', { eegAt, battery: 77 });
    const sink = new RecordingSink();
    const src = new ManagedSource(new MuseDriver({ id: muse.id, central: async () => new EmulatedCentral([muse]), keepAliveMs: 100 }), { hostClock: systemClock, policy: FAST });
    await src.start(sink);
    const eeg = `muse:${muse.id}/eeg`;
    await waitFor('1 s of EEG', () => sink.samples(eeg) >= 256, 4000);
    assert.deepEqual(muse.commands.slice(0, 5), ['h', 'v1', 'p51', 's', 'd']);
    const info = sink.infos.get(eeg)!;
    assert.deepEqual(info.channels.map((c) => c.label), ['TP9', 'AF7', 'AF8', 'TP10']);
    assert.equal(info.nominalRateHz, 256);
    for (let ch = 0; ch < 4; ch++) {
      const v = sink.channel(eeg, ch);
      for (let i = 0; i < v.length; i += 7) assert.ok(Math.abs(v[i] - eegAt(ch, i)) < 1e-9, `ch ${ch} sample ${i}`);
    }
    assert.ok(sink.infos.has(`muse:${muse.id}/ppg`), `the Muse's ppg stream is announced (muse:${muse.id}/ppg)`);
    assert.equal(src.status().name, muse.name, 'renamed from the "hn" reply');
    assert.equal(src.status().settings?.firmware, '1.2.13');
    assert.equal(src.status().batteryPercent, 77);
    assert.ok(muse.keepAlives >= 2, `keep-alives sent: ${muse.keepAlives}`);
    const ck = sink.chunks.filter((c) => c.streamId === eeg);
    for (let k = 1; k < ck.length; k++) assert.ok(Math.abs(ck[k].deviceTime - ck[k - 1].deviceTime - 12 / 256) < 1e-9, `chunk ${k} starts 12 samples at 256 Hz after chunk ${k - 1}`);
    await src.stop();
    assert.equal(muse.commands.at(-1), 'h');
  });

  test('the model is what the driver found: a Muse is only "muse" until its name and services say 2, S or 2016; an "H10" without ECG is a heart-rate strap', async () => {
    const cases: [EmulatedMuse, string][] = [
      [new EmulatedMuse('00:55:da:b0:00:02'), 'muse-2'],
      [new EmulatedMuse('00:55:da:b0:00:05', { name: 'MuseS-0005' }), 'muse-s'],
      [new EmulatedMuse('00:55:da:b0:00:16', { ppg: false }), 'muse-2016'],
    ];
    for (const [muse, model] of cases) {
      const sink = new RecordingSink();
      const src = new ManagedSource(new MuseDriver({ id: muse.id, central: async () => new EmulatedCentral([muse]) }), { hostClock: systemClock, policy: FAST });
      assert.equal(src.status().model, 'muse', 'not a guessed variant before connecting');
      await src.start(sink);
      assert.equal(src.status().model, model, muse.name);
      assert.equal(sink.infos.get(`muse:${muse.id}/eeg`)?.deviceModel, model, `${muse.name}: the EEG stream's device model`);
      assert.equal(sink.statuses.at(-1)?.model, model, 'the pushed status carries it');
      await src.stop();
      assert.equal(src.status().model, model, 'kept once disconnected');
    }
    // Scanned as an H10 (by its name), but it offers heart rate only.
    const strap = new EmulatedPolarH10('c4:11:22:33:44:66', { pmd: false });
    const src = new ManagedSource(new PolarDriver({ id: strap.id, central: async () => new EmulatedCentral([strap]) }), { hostClock: systemClock, policy: FAST });
    assert.equal(src.status().model, 'polar-h10');
    await src.start(new RecordingSink());
    assert.equal(src.status().model, 'hr-strap');
    await src.stop();
  });

  test('Muse: a name it was given (the scan\'s, the profile\'s, the user\'s) is kept when the headset reports its own', async () => {
    const muse = new EmulatedMuse('00:55:da:b0:13:77', { battery: 66 });
    const src = new ManagedSource(new MuseDriver({ id: muse.id, name: 'Lab Muse', central: async () => new EmulatedCentral([muse]) }), { hostClock: systemClock, policy: FAST });
    await src.start(new RecordingSink());
    await waitFor('the status reply', () => src.status().batteryPercent === 66, 3000);
    assert.equal(src.status().name, 'Lab Muse', 'not replaced by the "hn" reply');
    await src.stop();
  });

  test('Muse: an electrode that loses a packet costs that instant on all channels, marked as a gap', async () => {
    const muse = new EmulatedMuse('00:55:da:b0:99:99', { loseElectrodePacket: (ch, seq) => ch === 2 && seq === 5 });
    const sink = new RecordingSink();
    const src = new ManagedSource(new MuseDriver({ id: muse.id, central: async () => new EmulatedCentral([muse]) }), { hostClock: systemClock, policy: FAST });
    await src.start(sink);
    await waitFor('EEG past sequence 20', () => sink.samples(`muse:${muse.id}/eeg`) >= 12 * 20, 4000);
    const g = sink.gaps.filter((x) => x.reason === 'packet-loss');
    assert.equal(g.length, 1);
    assert.equal(g[0].missingSamples, 12);
    assert.ok(sink.statuses.some((s) => s.problem?.code === 'packet-loss'), 'a packet-loss problem is reported');
    await src.stop();
  });

  test('headset and strap at once on one clock: the strap drops and comes back, the headset never stops', async () => {
    const strap = new EmulatedPolarH10('a0:9e:1a:77:77:77');
    const muse = new EmulatedMuse('00:55:da:b0:55:55');
    const central = new EmulatedCentral([strap, muse]);
    const sink = new RecordingSink();
    const polar = new ManagedSource(new PolarDriver({ id: strap.id, central: async () => central }), { hostClock: systemClock, policy: FAST });
    const head = new ManagedSource(new MuseDriver({ id: muse.id, central: async () => central }), { hostClock: systemClock, policy: FAST });
    await Promise.all([polar.start(sink), head.start(sink)]);
    const ecg = `polar-h10:${strap.id}/ecg`;
    const eeg = `muse:${muse.id}/eeg`;
    await waitFor('both streaming', () => sink.samples(ecg) > 100 && sink.samples(eeg) > 200, 4000);

    strap.drop();
    await waitFor('strap reconnecting', () => polar.status().state === 'reconnecting', 2000);
    const eegAtDrop = sink.samples(eeg);
    const ecgAtDrop = sink.samples(ecg);
    await new Promise((r) => setTimeout(r, 700));
    assert.ok(sink.samples(eeg) - eegAtDrop > 120, 'the headset kept streaming');
    assert.equal(sink.samples(ecg), ecgAtDrop, 'nothing from the strap while it is away');
    assert.equal(head.status().state, 'streaming');

    strap.comeBack();
    await waitFor('strap resumed', () => sink.samples(ecg) > ecgAtDrop + 73, 5000);
    assert.equal(polar.status().state, 'streaming');
    const gaps = sink.gaps.filter((g) => g.reason === 'device-dropped');
    assert.ok(gaps.some((g) => g.streamId === ecg), 'the drop is marked on the ECG stream');
    assert.ok(gaps.every((g) => g.streamId.startsWith(`polar-h10:${strap.id}/`)), 'and only on the strap');
    const eg = gaps.find((g) => g.streamId === ecg)!;
    assert.ok(eg.endTime - eg.startTime > 0.6, `gap ${(eg.endTime - eg.startTime).toFixed(2)} s`);
    assert.equal(sink.gaps.filter((g) => g.streamId === eeg).length, 0, 'no gap on the headset');
    // The strap's clock kept running while away: the first frame after the gap lies later on the
    // device clock by about the time it was gone (never spliced onto the frame before the drop).
    const ck = sink.chunks.filter((c) => c.streamId === ecg);
    const i = ck.findIndex((c) => c.hostTime > eg.endTime - 0.01);
    const before = ck[i - 1];
    const jump = ck[i].deviceTime - (before.deviceTime + before.count / 130);
    assert.ok(jump > 0.4, `device clock jumped ${jump.toFixed(2)} s`);
    await Promise.all([polar.stop(), head.stop()]);
  });
});
