// The live dashboard's words, pure so they are tested under plain Node (test/renderer/views/dashboard/).
import type { DeviceStatus } from '../../../../shared/device.types';
import { deviceModelName } from '../../../../shared/devices/device-models';
import { absentReasonText, absentWhyText, modalityReasonText, unusableCounts, unusableText } from '../../../../shared/model/window-input';
import type { LiveStore, ModalitySummary } from '../../live/live-store';
import { offlineText } from '../../live/offline';
import { clockTime, clockTimeS } from '../../../../shared/clock-time';
import type { SignalSettings } from '../../../../shared/pipeline/signal-settings';
import type { StreamInfo } from '../../../../shared/stream.types';
import type { StreamClockState } from '../../../../shared/pipeline/pipeline.types';
import { plural } from '../../../../shared/plural';
import { HR_BEATS, type HeartFeatures, type QualityReport } from '../../../../shared/features.types';
import { PMD_EPOCH_UNIX_S } from '../../../../shared/devices/polar/polar.types';
import { NN_TOLERANCE, RR_MAX_MS, RR_MIN_MS } from '../../../../shared/dsp/rr-intervals';
import type { QualityFlag } from '../../../../shared/window.types';
import { rPeakLead } from '../../../../shared/pipeline/montage';
import { rateOffset } from '../../../../shared/pipeline/clock-model';

const fmt = (v: number, digits = 0) => (Number.isFinite(v) ? v.toFixed(digits) : '–');

/** µV with the decimals a small figure needs: '50', '6.3' (a ±50 µV row at gain ×8). */
function uvText(v: number): string {
  return v >= 10 ? String(Math.round(v)) : String(Number(v.toPrecision(2)));
}

/**
 * A trace panel's amplitude scale beside its scale choice: half the height of a channel's row in
 * µV ('±50 µV'; per channel, the range: '±20–50 µV'), each channel's auto scale over
 * its gain. The traces have a time axis but no amplitude axis: under 'Auto' the µV a row spans was
 * said only in the Channels list, so a trace could not be read as an amplitude. '' before a scale
 * is known.
 */
export function traceScaleText(scalesUv: readonly number[], gains: readonly number[]): string {
  const rows = scalesUv.map((s, c) => s / (gains[c] ?? 1)).filter((v) => Number.isFinite(v) && v > 0);
  if (rows.length === 0) return '';
  const lo = uvText(Math.min(...rows));
  const hi = uvText(Math.max(...rows));
  return lo === hi ? `±${lo} µV` : `±${lo}–${hi} µV`;
}

/**
 * Why a modality is absent from a window, in words: for 'bad-quality', which flags make its channels
 * unusable ('every channel flat', 'ECG shows no QRS'), in the words of the Estimates panel and a
 * session's stored predictions (absentWhyText).
 */
export function absentText(m: Pick<ModalitySummary, 'absentReason' | 'channelFlags'>): string {
  if (!m.absentReason) return 'absent';
  return absentWhyText(m.absentReason, m.channelFlags && unusableCounts(m.channelFlags), m.channelFlags?.[0]?.label);
}

/**
 * A modality's cell in the synchronised-windows table: its channels and mean quality score, or why
 * it is absent in words ('no device connected', not the code 'no-device'; 'every channel flat', not
 * only 'signal quality too poor'). It said 'q 93%', a letter a reader had to guess.
 */
export function modalityCellText(m: ModalitySummary): string {
  if (!m.present) return `✕ ${absentText(m)}`;
  // A narrow cell wraps the pill only after its '·' (no-break spaces within each figure): 'quality 100' and '%' went on two lines.
  return `✓ ${m.channels}\u00a0ch · quality\u00a0${fmt(m.quality * 100)}\u00a0%`;
}

