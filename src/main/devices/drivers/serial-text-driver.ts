// A line-based text device on a serial port (Arduino/ESP32 sketches, amplifiers with a text mode).
// Nothing is sent to the device unless `startCommand` is set; lines are decoded by the pure
// SerialTextDecoder.
import { DeviceError } from '../../../shared/devices/device-error';
import { plural } from '../../../shared/plural';
import { SerialTextDecoder, serialTextOutputUnit, validateSerialTextConfig } from '../../../shared/devices/serial-text/serial-text-parse';
import type { SerialTextConfig } from '../../../shared/devices/serial-text/serial-text.types';
import type { DeviceDriver, DriverContext, DriverSession } from '../device-driver.types';
import { SerialPortFinder } from '../serial/serial-link';

export interface SerialTextDeviceConfig extends SerialTextConfig {
  path: string;
  baudRate?: number;
  name?: string;
  /** Written after opening (e.g. "start\n"), for devices that wait to be asked. */
  startCommand?: string;
  stopCommand?: string;
  /** Where the port's stable name, and its USB device, are looked up (SerialPortFinder); tests point them elsewhere. */
  aliasDir?: string;
  sysTtyDir?: string;
  /** The port's stable name learnt on an earlier run (the profile keeps it). */
  portAlias?: string;
  /**
   * The device streamed lines that fit these settings before (the profile remembers it so): lines
   * of another column count are then taken as another device's on its port, not as settings to fix.
   */
  layoutKnown?: boolean;
}

/** From this many lines a second up, a text device's first piece of a connection is taken as a cut line. */
export const SERIAL_TEXT_CUT_LINE_MIN_HZ = 2;

export class SerialTextDriver implements DeviceDriver {
  /** The id of the device on a port path (the profile's key, known before a driver is built). */
  static deviceIdFor(path: string): string {
    return `serial-text:${path}`;
  }

  readonly deviceId: string;
  readonly name: string;
  readonly model = 'serial-text';
  readonly transport = 'serial' as const;
  /** Opening a port that is not there is cheap: retry often, so a replugged device resumes at once. */
  readonly reconnect = { initialDelayMs: 250, maxDelayMs: 2_000 };
  readonly clockKind;
  readonly streamIds: string[];
  readonly settings: Record<string, string | number | boolean>;
  readonly quietHint: string;
  /**
   * What to do about a rate that does not match. Lines that fit the channels are all that tells a
   * port without a stable name holds this device: where its layout was known before this
   * connection, they may be another device's of the same column count.
   */
  get rateHint(): string {
    const fix = 'set Rate (Hz) to the rate the device prints at';
    return this.sessionUnsure ? `${fix}; or, as nothing names the adapter on this port, is another device with as many columns on it now?` : fix;
  }
  /** Its lost samples are the lines skipped as malformed (no radio: see DeviceDriver.lossHint). */
  readonly lossHint = 'each line skipped as malformed is a sample lost: a noisy cable, or lines the device prints that are not samples?';
  /** This connection's lines were taken as the device's by their column count alone (see rateHint). */
  private sessionUnsure = false;
  /** Lines that fit came on some connection of this driver (not only on an earlier run). */
  private streamedThisRun = false;
  /** Kept across reconnects: it learns the port's stable name to find it again. */
  readonly serialPort: SerialPortFinder;
  /** Lines fitting the channels came on some connection of this driver: the device's layout is known. */
  private streamed: boolean;
  /** The port was gone and is back, with no stable name: set until lines that fit come again. */
  private portReturned = false;

  constructor(readonly cfg: SerialTextDeviceConfig) {
    validateSerialTextConfig(cfg);
    this.streamed = cfg.layoutKnown === true;
    if (!cfg.path) throw new DeviceError('invalid-config', 'Serial text device: no port path given', false);
    this.deviceId = SerialTextDriver.deviceIdFor(cfg.path);
    this.name = cfg.name ?? `Serial device (${cfg.path})`;
    this.streamIds = [`${this.deviceId}/${cfg.modality}`];
    // A device timestamp column keeps running across reconnects; a line count restarts.
    this.clockKind = cfg.timeColumn !== undefined ? ('absolute' as const) : ('counter' as const);
    // Any port opens, whatever is (or is not) behind it: say what to check when it stays silent.
    this.quietHint = `is this the device's port, and is it printing lines of numbers${cfg.startCommand ? ' after the start command' : ''} at ${cfg.baudRate ?? 115200} baud?`;
    this.serialPort = new SerialPortFinder(cfg.path, { known: cfg.portAlias, aliasDir: cfg.aliasDir, sysTtyDir: cfg.sysTtyDir });
    this.settings = { path: cfg.path, baudRate: cfg.baudRate ?? 115200, channels: cfg.channels.length, rateHz: cfg.rateHz, unit: cfg.unit, modality: cfg.modality };
  }

