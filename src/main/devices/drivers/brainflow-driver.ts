// Any BrainFlow board as a HeartMind device: prepare → start → poll → stop → release through the
// user's own libBoardController. Rows become streams by the board description's roles (EEG; ECG
// where the board or the user says so).
//
// The device clock is the sample count (lost samples, where the package row shows them, counted
// in), not BrainFlow's timestamp row: BrainFlow stamps each sample when its reader thread parses
// it, so the stamps come in bursts tens of ms apart, and read as a clock they made the pipeline
// see lost samples (a gap, filters restarting) after every late burst and overlaps (a chunk
// dropped) after every catch-up. The hub's clock model maps the count onto the host clock.
import { plural } from '../../../shared/plural';
import { existsSync, statSync } from 'node:fs';
import { brainflowRoles, type BrainFlowRoleMap } from '../../../shared/devices/brainflow/brainflow-roles';
import {
  BoardIds,
  BrainFlowError,
  BrainFlowExitCode,
  type BrainFlowInputParams,
} from '../../../shared/devices/brainflow/brainflow.types';
import { brainflowDeviceName } from '../../../shared/devices/brainflow/brainflow-board-names';
import { DeviceError, asDeviceError } from '../../../shared/devices/device-error';
import { configuredModel } from '../../../shared/devices/device-models';
import type { StreamInfo } from '../../../shared/stream.types';
import { BoardShim, findBrainFlowLibrary, loadBrainFlow } from '../brainflow/brainflow-lib';
import { countPlaybackSamples, type PlaybackPause } from '../brainflow/playback-file';
import type { DeviceDriver, DriverContext, DriverSession } from '../device-driver.types';
import { SerialPortFinder } from '../serial/serial-link';

export interface BrainFlowDeviceConfig {
  boardId: number;
  params?: Partial<BrainFlowInputParams>;
  /** libBoardController file or folder from the settings; absent: search the usual places. */
  libraryPath?: string;
  eegRows?: number[];
  ecgRows?: number[];
  name?: string;
  /** How often BrainFlow's buffer is drained, ms. */
  pollMs?: number;
  /** A board on a serial port: the port's stable name learnt on an earlier run (the profile keeps it). */
  portAlias?: string;
  /** Where the port's stable name, and its USB device, are looked up (SerialPortFinder); tests point them elsewhere. */
  aliasDir?: string;
  sysTtyDir?: string;
}

/** Where a board is: its serial port, MAC or IP address, file or serial number ('' for the synthetic board). */
function addressOf(cfg: Pick<BrainFlowDeviceConfig, 'params'>): string {
  const p = cfg.params;
  return p?.serial_port || p?.mac_address || p?.ip_address || p?.file || p?.serial_number || '';
}

/** Boards whose package row counts samples by a fixed step mod 256, so lost samples show. */
const PACKAGE_STEP: Partial<Record<number, number>> = {
  [BoardIds.SYNTHETIC_BOARD]: 1,
  [BoardIds.CYTON_BOARD]: 1,
  [BoardIds.CYTON_DAISY_BOARD]: 2,
  [BoardIds.CYTON_WIFI_BOARD]: 1,
  [BoardIds.CYTON_DAISY_WIFI_BOARD]: 2,
};

export class BrainFlowDriver implements DeviceDriver {
  readonly deviceId: string;
  readonly name: string;
  readonly model: string;
  readonly transport = 'brainflow' as const;
  readonly clockKind = 'counter' as const;
  readonly streamIds: string[];
  readonly settings: Record<string, string | number | boolean>;
  /**
   * A board on a serial port (a device file; not Windows' COM ports, which keep their number) is
   * found again as the Cyton and text devices are: by its adapter's stable name, learnt each time
   * BrainFlow opens it, where Linux renumbers the adapter (/dev/ttyUSB0 → /dev/ttyUSB1).
   */
  readonly serialPort?: SerialPortFinder;

  /** The id of the board at an address (the profile's key, known before a driver is built). */
  static deviceIdFor(cfg: Pick<BrainFlowDeviceConfig, 'boardId' | 'params'>): string {
    const where = addressOf(cfg);
    return `brainflow:${cfg.boardId}${where ? `:${where}` : ''}`;
  }

