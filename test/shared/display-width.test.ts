import { test } from 'node:test';
import assert from 'node:assert/strict';
import { displayWidth, fitColumns, oneLine } from '../../src/shared/display-width';

test('displayWidth counts terminal columns: CJK and emoji two, combining marks none', () => {
  assert.equal(displayWidth('rest'), 4, 'ASCII: one a character');
  assert.equal(displayWidth('静息 闭眼'), 9, 'four ideographs and a space');
  assert.equal(displayWidth('안녕'), 4, 'Hangul syllables');
  assert.equal(displayWidth('ｶﾀｶﾅ'), 4, 'halfwidth katakana: one each');
  assert.equal(displayWidth('ＡＢ'), 4, 'fullwidth Latin: two each');
  assert.equal(displayWidth('😀'), 2, 'an emoji (one code point, two UTF-16 units)');
  assert.equal(displayWidth('👩‍🔬'), 2, 'a ZWJ sequence is one emoji');
  assert.equal(displayWidth('🇩🇪'), 2, 'a flag');
  assert.equal(displayWidth('❤'), 1, 'a text-style symbol');
  assert.equal(displayWidth('❤️'), 2, 'the same with VS16 (emoji style)');
  assert.equal(displayWidth('e\u0301'), 1, 'a combining accent adds no column');
  assert.equal(displayWidth('a\u200bb'), 2, 'a zero-width space adds none');
});

test('fitColumns pads and cuts by columns, at whole characters, and marks a cut', () => {
  assert.equal(fitColumns('静息', 6), '静息  ', 'two ideographs are four columns: two spaces to six');
  assert.equal(fitColumns('静息', 6, 'right'), '  静息', 'right-aligned');
  assert.equal(fitColumns('静息状态闭眼', 6), '静息… ', 'cut before the ideograph that would pass the width with the mark, then padded to six');
  assert.equal(displayWidth(fitColumns('静息状态闭眼', 6)), 6, 'exactly the width');
  assert.equal(fitColumns('ab😀cd', 4), 'ab… ', 'an emoji is never cut in half (a lone surrogate prints as �)');
  assert.equal(fitColumns('a very long session name', 10), 'a very lo…', 'a long name is marked cut');
  assert.equal(fitColumns('1700000000000000', 4, 'right', false), '1700000000000000', 'a figure is not cut');
  assert.equal(fitColumns('rest\neyes\tclosed', 20), 'rest eyes closed    ', 'line breaks and tabs become spaces');
  assert.equal(oneLine('a\r\nb\u2028c'), 'a  b c', 'oneLine');
});
