// `heartmind sessions predict`: a recorded session run through a model in the core. 16 s of EEGMAT
// Subject00_1 (19 EEG channels and an ECG lead with QRS) imported as a session, a 1-layer model
// exported as the app exports models (predict-fixture.ts). The stored rows are checked against the windows the file's
// own replay cuts (recordingWindows: a dataset cut from a file and a replay of its imported session
// see the same windows), each answered by the worker's code path (answerWindow) on onnxruntime-node,
// a runtime other than the one the command uses.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ortNode from 'onnxruntime-node';
import { command as sessions } from '../../../src/main/sessions/sessions-command';
import { DbClient, databasePathFor } from '../../../src/main/db/db-client';
import { openDatabase } from '../../../src/main/db/open-database';
import { createSession } from '../../../src/main/db/server';
import { progressReporter } from '../../../src/main/sessions/predict-command';
import { planPredict, predictSession } from '../../../src/main/sessions/predict-session';
import { recordingWindows } from '../../../src/shared/datasets/recording-windows';
import type { ImportedRecording } from '../../../src/shared/formats/recording.types';
import { MODEL_IO, TASK_MENTAL_ARITHMETIC } from '../../../src/shared/model/config';
import { answerWindow } from '../../../src/shared/model/window-answer';
import type { ModelCard } from '../../../src/shared/model/model.types';
import type { Prediction } from '../../../src/shared/session.types';
import { noEegmat } from '../../shared/model/eegmat-windows';
import { PREDICT_MODEL, predictFixture } from './predict-fixture';
import { MAX_QUEUED_WINDOWS } from '../../../src/main/replay/replay-windows';
import { LONG_SESSION_T0, longSessionClient } from './long-session-util';

const MODEL = PREDICT_MODEL;

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err };
}

