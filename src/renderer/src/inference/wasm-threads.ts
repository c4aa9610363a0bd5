// How many threads onnxruntime-web's WASM backend gets. Threads need SharedArrayBuffer, which only a
// cross-origin-isolated page has (serve mode and the app:// protocol send COOP/COEP on every
// response). ORT fixes the count when its WASM runtime starts, so it is chosen once per worker: a
// change of preference needs a new worker (inference-service.ts makes one).

/** 'auto', or a fixed thread count the user picked in the Models view. */
export type ThreadPreference = 'auto' | 1 | 2 | 4;
export const THREAD_PREFERENCES: readonly ThreadPreference[] = ['auto', 1, 2, 4];
/**
 * Beyond four threads a batch-1 model of this size gains little (its GEMMs are 95–200 rows), and
 * ORT's own default stops there too.
 */
export const MAX_WASM_THREADS = 4;

export function parseThreadPreference(v: unknown): ThreadPreference | null {
  return THREAD_PREFERENCES.find((p) => p === v || String(p) === v) ?? null;
}

/**
 * The thread count to ask ORT for, and why. 'auto' leaves one core to the page and the live
 * pipeline: on the 2-core development machine, under load, two ORT threads ran no faster than one in
 * Chromium and twice as slow in Node (every parallel section waits for a descheduled thread). A
 * fixed preference is honoured up to the core count (more threads than cores only wait on each other).
 */
export function wasmThreads(pref: ThreadPreference, cores: number, isolated: boolean): { threads: number; why: string } {
  if (!isolated) return { threads: 1, why: 'the page is not cross-origin isolated (no SharedArrayBuffer)' };
  const c = Math.max(1, Math.floor(cores) || 1);
  if (pref === 'auto') return { threads: Math.max(1, Math.min(MAX_WASM_THREADS, c - 1)), why: `auto: ${c} core${c === 1 ? '' : 's'}, one left to the page` };
  const threads = Math.min(pref, c, MAX_WASM_THREADS);
  return { threads, why: threads < pref ? `${pref} asked, ${c} core${c === 1 ? '' : 's'}` : 'as asked' };
}
