// Fuzzes every file parser: random bytes and mutated real files (bit flips, byte edits, truncations,
// appended junk, header fields rewritten with hostile numbers, junk lines). Every case must end in
// a result or a FormatError: any other exception is a crash, and a result holding far more memory
// than the input could justify is a failure too. Prints counts per parser and outcome, and the
// worst time per case. Asserts nothing itself; test/shared/formats/fuzz.test.ts runs a seeded sample.
//   node --import tsx bench/fuzz-formats.ts [--cases 100000] [--seed 1]
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { FormatError } from '../src/shared/formats/format-error';
import type { ImportedRecording, NamedBytes } from '../src/shared/formats/recording.types';
import { importEdf } from '../src/shared/formats/edf';
import { importWfdb, parseWfdbAnnotations } from '../src/shared/formats/wfdb';
import { importXdf } from '../src/shared/formats/xdf';
import { parseOpenBciGui } from '../src/shared/formats/openbci';
import { parseBrainFlowCsv } from '../src/shared/formats/brainflow-csv';
import { parseHeartMindCsv, writeCsv } from '../src/shared/formats/csv';
import { writeEdf } from '../src/shared/formats/edf';
import { mulberry32 } from '../src/shared/seeded-random';

const DATA = path.resolve('..', 'shared', 'data');

export interface FuzzTarget {
  name: string;
  /** Seed inputs: real files, cut small enough that a case takes well under a millisecond or so. */
  seeds: NamedBytes[][];
  /** Byte ranges of the header that hold numbers (for field edits), per seed file. */
  fields?: (file: NamedBytes) => [number, number][];
  run: (files: NamedBytes[]) => ImportedRecording | unknown;
}

const enc = new TextEncoder();
const read = (rel: string) => new Uint8Array(readFileSync(path.join(DATA, rel)));

/** An EDF cut to its first `records` data records, with the header's record count rewritten. */
function shortEdf(bytes: Uint8Array, records: number): Uint8Array {
  const ns = Number(String.fromCharCode(...bytes.subarray(252, 256)).trim());
  const hb = 256 * (ns + 1);
  let spr = 0;
  for (let i = 0; i < ns; i++) spr += Number(String.fromCharCode(...bytes.subarray(256 + ns * 216 + i * 8, 256 + ns * 216 + i * 8 + 8)).trim());
  const bps = bytes[0] === 0xff ? 3 : 2;
  const out = bytes.slice(0, hb + records * spr * bps);
  out.set(enc.encode(String(records).padEnd(8, ' ')), 236);
  return out;
}

function edfFields(file: NamedBytes): [number, number][] {
  const b = file.bytes;
  const ns = Number(String.fromCharCode(...b.subarray(252, 256)).trim()) || 1;
  const f: [number, number][] = [[168, 8], [176, 8], [184, 8], [192, 44], [236, 8], [244, 8], [252, 4]];
  // phys min/max, dig min/max, samples per record of each signal
  for (const [off, w] of [[104, 8], [112, 8], [120, 8], [128, 8], [216, 8]] as const) for (let i = 0; i < ns; i++) f.push([256 + ns * off + i * w, w]);
  return f;
}

