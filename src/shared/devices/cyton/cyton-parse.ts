// Pure decoders for the Cyton byte stream: framing with resynchronisation, the 33-byte packet,
// sample-counter continuity, Daisy pairing and the board's text replies. No clock, no I/O.
import { DeviceError } from '../device-error';
import { hexPreview, readInt16BE, readInt24BE, readUint32BE } from '../bytes';
import {
  CYTON_CHANNELS,
  CYTON_FOOTER_MAX,
  CYTON_FOOTER_MIN,
  CYTON_PACKET_BYTES,
  CYTON_READY_MARKER,
  CYTON_START_BYTE,
  CytonFooter,
  type CytonDecodeContext,
  type CytonDecodeStats,
  type CytonPacket,
  type CytonResetReply,
  type CytonRun,
} from './cyton.types';

export function isCytonFooter(b: number): boolean {
  return b >= CYTON_FOOTER_MIN && b <= CYTON_FOOTER_MAX;
}

/** One 33-byte packet (start byte included). Throws a DeviceError for anything else. */
export function parseCytonPacket(bytes: Uint8Array): CytonPacket {
  if (bytes.length !== CYTON_PACKET_BYTES) throw new DeviceError('bad-frame', `Cyton: packet must be ${CYTON_PACKET_BYTES} bytes, got ${bytes.length} [${hexPreview(bytes)}]`);
  if (bytes[0] !== CYTON_START_BYTE) throw new DeviceError('bad-frame', `Cyton: packet does not start with A0 [${hexPreview(bytes)}]`);
  const footer = bytes[32];
  if (!isCytonFooter(footer)) throw new DeviceError('bad-frame', `Cyton: wrong footer 0x${footer.toString(16).toUpperCase()} (expected C0–C6) [${hexPreview(bytes)}]`);
  const counts = new Int32Array(CYTON_CHANNELS);
  for (let c = 0; c < CYTON_CHANNELS; c++) counts[c] = readInt24BE(bytes, 2 + 3 * c);
  const aux = bytes.slice(26, 32);
  const p: CytonPacket = { sampleNumber: bytes[1], footer, counts, aux };
  if (footer === CytonFooter.STANDARD_ACCEL) p.accelCounts = [readInt16BE(bytes, 26), readInt16BE(bytes, 28), readInt16BE(bytes, 30)];
  if (footer >= CytonFooter.TIMESTAMP_ACCEL_SET) p.boardTimeMs = readUint32BE(bytes, 28);
  return p;
}

/**
 * Finds packets in a byte stream that may start anywhere, hold garbage, or break off mid-packet.
 * A candidate is an A0 with a valid footer 32 bytes later; when the byte after it is already here
 * it must be the next A0 too, which keeps a stray A0 inside sample data from being taken for a
 * start. Anything else is skipped one byte at a time (resynchronisation), and counted.
 */
export class CytonFramer {
  private buf = new Uint8Array(4096);
  private len = 0;
  skippedBytes = 0;
  badFooters = 0;

  /** Feeds bytes; calls `onPacket` with a view of each 33-byte packet (valid until the next push). */
  push(chunk: Uint8Array, onPacket: (packet: Uint8Array) => void): void {
    if (this.len + chunk.length > this.buf.length) {
      const next = new Uint8Array(Math.max(this.buf.length * 2, this.len + chunk.length));
      next.set(this.buf.subarray(0, this.len));
      this.buf = next;
    }
    this.buf.set(chunk, this.len);
    this.len += chunk.length;
    const b = this.buf;
    let i = 0;
    while (i + CYTON_PACKET_BYTES <= this.len) {
      if (b[i] !== CYTON_START_BYTE) {
        i++;
        this.skippedBytes++;
        continue;
      }
      const footerOk = isCytonFooter(b[i + 32]);
      const nextOk = i + CYTON_PACKET_BYTES >= this.len || b[i + CYTON_PACKET_BYTES] === CYTON_START_BYTE;
      if (!footerOk || !nextOk) {
        if (!footerOk) this.badFooters++;
        i++;
        this.skippedBytes++;
        continue;
      }
      onPacket(b.subarray(i, i + CYTON_PACKET_BYTES));
      i += CYTON_PACKET_BYTES;
    }
    // Keep the unfinished tail for the next push.
    b.copyWithin(0, i, this.len);
    this.len -= i;
  }

  reset(): void {
    this.len = 0;
  }
}

/**
 * Bytes in, runs of µV samples out: framing, scaling, sample-counter continuity (a jump splits
 * the run and reports the missing samples) and, with the Daisy, pairing of odd (board, channels
 * 1–8) and even (Daisy, 9–16) packets into 16-channel samples as BrainFlow does.
 */
