// Shared helpers for benchmarks: their flags, the machine they ran on, repeatable timing, tidy printing.
// Benchmarks print figures; they never assert (tests assert behaviour).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CliUsageError, numberFlag, parseFlags, type NumberRule } from '../src/main/core/cli-command';
import type { ChannelInfo, StreamInfo } from '../src/shared/stream.types';

/** One flag of a benchmark. `help` is its line in `--help`; `hidden` flags are the ones a benchmark passes to a child process of its own. */
export type BenchFlag =
  | { type: 'number'; rule?: NumberRule; default?: number; defaultText?: string; value?: string; help: string; hidden?: boolean }
  | { type: 'string'; default?: string; defaultText?: string; value?: string; help: string; hidden?: boolean }
  | { type: 'boolean'; help: string; hidden?: boolean };

type FlagValue<F> = F extends { type: 'boolean' } ? boolean : F extends { type: 'number'; default: number } ? number : F extends { type: 'number' } ? number | undefined : F extends { default: string } ? string : string | undefined;
export type BenchFlagValues<S extends Record<string, BenchFlag>> = { -readonly [K in keyof S]: FlagValue<S[K]> };

/** The `--help` text of a benchmark: what it measures, then each flag with its default. */
export function benchUsage(script: string, summary: string, spec: Record<string, BenchFlag>): string {
  const shown = Object.entries(spec).filter(([, f]) => !f.hidden);
  const left = shown.map(([name, f]) => `--${name}${f.type === 'boolean' ? '' : ` ${f.value ?? (f.type === 'number' ? 'N' : 'VALUE')}`}`);
  const width = Math.max(6, ...left.map((l) => l.length));
  const lines = shown.map(([, f], i) => {
    const dflt = f.type === 'boolean' ? undefined : (f.defaultText ?? (f.default === undefined ? undefined : String(f.default)));
    return `  ${left[i].padEnd(width)}  ${f.help}${dflt === undefined ? '' : ` (default ${dflt})`}`;
  });
  return [`node --import tsx ${script} [flags]`, summary, '', 'flags (--name value or --name=value):', ...lines, `  ${'--help'.padEnd(width)}  this text`].join('\n');
}

/**
 * A benchmark's flags, read strictly (node:util parseArgs through the CLI's parseFlags): `--name value`
 * and `--name=value` both, numbers checked (the message names the flag and the bad value), an unknown
 * flag or a stray argument refused with the list of known flags, `--help` printing the usage. Each of
 * those ends the process (help: 0, a mistake: 2) before the benchmark starts, so call this before any
 * work: a misspelt flag used to be ignored and a full-length run started with the default.
 */
export function benchFlags<const S extends Record<string, BenchFlag>>(moduleUrl: string, summary: string, spec: S, argv = process.argv.slice(2)): BenchFlagValues<S> {
  const script = `bench/${basename(fileURLToPath(moduleUrl))}`;
  const usage = benchUsage(script, summary, spec);
  const options: Record<string, { type: 'string' | 'boolean' }> = { help: { type: 'boolean' } };
  for (const [name, f] of Object.entries(spec)) options[name] = { type: f.type === 'boolean' ? 'boolean' : 'string' };
  try {
    const parsed = parseFlags(argv, options);
    const values = parsed.values as Record<string, string | boolean | undefined>;
    const positionals = parsed.positionals;
    if (values.help) {
      console.log(usage);
      process.exit(0);
    }
    if (positionals.length) throw new CliUsageError(`unexpected argument '${positionals[0]}' (flags are --name value or --name=value)`);
    const out: Record<string, unknown> = {};
    for (const [name, f] of Object.entries(spec)) {
      const raw = values[name];
      if (f.type === 'boolean') out[name] = raw === true;
      else if (f.type === 'number') out[name] = numberFlag(raw as string | undefined, name, f.rule) ?? f.default;
      else out[name] = (raw as string | undefined) ?? f.default;
    }
    return out as BenchFlagValues<S>;
  } catch (e) {
    if (!(e instanceof CliUsageError)) throw e;
    const known = Object.entries(spec).filter(([, f]) => !f.hidden).map(([name]) => `--${name}`);
    console.error(`${script}: ${e.message}\nits flags: ${[...known, '--help'].join(', ')} (${script} --help says what each does)`);
    process.exit(2);
  }
}

/** Number rules the benchmarks share. */
export const POSITIVE: NumberRule = { above: 0 };
export const COUNT: NumberRule = { integer: true, min: 1 };
export const SEED: NumberRule = { integer: true, min: 0, max: 2 ** 32 - 1 };

/** The machine a bench runs on, in one line (CPU × cores, memory, Node, platform): header() prints it. */
export function machine(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  return `${cpu} × ${os.cpus().length}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${process.platform}-${process.arch}`;
}

/** The Python the peers run as: the distribution's, with its python3-scipy, -mne, -sklearn and -torch. */
export const PEER_PYTHON = '/usr/bin/python3';

const lastLine = (text: string | undefined): string | undefined => text?.trim().split('\n').filter(Boolean).at(-1);

/**
 * Runs a Python peer (`args`: a script and its arguments, or `-c` and code) and parses the last line
 * it prints as JSON. A missing interpreter or module, or a script that fails, gives `why`: one line
 * (the error's last, not its traceback) for the benchmark to print in place of the peer's figures.
 */
