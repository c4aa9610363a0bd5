import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { assembleClient, ConnectionTracker, PushRouter, type ConnectionState } from '../../../src/renderer/src/transport/client';

describe('assembleClient', () => {
  test('routes pushes and errors, and reads the connection state live', async () => {
    const router = new PushRouter();
    const conn = new ConnectionTracker();
    let closed = 0;
    const client = assembleClient(router, conn, {
      transport: 'websocket',
      invoke: (async () => {
        throw new Error('not used');
      }) as never,
      close: () => {
        closed++;
        conn.set('closed');
      },
    });
    const states: ConnectionState[] = [];
    client.onConnection((s) => states.push(s));
    assert.equal(client.state, 'connecting');
    conn.set('open');
    assert.equal(client.state, 'open');

    const got: string[] = [];
    const off = client.on('pipeline:streams', (m) => got.push(m.type));
    const errors: Error[] = [];
    client.onError((e) => errors.push(e));
    router.dispatch({ type: 'pipeline:streams', streams: [] });
    router.dispatch({ nope: 1 });
    off();
    router.dispatch({ type: 'pipeline:streams', streams: [] });
    assert.deepEqual(got, ['pipeline:streams']);
    assert.equal(errors.length, 1);

    client.close();
    assert.equal(closed, 1);
    assert.equal(client.state, 'closed');
    assert.deepEqual(states, ['connecting', 'open', 'closed']);
    assert.equal(client.transport, 'websocket');
  });
});
