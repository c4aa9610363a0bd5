// The live pipeline's area of the core: forwards the hub's output (streams, conditioned blocks,
// windows, features, statuses, log) to the pages as pushes, and answers the dashboard's requests
// (snapshot, start/stop/configure a device, inject a fault into a simulated one, signal settings).
import type { DeviceStatus, Source } from '../../shared/device.types';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DeviceControls, DeviceFaultSpec, DeviceSettingSpec, DeviceSettingValue, PipelineSnapshot, WindowingInfo } from '../../shared/ipc/pipeline.schema';
import { DEFAULT_PIPELINE_CONFIG, checkSignalSettings, settingsLockedBy, signalSettingsOf, signalSettingsPatch, type PipelineConfig, type SignalSettings } from '../../shared/pipeline';
import { MODEL_RATE_HZ } from '../../shared/window.types';
import type { CoreContext } from './core.types';
import { check, RequestError } from './handler-registry';
import { setAside, writeJsonAtomic } from './json-file';

/** A stream's clock mapping is pushed at most once per this many seconds of its data (host s). */
export const CLOCK_PUSH_SEC = 2;

/** The user's signal settings in the profile (<dataDir>/signal-settings.json). */
export const SIGNAL_SETTINGS_FILE = 'signal-settings.json';

/** A device the core knows even while it is stopped (the demo devices; later, paired ones). */
export interface ManagedDevice {
  source: Source;
  settings: DeviceSettingSpec[];
  faults: DeviceFaultSpec[];
  /** Injects a named fault (simulated devices only). */
  injectFault?(fault: string): void;
  /** Start it with the core. */
  autoStart: boolean;
}

export interface PipelineAreaOptions {
  devices: ManagedDevice[];
  version: string;
  /** Changes a running device's settings through the hub (which republishes its status). */
  configureRunning?(deviceId: string, settings: Record<string, DeviceSettingValue>): Promise<void>;
}

