import { readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import { Problem } from '../errors';

/**
 * The page may load and call only this origin: its own script, its own stylesheet, its own
 * API. No inline script or style, no frames, no plugins; forms post nowhere else. Stricter
 * than the helmet policy the rest of the service has (plugins/limits.ts), so it is set here.
 */
export const dashboardPolicy = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const assets = {
  '/dashboard': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/dashboard/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/dashboard/app.css': { file: 'app.css', type: 'text/css; charset=utf-8' },
  '/dashboard/favicon.svg': { file: 'favicon.svg', type: 'image/svg+xml' },
} as const;

// Built by scripts/build.mjs (`npm start` and the tests' global setup build it): beside
// dist/main.mjs when the service runs bundled, in dist/ when it runs from these sources.
const builtDirs = [new URL('./dashboard/', import.meta.url), new URL('../../dist/dashboard/', import.meta.url)];

async function readAsset(file: string): Promise<Buffer | undefined> {
  for (const dir of builtDirs) {
    try {
      return await readFile(new URL(file, dir));
    } catch {
      // not in this place: try the next
    }
  }
  return undefined;
}

/** GET /dashboard: the statistics page (services/api/dashboard), the files of its build. */
export async function dashboardRoutes(app: FastifyInstance) {
  const cache = new Map<string, Buffer>();
  for (const [url, asset] of Object.entries(assets)) {
    app.get(url, { schema: { hide: true } }, async (_request, reply) => {
      let body = cache.get(asset.file);
      if (!body) {
        body = await readAsset(asset.file);
        if (!body) throw new Problem('unavailable', 'The dashboard has not been built: run `npm run build`');
        cache.set(asset.file, body);
      }
      return reply
        .header('content-security-policy', dashboardPolicy)
        .header('cache-control', 'no-cache')
        .header('x-content-type-options', 'nosniff')
        .type(asset.type)
        .send(body);
    });
  }
}
