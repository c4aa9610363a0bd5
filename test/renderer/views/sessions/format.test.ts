// The sessions views' small formatters (src/renderer/src/views/sessions/format.ts).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { eventTimeText, nextSessionName } from '../../../../src/renderer/src/views/sessions/format';

describe('nextSessionName', () => {
  test("the record bar's name after a recording: its trailing number counted on, else ' 2' added", () => {
    assert.equal(nextSessionName('rest'), 'rest 2');
    assert.equal(nextSessionName('rest 2'), 'rest 3');
    assert.equal(nextSessionName('  eyes closed 9 '), 'eyes closed 10', 'trimmed as the core stores it');
    assert.equal(nextSessionName('run 09'), 'run 10', 'its digits kept');
    assert.equal(nextSessionName('run 007'), 'run 008');
    // A number not set apart by a space is part of the name (a date, a time, a subject code).
    assert.equal(nextSessionName('S01'), 'S01 2');
    assert.equal(nextSessionName('pilot 2026-11-27'), 'pilot 2026-11-27 2');
    assert.equal(nextSessionName('baseline 10:30'), 'baseline 10:30 2');
    assert.equal(nextSessionName('42'), '42 2', 'a name that is only a number');
    // Unnamed stays unnamed: the core names the session by its start time.
    assert.equal(nextSessionName(''), '');
    assert.equal(nextSessionName('   '), '');
  });
});

describe('eventTimeText', () => {
  test("the timeline's tooltips: seconds from the start to the millisecond, as `sessions show` lists them, the clock time beside from a minute on", () => {
    // Triggers 300 ms apart each read their own time (they all read 'at 0:01'); 7.6 s is not '0:08'.
    assert.deepEqual([1.2214, 1.523, 1.826].map(eventTimeText), ['1.221 s', '1.523 s', '1.826 s']);
    assert.equal(eventTimeText(7.6), '7.600 s');
    assert.equal(eventTimeText(0), '0.000 s');
    assert.equal(eventTimeText(59.9994), '59.999 s', 'under a minute: seconds alone');
    assert.equal(eventTimeText(128.76), '128.760 s (2:09)', 'from a minute on, the clock time beside');
    assert.equal(eventTimeText(1805.1234), '1805.123 s (30:05)');
    assert.equal(eventTimeText(-0.25), '-0.250 s', 'a stimulus stamped just before Record');
    assert.equal(eventTimeText(Number.NaN), '–');
  });
});
