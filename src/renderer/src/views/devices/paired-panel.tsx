// Paired devices: live state, battery, signal, problem; connect/disconnect, rename, auto-connect at
// start, forget.
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { DeviceStatus } from '../../../../shared/device.types';
import type { PairedDevice } from '../../../../shared/devices/devices.types';
import { describeSeconds } from '../../../../shared/event-time';
import type { Gap, StreamInfo } from '../../../../shared/stream.types';
// HH:MM:SS, local time, of a host time (s).
import { clockTimeS as hhmmss } from '../../../../shared/clock-time';
import { connectNote, describeStreams, lastDrop, modelLine, pairedEmptyText, problemClass, problemText, stateText } from './device-text';
import { DeviceClocks, clocksCurrent, clocksOf, type StreamClock } from '../dashboard/device-clocks';
import type { LiveStore } from '../../live/live-store';
import { useLive } from '../../live/use-live';
import type { HeartMindClient } from '../../transport/client';
import { pressable, useAction, usePairedDevices } from './use-devices';

interface RowProps {
  client: HeartMindClient;
  device: PairedDevice;
  status?: DeviceStatus;
  streams: StreamInfo[];
  /** Its streams' clock mappings, the Live dashboard's lines. */
  clocks: StreamClock[];
  drop: Pick<Gap, 'startTime' | 'endTime' | 'missingSamples'> | null;
  /** No contact with the core: the status is only the last known one. */
  offline: boolean;
  /** A session replays: the core starts no live device until it is closed. */
  replaying: boolean;
}

