import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { messageOf } from '../../../src/renderer/src/shell/error-message';
import { RemoteError } from '../../../src/shared/ipc/wire-error';

describe('messageOf', () => {
  test('drops the channel prefix a RemoteError carries', () => {
    assert.equal(messageOf(new RemoteError('hm:sessions:record-start', 'busy', 'already recording')), 'already recording');
    assert.equal(messageOf(new RemoteError('hm:devices:connect', 'timeout', 'hm:x:y: nested')), 'hm:x:y: nested');
  });

  test('keeps other messages whole', () => {
    assert.equal(messageOf(new Error('disk full')), 'disk full');
    assert.equal(messageOf(new Error('hm:sessions: not a channel')), 'hm:sessions: not a channel');
    assert.equal(messageOf('plain text'), 'plain text');
    assert.equal(messageOf(null), 'null');
  });
});
