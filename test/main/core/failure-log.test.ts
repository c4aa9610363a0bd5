// A failed request is said once in the log: by its area's own line where the area said it (a
// device's change to 'error', a replay that could not start), else by the core's warning
// "<channel> failed: …". A failed Connect read as its error line and then the core's warning with
// the same words.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCore } from '../../../src/main/core/create-core';
import type { Core } from '../../../src/main/core/core.types';
import { markLogged, wasLogged } from '../../../src/main/core/logged-error';
import { createHub } from '../../../src/main/hub/hub';
import { DeviceManager } from '../../../src/main/devices/device-manager';
import { startDevicesArea } from '../../../src/main/devices/devices.core';
import { startSessionsArea } from '../../../src/main/sessions/sessions.core';
import type { LogEntry } from '../../../src/shared/log.types';
import { systemClock } from '../../fixtures/recording-sink';

const ctx = { transport: 'local' as const, clientId: 'test' };

test('markLogged marks the error object itself, and only objects', () => {
  const e = new Error('x');
  assert.equal(markLogged(e), e, 'returns the error, for throw markLogged(…)');
  assert.equal(wasLogged(e), true, 'the marked error reads as logged');
  assert.equal(wasLogged(new Error('x')), false, 'another error with the same words is not');
  assert.equal(wasLogged(markLogged('text')), false, 'a thrown string cannot carry the mark');
  assert.equal(wasLogged(null), false, 'null is not logged');
});

describe('a failed request is said once', () => {
  let core: Core;
  let dir: string;
  const lines: LogEntry[] = [];
  // The warnings and errors since `from` (what serve prints on stderr).
  // The db worker's 'slow query' warning says the machine was busy (a loaded CI box: getSession 48 ms), not
  // that the request failed: it is not one of the lines a failure says.
  const loud = (from: number) => lines.slice(from).filter((l) => (l.level === 'warn' || l.level === 'error') && !(l.source === 'db' && l.message.startsWith('slow query:')));
  const shown = (ls: LogEntry[]) => ls.map((l) => `${l.level} [${l.source}] ${l.message}`).join('\n') || '(none)';

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hm-failure-log-'));
    core = await createCore({
      runtime: 'serve',
      dataDir: dir,
      clock: systemClock,
      // The app's hub says its lines through the pipeline area's listener; here straight to the core's log.
      createHub: ({ clock, log }) => createHub({ clock, log }),
      onLog: (e) => lines.push(e),
      modules: [
        {
          name: 'devices',
          // A Connect's three quick attempts, a few ms apart (0.3 s and 0.6 s in the app).
          load: async () => ({
            start: (c) =>
              void startDevicesArea(
                c,
                new DeviceManager({ hub: c.hub, clock: c.clock, dataDir: c.dataDir, log: (e) => c.log(e.level, e.source, e.message), policy: { startAttempts: 3, initialDelayMs: 10, maxDelayMs: 20 } }),
              ),
          }),
        },
        { name: 'sessions', load: async () => ({ start: (c) => startSessionsArea(c, { markerPort: null }).then(() => undefined) }) },
        {
          name: 'probe',
          load: async () => ({
            start: (c) => {
              c.handle('hm:probe:quiet' as never, (() => {
                throw new Error('the probe failed without a word');
              }) as never);
            },
          }),
        },
      ],
    });
    assert.deepEqual(loud(0), [], `the core starts without warnings:\n${shown(loud(0))}`);
  });

  after(async () => {
    await core.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a Connect that fails is its device line only', async () => {
    const from = lines.length;
    const env = await core.handlers.dispatch('hm:devices:connect', { config: { kind: 'cyton', path: join(dir, 'ttyUSB9') } }, ctx);
    assert.equal(env.ok, false, 'the connect fails');
    const message = !env.ok ? env.error.message : '';
    assert.match(message, /cannot open .*ttyUSB9.*\(gave up after 3 attempts\)/, 'the request says why');
    const said = loud(from);
    assert.equal(said.length, 1, `one warning or error line:\n${shown(said)}`);
    assert.match(said[0].message, /connecting → error \(cannot open .*ttyUSB9/, 'it is the state change with the problem');
    assert.ok(said[0].source.startsWith('device:'), `the device speaks: ${said[0].source}`);
    const coreLine = lines.slice(from).find((l) => l.source === 'core');
    assert.equal(coreLine?.level, 'debug', `the core's line for the request is debug: ${shown(lines.slice(from))}`);
  });

  test('a replay of a session that is not there is one line, and the request gives its reason', async () => {
    const from = lines.length;
    const env = await core.handlers.dispatch('hm:sessions:replay-open', { sessionId: 999 }, ctx);
    assert.equal(env.ok, false, 'the replay does not open');
    assert.match(!env.ok ? env.error.message : '', /session 999 could not be opened for replay \(.*no session 999\)/, 'the request names why (it said only "could not be opened")');
    const said = loud(from);
    assert.equal(said.length, 1, `one warning or error line:\n${shown(said)}`);
    assert.match(said[0].message, /could not start: .*no session 999/, 'the hub said it as the replay device');
  });

  test('a request whose area said nothing is said once, by the core', async () => {
    for (const [channel, req, words] of [
      ['hm:probe:quiet', null, /the probe failed without a word/],
      ['hm:sessions:replay-play', null, /no replay is open/],
    ] as const) {
      const from = lines.length;
      const env = await core.handlers.dispatch(channel, req, ctx);
      assert.equal(env.ok, false, `${channel} fails`);
      const said = loud(from);
      assert.equal(said.length, 1, `${channel}: one warning:\n${shown(said)}`);
      assert.deepEqual([said[0].level, said[0].source], ['warn', 'core'], `${channel}: the core's warning`);
      assert.match(said[0].message, words, `${channel}: with the error's words`);
      assert.ok(said[0].message.startsWith(`${channel} failed: `), `${channel}: naming the request: ${said[0].message}`);
    }
  });
});
