// CSV export (and its reader): one file per stream, one row per sample, plus one file of markers.
// Plain RFC 4180 CSV that pandas, R and spreadsheets open without options:
//   time_s,unix_time_s,Fp1 (uV),Fp2 (uV),…      time_s from the recording's zero; unix_time_s when the start is known
//   0,1557936053.329,61379.36,…
// Markers: onset_s,duration_s,label,source. The recording's subject and header text (a session's
// name, notes, tags, the app that recorded it) in '<base>-info.csv', two columns, field,value
// ('subject,S07'): a file of its own, so the stream and marker files keep their columns and no
// reader needs an option for a comment line. Values are written so that they read back exactly:
// quantised channels to the decimals their resolution needs (where that is no decimal, as an
// EDF's, the float32's shortest text, and the reader finds the step again), float32 data to the
// shortest text that gives the same float32.
import { failFor, FormatError, type Fail } from '../format-error';
import type { ChannelKind, ImportedAnnotation, ImportedChannel, ImportedRecording, ImportedSegment, ImportedStream, NamedBytes } from '../recording.types';
import { guessChannelKind, modalityOfKind, electrodePosition } from '../channel-kind';
import { decodeText, parseDecimal } from '../text';
import { safeFileName } from '../safe-file-name';
import { countGrid, decimalGrid, fieldNumber } from '../tabular-import';
import { annotationInRange } from '../import-util';
import { UNIX_TIME_MAX_S, UNIX_TIME_MIN_S, unixTimeProblem } from '../../event-time';

export interface CsvFile {
  /** Suggested file name: '<base>-<stream>.csv' (see streamFileLabels), '<base>-markers.csv'. */
  name: string;
  text: string;
}

export interface CsvWriteOptions {
  /** Base of the file names (default: the recording's file name without extension). */
  baseName?: string;
  /** Only this span, seconds from the recording zero: [from, to). */
  range?: [number, number];
}

function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * Per stream, the part of its file name after the base: its name ('EEG', 'eeg'), where two
 * streams share it followed by their device ('eeg-Muse-1A2B', 'eeg-Cyton'), and where that is
 * still shared, numbered ('eeg-2'); never 'markers', 'info' or 'predictions', the other files' (predictions-csv.ts).
 */
function streamFileLabels(streams: readonly ImportedStream[]): string[] {
  const names = streams.map((s) => safeFileName(s.name) || s.modality);
  const labels = names.map((n, i) => {
    const device = safeFileName(streams[i].meta?.device ?? '');
    const sharing = names.flatMap((m, j) => (m === n ? [safeFileName(streams[j].meta?.device ?? '')] : []));
    return sharing.length > 1 && device && new Set(sharing).size > 1 ? `${n}-${device}` : n;
  });
  const used = new Set<string>(['markers', 'info', 'predictions']);
  return labels.map((l) => {
    let label = l;
    for (let k = 2; used.has(label.toLowerCase()); k++) label = `${l}-${k}`;
    used.add(label.toLowerCase());
    return label;
  });
}

/** Shortest text that reads back as the same float32. */
function float32Text(v: number): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
  // From 7 digits: most float32s of a quantised channel need 7 or 8 (EEGMAT: 36 % and 57 %); a value
  // that needs fewer comes out the same, its trailing zeros dropped by Number().
  for (let p = 7; p <= 9; p++) {
    const s = String(Number(v.toPrecision(p)));
    if (Math.fround(Number(s)) === v) return s;
  }
  return String(v);
}

/** Distinct values a channel's text cache holds: a 16-bit channel's every count, with room. */
const TEXT_CACHE_MAX = 1 << 17;

/**
 * float32Text remembered per count: a quantised channel repeats its counts, and the shortest text
 * costs up to three toPrecision calls (with the cache and the search from 7 digits, EEGMAT's CSV
 * export ran 1.5× faster).
 */
