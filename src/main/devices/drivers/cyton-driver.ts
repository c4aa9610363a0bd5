// OpenBCI Cyton / Cyton + Daisy on the USB dongle's serial port. Handshake as BrainFlow does it:
// stop any stream, soft reset `v` and wait for `$$$` (the reply names a Daisy and the firmware, or
// "Failure" when the board is off), then `b`. Decoding is the pure CytonStreamDecoder.
import { plural } from '../../../shared/plural';
import { asciiText } from '../../../shared/devices/bytes';
import { CYTON_CMD, CYTON_RESET_TIMEOUT_MS } from '../../../shared/devices/cyton/cyton-commands';
import { CytonStreamDecoder, parseCytonResetReply } from '../../../shared/devices/cyton/cyton-parse';
import {
  CYTON_BAUD_RATE,
  CYTON_DAISY_SAMPLE_RATE_HZ,
  CYTON_DEFAULT_GAIN,
  CYTON_LABELS_16,
  CYTON_LABELS_8,
  CYTON_READY_MARKER,
  CYTON_SAMPLE_RATE_HZ,
  cytonUvPerCount,
} from '../../../shared/devices/cyton/cyton.types';
import { DeviceError } from '../../../shared/devices/device-error';
import { configuredModel } from '../../../shared/devices/device-models';
import type { StreamInfo } from '../../../shared/stream.types';
import type { DeviceDriver, DriverContext, DriverSession } from '../device-driver.types';
import { SerialPortFinder, portNode } from '../serial/serial-link';

const RESET_RETRY_MS = 1_000;
/** How long a port where another device talked is listened to before a command is written to it. */
const FOREIGN_LISTEN_MS = 300;
/**
 * Whole reset windows in a row a port may give no byte at all before nothing more is written to it
 * until it is replugged. Two, not one: a dongle plugged in a moment ago may still be starting.
 */
const SILENT_PROBES = 2;
/** The first byte of every Cyton packet. */
const CYTON_PACKET_START = 0xa0;

export interface CytonConfig {
  path: string;
  /** true/false, or 'auto' to follow the board's reset reply. Default 'auto'. */
  daisy?: boolean | 'auto';
  /** PGA gain per channel (the firmware default is 24). */
  gains?: number[];
  labels?: string[];
  name?: string;
  resetTimeoutMs?: number;
  /** Where the port's stable name, and its USB device, are looked up (SerialPortFinder); tests point them elsewhere. */
  aliasDir?: string;
  sysTtyDir?: string;
  /** The port's stable name learnt on an earlier run (the profile keeps it). */
  portAlias?: string;
  /** Whether the board answered with a Daisy when it last streamed (the profile remembers its model). */
  knownDaisy?: boolean;
}

export class CytonDriver implements DeviceDriver {
  /** The id of the device on a port path (the profile's key, known before a driver is built). */
  static deviceIdFor(path: string): string {
    return `cyton:${path}`;
  }

  readonly deviceId: string;
  readonly name: string;
  readonly transport = 'serial' as const;
  /** Opening a port that is not there is cheap: retry often, so a replugged dongle resumes at once. */
  readonly reconnect = { initialDelayMs: 250, maxDelayMs: 2_000 };
  readonly clockKind = 'counter' as const;
  /** As configured; with the Daisy left to find, the family until the reset reply says (see open). */
  model: string;
  readonly streamIds: string[];
  readonly settings: Record<string, string | number | boolean>;
  /** Kept across reconnects: it learns the port's stable name to find it again. */
  readonly serialPort: SerialPortFinder;
  /** Whether the board answered with a Daisy on this driver's last connection (null before one). */
  private lastDaisy: boolean | null;
  /** The port was gone and is back, with no stable name: set until the board answers there. */
  private portReturned = false;
  /** The port where the last try found another device's output instead of a reset reply (null: none). */
  private foreignAt: string | null = null;
  /** The port node that gave no byte at all through whole reset windows, and how many in a row. */
  private silent: { node: string; probes: number } | null = null;

  constructor(readonly cfg: CytonConfig) {
    this.deviceId = CytonDriver.deviceIdFor(cfg.path);
    this.name = cfg.name ?? `OpenBCI Cyton (${cfg.path})`;
    this.streamIds = [`${this.deviceId}/eeg`];
    this.model = configuredModel({ kind: 'cyton', path: cfg.path, daisy: cfg.daisy });
    this.settings = { path: cfg.path, daisy: String(cfg.daisy ?? 'auto') };
    this.serialPort = new SerialPortFinder(cfg.path, { known: cfg.portAlias, aliasDir: cfg.aliasDir, sysTtyDir: cfg.sysTtyDir });
    this.lastDaisy = cfg.knownDaisy ?? null;
  }

  /** Connect or Try now: a port that stayed silent is tried once more. */
  retryAsked(): void {
    if (this.silent) this.silent.probes = SILENT_PROBES - 1;
  }