export async function startPipelineArea(ctx: CoreContext, opts: PipelineAreaOptions): Promise<void> {
  const { hub } = ctx;
  const devices = new Map(opts.devices.map((d) => [d.source.deviceId, d]));
  const push = ctx.push;
  const config = (): PipelineConfig => hub.pipelineConfig?.() ?? DEFAULT_PIPELINE_CONFIG;
  const windowing = (c: PipelineConfig): WindowingInfo => ({ lengthS: c.window.lengthSec, hopS: c.window.hopSec, rateHz: MODEL_RATE_HZ });
  const settingsFile = join(ctx.dataDir, SIGNAL_SETTINGS_FILE);
  loadSignalSettings(ctx, settingsFile, config);

  // Clock pushes ride on the conditioned blocks (a stream's first one, then one every
  // CLOCK_PUSH_SEC of its data): driven by the data, so they start with it (not with the first
  // window, 7 s later), stop with it, and a replay's streams show their recorded clocks too.
  const clockPushedAt = new Map<string, number>();
  const pushClock = (streamId: string, time: number) => {
    const last = clockPushedAt.get(streamId) ?? -Infinity;
    // A replay that seeks back moves the host time back: that pushes at once.
    if (time >= last && time - last < CLOCK_PUSH_SEC) return;
    const state = hub.clockStates?.().find((s) => s.streamId === streamId);
    if (!state) return;
    clockPushedAt.set(streamId, time);
    push({ type: 'pipeline:clock', state });
  };

  const unsubscribe = hub.subscribe({
    streams: (streams) => push({ type: 'pipeline:streams', streams }),
    conditioned: (block) => {
      push({ type: 'pipeline:conditioned', block });
      pushClock(block.streamId, block.startTime);
    },
    window: (window) => push({ type: 'pipeline:window', window }),
    heart: (features) => push({ type: 'pipeline:heart', features }),
    rPeak: (streamId, time) => push({ type: 'pipeline:r-peak', streamId, time }),
    eeg: (features) => push({ type: 'pipeline:eeg', features }),
    quality: (report) => push({ type: 'pipeline:quality', report }),
    gap: (gap) => push({ type: 'pipeline:gap', gap }),
    deviceStatus: (status) => push({ type: 'pipeline:device-status', status }),
    // The core keeps its own devices listed while stopped (allStatuses); any other leaves the list.
    deviceRemoved: (deviceId) => {
      if (!devices.has(deviceId)) push({ type: 'pipeline:device-removed', deviceId });
    },
    log: (entry) => ctx.log(entry.level, entry.source, entry.message),
    config: (c) => push({ type: 'pipeline:settings', settings: signalSettingsOf(c), windowing: windowing(c) }),
  });
  ctx.onStop(unsubscribe);

  /** Every device: those the hub runs, plus known ones that are stopped. */
  const allStatuses = (): DeviceStatus[] => {
    const byId = new Map<string, DeviceStatus>();
    for (const d of devices.values()) byId.set(d.source.deviceId, d.source.status());
    for (const s of hub.devices()) byId.set(s.deviceId, s);
    return [...byId.values()];
  };

  const find = (deviceId: string): ManagedDevice => {
    const d = devices.get(deviceId);
    if (!d) throw new RequestError('not-found', `no device '${deviceId}'`);
    return d;
  };
  const isRunning = (deviceId: string) => hub.sources().some((s) => s.deviceId === deviceId);
  const announce = (d: ManagedDevice): DeviceStatus => {
    const status = d.source.status();
    push({ type: 'pipeline:device-status', status });
    return status;
  };

  const start = async (d: ManagedDevice): Promise<DeviceStatus> => {
    if (!isRunning(d.source.deviceId)) await hub.addSource(d.source);
    return announce(d);
  };
  const stop = async (d: ManagedDevice): Promise<DeviceStatus> => {
    if (isRunning(d.source.deviceId)) await hub.removeSource(d.source.deviceId);
    return announce(d);
  };

  const byDevice = check.allOf(check.object, check.string('deviceId', { maxLength: 200 }));

  ctx.handle('hm:pipeline:snapshot', (): PipelineSnapshot => ({
    streams: hub.streams(),
    devices: allStatuses(),
    controls: [...devices.values()].map((d): DeviceControls => ({ deviceId: d.source.deviceId, settings: d.settings, faults: d.faults })),
    logs: ctx.recentLogs(),
    windowing: windowing(config()),
    settings: signalSettingsOf(config()),
    runtime: ctx.runtime,
    version: opts.version,
    clocks: hub.clockStates?.() ?? [],
  }));

  ctx.handle('hm:pipeline:device-start', ({ deviceId }) => start(find(deviceId)), { validate: byDevice });
  ctx.handle('hm:pipeline:device-stop', ({ deviceId }) => stop(find(deviceId)), { validate: byDevice });

  ctx.handle(
    'hm:pipeline:device-configure',
    async ({ deviceId, settings }) => {
      const d = find(deviceId);
      if (!d.source.configure) throw new RequestError('unavailable', `${d.source.status().name} has no settings to change`);
      for (const [key, value] of Object.entries(settings)) {
        const spec = d.settings.find((s) => s.key === key);
        if (!spec) throw new RequestError('bad-request', `${d.source.status().name} has no setting '${key}'`);
        if (!spec.options.some((o) => o.value === value)) throw new RequestError('bad-request', `'${String(value)}' is not a valid ${spec.label}`);
      }
      if (opts.configureRunning && isRunning(deviceId)) await opts.configureRunning(deviceId, settings);
      else await d.source.configure(settings);
      // In the panel's words ('Montage / rate set to Muse-like, 4 ch @ 256 Hz'), where it said the keys ('preset=muse').
      const said = Object.entries(settings).map(([key, value]) => {
        const spec = d.settings.find((s) => s.key === key)!;
        return `${spec.label} set to ${spec.options.find((o) => o.value === value)!.label}`;
      });
      ctx.log('info', `device:${deviceId}`, `${d.source.status().name}: ${said.join(', ')}`);
      return announce(d);
    },
    {
      validate: check.allOf(byDevice, (req) => {
        const s = (req as { settings?: unknown }).settings;
        if (s === null || typeof s !== 'object' || Array.isArray(s)) return 'settings must be an object';
        return Object.values(s).every((v) => ['string', 'number', 'boolean'].includes(typeof v)) ? null : 'setting values must be strings, numbers or booleans';
      }),
    },
  );

  ctx.handle(
    'hm:pipeline:device-fault',
    ({ deviceId, fault }) => {
      const d = find(deviceId);
      if (!d.injectFault || !d.faults.some((f) => f.id === fault)) throw new RequestError('bad-request', `${d.source.status().name} cannot simulate '${fault}'`);
      ctx.log('info', `device:${deviceId}`, `${d.source.status().name}: injecting fault: ${d.faults.find((f) => f.id === fault)!.label}`);
      d.injectFault(fault);
    },
    { validate: check.allOf(byDevice, check.string('fault', { maxLength: 100 })) },
  );

  ctx.handle(
    'hm:pipeline:set-settings',
    (req): SignalSettings => {
      const locked = settingsLockedBy(hub.devices());
      if (locked) throw new RequestError('unavailable', locked);
      if (!hub.setPipelineConfig) throw new RequestError('unavailable', 'this pipeline has no settings to change');
      let settings: SignalSettings;
      try {
        settings = checkSignalSettings(req, config());
      } catch (err) {
        throw new RequestError('bad-request', `signal settings: ${(err as Error).message}`);
      }
      hub.setPipelineConfig(signalSettingsPatch(settings));
      try {
        writeJsonAtomic(settingsFile, { version: 1, settings });
      } catch (err) {
        ctx.log('warn', 'pipeline', `signal settings in force but not saved to ${settingsFile} (${(err as Error).message}); they last until the app closes`);
      }
      const s = signalSettingsOf(config());
      ctx.log('info', 'pipeline', `signal settings: ${settingsText(s)}`);
      return s;
    },
    { validate: check.object },
  );

  for (const d of devices.values()) {
    if (!d.autoStart) continue;
    try {
      await start(d);
    } catch (err) {
      // The hub turns a failing source into a status and a log line; the others still start.
      ctx.log('error', `device:${d.source.deviceId}`, `${d.source.status().name} did not start: ${(err as Error)?.message ?? String(err)}`);
    }
  }
}