export function loadTargets(): FuzzTarget[] {
  if (!existsSync(DATA)) return [];
  const ludb = ['1.hea', '1.i', '1.avf'].map((n) => ({ name: n, bytes: read(`wfdb-ludb/${n}`) }));
  const ludbDat = { name: '1.dat', bytes: read('wfdb-ludb/1.dat').slice(0, 24 * 60) };
  const ludbHea = { name: '1.hea', bytes: enc.encode(new TextDecoder().decode(ludb[0].bytes).replace('1 12 500 5000', '1 12 500 60')) };
  const mitHea = { name: '100.hea', bytes: enc.encode('100 2 360 200\n100.dat 212 200 11 1024 995 -22131 0 MLII\n100.dat 212 200 11 1024 1011 20052 0 V5\n') };
  const mitDat = { name: '100.dat', bytes: read('wfdb-mitdb/100.dat').slice(0, 600) };
  const atr = { name: '100.atr', bytes: read('wfdb-mitdb/100.atr') };
  const ptbHea = { name: 's0010_re.hea', bytes: enc.encode(new TextDecoder().decode(read('wfdb-ptbdb/s0010_re.hea')).replace('s0010_re 15 1000 38400', 's0010_re 15 1000 40')) };
  const ptb = [ptbHea, { name: 's0010_re.dat', bytes: read('wfdb-ptbdb/s0010_re.dat').slice(0, 24 * 40) }, { name: 's0010_re.xyz', bytes: read('wfdb-ptbdb/s0010_re.xyz').slice(0, 6 * 40) }];
  const gui = new TextDecoder().decode(read('openbci-gui/OpenBCI_GUI-v6-blinks-jawClench-alpha.txt')).split('\n').slice(0, 40).join('\n');
  const bfLines = Array.from({ length: 30 }, (_, i) => Array.from({ length: 24 }, (_, c) => (c === 0 ? i % 256 : c === 22 ? 1.7e9 + i / 250 : c === 23 ? (i === 9 ? 3 : 0) : Math.sin(i + c) * 100).toFixed(6)).join('\t')).join('\n');
  const small = importEdf(shortEdf(read('edf-eegmmidb/S001R04.edf'), 2), 'x.edf');
  const csv = writeCsv(small)[0].text.split('\n').slice(0, 30).join('\n');
  const written = writeEdf({ ...small, annotations: [...small.annotations, { onset: 0.5, duration: 0.1, label: 'ünï', source: 'm' }] }, { format: 'bdf' }).bytes;
  return [
    {
      name: 'edf',
      seeds: [
        [{ name: 'eegmmidb.edf', bytes: shortEdf(read('edf-eegmmidb/S001R04.edf'), 2) }],
        [{ name: 'eegmat.edf', bytes: shortEdf(read('edf-eegmat/Subject00_1.edf'), 1) }],
        [{ name: 'stim.edf', bytes: read('edf-mne/test_edf_stim_channel.edf').slice(0, 6656 + 25 * 2 * 200) }],
      ],
      fields: edfFields,
      run: (f) => importEdf(f[0].bytes, f[0].name),
    },
    {
      name: 'bdf',
      seeds: [[{ name: 'stim.bdf', bytes: shortEdf(read('edf-mne/test_bdf_stim_channel.bdf'), 2) }], [{ name: 'ours.bdf', bytes: written }]],
      fields: edfFields,
      run: (f) => importEdf(f[0].bytes, f[0].name),
    },
    {
      name: 'wfdb',
      seeds: [[mitHea, mitDat, atr], [ludbHea, ludbDat, ludb[1], ludb[2]], ptb],
      run: (f) => importWfdb(f),
    },
    { name: 'wfdb-annotations', seeds: [[atr], [ludb[1]], [{ name: 'S001R04.edf.event', bytes: read('edf-eegmmidb/S001R04.edf.event') }]], run: (f) => parseWfdbAnnotations(f[0].bytes, f[0].name) },
    { name: 'xdf', seeds: [[{ name: 'minimal.xdf', bytes: read('xdf/minimal.xdf') }], [{ name: 'resets.xdf', bytes: read('xdf/clock_resets.xdf').slice(0, 6000) }]], run: (f) => importXdf(f[0].bytes, f[0].name) },
    { name: 'openbci-gui', seeds: [[{ name: 'gui.txt', bytes: enc.encode(gui) }]], run: (f) => parseOpenBciGui(f[0].bytes, f[0].name) },
    { name: 'brainflow-csv', seeds: [[{ name: 'bf.csv', bytes: enc.encode(bfLines) }]], run: (f) => parseBrainFlowCsv(f[0].bytes, f[0].name, { boardId: 0 }) },
    { name: 'csv', seeds: [[{ name: 'x-EEG.csv', bytes: enc.encode(csv) }]], run: (f) => parseHeartMindCsv(f[0].bytes, f[0].name) },
  ];
}

