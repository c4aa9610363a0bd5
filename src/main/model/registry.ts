// The on-disk model registry. Each model is a folder <root>/<id>/ holding model.onnx, card.json and
// the rendered card.md. Roots: the models/ shipped with the app (read-only) and the user's models
// folder under the data dir, where "install" copies a model and where a user may drop a folder by
// hand. Invalid folders are listed with their problems rather than hidden, so a user sees why a
// dropped-in model does not appear as usable.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describeFsProblem } from '../core/data-dir';
import { fsReason } from '../core/fs-reason';
import { ownsWholeBuffer, readFileBytes as readBytes } from '../core/read-bytes';
import { cardProblems, MODEL_ID_RE, renderModelCard } from '../../shared/model/card';
import { ModelError, ModelErrorCode } from '../../shared/model/model-error';
import type { ModelCard } from '../../shared/model/model.types';
import { readOnnxSignature, signatureProblems, type OnnxSignature } from '../../shared/onnx/signature';
import { sharedOnnxPool, type OnnxChecks } from './onnx-pool';

export type ModelSource = 'builtin' | 'user';

export interface RegistryRoot {
  dir: string;
  source: ModelSource;
}

export interface InstalledModel {
  id: string;
  source: ModelSource;
  dir: string;
  /** Null when card.json is missing or unreadable. */
  card: ModelCard | null;
  onnxPath: string;
  sizeBytes: number;
  signature: OnnxSignature | null;
  /**
   * What is on disk now: a hash of the ONNX file and card.json together (empty when either cannot be
   * read). A model replaced under the same id (re-exported, reinstalled, files copied over) gets a
   * new revision, so a page running the old one knows to load it again.
   */
  revision: string;
  /**
   * The ONNX file as checked: its size, times and inode (empty when it could not be read).
   * readOnnx hands out the file only while it is unchanged; a stat, not a hash: hashing 38 MiB again
   * held the core's event loop ~90 ms on every page load.
   */
  onnxStamp: string;
  /** Why the model cannot be used (empty = usable). */
  problems: string[];
}

export const CARD_FILE = 'card.json';
export const CARD_TEXT_FILE = 'card.md';
export const ONNX_FILE = 'model.onnx';

async function readJson(path: string): Promise<unknown> {
  return JSON.parse(await readFile(path, 'utf8'));
}

/**
 * What changes when a file is written again, in place or by a rename over it: its inode, size and
 * change time (which, unlike the modification time, `cp -p` or `touch -r` cannot set back).
 */
/** A card to install that could not be read, in one wording for an ONNX file's card and a model folder's: not JSON, or the file-system's reason; `hint` follows a JSON error. */
function cardReadError(e: unknown, cardPath: string, hint = ''): ModelError {
  return new ModelError(ModelErrorCode.BadCard, e instanceof SyntaxError ? `the card ${cardPath} is not valid JSON (${e.message})${hint}` : `cannot read the card ${cardPath}: ${fsReason(e)}`);
}

async function fileStamp(path: string): Promise<string> {
  return stampOf(await stat(path));
}

