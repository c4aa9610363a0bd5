import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { appErrors } from '../../../src/renderer/src/shell/app-errors';

describe('appErrors.dismissReport', () => {
  test("drops one report of a place, leaving that place's others and other places' standing", () => {
    const quiet = console.error;
    console.error = () => {};
    try {
      appErrors.clear();
      appErrors.report(new TypeError('Failed to fetch dynamically imported module: /assets/x.js'), 'view: Training');
      appErrors.report(new Error('render broke'), 'view: Training');
      appErrors.report(new TypeError('Failed to fetch dynamically imported module: /assets/x.js'), 'view: Sessions');
      let told = 0;
      const off = appErrors.subscribe(() => told++);
      appErrors.dismissReport('view: Training', 'Failed to fetch dynamically imported module: /assets/x.js');
      assert.deepEqual(
        appErrors.list.map((e) => [e.where, e.message]),
        [
          ['view: Training', 'render broke'],
          ['view: Sessions', 'Failed to fetch dynamically imported module: /assets/x.js'],
        ],
        'only that report went',
      );
      assert.equal(told, 1, 'listeners told');
      appErrors.dismissReport('view: Training', 'not reported');
      assert.equal(told, 1, 'nothing to drop: nobody told');
      off();
    } finally {
      console.error = quiet;
      appErrors.clear();
    }
  });
});
