// The hub with simulated devices in accelerated virtual time: windows flow, clocks align over an
// hour of drift, every fault becomes a named device problem and a log line, nothing escapes.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHub, type StreamHub } from '../../../src/main/hub/hub';
import type { HubListener } from '../../../src/main/hub/hub.types';
import { VirtualClock, VirtualScheduler, createDemoSources, SimEegHeadset, SimEcgStrap, DEMO_HEADSET_ID, DEMO_STRAP_ID, SIM_FAULTS } from '../../../src/main/sources';
import type { DeviceStatus, Source, SourceSink } from '../../../src/shared/device.types';
import type { LogEntry } from '../../../src/shared/log.types';
import type { Gap, SampleChunk, StreamInfo } from '../../../src/shared/stream.types';
import type { SyncWindow } from '../../../src/shared/window.types';
import type { HeartFeatures, EegFeatures, QualityReport } from '../../../src/shared/features.types';
import { SAME_FILTERS } from '../../shared/pipeline/chunk-gen';
import type { PipelineConfigPatch } from '../../../src/shared/pipeline';

interface Rig {
  clock: VirtualClock;
  sched: VirtualScheduler;
  hub: StreamHub;
  windows: SyncWindow[];
  logs: LogEntry[];
  statuses: DeviceStatus[];
  gaps: Gap[];
  raw: ({ chunk: SampleChunk } | { gap: Gap })[];
  hearts: HeartFeatures[];
  eegs: EegFeatures[];
  quality: QualityReport[];
  streams: StreamInfo[][];
}

function rig(pipelineConfig: PipelineConfigPatch = {}): Rig {
  const clock = new VirtualClock(1_750_000_000);
  const sched = new VirtualScheduler(clock);
  const hub = createHub({ clock, scheduler: sched, pipelineConfig });
  const r: Rig = { clock, sched, hub, windows: [], logs: [], statuses: [], gaps: [], raw: [], hearts: [], eegs: [], quality: [], streams: [] };
  hub.subscribe({
    window: (w) => r.windows.push(w),
    log: (e) => r.logs.push(e),
    deviceStatus: (s) => r.statuses.push(s),
    gap: (g) => {
      r.gaps.push(g);
      r.raw.push({ gap: g });
    },
    rawChunk: (chunk) => r.raw.push({ chunk }),
    heart: (f) => r.hearts.push(f),
    eeg: (f) => r.eegs.push(f),
    quality: (q) => r.quality.push(q),
    streams: (s) => r.streams.push(s),
  });
  return r;
}

describe('demo sources through the hub', () => {
  test('60 s of the built-in demo: synchronised windows, features, statuses', async () => {
    const r = rig();
    const [headset, strap] = createDemoSources({ clock: r.clock, scheduler: r.sched });
    await r.hub.addSource(headset);
    await r.hub.addSource(strap);
    r.sched.advance(60);
    assert.ok(r.windows.length >= 50, `${r.windows.length} windows`);
    const full = r.windows.filter((w) => w.eeg.present && w.ecg.present);
    assert.ok(full.length >= 40, `${full.length} windows with both modalities`);
    assert.equal(full[0].eeg.channels.length, 19);
    assert.equal(full[0].eeg.channels[0], 'Fp1');
    assert.deepEqual(full[0].ecg.channels, ['ECG']);
    const devs = r.hub.devices();
    assert.deepEqual(devs.map((d) => d.state).sort(), ['streaming', 'streaming']);
    assert.equal(r.hub.streams().length, 2);
    // Heart rate near the strap's 68 bpm setting, EEG features with 5 bands per channel.
    const hr = r.hearts.filter((h) => Number.isFinite(h.heartRateBpm)).at(-1)!;
    assert.ok(Math.abs(hr.heartRateBpm - 68) < 8, `HR ${hr.heartRateBpm}`);
    assert.ok(r.eegs.at(-1)!.bandPower.every((b) => b.length === 5));
    const q = r.quality.filter((x) => x.streamId === `${DEMO_HEADSET_ID}/eeg`).at(-1)!;
    assert.ok(q.channels.filter((c) => c.score === 1).length >= 15, JSON.stringify(q.channels.map((c) => c.flags)));
    assert.ok(r.logs.some((l) => /starting Simulated headset/.test(l.message)));
    await r.hub.close();
    assert.equal(r.sched.pending, 0, 'no timers left');
  });
});

