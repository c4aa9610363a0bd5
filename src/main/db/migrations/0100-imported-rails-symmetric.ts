// Schema 100: an imported channel's rails (the railed check's ChannelInfo.rangeUv, in its stream's
// info_json) are re-derived from the physical range the file declared (channels.physical_min/max)
// by the rule an import applies today (railsOfFileChannel: a µV range symmetric about zero is an
// amplifier's span; a range fitted to the data is no rails). Imports before that rule stored
// max(|min|, |max|) of any range: a DC-offset file (MNE's test EDF, [175 921, 175 946] µV) then had
// every sample within 2 % of its "rails" and replayed with all its EEG channels railed. Only
// channels with a stored physical range are read (imported ones; live devices announce their own
// rails and store none), so a session imported under the rule is left as it is. Re-deriving at
// every replay would do the same for read-only copies, but would make the stored StreamInfo no
// longer the one replay announces; this keeps one truth in the database. A read-only copy short of
// it still opens and replays with the rails it was imported with (readersDoWithout), as before.
import { railsOfFileChannel } from '../../../shared/dsp/quality';
import type { WritableDb } from '../db.types';

interface ChannelRow {
  stream_id: number;
  idx: number;
  unit: string;
  physical_min: number;
  physical_max: number;
}

export function updateToSchemaVersion0100(db: WritableDb): void {
  const rows = db
    .prepare<[], ChannelRow>('SELECT stream_id, idx, unit, physical_min, physical_max FROM channels WHERE physical_min IS NOT NULL AND physical_max IS NOT NULL ORDER BY stream_id, idx')
    .all();
  const byStream = new Map<number, ChannelRow[]>();
  for (const r of rows) byStream.set(r.stream_id, [...(byStream.get(r.stream_id) ?? []), r]);
  const read = db.prepare<[number], string>('SELECT info_json FROM streams WHERE id = ?').pluck();
  const write = db.prepare('UPDATE streams SET info_json = ? WHERE id = ?');
  for (const [streamId, channels] of byStream) {
    const json = read.get(streamId);
    if (json === undefined) continue;
    const info = JSON.parse(json) as { channels?: Record<string, unknown>[] };
    if (!Array.isArray(info.channels)) continue;
    let touched = false;
    for (const c of channels) {
      const ch = info.channels[c.idx];
      if (!ch || typeof ch !== 'object') continue;
      const rails = railsOfFileChannel(c.unit, [c.physical_min, c.physical_max]);
      if (ch.rangeUv === rails) continue;
      if (rails === undefined) delete ch.rangeUv;
      else ch.rangeUv = rails;
      touched = true;
    }
    if (touched) write.run(JSON.stringify(info), streamId);
  }
}
