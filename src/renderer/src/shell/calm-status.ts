// A live region's text for a line that can change many times a second (markers from stimulus
// software counted as they come, refusals of a script stuck on one mistake): a screen reader
// speaks every change of a role="status" region, so a flood of 1000 markers queued a line each.
// The line on screen follows every change; the region says the first change at once, then at
// most one summary (the latest text) per CALM_STATUS_MS while changes keep coming.
import { useEffect, useRef, useState } from 'preact/hooks';

/** At most one spoken update per this long while a line keeps changing. */
export const CALM_STATUS_MS = 5000;

/** What a CalmText needs from the page (a test passes fakes). */
export interface CalmTextEnv {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(timer: unknown): void;
}

/**
 * Turns a text that changes often into the text a live region says: a change after a quiet
 * CALM_STATUS_MS at once, later ones held and the latest said when the wait is over (a
 * change back to what was last said says nothing more). '' (nothing to say) is said at once.
 */
export class CalmText {
  private said = '';
  private pending: string | null = null;
  private lastSaidAt = -Infinity;
  private timer: unknown = null;

  constructor(
    private readonly say: (text: string) => void,
    private readonly env: CalmTextEnv,
    private readonly waitMs = CALM_STATUS_MS,
  ) {}

  set(text: string): void {
    if (text === '') {
      // Gone from the screen (cleared by a new recording): nothing held is said after it.
      this.cancel();
      if (this.said !== '') this.emit('');
      return;
    }
    if (this.timer !== null) {
      this.pending = text;
      return;
    }
    if (text === this.said) return;
    const wait = this.lastSaidAt + this.waitMs - this.env.now();
    if (wait <= 0) return this.emit(text);
    this.pending = text;
    this.timer = this.env.setTimeout(() => this.flush(), wait);
  }

  dispose(): void {
    this.cancel();
  }

  private flush(): void {
    this.timer = null;
    const text = this.pending;
    this.pending = null;
    if (text !== null && text !== this.said) this.emit(text);
  }

  private emit(text: string): void {
    this.said = text;
    this.lastSaidAt = this.env.now();
    this.say(text);
  }

  private cancel(): void {
    if (this.timer !== null) this.env.clearTimeout(this.timer);
    this.timer = null;
    this.pending = null;
  }
}

const PAGE: CalmTextEnv = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (t) => clearTimeout(t as ReturnType<typeof setTimeout>),
};

/**
 * The text for an always-present `role="status"` element standing for a line that changes often
 * (the line itself is then no live region): `text` as CalmText lets it through.
 */
export function useCalmText(text: string): string {
  const [said, setSaid] = useState('');
  const calm = useRef<CalmText | null>(null);
  calm.current ??= new CalmText(setSaid, PAGE);
  useEffect(() => calm.current!.set(text), [text]);
  useEffect(() => () => calm.current!.dispose(), []);
  return said;
}
