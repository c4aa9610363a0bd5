// Model cards: validation, the rendered text, and contract checks against connected devices.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { cardProblems, checkContract, matchChannels, renderModelCard } from '../../../src/shared/model/card';
import { sampleCard } from './sample-card';

describe('model cards', () => {
  test('a complete card has no problems; a broken one lists each', () => {
    assert.deepEqual(cardProblems(sampleCard()), []);
    const broken = { ...sampleCard(), id: 'Bad Id', licence: undefined, input: { rateHz: 200, windowSeconds: 5, eeg: { channels: [] } } };
    const p = cardProblems(broken);
    assert.ok(p.some((x) => x.startsWith('id must match')), `a problem says 'id must match': ${JSON.stringify(p)}`);
    assert.ok(p.some((x) => x.startsWith('licence.model')), `a problem names licence.model: ${JSON.stringify(p)}`);
    assert.ok(p.some((x) => x.startsWith("input.eeg.channels must be 'any'")), `a problem says input.eeg.channels must be 'any': ${JSON.stringify(p)}`);
    assert.ok(p.some((x) => x === 'input.ecg must be declared exactly when the model has an ecg encoder'), `a problem says input.ecg must match the ecg encoder: ${JSON.stringify(p)}`);
    assert.deepEqual(cardProblems('nope'), ['card.json must hold a JSON object']);
    // A rate the pipeline never cuts: usable on paper, every window skipped in the app. Refused as a card problem.
    const at250 = sampleCard();
    assert.deepEqual(cardProblems({ ...at250, input: { ...at250.input, rateHz: 250 } }), [
      "input.rateHz is 250 Hz: HeartMind's pipeline cuts windows at 200 Hz (CBraMod's patch rate), so this model could read none",
    ]);
  });

  test('the rendered text states tasks, input, training, metrics with baseline, limitations, licence', () => {
    const t = renderModelCard(sampleCard());
    for (const s of ['# EEGMAT test model (eegmat-test 1.0.0)', '**arithmetic** (binary): rest / arithmetic', 'Windows of 5 s at 200 Hz', 'EEG: 19 channels: FP1 FP2', 'ECG: 1–12 channels, any labels; µV ÷ 100', '| arithmetic | auroc | 0.810 ± 0.070 | 0.740 (no sd recorded) |', 'not an emotion detector', 'Weights: MIT', 'Architecture: EEG CBraMod 1 layer + ECG CBraMod 1 layer,']) {
      assert.ok(t.includes(s), `missing: ${s}\n${t}`);
    }
  });

  test('channel counts read in words: one channel is singular, any labels said once (the shipped card read \'any 1 channel(s)\')', () => {
    const card = sampleCard();
    const oneLead = { ...card, input: { ...card.input, ecg: { ...card.input.ecg!, channels: 'any' as const, minChannels: 1, maxChannels: 1 } } };
    const t = renderModelCard(oneLead);
    assert.ok(t.includes('- ECG: 1 channel, any label; µV ÷ 100'), `one lead in the singular:\n${t}`);
    const twelve = renderModelCard({ ...card, input: { ...card.input, ecg: { ...card.input.ecg!, channels: 'any' as const, minChannels: 12, maxChannels: 12 } } });
    assert.ok(twelve.includes('- ECG: 12 channels, any labels; µV ÷ 100'), `a fixed count in the plural:\n${twelve}`);
    assert.ok(!/channel\(s\)/.test(t + twelve), 'no channel(s) left');
    assert.deepEqual(matchChannels(oneLead.input.ecg!, ['II', 'V5']), { missing: [], reason: '2 channels, the model reads 1' });
    assert.deepEqual(matchChannels({ ...oneLead.input.ecg!, minChannels: 2, maxChannels: 2 }, ['II']), { missing: [], reason: '1 channel, the model reads 2' });
  });

  test('a card written before baselineSd is still read and rendered (the mean alone); a baselineSd that is no number is named', () => {
    const shipped = JSON.parse(readFileSync(resolve('models', 'heartmind-eegmat-arithmetic', 'card.json'), 'utf8'));
    assert.deepEqual(cardProblems(shipped), []);
    // (a mean over fewer folds than the evaluation made is marked: '0.612 ± 0.111* (11 of 12 folds)')
    const figure = String.raw`\d\.\d{3} ± \d\.\d{3}(\* \(\d+ of \d+ folds\))?`;
    assert.match(renderModelCard(shipped), new RegExp(String.raw`\| arithmetic \| auroc \| ${figure} \| ${figure} \|`), 'the shipped card gives the baseline with its fold sd');
    // A card from before baselineSd also predates the fold counts (folds, baselineFolds, evaluation.folds).
    const { folds: _folds, ...olderEvaluation } = shipped.evaluation;
    const older = { ...shipped, evaluation: { ...olderEvaluation, metrics: shipped.evaluation.metrics.map(({ baselineSd: _, folds: _f, baselineFolds: _b, ...m }: { baselineSd?: number; folds?: number; baselineFolds?: number }) => m) } };
    assert.deepEqual(cardProblems(older), []);
    assert.match(renderModelCard(older), /\| arithmetic \| auroc \| \d\.\d{3} ± \d\.\d{3} \| \d\.\d{3} \(no sd recorded\) \|/, 'an older card: the baseline\'s mean, saying it has no sd');
    const bad = sampleCard();
    bad.evaluation.metrics[0] = { ...bad.evaluation.metrics[0], baselineSd: '0.05' as unknown as number };
    assert.deepEqual(cardProblems(bad), ['evaluation metric arithmetic auroc: baselineSd must be a number']);
    const badFolds = sampleCard();
    badFolds.evaluation = { ...badFolds.evaluation, folds: 0, metrics: [{ ...badFolds.evaluation.metrics[0], folds: 1.5 }] };
    assert.deepEqual(cardProblems(badFolds), ['evaluation.folds must be a whole number ≥ 1', 'evaluation metric arithmetic auroc: folds must be a whole number ≥ 1']);
  });

  test("contract channels are found by electrodeKey, the montage's key: EDF prefixes and references, 10-10 names, padding dots", () => {
    // (the key's own rules are tested over real labels in test/shared/channel-label.test.ts)
    const contract = { channels: ['Fp1', 'T3', 'T6', 'Cz', 'II'], minChannels: 5, maxChannels: 5, unit: 'uV' as const, scaleDivisor: 100 };
    assert.deepEqual(matchChannels(contract, ['ECG II', 'EEG Fp1-REF', ' p8 ', 'EEG T7', 'Cz..']), { indices: [1, 3, 2, 4, 0] }, 'every label found');
    assert.deepEqual(matchChannels(contract, ['EEG Fp1-REF', 'T7..', 'EEG A2-A1']), { missing: ['T6', 'Cz', 'II'], reason: 'missing T6, Cz, II' }, 'the missing ones named as the card has them');
  });

  test('contract: an EEG Motor Movement/Imagery cap (dot-padded 10-10 labels) fits the 19-channel model', () => {
    const eegmmidb = ['Fc5.', 'Fp1.', 'Fpz.', 'Fp2.', 'F7..', 'F3..', 'Fz..', 'F4..', 'F8..', 'T7..', 'C3..', 'Cz..', 'C4..', 'T8..', 'P7..', 'P3..', 'Pz..', 'P4..', 'P8..', 'O1..', 'O2..'];
    const c = checkContract(sampleCard().input, { eeg: eegmmidb });
    assert.deepEqual([c.ok, c.fed, c.problems], [true, ['eeg'], []], `fits: ${c.problems.join('; ')}`);
  });

  test('contract: a 19-channel model on a Muse is refused with the missing electrodes', () => {
    const c = checkContract(sampleCard().input, { eeg: ['TP9', 'AF7', 'AF8', 'TP10'], ecg: ['ECG'] });
    assert.equal(c.ok, false);
    assert.match(c.problems[0], /^EEG: missing FP1, FP2, F3/);
    // …and says what the headset has instead, so the user need not guess.
    assert.match(c.problems[0], /\(connected: TP9, AF7, AF8, TP10\)$/);
    // A large cap is named by its first labels and its count.
    const cap64 = Array.from({ length: 64 }, (_, i) => `X${i}`);
    assert.match(checkContract(sampleCard().input, { eeg: cap64 }).problems[0], /\(connected: X0, X1, .*X11, … \(64 channels\)\)$/);
  });

  test('contract: the 19-channel cap (10-10 names) and a chest strap fit; no ECG is a note, not a refusal', () => {
    const cap = ['Fp1', 'Fp2', 'F3', 'F4', 'C3', 'C4', 'P3', 'P4', 'O1', 'O2', 'F7', 'F8', 'T7', 'T8', 'P7', 'P8', 'Fz', 'Cz', 'Pz', 'A2-A1'];
    const both = checkContract(sampleCard().input, { eeg: cap, ecg: ['ECG'] });
    assert.deepEqual([both.ok, both.fed], [true, ['eeg', 'ecg']]);
    const eegOnly = checkContract(sampleCard().input, { eeg: cap });
    assert.deepEqual([eegOnly.ok, eegOnly.fed], [true, ['eeg']]);
    assert.match(eegOnly.notes[0], /no ECG connected/);
    const nothing = checkContract(sampleCard().input, {});
    assert.deepEqual([nothing.ok, nothing.problems, nothing.awaitingDevices], [false, ['no EEG or ECG device connected'], true]);
    // A wait, not a misfit: 'does not fit the connected devices' read as if the headset on were wrong.
    assert.equal(nothing.refusal, 'is waiting for its devices');
    // What it waits for is named (the montage it reads), not 'no EEG connected: the model answers
    // without it' and the same of ECG: it answers without one only while the other feeds it.
    const channels = sampleCard().input.eeg!.channels as string[];
    assert.deepEqual(nothing.notes, [`it reads EEG (19 channels: ${channels.join(' ')}) and ECG (1–12 channels, any labels); either alone will do`]);
    // Waiting for devices is not a misfit: only nothing connected that the model reads is.
    assert.equal(checkContract(sampleCard().input, { eeg: ['TP9', 'AF7', 'AF8', 'TP10'] }).awaitingDevices, undefined, 'a Muse is a misfit, not a wait');
    assert.equal(checkContract(sampleCard().input, { windowSec: sampleCard().input.windowSeconds + 1 }).awaitingDevices, undefined, 'wrong windows are not waited out');
    assert.equal(checkContract(sampleCard().input, { eeg: cap }).awaitingDevices, undefined, 'fits: nothing to wait for');
    const tooManyLeads = checkContract(sampleCard().input, { ecg: new Array(15).fill('V') });
    assert.match(tooManyLeads.problems[0], /ECG: 15 channels, the model reads 1–12/);
  });

  test('contract: windows cut at another length than the model reads are a refusal (every one would be skipped)', () => {
    const cap = ['Fp1', 'Fp2', 'F3', 'F4', 'C3', 'C4', 'P3', 'P4', 'O1', 'O2', 'F7', 'F8', 'T3', 'T4', 'T5', 'T6', 'Fz', 'Cz', 'Pz'];
    const n = sampleCard().input.windowSeconds;
    const fits = checkContract(sampleCard().input, { eeg: cap, ecg: ['ECG'], windowSec: n });
    assert.deepEqual([fits.ok, fits.refusal], [true, '']);
    const short = checkContract(sampleCard().input, { eeg: cap, ecg: ['ECG'], windowSec: n - 1 });
    assert.deepEqual([short.ok, short.fed], [false, ['eeg', 'ecg']]);
    // The devices fit: the refusal is about the signal settings, with what the model reads, what is cut and where to change it.
    assert.equal(short.refusal, 'does not fit the signal settings');
    assert.deepEqual(short.problems, [`window length: the model reads ${n}-s windows, the signal settings cut ${n - 1}-s windows (set Window to ${n} s in Live → Signal settings)`]);
    // Said beside a missing device, not instead of it, and the refusal names both.
    const both = checkContract(sampleCard().input, { windowSec: n + 1 });
    assert.equal(both.problems.length, 2);
    const misfitBoth = checkContract(sampleCard().input, { eeg: ['TP9'], windowSec: n + 1 });
    assert.equal(misfitBoth.refusal, 'does not fit the connected devices or the signal settings');
    assert.equal(checkContract(sampleCard().input, { eeg: ['TP9'], windowSec: n }).refusal, 'does not fit the connected devices');
    // Nothing connected and windows of another length: the settings are the misfit; it also waits for its devices.
    assert.equal(both.refusal, 'does not fit the signal settings, and is waiting for its devices');
    assert.equal(both.awaitingDevices, undefined, 'wrong windows are not waited out');
  });
});
