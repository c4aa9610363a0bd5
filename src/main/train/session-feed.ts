// Reads recorded sessions through the database client (the DB worker owns the file) for a training
// dataset: the stored chunks and gaps in the order they arrived live, the streams announced and
// ended where the recording did (sessions recorded since schema 70), with markers and self-reports
// for labels. A dataset cuts its windows under its own settings from a fresh pipeline, so the
// snapshot a replay restores at Record (taken under the recording's settings) does not apply here;
// replayWindows (replay/replay-windows.ts) gives a replay's windows themselves, for `sessions predict`.
import type { DbClient } from '../db/db-client';
import type { ReplayPage } from '../db/db.types';
import { DbError } from '../db/db-error';
import type { FeedEvent } from '../../shared/datasets/windows.types';
import type { StreamInfo } from '../../shared/stream.types';
import type { SessionStream } from '../../shared/session.types';
import { signalCounts, storedEegChannels, type SessionLabels } from '../../shared/train/label-classes';
import type { JobSpec } from '../../shared/train/job.types';
import { TrainError, TrainErrorCode } from '../../shared/train/train.types';
import { sessionIdsOf, type SessionFeed } from './dataset-loader';

/** Pages of this many recorder batches are read at a time. */
const PAGE_BATCHES = 200;

async function sessionDetail(db: DbClient, sessionId: number) {
  try {
    return await db.api.getSession(sessionId);
  } catch (e) {
    // A session id the database lacks (a typo, another data folder) is said plainly, not as the worker's 'getSession: no session N'.
    if (e instanceof DbError && e.kind === 'NotFound') throw new TrainError(TrainErrorCode.NotFound, `no session ${sessionId} in the recordings database (the Sessions view, or heartmind sessions list, lists the sessions it holds)`);
    throw new TrainError(TrainErrorCode.NotFound, `session ${sessionId} cannot be read: ${(e as Error).message}`);
  }
}

/** What a session holds to window and label (label-classes.ts sessionSignalProblem, sessionLabelProblems): three small queries, no signal read. */
export async function readSessionLabels(db: DbClient, sessionId: number): Promise<SessionLabels> {
  const detail = await sessionDetail(db, sessionId);
  const markers = (await db.api.listMarkers(sessionId)).map((m) => m.label);
  const { samples } = signalCounts(detail.signals);
  return { id: sessionId, name: detail.name, markers, selfReports: (await db.api.listSelfReports(sessionId)).length, samples, eegChannels: storedEegChannels(detail.streams) };
}

/** A session's stored streams (SessionDetail.streams): its chunks name their stream by row id; openedSeq/ended where recorded (schema 70). */
type StoredStreams = readonly Pick<SessionStream, 'id' | 'info' | 'openedSeq' | 'ended'>[];

/**
 * A recorded session as replay feeds it to the pipeline: its streams, then the stored chunks and
 * the gaps, interleaved by their arrival sequence. Read a page of PAGE_BATCHES recorder batches at a
 * time, the next page read while this one is consumed: what a consumer that drops the events as it
 * goes holds is two pages (a recording's 50 s each), not the session (an hour of 19 channels at
 * 500 Hz held whole was 216 MB of chunks: 139 MB of samples and 216 000 objects). Stopping the
 * iteration reads no further.
 *
 * A session that says where each stream row was announced and ended (recorded since schema 70) is
 * fed as the replay (replay-source.ts) delivers it: every stream under one device, each row with
 * its own StreamInfo (a montage or rate change is a second row under the same stream id), announced
 * before the item it was announced before (a device that joined part-way), the next layout's row
 * when its first chunk comes, ended where the device was removed (the last streams ending: an
 * 'end', the pipeline flushing them), every recorded gap back at its place, and an 'end' after the
 * last item. Fed per device with one StreamInfo per stream id from the start, the second layout's
 * chunks went in under the first layout's info (mislabelled channels, or dropped), a removed
 * device's windows read 'gap' and lost the flush, and a joined one was there from the start.
 * Older sessions (and imported files) do not say: their streams by device from the start, their
 * source gaps, as before.
 */
