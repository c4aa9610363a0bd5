// BrainFlow through the user's own libBoardController, loaded with koffi the way BrainFlow's
// official Node binding loads it (the brainflow npm package itself is not available to us). Finds
// the library in the usual places, binds the functions of brainflow-functions.ts once per library,
// and wraps each call: a non-zero exit code throws a BrainFlowError naming the code, with the
// error line BrainFlow wrote to its log.
import { closeSync, existsSync, openSync, readSync, readdirSync, statSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BoardIds,
  BRAINFLOW_DEFAULT_BUFFER_SIZE,
  BrainFlowError,
  BrainFlowExitCode,
  BrainFlowLogLevel,
  BrainFlowPreset,
  brainflowParamsJson,
  type BoardDescription,
  type BrainFlowInputParams,
} from '../../../shared/devices/brainflow/brainflow.types';
import { brainflowBoardName } from '../../../shared/devices/brainflow/brainflow-board-names';
import { DeviceError } from '../../../shared/devices/device-error';
import { libraryMismatch, parseLibraryHeader } from '../../../shared/devices/brainflow/library-header';
import { BRAINFLOW_FUNCTIONS, type BrainFlowFunctionName } from './brainflow-functions';

/** libBoardController's file name on this platform. */
export function brainflowLibraryFileName(platform: NodeJS.Platform = process.platform): string {
  return platform === 'win32' ? 'BoardController.dll' : platform === 'darwin' ? 'libBoardController.dylib' : 'libBoardController.so';
}

export interface FindOptions {
  /** A path from the user's settings: the library file or the folder holding it. */
  explicit?: string;
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  home?: string;
  /** Extra folders to look in first (packaged app resources). */
  extraDirs?: string[];
}

export interface FindResult {
  path: string | null;
  /** Every place looked, in order, for the "not found" message. */
  tried: string[];
}

/** Subfolders of `dir` matching `re` (e.g. python3.*), or [] when `dir` is unreadable. */
function subdirs(dir: string, re: RegExp): string[] {
  try {
    return readdirSync(dir)
      .filter((n) => re.test(n))
      .sort()
      .reverse()
      .map((n) => join(dir, n));
  } catch {
    return [];
  }
}

/** Where a pip/conda install of brainflow keeps its native libraries, below a Python prefix. */
function sitePackagesLibDirs(prefix: string, platform: NodeJS.Platform): string[] {
  if (platform === 'win32') return [join(prefix, 'Lib', 'site-packages', 'brainflow', 'lib')];
  return subdirs(join(prefix, 'lib'), /^python3(\.\d+)?$/).flatMap((py) => [join(py, 'site-packages', 'brainflow', 'lib'), join(py, 'dist-packages', 'brainflow', 'lib')]);
}

/**
 * The folders to look in, most specific first: the user's setting, HEARTMIND_BRAINFLOW_LIB /
 * BRAINFLOW_LIB, the active virtualenv and conda env, pip --user, pyenv, conda/miniconda/anaconda,
 * system Pythons, Homebrew/MacPorts, then the system library folders.
 */
