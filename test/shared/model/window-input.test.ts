// Windows → model tensors: channel selection by the contract, µV ÷ 100, layout, presence, bad input.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { absentReasonText, absentWhyText, prepareWindow, unusableCountsText } from '../../../src/shared/model/window-input';
import { anyChannels, labelledChannels } from '../../../src/shared/model/config';
import { ModelError, ModelErrorCode } from '../../../src/shared/model/model-error';
import type { InputContract } from '../../../src/shared/model/model.types';
import type { ModalityBlock, QualityFlag, SyncWindow } from '../../../src/shared/window.types';

const contract: InputContract = { rateHz: 200, windowSeconds: 2, eeg: labelledChannels(['Fz', 'Cz']), ecg: anyChannels(1, 12) };

function block(modality: 'eeg' | 'ecg', channels: string[], value: (c: number, i: number) => number, samples = 400): ModalityBlock {
  const data = new Float32Array(channels.length * samples);
  for (let c = 0; c < channels.length; c++) for (let i = 0; i < samples; i++) data[c * samples + i] = value(c, i);
  return { modality, present: true, channels, data, quality: [], streamIds: ['s'] };
}

function win(eeg: ModalityBlock | null, ecg: ModalityBlock | null, over: Partial<SyncWindow> = {}): SyncWindow {
  const absent = (m: 'eeg' | 'ecg'): ModalityBlock => ({ modality: m, present: false, absentReason: 'no-device', channels: [], data: new Float32Array(0), quality: [], streamIds: [] });
  return { seq: 1, startTime: 100, rateHz: 200, samples: 400, eeg: eeg ?? absent('eeg'), ecg: ecg ?? absent('ecg'), ...over };
}

const isBad = (re: RegExp) => (e: unknown) => e instanceof ModelError && e.code === ModelErrorCode.BadWindow && re.test(e.message);

describe('prepareWindow', () => {
  test('picks the contract’s channels in its order, scales µV ÷ 100, lays out [1, C, N, 200]', () => {
    const eeg = block('eeg', ['EEG Cz', 'EEG Pz', 'EEG Fz'], (c, i) => c * 1000 + i);
    const ecg = block('ecg', ['ECG'], (_, i) => -i);
    const p = prepareWindow(win(eeg, ecg), contract);
    assert.deepEqual(p.fed, ['eeg', 'ecg']);
    assert.deepEqual(p.feeds.eeg.dims, [1, 2, 2, 200]);
    // Fz (source channel 2) first, then Cz (source channel 0).
    assert.equal(p.feeds.eeg.data[0], 20);
    assert.equal(p.feeds.eeg.data[399], Math.fround((2000 + 399) / 100));
    assert.equal(p.feeds.eeg.data[400], 0);
    assert.equal(p.feeds.eeg.data[401], Math.fround(0.01));
    assert.deepEqual(p.feeds.ecg.dims, [1, 1, 2, 200]);
    assert.equal(p.feeds.ecg.data[250], -2.5);
    assert.deepEqual(Array.from(p.feeds.eeg_present.data), [1]);
    assert.deepEqual(Array.from(p.feeds.ecg_present.data), [1]);
  });

  test('an absent modality gets a one-patch stand-in and presence 0; the reason is kept', () => {
    const p = prepareWindow(win(block('eeg', ['Fz', 'Cz'], () => 1), null), contract);
    assert.deepEqual(p.fed, ['eeg']);
    assert.deepEqual(p.feeds.ecg.dims, [1, 1, 1, 200]);
    assert.deepEqual(Array.from(p.feeds.ecg_present.data), [0]);
    assert.equal(p.absent.ecg, 'no-device');
    // The dashboard says why in words, never the code.
    assert.equal(absentReasonText(p.absent.ecg!), 'no device connected');
    for (const r of ['no-device', 'gap', 'starting', 'warming-up', 'bad-quality'] as const) assert.doesNotMatch(absentReasonText(r), new RegExp(`^${r}$`));
  });

  test('bad windows: NaN, wrong rate, wrong length, missing channels, nothing present', () => {
    assert.throws(() => prepareWindow(win(block('eeg', ['Fz', 'Cz'], (c, i) => (c === 1 && i === 7 ? NaN : 0)), null), contract), isBad(/EEG channel Cz holds NaN at sample 7/));
    assert.throws(() => prepareWindow(win(null, null), contract), isBad(/no modality of the model is present in this window \(EEG: no device connected; ECG: no device connected\)/));
    assert.throws(() => prepareWindow(win(block('eeg', ['Fz', 'Cz'], () => 0), null, { rateHz: 250 }), contract), isBad(/250 Hz, the model reads 200 Hz/));
    assert.throws(() => prepareWindow(win(block('eeg', ['Fz', 'Cz'], () => 0, 300), null, { samples: 300 }), contract), isBad(/300 samples \(1.50 s\), the model reads 2 s = 400/));
    assert.throws(() => prepareWindow(win(block('eeg', ['TP9', 'AF7'], () => 0), null), contract), isBad(/EEG does not fit the model: missing Fz, Cz/));
  });

  test("a modality withheld for its quality keeps what made its channels unusable (per flag, the channels), said in the Windows panel's words", () => {
    const q = (label: string, ...flags: QualityFlag[]) => ({ label, score: 0, flags, rmsUv: 0, lineNoiseRatio: 0 });
    const withheld = (m: 'eeg' | 'ecg', quality: ReturnType<typeof q>[]): ModalityBlock => ({ modality: m, present: false, absentReason: 'bad-quality', channels: quality.map((c) => c.label), data: new Float32Array(0), quality, streamIds: ['s'] });
    const eeg = block('eeg', ['Fz', 'Cz'], () => 1);
    const p = prepareWindow(win(eeg, withheld('ecg', [q('ECG', 'no-qrs', 'line-noise')])), contract);
    assert.equal(p.absent.ecg, 'bad-quality');
    assert.deepEqual(p.unusable, { ecg: { 'no-qrs': 1 } }, 'the lead without a QRS, counted');
    assert.equal(absentWhyText(p.absent.ecg!, p.unusable.ecg), 'its one channel shows no QRS');
    assert.equal(absentWhyText(p.absent.ecg!, p.unusable.ecg, 'ECG'), 'ECG shows no QRS', 'named when the label is known');
    // A channel with no cause of a zero score: no counts, the generic words.
    const unknown = prepareWindow(win(eeg, withheld('ecg', [q('ECG', 'line-noise')])), contract);
    assert.deepEqual(unknown.unusable, {});
    assert.equal(absentWhyText('bad-quality', unknown.unusable.ecg), 'signal quality too poor on every channel');
    assert.equal(absentWhyText('gap', { flat: 2 }), 'a gap in its stream', 'counts name only a quality reason');
    assert.deepEqual(prepareWindow(win(eeg, win(null, null).ecg), contract).unusable, {}, 'no device: nothing counted');
    assert.equal(unusableCountsText({ flat: 17, railed: 2 }), 'every channel unusable: 17 flat, 2 railed');
    assert.equal(unusableCountsText({ flat: 0 }), null);
    // With nothing left to feed the model the skip says why, flags and all.
    const eegFlat = withheld('eeg', [q('Fz', 'flat'), q('Cz', 'flat', 'missing')]);
    assert.throws(() => prepareWindow(win(eegFlat, withheld('ecg', [q('ECG', 'no-qrs')])), contract), isBad(/no modality of the model is present in this window \(EEG: every channel flat; ECG shows no QRS\)/));
  });
});
