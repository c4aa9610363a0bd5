// Markers from stimulus software (PsychoPy, Psychtoolbox, OpenSesame, a shell script) put on the
// shared host clock. One port number serves both:
//   UDP        one datagram = one marker  (python: sock.sendto(b"stim_on", ("127.0.0.1", 7420)))
//   WebSocket  ws://127.0.0.1:7420/markers, one text message = one marker
// A message is either plain text (the label) or JSON {"label": "...", "time"?: s, "duration"?: s};
// a JSON string ("stim-1", json.dumps of a label) is the text it holds, as is a JSON array of one
// string or number (["stim"], a Lab Streaming Layer sample); JSON null and other arrays are refused.
// `time` is host-clock seconds (Unix time, e.g. Python's time.time()); without it the marker is
// stamped when it arrives. A time more than a day from the host clock (milliseconds by mistake,
// seconds since the sender started) or a duration over a week is refused (event-time.ts), and so
// is a time outside the recording's span. Each marker is answered with JSON {ok, time, stored,
// error?, warning?} so the sender can check it landed, in the order the messages came (onSocket;
// UDP: a datagram back to the sender's address;
// a message over MAX_MARKER_MESSAGE_BYTES gets the same error reply on either transport). A label
// over MAX_MARKER_LABEL_CHARS is stored shortened, with a warning in the reply and the log: a
// sender that does not read replies (most fire-and-forget UDP scripts) keeps the event and its time,
// which a refusal would lose for good. So are JSON fields other than label, time and duration
// (ignoredFieldsWarning). On Linux, datagrams the system dropped for a full receive buffer are
// counted and said (checkDrops).
//
// Who may open the WebSocket (markerOriginPolicy): a web page the researcher happens to have open
// could otherwise connect to ws://127.0.0.1:7420/markers and write markers into the recording (a
// browser lets any page open a WebSocket to any address; only the server can refuse it, by the
// Origin header the browser sets). Accepted: clients that send no Origin (PsychoPy, Python, Node,
// MATLAB: programs, not pages), an Origin naming the endpoint itself (Python's websocket-client
// sends http://<host:port it connected to>; an address only: under a name, that is what a
// DNS-rebinding page sends), pages served from this computer (localhost, 127.x,
// [::1]: PsychoJS run locally), and the origins the researcher lists (HEARTMIND_MARKER_ORIGINS,
// `--marker-origin` of `heartmind record` and `serve`: https://run.pavlovia.org for PsychoJS on Pavlovia). Anything
// else gets HTTP 403 with a body saying why and how to allow it, and a line in the log. Listening on
// 127.0.0.1 (the default) it also refuses a Host that is no loopback name (421). UDP has no
// origin (a browser cannot send it) and is unchanged.
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { HostClock } from '../../shared/stream.types';
import { clockEventSpan, eventTimeProblem, markerDurationProblem } from '../../shared/event-time';
import { MAX_MARKER_LABEL_CHARS } from '../../shared/session.types';
import { decodeText } from '../../shared/formats/text';

export const DEFAULT_MARKER_PORT = 7420;
export const MARKER_WS_PATH = '/markers';
/** Longer messages are refused with an error reply (a marker is a label, not a payload). */
export const MAX_MARKER_MESSAGE_BYTES = 2048;
/**
 * WebSocket frames up to this size are read and answered (over MAX_MARKER_MESSAGE_BYTES: the same
 * error reply as UDP, the connection kept). Past it the ws library stops reading and the
 * connection is closed with code 1009 (message too big) once the messages before it are answered:
 * that only guards memory.
 */
export const MAX_MARKER_WS_FRAME_BYTES = 64 * 1024;

/** How long a WebSocket being closed (by its sender, or for a bad frame) waits for the replies to the messages before it (onSocket). */
export const WS_CLOSE_WAIT_MS = 5000;

/**
 * The UDP socket's receive buffer: datagrams wait there while the core's event loop is busy (a
 * database commit, a burst being stored). The OS default (212 992 bytes on Linux, 64 KiB on
 * Windows) held a few hundred small datagrams: most of a 1000-marker burst was dropped unseen.
 * 4 MiB holds several thousand. Linux caps it at net.core.rmem_max.
 */
export const MARKER_UDP_RECV_BUFFER_BYTES = 4 * 1024 * 1024;

/**
 * The receive buffer a socket was given, from what getsockopt(SO_RCVBUF) reports: Linux doubles
 * the size it sets, for its own bookkeeping, and reports the double (socket(7)), so the 4 MiB asked
 * read as 8192 KiB, and the 208 KiB of a default net.core.rmem_max (212 992 bytes) as 416 KiB
 * beside that figure in bytes. Halved there, it is the size asked for, or the cap that cut it.
 * Other systems report what they set.
 */
export function udpBufferGranted(reportedBytes: number, platform: string): number {
  return platform === 'linux' ? reportedBytes / 2 : reportedBytes;
}

