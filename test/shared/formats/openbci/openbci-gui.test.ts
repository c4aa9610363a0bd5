import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { FormatError } from '../../../../src/shared/formats/format-error';
import { parseOpenBciGui } from '../../../../src/shared/formats/openbci/openbci-gui';
import { GUI_FILE, NEED_GUI } from '../../../fixtures/cyton/openbci-gui';

test('OpenBCI GUI v6 Cyton file: 8 EXG channels at 250 Hz, 22490 samples, values and time as written', { skip: NEED_GUI }, () => {
  const text = readFileSync(GUI_FILE, 'latin1');
  const r = parseOpenBciGui(text, 'gui.txt');
  assert.equal(r.format, 'openbci-gui');
  assert.equal(r.startTime, 1557936053.329);
  assert.equal(r.info.board, 'OpenBCI_GUI$BoardCytonSerial');
  const [exg, other] = r.streams;
  assert.deepEqual([exg.name, exg.modality, exg.rateHz, exg.channels.length, exg.channels[0].label, exg.channels[0].unit], ['EXG', 'eeg', 250, 8, 'EXG Channel 0', 'uV']);
  assert.deepEqual(exg.segments.map((s) => [s.start, s.count]), [[0, 22490]]);
  const seg = exg.segments[0];
  // first and last data lines of the file
  assert.deepEqual([0, 1, 7].map((c) => seg.data[c * seg.count]), [61379.36, 49492.89, 1740.11]);
  assert.deepEqual([0, 7].map((c) => seg.data[c * seg.count + seg.count - 1]), [58705.56, -6470.99]);
  assert.deepEqual(other.channels.slice(0, 3).map((c) => [c.label, c.unit, c.kind]), [['Accel Channel 0', 'g', 'accel'], ['Accel Channel 1', 'g', 'accel'], ['Accel Channel 2', 'g', 'accel']]);
  assert.equal(other.segments[0].data[0], 0.04);
  assert.deepEqual(r.annotations, []);
  assert.deepEqual(r.warnings, []);
});

test('a file cut off inside its last line: that line is left out, with a warning', { skip: NEED_GUI }, () => {
  const cut = readFileSync(GUI_FILE).subarray(0, 20000); // as `head -c 20000` leaves it: line 126 holds 5 of 25 fields
  const r = parseOpenBciGui(cut, 'cut.txt');
  assert.equal(r.streams[0].segments[0].count, 125);
  assert.deepEqual(r.warnings, ['the last line (line 131) has 5 of 25 columns (file cut short?); it is left out']);
});

test('lost samples (counter jumps) and a long pause split the stream at the right times; markers kept', () => {
  const head = '%OpenBCI Raw EXG Data\n%Number of channels = 2\n%Sample Rate = 250 Hz\n%Board = OpenBCI_GUI$BoardCytonSerial\nSample Index, EXG Channel 0, EXG Channel 1, Timestamp, Marker Channel, Timestamp (Formatted)\n';
  const rows: string[] = [];
  const add = (idx: number, v: number, tMs: number, marker = 0) => rows.push(`${idx % 256}, ${v}, ${-v}, ${tMs}, ${marker}, 12:00:00.000`);
  for (let i = 0; i < 10; i++) add(i, i, 1e12 + i * 4);
  for (let i = 13; i < 20; i++) add(i, i, 1e12 + i * 4, i === 15 ? 3 : 0); // 3 samples lost
  for (let i = 20; i < 25; i++) add(i + 1250, i, 1e12 + 5000 + i * 4); // 5 s (1250 samples) lost: the counter jumps by 1251 mod 256
  const r = parseOpenBciGui(head + rows.join('\n'), 'gaps.txt');
  assert.deepEqual(r.streams[0].segments.map((s) => [Number(s.start.toFixed(9)), s.count]), [[0, 10], [13 / 250, 7], [5 + 20 * 0.004, 5]]);
  assert.deepEqual(r.annotations.map((a) => [a.onset, a.label]), [[15 / 250, '3']]);
  assert.deepEqual(r.warnings, ['1253 samples lost in transmission (sample counter jumps); gaps kept in place', '2 gap(s) in the recording']);
});