/**
 * A window's Start in the windows table: windows start on the hop grid, so under a whole-second hop
 * (the default 1 s) the milliseconds are '.000' on every row: HH:MM:SS then, to the ms only under a
 * fractional hop ('0.5'). The eight '.000's widened the column until a pill ran past a narrow panel.
 */
export function windowStartText(startTime: number, hopS: number | undefined): string {
  return hopS !== undefined && Number.isInteger(hopS) ? clockTimeS(Math.round(startTime)) : clockTime(startTime);
}

/**
 * The windows panel's note after its length and hop: how long after its end the newest window
 * reached the page (wall clock − the window's host-clock end). A replay's windows keep the host
 * times they were recorded with, so that difference is the age of the recording ("arrived
 * 501916307813 ms after its end" for a 2011 EEGMAT file): it says it is replayed instead.
 */
export function windowArrivalText(live: Pick<LiveStore, 'streams' | 'devices' | 'windows' | 'quality' | 'windowing'>): string {
  if (live.streams.size === 0) return ' · no device streaming: no new windows';
  const withheld = windowsWithheldText(live);
  if (withheld) return withheld;
  const last = live.windows[live.windows.length - 1];
  if (!last) return '';
  // The pipeline runs a replay on its own (docs/pipeline.md §1), so one replay device says it all,
  // playing, paused or at its end (paused, it said the recording's age again: 'arrived 501916307813 ms').
  if ([...live.devices.values()].some((d) => d.transport === 'replay')) return ' · replayed: windows keep their recorded times';
  const latencyMs = last.receivedAt - (last.startTime + last.lengthS) * 1000;
  return Number.isFinite(latencyMs) ? ` · arrived ${fmt(latencyMs)} ms after its end` : '';
}

/**
 * Why windows stopped although devices stream: the pipeline sends none while neither EEG nor ECG can
 * feed one (docs/pipeline.md §6), and the panel said nothing (an imported file of flat channels
 * replayed with no window and no word). The quality reports still come with every window that falls
 * due, stamped with its end, so reports newer than the last window by more than a hop mean windows
 * were withheld; said only when both reasons are known from here (no stream of the modality, or
 * every channel of its streams scored unusable), not for a gap or filters settling, which pass.
 */
function windowsWithheldText(live: Pick<LiveStore, 'streams' | 'windows' | 'quality' | 'windowing'>): string | null {
  if (!live.windowing) return null;
  const streams = [...live.streams.values()];
  const reports = streams.map((s) => live.quality.get(s.id)).filter((r): r is QualityReport => r !== undefined);
  const newest = Math.max(...reports.map((r) => r.time));
  const last = live.windows[live.windows.length - 1];
  if (!(newest - (last ? last.startTime + last.lengthS : -Infinity) > live.windowing.hopS + 1e-3)) return null;
  const reasons: string[] = [];
  for (const m of ['eeg', 'ecg'] as const) {
    const of = streams.filter((s) => s.modality === m);
    if (of.length === 0) reasons.push(modalityReasonText(m, absentReasonText('no-device')));
    else if (of.every((s) => live.quality.get(s.id)?.channels.every((c) => c.score === 0))) {
      const channels = of.flatMap((s) => live.quality.get(s.id)!.channels);
      reasons.push(modalityReasonText(m, unusableText(channels) ?? absentReasonText('bad-quality')));
    } else return null;
  }
  return ` · no windows: neither modality can feed one (${reasons.join('; ')})`;
}

/** The button a Live device card offers (DeviceCard), or null for none. */
export type DeviceCardAction = 'stop' | 'start' | 'dismiss' | null;

/**
 * What a device card's button does. A running device is stopped (a paired one disconnected), not a
 * replay (closed in Sessions); the core's own (demo) devices (`kept`) are started again, except
 * while a session replays. A connected device whose connect gave up (state 'error') is dismissed:
 * taken off the pipeline as Disconnect does, a remembered one stays in Devices to connect again.
 * It had no button: a mistyped port's card ('Serial device (/dev/ttyUSB9) · error · could not
 * start…') stayed on the dashboard until HeartMind closed, while Devices did not list it.
 */
