// The DB worker's protocol: every method it answers, split by whether it writes. A method's name
// and signature (after the connection) are what DbClient's typed `api` offers.
import type { ExportResult } from '../../shared/session.types';
import type { ReadableDb } from './db.types';
import type { SessionExportJob, StreamSampleSpan } from '../sessions/export-session';
import {
  abandonRecording,
  addFilterSettings,
  addMarker,
  addMarkers,
  addPredictions,
  addSelfReport,
  addStream,
  appendBatch,
  checkpoint,
  createSession,
  dataExtent,
  dbInfo,
  deleteMarker,
  deleteSession,
  finishSession,
  getSession,
  getSummary,
  getTimeline,
  importSession,
  listGaps,
  listMarkers,
  listPredictionModels,
  listPredictions,
  listSelfReports,
  listSessions,
  listStreamGaps,
  listSnapshots,
  listTags,
  pipelineSnapshotAt,
  readReplayPage,
  readStreamChunks,
  removePredictionsExcept,
  seekSnapshot,
  seqAtTime,
  setClockModel,
  updateSession,
} from './server';

export const readMethods = {
  listSessions,
  listTags,
  getSummary,
  getSession,
  getTimeline,
  listMarkers,
  listSelfReports,
  listPredictions,
  listPredictionModels,
  listGaps,
  listStreamGaps,
  dataExtent,
  seqAtTime,
  readReplayPage,
  readStreamChunks,
  listSnapshots,
  seekSnapshot,
  pipelineSnapshotAt,
  dbInfo,
  abandonRecording,
  /**
   * Builds and writes an EDF+/BDF/CSV export next to the data (sessions/export-session.ts, loaded
   * on first use so the worker starts with the query code only), in steps the worker interleaves
   * with other requests (worker.node.ts).
   */
  exportSession: async (db: ReadableDb, req: SessionExportJob): Promise<Generator<void, ExportResult>> =>
    (await import('../sessions/export-session')).exportSessionSteps(db, req),
  /** Each stream's first and last sample on the shared clock, as an export places them (`sessions show`), in steps. */
  sampleSpans: async (db: ReadableDb, sessionId: number): Promise<Generator<void, StreamSampleSpan[]>> =>
    (await import('../sessions/export-session')).sampleSpansSteps(db, sessionId),
};

export const writeMethods = {
  createSession,
  finishSession,
  updateSession,
  deleteSession,
  addStream,
  setClockModel,
  appendBatch,
  addMarker,
  addMarkers,
  deleteMarker,
  addSelfReport,
  addPredictions,
  removePredictionsExcept,
  addFilterSettings,
  importSession,
  checkpoint,
};

export const dbMethods = { ...readMethods, ...writeMethods };
export type DbMethods = typeof dbMethods;
export type DbMethodName = keyof DbMethods;
