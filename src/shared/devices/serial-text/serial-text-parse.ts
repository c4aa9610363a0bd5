// Pure decoding of a line-based text stream: bytes → lines → numeric rows → runs of samples.
// Strict number syntax, so noise on the line never becomes a sample.
import { hexPreview } from '../bytes';
import { DeviceError } from '../device-error';
import type { SerialTextConfig, TextDecodeStats, TextRun, TextSeparator } from './serial-text.types';
import { plural } from '../../plural';

/** Longest line we accept; a real sample line is well under 1 kB. */
export const TEXT_MAX_LINE_BYTES = 4096;
const FLOAT32_MAX = 3.4028234663852886e38;
const NUMBER_RE = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const UNIT_TO_UV: Record<string, number> = { uv: 1, µv: 1, mv: 1e3, v: 1e6 };
/**
 * Lines of numbers with the wrong column count before any sample: this many and the configuration
 * (channels, time column) does not fit what the device prints. A banner is words, and rarely this
 * many lines of bare numbers; at any real rate the lines arrive long before the stall timeout.
 */
export const TEXT_MISMATCH_LINES = 5;

/**
 * Splits bytes into lines (LF or CRLF); bytes of an unfinished line wait for the next push. With
 * `fromLineEnd`, what comes before the first line end is dropped: a serial port delivers from
 * wherever its opening landed in the device's output, so that first piece is a line's tail, which
 * can still read as numbers ("4,158" of "0.7174,158").
 */
export class LineAssembler {
  private pending = '';
  private synced: boolean;
  private skipped = 0;
  overlong = 0;

  constructor(fromLineEnd = false) {
    this.synced = !fromLineEnd;
  }

  push(bytes: Uint8Array): string[] {
    let from = 0;
    if (!this.synced) {
      const end = bytes.indexOf(0x0a);
      if (end < 0) {
        // No newline at all for longer than a line: an over-long line as any other, not a wait.
        this.skipped += bytes.length;
        if (this.skipped > TEXT_MAX_LINE_BYTES) {
          this.overlong++;
          this.synced = true;
        }
        return [];
      }
      this.synced = true;
      from = end + 1;
    }
    let text = this.pending;
    for (let i = from; i < bytes.length; i++) text += String.fromCharCode(bytes[i]);
    const parts = text.split('\n');
    this.pending = parts.pop() ?? '';
    if (this.pending.length > TEXT_MAX_LINE_BYTES) {
      this.overlong++;
      this.pending = '';
    }
    const lines: string[] = [];
    for (const p of parts) {
      if (p.length > TEXT_MAX_LINE_BYTES) {
        this.overlong++;
        continue;
      }
      lines.push(p.endsWith('\r') ? p.slice(0, -1) : p);
    }
    return lines;
  }

  reset(): void {
    this.pending = '';
  }
}

export function splitTextLine(line: string, sep: TextSeparator = 'auto'): string[] {
  const t = line.trim();
  if (t === '') return [];
  if (sep === 'auto') {
    if (t.includes(',')) return t.split(',').map((s) => s.trim());
    if (t.includes(';')) return t.split(';').map((s) => s.trim());
    return t.split(/\s+/);
  }
  if (sep === ' ') return t.split(/\s+/);
  return t.split(sep).map((s) => s.trim());
}

export type ParsedTextLine =
  | { kind: 'sample'; values: Float64Array; time?: number }
  | { kind: 'blank' }
  /** `columns` is set when every token is a number but their count is wrong: data, not a banner. */
  | { kind: 'invalid'; reason: string; columns?: number };

