// A request the database refuses reaches the Sessions library in words written for people: the
// request through the core, the envelope rebuilt as the renderer rebuilds it, the text messageOf
// gives the view. Our method names are not among them (it read 'deleteSession: no session 42').
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startCore } from '../../../src/main/core/start-core';
import { startSessionsArea } from '../../../src/main/sessions/sessions.core';
import { databasePathFor } from '../../../src/main/db/db-client';
import { openDatabase } from '../../../src/main/db/open-database';
import { createSession } from '../../../src/main/db/server';
import { unwrapEnvelope, type Envelope } from '../../../src/shared/ipc/wire-error';
import { messageOf } from '../../../src/renderer/src/shell/error-message';
import { tempDir } from '../db/db-test-util';

const ctx = { transport: 'local' as const, clientId: 'test' };

test('the library shows a refused delete or rename as the database says it, without the method name', async (t) => {
  const dir = tempDir(t);
  const opened = openDatabase(databasePathFor(dir));
  const id = createSession(opened.writable!, { name: 'Rest', startTime: 1.79e9, endTime: 1.79e9 + 60, appVersion: 'test', origin: 'imported', state: 'complete' });
  opened.db.close();
  const core = await startCore({
    runtime: 'serve',
    dataDir: dir,
    demo: false,
    modules: [{ name: 'sessions', load: async () => ({ start: async (c) => void (await startSessionsArea(c, { markerPort: null })) }) }],
  });
  t.after(() => core.stop());
  const shown = async (channel: string, req: unknown): Promise<string> => {
    const env = (await core.handlers.dispatch(channel, req, ctx)) as Envelope<unknown>;
    try {
      unwrapEnvelope(channel, env);
    } catch (err) {
      return messageOf(err);
    }
    assert.fail(`${channel} should be refused`);
  };
  // Another window deleted it first.
  assert.equal(await shown('hm:sessions:delete', { sessionId: id + 41 }), `no session ${id + 41}`);
  // A name pasted from somewhere long.
  assert.equal(await shown('hm:sessions:update', { sessionId: id, name: 'x'.repeat(501) }), 'session name is longer than 500 characters');
});