export class CytonStreamDecoder {
  private readonly framer = new CytonFramer();
  private readonly channels: number;
  private lastNumber = -1;
  /** Packets seen, unwrapped (continues past 255). */
  private packetIndex = -1;
  private outIndex = 0;
  private nextOutIndex = -1;
  private pendingMain: Int32Array | null = null;
  private pendingMainIndex = -1;
  readonly stats: CytonDecodeStats = { packets: 0, skippedBytes: 0, badFooters: 0, lostPackets: 0, unpaired: 0 };
  private scratch: { idx: number; values: Float32Array }[] = [];

  constructor(private readonly ctx: CytonDecodeContext) {
    this.channels = ctx.daisy ? 16 : 8;
    if (ctx.uvPerCount.length < this.channels) throw new DeviceError('invalid-config', `Cyton: ${this.channels} channel scales needed, got ${ctx.uvPerCount.length}`);
  }

  push(bytes: Uint8Array): CytonRun[] {
    this.scratch = [];
    this.framer.push(bytes, (p) => this.onPacket(p));
    this.stats.skippedBytes = this.framer.skippedBytes;
    this.stats.badFooters = this.framer.badFooters;
    return this.toRuns();
  }

  private onPacket(p: Uint8Array): void {
    const sn = p[1];
    this.stats.packets++;
    if (this.lastNumber >= 0) {
      const delta = (sn - this.lastNumber) & 0xff;
      if (delta === 0) return; // a repeated packet: the dongle resent it
      this.stats.lostPackets += delta - 1;
      this.packetIndex += delta;
    } else {
      this.packetIndex = 0;
    }
    this.lastNumber = sn;
    const counts = new Int32Array(8);
    for (let c = 0; c < 8; c++) counts[c] = readInt24BE(p, 2 + 3 * c);
    if (!this.ctx.daisy) {
      this.emit(this.packetIndex, counts, null);
      return;
    }
    if (sn % 2 === 1) {
      if (this.pendingMain) this.stats.unpaired++;
      this.pendingMain = counts;
      this.pendingMainIndex = this.packetIndex;
      return;
    }
    if (this.pendingMain && this.pendingMainIndex === this.packetIndex - 1) {
      this.emit(this.packetIndex >> 1, this.pendingMain, counts);
    } else {
      this.stats.unpaired++;
    }
    this.pendingMain = null;
  }

  private emit(index: number, main: Int32Array, daisy: Int32Array | null): void {
    const v = new Float32Array(this.channels);
    const s = this.ctx.uvPerCount;
    for (let c = 0; c < 8; c++) v[c] = main[c] * s[c];
    if (daisy) for (let c = 0; c < 8; c++) v[8 + c] = daisy[c] * s[8 + c];
    this.scratch.push({ idx: index, values: v });
  }

  private toRuns(): CytonRun[] {
    const runs: CytonRun[] = [];
    const items = this.scratch;
    let start = 0;
    while (start < items.length) {
      let end = start + 1;
      while (end < items.length && items[end].idx === items[end - 1].idx + 1) end++;
      const first = items[start].idx;
      // Output indices count from the first sample we ever decoded.
      if (this.nextOutIndex < 0) this.outIndex = first;
      const missingBefore = this.nextOutIndex < 0 ? 0 : first - this.nextOutIndex;
      const count = end - start;
      const data = new Float32Array(this.channels * count);
      for (let k = 0; k < count; k++) {
        const vals = items[start + k].values;
        for (let c = 0; c < this.channels; c++) data[c * count + k] = vals[c];
      }
      runs.push({ firstSample: first - this.outIndex, missingBefore, count, data });
      this.nextOutIndex = items[end - 1].idx + 1;
      start = end;
    }
    return runs;
  }
}

/**
 * The board's reply to `v` (soft reset): free text ending in `$$$`. It names a Daisy when one is
 * attached ("On Daisy ADS1299 Device ID: 0x3E") and the firmware ("Firmware: v3.1.2"). The dongle
 * answers "Failure: …" itself when the board is off or out of radio range.
 */
export function parseCytonResetReply(text: string): CytonResetReply {
  const ready = text.includes(CYTON_READY_MARKER);
  const failure = /Failure:?[^$\r\n]*/i.exec(text)?.[0]?.trim();
  const firmware = /Firmware:\s*(v[\d.]+)/i.exec(text)?.[1];
  return {
    ready,
    daisy: /Daisy/i.test(text) && !/no daisy/i.test(text),
    ...(firmware ? { firmware } : {}),
    ...(failure ? { failure } : {}),
  };
}
