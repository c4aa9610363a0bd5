// What the READMEs and docs/*.md name must exist: a newcomer copies paths, `npm run` scripts and
// environment variables from them, and a renamed file or a removed variable should fail here
// rather than in their first hour. Also the other way round: every environment variable the code
// reads is documented somewhere. The command lines the docs give name real commands, verbs and
// flags (each command's own parser is asked; bench scripts' flags by bench/README.md), their links,
// #anchors and §-references resolve, and docs/architecture.md's folder list and environment table
// match the source tree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { COMMANDS } from '../src/main/cli-commands';
import { CliUsageError, type CliCommand } from '../src/main/core/cli-command';
import { CORE_MODULES } from '../src/main/core/modules';
import { CLOCK_PUSH_SEC } from '../src/main/core/pipeline.core';
import { MAX_MARKERS_PER_WRITE } from '../src/main/recorder/marker-writer';
import { DEFAULT_SEEK_PRE_ROLL_S } from '../src/main/replay/replay-source';
import { SUSPEND_STEP_S } from '../src/main/sources/host-clock';
import { REPLAY_MAX_SPEED, REPLAY_MIN_SPEED } from '../src/shared/session.types';
import { CYTON_BAUD_RATE, CYTON_CHANNELS, CYTON_DAISY_CHANNELS, CYTON_DAISY_SAMPLE_RATE_HZ, CYTON_SAMPLE_RATE_HZ } from '../src/shared/devices/cyton/cyton.types';
import { MUSE_EEG_LABELS, MUSE_EEG_RATE_HZ, MUSE_EEG_SAMPLES_PER_PACKET, MUSE_PPG_RATE_HZ, MUSE_SERVICE_UUID } from '../src/shared/devices/muse/muse.types';
import { POLAR_H10_ECG_RANGE_UV, POLAR_H10_ECG_RATE_HZ } from '../src/shared/devices/polar/polar.types';
import { DEFAULT_RECONNECT_POLICY } from '../src/shared/devices/connection/connection.types';
import { BLE_RECONNECT } from '../src/main/devices/ble/ble-connection';
import { createBridgeApi } from '../src/preload/api';
import { DEFAULT_BUSY_TIMEOUT_MS, DEFAULT_SLOW_QUERY_MS } from '../src/main/db/db.types';
import { MIGRATIONS } from '../src/main/db/migrations';
import { DEFAULT_MARKER_PORT } from '../src/main/markers/marker-server';
import { FLUSH_INTERVAL_MS, SNAPSHOT_SCHEDULE } from '../src/main/recorder/recorder';
import { SERVE_DEFAULT_HOST, SERVE_DEFAULT_PORT } from '../src/main/serve/serve-server';
import { FLAT_P2P_UV, QRS_RATIO_NONE, QRS_RATIO_WEAK, QRS_SMALL_RMS_UV, RAIL_FRACTION_OF_RANGE } from '../src/shared/dsp/quality';
import { NN_MIN_NEIGHBOURS, NN_NEIGHBOURS, NN_TOLERANCE, RR_MAX_MS, RR_MIN_MS } from '../src/shared/dsp/rr-intervals';
import { EEG_BANDS, HR_BEATS } from '../src/shared/features.types';
import { DEFAULT_PIPELINE_CONFIG } from '../src/shared/pipeline/pipeline-config';
import { MAX_BRIDGED_SHARE } from '../src/shared/pipeline/windower';
import { MODEL_RATE_HZ } from '../src/shared/window.types';
import { PREDICTIONS_FILE_SUFFIX, PREDICTIONS_HEAD_START } from '../src/shared/formats/csv/predictions-csv';

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

