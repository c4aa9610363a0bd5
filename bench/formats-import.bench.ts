// Import speed of the file formats. EDF/BDF against MNE-Python reading the same files in the same
// run (mne.io.read_raw_edf/read_raw_bdf with preload=True, timed inside Python so interpreter
// start-up is not counted); MB/s for every parser and for the writers.
//   node --import tsx bench/formats-import.bench.ts [--min-ms 400] [--all-eegmat]
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { benchFlags, header, median, POSITIVE, runPeer, table, timeIt } from './bench-util';
import { importEdf, writeEdf } from '../src/shared/formats/edf';
import { importWfdb } from '../src/shared/formats/wfdb';
import { importXdf } from '../src/shared/formats/xdf';
import { parseOpenBciGui } from '../src/shared/formats/openbci';
import { parseBrainFlowCsv } from '../src/shared/formats/brainflow-csv';
import { parseHeartMindCsv, writeCsv } from '../src/shared/formats/csv';
import type { NamedBytes } from '../src/shared/formats/recording.types';

const values = benchFlags(import.meta.url, 'File import speed, MB/s per parser and writer, against MNE-Python reading the same EDF/BDF files.', {
  'min-ms': { type: 'number', rule: POSITIVE, default: 400, help: 'milliseconds each parser is timed for' },
  'all-eegmat': { type: 'boolean', help: 'every EEGMAT file, not three' },
});
const MIN_MS = values['min-ms'];
const DATA = path.resolve('..', 'shared', 'data');

const MNE_SCRIPT = `
import sys, json, time, statistics, mne
res = {}
for path in sys.argv[2:]:
    reader = mne.io.read_raw_bdf if path.lower().endswith('.bdf') else mne.io.read_raw_edf
    reader(path, preload=True, verbose='error')  # warm-up
    times = []
    t_end = time.perf_counter() + float(sys.argv[1]) / 1000
    while len(times) < 3 or time.perf_counter() < t_end:
        t = time.perf_counter()
        raw = reader(path, preload=True, verbose='error')
        raw.get_data()
        times.append((time.perf_counter() - t) * 1000)
    res[path] = statistics.median(times)
print(json.dumps(res))
`;

function mneTimes(files: string[]): Record<string, number> | null {
  const r = runPeer<Record<string, number>>(['-c', MNE_SCRIPT, String(MIN_MS), ...files]);
  if ('value' in r) return r.value;
  console.log(`MNE peer skipped: ${r.why} (ratios left out)`);
  return null;
}

const readBytes = (p: string) => new Uint8Array(readFileSync(p));
const mb = (n: number) => n / 2 ** 20;

