import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromWireError, RemoteError, toWireError, unwrapEnvelope } from '../../../src/shared/ipc/wire-error';
import { contentSecurityPolicy } from '../../../src/shared/ipc/content-security-policy';

class DeviceLikeError extends Error {
  override readonly name = 'DeviceError';
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

test('an error with a code crosses as {name, message, kind, stack} and is rebuilt with the channel as prefix', () => {
  const wire = toWireError(new DeviceLikeError('stalled', 'no data for 3 s'));
  assert.equal(wire.name, 'DeviceError');
  assert.equal(wire.kind, 'stalled');
  assert.match(wire.stack ?? '', /DeviceLikeError|wire-error.test/);
  const back = fromWireError('hm:pipeline:device-start', wire);
  assert.ok(back instanceof RemoteError, `a RemoteError, got ${String(back)}`);
  assert.equal(back.message, 'hm:pipeline:device-start: no data for 3 s');
  assert.equal(back.kind, 'stalled');
  assert.equal(back.name, 'DeviceError');
  assert.match(back.stack ?? '', /in the core/);
});

test('non-errors and errors without a code get the fallback kind', () => {
  assert.deepEqual(toWireError('boom'), { name: 'Error', message: 'boom', kind: 'internal' });
  assert.equal(toWireError(new TypeError('x'), 'bad-request').kind, 'bad-request');
  assert.equal(toWireError({ weird: true }).message, '{"weird":true}');
});

test('unwrapEnvelope returns the value or throws the rebuilt error; malformed answers are named', () => {
  assert.equal(unwrapEnvelope('hm:a:b', { ok: true, value: 7 }), 7);
  assert.throws(() => unwrapEnvelope('hm:a:b', { ok: false, error: { name: 'E', message: 'no', kind: 'k' } }), (e: unknown) => e instanceof RemoteError && e.kind === 'k' && e.message === 'hm:a:b: no');
  assert.throws(() => unwrapEnvelope('hm:a:b', 42 as never), /hm:a:b: malformed answer 42/);
});

test('the CSP runs only our own code, allows exactly wasm-unsafe-eval, and no inline style outside dev', () => {
  const csp = contentSecurityPolicy();
  assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'(;|$)/);
  assert.doesNotMatch(csp, /'unsafe-eval'|'unsafe-inline'/);
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /object-src 'none'/);
  assert.doesNotMatch(csp, /frame-ancestors/, 'ignored (with a warning) in a meta tag');
  assert.match(contentSecurityPolicy({ header: true }), /frame-ancestors 'none'/);
  assert.match(contentSecurityPolicy({ dev: true }), /style-src 'self' 'unsafe-inline'/);
  assert.doesNotMatch(contentSecurityPolicy({ dev: true }), /'unsafe-eval'/);
});