describe('two drifting devices over one simulated hour', () => {
  test('events injected at the same true time land within one 200 Hz sample of each other in the windows', async () => {
    const r = rig(SAME_FILTERS);
    // Opposite drifts: the two clocks separate by 0.54 s over the hour.
    const headset = new SimEegHeadset({ deviceId: 'h', name: 'H', clock: r.clock, scheduler: r.sched, seed: 1, settings: { preset: 'muse', driftPpm: 100, jitterMs: 8, latencyMs: 15, lossPercent: 0.2, blinks: false } });
    const strap = new SimEcgStrap({ deviceId: 's', name: 'S', clock: r.clock, scheduler: r.sched, seed: 2, settings: { preset: 'polar-h10', driftPpm: -50, jitterMs: 12, latencyMs: 7.5, lossPercent: 0.2 } });
    await r.hub.addSource(headset);
    await r.hub.addSource(strap);
    const t0 = r.clock.now();
    // A sync event every 5 minutes, seen by both devices (between heart beats does not matter:
    // the pulse is 3 mV, far above the ECG).
    const events: number[] = [];
    for (let m = 1; m <= 12; m++) events.push(t0 + m * 300 - 2.37);
    for (const e of events) {
      headset.injectPulse(e, 400); // the Muse-like range is ±1000 µV
      strap.injectPulse(e, 3000);
    }
    // Keep only windows around the events (an hour of windows would be 300 MB).
    const keep: SyncWindow[] = [];
    r.hub.subscribe({ window: (w) => events.some((e) => w.startTime < e - 0.3 && w.startTime + 5 > e + 0.3) && keep.push(w) });
    r.windows.length = 0;
    const sub = r.hub.subscribe({ window: () => void (r.windows.length = 0) });
    for (let i = 0; i < 3600; i += 60) r.sched.advance(60);
    sub();
    const peak = (w: SyncWindow, m: 'eeg' | 'ecg') => {
      const d = m === 'eeg' ? w.eeg.data : w.ecg.data;
      let bi = 1;
      for (let i = 1; i < w.samples - 1; i++) if (d[i] > d[bi]) bi = i;
      const off = (d[bi - 1] - d[bi + 1]) / (2 * (d[bi - 1] - 2 * d[bi] + d[bi + 1]));
      return w.startTime + (bi + off) / w.rateHz;
    };
    let checked = 0;
    let worst = 0;
    let eventsSeen = 0;
    for (const e of events) {
      // A lost packet near an event leaves no complete window around it (the modality is then
      // honestly absent); most events must be checkable, the last one included.
      const ws = keep.filter((w) => w.startTime < e - 0.3 && w.startTime + 5 > e + 0.3 && w.eeg.present && w.ecg.present);
      if (ws.length > 0) eventsSeen++;
      else assert.notEqual(e, events.at(-1), 'a complete window around the last event');
      for (const w of ws) {
        const skew = Math.abs(peak(w, 'eeg') - peak(w, 'ecg'));
        worst = Math.max(worst, skew);
        assert.ok(skew < 0.005, `event at +${(e - t0).toFixed(0)} s: EEG and ECG ${(skew * 1000).toFixed(2)} ms apart`);
        checked++;
      }
    }
    assert.ok(eventsSeen >= 10, `${eventsSeen} of ${events.length} events checked`);
    const states = r.hub.clockStates();
    const h = states.find((s) => s.streamId === 'h/eeg')!;
    const s = states.find((x) => x.streamId === 's/ecg')!;
    // The model sees the host advance 1/(1+drift) per device second.
    assert.ok(Math.abs(h.clock.driftPpm + 100) < 3, `headset drift ${h.clock.driftPpm}`);
    // Sparse frames (1.8/s) with 12 ms jitter: the drift is known to a few ppm (0.3 ms over the 2-min window).
    assert.ok(Math.abs(s.clock.driftPpm - 50) < 6, `strap drift ${s.clock.driftPpm}`);
    await r.hub.close();
    console.log(`# hour of drift: ${checked} event windows checked, worst EEG–ECG skew ${(worst * 1000).toFixed(2)} ms`);
  });
});
