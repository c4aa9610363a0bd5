import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { QualityReport } from '../../../../src/shared/features.types';
import { absentText, clockLineText, deviceCardAction, clockOffsetText, deviceModelText, heartHelpText, heartHintText, heartWithheldText, modalityCellText, presenceStripTitle, qualityTileLabel, qualityTileText, staleText, streamDeviceName, traceInfoText, traceScaleText, windowArrivalText, windowStartText } from '../../../../src/renderer/src/views/dashboard/dashboard-text';
import { unusableText } from '../../../../src/shared/model/window-input';
import type { ChannelQuality, QualityFlag } from '../../../../src/shared/window.types';
import { ECG_PRESETS } from '../../../../src/main/sources/sim-ecg';
import { EEG_PRESETS } from '../../../../src/main/sources/sim-eeg';
import { museModelFromName } from '../../../../src/main/devices/drivers/muse-driver';
import { ABSENT_REASON_TEXT } from '../../../../src/shared/model/window-input';
import type { AbsentReason } from '../../../../src/shared/window.types';
import type { DeviceStatus } from '../../../../src/shared/device.types';
import type { StreamInfo } from '../../../../src/shared/stream.types';
import type { LiveStore } from '../../../../src/renderer/src/live/live-store';
import { offlineText } from '../../../../src/renderer/src/live/offline';
import type { ClockEstimate } from '../../../../src/shared/pipeline';

