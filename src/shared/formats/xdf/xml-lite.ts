// A small, bounded XML reader for XDF header chunks (<info><name>…</name><desc>…</desc></info>).
// XDF headers are machine-written, attribute-free element trees; we need elements and their
// text, nothing else. Iterative (no recursion): a deeply nested or hostile header cannot
// overflow the stack; depth and element count are capped.

export interface XmlElement {
  tag: string;
  text: string;
  children: XmlElement[];
}

const MAX_DEPTH = 64;
const MAX_ELEMENTS = 200_000;

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function unescape(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-zA-Z]+);/g, (m, e: string) => {
    if (e[0] === '#') {
      const cp = e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return cp >= 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
    }
    return ENTITIES[e] ?? m;
  });
}

/** Parses `text`; returns the root element, or null when the text is not well-formed. */
export function parseXml(text: string): XmlElement | null {
  const root: XmlElement = { tag: '#root', text: '', children: [] };
  const stack: XmlElement[] = [root];
  let count = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const lt = text.indexOf('<', i);
    const top = stack[stack.length - 1];
    if (lt < 0) {
      top.text += unescape(text.slice(i));
      break;
    }
    if (lt > i) top.text += unescape(text.slice(i, lt));
    if (text.startsWith('<?', lt)) {
      const e = text.indexOf('?>', lt);
      if (e < 0) return null;
      i = e + 2;
    } else if (text.startsWith('<!--', lt)) {
      const e = text.indexOf('-->', lt);
      if (e < 0) return null;
      i = e + 3;
    } else if (text.startsWith('<![CDATA[', lt)) {
      const e = text.indexOf(']]>', lt);
      if (e < 0) return null;
      top.text += text.slice(lt + 9, e);
      i = e + 3;
    } else if (text.startsWith('<!', lt)) {
      const e = text.indexOf('>', lt);
      if (e < 0) return null;
      i = e + 1;
    } else if (text[lt + 1] === '/') {
      const e = text.indexOf('>', lt);
      if (e < 0) return null;
      const tag = text.slice(lt + 2, e).trim();
      if (stack.length <= 1 || top.tag !== tag) return null;
      stack.pop();
      i = e + 1;
    } else {
      const e = text.indexOf('>', lt);
      if (e < 0) return null;
      let body = text.slice(lt + 1, e);
      const selfClosing = body.endsWith('/');
      if (selfClosing) body = body.slice(0, -1);
      const tag = /^[^\s/>]+/.exec(body)?.[0];
      if (!tag) return null;
      if (++count > MAX_ELEMENTS) return null;
      const el: XmlElement = { tag, text: '', children: [] };
      top.children.push(el);
      if (!selfClosing) {
        if (stack.length > MAX_DEPTH) return null;
        stack.push(el);
      }
      i = e + 1;
    }
  }
  if (stack.length !== 1 || root.children.length !== 1) return null;
  return root.children[0];
}

/** First child with `tag`, following a path: child(info, 'desc', 'channels'). */
export function child(el: XmlElement | undefined, ...path: string[]): XmlElement | undefined {
  let cur = el;
  for (const tag of path) cur = cur?.children.find((c) => c.tag === tag);
  return cur;
}

/** Trimmed text of the element at `path`, or undefined. */
export function childText(el: XmlElement | undefined, ...path: string[]): string | undefined {
  const c = child(el, ...path);
  return c ? c.text.trim() : undefined;
}
