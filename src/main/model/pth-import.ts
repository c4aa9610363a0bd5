// Import of PyTorch checkpoints (torch.save zip format: <archive>/data.pkl + <archive>/data/<key>),
// in particular CBraMod's published pretrained_weights.pth, into our encoder parameters.
//
// The pickle is read with pickleparser (maintained, pure JS) with every global resolved by us: only
// the handful of names a state_dict needs are accepted, anything else is reported as "not a state
// dict" (a pickle cannot run code here). The zip is read with fflate.
import { unzipSync } from 'fflate';
import { NameRegistry, Parser } from 'pickleparser';
import { formatBytes } from '../../shared/byte-size';
import type { EncoderConfig, HostTensor } from '../../shared/model/model.types';
import { ModelError, ModelErrorCode } from '../../shared/model/model-error';
import { encoderParamSpecs } from '../../shared/model/params';
import { plural } from '../../shared/plural';
import { wrongFileKind } from '../../shared/model/wrong-file';

export type PthDtype = 'float32' | 'float64' | 'float16' | 'bfloat16' | 'int64' | 'int32' | 'int16' | 'int8' | 'uint8' | 'bool';

const STORAGE_DTYPES: Record<string, PthDtype> = {
  FloatStorage: 'float32',
  DoubleStorage: 'float64',
  HalfStorage: 'float16',
  BFloat16Storage: 'bfloat16',
  LongStorage: 'int64',
  IntStorage: 'int32',
  ShortStorage: 'int16',
  CharStorage: 'int8',
  ByteStorage: 'uint8',
  BoolStorage: 'bool',
};

const BYTES: Record<PthDtype, number> = { float32: 4, float64: 8, float16: 2, bfloat16: 2, int64: 8, int32: 4, int16: 2, int8: 1, uint8: 1, bool: 1 };

/** One tensor of a checkpoint, converted to float32 (row-major, contiguous). */
export interface PthTensor extends HostTensor {
  /** Element type in the file. */
  dtype: PthDtype;
}

class StorageType {
  constructor(readonly dtype: PthDtype) {}
}

class StorageRef {
  constructor(
    readonly dtype: PthDtype,
    readonly key: string,
    readonly numel: number,
  ) {}
}

class TensorRef {
  constructor(
    readonly storage: StorageRef,
    readonly offset: number,
    readonly size: number[],
    readonly stride: number[],
  ) {}
}

/** collections.OrderedDict: a Map that ignores the `_metadata` attribute PyTorch attaches. */
class OrderedDict extends Map<unknown, unknown> {
  __setstate__(): void {}
}

