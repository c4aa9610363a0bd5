// The final fit's epoch count, and the words the log and the card give for how it was chosen.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { finalFitEpochs } from '../../../src/shared/train/defaults';

test("the folds' chosen epochs: the median, the upper middle one of an even count, said so; as configured when no fold chose one", () => {
  assert.deepEqual(finalFitEpochs([7, 3, null, 12], 50), { epochs: 7, why: "the median of the 3 evaluation folds' best epochs" }, 'odd: the middle one (a null fold chose none)');
  assert.deepEqual(finalFitEpochs([5, 2], 6), { epochs: 5, why: "the upper median of the 2 evaluation folds' best epochs" }, 'even: the upper of the two middle ones, named');
  assert.deepEqual(finalFitEpochs([4], 6), { epochs: 4, why: "the one evaluation fold's best epoch" }, 'one fold');
  assert.deepEqual(finalFitEpochs(undefined, 6), { epochs: 6, why: 'as configured: no evaluation chose one' }, 'no evaluation');
  assert.deepEqual(finalFitEpochs([null, null], 6), { epochs: 6, why: 'as configured: no evaluation chose one' }, 'baseline arms choose none');
});
