// Plays a line-based text device (an Arduino printing "v1,v2,…\n") on a serial link at a real rate.
import { openSerialLink, type SerialLink } from '../serial/serial-link';

export interface TextEmulatorOptions {
  path: string;
  rateHz: number;
  /** The line for sample i, without the newline. */
  lineAt: (i: number) => string;
  /** Printed once on open, like a sketch's boot banner. */
  banner?: string;
  /** Write period, ms (default 10): on the host's timers, as CytonEmulatorOptions.periodMs says. */
  periodMs?: number;
  /** Called when the link goes away (the pty pair was killed, or the app closed its end). */
  onLost?: () => void;
  /** The device's crystal error, ppm: −300 prints rateHz·(1 − 300e-6) lines per host second. Default 0. */
  clockPpm?: number;
}

/** Lines waiting while a write drains, at most (~1 s of 8 channels at 2 kHz). */
const TEXT_BACKLOG_MAX_CHARS = 128 * 1024;

export class TextEmulator {
  private link: SerialLink | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  private i = 0;
  private t0 = 0;
  private sent = 0;
  linesWritten = 0;
  /** performance.now() (ms) when it last (re)attached: line i of that run is due at t0 + i / rate. */
  get startedAtMs(): number {
    return this.t0;
  }
  /** Lines per host second. */
  get lineRateHz(): number {
    return this.opts.rateHz * (1 + (this.opts.clockPpm ?? 0) * 1e-6);
  }
  /** Lines lost because the backlog was full (the other end not reading). */
  linesDropped = 0;
  private writing = false;
  private backlog = '';

  constructor(readonly opts: TextEmulatorOptions) {}

  async open(): Promise<void> {
    this.link = await openSerialLink(this.opts.path, 115200, 'text-emulator');
    this.link.onLost(() => {
      this.halt();
      this.link = null;
      this.opts.onLost?.();
    });
    if (this.opts.banner) await this.link.write(this.opts.banner + '\r\n');
    // Reattached (run-emulator --reopen): its clock starts now, so the lines counted before start
    // from zero too, or it stayed silent for as long as it had run; what the lost link held is gone.
    this.t0 = performance.now();
    this.sent = 0;
    this.backlog = '';
    this.writing = false;
    this.timer = setInterval(() => this.pump(), this.opts.periodMs ?? 10);
  }

  private pump(): void {
    const due = Math.floor(((performance.now() - this.t0) / 1000) * this.lineRateHz) - this.sent;
    if (due <= 0 || !this.link) return;
    let s = '';
    for (let k = 0; k < due; k++) s += this.opts.lineAt(this.i++) + '\r\n';
    this.sent += due;
    // Nobody reading the other end (the app closed its port) never drains a write: past a bounded
    // backlog the lines are lost, as a real board's are, and it goes on printing. It must not stop
    // for good, or the app's next Connect meets a silent device. A slow write under load is not
    // that: its lines wait in the backlog and go out in order.
    if (this.backlog.length + s.length > TEXT_BACKLOG_MAX_CHARS) {
      this.linesDropped += due;
      return;
    }
    this.backlog += s;
    this.linesWritten += due;
    this.flush();
  }

  private flush(): void {
    if (this.writing || !this.backlog || !this.link) return;
    const chunk = this.backlog;
    this.backlog = '';
    this.writing = true;
    const done = () => {
      this.writing = false;
      this.flush();
    };
    this.link.write(chunk).then(done, done);
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
