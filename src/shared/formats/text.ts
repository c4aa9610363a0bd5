// Byte ↔ text helpers for the parsers and writers, and strict number parsing for header fields.

/** Latin-1 (each byte one code unit): EDF/BDF headers and WFDB headers are ASCII. */
export function decodeLatin1(bytes: Uint8Array, start = 0, end = bytes.length): string {
  let out = '';
  // fromCharCode.apply on bounded slices: fast, and never blows the argument limit.
  for (let i = start; i < end; i += 8192) {
    const stop = Math.min(end, i + 8192);
    out += String.fromCharCode.apply(null, bytes.subarray(i, stop) as unknown as number[]);
  }
  return out;
}

// The platform's WHATWG codecs (declared for the pure build in src/shared/platform.d.ts).
const utf8Decoder = new TextDecoder('utf-8', { fatal: false });
const utf8Encoder = new TextEncoder();

/**
 * UTF-8 to string (EDF+ annotation texts, XDF XML). Malformed sequences become U+FFFD
 * instead of throwing: text fields are shown to the user, never trusted for structure.
 */
export function decodeUtf8(bytes: Uint8Array, start = 0, end = bytes.length): string {
  return utf8Decoder.decode(bytes.subarray(start, end));
}

const strictUtf8Decoder = new TextDecoder('utf-8', { fatal: true });
/** Windows-1252's characters for bytes 0x80–0x9f (undefined ones kept as Latin-1's controls); the rest is Latin-1. */
const CP1252_80_9F = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';

/** Windows-1252 to string: what Excel and older Windows programs save text in. */
export function decodeWindows1252(bytes: Uint8Array, start = 0, end = bytes.length): string {
  return decodeLatin1(bytes, start, end).replace(/[\x80-\x9f]/g, (c) => CP1252_80_9F[c.charCodeAt(0) - 0x80]);
}

/**
 * Text whose encoding the format does not pin down (a CSV saved by a spreadsheet) or that old
 * writers got wrong: UTF-8 where the bytes are valid UTF-8, else Windows-1252, so '°C' saved by
 * Excel reads '°C', not '\uFFFDC'. `encoding` says which was used, for a warning.
 */
export function decodeText(bytes: Uint8Array, start = 0, end = bytes.length): { text: string; encoding: 'utf-8' | 'windows-1252' } {
  try {
    return { text: strictUtf8Decoder.decode(bytes.subarray(start, end)), encoding: 'utf-8' };
  } catch {
    return { text: decodeWindows1252(bytes, start, end), encoding: 'windows-1252' };
  }
}

/** String to UTF-8 bytes (writers: EDF+ annotation texts, CSV). */
export function encodeUtf8(text: string): Uint8Array {
  return utf8Encoder.encode(text);
}

/** ASCII-only string to bytes; other characters become '?' (EDF header fields must be ASCII). */
export function encodeAscii(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    out[i] = c >= 0x20 && c < 0x7f ? c : 0x3f;
  }
  return out;
}

/** Signs of units and names that have an ASCII spelling of their own (EDF+ writes 'uV', 'degC', 'Ohm'). */
const ASCII_SPELLINGS: Record<string, string> = { '\u00b5': 'u', '\u03bc': 'u', '°': 'deg', '\u2126': 'Ohm', '\u03a9': 'Ohm', '²': '2', '³': '3', 'ß': 'ss', 'Æ': 'AE', 'æ': 'ae', 'Ø': 'O', 'ø': 'o', '–': '-', '—': '-' };

/**
 * Text for an ASCII-only header field (EDF/BDF): units and names spelled in ASCII ('°C' → 'degC',
 * 'µS' → 'uS', 'Müller' → 'Muller'), so they do not arrive as '?C' or 'M?ller'; what has no
 * spelling is left to encodeAscii ('?').
 */
export function asciiText(text: string): string {
  let out = '';
  for (const ch of text) out += ASCII_SPELLINGS[ch] ?? ch;
  // letters with accents: the base letter (NFKD splits 'ü' into 'u' + a combining mark)
  return /[^\x20-\x7e]/.test(out) ? out.normalize('NFKD').replace(/[\u0300-\u036f]/g, '') : out;
}

/**
 * Text without the UTF-8 byte-order mark that Notepad and Excel put at the start of a file they
 * save, whether decoded as UTF-8 (U+FEFF) or byte by byte (Latin-1: 'ï»¿'). A text format's first
 * line must match its signature ('%OpenBCI Raw EXG Data', a WFDB record line): with the mark in
 * front, an OpenBCI file was 'not a format HeartMind reads' and a WFDB header whose first line
 * is a comment 'gives no number of signals'.
 */
export function withoutByteOrderMark(text: string): string {
  return text.startsWith('\ufeff') ? text.slice(1) : text.startsWith('\xef\xbb\xbf') ? text.slice(3) : text;
}

/**
 * Strict decimal number: what a header field must hold. Rejects '', 'NaN', '1e999', hex,
 * trailing junk — Number() alone would accept '' as 0 and '0x10' as 16.
 */
export function parseDecimal(text: string): number | null {
  const t = text.trim();
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return null;
  const v = Number(t);
  return Number.isFinite(v) ? v : null;
}

/** Strict integer within the safe range. */
export function parseInteger(text: string): number | null {
  const t = text.trim();
  if (!/^[+-]?\d+$/.test(t)) return null;
  const v = Number(t);
  return Number.isSafeInteger(v) ? v : null;
}
