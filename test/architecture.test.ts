// Layers import only downward, and a file's folder tells its runtime (house rules, STYLE.md).
// shared: pure (no Node, no DOM, no Electron); preload: shared + electron; main: shared + Node;
// renderer: shared + browser. Only the preload's type declarations cross into the renderer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinModules } from 'node:module';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';

const SRC = resolve('src');
const layers = ['shared', 'main', 'preload', 'renderer'] as const;
type Layer = (typeof layers)[number];

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : /\.(ts|tsx)$/.test(n) ? [p] : [];
  });
}

function layerOf(file: string): Layer {
  return relative(SRC, file).split(/[\\/]/)[0] as Layer;
}

interface Import {
  spec: string;
  /** `import type …` / `export type …`: erased at build time, so it costs the importer no runtime. */
  typeOnly: boolean;
}

// Static imports and re-exports (also across lines), dynamic import('…'), side-effect imports, require('…').
const IMPORT_RE = /(?:import|export)\s([^'"]*?)from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s*['"]([^'"]+)['"]|\brequire\(\s*['"]([^'"]+)['"]\s*\)/gm;

/** `type X`, `type { A }`, or `{ type A, type B }`: every name imported is a type. */
function isTypeOnlyClause(clause: string): boolean {
  if (/^type\s/.test(clause)) return true;
  const names = /^\{([^}]*)\}\s*$/.exec(clause.trim())?.[1].split(',').map((n) => n.trim()).filter(Boolean);
  return names !== undefined && names.length > 0 && names.every((n) => /^type\s/.test(n));
}

const FILES = walk(SRC);
const IMPORTS = new Map<string, Import[]>(
  FILES.map((file) => [
    file,
    [...readFileSync(file, 'utf8').matchAll(IMPORT_RE)].map((m) => ({ spec: m[2] ?? m[3] ?? m[4] ?? m[5], typeOnly: m[1] !== undefined && isTypeOnlyClause(m[1]) })),
  ]),
);
const importsOf = (file: string): string[] => IMPORTS.get(file)!.map((i) => i.spec);
const rel = (file: string) => relative(SRC, file).split(/[\\/]/).join('/');

/** A bare specifier's package: 'preact/hooks' → 'preact', '@jax-js/jax' → '@jax-js/jax', 'x?url' → 'x'. */
function packageOf(spec: string): string {
  const parts = spec.split('?')[0].split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}
const isNodeBuiltin = (spec: string) => spec.startsWith('node:') || builtinModules.includes(spec.split('/')[0]);

const allowed: Record<Layer, Layer[]> = {
  shared: ['shared'],
  main: ['main', 'shared'],
  preload: ['preload', 'shared'],
  renderer: ['renderer', 'shared'],
};

test('imports point only to the same layer or down to shared', () => {
  const bad: string[] = [];
  for (const file of FILES) {
    const from = layerOf(file);
    for (const { spec, typeOnly } of IMPORTS.get(file)!) {
      if (spec.startsWith('.')) {
        const target = resolve(dirname(file), spec);
        if (!target.startsWith(SRC)) continue;
        const to = layerOf(target);
        // The renderer sees the bridge's type (src/preload/index.d.ts), never its code.
        const typeOnlyPreload = from === 'renderer' && to === 'preload' && typeOnly;
        if (!allowed[from].includes(to) && !typeOnlyPreload) bad.push(`${relative('.', file)} → ${spec}`);
      } else {
        // Bare built-in names ('fs', 'path/posix') are Node too.
        const isNode = isNodeBuiltin(spec) || spec === 'electron';
        if (from === 'shared' && isNode) bad.push(`${relative('.', file)} → ${spec} (shared must stay pure)`);
        if (from === 'renderer' && isNode) bad.push(`${relative('.', file)} → ${spec} (renderer is a browser)`);
      }
    }
  }
  assert.deepEqual(bad, []);
});

