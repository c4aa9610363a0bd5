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

export class EventMarks {
  /** Oldest first (by time). */
  readonly marks: EventMark[] = [];
  /** Bumped on every change (the charts redraw on it). */
  version = 0;

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
    const keep = this.marks.filter((e) => e.time + e.duration >= cutoff);
    if (keep.length === this.marks.length) return;
    this.marks.splice(0, this.marks.length, ...keep);
    this.version++;
  }

  clear(): void {
    if (this.marks.length === 0) return;
    this.marks.length = 0;
    this.version++;
  }

  private add(e: EventMark): void {
    if (!Number.isFinite(e.time)) return;
    const dup = this.marks.some((x) => x.kind === e.kind && x.label === e.label && Math.abs(x.time - e.time) < SAME_TIME_S);
    if (dup) return;
    let i = this.marks.length;
    while (i > 0 && this.marks[i - 1].time > e.time) i--;
    this.marks.splice(i, 0, e);
    this.version++;
  }
}
