// BrainFlow through our koffi binding against a real libBoardController (built from BrainFlow's
// source, ../shared/brainflow): the synthetic board, the playback-file board streaming a file made
// from the real OpenBCI GUI recording and one BrainFlow's own DataHandler wrote, error codes, and
// libraries that are not BrainFlow.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import koffi from 'koffi';
import { BoardShim, findBrainFlowLibrary, loadBrainFlow } from '../../../src/main/devices/brainflow/brainflow-lib';
import { BrainFlowDriver } from '../../../src/main/devices/drivers/brainflow-driver';
import { ManagedSource } from '../../../src/main/devices/device-source';
import { BoardIds, BrainFlowError } from '../../../src/shared/devices/brainflow/brainflow.types';
import { DeviceError } from '../../../src/shared/devices/device-error';
import { RecordingSink, systemClock, waitFor } from '../../fixtures/recording-sink';
import { NEED_GUI, readGuiExg } from '../../fixtures/cyton/openbci-gui';
import { elfHeader, fatMachOHeader, peHeader } from '../../fixtures/native-headers';

const BF_DIR = resolve('..', 'shared', 'brainflow', 'linux-x64');
const LIB = join(BF_DIR, 'libBoardController.so');
const NEED_BF = (!existsSync(LIB) && 'needs ../shared/brainflow/linux-x64/libBoardController.so') || (process.platform !== 'linux' || process.arch !== 'x64' ? 'the shared BrainFlow build is Linux x86-64' : false);
const FAST = { initialDelayMs: 100, maxDelayMs: 300, startAttempts: 1 };

