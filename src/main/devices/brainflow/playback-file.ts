// How many samples BrainFlow's playback board will play from a file, so the end of the file can be
// told from a stalled board, and where the recording paused, so BrainFlow waiting out a pause is
// not taken for one either. BrainFlow (playback_file_board.cpp, read_thread) pushes one sample
// per line whose field count equals the board's num_rows: fields split on tabs, or on commas when
// the line has no tab; other lines (blank, a header, a torn last line) are skipped with a log line.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

/** The fields BrainFlow's playback board splits `line` (without its newline) into. */
function playbackFields(line: string): string[] {
  const fields = line.split(line.includes('\t') ? '\t' : ',');
  // "a\tb\t" ends in a separator: BrainFlow's getline yields no empty last field there.
  if (fields.length > 0 && fields[fields.length - 1] === '') fields.pop();
  return fields;
}

/** True when BrainFlow's playback board turns `line` (without its newline) into a sample. */
export function isPlaybackSampleLine(line: string, numRows: number): boolean {
  return playbackFields(line).length === numRows;
}

/**
 * A step in the file's timestamps longer than this (s) is a pause in the recording (stopped and
 * started again, two recordings appended with write_file's 'a' mode), not the reader thread's
 * bursts: BrainFlow's playback waits it out, sending nothing.
 */
export const PLAYBACK_PAUSE_S = 1;

/** A pause in a playback file: before sample `atSample` (0-based), the recording stopped `seconds`. */
export interface PlaybackPause {
  atSample: number;
  seconds: number;
}

/** The first line of an OpenBCI GUI recording (OBGUI DataWriterODF.pde): a file BrainFlow cannot play. */
const OPENBCI_GUI_HEADER = '%OpenBCI Raw EXG Data';

/**
 * Samples the playback board will deliver from `file` before it falls silent (loopback off), and
 * whether the file is an OpenBCI GUI recording (its ", "-separated lines end in a formatted date,
 * one field more than any board's rows: BrainFlow plays none of it).
 */
export async function countPlaybackSamples(
  file: string,
  numRows: number,
  timestampRow?: number,
): Promise<{ samples: number; openBciGui: boolean; pauses: PlaybackPause[]; /** No sample has a positive timestamp: BrainFlow plays it all at once. */ untimed: boolean }> {
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  let n = 0;
  let first: string | undefined;
  const pauses: PlaybackPause[] = [];
  let lastTs = -1;
  for await (const line of lines) {
    first ??= line;
    const fields = playbackFields(line);
    if (fields.length !== numRows) continue;
    if (timestampRow !== undefined) {
      // As BrainFlow reads it (std::stod: leading number, the rest ignored) and waits (only after
      // a positive timestamp, for the step to the next).
      const ts = parseFloat(fields[timestampRow]);
      if (lastTs > 0 && ts - lastTs > PLAYBACK_PAUSE_S) pauses.push({ atSample: n, seconds: ts - lastTs });
      if (Number.isFinite(ts)) lastTs = ts;
    }
    n++;
  }
  return { samples: n, openBciGui: first?.startsWith(OPENBCI_GUI_HEADER) ?? false, pauses, untimed: timestampRow !== undefined && n > 0 && !(lastTs > 0) };
}