function PairedRow({ client, device, status, streams, clocks, drop, offline, replaying }: RowProps) {
  const act = useAction();
  /** A Disconnect pressed while the row's own Connect is still running (act is busy with it). */
  const stop = useAction();
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(device.name);
  const [confirmForget, setConfirmForget] = useState(false);
  // The focus follows the row's forms: the name field as Rename opens it (holding the current
  // name, which another page may have changed), Keep as Forget asks, and back to the button that
  // opened them as they close. Without it the clicked button was disabled or gone, and the focus fell
  // to the page: a keyboard user was lost at the top. In a layout effect, as the form appears, so a
  // key typed at once lands in it.
  const nameField = useRef<HTMLInputElement>(null);
  const keepButton = useRef<HTMLButtonElement>(null);
  const renameButton = useRef<HTMLButtonElement>(null);
  const forgetButton = useRef<HTMLButtonElement>(null);
  /** Which button takes the focus back once its form has closed (Forget's is not drawn while it asks). */
  const refocus = useRef<'rename' | 'forget' | null>(null);
  useLayoutEffect(() => {
    if (editing) {
      nameField.current?.focus();
      nameField.current?.select();
    } else if (confirmForget) keepButton.current?.focus();
    else (refocus.current === 'rename' ? renameButton : refocus.current === 'forget' ? forgetButton : null)?.current?.focus();
    refocus.current = null;
  }, [editing, confirmForget]);
  const openRename = () => {
    setName(device.name);
    setEditing(true);
  };
  const closeRename = () => {
    refocus.current = 'rename';
    setEditing(false);
  };
  const cancelRename = () => {
    act.clear();
    closeRename();
  };
  const keep = () => {
    refocus.current = 'forget';
    setConfirmForget(false);
  };
  // The box shows what was asked until the profile's push says it: drawn from the profile alone, it
  // sprang back when the click re-rendered the row (busy) and flipped again when the push came.
  // A layout effect: as an effect it ran a frame late, and a second click in that frame was undone
  // by the first click's stale values (the box sprang back until the next push).
  const [autoAsked, setAutoAsked] = useState<boolean | null>(null);
  useLayoutEffect(() => {
    if (autoAsked !== null && device.autoConnect === autoAsked) setAutoAsked(null);
  }, [device.autoConnect, autoAsked]);
  const state = status?.state ?? 'idle';
  const shown = offline ? 'unknown' : state;
  // Since when it is away: its last sample before the drop, from the status (a page opened or
  // reloaded during the drop knows it too; the gap itself is pushed only once data resumes).
  const downSince = status?.lastDrop && status.lastDrop.endTime === undefined ? status.lastDrop.startTime : null;
  const running = state === 'streaming' || state === 'connecting' || state === 'reconnecting';
  // Its Connect is running and the device is trying: Disconnect calls it off (see the button).
  const stoppable = act.busy === 'connect' && running && stop.busy === null;
  const toggleText = stop.busy !== null ? 'Disconnecting…' : stoppable ? 'Disconnect' : act.busy === 'connect' ? 'Connecting…' : running ? 'Disconnect' : 'Connect';
  // Parked for a replay (or disconnected before it): Connect would be refused, so it is not offered.
  const waits = replaying && !running && !offline;
  const id = device.deviceId;
  return (
    <li class={`device device-${shown}`} data-testid={`paired-${id}`} data-state={shown}>
      <div class="device-head">
        <span class={`state-dot state-${shown}`} aria-hidden="true" />
        <div class="device-name">
          {editing ? (
            <form
              class="inline-form"
              onSubmit={(e) => {
                e.preventDefault();
                void act.run('rename', () => client.invoke('hm:devices:rename', { deviceId: id, name })).then((ok) => ok && closeRename());
              }}
              onKeyDown={(e) => e.key === 'Escape' && cancelRename()}
            >
              <input ref={nameField} value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} aria-label={`New name for ${device.name}`} maxLength={200} data-testid="rename-input" />
              {/* Two rows can be renamed at once: each form's controls say whose name they change. */}
              <button type="submit" class="btn btn-small" aria-label={`Save the new name for ${device.name}`} data-testid="rename-save">
                Save
              </button>
              <button type="button" class="btn btn-small" aria-label={`Cancel renaming ${device.name}`} onClick={cancelRename}>
                Cancel
              </button>
            </form>
          ) : (
            <strong data-testid="paired-name">{device.name}</strong>
          )}
          <div class="muted small" data-testid="paired-model">
            {modelLine(device, status)}
            {status?.name && status.name !== device.name ? ` · reports itself as ${status.name}` : ''}
          </div>
          {streams.length > 0 && (
            <div class="muted small" data-testid="paired-streams">
              {describeStreams(streams)}
            </div>
          )}
        </div>
        <span class="badge" data-testid="paired-state" title={offline ? `last known: ${stateText(status)}` : undefined}>
          {offline ? 'unknown' : stateText(status)}
        </span>
        {status?.batteryPercent !== undefined && (
          <span class="badge" title="Battery">
            🔋 {status.batteryPercent} %
          </span>
        )}
        {status?.rssiDbm !== undefined && Number.isFinite(status.rssiDbm) && (
          <span class="badge" title="Signal strength">
            {status.rssiDbm} dBm
          </span>
        )}
      </div>
      {status?.problem && (
        <p class={problemClass(status.problem)} role="status" data-testid="paired-problem" data-level={status.problem.level ?? 'warn'}>
          {problemText(status.problem, streams)}
        </p>
      )}
      {/* How its clock maps onto the host's, as on the Live dashboard's card: while it streams (the
          last figures of a device that is away would read as current), and not without the core. */}
      {clocksCurrent(state, offline) && <DeviceClocks name={device.name} clocks={clocks} />}
      {state === 'reconnecting' && !offline && (
        <p class="muted small" data-testid="paired-down">
          {downSince !== null ? `No data since ${hhmmss(downSince)}. ` : ''}
          Retrying on its own until you disconnect it; streaming resumes as soon as the device is back, and the hole is marked in the recording.
        </p>
      )}
      {status?.waitingForDevice && state === 'connecting' && !offline && (
        <p class="muted small" data-testid="paired-waiting">
          {/* The problem line above says what is missing and how often it is tried; this says what to do.
              (It also waits after new settings failed on a device that was reconnecting, not only at start.) */}
          {/* Not "as soon as it appears": it is looked for at the cadence the line above says (12 s for a
              serial port), and a user who plugged the dongle in waited for a connect said to be at once. */}
          It connects by itself at its next try once the device is there: plug the dongle in, switch the device on, or press Try now.{' '}
          <button type="button" class="btn btn-small" {...pressable(act.busy !== null)} onClick={() => act.busy === null && void act.run('retry', () => client.invoke('hm:devices:connect', { config: device.config }), connectNote)} data-testid="paired-retry">
            {act.busy === 'retry' ? 'Trying…' : 'Try now'}
          </button>
        </p>
      )}
      {drop && state !== 'reconnecting' && (
        <p class="muted small" data-testid="paired-drop">
          Last drop: {hhmmss(drop.startTime)} to {hhmmss(drop.endTime)} ({describeSeconds(Math.max(0, drop.endTime - drop.startTime))}
          {drop.missingSamples > 0 ? `, ${drop.missingSamples} samples missing` : ''}), reconnected on its own; marked as a gap.
        </p>
      )}
      {waits && (
        <p class="muted small" data-testid="paired-waits">
          Live devices wait while a session replays: close the replay in Sessions to connect it.
        </p>
      )}
      <div class="device-actions">
        {!waits && (
          <button
            type="button"
            class={`btn btn-small ${running ? 'btn-stop' : 'btn-start'}`}
            disabled={offline}
            {...pressable(act.busy !== null && !stoppable)}
            onClick={() => {
              // Disconnect while its Connect is still running calls the connect off (which then
              // ends with a note, not an error): it could not be pressed until the connect gave up.
              if (stoppable) void stop.run('disconnect', () => client.invoke('hm:devices:disconnect', { deviceId: id }));
              else if (act.busy === null) void act.run(running ? 'disconnect' : 'connect', () => (running ? client.invoke('hm:devices:disconnect', { deviceId: id }) : client.invoke('hm:devices:connect', { config: device.config })));
            }}
            // Each remembered device has these buttons: the name says which one.
            aria-label={`${toggleText} ${device.name}`}
            data-testid="paired-toggle"
          >
            {toggleText}
          </button>
        )}
        <button type="button" class="btn btn-small" ref={renameButton} onClick={openRename} disabled={editing} aria-label={`Rename ${device.name}`} data-testid="paired-rename">
          Rename
        </button>
        <label class="check small">
          <input
            type="checkbox"
            checked={autoAsked ?? device.autoConnect}
            onChange={(e) => {
              const autoConnect = (e.target as HTMLInputElement).checked;
              setAutoAsked(autoConnect);
              // Refused: the box goes back to what the profile holds, and the error says why.
              void act.run('auto-connect', () => client.invoke('hm:devices:auto-connect', { deviceId: id, autoConnect })).then((ok) => ok || setAutoAsked(null));
            }}
            // Every remembered device has this box: its name says which device (the visible words first,
            // so a speech user's "click Connect at start" still finds it).
            aria-label={`Connect at start: ${device.name}`}
            data-testid="paired-auto"
          />
          Connect at start
        </label>
        {confirmForget ? (
          <span class="confirm-inline" onKeyDown={(e) => e.key === 'Escape' && keep()}>
            Forget {device.name}?{' '}
            <button type="button" class="btn btn-small btn-stop" aria-label={`Forget ${device.name}`} onClick={() => void act.run('forget', () => client.invoke('hm:devices:forget', { deviceId: id }))} data-testid="paired-forget-yes">
              Forget
            </button>{' '}
            <button type="button" class="btn btn-small" ref={keepButton} aria-label={`Keep ${device.name}`} onClick={keep}>
              Keep
            </button>
          </span>
        ) : (
          <button type="button" class="btn btn-small" ref={forgetButton} onClick={() => setConfirmForget(true)} aria-label={`Forget ${device.name}`} data-testid="paired-forget">
            Forget
          </button>
        )}
      </div>
      {(act.error ?? stop.error) && (
        <p class="form-error" role="alert">
          {act.error ?? stop.error}
        </p>
      )}
      {act.note && state !== 'streaming' && (
        <p class="form-note" role="status" data-testid="paired-note">
          {act.note}
        </p>
      )}
    </li>
  );
}

