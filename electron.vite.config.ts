import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';
import { contentSecurityPolicy } from './src/shared/ipc/content-security-policy';

// Three builds, one per runtime (electron-vite's layout):
//  main     → out/main: Electron main (index), the headless CLI / serve mode (cli), worker threads.
//             Another entry (a worker) is one more line in `input`.
//  preload  → out/preload: the typed contextBridge API, CommonJS because the renderer is sandboxed.
//  renderer → out/renderer: the UI, served by Electron (app://) or by `heartmind serve` (http).

/** Writes the CSP into index.html: strict in builds, relaxed for Vite's dev server (inline HMR styles). */
function cspMetaTag(): Plugin {
  let dev = false;
  return {
    name: 'heartmind-csp',
    configResolved(config) {
      dev = config.command === 'serve';
    },
    transformIndexHtml: {
      order: 'pre',
      handler: () => [
        { tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: contentSecurityPolicy({ dev }) }, injectTo: 'head-prepend' },
      ],
    },
  };
}

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          index: resolve('src/main/index.ts'),
          cli: resolve('src/main/cli.ts'),
          'db-worker': resolve('src/main/db/worker.node.ts'),
          'train-worker': resolve('src/main/train/train-worker.node.ts'),
          'import-worker': resolve('src/main/sessions/import-worker.node.ts'),
          'onnx-worker': resolve('src/main/model/onnx-worker.node.ts'),
          'inference-worker': resolve('src/main/model/inference-worker.node.ts'),
        },
        output: { format: 'es', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' },
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
    plugins: [cspMetaTag()],
    build: {
      outDir: 'out/renderer',
      // The renderer runs in Electron's Chromium or a current browser.
      target: 'es2022',
      // No inline <script> for the module preload polyfill: the CSP allows only files.
      modulePreload: { polyfill: false },
      rollupOptions: { input: { index: resolve('src/renderer/index.html') } },
    },
    worker: { format: 'es' },
  },
});
