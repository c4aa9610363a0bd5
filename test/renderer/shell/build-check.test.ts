import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BuildWatch, entryScriptOf } from '../../../src/renderer/src/shell/build-check';

// The shape electron-vite writes to out/renderer/index.html (the CSP meta tag shortened).
const BUILT = `<!doctype html>
<html lang="en">
  <head>
    <meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;">
    <meta charset="UTF-8" />
    <!-- a comment that names no <script> -->
    <link rel="icon" type="image/svg+xml" href="./assets/icon-DpfVzIJi.svg" />
    <title>HeartMind</title>
    <script type="module" crossorigin src="./assets/index-s7WhReZf.js"></script>
    <link rel="stylesheet" crossorigin href="./assets/index-DSOIu9Ub.css">
  </head>
  <body><div id="app"></div></body>
</html>`;

describe('entryScriptOf', () => {
  test("reads the entry script of the build's index.html", () => {
    assert.equal(entryScriptOf(BUILT), './assets/index-s7WhReZf.js', 'the module script');
  });

  test('takes the first module script, in any attribute order and quoting', () => {
    const html = `<script src="/legacy.js"></script><script data-src="no.js" src='/a/entry-1.js' type=module></script><script type="module" src="/b.js"></script>`;
    assert.equal(entryScriptOf(html), '/a/entry-1.js', 'a classic script and data-src are not the entry');
    assert.equal(entryScriptOf('<SCRIPT TYPE="module" SRC=./x.js></SCRIPT>'), './x.js', 'case and unquoted values');
  });

  test('null without a module script with a src', () => {
    assert.equal(entryScriptOf('<html><body>not found</body></html>'), null, 'no script');
    assert.equal(entryScriptOf('<script type="module">inline()</script>'), null, 'an inline module');
    assert.equal(entryScriptOf('<script type="modulex" src="a.js"></script>'), null, 'another type');
  });
});

describe('BuildWatch', () => {
  const rebuilt = BUILT.replace('index-s7WhReZf.js', 'index-Q1b2C3d4.js');

  test('the same build served: not stale, nobody told', async () => {
    let told = 0;
    const w = new BuildWatch(() => './assets/index-s7WhReZf.js', async () => BUILT);
    w.subscribe(() => told++);
    assert.equal(await w.check(), false, 'same entry');
    assert.equal(w.stale, false, 'not stale');
    assert.equal(told, 0, 'no listener called');
  });

  test('another build served: stale from then on, listeners told once', async () => {
    let told = 0;
    let served = rebuilt;
    const w = new BuildWatch(() => './assets/index-s7WhReZf.js', async () => served);
    w.subscribe(() => told++);
    assert.equal(await w.check(), true, 'another entry');
    assert.equal(w.stale, true, 'stale');
    served = BUILT; // only a reload makes the page current
    assert.equal(await w.check(), true, 'still stale');
    assert.equal(told, 1, 'told once');
  });

  test('cannot tell: the core away, an answer without an entry, a page without one', async () => {
    const away = new BuildWatch(() => './assets/index-s7WhReZf.js', async () => {
      throw new TypeError('Failed to fetch');
    });
    assert.equal(await away.check(), false, 'a failed fetch says nothing');
    const noEntry = new BuildWatch(() => './assets/index-s7WhReZf.js', async () => 'not found\n');
    assert.equal(await noEntry.check(), false, 'an answer naming no entry says nothing');
    let asked = false;
    const devPage = new BuildWatch(() => null, async () => {
      asked = true;
      return rebuilt;
    });
    assert.equal(await devPage.check(), false, 'a page without an entry script is never stale');
    assert.equal(asked, false, 'and does not ask');
  });
});
