// Adding a device: scan Bluetooth (Polar, Muse, any heart-rate strap), open a serial port (listed,
// or typed: pseudo-terminals are not listed) as an OpenBCI Cyton or a text-mode device, or any
// BrainFlow board through the user's BrainFlow installation.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { brainflowBoardName } from '../../../../shared/devices/brainflow/brainflow-board-names';
import type { DeviceConfig, ScannedDevice, SerialPortInfo, BrainFlowLibraryInfo } from '../../../../shared/devices/devices.types';
import type { Modality } from '../../../../shared/stream.types';
import type { HeartMindClient } from '../../transport/client';
import { BrowseButton } from '../../shell/path-input';
import { connectNote } from './device-text';
import { pressable, useAction } from './use-devices';

const KIND_LABEL: Record<NonNullable<ScannedDevice['kind']>, string> = { 'polar-h10': 'Polar H10 (ECG + HR)', 'hr-strap': 'Heart-rate strap', muse: 'Muse headset' };

function signalBars(rssi: number): string {
  return rssi >= -60 ? '▂▄▆█' : rssi >= -70 ? '▂▄▆' : rssi >= -80 ? '▂▄' : '▂';
}

/**
 * Calls off the connect in flight: a new device has no row with a Disconnect yet, and a connect can
 * take a while (a headset listened for over several attempts, a port that does not answer). The
 * connect then ends with a note, not an error. The focus goes to `back` (the panel's Connect) first,
 * as this button goes away with the connect.
 */
function CancelConnect({ client, config, what, back }: { client: HeartMindClient; config: DeviceConfig | null; what: string; back?: { current: HTMLElement | null } }) {
  const act = useAction();
  if (!config) return null;
  return (
    <button
      type="button"
      class="btn btn-small btn-stop"
      {...pressable(act.busy !== null)}
      aria-label={`Cancel connecting ${what}`}
      data-testid="cancel-connect"
      onClick={() => {
        if (act.busy !== null) return;
        back?.current?.focus();
        void act.run('cancel', () => client.invoke('hm:devices:cancel-connect', { config }));
      }}
    >
      Cancel
    </button>
  );
}

/** A form that runs `onSubmit` in place (no page navigation). */
/** `busy`: its action is running; a submit meanwhile (Enter again) does nothing (see pressable). */
function DeviceForm({ onSubmit, busy, children }: { onSubmit(): void; busy: boolean; children: ComponentChildren }) {
  return (
    <form
      class="device-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (!busy) onSubmit();
      }}
    >
      {children}
    </form>
  );
}

interface FieldProps {
  label: string;
  value: string;
  onValue(value: string): void;
  /** The label spans the form's width. */
  wide?: boolean;
  /** The label spans two of the form's columns: a port path ('/dev/serial/by-id/usb-FTDI_…') needs more than one. */
  span2?: boolean;
  /** Shown after the input, inside the label (a datalist). */
  children?: ComponentChildren;
  // Passed to the input as they are:
  type?: 'number';
  min?: string;
  step?: string;
  placeholder?: string;
  required?: boolean;
  list?: string;
  'data-testid'?: string;
}

/** A labelled input bound to a string state (numbers stay text until the form is sent). */
function Field({ label, value, onValue, wide, span2, children, ...input }: FieldProps) {
  return (
    <label class={wide ? 'wide' : span2 ? 'span-2' : undefined}>
      {label}
      <input {...input} value={value} onInput={(e) => onValue((e.target as HTMLInputElement).value)} />
      {children}
    </label>
  );
}

