import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { LimitsConfig } from '../config';
import { Problem } from '../errors';
import { securityHeaders } from './securityHeaders';
import { bearerToken, rememberVerified } from './verifiedTokens';

export type LimitsOptions = Pick<LimitsConfig, 'rateLimit'>;

/**
 * Who a request counts against: the verified JWT subject (party and sub) when the request
 * carries a valid token, else the client's IP. A token that does not verify counts against the
 * IP, so forging subjects cannot buy a fresh allowance.
 */
export async function rateLimitKey(request: FastifyRequest): Promise<string> {
  const header = request.headers.authorization;
  const token = typeof header === 'string' && header.length < 8192 ? bearerToken(header) : undefined;
  // verifyBearer is the auth plugin's, registered after this one (absent in an app without it).
  if (header && token && request.server.hasDecorator('verifyBearer')) {
    try {
      const verified = await request.server.verifyBearer(token);
      rememberVerified(request, header, { ok: true, result: verified });
      return `sub:${verified.party}:${String(verified.payload.sub)}`;
    } catch (error) {
      // not a valid token (or its party's keys are unavailable: authentication answers that)
      rememberVerified(request, header, { ok: false, error });
    }
  }
  return `ip:${request.ip}`;
}

/**
 * Per-client rate limiting (429 problem+json with Retry-After, through the problem handler)
 * and security headers. The body size limit and the HTTP timeouts that keep slow clients from
 * starving others are server options (app.ts, from the same LimitsConfig).
 */
export const limitsPlugin = fp(
  async function limits(app: FastifyInstance, options: LimitsOptions) {
    const headers = securityHeaders({
      // The API is served over plain HTTP behind the TLS terminator, and /docs loads only its
      // own scripts and styles: helmet's defaults, without forcing the browser to https.
      contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } },
    });
    // First of all hooks, so that every answer carries them, a 429 included; a route may
    // override one (the dashboard sets its own policy).
    app.addHook('onRequest', (_request, reply, done) => {
      reply.headers(headers);
      done();
    });
    await app.register(rateLimit, {
      // Not per route (that hook would run after the route's own authentication, so a flood of
      // bad tokens would be answered 401 without ever counting): one root onRequest hook, first
      // of all, for every route and for the 404 handler.
      global: false,
      keyGenerator: rateLimitKey,
      errorResponseBuilder: (_request, context) =>
        new Problem('too_many_requests', `Rate limit of ${context.max} requests exceeded; retry in ${context.after}`),
    });
    app.addHook('onRequest', app.rateLimit({ max: options.rateLimit.max, timeWindow: options.rateLimit.windowMs }));
  },
  { name: 'limits' },
);
