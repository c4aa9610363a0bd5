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
  /** Called when the link goes away (the pty pair was killed, or the app closed its end). */
  onLost?: () => void;
}

export class TextEmulator {
  private link: SerialLink | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  private i = 0;
  private t0 = 0;
  private sent = 0;
  linesWritten = 0;
  /** Lines not written because the previous write had not drained (the other end not reading). */
  linesDropped = 0;
  private writing = false;

  constructor(readonly opts: TextEmulatorOptions) {}

  async open(): Promise<void> {
    this.link = await openSerialLink(this.opts.path, 115200, 'text-emulator');
    this.link.onLost(() => {
      this.halt();
      this.link = null;
      this.opts.onLost?.();
    });
    if (this.opts.banner) await this.link.write(this.opts.banner + '\r\n');
    this.t0 = performance.now();
    this.timer = setInterval(() => this.pump(), this.opts.periodMs ?? 10);
  }

  private pump(): void {
    const due = Math.floor(((performance.now() - this.t0) / 1000) * this.opts.rateHz) - this.sent;
    if (due <= 0 || !this.link) return;
    // Nobody reading the other end (the app closed its port): the lines are lost, as a real
    // board's are, and it goes on printing; it must not stop for good, or the app's next Connect
    // meets a silent device. One write in flight at a time keeps the queue bounded.
    if (this.writing) {
      this.i += due;
      this.sent += due;
      this.linesDropped += due;
      return;
    }
    let s = '';
    for (let k = 0; k < due; k++) {
      s += this.opts.lineAt(this.i++) + '\r\n';
      this.sent++;
      this.linesWritten++;
    }
    this.writing = true;
    const done = () => {
      this.writing = false;
    };
    this.link.write(s).then(done, done);
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