// npm packages per layer. A package new to a layer is a decision (does it run there? is it pure?),
// so it is added here on purpose rather than slipping in with an import.
const PACKAGES: Record<Layer, string[]> = {
  // Pure ES: no Node, no DOM (docs/architecture.md, "Layers and runtimes").
  shared: ['@jax-js/jax', 'fflate', 'onnx-proto'],
  // Sandboxed preload: only Electron's own module is there to require.
  preload: ['electron'],
  renderer: ['preact', 'chart.js', 'onnxruntime-web'],
  main: ['electron', '@abandonware/noble', '@jax-js/jax', 'better-sqlite3', 'fflate', 'koffi', 'onnxruntime-web', 'pickleparser', 'serialport', 'webgpu', 'ws'],
};

test('each layer imports only the npm packages listed for it', () => {
  const bad: string[] = [];
  for (const file of FILES) {
    const layer = layerOf(file);
    for (const spec of importsOf(file)) {
      if (spec.startsWith('.') || isNodeBuiltin(spec)) continue;
      if (!PACKAGES[layer].includes(packageOf(spec))) bad.push(`${relative('.', file)} → ${spec} (not listed for src/${layer})`);
    }
  }
  assert.deepEqual(bad, []);
});

test('src imports only runtime dependencies (a devDependency is missing from an installed app)', () => {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { dependencies: Record<string, string> };
  // electron is a devDependency by convention: the app runs inside it rather than bundling it.
  const runtime = new Set([...Object.keys(pkg.dependencies), 'electron']);
  const bad = FILES.flatMap((file) =>
    IMPORTS.get(file)!
      .filter(({ spec, typeOnly }) => !typeOnly && !spec.startsWith('.') && !isNodeBuiltin(spec) && !runtime.has(packageOf(spec)))
      .map(({ spec }) => `${relative('.', file)} → ${spec}`),
  );
  assert.deepEqual(bad, []);
});

// better-sqlite3: only the database layer (the DB worker owns the file). onnxruntime-web: only the
// renderer's inference folder, which runs sessions one at a time, and in the core the one thread that
// runs a model over a recorded session (`heartmind sessions predict`, Run model). koffi: only the BrainFlow
// binding. noble: only the BLE central. serialport: only the serial link.
const OWNERS: Record<string, string | string[]> = {
  'better-sqlite3': 'main/db/',
  'onnxruntime-web': ['renderer/src/inference/', 'main/model/inference-worker.node.ts'],
  koffi: 'main/devices/brainflow/',
  '@abandonware/noble': 'main/devices/ble/',
  serialport: 'main/devices/serial/',
};

test('one place per native or backend library (house rules)', () => {
  const owners = OWNERS;
  const places = (spec: string) => [owners[packageOf(spec)] ?? []].flat();
  const bad = FILES.flatMap((file) =>
    importsOf(file)
      .filter((spec) => owners[packageOf(spec)] !== undefined && !places(spec).some((p) => rel(file).startsWith(p)))
      .map((spec) => `${rel(file)} → ${spec} (only ${places(spec).map((p) => `src/${p}`).join(' or ')} may)`),
  );
  assert.deepEqual(bad, []);
});

test('only the preload and Electron main import electron', () => {
  const bad = FILES
    .filter((f) => importsOf(f).includes('electron'))
    .map((f) => relative(SRC, f))
    .filter((f) => !f.startsWith('preload') && !/^main[\\/](index|electron[\\/])/.test(f));
  assert.deepEqual(bad, []);
});

test('only Electron main reaches into src/main/electron (the folder tells the runtime)', () => {
  const ELECTRON_DIR = join(SRC, 'main', 'electron');
  const bad = FILES
    .filter((f) => !f.startsWith(ELECTRON_DIR) && f !== join(SRC, 'main', 'index.ts'))
    .flatMap((f) => importsOf(f).filter((spec) => spec.startsWith('.') && resolve(dirname(f), spec).startsWith(ELECTRON_DIR)).map((spec) => `${relative(SRC, f)} → ${spec}`));
  assert.deepEqual(bad, []);
});