test('a board faster than its nominal rate: a pause starts where its samples end plus the pause, never over them; a clock set back is no gap', () => {
  // 250 Hz nominal, 255 Hz real (a Cyton 0.4 % fast does the same in 10 minutes): after 25 500 rows
  // the count says 102 s, the host clock 100 s; then 1.5 s without data (382 samples at 255 Hz: the
  // counter jumps by 383, 127 mod 256, and the host time tells the turn of it).
  const head = '%OpenBCI Raw EXG Data\n%Number of channels = 1\n%Sample Rate = 250 Hz\n%Board = OpenBCI_GUI$BoardCytonSerial\nSample Index, EXG Channel 0, Timestamp, Marker Channel\n';
  const n1 = 25_500;
  const rows: string[] = [];
  for (let i = 0; i < n1 + 500; i++) rows.push(`${(i + (i >= n1 ? 382 : 0)) % 256}, ${i}, ${Math.round(1e12 + (i / 255) * 1000 + (i >= n1 ? 1500 : 0))}, ${i === n1 + 10 ? 5 : 0}`);
  const r = parseOpenBciGui(head + rows.join('\n'), 'fast.txt');
  const segs = r.streams[0].segments;
  assert.deepEqual(segs.map((s) => s.count), [n1, 500], 'the pause splits the rows where it is');
  // placed at its time stamp (101.5 s) it began 0.5 s inside the first segment, which ends at 102 s
  const end1 = segs[0].start + n1 / 250;
  assert.ok(Math.abs(segs[1].start - (end1 + 382 / 250)) < 1e-9, `the second segment starts 382 samples after the first ends (${end1 + 382 / 250} s), not at ${segs[1].start} s`);
  assert.equal(r.annotations[0].onset, segs[1].start + 10 / 250, 'a marker keeps its place in its segment');
  // The host clock set back by 3 s (a time sync) in mid-stream: the counter runs on, so do the samples.
  const back = rows.slice(0, 1000).map((l, i) => (i < 500 ? l : l.replace(/, (\d+), (\d+)$/, (_, t, m) => `, ${Number(t) - 3000}, ${m}`)));
  const r2 = parseOpenBciGui(head + back.join('\n'), 'back.txt');
  assert.deepEqual(r2.streams[0].segments.map((s) => [s.start, s.count]), [[0, 1000]], 'one segment: it used to start again 3 s earlier, over the samples before it');
  // A row written twice (its counter repeats: 11, 11, 12) lost no samples: it was taken as -1 lost,
  // the rows after it a sample over those before (now refused on import as going back in time).
  const again = [...rows.slice(0, 12), rows[11], ...rows.slice(12, 40)];
  assert.deepEqual(parseOpenBciGui(head + again.join('\n'), 'again.txt').streams[0].segments.map((s) => [s.start, s.count]), [[0, 41]], 'one segment');
  assert.deepEqual(r2.warnings, ["the time stamps go back by 2.996 s at line 506 (the computer's clock set back?): the samples there are taken as following on"]);
});

test('bad OpenBCI files give one FormatError', () => {
  const bad = (text: string, code: string, re: RegExp) =>
    assert.throws(() => parseOpenBciGui(text, 'b.txt'), (e: unknown) => e instanceof FormatError && e.code === code && re.test(e.message) && e.fileName === 'b.txt');
  bad('', 'empty', /empty/);
  bad('hello', 'not-this-format', /OpenBCI/);
  bad('%OpenBCI Raw EXG Data\n%Sample Rate = 250 Hz\n0, 1, 2\n', 'bad-header', /no "%Number of channels" line, and data lines of 3 columns \(the sample index, 2 values\) fit no OpenBCI board/);
  bad('%OpenBCI Raw EXG Data\n%Number of channels = x\n%Sample Rate = 250 Hz\n0, 1, 2\n', 'bad-header', /bad "%Number of channels" \("x"\)/);
  bad('%OpenBCI Raw EXG Data\n%Number of channels = 1\n%Sample Rate = 250 Hz\nSample Index, EXG Channel 0\n0, 1\n1, x\n2, 3\n', 'bad-number', /^b\.txt: line 6, column 2: "x" is not a number$/); // line 6 of the file, as an editor numbers it (it said data line 2)
  bad('%OpenBCI Raw EXG Data\n%Number of channels = 2\n%Sample Rate = 250 Hz\nSample Index, EXG Channel 0\n0, 1\n', 'bad-header', /2 channels/);
});