export function BluetoothPanel({ client }: { client: HeartMindClient }) {
  const scan = useAction();
  const conn = useAction();
  const [found, setFound] = useState<ScannedDevice[]>([]);
  useEffect(
    () =>
      client.on('devices:found', (m) =>
        setFound((list) => (list.some((d) => d.id === m.device.id) ? list.map((d) => (d.id === m.device.id ? m.device : d)) : [...list, m.device])),
      ),
    [client],
  );
  const start = () =>
    scan.run('scan', async () => {
      setFound([]);
      const all = await client.invoke('hm:devices:scan', { durationMs: 5000 });
      setFound(all);
    });
  const pending = useRef<DeviceConfig | null>(null);
  const connect = (d: ScannedDevice) => {
    if (!d.kind) return;
    const config: DeviceConfig = { kind: d.kind, id: d.id, ...(d.name ? { name: d.name } : {}) };
    pending.current = config;
    void conn.run(d.id, () => client.invoke('hm:devices:connect', { config }), connectNote);
  };
  return (
    <section class="panel" aria-labelledby="ble-title">
      <div class="panel-header">
        <h2 id="ble-title">Bluetooth</h2>
        <span class="muted small">Polar H10, Muse 2 / S / 2016, any heart-rate strap. Put the strap on (it wakes on skin contact) or switch the headset on.</span>
        <div class="panel-tools">
          <button type="button" class="btn btn-small" onClick={() => scan.busy === null && void start()} {...pressable(scan.busy !== null)} data-testid="ble-scan">
            {scan.busy ? 'Scanning…' : 'Scan'}
          </button>
        </div>
      </div>
      {scan.error && (
        <p class="form-error" role="alert" data-testid="ble-error">
          {scan.error}
        </p>
      )}
      {found.length > 0 ? (
        <table class="device-table" data-testid="ble-found">
          <thead>
            <tr>
              <th>Name</th>
              <th>Kind</th>
              <th>Signal</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {found.map((d) => (
              <tr key={d.id}>
                <td>
                  {d.name} <span class="muted mono">{d.address}</span>
                </td>
                <td>{d.kind ? KIND_LABEL[d.kind] : 'not supported'}</td>
                <td title={`${d.rssiDbm} dBm`}>
                  <span class="bars">{signalBars(d.rssiDbm)}</span> <span class="muted small">{d.rssiDbm} dBm</span>
                </td>
                <td class="row-actions">
                  {d.paired ? (
                    <span class="badge">paired</span>
                  ) : (
                    <button type="button" class="btn btn-small btn-start" disabled={!d.kind} {...pressable(conn.busy !== null)} aria-label={`${conn.busy === d.id ? 'Connecting…' : 'Connect'} ${d.name}`} onClick={() => conn.busy === null && connect(d)}>
                      {conn.busy === d.id ? 'Connecting…' : 'Connect'}
                    </button>
                  )}
                  {conn.busy === d.id && <CancelConnect client={client} config={pending.current} what={d.name} />}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        !scan.busy && !scan.error && <p class="muted small">Press Scan to look for devices nearby.</p>
      )}
      {conn.error && (
        <p class="form-error" role="alert">
          {conn.error}
        </p>
      )}
      {conn.note && (
        <p class="form-note" role="status" data-testid="ble-note">
          {conn.note}
        </p>
      )}
    </section>
  );
}

export function SerialPanel({ client }: { client: HeartMindClient }) {
  const list = useAction();
  const conn = useAction();
  const [ports, setPorts] = useState<SerialPortInfo[] | null>(null);
  const [path, setPath] = useState('');
  const [kind, setKind] = useState<'cyton' | 'serial-text'>('cyton');
  const [channels, setChannels] = useState('ECG');
  const [rate, setRate] = useState('250');
  const [unit, setUnit] = useState('mV');
  const [modality, setModality] = useState<Modality>('ecg');
  const [baud, setBaud] = useState('115200');
  const refresh = () =>
    list.run('list', async () => {
      const p = await client.invoke('hm:devices:ports');
      setPorts(p);
      if (!path && p[0]) setPath(p[0].path);
    });
  useEffect(() => {
    void refresh();
  }, [client]);
  const pending = useRef<DeviceConfig | null>(null);
  const connectButton = useRef<HTMLButtonElement>(null);
  const connect = () => {
    const config: DeviceConfig =
      kind === 'cyton'
        ? { kind: 'cyton', path: path.trim(), daisy: 'auto' }
        : {
            kind: 'serial-text',
            path: path.trim(),
            channels: channels
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean),
            rateHz: Number(rate),
            unit: unit.trim(),
            modality,
            baudRate: Number(baud),
          };
    pending.current = config;
    void conn.run('connect', () => client.invoke('hm:devices:connect', { config }), connectNote);
  };
  return (
    <section class="panel" aria-labelledby="serial-title">
      <div class="panel-header">
        <h2 id="serial-title">Serial port</h2>
        <span class="muted small">OpenBCI Cyton (USB dongle), or any device printing numbers line by line (Arduino, ESP32, lab amplifiers).</span>
        <div class="panel-tools">
          <button type="button" class="btn btn-small" onClick={() => list.busy === null && void refresh()} {...pressable(list.busy !== null)} data-testid="serial-refresh">
            Refresh ports
          </button>
        </div>
      </div>
      {list.error && <p class="form-error">{list.error}</p>}
      <DeviceForm onSubmit={connect} busy={conn.busy !== null}>
        <Field label="Port" span2 list="serial-ports" value={path} onValue={setPath} placeholder="/dev/ttyUSB0, COM3, or a pseudo-terminal path" required data-testid="serial-path">
          <datalist id="serial-ports">
            {(ports ?? []).map((p) => (
              <option key={p.path} value={p.path}>
                {[p.manufacturer, p.guess === 'openbci-dongle' ? 'OpenBCI dongle' : ''].filter(Boolean).join(' · ')}
              </option>
            ))}
          </datalist>
        </Field>
        <label class="span-2">
          Device
          <select value={kind} onChange={(e) => setKind((e.target as HTMLSelectElement).value as 'cyton' | 'serial-text')} data-testid="serial-kind">
            <option value="cyton">OpenBCI Cyton / Cyton + Daisy</option>
            <option value="serial-text">Text lines (CSV / spaces)</option>
          </select>
        </label>
        {kind === 'serial-text' && (
          <>
            <Field label="Channels (comma-separated names)" value={channels} onValue={setChannels} data-testid="text-channels" />
            <Field label="Rate (Hz)" type="number" min="0.001" step="any" required value={rate} onValue={setRate} data-testid="text-rate" />
            <Field label="Unit" value={unit} onValue={setUnit} data-testid="text-unit" />
            <label>
              Signal
              <select value={modality} onChange={(e) => setModality((e.target as HTMLSelectElement).value as Modality)} data-testid="text-modality">
                <option value="ecg">ECG</option>
                <option value="eeg">EEG</option>
                <option value="other">Other</option>
              </select>
            </label>
            <Field label="Baud" type="number" min="1" step="1" required value={baud} onValue={setBaud} />
          </>
        )}
        <div class="form-actions">
          {/* Named with its panel: the BrainFlow form's button says Connect too. */}
          <button type="submit" ref={connectButton} class="btn btn-start" disabled={!path.trim()} {...pressable(conn.busy !== null)} aria-label={conn.busy ? 'Connecting…' : 'Connect the serial device'} data-testid="serial-connect">
            {conn.busy ? 'Connecting…' : 'Connect'}
          </button>
          {conn.busy && <CancelConnect client={client} config={pending.current} what={pending.current && 'path' in pending.current ? pending.current.path : 'the serial device'} back={connectButton} />}
        </div>
      </DeviceForm>
      {ports !== null && ports.length === 0 && <p class="muted small">No serial ports found. Plug the dongle in, or type the path.</p>}
      {conn.error && (
        <p class="form-error" role="alert" data-testid="serial-error">
          {conn.error}
        </p>
      )}
      {conn.note && (
        <p class="form-note" role="status" data-testid="serial-note">
          {conn.note}
        </p>
      )}
    </section>
  );
}

/** Board ids offered first (any other id: BrainFlow's list); names from brainflowBoardName. */
const COMMON_BOARDS: number[] = [-1, -3, 0, 2, 1, 46, 38, 39, 41, 7, 8, 11, 17, 47];

export function BrainFlowPanel({ client }: { client: HeartMindClient }) {
  const libAct = useAction();
  const conn = useAction();
  const [lib, setLib] = useState<BrainFlowLibraryInfo | null>(null);
  const [libPath, setLibPath] = useState('');
  const [board, setBoard] = useState('-1');
  const [port, setPort] = useState('');
  const [mac, setMac] = useState('');
  const [file, setFile] = useState('');
  const [master, setMaster] = useState('0');
  const [ecgRows, setEcgRows] = useState('');
  useEffect(() => {
    void libAct.run('find', async () => {
      const info = await client.invoke('hm:devices:brainflow');
      setLib(info);
      setLibPath(info.configuredPath ?? '');
    });
  }, [client]);
  const boardId = Number(board);
  const pending = useRef<DeviceConfig | null>(null);
  const connectButton = useRef<HTMLButtonElement>(null);
  const connect = () =>
    void conn.run('connect', () => {
      const tokens = ecgRows.split(/[\s,]+/).filter(Boolean);
      const bad = tokens.find((t) => !/^\d+$/.test(t));
      if (bad !== undefined) throw new Error(`ECG rows: "${bad}" is not a row number; give BrainFlow row numbers, such as 8 or 8, 9`);
      const rows = tokens.map(Number);
      // Only the fields on show: a serial port typed for another board must not ride along
      // with a playback file (it would even name the device).
      const params =
        boardId === -3
          ? { file: file.trim(), master_board: Number(master) }
          : { ...(port.trim() ? { serial_port: port.trim() } : {}), ...(mac.trim() ? { mac_address: mac.trim() } : {}) };
      const config: DeviceConfig = { kind: 'brainflow', boardId, params, ...(rows.length ? { ecgRows: rows } : {}) };
      pending.current = config;
      return client.invoke('hm:devices:connect', { config });
    }, connectNote);
  return (
    <section class="panel" aria-labelledby="bf-title">
      <div class="panel-header">
        <h2 id="bf-title">BrainFlow</h2>
        <span class="muted small">Any board BrainFlow supports, through your own BrainFlow (pip install brainflow).</span>
      </div>
      <p class="small" data-testid="bf-library">
        {lib === null ? (
          'Looking for BrainFlow…'
        ) : lib.path && !lib.problem ? (
          <>
            Using <span class="mono">{lib.path}</span> {lib.version ? `(version ${lib.version})` : ''}
          </>
        ) : lib.path ? (
          // A file that is there but is not BrainFlow (the problem names it): not "Using …" then why not.
          <span class="device-problem">{lib.problem}</span>
        ) : (
          <span class="muted">{lib.problem ?? 'BrainFlow not found.'}</span>
        )}
      </p>
      <DeviceForm
        busy={libAct.busy !== null}
        onSubmit={() =>
          void libAct.run('set', async () => {
            const info = await client.invoke('hm:devices:brainflow', { path: libPath.trim() || null });
            setLib(info);
          })
        }
      >
        <Field wide label="Library (libBoardController file or its folder; empty: search the usual places)" value={libPath} onValue={setLibPath} placeholder=".../site-packages/brainflow/lib" data-testid="bf-lib-path">
          <BrowseButton pick={{ mode: 'open-file', title: "BrainFlow's libBoardController", filters: [{ name: 'BrainFlow library', extensions: ['so', 'dylib', 'dll'] }] }} onPicked={setLibPath} />
        </Field>
        <div class="form-actions">
          <button type="submit" class="btn btn-small" {...pressable(libAct.busy !== null)} data-testid="bf-lib-set">
            Use this library
          </button>
        </div>
      </DeviceForm>
      {libAct.error && <p class="form-error">{libAct.error}</p>}
      <DeviceForm onSubmit={connect} busy={conn.busy !== null}>
        <label class="span-2">
          Board
          <select value={board} onChange={(e) => setBoard((e.target as HTMLSelectElement).value)} data-testid="bf-board">
            {COMMON_BOARDS.map((id) => (
              <option key={id} value={String(id)}>
                {brainflowBoardName(id)}
                {id === -1 ? ', no hardware' : ''} ({id})
              </option>
            ))}
          </select>
        </label>
        {boardId === -3 ? (
          <>
            <Field label="File (BrainFlow format)" value={file} onValue={setFile} data-testid="bf-file" />
            <Field label="Recorded with board id" type="number" value={master} onValue={setMaster} />
          </>
        ) : (
          <>
            <Field label="Serial port" value={port} onValue={setPort} placeholder="if the board needs one" data-testid="bf-serial-port" />
            <Field label="MAC address" value={mac} onValue={setMac} placeholder="optional" />
          </>
        )}
        <Field label="ECG rows" value={ecgRows} onValue={setEcgRows} placeholder="e.g. 8 (chest electrode)" data-testid="bf-ecg-rows" />
        <div class="form-actions">
          <button type="submit" ref={connectButton} class="btn btn-start" disabled={!lib?.path} {...pressable(conn.busy !== null)} aria-label={conn.busy ? 'Connecting…' : 'Connect the BrainFlow board'} data-testid="bf-connect">
            {conn.busy ? 'Connecting…' : 'Connect'}
          </button>
          {conn.busy && <CancelConnect client={client} config={pending.current} what="the BrainFlow board" back={connectButton} />}
        </div>
      </DeviceForm>
      {conn.error && (
        <p class="form-error" role="alert" data-testid="bf-error">
          {conn.error}
        </p>
      )}
      {conn.note && (
        <p class="form-note" role="status" data-testid="bf-note">
          {conn.note}
        </p>
      )}
    </section>
  );
}