  async open(ctx: DriverContext): Promise<DriverSession> {
    const { link, at, moved, unverified } = await this.serialPort.open(this.cfg.baudRate ?? 115200, this.name);
    if (unverified) this.portReturned = true;
    if (moved) ctx.log('info', moved);
    // Where it opened (the row says so when that is not its path: the adapter came back under another name).
    ctx.describe({ settings: { port: at } });
    // The port delivers from wherever its opening landed in the device's output: mid-line, mostly,
    // for a device printing fast, so its first piece is dropped. One printing a line every few
    // seconds is almost always opened between lines, and dropping one would cost it the connect
    // (no sample within the 3-s stall window).
    const decoder = new SerialTextDecoder(this.cfg, { fromLineEnd: this.cfg.rateHz >= SERIAL_TEXT_CUT_LINE_MIN_HZ });
    const streamId = this.streamIds[0];
    const unit = serialTextOutputUnit(this.cfg);
    ctx.streams([
      {
        id: streamId,
        deviceId: this.deviceId,
        deviceName: this.name,
        deviceModel: this.model,
        modality: this.cfg.modality,
        nominalRateHz: this.cfg.rateHz,
        channels: this.cfg.channels.map((label) => ({ label, unit, resolution: 0 })),
      },
    ]);
    let reportedBad = 0;
    let reportedLong = 0;
    let reportedNotText = 0;
    let sessionSamples = false;
    const baud = this.cfg.baudRate ?? 115200;
    const columns = this.cfg.channels.length + (this.cfg.timeColumn !== undefined ? 1 : 0);
    link.onData((bytes) => {
      const runs = decoder.push(bytes);
      const st = decoder.stats;
      // Said as it comes, so a connection that never gets a sample says this instead of "no samples".
      if (st.notTextBytes > reportedNotText)
        ctx.problem('bad-frame', `${plural(st.notTextBytes, 'byte')} came that are not text (${decoder.notTextPreview}): is ${baud} baud the rate the device sends at, and does it print text?`);
      reportedNotText = st.notTextBytes;
      if (st.badLines > reportedBad) ctx.problem('bad-frame', `${plural(st.badLines - reportedBad, 'malformed line')} skipped: ${decoder.lastError}`);
      if (st.overlongLines > reportedLong) ctx.problem('bad-frame', `${plural(st.overlongLines - reportedLong, 'over-long line')} dropped (no newline: does the device print lines, at ${baud} baud?)`);
      reportedBad = st.badLines;
      reportedLong = st.overlongLines;
      // Numbers in the wrong count, line after line: the channels do not fit the device, and
      // reconnecting will not change that. Said now, rather than a stall and futile retries.
      // Unless this device printed lines that fit before: then what prints now is most likely
      // another device on the port it left (one with no stable name tells nothing else), whose
      // lines are not taken as its own; it keeps trying, as for a port that is gone.
      if (decoder.columnMismatch) {
        if (!this.streamed) return ctx.fail('channel-mismatch', decoder.columnMismatch);
        const { min, max } = decoder.mismatchedColumns;
        const seen = min === max ? `${min}` : `${min} to ${max}`;
        return ctx.fail(
          'channel-mismatch',
          `lines on ${at} now have ${seen} columns, not the ${columns} this device printed before: is another device on its port now? They are not taken as this device's; trying until its own lines come back (if this device now prints ${seen} columns, set its channels to match)`,
          { retry: true },
        );
      }
      if (runs.length > 0 && !sessionSamples) {
        sessionSamples = true;
        // The port came back after it was gone, or this is the run's first connection of settings
        // the profile remembers: the port may have changed hands meanwhile.
        this.sessionUnsure = this.streamed && !this.serialPort.stableName && (this.portReturned || !this.streamedThisRun);
        this.streamedThisRun = true;
        // A port back on the path after it was gone, without a name to tell the adapter by: the
        // lines fitting this device's channels are all that says it is the same device.
        if (this.portReturned && this.streamed)
          ctx.log('info', `${at} is back with lines of ${columns} column${columns === 1 ? '' : 's'}, as this device printed: taken as the same device (the port has no /dev/serial/by-id name with a serial number to tell the adapter by)`);
        this.streamed = true;
        this.portReturned = false;
      }
      for (const r of runs) {
        if (r.missingBefore > 0) ctx.lost(streamId, r.missingBefore, 'packet-loss');
        ctx.samples(streamId, r.deviceTime, r.count, r.data);
      }
    });
    link.onLost((e) => ctx.dropped(e));
    if (this.cfg.startCommand) await link.write(this.cfg.startCommand);
    return {
      close: async () => {
        if (this.cfg.stopCommand) await link.write(this.cfg.stopCommand).catch(() => undefined);
        await link.close();
      },
    };
  }
}
