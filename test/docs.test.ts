// What the READMEs and docs/*.md name must exist: a newcomer copies paths, `npm run` scripts and
// environment variables from them, and a renamed file or a removed variable should fail here
// rather than in their first hour. Also the other way round: every environment variable the code
// reads is documented somewhere.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

const DOCS = ['README.md', 'bench/README.md', 'models/README.md', ...readdirSync('docs').filter((f) => f.endsWith('.md')).map((f) => join('docs', f))];
const text = new Map(DOCS.map((f) => [f, readFileSync(f, 'utf8')]));

function walk(dir: string, ext: RegExp): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p, ext) : ext.test(n) ? [p] : [];
  });
}

/** Where a doc's words are found: `code spans` (paths from the repository root) and the targets of [links](…) (relative to the doc). */
function* mentions(doc: string): Generator<{ line: number; token: string; link: boolean }> {
  const lines = text.get(doc)!.split('\n');
  for (const [i, l] of lines.entries()) {
    for (const m of l.matchAll(/`([^`]+)`/g)) for (const token of m[1].split(/\s+/)) yield { line: i + 1, token, link: false };
    for (const m of l.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) if (!/^[a-z]+:/.test(m[1])) yield { line: i + 1, token: m[1], link: true };
  }
}

// Top-level folders of the repository whose files the docs point at (out/ and .electron-native/ are
// built, runs/ is scratch: they are not checked).
const ROOTS = /^(src|test|bench|scripts|docs|models|resources|\.ci)\//;

test('every repository path the README and docs name exists', () => {
  const missing: string[] = [];
  for (const doc of DOCS) {
    for (const { line, token, link } of mentions(doc)) {
      const clean = token.replace(/^[(\['"]+|[)\]'",;:.]+$/g, '').replace(/:\d+(-\d+)?$/, '');
      if (!link && !ROOTS.test(clean)) continue;
      if (/[<>*{}…|$]/.test(clean)) continue; // a pattern (`src/main/<area>/`, `bench/fuzz-*.ts`), not a path
      if (!existsSync(link ? join(dirname(doc), clean) : clean)) missing.push(`${doc}:${line}: ${clean}`);
    }
  }
  assert.deepEqual(missing, []);
});

test('every `npm run <script>` the README and docs give is a script in package.json', () => {
  const scripts = Object.keys((JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts);
  const unknown = DOCS.flatMap((doc) => [...new Set([...text.get(doc)!.matchAll(/npm run ([\w:-]+)/g)].map((m) => m[1]))].filter((s) => !scripts.includes(s)).map((s) => `${doc}: npm run ${s}`));
  assert.deepEqual(unknown, []);
});

// HeartMind's environment variables as the code reads them: process.env.X, env.X, env['X'], or
// env[NAME] with `const NAME = 'X'` (a name the messages share, e.g. MARKER_ORIGINS_ENV).
const codeFiles = [...walk('src', /\.tsx?$/), ...walk('scripts', /\.m?js$/)];
const code = codeFiles.map((f) => readFileSync(f, 'utf8')).join('\n');
const readInCode = new Set([
  ...[...code.matchAll(/\benv(?:\.|\[['"])(HEARTMIND_[A-Z0-9_]+)/g)].map((m) => m[1]),
  ...[...code.matchAll(/\bconst ([A-Z0-9_]+) = '(HEARTMIND_[A-Z0-9_]+)'/g)].filter((m) => code.includes(`env[${m[1]}]`)).map((m) => m[2]),
]);

test('every HEARTMIND_* variable the docs name is read by the code', () => {
  assert.ok(readInCode.size > 0, 'no environment variables found in the code: has the pattern changed?');
  const unknown = DOCS.flatMap((doc) => [...new Set([...text.get(doc)!.matchAll(/\bHEARTMIND_[A-Z0-9_]+/g)].map((m) => m[0]))].filter((v) => !readInCode.has(v)).map((v) => `${doc}: ${v}`));
  assert.deepEqual(unknown, []);
});

test('every HEARTMIND_* variable the code reads is documented', () => {
  const all = [...text.values()].join('\n');
  const undocumented = [...readInCode].filter((v) => !all.includes(v)).sort();
  assert.deepEqual(undocumented, []);
});