test('OpenBCI time stamps in µs or ns (the GUI writes ms or s) are refused naming the line and the unit they look like', () => {
  const head = '%OpenBCI Raw EXG Data\n%Number of channels = 1\n%Sample Rate = 250 Hz\nSample Index, EXG Channel 0, Timestamp\n';
  const file = (scale: number) => head + Array.from({ length: 20 }, (_, i) => `${i}, ${i}, ${((1.7e9 + i / 250) * scale).toFixed(0)}`).join('\n');
  for (const [scale, unit] of [[1e6, 'microseconds'], [1e9, 'nanoseconds']] as const) {
    assert.throws(
      () => parseOpenBciGui(file(scale), 't.txt'),
      (e: unknown) => e instanceof FormatError && e.code === 'bad-number' && e.message === `t.txt: line 5, Timestamp column (column 3): ${1.7e9 * scale} is not a unix time in milliseconds from 1970 to 2200; it looks like ${unit} (2023-11-14)`,
    );
  }
  assert.equal(parseOpenBciGui(file(1e3), 't.txt').startTime, 1.7e9);
  assert.equal(parseOpenBciGui(file(1), 't.txt').startTime, 1.7e9);
});

/** Lines as each GUI version writes them: the sample index, the channels (µV, 2 decimals), 3 accelerometer values, then `extra`. */
function guiRows(n: number, nch: number, extra: (i: number) => string[], index = (i: number) => i % 256): string[] {
  return Array.from({ length: n }, (_, i) => [String(index(i)), ...Array.from({ length: nch }, (_, c) => (i * 1.5 + c * 100 - 0.01).toFixed(2)), '0.040', '0.420', '0.238', ...extra(i)].join(', '));
}
/** The Processing GUI (v1–v3) header: no channel count, no column names. */
const GUI_V3_HEAD = ['%OpenBCI Raw EEG Data', '%', '%Sample Rate = 250.0 Hz', '%First Column = SampleIndex', '%Last Column = Timestamp', '%Other Columns = EEG data in microvolts followed by Accel Data (in G) interleaved with Aux Data'];
const clock = (i: number) => `18:51:${String(16 + Math.floor((59 + i * 4) / 1000)).padStart(2, '0')}.${String((59 + i * 4) % 1000).padStart(3, '0')}`;

