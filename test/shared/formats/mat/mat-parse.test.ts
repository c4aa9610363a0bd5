// The .mat reader against scipy.io.loadmat on files scipy.io.savemat writes (v5 uncompressed and
// v7 compressed, every class), hand-built bytes for what only MATLAB writes (big-endian, doubles
// stored as miUINT8, small data elements), and damaged files (truncated, flipped, inflating bombs).
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zlibSync } from 'fflate';
import { parseMat } from '../../../../src/shared/formats/mat/mat-parse';
import { FormatError } from '../../../../src/shared/formats/format-error';
import type { MatNumeric } from '../../../../src/shared/formats/mat/mat.types';
import { hasPython } from '../../eval/python-reference';
import { assertMatchesScipy, runScipy, type Described } from './scipy-mat';

const dir = mkdtempSync(join(tmpdir(), 'hm-mat-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const WRITE = `
d = json.load(sys.stdin)
rng = np.random.default_rng(3)
sarr = np.zeros((1, 3), dtype=[('id', 'O'), ('vals', 'O')])
for i in range(3):
    sarr[0, i]['id'] = float(i + 1); sarr[0, i]['vals'] = rng.standard_normal((i + 1, 2))
v = {
  'a_double': np.array([[1.5, -2.25, np.nan], [np.inf, 0.0, -np.inf]]) ,
  'randn': rng.standard_normal((37, 14)),
  'a_single': rng.standard_normal((2, 5)).astype(np.float32),
  'i8': np.array([[-128, 0, 127]], dtype=np.int8), 'u8': np.array([[0, 200, 255]], dtype=np.uint8),
  'i16': np.array([[-32768, 5, 32767]], dtype=np.int16), 'u16': np.array([[65535, 1]], dtype=np.uint16),
  'i32': np.array([[-2**31, 7, 2**31 - 1]], dtype=np.int32), 'u32': np.array([[2**32 - 1, 3]], dtype=np.uint32),
  'i64': np.array([[-2**62 - 3, 5, 2**62 + 1]], dtype=np.int64), 'u64': np.array([[2**63 + 5, 1]], dtype=np.uint64),
  'flags': np.array([[True, False], [True, True]]),
  'scalar': 7.5, 'nd': rng.standard_normal((2, 3, 4)), 'cplx': np.array([[1 + 2j, -3.5j, 4]]),
  'empty': np.zeros((0, 0)), 'txt': 'hello', 'utf': 'µV ∆ Ω', 'rows': np.array(['abc', 'xyz']), 'nostr': '',
  'cellv': np.array([[1.0, 'two', np.array([[1, 2], [3, 4]], dtype=np.int16), np.array([[np.zeros((0, 0)), 'deep']], dtype=object)]], dtype=object),
  'st': {'x': 1.0, 'name': 'subj', 'inner': {'y': np.arange(6.0).reshape(2, 3)}},
  'sarr': sarr,
  'sp': sp.csc_matrix(np.array([[0, 1.5, 0], [2.0, 0, 0], [0, 0, -3.0], [0, 4.0, 0]])),
}
out = {}
for name, comp in (('v5.mat', False), ('v7.mat', True)):
    path = d['dir'] + '/' + name
    sio.savemat(path, v, do_compression=comp, oned_as='row')
    out[name] = load(path)
print(json.dumps(out))
`;

describe('parseMat against scipy.io.loadmat', { skip: !hasPython && 'needs /usr/bin/python3 with python3-scipy' }, () => {
  const ref = hasPython ? runScipy<Record<string, Record<string, Described>>>(WRITE, { dir }) : {};
  for (const name of ['v5.mat', 'v7.mat']) {
    test(`${name}: every variable equals loadmat`, () => {
      const mat = parseMat(readFileSync(join(dir, name)), name);
      assert.match(mat.header.text, /^MATLAB 5\.0 MAT-file/);
      assert.equal(mat.header.littleEndian, true);
      assert.deepEqual([...mat.variables.keys()].sort(), Object.keys(ref[name]).sort());
      for (const [k, v] of Object.entries(ref[name])) assertMatchesScipy(mat.variables.get(k)!.value, v, k);
    });
  }
  test('column j of a [samples × channels] double matrix is contiguous', () => {
    const m = parseMat(readFileSync(join(dir, 'v7.mat'))).variables.get('randn')!.value as MatNumeric;
    assert.deepEqual(m.dims, [37, 14]);
    const col3 = (m.real as Float64Array).subarray(3 * 37, 4 * 37);
    const ref3 = (ref['v7.mat'].randn.real as number[]).slice(3 * 37, 4 * 37);
    assert.deepEqual(Array.from(col3), ref3);
  });
  test('variables: reads only those asked for', () => {
    for (const name of ['v5.mat', 'v7.mat']) {
      const mat = parseMat(readFileSync(join(dir, name)), name, { variables: ['st', 'txt'] });
      assert.deepEqual([...mat.variables.keys()].sort(), ['st', 'txt']);
    }
  });
});

// ------------------------------------------------------------------------------------------------
// Hand-built files: what MATLAB writes and scipy does not.

class Writer {
  private parts: number[] = [];
  constructor(readonly le: boolean) {}
  u32(v: number) { const b = new Uint8Array(4); new DataView(b.buffer).setUint32(0, v, this.le); this.parts.push(...b); return this; }
  i32(v: number) { const b = new Uint8Array(4); new DataView(b.buffer).setInt32(0, v, this.le); this.parts.push(...b); return this; }
  bytes(b: ArrayLike<number>) { this.parts.push(...Array.from(b)); return this; }
  pad() { while (this.parts.length % 8) this.parts.push(0); return this; }
  get length() { return this.parts.length; }
  done() { return Uint8Array.from(this.parts); }
}

function header(le: boolean): Uint8Array {
  const h = new Uint8Array(128).fill(32);
  const text = 'MATLAB 5.0 MAT-file, hand-built test';
  for (let i = 0; i < text.length; i++) h[i] = text.charCodeAt(i);
  h.fill(0, 116, 124);
  new DataView(h.buffer).setUint16(124, 0x0100, le);
  h.set(le ? [73, 77] : [77, 73], 126); // 'IM' / 'MI'
  return h;
}

/** An miMATRIX element: flags (class), dims, name (small element when ≤ 4 bytes), then `body`. */
function matrix(le: boolean, mxClass: number, dims: number[], name: string, body: (w: Writer) => void, flagBits = 0): Uint8Array {
  const w = new Writer(le);
  w.u32(6).u32(8).u32(mxClass | flagBits).u32(0);
  w.u32(5).u32(dims.length * 4);
  dims.forEach((d) => w.i32(d));
  w.pad();
  if (name.length <= 4 && name.length > 0) {
    w.u32((name.length << 16) | 1).bytes(Array.from(name, (c) => c.charCodeAt(0))).pad();
  } else {
    w.u32(1).u32(name.length).bytes(Array.from(name, (c) => c.charCodeAt(0))).pad();
  }
  body(w);
  const inner = w.done();
  return new Writer(le).u32(14).u32(inner.length).bytes(inner).done();
}

function file(le: boolean, ...elements: Uint8Array[]): Uint8Array {
  const parts = [header(le), ...elements];
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

function compressed(le: boolean, element: Uint8Array, claimSize?: number): Uint8Array {
  const z = zlibSync(element);
  if (claimSize !== undefined) {
    // Rewrite the inner tag's size before compressing: a tag that lies about its length.
    const e = element.slice();
    new DataView(e.buffer).setUint32(4, claimSize, le);
    return compressed(le, e);
  }
  return new Writer(le).u32(15).u32(z.length).bytes(z).done();
}

describe('parseMat on hand-built bytes', () => {
  for (const le of [true, false]) {
    test(`${le ? 'little' : 'big'}-endian: double stored as miUINT8, int16, small-element char, 2×2 char`, () => {
      const f = file(
        le,
        // MATLAB saves integer-valued doubles in the smallest type that holds them.
        matrix(le, 6, [1, 3], 'x', (w) => w.u32(2).u32(3).bytes([0, 7, 255]).pad()),
        matrix(le, 10, [2, 1], 'n16', (w) => {
          const b = new Uint8Array(4);
          new DataView(b.buffer).setInt16(0, -300, le);
          new DataView(b.buffer).setInt16(2, 1234, le);
          w.u32(3).u32(4).bytes(b).pad();
        }),
        matrix(le, 4, [1, 2], 'ab', (w) => {
          const b = new Uint8Array(4);
          new DataView(b.buffer).setUint16(0, 0x61, le);
          new DataView(b.buffer).setUint16(2, 0x3a9, le); // 'a', 'Ω'
          w.u32((4 << 16) | 4).bytes(b); // small data element, miUINT16
        }),
        matrix(le, 4, [2, 2], 'grid', (w) => w.u32(16).u32(4).bytes([0x61, 0x63, 0x62, 0x64]).pad()), // "ab" / "cd", column-major
      );
      const mat = parseMat(f, 'hand.mat');
      assert.equal(mat.header.littleEndian, le, `little-endian ${le}: the header's byte order`);
      const x = mat.variables.get('x')!.value as MatNumeric;
      assert.equal(x.class, 'double', `little-endian ${le}: x is double`);
      assert.ok(x.real instanceof Float64Array, 'the real part is a Float64Array');
      assert.deepEqual(Array.from(x.real as Float64Array), [0, 7, 255], `little-endian ${le}: x`);
      assert.deepEqual(Array.from((mat.variables.get('n16')!.value as MatNumeric).real as Int16Array), [-300, 1234], `little-endian ${le}: n16`);
      assert.deepEqual(mat.variables.get('ab')!.value, { kind: 'char', dims: [1, 2], rows: ['aΩ'] }, `little-endian ${le}: ab`);
      assert.deepEqual(mat.variables.get('grid')!.value, { kind: 'char', dims: [2, 2], rows: ['ab', 'cd'] }, `little-endian ${le}: grid, column-major`);
      // The same variable compressed reads the same.
      const z = parseMat(file(le, compressed(le, matrix(le, 6, [1, 3], 'x', (w) => w.u32(2).u32(3).bytes([0, 7, 255]).pad()))));
      assert.deepEqual(Array.from((z.variables.get('x')!.value as MatNumeric).real as Float64Array), [0, 7, 255], `little-endian ${le}: the compressed x`);
    });
  }
  test('function handles and opaque objects load as "unsupported" without failing the file', () => {
    const mat = parseMat(file(true, matrix(true, 17, [1, 1], 'obj', (w) => w.u32(1).u32(3).bytes([1, 2, 3]).pad()), matrix(true, 6, [1, 1], 'y', (w) => w.u32(9).u32(8).bytes(new Uint8Array(Float64Array.of(2.5).buffer)))));
    assert.equal(mat.variables.get('obj')!.value.kind, 'unsupported');
    assert.deepEqual(Array.from((mat.variables.get('y')!.value as MatNumeric).real as Float64Array), [2.5]);
  });
});

