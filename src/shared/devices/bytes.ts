// Small integer readers the device parsers share. Plain index arithmetic rather than DataView:
// the parsers run on every notification (hundreds a second per device) and these inline well.

/** Signed 24-bit little-endian (Polar PMD ECG samples). */
export function readInt24LE(b: Uint8Array, i: number): number {
  const v = b[i] | (b[i + 1] << 8) | (b[i + 2] << 16);
  return (v << 8) >> 8;
}

/** Unsigned 24-bit little-endian. */
export function readUint24LE(b: Uint8Array, i: number): number {
  return b[i] | (b[i + 1] << 8) | (b[i + 2] << 16);
}

/** Signed 24-bit big-endian (OpenBCI Cyton channel values). */
export function readInt24BE(b: Uint8Array, i: number): number {
  const v = (b[i] << 16) | (b[i + 1] << 8) | b[i + 2];
  return (v << 8) >> 8;
}

/** Unsigned 24-bit big-endian (Muse PPG). */
export function readUint24BE(b: Uint8Array, i: number): number {
  return (b[i] << 16) | (b[i + 1] << 8) | b[i + 2];
}

export function readUint16LE(b: Uint8Array, i: number): number {
  return b[i] | (b[i + 1] << 8);
}

export function readUint16BE(b: Uint8Array, i: number): number {
  return (b[i] << 8) | b[i + 1];
}

export function readInt16BE(b: Uint8Array, i: number): number {
  return (((b[i] << 8) | b[i + 1]) << 16) >> 16;
}

export function readUint32BE(b: Uint8Array, i: number): number {
  return ((b[i] << 24) >>> 0) + ((b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]);
}

/** Unsigned 64-bit little-endian as a BigInt (PMD timestamps exceed 2^53). */
export function readUint64LE(b: Uint8Array, i: number): bigint {
  const lo = (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)) >>> 0;
  const hi = (b[i + 4] | (b[i + 5] << 8) | (b[i + 6] << 16) | (b[i + 7] << 24)) >>> 0;
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/** Bytes as "0A 1B …" for error messages (first `max` bytes). */
export function hexPreview(b: Uint8Array, max = 24): string {
  const parts: string[] = [];
  for (let i = 0; i < Math.min(b.length, max); i++) parts.push(b[i].toString(16).padStart(2, '0').toUpperCase());
  return parts.join(' ') + (b.length > max ? ` … (${b.length} bytes)` : '');
}

/** Text from ASCII bytes (protocol replies are ASCII; anything else becomes U+FFFD). */
export function asciiText(b: Uint8Array, start = 0, end = b.length): string {
  let s = '';
  for (let i = start; i < end; i++) s += b[i] < 0x80 ? String.fromCharCode(b[i]) : '\uFFFD';
  return s;
}

export function asciiBytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0x7f;
  return out;
}