/**
 * Linux: how long after a datagram the kernel's count of datagrams it dropped for this socket (its
 * receive buffer full) is read, so a burst that overflowed is said about this long after it came.
 */
export const UDP_DROP_CHECK_MS = 1000;

/**
 * The `drops` column of the one socket bound to `port` in Linux's /proc/net/udp (or udp6): datagrams
 * the kernel threw away because the socket's receive buffer was full. null when no line, or more
 * than one, names the port.
 */
export function parseUdpDrops(table: string, port: number): number | null {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  let drops: number | null = null;
  for (const line of table.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 13 || f[1].split(':')[1] !== hexPort) continue;
    if (drops !== null) return null;
    drops = Number(f[f.length - 1]);
  }
  return drops !== null && Number.isSafeInteger(drops) ? drops : null;
}

/**
 * What the log and the record bar say of `count` datagrams the system dropped (parseUdpDrops);
 * `rmemCap`: net.core.rmem_max where it kept the buffer below what was asked.
 */
export function udpDropMessage(count: number, port: number, bufferKiB: number, rmemCap: number | null): string {
  const what = count === 1 ? '1 UDP marker was' : `${count} UDP markers were`;
  const why = `lost before HeartMind could read them: the system's receive buffer for port ${port} (${bufferKiB} KiB) was full while the core was busy`;
  if (rmemCap !== null) return `${what} ${why}; Linux caps it at net.core.rmem_max (${rmemCap} bytes): raise it (sudo sysctl -w net.core.rmem_max=${MARKER_UDP_RECV_BUFFER_BYTES}) and restart, or pace the sender`;
  return `${what} ${why}; pace the sender (fewer markers back to back)`;
}

function readTextOr(path: string, otherwise: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return otherwise;
  }
}

/** Refusals after the first are counted over this long and logged as one line (see logRefusal). */
export const REFUSAL_LOG_WINDOW_MS = 10_000;

/** The error reply to a message over MAX_MARKER_MESSAGE_BYTES (UDP and WebSocket alike). */
export function oversizeMarkerError(bytes: number): string {
  return `marker message of ${bytes} bytes exceeds ${MAX_MARKER_MESSAGE_BYTES} bytes (a marker is a label of at most ${MAX_MARKER_LABEL_CHARS} characters, optional "time" and "duration")`;
}

/** What the log says of a WebSocket closed for a frame over MAX_MARKER_WS_FRAME_BYTES (it is not read, so not answered). */
export function oversizeFrameError(): string {
  return `a WebSocket message over ${MAX_MARKER_WS_FRAME_BYTES / 1024} KiB: not read, and the connection was closed (code 1009, message too big) once the messages before it were answered; a marker message holds at most ${MAX_MARKER_MESSAGE_BYTES} bytes`;
}

/** The environment variable listing the extra web origins allowed to send markers over the WebSocket. */
export const MARKER_ORIGINS_ENV = 'HEARTMIND_MARKER_ORIGINS';

/**
 * One allowed origin as configured: `https://run.pavlovia.org`, `http://192.168.1.20:8080`,
 * `https://*.pavlovia.org` (any subdomain), or `null` (pages opened from a file: Chromium and Firefox
 * send `Origin: null`, as do sandboxed frames of any site, hence only when listed).
 */
export interface OriginRule {
  scheme: 'http' | 'https' | 'null';
  /** Lower-case host; `*.` prefix for subdomains. */
  host: string;
  /** The port as written, '' for the scheme's default. */
  port: string;
}

/**
 * Parses the allow-list (comma- or space-separated). Entries that are not an origin (a path, no
 * scheme, another scheme) are returned in `problems`, each saying why, and left out.
 */
export function parseMarkerOrigins(list: readonly string[] | string | undefined): { rules: OriginRule[]; problems: string[] } {
  const items = (typeof list === 'string' ? [list] : (list ?? [])).flatMap((x) => x.split(/[\s,]+/)).filter(Boolean);
  const rules: OriginRule[] = [];
  const problems: string[] = [];
  for (const item of items) {
    if (item === 'null') {
      rules.push({ scheme: 'null', host: '', port: '' });
      continue;
    }
    const m = /^(https?):\/\/(\*\.)?([a-z0-9.-]+|\[[0-9a-f:.]+\])(?::(\d{1,5}))?\/?$/i.exec(item);
    if (!m) {
      problems.push(`${JSON.stringify(item)} is not a web origin (scheme://host[:port], e.g. https://run.pavlovia.org or https://*.pavlovia.org; no path)`);
      continue;
    }
    rules.push({ scheme: m[1].toLowerCase() as 'http' | 'https', host: `${m[2] ?? ''}${m[3].toLowerCase()}`, port: m[4] ?? '' });
  }
  return { rules, problems };
}

