// The thin serial layer: open a port by path, write, receive bytes, learn when it goes away.
// serialport (maintained, native bindings for Linux/macOS/Windows) does the work; everything
// protocol-shaped lives in the drivers and the pure parsers.
import { existsSync, lstatSync, readSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { basename, delimiter, dirname, join } from 'node:path';
import { SerialPort } from 'serialport';
import { DeviceError } from '../../../shared/devices/device-error';

export interface SerialLink {
  readonly path: string;
  write(data: Uint8Array | string): Promise<void>;
  /** Bytes as they arrive. One listener (the driver). */
  onData(cb: (bytes: Uint8Array) => void): void;
  /** The port closed without us asking: unplugged, pty gone, I/O error. */
  onLost(cb: (error: DeviceError) => void): void;
  close(): Promise<void>;
}

const WRITE_TIMEOUT_MS = 2_000;
/**
 * After a read that brought bytes, the next one waits this long, so what arrives meanwhile is read
 * (and decoded, and sent on) as one chunk. serialport reads each piece the moment the system has
 * it, at a fixed cost per piece (a thread-pool read, a second one failing with EAGAIN, an Error
 * built for it, a poll), and a piece is one USB transfer: about 130 a second from a Cyton dongle
 * (62 bytes each; more with the FTDI latency timer set to 1 ms). That cost was most of a Cyton's CPU. Bytes wait
 * at most this long (one frame of a 60 Hz display, where the traces show them); a byte after a
 * quiet spell (a reply, a slow device's line) is read at once. 0: the next read right away.
 */
export const READ_PACE_MS = 16;
/** Bytes one read takes at most (serialport's own read size); at 115200 baud the pace gathers ~200. */
const READ_BYTES = 64 * 1024;
/** How long close() waits for the system to close the port before it returns anyway (see closesInFlight). */
const CLOSE_TIMEOUT_MS = 1_000;
/**
 * How long an open waits for HeartMind's own close of the same port, still in flight, before it
 * gives up saying so (the next attempt waits again). A Linux tty's close waits for unsent output up
 * to its closing_wait (30 s by default) and runs on libuv's thread pool, which a busy process keeps
 * waiting: closes of more than a second happen; of more than this, rarely.
 */
export const OWN_CLOSE_WAIT_MS = 5_000;

/**
 * Our closes of ports the system has not finished yet, by the port's real path: the node that was
 * open, and when its file handle is released. The port is opened with an exclusive lock (serialport's
 * `lock`), which the handle holds until then: an open of the same node meanwhile (Disconnect then
 * Connect, Connect on another card for that port, a reconnect after a stall) was refused as "port in
 * use by another program", the other program being HeartMind. Such an open waits here first.
 */
const closesInFlight = new Map<string, { node: string | null; released: Promise<void> }>();

/**
 * Waits (up to `waitMs`) for a close of ours of the port at `path` that the system has not finished,
 * if there is one. A port now another node than the one closing (replugged, a new pty) is not held
 * by that close: no wait. Throws a retryable DeviceError when the close outlasts the wait.
 */
export async function awaitOwnClose(path: string, who = path, waitMs = OWN_CLOSE_WAIT_MS): Promise<void> {
  const inFlight = closesInFlight.get(realOrSame(path));
  if (!inFlight || (inFlight.node !== null && portNode(path) !== inFlight.node)) return;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const released = await Promise.race([inFlight.released.then(() => true), new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), waitMs)))]);
  clearTimeout(timer);
  if (!released)
    throw new DeviceError('unavailable', `${who}: cannot open ${path} yet: HeartMind's previous connection to it is still closing after ${waitMs / 1000} s (the system has not released the port)`, true);
}

/**
 * `ownCloseWaitMs`: how long the open waits for a close of ours of the same port still in flight
 * (OWN_CLOSE_WAIT_MS; tests shorten it). `readPaceMs`: see READ_PACE_MS.
 */
