// The small fixtures of the tests that run a model over a recorded session (`heartmind sessions
// predict`, the library's Run model): 16 s of EEGMAT Subject00_1 (19 EEG channels and an ECG lead)
// imported as a session, and a 1-layer model exported as the app exports models, installed in the
// profile's models/ folder; and a model for another montage (AF7 for Fp1), which the session does not fit.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DbClient, databasePathFor } from '../../../src/main/db/db-client';
import { toSessionImport, transferablesOf } from '../../../src/main/sessions/import-recording';
import { writeModelDir } from '../../../src/main/model/registry';
import { importEdf } from '../../../src/shared/formats/edf';
import type { ImportedRecording } from '../../../src/shared/formats/recording.types';
import { defaultFusedConfig, TASK_MENTAL_ARITHMETIC } from '../../../src/shared/model/config';
import { initHostParams } from '../../../src/shared/model/params';
import { exportRegistryModel } from '../../../src/shared/onnx/export';
import type { ModelCard } from '../../../src/shared/model/model.types';
import { EEGMAT_DIR } from '../../shared/model/eegmat-windows';

export const PREDICT_MODEL = 'predict-test';
export const WRONG_MONTAGE_MODEL = 'wrong-montage';
export const PREDICT_SECONDS = 16;

/** The first `seconds` of a recording (every stream cut at the same time). */
function firstSeconds(rec: ImportedRecording, seconds: number): ImportedRecording {
  return {
    ...rec,
    streams: rec.streams.map((s) => {
      const seg = s.segments[0];
      const n = Math.min(seg.count, Math.round(seconds * s.rateHz));
      const data = new Float32Array(s.channels.length * n);
      for (let c = 0; c < s.channels.length; c++) data.set(seg.data.subarray(c * seg.count, c * seg.count + n), c * n);
      return { ...s, segments: [{ ...seg, count: n, data }] };
    }),
  };
}

export interface PredictFixture {
  sessionId: number;
  card: ModelCard;
  onnx: Uint8Array;
  /** The imported recording (its first PREDICT_SECONDS). */
  recording: ImportedRecording;
}

/** Installs the models in `<dataDir>/models` and imports the session into `<dataDir>`'s library. */
export async function predictFixture(dataDir: string): Promise<PredictFixture> {
  const config = defaultFusedConfig([TASK_MENTAL_ARITHMETIC], { nLayers: 1 });
  const { card, onnx } = exportRegistryModel(
    {
      id: PREDICT_MODEL,
      name: 'predict test',
      description: 'one layer, seeded weights',
      config,
      windowSeconds: 5,
      input: { rateHz: 200, windowSeconds: 5, eeg: { channels: ['Fp1', 'Fp2', 'F3', 'F4', 'C3', 'C4', 'P3', 'P4', 'O1', 'O2', 'F7', 'F8', 'T3', 'T4', 'T5', 'T6', 'Fz', 'Cz', 'Pz'], minChannels: 19, maxChannels: 19, unit: 'uV', scaleDivisor: 100 }, ecg: { channels: 'any', minChannels: 1, maxChannels: 1, unit: 'uV', scaleDivisor: 100 } },
      training: { data: ['none'], procedure: 'not trained', provenance: 'test/main/sessions/predict-fixture.ts' },
      evaluation: { protocol: 'not evaluated', metrics: [] },
      licence: { model: 'MIT', data: [] },
      limitations: [],
    },
    initHostParams(config, 7),
  );
  await writeModelDir(join(dataDir, 'models'), card, onnx);
  // An EEG contract on a 10-20 cap the session lacks: a model for another montage.
  const eeg = card.input.eeg!;
  const other = { ...card, id: WRONG_MONTAGE_MODEL, input: { ...card.input, eeg: { ...eeg, channels: eeg.channels === 'any' ? 'any' : eeg.channels.map((c, i) => (i === 0 ? 'AF7' : c)) } } } as ModelCard;
  await writeModelDir(join(dataDir, 'models'), other, onnx);
  const file = resolve(EEGMAT_DIR, 'Subject00_1.edf');
  const recording = firstSeconds(importEdf(new Uint8Array(readFileSync(file)), 'Subject00_1.edf'), PREDICT_SECONDS);
  const db = await DbClient.open({ path: databasePathFor(dataDir) });
  try {
    const imp = toSessionImport(recording, { name: 'rest, 16 s' }, { appVersion: 'test', now: 1_800_000_000, sourcePath: file });
    return { sessionId: (await db.callTransferring('importSession', transferablesOf(imp), imp)).id, card, onnx, recording };
  } finally {
    await db.close();
  }
}
