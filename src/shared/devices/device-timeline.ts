// Keeps one stream's device time continuous across reconnects. Counter clocks (Muse sequence,
// Cyton sample counter, a text device's line count) restart with every connection; absolute
// clocks (Polar's ns since 2000, BrainFlow's Unix timestamps) keep running but can be reset by
// the device. Either way a new session is placed after the old one by the host-measured length of
// the hole, so the hub's clock model sees a device clock that never runs backwards and a gap the
// size of the drop, never two sessions spliced together. Pure.

export type DeviceClockKind = 'counter' | 'absolute';

export class DeviceTimeline {
  private offset = 0;
  private anchored = false;
  /** Mapped device time just past the last delivered sample, and the host time it arrived. */
  private lastEnd = NaN;
  private lastHost = NaN;

  constructor(readonly kind: DeviceClockKind) {}

  /** The next sample starts a new session (call after a reconnect, before its first chunk). */
  newSession(): void {
    this.anchored = false;
  }

  /**
   * Maps a chunk's raw device time (first sample) to the continuous timeline.
   * @param raw device time of the chunk's first sample, s
   * @param hostTime host arrival time of the chunk, s
   * @param durationS count / nominal rate
   */
  map(raw: number, hostTime: number, durationS: number): number {
    if (!this.anchored) {
      this.anchored = true;
      if (Number.isFinite(this.lastEnd)) {
        const hole = Math.max(0, hostTime - this.lastHost - durationS);
        const continues = this.kind === 'absolute' && raw >= this.lastEnd;
        this.offset = continues ? 0 : this.lastEnd + hole - raw;
      } else {
        this.offset = 0;
      }
    }
    const t = raw + this.offset;
    this.lastEnd = t + durationS;
    this.lastHost = hostTime;
    return t;
  }
}
