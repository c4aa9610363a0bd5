import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeWindowDelta, WindowDeltaDecoder, WindowDeltaError } from '../../../src/shared/ipc/window-delta';
import type { ModalityBlock, SyncWindow } from '../../../src/shared/window.types';

const N = 1000; // 5 s at 200 Hz
const HOP = 200;

/** Channel c's sample k of a long recording (distinct bits everywhere). */
const signal = (c: number, k: number) => Math.fround(Math.sin(k / 13 + c) * 40 + c * 0.001 + k * 1e-6);

function block(modality: 'eeg' | 'ecg', channels: string[], start: number, present = true): ModalityBlock {
  const data = new Float32Array(present ? channels.length * N : 0);
  if (present) for (let c = 0; c < channels.length; c++) for (let i = 0; i < N; i++) data[c * N + i] = signal(c + (modality === 'ecg' ? 50 : 0), start + i);
  return { modality, present, absentReason: present ? undefined : 'gap', channels, data, quality: [], streamIds: [`${modality}-1`] };
}

const EEG = ['Fp1', 'Fp2', 'C3', 'C4'];
function win(seq: number, opts: { eeg?: boolean; ecg?: boolean; eegChannels?: string[] } = {}): SyncWindow {
  const start = seq * HOP;
  return { seq, startTime: 100 + start / 200, rateHz: 200, samples: N, eeg: block('eeg', opts.eegChannels ?? EEG, start, opts.eeg ?? true), ecg: block('ecg', ['ECG'], start, opts.ecg ?? true) };
}

function sameWindow(a: SyncWindow, b: SyncWindow): void {
  assert.equal(a.seq, b.seq);
  for (const m of ['eeg', 'ecg'] as const) {
    assert.deepEqual(a[m].channels, b[m].channels, `${m} channels of window ${a.seq}`);
    assert.equal(a[m].present, b[m].present, `${m} presence of window ${a.seq}`);
    assert.deepEqual(new Uint32Array(a[m].data.buffer, a[m].data.byteOffset, a[m].data.length), new Uint32Array(b[m].data.buffer, b[m].data.byteOffset, b[m].data.length), `${m} of window ${a.seq} bit for bit`);
  }
}

describe('window deltas (serve mode)', () => {
  test('overlapping windows travel as their newest hop and are rebuilt bit for bit', () => {
    const dec = new WindowDeltaDecoder();
    const first = win(0);
    dec.full(first);
    let prev = first;
    for (let s = 1; s < 6; s++) {
      const next = win(s);
      const d = encodeWindowDelta(prev, next);
      assert.ok(d, `window ${s} continues ${s - 1}`);
      assert.deepEqual(d.continued, ['eeg', 'ecg'], `window ${s}: both modalities continue`);
      assert.equal(d.shift, HOP, `window ${s}: shifted by one hop`);
      assert.equal(d.window.eeg.data.length, EEG.length * HOP, 'a fifth of the samples');
      sameWindow(dec.apply(d), next);
      prev = next;
    }
  });

  test('a modality that cannot continue travels whole; nothing continuing: the window goes whole', () => {
    const dec = new WindowDeltaDecoder();
    const a = win(0, { ecg: false });
    dec.full(a);
    const b = win(1); // ECG comes back: whole ECG, EEG as a delta
    const d = encodeWindowDelta(a, b)!;
    assert.deepEqual(d.continued, ['eeg']);
    assert.equal(d.window.ecg.data.length, N);
    sameWindow(dec.apply(d), b);
    const c = win(2, { eegChannels: ['Fp1', 'Fp2', 'C3', 'Cz'] }); // another montage: whole EEG
    assert.deepEqual(encodeWindowDelta(b, c)!.continued, ['ecg']);
    // Overlap that differs (a sample changed): not continued.
    const e = win(3);
    e.ecg.data[0] += 1;
    assert.deepEqual(encodeWindowDelta(win(2), e)!.continued, ['eeg']);
    // Not the next window, another length or rate: whole.
    assert.equal(encodeWindowDelta(win(0), win(2)), null);
    assert.equal(encodeWindowDelta(win(0), { ...win(1), samples: 800 }), null);
    assert.equal(encodeWindowDelta(win(0, { eeg: false, ecg: false }), win(1)), null);
  });

  test('a delta whose base the page does not hold is refused by name', () => {
    const dec = new WindowDeltaDecoder();
    const d = encodeWindowDelta(win(0), win(1))!;
    assert.throws(() => dec.apply(d), (e: unknown) => e instanceof WindowDeltaError && /continues window 0, but the last window here is none/.test(e.message));
    dec.full(win(5));
    assert.throws(() => dec.apply(d), /last window here is 5/);
  });
});