  constructor(readonly cfg: BrainFlowDeviceConfig) {
    const where = addressOf(cfg);
    this.deviceId = BrainFlowDriver.deviceIdFor(cfg);
    this.model = configuredModel({ kind: 'brainflow', boardId: cfg.boardId });
    this.name = cfg.name ?? brainflowDeviceName(cfg.boardId, where);
    this.streamIds = [`${this.deviceId}/eeg`];
    this.settings = { boardId: cfg.boardId, ...(where ? { address: where } : {}), ...(cfg.libraryPath ? { libraryPath: cfg.libraryPath } : {}) };
    const port = cfg.params?.serial_port;
    if (port?.startsWith('/')) this.serialPort = new SerialPortFinder(port, { known: cfg.portAlias, aliasDir: cfg.aliasDir, sysTtyDir: cfg.sysTtyDir });
  }

  async open(ctx: DriverContext): Promise<DriverSession> {
    const found = findBrainFlowLibrary({ explicit: this.cfg.libraryPath });
    if (!found.path)
      throw new DeviceError(
        'unavailable',
        this.cfg.libraryPath
          ? `${this.name}: no BrainFlow library at ${this.cfg.libraryPath}`
          : `${this.name}: BrainFlow's libBoardController was not found (pip install brainflow, or set its path in Settings); looked in ${found.tried.length} places`,
        false,
      );
    // The library's errors are headed "BrainFlow: " (the settings panel shows them alone); under this
    // device's name, which says BrainFlow already ("BrainFlow Synthetic board: BrainFlow: … cannot be
    // loaded here"), once is enough.
    const lib = await loadBrainFlow(found.path).catch((e: unknown) => {
      const err = asDeviceError(e);
      throw new DeviceError(err.code, `${this.name}: ${err.message.replace(/^BrainFlow: /, '')}`, err.retryable);
    });
    const params = this.cfg.params ?? {};
    if (this.cfg.boardId === BoardIds.PLAYBACK_FILE_BOARD) {
      if (!params.file) throw new DeviceError('invalid-config', `${this.name}: the playback board needs a file`, false);
      if (!existsSync(params.file)) throw new DeviceError('invalid-config', `${this.name}: playback file ${params.file} does not exist`, false);
      // BrainFlow opens a folder as a file and then calls it "empty file".
      if (statSync(params.file).isDirectory()) throw new DeviceError('invalid-config', `${this.name}: ${params.file} is a folder; choose the BrainFlow file in it (one line per sample)`, false);
    }
    // The board's rows are known before a session is prepared (nothing to release if they do not fit).
    const roles = brainflowRoles(new BoardShim(lib, this.cfg.boardId, params).describe(), { eegRows: this.cfg.eegRows, ecgRows: this.cfg.ecgRows });
    const prepare = async (serialPort?: string): Promise<BoardShim> => {
      const shim = new BoardShim(lib, this.cfg.boardId, serialPort ? { ...params, serial_port: serialPort } : params);
      try {
        await shim.prepare();
      } catch (e) {
        // A session this process left prepared (e.g. after a crash of our poller): release, retry once.
        if (!(e instanceof BrainFlowError && e.exitCode === BrainFlowExitCode.ANOTHER_BOARD_IS_CREATED_ERROR)) throw e;
        await shim.release().catch(() => undefined);
        await shim.prepare();
      }
      return shim;
    };
    let shim: BoardShim;
    if (this.serialPort) {
      // BrainFlow opens the port: given where the adapter is (its path, or its stable name).
      const { opened, at, moved } = await this.serialPort.openWith(this.name, (path) => {
        // A port not there is said as for any serial device, not as BrainFlow's UNABLE_TO_OPEN_PORT_ERROR.
        if (!existsSync(path)) throw new DeviceError('unavailable', `${this.name}: cannot open ${path}: port not found (unplugged?)`, true);
        return prepare(path);
      });
      shim = opened;
      if (moved) ctx.log('info', moved);
      ctx.describe({ settings: { port: at } });
    } else shim = await prepare();
    // Stopped while the board was being prepared (seconds for some boards): released, not started.
    if (ctx.signal.aborted) {
      await shim.release().catch(() => undefined);
      throw ctx.signal.reason;
    }
    try {
      await shim.start();
    } catch (e) {
      await shim.release().catch(() => undefined);
      throw e;
    }
    ctx.log('info', `BrainFlow ${lib.version} from ${lib.path}: ${roles.boardName}, ${roles.numRows} rows at ${roles.rateHz} Hz`);
    ctx.describe({ settings: { ...this.settings, brainflowVersion: lib.version, library: lib.path } });
    const streams = this.streamInfos(roles);
    ctx.streams(streams.map((s) => s.info));

    const step = PACKAGE_STEP[shim.describedBoardId];
    let lastPackage = NaN;
    /** Index of the next sample on the device clock (lost samples included). */
    let sampleIndex = 0;
    let buf = new Float64Array(0);
    let closed = false;
    // A playback file ends: BrainFlow then just stops pushing. Knowing how many samples it holds
    // tells that end from a stall (which would reconnect and play the file again after a false
    // 'device-dropped' gap). Counted while it plays, so a long file does not delay the start.
    let delivered = 0;
    let fileSamples: number | undefined;
    let untimedFile = false;
    // Where the recording paused: BrainFlow waits each pause out (it sleeps for every step in the
    // timestamp row), which would read as a stall, and each reconnect played the file again from
    // its start: data twice, and a file never played to its end. Marked as a 'paused' gap instead,
    // and announced as a quiet spell when its last sample before has come.
    let pauses: PlaybackPause[] = [];
    let nextPause = 0;
    const announcePause = () => {
      const p = pauses[nextPause];
      if (p && delivered === p.atSample) ctx.quiet(p.seconds, `${file} holds a ${p.seconds.toFixed(1)} s pause in its recording after sample ${p.atSample}: BrainFlow waits it out before playing on (marked as a pause)`);
    };
    const file = params.file;
    if (this.cfg.boardId === BoardIds.PLAYBACK_FILE_BOARD && file) {
      this.scanPlaybackFile(file, roles.numRows, roles.timestampRow).then(
        ({ samples, openBciGui, pauses: found, untimed }) => {
          fileSamples = samples;
          untimedFile = untimed;
          pauses = found;
          // Pauses already passed while the file was being read are too late to mark.
          while (nextPause < pauses.length && pauses[nextPause].atSample < delivered) nextPause++;
          announcePause();
          if (samples === 0)
            ctx.fail(
              'channel-mismatch',
              openBciGui
                ? `${this.name}: ${file} is an OpenBCI GUI recording, which BrainFlow's playback board cannot play (it reads BrainFlow's own files, one line per sample): import it in the Sessions view instead`
                : `${this.name}: ${file} has no line of ${roles.numRows} values, the row count of ${roles.boardName} (board ${shim.describedBoardId}): choose the board it was recorded with`,
            );
        },
        (e) => ctx.log('warn', `could not count the samples in ${file} (its end will look like a stall): ${(e as Error).message}`),
      );
    }
    const poll = () => {
      if (closed || ctx.closed) return;
      if (fileSamples !== undefined && fileSamples > 0 && delivered >= fileSamples) {
        // BrainFlow paces a file by its timestamp row; a file without timestamps flashes by.
        const untimed = untimedFile ? `; it has no timestamps (row ${roles.timestampRow} is 0 on every line), so BrainFlow played it all at once, not at ${roles.rateHz} Hz` : '';
        ctx.finished(`played ${file} to its end (${delivered} samples, ${(delivered / roles.rateHz).toFixed(1)} s)${untimed}; Connect plays it again`);
        return;
      }
      let n: number;
      try {
        n = shim.dataCount();
        if (n <= 0) return;
        if (buf.length < n * roles.numRows) buf = new Float64Array(n * roles.numRows * 2);
        shim.getData(n, roles.numRows, undefined, buf);
      } catch (e) {
        ctx.dropped(e instanceof DeviceError ? e : new DeviceError('disconnected', `${this.name}: ${(e as Error).message}`));
        return;
      }
      // BrainFlow packs rows × n: row r, sample i at r·n + i.
      // The batch's samples up to each pause in it, then the pause (normally the batch starts right
      // after one: BrainFlow sent everything before it, then waited).
      const base = delivered;
      const cuts: { at: number; pause: PlaybackPause }[] = [];
      for (; nextPause < pauses.length && pauses[nextPause].atSample < base + n; nextPause++) cuts.push({ at: pauses[nextPause].atSample - base, pause: pauses[nextPause] });
      // The package counter across a pause says nothing about loss (appended recordings restart it).
      if (cuts[0]?.at === 0) lastPackage = NaN;
      if (step !== undefined && roles.packageRow !== undefined) {
        const first = buf[roles.packageRow * n];
        if (Number.isFinite(lastPackage)) {
          const missing = Math.round((((first - lastPackage + 256) % 256) / step) - 1);
          if (missing > 0) {
            for (const s of streams) ctx.lost(s.info.id, missing, 'packet-loss');
            sampleIndex += missing;
          }
        }
        lastPackage = buf[roles.packageRow * n + n - 1];
      }
      const deliver = (from: number, to: number) => {
        const count = to - from;
        if (count <= 0) return;
        const t0 = sampleIndex / roles.rateHz;
        sampleIndex += count;
        delivered += count;
        for (const s of streams) {
          const data = new Float32Array(s.rows.length * count);
          let bad = 0;
          for (let c = 0; c < s.rows.length; c++) {
            const off = s.rows[c] * n + from;
            for (let i = 0; i < count; i++) {
              const v = buf[off + i];
              if (!Number.isFinite(v)) bad++;
              data[c * count + i] = v;
            }
          }
          if (bad) ctx.problem('non-finite-samples', `${plural(bad, 'non-finite value')} from BrainFlow in ${s.info.id}`);
          ctx.samples(s.info.id, t0, count, data);
        }
      };
      let from = 0;
      for (const { at, pause } of cuts) {
        deliver(from, at);
        from = at;
        // The samples the recording would have held meanwhile: the device clock runs on over them.
        const missing = Math.round(pause.seconds * roles.rateHz) - 1;
        if (missing > 0) {
          for (const s of streams) ctx.lost(s.info.id, missing, 'paused');
          sampleIndex += missing;
        }
      }
      deliver(from, n);
      announcePause();
    };
    const timer = setInterval(poll, this.cfg.pollMs ?? 50);
    return {
      close: async () => {
        closed = true;
        clearInterval(timer);
        await shim.stop().catch((e) => ctx.log('warn', (e as Error).message));
        await shim.release().catch((e) => ctx.log('warn', (e as Error).message));
      },
    };
  }

