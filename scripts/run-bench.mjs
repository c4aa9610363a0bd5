#!/usr/bin/env node
// Runs every bench/*.bench.ts (or those matching the given filters) one after another and prints
// their figures. Benchmarks report numbers; they are not tests and never fail on a figure.
// The other scripts in bench/ (the fuzzers bench/fuzz-*.ts) take their own flags and run on their
// own: a filter that names only them says how to run them. Modules the benchmarks import
// (bench-util.ts, jax-model-timing.ts) are neither: running one does nothing.
import { readdirSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const filters = process.argv.slice(2);
const USAGE = `npm run bench [-- NAME...]   every bench/*.bench.ts, or those whose file name holds a NAME
Each runs with its defaults; for a benchmark's own flags run it alone: node --import tsx bench/<file> --help`;
if (filters.includes('--help') || filters.includes('-h')) {
  console.log(USAGE);
  process.exit(0);
}
// A flag here used to be taken as a name that matched nothing; the benchmarks' flags are their own.
const flags = filters.filter((x) => x.startsWith('-'));
if (flags.length) {
  console.error(`${flags.join(' ')}: npm run bench takes names, not flags\n${USAGE}`);
  process.exit(1);
}
const matches = (f) => filters.length === 0 || filters.some((x) => f.includes(x));
const tsFiles = readdirSync('bench').filter((f) => f.endsWith('.ts'));
const helpers = new Set(tsFiles.flatMap((f) => [...readFileSync(`bench/${f}`, 'utf8').matchAll(/from '\.\/([\w.-]+?)(?:\.ts)?'/g)].map((m) => `${m[1]}.ts`)));
const scripts = tsFiles.filter((f) => !helpers.has(f));
const files = scripts.filter((f) => f.endsWith('.bench.ts') && matches(f)).sort();
if (files.length === 0) {
  const others = scripts.filter((f) => !f.endsWith('.bench.ts') && matches(f)).sort();
  console.error(`no benchmark (bench/*.bench.ts) matched ${filters.map((x) => `'${x}'`).join(' ')}`);
  if (others.length) console.error(`${others.map((f) => `bench/${f}`).join(', ')} ${others.length > 1 ? 'are not benchmarks; run each' : 'is not a benchmark; run it'} on its own:\n${others.map((f) => `  node --import tsx bench/${f}`).join('\n')}`);
  process.exit(1);
}
let failed = 0;
for (const f of files) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', `bench/${f}`], { stdio: 'inherit' });
  if (r.status !== 0) {
    failed++;
    console.error(`bench/${f} exited with ${r.status}`);
  }
}
process.exit(failed ? 1 : 0);