export function brainflowSearchDirs(opts: FindOptions = {}): string[] {
  const env = opts.env ?? process.env;
  const platform = opts.platform ?? process.platform;
  const home = opts.home ?? homedir();
  const dirs: string[] = [...(opts.extraDirs ?? [])];
  // A packaged app may ship BrainFlow beside itself (resources/brainflow, or unpacked from asar as
  // BrainFlow's own Node binding looks for it).
  const resources = (process as NodeJS.Process & { resourcesPath?: string }).resourcesPath;
  if (resources) dirs.push(join(resources, 'brainflow'), join(resources, 'app.asar.unpacked', 'node_modules', 'brainflow', 'lib'));
  for (const v of [env.HEARTMIND_BRAINFLOW_LIB, env.BRAINFLOW_LIB]) if (v) dirs.push(v);
  for (const prefix of [env.VIRTUAL_ENV, env.CONDA_PREFIX]) if (prefix) dirs.push(...sitePackagesLibDirs(prefix, platform));
  if (platform === 'win32') {
    const appData = env.APPDATA ?? join(home, 'AppData', 'Roaming');
    const local = env.LOCALAPPDATA ?? join(home, 'AppData', 'Local');
    for (const py of subdirs(join(appData, 'Python'), /^Python3\d+$/)) dirs.push(join(py, 'site-packages', 'brainflow', 'lib'));
    for (const py of subdirs(join(local, 'Programs', 'Python'), /^Python3\d+$/)) dirs.push(...sitePackagesLibDirs(py, platform));
    for (const base of [join(home, 'miniconda3'), join(home, 'anaconda3'), join(local, 'miniconda3'), 'C:\\ProgramData\\miniconda3', 'C:\\ProgramData\\Anaconda3'])
      dirs.push(...sitePackagesLibDirs(base, platform), ...subdirs(join(base, 'envs'), /./).flatMap((e) => sitePackagesLibDirs(e, platform)));
    return dirs;
  }
  dirs.push(...sitePackagesLibDirs(join(home, '.local'), platform));
  if (platform === 'darwin') for (const v of subdirs(join(home, 'Library', 'Python'), /^3\.\d+$/)) dirs.push(join(v, 'lib', 'python', 'site-packages', 'brainflow', 'lib'));
  for (const v of subdirs(join(home, '.pyenv', 'versions'), /./)) dirs.push(...sitePackagesLibDirs(v, platform));
  for (const base of ['miniconda3', 'anaconda3', 'miniforge3', 'mambaforge', '.conda'].map((b) => join(home, b)).concat(['/opt/conda', '/opt/miniconda3', '/opt/anaconda3']))
    dirs.push(...sitePackagesLibDirs(base, platform), ...subdirs(join(base, 'envs'), /./).flatMap((e) => sitePackagesLibDirs(e, platform)));
  for (const prefix of ['/usr/local', '/usr', '/opt/homebrew', '/opt/local']) dirs.push(...sitePackagesLibDirs(prefix, platform));
  if (platform === 'darwin') for (const v of subdirs('/Library/Frameworks/Python.framework/Versions', /^3/)) dirs.push(...sitePackagesLibDirs(v, platform));
  dirs.push('/usr/local/lib', '/usr/lib', '/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/opt/homebrew/lib');
  return dirs;
}

export function findBrainFlowLibrary(opts: FindOptions = {}): FindResult {
  const file = brainflowLibraryFileName(opts.platform);
  const tried: string[] = [];
  const check = (p: string): string | null => {
    tried.push(p);
    try {
      const st = statSync(p);
      if (st.isFile()) return p;
      if (st.isDirectory()) {
        const f = join(p, file);
        tried.push(f);
        if (existsSync(f)) return f;
      }
    } catch {
      /* not there */
    }
    return null;
  };
  // The user's explicit choice wins and is never silently replaced by another copy.
  if (opts.explicit) return { path: check(opts.explicit), tried };
  for (const d of brainflowSearchDirs(opts)) {
    const p = check(join(d, file));
    if (p) return { path: p, tried };
  }
  return { path: null, tried };
}

type Bound = { [K in BrainFlowFunctionName]: ((...args: unknown[]) => number) & { async: (...args: unknown[]) => void } };

export interface BrainFlowLib {
  readonly path: string;
  readonly version: string;
  readonly fn: Bound;
  /** The last `[error]` line BrainFlow logged since `fromByte` (BrainFlow explains itself there). */
  lastLoggedError(fromByte: number): string | undefined;
  logSize(): number;
}

const loaded = new Map<string, BrainFlowLib>();
const LOG_FILE = join(tmpdir(), `heartmind-brainflow-${process.pid}.log`);

