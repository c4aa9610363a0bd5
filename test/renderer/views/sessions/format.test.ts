// The sessions views' small formatters (src/renderer/src/views/sessions/format.ts).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { nextSessionName } from '../../../../src/renderer/src/views/sessions/format';

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
