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

const IMPORT_RE = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s*['"]([^'"]+)['"]/gm;

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(IMPORT_RE)].map((m) => m[1] ?? m[2] ?? m[3]);
}

const allowed: Record<Layer, Layer[]> = {
  shared: ['shared'],
  main: ['main', 'shared'],
  preload: ['preload', 'shared'],
  renderer: ['renderer', 'shared'],
};

test('imports point only to the same layer or down to shared', () => {
  const bad: string[] = [];
  for (const file of walk(SRC)) {
    const from = layerOf(file);
    for (const spec of importsOf(file)) {
      if (spec.startsWith('.')) {
        const target = resolve(dirname(file), spec);
        if (!target.startsWith(SRC)) continue;
        const to = layerOf(target);
        const typeOnlyPreload = from === 'renderer' && to === 'preload' && /\.d(\.ts)?$|types?$/.test(spec);
        if (!allowed[from].includes(to) && !typeOnlyPreload) bad.push(`${relative('.', file)} → ${spec}`);
      } else {
        // Bare built-in names ('fs', 'path/posix') are Node too.
        const isNode = spec.startsWith('node:') || spec === 'electron' || builtinModules.includes(spec.split('/')[0]);
        if (from === 'shared' && isNode) bad.push(`${relative('.', file)} → ${spec} (shared must stay pure)`);
        if (from === 'renderer' && isNode) bad.push(`${relative('.', file)} → ${spec} (renderer is a browser)`);
      }
    }
  }
  assert.deepEqual(bad, []);
});

test('only the preload and Electron main import electron', () => {
  const bad = walk(SRC)
    .filter((f) => importsOf(f).includes('electron'))
    .map((f) => relative(SRC, f))
    .filter((f) => !f.startsWith('preload') && !/^main[\\/](index|electron[\\/])/.test(f));
  assert.deepEqual(bad, []);
});

test('only Electron main reaches into src/main/electron (the folder tells the runtime)', () => {
  const ELECTRON_DIR = join(SRC, 'main', 'electron');
  const bad = walk(SRC)
    .filter((f) => !f.startsWith(ELECTRON_DIR) && f !== join(SRC, 'main', 'index.ts'))
    .flatMap((f) => importsOf(f).filter((spec) => spec.startsWith('.') && resolve(dirname(f), spec).startsWith(ELECTRON_DIR)).map((spec) => `${relative(SRC, f)} → ${spec}`));
  assert.deepEqual(bad, []);
});