/** One line → the channel values (scaled to the stream's unit) and the device time if configured. */
export function parseTextLine(line: string, cfg: SerialTextConfig): ParsedTextLine {
  const tokens = splitTextLine(line, cfg.separator);
  if (tokens.length === 0 || tokens[0].startsWith('#')) return { kind: 'blank' };
  const expected = cfg.channels.length + (cfg.timeColumn !== undefined ? 1 : 0);
  if (tokens.length !== expected) {
    const reason = `${tokens.length} columns, expected ${expected}`;
    return tokens.every((t) => NUMBER_RE.test(t)) ? { kind: 'invalid', reason, columns: tokens.length } : { kind: 'invalid', reason };
  }
  const factor = (cfg.scale ?? 1) * unitFactor(cfg);
  const values = new Float64Array(cfg.channels.length);
  let time: number | undefined;
  let c = 0;
  for (let k = 0; k < tokens.length; k++) {
    const tok = tokens[k];
    if (!NUMBER_RE.test(tok)) return { kind: 'invalid', reason: `"${tok.slice(0, 20)}" is not a number` };
    const v = Number(tok);
    if (!Number.isFinite(v)) return { kind: 'invalid', reason: `"${tok.slice(0, 20)}" is out of range` };
    if (k === cfg.timeColumn) time = v * (cfg.timeUnitS ?? 1);
    else {
      // Samples travel as float32: a value beyond its range would become ±Infinity downstream.
      const x = v * factor;
      if (!(Math.abs(x) <= FLOAT32_MAX)) return { kind: 'invalid', reason: `"${tok.slice(0, 20)}" is out of range` };
      values[c++] = x;
    }
  }
  return time !== undefined ? { kind: 'sample', values, time } : { kind: 'sample', values };
}

/** Values of EEG/ECG streams are delivered in µV; other streams keep their unit. */
function unitFactor(cfg: SerialTextConfig): number {
  if (cfg.modality === 'other') return 1;
  const f = UNIT_TO_UV[cfg.unit.toLowerCase()];
  return f ?? 1;
}

export function validateSerialTextConfig(cfg: SerialTextConfig): void {
  if (!Array.isArray(cfg.channels) || cfg.channels.length === 0) throw new DeviceError('invalid-config', 'Serial text device: at least one channel is needed');
  if (!(cfg.rateHz > 0) || !Number.isFinite(cfg.rateHz)) throw new DeviceError('invalid-config', `Serial text device: rate must be a positive number of Hz, got ${cfg.rateHz}`);
  if (cfg.modality !== 'other' && UNIT_TO_UV[cfg.unit.toLowerCase()] === undefined)
    throw new DeviceError('invalid-config', `Serial text device: ${cfg.modality.toUpperCase()} values must be in uV, mV or V, got "${cfg.unit}"`);
  if (cfg.timeColumn !== undefined && (!Number.isInteger(cfg.timeColumn) || cfg.timeColumn < 0 || cfg.timeColumn > cfg.channels.length))
    throw new DeviceError('invalid-config', `Serial text device: time column ${cfg.timeColumn} is outside 0..${cfg.channels.length}`);
}

/**
 * The problem with a configuration whose column count does not fit the device's lines, in words:
 * "lines have 2 columns, expected 1 (channel ECG): set 2 channels to match the device".
 */
export function describeColumnMismatch(cfg: SerialTextConfig, minColumns: number, maxColumns: number): string {
  const n = cfg.channels.length;
  const time = cfg.timeColumn !== undefined ? 1 : 0;
  const seen = minColumns === maxColumns ? `${minColumns}` : `${minColumns} to ${maxColumns}`;
  const configured = `${n === 1 ? 'channel' : 'channels'} ${cfg.channels.join(', ')}${time ? ' + time column' : ''}`;
  const fits = minColumns === maxColumns && minColumns > time;
  const fix = fits ? `set ${plural(minColumns - time, 'channel')}${time ? ' besides the time column' : ''} to match the device` : 'set the channels to match what the device prints';
  return `lines have ${seen} columns, expected ${n + time} (${configured}): ${fix}`;
}

/** The unit samples are delivered in. */
export function serialTextOutputUnit(cfg: SerialTextConfig): string {
  return cfg.modality === 'other' ? cfg.unit : 'uV';
}

/**
 * Whether a line is not text: more than a quarter of its bytes are control bytes (other than tab and
 * carriage return) or outside ASCII. A boot banner in UTF-8 ("µV") has a few; line noise from a
 * wrong baud rate is mostly such bytes.
 */
export function isNotText(line: string): boolean {
  let odd = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0d) || c >= 0x7f) odd++;
  }
  return odd * 4 > line.length;
}