describe('live dashboard text', () => {
  test('heart figures are withheld, with the reason, while the R-peak lead shows no QRS, is flat or railed', () => {
    const ch = (label: string, flags: QualityFlag[] = []): ChannelQuality => ({ label, score: flags.length ? 0 : 1, flags, rmsUv: 100, lineNoiseRatio: 0 });
    const report = (...channels: ChannelQuality[]) => ({ streamId: 's/ecg', time: 1, channels });
    assert.equal(heartWithheldText(report(ch('ECG', ['no-qrs']))), 'ECG shows no QRS (noise: a dead or loose electrode?): no heart figures from it');
    assert.equal(heartWithheldText(report(ch('ECG', ['flat']))), 'ECG is a flat line: no heart figures from it');
    assert.equal(heartWithheldText(report(ch('ECG', ['railed']))), 'ECG is railed: no heart figures from it');
    // Only the lead the R peaks are found on counts (lead II of a 3-lead set, as the pipeline picks it).
    assert.equal(heartWithheldText(report(ch('I', ['no-qrs']), ch('II'), ch('III', ['flat']))), null);
    assert.equal(heartWithheldText(report(ch('I'), ch('II', ['no-qrs']), ch('III'))), 'II shows no QRS (noise: a dead or loose electrode?): no heart figures from it');
    // Line noise or an artefact leaves the QRS to be found: the figures stay.
    assert.equal(heartWithheldText(report(ch('ECG', ['line-noise', 'implausible']))), null);
    assert.equal(heartWithheldText(report(ch('ECG'))), null);
    assert.equal(heartWithheldText(undefined), null, 'no report yet');
  });

  test('windows table: an absent modality says why in words, not as a code', () => {
    const absent = (absentReason?: AbsentReason) => ({ present: false, absentReason, channels: 0, quality: NaN, badChannels: [] });
    assert.equal(modalityCellText(absent('no-device')), '✕ no device connected');
    assert.equal(modalityCellText(absent('gap')), '✕ a gap in its stream');
    for (const reason of Object.keys(ABSENT_REASON_TEXT) as AbsentReason[]) {
      assert.equal(modalityCellText(absent(reason)), `✕ ${ABSENT_REASON_TEXT[reason]}`, `${reason} is said in words`);
    }
    assert.equal(modalityCellText(absent()), '✕ absent');
    // The mean score in words: 'q 93%' was a letter to guess.
    assert.equal(modalityCellText({ present: true, channels: 4, quality: 0.934, badChannels: [] }), '✓ 4\u00a0ch · quality\u00a093\u00a0%', 'no-break spaces: wrapped only after the ·');
  });

  test("windows table: a window's start to the second under a whole-second hop (its ms are always .000), to the ms under a fractional one", () => {
    const t = new Date(2026, 10, 27, 14, 3, 7).getTime() / 1000;
    assert.equal(windowStartText(t, 1), '14:03:07');
    assert.equal(windowStartText(t + 1e-9, 2), '14:03:07', 'a host time a float step off the grid');
    assert.equal(windowStartText(t + 0.5, 0.5), '14:03:07.500');
    assert.equal(windowStartText(t, undefined), '14:03:07.000', 'the windowing not known yet');
  });

  test("windows table: a modality withheld for its quality names the flags that make its channels unusable, not only 'signal quality too poor'", () => {
    const ch = (label: string, ...flags: QualityFlag[]) => ({ label, flags });
    const eeg19 = Array.from({ length: 19 }, (_, i) => ch(`E${i}`, 'flat'));
    assert.equal(unusableText(eeg19), 'every channel flat');
    assert.equal(unusableText([ch('ECG', 'no-qrs')]), 'ECG shows no QRS', 'one lead: named');
    assert.equal(unusableText([ch('Fp1', 'flat', 'missing')]), 'Fp1 is a flat line', 'flat is the cause, not the samples a packet loss took');
    assert.equal(unusableText([ch('I', 'railed', 'line-noise'), ch('II', 'railed')]), 'every channel railed');
    assert.equal(unusableText([...eeg19.slice(2), ch('O1', 'railed'), ch('O2', 'railed')]), 'every channel unusable: 17 flat, 2 railed', 'mixed: the most first');
    assert.equal(unusableText([ch('A', 'missing'), ch('B', 'no-qrs')]), 'every channel unusable: 1 no QRS, 1 no samples');
    assert.equal(unusableText([ch('A', 'flat'), ch('B', 'line-noise')]), null, 'a channel with no cause of a zero score: not guessed at');
    assert.equal(unusableText([]), null);
    // In the cell and the withheld-windows note; the generic words when the flags are not known.
    const bad = { present: false, absentReason: 'bad-quality' as const, channels: 1, quality: NaN, badChannels: ['ECG'] };
    assert.equal(modalityCellText({ ...bad, channelFlags: [ch('ECG', 'no-qrs')] }), '✕ ECG shows no QRS');
    assert.equal(modalityCellText(bad), '✕ signal quality too poor on every channel');
    assert.equal(absentText({ absentReason: 'gap', channelFlags: [ch('ECG', 'flat')] }), 'a gap in its stream', 'flags name only a quality reason');
  });

  test('Heart rate tile: its figures are over normal RR intervals, and it says how many of the span were left out', () => {
    assert.equal(heartHintText({ rrMs: [800, 810, 790], rrLeftOut: 0 }), '3 normal RR intervals');
    assert.equal(heartHintText({ rrMs: [800], rrLeftOut: 0 }), '1 normal RR interval');
    assert.equal(heartHintText({ rrMs: [800, 810, 790], rrLeftOut: 2 }), '3 normal RR intervals, 2 left out');
    const help = heartHelpText({ rrMs: [800, 810, 790], rrLeftOut: 2 }, 60);
    assert.match(help, /^Heart rate over the last 8 normal RR intervals, RMSSD over successive normal pairs: 3 normal RR intervals, 2 left out in the last 60 s\. /, help);
    assert.match(help, /outside 250–2500 ms or more than 20 % off the median of its neighbours\.$/, help);
  });

  test('stale figures: a stalled or stopped device is named, a streaming one is current', () => {
    const stream = { id: 'strap/ecg', deviceId: 'strap', deviceName: 'Strap', deviceModel: 'sim-polar-h10', modality: 'ecg', nominalRateHz: 130, channels: [] } as StreamInfo;
    const at = (status: Partial<DeviceStatus>, connection: Pick<LiveStore, 'connection' | 'lostAt'> = { connection: 'open', lostAt: null }) => ({
      streams: new Map([[stream.id, stream]]),
      devices: new Map([['strap', { deviceId: 'strap', name: 'Simulated chest strap', model: 'sim-polar-h10', transport: 'sim', state: 'streaming', ...status } as DeviceStatus]]),
      ...connection,
    });
    assert.equal(staleText(at({}), stream.id), null);
    assert.equal(staleText(at({ problem: { code: 'stalled', message: 'no data for 2 s', time: 0 } }), stream.id), 'last figure: no data from Simulated chest strap');
    assert.equal(staleText(at({ state: 'reconnecting' }), stream.id), 'last figure: Simulated chest strap is reconnecting');
    assert.equal(staleText(at({}), 'gone/eeg'), null, 'a stream not (or no longer) listed');
    assert.equal(staleText(at({}), undefined), null);
    // The core out of reach: whatever the device last said, every figure is the last the core sent.
    const lostAt = new Date(2026, 10, 26, 17, 23, 55).getTime() / 1000;
    assert.equal(staleText(at({}, { connection: 'connecting', lostAt }), stream.id), 'last figure: no contact with the core since 17:23:55');
    assert.equal(staleText(at({ state: 'reconnecting' }, { connection: 'closed', lostAt }), stream.id), 'last figure: no contact with the core since 17:23:55');
    // Before the first connection the page holds no figures: nothing is called stale.
    assert.equal(staleText(at({}, { connection: 'connecting', lostAt: null }), stream.id), null);
  });

  test('offline: said only after a connection was lost, with the time, and gone once connected again', () => {
    const lostAt = new Date(2026, 10, 26, 9, 5, 7).getTime() / 1000;
    assert.equal(offlineText({ connection: 'connecting', lostAt: null }), null, 'first connection: nothing was lost');
    assert.equal(offlineText({ connection: 'connecting', lostAt }), 'no contact with the core since 09:05:07');
    assert.equal(offlineText({ connection: 'closed', lostAt }), 'no contact with the core since 09:05:07');
    assert.equal(offlineText({ connection: 'open', lostAt: null }), null);
  });

  test('trace subtitle: the device rate and the rate shown, with the filters the trace has been through', () => {
    const settings = { mainsHz: 50 as const, notch: true, eegBandHz: [0.3, 75] as [number, number], ecgBandHz: [0.5, 40] as [number, number] };
    const cap = { deviceName: 'Simulated headset', nominalRateHz: 500, modality: 'eeg' as const };
    assert.equal(traceInfoText(cap, 19, 200, settings), 'Simulated headset · 19 ch · 500 Hz → 200 Hz · 0.3–75 Hz, notch 50 Hz');
    const strap = { deviceName: 'Polar H10', nominalRateHz: 130, modality: 'ecg' as const };
    assert.equal(traceInfoText(strap, 1, 200, { ...settings, notch: false, mainsHz: 60 }), 'Polar H10 · 1 ch · 130 Hz → 200 Hz · 0.5–40 Hz');
    // A device already at the model rate; no high-pass (DC-coupled); a 60 Hz notch.
    assert.equal(traceInfoText({ ...cap, nominalRateHz: 200 }, 4, 200, { ...settings, eegBandHz: [0, 45], mainsHz: 60 }), 'Simulated headset · 4 ch · 200 Hz · low-pass 45 Hz, notch 60 Hz');
    // A fractional rate is written as the device states it; before the settings arrive, no filters are claimed.
    assert.equal(traceInfoText({ ...cap, nominalRateHz: 256.0001 }, 4, 200, null), 'Simulated headset · 4 ch · 256 Hz → 200 Hz');
  });

  test("device card subtitle: a BrainFlow board is named, not 'brainflow:-3 · brainflow'", () => {
    assert.equal(deviceModelText({ model: 'brainflow:-3', transport: 'brainflow' }), 'Playback file · BrainFlow');
    assert.equal(deviceModelText({ model: 'brainflow:-1', transport: 'brainflow' }), 'Synthetic board · BrainFlow');
    assert.equal(deviceModelText({ model: 'brainflow:2', transport: 'brainflow' }), 'OpenBCI Cyton + Daisy · BrainFlow');
    assert.equal(deviceModelText({ model: 'brainflow:9999', transport: 'brainflow' }), 'board 9999 · BrainFlow');
  });

  test("device card subtitle: every model and transport in words ('OpenBCI Cyton · serial port', not 'cyton · serial')", () => {
    assert.equal(deviceModelText({ model: 'sim-cap-19', transport: 'sim' }), '10-20 cap, 19 channels · simulated');
    assert.equal(deviceModelText({ model: 'sim-polar-h10', transport: 'sim' }), 'Polar H10-like, 1 lead · simulated');
    assert.equal(deviceModelText({ model: 'polar-h10', transport: 'ble' }), 'Polar H10 chest strap · Bluetooth');
    assert.equal(deviceModelText({ model: 'hr-strap', transport: 'ble' }), 'Heart-rate strap · Bluetooth');
    assert.equal(deviceModelText({ model: 'muse-2', transport: 'ble' }), 'Muse 2 · Bluetooth');
    assert.equal(deviceModelText({ model: 'muse-s', transport: 'ble' }), 'Muse S · Bluetooth');
    assert.equal(deviceModelText({ model: 'cyton', transport: 'serial' }), 'OpenBCI Cyton · serial port');
    assert.equal(deviceModelText({ model: 'cyton-daisy', transport: 'serial' }), 'OpenBCI Cyton + Daisy · serial port');
    assert.equal(deviceModelText({ model: 'serial-text', transport: 'serial' }), 'Text-mode serial device · serial port');
    assert.equal(deviceModelText({ model: 'replay', transport: 'replay' }), 'Recorded session · replay');
  });

  test('device card subtitle: a model or transport it does not know is shown as it is', () => {
    assert.equal(deviceModelText({ model: 'acme-9000', transport: 'ble' }), 'acme-9000 · Bluetooth');
    assert.equal(deviceModelText({ model: 'toString', transport: 'usb' as DeviceStatus['transport'] }), 'toString · usb');
  });

  test('device card subtitle: names every model the simulator presets and the drivers set', () => {
    const models = [
      ...Object.values(EEG_PRESETS).map((p) => p.model),
      ...Object.values(ECG_PRESETS).map((p) => p.model),
      museModelFromName('MuseS-1234', true),
      museModelFromName('Muse-1234', true),
      museModelFromName('Muse-1234', false),
    ];
    for (const model of models) {
      const text = deviceModelText({ model, transport: 'sim' });
      assert.ok(!text.startsWith(`${model} ·`), `${model} has no name: '${text}'`);
    }
  });

  test('windows panel: how late the newest window came; a replay (windows at their recorded times) says so instead of the recording\'s age', () => {
    const stream = { id: 'd/eeg', deviceId: 'd', deviceName: 'D', deviceModel: 'x', modality: 'eeg', nominalRateHz: 500, channels: [] } as StreamInfo;
    const win = (startTime: number, receivedAt: number) => ({ seq: 1, startTime, lengthS: 5, eeg: {} as never, ecg: {} as never, receivedAt });
    const at = (transport: DeviceStatus['transport'], windows: ReturnType<typeof win>[], state: DeviceStatus['state'] = 'streaming') => ({
      streams: new Map([[stream.id, stream]]),
      devices: new Map([['d', { deviceId: 'd', name: 'D', model: 'x', transport, state } as DeviceStatus]]),
      windows,
      quality: new Map(),
      windowing: { lengthS: 5, hopS: 1, rateHz: 200 },
    });
    const now = 1_790_000_000;
    assert.equal(windowArrivalText(at('sim', [win(now - 5.1, now * 1000)])), ' · arrived 100 ms after its end');
    assert.equal(windowArrivalText(at('sim', [])), '');
    // EEGMAT was recorded in 2011: its replayed windows end ~16 years before they reach the page.
    assert.equal(windowArrivalText(at('replay', [win(1_293_840_036, now * 1000)])), ' · replayed: windows keep their recorded times');
    // Paused, or at its end, as well (it said 'arrived 496159959000 ms after its end' then).
    for (const state of ['idle', 'stopped'] as const) assert.equal(windowArrivalText(at('replay', [win(1_293_840_036, now * 1000)], state)), ' · replayed: windows keep their recorded times', state);
    assert.equal(windowArrivalText({ ...at('sim', []), streams: new Map(), windows: [win(now - 5.1, now * 1000)] }), ' · no device streaming: no new windows');
  });

  test('windows panel: windows withheld because neither modality can feed one says why, once the quality reports run past the last window by more than a hop', () => {
    const eeg = { id: 'h/eeg', deviceId: 'h', deviceName: 'H', deviceModel: 'x', modality: 'eeg', nominalRateHz: 100, channels: [] } as unknown as StreamInfo;
    const ecg = { ...eeg, id: 's/ecg', deviceId: 's', modality: 'ecg' } as StreamInfo;
    const report = (streamId: string, time: number, scores: number[], flag: QualityFlag = 'flat'): QualityReport => ({ streamId, time, channels: scores.map((score, i) => ({ label: `c${i}`, score, flags: score ? [] : [flag], rmsUv: 0, lineNoiseRatio: 0 })) });
    const win = (startTime: number) => ({ seq: 1, startTime, lengthS: 5, eeg: {} as never, ecg: {} as never, receivedAt: (startTime + 5.1) * 1000 });
    const state = (streams: StreamInfo[], reports: QualityReport[], windows: ReturnType<typeof win>[]) => ({
      streams: new Map(streams.map((s) => [s.id, s])),
      devices: new Map(),
      windows,
      quality: new Map(reports.map((r) => [r.streamId, r])),
      windowing: { lengthS: 5, hopS: 1, rateHz: 200 },
    });
    const flatEeg = ' · no windows: neither modality can feed one (EEG: every channel flat; ECG: no device connected)';
    // An imported file of flat channels, replayed: reports, never a window.
    assert.equal(windowArrivalText(state([eeg], [report(eeg.id, 20, [0, 0])], [])), flatEeg);
    // Windows stopped when the headset's channels went flat (reports 3 s past the last window).
    assert.equal(windowArrivalText(state([eeg], [report(eeg.id, 23, [0, 0])], [win(15)])), flatEeg);
    // Both modalities there, every channel of both unusable.
    assert.equal(
      windowArrivalText(state([eeg, ecg], [report(eeg.id, 23, [0, 0]), report(ecg.id, 23, [0], 'no-qrs')], [win(15)])),
      ' · no windows: neither modality can feed one (EEG: every channel flat; ECG: c0 shows no QRS)',
    );
    // A strap's one lead labelled 'ECG' (the simulated strap's, an H10's) is named once: it read 'ECG: ECG shows no QRS'.
    const strap = (r: QualityReport): QualityReport => ({ ...r, channels: r.channels.map((c) => ({ ...c, label: 'ECG' })) });
    assert.equal(
      windowArrivalText(state([eeg, ecg], [report(eeg.id, 23, [0, 0]), strap(report(ecg.id, 23, [0], 'no-qrs'))], [win(15)])),
      ' · no windows: neither modality can feed one (EEG: every channel flat; ECG shows no QRS)',
    );
    // The newest report is that of the newest window, or the next one in transit: nothing withheld.
    assert.equal(windowArrivalText(state([eeg], [report(eeg.id, 21, [0, 0])], [win(15)])), ' · arrived 100 ms after its end');
    // Withheld for a reason these reports do not tell (a channel still usable: a gap, filters settling): not said.
    assert.equal(windowArrivalText(state([eeg], [report(eeg.id, 23, [0, 0.4])], [win(15)])), ' · arrived 100 ms after its end');
    assert.equal(windowArrivalText(state([eeg, ecg], [report(eeg.id, 23, [0, 0])], [win(15)])), ' · arrived 100 ms after its end', 'the ECG stream sent no report: its reason is not known');
  });

  describe('device card clock line', () => {
    const est = (o: Partial<ClockEstimate>): { clock: ClockEstimate } => ({
      clock: { offsetSec: 0.0123, driftPpm: 0, driftEstimated: true, observations: 500, resets: 0, medianDelayMs: 5, jitterMs: 8.74, fitMs: 0.24, driftSdPpm: 0.65, ...o },
    });

    test('converged: offset, drift in the device\'s terms (the model is positive for a slow clock) ± its error, fit, jitter', () => {
      assert.equal(clockLineText('eeg', est({ driftPpm: -29.77 })), 'EEG clock: offset +12.3 ms · runs 29.8 ± 0.7 ppm fast · fit 0.2 ms · jitter 8.7 ms');
      assert.equal(clockLineText('ecg', est({ driftPpm: 29.91, driftSdPpm: 2.6 })), 'ECG clock: offset +12.3 ms · runs 29.9 ± 2.6 ppm slow · fit 0.2 ms · jitter 8.7 ms');
      // Loosely known (15 s in): whole ppm, so '11 ± 34' does not pretend to a tenth.
      assert.equal(clockLineText('eeg', est({ driftPpm: -11.08, driftSdPpm: 34.2 })), 'EEG clock: offset +12.3 ms · runs 11 ± 34 ppm fast · fit 0.2 ms · jitter 8.7 ms');
      // A device counting samples 2 % slow / 9 % fast of its nominal rate (host/device − 1 = +20408 / −82569 ppm): said in %.
      assert.equal(clockLineText('eeg', est({ driftPpm: 20408.2, driftSdPpm: 3.1 })), 'EEG clock: offset +12.3 ms · runs 2.00 % slow · fit 0.2 ms · jitter 8.7 ms');
      assert.equal(clockLineText('eeg', est({ driftPpm: -82568.8, driftSdPpm: 210 })), 'EEG clock: offset +12.3 ms · runs 9.00 ± 0.02 % fast · fit 0.2 ms · jitter 8.7 ms');
    });

    test('honest before convergence: no estimate yet, then the offset alone while the drift is still the prior', () => {
      assert.equal(clockLineText('eeg', est({ observations: 0, offsetSec: NaN })), 'EEG clock: estimating…');
      assert.equal(clockLineText('ecg', est({ driftEstimated: false, observations: 9, driftSdPpm: NaN })), 'ECG clock: estimating drift… (offset +12.3 ms so far, 9 packets)');
      assert.equal(clockLineText('eeg', est({ resets: 2, driftPpm: 1 })), 'EEG clock: offset +12.3 ms · runs 1.0 ± 0.7 ppm slow · fit 0.2 ms · jitter 8.7 ms · re-anchored 2 times');
      // Too few residuals for a spread or a closed bucket: left out, not shown as NaN.
      assert.equal(clockLineText('eeg', est({ jitterMs: NaN, fitMs: NaN, driftPpm: 0.02 })), 'EEG clock: offset +12.3 ms · runs at the host rate (± 0.7 ppm)');
    });

    test('offset: ms under a second, s to the ms under a day; a device counting from its own start or epoch: the host time of its device time 0', () => {
      assert.equal(clockOffsetText(-0.00049), '−0.5 ms', 'ms');
      assert.equal(clockOffsetText(0.9994), '+999.4 ms', 'ms');
      assert.equal(clockOffsetText(-3.2), '−3.200 s', 'a clock seconds off');
      // A Cyton's counter began at this host time (local time; the date only when not within a day of now).
      const began = new Date(2026, 10, 27, 14, 3, 7, 412).getTime() / 1000;
      assert.equal(clockOffsetText(began, began + 3600), 'device time 0 at 14:03:07.412', 'a counter begun an hour ago: its start, to the ms');
      assert.equal(clockOffsetText(began + 0.0123, began + 3600), 'device time 0 at 14:03:07.424', 'the moving ms are the last digits, not of 13');
      assert.equal(clockOffsetText(began, began + 3 * 86_400), 'device time 0 at 2026-11-27 14:03:07.412', 'days ago: with the date');
      const line = clockLineText('eeg', { clock: { offsetSec: began, driftPpm: -29.77, driftSdPpm: 0.7, driftEstimated: true, observations: 500, resets: 0, medianDelayMs: 4, jitterMs: 8.7, fitMs: 0.2 } });
      assert.match(line, /^EEG clock: device time 0 at (\d{4}-\d\d-\d\d )?14:03:07\.412 · runs 29\.8 ± 0\.7 ppm fast · fit 0\.2 ms · jitter 8\.7 ms$/, `no 'offset +1764…' on the line: ${line}`);
    });

    test("a clock counting from 2000-01-01 (Polar's PMD epoch: a session the simulated strap recorded before it kept the Unix epoch): that epoch said, and the clock's own offset from it", () => {
      // Its device time 0 fell on 1999-12-31 23:59:58.320 UTC: 'device time 0 at 1999-12-31 …' looked like a bug.
      const polar = 946_684_800 - 1.68;
      assert.equal(clockLineText('ecg', est({ offsetSec: polar, driftPpm: 0.02 })), 'ECG clock: counts from 2000-01-01 UTC (Polar’s epoch) · offset −1.680 s · runs at the host rate (± 0.7 ppm) · fit 0.2 ms · jitter 8.7 ms');
      assert.equal(clockLineText('ecg', est({ offsetSec: 946_684_800 + 0.0123, driftEstimated: false, observations: 3 })), 'ECG clock: counts from 2000-01-01 UTC (Polar’s epoch) · estimating drift… (offset +12.3 ms so far, 3 packets)');
      // Over a day from it: not that epoch, the host time of device time 0 as before.
      assert.match(clockLineText('ecg', est({ offsetSec: 946_684_800 - 2 * 86_400 })), /^ECG clock: device time 0 at 1999-12-\d\d /);
    });
  });
});

