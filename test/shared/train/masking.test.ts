// Pretraining masks: CBraMod's Bernoulli patch mask for EEG and the dual (lead + temporal) mask for
// ECG, deterministic in (seed, step, window) and independent of batch position.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_ECG_MASK, DEFAULT_EEG_MASK, drawMask, maskedFraction, validateMask } from '../../../src/shared/train/masking';
import { TrainError } from '../../../src/shared/train/train.types';

describe('EEG patch mask', () => {
  test('about half the patches, the same for the same (seed, step, window), different across steps', () => {
    const a = drawMask(DEFAULT_EEG_MASK, 64, 19, 30, 42, 7);
    assert.ok(Math.abs(maskedFraction(a) - 0.5) < 0.01, `fraction ${maskedFraction(a)}`);
    assert.deepEqual(a, drawMask(DEFAULT_EEG_MASK, 64, 19, 30, 42, 7));
    assert.notDeepEqual(a, drawMask(DEFAULT_EEG_MASK, 64, 19, 30, 42, 8));
    assert.notDeepEqual(a, drawMask(DEFAULT_EEG_MASK, 64, 19, 30, 43, 7));
  });

  test('a window keeps its mask wherever it sits in the batch', () => {
    const m = drawMask(DEFAULT_EEG_MASK, 3, 4, 5, 1, 2, [10, 11, 12]);
    const swapped = drawMask(DEFAULT_EEG_MASK, 3, 4, 5, 1, 2, [12, 10, 11]);
    assert.deepEqual(m.subarray(0, 20), swapped.subarray(20, 40));
    assert.deepEqual(m.subarray(40, 60), swapped.subarray(0, 20));
  });

  test('every sample masks something and keeps something visible, even a single patch pair', () => {
    for (let step = 0; step < 200; step++) {
      const m = drawMask(DEFAULT_EEG_MASK, 1, 1, 2, 5, step);
      assert.equal(m[0] + m[1], 1, `step ${step}: one patch masked, one visible`);
    }
  });
});

describe('ECG dual mask', () => {
  test('12 leads: about a quarter of the leads masked whole, half of the time patches of the rest, the same patches in every visible lead', () => {
    const L = 12;
    const N = 10;
    let wholeLeads = 0;
    let visiblePatchFraction = 0;
    const B = 200;
    const m = drawMask(DEFAULT_ECG_MASK, B, L, N, 9, 3);
    for (let b = 0; b < B; b++) {
      const row = m.subarray(b * L * N, (b + 1) * L * N);
      const visible: number[] = [];
      for (let l = 0; l < L; l++) {
        const lead = row.subarray(l * N, (l + 1) * N);
        if (lead.every((v) => v === 1)) wholeLeads++;
        else visible.push(l);
      }
      assert.ok(visible.length >= 1, 'never every lead');
      // Shared temporal mask: every visible lead has the same pattern.
      const first = row.subarray(visible[0] * N, (visible[0] + 1) * N);
      for (const l of visible) assert.deepEqual(row.subarray(l * N, (l + 1) * N), first, `example ${b}: lead ${l} shares the visible leads' temporal mask`);
      visiblePatchFraction += first.reduce((s, v) => s + v, 0) / N;
    }
    assert.ok(Math.abs(wholeLeads / B - 3) < 0.4, `whole leads per sample ${wholeLeads / B}`);
    assert.ok(Math.abs(visiblePatchFraction / B - 0.5) < 0.08, `temporal fraction ${visiblePatchFraction / B}`);
  });

  test('one lead: temporal masking only, never the whole lead', () => {
    const m = drawMask(DEFAULT_ECG_MASK, 500, 1, 5, 3, 0);
    for (let b = 0; b < 500; b++) {
      const s = m.subarray(b * 5, b * 5 + 5).reduce((a, v) => a + v, 0);
      assert.ok(s >= 1 && s <= 4, `window ${b} masks ${s} of 5 patches, expected 1 to 4`);
    }
    assert.ok(Math.abs(maskedFraction(m) - 0.5) < 0.06, `masked fraction ${maskedFraction(m)}, expected 0.5 ± 0.06`);
  });

  test('per-lead temporal masks differ between leads; the ratios are validated', () => {
    const m = drawMask({ ...DEFAULT_ECG_MASK, leadRatio: 0, temporal: 'per-lead' }, 1, 4, 30, 1, 0);
    assert.notDeepEqual(m.subarray(0, 30), m.subarray(30, 60));
    assert.throws(() => validateMask({ ...DEFAULT_ECG_MASK, leadRatio: 1 }), (e: TrainError) => e.code === 'bad-config' && /leadRatio/.test(e.message));
    assert.throws(() => validateMask({ kind: 'eeg', patchRatio: 0 }), /masks nothing/);
  });

  test('a ratio that is not a number never passes: NaN, and the null a NaN becomes in config.json', () => {
    for (const bad of [NaN, null, undefined, '0.5', Infinity]) {
      const x = bad as unknown as number;
      assert.throws(() => validateMask({ kind: 'eeg', patchRatio: x }), (e: TrainError) => e.code === 'bad-config' && /mask\.patchRatio must be a number in \[0, 1\)/.test(e.message), String(bad));
      assert.throws(() => validateMask({ ...DEFAULT_ECG_MASK, leadRatio: x }), /mask\.leadRatio must be a number/, String(bad));
      assert.throws(() => validateMask({ ...DEFAULT_ECG_MASK, patchRatio: x }), /mask\.patchRatio must be a number/, String(bad));
    }
    const roundTripped = JSON.parse(JSON.stringify({ kind: 'eeg', patchRatio: NaN })) as { kind: 'eeg'; patchRatio: number };
    assert.throws(() => validateMask(roundTripped), /got null/);
  });
});
