// The built-in demo: a simulated EEG headset and a simulated ECG chest strap, each with its own
// drifting clock, jittery radio and occasional packet loss, so the pipeline has real work to do.
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
    settings: { preset: '10-20', driftPpm: 30, jitterMs: 8, latencyMs: 15, lossPercent: 0.1 },
  });
  const strap = new SimEcgStrap({
    deviceId: DEMO_STRAP_ID,
    name: 'Simulated chest strap',
    clock,
    scheduler,
    seed: seed + 1,
    settings: { preset: 'polar-h10', driftPpm: -30, jitterMs: 8, latencyMs: 7.5, lossPercent: 0.1 },
  });
  return [headset, strap];
}