export function PairedPanel({ client, live }: { client: HeartMindClient; live: LiveStore }) {
  useLive(live, 4);
  const { devices, error } = usePairedDevices(client);
  // Statuses come from the core: without it they are stale, and a row must not say "streaming".
  const offline = live.connection !== 'open';
  const replaying = [...live.devices.values()].some((d) => d.transport === 'replay');
  return (
    <section class="panel" aria-labelledby="paired-title">
      <div class="panel-header">
        <h2 id="paired-title">Your devices</h2>
        <span class="muted small">Remembered here and reconnected when HeartMind starts.</span>
      </div>
      {offline && devices !== null && devices.length > 0 && (
        <p class="device-problem" role="status" data-testid="paired-offline">
          No contact with HeartMind's core since {hhmmss(live.lostAt ?? Date.now() / 1000)}: what the devices are doing is unknown until it is back (the states refresh by themselves).
        </p>
      )}
      {error && <p class="form-error">{error}</p>}
      {devices === null ? (
        <p class="muted">Loading…</p>
      ) : devices.length === 0 ? (
        <p class="muted" data-testid="paired-empty">
          {pairedEmptyText([...live.devices.values()].filter((d) => d.transport === 'sim').map((d) => d.name))}
        </p>
      ) : (
        <ul class="device-list" data-testid="paired-list">
          {devices.map((d) => {
            const status = live.devices.get(d.deviceId) ?? d.status;
            const streams = [...live.streams.values()].filter((s) => s.deviceId === d.deviceId);
            const ids = new Set([...(status?.streamIds ?? []), ...streams.map((s) => s.id)]);
            // The status's own record of the last drop, for a page that was not open when its gaps were pushed.
            const recorded = status?.lastDrop?.endTime !== undefined ? { ...status.lastDrop, endTime: status.lastDrop.endTime } : null;
            return <PairedRow key={d.deviceId} client={client} device={d} status={status} streams={streams} clocks={clocksOf(live, d.deviceId)} drop={lastDrop(live.gaps, ids) ?? recorded} offline={offline} replaying={replaying} />;
          })}
        </ul>
      )}
    </section>
  );
}
