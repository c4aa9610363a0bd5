// Plays a line-based text device (an Arduino printing "v1,v2,…\n") on a serial link at a real rate.
import { openSerialLink, type SerialLink } from '../serial/serial-link';

export interface TextEmulatorOptions {
  path: string;
  rateHz: number;
  /** The line for sample i, without the newline. */
  lineAt: (i: number) => string;
  /** Printed once on open, like a sketch's boot banner. */
  banner?: string;
  periodMs?: number;
}

export class TextEmulator {
  private link: SerialLink | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  private i = 0;
  private t0 = 0;
  private sent = 0;
  linesWritten = 0;

  constructor(readonly opts: TextEmulatorOptions) {}

  async open(): Promise<void> {
    this.link = await openSerialLink(this.opts.path, 115200, 'text-emulator');
    this.link.onLost(() => this.halt());
    if (this.opts.banner) await this.link.write(this.opts.banner + '\r\n');
    this.t0 = performance.now();
    this.timer = setInterval(() => this.pump(), this.opts.periodMs ?? 10);
  }

  private pump(): void {
    const due = Math.floor(((performance.now() - this.t0) / 1000) * this.opts.rateHz) - this.sent;
    if (due <= 0 || !this.link) return;
    let s = '';
    for (let k = 0; k < due; k++) {
      s += this.opts.lineAt(this.i++) + '\r\n';
      this.sent++;
      this.linesWritten++;
    }
    void this.link.write(s).catch(() => this.halt());
  }

  private halt(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  async close(): Promise<void> {
    this.halt();
    await this.link?.close();
    this.link = null;
  }
}
