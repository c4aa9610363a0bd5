// The renderer is served from app://heartmind/ rather than file://: a real origin, so the CSP's
// 'self', fetch() of model files and module workers behave as on the web; the same security
// headers as serve mode (CSP, cross-origin isolation for onnxruntime-web's threads); and nothing
// outside out/renderer can be read through it.
import { net, protocol } from 'electron';
import { pathToFileURL } from 'node:url';
import { mimeType, resolveStaticPath, securityHeaders } from '../serve/static-files';

export const APP_SCHEME = 'app';
export const APP_HOST = 'heartmind';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/** Must run before app 'ready'. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true, stream: true, codeCache: true } },
  ]);
}

/** Serves rendererDir under app://heartmind/. Call after 'ready'. */
export function serveAppScheme(rendererDir: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    const headers = securityHeaders();
    if (url.host !== APP_HOST || (request.method !== 'GET' && request.method !== 'HEAD')) {
      return new Response('not found', { status: 404, headers });
    }
    const file = resolveStaticPath(rendererDir, url.pathname);
    if (!file) return new Response('bad path', { status: 400, headers });
    const res = await net.fetch(pathToFileURL(file).toString());
    if (!res.ok) return new Response('not found', { status: 404, headers });
    return new Response(res.body, { status: 200, headers: { ...headers, 'Content-Type': mimeType(file) } });
  });
}
