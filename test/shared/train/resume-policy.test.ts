// Which stopped runs a resume can help (resumeRefusal): one that failed on its input or settings
// resumes with the same configuration and, training being deterministic, fails again the same way;
// one stopped from outside (a full disk, a file gone, a damaged checkpoint, the app closing) resumes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resumeRefusal } from '../../../src/shared/train/resume-policy';
import type { RunState } from '../../../src/shared/train/train.types';

const failed = (code: string) => ({ state: 'failed' as RunState, error: { code, message: 'x' } });

test('paused, interrupted, cancelled and failures from outside the run\'s settings resume', () => {
  for (const state of ['paused', 'interrupted', 'cancelled', 'queued', 'running', 'done'] as RunState[]) assert.equal(resumeRefusal({ state, error: null }), null, state);
  for (const code of ['io', 'not-found', 'corrupt-checkpoint', 'error', 'ERR_WORKER_OUT_OF_MEMORY']) assert.equal(resumeRefusal(failed(code)), null, code);
  assert.equal(resumeRefusal({ state: 'failed', error: null }), null, 'a failure without its error recorded: no reason to refuse');
});

test('failures on the input or settings do not: each says why and what to do instead', () => {
  for (const code of ['bad-config', 'bad-dataset', 'not-dreamer', 'not-eegmat', 'no-signals', 'bad-option']) {
    assert.match(resumeRefusal(failed(code)) ?? '', /^resuming cannot help: a run resumes with the .* it was started with.*; start a new run with the input or settings changed$/, code);
  }
  assert.equal(
    resumeRefusal(failed('nan-loss')),
    'resuming cannot help: a run resumes with the settings it was started with and repeats the same steps from its last checkpoint (training is deterministic), so the loss would become non-finite again; start a new run with a lower learning rate, or check the data (the error says which rates were in force)',
  );
});