function cachedFloat32Text(resolution: number, offset: number): (v: number) => string {
  // Keyed by the value's count (a small integer: V8's Maps find those much faster than doubles),
  // with the value kept to check that it is the one the text was made for.
  const cache = new Map<number, { v: number; t: string }>();
  return (v) => {
    const k = Math.round((v - offset) / resolution);
    const hit = cache.get(k);
    if (hit !== undefined && hit.v === v) return hit.t;
    const t = float32Text(v);
    if (hit === undefined && cache.size < TEXT_CACHE_MAX && Number.isFinite(v)) cache.set(k, { v, t });
    return t;
  };
}

/** The fewest decimals (up to 12) that write `x` exactly (0.01 → 2, 5 → 0), or null for none (1/3, 0.0305…). */
function exactDecimals(x: number): number | null {
  for (let d = 0; d <= 12; d++) {
    const y = x * 10 ** d;
    if (Math.abs(y - Math.round(y)) <= Math.abs(y) * 2 ** -50) return d;
  }
  return null;
}

function valueFormatter(ch: ImportedChannel, data: Float32Array | Float64Array): (v: number) => string {
  if (ch.resolution > 0) {
    // Enough decimals that round((v − offset) / resolution) comes back unchanged; on a decimal
    // grid (0.01, 5, offset too) its own decimals, which write each count exactly: 61379.36, not
    // the float32 noise 61379.3594 that two more would show.
    const [r, o] = [exactDecimals(ch.resolution), exactDecimals(ch.offset)];
    // A grid that is no decimal (an EDF's 0.00159497… µV) in float32s (a session's samples, a
    // CSV read back): each value's float32 text, which reads back bit for bit; the reader fits the
    // grid again (countGrid). A fixed number of decimals gave neither: 5 decimals moved most values
    // off their float32s (EEGMAT: 91 %), and the reader found only the decimal step, 10^-5 µV.
    if ((r === null || o === null) && (data instanceof Float32Array || data.every((v) => Object.is(Math.fround(v), v) || Number.isNaN(v)))) return cachedFloat32Text(ch.resolution, ch.offset);
    const margin = Math.ceil(-Math.log10(ch.resolution)) + 2;
    const decimals = Math.min(12, Math.max(0, r !== null && o !== null ? Math.min(Math.max(r, o), margin) : margin));
    return (v) => (Number.isFinite(v) ? String(Number(v.toFixed(decimals))) : String(v));
  }
  return data instanceof Float32Array ? float32Text : (v) => String(v);
}

/**
 * A channel's column: 'label (unit)'. Without a unit the label alone, unless it ends in brackets
 * itself: OpenBCI's 'Digital Channel 0 (D11)' read back as label 'Digital Channel 0', unit 'D11';
 * such a label gets empty brackets, 'Digital Channel 0 (D11) ()'.
 */
function columnName(c: ImportedChannel): string {
  return c.unit || /\([^()]*\)\s*$/.test(c.label) ? `${c.label} (${c.unit})` : c.label;
}

/** Time in seconds with microsecond precision and no float noise. */
function timeText(t: number): string {
  return String(Math.round(t * 1e6) / 1e6);
}

/** The info file's rows for the subject fields, in this order: 'subject' is the code (EDF+'s patient code). */
const SUBJECT_FIELDS: readonly [keyof ImportedRecording['subject'], string][] = [
  ['code', 'subject'],
  ['name', 'subject name'],
  ['sex', 'subject sex'],
  ['birthdate', 'subject birthdate'],
  ['age', 'subject age'],
];

/** The info file's header line. */
const INFO_HEAD = 'field,value';

/** The info file's rows: the subject's fields, then the recording's info, each non-empty one. */
function infoRows(rec: ImportedRecording): [string, string][] {
  const subject = SUBJECT_FIELDS.flatMap(([k, field]): [string, string][] => {
    const v = rec.subject[k]?.trim();
    return v ? [[field, v]] : [];
  });
  const taken = new Set(SUBJECT_FIELDS.map(([, field]) => field));
  // A CSV export read back lists the files it was read from ('files'): about that copy, not the
  // recording, and written again it would name the old files (a round trip gave another info file).
  if (rec.format === 'csv') taken.add('files');
  const info = Object.entries(rec.info).filter(([k, v]) => k.trim() !== '' && !taken.has(k) && v.trim() !== '');
  return [...subject, ...info];
}

