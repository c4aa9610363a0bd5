// Structured clone (Electron's MessagePort) copies a typed array's WHOLE backing buffer, even
// when the array is a small view into a large ring buffer. Before posting, views that do not
// span their buffer are replaced by compact copies. The input is never mutated (other transports
// may be holding the same message); only the objects on the path to a replaced view are copied.
import { isTypedArray, type TypedArray } from './frame-codec';

function needsCompaction(a: TypedArray): boolean {
  return a.byteOffset !== 0 || a.byteLength !== a.buffer.byteLength;
}

export function compactTypedArrayViews<T>(value: T): T {
  return compact(value, 0) as T;
}

const MAX_DEPTH = 32;

function compact(v: unknown, depth: number): unknown {
  if (v === null || typeof v !== 'object' || depth > MAX_DEPTH) return v;
  if (isTypedArray(v)) return needsCompaction(v) ? v.slice() : v;
  if (Array.isArray(v)) {
    let out: unknown[] | null = null;
    for (let i = 0; i < v.length; i++) {
      const c = compact(v[i], depth + 1);
      if (c !== v[i]) (out ??= v.slice())[i] = c;
    }
    return out ?? v;
  }
  let out: Record<string, unknown> | null = null;
  for (const key of Object.keys(v)) {
    const orig = (v as Record<string, unknown>)[key];
    const c = compact(orig, depth + 1);
    if (c !== orig) (out ??= { ...(v as Record<string, unknown>) })[key] = c;
  }
  return out ?? v;
}
