// The live devices around a replay: a replay runs alone through the pipeline (its host times lie
// in the past; live data would move the window frontier past them), so the devices that are live
// when it opens are taken off the hub and put back when it closes. Only those: a device whose
// connection failed, or that the user stopped, is not restarted by closing a replay, and putting
// devices back never holds up the close (a Bluetooth reconnect can take seconds).
import type { DeviceState, Source } from '../../shared/device.types';
import type { LogLevel } from '../../shared/log.types';
import type { Hub } from '../hub/hub.types';

/** Delivering, or trying to: a device coming up, or one reconnecting after a drop (still wanted). */
const LIVE_STATES: ReadonlySet<DeviceState> = new Set<DeviceState>(['streaming', 'connecting', 'reconnecting']);

/**
 * Takes the hub's devices off for a replay and returns those to put back (the live ones). A
 * device that is not live stays in the hub with its status (a failed connection keeps showing
 * its error), unless it still has streams in the pipeline, which the replay must have to itself:
 * then it is stopped, and not put back either.
 */
export async function parkLiveSources(hub: Hub): Promise<Source[]> {
  const states = new Map(hub.devices().map((d) => [d.deviceId, d.state]));
  const inPipeline = new Set(hub.streams().map((s) => s.deviceId));
  const parked: Source[] = [];
  for (const source of hub.sources()) {
    const live = LIVE_STATES.has(states.get(source.deviceId) ?? stateOf(source));
    if (!live && !inPipeline.has(source.deviceId)) continue;
    await hub.removeSource(source.deviceId);
    if (live) parked.push(source);
  }
  return parked;
}

/**
 * Puts parked devices back. Each is in the hub's device list at once (starting); its connection
 * completes in the background, and a failure is a device status and a log line, as for any
 * device. The promise (which never rejects) settles when every start has.
 */
export function restoreParkedSources(hub: Hub, parked: readonly Source[], log: (level: LogLevel, message: string) => void): Promise<void> {
  return Promise.all(
    parked.map((source) =>
      hub.addSource(source).catch((err: unknown) => log('warn', `could not restart ${source.deviceId} after the replay: ${(err as Error)?.message ?? String(err)}`)),
    ),
  ).then(() => undefined);
}

function stateOf(source: Source): DeviceState {
  try {
    return source.status().state;
  } catch {
    return 'error';
  }
}