export function writeCsv(rec: ImportedRecording, opts: CsvWriteOptions = {}): CsvFile[] {
  return csvFileSteps(rec, opts).map((f) => ({ name: f.name, text: [...f.pieces()].join('') }));
}

/** One file of a CSV export, its text to be made piece by piece (csvFileSteps). */
export interface CsvFileSteps {
  name: string;
  /** The file's text in order: the header line, then runs of rows of about `stepValues` values each. */
  pieces(): Generator<string, void>;
}

/**
 * writeCsv in steps, for a writer that must not hold its thread for a whole file (the DB worker
 * exporting a session), nor hold a file as one string (an hour of 32 channels is some 260 million
 * characters; V8's strings end at 2^29). The names come first: an export picks a free base from them.
 */
export function csvFileSteps(rec: ImportedRecording, opts: CsvWriteOptions & { stepValues?: number } = {}): CsvFileSteps[] {
  const base = opts.baseName ?? rec.fileName.replace(/\.[^.]*$/, '');
  const [from, to] = opts.range ?? [-Infinity, Infinity];
  const stepValues = opts.stepValues ?? Infinity;
  const labels = streamFileLabels(rec.streams);
  const files: CsvFileSteps[] = rec.streams.map((s, i) => ({
    name: `${base}-${labels[i]}.csv`,
    *pieces() {
      const head = ['time_s', ...(rec.startTime !== null ? ['unix_time_s'] : []), ...s.channels.map((c) => csvField(columnName(c)))];
      yield head.join(',') + '\n';
      // A row's values: its channels and its times (these cost as much: a 1-lead ECG's rows are mostly times).
      const rowsPerPiece = Math.max(1, Math.floor(stepValues / head.length));
      let out: string[] = [];
      for (const g of s.segments) {
        const fmts = s.channels.map((c, k) => valueFormatter(c, g.data.subarray(k * g.count, (k + 1) * g.count)));
        for (let i = 0; i < g.count; i++) {
          const t = g.times ? g.times[i] : g.start + i / s.rateHz;
          if (t < from || t >= to) continue;
          const row = [timeText(t)];
          if (rec.startTime !== null) row.push(String(Math.round((rec.startTime + t) * 1e6) / 1e6));
          for (let c = 0; c < s.channels.length; c++) row.push(fmts[c](g.data[c * g.count + i]));
          out.push(row.join(','));
          if (out.length >= rowsPerPiece) {
            yield out.join('\n') + '\n';
            out = [];
          }
        }
      }
      if (out.length > 0) yield out.join('\n') + '\n';
    },
  }));
  files.push({
    name: `${base}-markers.csv`,
    *pieces() {
      // As the EDF writer and the export's count take them: a marker that began before the range
      // and lasts into it (a stimulus block, a BAD span) belongs to the range too.
      const marks = rec.annotations.filter((a) => annotationInRange(a, from, to));
      const lines = ['onset_s,duration_s,label,source', ...marks.map((a) => [timeText(a.onset), timeText(a.duration), csvField(a.label), csvField(a.source)].join(','))];
      yield lines.join('\n') + '\n';
    },
  });
  // Last, so an export's first file stays its first stream's. Only when there is something to say.
  const info = infoRows(rec);
  if (info.length > 0) {
    files.push({
      name: `${base}-info.csv`,
      *pieces() {
        yield [INFO_HEAD, ...info.map(([k, v]) => `${csvField(k)},${csvField(v)}`)].join('\n') + '\n';
      },
    });
  }
  return files;
}

/** How finely timeText writes time_s (seconds). */
const TIME_S_STEP = 1e-6;