async function main() {
  header('File import: HeartMind parsers vs MNE-Python');
  if (!existsSync(DATA)) {
    console.log('needs ../shared/data');
    return;
  }
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'hm-fmt-bench-'));
  try {
    // EDF/BDF against MNE.
    const eegmatAll = readdirSync(path.join(DATA, 'edf-eegmat')).filter((n) => n.endsWith('.edf')).sort();
    const eegmat = values['all-eegmat'] ? eegmatAll : ['Subject00_1.edf', 'Subject00_2.edf', 'Subject10_1.edf'];
    const files = [...eegmat.map((n) => path.join(DATA, 'edf-eegmat', n)), path.join(DATA, 'edf-eegmmidb', 'S001R04.edf')];
    // a long BDF: EEGMAT rest written as BDF by our writer
    const longBdf = path.join(tmp, 'Subject10_1.bdf');
    writeFileSync(longBdf, writeEdf(importEdf(readBytes(files[2]), 'Subject10_1.edf'), { format: 'bdf' }).bytes);
    files.push(longBdf);
    const mne = mneTimes(files);
    const rows: Record<string, string | number>[] = [];
    for (const f of files) {
      const bytes = readBytes(f);
      const name = path.basename(f);
      const parse = median(await timeIt(() => importEdf(bytes, name), { minMs: MIN_MS }));
      const readParse = median(await timeIt(() => importEdf(readBytes(f), name), { minMs: MIN_MS }));
      const m = mne?.[f];
      rows.push({
        file: name,
        MB: mb(bytes.length),
        'ours parse ms': parse,
        'ours read+parse ms': readParse,
        'MNE ms': m ?? '–',
        'MNE / ours': m ? `${(m / readParse).toFixed(1)}×` : '–',
        'ours MB/s': mb(bytes.length) / (readParse / 1000),
      });
    }
    table(rows);

    // MB/s per parser (parse from memory) and per writer.
    console.log('');
    const named = (dir: string) => readdirSync(path.join(DATA, dir)).map((n) => ({ name: n, bytes: readBytes(path.join(DATA, dir, n)) }));
    const mit = named('wfdb-mitdb');
    const eegmatRec = importEdf(readBytes(files[0]), 'Subject00_1.edf');
    const gui = readBytes(path.join(DATA, 'openbci-gui', 'OpenBCI_GUI-v6-blinks-jawClench-alpha.txt'));
    const guiRec = parseOpenBciGui(gui, 'gui.txt');
    // a BrainFlow Cyton file from the OpenBCI GUI recording's values (24 rows, 6 decimals)
    const exg = guiRec.streams[0].segments[0];
    const bfLines: string[] = [];
    for (let i = 0; i < exg.count; i++) {
      const row = new Array(24).fill(0);
      row[0] = i % 256;
      for (let c = 0; c < 8; c++) row[1 + c] = exg.data[c * exg.count + i];
      row[22] = 1557936053.329 + i / 250;
      bfLines.push(row.map((v) => v.toFixed(6)).join('\t'));
    }
    const bf = new TextEncoder().encode(bfLines.join('\n') + '\n');
    const csvFile = writeCsv(eegmatRec)[0];
    const csv = new TextEncoder().encode(csvFile.text);
    const xdf = readBytes(path.join(DATA, 'xdf', 'clock_resets.xdf'));
    const edfBytes = readBytes(files[0]);
    const cases: [string, number, () => unknown][] = [
      ['EDF+ read (EEGMAT Subject00_1)', edfBytes.length, () => importEdf(edfBytes, 'x.edf')],
      ['BDF read (EEGMAT Subject10_1 as BDF)', readBytes(longBdf).length, (() => { const b = readBytes(longBdf); return () => importEdf(b, 'x.bdf'); })()],
      ['WFDB read (MIT-BIH 100, format 212 + .atr)', mit.reduce((a: number, f: NamedBytes) => a + f.bytes.length, 0), () => importWfdb(mit)],
      ['XDF read (clock_resets.xdf, sync + dejitter)', xdf.length, () => importXdf(xdf, 'x.xdf')],
      ['OpenBCI GUI text read', gui.length, () => parseOpenBciGui(gui, 'gui.txt')],
      ['BrainFlow CSV read (Cyton)', bf.length, () => parseBrainFlowCsv(bf, 'bf.csv', { boardId: 0 })],
      ['HeartMind CSV read', csv.length, () => parseHeartMindCsv(csv, 'x.csv')],
      ['EDF+ write (EEGMAT Subject00_1)', edfBytes.length, () => writeEdf(eegmatRec, { format: 'edf' })],
      ['BDF+ write (EEGMAT Subject00_1)', edfBytes.length * 1.5, () => writeEdf(eegmatRec, { format: 'bdf' })],
      ['CSV write (EEGMAT Subject00_1)', csv.length, () => writeCsv(eegmatRec)],
    ];
    const rows2: Record<string, string | number>[] = [];
    for (const [what, bytes, fn] of cases) {
      const ms = median(await timeIt(fn, { minMs: MIN_MS }));
      rows2.push({ parser: what, MB: mb(bytes), 'ms (median)': ms, 'MB/s': mb(bytes) / (ms / 1000) });
    }
    table(rows2);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

void main();