describe('parseMat: damaged and hostile files are FormatErrors', () => {
  const isFormat = (code?: string) => (e: unknown) => e instanceof FormatError && (code === undefined || e.code === code);
  const good = file(true, matrix(true, 6, [2, 2], 'm', (w) => w.u32(9).u32(32).bytes(new Uint8Array(Float64Array.of(1, 2, 3, 4).buffer))), compressed(true, matrix(true, 1, [1, 2], 'c', (w) => {
    w.bytes(matrix(true, 4, [1, 2], '', (x) => x.u32(16).u32(2).bytes([104, 105]).pad()));
    w.bytes(matrix(true, 6, [1, 1], '', (x) => x.u32(9).u32(8).bytes(new Uint8Array(Float64Array.of(9).buffer))));
  })));
  test('the good file reads', () => {
    const m = parseMat(good);
    assert.equal(m.variables.get('c')!.value.kind, 'cell');
  });
  test('every truncation is a FormatError, never a crash or a wrong read', () => {
    const firstEnd = 128 + 8 + new DataView(good.buffer).getUint32(132, true);
    for (let n = 0; n < good.length; n++) {
      try {
        const m = parseMat(good.subarray(0, n));
        // A cut exactly between variables is a valid shorter file.
        assert.ok(n === 128 || n === firstEnd, `length ${n} parsed`);
        assert.ok(m.variables.size <= 1, `${m.variables.size} variables, expected at most 1`);
      } catch (e) {
        assert.ok(e instanceof FormatError, `length ${n}: ${String(e)}`);
      }
    }
  });
  test('flipped bytes give a FormatError or a well-formed value', () => {
    for (let i = 128; i < good.length; i++) {
      for (const mask of [0x01, 0x80, 0xff]) {
        const bad = good.slice();
        bad[i] ^= mask;
        try {
          parseMat(bad);
        } catch (e) {
          assert.ok(e instanceof FormatError, `byte ${i} ^ ${mask}: ${String(e)}`);
        }
      }
    }
  });
  test('empty, not a MAT-file, v7.3, v4', () => {
    assert.throws(() => parseMat(new Uint8Array(0), 'x.mat'), isFormat('empty'));
    // MATLAB v4: a 20-byte header (type, rows, cols, imagf, name length), name, data; no text header.
    const v4 = new Writer(true).i32(0).i32(1).i32(1).i32(0).i32(2).bytes([120, 0]).bytes(new Uint8Array(Float64Array.of(1).buffer)).bytes(new Uint8Array(200)).done();
    assert.throws(() => parseMat(v4, 'old.mat'), (e: unknown) => isFormat('not-this-format')(e) && /v4/.test((e as Error).message));
    assert.throws(() => parseMat(new Uint8Array(300).fill(65), 'x.mat'), isFormat('not-this-format'));
    const v73 = header(true);
    v73.set(Array.from('MATLAB 7.3 MAT-file', (c) => c.charCodeAt(0)));
    assert.throws(() => parseMat(v73, 'x.mat'), (e: unknown) => isFormat('unsupported')(e) && /v7\.3/.test((e as Error).message) && /x\.mat/.test((e as Error).message));
  });
  test('an element claiming more bytes than the file holds', () => {
    const bad = good.slice();
    new DataView(bad.buffer).setUint32(132, 1 << 30, true);
    assert.throws(() => parseMat(bad), isFormat('truncated'));
  });
  test('a compressed element whose tag claims more than deflate can produce is refused before allocating', () => {
    const el = matrix(true, 6, [1, 1], 'b', (w) => w.u32(9).u32(8).bytes(new Uint8Array(8)));
    assert.throws(() => parseMat(file(true, compressed(true, el, 0xfffffff0))), isFormat('too-large'));
    assert.throws(() => parseMat(file(true, compressed(true, el)), 'x.mat', { maxInflatedBytes: 16 }), isFormat('too-large'));
  });
  test('a compressed element that inflates to more or less than its tag says', () => {
    const el = matrix(true, 6, [1, 1], 'b', (w) => w.u32(9).u32(8).bytes(new Uint8Array(8)));
    assert.throws(() => parseMat(file(true, compressed(true, el, el.length - 8 - 8))), isFormat('bad-data'));
    assert.throws(() => parseMat(file(true, compressed(true, el, el.length - 8 + 64))), isFormat('truncated'));
  });
  test('a compressed element whose data were damaged inside a stored block fails its Adler-32, not read as other values', () => {
    const values = Float64Array.of(1.5, -2.25, 3.125, 1e-3);
    const el = matrix(true, 6, [1, 4], 'x', (w) => w.u32(9).u32(32).bytes(new Uint8Array(values.buffer)));
    // Level 0 stores the bytes as they are (as deflate does with noisy float data): a flipped bit
    // there still inflates, to a different number.
    const z = zlibSync(el, { level: 0 });
    const good = new Writer(true).u32(15).u32(z.length).bytes(z).done();
    const x = parseMat(file(true, good)).variables.get('x')!.value as MatNumeric;
    assert.deepEqual(Array.from(x.real as Float64Array), Array.from(values), 'the undamaged stream reads the values');
    const bad = good.slice();
    bad[bad.length - 4 - 10] ^= 0x10; // inside the last double, before the 4-byte checksum
    assert.throws(() => parseMat(file(true, bad)), (e: unknown) => isFormat('bad-data')(e) && /checksum \(Adler-32\)/.test((e as Error).message));
  });
  test('dims that promise more cells than bytes', () => {
    const bomb = matrix(true, 1, [100000, 100000], 'c', () => {});
    assert.throws(() => parseMat(file(true, bomb)), isFormat('truncated'));
  });
  test('nesting deeper than the limit', () => {
    let el = matrix(true, 6, [0, 0], '', () => {});
    for (let i = 0; i < 80; i++) { const inner = el; el = matrix(true, 1, [1, 1], i === 79 ? 'deep' : '', (w) => w.bytes(inner)); }
    assert.throws(() => parseMat(file(true, el)), isFormat('unsupported'));
  });
});
