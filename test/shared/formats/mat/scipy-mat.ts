// Test helper: describes what scipy.io.loadmat (Debian /usr/bin/python3) reads from .mat files, as
// JSON our reader's output can be compared with; and compares a MatValue against it.
import assert from 'node:assert/strict';
import type { MatValue } from '../../../../src/shared/formats/mat/mat.types';
import { runPython } from '../../eval/python-reference';

/**
 * Python: `load(path)` describes every variable loadmat reads as JSON. Read twice: with scipy's
 * default (stored) dtypes, since mat_dtype=True drops imaginary parts (scipy 1.10), and with
 * mat_dtype=True, the only way loadmat tells a logical array from uint8.
 */
export const PY_DESCRIBE = `
import json, sys, math
import numpy as np, scipy.io as sio, scipy.sparse as sp
CLS = {'float64':'double','float32':'single','int8':'int8','uint8':'uint8','int16':'int16','uint16':'uint16',
       'int32':'int32','uint32':'uint32','int64':'int64','uint64':'uint64','bool':'logical','complex128':'double','complex64':'single'}
def num(x):
    if isinstance(x, (np.integer,)) and x.dtype.itemsize == 8: return str(int(x))
    x = float(x)
    return x if math.isfinite(x) else repr(x)
def describe(v, t):
    # v: loadmat with stored dtypes (keeps imaginary parts); t: with mat_dtype=True (knows logicals).
    if sp.issparse(v):
        c = v.tocsc(); c.sort_indices()
        return {'kind':'sparse','dims':list(c.shape),'rowIndices':c.indices.tolist(),'colStarts':c.indptr.tolist(),
                'real':[float(x) for x in np.real(c.data)],'logical':c.dtype==bool}
    if v.dtype.names:
        return {'kind':'struct','dims':list(v.shape),'fieldNames':list(v.dtype.names),
                'elements':[{n: describe(e[n], f[n]) for n in v.dtype.names} for e, f in zip(v.flatten(order='F'), t.flatten(order='F'))]}
    if v.dtype == object:
        return {'kind':'cell','dims':list(v.shape),'cells':[describe(e, f) for e, f in zip(v.flatten(order='F'), t.flatten(order='F'))]}
    if v.dtype.kind == 'U':
        return {'kind':'char','rows':[str(s) for s in v.flatten(order='F')]}
    flat = v.flatten(order='F')
    if t.dtype == bool:
        return {'kind':'logical','dims':list(v.shape),'data':[int(x) for x in flat]}
    d = {'kind':'numeric','class':CLS[v.dtype.name],'dims':list(v.shape)}
    if v.dtype.kind == 'c':
        d['real'] = [num(x) for x in flat.real]; d['imag'] = [num(x) for x in flat.imag]
    else:
        d['real'] = [num(x) for x in flat]
    return d
def load(path):
    m = sio.loadmat(path); t = sio.loadmat(path, mat_dtype=True)
    return {k: describe(v, t[k]) for k, v in m.items() if not k.startswith('__')}
`;

export type Described = Record<string, unknown>;

/** Asserts `actual` (our reader) equals the scipy description; floats exactly, int64 via strings. */
export function assertMatchesScipy(actual: MatValue, expected: Described, path: string): void {
  const kind = expected.kind as string;
  assert.equal(actual.kind, kind, `${path}: kind`);
  if (kind !== 'char') assert.deepEqual(actual.dims, expected.dims, `${path}: dims`);
  const numbers = (a: ArrayLike<number | bigint>) => Array.from(a, (x) => (typeof x === 'bigint' ? x.toString() : Number.isFinite(x) ? x : String(x).replace('Infinity', 'inf').replace('NaN', 'nan')));
  switch (actual.kind) {
    case 'numeric':
      assert.equal(actual.class, expected.class, `${path}: class`);
      assert.deepEqual(numbers(actual.real), expected.real, `${path}: values`);
      if (expected.imag) assert.deepEqual(numbers(actual.imag!), expected.imag, `${path}: imaginary part`);
      else assert.equal(actual.imag, undefined, `${path}: not complex`);
      break;
    case 'logical':
      assert.deepEqual(Array.from(actual.data), expected.data, `${path}: values`);
      break;
    case 'char': {
      // scipy collapses char arrays to one string per row (an empty array has none).
      const rows = expected.rows as string[];
      assert.deepEqual(actual.rows, actual.dims[0] === 0 || actual.dims[1] === 0 ? rows.filter((r) => r !== '') : rows, `${path}: text`);
      break;
    }
    case 'cell':
      (expected.cells as Described[]).forEach((c, i) => assertMatchesScipy(actual.cells[i], c, `${path}{${i + 1}}`));
      assert.equal(actual.cells.length, (expected.cells as unknown[]).length);
      break;
    case 'struct':
      assert.deepEqual(actual.fieldNames, expected.fieldNames, `${path}: field names`);
      (expected.elements as Record<string, Described>[]).forEach((el, i) => {
        for (const [f, v] of Object.entries(el)) assertMatchesScipy(actual.elements[i].get(f)!, v, `${path}(${i + 1}).${f}`);
      });
      break;
    case 'sparse':
      assert.deepEqual(Array.from(actual.rowIndices), expected.rowIndices, `${path}: row indices`);
      assert.deepEqual(Array.from(actual.colStarts), expected.colStarts, `${path}: column starts`);
      assert.deepEqual(Array.from(actual.real), expected.real, `${path}: values`);
      assert.equal(actual.logical, expected.logical);
      break;
    default:
      assert.fail(`${path}: unexpected kind ${actual.kind}`);
  }
}

/** Runs a Python script that has PY_DESCRIBE's helpers in scope. */
export function runScipy<T>(script: string, input: unknown = null): T {
  return runPython<T>(PY_DESCRIBE + script, input);
}
