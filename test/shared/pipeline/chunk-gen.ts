// Test helper: the chunk sequence a device with its own clock would deliver. Signals are defined
// on TRUE time (the host clock), so an event at true time T can be looked for in the windows.
import type { ChannelInfo, Modality, SampleChunk, StreamInfo } from '../../../src/shared/stream.types';
import { mulberry32 } from '../../../src/shared/seeded-random';

export interface DeviceSpec {
  id: string;
  modality: Modality;
  rateHz: number;
  labels: string[];
  packet: number;
  /** device time = deviceEpoch + (1 + driftPpm·1e-6) · (true − t0) */
  driftPpm?: number;
  deviceEpoch?: number;
  latencySec?: number;
  jitterMeanSec?: number;
  /** Sampling rate error of the sample clock against the device's own time stamps (ppm). */
  rateErrorPpm?: number;
  rangeUv?: number;
  seed?: number;
}

export function infoOf(d: DeviceSpec): StreamInfo {
  const channels: ChannelInfo[] = d.labels.map((label) => ({ label, unit: 'uV', resolution: 0, ...(d.rangeUv ? { rangeUv: d.rangeUv } : {}) }));
  return { id: `${d.id}/${d.modality}`, deviceId: d.id, deviceName: d.id, deviceModel: 'test', modality: d.modality, nominalRateHz: d.rateHz, channels, latencySec: d.latencySec ?? 0 };
}


export const T0 = 1_700_000_000; // host epoch of the tests (Unix s)

/**
 * Chunks from true time `from` to `to` (s after T0). `signal(c, tTrue)` gives channel c's µV at a
 * true time. `drop(i)` says whether packet i is lost.
 */
export function generate(d: DeviceSpec, from: number, to: number, signal: (c: number, tTrue: number) => number, drop: (i: number) => boolean = () => false): SampleChunk[] {
  const r = mulberry32(d.seed ?? 7);
  const drift = (d.driftPpm ?? 0) * 1e-6;
  const epoch = d.deviceEpoch ?? 1000;
  const sampleRate = d.rateHz * (1 + (d.rateErrorPpm ?? 0) * 1e-6);
  const out: SampleChunk[] = [];
  const nch = d.labels.length;
  let lastArrival = -Infinity;
  // sample j is taken at device time epoch + j / sampleRate, i.e. at true time t0 + (j / sampleRate) / (1 + drift)
  const j0 = Math.ceil(from * (1 + drift) * sampleRate);
  for (let i = 0, j = j0; ; i++, j += d.packet) {
    const tLast = (j + d.packet - 1) / sampleRate / (1 + drift);
    if (tLast > to) break;
    const delay = (d.latencySec ?? 0) + -Math.log(1 - r()) * (d.jitterMeanSec ?? 0);
    const arrival = Math.max(lastArrival, tLast + delay);
    if (drop(i)) continue;
    lastArrival = arrival;
    const data = new Float32Array(nch * d.packet);
    for (let c = 0; c < nch; c++) for (let s = 0; s < d.packet; s++) data[c * d.packet + s] = signal(c, (j + s) / sampleRate / (1 + drift));
    out.push({ streamId: `${d.id}/${d.modality}`, deviceTime: epoch + j / sampleRate, hostTime: T0 + arrival, count: d.packet, data });
  }
  return out;
}

/** Merges per-device chunk lists into arrival order (stable). */
export function interleave(...lists: SampleChunk[][]): SampleChunk[] {
  return lists.flat().map((c, i) => ({ c, i })).sort((a, b) => a.c.hostTime - b.c.hostTime || a.i - b.i).map((x) => x.c);
}

/**
 * A Gaussian pulse of `amp` µV centred on true time `at`. σ = 15 ms keeps it band-limited enough
 * for a 130 Hz device to carry (its spectrum is −40 dB at 48 Hz).
 */
export function pulse(at: number, amp = 500, sigmaSec = 0.015): (t: number) => number {
  return (t) => amp * Math.exp(-0.5 * ((t - at) / sigmaSec) ** 2);
}

/**
 * A heartbeat for a test ECG, 60 bpm: a downward QRS-like spike (−300 µV, σ 8 ms) at every whole
 * second + 0.65 s, clear of the tests' events (on whole, half and quarter seconds, and 41.8 s) and
 * never the largest sample (downward), so an event's peak is found where it was. Without one a test
 * ECG has no QRS and its windows lack ECG ('no-qrs', bad-quality).
 */
export function heartbeat(t: number): number {
  const d = (((t - 0.65) % 1) + 1) % 1;
  const x = d > 0.5 ? d - 1 : d;
  return -300 * Math.exp(-0.5 * (x / 0.008) ** 2);
}

/** `signal` with a heartbeat added (for a test ECG: see heartbeat). */
export function withHeartbeat(signal: (c: number, t: number) => number): (c: number, t: number) => number {
  return (c, t) => signal(c, t) + heartbeat(t);
}

/** The same conditioning for EEG and ECG, to measure clock alignment apart from filter group delay. */
export const SAME_FILTERS = {
  filters: {
    eeg: { highpassHz: 0.5, lowpassHz: 40, order: 2, notchHz: [50], notchQ: 30 },
    ecg: { highpassHz: 0.5, lowpassHz: 40, order: 2, notchHz: [50], notchQ: 30 },
  },
};

/**
 * A recording as a perfectly clocked device would deliver it: `packet` samples per chunk, device
 * time = host time − T0 + 1000, arriving with no delay. `planar` holds channels × n.
 */
export function chunksFromRecording(streamId: string, planar: ArrayLike<number>, channels: number, rateHz: number, packet: number): SampleChunk[] {
  const n = planar.length / channels;
  const out: SampleChunk[] = [];
  for (let j = 0; j + packet <= n; j += packet) {
    const data = new Float32Array(channels * packet);
    for (let c = 0; c < channels; c++) for (let s = 0; s < packet; s++) data[c * packet + s] = planar[c * n + j + s];
    out.push({ streamId, deviceTime: 1000 + j / rateHz, hostTime: T0 + (j + packet - 1) / rateHz, count: packet, data });
  }
  return out;
}

/** Beat matching with the standard 150 ms window (each reference beat matches at most one detection). */
export function matchBeats(refSec: number[], detSec: number[], tolSec = 0.15): { tp: number; se: number; ppv: number } {
  let tp = 0;
  let j = 0;
  for (const r of refSec) {
    while (j < detSec.length && detSec[j] < r - tolSec) j++;
    if (j < detSec.length && Math.abs(detSec[j] - r) <= tolSec) {
      tp++;
      j++;
    }
  }
  return { tp, se: tp / refSec.length, ppv: detSec.length ? tp / detSec.length : 0 };
}
