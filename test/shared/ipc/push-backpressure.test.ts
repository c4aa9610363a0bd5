import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CLIENT_HARD_LIMIT_BYTES,
  CLIENT_SOFT_LIMIT_BYTES,
  estimatePushBytes,
  isPortResync,
  PORT_ACK_EVERY,
  PORT_HARD_LAG_MS,
  PORT_SOFT_LAG_MS,
  PortAcker,
  PushLedger,
  pushVerdict,
} from '../../../src/shared/ipc/push-backpressure';

const MiB = 2 ** 20;
const droppable = (type: string) => type === 'pipeline:conditioned';
const samples = (bytes: number) => ({ type: 'pipeline:conditioned', block: { values: new Float32Array(bytes / 4) } });
const window = (bytes: number) => ({ type: 'pipeline:window', window: { values: new Float32Array(bytes / 4) } });

function ledger() {
  const posted: unknown[] = [];
  const overflows: number[] = [];
  const clock = { t: 0 };
  const l = new PushLedger({ post: (m) => posted.push(m), droppable, onOverflow: (b) => overflows.push(b), now: () => clock.t });
  return { l, posted, overflows, clock };
}

describe('pushVerdict', () => {
  test('sends below the soft limit, skips only droppable pushes above it, overflows above the hard one', () => {
    assert.equal(pushVerdict(CLIENT_SOFT_LIMIT_BYTES, true), 'send', 'at the soft limit');
    assert.equal(pushVerdict(CLIENT_SOFT_LIMIT_BYTES + 1, true), 'skip', 'droppable past the soft limit');
    assert.equal(pushVerdict(CLIENT_SOFT_LIMIT_BYTES + 1, false), 'send', 'a window past the soft limit');
    assert.equal(pushVerdict(CLIENT_HARD_LIMIT_BYTES + 1, false), 'overflow', 'past the hard limit');
  });
});

describe('estimatePushBytes', () => {
  test('counts a typed array by its view, not its backing buffer', () => {
    const ring = new Float64Array(1_000_000);
    const n = estimatePushBytes({ type: 'x', v: ring.subarray(0, 10) });
    assert.ok(n > 80 && n < 300, `estimate ${n}`);
  });
});

