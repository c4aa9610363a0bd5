// The events the live traces mark: markers (key M, PsychoPy over UDP/WebSocket, a replayed
// session's annotations) and SAM self-reports, as the core pushes them, on the same host clock as
// the samples. Kept only as long as a trace can show them, so the list stays a few dozen long
// however long the app runs.
import type { Marker, SelfReport } from '../../../shared/session.types';

export interface EventMark {
  /** Host time (s), the traces' time base. */
  time: number;
  /** Seconds; 0 for an instant. */
  duration: number;
  label: string;
  kind: 'marker' | 'self-report';
}

/**
 * What a stored event is: its kind, session and row id. A replay pushes a marker again each time
 * the playhead passes it (after a seek back), with the same id: shown once. A marker pushed with no
 * id (nothing recorded it) is pushed once, so each such push is a marker of its own. Two markers
 * with the same label and time are two events: a stimulus script marking each frame with a
 * millisecond clock (Date.now()/1000, PsychoJS) sends many in one millisecond, and they were taken
 * for repeats and dropped (the dashboard's marker-flood bench: ~4900 of 10 000 in view, all stored).
 */
function identity(kind: EventMark['kind'], sessionId: number | null | undefined, id: number | null | undefined): string | null {
  return id === null || id === undefined || sessionId === null || sessionId === undefined ? null : `${kind} ${sessionId} ${id}`;
}

export class EventMarks {
  /** Oldest first (by time). */
  readonly marks: EventMark[] = [];
  /** Bumped on every change (the charts redraw on it). */
  version = 0;
  /** The stored events held (identity), each with its mark in `marks`. */
  private readonly held = new Map<string, EventMark>();
  private readonly identities = new WeakMap<EventMark, string>();

  constructor(private readonly keepSeconds: number) {}

  addMarker(m: Pick<Marker, 'time' | 'duration' | 'label'> & { id?: number | null; sessionId?: number | null }): void {
    this.add({ time: m.time, duration: m.duration, label: m.label, kind: 'marker' }, identity('marker', m.sessionId, m.id));
  }

  addSelfReport(r: Pick<SelfReport, 'time' | 'valence' | 'arousal' | 'dominance'> & { id?: number; sessionId?: number }): void {
    this.add({ time: r.time, duration: 0, label: `SAM V${r.valence} A${r.arousal} D${r.dominance}`, kind: 'self-report' }, identity('self-report', r.sessionId, r.id));
  }

  /** Forgets what ended more than keepSeconds before `now` (host time of the newest sample). */
  prune(now: number): void {
    const cutoff = now - this.keepSeconds;
    // Compacted in place: a flood holds tens of thousands of marks, too many to spread into
    // splice's arguments (past ~120 000 that throws 'Maximum call stack size exceeded').
    const marks = this.marks;
    let kept = 0;
    for (const e of marks) {
      if (e.time + e.duration >= cutoff) marks[kept++] = e;
      else this.forget(e);
    }
    if (kept === marks.length) return;
    marks.length = kept;
    this.version++;
  }

  clear(): void {
    if (this.marks.length === 0) return;
    this.marks.length = 0;
    this.held.clear();
    this.version++;
  }

  private add(e: EventMark, id: string | null): void {
    if (!Number.isFinite(e.time)) return;
    if (id !== null) {
      if (this.held.has(id)) return;
      this.held.set(id, e);
      this.identities.set(e, id);
    }
    let i = this.marks.length;
    while (i > 0 && this.marks[i - 1].time > e.time) i--;
    if (i === this.marks.length) this.marks.push(e);
    else this.marks.splice(i, 0, e);
    this.version++;
  }

  private forget(e: EventMark): void {
    const id = this.identities.get(e);
    if (id !== undefined && this.held.get(id) === e) this.held.delete(id);
  }
}
