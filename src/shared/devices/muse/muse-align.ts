// Muse sends each electrode (and each PPG light) on its own characteristic; packets of the same
// instant share a u16 sequence number. This joins them into multichannel blocks in sequence order,
// unwraps the sequence (it wraps at 0x10000), and reports packets that never arrived so the source
// can mark a gap instead of splicing data across it. Pure: no clock, no I/O.
import { MUSE_SEQUENCE_MODULUS } from './muse.types';

export interface AlignedBlock {
  /** Unwrapped sequence number (keeps counting past 0xFFFF). */
  sequence: number;
  /** Packets lost just before this block (each `samplesPerPacket` samples long). */
  missingBefore: number;
  /** Planar [channel][sample]: channel c at [c × samplesPerPacket, (c + 1) × samplesPerPacket). */
  data: Float32Array;
}

interface Pending {
  filled: number;
  data: Float32Array;
}

export interface AlignerStats {
  /** Packets that came after their sequence was already emitted or dropped. */
  late: number;
  /** Sequences dropped because one channel never delivered. */
  incomplete: number;
  duplicates: number;
}

export class SequenceAligner {
  private pending = new Map<number, Pending>();
  private highest = -1;
  /** Next sequence to emit; -1 until the first block. */
  private next = -1;
  readonly stats: AlignerStats = { late: 0, incomplete: 0, duplicates: 0 };

  /**
   * @param channels how many characteristics make one block
   * @param samplesPerPacket samples each packet carries (EEG 12, PPG 6)
   * @param maxPending sequences to wait for a slow channel before giving up on the oldest
   */
  constructor(
    readonly channels: number,
    readonly samplesPerPacket: number,
    readonly maxPending = 8,
  ) {}

  /** Unwraps a u16 sequence against the highest one seen (±half the range decides the direction). */
  unwrap(raw: number): number {
    if (this.highest < 0) return raw;
    const base = this.highest - (this.highest % MUSE_SEQUENCE_MODULUS);
    let s = base + raw;
    if (s - this.highest > MUSE_SEQUENCE_MODULUS / 2) s -= MUSE_SEQUENCE_MODULUS;
    else if (this.highest - s > MUSE_SEQUENCE_MODULUS / 2) s += MUSE_SEQUENCE_MODULUS;
    return s;
  }

  /** Adds one channel's packet; returns the blocks that are now complete, oldest first. */
  push(channel: number, rawSequence: number, samples: ArrayLike<number>): AlignedBlock[] {
    if (channel < 0 || channel >= this.channels) throw new RangeError(`channel ${channel} outside 0..${this.channels - 1}`);
    const seq = this.unwrap(rawSequence);
    if (this.next >= 0 && seq < this.next) {
      this.stats.late++;
      return [];
    }
    if (seq > this.highest) this.highest = seq;
    let p = this.pending.get(seq);
    if (!p) {
      p = { filled: 0, data: new Float32Array(this.channels * this.samplesPerPacket) };
      this.pending.set(seq, p);
    }
    const bit = 1 << channel;
    if (p.filled & bit) {
      this.stats.duplicates++;
      return [];
    }
    p.filled |= bit;
    const off = channel * this.samplesPerPacket;
    for (let i = 0; i < this.samplesPerPacket; i++) p.data[off + i] = samples[i];
    return this.drain();
  }

  private drain(): AlignedBlock[] {
    const out: AlignedBlock[] = [];
    const full = (1 << this.channels) - 1;
    for (;;) {
      if (this.pending.size === 0) break;
      const oldest = Math.min(...this.pending.keys());
      const p = this.pending.get(oldest)!;
      if (p.filled === full) {
        this.pending.delete(oldest);
        const missingBefore = this.next < 0 ? 0 : oldest - this.next;
        out.push({ sequence: oldest, missingBefore, data: p.data });
        this.next = oldest + 1;
        continue;
      }
      // The oldest is incomplete: wait for its slow channel unless too many newer ones pile up.
      if (this.highest - oldest >= this.maxPending) {
        this.pending.delete(oldest);
        this.stats.incomplete++;
        continue;
      }
      break;
    }
    return out;
  }

  /** Forget everything (a new connection starts its own sequence). */
  reset(): void {
    this.pending.clear();
    this.highest = -1;
    this.next = -1;
  }
}