/** Loads libBoardController once per path and binds the function table. */
export async function loadBrainFlow(path: string): Promise<BrainFlowLib> {
  const cached = loaded.get(path);
  if (cached) return cached;
  if (!existsSync(path)) throw new DeviceError('unavailable', `BrainFlow: no library at ${path}`, false);
  let koffi: typeof import('koffi');
  try {
    koffi = (await import('koffi')).default as unknown as typeof import('koffi');
  } catch (e) {
    throw new DeviceError('unavailable', `BrainFlow: koffi (the native call layer) failed to load: ${(e as Error).message}`, false);
  }
  let handle: ReturnType<typeof koffi.load>;
  try {
    handle = koffi.load(path);
  } catch (e) {
    // Built for another machine: the loader's words for it mislead ("No such file or directory" of
    // an ARM library on an x86-64 Linux, "invalid ELF header" of a Mac's or Windows' library).
    const mismatch = builtForElsewhere(path);
    if (mismatch) throw new DeviceError('unavailable', `BrainFlow: ${path} cannot be loaded here: ${mismatch}; point the BrainFlow setting at ${brainflowLibraryFileName()} from a BrainFlow install for this machine (pip install brainflow)`, false);
    throw new DeviceError('unavailable', `BrainFlow: ${path} could not be loaded as a shared library (${firstLine((e as Error).message)}); point the BrainFlow setting at libBoardController from a BrainFlow install`, false);
  }
  const fn = {} as Bound;
  for (const [name, proto] of Object.entries(BRAINFLOW_FUNCTIONS) as [BrainFlowFunctionName, string][]) {
    try {
      fn[name] = handle.func(proto) as Bound[typeof name];
    } catch {
      throw new DeviceError('unavailable', `BrainFlow: ${path} is not BrainFlow's libBoardController (it has no ${name} function)`, false);
    }
  }
  // BrainFlow logs to stderr by default; a file keeps the console clean and lets errors quote it.
  fn.set_log_file_board_controller(LOG_FILE);
  fn.set_log_level_board_controller(BrainFlowLogLevel.LEVEL_WARN);
  const vbuf = Buffer.alloc(64);
  const vlen = [0];
  const version = fn.get_version_board_controller(vbuf, vlen, 64) === 0 ? vbuf.toString('utf8', 0, vlen[0]) : 'unknown';
  const lib: BrainFlowLib = {
    path,
    version,
    fn,
    logSize: () => {
      try {
        return statSync(LOG_FILE).size;
      } catch {
        return 0;
      }
    },
    lastLoggedError: (fromByte) => {
      try {
        const size = statSync(LOG_FILE).size;
        if (size <= fromByte) return undefined;
        const fd = openSync(LOG_FILE, 'r');
        const buf = Buffer.alloc(Math.min(size - fromByte, 16384));
        readSync(fd, buf, 0, buf.length, size - buf.length);
        closeSync(fd);
        const lines = buf.toString('utf8').split('\n').filter((l) => /\[(error|critical)\]/.test(l));
        return lines.at(-1)?.replace(/^.*\[(error|critical)\]\s*/, '').trim();
      } catch {
        return undefined;
      }
    },
  };
  loaded.set(path, lib);
  return lib;
}