export function runPeer<T>(args: string[], opts: { input?: string; env?: NodeJS.ProcessEnv; python?: string } = {}): { value: T } | { why: string } {
  const python = opts.python ?? PEER_PYTHON;
  if (!existsSync(python)) return { why: `${python} not found` };
  const r = spawnSync(python, args, { input: opts.input, env: opts.env, encoding: 'utf8', maxBuffer: 1 << 30 });
  // (A peer that fails on import never reads its stdin: the error is then EPIPE, its stderr says why.)
  if (r.error || r.status !== 0) return { why: lastLine(r.stderr) ?? (r.error ? `${python}: ${r.error.message}` : `${python} exited with ${r.status ?? r.signal}`) };
  const line = lastLine(r.stdout);
  try {
    return { value: JSON.parse(line ?? '') as T };
  } catch {
    return { why: `no JSON result from the peer (its last line: ${line ?? 'none'})` };
  }
}

/** The machine's 1/5/15-minute load averages: a shared machine inflates a run's figures. */
export function loadAverages(): string {
  return `${os.loadavg().map((x) => x.toFixed(1)).join(' / ')} (1/5/15 min)`;
}

/**
 * A bench's heading: its title, then in one line the machine it runs on and the load averages as it
 * starts (on a shared machine the load explains slow figures; four benches printed it, each in its
 * own words, the others not at all). Every bench calls it first (test/scripts/bench-header.test.ts).
 */
export function header(title: string): void {
  console.log(`\n## ${title}\n${machine()}; load ${loadAverages()} at start\n`);
}

/** Runs `fn` until `minMs` has passed (after `warmup` calls); returns ms per call, sorted. */
export async function timeIt(fn: () => unknown | Promise<unknown>, opts: { warmup?: number; minMs?: number; minRuns?: number } = {}): Promise<number[]> {
  const { warmup = 2, minMs = 1000, minRuns = 5 } = opts;
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  const start = performance.now();
  while (times.length < minRuns || performance.now() - start < minMs) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  return times.sort((a, b) => a - b);
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.round((p / 100) * (sorted.length - 1))));
  return sorted[i];
}

export function median(sorted: number[]): number {
  return percentile(sorted, 50);
}

/** Prints rows as an aligned table. */
export function table(rows: Record<string, string | number>[]): void {
  if (rows.length === 0) return;
  const cols = Object.keys(rows[0]);
  const fmt = (v: string | number) => (typeof v === 'number' ? (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toPrecision(3)) : v);
  const cells = rows.map((r) => cols.map((c) => String(fmt(r[c]))));
  const widths = cols.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i].length)));
  const line = (vals: string[]) => '| ' + vals.map((v, i) => v.padEnd(widths[i])).join(' | ') + ' |';
  console.log(line(cols));
  console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
  for (const r of cells) console.log(line(r));
}

/** A 5-patch (5 s at 200 Hz) model input of `channels` rows with EEG-like amplitudes (µV ÷ 100); latency does not depend on the values. */
export function sineWindow(channels: number, patches = 5): Float32Array {
  return new Float32Array(channels * patches * 200).map((_, i) => 0.3 * Math.sin(i * 0.0314 + (i % 7)) + 0.05 * Math.cos(i * 0.21));
}

/** `n` seeded uniform-noise training windows of `channels` × `seconds` at 200 Hz (an LCG: same windows on every machine). */
export function noiseItems(n: number, channels: number, seconds: number, amp: number, seed: number): { data: Float32Array; channels: number }[] {
  let s = seed >>> 0;
  const r = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
  return Array.from({ length: n }, () => ({ data: Float32Array.from({ length: channels * seconds * 200 }, () => amp * r()), channels }));
}

/** The inputs the model benches time: a 19-channel cap and a Muse-like headset, each with a chest strap. */
export const FUSED_SETUPS = [
  { name: '19 ch EEG + 1 lead ECG', eeg: 19, ecg: 1 },
  { name: 'Muse-like 4 ch + 1 lead', eeg: 4, ecg: 1 },
];

/** Batch-1 feeds of the fused model's ONNX inputs (both modalities present), for any ORT's Tensor. */
export function fusedFeeds<T>(Tensor: new (type: 'float32', data: Float32Array, dims: number[]) => T, eeg: number, ecg: number, patches = 5): Record<string, T> {
  return {
    eeg: new Tensor('float32', sineWindow(eeg, patches), [1, eeg, patches, 200]),
    ecg: new Tensor('float32', sineWindow(ecg, patches), [1, ecg, patches, 200]),
    eeg_present: new Tensor('float32', new Float32Array([1]), [1]),
    ecg_present: new Tensor('float32', new Float32Array([1]), [1]),
  };
}

/** µV per count of a Cyton (ADS1299) channel at gain 24: 4.5 V / 24 / (2^23 − 1). */
export const CYTON_GAIN24_RES_UV = (4.5 / 24 / (2 ** 23 - 1)) * 1e6;

/** The recording benches' two devices: an amplifier's EEG stream ('amp/eeg') and a strap's ECG stream ('strap/ecg'). */
export function benchStreams(eeg: { hz: number; channels: Omit<ChannelInfo, 'label'> & { count: number } }, ecg: { hz: number; channels: ChannelInfo[] }): { eegInfo: StreamInfo; ecgInfo: StreamInfo } {
  const { count, ...eegChannel } = eeg.channels;
  const info = (device: string, name: string, modality: 'eeg' | 'ecg', nominalRateHz: number, channels: ChannelInfo[]): StreamInfo => ({
    id: `${device}/${modality}`,
    deviceId: device,
    deviceName: name,
    deviceModel: 'bench',
    modality,
    nominalRateHz,
    channels,
  });
  return {
    eegInfo: info('amp', 'Bench amplifier', 'eeg', eeg.hz, Array.from({ length: count }, (_, i) => ({ label: `E${i + 1}`, ...eegChannel }))),
    ecgInfo: info('strap', 'Bench strap', 'ecg', ecg.hz, ecg.channels),
  };
}
