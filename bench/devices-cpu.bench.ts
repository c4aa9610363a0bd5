// Real-device load on the core process, and how fast drops are noticed and recovered from.
//  1. CPU of this process (the core's role) with an OpenBCI Cyton streaming at 250 Hz over a real
//     pseudo-terminal (the emulated board runs in a separate process, not counted) and a Polar H10
//     at 130 Hz (frames produced at the real rate by the in-process radio emulator and fed through
//     the real driver), through the real hub, with and without the recorder writing SQLite; and the
//     Polar emulator alone, which every row counts (the app's own share is the row less it).
//  2. Drop → detected → resumed times: Cyton unplugged (socat killed) and replugged, Polar out of
//     range and back, a Muse that goes silent with its link up (caught by the stall watchdog).
// Run: node --import tsx bench/devices-cpu.bench.ts [--seconds 10] [--repeats 3]
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { benchFlags, COUNT, header, median, POSITIVE, table } from './bench-util';
import { StreamHub } from '../src/main/hub/hub';
import { Recorder } from '../src/main/recorder/recorder';
import { DbClient } from '../src/main/db/db-client';
import { createSystemClock } from '../src/main/sources/host-clock';
import { ManagedSource } from '../src/main/devices/device-source';
import { CytonDriver } from '../src/main/devices/drivers/cyton-driver';
import { PolarDriver } from '../src/main/devices/drivers/polar-driver';
import { MuseDriver } from '../src/main/devices/drivers/muse-driver';
import { EmulatedCentral, EmulatedMuse, EmulatedPolarH10 } from '../src/main/devices/emulator/ble-emulator';
import { encodePmdStartEcg } from '../src/shared/devices/polar/polar-commands';
import { PMD_CONTROL_POINT_UUID, PMD_DATA_UUID, PMD_SERVICE_UUID } from '../src/shared/devices/polar/polar.types';

const { seconds: SECONDS, repeats: REPEATS } = benchFlags(import.meta.url, 'Core CPU with an emulated Cyton (pseudo-terminal) and Polar H10, and drop → detected → resumed times.', {
  seconds: { type: 'number', rule: POSITIVE, default: 10, help: 'seconds of CPU measured per setup' },
  repeats: { type: 'number', rule: COUNT, default: 3, help: 'drops and resumes timed per device' },
});
const clock = createSystemClock();
const tmp = mkdtempSync(join(tmpdir(), 'hm-devbench-'));
const RECORDING = resolve('..', 'shared', 'data', 'openbci-gui', 'OpenBCI_GUI-v6-blinks-jawClench-alpha.txt');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

if (spawnSync('socat', ['-V'], { stdio: 'ignore' }).status !== 0) {
  console.log('socat is not installed: the Cyton parts of this benchmark need it (apt-get install socat)');
  process.exit(0);
}

class Pty {
  proc: ChildProcess | null = null;
  constructor(readonly app: string, readonly dev: string) {}
  async plug(): Promise<void> {
    this.proc = spawn('socat', [`pty,raw,echo=0,link=${this.app}`, `pty,raw,echo=0,link=${this.dev}`], { stdio: 'ignore' });
    while (!existsSync(this.app) || !existsSync(this.dev)) await sleep(5);
  }
  async unplug(): Promise<void> {
    const p = this.proc;
    this.proc = null;
    if (!p) return;
    const gone = new Promise((r) => p.once('exit', r));
    p.kill('SIGTERM');
    await gone;
  }
}

/** The emulated dongle in its own process, so its CPU is not counted. */
async function startEmulator(path: string, reopen = false): Promise<ChildProcess> {
  const args = ['--import', 'tsx', 'src/main/devices/emulator/run-emulator.ts', 'cyton', path, ...(existsSync(RECORDING) ? ['--recording', RECORDING] : []), ...(reopen ? ['--reopen'] : [])];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((res, rej) => {
    child.stdout!.once('data', () => res());
    child.once('exit', (c) => rej(new Error(`emulator exited with ${c}`)));
  });
  return child;
}

async function stopChild(c: ChildProcess): Promise<void> {
  if (c.exitCode !== null) return;
  const gone = new Promise((r) => c.once('exit', r));
  c.kill('SIGTERM');
  await gone;
}

header('Real devices: core CPU, drop detection and recovery');