/** Why the library at `path` was built for another system or processor (its header), or null. */
function builtForElsewhere(path: string): string | null {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const head = Buffer.alloc(4096);
    const n = readSync(fd, head, 0, head.length, 0);
    const header = parseLibraryHeader(head.subarray(0, n));
    return header && libraryMismatch(header, process.platform, process.arch);
  } catch {
    return null;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function firstLine(s: string): string {
  return s.split('\n')[0];
}

/**
 * One board session (BrainFlow's BoardShim): the same board id and params JSON in every call.
 * prepare/start/stop/release run on koffi's worker threads (a real board's prepare can take
 * seconds); data calls are quick and synchronous.
 */
export class BoardShim {
  readonly json: string;
  /** The board whose description applies (the master board for playback and streaming boards). */
  readonly describedBoardId: number;
  readonly label: string;
  private readonly countOut = [0];

  constructor(
    readonly lib: BrainFlowLib,
    readonly boardId: number,
    params: Partial<BrainFlowInputParams> = {},
  ) {
    this.json = brainflowParamsJson(params);
    const master = params.master_board ?? BoardIds.NO_BOARD;
    const needsMaster = boardId === BoardIds.PLAYBACK_FILE_BOARD || boardId === BoardIds.STREAMING_BOARD;
    if (needsMaster && master === BoardIds.NO_BOARD) throw new DeviceError('invalid-config', `BrainFlow ${brainflowBoardName(boardId)}: master_board must name the board that recorded the data (e.g. 0 for Cyton)`, false);
    this.describedBoardId = needsMaster ? master : boardId;
    this.label = `BrainFlow ${brainflowBoardName(boardId)}${needsMaster ? ` (recorded with ${brainflowBoardName(master)})` : ''}`;
  }

  private check(code: number, action: string, logFrom: number): void {
    if (code !== BrainFlowExitCode.STATUS_OK) throw new BrainFlowError(code, `${this.label}: ${action}`, this.lib.lastLoggedError(logFrom));
  }

  private async callAsync(name: 'prepare_session' | 'stop_stream' | 'release_session' | 'start_stream', action: string, ...args: unknown[]): Promise<void> {
    const from = this.lib.logSize();
    const code = await new Promise<number>((resolve, reject) =>
      this.lib.fn[name].async(...args, (err: unknown, res: number) => (err ? reject(err) : resolve(res))),
    );
    this.check(code, action, from);
  }

  prepare(): Promise<void> {
    return this.callAsync('prepare_session', 'could not prepare the session', this.boardId, this.json);
  }

  start(bufferSize = BRAINFLOW_DEFAULT_BUFFER_SIZE, streamerParams: string | null = null): Promise<void> {
    return this.callAsync('start_stream', 'could not start the stream', bufferSize, streamerParams, this.boardId, this.json);
  }

  stop(): Promise<void> {
    return this.callAsync('stop_stream', 'could not stop the stream', this.boardId, this.json);
  }

  release(): Promise<void> {
    return this.callAsync('release_session', 'could not release the session', this.boardId, this.json);
  }

  isPrepared(): boolean {
    const out = [0];
    this.check(this.lib.fn.is_prepared(out, this.boardId, this.json), 'could not ask whether the session is prepared', this.lib.logSize());
    return out[0] !== 0;
  }

  dataCount(preset = BrainFlowPreset.DEFAULT_PRESET): number {
    this.check(this.lib.fn.get_board_data_count(preset, this.countOut, this.boardId, this.json), 'could not count the buffered samples', this.lib.logSize());
    return this.countOut[0];
  }

  /** Takes `count` samples out of BrainFlow's buffer: rows × count, row-major (row r at r·count). */
  getData(count: number, numRows: number, preset = BrainFlowPreset.DEFAULT_PRESET, out = new Float64Array(numRows * count)): Float64Array {
    this.check(this.lib.fn.get_board_data(count, preset, out, this.boardId, this.json), 'could not read the samples', this.lib.logSize());
    return out;
  }

  describe(preset = BrainFlowPreset.DEFAULT_PRESET): BoardDescription {
    const max = 16384;
    const buf = Buffer.alloc(max);
    const len = [0];
    const from = this.lib.logSize();
    this.check(this.lib.fn.get_board_descr(this.describedBoardId, preset, buf, len, max), `could not describe board ${this.describedBoardId}`, from);
    try {
      return JSON.parse(buf.toString('utf8', 0, len[0])) as BoardDescription;
    } catch {
      throw new DeviceError('bad-frame', `${this.label}: the board description is not JSON`);
    }
  }
}
