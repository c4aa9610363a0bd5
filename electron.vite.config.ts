import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';

// Three builds, one per runtime (electron-vite's layout):
//  main     → out/main: Electron main (index), the headless CLI / serve mode (cli), worker threads.
//  preload  → out/preload: the typed contextBridge API, CommonJS because the renderer is sandboxed.
//  renderer → out/renderer: the UI, served by Electron (file://) or by `heartmind serve` (http).
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          index: resolve('src/main/index.ts'),
          cli: resolve('src/main/cli.ts'),
        },
        output: { format: 'es', entryFileNames: '[name].js' },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: resolve('src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'src/renderer',
    oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
    build: {
      outDir: 'out/renderer',
      rollupOptions: { input: { index: resolve('src/renderer/index.html') } },
    },
    worker: { format: 'es' },
  },
});