// ── 1. CPU ──────────────────────────────────────────────────────────────────────────────────
/** CPU of this process, every thread, over SECONDS after a 2-s warm-up, and the rate of `count`. */
async function cpuOf(count: () => number): Promise<{ c: NodeJS.CpuUsage; wall: number; rate: number }> {
  await sleep(2000); // warm up: JIT, first windows
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const v0 = count();
  await sleep(SECONDS * 1000);
  const c = process.cpuUsage(c0);
  const wall = (performance.now() - t0) / 1000;
  return { c, wall, rate: (count() - v0) / wall };
}

/**
 * The Polar H10's emulated radio alone: it runs in this process (the Cyton's emulator does not), so
 * its CPU is in every row below; this row is what to take off them for the app's own share.
 */
async function polarEmulatorRun(): Promise<Record<string, string | number>> {
  const strap = new EmulatedPolarH10('a0:9e:1a:00:be:ef');
  const link = strap.link();
  let values = 0;
  await link.subscribe(PMD_SERVICE_UUID, PMD_CONTROL_POINT_UUID, () => undefined);
  // An ECG frame: a 10-byte header, then 3 bytes a sample.
  await link.subscribe(PMD_SERVICE_UUID, PMD_DATA_UUID, (b) => void (values += (b.length - 10) / 3));
  await link.write(PMD_SERVICE_UUID, PMD_CONTROL_POINT_UUID, encodePmdStartEcg(), true);
  const { c, wall, rate } = await cpuOf(() => values);
  await link.disconnect();
  return {
    setup: 'Polar H10 emulator alone (ECG frames made at 130 Hz, no driver): part of every row below',
    'CPU % of one core': ((c.user + c.system) / 1e4 / wall).toFixed(2),
    'user ms/s': (c.user / 1000 / wall).toFixed(1),
    'system ms/s': (c.system / 1000 / wall).toFixed(1),
    'values/s in': Math.round(rate),
  };
}

async function cpuRun(mode: 'devices' | 'hub' | 'recorder'): Promise<Record<string, string | number>> {
  const withRecorder = mode === 'recorder';
  const pty = new Pty(join(tmp, 'cpu-app'), join(tmp, 'cpu-dev'));
  await pty.plug();
  const emu = await startEmulator(pty.dev);
  const strap = new EmulatedPolarH10('a0:9e:1a:00:be:ec');
  const central = new EmulatedCentral([strap]);
  const hub = new StreamHub({ clock });
  let values = 0;
  hub.subscribe({ rawChunk: (c) => (values += c.data.length), window: () => undefined });
  let db: DbClient | null = null;
  let recorder: Recorder | null = null;
  if (withRecorder) {
    db = await DbClient.open({ path: join(tmp, `cpu-${Date.now()}.sqlite`) });
    recorder = new Recorder({ db, hub, clock, appVersion: 'bench' });
    await recorder.start({ name: 'bench' });
  }
  const sources = [new ManagedSource(new CytonDriver({ path: pty.app }), { hostClock: clock }), new ManagedSource(new PolarDriver({ id: strap.id, central: async () => central }), { hostClock: clock })];
  // 'devices': the device layer alone (drivers, parsers, reconnect machines) into a sink that only counts.
  const counting = { streams() {}, chunk: (c: { data: Float32Array }) => void (values += c.data.length), gap() {}, status() {} };
  for (const src of sources) {
    if (mode === 'devices') await src.start(counting);
    else await hub.addSource(src);
  }
  const { c, wall, rate } = await cpuOf(() => values);
  if (recorder) await recorder.stop();
  if (mode === 'devices') for (const src of sources) await src.stop();
  await hub.close();
  await db?.close();
  await stopChild(emu);
  await pty.unplug();
  return {
    setup: `Cyton 8 ch @ 250 Hz (pty) + Polar H10 ECG @ 130 Hz ${mode === 'devices' ? '→ counting sink (device layer only)' : mode === 'hub' ? '→ hub (pipeline, windows, features)' : '→ hub + recorder (SQLite)'}`,
    'CPU % of one core': ((c.user + c.system) / 1e4 / wall).toFixed(2),
    'user ms/s': (c.user / 1000 / wall).toFixed(1),
    'system ms/s': (c.system / 1000 / wall).toFixed(1),
    'values/s in': Math.round(rate),
  };
}

const cpuRows = [await polarEmulatorRun(), await cpuRun('devices'), await cpuRun('hub'), await cpuRun('recorder')];
table(cpuRows);
console.log(`(${SECONDS} s each after 2 s warm-up; process.cpuUsage covers every thread of this process, the DB worker included; the Cyton's emulator runs in a process of its own, not counted, the Polar's in this one: its row)\n`);