export async function* sessionFeedEvents(db: DbClient, sessionId: number, streams: StoredStreams): AsyncGenerator<FeedEvent> {
  const lifecycle = streams.length > 0 && streams.every((s) => s.openedSeq != null);
  const extent = await db.api.dataExtent(sessionId);
  const pages = (async function* () {
    let next: Promise<ReplayPage> | null = extent ? db.api.readReplayPage(sessionId, extent.firstSeq, PAGE_BATCHES) : null;
    try {
      while (next) {
        const page = await next;
        next = page.nextSeq === null ? null : db.api.readReplayPage(sessionId, page.nextSeq, PAGE_BATCHES);
        yield page;
      }
    } finally {
      // Stopped part-way: the page read ahead is not waited for, and its failure (the database closed meanwhile) is nobody's.
      next?.catch(() => {});
    }
  })();
  if (lifecycle) {
    yield* lifecycleFeed(sessionId, streams, extent?.firstSeq ?? 0, pages);
    return;
  }
  const byRow = new Map<number, StreamInfo>();
  const byDevice = new Map<string, StreamInfo[]>();
  for (const s of streams) {
    byRow.set(s.id, s.info);
    const list = byDevice.get(s.info.deviceId) ?? [];
    if (!list.some((x) => x.id === s.info.id)) list.push(s.info);
    byDevice.set(s.info.deviceId, list);
  }
  for (const [deviceId, list] of byDevice) yield { kind: 'streams', deviceId, streams: list };
  for await (const page of pages) {
    // Chunks and source gaps interleaved by their arrival sequence.
    let gi = 0;
    for (const c of page.chunks) {
      while (gi < page.gaps.length && page.gaps[gi].seq < c.seq) {
        const g = page.gaps[gi++];
        if (g.fromSource) yield { kind: 'gap', gap: g.gap };
      }
      const info = byRow.get(c.streamId);
      if (info) yield { kind: 'chunk', chunk: { streamId: info.id, deviceTime: c.deviceTime, hostTime: c.hostTime, count: c.count, data: c.data } };
    }
    for (; gi < page.gaps.length; gi++) if (page.gaps[gi].fromSource) yield { kind: 'gap', gap: page.gaps[gi].gap };
  }
}

/** The device a session with a stream lifecycle is fed under (as a replay feeds it under its own). */
const sessionFeedDevice = (sessionId: number) => `session:${sessionId}`;

/**
 * The feed of a session that recorded where its streams were announced and ended, as ReplaySource
 * (start, announceRowsAt, applyStreamEvents, deliver, finish) delivers it from the session's start
 * without a restored snapshot.
 */
async function* lifecycleFeed(sessionId: number, streams: StoredStreams, firstSeq: number, pages: AsyncIterable<ReplayPage>): AsyncGenerator<FeedEvent> {
  const deviceId = sessionFeedDevice(sessionId);
  const infos = new Map<number, StreamInfo>();
  const keyOf = new Map<number, string>();
  /** Per stream id, the row (layout) announced now. */
  const announced = new Map<string, number>();
  const events: { seq: number; key: string; rowId: number; open: boolean }[] = [];
  for (const s of streams) {
    infos.set(s.id, { ...s.info, deviceId });
    keyOf.set(s.id, s.info.id);
    events.push({ seq: s.openedSeq!, key: s.info.id, rowId: s.id, open: true });
    if (s.ended) events.push({ seq: s.ended.seq, key: s.info.id, rowId: s.id, open: false });
  }
  // Ends first where a device was removed and another stream announced before the same item.
  events.sort((a, b) => a.seq - b.seq || Number(a.open) - Number(b.open));
  const now = (): FeedEvent => ({ kind: 'streams', deviceId, streams: [...announced.values()].map((id) => infos.get(id)!) });
  // The rows announced at the start: per stream id, the newest announced before the first item and not ended by then.
  let cursor = 0;
  for (; cursor < events.length && events[cursor].seq <= firstSeq; cursor++) {
    const e = events[cursor];
    if (e.open) announced.set(e.key, e.rowId);
    else if (announced.get(e.key) === e.rowId) announced.delete(e.key);
  }
  yield now();
  /** The announcements and ends recorded before the item `seq` (Infinity: after the last). */
  function* apply(seq: number): Generator<FeedEvent> {
    let changed = false;
    let ended = false;
    function* tell(): Generator<FeedEvent> {
      if (!changed) return;
      // The last streams ending is a device removed with nothing else streaming: live, the
      // pipeline flushed them before they went.
      if (ended && announced.size === 0) yield { kind: 'end', deviceId };
      yield now();
      changed = ended = false;
    }
    for (; cursor < events.length && events[cursor].seq <= seq; cursor++) {
      const e = events[cursor];
      if (e.open) {
        // Ends are told first: a device removed and added again before the next item starts afresh.
        if (ended) yield* tell();
        announced.set(e.key, e.rowId);
        changed = true;
      } else if (announced.get(e.key) === e.rowId) {
        announced.delete(e.key);
        changed = ended = true;
      }
    }
    yield* tell();
  }
  for await (const page of pages) {
    const items: ({ seq: number; chunk: ReplayPage['chunks'][number] } | { seq: number; gap: ReplayPage['gaps'][number] })[] = [...page.chunks.map((c) => ({ seq: c.seq, chunk: c })), ...page.gaps.map((g) => ({ seq: g.seq, gap: g }))];
    items.sort((a, b) => a.seq - b.seq);
    for (const item of items) {
      yield* apply(item.seq);
      if ('gap' in item) {
        // Every recorded gap goes back in at its place (as a source gap), as the replay does.
        const key = keyOf.get(item.gap.streamId);
        if (key !== undefined) yield { kind: 'gap', gap: { ...item.gap.gap, streamId: key } };
        continue;
      }
      const c = item.chunk;
      const key = keyOf.get(c.streamId);
      if (key === undefined) continue;
      // The first chunk of a stream's next layout: announced anew (the pipeline starts that stream afresh).
      if (announced.get(key) !== c.streamId) {
        announced.set(key, c.streamId);
        yield now();
      }
      yield { kind: 'chunk', chunk: { streamId: key, deviceTime: c.deviceTime, hostTime: c.hostTime, count: c.count, data: c.data } };
    }
  }
  // A device removed after the last chunk ends first; then everything flushes (the window ending at the last sample).
  yield* apply(Infinity);
  yield { kind: 'end', deviceId };
}

