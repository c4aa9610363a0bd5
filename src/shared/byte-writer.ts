// A growable little-endian byte buffer for HeartMind's own binary formats (recorded sample blocks,
// pipeline snapshots). `buf`, `pos` and `ensure` are public so that a hot loop can reserve room
// once and write bytes directly; the typed writers cover everything else.

export class ByteWriter {
  buf: Uint8Array;
  pos = 0;
  private view: DataView;

  constructor(initialBytes = 4096) {
    this.buf = new Uint8Array(Math.max(64, initialBytes));
    this.view = new DataView(this.buf.buffer);
  }

  /** Room for `n` more bytes at `pos` (the buffer doubles as needed, so `buf` may be replaced). */
  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  u8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v;
  }

  u16(v: number): void {
    if (!(Number.isInteger(v) && v >= 0 && v <= 0xffff)) throw new RangeError(`${v} does not fit a u16 field`);
    this.ensure(2);
    this.view.setUint16(this.pos, v, true);
    this.pos += 2;
  }

  u32(v: number): void {
    this.ensure(4);
    this.view.setUint32(this.pos, v >>> 0, true);
    this.pos += 4;
  }

  /** Overwrites the u32 at `offset` (a length written before it was known). */
  setU32(offset: number, v: number): void {
    this.view.setUint32(offset, v >>> 0, true);
  }

  f32(v: number): void {
    this.ensure(4);
    this.view.setFloat32(this.pos, v, true);
    this.pos += 4;
  }

  f64(v: number): void {
    this.ensure(8);
    this.view.setFloat64(this.pos, v, true);
    this.pos += 8;
  }

  f32s(a: ArrayLike<number>): void {
    this.ensure(4 * a.length);
    for (let i = 0; i < a.length; i++) this.view.setFloat32(this.pos + 4 * i, a[i], true);
    this.pos += 4 * a.length;
  }

  f64s(a: ArrayLike<number>): void {
    this.ensure(8 * a.length);
    for (let i = 0; i < a.length; i++) this.view.setFloat64(this.pos + 8 * i, a[i], true);
    this.pos += 8 * a.length;
  }

  /** Unsigned LEB128 varint, v < 2^53. */
  varint(v: number): void {
    this.ensure(8);
    while (v >= 0x80) {
      this.buf[this.pos++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.pos++] = v;
  }

  bytes(src: Uint8Array): void {
    this.ensure(src.length);
    this.buf.set(src, this.pos);
    this.pos += src.length;
  }

  /** The bytes written so far (a view: valid until the next write). */
  written(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }

  /** A copy of the bytes written. */
  result(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }
}
