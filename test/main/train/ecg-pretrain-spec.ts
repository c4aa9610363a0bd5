// The smallest real training job the runner tests start: ECG pretraining only, on one or two
// recordings of ../shared/data, batch 2 and a checkpoint every step, nothing evaluated or exported.
import { existsSync } from 'node:fs';
import type { JobSpec, SourceSpec } from '../../../src/shared/train/job.types';
import { corpusWindowing, pretrainConfig, QUICK_ENCODER } from '../../../src/shared/train/recipes';
import { dataPath } from '../../fixtures/shared-data';

/** `false`, or why a test that trains on LUDB skips. */
export const NEED_LUDB: string | false = !existsSync(dataPath('wfdb-ludb')) && 'needs ../shared/data/wfdb-ludb';

/** LUDB record 1: 2 windows, so at batch 2 every step ends an epoch (and writes its log line). */
export const LUDB_ONLY = { name: 'LUDB', sources: [{ kind: 'file', path: dataPath('wfdb-ludb', '1.hea'), subject: 'ludb' }] as SourceSpec[] };

/** LUDB record 1 and a macecgdb record (made under 60-Hz mains): two subjects. */
export const LUDB_AND_MACE = {
  name: 'LUDB + macecgdb',
  sources: [...LUDB_ONLY.sources, { kind: 'file', path: dataPath('wfdb-macecgdb', 'test01_00s.hea'), subject: 'mace', mainsHz: 60 }] as SourceSpec[],
};

/** ECG pretraining for `steps` steps on `corpus`, seed 7. */
export function ecgPretrainSpec(name: string, steps: number, corpus: { name: string; sources: SourceSpec[] }): JobSpec {
  const cfg = { ...pretrainConfig('ecg', QUICK_ENCODER, 7, false, steps), batchSize: 2, checkpointEverySteps: 1 };
  return {
    kind: 'pretrain',
    name,
    seed: 7,
    dataset: null,
    corpora: { ecg: { name: corpus.name, sources: corpus.sources, task: null, labels: { kind: 'none' }, windowing: corpusWindowing('ecg', 50) } },
    pretrain: { ecg: cfg },
    encoders: { ecg: { kind: 'pretrain' } },
    finetune: null,
    evaluation: null,
    finalFit: false,
    export: null,
  };
}
