// The reconnect machine with a port known to be another device's (ConnError.othersPort): after a
// drop, retried at the waiting cadence, not the quick backoff; a first Connect keeps its quick tries.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initialConnState, stepConnection } from '../../../../src/shared/devices/connection/connection-machine';
import { DEFAULT_RECONNECT_POLICY, type ConnEffect, type ConnEvent, type ConnState } from '../../../../src/shared/devices/connection/connection.types';

const policy = { ...DEFAULT_RECONNECT_POLICY, initialDelayMs: 250, maxDelayMs: 2_000, waitRetryMs: 12_000, jitter: 0.2 };
const others = { code: 'channel-mismatch' as const, message: "another device's lines", retryable: true, othersPort: true };
const lost = { code: 'disconnected' as const, message: 'link lost', retryable: true };

function delays(events: ConnEvent[], s0: ConnState = initialConnState(7)): number[] {
  let s = s0;
  const fx: ConnEffect[] = [];
  for (const e of events) {
    const r = stepConnection(s, e, policy);
    s = r.state;
    fx.push(...r.effects);
  }
  return fx.flatMap((f) => (f.type === 'schedule-retry' ? [f.delayMs] : []));
}

const streamed: ConnEvent[] = [
  { type: 'start', now: 0 },
  { type: 'connected', now: 1, attempt: 1 },
  { type: 'data', now: 1.1 },
];

test("after a drop, another device's port is retried every waitRetryMs (± jitter); a plain failure on the quick backoff", () => {
  const tries = (error: typeof others | typeof lost) => {
    const ev: ConnEvent[] = [...streamed, { type: 'dropped', now: 5, error: lost }];
    for (let a = 2; a < 6; a++) ev.push({ type: 'retry-due', now: 5 + a }, { type: 'connect-failed', now: 5 + a, attempt: a, error });
    return delays(ev).slice(1);
  };
  const slow = tries(others);
  assert.equal(slow.length, 4, `retries scheduled: ${slow.join(', ')}`);
  for (const d of slow) assert.ok(d >= 12_000 * 0.8 && d <= 12_000 * 1.2, `another device's port: ${d} ms`);
  for (const d of tries(lost)) assert.ok(d <= 2_000 * 1.2, `a plain failure: ${d} ms`);
});

test('a first Connect on such a port keeps its quick tries (and its reason soon)', () => {
  const ev: ConnEvent[] = [{ type: 'start', now: 0 }, { type: 'connect-failed', now: 0.5, attempt: 1, error: others }];
  const [d] = delays(ev);
  assert.ok(d <= 2_000 * 1.2, `first retry after a Connect: ${d} ms`);
});
