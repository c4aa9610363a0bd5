// The core as the app runs it: the stream hub, the live-pipeline area with the built-in demo
// devices, then every area in modules.ts. Electron main, `heartmind serve` and `heartmind record`
// call this.
import type { LogEntry } from '../../shared/log.types';
import type { PushMessage } from '../../shared/ipc-schema';
import type { HostClock } from '../../shared/stream.types';
import { createHub, type StreamHub } from '../hub/hub';
import { createDemoSources, createSystemClock, RealScheduler } from '../sources';
import { createCore } from './create-core';
import type { Core, CoreModuleEntry, CoreRuntime } from './core.types';
import { CORE_MODULES } from './modules';
import { startPipelineArea, type ManagedDevice } from './pipeline.core';

/** Which demo devices to start, and how (the frame-time benchmark asks for a 32-channel cap). */
export interface DemoSetup {
  /** Simulated headset preset: 'muse', '10-20', '32ch'... (see sources/sim-eeg.ts). */
  eegPreset?: string;
  /** Simulated strap preset (see sources/sim-ecg.ts). */
  ecgPreset?: string;
  seed?: number;
}

export interface StartCoreOptions {
  runtime: CoreRuntime;
  dataDir: string;
  /** Start the simulated headset and chest strap (default true). */
  demo?: boolean | DemoSetup;
  onLog?(entry: LogEntry): void;
  /** Pushes from before the first area starts (`heartmind record`: a marker the endpoint takes while the core starts). */
  onPush?(msg: PushMessage): void;
  clock?: HostClock;
  /** Areas after the pipeline (default: CORE_MODULES). */
  modules?: CoreModuleEntry[];
}

// A literal, so the bundles, tsx and the workers all see it without a JSON import; core.test.ts
// holds it equal to package.json's version.
export const APP_VERSION = '0.1.0';

export async function startCore(opts: StartCoreOptions): Promise<Core> {
  const clock = opts.clock ?? createSystemClock();
  let hub!: StreamHub;
  const demo = opts.demo === undefined || opts.demo === true ? {} : opts.demo === false ? null : opts.demo;

  const pipelineModule: CoreModuleEntry = {
    name: 'pipeline',
    load: async () => ({
      async start(ctx) {
        const devices: ManagedDevice[] = [];
        if (demo) {
          const scheduler = new RealScheduler(clock, (err) => ctx.log('error', 'sim', `simulated device timer failed: ${(err as Error)?.message ?? String(err)}`), true);
          for (const sim of createDemoSources({ clock, scheduler, seed: demo.seed })) {
            const preset = sim.status().streamIds[0]?.endsWith('/eeg') ? demo.eegPreset : demo.ecgPreset;
            if (preset) await sim.configure({ preset });
            devices.push({
              source: sim,
              settings: sim.settingSpecs(),
              faults: sim.faultSpecs(),
              injectFault: (id) => sim.injectFault(id),
              autoStart: true,
            });
          }
        }
        await startPipelineArea(ctx, {
          devices,
          version: APP_VERSION,
          configureRunning: (deviceId, settings) => hub.configureSource(deviceId, settings),
        });
      },
    }),
  };

  return createCore({
    runtime: opts.runtime,
    dataDir: opts.dataDir,
    clock,
    onLog: opts.onLog,
    onPush: opts.onPush,
    // The hub's log lines reach the core through its `log` listener (pipeline.core.ts).
    createHub: ({ clock: c }) => (hub = createHub({ clock: c })),
    modules: [pipelineModule, ...(opts.modules ?? CORE_MODULES)],
  });
}