// A `.node.ts` file is a worker thread's entry: its top level runs as the worker (and refuses to run
// anywhere else), so other files take only its types, and each has its own bundle in the build.
const WORKER_ENTRIES = FILES.filter((f) => f.endsWith('.node.ts'));

test('worker entries (*.node.ts) live in src/main and are imported for their types only', () => {
  assert.ok(WORKER_ENTRIES.length > 0, 'no *.node.ts worker entries found: has the suffix changed?');
  const outside = WORKER_ENTRIES.filter((f) => layerOf(f) !== 'main').map(rel);
  const valueImports = FILES.flatMap((file) =>
    IMPORTS.get(file)!
      .filter(({ spec, typeOnly }) => spec.startsWith('.') && !typeOnly && WORKER_ENTRIES.includes(resolve(dirname(file), spec) + '.ts'))
      .map(({ spec }) => `${rel(file)} → ${spec}`),
  );
  assert.deepEqual({ outside, valueImports }, { outside: [], valueImports: [] });
});

test('every worker entry is an entry of the main build (electron.vite.config.ts)', () => {
  const config = readFileSync('electron.vite.config.ts', 'utf8');
  const missing = WORKER_ENTRIES.map((f) => `src/${rel(f)}`).filter((p) => !config.includes(`resolve('${p}')`));
  assert.deepEqual(missing, []);
});

test('the preload exposes one object, window.heartmind, and only it touches ipcRenderer', () => {
  const exposes = FILES.flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/exposeInMainWorld\(\s*['"]([^'"]+)['"]/g)].map((m) => `${rel(f)}: ${m[1]}`));
  assert.deepEqual(exposes, ['preload/index.ts: heartmind']);
  const ipcRenderer = FILES.filter((f) => /\bipcRenderer\b/.test(readFileSync(f, 'utf8').replace(/\/\/.*$|\/\*[\s\S]*?\*\//gm, ''))).map(rel);
  assert.deepEqual(ipcRenderer, ['preload/index.ts']);
});

// docs/architecture.md's "Layers and runtimes" is how a newcomer learns these rules: it says the
// same packages per layer and the same owner folders as this file holds the code to.
test("docs/architecture.md's layer table and owner folders are the ones enforced here", () => {
  const doc = readFileSync('docs/architecture.md', 'utf8');
  const section = doc.slice(doc.indexOf('## Layers and runtimes'), doc.indexOf('\n## ', doc.indexOf('## Layers and runtimes') + 1));
  const npmOf = (folder: string) => {
    const row = section.split('\n').find((l) => l.startsWith(`| \`${folder}\` |`));
    assert.ok(row, `no row for ${folder} in docs/architecture.md's layer table`);
    return (/npm: ([^|(]+)/.exec(row)?.[1] ?? '').split(',').map((p) => p.trim()).filter(Boolean).sort();
  };
  // electron has rows of its own (src/main/electron/, src/preload/), so the src/main row leaves it out
  assert.deepEqual(
    { shared: npmOf('src/shared/'), main: npmOf('src/main/'), renderer: npmOf('src/renderer/') },
    { shared: [...PACKAGES.shared].sort(), main: PACKAGES.main.filter((p) => p !== 'electron').sort(), renderer: [...PACKAGES.renderer].sort() },
  );
  const ownersSaid = /one owner folder per native or backend library \(([^)]*)\)/.exec(section.replace(/\s+/g, ' '))?.[1];
  assert.ok(ownersSaid, "docs/architecture.md no longer says 'one owner folder per native or backend library (…)'");
  const said = Object.fromEntries([...ownersSaid.matchAll(/([@\w/.-]+) in `src\/([\w/.-]+)`(?: and `src\/([\w/.-]+)`)?/g)].map((m) => [m[1], m[3] ? [m[2], m[3]] : m[2]]));
  assert.deepEqual(said, OWNERS);
});