/** "mains 60 Hz notched, EEG 0.3–40 Hz, ECG 0.5–40 Hz, windows 5 s every 1 s" */
function settingsText(s: SignalSettings): string {
  return `mains ${s.mainsHz} Hz${s.notch ? ' notched' : ''}, EEG ${s.eegBandHz.join('–')} Hz, ECG ${s.ecgBandHz.join('–')} Hz, windows ${s.windowSec} s every ${s.hopSec} s`;
}

/** Puts the hub under the settings the user chose last time; a damaged file is set aside with a log line. */
function loadSignalSettings(ctx: CoreContext, file: string, config: () => PipelineConfig): void {
  const { hub } = ctx;
  if (!existsSync(file) || !hub.setPipelineConfig) return;
  try {
    const raw = JSON.parse(readFileSync(file, 'utf8')) as { version?: unknown; settings?: unknown };
    if (raw.version !== 1) throw new Error('not a HeartMind signal settings file (version 1)');
    const settings = checkSignalSettings(raw.settings, config());
    hub.setPipelineConfig(signalSettingsPatch(settings));
    // Said at start: filters the user chose last time are in force, not the defaults.
    ctx.log('info', 'pipeline', `signal settings from ${file}: ${settingsText(settings)}`);
  } catch (err) {
    const aside = setAside(file);
    ctx.log('warn', 'pipeline', `${file} could not be used (${(err as Error).message}); set aside as ${aside}, starting with the default signal settings`);
  }
}
