// Shared by the training commands' tests: an in-memory CliIo, a scratch folder with a runs folder
// that must stay empty (every case here is refused before a run folder is made), and a stand-in
// EEGMAT folder (the up-front checks list its file names and read a file's format from its first bytes).
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CliUsageError, type CliCommand } from '../../../src/main/core/cli-command';
import type { DbClient } from '../../../src/main/db/db-client';
import { packChunks } from '../../../src/main/db/sample-codec';
import type { Modality } from '../../../src/shared/stream.types';
import { tempDir } from '../db/db-test-util';

/** The first bytes of an EDF file (its version field): what the up-front checks read of a recording's format. */
export const EDF_SIGNATURE = '0       ';

export interface Scratch {
  dir: string;
  /** The --out runs folder. */
  runs: string;
  /** A folder holding stand-in Subject00..03_1/2.edf (EDF_SIGNATURE only). */
  eegmat: string;
}

export function scratch(t: { after(fn: () => void): void }): Scratch {
  const dir = tempDir(t, 'hm-train-cli-');
  const eegmat = join(dir, 'eegmat');
  mkdirSync(eegmat);
  // An EDF's signature and nothing more: the checks see an EDF file; a job that started would fail at its header.
  for (let s = 0; s < 4; s++) for (const k of [1, 2]) writeFileSync(join(eegmat, `Subject0${s}_${k}.edf`), EDF_SIGNATURE);
  return { dir, runs: join(dir, 'runs'), eegmat };
}

/**
 * Runs the command and expects a usage error matching every pattern, with no run folder made under
 * `runs` (its --out). A command that wrongly accepted its flags would start a job, which fails
 * within seconds on the empty stand-in recordings and leaves a run folder: reported here.
 */
export async function refuses(cmd: CliCommand, argv: string[], runs: string, ...patterns: RegExp[]): Promise<string> {
  const out: string[] = [];
  let message = '';
  await assert.rejects(
    cmd.run([...argv, '--out', runs], { out: (l) => out.push(l), err: (l) => out.push(l) }),
    (e: Error) => {
      assert.ok(e instanceof CliUsageError, `a usage error, got ${e.name}: ${e.message}`);
      message = e.message;
      return true;
    },
  );
  for (const p of patterns) assert.match(message, p);
  assert.ok(!existsSync(runs) || readdirSync(runs).length === 0, `no run folder: ${existsSync(runs) ? readdirSync(runs).join(', ') : ''}`);
  return message;
}

/**
 * Gives recorded session `sessionId` (started at `startTime`) one second of flat signal per modality
 * (a one-channel 100 Hz stream each): enough for the checks before a run, which ask whether it
 * holds samples of the modalities a dataset needs; far too short for a window, so a run that
 * started on it fails fast.
 */
export async function addSignals(db: DbClient, sessionId: number, startTime: number, modalities: Modality[]): Promise<void> {
  let seq = 0;
  for (const modality of modalities) {
    const info = { id: `sim-${modality}/${modality}`, deviceId: `sim-${modality}`, deviceName: `Simulated ${modality}`, deviceModel: 'sim', modality, nominalRateHz: 100, channels: [{ label: modality === 'eeg' ? 'Cz' : modality.toUpperCase(), unit: 'uV', resolution: 1 }] };
    const streamId = await db.api.addStream(sessionId, { device: { deviceKey: info.deviceId, name: info.deviceName, model: 'sim', serial: '', transport: 'sim' }, info });
    const chunks = Array.from({ length: 10 }, (_, k) => ({ seq: seq++, deviceTime: k * 0.1, hostTime: startTime + (k + 1) * 0.1, count: 10, data: new Float32Array(10) }));
    await db.api.appendBatch({ sessionId, blocks: [{ streamId, chunks: packChunks(chunks) }], gaps: [] });
  }
}

/**
 * A recorded, complete session in `db` (1000–1300 s on the host clock) holding `markers` (labels at
 * 1010 s, 1100 s, … 90 s apart) and one second of signal per modality in `modalities` (addSignals).
 */
export async function addSession(db: DbClient, name: string, opts: { markers?: string[]; modalities?: Modality[] } = {}): Promise<number> {
  const id = await db.api.createSession({ name, startTime: 1000, appVersion: 'test', origin: 'recorded', state: 'complete', endTime: 1300 });
  for (const [i, label] of (opts.markers ?? []).entries()) await db.api.addMarker(id, { time: 1010 + 90 * i, label, source: 'api' });
  if (opts.modalities?.length) await addSignals(db, id, 1000, opts.modalities);
  return id;
}
