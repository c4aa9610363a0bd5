// The Training view's Export when the run folder will not take the note (status.json cannot be
// read or written: here a folder stands in its place, a real EISDIR from the file system): the model
// is exported, and the view says so as a warning while keeping the Export row, whose Export again
// records it once the folder takes writes. It showed "Exported as model …" (as if the run recorded
// it) until a reload, when the run, which does not name the model, offered the export again. An id
// the registry refuses keeps Export off and says why beside it (it stayed greyed out without a word).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { chromiumMissing, collectPageProblems, launchChromium } from './support/chromium';
import { rendererMissing, startServeFixture, type ServeFixture } from './support/serve-fixture';
import { RUN_FILES, RunStore, type RunFolder } from '../../src/main/train/run-store';
import { finishedRun } from '../fixtures/finished-run';

const skip = chromiumMissing() || rendererMissing();

describe('Training view: an export the run cannot record (Chromium, serve mode)', { skip }, () => {
  let serve: ServeFixture;
  let browser: Browser;
  let page: Page;
  let problems: string[];
  let folder: RunFolder;

  before(async () => {
    serve = await startServeFixture({ demo: false });
    const list = await serve.core.handlers.dispatch('hm:training:list', undefined, { transport: 'local', clientId: 'test' });
    assert.ok(list.ok, 'the training list answers');
    folder = await finishedRun(new RunStore((list.value as { runsDir: string }).runsDir), 'unrecorded-export', { done: true });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    problems = collectPageProblems(page);
    await page.goto(`${serve.url}#/training`);
    await page.waitForSelector('[data-testid="connection"][data-state="open"]', { timeout: 15_000 });
  });

  after(async () => {
    await browser?.close();
    await serve?.close();
  });

  test('the model is exported and the view says the run could not record it, keeping Export; once the folder takes the note, Export again records it', async () => {
    await page.click(`tr[data-run="${folder.id}"] button`);
    await page.waitForSelector('[data-testid="export-id"]', { timeout: 10_000 });
    // An id the registry refuses: Export stays off, and the row says why (it said nothing).
    await page.fill('[data-testid="export-id"]', 'Not Noted');
    assert.equal(await page.textContent('[data-testid="export-id-problem"]'), "the model id 'Not Noted' must be lowercase letters, digits, '-' and '_', starting with a letter or digit, at most 64 characters (it has capital letters, a space)");
    assert.ok(await page.isDisabled('[data-testid="export-run"]'), 'Export is off for it');
    // status.json cannot be read or replaced: a folder (holding a file) in its place.
    const status = folder.path(RUN_FILES.status);
    renameSync(status, `${status}.saved`);
    mkdirSync(status);
    writeFileSync(join(status, 'x'), '');
    try {
      await page.fill('[data-testid="export-id"]', 'not-noted');
      assert.equal(await page.locator('[data-testid="export-id-problem"]').count(), 0, 'a valid id: no problem shown');
      await page.click('[data-testid="export-run"]');
      await page.waitForSelector('[data-testid="export-warning"]', { timeout: 30_000 });
      assert.match((await page.textContent('[data-testid="export-warning"]')) ?? '', /^the model was exported to .*not-noted, but run .* could not record it: /, 'the warning says what happened');
      // The models folder is watched: the list holds the model within moments.
      let listed = false;
      for (const deadline = Date.now() + 10_000; !listed && Date.now() < deadline; await new Promise((r) => setTimeout(r, 200))) {
        const models = await serve.core.handlers.dispatch('hm:models:list', undefined, { transport: 'local', clientId: 'test' });
        listed = models.ok && (models.value as { models: { id: string }[] }).models.some((m) => m.id === 'not-noted');
      }
      assert.ok(listed, 'the model is exported: the models list holds it');
      assert.equal(await page.locator('[data-testid="exported"]').count(), 0, 'not "Exported": the run does not record it (a reload would offer the export again)');
      assert.equal(await page.inputValue('[data-testid="export-id"]'), 'not-noted', 'the Export row stays, with the id typed');
    } finally {
      rmSync(status, { recursive: true, force: true });
      renameSync(`${status}.saved`, status);
    }
    // The folder takes writes again: Export again records it (the model there is this run's own).
    await page.click('[data-testid="export-run"]');
    await page.waitForSelector('[data-testid="exported"]', { timeout: 30_000 });
    assert.equal(await page.locator('[data-testid="export-warning"]').count(), 0, 'the warning goes once the run records it');
    assert.equal((await folder.readStatus()).summary?.exportedAs, 'not-noted', 'the run records the export');
    assert.deepEqual(problems, [], 'no page errors');
  });
});
