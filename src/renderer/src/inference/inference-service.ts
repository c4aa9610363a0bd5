// Live inference for the whole page: follows the core's active model, loads it into the worker,
// feeds it every synchronised window, keeps the recent estimates for the dashboard, and reports the
// predictions back to the core (stored with the session being recorded). One per page; it keeps
// running while the user moves between views.
import type { ModelReadiness, ModelSummary, PredictionReport } from '../../../shared/ipc/models.schema';
import type { ModelCard } from '../../../shared/model/model.types';
import type { HeartMindClient } from '../transport/client';
import { messageOf } from '../shell/error-message';
import { InferenceClient } from './inference-client';
import type { BackendPreference, LoadedInfo, WindowResult } from './inference.types';
import { parseThreadPreference, type ThreadPreference } from './wasm-threads';
import { addTrendPoint, type TrendPoint } from './trend';

/** Trend kept per task (the dashboard shows the last minutes). */
export const TREND_SECONDS = 600;
const LATENCIES_KEPT = 120;
const REPORT_EVERY_MS = 1000;

export interface InferenceState {
  models: ModelSummary[];
  readiness: ModelReadiness | null;
  userDir: string | null;
  card: ModelCard | null;
  loaded: LoadedInfo | null;
  loading: string | null;
  /** Why the active model is not running (load failure, the worker died), if so. */
  error: string | null;
  /**
   * The latest window whose run failed while the model stayed loaded: that window's problem, shown
   * beside the estimates and cleared by the next window answered (it never hides the model's answers).
   */
  windowError: { seq: number; message: string } | null;
  last: WindowResult | null;
  trend: Record<string, TrendPoint[]>;
  /** Per-window run time (ms), most recent last. */
  latencies: number[];
  dropped: number;
  /**
   * The last skipped window (input the model cannot read) and why, until a later window is answered:
   * a note about a window long past, under estimates flowing again, read as a current problem.
   */
  skipped: { seq: number; message: string } | null;
  windowsRun: number;
  prefer: BackendPreference;
  /** WASM threads asked for ('auto' = one core left to the page); what ORT runs with is loaded.threads. */
  threads: ThreadPreference;
}

type Listener = (s: InferenceState) => void;

export class InferenceService {
  readonly state: InferenceState = {
    models: [],
    readiness: null,
    userDir: null,
    card: null,
    loaded: null,
    loading: null,
    error: null,
    windowError: null,
    last: null,
    trend: {},
    latencies: [],
    dropped: 0,
    skipped: null,
    windowsRun: 0,
    prefer: 'auto',
    threads: 'auto',
  };
  private readonly listeners = new Set<Listener>();
  private worker: InferenceClient | null = null;
  private outbox: PredictionReport[] = [];
  private loadToken = 0;
  /** The revision (ModelSummary.revision) of the model loaded or loading: a new one on disk is loaded again. */
  private revision: string | null = null;
  private readonly stops: (() => void)[] = [];

  constructor(private readonly client: HeartMindClient) {
    const stored = localStorage.getItem('hm.inferenceBackend');
    if (stored === 'wasm' || stored === 'webgpu' || stored === 'auto') this.state.prefer = stored;
    this.state.threads = parseThreadPreference(localStorage.getItem('hm.inferenceThreads')) ?? 'auto';
    this.stops.push(
      client.on('models:changed', (m) => this.apply(m.models, m.readiness)),
      client.on('pipeline:window', (m) => {
        if (this.state.loaded && this.state.readiness?.ok) this.worker?.submit(m.window);
      }),
      client.onConnection((s) => {
        if (s !== 'open') return;
        // A core that restarted numbers its windows from 0 again: a skip noted under the old
        // numbering would wait for a window past its number (tens of minutes) before it cleared.
        this.state.skipped = null;
        void this.refresh();
      }),
    );
    const timer = setInterval(() => void this.flush(), REPORT_EVERY_MS);
    this.stops.push(() => clearInterval(timer));
  }

  subscribe(l: Listener): () => void {
    this.listeners.add(l);
    l(this.state);
    return () => this.listeners.delete(l);
  }

  private emit(): void {
    for (const l of this.listeners) l(this.state);
  }

  async refresh(): Promise<void> {
    try {
      const r = await this.client.invoke('hm:models:list');
      this.state.userDir = r.userDir;
      this.apply(r.models, r.readiness);
    } catch (e) {
      this.state.error = `cannot list models: ${messageOf(e)}`;
      this.emit();
    }
  }

  /** Makes a model active in the core (the change comes back as models:changed). */
  async select(id: string | null): Promise<void> {
    await this.client.invoke('hm:models:select', { id });
  }

  setPreference(prefer: BackendPreference): void {
    if (prefer === this.state.prefer) return;
    this.state.prefer = prefer;
    localStorage.setItem('hm.inferenceBackend', prefer);
    this.restartWorker();
  }

  setThreads(threads: ThreadPreference): void {
    if (threads === this.state.threads) return;
    this.state.threads = threads;
    localStorage.setItem('hm.inferenceThreads', String(threads));
    this.restartWorker();
  }

  /**
   * ORT fixes its build (WebGPU-capable or CPU-only) and WASM thread count when its runtime starts,
   * once per worker: a new backend preference or thread count needs a new worker.
   */
  private restartWorker(): void {
    const id = this.state.loaded?.modelId ?? this.state.readiness?.activeId ?? null;
    this.unload();
    this.worker?.dispose();
    this.worker = null;
    if (id && this.state.readiness?.ok) void this.load(id, this.state.models.find((m) => m.id === id)?.revision ?? null);
    else this.emit();
  }