// ── 2. Drops ────────────────────────────────────────────────────────────────────────────────
async function waitUntil(pred: () => boolean, timeoutMs = 30_000): Promise<number> {
  const t0 = performance.now();
  while (!pred()) {
    if (performance.now() - t0 > timeoutMs) throw new Error('timed out');
    await sleep(1);
  }
  return performance.now() - t0;
}

async function cytonDrops(): Promise<{ detect: number[]; resume: number[] }> {
  const pty = new Pty(join(tmp, 'drop-app'), join(tmp, 'drop-dev'));
  await pty.plug();
  // The board stays powered: its emulator reattaches as soon as the pty pair is back.
  const emu = await startEmulator(pty.dev, true);
  const hub = new StreamHub({ clock });
  let lastChunk = 0;
  hub.subscribe({ rawChunk: () => (lastChunk = performance.now()) });
  const src = new ManagedSource(new CytonDriver({ path: pty.app }), { hostClock: clock });
  await hub.addSource(src);
  const detect: number[] = [];
  const resume: number[] = [];
  for (let r = 0; r < REPEATS; r++) {
    await sleep(1000);
    const tDrop = performance.now();
    await pty.unplug();
    await waitUntil(() => src.status().state === 'reconnecting');
    detect.push(performance.now() - tDrop);
    await sleep(1500); // unplugged for a while
    const tBack = performance.now();
    await pty.plug();
    await waitUntil(() => lastChunk > tBack && src.status().state === 'streaming');
    resume.push(lastChunk - tBack);
  }
  await hub.close();
  await stopChild(emu);
  await pty.unplug();
  return { detect, resume };
}

async function bleDrops(): Promise<{ detect: number[]; resume: number[]; stall: number[] }> {
  const strap = new EmulatedPolarH10('a0:9e:1a:00:d0:0d');
  const muse = new EmulatedMuse('00:55:da:00:d0:0d');
  const central = new EmulatedCentral([strap, muse]);
  const hub = new StreamHub({ clock });
  const last = new Map<string, number>();
  hub.subscribe({ rawChunk: (c) => last.set(c.streamId.split('/')[0], performance.now()) });
  const polar = new ManagedSource(new PolarDriver({ id: strap.id, central: async () => central }), { hostClock: clock });
  const head = new ManagedSource(new MuseDriver({ id: muse.id, central: async () => central }), { hostClock: clock });
  await hub.addSource(polar);
  await hub.addSource(head);
  const detect: number[] = [];
  const resume: number[] = [];
  const stall: number[] = [];
  for (let r = 0; r < REPEATS; r++) {
    await sleep(1500);
    const t0 = performance.now();
    strap.drop();
    await waitUntil(() => polar.status().state === 'reconnecting');
    detect.push(performance.now() - t0);
    await sleep(1000);
    const tBack = performance.now();
    strap.comeBack();
    await waitUntil(() => (last.get(polar.deviceId) ?? 0) > tBack);
    resume.push((last.get(polar.deviceId) ?? 0) - tBack);

    const tFreeze = performance.now();
    muse.freeze();
    await waitUntil(() => head.status().state === 'reconnecting');
    stall.push(performance.now() - tFreeze);
    await waitUntil(() => (last.get(head.deviceId) ?? 0) > tFreeze && head.status().state === 'streaming');
  }
  await hub.close();
  return { detect, resume, stall };
}

const cy = await cytonDrops();
const ble = await bleDrops();
const ms = (a: number[]) => `${median([...a].sort((x, y) => x - y)).toFixed(0)} (${Math.min(...a).toFixed(0)}–${Math.max(...a).toFixed(0)})`;
table([
  { event: 'Cyton unplugged (pty closed)', 'detected after, ms (median, min–max)': ms(cy.detect), 'streaming again after the device is back, ms': ms(cy.resume) },
  { event: 'Polar H10 out of range (link lost)', 'detected after, ms (median, min–max)': ms(ble.detect), 'streaming again after the device is back, ms': ms(ble.resume) },
  { event: 'Muse silent with its link up', 'detected after, ms (median, min–max)': ms(ble.stall), 'streaming again after the device is back, ms': '—' },
]);
console.log(`\n${REPEATS} repeats each; retries: serial every 0.25 s doubling to 2 s, Bluetooth 0.5 s doubling to 5 s (± 20 % jitter); stall after 3 s without data.`);
console.log('Resume time depends on where in its backoff the source is when the device returns; the Cyton adds its soft-reset handshake.');
rmSync(tmp, { recursive: true, force: true });
process.exit(0);