export function deviceCardAction(status: Pick<DeviceStatus, 'state' | 'transport'>, kept: boolean, replaying: boolean): DeviceCardAction {
  if (status.transport === 'replay') return null;
  if (status.state === 'streaming' || status.state === 'connecting' || status.state === 'reconnecting') return 'stop';
  if (kept) return replaying ? null : 'start';
  return status.state === 'error' ? 'dismiss' : null;
}

/**
 * The tooltip of the Windows panel's presence strip (two rows of cells, one per window, with no
 * words): which row is which, and how many of the windows shown had each modality.
 */
export function presenceStripTitle(windows: readonly { eeg: { present: boolean }; ecg: { present: boolean } }[]): string {
  const n = windows.length;
  if (n === 0) return 'Which modality each window had: none yet';
  const count = (m: 'eeg' | 'ecg') => windows.filter((w) => w[m].present).length;
  return `The last ${plural(n, 'window')}, oldest left: top row EEG (in ${count('eeg')}), bottom row ECG (in ${count('ecg')}); dark where the window went without it`;
}

/**
 * Why figures from this stream are not current: the core is out of reach (offlineText), or its
 * device is not streaming or has stalled (the features and quality reports stop with its data, and a
 * tile or quality chip would otherwise keep its last figure as if live). Null when they are current.
 * The one test of staleness: every panel that keeps a device's last figures marks them with class
 * `stale` and shows this text.
 */
export function staleText(live: Pick<LiveStore, 'streams' | 'devices' | 'connection' | 'lostAt'>, streamId: string | undefined): string | null {
  const offline = offlineText(live);
  if (offline) return `last figure: ${offline}`;
  const deviceId = streamId === undefined ? undefined : live.streams.get(streamId)?.deviceId;
  const d = deviceId === undefined ? undefined : live.devices.get(deviceId);
  if (!d) return null;
  if (d.state !== 'streaming') return `last figure: ${d.name} is ${d.state}`;
  return d.problem?.code === 'stalled' ? `last figure: no data from ${d.name}` : null;
}

/**
 * What the simulator presets (src/main/sources/sim-eeg.ts, sim-ecg.ts) and the replay source call
 * their model, in words; real devices' models are named by deviceModelName (the Devices view's own
 * table), so a device is called one thing everywhere.
 */
const MODEL_NAMES: Record<string, string> = {
  // The simulator presets, as their setting labels name them (less the rate, which the streams show).
  'sim-muse': 'Muse-like, 4 channels',
  'sim-cap-19': '10-20 cap, 19 channels',
  'sim-cap-32': '10-10 cap, 32 channels',
  'sim-cap-64': '10-10 cap, 64 channels',
  'sim-polar-h10': 'Polar H10-like, 1 lead',
  'sim-ecg-3lead': '3-lead ECG',
  replay: 'Recorded session',
};

/** The transport in the Devices view's words (its panels are "Bluetooth", "Serial port", "BrainFlow"). */
const TRANSPORT_TEXT: Record<DeviceStatus['transport'], string> = {
  sim: 'simulated',
  ble: 'Bluetooth',
  serial: 'serial port',
  brainflow: 'BrainFlow',
  replay: 'replay',
};

/**
 * A device card's subtitle: its model and transport in words ('OpenBCI Cyton · serial port',
 * '10-20 cap, 19 channels · simulated'), not the machine strings the sources set ('cyton · serial').
 * A BrainFlow device's model is its board id ('brainflow:-3', see brainflow-driver.ts): it is named
 * as the Devices view's board list names it ('Playback file · BrainFlow'). A model or transport not
 * known here is shown as it is: a raw name says more than none.
 */
