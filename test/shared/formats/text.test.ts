import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { asciiText, decodeLatin1, decodeText, decodeUtf8, encodeAscii, encodeUtf8, parseDecimal, parseInteger } from '../../../src/shared/formats/text';

describe('decodeUtf8 / encodeUtf8', () => {
  test('round-trips text outside ASCII and decodes a byte range', () => {
    const text = 'Ruhe · Stille · 静か · 🫀';
    const bytes = encodeUtf8(text);
    assert.equal(bytes.length, new TextEncoder().encode(text).length);
    assert.equal(decodeUtf8(bytes), text);
    const framed = Uint8Array.of(0x00, ...bytes, 0x14);
    assert.equal(decodeUtf8(framed, 1, framed.length - 1), text);
  });

  test('malformed sequences become U+FFFD instead of throwing', () => {
    // lone continuation byte, truncated 3-byte sequence, overlong '/', a UTF-16 surrogate encoded
    assert.equal(decodeUtf8(Uint8Array.of(0x41, 0x80, 0x42)), 'A\uFFFDB');
    assert.equal(decodeUtf8(Uint8Array.of(0x41, 0xe2, 0x82)), 'A\uFFFD');
    assert.equal(decodeUtf8(Uint8Array.of(0xc0, 0xaf)), '\uFFFD\uFFFD');
    assert.equal(decodeUtf8(Uint8Array.of(0xed, 0xa0, 0x80)), '\uFFFD\uFFFD\uFFFD');
  });

  test('a lone surrogate in a string is written as U+FFFD', () => {
    assert.deepEqual([...encodeUtf8('a\uD800b')], [0x61, 0xef, 0xbf, 0xbd, 0x62]);
  });
});

describe('decodeLatin1 / encodeAscii', () => {
  test('one code unit per byte, across the chunk boundary', () => {
    const bytes = Uint8Array.from({ length: 20_000 }, (_, i) => i % 256);
    const s = decodeLatin1(bytes);
    assert.equal(s.length, bytes.length);
    for (const i of [0, 127, 128, 255, 8191, 8192, 8193, 19_999]) assert.equal(s.charCodeAt(i), bytes[i], `char ${i}`);
    assert.equal(decodeLatin1(bytes, 65, 68), 'ABC');
  });

  test('non-printable and non-ASCII characters become ?', () => {
    assert.deepEqual([...encodeAscii('A\tä~')], [0x41, 0x3f, 0x3f, 0x7e]);
  });
});

describe('parseDecimal / parseInteger', () => {
  test('accept plain decimals and integers, trimmed', () => {
    assert.equal(parseDecimal(' -3.25 '), -3.25);
    assert.equal(parseDecimal('.5'), 0.5);
    assert.equal(parseDecimal('1e3'), 1000);
    assert.equal(parseInteger(' 42 '), 42);
  });

  test('refuse what Number() would let through', () => {
    for (const t of ['', ' ', 'NaN', '1e999', '0x10', '1,5', '2 3', 'Infinity']) assert.equal(parseDecimal(t), null, t);
    for (const t of ['', '1.0', '1e3', '9007199254740993', '0x10']) assert.equal(parseInteger(t), null, t);
  });
});

describe('asciiText', () => {
  test('units and names in their ASCII spelling; what has none is left for encodeAscii', () => {
    assert.deepEqual(
      ['°C', '\u00b5V', '\u03bcS', 'k\u2126', 'k\u03a9', 'm/s²', 'Müller', 'naïve', 'Fp1', '静か'].map(asciiText),
      ['degC', 'uV', 'uS', 'kOhm', 'kOhm', 'm/s2', 'Muller', 'naive', 'Fp1', '静か'],
    );
  });
});

describe('decodeText', () => {
  test('UTF-8 where the bytes are valid UTF-8, else Windows-1252 (0x80–0x9f as its punctuation)', () => {
    assert.deepEqual(decodeText(new TextEncoder().encode('°C – ok')), { text: '°C – ok', encoding: 'utf-8' });
    assert.deepEqual(decodeText(Uint8Array.of(0xb0, 0x43, 0x20, 0x96, 0x20, 0x80, 0x81)), { text: '°C – €\u0081', encoding: 'windows-1252' });
    assert.deepEqual(decodeText(Uint8Array.of(0x41, 0xb5, 0x56, 0x42), 1, 3), { text: 'µV', encoding: 'windows-1252' });
  });
});