  /** The last scan of the playback file, kept while the file is unchanged (a reconnect plays it again). */
  private scan: { key: string; result: ReturnType<typeof countPlaybackSamples> } | null = null;

  private scanPlaybackFile(file: string, numRows: number, timestampRow: number | undefined): ReturnType<typeof countPlaybackSamples> {
    const st = statSync(file);
    const key = `${file}\0${numRows}\0${timestampRow}\0${st.size}\0${st.mtimeMs}`;
    if (this.scan?.key !== key) this.scan = { key, result: countPlaybackSamples(file, numRows, timestampRow) };
    // A failed read is tried again next time.
    this.scan.result.catch(() => {
      if (this.scan?.key === key) this.scan = null;
    });
    return this.scan.result;
  }

  private streamInfos(roles: BrainFlowRoleMap): { info: StreamInfo; rows: number[] }[] {
    const out: { info: StreamInfo; rows: number[] }[] = [];
    const mk = (kind: 'eeg' | 'ecg', r: NonNullable<BrainFlowRoleMap['eeg']>) => ({
      info: {
        id: `${this.deviceId}/${kind}`,
        deviceId: this.deviceId,
        deviceName: this.name,
        deviceModel: this.model,
        modality: kind,
        nominalRateHz: roles.rateHz,
        channels: r.labels.map((label) => ({ label, unit: 'uV', resolution: 0 })),
      },
      rows: r.rows,
    });
    if (roles.eeg) out.push(mk('eeg', roles.eeg));
    if (roles.ecg) out.push(mk('ecg', roles.ecg));
    if (out.length === 0) throw new DeviceError('not-supported', `${this.name}: the board has no EEG or ECG rows to stream (set the rows in the device settings)`, false);
    return out;
  }
}
