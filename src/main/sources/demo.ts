// The built-in demo: a simulated EEG headset and a simulated ECG chest strap, each with its own
// drifting clock and jittery, late radio, so the clock alignment has real work to do. They lose no
// packets: any lost packet puts a packet-loss note on the device's card for the next seconds, and
// the demo is what a new user sees first; it should look like healthy devices, with nothing to
// explain. Loss stays a setting of each card (0.1, 1, 5 %) and of the simulators
// (SIM_CLOCK_SETTINGS: default 0.1 % for a SimEegHeadset or SimEcgStrap made without settings).
import type { HostClock } from '../../shared/stream.types';
import { createSystemClock, RealScheduler, type Scheduler } from './host-clock';
import { SimEegHeadset } from './sim-eeg';
import { SimEcgStrap } from './sim-ecg';
import type { SimDevice } from './sim-device';

export interface DemoOptions {
  clock?: HostClock;
  scheduler?: Scheduler;
  /** Seed of the simulated signals and radios (same seed, same demo). */
  seed?: number;
}

export const DEMO_HEADSET_ID = 'sim-eeg-1';
export const DEMO_STRAP_ID = 'sim-ecg-1';

/**
 * Returns the demo devices, not started. Hand them to hub.addSource(); each also offers
 * settingSpecs(), faultSpecs(), configure() and injectFault() for the device panel.
 */
export function createDemoSources(opts: DemoOptions = {}): SimDevice[] {
  const clock = opts.clock ?? createSystemClock();
  const scheduler = opts.scheduler ?? new RealScheduler(clock);
  const seed = opts.seed ?? 20251125;
  const headset = new SimEegHeadset({
    deviceId: DEMO_HEADSET_ID,
    name: 'Simulated headset',
    clock,
    scheduler,
    seed,
    settings: { preset: '10-20', driftPpm: 30, jitterMs: 8, latencyMs: 15, lossPercent: 0 },
  });
  const strap = new SimEcgStrap({
    deviceId: DEMO_STRAP_ID,
    name: 'Simulated chest strap',
    clock,
    scheduler,
    seed: seed + 1,
    settings: { preset: 'polar-h10', driftPpm: -30, jitterMs: 8, latencyMs: 7.5, lossPercent: 0 },
  });
  return [headset, strap];
}
