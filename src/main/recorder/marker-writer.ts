// Markers written to the database in batches (group commit). A marker that finds no write in flight
// is written at once, alone: a marker now and then, or a sender that waits for each reply (a
// WebSocket script, the M key), is stored as fast as before. Markers that come while a write is in
// flight wait for it and then go together, in one request and one transaction, in the order they
// came (up to MAX_MARKERS_PER_WRITE a write): a burst of triggers costs a few commits instead of
// one per marker, and a marker never waits behind more than the writes before it, so a kill -9
// loses no more than it did (each is answered once it is committed).
import type { Marker } from '../../shared/session.types';
import type { DbClient } from '../db/db-client';
import { DbError } from '../db/db-error';
import type { NewMarker } from '../db/server';

/**
 * The most markers one write takes (~11 µs each in the worker: ~6 ms): a burst of thousands goes
 * in several, so the recorder's sample commits wait behind none for long (one of 3000 took 50 ms
 * and was logged as a slow query).
 */
export const MAX_MARKERS_PER_WRITE = 500;

interface Waiting {
  sessionId: number;
  marker: NewMarker;
  resolve(marker: Marker): void;
  reject(err: Error): void;
}

export class MarkerWriter {
  private waiting: Waiting[] = [];
  private writing: Promise<void> | null = null;
  /** Writes made and markers they held (bench/recording.bench.ts, tests). */
  readonly stats = { writes: 0, markers: 0, largest: 0 };

  constructor(private readonly db: DbClient) {}

  /** Stores `marker` in session `sessionId`; resolves with it as stored (its id), or rejects with the DbError its own write would have had. */
  add(sessionId: number, marker: NewMarker): Promise<Marker> {
    return new Promise<Marker>((resolve, reject) => {
      this.waiting.push({ sessionId, marker, resolve, reject });
      if (!this.writing) this.write();
    });
  }

  /** Resolves once every marker added so far is written (or refused): a recording stopping. */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
  }

  private write(): void {
    const batch = this.waiting.splice(0, MAX_MARKERS_PER_WRITE);
    this.stats.writes++;
    this.stats.markers += batch.length;
    this.stats.largest = Math.max(this.stats.largest, batch.length);
    this.writing = this.db.api
      .addMarkers(batch.map(({ sessionId, marker }) => ({ sessionId, marker })))
      .then(
        (results) =>
          batch.forEach((w, i) => {
            const r = results[i];
            if (r.ok) w.resolve(r.marker);
            else w.reject(DbError.fromWire(r.error, 'addMarker'));
          }),
        (err: Error) => batch.forEach((w) => w.reject(err)),
      )
      .finally(() => {
        this.writing = null;
        if (this.waiting.length > 0) this.write();
      });
  }
}
