// The renderer's Content-Security-Policy, in one place: the build writes it into index.html as a
// meta tag, serve mode also sends it as a response header, Electron main sends it for every
// response of the app's own session.
//
// Only the app's own files run: no inline script, no eval. 'wasm-unsafe-eval' is the one
// exception, and only because onnxruntime-web and jax-js compile WebAssembly (it allows
// WebAssembly.compile/instantiate, not eval or new Function).

export interface CspOptions {
  /** Dev server (electron-vite dev): Vite injects styles inline and talks HMR over a WebSocket. */
  dev?: boolean;
  /** Delivered as an HTTP header (frame-ancestors is only honoured there). */
  header?: boolean;
}

export function contentSecurityPolicy(opts: CspOptions = {}): string {
  const directives: Record<string, string[]> = {
    'default-src': ["'none'"],
    'script-src': ["'self'", "'wasm-unsafe-eval'"],
    'style-src': opts.dev ? ["'self'", "'unsafe-inline'"] : ["'self'"],
    'img-src': ["'self'", 'data:', 'blob:'],
    'font-src': ["'self'"],
    // 'self' covers ws:/wss: to the page's own host (CSP 3), which is serve mode's WebSocket.
    'connect-src': opts.dev ? ["'self'", 'ws:', 'http://localhost:*'] : ["'self'"],
    'worker-src': ["'self'", 'blob:'],
    'media-src': ["'self'", 'blob:'],
    'object-src': ["'none'"],
    'base-uri': ["'none'"],
    'form-action': ["'none'"],
  };
  if (opts.header) directives['frame-ancestors'] = ["'none'"];
  return Object.entries(directives)
    .map(([k, v]) => `${k} ${v.join(' ')}`)
    .join('; ');
}
