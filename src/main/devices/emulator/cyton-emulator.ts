// Plays an OpenBCI Cyton dongle on one end of a serial link (a socat pseudo-terminal pair in tests
// and benchmarks): answers `v` with the firmware banner and `$$$`, streams 33-byte packets at the
// real 250 Hz on `b`, stops on `s`. Samples come from a callback, so a real recording can be
// re-encoded. Lets the whole serial path run without a board.
import { CYTON_CMD } from '../../../shared/devices/cyton/cyton-commands';
import { encodeCytonPacket } from '../../../shared/devices/cyton/cyton-encode';
import { CYTON_SAMPLE_RATE_HZ } from '../../../shared/devices/cyton/cyton.types';
import { openSerialLink, type SerialLink } from '../serial/serial-link';

export interface CytonEmulatorOptions {
  path: string;
  daisy?: boolean;
  /**
   * Fills `out` (8 counts; for the Daisy 16) for 16-channel-or-8-channel sample `i`. With the
   * Daisy one sample becomes two packets (odd: board, even: Daisy).
   */
  countsAt: (i: number, out: Int32Array) => void;
  /** Answer the reset with the dongle's "board is off" failure instead. */
  boardOff?: boolean;
  /** Packets (by index) to leave out, to emulate radio loss. */
  lose?: (packetIndex: number) => boolean;
  /** Bytes to slip in before a packet, to emulate line noise. */
  noiseBefore?: (packetIndex: number) => Uint8Array | null;
  /**
   * Write period, ms: each write sends the packets that came due since the last (the FTDI chip's
   * latency timer batches similarly). Default 8. The period runs on the host's timers, so against a
   * reader's own paced reads (READ_PACE_MS) its phase holds for seconds at a time, which no board's
   * crystal-timed sending does: the earliest arrival of each second then wanders by up to a few ms,
   * and a clock fit over the first 10–20 s tilts with it. A test that measures the alignment to the
   * ms writes every 1 ms (three-devices-drift).
   */
  periodMs?: number;
  /** Called when the link goes away (the pty pair was killed). */
  onLost?: () => void;
  /**
   * The board's crystal error, ppm: +400 sends 250.1 samples per host second (the board's clock
   * runs fast), as two real boards never share a rate. Default 0.
   */
  clockPpm?: number;
}

const BANNER_8 = 'OpenBCI V3 8-16 channel\nOn Board ADS1299 Device ID: 0x3E\nLIS3DH Device ID: 0x33\nFirmware: v3.1.2\n$$$';
const BANNER_16 = 'OpenBCI V3 8-16 channel\nOn Board ADS1299 Device ID: 0x3E\nOn Daisy ADS1299 Device ID: 0x3E\nLIS3DH Device ID: 0x33\nFirmware: v3.1.2\n$$$';

export class CytonEmulator {
  private link: SerialLink | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  private packetIndex = 0;
  private t0 = 0;
  private sent = 0;
  /** performance.now() (ms) when streaming last started: sample i is due at t0 + i / rate on the host. */
  get startedAtMs(): number {
    return this.t0;
  }
  /** Packets per host second (250 Hz off by the crystal error). */
  get packetRateHz(): number {
    return CYTON_SAMPLE_RATE_HZ * (1 + (this.opts.clockPpm ?? 0) * 1e-6);
  }
  /** Packets written so far (all sessions). */
  packetsWritten = 0;
  streaming = false;

  constructor(readonly opts: CytonEmulatorOptions) {}

  async open(): Promise<void> {
    const link = await openSerialLink(this.opts.path, 115200, 'cyton-emulator');
    this.link = link;
    link.onData((bytes) => {
      for (const b of bytes) this.command(String.fromCharCode(b));
    });
    link.onLost(() => {
      this.halt();
      this.link = null;
      this.opts.onLost?.();
    });
  }

  private command(c: string): void {
    if (c === CYTON_CMD.softReset) {
      this.halt();
      // A reset board counts its samples from the start again (with the Daisy: board half first).
      // Counting on made every reconnect begin on a Daisy half without its partner.
      this.packetIndex = 0;
      const reply = this.opts.boardOff ? 'Failure: Communications timeout - Device failed to poll Host$$$' : this.opts.daisy ? BANNER_16 : BANNER_8;
      void this.link?.write(reply).catch(() => undefined);
    } else if (c === CYTON_CMD.startStreaming && !this.opts.boardOff) {
      this.startStreaming();
    } else if (c === CYTON_CMD.stopStreaming) {
      this.halt();
    }
  }

  private startStreaming(): void {
    if (this.streaming) return;
    this.streaming = true;
    this.t0 = performance.now();
    this.sent = 0;
    const period = this.opts.periodMs ?? 8;
    this.timer = setInterval(() => this.pump(), period);
  }

  private pump(): void {
    const due = Math.floor(((performance.now() - this.t0) / 1000) * this.packetRateHz) - this.sent;
    if (due <= 0 || !this.link) return;
    const chunks: Uint8Array[] = [];
    const counts = new Int32Array(this.opts.daisy ? 16 : 8);
    for (let k = 0; k < due; k++) {
      const idx = this.packetIndex++;
      this.sent++;
      const noise = this.opts.noiseBefore?.(idx);
      if (noise) chunks.push(noise);
      if (this.opts.lose?.(idx)) continue;
      // Sample numbers run 0..255; with the Daisy odd = board half, even = Daisy half.
      const sn = this.opts.daisy ? (idx + 1) & 0xff : idx & 0xff;
      const sampleIdx = this.opts.daisy ? idx >> 1 : idx;
      this.opts.countsAt(sampleIdx, counts);
      const half = this.opts.daisy && sn % 2 === 0 ? counts.subarray(8, 16) : counts.subarray(0, 8);
      chunks.push(encodeCytonPacket(sn, half, { footer: 0xc0 }));
      this.packetsWritten++;
    }
    const total = chunks.reduce((n, c) => n + c.length, 0);
    const buf = new Uint8Array(total);
    let o = 0;
    for (const c of chunks) {
      buf.set(c, o);
      o += c.length;
    }
    void this.link.write(buf).catch(() => this.halt());
  }

  private halt(): void {
    this.streaming = false;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  async close(): Promise<void> {
    this.halt();
    await this.link?.close();
    this.link = null;
  }
}