const tmp = mkdtempSync(join(tmpdir(), 'hm-bf-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('BrainFlow boards through koffi', { skip: NEED_BF }, () => {
  test('synthetic board: 16 EEG channels at 250 Hz, a sample-counted device clock, a chosen ECG row', async () => {
    const sink = new RecordingSink();
    const drv = new BrainFlowDriver({ boardId: BoardIds.SYNTHETIC_BOARD, libraryPath: LIB, ecgRows: [16] });
    assert.equal(drv.name, 'BrainFlow Synthetic board');
    const src = new ManagedSource(drv, { hostClock: systemClock, policy: FAST });
    try {
      await src.start(sink);
      const eeg = 'brainflow:-1/eeg';
      const ecg = 'brainflow:-1/ecg';
      await waitFor('1 s of synthetic data', () => sink.samples(eeg) >= 250, 4000);
      const ei = sink.infos.get(eeg)!;
      assert.equal(ei.nominalRateHz, 250);
      assert.deepEqual(ei.channels.map((c) => c.label).slice(0, 4), ['Fz', 'C3', 'Cz', 'C4']);
      assert.equal(ei.channels.length, 15);
      assert.equal(sink.infos.get(ecg)!.channels.length, 1);
      assert.equal(sink.samples(ecg), sink.samples(eeg));
      // The device clock counts samples: chunk after chunk, exactly contiguous (BrainFlow's own
      // timestamps are the reader thread's, bursty, and would read as gaps and overlaps).
      const cs = sink.chunks.filter((c) => c.streamId === eeg);
      assert.equal(cs[0].deviceTime, 0);
      for (let i = 1; i < cs.length; i++) assert.ok(Math.abs(cs[i].deviceTime - (cs[i - 1].deviceTime + cs[i - 1].count / 250)) < 1e-9, `chunk ${i} follows chunk ${i - 1}`);
      const v = sink.channel(eeg, 0);
      assert.ok(v.every(Number.isFinite), 'every EEG value is finite');
      assert.ok(Math.max(...v) - Math.min(...v) > 1, 'a moving signal');
      assert.equal(sink.gaps.length, 0, 'the package counter saw no loss');
      assert.match(String(src.status().settings?.brainflowVersion), /\d/);
    } finally {
      await src.stop();
    }
    assert.equal(src.status().state, 'stopped');
  });

  test('playback board streams a BrainFlow-format file made from the OpenBCI GUI recording; values come back', { skip: NEED_GUI }, async () => {
    const gui = readGuiExg(1500);
    // BrainFlow's write_file layout for board 0 (Cyton): one tab-separated line per sample, 24
    // rows: package, 8 EXG µV, 3 accel, 10 other/analog, timestamp (s), marker.
    const lines: string[] = [];
    const t0 = 1557936053.329;
    for (let i = 0; i < gui.rows; i++) {
      const row = new Array(24).fill(0);
      row[0] = gui.sampleIndex[i];
      for (let c = 0; c < 8; c++) row[1 + c] = gui.uv[c][i];
      for (let k = 0; k < 3; k++) row[9 + k] = gui.accel[k][i];
      row[22] = t0 + i / 250;
      lines.push(row.map((v) => v.toFixed(6)).join('\t'));
    }
    const file = join(tmp, 'cyton-playback.csv');
    writeFileSync(file, lines.join('\n') + '\n');
    const sink = new RecordingSink();
    const drv = new BrainFlowDriver({ boardId: BoardIds.PLAYBACK_FILE_BOARD, params: { file, master_board: BoardIds.CYTON_BOARD }, libraryPath: LIB });
    const src = new ManagedSource(drv, { hostClock: systemClock, policy: FAST });
    try {
      await src.start(sink);
      const id = `brainflow:-3:${file}/eeg`;
      await waitFor('1 s of playback', () => sink.samples(id) >= 250, 4000);
      const info = sink.infos.get(id)!;
      assert.deepEqual(info.channels.map((c) => c.label), ['Fp1', 'Fp2', 'C3', 'C4', 'P7', 'P8', 'O1', 'O2']);
      assert.equal(info.nominalRateHz, 250);
      // Playback plays at the board's rate (first to last chunk's arrival).
      await waitFor('1.5 s of playback', () => sink.samples(id) >= 375, 4000);
      const cs = sink.chunks.filter((c) => c.streamId === id);
      const rate = (sink.samples(id) - cs[0].count) / (cs.at(-1)!.hostTime - cs[0].hostTime);
      assert.ok(rate > 200 && rate < 300, `${rate.toFixed(0)} samples/s`);
      for (let c = 0; c < 8; c++) {
        const got = sink.channel(id, c);
        assert.ok(got.length >= 250, `${got.length} samples, expected at least 250`);
        for (let i = 0; i < got.length; i++) assert.ok(Math.abs(got[i] - gui.uv[c][i]) < 0.005, `ch ${c} sample ${i}: ${got[i]} vs ${gui.uv[c][i]}`);
      }
      assert.equal(sink.gaps.length, 0);
    } finally {
      await src.stop();
    }
  });

  test("playback of a file BrainFlow itself wrote (DataHandler's write_file) from its synthetic board: every value, in order, as BrainFlow reads the file back", async () => {
    // A researcher's own BrainFlow recording: 2 s of the synthetic board taken through our binding,
    // written with BrainFlow's libDataHandler (not by us), then played through the app as a device.
    const lib = await loadBrainFlow(LIB);
    const board = new BoardShim(lib, BoardIds.SYNTHETIC_BOARD);
    const descr = board.describe();
    const numRows = descr.num_rows;
    const tsRow = descr.timestamp_channel!;
    assert.equal(numRows, 32);
    await board.prepare();
    let data: Float64Array;
    let n: number;
    try {
      await board.start();
      await new Promise((r) => setTimeout(r, 2000));
      n = board.dataCount();
      data = board.getData(n, numRows);
      await board.stop();
    } finally {
      await board.release();
    }
    assert.ok(n > 300, `${n} samples recorded`);
    const dh = koffi.load(join(BF_DIR, 'libDataHandler.so'));
    const writeFile = dh.func('int write_file(const double *data, int num_rows, int num_cols, const char *file_name, const char *file_mode)');
    const countInFile = dh.func('int get_num_elements_in_file(const char *file_name, _Out_ int *num_elements)');
    const readFile = dh.func('int read_file(_Out_ double *data, _Out_ int *num_rows, _Out_ int *num_cols, const char *file_name, int num_elements)');
    const file = join(tmp, 'synthetic-by-brainflow.csv');
    assert.equal(writeFile(data, numRows, n, file, 'w'), 0);
    // What BrainFlow reads back from its own file is the reference (its text holds %lf: 6 decimals).
    const elems = [0];
    assert.equal(countInFile(file, elems), 0);
    const ref = new Float64Array(elems[0]);
    const rows = [0];
    const cols = [0];
    assert.equal(readFile(ref, rows, cols, file, elems[0]), 0);
    assert.deepEqual([rows[0], cols[0]], [numRows, n]);
    for (let i = 0; i < ref.length; i++) assert.ok(Math.abs(ref[i] - data[i]) <= 5e-7 * Math.max(1, Math.abs(data[i])), `element ${i}: ${ref[i]} written from ${data[i]}`);

    // Played as the board it was recorded with, row 16 taken as ECG (the rest of rows 1–16: EEG).
    const sink = new RecordingSink();
    const drv = new BrainFlowDriver({ boardId: BoardIds.PLAYBACK_FILE_BOARD, params: { file, master_board: BoardIds.SYNTHETIC_BOARD }, libraryPath: LIB, ecgRows: [16] });
    const src = new ManagedSource(drv, { hostClock: systemClock, policy: FAST });
    try {
      await src.start(sink);
      await waitFor('the end of the file', () => src.state === 'stopped', 8000);
      const eeg = `brainflow:-3:${file}/eeg`;
      const ecg = `brainflow:-3:${file}/ecg`;
      assert.match(src.status().problem?.message ?? '', new RegExp(`to its end \\(${n} samples, `));
      assert.equal(sink.samples(eeg), n, 'every line once');
      assert.equal(sink.samples(ecg), n);
      assert.equal(sink.infos.get(eeg)!.channels.length, 15);
      assert.deepEqual(sink.gaps, [], 'the package row ran on: no loss, no drop');
      // Sample i of row r is what BrainFlow read from the file (as float32, the pipeline's type).
      const want = (r: number, i: number) => Math.fround(ref[r * n + i]);
      for (let c = 0; c < 15; c++) {
        const got = sink.channel(eeg, c);
        for (let i = 0; i < n; i++) if (got[i] !== want(1 + c, i)) assert.fail(`EEG ch ${c} (row ${1 + c}) sample ${i}: ${got[i]} vs ${want(1 + c, i)} in the file`);
      }
      const got = sink.channel(ecg, 0);
      for (let i = 0; i < n; i++) if (got[i] !== want(16, i)) assert.fail(`ECG (row 16) sample ${i}: ${got[i]} vs ${want(16, i)}`);
      // The device clock counts the file's samples, contiguous from 0.
      const cs = sink.chunks.filter((c) => c.streamId === eeg);
      assert.equal(cs[0].deviceTime, 0);
      for (let k = 1; k < cs.length; k++) assert.ok(Math.abs(cs[k].deviceTime - (cs[k - 1].deviceTime + cs[k - 1].count / 250)) < 1e-9, `chunk ${k} follows chunk ${k - 1} at 250 Hz`);
      // Played at the pace it was recorded (BrainFlow's playback follows the timestamp row).
      const span = cs.at(-1)!.hostTime - cs[0].hostTime;
      const recorded = ref[tsRow * n + n - 1] - ref[tsRow * n];
      assert.ok(Math.abs(span - recorded) < 0.5, `played over ${span.toFixed(2)} s, recorded over ${recorded.toFixed(2)} s`);
    } finally {
      await src.stop();
    }
  });

  test("a playback file whose recording paused (two recordings appended with write_file's 'a' mode): BrainFlow waits the pause out; marked as a pause, not a drop that plays the file again", async () => {
    const dh = koffi.load(join(BF_DIR, 'libDataHandler.so'));
    const writeFile = dh.func('int write_file(const double *data, int num_rows, int num_cols, const char *file_name, const char *file_mode)');
    // Cyton layout (24 rows, timestamp row 22): 1.5 s, then 2.5 s later (the first recording's
    // last step included) another 1.5 s; channel 1 holds the sample's number in the file.
    const part = (first: number, t0: number) => {
      const n = 375;
      const d = new Float64Array(24 * n);
      for (let i = 0; i < n; i++) {
        d[i] = (first + i) % 256;
        d[1 * n + i] = first + i;
        d[22 * n + i] = t0 + i / 250;
      }
      return d;
    };
    const file = join(tmp, 'two-recordings.csv');
    assert.equal(writeFile(part(0, 1700000000), 24, 375, file, 'w'), 0);
    assert.equal(writeFile(part(375, 1700000000 + 374 / 250 + 2.5), 24, 375, file, 'a'), 0);
    const sink = new RecordingSink();
    const logs: string[] = [];
    const drv = new BrainFlowDriver({ boardId: BoardIds.PLAYBACK_FILE_BOARD, params: { file, master_board: BoardIds.CYTON_BOARD }, libraryPath: LIB });
    // A stall rule shorter than the pause: without the pause known, the silence reads as a drop.
    const src = new ManagedSource(drv, { hostClock: systemClock, policy: { ...FAST, stallTimeoutMs: 1000 }, log: (l) => logs.push(`${l.level} ${l.message}`) });
    try {
      await src.start(sink);
      await waitFor('the end of the file', () => src.state === 'stopped', 10_000);
      const id = `brainflow:-3:${file}/eeg`;
      assert.match(src.status().problem?.message ?? '', /to its end \(750 samples, 3\.0 s\)/);
      // Every sample once, in order: the file was not played again.
      assert.deepEqual(Array.from(sink.channel(id, 0)), Array.from({ length: 750 }, (_, i) => i));
      assert.deepEqual(sink.gaps.map((g) => [g.reason, g.missingSamples]), [['paused', 624]], 'the 2.5 s pause: 625 sample periods, one of them the step to the sample after it');
      const g = sink.gaps[0];
      assert.ok(g.endTime - g.startTime > 2 && g.endTime - g.startTime < 4, `the pause lasted ${(g.endTime - g.startTime).toFixed(2)} s on the host`);
      // The device clock runs on over the pause.
      const cs = sink.chunks.filter((c) => c.streamId === id);
      const k = cs.findIndex((c) => c.hostTime >= g.endTime);
      const prev = cs[k - 1];
      assert.ok(Math.abs(cs[k].deviceTime - (prev.deviceTime + (prev.count + 624) / 250)) < 1e-9, `chunk ${k} follows chunk ${k - 1} plus the 624 samples of the pause on the device clock`);
      assert.ok(logs.some((l) => /^info .*two-recordings\.csv holds a 2\.5 s pause in its recording after sample 375/.test(l)), logs.join('\n'));
      assert.ok(!logs.some((l) => /interrupted|retrying|stalled|no data/.test(l)), logs.join('\n'));
      assert.equal(src.status().problem?.code, 'disconnected', 'the end, said (not a packet-loss problem for the pause)');
    } finally {
      await src.stop();
    }
  });

  test('a playback file played to its end stops with that said, instead of a false drop and a replay', async () => {
    // 1 s of Cyton rows (24 values), after a header line and a blank line BrainFlow skips.
    const lines = ['package\tch1', ''];
    for (let i = 0; i < 250; i++) {
      const row = new Array(24).fill(0);
      row[0] = i % 256;
      row[1] = 10 * Math.sin(i / 10);
      row[22] = 1557936053 + i / 250;
      lines.push(row.map((v) => v.toFixed(6)).join('\t'));
    }
    const file = join(tmp, 'one-second.csv');
    writeFileSync(file, lines.join('\n') + '\n');
    const sink = new RecordingSink();
    const drv = new BrainFlowDriver({ boardId: BoardIds.PLAYBACK_FILE_BOARD, params: { file, master_board: BoardIds.CYTON_BOARD }, libraryPath: LIB });
    // A short stall rule: without the end-of-file check the silence would read as a drop at once.
    const src = new ManagedSource(drv, { hostClock: systemClock, policy: { ...FAST, stallTimeoutMs: 500 } });
    try {
      await src.start(sink);
      await waitFor('the end of the file', () => src.state === 'stopped', 5000);
      const id = `brainflow:-3:${file}/eeg`;
      assert.equal(sink.samples(id), 250, 'every line once');
      const st = src.status();
      assert.equal(st.problem?.code, 'disconnected');
      assert.match(st.problem?.message ?? '', /played .*one-second\.csv to its end \(250 samples, 1\.0 s\); Connect plays it again/);
      await new Promise((r) => setTimeout(r, 1200));
      assert.equal(src.state, 'stopped', 'no reconnect');
      assert.equal(sink.samples(id), 250, 'not played again');
      assert.deepEqual(sink.gaps, [], 'no false device-dropped gap');
    } finally {
      await src.stop();
    }
  });

  test('a playback file without timestamps plays all at once (BrainFlow paces by them): the end says why it was so quick', async () => {
    const file = join(tmp, 'no-timestamps.csv');
    writeFileSync(file, Array.from({ length: 500 }, (_, i) => [i % 256, ...new Array(23).fill(0).map((_, k) => (k === 0 ? Math.sin(i / 10) : 0))].map((v) => v.toFixed(6)).join('\t')).join('\n') + '\n');
    const sink = new RecordingSink();
    const src = new ManagedSource(new BrainFlowDriver({ boardId: BoardIds.PLAYBACK_FILE_BOARD, params: { file, master_board: BoardIds.CYTON_BOARD }, libraryPath: LIB }), { hostClock: systemClock, policy: FAST });
    try {
      const t0 = Date.now();
      await src.start(sink);
      await waitFor('the end of the file', () => src.state === 'stopped', 5000);
      assert.ok(Date.now() - t0 < 1900, 'well under its 2 s');
      assert.equal(sink.samples(`brainflow:-3:${file}/eeg`), 500);
      assert.equal(src.status().problem?.message, `played ${file} to its end (500 samples, 2.0 s); it has no timestamps (row 22 is 0 on every line), so BrainFlow played it all at once, not at 250 Hz; Connect plays it again`);
    } finally {
      await src.stop();
    }
  });

  test('a playback file with no line of the chosen board\'s row count is an error naming the fix, not a stall', async () => {
    const file = join(tmp, 'three-columns.csv');
    writeFileSync(file, Array.from({ length: 50 }, (_, i) => `${i}\t1.0\t2.0`).join('\n') + '\n');
    const drv = new BrainFlowDriver({ boardId: BoardIds.PLAYBACK_FILE_BOARD, params: { file, master_board: BoardIds.CYTON_BOARD }, libraryPath: LIB });
    const src = new ManagedSource(drv, { hostClock: systemClock, policy: FAST });
    try {
      await src.start(new RecordingSink()).catch(() => undefined);
      await waitFor('the error', () => src.state === 'error', 3000);
      assert.equal(src.status().problem?.code, 'channel-mismatch');
      assert.match(src.status().problem?.message ?? '', /three-columns\.csv has no line of 24 values, the row count of Cyton \(board 0\): choose the board it was recorded with/);
    } finally {
      await src.stop();
    }
  });

  test('an OpenBCI GUI recording given as a playback file is named as such, with where to open it instead', async () => {
    const file = resolve('..', 'shared', 'data', 'openbci-gui', 'OpenBCI_GUI-v6-blinks-jawClench-alpha.txt');
    const drv = new BrainFlowDriver({ boardId: BoardIds.PLAYBACK_FILE_BOARD, params: { file, master_board: BoardIds.CYTON_BOARD }, libraryPath: LIB });
    const src = new ManagedSource(drv, { hostClock: systemClock, policy: FAST });
    try {
      await src.start(new RecordingSink()).catch(() => undefined);
      await waitFor('the error', () => src.state === 'error', 5000);
      assert.equal(src.status().problem?.code, 'channel-mismatch');
      assert.match(src.status().problem?.message ?? '', /OpenBCI_GUI-v6-blinks-jawClench-alpha\.txt is an OpenBCI GUI recording, which BrainFlow's playback board cannot play \(it reads BrainFlow's own files, one line per sample\): import it in the Sessions view instead$/);
    } finally {
      await src.stop();
    }
  });

  test('a board id BrainFlow does not know: UNSUPPORTED_BOARD_ERROR (14), no retry loop', async () => {
    const logs: string[] = [];
    const src = new ManagedSource(new BrainFlowDriver({ boardId: 999, libraryPath: LIB }), { hostClock: systemClock, policy: { ...FAST, startAttempts: 3 }, log: (e) => logs.push(e.message) });
    // Unnamed: the status (and the hub's "… could not start") has the name beside it.
    await assert.rejects(src.start(new RecordingSink()), /^DeviceError: could not describe board 999: UNSUPPORTED_BOARD_ERROR \(14\)/);
    // Given up at once, not after backoff (each retry is logged; a 1-s wall-clock bound was a deadline a loaded machine missed).
    assert.ok(!logs.some((l) => /retrying in/.test(l)), logs.join('\n'));
    assert.equal(src.status().state, 'error');
    await src.stop();
  });

  test("BrainFlow's own error for a missing playback file, with its log line", async () => {
    const lib = await loadBrainFlow(LIB);
    const shim = new BoardShim(lib, BoardIds.PLAYBACK_FILE_BOARD, { file: join(tmp, 'missing.csv'), master_board: BoardIds.CYTON_BOARD });
    await assert.rejects(shim.prepare(), (e: unknown) => {
      assert.ok(e instanceof BrainFlowError, `a BrainFlowError, got ${String(e)}`);
      assert.equal(e.exitCode, 13);
      assert.match(e.message, /could not prepare the session: INVALID_ARGUMENTS_ERROR \(13\).*BrainFlow says: failed to open file: .*missing\.csv/);
      return true;
    });
    await shim.release().catch(() => undefined);
    // The driver checks the file first and says so in our words.
    const src = new ManagedSource(new BrainFlowDriver({ boardId: -3, params: { file: join(tmp, 'missing.csv'), master_board: 0 }, libraryPath: LIB }), { hostClock: systemClock, policy: FAST });
    await assert.rejects(src.start(new RecordingSink()), /playback file .*missing\.csv does not exist/);
    await src.stop();
    // A folder picked instead of the file in it.
    const folder = new ManagedSource(new BrainFlowDriver({ boardId: -3, params: { file: tmp, master_board: 0 }, libraryPath: LIB }), { hostClock: systemClock, policy: FAST });
    await assert.rejects(folder.start(new RecordingSink()), (e: unknown) => e instanceof DeviceError && e.message === `${tmp} is a folder; choose the BrainFlow file in it (one line per sample)`);
    await folder.stop();
  });

  test('playback without a master board is refused before BrainFlow is called', async () => {
    const lib = await loadBrainFlow(LIB);
    assert.throws(() => new BoardShim(lib, BoardIds.PLAYBACK_FILE_BOARD, { file: 'x' }), /master_board must name the board/);
  });

  test('libraries that are not BrainFlow, and paths that do not exist', async () => {
    await assert.rejects(loadBrainFlow(join(BF_DIR, 'libDataHandler.so')), /is not BrainFlow's libBoardController \(it has no prepare_session function\)/);
    const text = join(tmp, 'libBoardController.so');
    writeFileSync(text, 'not an ELF file');
    await assert.rejects(loadBrainFlow(text), (e: unknown) => e instanceof DeviceError && e.code === 'unavailable' && /could not be loaded as a shared library/.test(e.message));
    // BrainFlow's library from a Raspberry Pi, a Mac or a Windows wheel: the loader said "cannot open
    // shared object file: No such file or directory" of the ARM one, "invalid ELF header" of the others.
    for (const [file, bytes, what] of [
      ['arm/libBoardController.so', elfHeader(183), 'Linux ARM 64-bit'],
      ['mac/libBoardController.dylib', fatMachOHeader([0x01000007, 0x0100000c]), 'macOS \\(x86-64 \\+ ARM 64-bit\\)'],
      ['win/BoardController.dll', peHeader(0x8664), 'Windows x86-64'],
    ] as const) {
      const path = join(tmp, file);
      mkdirSync(join(path, '..'), { recursive: true });
      writeFileSync(path, bytes);
      const want = new RegExp(`^BrainFlow: .*${file.replace(/[/.]/g, '.')} cannot be loaded here: it is a library for ${what}, and this machine is Linux x86-64; point the BrainFlow setting at libBoardController\\.so from a BrainFlow install for this machine`);
      await assert.rejects(loadBrainFlow(path), (e: unknown) => e instanceof DeviceError && e.code === 'unavailable' && want.test(e.message), file);
    }
    // A board set to use it says so under its own name, BrainFlow named once ("BrainFlow Synthetic
    // board: BrainFlow: …" before), and does not retry.
    const arm = new ManagedSource(new BrainFlowDriver({ boardId: -1, libraryPath: join(tmp, 'arm', 'libBoardController.so') }), { hostClock: systemClock, policy: { ...FAST, startAttempts: 3 } });
    await assert.rejects(arm.start(new RecordingSink()), (e: unknown) => e instanceof DeviceError && /^\/.*arm\/libBoardController\.so cannot be loaded here: it is a library for Linux ARM 64-bit/.test(e.message));
    assert.equal(arm.status().state, 'error');
    await arm.stop();
    const src = new ManagedSource(new BrainFlowDriver({ boardId: -1, libraryPath: join(tmp, 'nowhere') }), { hostClock: systemClock, policy: FAST });
    await assert.rejects(src.start(new RecordingSink()), /no BrainFlow library at .*nowhere/);
    assert.equal(src.status().problem?.code, 'unavailable');
    await src.stop();
  });
});

