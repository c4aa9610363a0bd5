// Fuzzes every device parser with mutated frames (default 10^5 per parser; --n N for more, --seed S):
// each must return sane values or throw a DeviceError. Prints the tally and exits 1 on any other
// outcome. Run: node --import tsx bench/fuzz-devices.ts [--n 1000000] [--seed 1]
import { benchFlags, COUNT, header, SEED, table } from './bench-util';
import { runFuzz } from '../test/fixtures/fuzz-devices';

const { n, seed } = benchFlags(import.meta.url, 'Every device parser on mutated frames; exits 1 on any outcome but a sane result or a DeviceError.', {
  n: { type: 'number', rule: COUNT, default: 100_000, help: 'mutated frames per parser' },
  seed: { type: 'number', rule: SEED, default: 1, help: 'random seed' },
});

header(`Device parser fuzzing: ${n.toLocaleString('en')} mutated frames per parser, seed ${seed}`);
const results = runFuzz(seed, n);
// Counts as text: the table prints a number under 1 with three digits ("0.00" failures).
const count = (v: number) => v.toLocaleString('en');
table(
  results.map((r) => ({
    parser: r.name,
    frames: count(r.tally.ok + r.tally.refused + r.tally.failures.length),
    'parsed ok': count(r.tally.ok),
    'refused (DeviceError)': count(r.tally.refused),
    failures: count(r.tally.failures.length),
    'frames/s': count(Math.round(((r.tally.ok + r.tally.refused) / r.ms) * 1000)),
  })),
);
const bad = results.filter((r) => r.tally.failures.length);
for (const r of bad) for (const f of r.tally.failures.slice(0, 5)) console.error(`  ${f}`);
console.log(bad.length ? `\n${bad.length} parser(s) failed an invariant` : '\nno crash, no garbage: every mutated frame was parsed sanely or refused with a DeviceError');
process.exit(bad.length ? 1 : 0);
