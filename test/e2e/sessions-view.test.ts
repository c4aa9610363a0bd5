// The Sessions view in real Chromium against the real core in serve mode: record the simulated
// devices with a marker (M key), one from stimulus software (UDP) and a SAM self-report (keyboard
// only), watching the record bar count them and the library list the session while it records;
// find the session in the library, edit it, replay it (timeline with the markers and the report,
// pause with Space, mark the replayed session with M, seek by clicking, +/- pressed quickly, full speed to the end),
// export ranges into a folder, and delete it after confirming; an imported XDF's break shows as one in the timeline; a session
// whose recorder died says what "interrupted" means; a session's Predictions list per model what fed its windows; deleting from the keyboard leaves the focus on the next row.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { collectPageProblems } from './support/chromium';
import { openDatabase } from '../../src/main/db/open-database';
import * as dbServer from '../../src/main/db/server';
import { INTERRUPTED_SESSION_TEXT } from '../../src/shared/session.types';
import { NO_PREDICTIONS_TEXT } from '../../src/renderer/src/views/sessions/format';
import { openServedPage, servedPageMissing, type ServedPage } from './support/open-page';

const skip = servedPageMissing();
const XDF = resolve('..', 'shared', 'data', 'xdf', 'clock_resets.xdf');

describe('Sessions view (Chromium, serve mode)', { skip }, () => {
  let app: ServedPage;
  let page: Page;

  before(async () => {
    process.env.HEARTMIND_MARKER_PORT = '0';
    app = await openServedPage({ route: '#/sessions', viewport: { width: 1400, height: 1000 } });
    page = app.page;
  });

  after(async () => {
    delete process.env.HEARTMIND_MARKER_PORT;
    await app?.close();
  });

  test('record with a marker and a keyboard-only self-report', async () => {
    await page.waitForSelector('[data-testid="library-empty"]', { timeout: 15_000 });
    await page.fill('input[aria-label="Session name"]', 'E2E session');
    await page.fill('input[aria-label="Subject id"]', 'S42');
    // Nothing records yet: Self-report is disabled and says why, and so does its S key.
    assert.equal(await page.getByTestId('sam-open').getAttribute('title'), 'Self-report (S) is stored in the session being recorded: press Record first', "the disabled Self-report button's tooltip");
    await page.locator('main').focus();
    await page.keyboard.press('s');
    await page.waitForSelector('[data-testid="record-message"]:has-text("press Record first")', { timeout: 5_000 });
    await page.click('[data-testid="record-start"]');
    await page.waitForSelector('[data-testid="record-status"]', { timeout: 10_000 });
    await page.locator('main').focus();
    await page.keyboard.press('m');
    await page.waitForSelector('text=/Marker “marker” at/', { timeout: 5_000 });
    // The library lists the session while it records (was: only after Stop).
    await page.waitForSelector('[data-testid="session-row"] >> text=recording', { timeout: 5_000 });
    // A stimulus program's UDP marker shows in the record bar as it arrives.
    const endpoint = app.serve.logs.map((e) => /udp:\/\/127\.0\.0\.1:(\d+)/.exec(e.message)).find(Boolean);
    assert.ok(endpoint, 'the marker endpoint logs its port');
    const sock = createSocket('udp4');
    await new Promise<void>((resolve) => {
      sock.once('message', () => resolve());
      sock.send('{"label": "stimulus_onset", "duration": 1.5}', Number(endpoint[1]), '127.0.0.1');
    });
    sock.close();
    await page.waitForSelector('[data-testid="record-events"]:has-text("2 markers (last: “stimulus_onset”, udp")', { timeout: 5_000 });
    await page.keyboard.press('s');
    await page.waitForSelector('[data-testid="sam-panel"]');
    // 7 → valence, focus moves on; 3 → arousal; 5 → dominance; Enter saves.
    for (const k of ['7', '3', '5', 'Enter']) await page.keyboard.press(k);
    await page.waitForSelector('text=/Self-report saved \\(V7 A3 D5\\)/', { timeout: 5_000 });
    await page.waitForSelector('[data-testid="record-events"]:has-text("2 markers · 1 self-report")', { timeout: 5_000 });
    await page.waitForTimeout(2500);
    await page.click('[data-testid="record-stop"]');
    await page.waitForSelector('text=/Saved “E2E session”/', { timeout: 10_000 });
    // The next recording is offered the next name (it got the same one), the subject kept.
    assert.equal(await page.inputValue('input[aria-label="Session name"]'), 'E2E session 2', 'the name field after Stop');
    assert.equal(await page.inputValue('input[aria-label="Subject id"]'), 'S42', 'the subject field after Stop');
    const row = page.locator('[data-testid="session-row"]').first();
    await row.waitFor({ timeout: 10_000 });
    // "Saved (size)" gives the library's figure for the session (was: the sample bytes alone, 2.5 MB beside the library's 2.7 MB).
    await page.waitForSelector('[data-testid="session-row"]:not(:has-text("recording"))', { timeout: 5_000 });
    const saved = /Saved “E2E session” \((.+)\)/.exec(await page.locator('[data-testid="record-message"]').innerText());
    assert.ok(saved, 'the Saved line names a size');
    assert.equal(saved[1], await row.locator('[data-testid="session-size"]').innerText());
    const text = await row.innerText();
    assert.match(text, /E2E session/);
    assert.match(text, /S42/);
    assert.match(text, /2\s*·\s*1 SAM/);
  });

  test('search, then rename and tag it', async () => {
    await page.fill('[data-testid="library-search"]', 'no such thing');
    await page.waitForSelector('text=No session matches.');
    await page.fill('[data-testid="library-search"]', 'e2e');
    await page.locator('[data-testid="session-row"]').first().waitFor();
    await page.click('[data-testid="edit-session"]');
    // Spaces alone are refused in the form's words (was: the database's, 'updateSession: a session name cannot be empty').
    await page.fill('[data-testid="edit-name"]', '   ');
    await page.click('[data-testid="edit-save"]');
    assert.equal(await page.locator('[data-testid="session-editor"] [role="alert"]').innerText(), 'A session name cannot be empty (nor only spaces)', 'the error under the form');
    await page.fill('[data-testid="edit-name"]', 'E2E renamed');
    await page.fill('[data-testid="edit-tags"]', 'rest, eyes closed');
    await page.click('[data-testid="edit-save"]');
    await page.waitForSelector('[data-testid="session-row"] >> text=E2E renamed');
    assert.match(await page.locator('[data-testid="session-row"]').first().innerText(), /eyes closed/);
  });

  test('replay: the timeline shows the marker and the report; Space pauses (a focused button keeps its own Space); a click seeks; +/- step once per press; full speed to the end', async () => {
    await page.fill('[data-testid="library-search"]', '');
    await page.click('[data-testid="open-replay"]');
    const panel = page.locator('[data-testid="replay-panel"]');
    await panel.waitFor({ timeout: 10_000 });
    await page.waitForSelector('[data-testid="timeline"]');
    assert.equal(await page.locator('.tl-marker').count(), 2);
    assert.equal(await page.locator('.tl-marker-span').count(), 1, 'the marker with a duration spans it');
    assert.equal(await page.locator('.tl-report').count(), 1);
    // (Said once the core has answered the request; the panel comes with its status push.)
    await page.waitForSelector('[data-testid="library-message"]:has-text("Replaying “E2E renamed”")', { timeout: 5_000 });
    await page.waitForSelector('[data-testid="replay-panel"][data-state="playing"]', { timeout: 5_000 });
    // Recording waits for the replay to close (was: enabled, and answered with an error).
    assert.ok(await page.locator('[data-testid="record-start"]').isDisabled(), 'Record is disabled while a replay is open');
    await page.locator('main').focus();
    await page.keyboard.press(' ');
    await page.waitForSelector('[data-testid="replay-panel"][data-state="paused"]', { timeout: 5_000 });
    // M while reviewing marks the replayed session at the playhead (was: "not recording, so not stored").
    await page.keyboard.press('m');
    await page.waitForSelector('text=/Marker “marker” added to the replayed session at \\d+\\.\\d{3} s/', { timeout: 5_000 });
    await page.waitForFunction('document.querySelectorAll(".tl-marker").length === 3', undefined, { timeout: 5_000 });
    // The library's row counts it too (it kept 2 under the timeline's 3: only the recording's markers were followed).
    await page.waitForFunction(() => /^3\b/.test(document.querySelector('[data-testid="session-row"] [data-testid="session-markers"]')?.textContent ?? ''), undefined, { timeout: 5_000 });
    // A trigger from stimulus software meanwhile is not stored in the replayed session, and the bar says
    // so (it said nothing: neither stored nor on the traces, which show the replayed past).
    const endpoint = app.serve.logs.map((e) => /udp:\/\/127\.0\.0\.1:(\d+)/.exec(e.message)).find(Boolean);
    assert.ok(endpoint, 'the marker endpoint logs its port');
    const sock = createSocket('udp4');
    const reply = await new Promise<string>((resolve) => {
      sock.once('message', (m) => resolve(m.toString()));
      sock.send('script still running', Number(endpoint[1]), '127.0.0.1');
    });
    sock.close();
    assert.match(reply, /"stored":false/);
    const unstored = page.locator('[data-testid="record-unstored"]');
    await unstored.waitFor({ timeout: 5_000 });
    assert.match(await unstored.innerText(), /^1 marker from stimulus software during the replay: not stored in the replayed session \(they carry the time they came; M marks it at the playhead\) \(last: “script still running”, udp, \d\d:\d\d:\d\d\)$/);
    assert.equal(await page.locator('.tl-marker').count(), 3, 'the timeline has not gained it');
    // Count the seek requests the page sends (each restarts the pipeline's streams): one per click (was: two, on press and on release).
    await page.evaluate(`window.__seeks = 0; const send = WebSocket.prototype.send; WebSocket.prototype.send = function (d) {
      if (d instanceof ArrayBuffer && new TextDecoder().decode(d).includes('"hm:sessions:replay-seek"')) window.__seeks++;
      return send.call(this, d);
    };`);
    const box = (await page.locator('[data-testid="timeline"]').boundingBox())!;
    await page.mouse.click(box.x + box.width * 0.6, box.y + box.height / 2);
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="timeline"]')?.getAttribute('aria-valuenow')) >= 1, undefined, { timeout: 5_000 });
    await page.waitForTimeout(300);
    assert.equal(await page.evaluate('window.__seeks'), 1, 'one click, one seek');
    // + and - pressed faster than the core's status comes back each move one step from the previous press (was: both from the last status, 1× + + gave 2×).
    const speedNow = () => page.locator('[data-testid^="speed-"][aria-checked="true"]').getAttribute('data-testid');
    assert.equal(await speedNow(), 'speed-1');
    const pressKeys = (keys: string[]) =>
      page.evaluate((ks) => {
        for (const key of ks) document.querySelector('main')!.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }));
      }, keys);
    await pressKeys(['+', '+']);
    await page.waitForSelector('[data-testid="speed-4"][aria-checked="true"]', { timeout: 5_000 });
    await pressKeys(['-', '-', '-']);
    await page.waitForSelector('[data-testid="speed-0.5"][aria-checked="true"]', { timeout: 5_000 });
    await page.waitForTimeout(300);
    assert.equal(await speedNow(), 'speed-0.5', 'the speed stays where the last press put it');
    await page.click('[data-testid="speed-max"]');
    await page.click('[data-testid="replay-toggle"]');
    await page.waitForSelector('[data-testid="replay-panel"][data-state="ended"]', { timeout: 15_000 });
    // Space on a focused button is that button's own (Close), not the replay's play/pause.
    await page.focus('[data-testid="replay-close"]');
    await page.keyboard.press(' ');
    await panel.waitFor({ state: 'detached', timeout: 5_000 });
    // The "Replaying …" line goes with the replay (was: it stayed, naming a replay that was closed).
    await page.waitForSelector('[data-testid="library-message"]', { state: 'detached', timeout: 5_000 });
    // So does the count of the triggers that came during it.
    await unstored.waitFor({ state: 'detached', timeout: 5_000 });
  });

  test('export: a bad range stays in the form to correct; ranges exported into one folder each keep their file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hm-e2e-export-'));
    try {
      const exportRange = async (from: string, to: string) => {
        await page.locator('[data-testid="session-row"] button:has-text("Export")').click();
        await page.locator('[data-testid="export-form"] .path-input input').fill(dir);
        await page.fill('[data-testid="export-from"]', from);
        await page.fill('[data-testid="export-to"]', to);
        await page.click('[data-testid="export-submit"]');
      };
      await exportRange('abc', '');
      await page.waitForSelector('[data-testid="export-error"]:has-text("From “abc” is not a number of seconds")');
      await page.fill('[data-testid="export-from"]', '2');
      await page.fill('[data-testid="export-to"]', '1');
      await page.click('[data-testid="export-submit"]');
      await page.waitForSelector('[data-testid="export-error"]:has-text("To (1 s) must be after From (2 s)")');
      assert.equal(await page.locator('[data-testid="export-form"] .path-input input').inputValue(), dir, 'what was typed stays');
      // Refused by the core (no such folder), from the keyboard: the form stays and Export, disabled
      // while the request ran, has the focus again (it fell to the page body).
      await page.locator('[data-testid="export-form"] .path-input input').fill(join(dir, 'no-such-folder', 'x.edf'));
      await page.fill('[data-testid="export-to"]', '3');
      await page.focus('[data-testid="export-submit"]');
      await page.keyboard.press('Enter');
      await page.waitForSelector('[data-testid="export-error"]:has-text("no-such-folder")', { timeout: 10_000 });
      assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'export-submit');
      await page.locator('[data-testid="export-form"] .path-input input').fill(dir);
      await page.fill('[data-testid="export-to"]', '3');
      await page.click('[data-testid="export-submit"]');
      await page.waitForSelector('[data-testid="library-message"]:has-text("E2E_renamed.edf")', { timeout: 10_000 });
      // values (samples × channels), as the import and the CLI say: 'samples' named the same number
      // and what became of the model predictions stored with it (in '<base>-predictions.csv', or none), as the CLI says
      assert.match(await page.innerText('[data-testid="library-message"]'), /^Exported [\d,]+ values, [\d,]+ annotations?, (no model predictions stored with the session|[\d,]+ predictions? of models? \S+) to /);
      await exportRange('0', '1');
      await page.waitForSelector('[data-testid="library-message"]:has-text("E2E_renamed-2.edf")', { timeout: 10_000 });
      assert.deepEqual(readdirSync(dir).sort(), ['E2E_renamed-2.edf', 'E2E_renamed.edf']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('delete asks first, then removes it', async () => {
    await page.click('[data-testid="delete-session"]');
    await page.waitForSelector('[data-testid="confirm-delete"]');
    await page.keyboard.press('Escape');
    await page.waitForSelector('[data-testid="confirm-delete"]', { state: 'detached' });
    await page.click('[data-testid="delete-session"]');
    await page.click('[data-testid="confirm-delete-yes"]');
    await page.waitForSelector('[data-testid="library-empty"]', { timeout: 10_000 });
    // The list is empty: the focus goes to the search field (it fell to the page body).
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'library-search');
    assert.deepEqual(app.problems, [], 'no page errors');
  });

  test('path fields: typed in a browser; with the desktop bridge, Browse… fills them from the native dialog', async () => {
    const importField = '[data-testid="library"] .path-input';
    assert.equal(await page.$(`${importField} .browse-button`), null, 'no Browse… in serve mode (a browser cannot give a path)');
    // Stand in for the preload's pickPath (the transport is already connected) and open the view again.
    // (A string: tsx would wrap a function here in a helper the page does not have.)
    await page.evaluate(`window.__picks = []; window.heartmind = { pickPath: async (req) => (window.__picks.push(req), { ok: true, value: '/data/Subject00_1.edf' }) };`);
    await page.click('nav a[href="#/live"]');
    await page.click('nav a[href="#/sessions"]');
    await page.click(`${importField} .browse-button`);
    await page.waitForFunction(() => (document.querySelector('[data-testid="import-path"]') as HTMLInputElement | null)?.value === '/data/Subject00_1.edf', undefined, { timeout: 5_000 });
    const picks = await page.evaluate(() => (window as unknown as { __picks: { mode: string; filters: { extensions: string[] }[] }[] }).__picks);
    assert.equal(picks.length, 1);
    assert.equal(picks[0].mode, 'open-file');
    assert.ok(picks[0].filters[0].extensions.includes('edf'), `the dialog offers .edf (${picks[0].filters[0].extensions.join(', ')})`);
    await page.evaluate(() => delete (window as unknown as { heartmind?: unknown }).heartmind);
  });

  test("a page whose clock runs 2 hours ahead of the core's (a tablet on the lab network) shows the recording's time and stores its self-report", async () => {
    const tablet = await app.browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const tabletProblems = collectPageProblems(tablet);
    try {
      await tablet.addInitScript('{ const now = Date.now; Date.now = () => now() + 7200e3; }');
      await tablet.goto(`${app.serve.url}#/sessions`);
      await tablet.waitForSelector('[data-testid="connection"][data-state="open"]', { timeout: 15_000 });
      await tablet.fill('input[aria-label="Session name"]', 'tablet');
      await tablet.click('[data-testid="record-start"]');
      await tablet.waitForSelector('[data-testid="record-status"]', { timeout: 10_000 });
      await tablet.waitForTimeout(1500);
      const status = await tablet.innerText('[data-testid="record-status"]');
      assert.match(status, /tablet · 0:0\d ·/, `elapsed from the core's clock: ${status}`);
      await tablet.locator('main').focus();
      await tablet.keyboard.press('s');
      await tablet.waitForSelector('[data-testid="sam-panel"]');
      for (const k of ['2', '8', '4', 'Enter']) await tablet.keyboard.press(k);
      await tablet.waitForSelector('text=/Self-report saved \\(V2 A8 D4\\)/', { timeout: 5_000 });
      await tablet.click('[data-testid="record-stop"]');
      await tablet.waitForSelector('text=/Saved “tablet”/', { timeout: 10_000 });
      assert.deepEqual(tabletProblems, []);
    } finally {
      await tablet.close();
    }
  });

  test('a BrainFlow CSV whose columns fit several boards: the error asks for the board, the Board choice names it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hm-e2e-'));
    try {
      // a lab's file name: letters beyond ASCII, a dot (the export form suggested 'bf32_rger_v2.edf')
      const path = join(dir, 'bf32 Ärger.v2.csv');
      // one marker (CytonDaisy's marker row, 31): the message says '1 marker' (it said '1 markers')
      const row = (i: number) => Array.from({ length: 32 }, (_, c) => (c === 0 ? i % 256 : c === 30 ? 1.7e9 + i / 125 : c === 31 && i === 100 ? 7 : 0).toFixed(6)).join('\t');
      writeFileSync(path, Array.from({ length: 250 }, (_, i) => row(i)).join('\n') + '\n');
      assert.equal(await page.$('[data-testid="import-board"]'), null, 'no Board choice for other files');
      // Pasted as Windows Explorer's "Copy as path" gives it, in quotes: still a .csv, still found.
      await page.fill('[data-testid="import-path"]', `"${path}"`);
      await page.waitForSelector('[data-testid="import-board"]', { timeout: 5_000 });
      await page.click('[data-testid="import-button"]');
      await page.waitForSelector('[data-testid="library-message"][role="alert"]:has-text("the Board choice")', { timeout: 10_000 });
      await page.selectOption('[data-testid="import-board"]', 'CytonDaisy');
      await page.click('[data-testid="import-button"]');
      await page.waitForSelector('[data-testid="library-message"]:has-text("Imported “bf32 Ärger.v2”")', { timeout: 10_000 });
      assert.match(await page.innerText('[data-testid="library-message"]'), /^Imported “bf32 Ärger\.v2”: [\d,]+ values, 1 marker$/);
      assert.equal(await page.$('[data-testid="import-board"]'), null, 'the field is cleared, and the Board choice with it');
      // The export form suggests the file name the core gives an export into a folder.
      await page.locator('[data-testid="session-row"]:has-text("bf32 Ärger.v2") button:has-text("Export")').click();
      assert.equal(await page.locator('[data-testid="export-form"] .path-input input').getAttribute('placeholder'), '/path/to/bf32_Ärger.v2.edf');
      await page.locator('[data-testid="export-form"] button:has-text("Cancel")').click();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('an imported file\'s break shows in the timeline as a break in the file (it said "paused"), and the playhead moves through it', { skip: !existsSync(XDF) && 'needs ../shared/data' }, async () => {
    await page.fill('[data-testid="import-path"]', XDF);
    await page.click('[data-testid="import-button"]');
    await page.waitForSelector('[data-testid="library-message"]:has-text("Imported “clock_resets”")', { timeout: 15_000 });
    await page.locator('[data-testid="session-row"]:has-text("clock_resets") button:has-text("Replay")').click();
    const timeline = page.locator('[data-testid="timeline"]');
    await timeline.waitFor();
    await page.waitForSelector('.tl-gap');
    assert.deepEqual(await page.locator('.tl-gap title').allTextContents(), ['break in the file (file:clock_resets.xdf/0-biosemi) at 128.760 s (2:09): 28321 samples, 283.21 s']);
    // Seek into the 283-s break at 16×: the playhead moves on (it stood at the seek target until the data resumed).
    await page.locator('button:has-text("16×")').click();
    const box = (await timeline.boundingBox())!;
    await page.mouse.click(box.x + box.width * 0.5, box.y + box.height / 2);
    // The seek lands in the break (the core restarts the streams there: later on a loaded machine).
    const position = async () => Number(await timeline.getAttribute('aria-valuenow'));
    const landed = await page
      .waitForFunction(() => {
        const p = Number(document.querySelector('[data-testid="timeline"]')?.getAttribute('aria-valuenow'));
        return p > 200 && p < 400;
      }, undefined, { timeout: 10_000 })
      .then(() => true, () => false);
    const a = await position();
    assert.ok(landed, `the seek to the middle lands in the break (200–400 s): the playhead is at ${a} s`);
    await page.waitForTimeout(1500); // 24 s of the file at 16×
    const b = await position();
    assert.ok(b > a + 10, `the playhead moves through the break: ${a} s, then ${b} s 1.5 s later`);
    // Paused at the start, → pressed three times faster than the seeks come back: 15 s on, each press
    // stepping from the previous one's target (was: each from the last position pushed, 5 s on).
    await page.click('[data-testid="replay-toggle"]');
    await page.waitForSelector('[data-testid="replay-panel"][data-state="paused"]', { timeout: 5_000 });
    const press = (key: string, times: number) =>
      page.evaluate(
        ([k, n]) => {
          for (let i = 0; i < n; i++) document.querySelector('main')!.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true, cancelable: true }));
        },
        [key, times] as const,
      );
    await press('Home', 1);
    await page.waitForFunction(() => document.querySelector('[data-testid="timeline"]')?.getAttribute('aria-valuenow') === '0', undefined, { timeout: 5_000 });
    await press('ArrowRight', 3);
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="timeline"]')?.getAttribute('aria-valuenow')) >= 15, undefined, { timeout: 5_000 }).catch(() => {});
    await page.waitForTimeout(300);
    assert.equal(await position(), 15, 'three presses of →, 15 s on');
    await page.locator('button:has-text("Close")').click();
  });

  test('a session whose recorder died reads "interrupted", and the badge says what that means', async () => {
    // What a crash leaves: a session in state 'recording' that no live process records (crash-serve.test.ts kills a real one).
    // The database the library shows (its path in the db-info line).
    const dbPath = /^Database (.+recordings\.sqlite) · /.exec(await page.innerText('[data-testid="db-info"]'))?.[1];
    assert.ok(dbPath, 'the library names its database');
    const { db, writable } = openDatabase(dbPath);
    try {
      const id = dbServer.createSession(writable!, { name: 'killed run', startTime: Date.now() / 1000 - 60, appVersion: 't', origin: 'recorded', state: 'recording' });
      dbServer.abandonRecording(writable!, id);
    } finally {
      db.close();
    }
    await page.fill('[data-testid="library-search"]', 'killed run');
    const badge = page.locator('[data-testid="session-row"]:has-text("killed run") [data-testid="session-state"]');
    await badge.waitFor({ timeout: 5_000 });
    assert.equal(await badge.getAttribute('title'), `Interrupted: ${INTERRUPTED_SESSION_TEXT}`);
    // Seen: the word; heard (a screen reader reads the whole badge): what it means.
    assert.equal(await badge.evaluate((el) => el.firstChild?.textContent), 'interrupted');
    assert.equal(await badge.textContent(), `interrupted: ${INTERRUPTED_SESSION_TEXT}`);
    await page.fill('[data-testid="library-search"]', '');
  });

  test("a session's Predictions say per model which modality fed its windows and why one was absent; pressed again, they close", async () => {
    const dbPath = /^Database (.+recordings\.sqlite) · /.exec(await page.innerText('[data-testid="db-info"]'))?.[1];
    assert.ok(dbPath, 'the library names its database');
    const { db, writable } = openDatabase(dbPath);
    const t0 = Date.now() / 1000 - 30;
    try {
      const id = dbServer.createSession(writable!, { name: 'predicted run', startTime: t0, appVersion: 't', origin: 'recorded', state: 'recording' });
      dbServer.addPredictions(writable!, id, [
        { modelId: 'fused', windowTime: t0 + 1, outputs: { 'fed:eeg': 1, 'fed:ecg': 0, 'absent:ecg:starting': 1 } },
        { modelId: 'fused', windowTime: t0 + 2, outputs: { 'fed:eeg': 1, 'fed:ecg': 1 } },
        { modelId: 'fused', windowTime: t0 + 3, outputs: { 'fed:eeg': 1, 'fed:ecg': 0, 'absent:ecg:gap': 1 } },
      ]);
      // A stimulus marker: the windows after it (5 s, from t0+1 on) lie whole in its segment.
      dbServer.addMarker(writable!, id, { time: t0 + 0.5, label: 'go', source: 'udp' });
      dbServer.abandonRecording(writable!, id);
    } finally {
      db.close();
    }
    await page.fill('[data-testid="library-search"]', 'predicted run');
    const button = page.locator('[data-testid="session-row"]:has-text("predicted run") [data-testid="show-predictions"]');
    await button.click({ timeout: 5_000 });
    assert.equal(await button.getAttribute('aria-expanded'), 'true', 'the button says the detail is open');
    const detail = page.locator('[data-testid="session-predictions"][aria-label="Predictions of predicted run"]');
    await detail.locator('li').first().waitFor({ timeout: 5_000 });
    assert.equal(await detail.locator('li').first().innerText(), "Predictions by 'fused' 3 windows: EEG fed 3; ECG fed 1, absent 2 (starting 1, gap 1)", 'one line per model');
    // Under it, per marker label, the words sessions show prints.
    assert.match(await detail.locator('[data-testid="prediction-segments"]').innerText(), /^by marker segment \(5-s windows, each counted in the segment that holds it whole\):/);
    const labels = await detail.locator('[data-testid="prediction-segment"]').allInnerTexts();
    assert.equal(labels[0], '(no marker) 1 segment, 0.5 s: no window lies whole in it', 'before the marker');
    // (to the session's end, or the last window's: this one was never stopped)
    assert.match(labels[1] ?? '', /^"go" 1 segment, [\d.:]+( s)?: 3 windows; ECG fed 1, absent 2 \(starting 1, gap 1\)$/, 'from the marker on');
    assert.equal(labels.length, 2, 'one line per label');
    await button.click();
    await detail.waitFor({ state: 'detached', timeout: 5_000 });
    assert.equal(await button.getAttribute('aria-expanded'), 'false', 'closed again');
    // A session no model ran over says so (not an empty box).
    await page.fill('[data-testid="library-search"]', 'killed run');
    await page.locator('[data-testid="session-row"]:has-text("killed run") [data-testid="show-predictions"]').click({ timeout: 5_000 });
    await page.waitForSelector(`[data-testid="session-predictions"] >> text=${NO_PREDICTIONS_TEXT}`, { timeout: 5_000 });
    await page.fill('[data-testid="library-search"]', '');
  });

  test('deleting from the keyboard: the focus goes to the next row, then the previous one, then the search field (it fell to the page body)', async () => {
    await page.fill('[data-testid="library-search"]', '');
    const rows = page.locator('[data-testid="session-row"]');
    // The whole library again (the search was cleared): tablet, bf32 Ärger.v2, killed run, predicted run (and clock_resets).
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="session-row"]').length >= 3, undefined, { timeout: 5_000 });
    const ids = async () => rows.evaluateAll((rs) => rs.map((r) => Number(r.getAttribute('data-session-id'))));
    const focused = () =>
      page.evaluate(() => {
        const a = document.activeElement;
        return { testid: a?.getAttribute('data-testid') ?? a?.tagName ?? null, row: Number(a?.closest('tr')?.getAttribute('data-session-id') ?? NaN) };
      });
    /** Delete the row at `index` with keys only: Enter on its Delete button, Tab from "Keep it" to Delete, Enter. */
    const deleteAt = async (index: number) => {
      const before = await ids();
      await rows.nth(index).locator('[data-testid="delete-session"]').focus();
      await page.keyboard.press('Enter');
      await page.waitForSelector('[data-testid="confirm-delete"]');
      await page.keyboard.press('Tab');
      await page.keyboard.press('Enter');
      await page.waitForFunction((n) => document.querySelectorAll('[data-testid="session-row"]').length === n - 1 || (n === 1 && document.querySelector('[data-testid="library-empty"]') !== null), before.length, { timeout: 10_000 });
      return before;
    };
    const n = (await ids()).length;
    // The first row: the next one takes its place and its Delete button the focus.
    let before = await deleteAt(0);
    assert.deepEqual(await focused(), { testid: 'delete-session', row: before[1] });
    if (before.length >= 3) {
      // The last row: no next one, so the previous.
      before = await deleteAt(before.length - 2);
      assert.deepEqual(await focused(), { testid: 'delete-session', row: before[before.length - 2] });
    }
    while ((await ids()).length > 0) await deleteAt(0);
    await page.waitForSelector('[data-testid="library-empty"]');
    assert.equal((await focused()).testid, 'library-search');
    // Enter went to the right buttons all along: nothing else was deleted or opened.
    assert.equal(await page.$('[data-testid="replay-panel"]'), null);
    assert.deepEqual(app.problems, [], 'no page errors');
  });
});
