// A model id the registry refuses is explained in words — what the id must be and what in it is not
// so — where the CLI, the core and the Training view printed the pattern (or, in the view, nothing).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MODEL_ID_RE } from '../../../src/shared/model/card';
import { modelIdProblem } from '../../../src/shared/train/model-id';

const RULE = "must be lowercase letters, digits, '-' and '_', starting with a letter or digit, at most 64 characters";

test('modelIdProblem: null exactly where the registry takes the id; else the rule and each reason', () => {
  for (const id of ['my-eegmat', 'a', '0_x', 'x'.repeat(64)]) assert.equal(modelIdProblem(id), null, id);
  const cases: [string, string][] = [
    ['', 'it is empty'],
    ['My Model', 'it has capital letters, a space'],
    ['-x', "it starts with '-'"],
    ['eeg.v2/x', "it has '.', '/'"],
    ['_Ab', "it has capital letters; it starts with '_'"],
    ['x'.repeat(65), 'it has 65 characters'],
  ];
  for (const [id, why] of cases) {
    assert.equal(MODEL_ID_RE.test(id), false, id);
    assert.equal(modelIdProblem(id), `the model id '${id}' ${RULE} (${why})`);
  }
});
