// Text laid out in a terminal's columns (the CLI's tables). String length counts UTF-16 units, not
// columns: a CJK name ('静息 闭眼') or an emoji takes two columns a character, a combining accent
// none, so padEnd() pushed every column after such a name out of line, and slice() could cut an
// emoji in half (a lone surrogate prints as '�'). Widths follow Unicode's East Asian Width (Wide and
// Fullwidth: 2) and emoji presentation (2), per grapheme cluster, as terminals draw them; Ambiguous
// characters count 1 (what terminals do outside CJK locales).

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * East Asian Wide or Fullwidth (EastAsianWidth.txt; emoji are told by their property). Checked
 * against Python's unicodedata (Unicode 14) over every assigned code point to U+3FFFF: it differs
 * only where a wide block holds combining marks (no column of their own, here), at a lone regional
 * indicator (2 here, as an emoji) and at U+1171E (recategorised since Unicode 14).
 */
function isWide(cp: number): boolean {
  return (
    (cp >= 0x1100 && cp <= 0x115f) || // Hangul Jamo initial consonants
    (cp >= 0x231a && cp <= 0x231b) ||
    (cp >= 0x2329 && cp <= 0x232a) ||
    (cp >= 0x2e80 && cp <= 0x303e) || // CJK radicals, Kangxi, ideographic description, CJK symbols and punctuation (U+3000 space)
    (cp >= 0x3041 && cp <= 0x3247) || // Hiragana, Katakana, Bopomofo, Hangul compatibility Jamo, Kanbun, CJK strokes, enclosed CJK…
    (cp >= 0x3250 && cp <= 0x33ff) || // …(less 3248–324F, Ambiguous), CJK compatibility
    (cp >= 0x3400 && cp <= 0x4dbf) || // CJK extension A
    (cp >= 0x4e00 && cp <= 0x9fff) || // CJK unified ideographs
    (cp >= 0xa000 && cp <= 0xa4cf) || // Yi
    (cp >= 0xa960 && cp <= 0xa97f) || // Hangul Jamo extended A
    (cp >= 0xac00 && cp <= 0xd7a3) || // Hangul syllables
    (cp >= 0xf900 && cp <= 0xfaff) || // CJK compatibility ideographs
    (cp >= 0xfe10 && cp <= 0xfe19) || // vertical forms
    (cp >= 0xfe30 && cp <= 0xfe6f) || // CJK compatibility forms, small form variants
    (cp >= 0xff00 && cp <= 0xff60) || // fullwidth forms
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x16fe0 && cp <= 0x18dff) || // Tangut, Khitan
    (cp >= 0x1aff0 && cp <= 0x1b2ff) || // Kana extended B, supplement and extensions, Nushu
    (cp >= 0x1f200 && cp <= 0x1f2ff) || // enclosed ideographic supplement
    (cp >= 0x20000 && cp <= 0x3fffd) // CJK extensions B and on, planes 2 and 3
  );
}

const ZERO_WIDTH = /^[\p{Mn}\p{Me}\p{Cf}\p{Cc}]+$/u;
const EMOJI_PRESENTATION = /\p{Emoji_Presentation}/u;
const EMOJI = /\p{Extended_Pictographic}|\p{Regional_Indicator}/u;

/** The columns one grapheme cluster takes: 0, 1 or 2. */
function clusterWidth(g: string): number {
  const cp = g.codePointAt(0)!;
  // Marks or format characters alone (a combining accent with no base, a zero-width space).
  if (ZERO_WIDTH.test(g)) return 0;
  if (isWide(cp)) return 2;
  // '😀' draws in two columns; '❤' is text (one) unless followed by VS16 ('❤️'); a flag is a pair of regional indicators.
  if (EMOJI_PRESENTATION.test(g) || (EMOJI.test(g) && (g.includes('\ufe0f') || g.includes('\u200d'))) || /^\p{Regional_Indicator}{2}$/u.test(g)) return 2;
  return 1;
}

/** The columns `text` takes in a terminal. */
export function displayWidth(text: string): number {
  let w = 0;
  for (const { segment } of segmenter.segment(text)) w += clusterWidth(segment);
  return w;
}

/** `text` on one line: line breaks and other control characters as spaces (one in a name broke a table's line in two). */
export function oneLine(text: string): string {
  return text.replace(/[\p{Cc}\u2028\u2029]/gu, ' ');
}

/**
 * `text` in exactly `width` columns: padded with spaces (at the end, or at the start with
 * `align: 'right'`), or cut at a whole character and ended with '…' where it is wider (it was cut
 * without a mark, so a long name looked whole), on one line (oneLine). `cut` false: a wider text is
 * left whole (a figure must not lose digits; the line then runs on).
 */
export function fitColumns(text: string, width: number, align: 'left' | 'right' = 'left', cut = true): string {
  const flat = oneLine(text);
  let w = displayWidth(flat);
  let out = flat;
  if (w > width && cut) {
    out = '';
    w = 0;
    for (const { segment } of segmenter.segment(flat)) {
      const cw = clusterWidth(segment);
      if (w + cw > width - 1) break;
      out += segment;
      w += cw;
    }
    out += '…';
    w += 1;
  }
  const pad = ' '.repeat(Math.max(0, width - w));
  return align === 'right' ? pad + out : out + pad;
}
