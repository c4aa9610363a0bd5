// The pretraining loop on a tiny encoder: the loss falls, the same seed gives the same weights, a
// run paused and resumed from its checkpoint ends bit-identical to one that went straight through,
// and a loss that turns NaN stops the run with a message (nothing broken is written).
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { init, random } from '@jax-js/jax';
import { encoderWithLayers } from '../../../src/shared/model/config';
import { initEncoderHostParams } from '../../../src/shared/model/params';
import { encode, hostTensorToJax } from '../../../src/shared/model/jax-model';
import { batchTensor } from '../../../src/shared/train/batches';
import { pretrainEncoder, type PretrainMeta } from '../../../src/shared/train/pretrain';
import { ADAMW_DEFAULTS } from '../../../src/shared/train/optimizer';
import { DEFAULT_ECG_MASK, DEFAULT_EEG_MASK } from '../../../src/shared/train/masking';
import { decodeCheckpoint, encodeCheckpoint, type Checkpoint } from '../../../src/shared/train/checkpoint';
import { TrainError, type PretrainConfig } from '../../../src/shared/train/train.types';
import { TINY_ENCODER, sineItems } from './tiny';

before(async () => {
  await init('wasm');
});

const cfg = (over: Partial<PretrainConfig> = {}): PretrainConfig => ({
  modality: 'eeg',
  encoder: TINY_ENCODER,
  mask: DEFAULT_EEG_MASK,
  optimizer: { ...ADAMW_DEFAULTS, lr: 3e-3 },
  epochs: 3,
  batchSize: 4,
  maxSteps: null,
  checkpointEverySteps: 100,
  seed: 42,
  ...over,
});

// Two channel counts: batches are grouped by montage.
const corpus = [...sineItems(8, 3, 2, 1), ...sineItems(4, 2, 2, 2)];
const flat = (p: Record<string, { data: Float32Array }>) => Object.keys(p).sort().flatMap((k) => Array.from(p[k].data));

describe('training-mode convolutions', () => {
  test('the training path (banded-matmul ACPE, shifted-matmul convs) computes what inference does', async () => {
    const e = { ...encoderWithLayers(1), dropout: 0 };
    const p = initEncoderHostParams(e, 3, { withProjOut: false });
    const x = sineItems(3, 19, 5, 9);
    const run = async (train: boolean) => {
      const params = Object.fromEntries(Object.entries(p).map(([k, v]) => [k, hostTensorToJax(v)]));
      const out = encode(e, params, batchTensor(x), train ? { train: true, key: random.key(1) } : {});
      return (await out.features.data()) as Float32Array;
    };
    const [a, b] = [await run(false), await run(true)];
    let worst = 0;
    a.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - b[i]))));
    assert.ok(worst < 1e-4, `max |Δ| ${worst}`);
  });
});

describe('pretrainEncoder', () => {
  test('the masked-patch loss falls and the same seed gives the same weights', async () => {
    const losses: number[] = [];
    const a = await pretrainEncoder(cfg({ epochs: 6 }), corpus, { onStep: (s) => losses.push(s.loss) });
    assert.equal(a.steps, 18, '3 batches per epoch (2 of 3 channels, 1 of 2) × 6');
    assert.ok(a.epochLoss[5] < a.epochLoss[0] * 0.8, `epoch losses ${a.epochLoss.map((x) => x.toFixed(3))}`);
    const b = await pretrainEncoder(cfg({ epochs: 6 }), corpus);
    assert.deepEqual(flat(b.params), flat(a.params));
    assert.ok('proj_out.0.weight' in a.params && 'patch_embedding.mask_encoding' in a.params, 'the pretraining params hold proj_out.0.weight and mask_encoding');
    assert.ok(a.params['patch_embedding.mask_encoding'].data.every((v) => v === 0), 'the mask token stays the zero vector');
  });

  test('pause at step 4, resume from the checkpoint: the same weights as straight through', async () => {
    const straight = await pretrainEncoder(cfg({ mask: DEFAULT_ECG_MASK, modality: 'ecg' }), corpus);
    let saved: Uint8Array | null = null;
    let n = 0;
    await assert.rejects(
      pretrainEncoder(cfg({ mask: DEFAULT_ECG_MASK, modality: 'ecg' }), corpus, {
        onStep: () => n++,
        control: () => (n === 4 ? 'pause' : 'run'),
        onCheckpoint: (ck) => {
          saved = encodeCheckpoint(ck);
        },
      }),
      (e: TrainError) => e.code === 'paused' && /step 4 of 9/.test(e.message),
    );
    const ck = decodeCheckpoint<PretrainMeta>(saved!) as Checkpoint<PretrainMeta>;
    assert.equal(ck.meta.step, 4);
    const resumed = await pretrainEncoder(cfg({ mask: DEFAULT_ECG_MASK, modality: 'ecg' }), corpus, {}, { resume: ck });
    assert.equal(resumed.steps, 9);
    assert.deepEqual(flat(resumed.params), flat(straight.params));
  });

  test('a loss that becomes NaN stops the run with a message; cancel stops at once', async () => {
    const huge = sineItems(4, 2, 2, 3, 1e38);
    await assert.rejects(pretrainEncoder(cfg(), huge), (e: TrainError) => e.code === 'nan-loss' && /step 1/.test(e.message) && /checkpoints are intact/.test(e.message));
    await assert.rejects(pretrainEncoder(cfg(), corpus, { control: () => 'cancel' }), (e: TrainError) => e.code === 'cancelled');
    await assert.rejects(pretrainEncoder(cfg(), []), (e: TrainError) => e.code === 'bad-dataset');
    await assert.rejects(pretrainEncoder(cfg({ mask: DEFAULT_ECG_MASK }), corpus), (e: TrainError) => e.code === 'bad-config' && /needs an eeg mask/.test(e.message));
  });
});
