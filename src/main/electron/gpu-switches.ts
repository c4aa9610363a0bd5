// WebGPU in Electron's Chromium: on by default on Windows and macOS; on Linux it needs the
// 'unsafe' switch and the Vulkan backend. If the GPU process then keeps crashing (some drivers),
// a marker file makes the next start skip the switches: models fall back to WASM and the window
// keeps drawing. HEARTMIND_DISABLE_WEBGPU=1 skips them by hand.
import { app } from 'electron';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const MARKER = 'webgpu-disabled.txt';
const CRASHES_BEFORE_FALLBACK = 2;

export interface GpuSetup {
  webgpuSwitches: boolean;
  reason: string;
}

/** Must run before app 'ready' (command-line switches are read at GPU process start). */
export function applyGpuSwitches(): GpuSetup {
  if (process.env.HEARTMIND_DISABLE_WEBGPU === '1') return { webgpuSwitches: false, reason: 'HEARTMIND_DISABLE_WEBGPU=1' };
  const marker = join(app.getPath('userData'), MARKER);
  if (existsSync(marker)) return { webgpuSwitches: false, reason: `the GPU process crashed with WebGPU enabled; delete ${marker} to try again` };
  app.commandLine.appendSwitch('enable-unsafe-webgpu');
  if (process.platform === 'linux') app.commandLine.appendSwitch('enable-features', 'Vulkan');
  return { webgpuSwitches: true, reason: process.platform === 'linux' ? 'enable-unsafe-webgpu + Vulkan' : 'enable-unsafe-webgpu' };
}

/** Watches for GPU-process crashes; after a few, writes the marker and tells the log. */
export function watchGpuCrashes(setup: GpuSetup, log: (level: 'warn' | 'error', message: string) => void): void {
  let crashes = 0;
  app.on('child-process-gone', (_e, details) => {
    if (details.type !== 'GPU' || details.reason === 'clean-exit') return;
    crashes++;
    log('warn', `the GPU process exited (${details.reason}, code ${details.exitCode})`);
    if (setup.webgpuSwitches && crashes >= CRASHES_BEFORE_FALLBACK) {
      const marker = join(app.getPath('userData'), MARKER);
      writeFileSync(marker, `WebGPU switches disabled after ${crashes} GPU-process crashes (${new Date().toISOString()}).\n`);
      log('error', `WebGPU switches will be off from the next start (${marker}); models use WASM`);
    }
  });
}