/**
 * A command's `--marker-origin` values, checked, added to HEARTMIND_MARKER_ORIGINS for this process:
 * the marker endpoint reads its allow-list from the environment (as its port and host). Returns the
 * first bad value's problem, or null.
 */
export function addMarkerOriginFlags(origins: readonly string[]): string | null {
  const problem = parseMarkerOrigins(origins).problems[0];
  if (problem) return problem;
  if (origins.length) process.env[MARKER_ORIGINS_ENV] = [process.env[MARKER_ORIGINS_ENV] ?? '', ...origins].filter(Boolean).join(',');
  return null;
}

const DEFAULT_PORT: Record<string, string> = { http: '80', https: '443' };

function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host.endsWith('.localhost') || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) || host === '[::1]' || host === '::1';
}

/** An address written as such (192.168.1.20, [::1]), not a name some DNS server resolves. */
function isIpLiteral(host: string): boolean {
  return /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) || /^\[[0-9a-f:.]+\]$/i.test(host);
}

/** The host name of a Host header (`127.0.0.1:7420`, `[::1]:7420`, `localhost`), lower-case. */
function hostNameOf(hostHeader: string): string {
  const h = hostHeader.trim().toLowerCase();
  return h.startsWith('[') ? h.slice(0, h.indexOf(']') + 1) : h.replace(/:\d*$/, '');
}

/**
 * Whether a WebSocket with this Origin header may send markers, and if not, why (see the file's
 * header). `hostHeader` is the Host the client connected to.
 */
export function markerOriginPolicy(origin: string | undefined, hostHeader: string | undefined, rules: readonly OriginRule[]): { ok: true; why: string } | { ok: false; why: string } {
  if (origin === undefined || origin === '') return { ok: true, why: 'no Origin: a program, not a web page' };
  if (origin === 'null') return rules.some((r) => r.scheme === 'null') ? { ok: true, why: 'listed (null)' } : { ok: false, why: 'origin null (a page opened from a file, or a sandboxed frame of any site) is not listed' };
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return { ok: false, why: 'the Origin header is not a URL' };
  }
  const scheme = url.protocol.replace(/:$/, '');
  if (scheme !== 'http' && scheme !== 'https') return { ok: false, why: `origin scheme ${scheme} is not a web page's` };
  const host = url.hostname.toLowerCase();
  // A program's Origin naming where it connected (websocket-client's default), when that is an
  // address: under a name it is also what a DNS-rebinding page sends (its own site's name, pointed
  // at this computer once the page has loaded), and such a page wrote markers.
  if (hostHeader && url.host.toLowerCase() === hostHeader.toLowerCase() && isIpLiteral(host)) return { ok: true, why: 'the endpoint itself (websocket-client default)' };
  if (isLoopbackHost(host)) return { ok: true, why: 'a page on this computer' };
  const port = url.port || DEFAULT_PORT[scheme];
  for (const r of rules) {
    if (r.scheme !== scheme || (r.port || DEFAULT_PORT[r.scheme]) !== port) continue;
    if (r.host.startsWith('*.') ? host.endsWith(r.host.slice(1)) : host === r.host) return { ok: true, why: 'listed' };
  }
  return { ok: false, why: hostHeader && url.host.toLowerCase() === hostHeader.toLowerCase() ? 'a host name, not an address, and not listed' : 'not a page on this computer and not listed' };
}

/** The body of the 403 a refused page gets (its console shows only the status; the log says the same). */
export function originRefusal(origin: string): string {
  return `HeartMind markers: a WebSocket from ${origin} is refused. Accepted are programs (PsychoPy, Python: no Origin, or the address they connected to), pages on this computer (localhost) and the origins listed in ${MARKER_ORIGINS_ENV} (e.g. ${MARKER_ORIGINS_ENV}=https://run.pavlovia.org for PsychoJS on Pavlovia; or --marker-origin ORIGIN to heartmind serve or record). UDP markers are not affected.`;
}

export interface IncomingMarker {
  label: string;
  time: number;
  duration: number;
  source: 'udp' | 'websocket';
}

export interface MarkerAck {
  ok: boolean;
  time?: number;
  /** Whether it went into a recording (false when nothing was recording). */
  stored?: boolean;
  error?: string;
  /** Stored, but not as sent: the label was longer than MAX_MARKER_LABEL_CHARS and was shortened. */
  warning?: string;
}