export function deviceModelText(status: Pick<DeviceStatus, 'model' | 'transport'>): string {
  const model = deviceModelName(status.model) ?? (Object.hasOwn(MODEL_NAMES, status.model) ? MODEL_NAMES[status.model] : status.model);
  return `${model} · ${Object.hasOwn(TRANSPORT_TEXT, status.transport) ? TRANSPORT_TEXT[status.transport] : status.transport}`;
}

const hz = (v: number) => `${Number(v.toFixed(2))}`;

/**
 * A trace panel's subtitle: the device, its channels and its own rate, then what the traces are:
 * the pipeline's conditioned signal, resampled to the model rate and filtered by the signal settings
 * in force ("Simulated headset · 19 ch · 500 Hz → 200 Hz · 0.3–75 Hz, notch 50 Hz"). It said "200 Hz"
 * alone, read as the headset's rate, and not which filters the trace has been through.
 */
export function traceInfoText(
  stream: Pick<StreamInfo, 'deviceName' | 'nominalRateHz' | 'modality'>,
  channels: number,
  shownRateHz: number,
  settings: Pick<SignalSettings, 'eegBandHz' | 'ecgBandHz' | 'notch' | 'mainsHz'> | null,
): string {
  const rate = Math.abs(stream.nominalRateHz - shownRateHz) < 1e-6 ? `${hz(shownRateHz)} Hz` : `${hz(stream.nominalRateHz)} Hz → ${hz(shownRateHz)} Hz`;
  let filters = '';
  if (settings && stream.modality !== 'other') {
    const [lo, hi] = stream.modality === 'eeg' ? settings.eegBandHz : settings.ecgBandHz;
    filters = ` · ${lo > 0 ? `${hz(lo)}–${hz(hi)} Hz` : `low-pass ${hz(hi)} Hz`}${settings.notch ? `, notch ${settings.mainsHz} Hz` : ''}`;
  }
  return `${stream.deviceName} · ${channels} ch · ${rate}${filters}`;
}

const signed = (v: number, digits: number) => `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(digits)}`;

/** Past this (s), host − device time is not a clock error but the device's own epoch (see clockOffsetText). */
const OWN_EPOCH_SEC = 86_400;

/**
 * Epochs devices count from, other than Unix time: a device time within a day of one is said
 * against it. Polar's PMD clock counts from 2000-01-01 UTC; its driver, and since 2026-11-28 the
 * simulated strap, put it on the Unix epoch (pmdTimeUnixS), but a session the simulated strap
 * recorded before then replays with its device times as stored, and read as the host time of its
 * device time 0 it said 'device time 0 at 1999-12-31 23:59:58.320': true, but a date that looked
 * like a bug and hid the clock's real error (−1.680 s).
 */
const KNOWN_EPOCHS: readonly { unixS: number; text: string }[] = [{ unixS: PMD_EPOCH_UNIX_S, text: 'counts from 2000-01-01 UTC (Polar’s epoch)' }];

/** A clock line's offset ('offset +12.3 ms', 'device time 0 at 14:03:07.412'), after its epoch's words when it counts from a known one. */
function offsetWords(offsetSec: number): { epoch: string; offset: string } {
  const e = KNOWN_EPOCHS.find((k) => Math.abs(offsetSec - k.unixS) < OWN_EPOCH_SEC);
  if (e) return { epoch: `${e.text} · `, offset: `offset ${clockOffsetText(offsetSec - e.unixS)}` };
  const at = clockOffsetText(offsetSec);
  return { epoch: '', offset: at.startsWith('device time') ? at : `offset ${at}` };
}

/**
 * host − device time in readable units: ms under a second, else seconds to the millisecond. A
 * device that counts from its own start (a Cyton's or Muse's packet counter, a text device's lines)
 * or epoch is as far from the host as the host's own epoch: the offset is then the host time its
 * device time 0 falls on, and is said so ("device time 0 at 14:03:07.412", local time, the date
 * too unless it is within a day of `nowS`). As seconds it read "offset +1764255787.412 s", a host
 * epoch in which the milliseconds that move were the last three of thirteen digits.
 */
