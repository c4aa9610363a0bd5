// MIT-format annotation files (.atr, .qrs, LUDB's .i/.ii/…, eegmmidb's .event), after
// annot(5) and the WFDB library's getann(): a stream of little-endian 16-bit words, each
// 6 bits of code A and 10 bits of data I.
//   A = 1..49: an annotation of type A, I samples after the previous one
//   A = 59 SKIP: the next 4 bytes are a signed 32-bit interval (high 16-bit word first)
//   A = 60 NUM, 61 SUB, 62 CHN: set num / subtype / chan of the annotation just read
//   A = 63 AUX: I & 0xff bytes of text follow, padded to an even count
//   word 0: end of file
// As in getann(), chan and num carry over from one annotation to the next; subtype and aux do not.
// Every writer ends the file with the 0 word, so a file that stops without it (or inside a SKIP or
// an AUX text) was cut short: the annotations read up to there are kept, with a warning.
import { failFor, type Fail } from '../format-error';
import { decodeLatin1 } from '../text';
import type { WfdbAnnotation, WfdbAnnotationFile } from './wfdb.types';

const SKIP = 59;
const NUM = 60;
const SUB = 61;
const CHN = 62;
const AUX = 63;
/** Highest regular annotation code (ACMAX in ecgcodes.h). */
const ACMAX = 49;
const NOTE = 22;

/** Mnemonics of the standard codes (WFDB annot.c / ecgcodes.h). */
export const WFDB_ANNOTATION_SYMBOLS: readonly string[] = [
  ' ', 'N', 'L', 'R', 'a', 'V', 'F', 'J', 'A', 'S', // 0-9
  'E', 'j', '/', 'Q', '~', '[15]', '|', '[17]', 's', 'T', // 10-19
  '*', 'D', '"', '=', 'p', 'B', '^', 't', '+', 'u', // 20-29
  '?', '!', '[', ']', 'e', 'n', '@', 'x', 'f', '(', // 30-39
  ')', 'r', '[42]', '[43]', '[44]', '[45]', '[46]', '[47]', '[48]', '[49]', // 40-49
];

/** What each standard code means (WFDB ecgcodes.h), for the marker list the user sees. */
export const WFDB_ANNOTATION_DESCRIPTIONS: Readonly<Record<number, string>> = {
  1: 'Normal beat', 2: 'Left bundle branch block beat', 3: 'Right bundle branch block beat',
  4: 'Aberrated atrial premature beat', 5: 'Premature ventricular contraction',
  6: 'Fusion of ventricular and normal beat', 7: 'Nodal (junctional) premature beat',
  8: 'Atrial premature beat', 9: 'Supraventricular premature or ectopic beat',
  10: 'Ventricular escape beat', 11: 'Nodal (junctional) escape beat', 12: 'Paced beat',
  13: 'Unclassifiable beat', 14: 'Change in signal quality', 16: 'Isolated QRS-like artifact',
  18: 'ST segment change', 19: 'T-wave change', 20: 'Systole', 21: 'Diastole',
  22: 'Comment annotation', 23: 'Measurement annotation', 24: 'P-wave peak',
  25: 'Bundle branch block beat', 26: 'Non-conducted pacer spike', 27: 'T-wave peak',
  28: 'Rhythm change', 29: 'U-wave peak', 30: 'Learning', 31: 'Ventricular flutter wave',
  32: 'Start of ventricular flutter/fibrillation', 33: 'End of ventricular flutter/fibrillation',
  34: 'Atrial escape beat', 35: 'Supraventricular escape beat', 36: 'Link to external data',
  37: 'Non-conducted P-wave (blocked APC)', 38: 'Fusion of paced and normal beat',
  39: 'Waveform onset', 40: 'Waveform end', 41: 'R-on-T premature ventricular contraction',
};

/** Codes that mark a QRS complex (WFDB isqrs()): what an R-peak detector is scored against. */
export const WFDB_BEAT_CODES: ReadonlySet<number> = new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 25, 30, 34, 35, 38, 41]);

