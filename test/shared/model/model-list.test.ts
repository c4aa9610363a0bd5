import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isListedActive } from '../../../src/shared/model/model-list';

test('of two entries under the active id (shipped, then a folder of yours with its id), only the first is the one that runs', () => {
  const models = [{ id: 'shipped' }, { id: 'mine' }, { id: 'shipped' }];
  assert.deepEqual(models.map((_, i) => isListedActive(models, i, 'shipped')), [true, false, false]);
  assert.deepEqual(models.map((_, i) => isListedActive(models, i, 'mine')), [false, true, false]);
  assert.deepEqual(models.map((_, i) => isListedActive(models, i, null)), [false, false, false], 'none chosen: none marked');
  assert.deepEqual(models.map((_, i) => isListedActive(models, i, 'gone')), [false, false, false], 'an id not listed: none marked');
});
