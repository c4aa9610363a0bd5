#!/usr/bin/env node
// Runs every test/**/*.test.ts under Node's own test runner, with tsx for TypeScript.
// Usage: node scripts/run-tests.mjs [--skip-e2e] [path-filter ...]
// Node 20's runner does not expand globs, so the files are listed here.
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

const args = process.argv.slice(2);
const skipE2e = args.includes('--skip-e2e');
const filters = args.filter((a) => !a.startsWith('--'));

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.test.ts') ? [p] : [];
  });
}

const files = walk('test')
  .map((f) => relative('.', f))
  .filter((f) => !(skipE2e && f.startsWith(join('test', 'e2e'))))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();

if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}

const res = spawnSync(
  process.execPath,
  // A test that hangs (a browser that never answers) fails after 8 minutes with its name instead of
  // holding the whole run until CI's limit. A file whose tests have all ended exits even if a failed
  // one left a timer or a socket open (a device source never stopped held its file for the 8 minutes).
  ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-timeout=480000', '--test-force-exit', ...files],
  { stdio: 'inherit' },
);
process.exit(res.status ?? 1);
