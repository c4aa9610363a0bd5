// The calm live region (calm-status.ts) on a hand-driven clock: a flood of changes is said as its
// first line and then one summary per CALM_STATUS_MS, never a line per change.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CALM_STATUS_MS, CalmText } from '../../../src/renderer/src/shell/calm-status';
import { handClock } from '../../fixtures/hand-clock';

const fakePage = handClock;

function rig() {
  const page = fakePage();
  const said: { at: number; text: string }[] = [];
  const calm = new CalmText((text) => said.push({ at: page.env.now(), text }), page.env);
  return { page, said, calm };
}

test('a flood of 1000 refusals in 1 s is said twice: the first at once, the count once the wait is over', () => {
  const { page, said, calm } = rig();
  for (let i = 1; i <= 1000; i++) {
    page.advance(i);
    calm.set(`${i} markers refused`);
  }
  page.advance(60_000);
  assert.deepEqual(said, [
    { at: 1, text: '1 markers refused' },
    { at: 1 + CALM_STATUS_MS, text: '1000 markers refused' },
  ]);
});

test('a steady flood is summed up once per CALM_STATUS_MS with the latest count, and a lone change later is said at once', () => {
  const { page, said, calm } = rig();
  // 100 a second for 20 s.
  for (let t = 0; t < 20_000; t += 10) {
    page.advance(t);
    calm.set(`${t / 10 + 1} markers`);
  }
  page.advance(30_000);
  assert.deepEqual(
    said.map((s) => s.at),
    [0, 5000, 10_000, 15_000, 20_000],
    'one line per 5 s',
  );
  assert.equal(said.at(-1)!.text, '2000 markers', 'the last says the whole count');
  for (let i = 1; i < said.length; i++) assert.equal(said[i].text, `${said[i].at / 10} markers`, `line ${i}: the latest count when it was said (set 10 ms before)`);
  page.advance(40_000);
  calm.set('2001 markers');
  assert.deepEqual(said.at(-1), { at: 40_000, text: '2001 markers' }, 'after a quiet wait, at once');
});

test('cleared: said at once, and nothing held from before is said after it', () => {
  const { page, said, calm } = rig();
  calm.set('1 marker');
  page.advance(100);
  calm.set('2 markers');
  page.advance(200);
  calm.set('');
  page.advance(20_000);
  assert.deepEqual(said, [
    { at: 0, text: '1 marker' },
    { at: 200, text: '' },
  ]);
  assert.equal(page.timers.size, 0, 'no timer left');
});

test('a change back to what was last said, held over the wait, says nothing more; dispose drops what is held', () => {
  const { page, said, calm } = rig();
  calm.set('a');
  page.advance(10);
  calm.set('b');
  page.advance(20);
  calm.set('a');
  page.advance(10_000);
  assert.deepEqual(said, [{ at: 0, text: 'a' }]);
  calm.set('c');
  page.advance(10_010);
  calm.set('d');
  calm.dispose();
  page.advance(30_000);
  assert.deepEqual(
    said.map((s) => s.text),
    ['a', 'c'],
    'nothing after dispose',
  );
});