  private apply(models: ModelSummary[], readiness: ModelReadiness): void {
    this.state.models = models;
    this.state.readiness = readiness;
    const want = readiness.ok ? readiness.activeId : null;
    const have = this.state.loaded?.modelId ?? this.state.loading;
    // The same id with new files (re-exported, reinstalled, copied over) is a new model: load it again,
    // or the page would go on running the old weights under the new card's name.
    const wantRevision = want ? (models.find((m) => m.id === want)?.revision ?? null) : null;
    // The active model stays loaded while its inputs are away for a moment (a replay's seek
    // withdraws and re-announces its streams; a device reconnects): unloading would fetch and
    // compile it again, tens of MB, each time. Windows reach it only while it is ready.
    const inputsAway = !readiness.ok && have !== null && have === readiness.activeId && (models.find((m) => m.id === have)?.revision ?? null) === this.revision;
    if (!inputsAway && (want !== have || (want !== null && wantRevision !== this.revision))) {
      this.unload();
      if (want) void this.load(want, wantRevision);
    } else if (want === null && !this.state.loaded) {
      // Nothing is to run (no model, or it does not fit the devices now): an old load failure is
      // no longer news, and shown beside the refusal it would contradict it.
      this.state.error = null;
    }
    // Its inputs gone (devices stopped, a replay seeking), the last answer is of a signal that is no
    // more: kept, it came back as current with the devices ('fed by ECG · no EEG (no device
    // connected)' beside a headset streaming again) until a new window replaced it, 5 s or more on.
    // The trend keeps its points: they are history.
    if (!readiness.ok) this.state.last = null;
    this.emit();
  }

  private unload(): void {
    this.loadToken++;
    this.revision = null;
    this.worker?.unload();
    this.state.loaded = null;
    this.state.loading = null;
    // The card goes with its model: kept while the next one loaded, it put the old model's name and
    // limitations over the "loading <new model>…" line.
    this.state.card = null;
    this.state.last = null;
    this.state.trend = {};
    this.state.latencies = [];
    this.state.error = null;
    this.state.windowError = null;
    this.state.skipped = null;
  }

  private async load(id: string, revision: string | null = null): Promise<void> {
    const token = ++this.loadToken;
    this.revision = revision;
    this.state.loading = id;
    this.state.error = null;
    this.emit();
    try {
      const { bytes, card } = await this.client.invoke('hm:models:onnx', { id });
      if (token !== this.loadToken) return;
      this.worker ??= new InferenceClient({
        result: (r) => this.onResult(r),
        skipped: (seq, message) => {
          this.state.skipped = { seq, message };
          this.emit();
        },
        error: (message, _code, seq) => {
          if (seq !== undefined) this.state.windowError = { seq, message };
          else this.state.error = message;
          this.emit();
        },
        backendChanged: (info) => {
          if (this.state.loaded?.modelId !== info.modelId) return;
          this.state.loaded = info;
          this.emit();
        },
      });
      // The transport may hand a view into a larger buffer; the worker takes ownership of a copy.
      const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
      const info = await this.worker.load(card, own, this.state.prefer, this.state.threads);
      if (token !== this.loadToken) return;
      this.state.card = card;
      this.state.loaded = info;
      this.state.loading = null;
    } catch (e) {
      if (token !== this.loadToken) return;
      this.state.loading = null;
      // Only news while the model is still to run (see apply).
      const r = this.state.readiness;
      if (r?.ok && r.activeId === id) this.state.error = `model '${id}' did not load: ${messageOf(e)}`;
    }
    this.emit();
  }

  private onResult(r: WindowResult): void {
    const s = this.state;
    s.last = r;
    s.windowError = null;
    if (s.skipped && r.seq > s.skipped.seq) s.skipped = null;
    s.windowsRun++;
    s.dropped = this.worker?.dropped ?? 0;
    s.latencies.push(r.latencyMs);
    if (s.latencies.length > LATENCIES_KEPT) s.latencies.shift();
    for (const [task, p] of Object.entries(r.probabilities)) {
      addTrendPoint((s.trend[task] ??= []), { t: r.windowTime, p }, TREND_SECONDS);
    }
    this.outbox.push({ modelId: r.modelId, windowTime: r.windowTime, seq: r.seq, probabilities: r.probabilities, fed: r.fed, absent: r.absent, unusable: r.unusable, backend: r.backend, latencyMs: r.latencyMs });
    this.emit();
  }

  private async flush(): Promise<void> {
    if (this.outbox.length === 0 || this.client.state !== 'open') return;
    const reports = this.outbox.splice(0, this.outbox.length);
    try {
      await this.client.invoke('hm:models:predictions', { reports });
    } catch {
      // The core is restarting or the connection dropped: the estimates stay on screen; storing
      // them resumes with the next batch.
    }
  }

  dispose(): void {
    for (const s of this.stops) s();
    this.worker?.dispose();
    this.worker = null;
  }
}

const services = new WeakMap<HeartMindClient, InferenceService>();

/** The page's inference service (created and started on first use). */
export function inferenceService(client: HeartMindClient): InferenceService {
  let s = services.get(client);
  if (!s) {
    s = new InferenceService(client);
    services.set(client, s);
    void s.refresh();
  }
  return s;
}

export function median(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