function stampOf(st: { size: number; mtimeMs: number; ctimeMs: number; ino: number }): string {
  return `${st.size}:${st.mtimeMs}:${st.ctimeMs}:${st.ino}`;
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** What a scan learnt from one ONNX file, kept while the file is unchanged (its stamp). */
export interface OnnxFacts {
  stamp: string;
  sizeBytes: number;
  sha256: string;
  signature: OnnxSignature | null;
  /** Why the file is not an ONNX model (readOnnxSignature's error), or null. */
  error: ModelError | null;
}

/** What reading one ONNX file gives (OnnxFacts less the stamp it was read under). */
export type OnnxRead = Omit<OnnxFacts, 'stamp'>;

/** Size, SHA-256 and signature of an ONNX file's bytes; `error` when they are not an ONNX model. */
export function readOnnxFacts(bytes: Uint8Array): OnnxRead {
  const facts: OnnxRead = { sizeBytes: bytes.length, sha256: sha256(bytes), signature: null, error: null };
  try {
    facts.signature = readOnnxSignature(bytes);
  } catch (e) {
    if (!(e instanceof ModelError)) throw e;
    facts.error = e;
  }
  return facts;
}

/**
 * From this size on, an ONNX file is read, hashed and decoded in a worker thread (onnx-pool.ts):
 * the shipped 38-MiB model held the core's event loop 110–160 ms (on a loaded 2-core machine; the
 * model helper saw up to ~550 ms) at start and on every install, and the pipeline stalled with it.
 * A smaller file is read in place: ~5 ms of work, less than a thread's start.
 */
export const ONNX_WORKER_FROM_BYTES = 2 * 1024 * 1024;

/**
 * readOnnxFacts of bytes already read, in one of the pool's threads: the bytes are moved there and
 * back (the caller's array is emptied; use the one returned). Bytes that are not a whole ArrayBuffer
 * of their own, or a small file, are checked in place.
 */
export async function checkOnnxBytes(bytes: Uint8Array, workerFromBytes = ONNX_WORKER_FROM_BYTES, pool: OnnxChecks = sharedOnnxPool()): Promise<{ read: OnnxRead; bytes: Uint8Array }> {
  if (bytes.length < workerFromBytes || !ownsWholeBuffer(bytes)) return { read: readOnnxFacts(bytes), bytes };
  return pool.check(bytes);
}

/** How inspectModelDir reads the ONNX file. */
export interface InspectOptions {
  /** The ONNX files' facts from the last scan, by path: an unchanged file (same stamp) is not read again. */
  known?: Map<string, OnnxFacts>;
  /** From this size on the file is read in a worker thread (ONNX_WORKER_FROM_BYTES). */
  workerFromBytes?: number;
  /** The threads it is read in (sharedOnnxPool()). */
  pool?: OnnxChecks;
}

/**
 * Checks one model folder; never throws (problems are collected). `known` carries the ONNX files'
 * facts from the last scan: an unchanged file (same stamp) is not read, hashed and decoded again.
 * That took ~250 ms of the core's event loop per 38-MiB model, on every rescan: each Use or Stop
 * (active-model.json is written in the watched folder), each file dropped in, stalled the pipeline.
 */
export async function inspectModelDir(dir: string, source: ModelSource, opts: InspectOptions = {}): Promise<InstalledModel> {
  const { known, workerFromBytes = ONNX_WORKER_FROM_BYTES, pool = sharedOnnxPool() } = opts;
  const id = dir.split(/[\\/]/).pop()!;
  const problems: string[] = [];
  let card: ModelCard | null = null;
  let cardText = '';
  let json: unknown;
  try {
    cardText = await readFile(join(dir, CARD_FILE), 'utf8');
    try {
      json = JSON.parse(cardText);
    } catch (e) {
      problems.push(`card.json is not valid JSON (${(e as Error).message})`);
    }
  } catch (e) {
    // A card that cannot be read (no permission, a folder of that name) was reported as "not valid JSON".
    problems.push(existsSync(join(dir, CARD_FILE)) ? `card.json cannot be read (${(e as Error).message})` : 'card.json is missing: a model needs its card');
  }
  if (json !== undefined) {
    const p = cardProblems(json);
    if (p.length) problems.push(...p.map((x) => `card.json: ${x}`));
    else card = json as ModelCard;
    if (card && card.id !== id) problems.push(`card.json: id '${card.id}' differs from the folder name '${id}'`);
  }
  const onnxPath = join(dir, card?.onnx.file ?? ONNX_FILE);
  let sizeBytes = 0;
  let signature: OnnxSignature | null = null;
  let revision = '';
  let onnxStamp = '';
  try {
    const st = await stat(onnxPath);
    const stamp = stampOf(st);
    let facts = known?.get(onnxPath);
    if (!facts || facts.stamp !== stamp) {
      const read = st.size >= workerFromBytes ? await pool.read(onnxPath) : readOnnxFacts(await readBytes(onnxPath));
      facts = { stamp, ...read };
      // Written again while it was read: not kept (the next scan reads it afresh).
      if (known && (await fileStamp(onnxPath).catch(() => '')) === stamp) known.set(onnxPath, facts);
    }
    sizeBytes = facts.sizeBytes;
    onnxStamp = stamp;
    revision = cardText ? sha256(new TextEncoder().encode(`${facts.sha256}\n${cardText}`)).slice(0, 32) : '';
    if (card?.onnx.sha256 && facts.sha256 !== card.onnx.sha256) problems.push(`${card.onnx.file}: SHA-256 differs from the card (file damaged or replaced)`);
    if (facts.error) throw facts.error;
    signature = facts.signature!;
    if (card) problems.push(...signatureProblems(signature, card).map((x) => `${card!.onnx.file}: ${x}`));
  } catch (e) {
    if (e instanceof ModelError) problems.push(`${onnxPath.split(/[\\/]/).pop()}: ${e.message}`);
    else if (existsSync(onnxPath)) problems.push(`cannot read ${onnxPath}: ${fsReason(e)}`);
    // A card naming a file of its own ('weights.onnx'): said where the name comes from, so it is not taken for a typo of ours.
    else problems.push(`${onnxPath.split(/[\\/]/).pop()} is missing${card && card.onnx.file !== ONNX_FILE ? ` (card.json's onnx.file names it)` : ''}`);
  }
  return { id, source, dir, card, onnxPath, sizeBytes, signature, revision, onnxStamp, problems };
}

/**
 * Writes a model folder (model.onnx, card.json, card.md) atomically: a temp folder renamed into place.
 * `read`: these bytes' facts when the caller has them (checkOnnxBytes), so they are not hashed and
 * decoded again on the event loop.
 */
export async function writeModelDir(root: string, card: ModelCard, onnxBytes: Uint8Array, read?: OnnxRead): Promise<string> {
  const p = cardProblems(card);
  if (p.length) throw new ModelError(ModelErrorCode.BadCard, `the model card has problems: ${p.join('; ')}`, p);
  if (read && read.sizeBytes !== onnxBytes.length) throw new Error('writeModelDir: the facts given are not those of these bytes');
  if (read?.error) throw read.error;
  const filled: ModelCard = { ...card, onnx: { ...card.onnx, sha256: read?.sha256 ?? sha256(onnxBytes) } };
  const sig = read?.signature ?? readOnnxSignature(onnxBytes);
  const sp = signatureProblems(sig, filled);
  if (sp.length) throw new ModelError(ModelErrorCode.SignatureMismatch, `the ONNX file does not match its card: ${sp.join('; ')}`, sp);
  const final = join(root, card.id);
  const tmp = join(root, `.${card.id}.tmp-${process.pid}-${Date.now()}`);
  try {
    // Inside the try: a models folder that cannot be made (a file in the way, no permission) is a
    // ModelError saying what is in the way, as a write that fails is; it came out as a bare ENOTDIR.
    await mkdir(tmp, { recursive: true });
    await writeFile(join(tmp, filled.onnx.file), onnxBytes);
    await writeFile(join(tmp, CARD_FILE), JSON.stringify(filled, null, 2) + '\n');
    await writeFile(join(tmp, CARD_TEXT_FILE), renderModelCard(filled));
    if (existsSync(final)) await rm(final, { recursive: true, force: true });
    await rename(tmp, final);
  } catch (e) {
    // Not in the way of the error that matters (a tmp under a file in the way cannot even be looked at).
    await rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    // Said as the data folder says a write's problem ('/x is a file, not a folder', 'the disk holding /x is full').
    throw new ModelError(ModelErrorCode.Io, `could not write the model to ${final}: ${describeFsProblem(e, tmp).text}`);
  }
  return final;
}

export class ModelRegistry {
  private models = new Map<string, InstalledModel>();
  /** The ONNX files' facts by path, from the last scan (inspectModelDir). */
  private readonly onnxFacts = new Map<string, OnnxFacts>();

  /**
   * `workerFromBytes`: ONNX files from this size on are read in a worker thread (ONNX_WORKER_FROM_BYTES),
   * one of `pool`'s (sharedOnnxPool(): the threads are started once and reused across files and scans).
   */
  constructor(
    readonly roots: RegistryRoot[],
    private readonly workerFromBytes = ONNX_WORKER_FROM_BYTES,
    private readonly pool: OnnxChecks = sharedOnnxPool(),
  ) {}

  /** The user root (where install writes), if any. */
  get userRoot(): string | null {
    return this.roots.find((r) => r.source === 'user')?.dir ?? null;
  }

  /** The scan running or waiting last: each scan starts when the one before it has ended. */
  private lastScan: Promise<unknown> = Promise.resolve();

  /**
   * Re-reads every root. Later roots do not override earlier ones: a duplicate id is a problem.
   * Scans run one after another, in the order asked: a watcher's rescan during an install's own
   * scan, or during a rescan still waiting on its worker thread (a 38-MiB file), ended first and
   * was then overwritten by the older scan's list: a model removed meanwhile was listed again.
   */
  scan(): Promise<InstalledModel[]> {
    const next = this.lastScan.then(() => this.scanNow());
    this.lastScan = next.catch(() => undefined);
    return next;
  }

  private async scanNow(): Promise<InstalledModel[]> {
    const folders: { name: string; root: RegistryRoot }[] = [];
    for (const root of this.roots) {
      try {
        const names = (await readdir(root.dir, { withFileTypes: true })).filter((d) => d.isDirectory() && !d.name.startsWith('.')).map((d) => d.name);
        for (const name of names.sort()) folders.push({ name, root });
      } catch {
        // a root that does not exist yet holds no models
      }
    }
    // All folders at once: their large ONNX files go to the pool's threads together (a queue when
    // there are more files than threads), the small ones are read here meanwhile. Listed in order.
    const opts: InspectOptions = { known: this.onnxFacts, workerFromBytes: this.workerFromBytes, pool: this.pool };
    const inspected = await Promise.all(folders.map(({ name, root }) => inspectModelDir(join(root.dir, name), root.source, opts)));
    const found = new Map<string, InstalledModel>();
    folders.forEach(({ name, root }, i) => {
      const m = inspected[i];
      if (!MODEL_ID_RE.test(name)) m.problems.push(`folder name '${name}' is not a valid model id (${MODEL_ID_RE})`);
      if (found.has(name)) {
        m.problems.push(`another model already uses the id '${name}' (${found.get(name)!.dir}): rename this folder and the id in its card.json, or remove it`);
        found.set(`${name}@${root.source}`, m);
      } else found.set(name, m);
    });
    this.models = found;
    const paths = new Set([...found.values()].map((m) => m.onnxPath));
    for (const p of this.onnxFacts.keys()) if (!paths.has(p)) this.onnxFacts.delete(p);
    return this.list();
  }

  list(): InstalledModel[] {
    return [...this.models.values()];
  }

  get(id: string): InstalledModel {
    const m = this.models.get(id);
    if (!m) {
      // The ids there are, so a typo (or a name where the id was wanted) is seen at once.
      // Each id once: a folder of yours under a shipped model's id is listed after it, under the same id.
      const ids = [...new Set([...this.models.values()].map((x) => x.id))];
      throw new ModelError(ModelErrorCode.NotFound, `no model '${id}' is installed (${ids.length ? `installed: ${ids.join(', ')}` : 'none is'})`);
    }
    return m;
  }

  /** A usable model (card and ONNX valid) or a ModelError saying why not. */
  usable(id: string): InstalledModel & { card: ModelCard } {
    const m = this.get(id);
    if (!m.card || m.problems.length) throw new ModelError(ModelErrorCode.BadCard, `model '${id}' cannot be used: ${m.problems.join('; ')}`, m.problems);
    return m as InstalledModel & { card: ModelCard };
  }

  /**
   * The ONNX bytes that were checked against the card. A file replaced or deleted since the last
   * scan (a model re-exported over the shipped one while the app runs, a copy under way) is refused
   * rather than handed out under the card and revision of the file it replaced: the caller rescans.
   */
  async readOnnx(id: string): Promise<Uint8Array> {
    const m = this.usable(id);
    let bytes: Uint8Array;
    let stamp: string;
    try {
      stamp = await fileStamp(m.onnxPath);
      bytes = await readBytes(m.onnxPath);
    } catch (e) {
      throw new ModelError(ModelErrorCode.Io, `cannot read ${m.onnxPath}: ${fsReason(e)}`);
    }
    if (stamp !== m.onnxStamp || bytes.length !== m.sizeBytes) throw new ModelError(ModelErrorCode.Io, `${m.onnxPath} changed on disk since it was checked; it is being checked again`);
    return bytes;
  }

  /** Installs a model into the user root from an ONNX file and its card.json. */
  async installFiles(onnxPath: string, cardPath: string): Promise<InstalledModel> {
    let card: unknown;
    try {
      card = await readJson(resolve(cardPath));
    } catch (e) {
      // The paths given the other way round (the card first): the "card" is the ONNX file's bytes.
      const swapped = e instanceof SyntaxError && (await readJson(resolve(onnxPath)).then((j) => j !== null && typeof j === 'object', () => false));
      throw cardReadError(e, cardPath, swapped ? `; the paths look swapped: ${onnxPath} is JSON, and install takes the .onnx file first, then its card.json` : '');
    }
    let bytes: Uint8Array;
    try {
      bytes = await readBytes(resolve(onnxPath));
    } catch (e) {
      const folder = (e as NodeJS.ErrnoException).code === 'EISDIR' ? ': give the .onnx file in it' : '';
      throw new ModelError(ModelErrorCode.Io, `cannot read ${onnxPath}: ${fsReason(e)}${folder}`);
    }
    const p = cardProblems(card);
    // Named by its path, and not "incomplete": most problems are fields of the wrong type or value.
    if (p.length) throw new ModelError(ModelErrorCode.BadCard, `the card ${cardPath} has problems: ${p.join('; ')}`, p);
    // Hashed and decoded once, in a worker for a large file (the event loop was held ~2 decodes and a hash).
    const checked = await checkOnnxBytes(bytes, this.workerFromBytes, this.pool);
    bytes = checked.bytes;
    try {
      if (checked.read.error) throw checked.read.error;
      const sp = signatureProblems(checked.read.signature!, card as ModelCard);
      if (sp.length) throw new ModelError(ModelErrorCode.SignatureMismatch, `does not match the card ${cardPath}: ${sp.join('; ')}`, sp);
    } catch (e) {
      if (!(e instanceof ModelError)) throw e;
      // Two paths were given: say which one is wrong. A zip is most likely a PyTorch checkpoint
      // (.pth), which is not run as it is: its weights become a model through training.
      const zip = bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
      const hint = zip && e.code === ModelErrorCode.NotOnnx ? ' (it is a zip archive, such as a PyTorch .pth checkpoint: a CBraMod checkpoint becomes a model through training, heartmind train --encoders FILE.pth, then export-model)' : '';
      throw new ModelError(e.code, `${onnxPath}: ${e.message}${hint}`, e.details);
    }
    return this.install(card as ModelCard, bytes, checked.read);
  }

  /**
   * Installs a model folder as export-model writes one, or as a colleague shares it (card.json and
   * the ONNX file it names, model.onnx by default): installFiles of the two.
   */
  async installFolder(dir: string): Promise<InstalledModel> {
    const cardPath = join(dir, CARD_FILE);
    let file = ONNX_FILE;
    try {
      const card = await readJson(resolve(cardPath));
      const named = (card as { onnx?: { file?: unknown } } | null)?.onnx?.file;
      if (typeof named === 'string' && named) file = named;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw new ModelError(ModelErrorCode.BadCard, `${dir} is not a model folder: it has no ${CARD_FILE}`);
      throw cardReadError(e, cardPath);
    }
    return this.installFiles(join(dir, file), cardPath);
  }

  /** Installs (or replaces) a user model; built-in ids cannot be shadowed. `read`: the bytes' facts, if known. */
  async install(card: ModelCard, onnxBytes: Uint8Array, read?: OnnxRead): Promise<InstalledModel> {
    const root = this.userRoot;
    if (!root) throw new ModelError(ModelErrorCode.Io, 'no user models folder is configured');
    const existing = this.models.get(card.id);
    if (existing && existing.source === 'builtin') throw new ModelError(ModelErrorCode.BadCard, `the id '${card.id}' belongs to a built-in model; choose another id`);
    const dir = await writeModelDir(root, { ...card, onnx: { ...card.onnx, file: ONNX_FILE } }, onnxBytes, read);
    // The file just written has the facts already checked: the scan below does not read, hash and
    // decode it a second time (a worker thread's start and ~250 ms of work for a 38-MiB model).
    if (read) {
      const path = join(dir, ONNX_FILE);
      this.onnxFacts.set(path, { stamp: await fileStamp(path), ...read });
    }
    await this.scan();
    // The folder written (by its place, not its id: a same-named shipped model listed first is not it).
    return this.list().find((m) => m.dir === dir) ?? (await inspectModelDir(dir, 'user', { pool: this.pool }));
  }

  /**
   * Deletes one of the user's models; returns it as it was listed. A folder of the user's under a
   * shipped model's id (dropped in by hand, or there before an update shipped that id) is listed
   * after the shipped one, with the problem that another model uses its id: that folder is the one
   * removed (the Models view's Remove on it, and `heartmind models remove`, were refused as if it
   * were the shipped model, and there was no way but the file manager).
   */
  async remove(id: string): Promise<InstalledModel> {
    const first = this.get(id);
    const m = first.source === 'user' ? first : this.list().find((x) => x.id === id && x.source === 'user');
    if (!m) throw new ModelError(ModelErrorCode.Io, `'${id}' is a built-in model and cannot be removed`);
    await rm(m.dir, { recursive: true, force: true });
    await this.scan();
    return m;
  }

  /** Total bytes of the roots' ONNX files (for the status line). */
  async sizeOnDisk(): Promise<number> {
    let n = 0;
    for (const m of this.models.values()) n += (await stat(m.onnxPath).catch(() => ({ size: 0 }))).size;
    return n;
  }
}
