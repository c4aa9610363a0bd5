// The reconnect state machine on scripted event sequences: what it decides, step by step.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { backoffDelayMs, initialConnState, stepConnection } from '../../../../src/shared/devices/connection/connection-machine';
import { DEFAULT_RECONNECT_POLICY, type ConnEffect, type ConnEvent, type ConnState, type ReconnectPolicy } from '../../../../src/shared/devices/connection/connection.types';

const lost = { code: 'disconnected' as const, message: 'link lost', retryable: true };
const fatal = { code: 'unavailable' as const, message: 'not a BrainFlow library', retryable: false };

function run(events: ConnEvent[], policy: ReconnectPolicy = DEFAULT_RECONNECT_POLICY, s0: ConnState = initialConnState(1)) {
  let s = s0;
  const trace: { e: ConnEvent['type']; state: string; fx: ConnEffect[] }[] = [];
  for (const e of events) {
    const r = stepConnection(s, e, policy);
    s = r.state;
    trace.push({ e: e.type, state: s.state, fx: r.effects });
  }
  return { s, trace, fx: trace.flatMap((t) => t.fx) };
}
const types = (fx: ConnEffect[]) => fx.map((f) => f.type);

describe('connection machine', () => {
  test('start → connected → data: streaming, one open, statuses in order', () => {
    const { s, trace } = run([
      { type: 'start', now: 0 },
      { type: 'connected', now: 1, attempt: 1 },
      { type: 'data', now: 1.1 },
    ]);
    assert.equal(s.state, 'streaming');
    assert.deepEqual(types(trace[0].fx), ['open', 'status']);
    assert.deepEqual(trace[0].fx[0], { type: 'open', attempt: 1 });
    assert.deepEqual(trace[1].fx, [{ type: 'status', state: 'streaming' }]);
    assert.deepEqual(trace[2].fx, []);
  });

  test('drop while streaming: close, gap opens, retry with backoff, reconnect, gap closes with both ends', () => {
    const { s, trace } = run([
      { type: 'start', now: 0 },
      { type: 'connected', now: 1, attempt: 1 },
      { type: 'data', now: 2 },
      { type: 'data', now: 5 },
      { type: 'dropped', now: 5.2, error: lost },
      { type: 'retry-due', now: 5.7 },
      { type: 'connect-failed', now: 6, attempt: 2, error: lost },
      { type: 'retry-due', now: 7 },
      { type: 'connected', now: 7.5, attempt: 3 },
      { type: 'data', now: 7.6 },
    ]);
    assert.equal(s.state, 'streaming');
    const drop = trace[4];
    assert.equal(drop.state, 'reconnecting');
    assert.deepEqual(types(drop.fx), ['close', 'gap-open', 'schedule-retry', 'status']);
    assert.deepEqual(drop.fx[1], { type: 'gap-open', lastDataAt: 5, reason: 'device-dropped' });
    const d1 = (drop.fx[2] as { delayMs: number }).delayMs;
    const d2 = (trace[6].fx.find((f) => f.type === 'schedule-retry') as { delayMs: number }).delayMs;
    assert.ok(d1 >= 400 && d1 <= 600, `first retry ${d1} ms`);
    assert.ok(d2 >= 800 && d2 <= 1200, `second retry ${d2} ms (doubled)`);
    assert.deepEqual(trace[8].fx.map((f) => f.type), ['status']);
    assert.deepEqual(trace[9].fx[0], { type: 'gap-close', lastDataAt: 5, resumedAt: 7.6, reason: 'device-dropped' });
    assert.equal(s.failures, 0);
    assert.equal(s.problem, undefined);
  });

  test('silence while streaming is a stall: treated as a drop', () => {
    const { trace } = run([
      { type: 'start', now: 0 },
      { type: 'connected', now: 0.5, attempt: 1 },
      { type: 'data', now: 1 },
      { type: 'tick', now: 3.9 },
      { type: 'tick', now: 4.1 },
    ]);
    assert.deepEqual(trace[3].fx, []);
    assert.equal(trace[4].state, 'reconnecting');
    const st = trace[4].fx.find((f) => f.type === 'status') as { problem: { code: string; message: string } };
    assert.equal(st.problem.code, 'stalled');
    assert.match(st.problem.message, /no data for 3\.1 s/);
  });

  test('a quiet spell the device announced is no stall; silence past it (plus the timeout) is, and data ends it', () => {
    const { trace } = run([
      { type: 'start', now: 0 },
      { type: 'connected', now: 0.5, attempt: 1 },
      { type: 'data', now: 1 },
      { type: 'quiet', now: 1, until: 6 },
      { type: 'tick', now: 8.9 },
      { type: 'tick', now: 9.1 },
    ]);
    assert.deepEqual(trace[3].fx, [], 'announcing it changes nothing yet');
    assert.equal(trace[4].state, 'streaming', '7.9 s of silence, 2.9 s past the quiet spell');
    assert.equal(trace[5].state, 'reconnecting');
    const st = trace[5].fx.find((f) => f.type === 'status') as { problem: { message: string } };
    assert.match(st.problem.message, /no data for 8\.1 s/, 'the silence is told from the last data');
    // Data before the spell ends it: the usual rule applies again from that data.
    const early = run([
      { type: 'start', now: 0 },
      { type: 'connected', now: 0.5, attempt: 1 },
      { type: 'data', now: 1 },
      { type: 'quiet', now: 1, until: 60 },
      { type: 'data', now: 2 },
      { type: 'tick', now: 5.1 },
    ]);
    assert.equal(early.trace[5].state, 'reconnecting');
    // Announced while not streaming (reconnecting): ignored.
    const late = run([{ type: 'start', now: 0 }, { type: 'quiet', now: 0.1, until: 60 }]);
    assert.ok(Number.isNaN(late.s.quietUntil), `quietUntil is NaN, got ${late.s.quietUntil}`);
  });

  test('a device that connects but never sends counts against the start attempts', () => {
    const p = { ...DEFAULT_RECONNECT_POLICY, startAttempts: 2 };
    const { s } = run(
      [
        { type: 'start', now: 0 },
        { type: 'connected', now: 0, attempt: 1 },
        { type: 'tick', now: 3.5 },
        { type: 'retry-due', now: 4 },
        { type: 'connected', now: 4, attempt: 2 },
        { type: 'tick', now: 7.5 },
      ],
      p,
    );
    assert.equal(s.state, 'error');
    assert.match(s.problem?.message ?? '', /gave up after 2 attempts/);
  });

  test('at start: retryable failures retry up to startAttempts, then error', () => {
    const { s, fx } = run([
      { type: 'start', now: 0 },
      { type: 'connect-failed', now: 0.1, attempt: 1, error: lost },
      { type: 'retry-due', now: 1 },
      { type: 'connect-failed', now: 1.1, attempt: 2, error: lost },
      { type: 'retry-due', now: 2 },
      { type: 'connect-failed', now: 2.1, attempt: 3, error: lost },
    ]);
    assert.equal(s.state, 'error');
    assert.equal(fx.filter((f) => f.type === 'open').length, 3);
    assert.equal(fx.filter((f) => f.type === 'gap-open').length, 0, 'nothing streamed, no gap');
  });

  test('a remembered device at start (waitForDevice): after the quick attempts it waits, retrying slowly, until it appears', () => {
    const p = { ...DEFAULT_RECONNECT_POLICY, startAttempts: 3, waitForDevice: true, waitRetryMs: 12_000 };
    const events: ConnEvent[] = [{ type: 'start', now: 0 }];
    // 3 quick attempts, then an hour of slow ones (the dongle stays in the drawer).
    for (let k = 1; k < 300; k++) events.push({ type: 'connect-failed', now: k * 12, attempt: k, error: lost }, { type: 'retry-due', now: k * 12 + 12 });
    const { s, trace, fx } = run(events, p);
    assert.equal(s.state, 'connecting', 'never an error');
    assert.equal(s.waitingForDevice, true);
    assert.equal(fx.filter((f) => f.type === 'open').length, 300);
    const delays = fx.flatMap((f) => (f.type === 'schedule-retry' ? [f.delayMs] : []));
    assert.ok(delays.slice(0, 2).every((d) => d < 2000), `quick first: ${delays.slice(0, 2)}`);
    assert.ok(delays.slice(2).every((d) => d >= 12_000 * 0.8 && d <= 12_000 * 1.2), 'then every 12 s ± jitter');
    assert.ok(new Set(delays.slice(2)).size > 10, 'jittered, not in lockstep');
    const third = trace[5].fx.find((f) => f.type === 'status');
    assert.deepEqual(third, { type: 'status', state: 'connecting', problem: { ...lost, message: 'link lost — waiting for it: trying every 12 s until you disconnect it' } });
    // Plugged in: it connects and streams, and is no longer waiting; a later drop reconnects as usual.
    const n = s.attempt;
    const up = run([{ type: 'connected', now: 4000, attempt: n }, { type: 'data', now: 4000.1 }, { type: 'dropped', now: 4001, error: lost }], p, s);
    assert.equal(up.trace[1].state, 'streaming');
    assert.equal(up.s.waitingForDevice, false);
    assert.equal(up.s.state, 'reconnecting');
    // The user disconnects it while it waits: stopped, the pending retry cancelled.
    const stop = run([{ type: 'stop', now: 4000 }], p, s);
    assert.equal(stop.s.state, 'stopped');
    assert.equal(stop.s.waitingForDevice, false);
    assert.deepEqual(types(stop.fx), ['cancel-retry', 'close', 'status']);
  });

  test('waiting for the device does not outlast errors no retry can fix', () => {
    const p = { ...DEFAULT_RECONNECT_POLICY, startAttempts: 1, waitForDevice: true };
    const { s } = run([{ type: 'start', now: 0 }, { type: 'connect-failed', now: 0.1, attempt: 1, error: fatal }], p);
    assert.equal(s.state, 'error');
    assert.equal(s.waitingForDevice, false);
  });

  test('a non-retryable failure goes straight to error with the message', () => {
    const { s, trace } = run([
      { type: 'start', now: 0 },
      { type: 'connect-failed', now: 0.1, attempt: 1, error: fatal },
      { type: 'retry-due', now: 1 },
    ]);
    assert.equal(s.state, 'error');
    assert.deepEqual(trace[2].fx, [], 'no retry after a fatal error');
    assert.equal(s.problem?.message, 'not a BrainFlow library');
  });

  test('after a drop it keeps trying (reconnectAttempts = ∞) with the delay capped', () => {
    const events: ConnEvent[] = [{ type: 'start', now: 0 }, { type: 'connected', now: 0, attempt: 1 }, { type: 'data', now: 0.1 }, { type: 'dropped', now: 1, error: lost }];
    for (let k = 2; k < 40; k++) events.push({ type: 'retry-due', now: k * 20 }, { type: 'connect-failed', now: k * 20 + 1, attempt: k, error: lost });
    const { s, fx } = run(events);
    assert.equal(s.state, 'reconnecting');
    const delays = fx.filter((f) => f.type === 'schedule-retry').map((f) => (f as { delayMs: number }).delayMs);
    assert.ok(Math.max(...delays) <= DEFAULT_RECONNECT_POLICY.maxDelayMs * 1.2, `the longest delay ${Math.max(...delays)} ms stays within maxDelayMs + 20%`);
    assert.ok(delays.slice(-5).every((d) => d >= DEFAULT_RECONNECT_POLICY.maxDelayMs * 0.8), `the last delays reach at least 80% of maxDelayMs: ${delays.slice(-5).join(', ')}`);
  });

  test('stop during a connect: cancel the retry, close; the late connect is hung up', () => {
    const { s, trace } = run([
      { type: 'start', now: 0 },
      { type: 'stop', now: 0.5 },
      { type: 'connected', now: 1, attempt: 1 },
    ]);
    assert.equal(s.state, 'stopped');
    assert.deepEqual(types(trace[1].fx), ['cancel-retry', 'close', 'status']);
    assert.deepEqual(trace[2].fx, [{ type: 'close' }]);
  });

  test('a connect that hangs is abandoned after connectTimeoutMs and retried', () => {
    const { trace } = run([
      { type: 'start', now: 0 },
      { type: 'tick', now: 14 },
      { type: 'tick', now: 15.5 },
      { type: 'connected', now: 16, attempt: 1 },
    ]);
    assert.deepEqual(trace[1].fx, []);
    assert.deepEqual(types(trace[2].fx), ['close', 'schedule-retry', 'status']);
    assert.deepEqual(trace[3].fx, [{ type: 'close' }], 'the abandoned attempt is hung up, not adopted');
  });

  test('stop then start again: the pause is a gap when data resumes', () => {
    const { fx } = run([
      { type: 'start', now: 0 },
      { type: 'connected', now: 0, attempt: 1 },
      { type: 'data', now: 1 },
      { type: 'stop', now: 2 },
      { type: 'start', now: 10 },
      { type: 'connected', now: 10.5, attempt: 2 },
      { type: 'data', now: 11 },
    ]);
    assert.deepEqual(fx.find((f) => f.type === 'gap-close'), { type: 'gap-close', lastDataAt: 1, resumedAt: 11, reason: 'paused' });
  });

  test('data in any state but streaming is ignored; events never throw', () => {
    const { s } = run([{ type: 'data', now: 1 }, { type: 'dropped', now: 2, error: lost }, { type: 'retry-due', now: 3 }, { type: 'tick', now: 4 }]);
    assert.equal(s.state, 'idle');
  });

  test('backoff: exponential, capped, jitter within ±20 %', () => {
    const p = DEFAULT_RECONNECT_POLICY;
    assert.equal(backoffDelayMs(1, p, 0.5), 500);
    assert.equal(backoffDelayMs(3, p, 0.5), 2000);
    assert.equal(backoffDelayMs(10, p, 0.5), 10_000);
    assert.equal(backoffDelayMs(1, p, 0), 400);
    assert.equal(backoffDelayMs(1, p, 0.999999), 600);
  });

  test('two devices with different seeds do not retry in lockstep', () => {
    const script: ConnEvent[] = [{ type: 'start', now: 0 }, { type: 'connected', now: 0, attempt: 1 }, { type: 'data', now: 0.1 }, { type: 'dropped', now: 1, error: lost }];
    const a = run(script, DEFAULT_RECONNECT_POLICY, initialConnState(1)).fx.find((f) => f.type === 'schedule-retry');
    const b = run(script, DEFAULT_RECONNECT_POLICY, initialConnState(2)).fx.find((f) => f.type === 'schedule-retry');
    assert.notDeepEqual(a, b);
  });
});
