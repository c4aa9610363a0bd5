import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSamAnnotation, samAnnotationLabel } from '../../../src/shared/formats/sam-annotation';

test('a self-report\'s annotation reads back as its ratings and text; other labels and ratings off the 1-9 scale do not', () => {
  const r = { valence: 7, arousal: 3, dominance: 5, text: 'calm: then a noise' };
  assert.equal(samAnnotationLabel(r), 'SAM valence=7 arousal=3 dominance=5: calm: then a noise');
  assert.deepEqual(parseSamAnnotation(samAnnotationLabel(r)), r, 'a text with its own colon');
  assert.deepEqual(parseSamAnnotation(samAnnotationLabel({ ...r, text: '' })), { ...r, text: '' }, 'no text');
  assert.equal(samAnnotationLabel({ ...r, text: '' }), 'SAM valence=7 arousal=3 dominance=5');
  for (const label of ['SAM valence=0 arousal=3 dominance=5', 'SAM valence=7 arousal=10 dominance=5', 'SAM valence=7 arousal=3', 'sam valence=7 arousal=3 dominance=5', 'SAM valence=7 arousal=3 dominance=5 extra', 'stimulus']) {
    assert.equal(parseSamAnnotation(label), null, label);
  }
});
