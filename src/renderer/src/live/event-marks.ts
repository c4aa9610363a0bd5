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

/** A replay pushes a marker again each time it passes it (after a seek back): shown once. */
const SAME_TIME_S = 1e-6;
/**
 * The duplicate check looks only at marks of the same kind and label in the same or a neighbouring
 * millisecond, so under a marker flood (1000/s from stimulus software) an add costs O(1), not a scan
 * of every mark held. A millisecond, not SAME_TIME_S itself: at host times near 1.8e9 s, t/1e-6 is
 * rounded by a quarter of a step, so two marks under 1e-6 s apart could land two buckets apart.
 */
const BUCKET_S = 1e-3;

function bucketKey(kind: EventMark['kind'], label: string, bucket: number): string {
  return `${kind}\u0000${bucket}\u0000${label}`;
}

export class EventMarks {
  /** Oldest first (by time). */
  readonly marks: EventMark[] = [];
  /** Bumped on every change (the charts redraw on it). */
  version = 0;
  /** The marks held, by kind, label and millisecond: exactly those in `marks`. */
  private readonly byKey = new Map<string, EventMark[]>();

  constructor(private readonly keepSeconds: number) {}

  addMarker(m: Pick<Marker, 'time' | 'duration' | 'label'>): void {
    this.add({ time: m.time, duration: m.duration, label: m.label, kind: 'marker' });
  }

  addSelfReport(r: Pick<SelfReport, 'time' | 'valence' | 'arousal' | 'dominance'>): void {
    this.add({ time: r.time, duration: 0, label: `SAM V${r.valence} A${r.arousal} D${r.dominance}`, kind: 'self-report' });
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
    this.byKey.clear();
    this.version++;
  }

  private add(e: EventMark): void {
    if (!Number.isFinite(e.time)) return;
    const bucket = Math.floor(e.time / BUCKET_S);
    for (let b = bucket - 1; b <= bucket + 1; b++) {
      const same = this.byKey.get(bucketKey(e.kind, e.label, b));
      if (same?.some((x) => Math.abs(x.time - e.time) < SAME_TIME_S)) return;
    }
    const key = bucketKey(e.kind, e.label, bucket);
    const same = this.byKey.get(key);
    if (same) same.push(e);
    else this.byKey.set(key, [e]);
    let i = this.marks.length;
    while (i > 0 && this.marks[i - 1].time > e.time) i--;
    if (i === this.marks.length) this.marks.push(e);
    else this.marks.splice(i, 0, e);
    this.version++;
  }

  private forget(e: EventMark): void {
    const key = bucketKey(e.kind, e.label, Math.floor(e.time / BUCKET_S));
    const same = this.byKey.get(key);
    if (!same) return;
    const i = same.indexOf(e);
    if (i >= 0) same.splice(i, 1);
    if (same.length === 0) this.byKey.delete(key);
  }
}