  async open(ctx: DriverContext): Promise<DriverSession> {
    // A dongle always answers the reset ("$$$", or "Failure" with the board off): a port that gave
    // not a byte through SILENT_PROBES whole windows has another device on it (an Arduino printing
    // nothing) or none that works. Each open raises DTR, which resets an Arduino, and each try
    // writes it 's' and three 'v's; so while the port is the same node (not replugged: a dongle
    // plugged there is a new one) it is not opened again. Looking at the node costs nothing, so the
    // retry stays quick and a dongle plugged in its place is tried at once.
    const next = this.serialPort.where();
    if (next && this.silent && this.silent.probes >= SILENT_PROBES && portNode(next) === this.silent.node) throw new DeviceError('unavailable', this.silentText(this.cfg.path), true);
    const { link, at, moved, unverified } = await this.serialPort.open(CYTON_BAUD_RATE, this.name);
    const node = portNode(at);
    if (unverified) this.portReturned = true;
    if (moved) ctx.log('info', moved);
    // Where it opened (the row says so when that is not its path: the adapter came back under another name).
    ctx.describe({ settings: { port: at } });
    let text = '';
    let replyWaiter: (() => void) | null = null;
    let decoder: CytonStreamDecoder | null = null;
    let streamId = this.streamIds[0];
    let rate = CYTON_SAMPLE_RATE_HZ;
    let reported = { skipped: 0, lost: 0, unpaired: 0 };
    /** Bytes heard before the reset reply, and whether any could be Cyton packets (0xA0 starts one). */
    let heard = 0;
    let heardPackets = false;
    link.onData((bytes) => {
      if (!decoder) {
        heard += bytes.length;
        if (bytes.includes(CYTON_PACKET_START)) heardPackets = true;
        text += asciiText(bytes);
        if (text.length > 8192) text = text.slice(-4096);
        if (text.includes(CYTON_READY_MARKER) || /Failure/i.test(text)) replyWaiter?.();
        return;
      }
      const runs = decoder.push(bytes);
      const st = decoder.stats;
      if (st.skippedBytes > reported.skipped) {
        ctx.problem('bad-frame', `skipped ${plural(st.skippedBytes - reported.skipped, 'byte')} that were not Cyton packets (${plural(st.badFooters, 'wrong footer')} so far); resynchronised`);
      }
      if (st.unpaired > reported.unpaired) ctx.problem('packet-loss', `${plural(st.unpaired - reported.unpaired, 'Daisy half-sample')} without their partner dropped`);
      reported = { skipped: st.skippedBytes, lost: st.lostPackets, unpaired: st.unpaired };
      for (const r of runs) {
        if (r.missingBefore > 0) ctx.lost(streamId, r.missingBefore, 'packet-loss');
        ctx.samples(streamId, r.firstSample / rate, r.count, r.data);
      }
    });
    link.onLost((e) => ctx.dropped(e));
    const fail = async (e: DeviceError): Promise<never> => {
      await link.close();
      throw e;
    };
    try {
      // The last try here found another device talking: listen before writing to it. Still
      // talking, and not in Cyton packets: no command ('s', 'v') goes to a device that is not ours.
      if (this.foreignAt === at) {
        await delay(FOREIGN_LISTEN_MS, ctx.signal);
        if (ctx.closed) return fail(ctx.signal.reason as DeviceError);
        if (heard > 0 && !heardPackets)
          return fail(Object.assign(new DeviceError('unavailable', `${this.name}: ${at} carries another device's output (${heard} bytes in ${FOREIGN_LISTEN_MS} ms, not Cyton packets): no commands written to it`, true), { othersPort: true }));
      }
      // A board left streaming by another program would bury the reset reply in packets.
      await link.write(CYTON_CMD.stopStreaming);
      await delay(50, ctx.signal);
      text = '';
      const replied = new Promise<void>((resolve) => (replyWaiter = resolve));
      const timeoutMs = this.cfg.resetTimeoutMs ?? CYTON_RESET_TIMEOUT_MS;
      // Ask again every second: a dongle that was just plugged in can miss the first `v`.
      let ok = false;
      for (let waited = 0; waited < timeoutMs && !ok && !ctx.closed; waited += RESET_RETRY_MS) {
        // …but only while nothing came back: a reply on its way must not be cut by a second reset.
        if (waited === 0 || text.length === 0) await link.write(CYTON_CMD.softReset);
        // A stop or Cancel ends the wait at once (it took up to a second: the loop looked between waits).
        ok = await Promise.race([replied.then(() => true), delay(Math.min(RESET_RETRY_MS, timeoutMs - waited), ctx.signal).then(() => false)]);
      }
      // Given up on the signal, with its reason: the source takes that as the cancel it asked for.
      if (ctx.closed) return fail(ctx.signal.reason as DeviceError);
      // "Failure" may arrive in pieces; give the rest of the line a moment.
      if (/Failure/i.test(text) && !text.includes(CYTON_READY_MARKER)) await delay(100, ctx.signal);
      const reply = parseCytonResetReply(text);
      // Any byte back (a reply, "Failure", another device's output) ends a silent run (see the top of open).
      if (heard > 0) this.silent = null;
      if (reply.failure)
        return fail(new DeviceError('device-error', `${this.name}: the dongle answered "${reply.failure}" — is the board switched on, and the dongle switch on GPIO6?`, true));
      if (!ok || !reply.ready) {
        // Something answered, but not as a Cyton: another device's port (retried at the waiting
        // cadence, and listened to before anything is written to it again).
        const foreign = text.trim().length > 0 && !heardPackets;
        this.foreignAt = foreign ? at : null;
        // Not a byte through the whole window: counted on this node.
        if (heard === 0 && node) {
          this.silent = { node, probes: this.silent?.node === node ? this.silent.probes + 1 : 1 };
          if (this.silent.probes >= SILENT_PROBES) return fail(new DeviceError('timeout', this.silentText(at)));
        }
        // What came says which: a dongle whose board is off answers nothing; a port with something
        // else on it talks (a user who picked the wrong port saw the same words either way).
        const came = heard === 0 ? 'nothing came back' : `${heard} byte${heard === 1 ? '' : 's'} came back, not a Cyton's reply`;
        return fail(Object.assign(new DeviceError('timeout', `${this.name}: no "$$$" within ${(timeoutMs / 1000).toFixed(1)} s after soft reset (${came}) — is ${at} an OpenBCI dongle?`), { othersPort: foreign }));
      }
      this.foreignAt = null;
      const daisy = this.cfg.daisy === 'auto' || this.cfg.daisy === undefined ? reply.daisy : this.cfg.daisy;
      this.model = daisy ? 'cyton-daisy' : 'cyton';
      const nCh = daisy ? 16 : 8;
      rate = daisy ? CYTON_DAISY_SAMPLE_RATE_HZ : CYTON_SAMPLE_RATE_HZ;
      const gains = Array.from({ length: nCh }, (_, c) => this.cfg.gains?.[c] ?? CYTON_DEFAULT_GAIN);
      const uvPerCount = gains.map((g) => cytonUvPerCount(g));
      const labels = this.cfg.labels?.length === nCh ? this.cfg.labels : [...(daisy ? CYTON_LABELS_16 : CYTON_LABELS_8)];
      streamId = this.streamIds[0];
      const info: StreamInfo = {
        id: streamId,
        deviceId: this.deviceId,
        deviceName: this.name,
        deviceModel: this.model,
        modality: 'eeg',
        nominalRateHz: rate,
        channels: labels.map((label, c) => ({ label, unit: 'uV', resolution: uvPerCount[c] })),
      };
      ctx.streams([info]);
      ctx.describe({ settings: { ...this.settings, daisy, ...(reply.firmware ? { firmware: reply.firmware } : {}) } });
      ctx.log('info', `soft reset answered${reply.firmware ? ` (firmware ${reply.firmware})` : ''}; ${nCh} channels at ${rate} Hz`);
      // The reset reply is what tells a Cyton; which Cyton, only the Daisy can: a board that comes
      // back with another layout is said (its stream changes), and one back on a port without a
      // stable name, of which the reply is the only check, is said to be taken as this one.
      if (this.lastDaisy !== null && this.lastDaisy !== daisy)
        ctx.log('warn', `${at} now answers ${daisy ? 'with' : 'without'} a Daisy (${nCh} channels at ${rate} Hz); it answered ${daisy ? 'without' : 'with'} one before: another board, or the Daisy ${daisy ? 'fitted' : 'taken off'}?`);
      else if (this.portReturned)
        ctx.log('info', `${at} is back and answers as a Cyton${daisy ? ' + Daisy' : ''}, as this device did: taken as the same board (the port has no /dev/serial/by-id name with a serial number to tell the dongle by)`);
      this.lastDaisy = daisy;
      this.portReturned = false;
      decoder = new CytonStreamDecoder({ daisy, uvPerCount });
      await link.write(CYTON_CMD.startStreaming);
    } catch (e) {
      if (e instanceof DeviceError) throw e;
      return fail(new DeviceError('disconnected', `${this.name}: ${(e as Error).message}`));
    }
    return {
      close: async () => {
        await link.write(CYTON_CMD.stopStreaming).catch(() => undefined);
        await link.close();
      },
    };
  }

  /**
   * What a port that stayed silent is told by (the probe that decides it, and every retry after).
   * Facts only: the connection machine adds what happens next ('gave up after 3 attempts', 'waiting
   * for it'), so the text counts soft resets, not attempts (the attempts after it send none), and
   * promises no retry ('or Try now' read beside 'gave up', where Connect starts afresh).
   */
  private silentText(at: string): string {
    const secs = ((this.cfg.resetTimeoutMs ?? CYTON_RESET_TIMEOUT_MS) / 1000).toFixed(1);
    return `${this.name}: not a byte from ${at} after ${SILENT_PROBES} soft resets, ${secs} s each — is it an OpenBCI dongle? No more are sent to it until it is plugged in again`;
  }
}

/** Resolves after `ms`, or at once when `signal` aborts (the caller looks at ctx.closed next). */
function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