export async function openSerialLink(path: string, baudRate: number, who = path, opts: { ownCloseWaitMs?: number; readPaceMs?: number } = {}): Promise<SerialLink> {
  if (!path) throw new DeviceError('invalid-config', `${who}: no serial port path given`, false);
  // A device file that is not there (dongle unplugged) is told without asking the native layer:
  // a remembered device waiting for its port checks this every few seconds. (Windows' COM ports
  // are no files; they go straight to open.)
  if (path.startsWith('/') && !existsSync(path)) throw new DeviceError('unavailable', `${who}: cannot open ${path}: port not found (unplugged?)`, true);
  await awaitOwnClose(path, who, opts.ownCloseWaitMs);
  // Learnt now: at close the path may be gone (unplugged), or a link to elsewhere.
  const real = realOrSame(path);
  const node = portNode(path);
  const port = new SerialPort({ path, baudRate, autoOpen: false, dataBits: 8, stopBits: 1, parity: 'none' });
  await new Promise<void>((resolve, reject) =>
    port.open((err) => {
      if (!err) return resolve();
      const code = (err as NodeJS.ErrnoException).code;
      const missing = /ENOENT|No such file/i.test(err.message) || code === 'ENOENT';
      const denied = /EACCES|Permission denied/i.test(err.message);
      const busy = /EBUSY|Resource busy|lock/i.test(err.message);
      const hint = missing ? 'port not found (unplugged?)' : denied ? 'permission denied (on Linux add yourself to the dialout group)' : busy ? 'port in use by another program' : err.message;
      // A missing port may come back (replugged); a permission problem will not fix itself.
      // A port another program holds is not this device's to take: retried at the waiting cadence
      // (each open raises DTR, which resets an Arduino in the other program's hands).
      reject(Object.assign(new DeviceError('unavailable', `${who}: cannot open ${path}: ${hint}`, !denied), { othersPort: busy }));
    }),
  );
  let dataCb: ((b: Uint8Array) => void) | null = null;
  let lostCb: ((e: DeviceError) => void) | null = null;
  let closing = false;
  // The file handle released (and the lock with it), whoever closed the port: our close, or the
  // stream itself on a read error (it emits 'close' once the system closed the handle).
  let isReleased = false;
  let markReleased!: () => void;
  const released = new Promise<void>((resolve) => (markReleased = resolve)).then(() => {
    isReleased = true;
  });
  readPaced(port, opts.readPaceMs ?? READ_PACE_MS, (bytes) => dataCb?.(bytes));
  port.on('error', (err: Error) => {
    // Neither open nor closing: a close the stream began itself (on a read error) failed, which
    // leaves no handle either (the binding forgets it first).
    if (!port.isOpen && !port.closing) markReleased();
    if (!closing) lostCb?.(new DeviceError('disconnected', `${who}: serial error on ${path}: ${err.message}`));
  });
  port.on('close', (err?: Error & { disconnected?: boolean }) => {
    markReleased();
    if (!closing) lostCb?.(new DeviceError('disconnected', `${who}: ${path} went away${err?.message ? ` (${err.message})` : ''}`));
  });
  return {
    path,
    write: (data) =>
      new Promise<void>((resolve, reject) => {
        // A port that went away (or was closed) fails at once: serialport queues a write to a port
        // not open until it opens, so the stop command a driver's close writes to a pulled cable
        // waited out the whole timeout, and the reconnect, which waits for that close, came 2 s late.
        if (!port.isOpen) return reject(new DeviceError('disconnected', `${who}: cannot write to ${path}: the port is closed`));
        // A pty whose other side stopped reading, or a wedged USB adapter, never drains: give up
        // rather than hang the caller (a stop command, a close).
        const timer = setTimeout(() => reject(new DeviceError('timeout', `${who}: write to ${path} did not complete within ${WRITE_TIMEOUT_MS / 1000} s`)), WRITE_TIMEOUT_MS);
        port.write(typeof data === 'string' ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength), (err) => {
          if (err) {
            clearTimeout(timer);
            return reject(new DeviceError('disconnected', `${who}: write to ${path} failed: ${err.message}`));
          }
          port.drain(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }),
    onData: (cb) => {
      dataCb = cb;
    },
    onLost: (cb) => {
      lostCb = cb;
    },
    close: () =>
      new Promise<void>((resolve) => {
        closing = true;
        dataCb = null;
        if (isReleased) return resolve();
        // Not open but not released: the stream is closing it already (a read error).
        if (port.isOpen)
          port.close((err) => {
            // A close that failed leaves no handle to us either (the binding forgot it first).
            if (err) markReleased();
          });
        // Known until released, so an open of this port waits for it (awaitOwnClose), also after
        // this close has returned: the caller (a Disconnect) is not held up by a slow system close.
        const entry = { node, released };
        closesInFlight.set(real, entry);
        void released.then(() => {
          if (closesInFlight.get(real) === entry) closesInFlight.delete(real);
        });
        // Not destroyed meanwhile: the stream's destroy emits a 'close' of its own, which read as the
        // handle released while the system still held it (and the lock).
        const timer = setTimeout(resolve, CLOSE_TIMEOUT_MS);
        void released.then(() => {
          clearTimeout(timer);
          resolve();
        });
      }),
  };
}

/** What readPaced needs of a Linux or macOS port binding (serialport's own reads use the same two). */
interface UnixPortBinding {
  fd: number | null;
  poller: { once(event: 'readable', cb: (err: (Error & { canceled?: boolean }) | null) => void): unknown };
}

/**
 * Reads an open port until it closes, each read at least `paceMs` after the last that brought
 * bytes (see READ_PACE_MS). serialport's stream reads again the moment it has pushed a piece, and
 * pausing it does not stop that (it reads on until 64 KiB wait in it), so on Linux and macOS the
 * stream is not read: the port's descriptor is, as serialport's binding reads it (it opens every
 * port O_NONBLOCK, so a read returns at once: done here on the main thread, without the thread-pool
 * trip per read; a blocking one would hang the tests' first read of a silent port),
 * and its poller tells when bytes come after a quiet spell. A read error closes the port as
 * disconnected, which emits its 'close' with the error, as the stream's own read did; so does a
 * read of nothing, which is a tty hung up (serialport read again at once, for as long as the port
 * stayed open: it spun through reads of nothing until the stall watchdog closed it, 3 s on, when a
 * Cyton was unplugged just as a read began). Elsewhere (Windows: a handle, no poller) the stream
 * is read as it comes, unpaced. Each chunk is the callee's to keep.
 */
function readPaced(port: SerialPort, paceMs: number, onBytes: (bytes: Uint8Array) => void): void {
  const binding = port.port as Partial<UnixPortBinding> | undefined;
  if (typeof binding?.fd !== 'number' || !binding.poller) {
    port.on('data', (buf: Buffer) => onBytes(new Uint8Array(buf.buffer, buf.byteOffset, buf.length)));
    return;
  }
  const unix = binding as UnixPortBinding;
  const buf = Buffer.allocUnsafe(READ_BYTES);
  const lost = (message: string) => {
    if (port.isOpen) port.close(undefined, Object.assign(new Error(message), { disconnected: true }));
  };
  const read = (): void => {
    if (!port.isOpen || unix.fd === null) return;
    let n: number;
    try {
      n = readSync(unix.fd, buf, 0, buf.length, null);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'EAGAIN' && code !== 'EWOULDBLOCK' && code !== 'EINTR') return lost((e as Error).message);
      // Nothing there: the next byte is read the moment it comes.
      unix.poller.once('readable', (err) => (err ? !err.canceled && lost(err.message) : read()));
      return;
    }
    if (n === 0) return lost('hung up');
    // Scheduled first: a callback that throws does not stop the reading.
    setTimeout(read, paceMs);
    onBytes(new Uint8Array(buf.subarray(0, n)));
  };
  read();
}

/** Where Linux's udev gives each USB serial adapter a name built from its serial number. */
export const SERIAL_BY_ID_DIR = '/dev/serial/by-id';
/** Where Linux lists ttys with their USB devices (which tell whether an adapter has a serial number). */
export const SYS_TTY_DIR = '/sys/class/tty';

/**
 * Finds a serial device again after it went away. Linux names USB serial adapters in the order
 * they appear (/dev/ttyUSB0, /dev/ttyUSB1, …): a dongle pulled and plugged back while its old node
 * is still held open, or re-enumerated after a USB hub reset, can come back as /dev/ttyUSB1 while
 * /dev/ttyUSB0 stays gone (or is taken by another adapter plugged in meanwhile, or, after a
 * restart, by whichever adapter enumerated first). Its name in /dev/serial/by-id (vendor,
 * product, serial number) does not change: learnt at each open and kept in the profile, it says
 * where the device is. Where the name is not there but a port sits on the path, that is another
 * adapter (with a name of its own or none), not this device, and it is not opened. An adapter without a serial number
 * (a CH340 clone) gets a name of its vendor and model only, the same for every one of its make, so
 * such a name is not relied on (sysfs tells); then, as for a port with no name at all, a port of the
 * same family that appeared since is named in the error, so the user knows where it went.
 */
export class SerialPortFinder {
  private alias: string | null;
  /** Ports of the path's family (ttyUSB0, ttyUSB1, …) there at the last open; null before one. */
  private siblingsAtOpen: Set<string> | null = null;
  /** The path was seen gone since the last open: a port there now may be another device's. */
  private wentAway = false;

  /**
   * `known`: the stable name learnt on an earlier run (the profile keeps it). `aliasDir`, `sysTtyDir`:
   * where the names and the USB devices are looked up; tests point them elsewhere.
   */
  constructor(
    readonly path: string,
    opts: { known?: string | null; aliasDir?: string; sysTtyDir?: string } = {},
  ) {
    this.alias = opts.known ?? null;
    this.aliasDir = opts.aliasDir ?? SERIAL_BY_ID_DIR;
    this.sysTtyDir = opts.sysTtyDir ?? SYS_TTY_DIR;
  }

  private readonly aliasDir: string;
  private readonly sysTtyDir: string;

  /** The adapter's stable name (/dev/serial/by-id/…), once learnt. */
  get stableName(): string | null {
    return this.alias;
  }

  /**
   * The port (its real path) the next open goes to: where the stable name points, else the path;
   * null when the stable name is not there and another adapter sits on the path (this device's is
   * not plugged in, and that port is not its).
   */
  where(): string | null {
    const r = this.resolve();
    return r.at === 'alias' ? r.target : r.at === 'path' ? realOrSame(this.path) : null;
  }

  private resolve(): { at: 'alias'; target: string; gone: boolean } | { at: 'path'; gone: boolean } | { at: 'other'; other: string | null } | { at: 'unnamed'; ageMs: number } {
    const gone = this.path.startsWith('/') && !existsSync(this.path);
    if (gone) this.wentAway = true;
    if (this.alias && existsSync(this.alias)) {
      const target = realOrSame(this.alias);
      return gone || target !== realOrSame(this.path) ? { at: 'alias', target, gone } : { at: 'path', gone };
    }
    // This device's adapter has a name of its own and it is not there: whatever sits on the path is
    // another adapter, named or not (an Arduino clone without a serial number took /dev/ttyUSB0).
    // Except in the moment after a port appears, before udev has added its name (tens of ms, more on
    // a busy machine): then it is not yet known whose it is, and the next retry tells.
    if (this.alias && !gone) {
      const other = this.aliasOf(realOrSame(this.path));
      const age = other ? Infinity : ageMs(this.path);
      return age < UDEV_NAMING_MS ? { at: 'unnamed', ageMs: age } : { at: 'other', other };
    }
    return { at: 'path', gone };
  }

  /**
   * Opens the device: at its path, or where its stable name points when the path is gone or holds
   * another adapter now: `at` is the port it opened, `moved` says why it was not the path, for the log.
   * `unverified`: the path was gone since the last open and a port is back there, with no stable name
   * to tell it is the same adapter; only what the device sends can tell (the drivers check it).
   */
  async open(baudRate: number, who = this.path): Promise<{ link: SerialLink; at: string; moved: string | null; unverified: boolean }> {
    const { opened, ...r } = await this.openWith(who, (path) => openSerialLink(path, baudRate, who));
    return { link: opened, ...r };
  }

  /**
   * As open, for a library that opens the port itself (BrainFlow, given the path as `serial_port`):
   * `opener` is called with the path to open (the configured one, or the stable name), and what it
   * returns is passed back as `opened`. Its failure is the open's. A close of ours of that port still
   * in flight is waited for first (awaitOwnClose), whoever opens it: BrainFlow's open meets the lock
   * our serial close holds as openSerialLink's does.
   */
  async openWith<T>(who: string, opener: (path: string) => Promise<T>): Promise<{ opened: T; at: string; moved: string | null; unverified: boolean }> {
    const r = this.resolve();
    if (r.at === 'alias') {
      await awaitOwnClose(this.alias!, who);
      const opened = await opener(this.alias!);
      const why = r.gone ? `${this.path} is gone; the same adapter came back as ${r.target}` : `${this.path} is another adapter now; this one is at ${r.target}`;
      this.wentAway = false;
      return { opened, at: r.target, moved: `${why} (its /dev/serial/by-id name says so): connected there`, unverified: false };
    }
    if (r.at === 'unnamed')
      throw new DeviceError('unavailable', `${who}: cannot open ${this.path} yet: a port appeared there ${Math.round(r.ageMs)} ms ago and has no /dev/serial/by-id name yet to tell whether it is this device's adapter (${basename(this.alias!)})`, true);
    if (r.at === 'other')
      // Not opened, so retried on the quick backoff (a look at two folders): its own adapter may be
      // back under another name any moment.
      throw new DeviceError('unavailable', `${who}: cannot open ${this.path}: another adapter is there now (${r.other ? basename(r.other) : 'one without a /dev/serial/by-id name'}), and this device's (${basename(this.alias!)}) is not plugged in`, true);
    try {
      await awaitOwnClose(this.path, who);
      const opened = await opener(this.path);
      const unverified = this.wentAway && this.siblingsAtOpen !== null && !this.alias;
      this.wentAway = false;
      this.learn();
      return { opened, at: this.path, moved: null, unverified };
    } catch (e) {
      // Only after this run opened it: at start, a port of the family already there may well be
      // another device's.
      const before = this.siblingsAtOpen;
      const appeared = r.gone && before ? this.siblings().filter((p) => !before.has(p)) : [];
      if (e instanceof DeviceError && appeared.length > 0)
        throw new DeviceError(e.code, `${e.message}; ${appeared.join(', ')} appeared since it was last connected: if the device came back under that name, connect it there`, e.retryable);
      throw e;
    }
  }

  private learn(): void {
    this.siblingsAtOpen = new Set(this.siblings());
    const real = realOrSame(this.path);
    const alias = this.aliasOf(real);
    // Kept when none is found: udev adds the name a moment after the node, and an open in between
    // must not forget it. A name without a serial number in it is no one adapter's: dropped.
    if (alias) this.alias = hasUsbSerial(real, this.sysTtyDir) === false ? null : alias;
  }

  /** The stable name pointing at a port, if any. */
  private aliasOf(real: string): string | null {
    try {
      for (const n of readdirSync(this.aliasDir)) {
        const alias = join(this.aliasDir, n);
        if (realOrSame(alias) === real) return alias;
      }
    } catch {
      /* no such folder (macOS, Windows, containers): names there do not move */
    }
    return null;
  }

  /** The other ports named like this one with another number (ttyUSB0 → ttyUSB1, ttyUSB2). */
  private siblings(): string[] {
    const m = /^(.*?)\d+$/.exec(basename(this.path));
    if (!m || !this.path.startsWith('/')) return [];
    const dir = dirname(this.path);
    try {
      return readdirSync(dir)
        .filter((n) => n !== basename(this.path) && n.startsWith(m[1]) && /^\d+$/.test(n.slice(m[1].length)))
        .map((n) => join(dir, n))
        .filter((p) => existsSync(p))
        .sort();
    } catch {
      return [];
    }
  }
}

/**
 * Whether the USB adapter behind a port (its real path) has a serial number, from sysfs: the tty's
 * device is the USB interface (ttyACM) or a port below it (ttyUSB), under the USB device, which has
 * a `serial` file only when the adapter reports one. Null where sysfs does not say (macOS, Windows,
 * a pseudo-terminal).
 */
function hasUsbSerial(real: string, sysTtyDir: string): boolean | null {
  try {
    let dir = realpathSync(join(sysTtyDir, basename(real), 'device'));
    for (let up = 0; up < 3; up++, dir = dirname(dir)) if (existsSync(join(dir, 'idVendor'))) return existsSync(join(dir, 'serial'));
  } catch {
    /* no such tty in sysfs */
  }
  return null;
}

/** How long udev may take to add a new port's /dev/serial/by-id name after the port itself. */
export const UDEV_NAMING_MS = 1_500;

/** How long ago a port's node (or link) appeared, ms; infinite where that cannot be read. */
function ageMs(path: string): number {
  try {
    return Math.max(0, Date.now() - lstatSync(path).ctimeMs);
  } catch {
    return Infinity;
  }
}

/**
 * Which node a port is (its path's target): a port replugged, or another device plugged in its
 * place, is a new node (a new pty, a /dev/ttyUSBn made again, with its creation time), while one
 * left in place keeps it (reading and writing a tty never change it). Null where the port is no
 * file to look at (Windows' COM ports) or is not there.
 */
export function portNode(path: string): string | null {
  if (!path.startsWith('/')) return null;
  try {
    const s = statSync(path);
    return `${s.dev}:${s.ino}:${s.rdev}:${s.ctimeMs}`;
  } catch {
    return null;
  }
}

function realOrSame(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

export interface SerialPortEntry {
  path: string;
  manufacturer?: string;
  serialNumber?: string;
  vendorId?: string;
  productId?: string;
  /** Our guess at what is attached (the OpenBCI dongle is an FTDI FT231X, 0403:6015). */
  guess?: 'openbci-dongle';
}

const FTDI_VENDOR = '0403';
const FT231X_PRODUCT = '6015';

/**
 * Serial ports on this machine. serialport lists them through udevadm on Linux, which containers
 * often lack (and its missing binary crashes the process from a child-process error), so without
 * udevadm we read /dev ourselves. Pseudo-terminals are never listed: the user types their path.
 */
export async function listSerialPorts(): Promise<SerialPortEntry[]> {
  let entries: SerialPortEntry[];
  if (process.platform === 'linux' && !onPath('udevadm')) entries = listLinuxDev();
  else {
    try {
      entries = (await SerialPort.list()).map((p) => ({
        path: p.path,
        ...(p.manufacturer ? { manufacturer: p.manufacturer } : {}),
        ...(p.serialNumber ? { serialNumber: p.serialNumber } : {}),
        ...(p.vendorId ? { vendorId: p.vendorId.toLowerCase() } : {}),
        ...(p.productId ? { productId: p.productId.toLowerCase() } : {}),
      }));
    } catch (e) {
      throw new DeviceError('unavailable', `listing serial ports failed: ${(e as Error).message}`);
    }
  }
  return entries.map((p) => (p.vendorId === FTDI_VENDOR && p.productId === FT231X_PRODUCT ? { ...p, guess: 'openbci-dongle' as const } : p));
}

function onPath(bin: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((d) => d && existsSync(join(d, bin)));
}

/**
 * The ports under `devDir` and what their `byIdDir` names say about them. Each by-id name is read
 * on its own: a dangling one (an adapter pulled before udev removed its name, a stale link left
 * behind) is skipped, not the names after it. `devDir`, `byIdDir`: tests point them elsewhere.
 */
export function listLinuxDev(devDir = '/dev', byIdDir = SERIAL_BY_ID_DIR): SerialPortEntry[] {
  // Keyed by the real node, which is what a by-id name resolves to; each entry keeps its path.
  const out = new Map<string, SerialPortEntry>();
  try {
    for (const n of readdirSync(devDir)) if (/^tty(USB|ACM|AMA|XRUSB|WCH)\d+$|^rfcomm\d+$/.test(n)) out.set(realOrSame(join(devDir, n)), { path: join(devDir, n) });
  } catch {
    /* no /dev: no ports */
  }
  let names: string[] = [];
  try {
    // Sorted: the same names give the same entries whatever order the folder lists them in.
    names = readdirSync(byIdDir).sort();
  } catch {
    /* no by-id folder */
  }
  for (const n of names) {
    let real: string;
    try {
      real = realpathSync(join(byIdDir, n));
    } catch {
      continue; // dangling: no port behind it
    }
    const e = out.get(real) ?? { path: real };
    // by-id names look like usb-FTDI_FT231X_USB_UART_DM00XXXX-if00-port0
    const m = /^usb-(.+?)_(.+)-if\d+/.exec(n);
    if (m) e.manufacturer = m[1].replace(/_/g, ' ');
    if (/FT231X/i.test(n)) {
      e.vendorId = FTDI_VENDOR;
      e.productId = FT231X_PRODUCT;
    }
    out.set(real, e);
  }
  return [...out.values()].sort((a, b) => a.path.localeCompare(b.path));
}
