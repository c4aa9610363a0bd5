// What each of a run's datasets was built from, kept in the run folder (artifacts/recordings.json)
// the first time the run builds it: every recording in order (a file's path, a session's id) and
// each file's size. A resumed run rebuilds its datasets (windows are not stored), and a folder is
// listed again: without this record, a recording deleted or moved since was left out in silence and
// the resumed run trained on other data than it started with. Now a resume first checks the record:
// a recording gone, or a file whose size changed, or one that gives another number of windows, stops it naming each one (put it back and resume,
// or start a new run); a recording added to a folder since is left out, with a warning, so the run
// trains on what it started with.
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { RunFolder } from './run-store';
import { sessionPrint, type ExpandedSource, type SessionFeed, type SessionPrint } from './dataset-loader';
import { plural } from '../../shared/plural';
import { describeHostTime } from '../../shared/event-time';
import { TrainError, TrainErrorCode } from '../../shared/train/train.types';

export const RECORDINGS_ARTIFACT = 'recordings.json';

/** Which of a job's datasets: the labelled one, or a pretraining corpus. */
export type DatasetRole = 'dataset' | 'eeg-corpus' | 'ecg-corpus';

export interface DatasetRecord {
  /** The dataset's name (its spec's), for a reader of the file. */
  name: string;
  /** Every recording it was cut from, in order: its id, and the file it was read from or the session's print. */
  recordings: RecordedRecording[];
  /** Each file's size in bytes when the dataset was first built. */
  bytes: Record<string, number>;
}

export interface RecordedRecording {
  id: string;
  file?: string;
  session?: SessionPrint;
  /** Windows it gave when first built (a WFDB record whose .dat went, a file rewritten at the same size, another pipeline: another count). */
  windows?: number;
}

export interface RecordingsRecord {
  version: 1;
  datasets: Partial<Record<DatasetRole, DatasetRecord>>;
}

const key = (r: { id: string; file?: string }) => (r.file ? `${r.file}\n${r.id}` : r.id);
/** How a recording is named to the user: its file's path (a DREAMER clip: the file and the clip), or its id (a session). */
const shown = (r: { id: string; file?: string }) => (!r.file ? r.id.replace(/^session:/, 'session ') : basename(r.file) === r.id ? r.file : `${r.id} of ${r.file}`);

const printText = (p: SessionPrint) => `started ${describeHostTime(p.startTime)}, ${plural(p.samples, 'sample')}`;

/** The record of a dataset about to be built from `sources` (each file's size read now). */
export async function recordOf(name: string, sources: ExpandedSource[]): Promise<DatasetRecord> {
  const bytes: Record<string, number> = {};
  for (const s of sources) {
    if (!s.file || s.file in bytes) continue;
    // A file that cannot be read now is reported by the build; it has no size to compare later.
    const st = await stat(s.file).catch(() => null);
    if (st) bytes[s.file] = st.size;
  }
  return { name, recordings: sources.map((s) => ({ id: s.id, ...(s.file ? { file: s.file } : {}), ...(s.session ? { session: s.session } : {}) })), bytes };
}

/**
 * What keeps the recordings of `record` from being those the dataset was built from, checked before
 * it is listed and read again: a file gone or of another size, a session not read from the database.
 */
export async function recordProblems(record: DatasetRecord, sessions: Map<number, SessionFeed>): Promise<string[]> {
  const out: string[] = [];
  for (const [file, size] of Object.entries(record.bytes)) {
    try {
      const st = await stat(file);
      if (st.size !== size) out.push(`${file} has changed (${st.size} bytes, ${size} when the run started)`);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      out.push(code === 'ENOENT' || code === 'ENOTDIR' ? `${file} is gone` : `${file} cannot be read (${(e as Error).message})`);
    }
  }
  for (const r of record.recordings) {
    const m = /^session:(\d+)$/.exec(r.id);
    if (!r.session || !m) continue;
    const f = sessions.get(Number(m[1]));
    const now = f && sessionPrint(f);
    if (!now) out.push(`session ${m[1]} is not in the recordings database`);
    else if (now.startTime !== r.session.startTime || now.samples !== r.session.samples) {
      // A database before schema 90 gave a deleted newest session's number to the next one; a
      // recordings database copied back from a backup can hold another recording under it too.
      out.push(`session ${m[1]} is another recording now (${printText(now)}; the run's ${printText(r.session)}): not the one the run started with (deleted, its number given to a newer one, or another recordings database)`);
    }
  }
  return out;
}

