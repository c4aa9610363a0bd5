// How many samples BrainFlow's playback board will play from a file, so the end of the file can be
// told from a stalled board. BrainFlow (playback_file_board.cpp, read_thread) pushes one sample
// per line whose field count equals the board's num_rows: fields split on tabs, or on commas when
// the line has no tab; other lines (blank, a header, a torn last line) are skipped with a log line.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

/** True when BrainFlow's playback board turns `line` (without its newline) into a sample. */
export function isPlaybackSampleLine(line: string, numRows: number): boolean {
  const fields = line.split(line.includes('\t') ? '\t' : ',');
  // "a\tb\t" ends in a separator: BrainFlow's getline yields no empty last field there.
  if (fields.length > 0 && fields[fields.length - 1] === '') fields.pop();
  return fields.length === numRows;
}

/** The first line of an OpenBCI GUI recording (OBGUI DataWriterODF.pde): a file BrainFlow cannot play. */
const OPENBCI_GUI_HEADER = '%OpenBCI Raw EXG Data';

/**
 * Samples the playback board will deliver from `file` before it falls silent (loopback off), and
 * whether the file is an OpenBCI GUI recording (its ", "-separated lines end in a formatted date,
 * one field more than any board's rows: BrainFlow plays none of it).
 */
export async function countPlaybackSamples(file: string, numRows: number): Promise<{ samples: number; openBciGui: boolean }> {
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  let n = 0;
  let first: string | undefined;
  for await (const line of lines) {
    first ??= line;
    if (isPlaybackSampleLine(line, numRows)) n++;
  }
  return { samples: n, openBciGui: first?.startsWith(OPENBCI_GUI_HEADER) ?? false };
}
