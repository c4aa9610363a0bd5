// The Electron push port's flow control over a real port: worker_threads' MessageChannel has the
// same postMessage/onmessage API as the page's MessagePort and Electron's MessagePortMain. Main's
// side is a PushLedger posting on port1 and taking acks from it (as electron-transport.ts does);
// the page's side is the renderer's own listenOnPushPort on port2. A page that is "frozen" is one
// whose event loop does not turn: main offers pushes synchronously, so no ack can arrive between.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MessageChannel } from 'node:worker_threads';
import { setImmediate as tick } from 'node:timers/promises';
import { CLIENT_SOFT_LIMIT_BYTES, PushLedger } from '../../../src/shared/ipc/push-backpressure';
import { ConnectionTracker, PushRouter, type ConnectionState } from '../../../src/renderer/src/transport/client';
import { listenOnPushPort } from '../../../src/renderer/src/transport/electron-client';

const MiB = 2 ** 20;

function wire() {
  const { port1, port2 } = new MessageChannel();
  const ledger = new PushLedger({
    post: (m) => port1.postMessage(m),
    droppable: (type) => type === 'pipeline:conditioned',
    now: () => 0, // bytes only here (the lag limits have their own tests): a slow machine must not matter
  });
  port1.on('message', (data) => ledger.ack(data));
  const router = new PushRouter();
  const conn = new ConnectionTracker();
  const got: { type: string; seq: number }[] = [];
  router.on('pipeline:conditioned', (m) => got.push({ type: m.type, seq: (m as unknown as { seq: number }).seq }));
  router.on('pipeline:window', (m) => got.push({ type: m.type, seq: (m as unknown as { seq: number }).seq }));
  const states: ConnectionState[] = [];
  conn.on((s) => states.push(s));
  listenOnPushPort(port2 as unknown as MessagePort, router, conn);
  conn.set('open');
  const close = () => {
    port1.close();
    port2.close();
  };
  return { ledger, got, states, close };
}

const samples = (seq: number, bytes = 1024) => ({ type: 'pipeline:conditioned', seq, values: new Float32Array(bytes / 4) });
const window = (seq: number, bytes = 1024) => ({ type: 'pipeline:window', seq, values: new Float32Array(bytes / 4) });

/** Turns the event loop (the page handles its port; main takes acks) until `cond`. */
async function until(cond: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000; // a loaded machine: time, not a count of turns
  while (Date.now() < deadline) {
    if (cond()) return;
    await tick();
  }
  assert.fail(`timed out waiting for ${what}`);
}

describe('Electron push port flow control', () => {
  test('a page that keeps up gets every push, in order, with no resync', async () => {
    const w = wire();
    try {
      for (let i = 0; i < 300; i++) {
        w.ledger.offer(i % 3 ? samples(i, 64 * 1024) : window(i, 64 * 1024));
        if (i % 10 === 9) await until(() => w.got.length === i + 1, `push ${i}`);
      }
      await until(() => w.got.length === 300, 'all pushes');
      assert.deepEqual(w.got.map((g) => g.seq), [...Array(300).keys()], 'every push in order');
      assert.equal(w.ledger.skipped, 0, 'none skipped');
      assert.deepEqual(w.states, ['connecting', 'open'], 'no resync');
    } finally {
      w.close();
    }
  });

  test('a frozen page gets no trace samples past the soft limit, still gets windows, and resyncs past the hard limit; then pushes resume', async () => {
    const w = wire();
    try {
      // Frozen: 40 MiB of samples offered before the page can handle one.
      for (let i = 0; i < 40; i++) w.ledger.offer(samples(i, MiB));
      const samplesSent = 40 - w.ledger.skipped;
      assert.ok(samplesSent * MiB <= CLIENT_SOFT_LIMIT_BYTES + MiB, `samples posted: ${samplesSent}`);
      // Still frozen: windows go through up to the hard limit, then the page is asked to resync.
      let seq = 100;
      while (!w.ledger.awaitingResync) w.ledger.offer(window(seq++, 4 * MiB));
      const lastWindowOffered = seq - 1; // the one that overflowed: withheld
      w.ledger.offer(window(seq++, 1024)); // withheld
      w.ledger.offer(samples(seq++, 1024)); // withheld

      // The page wakes: it handles its backlog, then the resync request (a new 'open').
      await until(() => w.states.length === 3, 'the resync');
      assert.deepEqual(w.states, ['connecting', 'open', 'open'], 'a resync is a new open');
      const windowsGot = w.got.filter((g) => g.type === 'pipeline:window').map((g) => g.seq);
      assert.deepEqual(windowsGot, [...Array(lastWindowOffered - 100).keys()].map((i) => 100 + i), 'every window posted before the overflow arrived');
      assert.equal(w.got.filter((g) => g.type === 'pipeline:conditioned').length, samplesSent, 'only the samples under the soft limit');

      // Its ack of the request resumes the flow.
      await until(() => !w.ledger.awaitingResync, 'the ack of the resync');
      const before = w.got.length;
      w.ledger.offer(samples(1000));
      w.ledger.offer(window(1001));
      await until(() => w.got.length === before + 2, 'pushes after the resync');
      assert.deepEqual(w.got.slice(before).map((g) => g.seq), [1000, 1001], 'both kinds flow again');
      assert.equal(w.states.length, 3, 'no second resync');
    } finally {
      w.close();
    }
  });
});