describe('PushLedger', () => {
  test('a page that acknowledges everything sees every push', () => {
    const { l, posted } = ledger();
    for (let i = 0; i < 200; i++) {
      assert.equal(l.offer(samples(MiB)), 'send', `push ${i}`);
      l.ack({ ack: posted.length });
    }
    assert.equal(posted.length, 200, 'all posted');
    assert.equal(l.skipped, 0, 'none skipped');
    assert.equal(l.backlogBytes, 0, 'no backlog');
  });

  test('a page that stops acknowledging loses trace samples past the soft limit, never windows; past the hard limit it is asked to resync', () => {
    const { l, posted, overflows } = ledger();
    for (let i = 0; i < 50; i++) l.offer(samples(MiB));
    const sampleCount = posted.length;
    assert.ok(sampleCount >= 4 && sampleCount <= 5, `samples posted before the soft limit: ${sampleCount}`);
    assert.equal(l.skipped, 50 - sampleCount, 'the rest skipped');
    assert.ok(l.backlogBytes <= CLIENT_SOFT_LIMIT_BYTES + 2 * MiB, `backlog ${l.backlogBytes}`);

    // Windows still go, up to the hard limit.
    let windows = 0;
    while (l.offer(window(4 * MiB)) === 'send') windows++;
    assert.ok(windows >= 14 && windows <= 16, `windows posted: ${windows}`);
    assert.equal(overflows.length, 1, 'one overflow');
    assert.ok(isPortResync(posted.at(-1)), 'the last message is the resync request');
    assert.ok(l.awaitingResync, 'awaiting the resync');
    const postedAtResync = posted.length;

    // Nothing, not even a window, until the page has handled the resync request.
    assert.equal(l.offer(window(1024)), 'withheld', 'a window while awaiting the resync');
    assert.equal(l.offer(samples(1024)), 'withheld', 'samples while awaiting the resync');
    l.ack({ ack: postedAtResync - 1 }); // caught up with everything but the request
    assert.equal(l.offer(window(1024)), 'withheld', 'still withheld before the request is acknowledged');
    assert.equal(posted.length, postedAtResync, 'nothing posted while withheld');
    assert.equal(overflows.length, 1, 'no second overflow while withheld');

    l.ack({ ack: postedAtResync });
    assert.ok(!l.awaitingResync, 'resumed');
    assert.equal(l.backlogBytes, 0, 'no backlog after the full ack');
    assert.equal(l.offer(samples(1024)), 'send', 'samples flow again');
    assert.equal(l.offer(window(1024)), 'send', 'windows flow again');
  });

  test('a page that acknowledges at its pace is never late, however slow the pushes', () => {
    const { l, posted, clock } = ledger();
    const page = new PortAcker((m) => l.ack(m));
    for (let i = 0; i < 100; i++, clock.t += 1000) {
      assert.equal(l.offer(samples(1024)), 'send', `push ${i}`);
      page.handledOne();
    }
    assert.equal(posted.length, 100, 'all posted');
    assert.equal(l.lagMs(), 0, 'no lag with fewer than PORT_ACK_EVERY unacknowledged');
  });

  test('a page that falls behind in time loses trace samples past the soft lag and resyncs past the hard lag, with few bytes', () => {
    const { l, posted, overflows, clock } = ledger();
    for (let i = 0; i < PORT_ACK_EVERY; i++) l.offer(window(1024));
    clock.t = PORT_SOFT_LAG_MS + 1;
    assert.equal(l.offer(samples(1024)), 'skip', 'samples past the soft lag');
    assert.equal(l.offer(window(1024)), 'send', 'a window past the soft lag');
    clock.t = PORT_HARD_LAG_MS + 1;
    assert.equal(l.offer(window(1024)), 'overflow', 'a window past the hard lag');
    assert.equal(overflows.length, 1, 'one overflow');
    assert.ok(isPortResync(posted.at(-1)), 'the resync request posted');
    assert.ok(l.backlogBytes < 100_000, `few bytes behind: ${l.backlogBytes}`);
    l.ack({ ack: posted.length });
    assert.equal(l.lagMs(), 0, 'caught up');
    assert.equal(l.offer(samples(1024)), 'send', 'flowing again');
  });

  test('garbage, stale and too-large acks change nothing', () => {
    const { l, posted } = ledger();
    for (let i = 0; i < 10; i++) l.offer(window(MiB));
    const before = l.backlogBytes;
    for (const bad of [null, 'ack', { ack: -1 }, { ack: 1.5 }, { ack: '5' }, { ack: 11 }, { ack: Number.NaN }]) l.ack(bad);
    assert.equal(l.backlogBytes, before, 'backlog unchanged by bad acks');
    l.ack({ ack: 6 });
    l.ack({ ack: 3 }); // older than the last: ignored
    assert.ok(Math.abs(l.backlogBytes - (before * 4) / 10) < 1, `backlog after ack 6: ${l.backlogBytes}`);
    assert.equal(posted.length, 10, 'posted');
  });
});

describe('PortAcker', () => {
  test('acknowledges every PORT_ACK_EVERY messages, and at once when asked', () => {
    const acks: number[] = [];
    const a = new PortAcker((m) => acks.push(m.ack));
    for (let i = 0; i < PORT_ACK_EVERY * 2 + 3; i++) a.handledOne();
    assert.deepEqual(acks, [PORT_ACK_EVERY, PORT_ACK_EVERY * 2], 'periodic acks');
    a.handledOne(true);
    assert.deepEqual(acks.at(-1), PORT_ACK_EVERY * 2 + 4, 'immediate ack counts every message');
  });
});