export interface MarkerServerOptions {
  clock: HostClock;
  /** Stores / forwards a marker; resolves to whether it was stored in a session. */
  onMarker(marker: IncomingMarker): Promise<boolean>;
  port?: number;
  /** '127.0.0.1' by default; '0.0.0.0' lets a stimulus PC on the lab network send. */
  host?: string;
  log?(level: 'info' | 'warn', message: string): void;
  /** The UDP receive buffer asked for; default MARKER_UDP_RECV_BUFFER_BYTES. */
  udpRecvBufferBytes?: number;
  /**
   * Web origins allowed besides programs and pages on this computer (markerOriginPolicy): entries
   * as parseMarkerOrigins reads them. Default: HEARTMIND_MARKER_ORIGINS.
   */
  allowedOrigins?: readonly string[];
  /**
   * How the caller's user lists more origins, for the start line when none is listed: the app has
   * only HEARTMIND_MARKER_ORIGINS (the default); serve and record take --marker-origin as well.
   */
  originsHint?: string;
  /**
   * Every marker refused (its sender is told why in its reply, which a UDP script seldom reads; the
   * log says the first of a run): the sessions area pushes it to the pages.
   */
  onRefused?(refusal: MarkerRefusal): void;
}

/** A marker the endpoint refused: where it came from and why (the sender's reply says the same). */
export interface MarkerRefusal {
  source: IncomingMarker['source'];
  error: string;
  /** How many markers this says (several UDP datagrams the system dropped at once); 1 if absent. */
  count?: number;
}

export class MarkerError extends Error {
  override name = 'MarkerError';
}

export interface ParsedMarker {
  label: string;
  time: number;
  duration: number;
  /** The label's length as sent (UTF-16 units) when it was longer than MAX_MARKER_LABEL_CHARS and shortened. */
  shortenedFrom?: number;
  /** JSON fields other than label, time and duration were sent, not stored: what the sender is told (ignoredFieldsWarning). */
  ignoredWarning?: string;
}

/** The fields a JSON marker may have. */
const MARKER_FIELDS = ['label', 'time', 'duration'];

/**
 * What a sender and the log are told of JSON fields a marker has no place for. Said, not refused:
 * a time sent as "timestamp" or "onset" was stamped on arrival instead, without a word, and the
 * stimulus-to-marker delay it hid is what a researcher measures; refusing would lose the event.
 */
export function ignoredFieldsWarning(fields: readonly string[], timeSent: boolean): string {
  const names = fields.slice(0, 5).map((f) => JSON.stringify(f)).join(', ') + (fields.length > 5 ? ` and ${fields.length - 5} more` : '');
  return `${fields.length === 1 ? 'field' : 'fields'} ${names} ignored (a marker takes "label", "time" in host-clock seconds and "duration"); the marker was stored${timeSent ? '' : ', stamped on arrival'}`;
}

