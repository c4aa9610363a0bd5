// Keyboard only, in real Chromium against the real core in serve mode: Alt+1…5 and the
// navigation links land the focus on the new view (its main region, named by the view) and say
// the view's name, so the next Tab starts inside the view, not back at "Skip to content"; every
// control a Tab reaches in each view is visible, has a focus ring and has a role and a name in
// the accessibility tree; a session row's Edit, Export and Delete forms take the focus when they
// open, close on Escape and give the focus back to the button that opened them, as the model card
// does; prefers-reduced-motion stills what pulses.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser, CDPSession, Page } from 'playwright-core';
import { openServedPage, servedPageMissing, type ServedPage } from './support/open-page';

const skip = servedPageMissing();
const EDF = resolve('..', 'shared', 'data', 'edf-mne', 'test_edf_stim_channel.edf');
// minStops: the fewest Tab stops the view has on a fresh start (Training with no runs: the "What to
// run" group, one stop as a radio group is, and Start).
const VIEWS = [
  { id: 'live', title: 'Live', minStops: 3 },
  { id: 'models', title: 'Models', minStops: 3 },
  { id: 'sessions', title: 'Sessions', minStops: 3 },
  { id: 'training', title: 'Training', minStops: 2 },
  { id: 'devices', title: 'Devices', minStops: 3 },
];

interface AxNode {
  nodeId: string;
  parentId?: string;
  ignored: boolean;
  role?: { value: string };
  name?: { value: string };
  backendDOMNodeId?: number;
}

/** What has the focus: tag, test id, and the main region's label when it is main. */
async function focused(page: Page): Promise<{ tag: string; testid: string | null; label: string | null; text: string }> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    return { tag: el?.tagName.toLowerCase() ?? '', testid: el?.getAttribute('data-testid') ?? null, label: el?.getAttribute('aria-label') ?? null, text: (el?.innerText ?? '').trim().slice(0, 40) };
  });
}

