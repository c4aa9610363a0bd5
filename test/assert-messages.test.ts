// Every assert.ok / assert(...) in the tests and benches carries a message. Without one, a failing
// call makes node build its message by re-reading the caller's source, which under tsx can take
// minutes (a CI run lost its time budget to one), and the message it builds says "false == true".
// assert.equal and the rest build theirs from the two values and are not checked here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : /\.(ts|tsx)$/.test(n) ? [p] : [];
  });
}

/** `file:line: call` for each assert.ok(x) / assert(x) with no message argument. */
function assertsWithoutMessage(file: string, text: string): string[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, file.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const found: string[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isCallExpression(n) && n.arguments.length < 2) {
      const e = n.expression;
      const bare = ts.isIdentifier(e) && e.text === 'assert';
      const ok = ts.isPropertyAccessExpression(e) && ts.isIdentifier(e.expression) && e.expression.text === 'assert' && e.name.text === 'ok';
      if (bare || ok) found.push(`${file}:${sf.getLineAndCharacterOfPosition(n.getStart()).line + 1}: ${n.getText().replace(/\s+/g, ' ').slice(0, 120)}`);
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return found;
}

test('the check finds assert.ok(x) and assert(x) without a message, and only those', () => {
  const src = ['assert.ok(a);', "assert.ok(a, 'why');", 'assert(b);', 'assert(b, `why ${b}`);', 'assert.equal(c, 1);', 'other.ok(d);'].join('\n');
  assert.deepEqual(assertsWithoutMessage('x.ts', src), ['x.ts:1: assert.ok(a)', 'x.ts:3: assert(b)']);
});

test('every assert.ok / assert(...) under test/ and bench/ says what it expected', () => {
  const files = [...walk('test'), ...walk('bench')];
  assert.ok(files.length > 100, `${files.length} files found: run from the repository root`);
  const missing = files.flatMap((f) => assertsWithoutMessage(relative('.', f), readFileSync(f, 'utf8')));
  assert.deepEqual(missing, [], `give each a message (what was expected, with the values at hand):\n${missing.join('\n')}`);
});
