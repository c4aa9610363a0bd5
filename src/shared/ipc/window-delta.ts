// Serve mode sends a window as what is new since the one before it. Windows overlap (5 s every
// 1 s: four fifths of each window's samples were in the previous one), and a 19-channel window is
// 80 kB, over the 64 kB that Chromium moves from its network process to the page in one step:
// such a message reached the page 6 ms later (median) than a small one on a quiet machine, 12 ms
// with traces drawing. Sent as a delta it is a fifth of that.
//
// The page rebuilds the full window, bit for bit, before anyone sees it. A modality whose samples
// cannot be continued (absent in either window, other channels, an overlap that differs) travels
// whole; a window that does not follow the previous one travels whole.
import type { ModalityBlock, SyncWindow } from '../window.types';

/** Body of a FrameKind.WindowDelta frame. */
export interface WindowDeltaBody {
  /** seq of the window this one continues. */
  base: number;
  /** Samples the window moved by (its hop at the model rate). */
  shift: number;
  /**
   * The window; a modality listed in `continued` carries only its newest `shift` samples per
   * channel (planar [channels × shift]), the rest as in the base window.
   */
  window: SyncWindow;
  continued: ('eeg' | 'ecg')[];
}

export class WindowDeltaError extends Error {
  override name = 'WindowDeltaError';
}

const MODALITIES = ['eeg', 'ecg'] as const;

function sameChannels(a: ModalityBlock, b: ModalityBlock): boolean {
  return a.channels.length === b.channels.length && a.channels.every((c, i) => c === b.channels[i]);
}

/** Whether every channel's first n−shift samples of `next` are the bits of `prev`'s last ones. */
function overlapEqual(prev: Float32Array, next: Float32Array, channels: number, n: number, shift: number): boolean {
  const p = new Uint32Array(prev.buffer, prev.byteOffset, prev.length);
  const q = new Uint32Array(next.buffer, next.byteOffset, next.length);
  for (let c = 0; c < channels; c++) {
    const a = c * n + shift;
    const b = c * n;
    for (let i = 0; i < n - shift; i++) if (p[a + i] !== q[b + i]) return false;
  }
  return true;
}

/** `next` as a delta on `prev`, or null when nothing in it continues `prev` (send it whole). */
export function encodeWindowDelta(prev: SyncWindow, next: SyncWindow): WindowDeltaBody | null {
  const n = next.samples;
  if (next.seq !== prev.seq + 1 || next.rateHz !== prev.rateHz || n !== prev.samples) return null;
  const shift = Math.round((next.startTime - prev.startTime) * next.rateHz);
  if (!(shift > 0 && shift < n)) return null;
  const continued: ('eeg' | 'ecg')[] = [];
  const window: SyncWindow = { ...next };
  for (const m of MODALITIES) {
    const a = prev[m];
    const b = next[m];
    const channels = b.channels.length;
    if (!a.present || !b.present || !sameChannels(a, b) || !overlapEqual(a.data, b.data, channels, n, shift)) continue;
    const tail = new Float32Array(channels * shift);
    for (let c = 0; c < channels; c++) tail.set(b.data.subarray(c * n + n - shift, c * n + n), c * shift);
    window[m] = { ...b, data: tail };
    continued.push(m);
  }
  return continued.length ? { base: prev.seq, shift, window, continued } : null;
}

/** The page's side: remembers the last window and rebuilds each delta on it. */
export class WindowDeltaDecoder {
  private last: SyncWindow | null = null;

  /** A window that arrived whole. */
  full(w: SyncWindow): void {
    this.last = w;
  }

  /** The window a delta stands for; a WindowDeltaError when its base is not the last window. */
  apply(d: WindowDeltaBody): SyncWindow {
    const prev = this.last;
    if (!prev || prev.seq !== d.base) throw new WindowDeltaError(`window ${d.window.seq} continues window ${d.base}, but the last window here is ${prev ? prev.seq : 'none'}`);
    const n = d.window.samples;
    const shift = d.shift;
    const w: SyncWindow = { ...d.window };
    for (const m of d.continued) {
      const channels = w[m].channels.length;
      const tail = w[m].data;
      if (tail.length !== channels * shift || prev[m].data.length !== channels * n) throw new WindowDeltaError(`window ${w.seq}: the ${m} delta does not fit its base`);
      const data = new Float32Array(channels * n);
      for (let c = 0; c < channels; c++) {
        data.set(prev[m].data.subarray(c * n + shift, c * n + n), c * n);
        data.set(tail.subarray(c * shift, c * shift + shift), c * n + n - shift);
      }
      w[m] = { ...w[m], data };
    }
    this.last = w;
    return w;
  }
}