function half(bits: number): number {
  const s = bits & 0x8000 ? -1 : 1;
  const e = (bits >> 10) & 0x1f;
  const f = bits & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

function readElement(dv: DataView, dtype: PthDtype, i: number, le: boolean): number {
  switch (dtype) {
    case 'float32':
      return dv.getFloat32(i * 4, le);
    case 'float64':
      return dv.getFloat64(i * 8, le);
    case 'float16':
      return half(dv.getUint16(i * 2, le));
    case 'bfloat16': {
      const b = new DataView(new ArrayBuffer(4));
      b.setUint32(0, dv.getUint16(i * 2, le) << 16);
      return b.getFloat32(0);
    }
    case 'int64':
      return Number(dv.getBigInt64(i * 8, le));
    case 'int32':
      return dv.getInt32(i * 4, le);
    case 'int16':
      return dv.getInt16(i * 2, le);
    case 'int8':
      return dv.getInt8(i);
    case 'uint8':
    case 'bool':
      return dv.getUint8(i);
  }
}

/**
 * Globals whose only use in a pickle is to run code or reach the system: a torch.load(weights_only=False)
 * or pickle.load of the file would call them. Named as such, not as "a pickled module".
 */
const CODE_RUNNING_MODULES = /^(os|posix|nt|subprocess|sys|shutil|socket|importlib(\..*)?|runpy|pty|ctypes|marshal|pickle|code|codeop|webbrowser|platform|asyncio(\..*)?|multiprocessing(\..*)?|types|functools|operator|io|pathlib|tempfile|urllib(\..*)?|http(\..*)?)$/;
const CODE_RUNNING_BUILTINS = new Set(['eval', 'exec', 'compile', 'getattr', 'setattr', 'delattr', '__import__', 'open', 'input', 'breakpoint', 'globals', 'locals', 'vars']);

function runsCode(qualified: string): boolean {
  const dot = qualified.lastIndexOf('.');
  const module = qualified.slice(0, dot);
  const name = qualified.slice(dot + 1);
  if (module === 'builtins' || module === '__builtin__') return CODE_RUNNING_BUILTINS.has(name);
  return CODE_RUNNING_MODULES.test(module);
}

/**
 * More than any encoder checkpoint holds (CBraMod's is 20 MB): an archive claiming more is refused
 * before it is unpacked. A decimal gigabyte, so the refusal says it in formatBytes' units as it
 * names the checkpoint's size ('1.0 GB … tens of MB'; it said '1 GiB … tens of MB').
 */
export const MAX_CHECKPOINT_UNPACKED_BYTES = 1e9;

function isZip(b: Uint8Array): boolean {
  return b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;
}

/**
 * Reads a torch.save() zip checkpoint into name → tensor (float32; each tensor's values are read from
 * the archive when its `data` is first asked for, its bounds checked here). A dict that wraps the
 * state_dict under 'state_dict' or 'model' is unwrapped. Throws ModelError NotPytorch / NotStateDict.
 */
export function parsePthStateDict(bytes: Uint8Array): Map<string, PthTensor> {
  if (!isZip(bytes)) {
    const legacy = bytes.length > 2 && bytes[0] === 0x80; // a bare pickle: torch.save(..., _use_new_zipfile_serialization=False)
    throw new ModelError(
      ModelErrorCode.NotPytorch,
      legacy
        ? 'this is a legacy (pre-1.6, non-zip) PyTorch file; re-save it with torch.save(state_dict, path) from PyTorch ≥ 1.6'
        : `not a PyTorch checkpoint: ${wrongFileKind(bytes) ?? 'a .pth file is a zip archive holding data.pkl'}`,
    );
  }
  let files: Record<string, Uint8Array>;
  // Sizes as the archive declares them, checked before anything is unpacked: a small file may
  // declare gigabytes (a zip bomb; torch.save itself stores entries uncompressed).
  let unpacked = 0;
  try {
    files = unzipSync(bytes, {
      filter: (f) => {
        unpacked += f.originalSize;
        if (unpacked > MAX_CHECKPOINT_UNPACKED_BYTES) {
          throw new ModelError(ModelErrorCode.NotPytorch, `not a checkpoint this app reads: the zip archive unpacks to more than ${formatBytes(MAX_CHECKPOINT_UNPACKED_BYTES)} (at '${f.name}'); an encoder checkpoint is tens of MB`);
        }
        return true;
      },
    });
  } catch (e) {
    if (e instanceof ModelError) throw e;
    throw new ModelError(ModelErrorCode.NotPytorch, `not a readable PyTorch checkpoint: the zip archive is cut short or damaged (${(e as Error).message}); copy or download it again`);
  }
  const pklName = Object.keys(files).find((n) => /^[^/]+\/data\.pkl$/.test(n));
  if (!pklName) throw new ModelError(ModelErrorCode.NotPytorch, 'not a PyTorch checkpoint: the zip archive has no <archive>/data.pkl');
  const root = pklName.slice(0, -'data.pkl'.length);
  const byteorder = files[`${root}byteorder`] ? new TextDecoder().decode(files[`${root}byteorder`]).trim() : 'little';
  const le = byteorder !== 'big';

  const unexpected = new Set<string>();
  const names = new NameRegistry();
  names.onMissingName = (module: string, name: string) => {
    unexpected.add(`${module}.${name}`);
    // A stand-in usable both as a function (REDUCE) and as a class (NEWOBJ); never executes anything.
    return function Unexpected() {
      return { unexpected: `${module}.${name}` };
    };
  };
  names.register('collections', 'OrderedDict', function (...items: unknown[]) {
    const d = new OrderedDict();
    if (Array.isArray(items[0])) for (const [k, v] of items[0] as [unknown, unknown][]) d.set(k, v);
    return d;
  });
  names.register('torch._utils', '_rebuild_tensor_v2', (storage: StorageRef, offset: number, size: number[], stride: number[]) => new TensorRef(storage, offset, [...size], [...stride]));
  names.register('torch._utils', '_rebuild_parameter', (t: TensorRef) => t);
  names.register('torch._utils', '_rebuild_parameter_with_state', (t: TensorRef) => t);
  for (const [s, dtype] of Object.entries(STORAGE_DTYPES)) names.register('torch', s, () => new StorageType(dtype));
  const parser = new Parser({
    nameResolver: names,
    unpicklingTypeOfDictionary: 'Map',
    persistentResolver: {
      resolve: (pid: unknown) => {
        if (!Array.isArray(pid) || pid[0] !== 'storage') throw new ModelError(ModelErrorCode.NotStateDict, 'not a state dict: the pickle refers to an object that is not a tensor storage');
        const type = pid[1] as unknown;
        let dtype: PthDtype | undefined;
        if (type instanceof StorageType) dtype = type.dtype;
        else if (typeof type === 'function') {
          const made = (type as () => unknown)();
          if (made instanceof StorageType) dtype = made.dtype;
        }
        if (!dtype) throw new ModelError(ModelErrorCode.NotStateDict, 'not a state dict: a tensor storage of unknown element type');
        return new StorageRef(dtype, String(pid[2]), Number(pid[4]));
      },
    },
  });

  let obj: unknown;
  try {
    obj = parser.parse(files[pklName]);
  } catch (e) {
    if (e instanceof ModelError) throw e;
    throw new ModelError(ModelErrorCode.NotPytorch, `not a readable PyTorch checkpoint: data.pkl could not be unpickled (${(e as Error).message})`);
  }
  if (unexpected.size) {
    const dangerous = [...unexpected].filter(runsCode);
    if (dangerous.length) {
      // Nothing was called: every name resolved to a stand-in. Said plainly, since the same file
      // opened with torch.load(weights_only=False) or pickle.load would run them.
      throw new ModelError(
        ModelErrorCode.NotStateDict,
        `not a state dict, and unsafe: the checkpoint's pickle calls ${dangerous.join(', ')}, which can run commands or reach files; nothing was run here (only tensors are read), but do not open this file with torch.load(weights_only=False) or pickle`,
        [...unexpected],
      );
    }
    throw new ModelError(ModelErrorCode.NotStateDict, `not a state dict: the checkpoint pickles other objects (${[...unexpected].join(', ')}); save model.state_dict(), not the model`, [...unexpected]);
  }

  const asMap = (o: unknown): Map<unknown, unknown> | null => (o instanceof Map ? o : null);
  let dict = asMap(obj);
  if (dict && !Array.from(dict.values()).some((v) => v instanceof TensorRef)) {
    for (const wrapper of ['state_dict', 'model', 'model_state_dict']) {
      const inner = asMap(dict.get(wrapper));
      if (inner) {
        dict = inner;
        break;
      }
    }
  }
  if (!dict || dict.size === 0) throw new ModelError(ModelErrorCode.NotStateDict, 'not a state dict: the checkpoint does not hold a mapping of parameter names to tensors');
  const bad = Array.from(dict.entries())
    .filter(([k, v]) => typeof k !== 'string' || !(v instanceof TensorRef))
    .map(([k]) => String(k));
  if (bad.length) throw new ModelError(ModelErrorCode.NotStateDict, `not a state dict: entries that are not tensors: ${bad.join(', ')}`, bad);

  const out = new Map<string, PthTensor>();
  for (const [k, v] of dict.entries() as IterableIterator<[string, TensorRef]>) {
    const entry = files[`${root}data/${v.storage.key}`];
    if (!entry) throw new ModelError(ModelErrorCode.NotPytorch, `damaged checkpoint: storage ${v.storage.key} of '${k}' is missing from the archive`);
    const { size, stride, offset } = v;
    const whole = (x: unknown) => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
    if (!whole(offset) || !whole(v.storage.numel) || size.length !== stride.length || !size.every(whole) || !stride.every(whole)) {
      throw new ModelError(ModelErrorCode.NotPytorch, `damaged checkpoint: '${k}' has an invalid size, stride or offset`);
    }
    const width = BYTES[v.storage.dtype];
    if (entry.length < v.storage.numel * width) throw new ModelError(ModelErrorCode.NotPytorch, `damaged checkpoint: storage of '${k}' is truncated`);
    const n = size.reduce((a, b) => a * b, 1);
    // The last element the view reads, from its size and strides alone: checked before any is read.
    const last = offset + size.reduce((a, d, i) => a + (d - 1) * stride[i], 0);
    if (n > 0 && last >= v.storage.numel) throw new ModelError(ModelErrorCode.NotPytorch, `damaged checkpoint: '${k}' reaches past its storage`);
    const dv = new DataView(entry.buffer, entry.byteOffset, entry.byteLength);
    const dtype = v.storage.dtype;
    // Read when asked for (once): the key and shape checks come first, so a tensor the model has no
    // use for (a stride-0 view of billions of elements over one stored value) is named, never built.
    let data: Float32Array | null = null;
    const gather = (): Float32Array => {
      const a = new Float32Array(n);
      // Gather through the strides (state_dict tensors are usually contiguous, but need not be).
      const idx = new Array(size.length).fill(0);
      for (let i = 0; i < n; i++) {
        let off = offset;
        for (let d = 0; d < idx.length; d++) off += idx[d] * stride[d];
        a[i] = readElement(dv, dtype, off, le);
        for (let d = idx.length - 1; d >= 0; d--) {
          if (++idx[d] < size[d]) break;
          idx[d] = 0;
        }
      }
      return a;
    };
    out.set(k, {
      shape: [...size],
      dtype,
      get data() {
        return (data ??= gather());
      },
    });
  }
  return out;
}

/** Prefixes some exports add in front of CBraMod's names (DataParallel, braindecode's safetensors). */
const STRIPPABLE_PREFIXES = ['module.', 'model.', 'backbone.'];

/**
 * Maps a CBraMod state_dict onto our encoder parameters (names are CBraMod's, MODEL.md §6).
 * proj_out is optional (kept when present). Unknown, missing or mis-shaped keys: one ModelError
 * listing all of them.
 */
export function cbramodParamsFromStateDict(sd: Map<string, PthTensor>, e: EncoderConfig): CbramodImport {
  let entries = Array.from(sd.entries());
  for (const prefix of STRIPPABLE_PREFIXES) {
    if (entries.length && entries.every(([k]) => k.startsWith(prefix))) entries = entries.map(([k, v]) => [k.slice(prefix.length), v]);
  }
  const specs = encoderParamSpecs(e, true);
  const byName = new Map(specs.map((s) => [s.name, s]));
  // A fine-tuned CBraMod (its fine-tuning models hold the encoder as `backbone` beside a task head,
  // `classifier`): every key was "unknown". The encoder is taken from under the one prefix whose
  // keys are all encoder names and hold every one it needs; the others are said, not used.
  let from: { prefix: string; leftOut: string[] } | null = null;
  if (entries.some(([k]) => !byName.has(k))) {
    const prefixes = [...new Set(entries.map(([k]) => /^[^.]+\./.exec(k)?.[0] ?? ''))].filter(Boolean);
    const whole = prefixes.filter((p) => {
      const under = entries.filter(([k]) => k.startsWith(p)).map(([k]) => k.slice(p.length));
      return under.every((k) => byName.has(k)) && specs.every((s) => s.name.startsWith('proj_out.') || under.includes(s.name));
    });
    if (whole.length === 1) {
      const p = whole[0];
      from = { prefix: p, leftOut: entries.map(([k]) => k).filter((k) => !k.startsWith(p)) };
      entries = entries.filter(([k]) => k.startsWith(p)).map(([k, v]) => [k.slice(p.length), v]);
    }
  }
  const given = new Map(entries);
  const unknown = entries.map(([k]) => k).filter((k) => !byName.has(k));
  const optional = (n: string) => n.startsWith('proj_out.');
  const missing = specs.map((s) => s.name).filter((n) => !given.has(n) && !optional(n));
  const hasProjOut = specs.filter((s) => optional(s.name)).every((s) => given.has(s.name));
  const partialProjOut = !hasProjOut && specs.some((s) => optional(s.name) && given.has(s.name));
  if (partialProjOut) missing.push(...specs.filter((s) => optional(s.name) && !given.has(s.name)).map((s) => s.name));
  const misshaped: string[] = [];
  for (const [k, t] of entries) {
    const s = byName.get(k);
    if (s && (s.shape.length !== t.shape.length || s.shape.some((d, i) => d !== t.shape[i]))) misshaped.push(`${k}: file [${t.shape.join(', ')}], model [${s.shape.join(', ')}]`);
  }
  if (unknown.length || missing.length || misshaped.length) {
    const parts: string[] = [];
    if (missing.length) parts.push(`${missing.length} missing (${missing.slice(0, 6).join(', ')}${missing.length > 6 ? ', …' : ''})`);
    if (unknown.length) parts.push(`${unknown.length} unknown (${unknown.slice(0, 6).join(', ')}${unknown.length > 6 ? ', …' : ''})`);
    if (misshaped.length) parts.push(`${misshaped.length} with the wrong shape (${misshaped.slice(0, 3).join('; ')}${misshaped.length > 3 ? '; …' : ''})`);
    throw new ModelError(ModelErrorCode.KeysMismatch, `checkpoint does not match the CBraMod encoder (${plural(e.nLayers, 'layer')}): ${parts.join(', ')}`, [
      ...missing.map((k) => `missing: ${k}`),
      ...unknown.map((k) => `unknown: ${k}`),
      ...misshaped.map((k) => `shape: ${k}`),
    ]);
  }
  const params: Record<string, HostTensor> = {};
  for (const s of specs) {
    const t = given.get(s.name);
    if (t) params[s.name] = { shape: [...t.shape], data: t.data };
  }
  const note = from ? `the encoder under '${from.prefix}'; ${plural(from.leftOut.length, 'other key')} left out (${from.leftOut.slice(0, 4).join(', ')}${from.leftOut.length > 4 ? ', …' : ''})` : '';
  return { params, hasProjOut, note };
}

export interface CbramodImport {
  params: Record<string, HostTensor>;
  hasProjOut: boolean;
  /** What was taken from a checkpoint holding more than the encoder (a fine-tuned model's 'backbone.'), for the log; empty otherwise. */
  note: string;
}

/** Reads a .pth and maps it onto the encoder in one step. */
export function importCbramodCheckpoint(bytes: Uint8Array, e: EncoderConfig): CbramodImport {
  return cbramodParamsFromStateDict(parsePthStateDict(bytes), e);
}