/**
 * The rate `steps` sample steps over `spanS` seconds of time_s stand for: the number with the
 * fewest decimals that the microsecond rounding of the span's two ends allows (130, 256, 127.5),
 * else the measured rate to a microhertz.
 */
export function rateFromSpan(steps: number, spanS: number): number {
  const r = steps / spanS;
  const slack = (r * 1.01 * TIME_S_STEP) / spanS;
  for (let d = 0; d <= 6; d++) {
    const c = Math.round(r * 10 ** d) / 10 ** d;
    if (Math.abs(c - r) <= slack) return c;
  }
  return Math.round(r * 1e6) / 1e6;
}

/** Fields that mean "no value": empty, NaN in any case and sign, NA. */
const MISSING_VALUE = /^\s*([+-]?nan|na)?\s*$/i;

/** The longest a time axis can run: the years a unix time may carry (seconds). */
const TIME_SPAN_S = UNIX_TIME_MAX_S - UNIX_TIME_MIN_S;

/**
 * The records of a CSV text (RFC 4180): fields split at commas outside quotes, records at line
 * ends outside quotes, so a quoted field may hold commas, quotes ("") and line breaks. `line` is
 * the record's first line (1-based); `ended` when a line break ends it, `open` when the text ends
 * inside a quoted field.
 */