describe('sessions predict', { skip: noEegmat }, () => {
  let dir = '';
  let sessionId = 0;
  let card: ModelCard;
  let onnx: Uint8Array;
  let recording: ImportedRecording;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hm-predict-'));
    ({ sessionId, card, onnx, recording } = await predictFixture(dir));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /**
   * The windows the file's own replay cuts (recordingWindows, which dataset building cuts files by:
   * the file's samples in 0.1-s packets, not the session's stored chunks), answered by the worker's
   * code path on onnxruntime-node.
   */
  async function referenceAnswers(): Promise<{ time: number; probs: number[]; fed: string[] }[]> {
    const { windows } = recordingWindows(recording);
    const session = await ortNode.InferenceSession.create(onnx, { intraOpNumThreads: 1 });
    const out: { time: number; probs: number[]; fed: string[] }[] = [];
    for (const w of windows) {
      const a = await answerWindow(w, card.input, card.config.tasks, async (feeds) => {
        const t: Record<string, ortNode.Tensor> = {};
        for (const [k, v] of Object.entries(feeds)) t[k] = new ortNode.Tensor('float32', v.data, v.dims);
        const r = await session.run(t);
        return { arithmetic: r[MODEL_IO.probs('arithmetic')].data as Float32Array };
      }, () => 0);
      out.push({ time: w.startTime, probs: a.probabilities.arithmetic, fed: a.fed });
    }
    await session.release();
    return out;
  }

  async function stored(): Promise<Prediction[]> {
    const db = await DbClient.open({ path: databasePathFor(dir) });
    try {
      return await db.api.listPredictions(sessionId, MODEL);
    } finally {
      await db.close();
    }
  }

  test('stores one row per window a replay cuts, equal (within 1e-4, same times) to the worker code path on another runtime; a rerun replaces them', async () => {
    const want = await referenceAnswers();
    const r = io();
    assert.equal(await sessions.run(['predict', String(sessionId), '--model', MODEL, '--data-dir', dir, '--json'], r.io), 0, r.err.join('\n'));
    const result = JSON.parse(r.out.join('\n')) as { windows: number; stored: number; removed: number; stopped: boolean };
    assert.ok(want.length >= 5, `the file’s replay cut ${want.length} windows`);
    // One more at the end: the window ending at the session's last sample, which a replay flushes
    // at its end (endOfData) and recordingWindows leaves uncut.
    const n = want.length + 1;
    assert.deepEqual([result.windows, result.stored, result.stopped], [n, n, false], 'every window is answered and stored');
    const rows = await stored();
    assert.deepEqual(rows.map((p) => p.windowTime), [...want.map((w) => w.time), want[want.length - 1].time + 1], 'the window times of the file’s replay, then the last one, 1 s on');
    for (const [i, w] of want.entries()) {
      const p = rows[i];
      assert.ok(Math.abs(p.outputs['arithmetic:0'] - w.probs[0]) < 1e-4 && Math.abs(p.outputs['arithmetic:1'] - w.probs[1]) < 1e-4, `window ${i}: stored ${p.outputs['arithmetic:1']}, reference ${w.probs[1]}`);
      assert.deepEqual([p.outputs['fed:eeg'], p.outputs['fed:ecg']], [w.fed.includes('eeg') ? 1 : 0, w.fed.includes('ecg') ? 1 : 0], `window ${i}: fed flags`);
      assert.ok(p.outputs.latency_ms >= 0, `window ${i}: latency stored`);
    }
    // A row of this model at a time no window starts (stored by other settings): a rerun removes it,
    // and the window rows are replaced in place (one per window, same values), not doubled.
    const db = await DbClient.open({ path: databasePathFor(dir) });
    try {
      await db.api.addPredictions(sessionId, [{ modelId: MODEL, windowTime: want[0].time + 0.5, outputs: { 'arithmetic:0': 0.5, 'arithmetic:1': 0.5 } }]);
      await db.api.addPredictions(sessionId, [{ modelId: 'another-model', windowTime: want[0].time, outputs: { 'arithmetic:1': 0.25 } }]);
      // A marker: the output says what the model answered before and after it (the EDF's own
      // annotation at its start, '[Total time]+182.000', imported as a marker, opens the first segment).
      await db.api.addMarker(sessionId, { time: want[0].time + 5, label: 'count', source: 'api' });
    } finally {
      await db.close();
    }
    const again = io();
    assert.equal(await sessions.run(['predict', String(sessionId), '--model', MODEL, '--data-dir', dir], again.io), 0, again.err.join('\n'));
    assert.match(again.out[0], new RegExp(`^session ${sessionId}: ${n} windows of 5 s every 1 s, ${n} predictions by ${MODEL} stored in [\\d.]+ s; 1 older prediction at other window times removed$`, 'm'));
    assert.match(again.out.join('\n'), /predictions by 'predict-test' \d+ windows: EEG fed \d+; ECG fed \d+/);
    assert.match(again.out.join('\n'), /\n {4}by marker segment \(5-s windows, each counted in the segment that holds it whole; 4 span a marker and count in none\):\n {6}"\[Total time\]\+182\.000" 1 segment, 6 s: 1 window, 4 more across their edges\n.*\n {6}"count" 1 segment, [\d.]+ s: \d+ windows, 4 more across their edges\n/, `per marker segment:\n${again.out.join('\n')}`);
    const after = await stored();
    assert.deepEqual(after.map((p) => [p.windowTime, p.outputs['arithmetic:1']]), rows.map((p) => [p.windowTime, p.outputs['arithmetic:1']]), 'the same rows after a rerun');
    const db2 = await DbClient.open({ path: databasePathFor(dir) });
    try {
      assert.equal((await db2.api.listPredictions(sessionId, 'another-model')).length, 1, 'another model’s rows are left alone');
    } finally {
      await db2.close();
    }
    // Progress went to stderr, at most a line per tenth of the session (and the start line).
    assert.match(again.err[0], new RegExp(`^running ${MODEL} over session ${sessionId} "rest, 16 s" \\(0:16\\) on ORT WASM, \\d threads?$`));
    assert.ok(again.err.length <= 11, again.err.join('\n'));
  });

  test('Ctrl+C stops after the window being answered, keeping what was stored; exit 130', async () => {
    const r = io();
    let sent = false;
    // Ctrl+C once the first progress line is out, delivered as a signal is: on a later turn of the
    // event loop (the run never gave it one, and went on to the session's end).
    const sigint = { out: r.io.out, err: (l: string) => (r.io.err(l), !sent && l.startsWith(`session ${sessionId}:`) && (sent = true) && setTimeout(() => process.emit('SIGINT', 'SIGINT'), 0)) };
    assert.equal(await sessions.run(['predict', String(sessionId), '--model', MODEL, '--data-dir', dir, '--json'], sigint), 130, r.err.join('\n'));
    const result = JSON.parse(r.out.join('\n')) as { windows: number; stored: number; stopped: boolean; stoppedBy: string };
    assert.deepEqual([result.stopped, result.stoppedBy], [true, 'SIGINT']);
    assert.ok(result.windows > 0 && result.windows < 8 && result.stored === result.windows, `${result.stored} of ${result.windows} windows stored before the stop (the session has 11)`);
    assert.ok(r.err.some((l) => /SIGINT: stopping after this window, keeping the predictions stored so far/.test(l)), r.err.join('\n'));
  });

  test('refusals: a model whose contract the session does not fit (what is missing named), a session being recorded, no such model', async () => {
    // (predictFixture installed a model for another montage: AF7 where the session has Fp1.)
    await assert.rejects(sessions.run(['predict', String(sessionId), '--model', 'wrong-montage', '--data-dir', dir], io().io), (e: Error) => {
      assert.match(e.message, new RegExp(`^model 'wrong-montage' does not fit session ${sessionId}: EEG: .*AF7`));
      return true;
    });
    const o = openDatabase(databasePathFor(dir));
    const rec = createSession(o.writable!, { name: 'live', startTime: 1.7e9, endTime: 1.7e9 + 1, appVersion: 't', origin: 'recorded', state: 'recording' });
    o.db.close();
    await assert.rejects(sessions.run(['predict', String(rec), '--model', MODEL, '--data-dir', dir], io().io), /is being recorded: run the model over it once the recording has stopped/);
    await assert.rejects(sessions.run(['predict', String(sessionId), '--model', 'nope', '--data-dir', dir], io().io), /no model 'nope' is installed \(installed: .*predict-test/);
    await assert.rejects(sessions.run(['predict', String(sessionId), '2', '--data-dir', dir], io().io), /unexpected argument '2' \(predict takes one session id\)/);
  });
});

test('progress: a line per tenth of the session, not one per window', () => {
  const lines: string[] = [];
  const say = progressReporter((l) => lines.push(l), 'session 3');
  for (let w = 0; w <= 600; w++) say({ windows: w + 1, answered: w + 1, atS: w, durationS: 600 });
  assert.equal(lines.length, 10, lines.join('\n'));
  assert.equal(lines[0], 'session 3: 1:00 of 10:00, 61 windows, 61 answered');
});

test('a run reads the session as it cuts windows, a bounded stretch ahead of the window it answers, and no further once stopped; every window answered', async (t) => {
  // Three minutes as the recorder writes them (720 batches of 0.25 s), a model stub that answers any
  // EEG and ECG (what a run reads of a card: its contract and its tasks).
  const { client, sessionId } = await longSessionClient(t, 'hm-predict-pages-', { seconds: 180 });
  const any = { channels: 'any', minChannels: 1, maxChannels: 8, unit: 'uV', scaleDivisor: 100 } as const;
  const card = { id: 'stub', input: { rateHz: 200, windowSeconds: 5, eeg: any, ecg: any }, config: { tasks: [TASK_MENTAL_ARITHMETIC] } } as unknown as ModelCard;
  const answer = async () => ({ arithmetic: [0.25] });
  /** The database as the run reads it: how far into the session (s, the newest chunk read) and how many samples. */
  const reading = () => {
    const r = { atS: -Infinity, samples: 0 };
    const api = new Proxy(client.api, {
      get: (target, key, receiver) =>
        key === 'readReplayPage'
          ? async (...args: Parameters<DbClient['api']['readReplayPage']>) => {
              const page = await target.readReplayPage(...args);
              for (const c of page.chunks) r.atS = Math.max(r.atS, c.hostTime - LONG_SESSION_T0);
              for (const c of page.chunks) r.samples += c.count;
              return page;
            }
          : Reflect.get(target, key, receiver),
    });
    return { db: Object.defineProperty(Object.create(client) as DbClient, 'api', { value: api }) as DbClient, read: r };
  };
  // Ahead of the window being answered, the run holds at most the windows the replay cuts before
  // it waits (MAX_QUEUED_WINDOWS, a second apart), a window's allowance and a page, and across a
  // dropout the dropout (the EEG's is 30 s here, in which no window is cut: the replay reads through
  // it). What it holds does not grow with the session: read whole, the first window had all 180 s read.
  const AHEAD_S = 5 + MAX_QUEUED_WINDOWS + 2 + 4 + 2;
  const DROPOUT_S = 30;
  const { db, read } = reading();
  const plan = await planPredict(db, sessionId, 'stub', card);
  const over: string[] = [];
  let lead = 0;
  const r = await predictSession(db, plan, {
    run: answer,
    progress: (p) => {
      lead = Math.max(lead, read.atS - p.atS);
      if (read.atS - p.atS > AHEAD_S + DROPOUT_S) over.push(`window at ${p.atS.toFixed(1)} s: read to ${read.atS.toFixed(1)} s`);
    },
  });
  assert.deepEqual(over, [], `no more than ${AHEAD_S + DROPOUT_S} s read ahead of the window answered (at most ${lead.toFixed(1)} s)`);
  const stored = await client.api.getSession(sessionId);
  assert.equal(read.samples, stored.streams.reduce((n, x) => n + x.sampleCount, 0), 'every stored sample read, once');
  assert.ok(r.windows > 100 && r.stored === r.windows, `${r.stored} of ${r.windows} windows stored`);

  // Stopped after its first window: the run reads no further than that bound.
  const stopping = reading();
  let answered = 0;
  const s = await predictSession(stopping.db, plan, { run: async () => (answered++, answer()), stopRequested: () => answered > 0 });
  assert.deepEqual([s.stopped, s.windows], [true, 1], 'stopped after one window');
  assert.ok(stopping.read.atS <= AHEAD_S, `read to ${stopping.read.atS.toFixed(1)} s for a run stopped at its first window`);
});