export function parseWfdbAnnotations(bytes: Uint8Array, fileName = 'annotations'): WfdbAnnotationFile {
  const fail: Fail = failFor(fileName);
  const annotations: WfdbAnnotation[] = [];
  const customCodes = new Map<number, [string, string]>();
  let timeResolutionHz: number | null = null;
  const n = bytes.length;
  let p = 0;
  let time = 0;
  let chan = 0;
  let num = 0;
  let current: WfdbAnnotation | null = null;
  /** Where and how the file stops short, when it does. */
  let cutShort: string | null = null;
  const word = (at: number) => bytes[at] | (bytes[at + 1] << 8);

  const finish = (a: WfdbAnnotation | null) => {
    if (!a) return;
    // Code 0 is NOTQRS, "not a getann/putann code": the library writes one after the
    // time-resolution note to reset the time base. It is not an annotation.
    if (a.code === 0) return;
    if (a.code === NOTE && a.sample === 0 && a.aux.startsWith('## time resolution:')) {
      const r = Number(a.aux.slice('## time resolution:'.length).trim());
      if (Number.isFinite(r) && r > 0) timeResolutionHz = r;
      return;
    }
    // Modification labels: a NOTE at sample 0 whose text is '<code> <mnemonic> <description>'.
    if (a.code === NOTE && a.sample === 0 && a.aux && !a.aux.startsWith('#')) {
      const m = /^\s*(\d+)\s+(\S+)\s*(.*)$/.exec(a.aux);
      if (m && Number(m[1]) <= ACMAX) {
        customCodes.set(Number(m[1]), [m[2], m[3]]);
        return;
      }
    }
    annotations.push(a);
  };

  let ended = false;
  while (p + 1 < n) {
    const w = word(p);
    p += 2;
    if (w === 0) {
      ended = true; // logical end of file
      break;
    }
    const a = w >> 10;
    const data = w & 0x3ff;
    if (a === SKIP) {
      if (p + 4 > n) {
        cutShort = `inside a SKIP at byte ${p - 2}`;
        break;
      }
      const interval = ((word(p) << 16) | word(p + 2)) | 0; // signed 32, PDP-11 word order
      p += 4;
      time += interval;
    } else if (a === NUM) {
      if (current) current.num = data;
      num = data;
    } else if (a === SUB) {
      if (current) current.subtype = data;
    } else if (a === CHN) {
      if (current) current.chan = data;
      chan = data;
    } else if (a === AUX) {
      const len = data & 0xff;
      const padded = (len + 1) & ~1;
      if (p + len > n) {
        // The annotation itself is whole; only its text is cut.
        cutShort = `inside the text of the last annotation (${len} bytes announced at byte ${p - 2}, ${n - p} left; text dropped)`;
        break;
      }
      let end = p + len;
      const nul = bytes.subarray(p, end).indexOf(0);
      if (nul >= 0) end = p + nul; // writers count the terminating NUL in some files
      if (current) current.aux = decodeLatin1(bytes, p, end);
      p += Math.min(padded, n - p);
    } else if (a > ACMAX) {
      // Codes 50..58 are not defined: the file is not an MIT annotation file or is corrupt.
      fail('bad-data', `undefined annotation code ${a} at byte ${p - 2}`);
    } else {
      finish(current);
      time += data;
      current = { sample: time, code: a, symbol: '', subtype: 0, chan, num, aux: '' };
    }
  }
  finish(current);
  const warnings: string[] = [];
  if (!ended) {
    const where = cutShort ?? (n === 0 ? 'the file is empty' : p < n ? `an odd last byte at byte ${p}` : `no end-of-file word after byte ${n}`);
    warnings.push(`cut short after ${annotations.length} annotation${annotations.length === 1 ? '' : 's'} (${where}); the rest of the file's annotations are missing`);
  }

  for (const ann of annotations) {
    ann.symbol = customCodes.get(ann.code)?.[0] ?? WFDB_ANNOTATION_SYMBOLS[ann.code] ?? `[${ann.code}]`;
  }
  return { annotations, timeResolutionHz, customCodes, warnings };
}