describe('finding libBoardController', () => {
  test('pip --user, a virtualenv, conda, and the environment variable', () => {
    const home = join(tmp, 'home');
    const user = join(home, '.local', 'lib', 'python3.11', 'site-packages', 'brainflow', 'lib');
    mkdirSync(user, { recursive: true });
    writeFileSync(join(user, 'libBoardController.so'), '');
    const r = findBrainFlowLibrary({ home, env: {}, platform: 'linux' });
    assert.equal(r.path, join(user, 'libBoardController.so'));
    const venv = join(tmp, 'venv');
    const vlib = join(venv, 'lib', 'python3.12', 'site-packages', 'brainflow', 'lib');
    mkdirSync(vlib, { recursive: true });
    writeFileSync(join(vlib, 'libBoardController.so'), '');
    assert.equal(findBrainFlowLibrary({ home, env: { VIRTUAL_ENV: venv }, platform: 'linux' }).path, join(vlib, 'libBoardController.so'), 'the active virtualenv comes first');
    const envDir = join(tmp, 'bf-env');
    mkdirSync(envDir);
    writeFileSync(join(envDir, 'libBoardController.so'), '');
    assert.equal(findBrainFlowLibrary({ home, env: { BRAINFLOW_LIB: envDir }, platform: 'linux' }).path, join(envDir, 'libBoardController.so'));
    const none = findBrainFlowLibrary({ home: join(tmp, 'empty'), env: {}, platform: 'linux' });
    assert.ok(none.tried.length > 5, `${none.tried.length} places tried, expected more than 5`);
  });
  test('an explicit setting is used as given, never replaced by another copy', () => {
    const r = findBrainFlowLibrary({ explicit: join(tmp, 'nope.so'), env: { BRAINFLOW_LIB: tmp } });
    assert.equal(r.path, null);
  });
});