const HOSTILE = ['-1', '0', '1', '-0', '99999999', '1e308', '1e-308', 'nan', 'NaN', 'inf', '-2147483648', '4294967296', '  ', 'abc', '0x10', '3.5', '-3.5', '\u00ff\u00fe', '+', '.'];

/** One mutated copy of a seed (one file of it changed). */
export function mutate(seed: NamedBytes[], r: () => number, fields?: (f: NamedBytes) => [number, number][]): NamedBytes[] {
  const files = seed.map((f) => ({ name: f.name, bytes: f.bytes }));
  const k = Math.floor(r() * files.length);
  let b = files[k].bytes.slice();
  const kind = r();
  if (kind < 0.3) {
    const flips = 1 + Math.floor(r() * 8);
    for (let i = 0; i < flips && b.length; i++) b[Math.floor(r() * b.length)] ^= 1 << Math.floor(r() * 8);
  } else if (kind < 0.45) {
    const n = 1 + Math.floor(r() * 16);
    for (let i = 0; i < n && b.length; i++) b[Math.floor(r() * b.length)] = [0, 0xff, 0x2d, 0x39, 0x20, 0x0a, 0x14, 0x15, Math.floor(r() * 256)][Math.floor(r() * 9)];
  } else if (kind < 0.6) {
    b = b.slice(0, Math.floor(r() * b.length));
  } else if (kind < 0.68) {
    const extra = new Uint8Array(Math.floor(r() * 300));
    for (let i = 0; i < extra.length; i++) extra[i] = Math.floor(r() * 256);
    const out = new Uint8Array(b.length + extra.length);
    out.set(b);
    out.set(extra, b.length);
    b = out;
  } else if (kind < 0.9) {
    // a header field (binary formats) or a token of a text line rewritten with a hostile number
    const f = fields?.(files[k]);
    const v = enc.encode(HOSTILE[Math.floor(r() * HOSTILE.length)]);
    if (f && f.length) {
      const [off, w] = f[Math.floor(r() * f.length)];
      for (let i = 0; i < w && off + i < b.length; i++) b[off + i] = i < v.length ? v[i] : 0x20;
    } else {
      const text = new TextDecoder('latin1').decode(b);
      const tokens = [...text.matchAll(/[^\s,\t]+/g)];
      if (tokens.length) {
        const t = tokens[Math.floor(r() * Math.min(tokens.length, 400))];
        const s = text.slice(0, t.index) + HOSTILE[Math.floor(r() * HOSTILE.length)] + text.slice((t.index ?? 0) + t[0].length);
        b = Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);
      }
    }
  } else {
    // a line of non-ASCII junk inserted (text formats), or junk spliced into a binary
    const at = Math.floor(r() * (b.length + 1));
    const junk = Uint8Array.from({ length: 1 + Math.floor(r() * 40) }, () => (r() < 0.3 ? 0x0a : 0x80 + Math.floor(r() * 128)));
    const out = new Uint8Array(b.length + junk.length);
    out.set(b.subarray(0, at));
    out.set(junk, at);
    out.set(b.subarray(at), at + junk.length);
    b = out;
  }
  files[k] = { name: files[k].name, bytes: b };
  return files;
}

/** Random bytes, sometimes behind the format's magic so they get past the first check. */
function randomInput(seed: NamedBytes[], r: () => number): NamedBytes[] {
  return seed.map((f) => {
    const n = Math.floor(r() * 2048);
    const b = new Uint8Array(n);
    for (let i = 0; i < n; i++) b[i] = Math.floor(r() * 256);
    if (r() < 0.7) b.set(f.bytes.subarray(0, Math.min(n, 8 + Math.floor(r() * 64))));
    return { name: f.name, bytes: b };
  });
}

