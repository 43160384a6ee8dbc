import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet, { type HelmetOptions } from 'helmet';

/**
 * The response headers helmet sets for `options`, computed once. With this policy they depend on
 * nothing in the request (no nonce, no directive computed per request), yet @fastify/helmet runs
 * helmet's whole middleware chain on every request to produce the very same ones: 2.7 % of the
 * service's CPU under the append-http filing load (its profile, bench/RESULTS.md).
 */
export function securityHeaders(options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers[name.toLowerCase()] = String(value);
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
  };
  let done = false;
  helmet(options)({} as IncomingMessage, response as unknown as ServerResponse, () => (done = true));
  // helmet's middlewares are synchronous; if a future one were not, its headers would be missing here.
  if (!done) throw new Error('helmet did not finish synchronously: the security headers cannot be computed once');
  return headers;
}
