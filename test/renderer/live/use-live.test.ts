// The live panels' render gate (use-live.ts) on a simulated clock: a few renders a second however
// fast the store changes, none while the page is hidden, one with the latest when it is shown.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RenderGate, type RenderGateEnv } from '../../../src/renderer/src/live/use-live';
import { handClock } from '../../fixtures/hand-clock';

/** A page with a hand-driven clock and timers, hidden or shown. */
function fakePage() {
  const clock = handClock();
  let hidden = false;
  const env: RenderGateEnv = { ...clock.env, hidden: () => hidden };
  return { ...clock, env, setHidden: (h: boolean) => void (hidden = h) };
}

/** The store changing every `everyMs` from `from` to `to` (ms), as the core's pushes make it. */
function changes(gate: RenderGate, page: ReturnType<typeof fakePage>, from: number, to: number, everyMs = 20) {
  for (let t = from; t < to; t += everyMs) {
    page.advance(t);
    gate.changed();
  }
  page.advance(to);
}

test('a visible page renders at most maxHz a second however often the store changes', () => {
  const page = fakePage();
  let renders = 0;
  const gate = new RenderGate(() => renders++, 4, page.env);
  changes(gate, page, 0, 60_000); // a simulated minute of changes at 50 Hz
  assert.ok(renders >= 4 * 60 - 1 && renders <= 4 * 60 + 1, `4 renders a second for a minute, got ${renders}`);
});

test('a hidden page renders nothing and holds no timer; shown again it renders once, at once', () => {
  const page = fakePage();
  let renders = 0;
  const gate = new RenderGate(() => renders++, 4, page.env);
  changes(gate, page, 0, 1_000);
  const before = renders;
  page.setHidden(true);
  changes(gate, page, 1_000, 10 * 60_000); // ten simulated minutes in the background
  assert.equal(renders - before, 0, 'no render while hidden');
  assert.equal(page.timers.size, 0, 'no timer left running while hidden');
  page.setHidden(false);
  gate.visibilityChanged();
  page.advance(10 * 60_000);
  assert.equal(renders - before, 1, 'one render, at once, when shown again');
  changes(gate, page, 10 * 60_000, 10 * 60_000 + 10_000);
  assert.ok(renders - before >= 40, `rendering goes on at its rate once shown (${renders - before - 1} renders in 10 s)`);
});

test('a render scheduled just before the page was hidden waits for it to be shown', () => {
  const page = fakePage();
  let renders = 0;
  const gate = new RenderGate(() => renders++, 4, page.env);
  gate.changed();
  page.advance(0);
  assert.equal(renders, 1, 'the first change renders at once');
  gate.changed(); // scheduled for 250 ms
  page.setHidden(true);
  page.advance(5_000);
  assert.equal(renders, 1, 'the scheduled render was skipped: the page was hidden when it fell due');
  // Shown with nothing new since: the skipped render still happens (what it would have shown is unseen).
  page.setHidden(false);
  gate.visibilityChanged();
  page.advance(5_000);
  assert.equal(renders, 2, 'rendered once when shown');
  // Shown again without having been stale: nothing to do.
  gate.visibilityChanged();
  page.advance(6_000);
  assert.equal(renders, 2, 'a visibility change with nothing new renders nothing');
});

test('disposing the gate (the panel unmounted) cancels its pending render', () => {
  const page = fakePage();
  let renders = 0;
  const gate = new RenderGate(() => renders++, 2, page.env);
  gate.changed();
  page.advance(0);
  gate.changed();
  assert.equal(page.timers.size, 1, 'a render is pending');
  gate.dispose();
  page.advance(10_000);
  assert.equal(page.timers.size, 0, 'no timer left');
  assert.equal(renders, 1, 'the pending render never ran');
});

test("the connection to the core lost or back: every panel's gate renders at once, in the same go, whatever its throttle's phase", () => {
  const page = fakePage();
  let connection = 'open';
  const renders = [0, 0];
  // Two panels at 2 Hz whose throttles are out of phase (one rendered 300 ms after the other).
  const gates = [0, 1].map((i) => new RenderGate(() => renders[i]++, 2, page.env, () => connection));
  gates[0].changed();
  page.advance(300);
  gates[1].changed();
  page.advance(350);
  gates[0].changed(); // due at 500 ms
  gates[1].changed(); // due at 800 ms
  assert.deepEqual(renders, [1, 1], 'each rendered once; the next render of each waits on its throttle');
  connection = 'connecting'; // the core went away: the store tells every gate
  for (const g of gates) g.changed();
  // Nothing was run from the clock: the notice and every panel's "last figure" show in one render,
  // not one panel now and another up to half a second later.
  assert.deepEqual(renders, [2, 2], 'both rendered at once');
  page.advance(2_000);
  assert.deepEqual(renders, [2, 2], 'the renders that were pending were not run again');
  // Changes of anything else stay throttled.
  gates[0].changed();
  gates[0].changed();
  assert.equal(renders[0], 2, 'a data change waits for the throttle');
  page.advance(2_000);
  assert.equal(renders[0], 3, 'then renders once');
});

test('the connection changing while the page is hidden renders nothing until it is shown', () => {
  const page = fakePage();
  let connection = 'open';
  let renders = 0;
  const gate = new RenderGate(() => renders++, 2, page.env, () => connection);
  page.setHidden(true);
  connection = 'connecting';
  gate.changed();
  page.advance(5_000);
  assert.equal(renders, 0, 'no render while hidden');
  page.setHidden(false);
  gate.visibilityChanged();
  page.advance(5_000);
  assert.equal(renders, 1, 'one render when shown');
});

test('shown again, every panel that missed changes renders at once, in the same go (not one a task after another)', () => {
  const page = fakePage();
  const renders = [0, 0];
  const gates = [0, 1].map((i) => new RenderGate(() => renders[i]++, i === 0 ? 2 : 4, page.env));
  for (const g of gates) g.changed();
  page.advance(0);
  page.setHidden(true);
  for (const g of gates) g.changed();
  page.advance(10_000);
  assert.deepEqual(renders, [1, 1], 'nothing rendered while hidden');
  page.setHidden(false);
  for (const g of gates) g.visibilityChanged(); // the one visibilitychange listener
  assert.deepEqual(renders, [2, 2], 'both rendered before any timer ran');
  page.advance(20_000);
  assert.deepEqual(renders, [2, 2], 'and only once');
});
