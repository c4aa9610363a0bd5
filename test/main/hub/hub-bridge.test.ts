// Short packet losses through the real hub: the simulated headset's radio loses packets (its loss
// setting), the pipeline bridges them, and windows keep EEG, saying how much was interpolated.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rig } from './hub-rig';
import { SimEegHeadset, SimEcgStrap, DEMO_HEADSET_ID, DEMO_STRAP_ID } from '../../../src/main/sources';
import type { PipelineConfigPatch } from '../../../src/shared/pipeline';

/** The demo's headset (10-20 preset, 50-ms packets) at `lossPercent`, and a strap that loses nothing, for `seconds`. */
async function lossyRun(lossPercent: number, config: PipelineConfigPatch, seconds = 60) {
  const r = rig(config);
  const headset = new SimEegHeadset({ deviceId: DEMO_HEADSET_ID, name: 'Simulated headset', clock: r.clock, scheduler: r.sched, seed: 11, settings: { preset: '10-20', lossPercent } });
  const strap = new SimEcgStrap({ deviceId: DEMO_STRAP_ID, name: 'Simulated chest strap', clock: r.clock, scheduler: r.sched, seed: 12, settings: { lossPercent: 0 } });
  await r.hub.addSource(headset);
  await r.hub.addSource(strap);
  r.sched.advance(seconds);
  await r.hub.close();
  // After the first segment's warm-up.
  const windows = r.windows.filter((w) => w.startTime - r.windows[0].startTime >= 5);
  const present = windows.filter((w) => w.eeg.present).length / windows.length;
  return { r, windows, present };
}

test('with 1 % of headset packets lost, windows keep EEG, each lost packet reported as a gap and the windows over it saying how much was bridged', async () => {
  const on = await lossyRun(1, {});
  const losses = on.r.gaps.filter((g) => g.reason === 'packet-loss');
  assert.ok(losses.length >= 5, `${losses.length} losses`);
  assert.equal(on.present, 1, 'EEG present in every window');
  const bridged = on.windows.filter((w) => w.eeg.quality.every((q) => (q.bridgedMs ?? 0) > 0));
  assert.ok(bridged.length >= 10, `${bridged.length} windows bridged`);
  // One 50-ms packet, or two: the bridged time is whole packets' worth.
  for (const w of bridged) assert.ok(w.eeg.quality[0].bridgedMs! <= 0.1 * 5000, `${w.eeg.quality[0].bridgedMs} ms bridged`);
  assert.ok(on.r.quality.some((q) => q.streamId.endsWith('/eeg') && q.channels.every((c) => (c.bridgedMs ?? 0) > 0)), 'the quality readout says so');
  assert.ok(on.windows.every((w) => w.ecg.quality.every((q) => q.bridgedMs === undefined)), 'the strap lost nothing');
  // Bridging off: every loss a new segment, EEG absent from the windows over it and warming up after.
  const off = await lossyRun(1, { bridgeMaxSec: 0 });
  // The same losses, reported alike (a new segment's gap ends on the 200-Hz grid, a bridged one at the first sample after it).
  const brief = (gs: typeof on.r.gaps) => gs.map((g) => [g.streamId, g.reason, g.missingSamples, g.startTime]);
  assert.deepEqual(brief(off.r.gaps), brief(on.r.gaps));
  assert.ok(off.present < 0.5, `EEG present in ${(off.present * 100).toFixed(0)} % of windows without bridging`);
  assert.ok(off.windows.some((w) => w.eeg.absentReason === 'warming-up'), "a window's EEG is absent as 'warming-up'");
});