describe('trace amplitude scale', () => {
  test("a row's half-height in µV: one figure when all rows agree, else the range; over each channel's gain", () => {
    assert.equal(traceScaleText([50, 50, 50], [1, 1, 1]), '±50 µV');
    assert.equal(traceScaleText([20, 50, 50], [1, 1, 1]), '±20–50 µV');
    // A channel at gain ×2 draws twice as large: its row spans half the µV.
    assert.equal(traceScaleText([50, 50], [2, 1]), '±25–50 µV');
    assert.equal(traceScaleText([50], [8]), '±6.3 µV');
    assert.equal(traceScaleText([1000], [0.25]), '±4000 µV');
    // Before the first measurement (no channel, or a scale not known yet): nothing to say.
    assert.equal(traceScaleText([], []), '');
    assert.equal(traceScaleText([NaN], [1]), '');
  });
});

describe('Signal quality tile', () => {
  test('the Signal quality tile shows the lowest device, so a dead ECG lead is not averaged away by 19 EEG channels', () => {
    const ch = (label: string, score: number, flags: QualityFlag[] = []): ChannelQuality => ({ label, score, flags, rmsUv: 10, lineNoiseRatio: 0 });
    const eeg = { label: 'EEG', report: { channels: Array.from({ length: 19 }, (_, i) => ch(`E${i}`, 1)) } };
    const flatEcg = { label: 'ECG', report: { channels: [ch('ECG', 0, ['flat'])] } };
    const t = qualityTileText([eeg, flatEcg]);
    // The mean over all 20 channels was 95 %.
    assert.equal(t.value, 0, 'the flat chest strap sets the figure');
    assert.equal(t.hint, 'EEG 100 · ECG 0');
    assert.match(t.help, /The lowest device’s mean channel score/);
    assert.match(t.help, /EEG 100 % over 19 channels, ECG 0 % over 1 channel\./);
    assert.match(t.help, /Flagged: ECG flat line\.$/);
    // One device: its mean, and its flagged channels by name (with the device when the labels differ).
    const one = qualityTileText([{ label: 'EEG', report: { channels: [ch('Fp1', 0.2, ['railed', 'implausible']), ch('Fp2', 1), ch('Cz', 0.9)] } }]);
    assert.equal(Math.round(one.value), 70);
    assert.equal(one.hint, 'mean of 3 channels');
    assert.match(one.help, /^The mean channel score/);
    assert.match(one.help, /Flagged: EEG Fp1 railed, implausible amplitude\.$/);
    // Nothing yet (or only empty reports): no figure.
    assert.ok(Number.isNaN(qualityTileText([]).value), 'no report, no figure');
    assert.equal(qualityTileText([]).hint, 'waiting for the first second');
    assert.equal(qualityTileText([], false).hint, 'no device streaming');
    assert.ok(Number.isNaN(qualityTileText([{ label: 'EEG', report: { channels: [] } }]).value), 'an empty report, no figure');
    // Many flagged channels: six named, the rest counted.
    const many = qualityTileText([{ label: 'EEG', report: { channels: Array.from({ length: 9 }, (_, i) => ch(`E${i}`, 0, ['flat'])) } }]);
    assert.match(many.help, /E5 flat line; 3 more\.$/);
  });

  test('the Signal quality tile calls a stream by modality, or by its device when two share one', () => {
    const info = (modality: StreamInfo['modality'], deviceId: string, deviceName: string) => ({ modality, deviceId, deviceName });
    const streams = new Map([
      ['a/eeg', info('eeg', 'a', 'Muse S')],
      ['b/ecg', info('ecg', 'b', 'Polar H10')],
    ]);
    const live = { streams, devices: new Map<string, { name: string }>() };
    assert.equal(qualityTileLabel(live, 'a/eeg'), 'EEG');
    assert.equal(qualityTileLabel(live, 'b/ecg'), 'ECG');
    streams.set('c/eeg', info('eeg', 'c', 'Serial device (/dev/ttyUSB0)'));
    assert.equal(qualityTileLabel(live, 'a/eeg'), 'Muse S');
    assert.equal(qualityTileLabel(live, 'c/eeg'), 'Serial device (/dev/ttyUSB0)');
    // Renamed since its stream was announced: the device's name now.
    live.devices.set('c', { name: 'Lab Cyton' });
    assert.equal(qualityTileLabel(live, 'c/eeg'), 'Lab Cyton');
    assert.equal(qualityTileLabel(live, 'gone/eeg'), 'gone/eeg');
  });

  test("a stream's device is called by its name now, not the one its stream was announced with", () => {
    const stream = { deviceId: 'serial-text:/dev/ttyACM0', deviceName: 'Serial device (/dev/ttyACM0)' };
    assert.equal(streamDeviceName(new Map([['serial-text:/dev/ttyACM0', { name: 'Arduino ECG' }]]), stream), 'Arduino ECG');
    // Its status not (yet) known: the stream's own.
    assert.equal(streamDeviceName(new Map(), stream), 'Serial device (/dev/ttyACM0)');
  });
});