/**
 * The sources of a rebuilt dataset matched to its record: `kept`, those it names, in the record's
 * order; `added`, those it does not (added to a folder since); `lost`, recordings it names that are
 * not among the sources (named to the user).
 */
export function matchRecord(record: DatasetRecord, sources: ExpandedSource[]): { kept: ExpandedSource[]; added: ExpandedSource[]; lost: string[] } {
  const byKey = new Map(sources.map((s) => [key(s), s]));
  const kept: ExpandedSource[] = [];
  const lost: string[] = [];
  for (const r of record.recordings) {
    const s = byKey.get(key(r));
    if (s) kept.push(s);
    else lost.push(`${shown(r)} is not among the recordings there now`);
  }
  const named = new Set(record.recordings.map(key));
  return { kept, added: sources.filter((s) => !named.has(key(s))), lost };
}

/** The record with each recording's window count from its build (`reports`: one per source, in the record's order). */
export function withWindows(record: DatasetRecord, reports: readonly { windows: number }[]): DatasetRecord {
  return { ...record, recordings: record.recordings.map((r, i) => (reports[i] ? { ...r, windows: reports[i].windows } : r)) };
}

/** Recordings of a rebuilt dataset (built from matchRecord's `kept`) whose window count is not the first build's. */
export function windowProblems(record: DatasetRecord, reports: readonly { windows: number }[]): string[] {
  return record.recordings.flatMap((r, i) =>
    r.windows === undefined || reports[i]?.windows === r.windows ? [] : [`${shown(r)} gave ${plural(reports[i]?.windows ?? 0, 'window')}, ${r.windows} when the run started (the recording, or the pipeline that cuts it, changed since)`],
  );
}

/** A resume stopped because `label` (e.g. "dataset 'EEGMAT'") is not what it was built from. */
export function recordingsChangedError(label: string, record: DatasetRecord, problems: string[]): TrainError {
  const shownProblems = problems.slice(0, 5).join('; ') + (problems.length > 5 ? `; and ${problems.length - 5} more` : '');
  return new TrainError(
    TrainErrorCode.NotFound,
    `the ${label} was built from ${plural(record.recordings.length, 'recording')} when the run started, and ${problems.length === 1 ? 'one is' : `${problems.length} are`} not as it was: ${shownProblems}. A resumed run trains on the recordings it started with: put ${problems.length === 1 ? 'it' : 'them'} back as ${problems.length === 1 ? 'it was' : 'they were'} and resume, or start a new run on the recordings there are now`,
    problems,
  );
}

/**
 * Said when a resume rebuilds `label` (e.g. "dataset 'EEGMAT'") for a run that built its datasets
 * and holds no record of them (started before the record was kept, or the file removed): it was
 * rebuilt from whatever the folders hold now, in silence.
 */
export function unrecordedNote(label: string): string {
  return `this run holds no record of the recordings its ${label} was first built from (artifacts/${RECORDINGS_ARTIFACT}: a run started before HeartMind kept one, or the file was removed): it is rebuilt from the recordings there are now, which cannot be checked against those the run started with, and recorded as it is built`;
}

/** Names of the sources left out of a resumed dataset (added since it started), for the log. */
export function addedNote(label: string, added: ExpandedSource[]): string {
  const names = added.slice(0, 5).map(shown).join(', ') + (added.length > 5 ? `, and ${added.length - 5} more` : '');
  return `${label}: ${plural(added.length, 'recording')} added since the run started ${added.length === 1 ? 'is' : 'are'} left out (a resumed run trains on the recordings it started with): ${names}`;
}

/**
 * The run's record; an empty one for a damaged file (`warn` says so); null where there is none (datasets
 * not built yet, or built by a run started before the record was kept: unrecordedNote).
 */
export async function readRecordings(folder: RunFolder, warn: (message: string) => Promise<void>): Promise<RecordingsRecord | null> {
  const bytes = await folder.readArtifact(RECORDINGS_ARTIFACT);
  if (!bytes) return null;
  try {
    const r = JSON.parse(new TextDecoder().decode(bytes)) as RecordingsRecord;
    if (r && typeof r === 'object' && r.datasets && typeof r.datasets === 'object') return r;
    throw new Error('no datasets in it');
  } catch (e) {
    await warn(`artifacts/${RECORDINGS_ARTIFACT} is damaged (${(e as Error).message}): the datasets cannot be checked against the recordings the run started with, and are recorded again as they are built now`);
    return { version: 1, datasets: {} };
  }
}
