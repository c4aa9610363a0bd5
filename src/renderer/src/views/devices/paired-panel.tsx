// Paired devices: live state, battery, signal, problem; connect/disconnect, rename, auto-connect at
// start, forget.
import { useState } from 'preact/hooks';
import type { DeviceStatus } from '../../../../shared/device.types';
import { describeConfig } from '../../../../shared/devices/device-catalog';
import type { PairedDevice } from '../../../../shared/devices/devices.types';
import type { LiveStore } from '../../live/live-store';
import { useLive } from '../../live/use-live';
import type { HeartMindClient } from '../../transport/client';
import { useAction, usePairedDevices } from './use-devices';

const STATE_TEXT: Record<DeviceStatus['state'], string> = {
  idle: 'not connected',
  connecting: 'connecting…',
  streaming: 'streaming',
  reconnecting: 'reconnecting…',
  stopped: 'disconnected',
  error: 'error',
};

function PairedRow({ client, device, status }: { client: HeartMindClient; device: PairedDevice; status?: DeviceStatus }) {
  const act = useAction();
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(device.name);
  const [confirmForget, setConfirmForget] = useState(false);
  const state = status?.state ?? 'idle';
  const running = state === 'streaming' || state === 'connecting' || state === 'reconnecting';
  const id = device.deviceId;
  return (
    <li class={`device device-${state}`} data-testid={`paired-${id}`} data-state={state}>
      <div class="device-head">
        <span class={`state-dot state-${state}`} aria-hidden="true" />
        <div class="device-name">
          {editing ? (
            <form
              class="inline-form"
              onSubmit={(e) => {
                e.preventDefault();
                void act.run('rename', () => client.invoke('hm:devices:rename', { deviceId: id, name })).then(() => setEditing(false));
              }}
            >
              <input value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} aria-label="Device name" maxLength={200} data-testid="rename-input" />
              <button type="submit" class="btn btn-small" data-testid="rename-save">
                Save
              </button>
              <button type="button" class="btn btn-small" onClick={() => setEditing(false)}>
                Cancel
              </button>
            </form>
          ) : (
            <strong data-testid="paired-name">{device.name}</strong>
          )}
          <div class="muted small">
            {describeConfig(device.config)}
            {status?.model ? ` · ${status.model}` : ''}
            {status?.name && status.name !== device.name ? ` · reports itself as ${status.name}` : ''}
          </div>
        </div>
        <span class="badge" data-testid="paired-state">
          {STATE_TEXT[state]}
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
        <p class="device-problem" role="status" data-testid="paired-problem">
          {status.problem.message}
        </p>
      )}
      <div class="device-actions">
        <button
          type="button"
          class={`btn btn-small ${running ? 'btn-stop' : 'btn-start'}`}
          disabled={act.busy !== null}
          onClick={() => void act.run(running ? 'disconnect' : 'connect', () => (running ? client.invoke('hm:devices:disconnect', { deviceId: id }) : client.invoke('hm:devices:connect', { config: device.config })))}
          data-testid="paired-toggle"
        >
          {act.busy === 'connect' ? 'Connecting…' : running ? 'Disconnect' : 'Connect'}
        </button>
        <button type="button" class="btn btn-small" onClick={() => setEditing(true)} disabled={editing} data-testid="paired-rename">
          Rename
        </button>
        <label class="check small">
          <input
            type="checkbox"
            checked={device.autoConnect}
            onChange={(e) => void act.run('auto-connect', () => client.invoke('hm:devices:auto-connect', { deviceId: id, autoConnect: (e.target as HTMLInputElement).checked }))}
            data-testid="paired-auto"
          />
          Connect at start
        </label>
        {confirmForget ? (
          <span class="confirm-inline">
            Forget {device.name}?{' '}
            <button type="button" class="btn btn-small btn-stop" onClick={() => void act.run('forget', () => client.invoke('hm:devices:forget', { deviceId: id }))} data-testid="paired-forget-yes">
              Forget
            </button>{' '}
            <button type="button" class="btn btn-small" onClick={() => setConfirmForget(false)}>
              Keep
            </button>
          </span>
        ) : (
          <button type="button" class="btn btn-small" onClick={() => setConfirmForget(true)} data-testid="paired-forget">
            Forget
          </button>
        )}
      </div>
      {act.error && (
        <p class="form-error" role="alert">
          {act.error}
        </p>
      )}
    </li>
  );
}

export function PairedPanel({ client, live }: { client: HeartMindClient; live: LiveStore }) {
  useLive(live, 4);
  const { devices, error } = usePairedDevices(client);
  return (
    <section class="panel" aria-labelledby="paired-title">
      <div class="panel-header">
        <h2 id="paired-title">Your devices</h2>
        <span class="muted small">Remembered here and reconnected when HeartMind starts.</span>
      </div>
      {error && <p class="form-error">{error}</p>}
      {devices === null ? (
        <p class="muted">Loading…</p>
      ) : devices.length === 0 ? (
        <p class="muted" data-testid="paired-empty">
          No devices yet. Scan for Bluetooth devices or open a serial port below.
        </p>
      ) : (
        <ul class="device-list" data-testid="paired-list">
          {devices.map((d) => (
            <PairedRow key={d.deviceId} client={client} device={d} status={live.devices.get(d.deviceId) ?? d.status} />
          ))}
        </ul>
      )}
    </section>
  );
}