describe('Live device card button', () => {
  test('a device whose connect gave up can be dismissed; running ones stop, the demo ones start, a replay has none', () => {
    const st = (state: DeviceStatus['state'], transport: DeviceStatus['transport'] = 'serial') => ({ state, transport });
    // A paired (or mistyped) device in error: before, no button, and the card stayed until HeartMind closed.
    assert.equal(deviceCardAction(st('error'), false, false), 'dismiss');
    assert.equal(deviceCardAction(st('error', 'ble'), false, true), 'dismiss');
    for (const s of ['streaming', 'connecting', 'reconnecting'] as const) assert.equal(deviceCardAction(st(s), false, false), 'stop', s);
    assert.equal(deviceCardAction(st('streaming', 'sim'), true, false), 'stop');
    // The core's own (demo) devices start again, except while a session replays.
    assert.equal(deviceCardAction(st('stopped', 'sim'), true, false), 'start');
    assert.equal(deviceCardAction(st('error', 'sim'), true, false), 'start');
    assert.equal(deviceCardAction(st('stopped', 'sim'), true, true), null);
    // A replay is closed in Sessions; an idle paired device has nothing to do here.
    assert.equal(deviceCardAction(st('streaming', 'replay'), false, true), null);
    assert.equal(deviceCardAction(st('error', 'replay'), false, true), null);
    assert.equal(deviceCardAction(st('idle'), false, false), null);
  });
});

describe('Windows presence strip', () => {
  test('its tooltip says which row is which and how many of the windows had each modality', () => {
    const w = (eeg: boolean, ecg: boolean) => ({ eeg: { present: eeg }, ecg: { present: ecg } });
    assert.equal(presenceStripTitle([w(true, true), w(true, false), w(false, false)]), 'The last 3 windows, oldest left: top row EEG (in 2), bottom row ECG (in 1); dark where the window went without it');
    assert.equal(presenceStripTitle([w(true, true)]), 'The last 1 window, oldest left: top row EEG (in 1), bottom row ECG (in 1); dark where the window went without it');
    assert.equal(presenceStripTitle([]), 'Which modality each window had: none yet');
  });
});