/** Bytes held by the typed arrays of a result (to check allocations stay bounded by the input). */
function heldBytes(v: unknown, depth = 0): number {
  if (ArrayBuffer.isView(v)) return v.byteLength;
  if (depth > 6 || v === null || typeof v !== 'object') return 0;
  let s = 0;
  for (const x of Array.isArray(v) ? v : Object.values(v)) s += heldBytes(x, depth + 1);
  return s;
}

export interface FuzzReport {
  target: string;
  cases: number;
  ok: number;
  formatErrors: number;
  crashes: { message: string; stack?: string }[];
  oversized: number;
  worstMs: number;
  meanMs: number;
}

/** Runs `cases` cases spread over the targets; returns one report per target. */
export function fuzz(targets: FuzzTarget[], cases: number, seed: number): FuzzReport[] {
  const r = mulberry32(seed); // the same seed gives the same cases
  const reports = targets.map((t) => ({ target: t.name, cases: 0, ok: 0, formatErrors: 0, crashes: [] as { message: string; stack?: string }[], oversized: 0, worstMs: 0, totalMs: 0 }));
  for (let i = 0; i < cases; i++) {
    const ti = i % targets.length;
    const t = targets[ti];
    const rep = reports[ti];
    const s = t.seeds[Math.floor(r() * t.seeds.length)];
    const input = r() < 0.15 ? randomInput(s, r) : mutate(s, r, t.fields);
    const inBytes = input.reduce((a, f) => a + f.bytes.length, 0);
    const t0 = performance.now();
    try {
      const res = t.run(input);
      rep.ok++;
      // a result may be a few times its input (16-bit → float32 planar + digital copies, text → float64),
      // never unbounded
      if (heldBytes(res) > 64 * inBytes + (1 << 16)) rep.oversized++;
    } catch (e) {
      if (e instanceof FormatError) rep.formatErrors++;
      else if (rep.crashes.length < 20) rep.crashes.push({ message: `${(e as Error)?.name}: ${(e as Error)?.message}`, stack: (e as Error)?.stack });
      else rep.crashes.push({ message: 'more' });
    }
    const dt = performance.now() - t0;
    rep.totalMs += dt;
    rep.worstMs = Math.max(rep.worstMs, dt);
    rep.cases++;
  }
  return reports.map(({ totalMs, ...x }) => ({ ...x, meanMs: totalMs / Math.max(1, x.cases) }));
}

async function main() {
  const { benchFlags, COUNT, header, SEED, table } = await import('./bench-util');
  const values = benchFlags(import.meta.url, 'Every file parser on random and mutated real files; a crash, hang or unbounded result is a failure.', {
    cases: { type: 'number', rule: COUNT, default: 100_000, help: 'cases in all (about a minute at the default)' },
    seed: { type: 'number', rule: SEED, default: 1, help: 'random seed' },
  });
  header(`Format parsers under fuzzing: ${values.cases} cases, seed ${values.seed}`);
  const targets = loadTargets();
  if (targets.length === 0) {
    console.log('needs ../shared/data (the seed files)');
    return;
  }
  const t0 = performance.now();
  const reports = fuzz(targets, values.cases, values.seed);
  const rss = process.memoryUsage().rss / 2 ** 20;
  table(reports.map((x) => ({ parser: x.target, cases: String(x.cases), parsed: String(x.ok), FormatError: String(x.formatErrors), crashes: String(x.crashes.length), oversized: String(x.oversized), 'mean ms': x.meanMs, 'worst ms': x.worstMs })));
  const crashes = reports.flatMap((x) => x.crashes.map((c) => `${x.target}: ${c.message}\n${c.stack ?? ''}`));
  console.log(`\n${reports.reduce((a, x) => a + x.cases, 0)} cases in ${((performance.now() - t0) / 1000).toFixed(1)} s; ${crashes.length} crashes; peak RSS ${rss.toFixed(0)} MiB`);
  for (const c of crashes.slice(0, 10)) console.log(c);
  if (crashes.length || reports.some((x) => x.oversized)) process.exitCode = 1;
}

if (process.argv[1] && /fuzz-formats\.ts$/.test(process.argv[1])) void main();