export function clockOffsetText(offsetSec: number, nowS = Date.now() / 1000): string {
  if (Math.abs(offsetSec) >= OWN_EPOCH_SEC && Number.isFinite(offsetSec)) {
    const date = Math.abs(nowS - offsetSec) < OWN_EPOCH_SEC ? '' : `${localDate(offsetSec)} `;
    return `device time 0 at ${date}${clockTime(offsetSec)}`;
  }
  return Math.abs(offsetSec) < 1 ? `${signed(offsetSec * 1000, 1)} ms` : `${signed(offsetSec, 3)} s`;
}

/** YYYY-MM-DD, local. */
function localDate(hostTimeS: number): string {
  const d = new Date(hostTimeS * 1000);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** A drift at least this large (ppm) is said in % (a rate off nominal, not a crystal's error). */
const PERCENT_FROM_PPM = 10_000;

/**
 * The drift in the device's terms, with its standard error: the model's driftPpm is positive for a
 * slow device clock ("runs 29.8 ± 0.4 ppm fast"; "runs 11 ± 34 ppm fast" 15 s in says how little
 * is known yet).
 */
export function clockDriftText(driftPpm: number, sdPpm: number): string {
  // A device counting its samples off its nominal rate (followed up to 10 %: pipeline/clock-model.ts)
  // reads as drift: said in % of the device's rate, not "runs 20408.9 ± 3.1 ppm slow" for one 2 % slow.
  if (Math.abs(driftPpm) >= PERCENT_FROM_PPM) {
    const pct = rateOffset(driftPpm) * 100;
    // The ± where it shows at this precision (a few ppm does not).
    const sd = Number.isFinite(sdPpm) && sdPpm >= 50 ? ` ± ${(sdPpm / 1e4).toFixed(2)}` : '';
    return `runs ${Math.abs(pct).toFixed(2)}${sd} % ${pct < 0 ? 'slow' : 'fast'}`;
  }
  const ppm = Math.abs(driftPpm);
  const digits = Number.isFinite(sdPpm) && sdPpm >= 10 ? 0 : 1;
  const sd = Number.isFinite(sdPpm) ? ` ± ${sdPpm.toFixed(digits)}` : '';
  // Neither fast nor slow at the precision shown.
  if (Number(ppm.toFixed(digits)) === 0) return `runs at the host rate${sd ? ` (${sd.slice(1)} ppm)` : ''}`;
  return `runs ${ppm.toFixed(digits)}${sd} ppm ${driftPpm > 0 ? 'slow' : 'fast'}`;
}

const MODALITY_LABEL: Record<StreamInfo['modality'], string> = { eeg: 'EEG', ecg: 'ECG', other: 'Other' };

/**
 * A stream's line on its device card: how its clock maps to the host's (pipeline/clock-model.ts).
 * "EEG clock: offset +12.3 ms · runs 30.0 ppm fast · fit 0.4 ms · jitter 8.7 ms". Until the model
 * has enough span to estimate the drift, it says so rather than show the prior as a finding.
 */
export function clockLineText(modality: StreamInfo['modality'], state: Pick<StreamClockState, 'clock'>): string {
  const c = state.clock;
  const head = `${MODALITY_LABEL[modality] ?? modality} clock:`;
  if (c.observations === 0) return `${head} estimating…`;
  const { epoch, offset } = offsetWords(c.offsetSec);
  const resets = c.resets > 0 ? ` · re-anchored ${plural(c.resets, 'time')}` : '';
  if (!c.driftEstimated) return `${head} ${epoch}estimating drift… (${offset} so far, ${plural(c.observations, 'packet')})${resets}`;
  const fit = Number.isFinite(c.fitMs) ? ` · fit ${c.fitMs.toFixed(1)} ms` : '';
  const jitter = Number.isFinite(c.jitterMs) ? ` · jitter ${c.jitterMs.toFixed(1)} ms` : '';
  return `${head} ${epoch}${offset} · ${clockDriftText(c.driftPpm, c.driftSdPpm)}${fit}${jitter}${resets}`;
}

/** The line's tooltip: what the numbers mean (docs/pipeline.md, "Clock alignment on the dashboard"). */
export const CLOCK_LINE_HELP =
  'HeartMind maps this device clock to the host clock with a robust line (offset + drift), fitted to the earliest packet arrivals. ' +
  'offset: host time − device time (for a device that counts from its own start: the host time its device time 0 falls on; for one that counts from 2000-01-01 UTC, Polar’s epoch: host time − (that date + device time), the clock’s own error); drift: how fast or slow the device crystal runs against the host, ± its standard error (1 ppm = 3.6 ms per hour); ' +
  'fit: typical distance of each second’s earliest arrival from the line (the error of a mapped timestamp); ' +
  'jitter: spread (interquartile range) of the transport delay from packet to packet, which the fit removes; ' +
  're-anchored: the offset started over (the device clock reset or jumped, the device reconnected, or the transport delay stepped and stayed: the device log says by how many ms the data moved, and a gap is marked there).';

/**
 * The Heart rate tile's hint: the normal-to-normal intervals its figures are over (dsp/rr-intervals.ts:
 * since 808af22 HR and RMSSD leave out an interval a false, missed or ectopic beat made), and how many
 * of the span's were left out ('38 normal RR intervals, 3 left out'). It said '41 RR intervals',
 * as if every detected interval counted.
 */
export function heartHintText(h: Pick<HeartFeatures, 'rrMs' | 'rrLeftOut'>): string {
  const nn = plural(h.rrMs.length, 'normal RR interval');
  return h.rrLeftOut > 0 ? `${nn}, ${h.rrLeftOut} left out` : nn;
}

/** A quality flag in words (the Signal quality panel's chips and the tile's tooltip). */
export const QUALITY_FLAG_TEXT: Record<QualityFlag, string> = {
  flat: 'flat line',
  railed: 'railed',
  'line-noise': 'line noise',
  implausible: 'implausible amplitude',
  'no-qrs': 'no QRS',
  missing: 'samples missing',
};

/** One streaming device's latest quality report, with the name the tile calls it by ('EEG', 'ECG'). */
export interface QualityTileStream {
  label: string;
  report: Pick<QualityReport, 'channels'>;
}

/**
 * The name of a stream's device as it is now: its status's, which a rename changes at once. A
 * stream keeps the device name it was announced with (one announced after a rename carries the new
 * one), so a renamed device's card had the new name while the trace's subtitle and stream choice,
 * the Signal quality panel and tile still said the old one.
 */
export function streamDeviceName(devices: ReadonlyMap<string, Pick<DeviceStatus, 'name'>>, stream: Pick<StreamInfo, 'deviceId' | 'deviceName'>): string {
  return devices.get(stream.deviceId)?.name ?? stream.deviceName;
}

/**
 * What the Signal quality tile calls a stream: its modality ('EEG'), or its device's name when
 * another stream has the same modality (two headsets), or its id when it is not known.
 */
export function qualityTileLabel(live: { streams: ReadonlyMap<string, Pick<StreamInfo, 'modality' | 'deviceId' | 'deviceName'>>; devices: ReadonlyMap<string, Pick<DeviceStatus, 'name'>> }, streamId: string): string {
  const s = live.streams.get(streamId);
  if (!s) return streamId;
  const twin = [...live.streams.entries()].some(([id, o]) => id !== streamId && o.modality === s.modality);
  return twin || s.modality === 'other' ? streamDeviceName(live.devices, s) : MODALITY_LABEL[s.modality];
}

/**
 * The Signal quality tile: the lowest device's mean channel score (%), its hint each device's mean
 * when there are several ('EEG 100 · ECG 0'), and a tooltip naming the flagged channels. It showed
 * the mean over every channel, in which the one ECG lead weighed as one of twenty: a chest strap
 * gone flat left the tile at 95 % beside "ECG is a flat line" on the heart rate tile.
 */
export function qualityTileText(streams: readonly QualityTileStream[], anyStreaming = true): { value: number; hint: string; help: string } {
  const rows = streams
    .filter((s) => s.report.channels.length > 0)
    .map((s) => ({ label: s.label, channels: s.report.channels, pct: (100 * s.report.channels.reduce((a, c) => a + c.score, 0)) / s.report.channels.length }));
  // Before the first report it said '0 channels', as if the devices had none.
  if (rows.length === 0) return { value: NaN, hint: anyStreaming ? 'waiting for the first second' : 'no device streaming', help: 'No quality report yet: one comes with each window.' };
  const value = Math.min(...rows.map((r) => r.pct));
  const per = (r: (typeof rows)[number]) => `${r.label} ${Math.round(r.pct)}`;
  const hint = rows.length === 1 ? `mean of ${plural(rows[0].channels.length, 'channel')}` : rows.map(per).join(' · ');
  const flagged = rows.flatMap((r) => r.channels.filter((c) => c.flags.length > 0).map((c) => `${c.label === r.label ? c.label : `${r.label} ${c.label}`} ${c.flags.map((f) => QUALITY_FLAG_TEXT[f] ?? f).join(', ')}`));
  const help =
    `${rows.length === 1 ? 'The' : 'The lowest device’s'} mean channel score (each channel 0–100 % from its quality flags, per channel in the Signal quality panel): ` +
    `${rows.map((r) => `${per(r)} % over ${plural(r.channels.length, 'channel')}`).join(', ')}.` +
    (flagged.length ? ` Flagged: ${flagged.slice(0, 6).join('; ')}${flagged.length > 6 ? `; ${flagged.length - 6} more` : ''}.` : '');
  return { value, hint, help };
}

/** The Heart rate and HRV tiles' tooltip: which intervals count (docs/pipeline.md §7). */
export function heartHelpText(h: Pick<HeartFeatures, 'rrMs' | 'rrLeftOut'>, spanSec: number): string {
  return (
    `Heart rate over the last ${HR_BEATS} normal RR intervals, RMSSD over successive normal pairs: ${heartHintText(h)} in the last ${spanSec} s. ` +
    `An interval is left out as not normal (a false, missed or ectopic beat) when it is outside ${RR_MIN_MS}–${RR_MAX_MS} ms or more than ${Math.round(NN_TOLERANCE * 100)} % off the median of its neighbours.`
  );
}

/** What makes the R-peak lead's "beats" meaningless, in words (the first that applies). */
const NO_BEATS: Partial<Record<QualityFlag, string>> = {
  'no-qrs': 'shows no QRS (noise: a dead or loose electrode?)',
  flat: 'is a flat line',
  railed: 'is railed',
};

/**
 * Why the heart rate and HRV tiles show no figure: the lead the R peaks are found on (rPeakLead, as
 * the pipeline picks it) is flagged in its stream's latest quality report as having no QRS, or as
 * flat or railed. The detector still finds "beats" in noise (EEGMAT Subject02_1's dead lead: 111 bpm,
 * RMSSD 310 ms), and after a lead goes flat the last minute's beats would keep the old figures up.
 * Null when the lead is usable (or there is no report yet).
 */
export function heartWithheldText(report: QualityReport | undefined): string | null {
  if (!report || report.channels.length === 0) return null;
  const q = report.channels[rPeakLead(report.channels.map((c) => c.label))];
  const why = q.flags.map((f) => NO_BEATS[f]).find((t) => t !== undefined);
  return why ? `${q.label} ${why}: no heart figures from it` : null;
}