function csvRecords(text: string): { fields: string[]; line: number; ended: boolean; open: boolean }[] {
  const out: { fields: string[]; line: number; ended: boolean; open: boolean }[] = [];
  let fields: string[] = [];
  let cur = '';
  let q = false;
  let line = 1;
  let start = 1;
  const end = () => {
    fields.push(cur);
    out.push({ fields, line: start, ended: true, open: false });
    fields = [];
    cur = '';
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (q) {
      if (ch === '"' && text[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') q = false;
      else {
        if (ch === '\n') line++;
        cur += ch;
      }
    } else if (ch === '"') q = true;
    else if (ch === ',') {
      fields.push(cur);
      cur = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      end();
      start = ++line;
    } else cur += ch;
  }
  if (q || cur !== '' || fields.length > 0) {
    end();
    out[out.length - 1].ended = false;
    out[out.length - 1].open = q;
  }
  return out;
}

/**
 * Reads one of our CSV files back: a stream file ('time_s,…') or a markers file
 * ('onset_s,duration_s,label,source'). A stream's rate is the median step of time_s; a step more
 * than 1.5 periods long starts a new segment. Times are seconds (the format says so): time_s never
 * decreases (our writer keeps segments in order, without overlap), unix_time_s is a unix time
 * from 1970 to 2200, and every sample's time falls in those years; a file that breaks one of these
 * is refused naming the line, rather than imported with invented gaps or dropped rows.
 */
export function parseHeartMindCsv(input: Uint8Array | string, fileName: string): ImportedRecording {
  const fail: Fail = failFor(fileName);
  const decoded = typeof input === 'string' ? { text: input, encoding: 'utf-8' } : decodeText(input);
  const lines = decoded.text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length === 0) fail('empty', 'the file is empty');
  const head = (csvRecords(lines[0])[0]?.fields ?? []).map((s) => s.trim());
  const base: ImportedRecording = { fileName, format: 'csv', startTime: null, subject: {}, info: {}, streams: [], annotations: [], warnings: [] };
  if (decoded.encoding !== 'utf-8') base.warnings.push('the file is not UTF-8 (saved by a spreadsheet?); its text was read as Windows-1252 (Latin-1)');
  if (head.length === 2 && head[0] === 'field' && head[1] === 'value') {
    // The info file: the subject's fields and the recording's header text. Alone it has no data.
    const out: ImportedRecording = { ...base, subject: {}, info: {} };
    const fieldOf = new Map(SUBJECT_FIELDS.map(([k, field]) => [field, k]));
    for (const { fields: f } of csvRecords(decoded.text).slice(1)) {
      const [k, v] = [f[0]?.trim() ?? '', f.slice(1).join(',')];
      if (k === '' || v.trim() === '') continue;
      const sk = fieldOf.get(k);
      if (sk) out.subject[sk] = v.trim();
      else out.info[k] = v;
    }
    return out;
  }
  if (head[0] === 'onset_s') {
    // Records, not lines: a label of several lines (a self-report note) is one quoted field across them.
    const records = csvRecords(decoded.text).filter((r) => !(r.fields.length === 1 && r.fields[0].trim() === ''));
    const last = records[records.length - 1];
    // (our writer ends every marker with a line break: one without it, its label empty, was cut too)
    if (records.length > 1 && (last.open || last.fields.length < 3 || (!last.ended && last.fields[2] === ''))) {
      // A file cut short inside its last marker, as the other text readers take it: left out, with a warning.
      base.warnings.push(`the last marker (line ${last.line}) is cut off (file cut short?); it is left out`);
      records.pop();
    }
    const anns: ImportedAnnotation[] = records.slice(1).map(({ fields: f, line }) => {
      const onset = parseDecimal(f[0] ?? '');
      const duration = parseDecimal(f[1] ?? '0');
      if (onset === null || duration === null || f.length < 3) fail('bad-data', `marker line ${line} is not onset,duration,label,source`);
      if (!(Math.abs(onset) < TIME_SPAN_S && duration < TIME_SPAN_S)) fail('bad-number', `marker line ${line}: onset ${onset} s or duration ${duration} s is out of range (seconds from the recording's zero, within 1970 to 2200)`);
      return { onset, duration, label: f[2], source: f[3] || 'csv' };
    });
    return { ...base, annotations: anns };
  }
  if (head[0] !== 'time_s') fail('not-this-format', "not a HeartMind CSV (the first column must be time_s or onset_s, or the columns field,value)");
  const hasUnix = head[1] === 'unix_time_s';
  const first = hasUnix ? 2 : 1;
  const width = head.length;
  if (width <= first) fail('bad-header', 'no channel columns');
  let rows = lines.length - 1;
  // A short last line is a file cut short (a crash, a copy stopped early), as in the other text
  // readers (readNumericRows): left out, with a warning. A short line elsewhere is damage: refused.
  const lastFields = rows > 0 ? lines[rows].split(',').length : width;
  if (lastFields < width) {
    base.warnings.push(`the last line (line ${rows + 1}) has ${lastFields} of ${width} columns (file cut short?); it is left out`);
    rows--;
  }
  const t = new Float64Array(rows);
  const vals = new Float64Array(rows * (width - first));
  let unix0: number | null = null;
  // Every sample's unix time (the start plus its time_s) must lie in 1970–2200; without a start the
  // import time stands in, so time_s alone may span no more than those years.
  let zero = 0;
  for (let r = 0; r < rows; r++) {
    const f = lines[r + 1].split(',');
    if (f.length !== width) fail('bad-data', `line ${r + 2} has ${f.length} columns; expected ${width}`);
    const tv = parseDecimal(f[0]);
    if (tv === null) fail('bad-number', `line ${r + 2}: time ${JSON.stringify(f[0].slice(0, 20))} is not a number`);
    if (r === 0 && hasUnix) {
      unix0 = parseDecimal(f[1]);
      if (unix0 === null) fail('bad-number', `line 2, unix_time_s (column 2): ${JSON.stringify(f[1].slice(0, 20))} is not a number`);
      const problem = unixTimeProblem(unix0);
      if (problem !== null) fail('bad-number', `line 2, unix_time_s (column 2): ${problem}`);
      zero = unix0 - tv;
    }
    if (!(Math.abs(tv) < TIME_SPAN_S && (unix0 === null || unixTimeProblem(zero + tv) === null))) fail('bad-number', `line ${r + 2}: time_s ${tv} is out of range (seconds from the recording's zero; every sample must fall from 1970 to 2200)`);
    if (r > 0 && tv < t[r - 1]) fail('bad-data', `line ${r + 2}: time_s goes back from ${t[r - 1]} to ${tv} (time_s must not decrease)`);
    t[r] = tv;
    for (let c = first; c < width; c++) {
      // An empty field is a missing value (pandas writes NaN so), as are numpy's 'nan' and R's 'NA':
      // NaN. Number('') was 0, a sample invented where the file has none.
      // (Number() first: the common case costs no more than before; only '' and blanks give a
      // false 0, only words give NaN)
      const text = f[c];
      let v = Number(text);
      if (v === 0 && text.trim() === '') v = NaN;
      else if (Number.isNaN(v)) {
        v = fieldNumber(text);
        if (Number.isNaN(v) && !MISSING_VALUE.test(text)) fail('bad-number', `line ${r + 2}, column ${c + 1} (${head[c]}): ${JSON.stringify(text.slice(0, 20))} is not a number`);
      }
      vals[(c - first) * rows + r] = v;
    }
  }
  const steps = [];
  for (let r = 1; r < Math.min(rows, 2001); r++) steps.push(t[r] - t[r - 1]);
  steps.sort((a, b) => a - b);
  const period = steps.length ? steps[steps.length >> 1] : 0;
  const channels: ImportedChannel[] = head.slice(first).map((h) => {
    const m = /^(.*?)\s*\(([^()]*)\)$/.exec(h);
    const label = m ? m[1] : h;
    const unit = m ? m[2] : '';
    const kind: ChannelKind = guessChannelKind(label, unit);
    const ch: ImportedChannel = { label, unit, resolution: 0, offset: 0, kind };
    const pos = kind === 'eeg' ? electrodePosition(label) : undefined;
    if (pos) ch.position = pos;
    return ch;
  });
  const nch = channels.length;
  // The step the values were written to (our writer: the decimals a channel's resolution needs),
  // so the database keeps them as integers, as it kept the session they came from. Where they are
  // float32s of counts of a coarser step that is no decimal (an EDF channel's), that step
  // (countGrid); the values are then read as the float32s our writer wrote the shortest texts of,
  // so they write the same text again.
  channels.forEach((ch, c) => {
    const decimal = decimalGrid(vals, c * rows, 1, rows);
    // (a step under twice the decimal one saves nothing over that exact one)
    const counts = countGrid(vals, c * rows, 1, rows, decimal ? 2 * decimal.resolution : 0);
    if (counts) {
      Object.assign(ch, counts);
      for (let i = c * rows; i < (c + 1) * rows; i++) vals[i] = Math.fround(vals[i]);
    } else Object.assign(ch, decimal);
  });
  const segments: ImportedSegment[] = [];
  let a = 0;
  for (let r = 1; r <= rows; r++) {
    // rate 0 (most steps are 0: samples at shared times): one segment, each sample at its time
    if (r === rows || (period > 0 && t[r] - t[r - 1] > 1.5 * period)) {
      const count = r - a;
      const data = new Float64Array(count * nch);
      for (let c = 0; c < nch; c++) data.set(vals.subarray(c * rows + a, c * rows + r), c * count);
      const seg: ImportedSegment = { start: t[a], count, data };
      if (period === 0) seg.times = t.slice(a, r);
      segments.push(seg);
      a = r;
    }
  }
  let rateHz = 0;
  if (period > 0) {
    // The longest segment's span gives the rate; one step's median does not: time_s holds
    // microseconds, so 130 Hz (steps of 0.007692 and 0.007693 s) read as 130.0052 Hz and 256 Hz as
    // 256.016 Hz, which no EDF record length fits.
    let best = -1;
    segments.forEach((g, k) => {
      if (best < 0 || g.count > segments[best].count) best = k;
    });
    const g = segments[best];
    const i0 = segments.slice(0, best).reduce((n, x) => n + x.count, 0);
    rateHz = g.count > 2 ? rateFromSpan(g.count - 1, t[i0 + g.count - 1] - t[i0]) : Math.round((1 / period) * 1e6) / 1e6;
  }
  const kinds = channels.map((c) => modalityOfKind(c.kind));
  const modality = kinds.every((k) => k === kinds[0]) ? kinds[0] : 'other';
  const stream: ImportedStream = { name: fileName.replace(/\.csv$/i, ''), modality, rateHz, channels, segments };
  return { ...base, startTime: unix0 !== null && rows > 0 ? unix0 - t[0] : null, streams: [stream] };
}

/**
 * The base of a CSV export a file belongs to: the longest `base` such that the file is
 * `<base>-<stream>.csv` or `<base>-markers.csv` and `<base>-markers.csv` is among `names` (every
 * export writes one). Null when the file is not part of one.
 */
export function csvExportBase(fileName: string, names: readonly string[]): string | null {
  const all = new Set(names);
  for (let i = fileName.lastIndexOf('-'); i > 0; i = fileName.lastIndexOf('-', i - 1)) {
    const base = fileName.slice(0, i);
    if (/\.csv$/i.test(fileName) && all.has(`${base}-markers.csv`)) return base;
  }
  return null;
}

/**
 * The files of one CSV export among `names` (`<base>-….csv`, base from csvExportBase), leaving out
 * those of another export whose base is longer ('a-b-EEG.csv' when 'a-b-markers.csv' is there too),
 * and its model predictions.
 */
export function csvExportFiles(base: string, names: readonly string[]): string[] {
  // '<base>-predictions.csv' (predictions-csv.ts) is no stream and no import reads it: `sessions
  // import x-*` said it was 'read with it', and an import of it alone says what it is.
  return names.filter((n) => n.startsWith(`${base}-`) && /\.csv$/i.test(n) && n.toLowerCase() !== `${base}-predictions.csv`.toLowerCase() && csvExportBase(n, names) === base).sort();
}

/**
 * A CSV export read back whole: every stream file and the markers file of one export (as
 * writeCsv wrote them) as one recording, so an exported session imports as it was, its streams
 * together and its markers with them. Each stream file's times are on the recording's axis; where
 * files carry different starts (unix_time_s), segments are placed by their absolute times.
 */
export function importHeartMindCsvExport(files: NamedBytes[], base: string): ImportedRecording {
  // In name order, whichever file the user picked: the same export gives the same recording.
  const sorted = [...files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const skipped: string[] = [];
  const parts = sorted.flatMap((f) => {
    try {
      return [{ name: f.name, rec: parseHeartMindCsv(f.bytes, f.name) }];
    } catch (err) {
      // The info file is the one a person opens and saves again (to correct a subject id), and the
      // one the data does not need: one a spreadsheet saved with ';' costs the subject and notes,
      // said, not the whole import.
      if (f.name !== `${base}-info.csv` || !(err instanceof FormatError)) throw err;
      skipped.push(`${f.name} not read (${err.message.replace(`${f.name}: `, '')}): the subject id and header text are not imported`);
      return [];
    }
  });
  const starts = parts.flatMap((p) => (p.rec.streams.length > 0 && p.rec.startTime !== null ? [p.rec.startTime] : []));
  const startTime = starts.length ? Math.min(...starts) : null;
  const out: ImportedRecording = { fileName: `${base}.csv`, format: 'csv', startTime, subject: {}, info: {}, streams: [], annotations: [], warnings: skipped };
  for (const { name, rec } of parts) {
    // (the info file's; the other files have none)
    Object.assign(out.subject, rec.subject);
    Object.assign(out.info, rec.info);
    out.warnings.push(...rec.warnings.map((w) => `${name}: ${w}`));
    out.annotations.push(...rec.annotations);
    const shift = startTime !== null && rec.startTime !== null ? rec.startTime - startTime : 0;
    for (const s of rec.streams) {
      for (const g of s.segments) {
        g.start += shift;
        if (g.times) for (let i = 0; i < g.times.length; i++) g.times[i] += shift;
      }
      out.streams.push({ ...s, name: name.slice(base.length + 1).replace(/\.csv$/i, '') });
    }
  }
  out.info.files = parts.map((p) => p.name).join(', ');
  out.annotations.sort((a, b) => a.onset - b.onset);
  return out;
}
