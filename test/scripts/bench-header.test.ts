// bench/README.md says every bench prints the machine it ran on: each script in bench/ (as
// scripts/run-bench.mjs finds them) calls bench-util's header(), which prints the machine and the
// load averages in one line under the title. Nothing here runs a bench.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { header, machine } from '../../bench/bench-util';

const tsFiles = readdirSync('bench').filter((f) => f.endsWith('.ts'));
const imported = new Set(tsFiles.flatMap((f) => [...readFileSync(`bench/${f}`, 'utf8').matchAll(/from '\.\/([\w.-]+?)(?:\.ts)?'/g)].map((m) => `${m[1]}.ts`)));
const scripts = tsFiles.filter((f) => !imported.has(f)).sort();

test('every bench and fuzzer calls header() from bench-util', () => {
  assert.ok(scripts.length >= 15, `found the bench scripts: ${scripts.join(', ')}`);
  for (const f of scripts) {
    const src = readFileSync(`bench/${f}`, 'utf8');
    // (fuzz-formats imports bench-util late, with `await import`)
    assert.match(src, /(import|const) \{[^}]*\bheader\b[^}]*\} (from |= await import\()'\.\/bench-util'/, `${f} takes header from bench-util`);
    assert.match(src, /^\s*header\(/m, `${f} calls header()`);
  }
});

test('header() prints the title, then the machine and the load averages in one line', (t) => {
  const lines: string[] = [];
  t.mock.method(console, 'log', (s: string) => lines.push(s));
  header('Some path');
  const [, title, line] = lines.join('\n').split('\n');
  assert.equal(title, '## Some path');
  assert.ok(line.startsWith(`${machine()}; load `), `the machine line: ${line}`);
  assert.ok(line.includes(`× ${os.cpus().length},`) && line.includes(process.version), `cores and Node named: ${line}`);
  assert.match(line, /; load [\d.]+ \/ [\d.]+ \/ [\d.]+ \(1\/5\/15 min\) at start$/, 'the load averages');
});