describe('Keyboard and accessibility across views (Chromium, serve mode)', { skip }, () => {
  let app: ServedPage;
  let page: Page;
  let cdp: CDPSession;

  before(async () => {
    // The shipped model: the Models view has a Card to open.
    app = await openServedPage({ builtinModels: true, route: '#/live', viewport: { width: 1300, height: 900 } });
    page = app.page;
    cdp = await page.context().newCDPSession(page);
  });

  after(() => app?.close());

  /** Every control of the page has a name, and one that tells it from the others. */
  async function checkNames(view: string): Promise<void> {
    const roles = new Set(['button', 'link', 'textbox', 'searchbox', 'combobox', 'checkbox', 'radio', 'slider', 'spinbutton', 'tab', 'switch', 'listbox', 'menuitem', 'region', 'dialog', 'alertdialog', 'progressbar', 'meter']);
    const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as { nodes: AxNode[] };
    const unnamed = nodes.filter((n) => !n.ignored && roles.has(n.role?.value ?? '') && !String(n.name?.value ?? '').trim());
    const html = await Promise.all(
      unnamed.map(async (n) => {
        const { object } = (await cdp.send('DOM.resolveNode', { backendNodeId: n.backendDOMNodeId })) as { object: { objectId: string } };
        const r = (await cdp.send('Runtime.callFunctionOn', { objectId: object.objectId, functionDeclaration: 'function(){return this.outerHTML.slice(0,160)}', returnByValue: true })) as { result: { value: string } };
        return `${n.role?.value}: ${r.result.value}`;
      }),
    );
    assert.deepEqual(html, [], `${view}: controls without a name`);
    // A name heard in a list of buttons ("Channels", "Inject") must say which one it is; a form
    // field's name may repeat in another named group or region (each device's "Mains").
    const byId = new Map(nodes.map((n) => [n.nodeId, n]));
    const context = (n: AxNode): string => {
      for (let p = byId.get(n.parentId ?? ''); p; p = byId.get(p.parentId ?? '')) if (['group', 'region'].includes(p.role?.value ?? '') && p.name?.value) return p.name.value;
      return '';
    };
    const seen = new Map<string, number>();
    for (const n of nodes) {
      const role = n.role?.value ?? '';
      if (n.ignored || !roles.has(role) || ['region', 'dialog', 'alertdialog'].includes(role)) continue;
      const key = `${['button', 'link'].includes(role) ? '' : `${context(n)} › `}${role} "${n.name?.value}"`;
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }
    // A tag's button is the same filter in every row that has the tag: the one name that may repeat.
    assert.deepEqual([...seen].filter(([k, c]) => c > 1 && !k.startsWith('button "Show sessions tagged ')), [], `${view}: controls that share a name`);
  }

  test('Alt+1…5 puts the focus on the new view and says its name; the next Tab is inside the view', async () => {
    // Start from a control in the navigation, as a keyboard user would be.
    await page.focus('nav a[href="#/live"]');
    for (const [i, v] of [...VIEWS.entries()].reverse()) {
      await page.keyboard.press(`Alt+${i + 1}`);
      await page.waitForFunction((t) => document.title === `${t} · HeartMind`, v.title, { timeout: 5000 });
      const f = await focused(page);
      assert.deepEqual([f.tag, f.label], ['main', v.title], `Alt+${i + 1}: the focus is on the ${v.title} view's main region`);
      const said = await page
        .waitForFunction((t) => document.querySelector('[data-testid="view-announcer"]')?.textContent?.startsWith(`${t} view`), v.title, { timeout: 5000 })
        .then(() => true, () => false);
      assert.ok(said, `Alt+${i + 1}: the ${v.title} view is said (the announcer says ${JSON.stringify(await page.textContent('[data-testid="view-announcer"]'))})`);
      assert.equal(await page.getAttribute('[data-testid="view-announcer"]', 'role'), 'status');
      // The view's first control comes next, not the skip link or the navigation.
      await page.waitForSelector(`main h1:has-text("${v.title}")`, { timeout: 10_000 });
      await page.keyboard.press('Tab');
      const next = await page.evaluate(() => !!document.activeElement?.closest('main'));
      assert.ok(next, `after Alt+${i + 1} Tab stays in the ${v.title} view (went to ${JSON.stringify(await focused(page))})`);
    }
  });

  test('Alt+N: the focus is on the new view before the next key is handled, not a frame later', async () => {
    await page.keyboard.press('Alt+1');
    await page.waitForFunction(() => document.title.startsWith('Live') && document.activeElement?.tagName === 'MAIN', undefined, { timeout: 5000 });
    await page.focus('nav a[href="#/live"]');
    // A key queued behind Alt+4 (typed on, or held up while a loaded machine draws the view) is a
    // task after the view change: what it finds there is read in such a task. The landing ran in an
    // effect, a frame later: the key moved from the navigation link, then the focus was pulled back.
    const seen = await page.evaluate(
      () =>
        new Promise<{ tag: string; label: string | null; title: string }>((resolve) => {
          addEventListener('hashchange', () => setTimeout(() => resolve({ tag: document.activeElement?.tagName ?? '', label: document.activeElement?.getAttribute('aria-label') ?? null, title: document.title })), { once: true });
          dispatchEvent(new KeyboardEvent('keydown', { key: '4', code: 'Digit4', altKey: true, bubbles: true, cancelable: true }));
        }),
    );
    assert.deepEqual(seen, { tag: 'MAIN', label: 'Training', title: 'Training · HeartMind' }, `where the next key after Alt+4 lands: ${JSON.stringify(seen)}`);
  });

  test('Alt+N on the view already shown still lands on it, and says so again', async () => {
    await page.keyboard.press('Alt+5');
    await page.waitForFunction(() => document.activeElement?.tagName === 'MAIN' && document.title.startsWith('Devices'), undefined, { timeout: 5000 });
    const before = await page.textContent('[data-testid="view-announcer"]');
    await page.focus('nav a[href="#/live"]');
    await page.keyboard.press('Alt+5');
    await page.waitForFunction(() => document.activeElement?.tagName === 'MAIN', undefined, { timeout: 5000 });
    // A live region whose text does not change is not read again.
    await page.waitForFunction((b) => document.querySelector('[data-testid="view-announcer"]')?.textContent !== b, before, { timeout: 5000 });
  });

  test('Option+digit on a Mac (the key types "¡", "™"…) switches view too', async () => {
    await page.keyboard.press('Alt+1');
    await page.waitForFunction(() => document.title.startsWith('Live'), undefined, { timeout: 5000 });
    // What macOS Chromium sends for Option+2 on a US layout.
    await page.evaluate(() => window.dispatchEvent(new KeyboardEvent('keydown', { key: '™', code: 'Digit2', altKey: true, bubbles: true, cancelable: true })));
    await page.waitForFunction(() => document.title.startsWith('Models'), undefined, { timeout: 5000 });
  });

  test('Enter on a navigation link lands on the view too, the current view\'s link as well', async () => {
    for (const attempt of ['another view', 'the same view']) {
      await page.focus('nav a[href="#/sessions"]');
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => document.title.startsWith('Sessions'), undefined, { timeout: 5000 });
      await page.waitForFunction(() => document.activeElement?.tagName === 'MAIN', undefined, { timeout: 5000 }).catch(() => {});
      const f = await focused(page);
      assert.deepEqual([f.tag, f.label], ['main', 'Sessions'], attempt);
    }
  });

  test('opening the page does not take the focus (the browser starts at the skip link)', async () => {
    const p = await app.browser.newPage({ viewport: { width: 1300, height: 900 } });
    try {
      await p.goto(`${app.serve.url}#/training`);
      await p.waitForSelector('main h1:has-text("Training")', { timeout: 10_000 });
      assert.equal(await p.evaluate(() => document.activeElement?.tagName), 'BODY');
      await p.keyboard.press('Tab');
      assert.equal((await focused(p)).text, 'Skip to content');
    } finally {
      await p.close();
    }
  });

  for (const [i, v] of VIEWS.entries()) {
    test(`${v.title}: every Tab stop is visible and shows a focus ring`, async () => {
      await page.keyboard.press(`Alt+${i + 1}`);
      await page.waitForSelector(`main h1:has-text("${v.title}")`, { timeout: 10_000 });
      const stops: string[] = [];
      for (let k = 0; k < 80; k++) {
        await page.keyboard.press('Tab');
        const d = await page.evaluate(() => {
          const el = document.activeElement as HTMLElement | null;
          if (!el || el === document.body) return null;
          const cs = getComputedStyle(el);
          const r = el.getBoundingClientRect();
          return { where: `${el.tagName.toLowerCase()} ${el.getAttribute('data-testid') ?? el.outerHTML.slice(0, 80)}`, ring: cs.boxShadow !== 'none' || cs.outlineStyle !== 'none', size: r.width > 2 && r.height > 2 };
        });
        if (d === null) break;
        if (stops.includes(d.where)) break;
        stops.push(d.where);
        assert.ok(d.size, `${v.title}: Tab stop ${d.where} is visible`);
        assert.ok(d.ring, `${v.title}: Tab stop ${d.where} shows a focus ring`);
      }
      assert.ok(stops.length >= v.minStops, `${v.title}: Tab reaches the view's controls (${stops.length} stops: ${stops.join(', ')})`);
    });
  }

  test('every control in every view has a role and a name in the accessibility tree, one that tells it from the others', async () => {
    for (const [i, v] of VIEWS.entries()) {
      await page.keyboard.press(`Alt+${i + 1}`);
      await page.waitForSelector(`main h1:has-text("${v.title}")`, { timeout: 10_000 });
      // Training's custom run has the most fields (pairs of them under one label).
      if (v.id === 'training') {
        await page.focus('[data-testid="mode-custom"]');
        await page.keyboard.press('Space');
        await page.waitForSelector('[data-testid="class-pos"]', { timeout: 5000 });
      }
      await page.waitForTimeout(500);
      await checkNames(v.title);
    }
  });

  test('a session row\'s Edit, Export and Delete: the form takes the focus, Escape closes it, the focus goes back to its button', { skip: !existsSync(EDF) && 'needs ../shared/data' }, async () => {
    await page.keyboard.press('Alt+3');
    await page.waitForSelector('main h1:has-text("Sessions")', { timeout: 10_000 });
    await page.fill('[data-testid="import-path"]', EDF);
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid="session-row"]', { timeout: 15_000 });
    const row = page.locator('[data-testid="session-row"]').first();
    const cases = [
      { button: row.locator('[data-testid="edit-session"]'), form: '[data-testid="session-editor"]', first: 'input' },
      { button: row.locator('button:has-text("Export")'), form: '[data-testid="export-form"]', first: 'select' },
      { button: row.locator('[data-testid="delete-session"]'), form: '[data-testid="confirm-delete"]', first: 'button' },
    ];
    for (const c of cases) {
      const name = await c.button.innerText();
      await c.button.focus();
      await page.keyboard.press('Enter');
      await page.waitForSelector(c.form, { timeout: 5000 });
      // The form focuses its field in an effect, after it is drawn.
      const inForm = await page
        .waitForFunction(([form, first]) => !!document.activeElement?.closest(form) && document.activeElement!.matches(first), [c.form, c.first] as const, { timeout: 3000 })
        .then(() => true, () => false);
      assert.ok(inForm, `${name}: the form has the focus (it is on ${JSON.stringify(await focused(page))})`);
      await page.keyboard.press('Escape');
      await page.waitForSelector(c.form, { state: 'detached', timeout: 5000 });
      assert.equal(await c.button.evaluate((e) => e === document.activeElement), true, `${name}: Escape gives the focus back to ${name} (it is on ${JSON.stringify(await focused(page))})`);
    }
    // Cancel and "Keep it" (Space, as a keyboard user presses a button) give it back too.
    await cases[0].button.focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => !!document.activeElement?.closest('[data-testid="session-editor"]'), undefined, { timeout: 5000 });
    await page.locator('[data-testid="session-editor"] button:has-text("Cancel")').focus();
    await page.keyboard.press('Space');
    await page.waitForSelector('[data-testid="session-editor"]', { state: 'detached', timeout: 5000 });
    assert.equal(await cases[0].button.evaluate((e) => e === document.activeElement), true, 'Cancel gives the focus back to Edit');
    await cases[2].button.focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.activeElement?.textContent === 'Keep it', undefined, { timeout: 5000 });
    await page.keyboard.press('Space');
    await page.waitForSelector('[data-testid="confirm-delete"]', { state: 'detached', timeout: 5000 });
    assert.equal(await cases[2].button.evaluate((e) => e === document.activeElement), true, 'Keep it gives the focus back to Delete');
    assert.equal(await page.locator('[data-testid="session-row"]').count(), 1, 'kept');
    // Two rows, each with its Replay, Edit, Export, Delete, and a form open: each button says which it is.
    await page.fill('[data-testid="import-path"]', EDF);
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="session-row"]').length === 2, undefined, { timeout: 15_000 });
    // The same file twice: the second gets a name of its own (names the buttons carry).
    await page.locator('[data-testid="edit-session"] >> nth=1').click();
    await page.fill('[data-testid="edit-name"]', 'second import');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid="session-row"]:has-text("second import")', { timeout: 5000 });
    await cases[2].button.click();
    await checkNames('Sessions with two rows and a confirmation open');
    await page.keyboard.press('Escape');
  });

  test('the model card: Escape closes it, and Close or Escape gives the focus back to its Card button', async () => {
    await page.keyboard.press('Alt+2');
    const card = page.locator('[data-testid^="card-"]').first();
    await card.waitFor({ timeout: 10_000 });
    // Each model's Use and Card say which model they are for.
    const model = await page.locator('[data-testid^="model-"] h3').first().evaluate((h) => h.firstChild!.textContent!.trim());
    assert.ok(model.startsWith('HeartMind'), model);
    assert.equal(await card.getAttribute('aria-label'), `Card of ${model}`);
    assert.equal(await page.locator('[data-testid^="select-"]').first().getAttribute('aria-label'), `Use ${model}`);
    for (const how of ['Escape', 'Close'] as const) {
      await card.focus();
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => !!document.activeElement?.closest('[data-testid="model-card"]'), undefined, { timeout: 5000 });
      if (how === 'Close') await page.locator('[data-testid="model-card"] button:has-text("Close")').focus();
      await page.keyboard.press(how === 'Close' ? 'Enter' : 'Escape');
      await page.waitForSelector('[data-testid="model-card"]', { state: 'detached', timeout: 5000 });
      assert.equal(await card.evaluate((e) => e === document.activeElement), true, `${how}: the focus is back on Card (it is on ${JSON.stringify(await focused(page))})`);
    }
  });

  test('Card: the focus is in the card as it appears, before the next key is handled, not a frame later', async () => {
    const card = page.locator('[data-testid^="card-"]').first();
    await card.focus();
    // A key typed right after the card appears (Escape, Tab) is a task after the render that added
    // it: where the focus is then is where that key goes. Focused in an effect, a frame later, it was
    // still on Card: Escape did not close the card, Tab went on from Card.
    const seen = await card.evaluate(
      (button) =>
        new Promise<string>((resolve) => {
          const mo = new MutationObserver(() => {
            if (!document.querySelector('[data-testid="model-card"]')) return;
            mo.disconnect();
            setTimeout(() => {
              const a = document.activeElement;
              resolve(a?.closest('[data-testid="model-card"]') ? 'in the card' : `${a?.tagName} ${a?.getAttribute('aria-label') ?? a?.getAttribute('data-testid') ?? ''}`);
            });
          });
          mo.observe(document.body, { childList: true, subtree: true });
          (button as HTMLElement).click();
        }),
    );
    assert.equal(seen, 'in the card', `where a key typed as the card appears lands: ${seen}`);
    await page.keyboard.press('Escape');
    await page.waitForSelector('[data-testid="model-card"]', { state: 'detached', timeout: 5000 });
  });

  test('dismissing an error moves the focus to the next Dismiss, and to the view after the last', async () => {
    // Its own page: the errors thrown here are not the main page's problems.
    const p = await app.browser.newPage({ viewport: { width: 1300, height: 900 } });
    try {
      await p.goto(`${app.serve.url}#/training`);
      await p.waitForSelector('main h1:has-text("Training")', { timeout: 10_000 });
      await p.evaluate(() => {
        for (const m of ['first failure', 'second failure', 'third failure'])
          setTimeout(() => {
            throw new Error(m);
          });
      });
      const dismiss = '[data-testid="error-banner"] .btn-icon';
      await p.waitForFunction((sel) => document.querySelectorAll(sel).length === 3, dismiss, { timeout: 5000 });
      await p.focus(`${dismiss} >> nth=1`);
      await p.keyboard.press('Enter');
      // The second went; the third, now second, has the focus.
      assert.equal(await p.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'Dismiss: third failure');
      await p.keyboard.press('Space');
      assert.equal(await p.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'Dismiss: first failure', 'after the last, the one before');
      await p.keyboard.press('Enter');
      await p.waitForSelector('[data-testid="error-banner"]', { state: 'detached', timeout: 5000 });
      assert.deepEqual(await p.evaluate(() => [document.activeElement?.tagName, document.activeElement?.getAttribute('aria-label')]), ['MAIN', 'Training']);
    } finally {
      await p.close();
    }
  });

  test('reduced motion: the recording dot stands still (it pulsed), the connecting dot too; Record and Stop keep the keyboard focus', async () => {
    const p = await app.browser.newPage({ viewport: { width: 1300, height: 900 }, reducedMotion: 'reduce' });
    try {
      await p.goto(`${app.serve.url}#/sessions`);
      await p.waitForSelector('[data-testid="connection"][data-state="open"]', { timeout: 15_000 });
      // From the keyboard: Enter on Record, then Enter on Stop, without the focus falling to the
      // page body while the button is disabled for the request.
      await p.focus('[data-testid="record-start"]');
      await p.keyboard.press('Enter');
      await p.waitForSelector('[data-testid="record-stop"]:not([disabled]) .rec-dot', { timeout: 10_000 });
      assert.equal(await p.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'record-stop', 'Record keeps the focus as it becomes Stop');
      const still = await p.evaluate(() => {
        const probe = document.createElement('span');
        probe.className = 'pill pill-connecting';
        probe.innerHTML = '<span class="dot"></span>';
        document.body.append(probe);
        const names = [getComputedStyle(document.querySelector('[data-testid="record-stop"] .rec-dot')!).animationName, getComputedStyle(probe.firstElementChild!).animationName];
        probe.remove();
        return names;
      });
      assert.deepEqual(still, ['none', 'none']);
      await p.keyboard.press('Enter');
      await p.waitForSelector('[data-testid="record-start"]:not([disabled])', { timeout: 10_000 });
      assert.equal(await p.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'record-start', 'Stop keeps the focus as it becomes Record');
    } finally {
      await p.close();
    }
    // Without the preference the dot pulses: the check above can tell the two apart.
    const moving = await page.evaluate(() => {
      const dot = document.createElement('span');
      dot.className = 'rec-dot';
      document.body.append(dot);
      const name = getComputedStyle(dot).animationName;
      dot.remove();
      return name;
    });
    assert.equal(moving, 'pulse');
  });

  test('no console errors', () => {
    assert.deepEqual(app.problems, [], 'no page errors');
  });
});