/** What a sender and the log are told about a label shortened to fit. */
export function shortenedLabelWarning(sentChars: number, storedChars: number): string {
  return `label of ${sentChars} characters shortened to its first ${storedChars} (a marker label holds at most ${MAX_MARKER_LABEL_CHARS}); the marker was stored`;
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * A message that is one JSON string ('"stim-1"', what json.dumps("stim-1") or JSON.stringify sends)
 * is the text it holds: its label was stored with the quotes and any escapes ('"stim-1"',
 * '"B\u00fchne"'). Other text, quotes and all, is its own label ('"a" b' is not JSON).
 */
function unquoteJsonString(trimmed: string): string {
  if (!(trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"'))) return trimmed;
  try {
    const value: unknown = JSON.parse(trimmed);
    return typeof value === 'string' ? value.trim() : trimmed;
  } catch {
    return trimmed;
  }
}

/**
 * A message that is JSON but no label, object or string: a JSON array holding one string or number
 * (a Lab Streaming Layer marker sample, ["stim"] or [12], as a script moving to HeartMind sends
 * it) is that value as text; JSON null and any other array are refused, saying what a marker is
 * (they were stored as the labels 'null' and '["a","b"]'). Other text is returned as it is.
 */
function unwrapJsonSample(trimmed: string): string {
  if (!(trimmed === 'null' || (trimmed.startsWith('[') && trimmed.endsWith(']')))) return trimmed;
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch {
    return trimmed; // '[block 1] start]' is text
  }
  const send = 'send one marker a message: its label as text, a JSON string, or {"label": …}';
  if (value === null) throw new MarkerError(`marker message is JSON null, which holds no label; ${send}`);
  if (!Array.isArray(value)) return trimmed;
  const [v] = value as unknown[];
  if (value.length === 1 && typeof v === 'string') return v.trim();
  if (value.length === 1 && typeof v === 'number' && Number.isFinite(v)) return String(v);
  const held = value.length === 1 ? `one ${v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v}` : `${value.length} values`;
  throw new MarkerError(`marker message is a JSON array of ${held}; a one-value array (a Lab Streaming Layer sample, ["stim"] or [12]) is its label, else ${send}`);
}

/** Parses one marker message (text, a JSON object, or a JSON string or one-value array holding either); throws MarkerError naming the problem. */
export function parseMarkerMessage(text: string, receivedAt: number): ParsedMarker {
  // (A JSON object encoded twice, json.dumps(json.dumps(marker)), is the object: its time is kept.)
  const trimmed = unquoteJsonString(unwrapJsonSample(text.trim()));
  if (!trimmed) throw new MarkerError(text.trim() ? 'empty marker label (the message is an empty JSON string)' : 'empty marker message');
  if (trimmed.startsWith('{')) {
    let obj: unknown;
    try {
      obj = JSON.parse(trimmed);
    } catch (err) {
      const lines = trimmed.split(/\r?\n/).filter((l) => l.trim());
      if (lines.length > 1 && lines.every(isJson)) throw new MarkerError(`marker message holds ${lines.length} lines of JSON: one marker a message (a datagram, or a WebSocket message, each)`);
      throw new MarkerError(`marker message starts with "{" but is not valid JSON (${(err as Error).message})`);
    }
    const o = obj as { label?: unknown; time?: unknown; duration?: unknown };
    const ignored = Object.keys(o).filter((k) => !MARKER_FIELDS.includes(k));
    // A trigger code as a number ({"label": 12}, as a parallel port sends them) is its label "12".
    const label = typeof o.label === 'number' && Number.isFinite(o.label) ? String(o.label) : o.label;
    if (typeof label !== 'string' || !label.trim()) {
      const other = ignored.length ? `; it has ${ignored.slice(0, 5).map((f) => JSON.stringify(f)).join(', ')} (field names are lower-case)` : '';
      throw new MarkerError(`JSON marker needs a non-empty "label" (a string, or a trigger code number)${o.label === undefined ? other : ''}`);
    }
    if (o.time !== undefined && (typeof o.time !== 'number' || !Number.isFinite(o.time))) throw new MarkerError('"time" must be a number (host-clock seconds)');
    if (typeof o.time === 'number') {
      const span = clockEventSpan(receivedAt);
      const problem = eventTimeProblem('"time"', o.time, span.lo, span.hi, span.where);
      if (problem) throw new MarkerError(problem);
    }
    const durationProblem = o.duration === undefined ? null : markerDurationProblem(o.duration);
    if (durationProblem) throw new MarkerError(`"duration": ${durationProblem}`);
    return { ...markerLabel(label), time: (o.time as number | undefined) ?? receivedAt, duration: (o.duration as number | undefined) ?? 0, ...(ignored.length ? { ignoredWarning: ignoredFieldsWarning(ignored, o.time !== undefined) } : {}) };
  }
  return { ...markerLabel(trimmed), time: receivedAt, duration: 0 };
}

/**
 * A label as stored: trimmed, cut to MAX_MARKER_LABEL_CHARS UTF-16 units. Control characters (binary data:
 * it was stored as a label, '\uFFFD\uFFFD\x00\x01…') are refused; tab and line breaks are text.
 */
function markerLabel(text: string): { label: string; shortenedFrom?: number } {
  const label = text.trim();
  const control = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]/.exec(label);
  if (control) throw new MarkerError(`marker label holds control character U+${control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')} at ${control.index}: binary data, not a text label`);
  if (label.length <= MAX_MARKER_LABEL_CHARS) return { label };
  // Not between the halves of a surrogate pair (an emoji cut in two left a lone surrogate, stored as U+FFFD).
  const low = label.charCodeAt(MAX_MARKER_LABEL_CHARS);
  return { label: label.slice(0, low >= 0xdc00 && low <= 0xdfff ? MAX_MARKER_LABEL_CHARS - 1 : MAX_MARKER_LABEL_CHARS), shortenedFrom: label.length };
}

export class MarkerServer {
  private udp: Socket | null = null;
  private http: Server | null = null;
  private wss: WebSocketServer | null = null;
  private boundPort = 0;
  private readonly warnedEncoding = new Set<IncomingMarker['source']>();
  private readonly throttled = new Map<string, { count: number; timer: ReturnType<typeof setTimeout> }>();
  /** Linux: the table holding the UDP socket's drop count, what it said last, and the check due (checkDrops). */
  private dropTable: string | null = null;
  private dropsSeen = 0;
  private dropCheck: ReturnType<typeof setTimeout> | null = null;
  private udpBufferKiB = 0;
  /** net.core.rmem_max where it is below the buffer asked (Linux). */
  private rmemCap: number | null = null;
  /** The UDP replies, sent in the order the datagrams came (onDatagram). */
  private udpReplies: Promise<void> = Promise.resolve();
  private readonly originRules: OriginRule[];
  private readonly originProblems: string[];

  constructor(private readonly opts: MarkerServerOptions) {
    const { rules, problems } = parseMarkerOrigins(opts.allowedOrigins ?? process.env[MARKER_ORIGINS_ENV]);
    this.originRules = rules;
    this.originProblems = problems;
  }

  /** The port both endpoints listen on (useful with port 0 in tests). */
  get port(): number {
    return this.boundPort;
  }

  async start(): Promise<void> {
    const host = this.opts.host ?? '127.0.0.1';
    const wanted = this.opts.port ?? DEFAULT_MARKER_PORT;
    // TCP first: with port 0 the OS picks one, and UDP then takes the same number.
    const http = createServer((_req, res) => {
      res.writeHead(426, { 'content-type': 'text/plain' }).end(`HeartMind markers: connect a WebSocket to ${MARKER_WS_PATH}, or send UDP datagrams to this port\n`);
    });
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(wanted, host, () => resolve());
    });
    this.http = http;
    this.boundPort = (http.address() as AddressInfo).port;
    // Text frames that are not UTF-8 are read as Windows-1252, as datagrams are (handleBytes): the
    // ws library's check closed the connection (1007) on 'Bühne' from E-Prime, unanswered and unlogged.
    const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MARKER_WS_FRAME_BYTES, skipUTF8Validation: true });
    this.wss = wss;
    wss.on('connection', (ws) => this.onSocket(ws));
    http.on('upgrade', (req, socket, head) => this.onUpgrade(wss, req, socket, head));
    for (const p of this.originProblems) this.opts.log?.('warn', `${MARKER_ORIGINS_ENV}: ${p}; left out`);

    const udp = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    try {
      await new Promise<void>((resolve, reject) => {
        udp.once('error', reject);
        udp.bind(this.boundPort, host, () => resolve());
      });
    } catch (err) {
      udp.close();
      await this.stop();
      throw err;
    }
    let buffer: string;
    const asked = this.opts.udpRecvBufferBytes ?? MARKER_UDP_RECV_BUFFER_BYTES;
    try {
      udp.setRecvBufferSize(asked);
      const granted = udpBufferGranted(udp.getRecvBufferSize(), process.platform);
      this.udpBufferKiB = Math.round(granted / 1024);
      buffer = `${this.udpBufferKiB} KiB${granted === asked ? ', as asked' : ''}`;
    } catch (err) {
      buffer = `the system's default, ${(err as Error).message}`;
    }
    udp.on('error', (err) => this.opts.log?.('warn', `marker UDP socket: ${err.message}`));
    udp.on('message', (msg, rinfo) => this.onDatagram(msg, rinfo));
    this.udp = udp;
    if (process.platform === 'linux') {
      // Datagrams dropped for a full buffer are counted by the kernel, and said (checkDrops).
      const table = host.includes(':') ? '/proc/net/udp6' : '/proc/net/udp';
      const drops = parseUdpDrops(readTextOr(table, ''), this.boundPort);
      if (drops !== null) [this.dropTable, this.dropsSeen] = [table, drops];
      const rmemMax = Number(readTextOr('/proc/sys/net/core/rmem_max', 'NaN'));
      if (rmemMax < asked) {
        this.rmemCap = rmemMax;
        buffer += `, not the ${Math.round(asked / 1024)} KiB asked: net.core.rmem_max is ${rmemMax} bytes, so a burst of more than a few hundred markers while the core is busy is lost, and counted in the log; sudo sysctl -w net.core.rmem_max=${MARKER_UDP_RECV_BUFFER_BYTES} raises it`;
      }
    }
    // The buffer granted is logged: Linux caps it at net.core.rmem_max (a burst then needs that raised).
    this.opts.log?.('info', `udp://${host}:${this.boundPort} and ws://${host}:${this.boundPort}${MARKER_WS_PATH} (UDP receive buffer ${buffer})`);
    const listed = this.originRules.map((r) => (r.scheme === 'null' ? 'null' : `${r.scheme}://${r.host}${r.port ? `:${r.port}` : ''}`));
    this.opts.log?.('info', `WebSocket open to programs and pages on this computer${listed.length ? ` and to ${listed.join(', ')}` : ` (web pages elsewhere, e.g. PsychoJS on Pavlovia, need ${this.opts.originsHint ?? MARKER_ORIGINS_ENV})`}`);
  }

  async stop(): Promise<void> {
    if (this.dropCheck) {
      // What a burst just before the stop lost is still said.
      clearTimeout(this.dropCheck);
      this.dropCheck = null;
      await this.checkDrops();
    }
    for (const key of [...this.throttled.keys()]) this.flushThrottled(key);
    const udp = this.udp;
    this.udp = null;
    if (udp) await new Promise<void>((resolve) => udp.close(() => resolve()));
    for (const c of this.wss?.clients ?? []) c.terminate();
    this.wss?.close();
    this.wss = null;
    const http = this.http;
    this.http = null;
    if (http) await new Promise<void>((resolve) => http.close(() => resolve()));
  }

  private async handle(text: string, source: IncomingMarker['source']): Promise<MarkerAck> {
    const receivedAt = this.opts.clock.now();
    try {
      const { shortenedFrom, ignoredWarning, ...m } = parseMarkerMessage(text, receivedAt);
      const stored = await this.opts.onMarker({ ...m, source });
      // Said after it is stored: a marker the store refuses gets that error alone.
      const warnings: string[] = [];
      if (shortenedFrom !== undefined) {
        warnings.push(shortenedLabelWarning(shortenedFrom, m.label.length));
        this.logThrottled(source, 'shortened', `marker from ${source}: ${warnings[warnings.length - 1]}`);
      }
      if (ignoredWarning) {
        warnings.push(ignoredWarning);
        this.logThrottled(source, 'ignored', `marker from ${source}: ${ignoredWarning}`);
      }
      return warnings.length ? { ok: true, time: m.time, stored, warning: warnings.join('; ') } : { ok: true, time: m.time, stored };
    } catch (err) {
      const message = (err as Error).message ?? String(err);
      this.logRefusal(source, message);
      return { ok: false, error: message };
    }
  }

  private onDatagram(msg: Buffer, rinfo: RemoteInfo): void {
    if (this.dropTable !== null && this.dropCheck === null) {
      this.dropCheck = setTimeout(() => {
        this.dropCheck = null;
        void this.checkDrops();
      }, UDP_DROP_CHECK_MS);
      this.dropCheck.unref?.();
    }
    const ack = this.handleBytes(msg, 'udp');
    this.udpReplies = this.udpReplies
      .then(async () => {
        this.udp?.send(JSON.stringify(await ack), rinfo.port, rinfo.address);
      })
      .catch((err: Error) => this.opts.log?.('warn', `marker UDP reply: ${err.message}`));
  }

  /**
   * Linux: datagrams the kernel dropped since the last check (the receive buffer was full: a burst
   * while the core was busy). No sender hears of them (nothing arrived to reply to), so the log says
   * them, counted like refusals, and the pages count them with the refused (onRefused). Checked a
   * second after a datagram comes, not on a timer: a buffer that overflows has datagrams waiting.
   */
  private async checkDrops(): Promise<void> {
    if (this.dropTable === null) return;
    const drops = parseUdpDrops(await readFile(this.dropTable, 'utf8').catch(() => ''), this.boundPort);
    if (drops === null || drops <= this.dropsSeen) return;
    const count = drops - this.dropsSeen;
    this.dropsSeen = drops;
    const message = udpDropMessage(count, this.boundPort, this.udpBufferKiB, this.rmemCap);
    this.logThrottled('udp', 'dropped', message, count);
    this.opts.onRefused?.({ source: 'udp', error: message, count });
  }

  /**
   * Says a refusal in the log: the first at once, then how many more in each following
   * REFUSAL_LOG_WINDOW_MS. The sender gets every error in its reply; the log (500 lines, shared
   * with the devices and the pipeline) was flooded by a sender stuck on one mistake (time in
   * milliseconds at 100 markers/s pushed every other line out within 5 s).
   */
  private logRefusal(source: IncomingMarker['source'], message: string): void {
    this.logThrottled(source, 'refused', `marker from ${source} refused: ${message}`);
    this.opts.onRefused?.({ source, error: message });
  }

  /** One line per source and kind at once, then how many more in each following REFUSAL_LOG_WINDOW_MS (logRefusal). */
  private logThrottled(source: IncomingMarker['source'], kind: 'refused' | 'shortened' | 'ignored' | 'origin' | 'dropped', line: string, count = 1): void {
    const key = `${source} ${kind}`;
    const pending = this.throttled.get(key);
    if (pending) {
      pending.count += count;
      return;
    }
    this.opts.log?.('warn', line);
    const timer = setTimeout(() => this.flushThrottled(key), REFUSAL_LOG_WINDOW_MS);
    timer.unref?.();
    this.throttled.set(key, { count: 0, timer });
  }

  private flushThrottled(key: string): void {
    const pending = this.throttled.get(key);
    if (!pending) return;
    clearTimeout(pending.timer);
    this.throttled.delete(key);
    if (pending.count === 0) return;
    const [source, kind] = key.split(' ');
    if (kind === 'origin') {
      this.opts.log?.('warn', `${pending.count} more WebSocket connections refused for their origin in ${REFUSAL_LOG_WINDOW_MS / 1000} s`);
      return;
    }
    if (kind === 'dropped') {
      this.opts.log?.('warn', `${pending.count} more UDP markers lost in ${REFUSAL_LOG_WINDOW_MS / 1000} s (the system's receive buffer for port ${this.boundPort} was full)`);
      return;
    }
    const what = kind === 'refused' ? `markers from ${source} refused` : kind === 'shortened' ? `markers from ${source} stored with their labels shortened` : `markers from ${source} stored with fields ignored`;
    this.opts.log?.('warn', `${pending.count} more ${what} in ${REFUSAL_LOG_WINDOW_MS / 1000} s (each sender was told ${kind === 'refused' ? 'why' : 'so'} in its reply)`);
  }

  /** A message as received: refused when over MAX_MARKER_MESSAGE_BYTES, else parsed and stored. */
  private handleBytes(bytes: Buffer, source: IncomingMarker['source']): Promise<MarkerAck> {
    if (bytes.length > MAX_MARKER_MESSAGE_BYTES) {
      const error = oversizeMarkerError(bytes.length);
      this.logRefusal(source, error);
      return Promise.resolve({ ok: false, error });
    }
    // A C program's string terminator (sendto(buf, strlen(buf) + 1)) is not part of the label:
    // it was stored as 'stim\u0000', and JSON with it was refused as invalid.
    let end = bytes.length;
    while (end > 0 && bytes[end - 1] === 0) end--;
    // Not UTF-8: Windows-1252, what E-Prime and Presentation send ('Bühne' was stored 'B\uFFFDhne').
    const { text, encoding } = decodeText(bytes, 0, end);
    if (encoding !== 'utf-8' && !this.warnedEncoding.has(source)) {
      this.warnedEncoding.add(source);
      this.opts.log?.('warn', `a marker from ${source} is not UTF-8: read as Windows-1252 (said once); send UTF-8 to be sure of non-ASCII labels`);
    }
    return this.handle(text, source);
  }

  /** The WebSocket handshake: the path, then the Origin (markerOriginPolicy); refused with 404/403 and a body saying why. */
  private onUpgrade(wss: WebSocketServer, req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const refuse = (status: number, reason: string, body: string) => {
      socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    };
    socket.on('error', () => socket.destroy());
    if ((req.url ?? '').split('?')[0] !== MARKER_WS_PATH) return refuse(404, 'Not Found', `HeartMind markers: connect to ${MARKER_WS_PATH}\n`);
    const origin = req.headers.origin;
    // Listening on this computer only, it answers only to this computer's names: a site's name
    // pointed here (DNS rebinding) is refused whatever its page sends (as serve's server does).
    const host = req.headers.host;
    if (host !== undefined && isLoopbackHost(this.opts.host ?? '127.0.0.1') && !isLoopbackHost(hostNameOf(host))) {
      const body = `HeartMind markers: this endpoint listens on this computer only and answers to its loopback address (ws://127.0.0.1:${this.boundPort}${MARKER_WS_PATH}), not to the name ${host}`;
      this.logThrottled('websocket', 'origin', `refused a WebSocket from ${origin ?? '(no Origin)'} (Host ${host} is not this computer's loopback address)`);
      return refuse(421, 'Misdirected Request', `${body}\n`);
    }
    const verdict = markerOriginPolicy(origin, req.headers.host, this.originRules);
    if (!verdict.ok) {
      this.logThrottled('websocket', 'origin', `refused a WebSocket from ${origin} (${verdict.why}): ${originRefusal(origin!)}`);
      return refuse(403, 'Forbidden', `${originRefusal(origin!)}\n`);
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  }

  /**
   * Replies go in the order the messages came, each after the one before: a refusal is answered at
   * once and a stored marker after the database, so 'a' then '{bad' was answered error first, and a
   * sender matching replies to what it sent, in order (the reply names no label), blamed 'a'. The
   * messages are still handled (stamped, checked, stored) as they come.
   */
  private onSocket(ws: WebSocket): void {
    let replies: Promise<void> = Promise.resolve();
    // The ws library closes the connection at once when the sender closes it (a script that sends a
    // marker and closes, a connection per marker) and when a frame breaks the protocol (over
    // MAX_MARKER_WS_FRAME_BYTES: 1009; it stops reading), and nothing may follow a close frame (RFC
    // 6455 §5.5.1): the replies to the messages before it, still being stored, were lost, so the
    // sender heard nothing of markers that were stored. The close waits for them (at most
    // WS_CLOSE_WAIT_MS); a bad frame itself gets no reply (the log and the pages say it).
    const close = ws.close.bind(ws);
    ws.close = (code?: number, reason?: string | Buffer) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const waited = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, WS_CLOSE_WAIT_MS);
        timer.unref?.();
      });
      void Promise.race([replies, waited]).then(() => {
        clearTimeout(timer);
        close(code, reason);
      });
    };
    ws.on('error', (err: Error & { code?: string }) => {
      this.logRefusal('websocket', err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' ? oversizeFrameError() : `the WebSocket was closed: ${err.message}`);
    });
    ws.on('message', (data) => {
      // (the default binaryType: one Buffer, or fragments to join)
      const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as Buffer);
      const ack = this.handleBytes(bytes, 'websocket');
      // (a link that failed must not stop the ones after it)
      replies = replies
        .then(async () => {
          const reply = JSON.stringify(await ack);
          if (ws.readyState === ws.OPEN) ws.send(reply);
        })
        .catch((err: Error) => this.opts.log?.('warn', `marker WebSocket reply: ${err.message}`));
    });
  }
}