test('OpenBCI GUI files of other versions: v3 (no channel count, no names; Cyton and Daisy), v4 (count, no names, both times), v5 Cyton and v6 Ganglion (named "Other" columns)', () => {
  const read = (lines: string[]) => parseOpenBciGui(lines.join('\n') + '\n', 'gui.txt');
  const shape = (r: ReturnType<typeof parseOpenBciGui>) => r.streams.map((s) => [s.name, s.rateHz, s.channels.map((c) => c.label), s.segments.map((g) => g.count)]);
  const exg = (n: number) => Array.from({ length: n }, (_, k) => `EXG Channel ${k}`);
  const accel = ['Accel Channel 0', 'Accel Channel 1', 'Accel Channel 2'];

  // v3 Cyton: 13 columns, the last a clock time without a date (no start time)
  const v3 = read([...GUI_V3_HEAD, ...guiRows(300, 8, (i) => [clock(i)])]);
  assert.deepEqual(shape(v3), [['EXG', 250, exg(8), [300]], ['Other', 250, accel, [300]]]);
  assert.equal(v3.startTime, null);
  assert.deepEqual([0, 7].map((c) => v3.streams[0].segments[0].data[c * 300 + 2]), [2.99, 702.99]);
  // v3 Cyton+Daisy: 16 channels; a Ganglion's 4; and an old file without accelerometer columns
  assert.deepEqual(shape(read([...GUI_V3_HEAD, ...guiRows(10, 16, (i) => [clock(i)])]))[0][2], exg(16));
  assert.deepEqual(shape(read([...GUI_V3_HEAD, ...guiRows(10, 4, (i) => [clock(i)])]))[0][2], exg(4));
  const bare = read([...GUI_V3_HEAD.slice(0, 4), ...Array.from({ length: 10 }, (_, i) => `${i}, ${[1, 2, 3, 4, 5, 6, 7, 8].map((v) => v + i).join(', ')}`)]);
  assert.deepEqual(shape(bare), [['EXG', 250, exg(8), [10]]]);

  // v4: the channel count, no names, the clock time and then the unix time in ms
  const v4 = read(['%OpenBCI Raw EEG Data', '%Number of channels = 8', ...GUI_V3_HEAD.slice(2), ...guiRows(300, 8, (i) => [clock(i), String(1557935476059 + i * 4)])]);
  assert.deepEqual(shape(v4), [['EXG', 250, exg(8), [300]], ['Other', 250, accel, [300]]]);
  assert.equal(v4.startTime, 1557935476.059);

  // v5 Cyton: seven raw 'Other' columns, analog ones, and an 'Other' after the time stamp
  const others = (n: number) => Array.from({ length: n }, (_, k) => `Other ${k + 1}`);
  const v5 = read([
    '%OpenBCI Raw EEG Data', '%Number of channels = 8', '%Sample Rate = 250 Hz', '%Board = OpenBCI_GUI$BoardCytonSerial',
    `Sample Index, ${exg(8).join(', ')}, ${accel.join(', ')}, Other, Other, Other, Other, Other, Other, Other, Analog Channel 0, Analog Channel 1, Analog Channel 2, Timestamp, Other, Timestamp (Formatted)`,
    ...guiRows(300, 8, (i) => ['0', '0', '0', '0', '0', '0', '0', '0', '0', '0', String(1557935476059 + i * 4), '0', `2019-05-15 ${clock(i)}`]),
  ]);
  assert.deepEqual(shape(v5), [['EXG', 250, exg(8), [300]], ['Other', 250, [...accel, ...others(7), 'Analog Channel 0', 'Analog Channel 1', 'Analog Channel 2', 'Other 8'], [300]]]);
  assert.equal(v5.startTime, 1557935476.059);

  // v6 Ganglion: 4 channels at 200 Hz, five 'Other' columns, a marker column; its sample index is
  // BrainFlow's packet number, two samples each (1, 1, 2, 2 … 100, 100, 1), which is no loss
  const g6 = read([
    '%OpenBCI Raw EXG Data', '%Number of channels = 4', '%Sample Rate = 200 Hz', '%Board = OpenBCI_GUI$BoardGanglionNative',
    `Sample Index, ${exg(4).join(', ')}, ${accel.join(', ')}, Other, Other, Other, Other, Other, Timestamp, Marker Channel, Timestamp (Formatted)`,
    ...guiRows(400, 4, (i) => ['0', '0', '0', '0', '0', String(1700000000000 + i * 5), i === 100 ? '7' : '0', '2023-11-14 22:13:20.000'], (i) => (Math.floor(i / 2) % 100) + 1),
  ]);
  assert.deepEqual(shape(g6), [['EXG', 200, exg(4), [400]], ['Other', 200, [...accel, ...others(5)], [400]]]);
  assert.deepEqual(g6.warnings, []);
  assert.deepEqual(g6.annotations.map((a) => [a.onset, a.label]), [[0.5, '7']]);
  assert.equal(g6.streams[0].meta?.board, 'BoardGanglionNative');
});

/**
 * A Cyton file as the GUI writes it: the board samples at `boardHz` (250 nominal), the host stamps
 * each batch of 8 rows when it reads it (10–30 ms late); `lost` samples vanish at row 5000 (the
 * counter skips them, time runs on); `stallS` freezes the stamps there for that long, after which the
 * backlog is read at 1.4 times the rate until it catches up (no sample lost).
 */
