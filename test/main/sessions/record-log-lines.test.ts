// What `heartmind record` prints of the core's log: warnings and errors, and a device whose trouble
// was said streaming again (the output read as if it stayed away until "saved session").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { logLineShown, recordedDevicesText } from '../../../src/main/sessions/record-command';
import { areaDownMessage } from '../../../src/main/core/handler-registry';

test('a device that comes back after a warning is said streaming again, once; a start without trouble stays quiet', () => {
  const troubled = new Set<string>();
  const shown = (level: 'debug' | 'info' | 'warn' | 'error', source: string, message: string) => logLineShown({ level, source, message }, troubled);
  assert.equal(shown('info', 'device:cyton-1', 'Lab Cyton: connecting → streaming'), null, 'the first start is not news');
  assert.equal(shown('info', 'device:cyton-1', 'retrying in 0.5 s'), null, 'info lines stay out');
  assert.equal(
    shown('warn', 'device:cyton-1', 'Lab Cyton: streaming → reconnecting (/dev/ttyUSB0 went away)'),
    'warn: [device:cyton-1] Lab Cyton: streaming → reconnecting (/dev/ttyUSB0 went away)',
  );
  assert.equal(shown('info', 'device:polar-1', 'Polar H10: reconnecting → streaming'), null, 'another device had no trouble said');
  assert.equal(shown('info', 'device:cyton-1', 'Lab Cyton: reconnecting → streaming'), 'info: [device:cyton-1] Lab Cyton: reconnecting → streaming');
  assert.equal(shown('info', 'device:cyton-1', 'Lab Cyton: connecting → streaming'), null, 'said once per trouble');
  assert.equal(shown('error', 'device:cyton-1', 'Lab Cyton: reconnecting → error (port not found)'), 'error: [device:cyton-1] Lab Cyton: reconnecting → error (port not found)');
  assert.equal(shown('info', 'device:cyton-1', 'Lab Cyton: connecting → streaming'), 'info: [device:cyton-1] Lab Cyton: connecting → streaming', 'back after an error too');
});

test("the command's own errors are not said twice; other warnings are", () => {
  const troubled = new Set<string>();
  assert.equal(logLineShown({ level: 'error', source: 'core', message: areaDownMessage('sessions', 'disk full') }, troubled), null);
  assert.equal(logLineShown({ level: 'warn', source: 'core', message: 'hm:sessions:record-start refused' }, troubled), null);
  // A recording that fails (a full disk): the command's last line, 'the recording stopped: …', gives the recorder's message.
  assert.equal(logLineShown({ level: 'error', source: 'sessions', message: 'recording session 3 stopped: The disk holding the recordings database is full (/x/recordings.sqlite). Recording stopped; …' }, troubled), null);
  assert.equal(logLineShown({ level: 'warn', source: 'sessions', message: 'the new pipeline settings were not stored with the session (locked)' }, troubled), 'warn: [sessions] the new pipeline settings were not stored with the session (locked)');
  assert.equal(logLineShown({ level: 'warn', source: 'hub', message: 'EEG: no data for 2.0 s' }, troubled), 'warn: [hub] EEG: no data for 2.0 s');
  assert.equal(troubled.size, 0, 'only device sources are followed');
});

test("record's devices line: each device it records and how it stands; none said with what to do", () => {
  assert.equal(
    recordedDevicesText([
      { name: 'Muse S', state: 'streaming' },
      { name: 'Polar H10', state: 'connecting' },
    ]),
    'Muse S (streaming), Polar H10 (connecting)',
  );
  assert.equal(recordedDevicesText([]), 'none (pair and switch on a device in the app first, or leave out --no-demo for the simulated ones)');
});
