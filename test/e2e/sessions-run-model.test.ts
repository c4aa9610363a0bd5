// Run model… from the Sessions library (real Chromium, serve mode): a session imported without
// predictions, two installed models (predict-fixture.ts), one of them for another montage. The
// Predictions detail offers the one that fits and names why the other is refused; Run over every
// window runs it in the core, and the detail ends with what the run did and the predictions
// summary, read again.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { NO_PREDICTIONS_TEXT } from '../../src/renderer/src/views/sessions/format';
import { noEegmat } from '../shared/model/eegmat-windows';
import { PREDICT_MODEL, WRONG_MONTAGE_MODEL, predictFixture } from '../main/sessions/predict-fixture';
import { openServedPage, servedPageMissing, type ServedPage } from './support/open-page';

const skip = servedPageMissing() || noEegmat;

describe('Sessions library: Run model… over a recorded session (Chromium, serve mode)', { skip }, () => {
  let app: ServedPage;
  let page: Page;

  before(async () => {
    app = await openServedPage({ route: '#/sessions', demo: false, prepare: async (dataDir) => void (await predictFixture(dataDir)) });
    page = app.page;
  });

  after(async () => {
    await app?.close();
  });

  test('offers the models that fit (why the other is refused), runs one, and shows the summary', async () => {
    const row = page.locator('[data-testid="session-row"]:has-text("rest, 16 s")');
    await row.locator('[data-testid="show-predictions"]').click({ timeout: 15_000 });
    const detail = page.locator('[data-testid="session-predictions"]');
    await detail.locator(`text=${NO_PREDICTIONS_TEXT}`).waitFor({ timeout: 5_000 });

    await detail.locator('[data-testid="run-model-open"]').click();
    const select = detail.locator('[data-testid="run-model-select"]');
    await select.waitFor({ timeout: 10_000 });
    const options = await select.locator('option').evaluateAll((os) => os.map((o) => ({ value: (o as HTMLOptionElement).value, disabled: (o as HTMLOptionElement).disabled })));
    assert.deepEqual(
      options.sort((a, b) => a.value.localeCompare(b.value)),
      [
        { value: PREDICT_MODEL, disabled: false },
        { value: WRONG_MONTAGE_MODEL, disabled: true },
      ],
      'the model for another montage is offered disabled',
    );
    assert.equal(await select.inputValue(), PREDICT_MODEL, 'the model that fits is chosen');
    assert.match(await detail.locator('[data-testid="run-model-refused"]').innerText(), /model 'wrong-montage' does not fit session \d+: EEG: .*AF7/, 'why it is refused');

    // From the keyboard: the focus follows the button pressed as it goes (to Stop, then back to Run model…).
    await detail.locator('[data-testid="run-model-start"]').press('Enter');
    const outcome = detail.locator('[data-testid="run-model-outcome"]');
    await outcome.waitFor({ timeout: 60_000 });
    const said = await outcome.innerText();
    assert.match(said, /^Done: (\d+) windows of 5 s every 1 s answered by predict-test and stored in \d+:\d\d\.$/, said);
    const n = Number(/^Done: (\d+)/.exec(said)![1]);
    // The summary the detail shows for stored predictions, read again once the run ended.
    await page.waitForFunction(
      (want) => Array.from(document.querySelectorAll('[data-testid="session-predictions"] li')).some((li) => li.textContent?.startsWith(want)),
      `Predictions by 'predict-test' ${n} windows: EEG fed ${n}`,
      { timeout: 5_000 },
    );
    assert.equal(await detail.locator('[data-testid="run-model-open"]').isEnabled(), true, 'Run model… is offered again');
    assert.equal(await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.testid), 'run-model-open', 'the keyboard focus is on Run model…, not lost to the page');
    assert.deepEqual(app.problems, [], 'no page errors');
  });
});