function cytonFile(opts: { boardHz?: number; lost?: number; stallS?: number; stepMs?: number }): string {
  const head = '%OpenBCI Raw EXG Data\n%Number of channels = 1\n%Sample Rate = 250 Hz\n%Board = OpenBCI_GUI$BoardCytonSerial\nSample Index, EXG Channel 0, Timestamp, Marker Channel\n';
  const hz = opts.boardHz ?? 250;
  const at = 5000;
  let seed = 7;
  const jitter = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 20;
  const rows: string[] = [];
  let stamp = 0;
  for (let i = 0; i < 8000; i++) {
    const n = i + (i >= at ? (opts.lost ?? 0) : 0); // the board's sample number
    if (i % 8 === 0 || i === at) stamp = 1.7e12 + ((n + 7) / hz) * 1000 + 10 + jitter() + (i >= at ? (opts.stepMs ?? 0) : 0);
    const stalled = i >= at && opts.stallS ? Math.max(stamp, 1.7e12 + (at / hz + opts.stallS) * 1000 + ((i - at) / (1.4 * hz)) * 1000) : stamp;
    rows.push(`${n % 256}, ${i}, ${Math.round(stalled)}, ${i === at + 3 ? 9 : 0}`);
  }
  return head + rows.join('\n');
}

test('Cyton dropouts of 0.3–3 s: the samples lost are the counter jump plus the turns of it (256) the host time says, on boards 0.5 % fast or slow', () => {
  for (const hz of [250, 251.25, 248.75]) {
    for (const seconds of [0.3, 0.5, 0.8, 1, 1.024, 1.5, 3]) {
      const lost = Math.round(seconds * hz);
      const r = parseOpenBciGui(cytonFile({ boardHz: hz, lost }), 'drop.txt');
      const segs = r.streams[0].segments;
      const what = `${seconds} s (${lost} samples) lost at ${hz} Hz`;
      // A jump of 128–255 used to be no loss (0.8 s: bridged, all after it 0.8 s early); a loss over
      // a second was taken from the host time, off the sample grid and not counted as lost.
      assert.deepEqual(segs.map((s) => [s.start, s.count]), [[0, 5000], [(5000 + lost) / 250, 3000]], `${what}: one gap of exactly that many samples`);
      assert.deepEqual(r.warnings, [`${lost} samples lost in transmission (sample counter jumps); gaps kept in place`, '1 gap(s) in the recording'], what);
      assert.ok(Math.abs(r.annotations[0].onset - (5003 + lost) / 250) < 1e-9, `${what}: the marker after it keeps its place (${r.annotations[0].onset} s)`);
    }
  }
});

test('Cyton: a host that stalls (time stamps pause up to 3 s, then catch up) with the counter running on is no gap; a clock stepped forward half a turn is a guess, said with its line', () => {
  for (const stallS of [0.6, 1, 1.5, 3]) {
    const r = parseOpenBciGui(cytonFile({ stallS }), 'stall.txt');
    // it used to be a gap of the pause's length wherever the pause was over a second
    assert.deepEqual(r.streams[0].segments.map((s) => [s.start, s.count]), [[0, 8000]], `a ${stallS}-s stall: one segment`);
    assert.equal(r.warnings.length, 1, `a ${stallS}-s stall: one warning`);
    assert.match(r.warnings[0], /^the time stamps pause 1 time\(s\) where the sample counter runs on and they catch up after \(longest \d+\.\d+ s, line 5006\): the computer stalled, no samples lost$/, `${stallS} s`);
  }
  // A 20-s stall whose backlog has not drained when the file ends: the stamps say only "at most", so
  // the counter's count stands (none lost), with a warning that says so.
  const long = parseOpenBciGui(cytonFile({ stallS: 20 }), 'long.txt');
  assert.deepEqual(long.streams[0].segments.map((s) => [s.start, s.count]), [[0, 8000]], 'a 20-s stall still catching up: one segment');
  assert.match(long.warnings.join('\n'), /line 5006: the counter says 0 samples lost \(or 256 more per turn of it\), the time stamps [\d.]+ s at most \(they were still catching up with a backlog where they were read to\); taken as 0 \(0 s\)/);
  // The host clock steps 0.65 s forward and stays there: 0.63 turns of the counter, which cannot be told from 256 samples lost.
  const r = parseOpenBciGui(cytonFile({ stepMs: 650 }), 'step.txt');
  assert.deepEqual(r.streams[0].segments.map((s) => [s.start, s.count]), [[0, 5000], [5256 / 250, 3000]], 'taken as the nearest whole turn');
  assert.match(r.warnings.join('\n'), /1 break\(s\) where the sample counter and the time stamps disagree, so the samples lost are a guess: line 5006: the counter says 0 samples lost \(or 256 more per turn of it\), the time stamps 0\.6\d+ s; taken as 256 \(1\.024 s\)/);
});
