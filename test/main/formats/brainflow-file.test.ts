// A real BrainFlow file: the synthetic board streamed through BrainFlow's own file streamer
// ('file://…:w', the write_file layout), read back by parseBrainFlowCsv and compared with the
// samples BrainFlow handed out of its buffer in the same session.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BoardShim, loadBrainFlow } from '../../../src/main/devices/brainflow/brainflow-lib';
import { BoardIds } from '../../../src/shared/devices/brainflow/brainflow.types';
import { parseBrainFlowCsv } from '../../../src/shared/formats/brainflow-csv';

const LIB = resolve('..', 'shared', 'brainflow', 'linux-x64', 'libBoardController.so');
const skip = (!existsSync(LIB) && 'needs ../shared/brainflow/linux-x64') || (process.platform !== 'linux' || process.arch !== 'x64' ? 'the shared BrainFlow build is Linux x86-64' : false);
const tmp = mkdtempSync(join(tmpdir(), 'hm-bf-file-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

test('synthetic board → BrainFlow file streamer → parseBrainFlowCsv: same samples, labels, rate, time', { skip }, async () => {
  const lib = await loadBrainFlow(LIB);
  const board = new BoardShim(lib, BoardIds.SYNTHETIC_BOARD);
  const file = join(tmp, 'synthetic.csv');
  await board.prepare();
  let buffered: Float64Array;
  let count: number;
  const rows = 32;
  try {
    await board.start(45000, `file://${file}:w`);
    await new Promise((r) => setTimeout(r, 700));
    await board.stop();
    count = board.dataCount();
    buffered = board.getData(count, rows);
  } finally {
    await board.release();
  }
  assert.ok(count > 100, `only ${count} samples`);
  const r = parseBrainFlowCsv(readFileSync(file), 'synthetic.csv', { boardId: BoardIds.SYNTHETIC_BOARD });
  const eeg = r.streams.find((s) => s.modality === 'eeg')!;
  assert.equal(eeg.rateHz, 250);
  assert.deepEqual(eeg.channels.slice(0, 4).map((c) => c.label), ['Fz', 'C3', 'Cz', 'C4']);
  const total = eeg.segments.reduce((a, s) => a + s.count, 0);
  assert.equal(total, count);
  // the file holds what the buffer held, to the 6 decimals BrainFlow prints
  const seg = eeg.segments[0];
  for (let c = 0; c < 16; c++) for (let i = 0; i < seg.count; i += 17) assert.ok(Math.abs(seg.data[c * seg.count + i] - buffered[(1 + c) * count + i]) <= 5e-7 + 1e-12 * Math.abs(buffered[(1 + c) * count + i]), `channel ${c} sample ${i}: ${seg.data[c * seg.count + i]} vs the file's ${buffered[(1 + c) * count + i]}`);
  assert.ok(Math.abs(r.startTime! - buffered[30 * count]) < 1e-5, `startTime ${r.startTime} vs the file's first timestamp ${buffered[30 * count]}`);
  assert.ok(Math.abs(r.startTime! - Date.now() / 1000) < 60, `startTime ${r.startTime} is within a minute of now`);
});