/**
 * Bytes in, runs of samples out. Lines that fail to parse before the first sample are a header or
 * boot banner and are skipped; after data began each one is a lost sample, which splits the run.
 * Lines of numbers with the wrong column count before any sample are not a banner: after
 * TEXT_MISMATCH_LINES of them `columnMismatch` says what is wrong (the channel count does not
 * fit the device), so the driver can report it instead of a silent stall.
 */
export class SerialTextDecoder {
  private readonly lines: LineAssembler;
  private started = false;
  private sampleIndex = 0;
  private lostSinceRun = 0;
  readonly stats: TextDecodeStats = { lines: 0, samples: 0, headerLines: 0, mismatchedLines: 0, badLines: 0, overlongLines: 0, notTextBytes: 0 };
  lastError: string | undefined;
  /** The first bytes of the first line that was not text (see TextDecodeStats.notTextBytes), in hex. */
  notTextPreview: string | undefined;
  /** Set once the lines before any sample show the configuration does not fit (see above). */
  columnMismatch: string | undefined;
  private mismatchCols = { min: Infinity, max: 0 };
  /** The fewest and most columns seen in lines that did not fit (infinite, 0 before any). */
  get mismatchedColumns(): { readonly min: number; readonly max: number } {
    return this.mismatchCols;
  }

  /** `opts.fromLineEnd`: the bytes start wherever a port's opening landed (see LineAssembler). */
  constructor(
    readonly cfg: SerialTextConfig,
    opts: { fromLineEnd?: boolean } = {},
  ) {
    validateSerialTextConfig(cfg);
    this.lines = new LineAssembler(opts.fromLineEnd ?? false);
  }

  push(bytes: Uint8Array): TextRun[] {
    const runs: TextRun[] = [];
    const nCh = this.cfg.channels.length;
    let cur: { deviceTime: number; missingBefore: number; rows: Float64Array[] } | null = null;
    const flush = () => {
      if (!cur || cur.rows.length === 0) return;
      const count = cur.rows.length;
      const data = new Float32Array(nCh * count);
      for (let k = 0; k < count; k++) for (let c = 0; c < nCh; c++) data[c * count + k] = cur.rows[k][c];
      runs.push({ deviceTime: cur.deviceTime, missingBefore: cur.missingBefore, count, data });
      cur = null;
    };
    for (const line of this.lines.push(bytes)) {
      this.stats.lines++;
      const r = parseTextLine(line, this.cfg);
      if (r.kind === 'blank') continue;
      if (r.kind === 'invalid') {
        this.lastError = r.reason;
        if (!this.started) {
          this.stats.headerLines++;
          if (r.columns !== undefined) this.noteMismatch(r.columns);
          else if (isNotText(line)) {
            // A banner is words; bytes that are not text at all are a wrong baud rate or a binary device.
            this.stats.notTextBytes += line.length + 1;
            this.notTextPreview ??= hexPreview(Uint8Array.from(line, (ch) => ch.charCodeAt(0)), 12);
          }
        } else {
          this.stats.badLines++;
          this.lostSinceRun++;
          this.sampleIndex++;
          flush();
        }
        continue;
      }
      const t = r.time ?? this.sampleIndex / this.cfg.rateHz;
      if (!cur) {
        cur = { deviceTime: t, missingBefore: this.started ? this.lostSinceRun : 0, rows: [] };
        this.lostSinceRun = 0;
      }
      this.started = true;
      cur.rows.push(r.values);
      this.sampleIndex++;
      this.stats.samples++;
    }
    flush();
    this.stats.overlongLines = this.lines.overlong;
    return runs;
  }

  private noteMismatch(columns: number): void {
    this.stats.mismatchedLines++;
    this.mismatchCols.min = Math.min(this.mismatchCols.min, columns);
    this.mismatchCols.max = Math.max(this.mismatchCols.max, columns);
    if (this.stats.mismatchedLines >= TEXT_MISMATCH_LINES && this.columnMismatch === undefined) {
      this.columnMismatch = describeColumnMismatch(this.cfg, this.mismatchCols.min, this.mismatchCols.max);
    }
  }
}