test('every source file the README and docs name by a partial path (`charts/trace-chart.ts`, `hub.ts`) is one in the repository', () => {
  const repoFiles = ['src', 'test', 'bench', 'scripts'].flatMap((d) => walk(d, /\.(tsx?|mjs|js)$/)).map((f) => `/${f.replace(/\\/g, '/')}`);
  const missing: string[] = [];
  for (const doc of DOCS) {
    for (const { line, token, link } of mentions(doc)) {
      const clean = token.replace(/^[(\['"]+|[)\]'",;:.]+$/g, '');
      if (link || !/^[\w./-]+\.(tsx?|mjs|js)$/.test(clean) || ROOTS.test(clean) || clean.startsWith('out/')) continue;
      if (!existsSync(clean) && !repoFiles.some((f) => f.endsWith(`/${clean}`))) missing.push(`${doc}:${line}: ${clean}`);
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

// The command lines the docs give, as a newcomer copies them: `heartmind <command> …`,
// `node out/main/cli.js <command> …` or `node --import tsx src/main/cli.ts <command> …`, in code
// spans (which may wrap a line) and code blocks; a `# comment` after one is not part of it.
const COMMAND_LINE = /(?:^|[\s(])(?:heartmind|node out\/main\/cli\.js|node --import tsx src\/main\/cli\.ts) ([a-z][\w-]*)([^#]*)/g;

/** The code a doc shows: its code spans (which may wrap a line) and the lines of its code blocks. */
function codePieces(doc: string): { line: number; code: string }[] {
  const lines = text.get(doc)!.split('\n');
  let prose: { line: number; text: string }[] = [];
  const spans = function* () {
    // inline code spans of the prose since the last code block, joined so that a span may wrap
    const joined = prose.map((p) => p.text).join('\n');
    for (const m of joined.matchAll(/`([^`]+)`/g)) yield { line: prose[0].line + joined.slice(0, m.index).split('\n').length - 1, code: m[1].replace(/\s+/g, ' ') };
    prose = [];
  };
  let inBlock = false;
  const pieces: { line: number; code: string }[] = [];
  for (const [i, l] of lines.entries()) {
    if (/^\s*```/.test(l)) {
      if (!inBlock) pieces.push(...spans());
      inBlock = !inBlock;
    } else if (inBlock) pieces.push({ line: i + 1, code: l });
    else prose.push({ line: i + 1, text: l });
  }
  pieces.push(...spans());
  return pieces;
}

function* commandLines(doc: string): Generator<{ line: number; command: string; rest: string }> {
  for (const { line, code } of codePieces(doc)) for (const m of code.matchAll(COMMAND_LINE)) yield { line, command: m[1], rest: m[2] };
}

/** Whether `heartmind <command>`'s parser takes --flag: it refuses an unknown flag by name before doing anything. */
async function acceptsFlag(command: CliCommand, flag: string): Promise<boolean> {
  const quiet = { out: () => {}, err: () => {} };
  try {
    await command.run([`--${flag}`, '--no-such-flag-anywhere'], quiet);
  } catch (err) {
    assert.ok(err instanceof CliUsageError, `--${flag} --no-such-flag-anywhere: ${(err as Error)?.stack}`);
    return !err.message.startsWith(`unknown option --${flag}`);
  }
  assert.fail(`--${flag} --no-such-flag-anywhere ran without a usage error`);
}

// `--name`, not a pattern (`--pretrain-steps-*`)
const flagsIn = (s: string) => [...new Set([...s.matchAll(/(?<![\w-])--([a-z][\w-]*[a-z0-9])(?![\w*-])/g)].map((m) => m[1]))];

test('every `heartmind <command> --flag` the README and docs give is a command, and a flag its parser takes', async () => {
  const commands = new Map<string, CliCommand>();
  for (const c of COMMANDS) commands.set(c.name, (await c.load()).command);
  const wrong: string[] = [];
  let checked = 0;
  for (const doc of DOCS) {
    for (const { line, command, rest } of commandLines(doc)) {
      // `heartmind train | pretrain | evaluate`: each alternative is a command
      const alternatives = /^(\s*\|\s*[a-z][\w-]*)+\s*$/.test(rest) ? rest.split('|').map((s) => s.trim()).filter(Boolean) : [];
      for (const name of [command, ...alternatives]) if (!commands.has(name)) wrong.push(`${doc}:${line}: heartmind ${name}: no such command`);
      const cmd = commands.get(command);
      if (!cmd) continue;
      // `heartmind sessions show ID`, `sessions list|show|…`: a command with verbs lists each at the start of a usage line
      const verbs = /<verb>/.test(cmd.usage) ? (/^\s*([a-z][\w|-]*)/.exec(rest)?.[1].split('|') ?? []) : [];
      for (const verb of verbs) if (!new RegExp(`^ {2}${verb} `, 'm').test(cmd.usage)) wrong.push(`${doc}:${line}: heartmind ${command} ${verb}: no such verb`);
      for (const flag of flagsIn(rest)) {
        if (flag === 'help') continue;
        checked++;
        if (!(await acceptsFlag(cmd, flag))) wrong.push(`${doc}:${line}: heartmind ${command} --${flag}: not a flag of ${command}`);
      }
    }
  }
  assert.ok(checked > 20, `only ${checked} flags found in the docs' command lines: has the pattern changed?`);
  assert.deepEqual(wrong, []);
});

test("every flag a command's --help lists is one its parser takes", async () => {
  const wrong: string[] = [];
  for (const c of COMMANDS) {
    const { command } = await c.load();
    // another command's flags named in passing ('heartmind train --resume continues') are its own
    const own = command.usage.replace(new RegExp(`heartmind (?!${c.name}\\b)[a-z][\\w-]*(?: --[\\w-]+)*`, 'g'), '');
    for (const flag of flagsIn(own)) if (!(await acceptsFlag(command, flag))) wrong.push(`heartmind ${c.name} --help lists --${flag}, which it refuses`);
  }
  assert.deepEqual(wrong, []);
});

test("a command's --help that gives --data-dir's default names HEARTMIND_DATA_DIR, which every command reads (core/data-dir.ts)", async () => {
  const silent: string[] = [];
  for (const c of COMMANDS) {
    const line = (await c.load()).command.usage.split('\n').find((l) => /^\s*--data-dir DIR .*default/.test(l));
    if (line && !line.includes('HEARTMIND_DATA_DIR')) silent.push(`heartmind ${c.name}: ${line.trim()}`);
  }
  assert.deepEqual(silent, []);
});

test("docs/architecture.md's table of environment variables lists each the code reads, with a file that reads it", () => {
  const doc = text.get('docs/architecture.md')!;
  const rows = doc.slice(doc.indexOf('## Environment variables'), doc.indexOf('\n## ', doc.indexOf('## Environment variables') + 1)).split('\n').filter((l) => l.startsWith('| `'));
  const wrong: string[] = [];
  const listed = new Set<string>();
  for (const r of rows) {
    const cells = r.split(' | ');
    const names = [...cells[0].matchAll(/`(HEARTMIND_[A-Z0-9_]+)/g)].map((m) => m[1]);
    const files = [...cells[cells.length - 1].matchAll(/`([\w./-]+\.m?[jt]s)`/g)].map((m) => m[1]);
    for (const n of names) {
      listed.add(n);
      if (!files.some((f) => existsSync(f) && readFileSync(f, 'utf8').includes(n))) wrong.push(`${n}: not read in ${files.join(', ') || '(no file given)'}`);
    }
  }
  for (const v of readInCode) if (!listed.has(v)) wrong.push(`${v}: read by the code, missing from the table`);
  assert.deepEqual(wrong.sort(), []);
});

test("docs/architecture.md's \"Where things are\" names every folder of src/main, src/shared and src/renderer/src, and no other", () => {
  const doc = text.get('docs/architecture.md')!;
  const section = doc.slice(doc.indexOf('### Where things are'), doc.indexOf('\n## ', doc.indexOf('### Where things are')));
  const folders = (dir: string) => readdirSync(dir).filter((n) => statSync(join(dir, n)).isDirectory()).sort();
  // src/main: the table's first column; src/shared and the renderer: the `name/` spans of their paragraphs
  const mainRows = section.split('\n').filter((l) => l.startsWith('| `')).flatMap((l) => [...l.split(' | ')[0].matchAll(/`([\w-]+)\/`/g)].map((m) => m[1]));
  const para = (start: string) => {
    const from = section.indexOf(start);
    const p = section.slice(from + start.length, section.indexOf('\n\n', from) === -1 ? undefined : section.indexOf('\n\n', from));
    return [...p.matchAll(/`([\w-]+)\/[^`\s]*`/g)].map((m) => m[1]); // `views/<area>/` is views
  };
  assert.deepEqual([...new Set(mainRows)].sort(), folders('src/main'), 'src/main');
  assert.deepEqual([...new Set(para('`src/shared/` (pure)'))].sort(), folders('src/shared'), 'src/shared');
  assert.deepEqual([...new Set(para('`src/renderer/src/`'))].sort(), folders('src/renderer/src'), 'src/renderer/src');
});

test("the README's requirements are package.json's: Node, and Electron with the Node its package needs", () => {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { engines: { node: string }; devDependencies: Record<string, string> };
  const readme = text.get('README.md')!.replace(/\s+/g, ' ');
  const node = /^>=\s*(\d+\.\d+)/.exec(pkg.engines.node)?.[1];
  assert.ok(node && readme.includes(`Node ≥ ${node}`), `README says Node ≥ ${node} (package.json engines: ${pkg.engines.node})`);
  const electron = pkg.devDependencies.electron.split('.')[0];
  assert.ok(readme.includes(`Electron ${electron}`), `README names Electron ${electron} (package.json: ${pkg.devDependencies.electron})`);
  const electronNode = (JSON.parse(readFileSync('node_modules/electron/package.json', 'utf8')) as { engines?: { node?: string } }).engines?.node;
  const needs = electronNode && /(\d+\.\d+)/.exec(electronNode)?.[1];
  if (needs) assert.ok(readme.includes(`Node ≥ ${needs} for \`npm start\``), `README says npm start needs Node ≥ ${needs} (electron's engines: ${electronNode})`);
});

test('every `bench/<file> --flag` the docs give is a bench script and a flag bench/README.md lists for it (bench-flags.test.ts holds that list to its --help)', () => {
  const benchReadme = text.get('bench/README.md')!.split('\n');
  const wrong: string[] = [];
  let checked = 0;
  for (const doc of DOCS) {
    for (const { line, code } of codePieces(doc)) {
      for (const m of code.matchAll(/\bbench\/([\w.-]+\.ts)\b([^#]*)/g)) {
        const flags = flagsIn(m[2].split(/\bbench\//)[0]).filter((f) => f !== 'help' && f !== 'import');
        if (!flags.length) continue;
        const row = benchReadme.find((l) => l.startsWith(`| \`${m[1]}\` |`));
        if (!row) wrong.push(`${doc}:${line}: bench/${m[1]}: no such script in bench/README.md`);
        else {
          const known = flagsIn(row.split(' | ').pop()!);
          for (const f of flags) if (!known.includes(f)) wrong.push(`${doc}:${line}: bench/${m[1]} --${f}: not one of its flags`);
          checked += flags.length;
        }
      }
    }
  }
  assert.ok(checked >= 3, `only ${checked} bench flags found in the docs: has the pattern changed?`);
  assert.deepEqual(wrong, []);
});

/** A heading's anchor as GitHub makes it: lower case, punctuation dropped, spaces to hyphens. */
const anchorOf = (heading: string) => heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');

function headings(file: string): string[] {
  return readFileSync(file, 'utf8').split('\n').flatMap((l) => /^#{1,6} (.+)$/.exec(l)?.[1] ?? []);
}

test('every #anchor a README or doc links to is a heading of its target', () => {
  const missing: string[] = [];
  for (const doc of DOCS) {
    for (const [i, l] of text.get(doc)!.split('\n').entries()) {
      for (const m of l.matchAll(/\]\(([^)#\s]*)#([^)\s]+)\)/g)) {
        if (/^[a-z]+:/.test(m[1])) continue;
        const target = m[1] ? join(dirname(doc), m[1]) : doc;
        if (existsSync(target) && !headings(target).map(anchorOf).includes(m[2])) missing.push(`${doc}:${i + 1}: ${m[1]}#${m[2]}`);
      }
    }
  }
  assert.deepEqual(missing, []);
});

test('every "§N" a doc refers to is a numbered section of the doc it names (or its own)', () => {
  const missing: string[] = [];
  for (const doc of DOCS) {
    for (const [i, l] of text.get(doc)!.split('\n').entries()) {
      for (const m of l.matchAll(/(?:([\w./-]+\.md) )?§(\d+)/g)) {
        // a doc of this repository, named from the doc's folder or the root; others (../shared/MODEL.md) are not checked
        const target = !m[1] ? doc : [join(dirname(doc), m[1]), m[1]].find((p) => existsSync(p));
        if (!target) continue;
        if (!headings(target).some((h) => h.startsWith(`${m[2]}. `))) missing.push(`${doc}:${i + 1}: ${m[0]}`);
      }
    }
  }
  assert.deepEqual(missing, []);
});

test("the README's Performance table names benchmarks that exist in bench/", () => {
  const readme = text.get('README.md')!;
  const section = readme.slice(readme.indexOf('\n## Performance'), readme.indexOf('\n## ', readme.indexOf('\n## Performance') + 1));
  const names = section.split('\n').filter((l) => l.startsWith('| ')).flatMap((l) => [...l.split(' | ')[0].matchAll(/`([\w-]+)`/g)].map((m) => m[1]));
  assert.ok(names.length > 10, `only ${names.length} benchmark names found in the Performance table`);
  const missing = names.filter((n) => !existsSync(`bench/${n}.bench.ts`) && !existsSync(`bench/${n}.ts`));
  assert.deepEqual(missing, []);
});

// The facts docs/architecture.md gives a newcomer about the tree: every worker entry, every command
// (and the folder that holds it), and the order the core starts its areas in.
const archDoc = () => text.get('docs/architecture.md')!;

test("docs/architecture.md's runtimes table lists every worker entry (src/main/**/*.node.ts), and no other", () => {
  const row = archDoc().split('\n').find((l) => l.startsWith('| `src/main/**/*.node.ts`'));
  assert.ok(row, 'no row for src/main/**/*.node.ts in the runtimes table');
  const listed = [...row.split(' | ')[1].matchAll(/`([\w/-]+\.node\.ts)`/g)].map((m) => m[1]).sort();
  const entries = walk('src/main', /\.node\.ts$/).map((f) => f.replace(/\\/g, '/').replace(/^src\/main\//, '')).sort();
  assert.deepEqual(listed, entries);
});

test('docs/architecture.md names every `heartmind` command, in its opening and in the row of the folder that holds it', () => {
  const doc = archDoc();
  const opening = doc.slice(0, doc.indexOf('\n## ')).replace(/\s+/g, ' ');
  const section = doc.slice(doc.indexOf('### Where things are'), doc.indexOf('\n## ', doc.indexOf('### Where things are')));
  const source = readFileSync('src/main/cli-commands.ts', 'utf8');
  const wrong: string[] = [];
  for (const { name } of COMMANDS) {
    const said = (s: string) => new RegExp(`\`(heartmind )?${name}\``).test(s);
    if (!said(opening)) wrong.push(`${name}: not in the opening paragraph`);
    const folder = new RegExp(`name: '${name}'.*import\\('\\./([\\w-]+)/`).exec(source)?.[1];
    const row = section.split('\n').find((l) => l.startsWith(`| \`${folder}/\``));
    if (!row || !said(row)) wrong.push(`${name}: not in the row of ${folder ? `${folder}/` : 'its folder'}`);
  }
  assert.deepEqual(wrong, []);
});

test("docs/architecture.md's start-up order of the areas is CORE_MODULES'", () => {
  const said = /starts in turn: ([\w, ]+);/.exec(archDoc())?.[1].split(/,\s*/);
  assert.deepEqual(said, CORE_MODULES.map((m) => m.name));
});

// What the docs call a request channel or a push must be one of src/shared/ipc's.
test('every hm: channel and push type the docs name is one the schema declares', () => {
  const schemas = readdirSync('src/shared/ipc').filter((f) => f.endsWith('.ts')).map((f) => readFileSync(join('src/shared/ipc', f), 'utf8'));
  const channels = schemas.flatMap((s) => [...s.matchAll(/^\s*'(hm:[\w:-]+)': \{/gm), ...s.matchAll(/^export const \w+ = '(hm:[\w:-]+)';/gm)].map((m) => m[1]));
  const pushes = schemas.flatMap((s) => [...s.matchAll(/\btype: '([a-z]+:[\w-]+)'/g)].map((m) => m[1]));
  assert.ok(channels.length > 40 && pushes.length > 20, `only ${channels.length} channels and ${pushes.length} push types found in src/shared/ipc: has the pattern changed?`);
  const areas = new Set(pushes.map((p) => p.split(':')[0]));
  const wrong: string[] = [];
  for (const doc of DOCS) {
    for (const [i, l] of text.get(doc)!.split('\n').entries()) {
      for (const m of l.matchAll(/\bhm:[\w-]+:(?:[\w:-]*\w|\*)/g)) {
        const name = m[0];
        const known = name.endsWith('*') ? channels.some((c) => c.startsWith(name.slice(0, -1))) : channels.includes(name);
        if (!known) wrong.push(`${doc}:${i + 1}: ${name}: no such channel`);
      }
      // a push by its type, as a code span or quoted: `pipeline:window`, 'sessions:marker', `pipeline:*`
      for (const m of l.matchAll(/[`'](([a-z]+):([\w-]+|\*))[`']/g)) {
        if (!areas.has(m[2])) continue;
        const known = m[3] === '*' ? pushes.some((p) => p.startsWith(`${m[2]}:`)) : pushes.includes(m[1]);
        if (!known) wrong.push(`${doc}:${i + 1}: ${m[1]}: no such push`);
      }
    }
  }
  assert.deepEqual(wrong, []);
});

// Defaults and thresholds as the README and the area docs state them, each sentence rebuilt from
// the constant it states: a changed default fails here until its words change with it.
test('the defaults and thresholds the docs state are the code\'s', () => {
  const c = DEFAULT_PIPELINE_CONFIG;
  const { eeg, ecg } = c.filters;
  const q = c.quality;
  const w = c.window;
  const every = (s: number) => (s === 1 ? 'every second' : `every ${s} s`);
  const rc = DEFAULT_RECONNECT_POLICY;
  const facts: [doc: string, words: string][] = [
    ['README.md', `filtered causally (EEG ${eeg.highpassHz}–${eeg.lowpassHz} Hz, ECG ${ecg.highpassHz}–${ecg.lowpassHz} Hz, mains notch) and cut into synchronised ${w.lengthSec} s windows ${every(w.hopSec)}`],
    ['README.md', `synchronised ${w.lengthSec} s EEG+ECG windows`],
    ['README.md', `up to ${c.bridgeMaxSec * 1000} ms of samples by default`],
    ['README.md', `more than ${MAX_BRIDGED_SHARE * 100} % makes the modality absent`],
    ['README.md', `an interval out of ${RR_MIN_MS}–${RR_MAX_MS} ms or more than ${NN_TOLERANCE * 100} % off its neighbours' median`],
    ['README.md', `(default \`http://${SERVE_DEFAULT_HOST}:${SERVE_DEFAULT_PORT}/\`)`],
    ['README.md', `to port ${DEFAULT_MARKER_PORT} (`],
    ['docs/architecture.md', `\`heartmind serve\`'s port (default ${SERVE_DEFAULT_PORT})`],
    ['docs/architecture.md', `the marker endpoint's port (default ${DEFAULT_MARKER_PORT}, \`off\` turns it off)`],
    ['docs/pipeline.md', `| EEG | ${eeg.highpassHz}–${eeg.lowpassHz} Hz (MODEL.md) | ${eeg.notchHz.join(', ')} Hz, Q ${eeg.notchQ} |`],
    ['docs/pipeline.md', `| ECG | ${ecg.highpassHz}–${ecg.lowpassHz} Hz | ${ecg.notchHz.join(', ')} Hz, Q ${ecg.notchQ} |`],
    ['docs/pipeline.md', `\`lengthSec\` ${w.lengthSec}, \`hopSec\` ${w.hopSec} (both whole numbers of 1/${MODEL_RATE_HZ} s), \`allowanceSec\` ${w.allowanceSec}, \`eegMontage\` \`'${w.eegMontage}'\`, \`ecgMontage\` \`'${w.ecgMontage}'\``],
    ['docs/pipeline.md', `\`MAX_BRIDGED_SHARE\` = ${MAX_BRIDGED_SHARE * 100} % of the window`],
    ['docs/pipeline.md', `conditioned RMS < ${q.flatRmsUv.eeg} µV EEG / ${q.flatRmsUv.ecg} µV ECG, or raw peak-to-peak < ${FLAT_P2P_UV} µV`],
    ['docs/pipeline.md', `\`railed\` (≥ ${q.railedFraction * 100} % of samples at ≥ ${RAIL_FRACTION_OF_RANGE * 100} % of \`rangeUv\``],
    ['docs/pipeline.md', `\`implausible\` (RMS > ${q.maxRmsUv.eeg} µV EEG / ${q.maxRmsUv.ecg / 1000} mV ECG, or |x| > ${q.maxAbsUv.eeg / 1000} mV / ${q.maxAbsUv.ecg / 1000} mV)`],
    ['docs/pipeline.md', `\`line-noise\` (ratio > ${q.lineNoiseRatio};`],
    ['docs/pipeline.md', `when the ratio is below ${QRS_RATIO_NONE}, or below ${QRS_RATIO_WEAK} with a conditioned RMS under ${QRS_SMALL_RMS_UV} µV`],
    ['docs/pipeline.md', `Welch (Hann, ${c.features.eegNperseg}-sample segments, 50 % overlap) over the last ${c.features.eegSpanSec} s`],
    ['docs/pipeline.md', `the normal-to-normal (NN) intervals of the last ${c.features.hrvSpanSec} s`],
    ['docs/pipeline.md', `within ${RR_MIN_MS}–${RR_MAX_MS} ms and within ±${NN_TOLERANCE * 100} % of the median of the in-range intervals among its ${NN_NEIGHBOURS} neighbours on each side, judged when at least ${NN_MIN_NEIGHBOURS} exist`],
    ['docs/pipeline.md', `mean of the last ${HR_BEATS} NN intervals`],
    ['docs/pipeline.md', `(EEG_BANDS: ${EEG_BANDS.map((b) => `${b.name} ${b.lowHz}–${b.highHz}`).join(', ')} Hz`],
    ['docs/pipeline.md', `over the last ${c.clock.windowSec} s of buckets, with weights \`w_i = 2^(−(x_last − x_i)/${c.clock.halfLifeSec} s)\``],
    ['docs/pipeline.md', `τ = ${c.clock.quantile},`],
    ['docs/pipeline.md', `until the buckets span ${c.clock.minSlopeSpanSec} s, estimating only the offset`],
    ['docs/pipeline.md', `widened to ±${c.clock.maxDriftPpm} ppm`],
    ['docs/pipeline.md', `Kaiser-windowed sinc (β = ${c.resampler.kaiserBeta}, ${c.resampler.zeroCrossings} zero crossings), cut-off at ${c.resampler.cutoff} × the lower of the two Nyquist frequencies, tabulated at ${c.resampler.phases} phases`],
    ['docs/sessions.md', `Recorder ──(${FLUSH_INTERVAL_MS} ms batches`],
    ['docs/sessions.md', `busy timeout (${DEFAULT_BUSY_TIMEOUT_MS / 1000} s)`],
    ['docs/sessions.md', `any request slower than ${DEFAULT_SLOW_QUERY_MS} ms is logged`],
    ['docs/sessions.md', `Every **${FLUSH_INTERVAL_MS} ms** the buffered chunks and gaps are committed`],
    ['docs/sessions.md', `at most ${MAX_MARKERS_PER_WRITE} a write`],
    ['docs/sessions.md', `speed ${REPLAY_MIN_SPEED}×–${REPLAY_MAX_SPEED}×, or \`'max'\``],
    ['docs/sessions.md', `every ${SNAPSHOT_SCHEDULE.minIntervalS}–${SNAPSHOT_SCHEDULE.maxIntervalS} s, sized to stay near ${SNAPSHOT_SCHEDULE.share * 100} % of the recording`],
    ['docs/sessions.md', `restarts ${DEFAULT_SEEK_PRE_ROLL_S} s before the target`],
    ['README.md', `at ${REPLAY_MIN_SPEED}×–${REPLAY_MAX_SPEED}× or as fast as possible`],
    ['README.md', `seeks warm up from a ${DEFAULT_SEEK_PRE_ROLL_S}-s pre-roll`],
    ['docs/pipeline.md', `once per ${CLOCK_PUSH_SEC} s of its data (\`CLOCK_PUSH_SEC\``],
    ['docs/pipeline.md', `more than ${SUSPEND_STEP_S} s ahead (\`SUSPEND_STEP_S\`)`],
    ['README.md', `raw ECG at ${POLAR_H10_ECG_RATE_HZ} Hz`],
    ['README.md', `EEG ${MUSE_EEG_LABELS.slice(0, 4).join(', ')} at ${MUSE_EEG_RATE_HZ} Hz`],
    ['README.md', `(${CYTON_CHANNELS} ch at ${CYTON_SAMPLE_RATE_HZ} Hz or ${CYTON_DAISY_CHANNELS} ch at ${CYTON_DAISY_SAMPLE_RATE_HZ} Hz;`],
    ['docs/devices.md', `| ECG ${POLAR_H10_ECG_RATE_HZ} Hz µV (1 lead, ±${POLAR_H10_ECG_RANGE_UV / 1000} mV);`],
    ['docs/devices.md', `(service 0x${MUSE_SERVICE_UUID.toUpperCase()}) | EEG ${MUSE_EEG_LABELS.slice(0, 4).join(', ')} (+${MUSE_EEG_LABELS[4]}) ${MUSE_EEG_RATE_HZ} Hz µV; PPG ${MUSE_PPG_RATE_HZ} Hz on Muse 2/S; battery | packet sequence number (${MUSE_EEG_SAMPLES_PER_PACKET} samples each) |`],
    ['docs/devices.md', `| serial (USB dongle), ${CYTON_BAUD_RATE} baud | EEG/ExG ${CYTON_CHANNELS} ch ${CYTON_SAMPLE_RATE_HZ} Hz µV |`],
    ['docs/devices.md', `| EEG/ExG ${CYTON_DAISY_CHANNELS} ch ${CYTON_DAISY_SAMPLE_RATE_HZ} Hz µV |`],
    ['README.md', `retries every ${rc.waitRetryMs / 1000} s until you disconnect it`],
    ['docs/devices.md', `**no data for ${rc.stallTimeoutMs / 1000} s**`],
    ['docs/devices.md', `after the ${rc.startAttempts} quick attempts it is tried again every ${rc.waitRetryMs / 1000} s (±${rc.jitter * 100} %)`],
    ['docs/devices.md', `retries with exponential backoff and ±${rc.jitter * 100} % jitter`],
    ['docs/devices.md', `Bluetooth from ${BLE_RECONNECT.initialDelayMs / 1000} s to ${BLE_RECONNECT.maxDelayMs / 1000} s, BrainFlow from ${rc.initialDelayMs / 1000} s to ${rc.maxDelayMs / 1000} s`],
    ['docs/formats.md', `**The predictions file** (\`<base>${PREDICTIONS_FILE_SUFFIX}\``],
    ['docs/formats.md', `Columns: \`${PREDICTIONS_HEAD_START}\`, then per task`],
  ];
  const flat = new Map([...text].map(([f, t]) => [f, t.replace(/\s+/g, ' ')]));
  const missing = facts.filter(([doc, words]) => !flat.get(doc)!.includes(words)).map(([doc, words]) => `${doc}: "${words}"`);
  assert.deepEqual(missing, []);
});

test("docs/sessions.md's migration list is src/main/db/migrations', and so are the schemas a read-only database opens without", () => {
  const doc = text.get('docs/sessions.md')!.replace(/\s+/g, ' ');
  const list = doc.slice(doc.indexOf('Migrations: 0010'), doc.indexOf('Each runs in a transaction'));
  assert.ok(list.length > 0, "docs/sessions.md no longer lists the migrations ('Migrations: 0010 … Each runs in a transaction')");
  const said = [...list.matchAll(/(?:^|[ :,])(0\d{2}0) /g)].map((m) => Number(m[1]));
  assert.deepEqual(said, MIGRATIONS.map((m) => m.version), 'the migrations docs/sessions.md lists, in order');
  const files = readdirSync('src/main/db/migrations').filter((f) => /^\d{4}-/.test(f)).map((f) => Number(f.slice(0, 4)));
  assert.deepEqual(files, MIGRATIONS.map((m) => m.version), 'a migration file for each migration');
  const opens = /lacks only migrations that readers do without \(`readersDoWithout` in `migrations\/index\.ts`: ([^)]*)\)/.exec(doc)?.[1];
  assert.ok(opens, 'docs/sessions.md no longer says which migrations readers do without');
  const saidOptional = [...opens.matchAll(/schema (\d+)/g)].map((m) => Number(m[1]));
  assert.deepEqual(saidOptional, MIGRATIONS.filter((m) => m.readersDoWithout).map((m) => m.version), 'the migrations readers do without');
});

// The code examples' imports, as a newcomer pastes them: each name is exported by the module the
// line names ('src/shared/formats', or a path relative to a file in src/: '../eval', './hub/hub').
test('every name the docs\' code examples import is an export of the module they import it from', async () => {
  const sources = walk('src', /\.tsx?$/).map((f) => f.replace(/\\/g, '/'));
  const wrong: string[] = [];
  let checked = 0;
  for (const doc of DOCS) {
    for (const { line, code } of codePieces(doc)) {
      const m = /^\s*import \{([^}]+)\} from '((?:src\/|\.\.?\/)[^']+)';/.exec(code);
      if (!m) continue;
      const names = m[1].split(',').map((n) => n.trim()).filter((n) => n && !n.startsWith('type '));
      const tail = m[2].replace(/^(\.\.?\/)+/, '').replace(/^src\//, '');
      const candidates = sources.filter((f) => [`/${tail}.ts`, `/${tail}.tsx`, `/${tail}/index.ts`].some((end) => `/${f}`.endsWith(end)));
      if (!candidates.length) {
        wrong.push(`${doc}:${line}: no module ${m[2]}`);
        continue;
      }
      const exported = await Promise.all(candidates.map(async (f) => Object.keys(await import(`../${f}`))));
      const lacking = names.filter((n) => !exported.some((e) => e.includes(n)));
      if (lacking.length) wrong.push(`${doc}:${line}: ${m[2]} does not export ${lacking.join(', ')}`);
      checked += names.length;
    }
  }
  assert.ok(checked > 20, `only ${checked} imported names found in the docs' code examples: has the pattern changed?`);
  assert.deepEqual(wrong, []);
});

test("docs/architecture.md's window.heartmind lists what the preload exposes", () => {
  const said = /`window\.heartmind = \{ ([^}]+) \}`/.exec(archDoc())?.[1].split(/,\s*/).sort();
  const api = createBridgeApi({ invoke: async () => undefined, send: () => {} }, { platform: 'linux', versions: {} });
  assert.deepEqual(said, Object.keys(api).sort());
});

test("docs/architecture.md's map links every doc in docs/", () => {
  const doc = archDoc();
  const map = doc.slice(0, doc.indexOf('\n## '));
  const linked = [...map.matchAll(/\]\(([\w-]+\.md)\)/g)].map((m) => m[1]).sort();
  const docs = readdirSync('docs').filter((f) => f.endsWith('.md') && f !== 'architecture.md').sort();
  assert.deepEqual(linked, docs);
});

test("the shipped model's scores the README, models/README.md and docs/training.md give are its card's", () => {
  const card = JSON.parse(readFileSync('models/heartmind-eegmat-arithmetic/card.json', 'utf8')) as {
    evaluation: { metrics: { metric: string; value: number; sd: number; baseline: number; baselineSd: number }[] };
  };
  const m = (name: string) => card.evaluation.metrics.find((x) => x.metric === name)!;
  const f = (x: number) => x.toFixed(3);
  const auroc = m('auroc');
  const model = `${f(auroc.value)} ± ${f(auroc.sd)}`;
  const baseline = `${f(auroc.baseline)} ± ${f(auroc.baselineSd)}`;
  const arms = (key: 'value' | 'baseline') => ['auc_pr', 'balanced_accuracy', 'f1', 'kappa'].map((n) => f(m(n)[key])).join(' | ');
  const facts: [doc: string, words: string][] = [
    ['README.md', `it reaches AUROC **${model}**, while the simple baseline`],
    ['README.md', `reaches **${baseline}** on the same folds`],
    ['models/README.md', `AUROC **${model}**, against **${baseline}** for the simple baseline`],
    ['docs/training.md', `| fused, pretrained (shipped) | ${model} | ${arms('value')} |`],
    ['docs/training.md', `| **${baseline}** | ${arms('baseline')} |`],
  ];
  const flat = new Map([...text].map(([file, t]) => [file, t.replace(/\s+/g, ' ')]));
  assert.deepEqual(facts.filter(([doc, words]) => !flat.get(doc)!.includes(words)).map(([doc, words]) => `${doc}: "${words}"`), []);
});

test("the README's Alt+1… keys name the views in the navigation's order", () => {
  const m = /\*\*Alt\+1…(\d+)\*\* ([\w ,]+?) \(/.exec(text.get('README.md')!.replace(/\s+/g, ' '));
  assert.ok(m, "the README no longer gives the views' keys as '**Alt+1…N** A, B, … ('");
  // VIEWS' titles in order, read from its source (the node tsconfig does not compile the views' .tsx it imports)
  const views = [...readFileSync('src/renderer/src/shell/views.ts', 'utf8').matchAll(/^\s*\{ id: '[\w-]+', title: '([^']+)'/gm)].map((v) => v[1]);
  assert.ok(views.length >= 5, `only ${views.length} views found in src/renderer/src/shell/views.ts: has VIEWS' layout changed?`);
  assert.deepEqual({ keys: Number(m[1]), views: m[2].split(/,\s*/) }, { keys: views.length, views });
});

// docs/pipeline.md gives the pipeline's and the hub's listeners by name (its diagram and §9): the
// members of PipelineEvents and HubListener, read from their declarations.
test("docs/pipeline.md names every PipelineEvents and HubListener callback, and no other", () => {
  const members = (file: string, iface: string) => {
    const src = readFileSync(file, 'utf8');
    const body = src.slice(src.indexOf(`export interface ${iface} {`), src.indexOf('\n}', src.indexOf(`export interface ${iface} {`)));
    return [...body.matchAll(/^ {2}(\w+)\??\(/gm)].map((m) => m[1]).sort();
  };
  const hub = members('src/main/hub/hub.types.ts', 'HubListener');
  const pipeline = members('src/shared/pipeline/pipeline.types.ts', 'PipelineEvents');
  assert.ok(hub.length > 8 && pipeline.length > 8, `HubListener ${hub.length}, PipelineEvents ${pipeline.length} members found: has their layout changed?`);
  const doc = text.get('docs/pipeline.md')!;
  const diagram = /HubListener: ([\w,\s]+?)\n```/.exec(doc)?.[1].split(/,\s*/).sort();
  const subscribe = /hub\.subscribe\(\{ ([\w, ]+) \}\)/.exec(doc)?.[1].split(/,\s*/).sort();
  const events = /new Pipeline\(.*, \{\n([\s\S]*?)\n\}\);/.exec(doc)?.[1].match(/\b(\w+)(?=\(|:)/g)?.sort();
  assert.deepEqual({ diagram, subscribe, events }, { diagram: hub, subscribe: hub, events: pipeline });
});

test("docs/architecture.md's paragraph on src/shared names every file at its root", () => {
  const doc = archDoc();
  const from = doc.indexOf('`src/shared/` (pure)');
  const para = doc.slice(from, doc.indexOf('\n\n', from));
  const named = new Set([...para.matchAll(/`([\w.-]+\.ts)`/g)].map((m) => m[1]));
  const root = readdirSync('src/shared').filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));
  assert.deepEqual(root.filter((f) => !named.has(f)), []);
});