/** Samples of a session read whole are packed into buffers of about this many values (4 MB). */
const PACK_VALUES = 1 << 20;

/**
 * A whole session read into memory (a dataset's sessions: sent to the training worker whole). The
 * chunks' samples are packed into buffers of PACK_VALUES, each chunk's data a view of one: an hour
 * of a recording is 216 000 chunks, each its own buffer as the DB worker sends it, too many to move
 * to a worker (feedTransferables) and a header each.
 */
export async function readSessionFeed(db: DbClient, sessionId: number): Promise<SessionFeed> {
  const detail = await sessionDetail(db, sessionId);
  const events: FeedEvent[] = [];
  let unpacked: { data: Float32Array }[] = [];
  let values = 0;
  const pack = () => {
    const buffer = new Float32Array(values);
    let at = 0;
    for (const c of unpacked) {
      buffer.set(c.data, at);
      c.data = buffer.subarray(at, (at += c.data.length));
    }
    unpacked = [];
    values = 0;
  };
  for await (const ev of sessionFeedEvents(db, sessionId, detail.streams)) {
    events.push(ev);
    if (ev.kind !== 'chunk') continue;
    unpacked.push(ev.chunk);
    values += ev.chunk.data.length;
    if (values >= PACK_VALUES) pack();
  }
  pack();
  const markers = (await db.api.listMarkers(sessionId)).map((m) => ({ onset: m.time, duration: m.duration, label: m.label }));
  const selfReports = (await db.api.listSelfReports(sessionId)).map((r) => ({ time: r.time, valence: r.valence, arousal: r.arousal, dominance: r.dominance }));
  return { sessionId, subject: detail.subjectId || `session-${sessionId}`, name: detail.name, startTime: detail.startTime, events, markers, selfReports };
}

/**
 * The sample buffers of sessions read whole, for a worker's start to move rather than copy
 * (workerData's transferList): the starter's arrays are left empty, the worker's are the only copy.
 */
export function feedTransferables(sessions: readonly SessionFeed[]): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  for (const f of sessions) for (const e of f.events) if (e.kind === 'chunk' && e.chunk.data.buffer instanceof ArrayBuffer) out.add(e.chunk.data.buffer);
  return [...out];
}

/**
 * Every session a job's datasets name, read for its run (the app's runner and the CLI, a resume
 * included). A session the database lacks is named with the datasets it belongs to and what to do:
 * the run trains on the recordings it was started with, never on the rest in silence.
 */
export async function readJobSessions(db: DbClient, spec: JobSpec): Promise<Map<number, SessionFeed>> {
  const out = new Map<number, SessionFeed>();
  for (const id of sessionIdsOf([spec.dataset, spec.corpora.eeg, spec.corpora.ecg])) {
    try {
      out.set(id, await readSessionFeed(db, id));
    } catch (e) {
      if (!(e instanceof TrainError) || e.code !== TrainErrorCode.NotFound) throw e;
      const named = ([['dataset', spec.dataset], ['ECG corpus', spec.corpora.ecg], ['EEG corpus', spec.corpora.eeg]] as const).filter(([, d]) => d?.sources.some((s) => s.kind === 'session' && s.id === id));
      const of = named.map(([label, d]) => `${label} '${d!.name}'`).join(' and ');
      throw new TrainError(
        TrainErrorCode.NotFound,
        `${e.message}, and this run's ${of} names it. A run trains on the recordings it was started with: resume it with the data folder whose database holds that session (--data-dir), or start a new run without it`,
      );
    }
  }
  return out;
}
