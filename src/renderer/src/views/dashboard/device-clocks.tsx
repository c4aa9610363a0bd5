// A device's clock lines: each of its streams' device clock → host clock mapping (offset, drift,
// fit, jitter), as the Live dashboard's device cards and the Devices view's rows both show them,
// from the one text function (clockLineText) and the 'pipeline:clock' pushes the LiveStore keeps.
import { Fragment } from 'preact';
import type { StreamClockState } from '../../../../shared/pipeline/pipeline.types';
import type { Modality as StreamModality } from '../../../../shared/stream.types';
import type { DeviceStatus } from '../../../../shared/device.types';
import type { LiveStore } from '../../live/live-store';
import { CLOCK_LINE_HELP, clockLineText } from './dashboard-text';

/** A device's streams with their clock mappings, as its card lists them. */
export type StreamClock = { streamId: string; modality: StreamModality; state: StreamClockState | undefined };

/** What a stream's line says before its first clock push (the model has no observation yet). */
const NO_CLOCK: StreamClockState['clock'] = { offsetSec: NaN, driftPpm: NaN, driftEstimated: false, observations: 0, resets: 0, medianDelayMs: NaN, jitterMs: NaN, fitMs: NaN, driftSdPpm: NaN };

export function clocksOf(live: LiveStore, deviceId: string): StreamClock[] {
  return [...live.streams.values()].filter((s) => s.deviceId === deviceId).map((s) => ({ streamId: s.id, modality: s.modality, state: live.clocks.get(s.id) }));
}

/** Whether a device's clock lines are shown: only while it streams (the last figures of a device that
 *  is away or stopped would read as current), and not without the core. The Live dashboard's card and
 *  the Devices view's row both decide by this. */
export function clocksCurrent(state: DeviceStatus['state'], offline: boolean): boolean {
  return state === 'streaming' && !offline;
}

/** The list, titled for the device (`name`); nothing when it has no streams yet. Updated every few seconds. */
export function DeviceClocks({ name, clocks }: { name: string; clocks: StreamClock[] }) {
  if (clocks.length === 0) return null;
  return (
    <ul class="device-clocks small" aria-label={`${name} clock alignment`} title={CLOCK_LINE_HELP}>
      {clocks.map((c) => (
        <li key={c.streamId} data-testid="device-clock" data-stream={c.streamId} data-converged={c.state?.clock.driftEstimated ? 'true' : 'false'}>
          <ClockLine text={clockLineText(c.modality, c.state ?? { clock: NO_CLOCK })} />
        </li>
      ))}
    </ul>
  );
}

/** The figures of a clock line wrap between them, never inside one ('26 ±' on one line, '16 ppm' on the next). */
function ClockLine({ text }: { text: string }) {
  const parts = text.split(' · ');
  if (parts.length === 1) return <>{text}</>;
  return (
    <>
      {/* "offset … s ·" then a breakable space: a wrapped line starts with a figure, not a '·'. */}
      {parts.map((p, i) => (
        <Fragment key={i}>
          {i > 0 && ' '}
          <span class="clock-figure">{i < parts.length - 1 ? `${p} ·` : p}</span>
        </Fragment>
      ))}
    </>
  );
}
