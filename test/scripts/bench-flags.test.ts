// Every benchmark and fuzzer reads its flags through bench-util's benchFlags: `--help` lists them
// and exits 0, a flag it does not know is refused before any work starts (it used to be ignored and
// a full-length run started with the default), and the flags bench/README.md and each file's header
// line document are the ones it takes. Nothing here times anything.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { benchFlags, COUNT, POSITIVE } from '../../bench/bench-util';
import { runTsx } from '../fixtures/run-tsx';

// The scripts in bench/ (as scripts/run-bench.mjs finds them): the .ts files no other bench file imports.
const tsFiles = readdirSync('bench').filter((f) => f.endsWith('.ts'));
const imported = new Set(tsFiles.flatMap((f) => [...readFileSync(`bench/${f}`, 'utf8').matchAll(/from '\.\/([\w.-]+?)(?:\.ts)?'/g)].map((m) => `${m[1]}.ts`)));
const scripts = tsFiles.filter((f) => !imported.has(f)).sort();

const run = (file: string, args: string[]) => runTsx(`bench/${file}`, args);

/** Runs the jobs `width` at a time (CI has 2 cores; each start is ~1 s of tsx and imports). */
async function pool<T>(jobs: (() => Promise<T>)[], width = 3): Promise<T[]> {
  const out: T[] = [];
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < jobs.length) {
      const i = next++;
      out[i] = await jobs[i]();
    }
  }));
  return out;
}

/** The flags bench/README.md's tables give for `file` (their last column). */
function readmeFlags(file: string): string[] {
  const row = readFileSync('bench/README.md', 'utf8').split('\n').find((l) => l.startsWith(`| \`${file}\` |`));
  assert.ok(row, `bench/README.md has no row for ${file}`);
  const cells = row.split(' | ');
  return [...cells[cells.length - 1].matchAll(/--[a-z][\w-]*/g)].map((m) => m[0]);
}

/** The flags of the usage line in `file`'s header comment (`node --import tsx bench/<file> [--x N] …`). */
function headerFlags(file: string): string[] {
  const line = readFileSync(`bench/${file}`, 'utf8').split('\n').find((l) => l.startsWith('//') && l.includes(`bench/${file}`));
  return line ? [...line.matchAll(/--[a-z][\w-]*/g)].map((m) => m[0]).filter((f) => f !== '--import') : [];
}

test('every bench script answers --help with its flags and refuses an unknown flag before it starts', async () => {
  assert.ok(scripts.includes('pipeline.bench.ts') && scripts.includes('fuzz-devices.ts') && !scripts.includes('bench-util.ts'), scripts.join(' '));
  const results = await pool(scripts.flatMap((f) => [() => run(f, ['--help']), () => run(f, ['--no-such-flag', '1'])]));
  scripts.forEach((f, i) => {
    const [help, bad] = [results[2 * i], results[2 * i + 1]];
    assert.equal(help.status, 0, `${f} --help: ${help.stderr}`);
    assert.match(help.stdout, new RegExp(`^node --import tsx bench/${f.replace(/\./g, '\\.')} \\[flags\\]\n`), f);
    const listed = [...help.stdout.matchAll(/^ {2}(--[\w-]+)/gm)].map((m) => m[1]);
    assert.ok(listed.includes('--help'), f);
    const documented = readmeFlags(f);
    assert.deepEqual(listed.filter((x) => x !== '--help').sort(), [...new Set(documented)].sort(), `${f}: --help lists ${listed.join(' ')}; bench/README.md says ${documented.join(' ')}`);
    for (const x of headerFlags(f)) assert.ok(listed.includes(x), `${f}'s header line names ${x}, which --help does not list`);

    assert.equal(bad.status, 2, `${f} --no-such-flag: ${bad.stdout}${bad.stderr}`);
    assert.equal(bad.stdout, '', `${f} started its work despite the unknown flag`);
    assert.match(bad.stderr, new RegExp(`^bench/${f.replace(/\./g, '\\.')}: unknown option --no-such-flag\nits flags: .*--help`), f);
  });
});

test('benchFlags reads --name value and --name=value alike, checks numbers and keeps defaults', () => {
  const spec = {
    seconds: { type: 'number', rule: POSITIVE, default: 60, help: 's' },
    rounds: { type: 'number', rule: COUNT, help: 'r' },
    only: { type: 'string', help: 'o' },
    long: { type: 'boolean', help: 'l' },
  } as const;
  const url = 'file:///x/bench/demo.bench.ts';
  assert.deepEqual(benchFlags(url, 'demo', spec, ['--seconds', '1.5']), { seconds: 1.5, rounds: undefined, only: undefined, long: false });
  assert.deepEqual(benchFlags(url, 'demo', spec, ['--seconds=1.5', '--rounds=3', '--only', 'a,b', '--long']), { seconds: 1.5, rounds: 3, only: 'a,b', long: true });
  assert.deepEqual(benchFlags(url, 'demo', spec, []), { seconds: 60, rounds: undefined, only: undefined, long: false });
});

test('a bad number names the flag and the value and stops the bench', async () => {
  const cases: [string, string[], RegExp][] = [
    ['pipeline.bench.ts', ['--seconds=abc'], /--seconds must be a positive number, got 'abc'/],
    ['pipeline.bench.ts', ['--rounds', '2.5'], /--rounds must be a positive integer, got '2\.5'/],
    ['fuzz-devices.ts', ['--n', ''], /--n must be a positive integer, got ''/],
    ['fuzz-devices.ts', ['--sed', '3'], /unknown option --sed \(did you mean --seed\?\)/],
    ['recording.bench.ts', ['--seconds'], /--seconds needs a value/],
    ['replay-seek.bench.ts', ['2'], /unexpected argument '2'/],
  ];
  const results = await pool(cases.map(([f, args]) => () => run(f, args)));
  cases.forEach(([f, args, message], i) => {
    assert.equal(results[i].status, 2, `${f} ${args.join(' ')}`);
    assert.equal(results[i].stdout, '', `${f} ${args.join(' ')} started`);
    assert.match(results[i].stderr, message);
  });
});
